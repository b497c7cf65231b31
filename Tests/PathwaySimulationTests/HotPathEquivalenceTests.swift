import Testing
import PathwayModel
@testable import PathwaySimulation

/// The engine's fast paths give exactly what the plain ones give (issue 17, second round).
@Suite struct HotPathEquivalenceTests {
    /// `FlatSampler` (the replication's flat copy) draws bit for bit what `Sampler.sample` draws,
    /// for every family, including after the ziggurat tables moved to flat pointers.
    @Test func flatSamplerDrawsWhatTheSamplerDraws() {
        let cases: [Distribution] = [
            .fixed(5), .uniform(min: 1, max: 3), .triangular(min: 1, mode: 2, max: 6), .exponential(mean: 4),
            .normal(mean: 10, sd: 2), .lognormal(mean: 20, sd: 5), .gamma(shape: 2, scale: 3), .gamma(shape: 0.5, scale: 2),
            .empirical([EmpiricalPoint(value: 1, weight: 0.2), EmpiricalPoint(value: 2, weight: 0.5), EmpiricalPoint(value: 3, weight: 0.3)]),
        ]
        var sampler = Sampler()
        let indices = cases.map { sampler.add($0) }
        let flat = FlatSampler(sampler)
        var a = RandomStream(seed: 17, replication: 2, purpose: 2)
        var b = a
        for round in 0..<50_000 {
            let i = indices[round % indices.count]
            let x = sampler.sample(i, &a), y = flat.sample(i, &b)
            #expect(x.bitPattern == y.bitPattern, "distribution \(i), draw \(round)")
            if x.bitPattern != y.bitPattern { return }
        }
    }

    /// The tables handed over as pointers give the same draws as the shared ones.
    @Test func zigguratThroughTablesMatchesTheSharedTables() {
        var a = RandomStream(seed: 5, replication: 0), b = a
        let e = ExponentialZiggurat.shared, n = NormalZiggurat.shared
        for _ in 0..<100_000 {
            #expect(a.standardExponential().bitPattern == b.zigguratExponential(e).bitPattern)
            #expect(a.standardNormal().bitPattern == b.zigguratNormal(n).bitPattern)
        }
    }

    /// `pushNewest` (times only) orders a just-scheduled event as `push` (time, then sequence)
    /// does, ties included.
    @Test func pushNewestOrdersAsPush() {
        var fast = DayQueue(), plain = DayQueue()
        var rng = RandomStream(seed: 11, replication: 0)
        var sequence: UInt32 = 0
        for round in 0..<20_000 {
            for _ in 0..<(round % 40 < 20 ? 2 : 1) {
                let event = Event(time: (rng.uniform() * 30).rounded(), sequence: sequence, kind: .workDone, step: 0, patient: 0)
                sequence += 1
                fast.pushNewest(event)
                plain.push(event)
            }
            for _ in 0..<(round % 40 < 20 ? 1 : 2) {
                let x = fast.pop(), y = plain.pop()
                #expect(x?.sequence == y?.sequence)
                if x?.sequence != y?.sequence { return }
            }
        }
    }
}

/// The calendar's held arrival comes out in (time, scheduling order) among the other events,
/// near and far, with ties, with a second arrival pending, and across quiet days.
@Suite struct HeldArrivalTests {
    @Test func arrivalsInterleaveInTimeThenSchedulingOrder() {
        var calendar = EventCalendar()
        var rng = RandomStream(seed: 23, replication: 0)
        var now = 0.0
        var id: Int32 = 0
        var expected: [(time: Double, id: Int32)] = []
        var popped: [(time: Double, id: Int32)] = []
        for round in 0..<30_000 {
            let choice = rng.uniform()
            let delay: Double
            if choice < 0.2 { delay = 0 } else if choice < 0.6 { delay = (rng.uniform() * 30).rounded() } else if choice < 0.9 { delay = rng.uniform() * 5 * 1440 } else { delay = rng.uniform() * 600 * 1440 }
            // Mostly arrivals (one held at a time, the rest filed as usual), some other events.
            let kind: EventKind = round % 3 == 0 ? .workDone : .arrival
            calendar.schedule(kind, at: now + delay, step: 0, patient: id)
            expected.append((now + delay, id))
            id += 1
            if round % 4 != 0, let e = calendar.next() {
                now = e.time
                popped.append((e.time, e.patient))
            }
        }
        while let e = calendar.next() { popped.append((e.time, e.patient)) }
        expectInOrder(popped, count: expected.count)
        let empty = calendar.isEmpty
        #expect(empty)
    }
}
