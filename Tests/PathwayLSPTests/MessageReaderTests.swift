import Foundation
import PathwayLSP
import Testing

/// Bytes from memory, handed out in small pieces to exercise the reader's buffering.
struct BufferSource: ByteSource {
    var bytes: [UInt8]
    var chunk = 7
    mutating func read(maximum: Int) -> [UInt8] {
        let n = min(chunk, maximum, bytes.count)
        defer { bytes.removeFirst(n) }
        return Array(bytes.prefix(n))
    }
}

func reader(_ text: String, limit: Int = 1_000) -> MessageReader<BufferSource> {
    MessageReader(source: BufferSource(bytes: Array(text.utf8)), maximumMessageBytes: limit, maximumHeaderBytes: 200)
}

struct MessageReaderTests {
    @Test func readsFramedMessagesOneAfterAnother() throws {
        var r = reader("Content-Length: 2\r\n\r\n{}Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 7\r\n\r\n[1,2,3]")
        #expect(try r.next() == Data("{}".utf8))
        #expect(try r.next() == Data("[1,2,3]".utf8))
        #expect(try r.next() == nil)
    }

    @Test func acceptsBareNewlinesAndAnyCaseInHeaders() throws {
        var r = reader("content-length: 2\n\n{}")
        #expect(try r.next() == Data("{}".utf8))
    }

    @Test func countsTheLengthInBytesNotCharacters() throws {
        let body = "{\"a\":\"🦵é\"}"
        var r = reader("Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
        #expect(try r.next() == Data(body.utf8))
    }

    @Test func aMessageWithoutALengthIsSkippedAndTheNextIsRead() throws {
        var r = reader("Content-Type: x\r\n\r\nContent-Length: 2\r\n\r\n{}")
        #expect(throws: FramingError.missingContentLength) { try r.next() }
        #expect(try r.next() == Data("{}".utf8))
    }

    @Test func aLengthThatIsNotANumberIsRefused() {
        var r = reader("Content-Length: -5\r\n\r\n")
        #expect(throws: FramingError.invalidContentLength("-5")) { try r.next() }
        var big = reader("Content-Length: 99999999999999999999999\r\n\r\n")
        #expect(throws: FramingError.invalidContentLength("99999999999999999999999")) { try big.next() }
    }

    @Test func aMessageOverTheLimitIsSkippedWithoutKeepingItsBody() throws {
        let huge = String(repeating: "x", count: 5_000)
        var r = reader("Content-Length: 5000\r\n\r\n\(huge)Content-Length: 2\r\n\r\n{}")
        #expect(throws: FramingError.messageTooLarge(bytes: 5_000, limit: 1_000)) { try r.next() }
        #expect(try r.next() == Data("{}".utf8))
    }

    @Test func headersThatNeverEndStopTheStream() {
        var r = reader(String(repeating: "X-Padding: y", count: 100))
        #expect(throws: FramingError.headerTooLong(limit: 200)) { try r.next() }
        #expect(FramingError.headerTooLong(limit: 200).isRecoverable == false)
    }

    @Test func aStreamThatEndsInsideABodyIsTruncated() {
        var r = reader("Content-Length: 10\r\n\r\n{\"a\"")
        #expect(throws: FramingError.truncated) { try r.next() }
    }

    @Test func aHeaderLineWithoutAColonIsMalformed() {
        var r = reader("garbage\r\n\r\n")
        #expect(throws: FramingError.malformedHeader("garbage")) { try r.next() }
    }

    @Test func theWriterFramesWithTheByteLength() {
        let framed = MessageWriter.frame(Data("{\"é\":1}".utf8))
        #expect(String(decoding: framed, as: UTF8.self) == "Content-Length: 8\r\n\r\n{\"é\":1}")
    }
}
