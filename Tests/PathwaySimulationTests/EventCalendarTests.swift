import Testing
@testable import PathwaySimulation

/// The event calendar gives events back in (time, scheduling order), near or far.
@Suite struct EventCalendarTests {
    @Test func eventsComeOutInTimeThenSchedulingOrder() {
        var calendar = EventCalendar()
        var rng = RandomStream(seed: 8, replication: 0)
        var expected: [(time: Double, id: Int32)] = []
        var now = 0.0
        var id: Int32 = 0
        var popped: [(time: Double, id: Int32)] = []
        // Interleave scheduling and popping, with ties, same-day, far (beyond the 256-day ring)
        // and very far events.
        for round in 0..<20_000 {
            for _ in 0..<2 {
                let choice = rng.uniform()
                let delay: Double
                if choice < 0.2 { delay = 0 } else if choice < 0.5 { delay = (rng.uniform() * 60).rounded() } else if choice < 0.8 { delay = rng.uniform() * 20 * 1440 } else if choice < 0.95 { delay = rng.uniform() * 400 * 1440 } else { delay = 3000 * 1440 }
                calendar.schedule(.enterStep, at: now + delay, step: 0, patient: id)
                expected.append((now + delay, id))
                id += 1
            }
            if round % 3 != 0, let e = calendar.next() {
                now = e.time
                popped.append((e.time, e.patient))
            }
        }
        while let e = calendar.next() { popped.append((e.time, e.patient)) }
        #expect(popped.count == expected.count)
        for i in 1..<popped.count {
            let a = popped[i - 1], b = popped[i]
            #expect(a.time < b.time || (a.time == b.time && a.id < b.id), "out of order at \(i)")
            if !(a.time < b.time || (a.time == b.time && a.id < b.id)) { break }
        }
        #expect(calendar.isEmpty)
    }
}
