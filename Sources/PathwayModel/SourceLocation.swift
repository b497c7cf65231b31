/// A place in a pathway file: the file path as given, and a 1-based line and column.
///
/// Locations ride on every model element so that a message produced long after parsing
/// (a diff line, a simulation warning) can still point at the line that caused it.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The file's path as the user named it (relative paths stay relative).
    public var file: String
    /// Line number, starting at 1.
    public var line: Int
    /// Column number, starting at 1, counted in Unicode scalars.
    public var column: Int

    /// The place at `line` and `column` (both 1-based) of `file`.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A location for values built in code rather than read from a file.
    public static let unknown = SourceLocation(file: "<memory>", line: 0, column: 0)

    /// `file:line:column`, the form editors and terminals turn into links.
    public var description: String { "\(file):\(line):\(column)" }

    /// This location moved `offset` columns to the right (for positions inside a scalar).
    public func advanced(byColumns offset: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column + offset)
    }
}
