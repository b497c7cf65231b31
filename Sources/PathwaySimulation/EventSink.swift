/// Where in a step's life an event-log entry falls.
public enum Lifecycle: UInt8, Sendable {
    /// The patient arrives at a step with work and waits for it (for its resource, or a
    /// meeting's sitting); written `schedule`, the XES lifecycle model's name for it.
    case schedule
    /// Work on the step starts (the patient has the resource, or the sitting has begun).
    case start
    /// The step is complete (for instant steps such as decisions, the only entry).
    case complete
    /// The patient did not attend the appointment that was about to start (the slot is lost);
    /// written `did-not-attend` (XES `ate_abort`). The patient is rebooked.
    case missed
    /// The appointment was cancelled just before it started (the slot goes to the next patient);
    /// written `cancelled` (XES `withdraw`). The patient is rebooked.
    case cancelled
}

/// Receives the events of one replication as they happen, to write an event log or to check
/// behaviour in tests. The engine is generic over its sink, so a sink that records nothing costs
/// nothing.
public protocol SimulationEventSink {
    /// Whether the engine should report events at all.
    var isRecording: Bool { get }
    /// A patient (numbered from 0 in arrival order within the replication) arrives.
    mutating func patientArrived(_ patient: Int, at minutes: Double)
    /// A patient's step starts or completes. `organisation` and `resource` index the compiled
    /// pathway's `organisationIds` and `resourceIds` (-1: none).
    mutating func step(_ step: Int, lifecycle: Lifecycle, patient: Int, at minutes: Double,
                       organisation: Int, resource: Int)
    /// A patient's journey is over.
    mutating func patientFinished(_ patient: Int, at minutes: Double)
    /// The attributes just drawn for a patient who has just arrived, indexed like the compiled
    /// pathway's `attributeIds` (booleans 0 or 1, categories their index).
    mutating func patientAttributes(_ patient: Int, values: [Double])
    /// A patient of the backlog, placed at time 0, has been waiting since `minutes` (negative:
    /// before the run): the start of the target clocks that started before their step.
    mutating func patientWaiting(_ patient: Int, since minutes: Double)
}

extension SimulationEventSink {
    /// Ignores the attributes.
    public mutating func patientAttributes(_ patient: Int, values: [Double]) {}
    /// Ignores the backlog's waiting time.
    public mutating func patientWaiting(_ patient: Int, since minutes: Double) {}
}

/// A sink that records nothing; the engine's calls to it compile away.
public struct NoEventSink: SimulationEventSink {
    /// Creates the sink.
    public init() {}
    /// Always false.
    public var isRecording: Bool { false }
    /// Does nothing.
    @inline(__always) public mutating func patientArrived(_ patient: Int, at minutes: Double) {}
    /// Does nothing.
    @inline(__always) public mutating func step(_ step: Int, lifecycle: Lifecycle, patient: Int, at minutes: Double,
                                                organisation: Int, resource: Int) {}
    /// Does nothing.
    @inline(__always) public mutating func patientFinished(_ patient: Int, at minutes: Double) {}
}
