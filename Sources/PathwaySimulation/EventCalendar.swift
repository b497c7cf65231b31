/// What happens at a scheduled moment. Small integers so an event is a plain 24-byte struct.
enum EventKind: UInt8, Sendable {
    /// The next patient arrives.
    case arrival
    /// A token of a patient enters a step (after a handoff delay, or a parallel path starting).
    case enterStep
    /// A recurring meeting sits: the waiting patient joins the step's queue or starts.
    case sitting
    /// Hands-on work on a step ends (and the resource, if any, is released).
    case workDone
    /// A test's result comes back: the patient moves on.
    case resultReady
    /// A closed resource opens: start queued work.
    case resourceOpens
    /// The observation window closes (end of the run length in days).
    case windowCloses
    /// The warm-up ends: statistics start.
    case warmupEnds
}

/// One scheduled event: when, a sequence number that breaks ties in scheduling order (so runs
/// are deterministic), what, and for whom.
struct Event: Sendable {
    var time: Double
    var sequence: UInt32
    var kind: EventKind
    var step: Int32
    var patient: Int32
}

/// The future event list: a binary min-heap of plain structs ordered by (time, sequence).
///
/// No allocation per event (the array only grows), no classes or existentials: the hot loop
/// of the simulator is a pop, a switch on `kind`, and a few pushes.
struct EventCalendar: Sendable {
    private var heap: ContiguousArray<Event> = []
    private var nextSequence: UInt32 = 0

    init() { heap.reserveCapacity(1024) }

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    @inline(__always)
    private static func before(_ a: Event, _ b: Event) -> Bool {
        a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
    }

    /// Schedules an event; events at equal times come out in the order they were scheduled.
    @inline(__always)
    mutating func schedule(_ kind: EventKind, at time: Double, step: Int32 = -1, patient: Int32 = -1) {
        if nextSequence == UInt32.max { renumber() }
        let event = Event(time: time, sequence: nextSequence, kind: kind, step: step, patient: patient)
        nextSequence &+= 1
        heap.append(event)
        heap.withUnsafeMutableBufferPointer { h in
            var child = h.count - 1
            while child > 0 {
                let parent = (child - 1) >> 2
                if !EventCalendar.before(event, h[parent]) { break }
                h[child] = h[parent]
                child = parent
            }
            h[child] = event
        }
    }

    /// Removes and returns the earliest event.
    ///
    /// A 4-ary heap (half the depth of a binary one, and the four children share a cache line or
    /// two), popped Floyd's way: walk the hole down to a leaf along the smallest children, then
    /// sift the last element up from there — it is usually large, so that walk is short.
    @inline(__always)
    mutating func next() -> Event? {
        guard let last = heap.popLast() else { return nil }
        if heap.isEmpty { return last }
        return heap.withUnsafeMutableBufferPointer { h -> Event in
            let top = h[0]
            let n = h.count
            var hole = 0
            while true {
                let first = 4 * hole + 1
                if first >= n { break }
                var best = first
                let end = min(first + 4, n)
                var c = first + 1
                while c < end {
                    if EventCalendar.before(h[c], h[best]) { best = c }
                    c += 1
                }
                h[hole] = h[best]
                hole = best
            }
            while hole > 0 {
                let parent = (hole - 1) >> 2
                if !EventCalendar.before(last, h[parent]) { break }
                h[hole] = h[parent]
                hole = parent
            }
            h[hole] = last
            return top
        }
    }

    /// Gives pending events fresh sequence numbers from 0, keeping their order, when the 32-bit
    /// counter is about to wrap (after four billion events in one replication).
    private mutating func renumber() {
        heap.sort { EventCalendar.before($0, $1) } // a sorted array is a valid heap
        for i in heap.indices { heap[i].sequence = UInt32(i) }
        nextSequence = UInt32(heap.count)
    }
}
