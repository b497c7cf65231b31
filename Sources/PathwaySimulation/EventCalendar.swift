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
    /// A missed appointment's slot ends: the resource is released and the patient rebooked.
    case missedDone
    /// Other work for resource `step` arrives (background demand).
    case backgroundArrival
    /// Other work on resource `step` ends.
    case backgroundDone
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
///
/// Its events live in a `FlatBuffer`, not an array: a push or pop is then plain loads and stores,
/// with no copy-on-write uniqueness check and no call into the standard library (an array's
/// `popLast` was a separate, un-inlined function taking 3% of the M/M/10 benchmark).
struct EventHeap: ~Copyable {
    private var items = FlatBuffer<Event>(repeating: Event(time: 0, sequence: 0, kind: .arrival, step: 0, patient: 0),
                                          count: 0)

    init() {}

    var isEmpty: Bool { items.count == 0 }
    var count: Int { items.count }
    var first: Event? { items.count > 0 ? items[0] : nil }

    @inline(__always)
    static func before(_ a: Event, _ b: Event) -> Bool {
        a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
    }

    @inline(__always)
    mutating func push(_ event: Event) {
        items.append(event)
        let h = items.base
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) >> 2
            if !EventHeap.before(event, h[parent]) { break }
            h[child] = h[parent]
            child = parent
        }
        h[child] = event
    }

    @inline(__always)
    mutating func pop() -> Event? {
        guard let last = items.popLast() else { return nil }
        let n = items.count
        if n == 0 { return last }
        let h = items.base
        let top = h[0]
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

    mutating func removeAll() -> [Event] {
        defer { items.removeAll() }
        return items.array()
    }
}

/// Today's events: a short list kept sorted latest first (so the next event is the last, popped
/// in constant time, and a new one is placed by a short backward scan), which becomes a heap when
/// a busy day holds more than `listLimit` events and goes back to a list once the heap empties.
/// A queue of a few dozen events is faster as a sorted list than as any heap.
struct DayQueue: ~Copyable {
    private var list = FlatBuffer<Event>(repeating: Event(time: 0, sequence: 0, kind: .arrival, step: 0, patient: 0),
                                         count: 0)
    private var heap = EventHeap()
    private var usingHeap = false
    static let listLimit = 32

    init() {}

    var isEmpty: Bool { usingHeap ? heap.isEmpty : list.count == 0 }
    var count: Int { usingHeap ? heap.count : list.count }

    @inline(__always)
    mutating func push(_ event: Event) {
        if usingHeap {
            heap.push(event)
            return
        }
        if list.count >= DayQueue.listLimit {
            usingHeap = true
            for i in 0..<list.count { heap.push(list[i]) }
            list.removeAll()
            heap.push(event)
            return
        }
        list.append(event)
        // Shift earlier events one place towards the end until the new one's place is found.
        let l = list.base
        var i = list.count - 1
        while i > 0 && EventHeap.before(l[i - 1], event) {
            l[i] = l[i - 1]
            i -= 1
        }
        l[i] = event
    }

    /// Adds an event scheduled just now. Its sequence number is higher than every pending event's
    /// (the calendar numbers events in scheduling order, and renumbering keeps that order), so a
    /// listed event comes before it exactly when its time is not later: the scan compares times
    /// alone, one comparison a step rather than up to three, and stops where `push` would.
    @inline(__always)
    mutating func pushNewest(_ event: Event) {
        if usingHeap || list.count >= DayQueue.listLimit { return push(event) }
        list.append(event)
        let l = list.base
        let t = event.time
        var i = list.count - 1
        while i > 0 && l[i - 1].time <= t {
            l[i] = l[i - 1]
            i -= 1
        }
        l[i] = event
    }

    /// The earliest event, not removed (the queue must not be empty).
    @inline(__always)
    func peek() -> Event {
        if usingHeap { return heap.first! }
        return list[list.count - 1]
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

    mutating func removeAll() -> [Event] {
        if usingHeap {
            usingHeap = false
            return heap.removeAll()
        }
        defer { list.removeAll() }
        return list.array()
    }
}

/// The future event list: a short sorted list for today's events (`DayQueue`), a ring of day
/// buckets for the next 256 days, and an overflow heap beyond that.
///
/// Pathway events are often days ahead (results, handoffs, meetings), and a single heap holding
/// them all makes every pop walk several levels of unpredictable comparisons. Here a far event
/// is appended to its day's bucket in constant time and enters today's queue only when its day
/// comes, so that queue stays short. Order is exact: today's queue always holds every event of
/// the current day and earlier, and ties keep scheduling order through the sequence number (so
/// the order in which a bucket's events enter today's queue does not matter).
///
/// The buckets are singly linked lists threaded through one pool of events (`pool`, `link`),
/// with a free list, rather than an array of arrays: appending to a bucket touches no nested
/// copy-on-write container (no uniqueness check of the outer array and then the inner one), and
/// a day's whole chain goes back to the free list in one step.
///
/// No allocation per event once the buffers have grown, no classes or existentials. It cannot be
/// copied: it owns its buffers.
struct EventCalendar: ~Copyable {
    private static let dayWidth = 1440.0
    private static let ringSize = 256

    private var today = DayQueue()
    /// Per ring slot: first and last pool index of its bucket (-1: empty).
    private let bucketHead = FlatBuffer<Int32>(repeating: -1, count: EventCalendar.ringSize)
    private let bucketTail = FlatBuffer<Int32>(repeating: -1, count: EventCalendar.ringSize)
    /// Events in buckets, and for each pool index the next one in its bucket or the free list.
    private var pool = FlatBuffer<Event>(repeating: Event(time: 0, sequence: 0, kind: .arrival, step: 0, patient: 0),
                                         count: 0)
    private var link = FlatBuffer<Int32>(repeating: -1, count: 0)
    private var freeHead: Int32 = -1
    private var ringCount = 0
    private var overflow = EventHeap()
    private var currentDay = 0
    private var nextSequence: UInt32 = 0
    /// The pending arrival, held apart from today's list: a pathway has one next arrival at a
    /// time, so it needs no place in a sorted list (half the insertions of an M/M/c run), and
    /// `next()` compares it with the list's earliest event by (time, sequence), the list's own
    /// order, so events come out exactly as if it were listed. A second arrival scheduled while
    /// one is held goes into the calendar as any event does.
    private var arrival = Event(time: 0, sequence: 0, kind: .arrival, step: -1, patient: -1)
    private var holdsArrival = false

    init() {}

    var isEmpty: Bool { !holdsArrival && today.isEmpty && ringCount == 0 && overflow.isEmpty }
    var count: Int { (holdsArrival ? 1 : 0) + today.count + ringCount + overflow.count }

    /// 1 / `dayWidth`, a constant the compiler folds (a computed property, so no lazy global).
    private static var perDay: Double { 1 / 1440 }

    /// The day an event is filed under. Simulation time is never negative, so truncation is the
    /// floor (and cheaper than one); a multiplication by the reciprocal replaces a division (a
    /// division's latency was a fifth of `arrive`'s profile). The product can differ from the
    /// exact quotient in its last bit, so an event at midnight may be filed a day early: that is
    /// harmless, because the order only needs `day` to be monotone in time (it is: rounding is),
    /// so every event in a later bucket is strictly later than every event in today's queue, and
    /// today's queue orders exactly by (time, sequence).
    @inline(__always)
    private static func day(_ time: Double) -> Int {
        let d = time * perDay
        return d < 1e15 ? Int(d) : Int(1e15)
    }

    /// Schedules an event; events at equal times come out in the order they were scheduled.
    @inline(__always)
    mutating func schedule(_ kind: EventKind, at time: Double, step: Int32 = -1, patient: Int32 = -1) {
        if nextSequence == UInt32.max { renumber() }
        let event = Event(time: time, sequence: nextSequence, kind: kind, step: step, patient: patient)
        nextSequence &+= 1
        if kind == .arrival && !holdsArrival {
            arrival = event
            holdsArrival = true
            return
        }
        place(event, newest: true)
    }

    /// Files an event under its day. `newest`: it was scheduled just now, so its sequence number
    /// is the highest pending (see `DayQueue.pushNewest`).
    @inline(__always)
    private mutating func place(_ event: Event, newest: Bool = false) {
        let d = EventCalendar.day(event.time)
        if d <= currentDay {
            if newest { today.pushNewest(event) } else { today.push(event) }
        } else if d < currentDay + EventCalendar.ringSize {
            appendToBucket(d & (EventCalendar.ringSize - 1), event)
        } else {
            overflow.push(event)
        }
    }

    @inline(__always)
    private mutating func appendToBucket(_ slot: Int, _ event: Event) {
        let i: Int32
        if freeHead >= 0 {
            i = freeHead
            freeHead = link[Int(i)]
            pool[Int(i)] = event
            link[Int(i)] = -1
        } else {
            i = Int32(pool.count)
            pool.append(event)
            link.append(-1)
        }
        let tail = bucketTail[slot]
        if tail >= 0 { link[Int(tail)] = i } else { bucketHead[slot] = i }
        bucketTail[slot] = i
        ringCount += 1
    }

    /// Removes and returns the earliest event.
    @inline(__always)
    mutating func next() -> Event? {
        while today.isEmpty {
            // A held arrival filed under a day not after the current one comes before every event
            // in the buckets and the overflow heap (their days are later, and the day is monotone
            // in time). Returning it here keeps the calendar from stepping past its day, which
            // would send every event scheduled meanwhile into today's queue.
            if holdsArrival && EventCalendar.day(arrival.time) <= currentDay { return takeArrival() }
            if ringCount == 0 {
                guard let first = overflow.first else { return takeArrival() }
                // Nor jump past it to a far event: the overflow heap holds all the others.
                if holdsArrival && EventHeap.before(arrival, first) { return takeArrival() }
                currentDay = EventCalendar.day(first.time) - 1 // the loop below steps onto it
            }
            advanceOneDay()
        }
        // Today's queue now holds the earliest of the other events (every event of the current
        // day and earlier; later days' are all later), so one exact comparison picks the next.
        if holdsArrival && EventHeap.before(arrival, today.peek()) { return takeArrival() }
        return today.pop()
    }

    @inline(__always)
    private mutating func takeArrival() -> Event? {
        guard holdsArrival else { return nil }
        holdsArrival = false
        return arrival
    }

    /// Moves to the next day: its bucket enters today's queue (and its chain the free list), and
    /// overflow events now within the ring's reach move into their buckets.
    private mutating func advanceOneDay() {
        currentDay += 1
        let slot = currentDay & (EventCalendar.ringSize - 1)
        let head = bucketHead[slot]
        if head >= 0 {
            var i = head
            while i >= 0 {
                today.push(pool[Int(i)])
                ringCount -= 1
                i = link[Int(i)]
            }
            link[Int(bucketTail[slot])] = freeHead
            freeHead = head
            bucketHead[slot] = -1
            bucketTail[slot] = -1
        }
        while let first = overflow.first, EventCalendar.day(first.time) < currentDay + EventCalendar.ringSize {
            _ = overflow.pop()
            place(first)
        }
    }

    /// Gives pending events fresh sequence numbers from 0, keeping their order, when the 32-bit
    /// counter is about to wrap (after four billion events in one replication).
    private mutating func renumber() {
        var all = today.removeAll() + overflow.removeAll()
        if holdsArrival { all.append(arrival) } // filed with the rest below: the order is the same
        holdsArrival = false
        for slot in 0..<EventCalendar.ringSize {
            var i = bucketHead[slot]
            while i >= 0 {
                all.append(pool[Int(i)])
                i = link[Int(i)]
            }
            bucketHead[slot] = -1
            bucketTail[slot] = -1
        }
        pool.removeAll()
        link.removeAll()
        freeHead = -1
        ringCount = 0
        all.sort { EventHeap.before($0, $1) }
        for i in all.indices {
            all[i].sequence = UInt32(i)
            place(all[i])
        }
        nextSequence = UInt32(all.count)
    }
}
