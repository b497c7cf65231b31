/// The document outline: each top-level section, with the ids it declares (steps with their
/// kind beside them) and an overlay's changes.
public enum OutlineSymbols {
    /// LSP `SymbolKind` numbers used.
    enum Kind {
        static let module = 2, namespace = 3, property = 7, field = 8, function = 12, variable = 13, constant = 14, object = 19, event = 24, `operator` = 25
    }

    /// The outline of a document.
    public static func symbols(_ analysis: DocumentAnalysis) -> [DocumentSymbol] {
        let entries = analysis.outline.entries
        let lines = analysis.lines
        func range(_ e: OutlineEntry) -> TextRange {
            let start = e.keyRange?.start ?? e.valueRange?.start ?? Position(line: 0, character: 0)
            let endLine = max(e.endLine, start.line)
            return TextRange(start: start, end: Position(line: endLine, character: lines.endOfLine(endLine)))
        }
        var out: [DocumentSymbol] = []
        for top in entries where top.path.count == 1 && top.key != nil {
            guard let key = top.key, let keyRange = top.keyRange else { continue }
            var children: [DocumentSymbol] = []
            if let kind = SymbolKind(section: key) {
                for e in entries where e.path.count == 2 && e.path[0] == key && e.key != nil && !e.path[1].hasPrefix("[") {
                    guard let name = e.key, let selection = e.keyRange else { continue }
                    var detail: String?
                    if kind == .step { detail = entries.first { $0.path == ["steps", name, "kind"] }?.value }
                    if kind == .organisation || kind == .attribute { detail = entries.first { $0.path == [key, name, "type"] }?.value }
                    children.append(DocumentSymbol(name: name, detail: detail, kind: symbolKind(kind), range: range(e),
                                                   selectionRange: selection, children: nil))
                }
            } else if key == "changes" {
                for e in entries where e.path.count == 3 && e.path[0] == "changes" && OverlayPaths.operations.contains(e.path[2]) {
                    guard let op = e.key, let selection = e.keyRange else { continue }
                    let item = entries.filter { $0.path.count >= 2 && $0.path[0] == "changes" && $0.path[1] == e.path[1] }
                    let end = item.map(\.endLine).max() ?? e.endLine
                    children.append(DocumentSymbol(name: "\(op) \(e.value ?? "")", detail: nil, kind: Kind.operator,
                                                   range: TextRange(start: selection.start, end: Position(line: end, character: lines.endOfLine(end))),
                                                   selectionRange: selection, children: nil))
                }
            }
            out.append(DocumentSymbol(name: key, detail: top.value.flatMap { $0.isEmpty ? nil : $0 },
                                      kind: children.isEmpty && top.value != nil ? Kind.property : Kind.namespace,
                                      range: range(top), selectionRange: keyRange, children: children.isEmpty ? nil : children))
        }
        return out
    }

    static func symbolKind(_ kind: SymbolKind) -> Int {
        switch kind {
        case .step: Kind.function
        case .organisation: Kind.module
        case .resource: Kind.object
        case .attribute: Kind.field
        case .data: Kind.variable
        case .target: Kind.constant
        }
    }
}
