import PathwayModel

// The shared vocabulary of the PathwayData module: what a reader produces (an `EventLog` of
// cases joined by NHS number, with every problem it met) and what conformance and calibration
// consume (`Journey`s whose events are mapped to the pathway's steps).
//
// Times are minutes since 1970-01-01T00:00Z (UTC), as `Double`. A simulated log's time 0 is
// Monday 1 January 2024, 00:00 UTC, which is minute 28,401,120 here.

/// Where an event sits in a journey step's life, the three moments target clocks use.
public enum LogLifecycle: UInt8, Sendable, Hashable, CaseIterable {
    /// The patient reaches the step (XES `schedule`, carepath's `schedule`): a clock `on arrival`.
    case arrival
    /// The work starts, after any queue (XES `start`): a clock `on start`.
    case start
    /// The work is done (XES `complete`, and an event with no lifecycle): a clock `on completion`.
    case complete
    /// The patient did not attend the appointment (carepath `did-not-attend`, XES `ate_abort`):
    /// not a visit; the patient is rebooked and the step's wait runs on.
    case missed
    /// The appointment was cancelled before it started (carepath `cancelled`, XES `withdraw`):
    /// not a visit; the patient is rebooked.
    case cancelled
}

/// Where an event came from, for messages: the file (an index into `EventLog.files`) and the
/// line (CSV), or the event's position in the file (XES, OCEL) counting from 1.
public struct LogOrigin: Sendable, Hashable {
    /// Index into `EventLog.files`.
    public var file: Int32
    /// 1-based line (CSV) or event ordinal (XES, OCEL).
    public var line: Int32
    /// An origin in file `file` at `line`.
    public init(file: Int32, line: Int32) {
        self.file = file
        self.line = line
    }
}

/// One event of one case, with its strings interned in the log's tables so that a million
/// events stay small.
public struct LogEvent: Sendable, Hashable {
    /// Index into `EventLog.activities`.
    public var activity: Int32
    /// Which moment of the step this is.
    public var lifecycle: LogLifecycle
    /// When, in minutes since 1970-01-01T00:00Z.
    public var minutes: Double
    /// Index into `EventLog.organisations`, or -1 when the log does not say.
    public var organisation: Int32
    /// Index into `EventLog.resources`, or -1 when the log does not say.
    public var resource: Int32
    /// Where it was read.
    public var origin: LogOrigin

    /// An event of activity `activity` at `minutes`.
    public init(activity: Int32, lifecycle: LogLifecycle, minutes: Double, organisation: Int32 = -1,
                resource: Int32 = -1, origin: LogOrigin) {
        self.activity = activity
        self.lifecycle = lifecycle
        self.minutes = minutes
        self.organisation = organisation
        self.resource = resource
        self.origin = origin
    }
}

/// One patient's events from every file, joined by case id (the NHS number), in time order
/// (ties kept in the order read).
public struct LogCase: Sendable, Hashable {
    /// The case id as written (an NHS number, ten digits, for EPR and GP extracts).
    public var id: String
    /// The events, sorted by time.
    public var events: [LogEvent]
    /// Patient attributes the log carries (`case:age` columns, XES trace attributes, OCEL
    /// object attributes), by attribute id, as written.
    public var attributes: [String: String]

    /// A case with these events and attributes.
    public init(id: String, events: [LogEvent], attributes: [String: String] = [:]) {
        self.id = id
        self.events = events
        self.attributes = attributes
    }
}

/// Something wrong in the log that a reader met and did not silently drop.
public struct LogProblem: Sendable, Hashable {
    /// The kinds of problem, each counted in reports.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A case id that is not ten digits with a valid Modulus 11 check digit.
        case invalidNHSNumber = "invalid-nhs-number"
        /// A case handed off to an organisation whose extract was read but does not hold it.
        case missingFromNextOrganisation = "missing-from-next-organisation"
        /// Events of one case in one file not in time order as written.
        case outOfTimeOrder = "out-of-time-order"
        /// A row or element that could not be read (a bad timestamp, a missing column value).
        case unreadable
        /// An activity that maps to no step of the pathway.
        case unmappedActivity = "unmapped-activity"
    }
    /// What kind of problem.
    public var kind: Kind
    /// The case it concerns, if any.
    public var caseID: String?
    /// What is wrong, in words.
    public var message: String
    /// Where, if known.
    public var origin: LogOrigin?

    /// A problem of `kind`, about `caseID`, said by `message`, found at `origin`.
    public init(kind: Kind, caseID: String? = nil, message: String, origin: LogOrigin? = nil) {
        self.kind = kind
        self.caseID = caseID
        self.message = message
        self.origin = origin
    }
}

/// Every case read from one or more files, with the string tables the events index into and
/// every problem met on the way.
public struct EventLog: Sendable {
    /// The files read, in the order given.
    public var files: [String]
    /// Activity names as written.
    public var activities: [String]
    /// Organisation names as written.
    public var organisations: [String]
    /// Resource names as written.
    public var resources: [String]
    /// The cases, in order of their first event's time (ties by id).
    public var cases: [LogCase]
    /// Problems met while reading and joining.
    public var problems: [LogProblem]

    /// A log of these cases and tables.
    public init(files: [String] = [], activities: [String] = [], organisations: [String] = [],
                resources: [String] = [], cases: [LogCase] = [], problems: [LogProblem] = []) {
        self.files = files
        self.activities = activities
        self.organisations = organisations
        self.resources = resources
        self.cases = cases
        self.problems = problems
    }

    /// Number of events over all cases.
    public var eventCount: Int { cases.reduce(0) { $0 + $1.events.count } }
}

/// How the log's activities map to the pathway's steps: `step[a]` is the index in
/// `pathway.steps` of activity `a`, or nil when it maps to none (an unexpected step).
public struct StepMapping: Sendable, Hashable {
    /// Per activity index, the step index it stands for.
    public var step: [Int?]
    /// A mapping with these step indices.
    public init(step: [Int?]) { self.step = step }
}
