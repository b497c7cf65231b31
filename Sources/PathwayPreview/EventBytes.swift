import FlyingSocks
import Foundation

/// A stream of server-sent events as the bytes of a response body, for FlyingFox to send in
/// chunks as they come: each event becomes one chunk written to the socket at once.
struct EventBytes: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    let events: AsyncStream<Data>

    func makeAsyncIterator() -> Iterator { Iterator(events: events.makeAsyncIterator()) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var events: AsyncStream<Data>.Iterator
        var pending: [UInt8] = []
        var pendingStart = 0

        mutating func next() async throws -> UInt8? {
            guard try await fill() else { return nil }
            defer { pendingStart += 1 }
            return pending[pendingStart]
        }

        /// Up to `count` bytes of the current event, waiting for the next event when none is left.
        /// Never empty: an empty chunk would end the chunked body.
        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
            guard try await fill() else { return nil }
            let end = Swift.min(pending.count, pendingStart + Swift.max(1, count))
            defer { pendingStart = end }
            return Array(pending[pendingStart..<end])
        }

        private mutating func fill() async throws -> Bool {
            while pendingStart >= pending.count {
                guard let next = await events.next() else { return false }
                pending = Array(next)
                pendingStart = 0
            }
            return true
        }
    }
}
