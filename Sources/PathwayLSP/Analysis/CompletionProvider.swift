import PathwayModel

/// What to offer at the cursor: the keys valid there (from the language's schema, for a step
/// only those its `kind` takes), the allowed values of an enumeration, or the ids a reference
/// can name (steps after `next:`, resources after `resource:`, attributes in a `when:`).
public struct CompletionProvider {
    /// The document.
    public var analysis: DocumentAnalysis
    /// Its lines.
    public var lines: LineTable
    /// The language's keys and values.
    public var catalogue: SchemaCatalogue = .shared

    /// A provider for one document.
    public init(analysis: DocumentAnalysis, lines: LineTable) {
        self.analysis = analysis
        self.lines = lines
    }

    /// Where the cursor is, in the file's structure.
    public enum Context: Hashable, Sendable {
        /// A key is being typed in the mapping at `parent` (a path, as in `OutlineEntry.path`).
        case key(parent: [String])
        /// A value is being typed for the key at `path`; `condition` when it is a branch's `when`.
        case value(path: [String], shape: [String])
        /// Nothing to offer (a comment, a new id under `steps:`).
        case none
    }

    private static let marker = "CAREPATHCURSOR"

    /// Works out the context at `position` by reading the lines before it with the cursor
    /// marked, so a half-typed line still gives its place in the file.
    public func context(at position: Position) -> (context: Context, word: TextRange, needsSpace: Bool) {
        let units = Array(lines.line(position.line).utf16)
        let cursor = min(position.character, units.count)
        var wordStart = cursor
        while wordStart > 0, DiagnosticMapper.isWordUnit(units[wordStart - 1]) || units[wordStart - 1] == 0x2E { wordStart -= 1 }
        let word = TextRange(line: position.line, from: wordStart, to: cursor)
        var prefix = String(decoding: units[..<cursor], as: UTF16.self)
        if prefix.trimmingCharacters(in: .whitespaces).hasPrefix("#") { return (.none, word, false) }
        let needsSpace = prefix.hasSuffix(":")
        if needsSpace { prefix += " " }
        // Read from the line that opens the cursor's entry (a step's id, two spaces in) under
        // its top-level key: nothing before it changes the context, and a 10,000-step file is
        // not read again on each keystroke.
        let above = min(position.line, lines.lines.count)
        var start = above - 1
        var entryStart: Int?
        while start > 0 {
            let l = lines.line(start)
            if let first = l.utf16.first, first != 0x20, first != 0x23, first != 0x2D { break }
            if entryStart == nil, l.hasPrefix("  "), !l.hasPrefix("   "), let c = l.dropFirst(2).first, c != "-", c != "#", c != " " {
                entryStart = start
            }
            start -= 1
        }
        var context: [String]
        if let entryStart, start >= 0, entryStart > start + 1 {
            context = [lines.line(start)] + Array(lines.lines[entryStart..<above])
        } else {
            context = Array(lines.lines[max(0, start)..<above])
        }
        context.append(prefix + Self.marker)
        let outline = PathwayOutline(lines: context)
        let overlay = OverlayPaths(entries: outline.entries)
        guard let entry = outline.entries.last(where: { ($0.key ?? "").contains(Self.marker) || ($0.value ?? "").contains(Self.marker) }) else {
            return (.none, word, needsSpace)
        }
        if entry.key?.contains(Self.marker) == true {
            let parent = Array(entry.path.dropLast())
            var parentEntry = entry
            parentEntry.path = parent
            let parentShape = overlay.effectiveShape(of: parentEntry)
            if parentShape.last == "[]", SymbolIndex.referenceKind(parentShape) != nil || !catalogue.values(at: parentShape).isEmpty {
                return (.value(path: parent, shape: parentShape), word, needsSpace)
            }
            return (.key(parent: parent), word, needsSpace)
        }
        let shape = overlay.effectiveShape(of: entry)
        if entry.key == nil, shape.last == "[]", SymbolIndex.referenceKind(shape) == nil, catalogue.values(at: shape).isEmpty {
            // `- to` on a new line of a list of mappings (branches): the first key of the item.
            return (.key(parent: entry.path), word, needsSpace)
        }
        return (.value(path: entry.path, shape: shape), word, needsSpace)
    }

    /// The most items sent at once; past it the list is filtered by the word typed and marked
    /// incomplete, so the editor asks again as the user types.
    public static let maximumItems = 500

    /// The completion list at `position`.
    public func list(at position: Position) -> CompletionList {
        let (_, word, _) = context(at: position)
        let all = items(at: position)
        guard all.count > Self.maximumItems else { return CompletionList(items: all) }
        let typed = String(decoding: Array(lines.line(word.start.line).utf16)[word.start.character..<word.end.character], as: UTF16.self).lowercased()
        let matching = all.filter { Self.isSubsequence(typed, of: $0.label.lowercased()) }
        return CompletionList(isIncomplete: true, items: Array(matching.prefix(Self.maximumItems)))
    }

    /// Whether the letters of `typed` appear in `label` in order (how editors filter).
    static func isSubsequence(_ typed: String, of label: String) -> Bool {
        var rest = Substring(label)
        for c in typed {
            guard let i = rest.firstIndex(of: c) else { return false }
            rest = rest[rest.index(after: i)...]
        }
        return true
    }

    /// The completion items at `position`.
    public func items(at position: Position) -> [CompletionItem] {
        let (context, word, needsSpace) = context(at: position)
        let lead = needsSpace ? " " : ""
        func item(_ label: String, kind: Int, detail: String?, documentation: String?, insert: String? = nil, order: Int) -> CompletionItem {
            CompletionItem(label: label, kind: kind, detail: detail, documentation: documentation.map(MarkupContent.markdown),
                           sortText: Self.sortKey(order), filterText: label,
                           textEdit: TextEdit(range: word, newText: lead + (insert ?? label)))
        }
        switch context {
        case .none:
            return []
        case .key(let parent):
            let shape = parent.map { $0.hasPrefix("[") ? "[]" : $0 }
            // Under `steps:` (and the other id maps) a new id is being named: nothing to offer.
            if shape.count == 1, SymbolKind(section: shape[0]) != nil { return [] }
            let present = Set(analysis.outline.entries.filter { $0.path.count == parent.count + 1 && Array($0.path.prefix(parent.count)) == parent }
                .compactMap(\.key))
            var stepKind: String?
            var attributeType: String?
            if shape.count == 2, shape[0] == "steps" {
                stepKind = analysis.outline.entries.first { $0.path == parent + ["kind"] }?.value ?? analysis.pathway?.step(parent[1])?.kind.rawValue
            }
            if shape.count == 2, shape[0] == "attributes" {
                attributeType = analysis.outline.entries.first { $0.path == parent + ["type"] }?.value
            }
            let keys = catalogue.keys(at: parent, stepKind: stepKind, attributeType: attributeType)
            return keys.enumerated().filter { !present.contains($0.element.name) }.map { i, key in
                item(key.name, kind: 10, detail: nil, documentation: key.description, insert: key.name + ": ", order: i)
            }
        case .value(let path, let shape):
            if SymbolIndex.isCondition(shape) {
                return analysis.ids(.attribute).enumerated().map { i, id in
                    item(id, kind: 6, detail: attributeDetail(id), documentation: nil, order: i)
                }
            }
            let kind = SymbolIndex.referenceKind(shape) ?? (path.last == "after" || path.last == "before" ? SymbolIndex.siblingKind(shape) : nil)
            if let kind {
                let steps = kind == .step ? Dictionary((analysis.pathway?.steps ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) : [:]
                func detail(_ kind: SymbolKind, _ id: String) -> String? {
                    guard kind == .step else { return self.detail(kind, id) }
                    guard let s = steps[id] else { return nil }
                    return s.title.map { "\(s.kind.rawValue) — \($0)" } ?? s.kind.rawValue
                }
                let own = kind == .step && shape.count >= 2 && shape[0] == "steps" ? path[1] : nil
                return analysis.ids(kind).filter { $0 != own }.enumerated().map { i, id in
                    item(id, kind: kind == .step ? 18 : 12, detail: detail(kind, id), documentation: nil, order: i)
                }
            }
            return catalogue.values(at: path).enumerated().map { i, v in
                item(v.name, kind: 20, detail: nil, documentation: v.description, order: i)
            }
        }
    }

    static func sortKey(_ order: Int) -> String {
        let digits = String(order)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    private func detail(_ kind: SymbolKind, _ id: String) -> String? {
        guard let p = analysis.pathway else { return nil }
        switch kind {
        case .step:
            guard let s = p.step(id) else { return nil }
            return s.title.map { "\(s.kind.rawValue) — \($0)" } ?? s.kind.rawValue
        case .organisation: return p.organisation(id).map { "\($0.name) (\($0.type.rawValue))" }
        case .resource: return p.resource(id).map { "\($0.name ?? id) at \($0.organisation)" }
        case .attribute: return attributeDetail(id)
        case .data: return p.dataItems.first { $0.name == id }?.type
        case .target: return nil
        }
    }

    private func attributeDetail(_ id: String) -> String? {
        guard let a = analysis.pathway?.attribute(id) else { return nil }
        return AttributeText.describe(a)
    }
}
