/// Applies an incremental change (a range and its new text) to a document, for clients that
/// send ranges even though the server asked for whole documents.
enum TextSplice {
    /// `text` with `range` (in UTF-16 positions) replaced by `replacement`.
    static func apply(_ replacement: String, over range: TextRange, in text: String) -> String {
        var units = Array(text.utf16)
        let start = offset(of: range.start, in: units)
        let end = max(start, offset(of: range.end, in: units))
        units.replaceSubrange(start..<end, with: Array(replacement.utf16))
        return String(decoding: units, as: UTF16.self)
    }

    /// The UTF-16 offset of a position, clamped to its line and to the text.
    static func offset(of position: Position, in units: [UInt16]) -> Int {
        var line = 0
        var i = 0
        while line < position.line, i < units.count {
            if units[i] == 0x0A { line += 1 }
            i += 1
        }
        var column = 0
        while column < position.character, i < units.count, units[i] != 0x0A, units[i] != 0x0D {
            i += 1
            column += 1
        }
        return i
    }
}
