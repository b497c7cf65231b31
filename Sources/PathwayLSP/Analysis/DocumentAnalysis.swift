import PathwayModel

/// What the server knows about one version of a document: its lines, its outline, the ids in
/// it, and the pathway the loader last built from it (or from an earlier version, while the
/// current one does not load).
public struct DocumentAnalysis: Sendable {
    /// The document's lines.
    public let lines: LineTable
    /// Its keys and scalars.
    public let outline: PathwayOutline
    /// Its ids.
    public let symbols: SymbolIndex
    /// The pathway, if one was ever built from the document.
    public let pathway: Pathway?

    /// Analyses `text`, with the pathway built from it (or its last good version) if any.
    public init(text: String, pathway: Pathway?) {
        let lines = LineTable(text)
        self.lines = lines
        outline = PathwayOutline(lines: lines.lines)
        symbols = SymbolIndex(outline: outline, knownAttributes: Set(pathway?.attributes.map(\.id) ?? []))
        self.pathway = pathway
    }

    /// The ids of one kind that can be named here: those declared in the file and, for an
    /// overlay, in its standard; data items also wherever they are named.
    public func ids(_ kind: SymbolKind) -> [String] {
        var names: [String] = []
        if let p = pathway {
            switch kind {
            case .step: names = p.steps.map(\.id)
            case .organisation: names = p.organisations.map(\.id)
            case .resource: names = p.resources.map(\.id)
            case .attribute: names = p.attributes.map(\.id)
            case .target: names = p.targets.map(\.id)
            case .data:
                names = p.dataItems.map(\.name) + p.steps.flatMap { $0.produces.map(\.name) + $0.requires.map(\.name) }
            }
        }
        names += kind == .data ? symbols.named(.data) : symbols.declared(kind)
        var seen: Set<String> = []
        return names.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
