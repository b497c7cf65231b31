import Foundation
import PathwayModel
import Testing
@testable import PathwaySimulation

/// Part files (issue 17): slices of a run, written and read back, merge into the whole run's
/// report byte for byte; parts that do not make up one run are refused.
@Suite struct RunPartTests {
    static let files = ["Pathways/suspected-lung-cancer.yaml", "Pathways/hip-fracture.yaml",
                        "Pathways/acute-stroke.yaml", "Examples/queueing/theatre-overrun.yaml"]

    /// The replications 1...n cut into slices at `cuts` (each cut starts a new slice).
    static func slices(_ n: Int, cuts: [Int]) -> [ClosedRange<Int>] {
        let starts = [1] + cuts
        return starts.indices.map { i in starts[i]...((i + 1 < starts.count ? starts[i + 1] : n + 1) - 1) }
    }

    static func part(_ simulator: Simulator, _ options: SimulationOptions, _ range: ClosedRange<Int>) throws -> RunPart {
        let identity = RunIdentity(command: .simulate, carepathVersion: "test", pathwayHashes: [try RunPart.pathwayHash(simulator.pathway)],
                                   seed: options.seed, replications: options.replications,
                                   length: simulator.resolvedLength(options), warmupDays: options.warmupDays,
                                   drainLimitDays: options.drainLimitDays)
        return RunPart(identity: identity, first: range.lowerBound, last: range.upperBound, pathways: [simulator.pathway],
                       tallies: [simulator.runReplications(range, options)])
    }

    /// Writes the part and reads it back, as `merge` does.
    static func roundTrip(_ part: RunPart) throws -> RunPart { try RunPart.decode(try part.encoded()) }

    static func outputs(_ report: SimulationReport) -> [String] {
        [ReportFormatter.table(report), ReportFormatter.json(report), ReportFormatter.csv(report)]
    }

    @Test(arguments: files)
    func mergedSlicesPrintTheWholeRunByteForByte(file: String) throws {
        let simulator = try Simulator(pathway: try TestPathways.load(file))
        var options = SimulationOptions(length: .patients(600), warmupDays: 3, replications: 7, seed: 2026, jobs: 2)
        if file.contains("theatre") { options.length = .days(120) }
        let whole = Self.outputs(simulator.run(options))
        for cuts in [[], [2], [4, 5], [2, 3, 4, 5, 6, 7]] {
            let parts = try Self.slices(7, cuts: cuts).map { try Self.roundTrip(try Self.part(simulator, options, $0)) }
            // In any order: merge sorts the slices by their first replication.
            let merged = try RunPart.merge(parts.reversed(), names: [])
            #expect(merged.first == 1 && merged.last == 7)
            let decoded = try Simulator(pathway: merged.pathways[0])
            let report = decoded.report(merged.identity.options, tallies: merged.tallies[0])
            #expect(Self.outputs(report) == whole, "\(file) cut at \(cuts)")
            #expect(report.warnings == simulator.run(options).warnings)
        }
    }

    @Test func replicationKIsTheSameAloneAndInTheWholeRun() throws {
        let simulator = try Simulator(pathway: try TestPathways.load("Pathways/suspected-sepsis.yaml"))
        let options = SimulationOptions(length: .patients(400), replications: 5, seed: 11, jobs: 3)
        let whole = simulator.run(options).tallies
        for k in 1...5 {
            #expect(simulator.runReplications(k...k, options) == [whole[k - 1]])
        }
        #expect(simulator.runReplications(2...4, options) == Array(whole[1...3]))
    }

    @Test func aTallyReadBackEqualsTheOneWritten() throws {
        // Every field of ReplicationTally must travel: a field added to the tally but not to the
        // file would make this fail (ReplicationTally is compared field by field).
        let simulator = try Simulator(pathway: try TestPathways.load("Pathways/hip-fracture.yaml"))
        let options = SimulationOptions(length: .patients(500), replications: 2, seed: UInt64.max, jobs: 1)
        let part = try Self.part(simulator, options, 1...2)
        let back = try Self.roundTrip(part)
        #expect(back == part)
        #expect(back.identity.seed == UInt64.max)
        #expect(try back.encoded() == part.encoded())
    }

    @Test func partsOfDifferentRunsAreRefused() throws {
        let simulator = try Simulator(pathway: try TestPathways.load("Pathways/acute-stroke.yaml"))
        let options = SimulationOptions(length: .patients(200), replications: 4, seed: 1, jobs: 1)
        let a = try Self.part(simulator, options, 1...2)
        var otherSeed = options
        otherSeed.seed = 2
        var otherLength = options
        otherLength.length = .patients(201)
        var otherN = options
        otherN.replications = 5
        var otherWarmup = options
        otherWarmup.warmupDays = 1
        let other = try Simulator(pathway: try TestPathways.load("Pathways/suspected-dvt.yaml"))
        let cases: [(RunPart, String)] = [
            (try Self.part(simulator, otherSeed, 3...4), "its seed is 2, not 1"),
            (try Self.part(simulator, otherLength, 3...4), "its run length is --patients 201, not --patients 200"),
            (try Self.part(simulator, otherN, 3...5), "a run of 5 replications, not 4"),
            (try Self.part(simulator, otherWarmup, 3...4), "its warm-up is 1.0 days, not 0.0"),
            (try Self.part(other, options, 3...4), "it simulates other pathways"),
        ]
        for (b, why) in cases {
            let error = #expect(throws: RunPartError.self) { try RunPart.merge([a, b], names: ["a.part", "b.part"]) }
            #expect(error?.message.contains(why) == true, "\(error?.message ?? "no error")")
            #expect(error?.message.contains("'b.part' is not a part of the same run as 'a.part'") == true)
        }
        var version = try Self.part(simulator, options, 3...4)
        version.identity.carepathVersion = "9.9.9"
        let error = #expect(throws: RunPartError.self) { try RunPart.merge([a, version], names: []) }
        #expect(error?.message.contains("it was written by carepath 9.9.9, not test") == true, "\(error?.message ?? "no error")")
    }

    @Test func overlappingAndMissingRangesAreRefused() throws {
        let simulator = try Simulator(pathway: try TestPathways.load("Pathways/acute-stroke.yaml"))
        let options = SimulationOptions(length: .patients(200), replications: 6, seed: 1, jobs: 1)
        let p = { (r: ClosedRange<Int>) in try Self.part(simulator, options, r) }
        let overlap = #expect(throws: RunPartError.self) { try RunPart.merge([p(1...3), p(3...6)], names: ["x", "y"]) }
        #expect(overlap?.message == "'y' (replications 3..6) overlaps 'x' (replications 1..3): each replication must come from one part")
        let twice = #expect(throws: RunPartError.self) { try RunPart.merge([p(1...6), p(1...6)], names: ["x", "x"]) }
        #expect(twice?.message.contains("overlaps") == true)
        let gaps = #expect(throws: RunPartError.self) { try RunPart.merge([p(2...2), p(4...5)], names: []) }
        #expect(gaps?.message == "replications 1, 3, 6 of the 6 are in none of the parts: run them with --replication-range and merge again")
        let none = #expect(throws: RunPartError.self) { try RunPart.merge([], names: []) }
        #expect(none?.message == "no part files to merge")
    }

    @Test func damagedAndForeignFilesAreRefused() throws {
        let simulator = try Simulator(pathway: try TestPathways.load("Pathways/acute-stroke.yaml"))
        let options = SimulationOptions(length: .patients(200), replications: 3, seed: 1, jobs: 1)
        let good = try Self.part(simulator, options, 1...3).encoded()
        let text = String(decoding: good, as: UTF8.self)
        func refusal(_ data: Data) -> String? {
            #expect(throws: RunPartError.self) { try RunPart.decode(data) }?.message
        }
        #expect(refusal(good.prefix(good.count / 2))?.contains("cut short") == true)
        #expect(refusal(good.prefix(good.count - 3))?.contains("cut short") == true)
        #expect(refusal(Data())?.contains("empty") == true)
        #expect(refusal(Data("{\"hello\": 1}".utf8))?.contains("not a carepath part file") == true)
        #expect(refusal(Data("name,value\n".utf8))?.contains("not a carepath part file") == true)
        #expect(refusal(Data(text.replacingOccurrences(of: "\"carepath-run-part\"", with: "\"other\"").utf8))?.contains("its format is 'other'") == true)
        #expect(refusal(Data(text.replacingOccurrences(of: "\"formatVersion\":1", with: "\"formatVersion\":2").utf8))?.contains("format version 2") == true)
        #expect(refusal(Data(text.replacingOccurrences(of: "\"last\":3", with: "\"last\":4").utf8))?.contains("not within 1..3") == true)
        #expect(refusal(Data(text.replacingOccurrences(of: "\"first\":1", with: "\"first\":2").utf8))?.contains("holds replications 2..3 but has 3") == true)
        #expect(refusal(Data(text.replacingOccurrences(of: "\"id\":\"acute-stroke\"", with: "\"id\":\"edited\"").utf8))?.contains("does not match its hash") == true)
        #expect(refusal(Data(text.replacingOccurrences(of: "\"outcomes\":[", with: "\"outcomes\":[1,").utf8))?.contains("`outcomes` has") == true)
        #expect(refusal(Data(text.replacingOccurrences(of: "\"seed\":\"1\"", with: "\"seed\":\"-1\"").utf8))?.contains("seed") == true)
    }
}
