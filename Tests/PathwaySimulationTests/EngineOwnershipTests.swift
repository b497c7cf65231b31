import Testing
@testable import PathwaySimulation

/// The engine's hand-managed memory (issue 17): a replication owns its buffers, which free
/// themselves once; running a replication again starts over and gives the same tallies; and the
/// flat tables the engine reads answer exactly as the model's own types do.
@Suite struct EngineOwnershipTests {
    private func replication(_ path: String, patients: Int, warmupDays: Double = 0, seed: UInt64 = 3,
                             index: Int = 1) throws -> Replication<NoEventSink> {
        let model = try CompiledPathway(TestPathways.load(path))
        return Replication(model: model, length: .patients(patients), warmupMinutes: warmupDays * 1440,
                           drainLimitMinutes: 365 * 1440, seed: seed, replication: index, sink: NoEventSink())
    }

    /// With a copyable buffer freed by hand at the end of `run()`, a second run wrote into freed
    /// memory and freed it again (a crash, or garbage tallies). Now the second run starts from a
    /// fresh state and the same streams.
    @Test(arguments: ["Pathways/suspected-lung-cancer.yaml", "Pathways/hip-fracture.yaml", "Examples/queueing/mmc.yaml"])
    func runningAReplicationTwiceGivesTheSameTallies(path: String) throws {
        var twice = try replication(path, patients: 2_000, warmupDays: 5)
        let first = twice.run()
        let second = twice.run()
        #expect(first.finished > 0)
        #expect(first == second)
        var once = try replication(path, patients: 2_000, warmupDays: 5)
        #expect(once.run() == first)
    }

    @Test func aReplicationStoppedByTheMemoryLimitRunsAgainTheSame() throws {
        var r = try replication("Examples/queueing/mmc.yaml", patients: 50_000)
        r.maxPatientsAtOnce = 15
        let first = r.run()
        #expect(first.memoryStop != nil)
        #expect(r.run() == first)
    }

    @Test func theFlatResourceHoursAnswerAsOpeningHoursDo() throws {
        let model = try CompiledPathway(TestPathways.load("Pathways/suspected-lung-cancer.yaml"))
        let hours = ResourceHours(model.resourceHours)
        var rng = RandomStream(seed: 11, replication: 0)
        for r in model.resourceHours.indices {
            let week = model.resourceHours[r]
            for _ in 0..<2_000 {
                // Whole minutes (calendar edges), fractions, and far times.
                let a = rng.uniform() < 0.5 ? (rng.uniform() * 60_000).rounded() : rng.uniform() * 3_000_000
                let b = a + rng.uniform() * 20_000
                #expect(hours.isOpen(r, a) == week.isOpen(a))
                #expect(hours.openMinutes(r, from: a, to: b).bitPattern == week.openMinutes(from: a, to: b).bitPattern)
            }
        }
    }

    /// Days are found by multiplying by 1/1440, which can put an event at exactly midnight in
    /// the day before: order must still be exact, at midnights and across them.
    @Test func eventsAtMidnightsComeOutInOrder() {
        var calendar = EventCalendar()
        var expected: [(time: Double, id: Int32)] = []
        var id: Int32 = 0
        for day in stride(from: 400, through: 0, by: -1) {
            for offset in [0.0, -0.000_001, 1e-9, 0.5, -1] where Double(day) * 1440 + offset >= 0 {
                let t = Double(day) * 1440 + offset
                calendar.schedule(.enterStep, at: t, step: 0, patient: id)
                expected.append((t, id))
                id += 1
            }
        }
        expected.sort { $0.time < $1.time || ($0.time == $1.time && $0.id < $1.id) }
        var popped: [Int32] = []
        while let e = calendar.next() { popped.append(e.patient) }
        #expect(popped == expected.map(\.id))
    }
}
