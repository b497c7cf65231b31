/// The part of `initialize`'s parameters this server reads (LSP `InitializeParams`): who the
/// client is and its options. The client's capabilities are not needed: the server answers
/// with features every LSP 3.17 client supports.
public struct InitializeParams: Codable, Hashable, Sendable {
    /// The client's process id, to notice when it dies.
    public var processId: Int?
    /// The workspace folder, if any (deprecated in 3.17 but still sent).
    public var rootUri: String?
    /// carepath's own options.
    public var initializationOptions: ServerOptions?

    /// Initialize parameters.
    public init(processId: Int? = nil, rootUri: String? = nil, initializationOptions: ServerOptions? = nil) {
        self.processId = processId
        self.rootUri = rootUri
        self.initializationOptions = initializationOptions
    }
}

/// Options a client may pass in `initializationOptions`.
public struct ServerOptions: Codable, Hashable, Sendable {
    /// How long after the last keystroke to validate, in milliseconds.
    public var debounceMilliseconds: Int?

    /// Options with the given debounce.
    public init(debounceMilliseconds: Int? = nil) { self.debounceMilliseconds = debounceMilliseconds }
}

/// The answer to `initialize` (LSP `InitializeResult`).
public struct InitializeResult: Codable, Hashable, Sendable {
    /// What the server can do.
    public var capabilities: ServerCapabilities
    /// The server's name and version (LSP `ServerInfo`).
    public var serverInfo: ServerInfo?

    /// An initialize result.
    public init(capabilities: ServerCapabilities, serverInfo: ServerInfo?) {
        self.capabilities = capabilities
        self.serverInfo = serverInfo
    }
}

/// A server's name and version.
public struct ServerInfo: Codable, Hashable, Sendable {
    /// `carepath`.
    public var name: String
    /// Its version.
    public var version: String?

    /// Server information.
    public init(name: String, version: String?) {
        self.name = name
        self.version = version
    }
}

/// What this server offers (LSP `ServerCapabilities`, the members it uses).
public struct ServerCapabilities: Codable, Hashable, Sendable {
    /// Positions count UTF-16 code units (the protocol's default, which every client supports).
    public var positionEncoding: String?
    /// Full-document sync, with open/close and save notifications.
    public var textDocumentSync: TextDocumentSyncOptions?
    /// Completion, and the characters that trigger it.
    public var completionProvider: CompletionOptions?
    /// Hover.
    public var hoverProvider: Bool?
    /// Go to definition.
    public var definitionProvider: Bool?
    /// Find references.
    public var referencesProvider: Bool?
    /// The outline.
    public var documentSymbolProvider: Bool?
    /// Quick fixes.
    public var codeActionProvider: CodeActionOptions?
    /// Rename, with prepareRename.
    public var renameProvider: RenameOptions?

    /// Capabilities.
    public init(positionEncoding: String?, textDocumentSync: TextDocumentSyncOptions?, completionProvider: CompletionOptions?,
                hoverProvider: Bool?, definitionProvider: Bool?, referencesProvider: Bool?, documentSymbolProvider: Bool?,
                codeActionProvider: CodeActionOptions?, renameProvider: RenameOptions?) {
        self.positionEncoding = positionEncoding
        self.textDocumentSync = textDocumentSync
        self.completionProvider = completionProvider
        self.hoverProvider = hoverProvider
        self.definitionProvider = definitionProvider
        self.referencesProvider = referencesProvider
        self.documentSymbolProvider = documentSymbolProvider
        self.codeActionProvider = codeActionProvider
        self.renameProvider = renameProvider
    }
}

/// How documents are synchronised (LSP `TextDocumentSyncOptions`).
public struct TextDocumentSyncOptions: Codable, Hashable, Sendable {
    /// Send didOpen and didClose.
    public var openClose: Bool?
    /// 1: the whole document on each change.
    public var change: Int?
    /// Send didSave, without the text (LSP `SaveOptions`).
    public var save: SaveOptions?

    /// Sync options.
    public init(openClose: Bool?, change: Int?, save: SaveOptions?) {
        self.openClose = openClose
        self.change = change
        self.save = save
    }
}

/// Whether didSave carries the text (LSP `SaveOptions`).
public struct SaveOptions: Codable, Hashable, Sendable {
    /// Include the saved text.
    public var includeText: Bool?
    /// Save options.
    public init(includeText: Bool?) { self.includeText = includeText }
}

/// Completion options (LSP `CompletionOptions`).
public struct CompletionOptions: Codable, Hashable, Sendable {
    /// Characters that open the list without a keystroke of a word.
    public var triggerCharacters: [String]?
    /// Whether items are resolved lazily (no: they come complete).
    public var resolveProvider: Bool?

    /// Completion options.
    public init(triggerCharacters: [String]?, resolveProvider: Bool?) {
        self.triggerCharacters = triggerCharacters
        self.resolveProvider = resolveProvider
    }
}

/// Code action options (LSP `CodeActionOptions`).
public struct CodeActionOptions: Codable, Hashable, Sendable {
    /// The kinds offered: `quickfix`.
    public var codeActionKinds: [String]?
    /// Code action options.
    public init(codeActionKinds: [String]?) { self.codeActionKinds = codeActionKinds }
}

/// Rename options (LSP `RenameOptions`).
public struct RenameOptions: Codable, Hashable, Sendable {
    /// Whether prepareRename is answered.
    public var prepareProvider: Bool?
    /// Rename options.
    public init(prepareProvider: Bool?) { self.prepareProvider = prepareProvider }
}

/// A `window/logMessage` notification's parameters (LSP `LogMessageParams`).
public struct LogMessageParams: Codable, Hashable, Sendable {
    /// 1 error, 2 warning, 3 info, 4 log.
    public var type: Int
    /// The message.
    public var message: String

    /// A log message.
    public init(type: Int, message: String) {
        self.type = type
        self.message = message
    }
}
