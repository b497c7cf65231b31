import PathwayModel

/// How calibration decides: how many observations a parameter needs before it is fitted, and
/// how strong the log's evidence must be before the standard's value is replaced.
public struct CalibrationOptions: Sendable, Hashable {
    /// Fewer observations than this and the parameter is skipped (left as the standard has it).
    public var minimumSample: Int
    /// The standard's value is kept unless the log departs from it at this significance level
    /// (Kolmogorov–Smirnov for distributions, chi-square for shares and arrivals); a weekly
    /// arrival profile is written only when the days differ at this level.
    public var significance: Double

    /// Options with these thresholds (30 observations, the 1% level by default).
    public init(minimumSample: Int = 30, significance: Double = 0.01) {
        self.minimumSample = minimumSample
        self.significance = significance
    }
}

/// What a finding is about.
public enum CalibrationAspect: String, Sendable, Hashable, CaseIterable {
    /// How patients arrive (rate or weekly profile).
    case arrivals
    /// A step's duration: from the start of its work to its completion.
    case duration
    /// A test's result delay: from its completion to the next step.
    case resultDelay = "result-delay"
    /// A handoff's delay: from the completion of the sending step to reaching the receiving one.
    case handoffDelay = "handoff-delay"
    /// The shares of a decision's branches.
    case branches
    /// A patient attribute's distribution.
    case attribute
    /// The shares of a step's appointments missed and cancelled.
    case attendance
}

/// What calibration did with one parameter.
public enum CalibrationOutcome: String, Sendable, Hashable, CaseIterable {
    /// The log departs from the standard: the overlay sets the fitted value.
    case changed
    /// The log agrees with the standard's value, which is kept.
    case agrees
    /// Too few observations, or the log cannot show it: left as the standard has it.
    case skipped
}

/// One change an overlay makes: `set: path` with `value` (YAML text).
public struct OverlayEdit: Sendable, Hashable {
    /// The overlay path: `steps.ct-chest.duration`.
    public var path: String
    /// The value as YAML text, quoted where the language needs it.
    public var value: String

    /// A `set` of `path` to `value`.
    public init(path: String, value: String) {
        self.path = path
        self.value = value
    }
}

/// What the log says about one parameter of the standard, and what calibration did with it.
public struct CalibrationFinding: Sendable, Hashable {
    /// What kind of parameter.
    public var aspect: CalibrationAspect
    /// Where it is in the pathway, as an overlay path (`steps.ct-chest.duration`, `arrivals`).
    public var path: String
    /// The parameter in words: `duration of 'ct-chest'`.
    public var subject: String
    /// Changed, agrees or skipped.
    public var outcome: CalibrationOutcome
    /// How many observations the log has of it.
    public var sampleSize: Int
    /// The standard's value, as written in the language (nil when the standard has none).
    public var standard: String?
    /// The value written to the overlay (changed only).
    public var fitted: String?
    /// For a change, its `reason` (sample size and fitted statistic); otherwise why it was kept
    /// or skipped.
    public var reason: String
    /// The overlay's changes for it (one per branch for a decision; empty unless changed).
    public var edits: [OverlayEdit]

    /// A finding; `edits` are the overlay changes it makes.
    public init(aspect: CalibrationAspect, path: String, subject: String, outcome: CalibrationOutcome, sampleSize: Int,
                standard: String? = nil, fitted: String? = nil, reason: String, edits: [OverlayEdit] = []) {
        self.aspect = aspect
        self.path = path
        self.subject = subject
        self.outcome = outcome
        self.sampleSize = sampleSize
        self.standard = standard
        self.fitted = fitted
        self.reason = reason
        self.edits = edits
    }
}

/// One event log file read for calibration, for the overlay's `evidence`.
public struct CalibrationLogFile: Sendable, Hashable {
    /// The path as given.
    public var path: String
    /// Events read from it.
    public var events: Int
    /// Journeys with at least one event in it.
    public var journeys: Int
    /// Its first and last event, in minutes since 1970-01-01T00:00Z (nil when it has none).
    public var first: Double?
    /// See `first`.
    public var last: Double?

    /// The file's `evidence` title: `event log trust.csv: 98,123 events of 4,012 journeys, 1 Jan 2024 to 28 Feb 2026`.
    public var evidenceTitle: String {
        var text = "event log \(path): \(CalibrationText.count(events)) events of \(CalibrationText.count(journeys)) journeys"
        if let first, let last { text += ", \(CalibrationText.date(first)) to \(CalibrationText.date(last))" }
        return text
    }
}

/// The result of calibrating a standard pathway against an event log: every finding, what an
/// event log cannot show, and the overlay that records what the log shows this trust does.
public struct Calibration: Sendable {
    /// The standard's id.
    public var pathwayID: String
    /// The standard's title.
    public var pathwayTitle: String
    /// The log files, in the order given.
    public var logFiles: [CalibrationLogFile]
    /// Journeys (cases) in the log.
    public var journeys: Int
    /// Events in the log.
    public var events: Int
    /// The thresholds used.
    public var options: CalibrationOptions
    /// One finding per parameter the log could say something about, in pathway order
    /// (arrivals, then steps, then attributes).
    public var findings: [CalibrationFinding]
    /// What no event log can show, left as the standard has it.
    public var notIdentifiable: [String]
    /// Other things the log shows that the overlay does not record (gaps the standard has no
    /// place for, journeys without a start).
    public var notes: [String]

    /// The findings that change the standard.
    public var changes: [CalibrationFinding] { findings.filter { $0.outcome == .changed } }
    /// The findings left alone for too few observations or because the log cannot show them.
    public var skipped: [CalibrationFinding] { findings.filter { $0.outcome == .skipped } }
}
