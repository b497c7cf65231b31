/// Text in Markdown or plain text (LSP `MarkupContent`).
public struct MarkupContent: Codable, Hashable, Sendable {
    /// `markdown` or `plaintext`.
    public var kind: String
    /// The text.
    public var value: String

    /// Markdown text.
    public static func markdown(_ value: String) -> MarkupContent { MarkupContent(kind: "markdown", value: value) }

    /// Text of the given kind.
    public init(kind: String, value: String) {
        self.kind = kind
        self.value = value
    }
}

/// One suggestion in the completion list (LSP `CompletionItem`).
public struct CompletionItem: Codable, Hashable, Sendable {
    /// What is shown, and inserted when there is no `textEdit`.
    public var label: String
    /// The LSP `CompletionItemKind`: 5 field (a key), 12 value, 18 reference, 20 enum member, 3 function (a step).
    public var kind: Int?
    /// A short line beside the label (a step's kind and title).
    public var detail: String?
    /// The longer explanation.
    public var documentation: MarkupContent?
    /// How the list is sorted.
    public var sortText: String?
    /// What the typed word is matched against.
    public var filterText: String?
    /// What is inserted, when it differs from the label (`next: ` for a key).
    public var insertText: String?
    /// The edit made instead, replacing the word being typed.
    public var textEdit: TextEdit?

    /// A completion item.
    public init(label: String, kind: Int?, detail: String? = nil, documentation: MarkupContent? = nil,
                sortText: String? = nil, filterText: String? = nil, insertText: String? = nil, textEdit: TextEdit? = nil) {
        self.label = label
        self.kind = kind
        self.detail = detail
        self.documentation = documentation
        self.sortText = sortText
        self.filterText = filterText
        self.insertText = insertText
        self.textEdit = textEdit
    }
}

/// The answer to `textDocument/completion` (LSP `CompletionList`).
public struct CompletionList: Codable, Hashable, Sendable {
    /// Whether typing further should ask again rather than filter this list.
    public var isIncomplete: Bool
    /// The suggestions.
    public var items: [CompletionItem]

    /// A complete list of `items`.
    public init(isIncomplete: Bool = false, items: [CompletionItem]) {
        self.isIncomplete = isIncomplete
        self.items = items
    }
}

/// The answer to `textDocument/hover` (LSP `Hover`).
public struct Hover: Codable, Hashable, Sendable {
    /// What is shown.
    public var contents: MarkupContent
    /// The range the hover is about.
    public var range: TextRange?

    /// A hover showing `contents` for `range`.
    public init(contents: MarkupContent, range: TextRange?) {
        self.contents = contents
        self.range = range
    }
}

/// One entry of the outline (LSP `DocumentSymbol`).
public struct DocumentSymbol: Codable, Hashable, Sendable {
    /// The name shown.
    public var name: String
    /// A word beside it (a step's kind).
    public var detail: String?
    /// The LSP `SymbolKind`.
    public var kind: Int
    /// The whole entry, its body included.
    public var range: TextRange
    /// The name itself, inside `range`.
    public var selectionRange: TextRange
    /// The entries inside it.
    public var children: [DocumentSymbol]?

    /// An outline entry.
    public init(name: String, detail: String?, kind: Int, range: TextRange, selectionRange: TextRange, children: [DocumentSymbol]?) {
        self.name = name
        self.detail = detail
        self.kind = kind
        self.range = range
        self.selectionRange = selectionRange
        self.children = children
    }
}
