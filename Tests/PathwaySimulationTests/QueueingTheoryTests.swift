import Testing
@testable import PathwaySimulation

/// The simulator against closed-form queueing results.
@Suite struct QueueingTheoryTests {
    @Test func mm1MeanWaitMatchesTheClosedForm() throws {
        let pathway = try TestPathways.load("Examples/queueing/mm1.yaml")
        let report = try Simulator(pathway: pathway)
            .run(SimulationOptions(length: .patients(100_000), warmupDays: 2, replications: 8, seed: 7, jobs: 2))
        // lambda = 3 per hour, mu = 6 per hour: Wq = rho / (mu - lambda) = 0.5 / 3 h = 10 min.
        let expected = TestPathways.erlangCWait(servers: 1, lambda: 3, mu: 6) * 60
        let wait = try #require(report.steps.first { $0.id == "service" }).meanWaitMinutes
        #expect(abs(wait.mean - expected) / expected < 0.02, "mean wait \(wait.mean) min, theory \(expected) min")
        #expect(wait.low <= expected && expected <= wait.high, "theory outside the 95% interval \(wait.low)–\(wait.high)")
    }

    @Test func mmcMeanWaitMatchesErlangC() throws {
        let pathway = try TestPathways.load("Examples/queueing/mm3.yaml")
        let report = try Simulator(pathway: pathway)
            .run(SimulationOptions(length: .patients(100_000), warmupDays: 5, replications: 8, seed: 11, jobs: 2))
        // c = 3, lambda = 2 per hour, mu = 1 per hour: Erlang C gives Wq = 26.67 min.
        let expected = TestPathways.erlangCWait(servers: 3, lambda: 2, mu: 1) * 60
        let wait = try #require(report.steps.first { $0.id == "service" }).meanWaitMinutes
        #expect(abs(wait.mean - expected) / expected < 0.02, "mean wait \(wait.mean) min, Erlang C \(expected) min")
        let utilisation = try #require(report.resources.first).utilisation
        #expect(abs(utilisation.mean - 2.0 / 3) < 0.01)
    }

    @Test func littlesLawHoldsForThePathwayAndTheQueue() throws {
        let pathway = try TestPathways.load("Examples/queueing/mm1.yaml")
        let report = try Simulator(pathway: pathway)
            .run(SimulationOptions(length: .patients(50_000), warmupDays: 2, replications: 4, seed: 3, jobs: 2))
        // L = lambda W over the observation window, for patients in the pathway...
        let lambda = report.arrivalsPerDay.mean / 1440 // per minute
        let w = report.journeyMeanMinutes.mean
        let l = report.meanInPathway.mean
        #expect(abs(l - lambda * w) / l < 0.02, "L \(l) vs lambda W \(lambda * w)")
        // ... and Lq = lambda Wq for the queue.
        let lq = try #require(report.resources.first).meanQueue.mean
        let wq = try #require(report.steps.first).meanWaitMinutes.mean
        #expect(abs(lq - lambda * wq) / lq < 0.03, "Lq \(lq) vs lambda Wq \(lambda * wq)")
    }
}
