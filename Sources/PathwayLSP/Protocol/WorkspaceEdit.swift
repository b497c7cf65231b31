/// A replacement of a range of text (LSP `TextEdit`).
public struct TextEdit: Codable, Hashable, Sendable {
    /// The range replaced.
    public var range: TextRange
    /// The text put there.
    public var newText: String

    /// Replace `range` with `newText`.
    public init(range: TextRange, newText: String) {
        self.range = range
        self.newText = newText
    }
}

/// Edits to several documents at once, by URI (LSP `WorkspaceEdit` with `changes`).
public struct WorkspaceEdit: Codable, Hashable, Sendable {
    /// The edits of each document, by URI.
    public var changes: [String: [TextEdit]]

    /// The given edits.
    public init(changes: [String: [TextEdit]]) { self.changes = changes }
}

/// `textDocument/codeAction` parameters (LSP `CodeActionParams`).
public struct CodeActionParams: Codable, Hashable, Sendable {
    /// The diagnostics the client shows over the range (LSP `CodeActionContext`).
    public struct Context: Codable, Hashable, Sendable {
        /// The diagnostics over the range.
        public var diagnostics: [LSPDiagnostic]
        /// The kinds of action wanted, if the client says.
        public var only: [String]?
        /// A context with these diagnostics.
        public init(diagnostics: [LSPDiagnostic], only: [String]? = nil) {
            self.diagnostics = diagnostics
            self.only = only
        }
    }
    /// The document.
    public var textDocument: TextDocumentIdentifier
    /// The range the actions are for.
    public var range: TextRange
    /// The diagnostics there.
    public var context: Context

    /// Parameters asking for actions on `range`.
    public init(textDocument: TextDocumentIdentifier, range: TextRange, context: Context) {
        self.textDocument = textDocument
        self.range = range
        self.context = context
    }
}

/// A fix the editor can apply (LSP `CodeAction`, kind `quickfix`).
public struct CodeAction: Codable, Hashable, Sendable {
    /// What the fix does, in the editor's light-bulb menu.
    public var title: String
    /// `quickfix`.
    public var kind: String?
    /// The diagnostics it fixes.
    public var diagnostics: [LSPDiagnostic]?
    /// Whether it is the obvious fix (applied by "fix all" and auto-fix).
    public var isPreferred: Bool?
    /// The edit.
    public var edit: WorkspaceEdit?

    /// A code action.
    public init(title: String, kind: String?, diagnostics: [LSPDiagnostic]?, isPreferred: Bool?, edit: WorkspaceEdit?) {
        self.title = title
        self.kind = kind
        self.diagnostics = diagnostics
        self.isPreferred = isPreferred
        self.edit = edit
    }
}

/// The answer to `textDocument/prepareRename` (LSP `PrepareRenameResult`, the range and
/// placeholder form).
public struct PrepareRenameResult: Codable, Hashable, Sendable {
    /// The range of the name.
    public var range: TextRange
    /// The name as it stands.
    public var placeholder: String

    /// The name `placeholder` at `range`.
    public init(range: TextRange, placeholder: String) {
        self.range = range
        self.placeholder = placeholder
    }
}
