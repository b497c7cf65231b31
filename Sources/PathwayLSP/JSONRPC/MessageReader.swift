import Foundation

/// Where framed bytes come from: standard input, or a buffer in tests.
public protocol ByteSource {
    /// Up to `maximum` bytes, blocking until some arrive; an empty array at the end of the stream.
    mutating func read(maximum: Int) -> [UInt8]
}

/// Reads JSON-RPC messages framed as the Language Server Protocol frames them: header lines
/// (`Content-Length: N`, optionally `Content-Type`) ending in an empty line, then N bytes of JSON.
///
/// Bad framing gives a `FramingError` rather than a crash or a hang: a message without a length
/// or with a bad one is skipped, one over `maximumMessageBytes` has its body read and thrown away
/// (so a client's runaway message does not exhaust memory), and headers longer than
/// `maximumHeaderBytes` end the stream.
public struct MessageReader<Source: ByteSource> {
    /// The largest body accepted, in bytes.
    public var maximumMessageBytes: Int
    /// The longest header block accepted, in bytes.
    public var maximumHeaderBytes: Int

    private var source: Source
    private var buffer: [UInt8] = []
    private var position = 0
    private var ended = false

    /// A reader of `source`.
    public init(source: Source, maximumMessageBytes: Int = 64 * 1024 * 1024, maximumHeaderBytes: Int = 8 * 1024) {
        self.source = source
        self.maximumMessageBytes = maximumMessageBytes
        self.maximumHeaderBytes = maximumHeaderBytes
    }

    /// The next message's body; `nil` when the stream ended cleanly between messages.
    public mutating func next() throws(FramingError) -> Data? {
        // Headers: lines up to an empty one. A bare "\n" is accepted as a line end too.
        var headers: [(String, String)] = []
        var headerBytes = 0
        var sawAnything = false
        while true {
            guard let line = try readLine(limit: maximumHeaderBytes - headerBytes) else {
                if sawAnything { throw .truncated }
                return nil
            }
            headerBytes += line.count + 2
            if line.isEmpty {
                if sawAnything { break }
                continue  // stray blank lines between messages
            }
            sawAnything = true
            let text = String(decoding: line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { throw .malformedHeader(text) }
            headers.append((text[..<colon].trimmingCharacters(in: .whitespaces).lowercased(),
                            text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        guard let lengthText = headers.first(where: { $0.0 == "content-length" })?.1 else { throw .missingContentLength }
        guard !lengthText.isEmpty, lengthText.allSatisfy(\.isASCIIDigit), lengthText.count <= 18, let length = Int(lengthText) else {
            throw .invalidContentLength(lengthText)
        }
        if length > maximumMessageBytes {
            try skip(length)
            throw .messageTooLarge(bytes: length, limit: maximumMessageBytes)
        }
        return Data(try take(length))
    }

    /// A line without its terminator, or `nil` at the end of the stream with nothing read.
    private mutating func readLine(limit: Int) throws(FramingError) -> [UInt8]? {
        var line: [UInt8] = []
        while true {
            if position == buffer.count {
                if !fill() { return line.isEmpty ? nil : line }
            }
            let byte = buffer[position]
            position += 1
            if byte == UInt8(ascii: "\n") {
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return line
            }
            line.append(byte)
            if line.count > max(limit, 0) { throw .headerTooLong(limit: maximumHeaderBytes) }
        }
    }

    private mutating func take(_ count: Int) throws(FramingError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            if position == buffer.count, !fill() { throw .truncated }
            let n = min(count - out.count, buffer.count - position)
            out.append(contentsOf: buffer[position..<(position + n)])
            position += n
        }
        return out
    }

    private mutating func skip(_ count: Int) throws(FramingError) {
        var left = count
        while left > 0 {
            if position == buffer.count, !fill() { throw .truncated }
            let n = min(left, buffer.count - position)
            position += n
            left -= n
        }
    }

    /// Reads more bytes into an emptied buffer; false at the end of the stream.
    private mutating func fill() -> Bool {
        if ended { return false }
        let chunk = source.read(maximum: 64 * 1024)
        if chunk.isEmpty { ended = true; return false }
        buffer = chunk
        position = 0
        return true
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Frames a JSON body for writing: `Content-Length: N\r\n\r\n` then the bytes.
public enum MessageWriter {
    /// The framed bytes of `body`.
    public static func frame(_ body: Data) -> Data {
        var out = Data("Content-Length: \(body.count)\r\n\r\n".utf8)
        out.append(body)
        return out
    }
}
