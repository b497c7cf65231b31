import Foundation
import PathwayModel

/// Go to definition and find references for the ids of a pathway file.
public struct Navigator {
    /// The document.
    public var document: DocumentAnalysis
    /// Its URI.
    public var uri: String
    /// Its file path.
    public var path: String
    /// The text of open documents by path, for overlays being edited.
    public var openTexts: [String: String]

    /// A navigator for one document.
    public init(document: DocumentAnalysis, uri: String, path: String, openTexts: [String: String] = [:]) {
        self.document = document
        self.uri = uri
        self.path = path
        self.openTexts = openTexts
    }

    /// Where the id under `position` is declared: in this file, or (for an overlay) in its
    /// standard. A data item that is never declared goes to the first place it is named.
    public func definition(at position: Position) -> [Location] {
        guard let o = document.symbols.occurrence(at: position) else { return [] }
        let here = document.symbols.occurrences(of: o.kind, o.name)
        if let d = here.first(where: \.isDefinition) { return [Location(uri: uri, range: d.range)] }
        if let location = modelLocation(o.kind, o.name), location.file != path, location.line > 0,
           let text = openTexts[location.file] ?? OverlayFinder.readSmallFile(location.file) {
            let range = DiagnosticMapper.tokenRange(in: LineTable(text), line: location.line, column: location.column, naming: [o.name])
            return [Location(uri: DocumentURI.uri(location.file), range: range)]
        }
        if o.kind == .data, let first = here.first { return [Location(uri: uri, range: first.range)] }
        return []
    }

    /// Every place the id under `position` is named, in this file and in the overlays in its
    /// folder that extend it.
    public func references(at position: Position, includeDeclaration: Bool) -> [Location] {
        guard let o = document.symbols.occurrence(at: position) else { return [] }
        var out = document.symbols.occurrences(of: o.kind, o.name).filter { includeDeclaration || !$0.isDefinition }
            .map { Location(uri: uri, range: $0.range) }
        for overlay in OverlayFinder.overlays(of: path, openTexts: openTexts) {
            let index = SymbolIndex(outline: PathwayOutline(lines: LineTable(overlay.text).lines))
            out += index.occurrences(of: o.kind, o.name).map { Location(uri: DocumentURI.uri(overlay.path), range: $0.range) }
        }
        return out
    }

    private func modelLocation(_ kind: SymbolKind, _ name: String) -> SourceLocation? {
        guard let p = document.pathway else { return nil }
        switch kind {
        case .step: return p.step(name)?.location
        case .organisation: return p.organisation(name)?.location
        case .resource: return p.resource(name)?.location
        case .attribute: return p.attribute(name)?.location
        case .data: return p.dataItems.first { $0.name == name }?.location
        case .target: return p.targets.first { $0.id == name }?.location
        }
    }
}
