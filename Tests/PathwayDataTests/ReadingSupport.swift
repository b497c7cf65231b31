import Foundation
import PathwayData
import PathwayLanguage
import PathwayModel
import PathwaySimulation
import Testing

/// Shared helpers for the event-log reader tests.
enum ReadingSupport {
    static let testsFolder: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repositoryRoot: URL = testsFolder.deletingLastPathComponent().deletingLastPathComponent()

    /// The path of a fixture log.
    static func fixture(_ name: String) -> String {
        testsFolder.appendingPathComponent("Fixtures/Logs/\(name)").path
    }

    /// A fixture's bytes.
    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture(name))))
    }

    /// Minutes since 1970 of a UTC date and time (by Foundation, independently of the reader).
    static func minutes(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Double = 0) -> Double {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)) ?? Date(timeIntervalSince1970: 0)
        return date.timeIntervalSince1970 / 60 + second / 60
    }

    /// GP referral -> CT scan (acute) -> lung MDT (centre), with an optional clinic off the CT.
    static let miniYAML = """
    carepath: 1
    id: mini
    title: Mini lung pathway
    version: "1"
    status: active
    organisations:
      gp: { name: GP practice, type: primary-care }
      acute: { name: Acute trust, type: acute }
      centre: { name: Cancer centre, type: specialist }
    arrivals: { rate: 10 per week }
    start: referral
    steps:
      referral: { kind: referral, title: GP referral, organisation: gp, duration: 1 day, next: ct-scan, handoff: { delay: 2 days } }
      ct-scan: { kind: test, title: CT scan, organisation: acute, duration: 20 min, next: clinic }
      clinic: { kind: assessment, title: Lung clinic, organisation: acute, duration: 30 min, next: mdt, handoff: { delay: 1 day } }
      mdt: { kind: meeting, title: Lung MDT, organisation: centre, duration: 1 hour, next: done }
      done: { kind: end, outcome: treated }
    """

    /// The mini pathway; fails the test when it does not load.
    static func mini() throws -> Pathway {
        let result = PathwayLoader().load(yaml: miniYAML, file: "mini.yaml")
        let pathway = try #require(result.validPathway, "mini.yaml: \(result.diagnostics.map(\.message))")
        return pathway
    }

    /// A shipped pathway.
    static func shipped(_ relativePath: String) throws -> Pathway {
        let result = PathwayLoader().load(file: repositoryRoot.appendingPathComponent(relativePath).path)
        return try #require(result.validPathway, "\(relativePath): \(result.diagnostics.map(\.message))")
    }

    /// Replication 1's event log of `pathway` in `format`, as carepath simulate writes it.
    static func simulatedLog(_ pathway: Pathway, patients: Int, format: EventLogWriter.Format, seed: UInt64 = 7) throws -> (bytes: [UInt8], events: Int) {
        final class Bytes: @unchecked Sendable { var data: [UInt8] = [] }
        let bytes = Bytes()
        let simulator = try Simulator(pathway: pathway)
        var sink: EventLogWriter? = EventLogWriter(format: format, model: simulator.model) { bytes.data += $0 }
        _ = simulator.run(SimulationOptions(length: .patients(patients), replications: 1, seed: seed), eventSink: &sink)
        sink?.finish()
        return (bytes.data, sink?.events ?? 0)
    }

    /// The cases with every origin cleared and indices replaced by names, for comparing logs
    /// read from different formats or files.
    static func comparable(_ log: EventLog) -> [ComparableCase] {
        log.cases.map { logCase in
            ComparableCase(id: logCase.id, attributes: logCase.attributes, events: logCase.events.map { event in
                ComparableEvent(activity: log.activities[Int(event.activity)], lifecycle: event.lifecycle, minutes: event.minutes,
                                organisation: event.organisation >= 0 ? log.organisations[Int(event.organisation)] : nil,
                                resource: event.resource >= 0 ? log.resources[Int(event.resource)] : nil)
            })
        }
    }

    struct ComparableEvent: Hashable {
        var activity: String
        var lifecycle: LogLifecycle
        var minutes: Double
        var organisation: String?
        var resource: String?
    }

    struct ComparableCase: Hashable {
        var id: String
        var attributes: [String: String]
        var events: [ComparableEvent]
    }

    /// The problems of one kind.
    static func problems(_ log: EventLog, _ kind: LogProblem.Kind) -> [LogProblem] {
        log.problems.filter { $0.kind == kind }
    }

    /// Reads in-memory text as one file.
    static func read(_ name: String, _ text: String, columns: LogColumns = LogColumns(), pathway: Pathway? = nil) throws -> EventLog {
        try LogReader.read(contents: [(name: name, bytes: Array(text.utf8))], columns: columns, pathway: pathway)
    }

    /// A temporary folder for a test, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-readers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
