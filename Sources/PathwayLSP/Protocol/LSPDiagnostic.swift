/// A problem shown in the editor (LSP `Diagnostic`; named so that it does not hide the
/// validator's `PathwayModel.Diagnostic`, from which it is made).
public struct LSPDiagnostic: Codable, Hashable, Sendable {
    /// The range underlined.
    public var range: TextRange
    /// 1 error, 2 warning, 3 information, 4 hint.
    public var severity: Int?
    /// The stable code (`CP101`).
    public var code: String?
    /// Where the code is explained (LSP `CodeDescription`).
    public var codeDescription: CodeDescription?
    /// Who found it: `carepath`.
    public var source: String?
    /// What is wrong, with the validator's help text after it.
    public var message: String
    /// The other places involved (the validator's notes that point somewhere).
    public var relatedInformation: [DiagnosticRelatedInformation]?
    /// The validator's replacement for the underlined token, kept for the quick fix.
    public var data: DiagnosticData?

    /// A diagnostic over `range`.
    public init(range: TextRange, severity: Int?, code: String?, codeDescription: CodeDescription? = nil, source: String?,
                message: String, relatedInformation: [DiagnosticRelatedInformation]? = nil, data: DiagnosticData? = nil) {
        self.range = range
        self.severity = severity
        self.code = code
        self.codeDescription = codeDescription
        self.source = source
        self.message = message
        self.relatedInformation = relatedInformation
        self.data = data
    }
}

/// A link to a diagnostic code's explanation (LSP `CodeDescription`).
public struct CodeDescription: Codable, Hashable, Sendable {
    /// The address.
    public var href: String
    /// A link to `href`.
    public init(href: String) { self.href = href }
}

/// Another place a diagnostic points at (LSP `DiagnosticRelatedInformation`).
public struct DiagnosticRelatedInformation: Codable, Hashable, Sendable {
    /// The place.
    public var location: Location
    /// What is there.
    public var message: String

    /// A note saying `message` about `location`.
    public init(location: Location, message: String) {
        self.location = location
        self.message = message
    }
}

/// What the server keeps in a diagnostic's `data` for its quick fix: the replacement text.
public struct DiagnosticData: Codable, Hashable, Sendable {
    /// The text that should replace the diagnostic's range.
    public var replacement: String
    /// Data carrying `replacement`.
    public init(replacement: String) { self.replacement = replacement }
}

/// `textDocument/publishDiagnostics` parameters (LSP `PublishDiagnosticsParams`).
public struct PublishDiagnosticsParams: Codable, Hashable, Sendable {
    /// The document.
    public var uri: String
    /// The version the diagnostics were computed for.
    public var version: Int?
    /// Every diagnostic of the document (an empty list clears them).
    public var diagnostics: [LSPDiagnostic]

    /// Diagnostics for `uri` at `version`.
    public init(uri: String, version: Int?, diagnostics: [LSPDiagnostic]) {
        self.uri = uri
        self.version = version
        self.diagnostics = diagnostics
    }
}
