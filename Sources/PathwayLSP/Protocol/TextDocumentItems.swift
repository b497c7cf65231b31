/// A document the client opened, with its full text (LSP `TextDocumentItem`).
public struct TextDocumentItem: Codable, Hashable, Sendable {
    /// The document's URI.
    public var uri: String
    /// Its language id (`yaml`).
    public var languageId: String
    /// Its version, which grows with each change.
    public var version: Int
    /// Its content.
    public var text: String

    /// A document item.
    public init(uri: String, languageId: String, version: Int, text: String) {
        self.uri = uri
        self.languageId = languageId
        self.version = version
        self.text = text
    }
}

/// Names a document (LSP `TextDocumentIdentifier`).
public struct TextDocumentIdentifier: Codable, Hashable, Sendable {
    /// The document's URI.
    public var uri: String

    /// The document at `uri`.
    public init(uri: String) { self.uri = uri }
}

/// Names a document at a version (LSP `VersionedTextDocumentIdentifier`).
public struct VersionedTextDocumentIdentifier: Codable, Hashable, Sendable {
    /// The document's URI.
    public var uri: String
    /// The version after the change.
    public var version: Int

    /// The document at `uri`, at `version`.
    public init(uri: String, version: Int) {
        self.uri = uri
        self.version = version
    }
}

/// `textDocument/didOpen` parameters (LSP `DidOpenTextDocumentParams`).
public struct DidOpenTextDocumentParams: Codable, Hashable, Sendable {
    /// The document opened.
    public var textDocument: TextDocumentItem

    /// Parameters for opening `textDocument`.
    public init(textDocument: TextDocumentItem) { self.textDocument = textDocument }
}

/// One change to a document (LSP `TextDocumentContentChangeEvent`): the whole new text when
/// `range` is absent (full sync, what this server asks for), else the text replacing `range`.
public struct TextDocumentContentChangeEvent: Codable, Hashable, Sendable {
    /// The range replaced, when the client sends incremental changes.
    public var range: TextRange?
    /// The new text of the range, or of the whole document.
    public var text: String

    /// A change replacing `range` (or the whole document) with `text`.
    public init(range: TextRange? = nil, text: String) {
        self.range = range
        self.text = text
    }
}

/// `textDocument/didChange` parameters (LSP `DidChangeTextDocumentParams`).
public struct DidChangeTextDocumentParams: Codable, Hashable, Sendable {
    /// The document and its new version.
    public var textDocument: VersionedTextDocumentIdentifier
    /// The changes, in order.
    public var contentChanges: [TextDocumentContentChangeEvent]

    /// Parameters for changing a document.
    public init(textDocument: VersionedTextDocumentIdentifier, contentChanges: [TextDocumentContentChangeEvent]) {
        self.textDocument = textDocument
        self.contentChanges = contentChanges
    }
}

/// `textDocument/didClose` and `didSave` parameters (LSP `DidCloseTextDocumentParams`,
/// `DidSaveTextDocumentParams`; the saved text is not asked for).
public struct TextDocumentParams: Codable, Hashable, Sendable {
    /// The document.
    public var textDocument: TextDocumentIdentifier

    /// Parameters naming `textDocument`.
    public init(textDocument: TextDocumentIdentifier) { self.textDocument = textDocument }
}

/// A request about one position of a document: hover, definition, completion, prepareRename
/// (LSP `TextDocumentPositionParams` and the requests built on it).
public struct TextDocumentPositionParams: Codable, Hashable, Sendable {
    /// The document.
    public var textDocument: TextDocumentIdentifier
    /// The position in it.
    public var position: Position

    /// Parameters for `position` in `textDocument`.
    public init(textDocument: TextDocumentIdentifier, position: Position) {
        self.textDocument = textDocument
        self.position = position
    }
}

/// `textDocument/references` parameters (LSP `ReferenceParams`).
public struct ReferenceParams: Codable, Hashable, Sendable {
    /// Whether to include the declaration itself (LSP `ReferenceContext`).
    public struct Context: Codable, Hashable, Sendable {
        /// Include the declaration of the symbol.
        public var includeDeclaration: Bool
        /// A context that includes the declaration or not.
        public init(includeDeclaration: Bool) { self.includeDeclaration = includeDeclaration }
    }
    /// The document.
    public var textDocument: TextDocumentIdentifier
    /// The position of the symbol.
    public var position: Position
    /// Whether to include the declaration.
    public var context: Context

    /// Parameters for finding the references of the symbol at `position`.
    public init(textDocument: TextDocumentIdentifier, position: Position, context: Context) {
        self.textDocument = textDocument
        self.position = position
        self.context = context
    }
}

/// `textDocument/rename` parameters (LSP `RenameParams`).
public struct RenameParams: Codable, Hashable, Sendable {
    /// The document.
    public var textDocument: TextDocumentIdentifier
    /// The position of the symbol renamed.
    public var position: Position
    /// Its new name.
    public var newName: String

    /// Parameters for renaming the symbol at `position` to `newName`.
    public init(textDocument: TextDocumentIdentifier, position: Position, newName: String) {
        self.textDocument = textDocument
        self.position = position
        self.newName = newName
    }
}

/// `textDocument/documentSymbol` parameters (LSP `DocumentSymbolParams`).
public typealias DocumentSymbolParams = TextDocumentParams
