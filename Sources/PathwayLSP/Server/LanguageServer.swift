import Foundation
import PathwayLanguage
import PathwayModel

/// The carepath language server's logic: it takes messages from the client and gives back the
/// messages to send, with no input or output of its own, so every handler can be tested with
/// plain values (the stdio loop is `StdioTransport`).
///
/// Edits are validated after a quiet spell (`debounce`): a burst of keystrokes gives one
/// validation. The caller asks `nextDeadline` when it should call `runDueValidations` next.
public struct LanguageServer {
    /// The server's name as it tells clients.
    public static let name = "carepath"

    /// How the server behaves.
    public struct Configuration: Sendable {
        /// How long after the last change to validate.
        public var debounce: Duration
        /// Reads and validates pathways (limits, root folder).
        public var loader: PathwayLoader
        /// The version the server reports.
        public var version: String

        /// A configuration.
        public init(debounce: Duration = .milliseconds(100), loader: PathwayLoader = PathwayLoader(), version: String = "0.1.0") {
            self.debounce = debounce
            self.loader = loader
            self.version = version
        }
    }

    /// The configuration in force.
    public private(set) var configuration: Configuration
    var documents: [String: OpenDocument] = [:]
    /// Documents waiting to be validated, by URI, with when.
    private var due: [String: ContinuousClock.Instant] = [:]
    private var initialized = false
    private var shuttingDown = false
    /// Set by `exit`: the process's exit status (0 after `shutdown`, 1 without).
    public private(set) var exitCode: Int32?

    /// A server with `configuration`.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// When the next debounced validation is due, if any.
    public var nextDeadline: ContinuousClock.Instant? { due.values.min() }

    /// Handles one message body from the client and returns the bodies to send back.
    public mutating func receive(_ body: Data, at now: ContinuousClock.Instant) -> [Data] {
        let message: IncomingMessage
        do {
            message = try IncomingMessage(body: body)
        } catch {
            return [OutgoingMessage.error(id: nil, error)]
        }
        guard let method = message.method else { return [] }  // a response to nothing we asked
        do {
            return try dispatch(method, message, now: now)
        } catch {
            guard let id = message.id else {
                return [log(1, "\(method): \(error.message)")]
            }
            return [OutgoingMessage.error(id: id, error)]
        }
    }

    /// The message to send about a framing problem (a message skipped, the stream broken).
    public func framingProblem(_ error: FramingError) -> Data {
        log(1, "carepath lsp: \(error)")
    }

    /// Validates every document whose quiet spell has ended.
    public mutating func runDueValidations(at now: ContinuousClock.Instant) -> [Data] {
        let ready = due.filter { $0.value <= now }.map(\.key).sorted()
        var out: [Data] = []
        for uri in ready {
            due[uri] = nil
            if let params = validate(uri) { out.append(OutgoingMessage.notification("textDocument/publishDiagnostics", params)) }
        }
        return out
    }

    /// Validates a document now, for tests and benchmarks.
    public mutating func validate(_ uri: String) -> PublishDiagnosticsParams? {
        guard var document = documents[uri] else { return nil }
        let params = document.validate(with: configuration.loader)
        documents[uri] = document
        return params
    }

    private func log(_ type: Int, _ message: String) -> Data {
        OutgoingMessage.notification("window/logMessage", LogMessageParams(type: type, message: message))
    }

    private mutating func dispatch(_ method: String, _ message: IncomingMessage, now: ContinuousClock.Instant) throws(ResponseError) -> [Data] {
        let id = message.id
        if method == "exit" {
            exitCode = shuttingDown ? 0 : 1
            return []
        }
        if shuttingDown, id != nil {
            throw ResponseError(code: ResponseError.invalidRequest, message: "the server is shutting down")
        }
        if !initialized, method != "initialize" {
            if id == nil { return [] }  // notifications before initialize are dropped, as the protocol says
            throw ResponseError(code: ResponseError.serverNotInitialized, message: "the server has not been initialized")
        }
        func reply<R: Encodable>(_ result: R) -> [Data] { [OutgoingMessage.response(id: id, result: result)] }
        switch method {
        case "initialize":
            let params = try message.params(InitializeParams.self)
            if let ms = params.initializationOptions?.debounceMilliseconds, ms >= 0, ms <= 10_000 {
                configuration.debounce = .milliseconds(ms)
            }
            initialized = true
            return reply(InitializeResult(capabilities: Self.capabilities,
                                          serverInfo: ServerInfo(name: Self.name, version: configuration.version)))
        case "initialized", "$/setTrace", "$/cancelRequest", "workspace/didChangeConfiguration", "workspace/didChangeWatchedFiles":
            return []
        case "shutdown":
            shuttingDown = true
            return reply(Optional<Int>.none)
        case "textDocument/didOpen":
            let p = try message.params(DidOpenTextDocumentParams.self)
            documents[p.textDocument.uri] = OpenDocument(uri: p.textDocument.uri, version: p.textDocument.version, text: p.textDocument.text)
            due[p.textDocument.uri] = nil
            return validate(p.textDocument.uri).map { [OutgoingMessage.notification("textDocument/publishDiagnostics", $0)] } ?? []
        case "textDocument/didChange":
            let p = try message.params(DidChangeTextDocumentParams.self)
            guard var document = documents[p.textDocument.uri] else {
                return [log(2, "a change arrived for \(p.textDocument.uri), which is not open; ignored")]
            }
            for change in p.contentChanges {
                if let range = change.range {
                    document.text = TextSplice.apply(change.text, over: range, in: document.text)
                } else {
                    document.text = change.text
                }
            }
            document.version = p.textDocument.version
            documents[p.textDocument.uri] = document
            due[p.textDocument.uri] = now + configuration.debounce
            return []
        case "textDocument/didSave":
            let p = try message.params(TextDocumentParams.self)
            // Overlays read their standard from disk: check the open ones again once it is saved.
            let folder = (DocumentURI.path(p.textDocument.uri) as NSString).deletingLastPathComponent
            for (uri, d) in documents where uri != p.textDocument.uri && (d.path as NSString).deletingLastPathComponent == folder {
                due[uri] = now + configuration.debounce
            }
            return []
        case "textDocument/didClose":
            let p = try message.params(TextDocumentParams.self)
            documents[p.textDocument.uri] = nil
            due[p.textDocument.uri] = nil
            return [OutgoingMessage.notification("textDocument/publishDiagnostics",
                                                 PublishDiagnosticsParams(uri: p.textDocument.uri, version: nil, diagnostics: []))]
        case "textDocument/completion":
            let p = try message.params(TextDocumentPositionParams.self)
            var document = try open(p.textDocument.uri)
            let lines = document.analysis().lines
            let list = CompletionProvider(analysis: document.analysis(), lines: lines).list(at: p.position)
            documents[p.textDocument.uri] = document
            return reply(list)
        case "textDocument/hover":
            let p = try message.params(TextDocumentPositionParams.self)
            var document = try open(p.textDocument.uri)
            let hover = HoverProvider(analysis: document.analysis()).hover(at: p.position)
            documents[p.textDocument.uri] = document
            return reply(hover)
        case "textDocument/definition":
            let p = try message.params(TextDocumentPositionParams.self)
            var document = try open(p.textDocument.uri)
            let result = Navigator(document: document.analysis(), uri: document.uri, path: document.path, openTexts: openTexts()).definition(at: p.position)
            documents[p.textDocument.uri] = document
            return reply(result)
        case "textDocument/references":
            let p = try message.params(ReferenceParams.self)
            var document = try open(p.textDocument.uri)
            let result = Navigator(document: document.analysis(), uri: document.uri, path: document.path, openTexts: openTexts())
                .references(at: p.position, includeDeclaration: p.context.includeDeclaration)
            documents[p.textDocument.uri] = document
            return reply(result)
        case "textDocument/documentSymbol":
            let p = try message.params(TextDocumentParams.self)
            var document = try open(p.textDocument.uri)
            let symbols = OutlineSymbols.symbols(document.analysis())
            documents[p.textDocument.uri] = document
            return reply(symbols)
        case "textDocument/codeAction":
            let p = try message.params(CodeActionParams.self)
            let document = try open(p.textDocument.uri)
            return reply(QuickFixes.actions(uri: document.uri, range: p.range, published: document.publishedVersion == document.version ? document.published : [],
                                            fromClient: p.context.diagnostics, only: p.context.only))
        case "textDocument/prepareRename":
            let p = try message.params(TextDocumentPositionParams.self)
            var document = try open(p.textDocument.uri)
            let result = try Renamer(document: document.analysis(), uri: document.uri, path: document.path, openTexts: openTexts())
                .prepare(at: p.position)
            documents[p.textDocument.uri] = document
            return reply(result)
        case "textDocument/rename":
            let p = try message.params(RenameParams.self)
            var document = try open(p.textDocument.uri)
            let edit = try Renamer(document: document.analysis(), uri: document.uri, path: document.path, openTexts: openTexts())
                .rename(at: p.position, to: p.newName)
            documents[p.textDocument.uri] = document
            return reply(edit)
        default:
            if id == nil { return [] }  // unknown notifications (`$/...` and others) are ignored
            throw ResponseError(code: ResponseError.methodNotFound, message: "carepath lsp does not handle '\(method)'")
        }
    }

    private func open(_ uri: String) throws(ResponseError) -> OpenDocument {
        guard let document = documents[uri] else {
            throw ResponseError(code: ResponseError.invalidParams, message: "\(uri) is not open; open it first (textDocument/didOpen)")
        }
        return document
    }

    /// The text of every open document, by file path (an overlay being edited wins over its file).
    private func openTexts() -> [String: String] {
        Dictionary(documents.values.map { ($0.path, $0.text) }, uniquingKeysWith: { a, _ in a })
    }

    /// What the server offers.
    static let capabilities = ServerCapabilities(
        positionEncoding: "utf-16",
        textDocumentSync: TextDocumentSyncOptions(openClose: true, change: 1, save: SaveOptions(includeText: false)),
        completionProvider: CompletionOptions(triggerCharacters: [":", " ", "[", ",", "-"], resolveProvider: false),
        hoverProvider: true, definitionProvider: true, referencesProvider: true, documentSymbolProvider: true,
        codeActionProvider: CodeActionOptions(codeActionKinds: ["quickfix"]),
        renameProvider: RenameOptions(prepareProvider: true))
}
