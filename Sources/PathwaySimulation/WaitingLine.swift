/// A patient waiting for a resource.
struct QueuedPatient: Sendable {
    var patient: Int32
    var step: Int32
    /// When the patient entered the step (waits are measured from here).
    var entered: Double
    /// Priority: higher first. Zero for first come, first served.
    var key: Double
    var sequence: UInt32
}

/// A resource's queue: first come, first served (a ring of structs), or by priority (a binary
/// heap on key, then arrival order).
struct WaitingLine: Sendable {
    private var items: ContiguousArray<QueuedPatient> = []
    private var head = 0
    private let byPriority: Bool
    private var nextSequence: UInt32 = 0

    init(byPriority: Bool) { self.byPriority = byPriority }

    var count: Int { items.count - head }
    var isEmpty: Bool { items.count == head }
    /// The patients waiting, in no particular order (for the end-of-run count).
    var waiting: ArraySlice<QueuedPatient> { ArraySlice(items[head...]) }

    @inline(__always)
    private static func before(_ a: QueuedPatient, _ b: QueuedPatient) -> Bool {
        a.key > b.key || (a.key == b.key && a.sequence < b.sequence)
    }

    mutating func push(patient: Int32, step: Int32, entered: Double, key: Double) {
        var entry = QueuedPatient(patient: patient, step: step, entered: entered, key: key, sequence: nextSequence)
        nextSequence &+= 1
        if !byPriority {
            entry.sequence = 0
            items.append(entry)
            return
        }
        items.append(entry)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) >> 1
            if !WaitingLine.before(entry, items[parent]) { break }
            items[child] = items[parent]
            child = parent
        }
        items[child] = entry
    }

    mutating func pop() -> QueuedPatient? {
        if !byPriority {
            guard head < items.count else { return nil }
            let entry = items[head]
            head += 1
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 4096 && head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
            return entry
        }
        guard let last = items.popLast() else { return nil }
        if items.isEmpty { return last }
        let top = items[0]
        let n = items.count
        var parent = 0
        while true {
            var child = 2 * parent + 1
            if child >= n { break }
            if child + 1 < n && WaitingLine.before(items[child + 1], items[child]) { child += 1 }
            if !WaitingLine.before(items[child], last) { break }
            items[parent] = items[child]
            parent = child
        }
        items[parent] = last
        return top
    }
}

/// Every resource's waiting line, held in place: a line is changed where it lies, with no
/// copy-on-write check on an outer array for each push and pop. It cannot be copied: its one
/// owner frees the lines in `deinit`.
struct WaitingLines: ~Copyable {
    private let base: UnsafeMutablePointer<WaitingLine>
    let count: Int

    init(_ lines: [WaitingLine]) {
        count = lines.count
        base = UnsafeMutablePointer<WaitingLine>.allocate(capacity: max(1, lines.count))
        base.initialize(from: lines, count: lines.count)
    }

    subscript(_ r: Int) -> WaitingLine {
        unsafeAddress {
            assert(r >= 0 && r < count)
            return UnsafePointer(base + r)
        }
        nonmutating unsafeMutableAddress {
            assert(r >= 0 && r < count)
            return base + r
        }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
