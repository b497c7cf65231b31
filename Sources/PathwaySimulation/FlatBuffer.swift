/// A growable buffer of plain values for the engine's hot state: no copy-on-write uniqueness
/// check on each write, no retain/release. Its owner frees it exactly once with `free()`.
///
/// Only for trivial element types (numbers, booleans). Indices are checked in debug builds.
struct FlatBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count: Int
    private var capacity: Int

    init(repeating value: Element, count: Int) {
        capacity = max(count, 16)
        base = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

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

    mutating func append(_ value: Element) {
        if count == capacity {
            let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: base, count: count)
            base.deallocate()
            base = bigger
            capacity *= 2
        }
        (base + count).initialize(to: value)
        count += 1
    }

    /// The values as an array.
    func array() -> [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Releases the memory; the buffer must not be used afterwards.
    func free() { base.deallocate() }
}
