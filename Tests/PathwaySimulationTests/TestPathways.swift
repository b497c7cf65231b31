import Foundation
import PathwayLanguage
import PathwayModel
@testable import PathwaySimulation

/// Pathways for tests: the shipped queueing examples, and small ones built in code.
enum TestPathways {
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// Loads a file from the repository, failing loudly if it does not load cleanly.
    static func load(_ relativePath: String) throws -> Pathway {
        let path = repositoryRoot.appendingPathComponent(relativePath).path
        let result = PathwayLoader().load(file: path)
        guard let pathway = result.validPathway else {
            throw LoadFailure(message: "\(relativePath): " + result.diagnostics.map(\.message).joined(separator: "; "))
        }
        return pathway
    }

    struct LoadFailure: Error { var message: String }

    /// One organisation, one resource, one step: a queue.
    static func queue(servers: Int, arrivalsPerHour: Double, meanServiceMinutes: Double,
                      calendar: OpeningCalendar? = nil) -> Pathway {
        Pathway(
            id: "queue", title: "Queue",
            organisations: [Organisation(id: "clinic", name: "Clinic", type: .other)],
            resources: [Resource(id: "server", organisation: "clinic", capacity: servers, calendar: calendar)],
            arrivals: .poisson(perDay: arrivalsPerHour * 24),
            start: "service",
            steps: [
                Step(id: "service", kind: .assessment, organisation: "clinic", resource: "server",
                     duration: .exponential(mean: meanServiceMinutes), next: "done"),
                Step(id: "done", kind: .end, outcome: "served"),
            ])
    }

    /// Mean wait in queue of an M/M/c queue (Erlang C), in the units of 1/mu.
    static func erlangCWait(servers c: Int, lambda: Double, mu: Double) -> Double {
        let a = lambda / mu
        let rho = a / Double(c)
        var term = 1.0, sum = 0.0
        for k in 0..<c {
            if k > 0 { term *= a / Double(k) }
            sum += term
        }
        let last = term * a / Double(c) / (1 - rho)
        let probabilityOfWaiting = last / (sum + last)
        return probabilityOfWaiting / (Double(c) * mu - lambda)
    }
}

/// Collects events in memory for checks.
struct RecordingSink: SimulationEventSink {
    struct Entry: Equatable {
        var step: Int
        var lifecycle: Lifecycle
        var patient: Int
        var minutes: Double
        var resource: Int
    }
    var entries: [Entry] = []
    var arrived: [Int: Double] = [:]
    var finished: [Int: Double] = [:]
    var isRecording: Bool { true }
    mutating func patientArrived(_ patient: Int, at minutes: Double) { arrived[patient] = minutes }
    mutating func step(_ step: Int, lifecycle: Lifecycle, patient: Int, at minutes: Double, organisation: Int, resource: Int) {
        entries.append(Entry(step: step, lifecycle: lifecycle, patient: patient, minutes: minutes, resource: resource))
    }
    mutating func patientFinished(_ patient: Int, at minutes: Double) { finished[patient] = minutes }
}
