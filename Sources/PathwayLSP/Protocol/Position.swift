/// A place in a text document as the Language Server Protocol counts it: a 0-based line and a
/// 0-based character offset in UTF-16 code units (LSP 3.17 `Position`, the default encoding).
public struct Position: Codable, Hashable, Sendable, Comparable {
    /// The line, from 0.
    public var line: Int
    /// The offset in the line, in UTF-16 code units, from 0.
    public var character: Int

    /// The position at `line` and `character`, both 0-based.
    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    /// Orders positions as they appear in the text.
    public static func < (a: Position, b: Position) -> Bool {
        a.line != b.line ? a.line < b.line : a.character < b.character
    }
}

/// A stretch of a text document from `start` up to (not including) `end` (LSP `Range`; named
/// `TextRange` so that it does not hide Swift's own `Range`).
public struct TextRange: Codable, Hashable, Sendable {
    /// Where it starts.
    public var start: Position
    /// Where it ends, exclusive.
    public var end: Position

    /// The range from `start` to `end`.
    public init(start: Position, end: Position) {
        self.start = start
        self.end = end
    }

    /// A range within one line.
    public init(line: Int, from start: Int, to end: Int) {
        self.init(start: Position(line: line, character: start), end: Position(line: line, character: end))
    }

    /// Whether `position` lies inside the range, or touches its end (where an editor's cursor
    /// stands after typing a word).
    public func contains(_ position: Position) -> Bool { start <= position && position <= end }

    /// Whether the two ranges share at least one position.
    public func overlaps(_ other: TextRange) -> Bool { !(other.end < start || end < other.start) }
}

/// A range in a particular document (LSP `Location`).
public struct Location: Codable, Hashable, Sendable {
    /// The document's URI.
    public var uri: String
    /// The range in it.
    public var range: TextRange

    /// The range `range` of the document at `uri`.
    public init(uri: String, range: TextRange) {
        self.uri = uri
        self.range = range
    }
}
