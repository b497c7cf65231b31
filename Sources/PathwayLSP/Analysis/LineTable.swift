/// A document's lines, for turning the validator's positions (1-based lines, columns counted
/// in Unicode scalars) into the protocol's (0-based lines, UTF-16 code units) and back.
public struct LineTable: Sendable {
    /// The lines, without their line ends (`\n` or `\r\n`).
    public let lines: [String]

    /// The lines of `text`.
    public init(_ text: String) {
        var lines: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") {
                if current.last == UInt8(ascii: "\r") { current.removeLast() }
                lines.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(byte)
            }
        }
        lines.append(String(decoding: current, as: UTF8.self))
        self.lines = lines
    }

    /// The text of line `index` (0-based), or "" past the end.
    public func line(_ index: Int) -> String { lines.indices.contains(index) ? lines[index] : "" }

    /// The protocol position of a validator location: `line` and `column` 1-based, the column in
    /// Unicode scalars. Out-of-range values are clamped to the document.
    public func position(line: Int, column: Int) -> Position {
        let index = max(0, min(line - 1, lines.count - 1))
        let text = lines[index]
        var utf16 = 0
        var scalars = 0
        for scalar in text.unicodeScalars {
            if scalars >= column - 1 { break }
            utf16 += scalar.utf16.count
            scalars += 1
        }
        return Position(line: index, character: utf16)
    }

    /// The UTF-16 offset of the end of line `index`.
    public func endOfLine(_ index: Int) -> Int { line(index).utf16.count }
}
