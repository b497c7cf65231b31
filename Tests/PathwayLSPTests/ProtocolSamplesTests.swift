import Foundation
import PathwayLSP
import Testing

/// Every protocol type the server reads or writes, encoded with all optional members set and
/// with none, into `Tests/lsp/fixtures/protocol-samples.json`, named by its LSP 3.17 type.
/// `Tests/lsp/test_protocol_model.py` checks each sample against the `lsprotocol` package's
/// model of the specification (field names, required members, types). Regenerate with
/// `CAREPATH_UPDATE_GOLDEN=1`.
struct ProtocolSamplesTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../lsp/fixtures/protocol-samples.json").standardizedFileURL

    /// An LSP type name and its samples, as JSON values.
    struct Sample: Encodable {
        var lspType: String
        /// `sent` types must carry every member the specification requires; `read` types are the
        /// parts of a client's message the server decodes (the rest is ignored).
        var direction: String
        var samples: [AnyEncodable]
    }

    struct AnyEncodable: Encodable {
        let encode: (Encoder) throws -> Void
        init(_ value: some Encodable) { encode = value.encode }
        func encode(to encoder: Encoder) throws { try encode(encoder) }
    }

    static func samples() -> [Sample] {
        let range = TextRange(line: 3, from: 4, to: 9)
        let location = Location(uri: "file:///p/lung.yaml", range: range)
        let related = DiagnosticRelatedInformation(location: location, message: "first written here")
        let diagnostic = LSPDiagnostic(range: range, severity: 1, code: "CP101", codeDescription: CodeDescription(href: "https://example.org/CP101"),
                                       source: "carepath", message: "not a step", relatedInformation: [related],
                                       data: DiagnosticData(replacement: "clinic"))
        let bare = LSPDiagnostic(range: range, severity: nil, code: nil, source: nil, message: "m")
        let edit = TextEdit(range: range, newText: "clinic")
        let workspaceEdit = WorkspaceEdit(changes: ["file:///p/lung.yaml": [edit]])
        let id = TextDocumentIdentifier(uri: "file:///p/lung.yaml")
        let capabilities = ServerCapabilities(
            positionEncoding: "utf-16", textDocumentSync: TextDocumentSyncOptions(openClose: true, change: 1, save: SaveOptions(includeText: false)),
            completionProvider: CompletionOptions(triggerCharacters: [":"], resolveProvider: false), hoverProvider: true, definitionProvider: true,
            referencesProvider: true, documentSymbolProvider: true, codeActionProvider: CodeActionOptions(codeActionKinds: ["quickfix"]),
            renameProvider: RenameOptions(prepareProvider: true))
        let noCapabilities = ServerCapabilities(positionEncoding: nil, textDocumentSync: nil, completionProvider: nil, hoverProvider: nil,
                                                definitionProvider: nil, referencesProvider: nil, documentSymbolProvider: nil,
                                                codeActionProvider: nil, renameProvider: nil)
        let symbol = DocumentSymbol(name: "ct-scan", detail: "test", kind: 12, range: range, selectionRange: range, children: [])
        func s(_ type: String, _ values: [AnyEncodable]) -> Sample { Sample(lspType: type, direction: "sent", samples: values) }
        func r(_ type: String, _ values: [AnyEncodable]) -> Sample { Sample(lspType: type, direction: "read", samples: values) }
        return [
            s("Position", [AnyEncodable(Position(line: 1, character: 2))]),
            s("Range", [AnyEncodable(range)]),
            s("Location", [AnyEncodable(location)]),
            s("Diagnostic", [AnyEncodable(diagnostic), AnyEncodable(bare)]),
            s("DiagnosticRelatedInformation", [AnyEncodable(related)]),
            s("CodeDescription", [AnyEncodable(CodeDescription(href: "https://example.org"))]),
            s("PublishDiagnosticsParams", [AnyEncodable(PublishDiagnosticsParams(uri: "file:///p/lung.yaml", version: 3, diagnostics: [diagnostic])),
                                           AnyEncodable(PublishDiagnosticsParams(uri: "file:///p/lung.yaml", version: nil, diagnostics: []))]),
            s("TextEdit", [AnyEncodable(edit)]),
            s("WorkspaceEdit", [AnyEncodable(workspaceEdit)]),
            s("CodeAction", [AnyEncodable(CodeAction(title: "Replace", kind: "quickfix", diagnostics: [diagnostic], isPreferred: true, edit: workspaceEdit)),
                             AnyEncodable(CodeAction(title: "Replace", kind: nil, diagnostics: nil, isPreferred: nil, edit: nil))]),
            s("PrepareRenamePlaceholder", [AnyEncodable(PrepareRenameResult(range: range, placeholder: "ct-scan"))]),
            s("MarkupContent", [AnyEncodable(MarkupContent.markdown("**x**"))]),
            s("CompletionItem", [AnyEncodable(CompletionItem(label: "ct-scan", kind: 18, detail: "test", documentation: .markdown("d"),
                                                             sortText: "00001", filterText: "ct-scan", insertText: "ct-scan", textEdit: edit)),
                                 AnyEncodable(CompletionItem(label: "ct-scan", kind: nil))]),
            s("CompletionList", [AnyEncodable(CompletionList(items: [CompletionItem(label: "a", kind: 10)]))]),
            s("Hover", [AnyEncodable(Hover(contents: .markdown("x"), range: range)), AnyEncodable(Hover(contents: .markdown("x"), range: nil))]),
            s("DocumentSymbol", [AnyEncodable(DocumentSymbol(name: "steps", detail: nil, kind: 3, range: range, selectionRange: range, children: [symbol])),
                                 AnyEncodable(DocumentSymbol(name: "start", detail: nil, kind: 7, range: range, selectionRange: range, children: nil))]),
            s("InitializeResult", [AnyEncodable(InitializeResult(capabilities: capabilities, serverInfo: ServerInfo(name: "carepath", version: "0.1.0"))),
                                   AnyEncodable(InitializeResult(capabilities: noCapabilities, serverInfo: nil))]),
            s("ServerCapabilities", [AnyEncodable(capabilities)]),
            s("TextDocumentSyncOptions", [AnyEncodable(TextDocumentSyncOptions(openClose: true, change: 1, save: SaveOptions(includeText: false)))]),
            s("SaveOptions", [AnyEncodable(SaveOptions(includeText: true))]),
            s("CompletionOptions", [AnyEncodable(CompletionOptions(triggerCharacters: [":"], resolveProvider: false))]),
            s("CodeActionOptions", [AnyEncodable(CodeActionOptions(codeActionKinds: ["quickfix"]))]),
            s("RenameOptions", [AnyEncodable(RenameOptions(prepareProvider: true))]),
            s("ServerInfo", [AnyEncodable(ServerInfo(name: "carepath", version: nil))]),
            s("LogMessageParams", [AnyEncodable(LogMessageParams(type: 1, message: "m"))]),
            s("ResponseError", [AnyEncodable(ResponseError(code: -32601, message: "m"))]),
            r("InitializeParams", [AnyEncodable(InitializeParams(processId: 12, rootUri: "file:///p", initializationOptions: ServerOptions(debounceMilliseconds: 50)))]),
            r("TextDocumentItem", [AnyEncodable(TextDocumentItem(uri: "file:///p/a.yaml", languageId: "yaml", version: 1, text: "carepath: 1\n"))]),
            r("TextDocumentIdentifier", [AnyEncodable(id)]),
            r("VersionedTextDocumentIdentifier", [AnyEncodable(VersionedTextDocumentIdentifier(uri: "file:///p/a.yaml", version: 2))]),
            r("DidOpenTextDocumentParams", [AnyEncodable(DidOpenTextDocumentParams(textDocument: TextDocumentItem(uri: "file:///a", languageId: "yaml", version: 1, text: "")))]),
            r("DidChangeTextDocumentParams", [AnyEncodable(DidChangeTextDocumentParams(
                textDocument: VersionedTextDocumentIdentifier(uri: "file:///a", version: 2),
                contentChanges: [TextDocumentContentChangeEvent(text: "x"), TextDocumentContentChangeEvent(range: range, text: "y")]))]),
            r("TextDocumentContentChangePartial", [AnyEncodable(TextDocumentContentChangeEvent(range: range, text: "y"))]),
            r("TextDocumentContentChangeWholeDocument", [AnyEncodable(TextDocumentContentChangeEvent(text: "x"))]),
            r("DidCloseTextDocumentParams", [AnyEncodable(TextDocumentParams(textDocument: id))]),
            r("DidSaveTextDocumentParams", [AnyEncodable(TextDocumentParams(textDocument: id))]),
            r("DocumentSymbolParams", [AnyEncodable(TextDocumentParams(textDocument: id))]),
            r("HoverParams", [AnyEncodable(TextDocumentPositionParams(textDocument: id, position: Position(line: 0, character: 1)))]),
            r("DefinitionParams", [AnyEncodable(TextDocumentPositionParams(textDocument: id, position: Position(line: 0, character: 1)))]),
            r("CompletionParams", [AnyEncodable(TextDocumentPositionParams(textDocument: id, position: Position(line: 0, character: 1)))]),
            r("PrepareRenameParams", [AnyEncodable(TextDocumentPositionParams(textDocument: id, position: Position(line: 0, character: 1)))]),
            r("ReferenceParams", [AnyEncodable(ReferenceParams(textDocument: id, position: Position(line: 0, character: 1), context: .init(includeDeclaration: true)))]),
            r("RenameParams", [AnyEncodable(RenameParams(textDocument: id, position: Position(line: 0, character: 1), newName: "x"))]),
            r("CodeActionParams", [AnyEncodable(CodeActionParams(textDocument: id, range: range, context: .init(diagnostics: [diagnostic], only: ["quickfix"])))]),
        ]
    }

    static func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(samples()), as: UTF8.self) + "\n"
    }

    @Test func protocolSamplesMatchTheFixtureCheckedAgainstLsprotocol() throws {
        let actual = try Self.json()
        if ProcessInfo.processInfo.environment["CAREPATH_UPDATE_GOLDEN"] != nil {
            try actual.write(to: Self.fixture, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: Self.fixture, encoding: .utf8)
        #expect(actual == expected, "the protocol types changed: regenerate with CAREPATH_UPDATE_GOLDEN=1 and run Tests/lsp/test_protocol_model.py")
    }
}
