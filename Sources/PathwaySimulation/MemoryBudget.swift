import Foundation
import PathwayModel

/// How much memory a run may use, and what one patient in the pathway costs.
///
/// The simulator keeps state only for patients in the pathway at the same moment (slots are
/// reused when a journey ends), so memory follows the busiest moment, not the number simulated.
/// That number is known before the run for a cohort (everyone arrives at once); with arrival
/// rates it grows only when a resource cannot keep up, so the run watches it and stops with a
/// clear message before the limit is passed.
public enum MemoryBudget {
    /// The default limit for one run, all threads together: 8 GiB.
    public static let defaultLimitBytes = 8 << 30

    /// Bytes for one patient in the pathway at once: the patient's slot (numbers, times,
    /// attributes, target clocks, join counters), a few scheduled events and a place in a
    /// waiting line, doubled for the spare room growing arrays keep.
    public static func bytesPerPatient(_ model: CompiledPathway) -> Int {
        let slot = 8 + 8 + 4 + 1 + 8 + 8 + 8 * model.attributeSamplers.count + 8 * model.targetIds.count + 4 * model.joinCount
        let events = 24 * 3
        let waiting = 24
        return 2 * (slot + events + waiting)
    }

    /// Bytes kept for each replication's results until the run ends: the journey-time histogram
    /// and the per-step, per-resource, per-target and per-handoff tallies.
    public static func bytesPerReplication(_ model: CompiledPathway) -> Int {
        let organisations = model.organisationIds.count
        let figures = 3 * model.steps.count + 3 * model.resourceIds.count + 4 * model.targetIds.count
            + 2 * organisations * organisations + model.outcomeNames.count
        return 4 * JourneyHistogram.binCount + 8 * figures + 1024
    }

    /// Patients each replication may hold at once when `threads` replications run together.
    static func patientsAtOnce(limitBytes: Int, threads: Int, model: CompiledPathway) -> Int {
        let perReplication = max(0, limitBytes) / max(1, threads)
        return min(perReplication / bytesPerPatient(model), Int(Int32.max) - 1)
    }

    /// A byte count for people: "8 GiB", "512 MiB", "3.2 GiB".
    public static func describe(bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) bytes" }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded)) \(units[unit])" : "\(rounded) \(units[unit])"
    }

    /// A count with thousands separators, for messages: 31,536.
    static func grouped(_ count: Int) -> String {
        let digits = String(count.magnitude)
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return count < 0 ? "-" + out : out
    }

    /// Reads "8 GiB", "512MiB", "2G", "1.5 GB" or a plain byte count; `nil` when it is not one.
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let number = Double(digits), number >= 0 else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let scale: Double
        switch unit {
        case "", "b", "bytes": scale = 1
        case "k", "kb", "kib": scale = 1024
        case "m", "mb", "mib": scale = 1024 * 1024
        case "g", "gb", "gib": scale = 1024 * 1024 * 1024
        case "t", "tb", "tib": scale = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        let bytes = number * scale
        return bytes < Double(Int.max) ? Int(bytes) : nil
    }
}

/// Why a replication stopped early: more patients were in the pathway at once than the memory
/// limit allows.
public struct MemoryStop: Sendable, Hashable {
    /// The replication that stopped (counting from 1).
    public var replication: Int
    /// Patients in the pathway when it stopped.
    public var patientsAtOnce: Int
    /// A resource's waiting line at that moment.
    public struct Queue: Sendable, Hashable {
        /// The resource's id.
        public var resource: String
        /// Patients waiting for it.
        public var waiting: Int

        public init(resource: String, waiting: Int) {
            self.resource = resource
            self.waiting = waiting
        }
    }

    /// The longest waiting line then, if anyone was waiting.
    public var longestQueue: Queue?

    public init(replication: Int, patientsAtOnce: Int, longestQueue: Queue?) {
        self.replication = replication
        self.patientsAtOnce = patientsAtOnce
        self.longestQueue = longestQueue
    }
}
