/// How serious a diagnostic is.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    /// Information only, not a problem.
    case note
    /// Probably a mistake; it stops nothing, except under `--strict`.
    case warning
    /// Must be fixed before the pathway (or the run) can be used.
    case error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    /// Orders by seriousness: note, then warning, then error.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A secondary message attached to a diagnostic, optionally pointing elsewhere in the source.
public struct DiagnosticNote: Hashable, Sendable, Codable {
    /// The note's text.
    public var message: String
    /// The other place it points at, if any.
    public var location: SourceLocation?

    /// A note saying `message`, pointing at `location` if given.
    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }
}

/// One problem found in a pathway, as data. Rendering is a formatter's job.
///
/// `code` is stable across releases (`CP104` always means the same thing) and is documented
/// in `Docs/diagnostics.md`; the ranges are: CP0xx syntax and YAML, CP1xx references,
/// CP2xx graph shape, CP3xx types and values, CP4xx data flow, CP5xx simulation and limits,
/// CP6xx variants and overlays. The codes are the cases of `DiagnosticCode`.
public struct Diagnostic: Hashable, Sendable, Codable {
    /// How serious it is.
    public var severity: Severity
    /// The stable code (`CP104`): a `DiagnosticCode`'s raw value.
    public var code: String
    /// What is wrong, in a clinical lead's words.
    public var message: String
    /// Where the problem is; `nil` when there is no place to point at (a file that cannot be read).
    public var location: SourceLocation?
    /// Further context: the other places involved, the path a patient takes, how to fix it.
    public var notes: [DiagnosticNote]
    /// A concrete replacement the author probably meant ("did you mean 'clinic'?").
    public var suggestion: String?
    /// How to fix it, in words, when a plain suggestion is not enough.
    public var help: String?

    /// A diagnostic with its code written as text (`CP104`).
    public init(
        _ severity: Severity, _ code: String, _ message: String,
        at location: SourceLocation?, notes: [DiagnosticNote] = [],
        suggestion: String? = nil, help: String? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.notes = notes
        self.suggestion = suggestion
        self.help = help
    }

    /// A diagnostic with a code from the catalogue; `code` is stored as its raw value (`CP104`).
    public init(
        _ severity: Severity, _ code: DiagnosticCode, _ message: String,
        at location: SourceLocation?, notes: [DiagnosticNote] = [],
        suggestion: String? = nil, help: String? = nil
    ) {
        self.init(severity, code.rawValue, message, at: location, notes: notes, suggestion: suggestion, help: help)
    }

    /// An error with a code from the catalogue.
    public static func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                             notes: [DiagnosticNote] = [], suggestion: String? = nil, help: String? = nil) -> Diagnostic {
        Diagnostic(.error, code.rawValue, message, at: location, notes: notes, suggestion: suggestion, help: help)
    }

    /// A warning with a code from the catalogue.
    public static func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                               notes: [DiagnosticNote] = [], suggestion: String? = nil, help: String? = nil) -> Diagnostic {
        Diagnostic(.warning, code.rawValue, message, at: location, notes: notes, suggestion: suggestion, help: help)
    }
}

extension Array where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, line, column, then code: the order a reader expects.
    public func sortedBySource() -> [Diagnostic] {
        sorted { a, b in
            let la = a.location ?? .unknown, lb = b.location ?? .unknown
            if la.file != lb.file { return la.file < lb.file }
            if la.line != lb.line { return la.line < lb.line }
            if la.column != lb.column { return la.column < lb.column }
            return a.code < b.code
        }
    }
}

extension Diagnostic: Error {}
