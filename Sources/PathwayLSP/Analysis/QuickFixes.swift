/// The validator's suggestions as quick fixes: "did you mean 'leg-ultrasound'?" becomes an
/// edit replacing the misspelt token.
public enum QuickFixes {
    /// The fixes for the diagnostics over `range`: those the server published for the document,
    /// and any the client sends back with their replacement in `data`.
    public static func actions(uri: String, range: TextRange, published: [LSPDiagnostic], fromClient: [LSPDiagnostic],
                               only: [String]? = nil) -> [CodeAction] {
        if let only, !only.contains(where: { $0 == "quickfix" || "quickfix".hasPrefix($0 + ".") || $0.hasPrefix("quickfix") }) { return [] }
        var seen: Set<TextRange> = []
        var out: [CodeAction] = []
        for d in published + fromClient where d.range.overlaps(range) {
            guard let replacement = d.data?.replacement, seen.insert(d.range).inserted else { continue }
            out.append(CodeAction(title: "Replace with '\(replacement)'", kind: "quickfix", diagnostics: [d], isPreferred: true,
                                  edit: WorkspaceEdit(changes: [uri: [TextEdit(range: d.range, newText: replacement)]])))
        }
        return out
    }
}
