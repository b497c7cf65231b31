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

/// A 4-ary min-heap of events ordered by (time, sequence), popped Floyd's way: walk the hole
/// down to a leaf along the smallest children, then sift the last element up from there (it is
/// usually large, so that walk is short).
struct EventHeap: Sendable {
    private(set) var items: ContiguousArray<Event> = []

    init() { items.reserveCapacity(256) }

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }
    var first: Event? { items.first }

    @inline(__always)
    static func before(_ a: Event, _ b: Event) -> Bool {
        a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
    }

    @inline(__always)
    mutating func push(_ event: Event) {
        items.append(event)
        items.withUnsafeMutableBufferPointer { h in
            var child = h.count - 1
            while child > 0 {
                let parent = (child - 1) >> 2
                if !EventHeap.before(event, h[parent]) { break }
                h[child] = h[parent]
                child = parent
            }
            h[child] = event
        }
    }

    @inline(__always)
    mutating func pop() -> Event? {
        guard let last = items.popLast() else { return nil }
        if items.isEmpty { return last }
        return items.withUnsafeMutableBufferPointer { h -> Event in
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
                    if EventHeap.before(h[c], h[best]) { best = c }
                    c += 1
                }
                h[hole] = h[best]
                hole = best
            }
            while hole > 0 {
                let parent = (hole - 1) >> 2
                if !EventHeap.before(last, h[parent]) { break }
                h[hole] = h[parent]
                hole = parent
            }
            h[hole] = last
            return top
        }
    }

    mutating func removeAll() -> ContiguousArray<Event> {
        defer { items.removeAll(keepingCapacity: true) }
        return items
    }
}

/// Today's events: a short list kept sorted latest first (so the next event is the last, popped
/// in constant time, and a new one is placed by a short backward scan), which becomes a heap when
/// a busy day holds more than `listLimit` events and goes back to a list once the heap empties.
/// A queue of a few dozen events is faster as a sorted list than as any heap.
struct DayQueue: Sendable {
    private var list: ContiguousArray<Event> = []
    private var heap = EventHeap()
    private var usingHeap = false
    static let listLimit = 32

    init() { list.reserveCapacity(DayQueue.listLimit + 1) }

    var isEmpty: Bool { usingHeap ? heap.isEmpty : list.isEmpty }
    var count: Int { usingHeap ? heap.count : list.count }

    @inline(__always)
    mutating func push(_ event: Event) {
        if usingHeap {
            heap.push(event)
            return
        }
        if list.count >= DayQueue.listLimit {
            usingHeap = true
            for e in list { heap.push(e) }
            list.removeAll(keepingCapacity: true)
            heap.push(event)
            return
        }
        list.append(event)
        list.withUnsafeMutableBufferPointer { l in
            // Shift earlier events one place towards the end until the new one's place is found.
            var i = l.count - 1
            while i > 0 && EventHeap.before(l[i - 1], event) {
                l[i] = l[i - 1]
                i -= 1
            }
            l[i] = event
        }
    }

    @inline(__always)
    mutating func pop() -> Event? {
        if usingHeap {
            let event = heap.pop()
            if heap.isEmpty { usingHeap = false }
            return event
        }
        return list.popLast()
    }

    mutating func removeAll() -> ContiguousArray<Event> {
        if usingHeap {
            usingHeap = false
            return heap.removeAll()
        }
        defer { list.removeAll(keepingCapacity: true) }
        return list
    }
}

/// The future event list: a small heap for today's events, a ring of day buckets for the next
/// 256 days, and an overflow heap beyond that.
///
/// Pathway events are often days ahead (results, handoffs, meetings), and a single heap holding
/// them all makes every pop walk several levels of unpredictable comparisons. Here a far event
/// is appended to its day's bucket in constant time and enters the heap only when its day comes,
/// so the heap stays small. Order is exact: the heap always holds every event of the current day
/// and earlier, and ties keep scheduling order through the sequence number.
///
/// No allocation per event once the arrays have grown, no classes or existentials.
struct EventCalendar: Sendable {
    private static let dayWidth = 1440.0
    private static let ringSize = 256

    private var today = DayQueue()
    private var ring: [ContiguousArray<Event>]
    private var ringCount = 0
    private var overflow = EventHeap()
    private var currentDay = 0
    private var nextSequence: UInt32 = 0

    init() {
        ring = Array(repeating: [], count: EventCalendar.ringSize)
    }

    var isEmpty: Bool { today.isEmpty && ringCount == 0 && overflow.isEmpty }
    var count: Int { today.count + ringCount + overflow.count }

    /// Simulation time is never negative, so truncation is the floor (and cheaper than one).
    @inline(__always)
    private static func day(_ time: Double) -> Int {
        let d = time / dayWidth
        return d < 1e15 ? Int(d) : Int(1e15)
    }

    /// Schedules an event; events at equal times come out in the order they were scheduled.
    @inline(__always)
    mutating func schedule(_ kind: EventKind, at time: Double, step: Int32 = -1, patient: Int32 = -1) {
        if nextSequence == UInt32.max { renumber() }
        let event = Event(time: time, sequence: nextSequence, kind: kind, step: step, patient: patient)
        nextSequence &+= 1
        place(event)
    }

    @inline(__always)
    private mutating func place(_ event: Event) {
        let d = EventCalendar.day(event.time)
        if d <= currentDay {
            today.push(event)
        } else if d < currentDay + EventCalendar.ringSize {
            ring[d & (EventCalendar.ringSize - 1)].append(event)
            ringCount += 1
        } else {
            overflow.push(event)
        }
    }

    /// Removes and returns the earliest event.
    @inline(__always)
    mutating func next() -> Event? {
        while today.isEmpty {
            if ringCount == 0 {
                guard let first = overflow.first else { return nil }
                currentDay = EventCalendar.day(first.time) - 1 // the loop below steps onto it
            }
            advanceOneDay()
        }
        return today.pop()
    }

    /// Moves to the next day: its bucket enters the heap, and overflow events now within the
    /// ring's reach move into their buckets.
    private mutating func advanceOneDay() {
        currentDay += 1
        let slot = currentDay & (EventCalendar.ringSize - 1)
        if !ring[slot].isEmpty {
            for event in ring[slot] { today.push(event) }
            ringCount -= ring[slot].count
            ring[slot].removeAll(keepingCapacity: true)
        }
        while let first = overflow.first, EventCalendar.day(first.time) < currentDay + EventCalendar.ringSize {
            _ = overflow.pop()
            place(first)
        }
    }

    /// Gives pending events fresh sequence numbers from 0, keeping their order, when the 32-bit
    /// counter is about to wrap (after four billion events in one replication).
    private mutating func renumber() {
        var all = Array(today.removeAll()) + Array(overflow.removeAll())
        for i in ring.indices {
            all.append(contentsOf: ring[i])
            ring[i].removeAll(keepingCapacity: true)
        }
        ringCount = 0
        all.sort { EventHeap.before($0, $1) }
        for i in all.indices {
            all[i].sequence = UInt32(i)
            place(all[i])
        }
        nextSequence = UInt32(all.count)
    }
}
