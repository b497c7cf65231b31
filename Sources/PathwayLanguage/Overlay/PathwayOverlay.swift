import PathwayModel

/// Applies a variant's changes to its standard's syntax tree, before the pathway is built.
///
/// Working on the tree (not the built model) keeps every position honest: a node the variant
/// wrote carries the variant file's position, everything inherited still points into the
/// standard, so a diagnostic or a diff line names the file that caused it.
struct PathwayOverlay {
    var reader = NodeReader()
    /// The standard's file, for notes.
    let baseFile: String

    var diagnostics: [Diagnostic] { reader.diagnostics }
    /// Where each change read is written, by its path.
    private(set) var edits: [String: SourceLocation] = [:]

    /// Keys of the variant file that are not copied over the standard.
    static let variantOnlyKeys: Set<String> = ["extends", "changes"]

    /// The standard `base` with the variant's own top-level keys laid over it and its `changes`
    /// applied in order. Changes that cannot be applied are reported and skipped.
    mutating func apply(base: YAMLNode, variant: [YAMLEntry]) -> YAMLNode {
        guard case .mapping(var top) = base.kind else { return base }
        // Top-level keys written in the variant (id, title, arrivals, ...) replace the standard's.
        for entry in variant where !Self.variantOnlyKeys.contains(entry.key) {
            if let i = top.firstIndex(where: { $0.key == entry.key }) { top[i] = entry } else { top.append(entry) }
        }
        var root = YAMLNode(kind: .mapping(top), location: base.location)
        guard let changesNode = variant["changes"] else { return root }
        if changesNode.isNull { return root }
        guard let items = reader.sequence(changesNode, "`changes`") else { return root }
        var justified: [YAMLEntry] = []
        for item in items {
            guard let change = OverlayChange.read(item, reader: &reader) else { continue }
            apply(change, to: &root, at: change.path[...], trail: [])
            edits[change.pathText] = change.pathLocation
            if !change.justification.isEmpty {
                justified.append(YAMLEntry(key: change.pathText, keyLocation: change.pathLocation,
                                           value: YAMLNode(kind: .mapping(change.justification), location: change.location)))
            }
        }
        // Each change's reason and evidence join the variant's `deviations` (after its own).
        if !justified.isEmpty, case .mapping(var top) = root.kind {
            if let i = top.firstIndex(where: { $0.key == "deviations" }), case .mapping(let own) = top[i].value.kind {
                top[i].value.kind = .mapping(own + justified)
            } else if let i = top.firstIndex(where: { $0.key == "deviations" }) {
                top[i].value = YAMLNode(kind: .mapping(justified), location: top[i].value.location)
            } else {
                top.append(YAMLEntry(key: "deviations", keyLocation: changesNode.location, value: YAMLNode(kind: .mapping(justified), location: changesNode.location)))
            }
            root.kind = .mapping(top)
        }
        return root
    }

    // MARK: Walking the path

    private mutating func apply(_ change: OverlayChange, to node: inout YAMLNode, at path: ArraySlice<String>, trail: [String]) {
        guard let segment = path.first else { return }
        if path.count == 1 {
            finish(change, in: &node, key: segment, trail: trail)
            return
        }
        switch node.kind {
        case .mapping(var entries):
            guard let i = entries.firstIndex(where: { $0.key == segment }) else {
                missing(segment, among: entries.map(\.key), trail: trail, change: change, container: node)
                return
            }
            apply(change, to: &entries[i].value, at: path.dropFirst(), trail: trail + [segment])
            node.kind = .mapping(entries)
        case .sequence(var items):
            guard let i = Self.index(of: segment, in: items) else {
                missing(segment, among: items.compactMap(Self.label), trail: trail, change: change, container: node)
                return
            }
            apply(change, to: &items[i], at: path.dropFirst(), trail: trail + [segment])
            node.kind = .sequence(items)
        case .scalar:
            notAContainer(trail: trail, change: change, node: node)
        }
    }

    /// The last step of the path: `key` inside the container `node`.
    private mutating func finish(_ change: OverlayChange, in node: inout YAMLNode, key: String, trail: [String]) {
        switch node.kind {
        case .mapping(var entries):
            let existing = entries.firstIndex { $0.key == key }
            switch change.operation {
            case .add:
                if let i = existing {
                    // Adding to an existing list appends; anything else already exists.
                    if case .sequence(var items) = entries[i].value.kind, let value = change.value {
                        if case .sequence(let more) = value.kind { items += more } else { items.append(value) }
                        entries[i].value.kind = .sequence(items)
                    } else {
                        reader.error(.cp610, "\(Self.describe(key, trail: trail)) is already in the standard, so it cannot be added",
                                     at: change.pathLocation, notes: [DiagnosticNote("written here in the standard", at: entries[i].keyLocation)],
                                     help: "use `replace:` to put a new one in its place, or `set:` to change one field")
                        return
                    }
                } else if let value = change.value {
                    let entry = YAMLEntry(key: key, keyLocation: change.pathLocation, value: value)
                    entries.insert(entry, at: insertionIndex(for: change, in: entries, trail: trail))
                }
            case .remove:
                guard let i = existing else { missing(key, among: entries.map(\.key), trail: trail, change: change, container: node); return }
                entries.remove(at: i)
            case .replace:
                guard let i = existing, let value = change.value else {
                    missing(key, among: entries.map(\.key), trail: trail, change: change, container: node)
                    return
                }
                entries[i] = YAMLEntry(key: key, keyLocation: change.pathLocation, value: value)
            case .set:
                guard let value = change.value else { return }
                if let i = existing { entries[i].value = value } else {
                    // Setting a whole step or target that is not there is a typo far more often than intended.
                    if trail.count == 1, ["steps", "targets", "organisations", "resources", "attributes"].contains(trail[0]) {
                        missing(key, among: entries.map(\.key), trail: trail, change: change, container: node)
                        return
                    }
                    entries.append(YAMLEntry(key: key, keyLocation: change.pathLocation, value: value))
                }
            }
            node.kind = .mapping(entries)
        case .sequence(var items):
            guard let i = Self.index(of: key, in: items) else {
                if change.operation == .add {
                    reader.error(.cp610, "to add an item to a list, give the path of the list itself (\(trail.joined(separator: ".")))",
                                 at: change.pathLocation)
                } else {
                    missing(key, among: items.compactMap(Self.label), trail: trail, change: change, container: node)
                }
                return
            }
            switch change.operation {
            case .remove: items.remove(at: i)
            case .replace, .set: if let value = change.value { items[i] = value }
            case .add:
                reader.error(.cp610, "to add an item to a list, give the path of the list itself (\(trail.joined(separator: ".")))",
                             at: change.pathLocation)
                return
            }
            node.kind = .sequence(items)
        case .scalar:
            notAContainer(trail: trail, change: change, node: node)
        }
    }

    private mutating func insertionIndex(for change: OverlayChange, in entries: [YAMLEntry], trail: [String]) -> Int {
        if let after = change.after {
            if let i = entries.firstIndex(where: { $0.key == after.key }) { return i + 1 }
            missingSibling(after.key, at: after.location, among: entries.map(\.key), trail: trail)
        }
        if let before = change.before {
            if let i = entries.firstIndex(where: { $0.key == before.key }) { return i }
            missingSibling(before.key, at: before.location, among: entries.map(\.key), trail: trail)
        }
        return entries.count
    }

    // MARK: Lists

    /// A list item named by a path segment: its position (`0`), its text (`ct-report` in
    /// `produces`), or for a set of keys its `to`, `name`, `id` or `title` (a branch by where it goes).
    static func index(of segment: String, in items: [YAMLNode]) -> Int? {
        if let i = items.firstIndex(where: { label($0) == segment }) { return i }
        if let n = Int(segment), items.indices.contains(n) { return n }
        return nil
    }

    /// What a list item is called in a path.
    static func label(_ item: YAMLNode) -> String? {
        switch item.kind {
        case .scalar(let s, _): return s
        case .mapping(let entries):
            for key in ["to", "name", "id", "title"] { if let s = entries[key]?.scalar { return s } }
            return nil
        case .sequence: return nil
        }
    }

    // MARK: Diagnostics

    private static func describe(_ key: String, trail: [String]) -> String {
        if trail.count == 1 {
            let singular = ["steps": "step", "targets": "target", "organisations": "organisation", "resources": "resource",
                            "attributes": "attribute", "data": "data item"]
            if let noun = singular[trail[0]] { return "\(noun) '\(key)'" }
        }
        if trail.count == 2, trail[0] == "steps" { return "'\(key)' of step '\(trail[1])'" }
        if trail.isEmpty { return "'\(key)'" }
        return "'\(key)' in '\(trail.joined(separator: "."))'"
    }

    private mutating func missing(_ key: String, among candidates: [String], trail: [String], change: OverlayChange, container: YAMLNode) {
        let hint = closestMatch(to: key, in: candidates)
        let what = Self.describe(key, trail: trail)
        reader.error(.cp608, "the standard has no \(what), so `\(change.operation.rawValue): \(change.pathText)` cannot be applied"
                     + (hint.map { " — did you mean '\($0)'?" } ?? ""),
                     at: change.pathLocation, notes: [DiagnosticNote("the standard's entries are here", at: container.location)],
                     suggestion: hint.map { (change.path.prefix(trail.count) + [$0]).joined(separator: ".") })
    }

    private mutating func missingSibling(_ key: String, at location: SourceLocation, among candidates: [String], trail: [String]) {
        let hint = closestMatch(to: key, in: candidates)
        reader.error(.cp609, "there is no \(Self.describe(key, trail: trail)) to place the new entry next to; it goes at the end"
                     + (hint.map { " — did you mean '\($0)'?" } ?? ""),
                     at: location, suggestion: hint)
    }

    private mutating func notAContainer(trail: [String], change: OverlayChange, node: YAMLNode) {
        reader.error(.cp616, "'\(trail.joined(separator: "."))' is a single value (\(node.description)), so there is nothing inside it for `\(change.pathText)` to reach",
                     at: change.pathLocation, notes: [DiagnosticNote("the value in the standard", at: node.location)],
                     help: "use `set: \(trail.joined(separator: "."))` to change the value itself")
    }
}
