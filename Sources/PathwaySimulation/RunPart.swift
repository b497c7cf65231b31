import Foundation
import PathwayModel

/// What makes two slices of replications pieces of one run: the command, the pathways (by
/// content hash), the seed, the number of replications and every option that changes the
/// figures. Parts merge only when their identities are equal.
///
/// Left out on purpose, because they do not change a finished run's figures: `--jobs` (each
/// replication's streams depend on the seed and its index alone) and `--max-memory` (a run that
/// hits the limit stops with an error and writes no part).
public struct RunIdentity: Sendable, Hashable {
    /// The command whose output the merged parts reproduce.
    public enum Command: String, Sendable, Hashable, CaseIterable {
        /// `carepath simulate FILE`: one pathway.
        case simulate
        /// `carepath diff --impact STANDARD VARIANT`: the standard's and the variant's runs.
        case impact

        /// The command as typed: `simulate` or `diff --impact`.
        public var commandLine: String { self == .simulate ? "simulate" : "diff --impact" }
    }

    /// The command that wrote the part.
    public var command: Command
    /// The version of carepath that wrote the part (`carepath --version`).
    public var carepathVersion: String
    /// `sha256:` and the SHA-256 of each pathway's canonical JSON (`RunPart.pathwayHash`), in
    /// the order of `RunPart.pathways`.
    public var pathwayHashes: [String]
    /// The run's seed.
    public var seed: UInt64
    /// Replications in the whole run (N).
    public var replications: Int
    /// The resolved run length of each replication.
    public var length: RunLength
    /// Days simulated before anything is counted.
    public var warmupDays: Double
    /// Days patients may take to finish after arrivals stop.
    public var drainLimitDays: Double
    /// Other settings of the command that change its output (for `impact`: the clinical
    /// weights), as text; compared like the rest.
    public var settings: [String: String]

    /// Creates an identity from its parts.
    public init(command: Command, carepathVersion: String, pathwayHashes: [String], seed: UInt64, replications: Int,
                length: RunLength, warmupDays: Double, drainLimitDays: Double, settings: [String: String] = [:]) {
        self.command = command
        self.carepathVersion = carepathVersion
        self.pathwayHashes = pathwayHashes
        self.seed = seed
        self.replications = replications
        self.length = length
        self.warmupDays = warmupDays
        self.drainLimitDays = drainLimitDays
        self.settings = settings
    }

    /// The simulation options that reproduce the run (one thread, the default memory limit).
    public var options: SimulationOptions {
        SimulationOptions(length: length, warmupDays: warmupDays, replications: replications, seed: seed, jobs: 1,
                          drainLimitDays: drainLimitDays)
    }

    /// The first way `self` differs from `other`, in words about `self` ("its seed is 2, not
    /// 1"), or `nil` when they are the same run.
    public func difference(from other: RunIdentity) -> String? {
        if command != other.command { return "it is a `\(command.commandLine)` run, not a `\(other.command.commandLine)` run" }
        if carepathVersion != other.carepathVersion { return "it was written by carepath \(carepathVersion), not \(other.carepathVersion)" }
        if pathwayHashes != other.pathwayHashes { return "it simulates other pathways (the pathway files' contents, or the paths they were read from, differ)" }
        if seed != other.seed { return "its seed is \(seed), not \(other.seed)" }
        if replications != other.replications { return "it is a slice of a run of \(replications) replications, not \(other.replications)" }
        if length != other.length { return "its run length is \(Self.describe(length)), not \(Self.describe(other.length))" }
        if warmupDays != other.warmupDays { return "its warm-up is \(warmupDays) days, not \(other.warmupDays)" }
        if drainLimitDays != other.drainLimitDays { return "its drain limit is \(drainLimitDays) days, not \(other.drainLimitDays)" }
        if settings != other.settings {
            let keys = Set(settings.keys).union(other.settings.keys).sorted().filter { settings[$0] != other.settings[$0] }
            return "its settings differ (\(keys.joined(separator: ", ")))"
        }
        return nil
    }

    static func describe(_ length: RunLength) -> String {
        switch length {
        case .patients(let n): "--patients \(n)"
        case .days(let d): "--days \(d)"
        }
    }
}

/// Replications *first…last* of a replicated run, with what is needed to merge them with the
/// other slices into the whole run's report: the run's identity, the pathways it simulates and
/// each replication's raw tallies. Written by `carepath simulate --replication-range A..B -o
/// PART` (and `diff --impact`), read by `carepath merge`; the file format is documented in
/// Docs/scale.md ("The part file").
public struct RunPart: Sendable, Equatable {
    /// The value of the file's `format` key.
    public static let formatName = "carepath-run-part"
    /// The version of the file format this build writes and reads.
    public static let formatVersion = 1

    /// Which run this part belongs to.
    public var identity: RunIdentity
    /// The first replication held, counting from 1.
    public var first: Int
    /// The last replication held (included).
    public var last: Int
    /// The simulated pathways, as resolved by the loader (subpathways inlined into the value,
    /// source locations kept for the run's warnings): one for `simulate`, standard then variant
    /// for `impact`.
    public var pathways: [Pathway]
    /// The tallies: `tallies[p][k]` is pathway `p`'s replication `first + k`.
    public var tallies: [[ReplicationTally]]

    /// Creates a part; `tallies[p]` must hold replications `first...last` of `pathways[p]`.
    public init(identity: RunIdentity, first: Int, last: Int, pathways: [Pathway], tallies: [[ReplicationTally]]) {
        self.identity = identity
        self.first = first
        self.last = last
        self.pathways = pathways
        self.tallies = tallies
    }

    /// `sha256:` followed by the SHA-256 (hex) of `pathway`'s canonical JSON (keys sorted):
    /// changes when anything in the pathway changes, including the path it was read from
    /// (warnings quote it).
    public static func pathwayHash(_ pathway: Pathway) throws -> String {
        let data = try canonicalEncoder().encode(pathway)
        return "sha256:" + SHA256.hexDigest([UInt8](data))
    }

    private static func canonicalEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    // MARK: - Writing

    /// The part as a file: one line of JSON (keys sorted) and a newline.
    public func encoded() throws -> Data {
        let file = PartFile(
            format: Self.formatName, formatVersion: Self.formatVersion,
            run: RunRecord(identity), first: first, last: last, pathways: pathways,
            replications: (first...last).enumerated().map { offset, replication in
                ReplicationRecord(replication: replication, tallies: tallies.map { TallyRecord($0[offset]) })
            })
        var data = try Self.canonicalEncoder().encode(file)
        data.append(0x0A)
        return data
    }

    // MARK: - Reading

    /// Reads a part file's bytes, checking everything `merge` relies on: the format and its
    /// version, the range, one tally per pathway and replication, the pathways' hashes, and
    /// each tally's shape against its compiled pathway. Throws `RunPartError` saying what is
    /// wrong (a truncated file, a file of another kind, a newer format).
    public static func decode(_ data: Data) throws -> RunPart {
        let decoder = JSONDecoder()
        let header: PartHeader
        do {
            header = try decoder.decode(PartHeader.self, from: data)
        } catch {
            let endsLikeJSON = data.last.map { $0 == 0x0A || $0 == 0x7D } ?? false // a newline or `}`
            if data.isEmpty { throw RunPartError("the file is empty") }
            if data.first == 0x7B && !endsLikeJSON { throw RunPartError("the file is cut short (truncated JSON): was it copied before its task finished?") }
            throw RunPartError("it is not a carepath part file (not JSON with a `format` key)")
        }
        guard header.format == formatName else {
            throw RunPartError("it is not a carepath part file (its format is '\(header.format)', not '\(formatName)')")
        }
        guard header.formatVersion == formatVersion else {
            let newer = header.formatVersion > formatVersion
            throw RunPartError("it is a part file of format version \(header.formatVersion); this carepath reads version \(formatVersion)\(newer ? ": merge with the carepath that wrote it, or a newer one" : "")")
        }
        let file: PartFile
        do {
            file = try decoder.decode(PartFile.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw RunPartError("the file is cut short or damaged (not valid JSON)")
        } catch {
            throw RunPartError("a field is missing or has the wrong type (\(Self.describe(error)))")
        }
        let identity = try file.run.identity()
        guard identity.replications >= 1 else { throw RunPartError("its run has \(identity.replications) replications") }
        guard file.first >= 1, file.first <= file.last, file.last <= identity.replications else {
            throw RunPartError("its range \(file.first)..\(file.last) is not within 1..\(identity.replications)")
        }
        let expectedPathways = identity.command == .simulate ? 1 : 2
        guard file.pathways.count == expectedPathways, identity.pathwayHashes.count == expectedPathways else {
            throw RunPartError("a `\(identity.command.rawValue)` part holds \(expectedPathways) pathway\(expectedPathways == 1 ? "" : "s"), this one \(file.pathways.count)")
        }
        for (pathway, hash) in zip(file.pathways, identity.pathwayHashes) where try pathwayHash(pathway) != hash {
            throw RunPartError("the pathway '\(pathway.id)' in it does not match its hash (the file was edited or damaged)")
        }
        guard file.replications.count == file.last - file.first + 1 else {
            throw RunPartError("it says it holds replications \(file.first)..\(file.last) but has \(file.replications.count)")
        }
        let models: [CompiledPathway]
        do {
            models = try file.pathways.map { try CompiledPathway($0) }
        } catch {
            throw RunPartError("its pathway cannot be simulated (\(error))")
        }
        var tallies = [[ReplicationTally]](repeating: [], count: expectedPathways)
        for (offset, record) in file.replications.enumerated() {
            guard record.replication == file.first + offset else {
                throw RunPartError("replication \(file.first + offset) is missing (found \(record.replication) in its place)")
            }
            guard record.tallies.count == expectedPathways else {
                throw RunPartError("replication \(record.replication) has \(record.tallies.count) tallies, not \(expectedPathways)")
            }
            for p in 0..<expectedPathways {
                do {
                    tallies[p].append(try record.tallies[p].tally(for: models[p]))
                } catch let error as RunPartError {
                    throw RunPartError("replication \(record.replication): \(error.message)")
                }
            }
        }
        return RunPart(identity: identity, first: file.first, last: file.last, pathways: file.pathways, tallies: tallies)
    }

    private static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "no `\(key.stringValue)` at \(path(context).isEmpty ? "the top" : path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "at \(path(context).isEmpty ? "the top" : path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    // MARK: - Merging

    /// Puts parts of one run together: the whole run's identity, pathways and tallies (every
    /// replication 1...N in order). Throws `RunPartError` naming the file (by its index in
    /// `names`) when parts come from different runs, overlap, or leave replications out.
    public static func merge(_ parts: [RunPart], names: [String]) throws -> RunPart {
        guard let firstPart = parts.first else { throw RunPartError("no part files to merge") }
        let name = { (i: Int) in i < names.count ? "'\(names[i])'" : "part \(i + 1)" }
        for (i, part) in parts.enumerated().dropFirst() {
            if let why = part.identity.difference(from: firstPart.identity) {
                throw RunPartError("\(name(i)) is not a part of the same run as \(name(0)): \(why)")
            }
        }
        let order = parts.indices.sorted { parts[$0].first < parts[$1].first }
        var next = 1
        var missing: [String] = []
        var previous: Int?
        for i in order {
            let part = parts[i]
            if part.first < next, let previous {
                throw RunPartError("\(name(i)) (replications \(part.first)..\(part.last)) overlaps \(name(previous)) (replications \(parts[previous].first)..\(parts[previous].last)): each replication must come from one part")
            }
            if part.first > next { missing.append(range(next, part.first - 1)) }
            next = part.last + 1
            previous = i
        }
        let n = firstPart.identity.replications
        if next <= n { missing.append(range(next, n)) }
        if !missing.isEmpty {
            throw RunPartError("replications \(missing.joined(separator: ", ")) of the \(n) are in none of the parts: run them with --replication-range and merge again")
        }
        var tallies = [[ReplicationTally]](repeating: [], count: firstPart.tallies.count)
        for i in order {
            for p in tallies.indices { tallies[p] += parts[i].tallies[p] }
        }
        return RunPart(identity: firstPart.identity, first: 1, last: n, pathways: firstPart.pathways, tallies: tallies)
    }

    private static func range(_ a: Int, _ b: Int) -> String { a == b ? "\(a)" : "\(a)..\(b)" }
}

/// Why a part file cannot be read or merged.
public struct RunPartError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, in words.
    public var message: String
    /// Creates an error with `message`.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

// MARK: - The file's records

private struct PartHeader: Decodable {
    var format: String
    var formatVersion: Int
}

private struct PartFile: Codable {
    var format: String
    var formatVersion: Int
    var run: RunRecord
    var first: Int
    var last: Int
    var pathways: [Pathway]
    var replications: [ReplicationRecord]
}

private struct RunRecord: Codable {
    var command: String
    var carepathVersion: String
    var pathwayHashes: [String]
    /// Text: a JSON number loses digits past 2^53 in many readers.
    var seed: String
    var replications: Int
    var patients: Int?
    var days: Double?
    var warmupDays: Double
    var drainLimitDays: Double
    var settings: [String: String]

    init(_ identity: RunIdentity) {
        command = identity.command.rawValue
        carepathVersion = identity.carepathVersion
        pathwayHashes = identity.pathwayHashes
        seed = String(identity.seed)
        replications = identity.replications
        switch identity.length {
        case .patients(let n): patients = n
        case .days(let d): days = d
        }
        warmupDays = identity.warmupDays
        drainLimitDays = identity.drainLimitDays
        settings = identity.settings
    }

    func identity() throws -> RunIdentity {
        guard let command = RunIdentity.Command(rawValue: command) else {
            throw RunPartError("its command '\(command)' is not one this carepath merges (simulate, impact)")
        }
        guard let seed = UInt64(seed) else { throw RunPartError("its seed '\(seed)' is not a whole number from 0 to 2^64-1") }
        let length: RunLength
        switch (patients, days) {
        case (let n?, nil) where n >= 1: length = .patients(n)
        case (nil, let d?) where d > 0 && d.isFinite: length = .days(d)
        default: throw RunPartError("its run length must be one of `patients` (1 or more) or `days` (more than 0)")
        }
        guard warmupDays >= 0, warmupDays.isFinite, drainLimitDays >= 0, drainLimitDays.isFinite else {
            throw RunPartError("its warm-up and drain limit must be days, 0 or more")
        }
        return RunIdentity(command: command, carepathVersion: carepathVersion, pathwayHashes: pathwayHashes, seed: seed,
                           replications: replications, length: length, warmupDays: warmupDays,
                           drainLimitDays: drainLimitDays, settings: settings)
    }
}

private struct ReplicationRecord: Codable {
    var replication: Int
    /// One per pathway of the part.
    var tallies: [TallyRecord]
}

/// `ReplicationTally`, field by field; the journey histogram as `[bin, count]` pairs of its
/// non-empty bins. A replication stopped for the memory limit is never written (its command
/// fails), so the record has no memory stop.
private struct TallyRecord: Codable {
    var patients: Int
    var finished: Int
    var arrivals: Int
    var events: Int
    var windowStart: Double
    var windowEnd: Double
    var horizon: Double
    var journeySum: Double
    var journeySumOfSquares: Double
    var journeyHistogram: [[Int]]
    var inPathwayArea: Double
    var targetMeasured: [Int]
    var targetMet: [Int]
    var targetMinutes: [Double]
    var targetUnstopped: [Int]
    var targetRunningLate: [Int]
    var targetRunningOpen: [Int]
    var unfinishedPlaces: [Int]
    var burden: [Int]
    var stepVisits: [Int]
    var stepWaitMinutes: [Double]
    var stepWaits: [Int]
    var resourceBusy: [Double]
    var resourceOutsideHours: [Double]
    var resourceQueueArea: [Double]
    var resourceOpenMinutes: [Double]
    var handoffs: [Int]
    var handoffMinutes: [Double]
    var outcomes: [Int]

    init(_ t: ReplicationTally) {
        patients = t.patients
        finished = t.finished
        arrivals = t.arrivals
        events = t.events
        windowStart = t.windowStart
        windowEnd = t.windowEnd
        horizon = t.horizon
        journeySum = t.journeySum
        journeySumOfSquares = t.journeySumOfSquares
        journeyHistogram = t.journeyHistogram.counts.enumerated().compactMap { $1 > 0 ? [$0, Int($1)] : nil }
        inPathwayArea = t.inPathwayArea
        targetMeasured = t.targetMeasured
        targetMet = t.targetMet
        targetMinutes = t.targetMinutes
        targetUnstopped = t.targetUnstopped
        targetRunningLate = t.targetRunningLate
        targetRunningOpen = t.targetRunningOpen
        unfinishedPlaces = t.unfinishedPlaces
        burden = t.burden
        stepVisits = t.stepVisits
        stepWaitMinutes = t.stepWaitMinutes
        stepWaits = t.stepWaits
        resourceBusy = t.resourceBusy
        resourceOutsideHours = t.resourceOutsideHours
        resourceQueueArea = t.resourceQueueArea
        resourceOpenMinutes = t.resourceOpenMinutes
        handoffs = t.handoffs
        handoffMinutes = t.handoffMinutes
        outcomes = t.outcomes
    }

    /// The tally, after checking every array has the shape the report reads for `model` (a
    /// wrong shape would index out of range) and every count is 0 or more.
    func tally(for model: CompiledPathway) throws -> ReplicationTally {
        let steps = model.steps.count, targets = model.targetIds.count, resources = model.resourceIds.count
        let organisations = model.organisationIds.count, outcomeCount = model.outcomeNames.count
        func check<T>(_ name: String, _ values: [T], _ counts: [Int]) throws {
            guard counts.contains(values.count) else {
                throw RunPartError("`\(name)` has \(values.count) values, not \(counts.map(String.init).joined(separator: " or "))")
            }
        }
        try check("targetMeasured", targetMeasured, [targets])
        try check("targetMet", targetMet, [targets])
        try check("targetMinutes", targetMinutes, [targets])
        try check("targetUnstopped", targetUnstopped, [targets])
        try check("targetRunningLate", targetRunningLate, [0, targets])
        try check("targetRunningOpen", targetRunningOpen, [0, targets])
        try check("unfinishedPlaces", unfinishedPlaces, [0, steps * UnfinishedPlace.allCases.count])
        try check("burden", burden, [PatientBurden.tallySize(outcomes: outcomeCount)])
        try check("stepVisits", stepVisits, [steps])
        try check("stepWaitMinutes", stepWaitMinutes, [steps])
        try check("stepWaits", stepWaits, [steps])
        try check("resourceBusy", resourceBusy, [resources])
        try check("resourceOutsideHours", resourceOutsideHours, [resources])
        try check("resourceQueueArea", resourceQueueArea, [resources])
        try check("resourceOpenMinutes", resourceOpenMinutes, [resources])
        try check("handoffs", handoffs, [organisations * organisations])
        try check("handoffMinutes", handoffMinutes, [organisations * organisations])
        try check("outcomes", outcomes, [outcomeCount])
        let counts = [patients, finished, arrivals, events] + targetMeasured + targetMet + targetUnstopped + targetRunningLate
            + targetRunningOpen + unfinishedPlaces + burden + stepVisits + stepWaits + handoffs + outcomes
        guard counts.allSatisfy({ $0 >= 0 }) else { throw RunPartError("a count is negative") }
        guard finished <= patients else { throw RunPartError("more patients finished (\(finished)) than were counted (\(patients))") }

        var t = ReplicationTally()
        t.patients = patients
        t.finished = finished
        t.arrivals = arrivals
        t.events = events
        t.windowStart = windowStart
        t.windowEnd = windowEnd
        t.horizon = horizon
        t.journeySum = journeySum
        t.journeySumOfSquares = journeySumOfSquares
        // The histogram's counts are only ever added to, so it is rebuilt by adding a value from
        // each bin as many times as the bin counts (at most `finished` additions in all).
        var total = 0
        var previousBin = -1
        for pair in journeyHistogram {
            guard pair.count == 2, pair[0] > previousBin, pair[0] < JourneyHistogram.binCount, pair[1] > 0,
                  pair[1] <= Int(UInt32.max) else {
                throw RunPartError("`journeyHistogram` must hold [bin, count] pairs with bins rising from 0 to \(JourneyHistogram.binCount - 1)")
            }
            previousBin = pair[0]
            total += pair[1]
            guard total <= finished else { break }
            let value = Self.value(inBin: pair[0])
            for _ in 0..<pair[1] { t.journeyHistogram.add(value) }
        }
        guard total == finished else {
            throw RunPartError("`journeyHistogram` counts \(total) journeys, not the \(finished) patients who finished")
        }
        t.inPathwayArea = inPathwayArea
        t.targetMeasured = targetMeasured
        t.targetMet = targetMet
        t.targetMinutes = targetMinutes
        t.targetUnstopped = targetUnstopped
        t.targetRunningLate = targetRunningLate
        t.targetRunningOpen = targetRunningOpen
        t.unfinishedPlaces = unfinishedPlaces
        t.burden = burden
        t.stepVisits = stepVisits
        t.stepWaitMinutes = stepWaitMinutes
        t.stepWaits = stepWaits
        t.resourceBusy = resourceBusy
        t.resourceOutsideHours = resourceOutsideHours
        t.resourceQueueArea = resourceQueueArea
        t.resourceOpenMinutes = resourceOpenMinutes
        t.handoffs = handoffs
        t.handoffMinutes = handoffMinutes
        t.outcomes = outcomes
        return t
    }

    /// A value that falls in histogram bin `bin`: its lower edge (0 for bin 0).
    static func value(inBin bin: Int) -> Double {
        guard bin > 0 else { return 0 }
        let first = UInt64(JourneyHistogram.lowestExponent + 1023) << JourneyHistogram.subBits
        return Double(bitPattern: (first + UInt64(bin - 1)) << (52 - JourneyHistogram.subBits))
    }
}
