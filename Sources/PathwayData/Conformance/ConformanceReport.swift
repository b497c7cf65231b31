import PathwayModel

/// What `carepath conform` found when it replayed a log's journeys on a pathway: the share of
/// journeys that fit, each deviation with counts and example NHS numbers, target attainment
/// and the waits and handoff delays as measured, and the problems met reading the log.
///
/// Times are in minutes. Lists are in a fixed order, so the same log gives the same report.
public struct ConformanceReport: Sendable {
    /// The pathway's id.
    public var pathwayID: String
    /// The pathway's title.
    public var pathwayTitle: String
    /// The log files read, in the order given.
    public var files: [String]
    /// Journeys (cases) replayed.
    public var journeys: Int
    /// Events in them.
    public var events: Int
    /// Journeys with no deviation of any kind.
    public var fitting: Int
    /// Journeys that reached an end of the pathway (an end step, or nothing but steps the log
    /// may leave out between the last recorded step and an end); the rest were still in
    /// progress when the log ends.
    public var finished: Int
    /// Each kind of deviation: occurrences, journeys and example NHS numbers, in the order of
    /// `ConformanceDeviation.Kind.allCases` (kinds not found have zero counts).
    public var kinds: [KindTotal]
    /// Each deviation found: the kind, the step and what it concerns, most journeys first
    /// within each kind.
    public var deviations: [ConformanceDeviation]
    /// Per organisation (the pathway's, then any the log names that the pathway does not):
    /// journeys seen there and journeys with no deviation there.
    public var organisations: [OrganisationFit]
    /// Each target's attainment measured from the log.
    public var targets: [TargetMeasure]
    /// Waits before work started (start - arrival), per step the log records both for.
    public var waits: [StepWait]
    /// Handoff delays between organisations as measured (arrival at a step in the receiving
    /// organisation - completion of the step before it in the sending one).
    public var handoffs: [HandoffDelay]
    /// Problems the reader (and the activity mapping) met, per kind.
    public var problems: [ProblemSummary]
    /// What the measurement had to assume (a lifecycle the log lacks, a step it never records).
    public var notes: [String]
    /// The first event time of the log (minutes since 1970-01-01T00:00Z); nil for an empty log.
    public var logStart: Double?
    /// The last event time of the log: a clock still running then is judged against it.
    public var logEnd: Double?
    /// Every journey's verdict, in log order, when asked for (`ConformanceChecker.check(...,
    /// perJourney: true)`, `conform --journeys FILE`); empty otherwise.
    public var journeyVerdicts: [JourneyVerdict] = []

    /// One journey's verdict: whether it fits, whether it finished, and its kinds of deviation.
    public struct JourneyVerdict: Sendable, Hashable {
        /// The case id (NHS number).
        public var id: String
        /// Whether no deviation was counted against it.
        public var fits: Bool
        /// Whether it reached an end of the pathway.
        public var finished: Bool
        /// The kinds of deviation found in it, in `ConformanceDeviation.Kind` order.
        public var kinds: [ConformanceDeviation.Kind]
    }

    /// Whether every journey fits (and there was at least one).
    public var allFit: Bool { journeys > 0 && fitting == journeys }
    /// The share of journeys that fit, 0...1; nil without journeys.
    public var fitShare: Double? { journeys > 0 ? Double(fitting) / Double(journeys) : nil }

    /// Occurrences, journeys and examples of one kind of deviation.
    public struct KindTotal: Sendable, Hashable {
        /// The kind.
        public var kind: ConformanceDeviation.Kind
        /// How many times it was found.
        public var occurrences: Int
        /// In how many journeys.
        public var journeys: Int
        /// Up to three NHS numbers of journeys with it, in log order.
        public var examples: [String]
    }
}

/// One deviation of the log from the pathway: a kind, where, and how often.
public struct ConformanceDeviation: Sendable, Hashable {
    /// The kinds of deviation.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A step the pathway goes through that the log does not record (a step the log may
        /// leave out, such as a decision, never counts).
        case skippedStep = "skipped-step"
        /// An activity that maps to no step, or a step where the pathway cannot lead to it.
        case unexpectedStep = "unexpected-step"
        /// Two steps recorded the other way round from the pathway's order.
        case outOfOrder = "out-of-order"
        /// A step done by another organisation than the pathway says.
        case otherOrganisation = "other-organisation"
        /// A step that requires a data item ran, but no earlier step in the journey produced
        /// it, or it was not sent on at a handoff.
        case missingData = "missing-data"

        /// The kind in words, for a table heading.
        public var title: String {
            switch self {
            case .skippedStep: "step skipped"
            case .unexpectedStep: "unexpected step"
            case .outOfOrder: "steps out of order"
            case .otherOrganisation: "step done by another organisation"
            case .missingData: "data item never arrived"
            }
        }
    }

    /// What kind of deviation.
    public var kind: Kind
    /// The step it concerns (the one skipped, unexpected, done elsewhere or missing data; for
    /// out of order, the one the pathway puts first), or nil for an activity that maps to no step.
    public var step: String?
    /// The step's title, or the activity's name as the log writes it.
    public var name: String
    /// For out of order: the step the pathway puts after `step`, which the log recorded first.
    public var otherStep: String?
    /// For another organisation: the organisation the pathway names.
    public var expectedOrganisation: String?
    /// For missing data: the item.
    public var dataItem: String?
    /// For missing data: whether an earlier step had produced it (it was then lost at a handoff
    /// whose `sends` list leaves it out).
    public var lostAtHandoff: Bool
    /// The organisation it is counted against (who did the step, or where it should have been
    /// done), as the pathway's id or the log's name; nil when unknown.
    public var organisation: String?
    /// Times found.
    public var occurrences: Int
    /// Journeys it was found in.
    public var journeys: Int
    /// Up to three NHS numbers of journeys with it, in log order.
    public var examples: [String]
    /// The deviation in one sentence, for clinical leads and analysts.
    public var message: String
}

/// The share of journeys that fit in one organisation.
public struct OrganisationFit: Sendable, Hashable {
    /// The pathway's id for it, or the log's name when the pathway does not name it.
    public var id: String
    /// Its name.
    public var name: String
    /// Whether the pathway names it.
    public var inPathway: Bool
    /// Journeys with an event there (or a deviation counted against it).
    public var journeys: Int
    /// Of those, journeys with no deviation counted against it.
    public var fitting: Int
    /// `fitting / journeys`, or nil without journeys.
    public var share: Double? { journeys > 0 ? Double(fitting) / Double(journeys) : nil }
}

/// One target's attainment measured from a log, with the simulator's clock rules.
public struct TargetMeasure: Sendable, Hashable {
    /// The target's id.
    public var id: String
    /// Its title (the id when it has none).
    public var title: String
    /// The time allowed, in minutes.
    public var withinMinutes: Double
    /// The share that should make it, 0...1.
    public var standard: Double
    /// When at `from` the clock starts.
    public var starts: ClockPoint
    /// When at a `to` step the clock stops.
    public var stops: ClockPoint
    /// Journeys whose clock stopped.
    public var measured: Int
    /// Of those, the ones within the limit.
    public var met: Int
    /// Journeys still in progress at the end of the log whose clock was past the limit (breaches).
    public var runningLate: Int
    /// Journeys still in progress at the end of the log whose clock was within the limit (open:
    /// neither met nor missed).
    public var runningOpen: Int
    /// Finished journeys whose clock started but never stopped (a route without a `to` step).
    public var notStopped: Int
    /// Mean clock time of the journeys whose clock stopped, in minutes.
    public var meanMinutes: Double?
    /// Why the logs cannot measure this target at all (they record none of the steps where its
    /// clock stops, or the step where it starts), or nil when they can.
    public var notMeasurable: String? = nil
    /// Why the attainment is only a lower bound (the logs never record some of the steps where
    /// its clock stops, so journeys that went there have clocks that never stop), or nil.
    public var lowerBoundOnly: String? = nil
    /// `met / (measured + runningLate)`, or nil when nothing was measured or it cannot be.
    public var attainment: Double? {
        guard notMeasurable == nil else { return nil }
        let denominator = measured + runningLate
        return denominator > 0 ? Double(met) / Double(denominator) : nil
    }
    /// Whether the attainment reaches the standard (nil when not measured, or when only a lower
    /// bound below the standard is known).
    public var meetsStandard: Bool? {
        guard let a = attainment else { return nil }
        if lowerBoundOnly != nil && a < standard { return nil }
        return a >= standard
    }
}

/// Count, mean, median and 90th percentile of some times, in minutes. Percentiles are the
/// value at rank ⌈p·n⌉ of the sorted times.
public struct TimeSummary: Sendable, Hashable {
    /// How many times.
    public var count: Int
    /// Their mean.
    public var meanMinutes: Double
    /// Their median (the value at rank ⌈n/2⌉).
    public var medianMinutes: Double
    /// Their 90th percentile (the value at rank ⌈0.9·n⌉).
    public var p90Minutes: Double

    /// The summary of `values` (not empty).
    init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        meanMinutes = sorted.reduce(0, +) / Double(max(1, sorted.count))
        func rank(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let r = Int((p * Double(sorted.count)).rounded(.up))
            return sorted[min(sorted.count - 1, max(0, r - 1))]
        }
        medianMinutes = rank(0.5)
        p90Minutes = rank(0.9)
    }
}

/// Waits before one step's work started, as recorded.
public struct StepWait: Sendable, Hashable {
    /// The step's id.
    public var step: String
    /// Its title (the id when it has none).
    public var title: String
    /// The waits, in minutes.
    public var wait: TimeSummary
}

/// Handoff delays from one organisation to another, as recorded.
public struct HandoffDelay: Sendable, Hashable {
    /// The sending organisation, as the pathway's id or the log's name.
    public var from: String
    /// The receiving organisation.
    public var to: String
    /// The delays, in minutes.
    public var delay: TimeSummary
}

/// The problems of one kind the reader met.
public struct ProblemSummary: Sendable, Hashable {
    /// The kind of problem.
    public var kind: LogProblem.Kind
    /// How many were found.
    public var count: Int
    /// Up to three NHS numbers (case ids as written) it concerns.
    public var examples: [String]
    /// The first problem's message, as an example of the wording.
    public var firstMessage: String
}
