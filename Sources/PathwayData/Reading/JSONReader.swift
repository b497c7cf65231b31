/// A small JSON value: what one OCEL event or object holds. Numbers keep their text as written.
enum JSONLite {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([JSONLite])
    case object([(String, JSONLite)])

    subscript(key: String) -> JSONLite? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var array: [JSONLite]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// A scalar as text (`true`, `71`, `fit`); nil for null, arrays and objects.
    var text: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let value): value ? "true" : "false"
        case .null, .array, .object: nil
        }
    }
}

/// Pulls JSON tokens from a `ByteStream` as it streams, so a large OCEL file is read one event
/// at a time. Skipping a value never recurses, so deep nesting cannot exhaust the stack; values
/// that are built (`value`) may nest at most `maxDepth` deep.
final class JSONReader {
    struct Failure: Error {
        var message: String
        var line: Int
    }

    static let maxDepth = 32
    static let maxString = 16 << 20

    private let stream: ByteStream
    private var pos = 0
    /// The line being read, for messages.
    private(set) var line = 1

    init(_ stream: ByteStream) {
        self.stream = stream
        // A byte order mark.
        if stream.end >= 3, stream.buffer[0] == 0xEF, stream.buffer[1] == 0xBB, stream.buffer[2] == 0xBF { pos = 3 }
    }

    private func fail(_ message: String) -> Failure { Failure(message: message, line: line) }

    /// The next byte, without consuming it, or nil at the end of the input.
    @inline(__always)
    private func current() -> UInt8? {
        if pos < stream.end { return stream.buffer[pos] }
        guard let shift = stream.refill(keeping: stream.end) else { return nil }
        pos -= shift
        return pos < stream.end ? stream.buffer[pos] : nil
    }

    /// The next byte that is not white space, without consuming it; nil at the end.
    func peek() -> UInt8? {
        while let byte = current() {
            switch byte {
            case 0x20, 0x09, 0x0D: pos += 1
            case 0x0A: pos += 1; line += 1
            default: return byte
            }
        }
        return nil
    }

    /// Consumes `byte` (after white space) or fails.
    func expect(_ byte: UInt8, _ what: @autoclosure () -> String) throws(Failure) {
        guard let found = peek() else { throw fail("the file ends where \(what()) was expected (it may have been cut short)") }
        guard found == byte else { throw fail("expected \(what()) but found '\(Character(Unicode.Scalar(found)))'") }
        pos += 1
    }

    /// Consumes `byte` if it comes next (after white space).
    func take(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        pos += 1
        return true
    }

    /// After an array element or object member: true when another follows (`,`), false at the
    /// closing bracket `close`.
    func more(_ close: UInt8) throws(Failure) -> Bool {
        if take(0x2C) { return true }
        if take(close) { return false }
        guard let found = peek() else { throw fail("the file ends inside a list or object (it may have been cut short)") }
        throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))' but found '\(Character(Unicode.Scalar(found)))'")
    }

    /// A string (after white space).
    func string() throws(Failure) -> String {
        try expect(0x22, "a string")
        // Most strings lie whole in the buffer with no escapes: made in one step.
        let end = stream.end
        var start = pos
        let whole: String? = stream.buffer.withUnsafeBytes { raw in
            var k = start
            while k < end {
                switch raw[k] {
                case 0x22:
                    let text = String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<k]), as: UTF8.self)
                    start = k + 1
                    return text
                case 0x5C, 0x0A: return nil
                default: k += 1
                }
            }
            return nil
        }
        if let whole {
            pos = start
            return whole
        }
        var bytes: [UInt8] = []
        while true {
            guard let byte = current() else { throw fail("the file ends inside a string (it may have been cut short)") }
            pos += 1
            switch byte {
            case 0x22:
                return String(decoding: bytes, as: UTF8.self)
            case 0x5C:
                guard let escape = current() else { throw fail("the file ends inside a string") }
                pos += 1
                switch escape {
                case 0x22, 0x5C, 0x2F: bytes.append(escape)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), current() == 0x5C {
                        pos += 1
                        guard current() == UInt8(ascii: "u") else { throw fail("a \\u escape for a surrogate pair is incomplete") }
                        pos += 1
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) { scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00) }
                    }
                    let decoded = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    bytes.append(contentsOf: Array(String(decoded).utf8))
                default:
                    throw fail("'\\\(Character(Unicode.Scalar(escape)))' is not a JSON escape")
                }
            case 0x0A:
                line += 1
                bytes.append(byte)
            default:
                bytes.append(byte)
            }
            if bytes.count > JSONReader.maxString { throw fail("a string is longer than 16 MB") }
        }
    }

    private func hex4() throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current() else { throw fail("the file ends inside a \\u escape") }
            pos += 1
            let digit: UInt32
            switch byte {
            case 48...57: digit = UInt32(byte - 48)
            case 65...70: digit = UInt32(byte - 55)
            case 97...102: digit = UInt32(byte - 87)
            default: throw fail("a \\u escape needs four hexadecimal digits")
            }
            value = value << 4 | digit
        }
        return value
    }

    /// A string, number or boolean as text; nil for `null`, and for a list or object, which is
    /// passed over.
    func scalarText() throws(Failure) -> String? {
        guard let byte = peek() else { throw fail("the file ends where a value was expected (it may have been cut short)") }
        switch byte {
        case 0x22: return try string()
        case 0x5B, 0x7B:
            try skip()
            return nil
        default: return try scalar().text
        }
    }

    private var members: [(key: String, value: String)] = []

    /// For a list of objects (`[{"name": "lifecycle", "value": "start"}, ...]`): calls `body`
    /// with each object's members that are strings, numbers or booleans. Anything else in the
    /// list, or a value that is not a list, is passed over.
    func forEachObject(_ body: ([(key: String, value: String)]) -> Void) throws(Failure) {
        guard take(0x5B) else {
            try skip()
            return
        }
        if take(0x5D) { return }
        repeat {
            guard take(0x7B) else {
                try skip()
                continue
            }
            members.removeAll(keepingCapacity: true)
            if !take(0x7D) {
                repeat {
                    let key = try string()
                    try expect(0x3A, "':'")
                    if let value = try scalarText() { members.append((key, value)) }
                } while try more(0x7D)
            }
            body(members)
        } while try more(0x5D)
    }

    /// A number, `true`, `false` or `null`.
    private func scalar() throws(Failure) -> JSONLite {
        var bytes: [UInt8] = []
        while let byte = current(), (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 122) || byte == 0x2D || byte == 0x2B || byte == 0x2E || (byte >= 65 && byte <= 90) {
            bytes.append(byte)
            pos += 1
            if bytes.count > 400 { break }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            guard let first = bytes.first, first == 0x2D || (first >= 48 && first <= 57), Double(text) != nil else {
                if bytes.isEmpty, let found = peek() {
                    throw fail("'\(Character(Unicode.Scalar(found)))' cannot begin a JSON value")
                }
                throw fail(bytes.isEmpty ? "the file ends where a value was expected (it may have been cut short)" : "'\(TerminalSafe.line(text))' is not a JSON value")
            }
            return .number(text)
        }
    }

    /// A whole value, built, nested at most `maxDepth` deep.
    func value(depth: Int = 0) throws(Failure) -> JSONLite {
        guard depth < JSONReader.maxDepth else { throw fail("values are nested more than \(JSONReader.maxDepth) deep inside one event or object") }
        guard let byte = peek() else { throw fail("the file ends where a value was expected (it may have been cut short)") }
        switch byte {
        case 0x22: return .string(try string())
        case 0x5B:
            pos += 1
            var items: [JSONLite] = []
            if take(0x5D) { return .array(items) }
            repeat { items.append(try value(depth: depth + 1)) } while try more(0x5D)
            return .array(items)
        case 0x7B:
            pos += 1
            var members: [(String, JSONLite)] = []
            if take(0x7D) { return .object(members) }
            repeat {
                let key = try string()
                try expect(0x3A, "':'")
                members.append((key, try value(depth: depth + 1)))
            } while try more(0x7D)
            return .object(members)
        default:
            return try scalar()
        }
    }

    /// Passes over one value of any depth without building it (no recursion).
    func skip() throws(Failure) {
        var depth = 0
        repeat {
            guard let byte = peek() else { throw fail("the file ends inside a value (it may have been cut short)") }
            switch byte {
            case 0x22: _ = try string()
            case 0x5B, 0x7B: pos += 1; depth += 1
            case 0x5D, 0x7D:
                guard depth > 0 else { throw fail("a '\(Character(Unicode.Scalar(byte)))' closes nothing") }
                pos += 1; depth -= 1
            case 0x2C, 0x3A:
                guard depth > 0 else { throw fail("'\(Character(Unicode.Scalar(byte)))' where a value was expected") }
                pos += 1
            default: _ = try scalar()
            }
        } while depth > 0
    }

    /// Whether only white space is left.
    var atEnd: Bool { peek() == nil }
}
