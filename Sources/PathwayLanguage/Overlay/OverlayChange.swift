import PathwayModel

/// One entry of a variant's `changes:` list, read from the variant file.
///
/// Written as a mapping with one operation key whose value is a dotted path, plus the new
/// value where the operation needs one:
/// ```yaml
/// - set: steps.lung-mdt.every
///   value: 14 days
/// - add: steps.outpatient-appointment
///   after: triage
///   value: { kind: assessment, organisation: acute, next: ct-chest }
/// - remove: steps.gp-results
/// - replace: steps.ct-chest
///   value: { kind: test, ... }
/// ```
struct OverlayChange {
    /// What a change does.
    enum Operation: String, CaseIterable {
        /// Add a new key (a step, a field) or append to a list.
        case add
        /// Delete a key or a list item.
        case remove
        /// Replace an existing value wholesale.
        case replace
        /// Set a field, creating it if absent (its container must exist).
        case set
    }

    var operation: Operation
    /// The path's segments: `steps.ct-scan.duration` is `["steps", "ct-scan", "duration"]`.
    var path: [String]
    var pathText: String
    /// Where the path is written in the variant file.
    var pathLocation: SourceLocation
    var value: YAMLNode?
    /// For `add` of a new key: place it after (or before) this sibling key.
    var after: (key: String, location: SourceLocation)?
    var before: (key: String, location: SourceLocation)?
    /// Where the change starts in the variant file.
    var location: SourceLocation
    /// Why, and the evidence for it (`reason:` text, `evidence:` a list shaped like `sources`),
    /// carried into the variant's `deviations` for `diff` to judge the change justified.
    var justification: [YAMLEntry] = []

    /// The keys a change may have besides its operation.
    static let extraKeys = ["value", "after", "before", "reason", "evidence"]

    /// Reads one `changes:` item, reporting shape problems.
    static func read(_ node: YAMLNode, reader: inout NodeReader) -> OverlayChange? {
        let operations = Operation.allCases.map(\.rawValue)
        guard let entries = reader.mapping(node, "a change", allowed: operations + extraKeys) else { return nil }
        let given = entries.filter { operations.contains($0.key) }
        guard given.count == 1, let opEntry = given.first, let operation = Operation(rawValue: opEntry.key) else {
            reader.error(.cp606, given.isEmpty
                         ? "a change needs one of `add`, `remove`, `replace` or `set`, with the path of what it changes"
                         : "a change can do only one thing, but this one has \(given.map { "`\($0.key)`" }.joined(separator: " and "))",
                         at: node.location, help: "write each operation as its own item of `changes:`, such as `- set: steps.lung-mdt.every`")
            return nil
        }
        guard let pathText = reader.text(opEntry.value, "the path of the change") else { return nil }
        let path = pathText.split(separator: ".", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        if path.contains(where: \.isEmpty) {
            reader.error(.cp607, "'\(pathText)' is not a path; write the names from the top of the file separated by dots, such as `steps.ct-scan.duration`",
                         at: opEntry.value.contentLocation)
            return nil
        }
        var change = OverlayChange(operation: operation, path: path, pathText: pathText,
                                   pathLocation: opEntry.value.contentLocation, value: entries["value"], location: node.location)
        let needsValue = operation != .remove
        if needsValue, change.value == nil {
            reader.error(.cp611, "`\(operation.rawValue): \(pathText)` needs a `value:` saying what to \(operation == .add ? "add" : "put there")",
                         at: node.location)
            return nil
        }
        if !needsValue, let valueNode = entries["value"] {
            reader.error(.cp611, "`remove` takes no `value`", at: valueNode.location)
        }
        for key in ["after", "before"] {
            guard let n = entries[key], let text = reader.text(n, "`\(key)`") else { continue }
            if operation != .add {
                reader.error(.cp615, "`\(key)` places a new entry, so it goes only with `add`", at: n.location)
                continue
            }
            if key == "after" { change.after = (text, n.contentLocation) } else { change.before = (text, n.contentLocation) }
        }
        if let n = entries["reason"], reader.text(n, "the reason for the change") != nil {
            change.justification.append(YAMLEntry(key: "reason", keyLocation: n.location, value: n))
        }
        if let n = entries["evidence"], reader.sequence(n, "`evidence`") != nil {
            change.justification.append(YAMLEntry(key: "evidence", keyLocation: n.location, value: n))
        }
        return change
    }
}

extension String {
    /// Without leading and trailing spaces (paths are written by hand).
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
