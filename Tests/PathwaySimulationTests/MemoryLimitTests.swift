import PathwayModel
@testable import PathwaySimulation
import Testing

/// The memory limit: refused up front when it is certain, stopped with a reason when queues grow.
struct MemoryLimitTests {
    @Test func aCohortTooLargeForTheLimitIsRefusedBeforeItStarts() throws {
        var pathway = TestPathways.queue(servers: 1, arrivalsPerHour: 1, meanServiceMinutes: 10)
        pathway.arrivals = .cohort(size: 5_000_000)
        let simulator = try Simulator(pathway: pathway)
        let tight = SimulationOptions(replications: 1, memoryLimitBytes: 64 << 20)
        let problem = try #require(simulator.memoryProblem(tight))
        #expect(problem.diagnostics.map(\.code) == ["CP530"])
        #expect(problem.diagnostics[0].message.contains("5,000,000 patients"))
        #expect(problem.diagnostics[0].message.contains("64 MiB"))
        // The same cohort fits a larger limit, and fewer patients fit the small one.
        #expect(simulator.memoryProblem(SimulationOptions(replications: 1, memoryLimitBytes: 8 << 30)) == nil)
        var fewer = tight
        fewer.length = .patients(1000)
        #expect(simulator.memoryProblem(fewer) == nil)
    }

    @Test func aBillionReplicationsAreRefusedBeforeAnythingIsAllocated() throws {
        let simulator = try Simulator(pathway: TestPathways.queue(servers: 1, arrivalsPerHour: 1, meanServiceMinutes: 10))
        let problem = try #require(simulator.memoryProblem(SimulationOptions(length: .patients(1), replications: 1_000_000_000)))
        #expect(problem.diagnostics.map(\.code) == ["CP532"])
        #expect(problem.diagnostics[0].message.contains("1,000,000,000 replications"))
        #expect(simulator.memoryProblem(SimulationOptions(length: .patients(1), replications: 1000)) == nil)
    }

    @Test func moreThreadsShareTheLimit() throws {
        var pathway = TestPathways.queue(servers: 1, arrivalsPerHour: 1, meanServiceMinutes: 10)
        let perPatient = MemoryBudget.bytesPerPatient(try Simulator(pathway: pathway).model)
        pathway.arrivals = .cohort(size: 1000)
        let simulator = try Simulator(pathway: pathway)
        let limit = perPatient * 1500
        #expect(simulator.memoryProblem(SimulationOptions(replications: 2, jobs: 1, memoryLimitBytes: limit)) == nil)
        #expect(simulator.memoryProblem(SimulationOptions(replications: 2, jobs: 2, memoryLimitBytes: limit)) != nil)
    }

    @Test func anOverloadedQueueStopsTheRunAndIsNamed() throws {
        // Arrivals at twice the capacity: the waiting line grows without end.
        let pathway = TestPathways.queue(servers: 1, arrivalsPerHour: 12, meanServiceMinutes: 10)
        let simulator = try Simulator(pathway: pathway)
        let perPatient = MemoryBudget.bytesPerPatient(simulator.model)
        let options = SimulationOptions(length: .days(365), replications: 2, jobs: 1, memoryLimitBytes: perPatient * 2000)
        let report = simulator.run(options)
        let stop = try #require(report.memoryStop)
        #expect(stop.replication == 1)
        #expect(stop.patientsAtOnce == 2000)
        #expect(stop.longestQueue?.resource == "server")
        #expect((stop.longestQueue?.waiting ?? 0) >= 1990)
        let error = try #require(simulator.memoryError(in: report))
        #expect(error.diagnostics.map(\.code) == ["CP531"])
        #expect(error.diagnostics[0].message.contains("'server'"))
    }

    @Test func aLimitThatIsNotReachedChangesNothing() throws {
        let pathway = try TestPathways.load("Pathways/suspected-lung-cancer.yaml")
        let simulator = try Simulator(pathway: pathway)
        let roomy = simulator.run(SimulationOptions(length: .patients(2000), replications: 2, seed: 9))
        let generous = simulator.run(SimulationOptions(length: .patients(2000), replications: 2, seed: 9, memoryLimitBytes: 64 << 30))
        #expect(roomy.memoryStop == nil)
        #expect(ReportFormatter.json(roomy) == ReportFormatter.json(generous))
    }

    @Test(arguments: [("8GiB", 8 << 30), ("512 MiB", 512 << 20), ("2g", 2 << 30), ("1.5GB", 3 << 29), ("1000", 1000)])
    func sizesReadAsPeopleWriteThem(text: String, bytes: Int) {
        #expect(MemoryBudget.parse(text) == bytes)
    }

    @Test func nonsenseSizesAreRejected() {
        for text in ["", "lots", "-1GiB", "8 parsecs", "1e999"] { #expect(MemoryBudget.parse(text) == nil, "\(text)") }
        #expect(MemoryBudget.describe(bytes: 8 << 30) == "8 GiB")
        #expect(MemoryBudget.describe(bytes: 3 << 29) == "1.5 GiB")
        #expect(MemoryBudget.grouped(31536) == "31,536")
        #expect(MemoryBudget.grouped(999) == "999")
        #expect(MemoryBudget.grouped(1_000_000) == "1,000,000")
    }
}
