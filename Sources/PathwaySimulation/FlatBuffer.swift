/// A growable buffer of plain values for the engine's hot state: no copy-on-write uniqueness
/// check on each write, no retain/release.
///
/// It cannot be copied (`~Copyable`): exactly one owner holds the memory and `deinit` frees it
/// when that owner goes away, so a copy can never free it a second time. Writes go through the
/// non-mutating subscript (the memory, not the handle, changes), so a `let` buffer is writable.
///
/// Only for trivial element types (numbers, booleans, plain structs). Indices are checked in
/// debug builds.
struct FlatBuffer<Element: BitwiseCopyable>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count: Int
    private var capacity: Int

    init(repeating value: Element, count: Int) {
        capacity = max(count, 16)
        base = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    /// A buffer holding `values`, in order.
    init<C: Collection>(_ values: C) where C.Element == Element {
        capacity = max(values.count, 16)
        base = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        var i = 0
        for value in values {
            (base + i).initialize(to: value)
            i += 1
        }
        count = i
    }

    deinit { base.deallocate() }

    @inline(__always)
    subscript(_ i: Int) -> Element {
        get {
            assert(i >= 0 && i < count)
            return base[i]
        }
        nonmutating set {
            assert(i >= 0 && i < count)
            base[i] = newValue
        }
    }

    /// Where value `i` lives: for reading a large element's fields in place, rather than
    /// copying the whole element out first (which the optimiser does through the stack).
    @inline(__always)
    func pointer(_ i: Int) -> UnsafePointer<Element> {
        assert(i >= 0 && i < count)
        return UnsafePointer(base + i)
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow() } // rare: kept out of line so the common path inlines
        (base + count).initialize(to: value)
        count += 1
    }

    @inline(never)
    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// Removes and returns the last value (nil when empty). The memory is kept for reuse.
    @inline(__always)
    mutating func popLast() -> Element? {
        guard count > 0 else { return nil }
        count -= 1
        return base[count]
    }

    /// Empties the buffer, keeping its memory.
    mutating func removeAll() { count = 0 }

    /// Sets every value to `value`.
    func fill(_ value: Element) { base.update(repeating: value, count: count) }

    /// The values as an array.
    func array() -> [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The values, valid while the buffer is alive and not appended to.
    var values: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }
}
