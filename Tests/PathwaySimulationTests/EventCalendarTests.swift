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
        expectInOrder(popped, count: expected.count)
        let empty = calendar.isEmpty // (#expect cannot borrow a property of a non-copyable value)
        #expect(empty)
    }

    @Test func todaysQueueGivesTheHeapsOrderAcrossTheSwitchBetweenListAndHeap() {
        var queue = DayQueue()
        var heap = EventHeap()
        var rng = RandomStream(seed: 3, replication: 0)
        var sequence: UInt32 = 0
        var switched = false
        // Bursts grow past the list's limit (so the queue becomes a heap) and drain to empty
        // (so it goes back to a list); ties in time are common.
        for round in 0..<2_000 {
            let pushes = round % 50 < 25 ? 3 : 1
            for _ in 0..<pushes {
                let event = Event(time: (rng.uniform() * 20).rounded(), sequence: sequence, kind: .arrival, step: 0, patient: 0)
                sequence += 1
                queue.push(event)
                heap.push(event)
            }
            switched = switched || queue.count > DayQueue.listLimit
            for _ in 0..<(round % 50 < 25 ? 1 : 3) {
                let a = queue.pop(), b = heap.pop()
                #expect(a?.sequence == b?.sequence)
                if a?.sequence != b?.sequence { return }
            }
        }
        #expect(switched)
        while let b = heap.pop() { #expect(queue.pop()?.sequence == b.sequence) }
        let empty = queue.isEmpty
        #expect(empty)
    }
}

/// Every scheduled event came out (`count` of them), in (time, sequence) order: the calendar's
/// promise, checked the same way by every calendar test.
func expectInOrder(_ popped: [(time: Double, id: Int32)], count: Int) {
    #expect(popped.count == count)
    for i in popped.indices.dropFirst() {
        let a = popped[i - 1], b = popped[i]
        let ordered = a.time < b.time || (a.time == b.time && a.id < b.id)
        #expect(ordered, "out of order at \(i)")
        if !ordered { break }
    }
}
