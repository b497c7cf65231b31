import Foundation

/// Results filled in from several threads, one slot per piece of work, each written once; read
/// in slot order when the work is done, so the result does not depend on which thread finished
/// first. The one locked container that the simulator (replication tallies), the region compare
/// (each variant's diff) and the command line (files loaded in parallel) share.
public final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    /// `count` empty slots.
    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// Stores `value` in slot `index`.
    public func set(_ index: Int, _ value: Value) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = value
    }

    /// Every slot in order, nil where nothing was stored.
    public var all: [Value?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }

    /// The stored values in slot order, skipping empty slots.
    public var filled: [Value] { all.compactMap { $0 } }
}
