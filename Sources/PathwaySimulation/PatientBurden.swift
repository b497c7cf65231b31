/// What a journey asks of the patient (the "no single front door" problem): the organisations
/// they deal with, the handoffs between them, their contacts (steps where they are seen, tested
/// or treated: not waits, and not meetings held without them), and the separate days on which
/// they have a contact.
///
/// Each replication keeps, for each outcome and each of the four measures, a count of finished
/// patients by value (0 to 62, and 63 for 63 or more), so means and percentiles need no
/// per-patient memory.
public enum PatientBurden {
    /// The four measures, in tally order.
    public enum Measure: Int, CaseIterable, Sendable {
        case organisations, handoffs, contacts, days

        /// The measure's name in reports.
        public var name: String {
            switch self {
            case .organisations: "organisations"
            case .handoffs: "handoffs"
            case .contacts: "contacts"
            case .days: "appointment days"
            }
        }
    }

    /// Values counted exactly; larger ones fall in the last bin.
    static let bins = 64

    static func tallySize(outcomes: Int) -> Int { outcomes * Measure.allCases.count * bins }

    /// One patient's burden so far, kept in one slot so the engine touches one place per contact.
    struct Journey: BitwiseCopyable {
        /// One bit per organisation (the first 64) where the patient had a contact, and how many
        /// bits are set (counted as they are set: cheaper than a population count at the end).
        var organisationBits: UInt64 = 0
        var organisations: Int32 = 0
        var handoffs: Int32 = 0
        var contacts: Int32 = 0
        var days: Int32 = 0
        var lastDay: Int32 = -1
        /// The outcome of the last path to end.
        var outcome: Int32 = -1

        /// A contact on simulation day `day` at `organisation`. Simulation time only moves
        /// forward, so a new day is one later than the last.
        @inline(__always)
        mutating func contact(day: Int32, organisation: Int32) {
            contacts &+= 1
            if day != lastDay {
                lastDay = day
                days &+= 1
            }
            if organisation >= 0 && organisation < 64 {
                let bit = UInt64(1) << UInt64(organisation)
                if organisationBits & bit == 0 {
                    organisationBits |= bit
                    organisations &+= 1
                }
            }
        }
    }

    @inline(__always)
    static func add(_ journey: Journey, outcomes: Int, to tally: borrowing FlatBuffer<Int>) {
        let outcome = Int(journey.outcome)
        guard outcome >= 0, outcome < outcomes else { return }
        let base = outcome * 4 * bins // four measures
        tally[base + min(Int(journey.organisations), bins - 1)] += 1
        tally[base + bins + min(Int(journey.handoffs), bins - 1)] += 1
        tally[base + 2 * bins + min(Int(journey.contacts), bins - 1)] += 1
        tally[base + 3 * bins + min(Int(journey.days), bins - 1)] += 1
    }

    /// The counts by value of `measure` for `outcome` (nil: every outcome) in one tally.
    static func counts(_ tally: [Int], measure: Measure, outcome: Int?, outcomes: Int) -> [Int] {
        var result = [Int](repeating: 0, count: bins)
        let stride = Measure.allCases.count * bins
        for o in 0..<outcomes where outcome == nil || outcome == o {
            let base = o * stride + measure.rawValue * bins
            guard base + bins <= tally.count else { continue }
            for v in 0..<bins { result[v] += tally[base + v] }
        }
        return result
    }

    /// Mean and 90th percentile of a count-by-value histogram (nil when empty).
    static func summary(_ counts: [Int]) -> (mean: Double, p90: Int)? {
        let n = counts.reduce(0, +)
        guard n > 0 else { return nil }
        var sum = 0
        for (v, c) in counts.enumerated() { sum += v * c }
        let rank = Int((0.9 * Double(n)).rounded(.up))
        var seen = 0
        for (v, c) in counts.enumerated() {
            seen += c
            if seen >= rank { return (Double(sum) / Double(n), v) }
        }
        return (Double(sum) / Double(n), counts.count - 1)
    }
}
