import Testing
@testable import PathwaySimulation

/// Same inputs, same bytes; different seeds, different results.
@Suite struct ReproducibilityTests {
    private func json(seed: UInt64, jobs: Int) throws -> String {
        let pathway = try TestPathways.load("Examples/queueing/mm3.yaml")
        let report = try Simulator(pathway: pathway)
            .run(SimulationOptions(length: .patients(5_000), warmupDays: 1, replications: 5, seed: seed, jobs: jobs))
        return ReportFormatter.json(report)
    }

    @Test func sameSeedGivesIdenticalBytes() throws {
        #expect(try json(seed: 42, jobs: 1) == json(seed: 42, jobs: 1))
    }

    @Test func oneAndTwoJobsGiveIdenticalBytes() throws {
        #expect(try json(seed: 42, jobs: 1) == json(seed: 42, jobs: 2))
        #expect(try json(seed: 42, jobs: 1) == json(seed: 42, jobs: 3))
    }

    @Test func differentSeedsGiveDifferentResults() throws {
        #expect(try json(seed: 1, jobs: 1) != json(seed: 2, jobs: 1))
    }

    @Test func replicationStreamsAreIndependentOfEachOther() {
        var a = RandomStream(seed: 5, replication: 0)
        var b = RandomStream(seed: 5, replication: 1)
        var c = RandomStream(seed: 6, replication: 0)
        let first = (0..<4).map { _ in a.next() }
        #expect(first != (0..<4).map { _ in b.next() })
        #expect(first != (0..<4).map { _ in c.next() })
        var again = RandomStream(seed: 5, replication: 0)
        #expect(first == (0..<4).map { _ in again.next() })
    }
}
