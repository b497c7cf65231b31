#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A table of distinct byte strings, each given a small index the first time it is seen. A
/// lookup hashes the bytes where they lie (no `String` is made per row), so interning a
/// million cells costs a million hashes and almost no allocation.
struct ByteInterner {
    /// Every distinct string's bytes, one after another.
    private var storage: [UInt8] = []
    /// Entry `i` is `storage[starts[i]..<starts[i + 1]]`.
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Open addressing: an entry index, or -1 for an empty slot. Size is a power of two.
    private var slots: [Int32] = [Int32](repeating: -1, count: 64)

    /// How many distinct strings are held.
    var count: Int { hashes.count }

    /// The index of `bytes`, adding them when new.
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let hash = ByteInterner.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { break }
            let i = Int(entry)
            if hashes[i] == hash && equal(i, bytes) { return entry }
            slot = (slot + 1) & mask
        }
        let index = Int32(hashes.count)
        hashes.append(hash)
        storage.append(contentsOf: bytes)
        starts.append(storage.count)
        slots[slot] = index
        if hashes.count * 2 > slots.count { grow() }
        return index
    }

    /// The index of `text`, adding it when new.
    mutating func intern(_ text: String) -> Int32 {
        var copy = text
        return copy.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    /// The index of `bytes` if already held.
    func find(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        let hash = ByteInterner.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { return nil }
            if hashes[Int(entry)] == hash && equal(Int(entry), bytes) { return entry }
            slot = (slot + 1) & mask
        }
    }

    /// Entry `index` as text (invalid UTF-8 is repaired with U+FFFD).
    func string(_ index: Int) -> String {
        String(decoding: storage[starts[index]..<starts[index + 1]], as: UTF8.self)
    }

    /// Every entry as text, in index order.
    var strings: [String] { (0..<count).map(string) }

    private func equal(_ index: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[index], length = starts[index + 1] - start
        guard length == bytes.count else { return false }
        if length == 0 { return true }
        return storage.withUnsafeBytes { held in
            guard let a = held.baseAddress, let b = bytes.baseAddress else { return false }
            return memcmp(a + start, b, length) == 0
        }
    }

    private mutating func grow() {
        var bigger = [Int32](repeating: -1, count: slots.count * 2)
        let mask = bigger.count - 1
        for (i, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while bigger[slot] >= 0 { slot = (slot + 1) & mask }
            bigger[slot] = Int32(i)
        }
        slots = bigger
    }

    /// FNV-1a, 64 bits, with a final mix so that the low bits used for slots spread well.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        h ^= h >> 29
        h = h &* 0xbf58_476d_1ce4_e5b9
        h ^= h >> 32
        return h
    }
}
