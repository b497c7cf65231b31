import Foundation
import PathwayData
import PathwayLanguage
import PathwayModel
import PathwaySimulation

/// Pathways and event logs for the conformance tests: shipped files, small pathways written in
/// YAML here, simulated logs built in memory, and hand-written journeys.
enum ConformFixtures {
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    struct LoadFailure: Error, CustomStringConvertible { var description: String }

    /// A shipped pathway file, which must load without errors.
    static func load(_ relativePath: String) throws -> Pathway {
        let path = repositoryRoot.appendingPathComponent(relativePath).path
        let result = PathwayLoader().load(file: path)
        guard let pathway = result.validPathway else {
            throw LoadFailure(description: "\(relativePath): " + result.diagnostics.map(\.message).joined(separator: "; "))
        }
        return pathway
    }

    /// A pathway written in YAML in a test, which must load without errors.
    static func pathway(_ yaml: String) throws -> Pathway {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conform-\(UUID().uuidString).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let result = PathwayLoader().load(file: url.path)
        guard let pathway = result.validPathway else {
            throw LoadFailure(description: result.diagnostics.map(\.message).joined(separator: "; "))
        }
        return pathway
    }

    /// Minute 0 of a simulation (Monday 2024-01-01 00:00 UTC) in the log's minutes since 1970.
    static let simulationEpoch = 28_401_120.0

    /// Maps each activity to the step whose id it is.
    static func mappingByID(_ log: EventLog, _ pathway: Pathway) -> StepMapping {
        let index = pathway.stepIndex
        return StepMapping(step: log.activities.map { index[$0] })
    }

    /// Simulates `pathway` (one replication) and returns its report with replication 1's event
    /// log built in memory: activities are step ids, organisations their ids.
    static func simulate(_ pathway: Pathway, options: SimulationOptions) throws -> (report: SimulationReport, log: EventLog) {
        let simulator = try Simulator(pathway: pathway)
        var sink: LogBuildingSink? = LogBuildingSink(model: simulator.model)
        let report = simulator.run(options, eventSink: &sink)
        return (report, sink?.log(title: pathway.title) ?? EventLog())
    }

    /// Writes the simulator's CSV event log of replication 1 and returns its text with the report.
    static func simulateCSV(_ pathway: Pathway, options: SimulationOptions) throws -> (report: SimulationReport, csv: String) {
        let simulator = try Simulator(pathway: pathway)
        final class Bytes: @unchecked Sendable { var data: [UInt8] = [] }
        let bytes = Bytes()
        var sink: EventLogWriter? = EventLogWriter(format: .csv, model: simulator.model) { bytes.data += $0 }
        let report = simulator.run(options, eventSink: &sink)
        sink?.finish()
        return (report, String(decoding: bytes.data, as: UTF8.self))
    }

    /// A hand-written journey: `(activity, lifecycle, minute, organisation)` rows, interned.
    struct Journal {
        var activities: [String] = []
        var organisations: [String] = []
        var cases: [LogCase] = []

        mutating func add(_ id: String, _ rows: [(String, LogLifecycle, Double, String?)]) {
            var events: [LogEvent] = []
            for (i, row) in rows.enumerated() {
                let a = intern(row.0, in: &activities)
                let o = row.3.map { intern($0, in: &organisations) } ?? -1
                events.append(LogEvent(activity: a, lifecycle: row.1, minutes: row.2, organisation: o,
                                       origin: LogOrigin(file: 0, line: Int32(i + 2))))
            }
            cases.append(LogCase(id: id, events: events))
        }

        /// Each step as one `complete` event, a minute apart, at organisation `org`.
        mutating func steps(_ id: String, _ ids: [String], org: String? = nil, from start: Double = 0) {
            add(id, ids.enumerated().map { ($0.element, .complete, start + Double($0.offset), org) })
        }

        private func intern(_ text: String, in table: inout [String]) -> Int32 {
            if let i = table.firstIndex(of: text) { return Int32(i) }
            table.append(text)
            return Int32(table.count - 1)
        }

        var log: EventLog { EventLog(files: ["test.csv"], activities: activities, organisations: organisations, cases: cases) }
    }

    /// Replays a journal on `pathway`, activities mapped by step id.
    static func conform(_ pathway: Pathway, _ journal: Journal) -> ConformanceReport {
        let log = journal.log
        return ConformanceChecker(pathway: pathway).check(log, mapping: mappingByID(log, pathway))
    }

    /// Valid NHS numbers for hand-written journeys.
    static func nhs(_ k: Int) -> String { NHSNumber.synthetic(replication: 0, patient: k) }
}

/// Builds an `EventLog` in memory from the simulator's events, as a reader would from its CSV:
/// cases in order of their first event, events sorted by time with ties in emission order.
struct LogBuildingSink: SimulationEventSink {
    let model: CompiledPathway
    var activities: [String] = []
    var activityOfStep: [Int32] = []
    var byPatient: [Int: [LogEvent]] = [:]
    var line: Int32 = 1

    init(model: CompiledPathway) {
        self.model = model
        for id in model.stepIds {
            if let i = activities.firstIndex(of: id) { activityOfStep.append(Int32(i)) } else {
                activities.append(id)
                activityOfStep.append(Int32(activities.count - 1))
            }
        }
    }

    var isRecording: Bool { true }
    mutating func patientArrived(_ patient: Int, at minutes: Double) {}
    mutating func patientFinished(_ patient: Int, at minutes: Double) {}
    mutating func step(_ step: Int, lifecycle: Lifecycle, patient: Int, at minutes: Double, organisation: Int, resource: Int) {
        line += 1
        let l: LogLifecycle
        switch lifecycle {
        case .schedule: l = .arrival
        case .start: l = .start
        case .complete: l = .complete
        // A missed or cancelled appointment is no moment of a target clock: the readers leave it
        // out (and report it), and so does this.
        case .missed, .cancelled: return
        }
        // Milliseconds, as the CSV writes them.
        let t = (minutes * 60_000).rounded() / 60_000 + ConformFixtures.simulationEpoch
        byPatient[patient, default: []].append(LogEvent(activity: activityOfStep[step], lifecycle: l, minutes: t,
                                                        organisation: Int32(organisation), resource: Int32(resource),
                                                        origin: LogOrigin(file: 0, line: line)))
    }

    func log(title: String) -> EventLog {
        var cases: [LogCase] = []
        for (patient, events) in byPatient {
            let sorted = events.enumerated().sorted { ($0.element.minutes, $0.offset) < ($1.element.minutes, $1.offset) }.map(\.element)
            cases.append(LogCase(id: NHSNumber.synthetic(replication: 0, patient: patient), events: sorted))
        }
        cases.sort { ($0.events.first?.minutes ?? 0, $0.id) < ($1.events.first?.minutes ?? 0, $1.id) }
        return EventLog(files: ["simulated"], activities: activities, organisations: model.organisationIds,
                        resources: model.resourceIds, cases: cases)
    }
}
