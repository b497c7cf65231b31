import Foundation

/// Renames an id (a step, organisation, resource, attribute or data item) everywhere it is
/// named: in the file, and in the overlays in its folder that `extends` it.
public struct Renamer {
    /// The document.
    public var document: DocumentAnalysis
    /// Its URI.
    public var uri: String
    /// Its file path.
    public var path: String
    /// The text of open documents by path (an overlay open in the editor is edited as it stands there).
    public var openTexts: [String: String]

    static let renamable: Set<SymbolKind> = [.step, .organisation, .resource, .attribute, .data]

    /// A renamer for one document.
    public init(document: DocumentAnalysis, uri: String, path: String, openTexts: [String: String] = [:]) {
        self.document = document
        self.uri = uri
        self.path = path
        self.openTexts = openTexts
    }

    /// The id under `position` and its range, or an error saying why it cannot be renamed here.
    public func prepare(at position: Position) throws(ResponseError) -> PrepareRenameResult {
        let o = try target(at: position)
        return PrepareRenameResult(range: o.range, placeholder: o.name)
    }

    /// The edits that rename the id under `position` to `newName`.
    public func rename(at position: Position, to newName: String) throws(ResponseError) -> WorkspaceEdit {
        let o = try target(at: position)
        guard newName.range(of: "^[A-Za-z0-9][A-Za-z0-9_-]*$", options: .regularExpression) != nil else {
            throw ResponseError(code: ResponseError.invalidParams,
                                message: "'\(newName)' is not an id: use letters, digits, '-' and '_', starting with a letter or digit")
        }
        if newName != o.name, document.ids(o.kind).contains(newName) {
            throw ResponseError(code: ResponseError.invalidParams, message: "there is already \(o.kind == .attribute ? "an" : "a") \(o.kind.rawValue) called '\(newName)'")
        }
        var changes: [String: [TextEdit]] = [:]
        changes[uri] = document.symbols.occurrences(of: o.kind, o.name).map { TextEdit(range: $0.range, newText: newName) }
        for overlay in OverlayFinder.overlays(of: path, openTexts: openTexts) {
            let index = SymbolIndex(outline: PathwayOutline(lines: LineTable(overlay.text).lines))
            let edits = index.occurrences(of: o.kind, o.name).map { TextEdit(range: $0.range, newText: newName) }
            if !edits.isEmpty { changes[DocumentURI.uri(overlay.path), default: []] += edits }
        }
        return WorkspaceEdit(changes: changes)
    }

    private func target(at position: Position) throws(ResponseError) -> SymbolOccurrence {
        guard let o = document.symbols.occurrence(at: position), Self.renamable.contains(o.kind) else {
            throw ResponseError(code: ResponseError.requestFailed,
                                message: "only the ids of steps, organisations, resources, attributes and data items can be renamed")
        }
        let declaredHere = document.symbols.occurrences(of: o.kind, o.name).contains(where: \.isDefinition)
        let isOverlay = document.outline.entries.contains { $0.path == ["extends"] }
        if isOverlay, !declaredHere, o.kind != .data {
            throw ResponseError(code: ResponseError.requestFailed,
                                message: "'\(o.name)' is declared in the standard this file extends; rename it there, and the overlays in its folder follow")
        }
        return o
    }
}
