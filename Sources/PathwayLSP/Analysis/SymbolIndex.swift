import Foundation

/// What an id in a pathway file names.
public enum SymbolKind: String, Sendable, Hashable, CaseIterable {
    case step, organisation, resource, attribute, data, target

    /// The top-level section that declares ids of this kind.
    public var section: String {
        switch self {
        case .step: "steps"
        case .organisation: "organisations"
        case .resource: "resources"
        case .attribute: "attributes"
        case .data: "data"
        case .target: "targets"
        }
    }

    /// The kind declared by a top-level section, if it declares ids.
    public init?(section: String) {
        guard let kind = SymbolKind.allCases.first(where: { $0.section == section }) else { return nil }
        self = kind
    }
}

/// One place an id is written: where it is declared, or where it is named.
public struct SymbolOccurrence: Hashable, Sendable {
    /// What the id names.
    public var kind: SymbolKind
    /// The id.
    public var name: String
    /// Where it is written.
    public var range: TextRange
    /// Whether this is its declaration (the key under `steps:`, an overlay's `add: steps.x`).
    public var isDefinition: Bool
}

/// Every id written in a pathway file, found from its outline: declarations under `steps`,
/// `organisations`, `resources`, `attributes`, `data` and `targets`, and every place that names
/// one (`next`, branches' `to`, `paths`, `join`, `start`, targets' `from`/`to`, `resource`,
/// `organisation`, `requires`/`produces`/`sends`, a resource's `priority`, attribute names in
/// `when` conditions), including an overlay's change paths (`set: steps.triage.next`), its
/// `after`/`before`, the values it sets and the keys of `deviations`.
public struct SymbolIndex: Sendable {
    /// Every occurrence, in file order.
    public let occurrences: [SymbolOccurrence]
    private let byLine: [Int: [Int]]

    /// Indexes an outline. Attribute names inside conditions are recognised among
    /// `knownAttributes` and the attributes the file itself declares.
    public init(outline: PathwayOutline, knownAttributes: Set<String> = []) {
        var found: [SymbolOccurrence] = []
        let entries = outline.entries
        var attributes = knownAttributes
        for e in entries where e.shape.count == 2 && e.shape[0] == "attributes" { attributes.insert(e.path[1]) }
        let operations = OverlayPaths(entries: entries)
        for entry in entries {
            let shape = operations.effectiveShape(of: entry)
            if let key = entry.key, let range = entry.keyRange {
                if shape.count == 2, let kind = SymbolKind(section: shape[0]), !shape[1].hasPrefix("[") {
                    found.append(SymbolOccurrence(kind: kind, name: key, range: range, isDefinition: true))
                }
                if entry.path.count == 2, entry.path[0] == "deviations" {
                    found += Self.dottedPath(key, at: range, isDefinition: false)
                }
            }
            guard let value = entry.value, let range = entry.valueRange, !value.isEmpty else { continue }
            if entry.shape.count == 3, entry.shape[0] == "changes", OverlayPaths.operations.contains(entry.shape[2]) {
                found += Self.dottedPath(value, at: range, isDefinition: entry.shape[2] == "add")
                continue
            }
            if let kind = Self.referenceKind(shape) ?? (entry.key == "after" || entry.key == "before" ? Self.siblingKind(shape) : nil) {
                found.append(SymbolOccurrence(kind: kind, name: value, range: range, isDefinition: false))
            } else if Self.isCondition(shape) {
                for (name, offset, length) in ConditionNames.attributes(in: value, known: attributes) {
                    let start = range.start.character + offset
                    found.append(SymbolOccurrence(kind: .attribute, name: name,
                                                  range: TextRange(line: range.start.line, from: start, to: start + length), isDefinition: false))
                }
            }
        }
        occurrences = found
        var byLine: [Int: [Int]] = [:]
        for (i, o) in found.enumerated() { byLine[o.range.start.line, default: []].append(i) }
        self.byLine = byLine
    }

    /// The occurrence under `position`, if any.
    public func occurrence(at position: Position) -> SymbolOccurrence? {
        (byLine[position.line] ?? []).map { occurrences[$0] }.first { $0.range.contains(position) }
    }

    /// Every occurrence of the id `name` of kind `kind`.
    public func occurrences(of kind: SymbolKind, _ name: String) -> [SymbolOccurrence] {
        occurrences.filter { $0.kind == kind && $0.name == name }
    }

    /// The ids declared in the file, of one kind, in file order.
    public func declared(_ kind: SymbolKind) -> [String] {
        var seen: Set<String> = []
        return occurrences.filter { $0.kind == kind && $0.isDefinition && seen.insert($0.name).inserted }.map(\.name)
    }

    /// Every id of one kind named anywhere in the file, in file order.
    public func named(_ kind: SymbolKind) -> [String] {
        var seen: Set<String> = []
        return occurrences.filter { $0.kind == kind && seen.insert($0.name).inserted }.map(\.name)
    }

    /// What a value at `shape` names, if it names an id.
    public static func referenceKind(_ shape: [String]) -> SymbolKind? {
        func matches(_ pattern: [String]) -> Bool {
            pattern.count == shape.count && zip(pattern, shape).allSatisfy { $0 == "*" || $0 == $1 }
        }
        let steps: [[String]] = [
            ["start"], ["steps", "*", "next"], ["steps", "*", "join"], ["steps", "*", "paths"], ["steps", "*", "paths", "[]"],
            ["steps", "*", "branches", "[]", "to"], ["targets", "*", "from"], ["targets", "*", "to"], ["targets", "*", "to", "[]"],
            ["backlog", "[]", "step"],
        ]
        if steps.contains(where: matches) { return .step }
        if matches(["steps", "*", "organisation"]) || matches(["resources", "*", "organisation"]) { return .organisation }
        if matches(["steps", "*", "resource"]) { return .resource }
        if matches(["resources", "*", "priority"]) { return .attribute }
        for key in ["requires", "produces"] {
            if matches(["steps", "*", key]) || matches(["steps", "*", key, "[]"]) || matches(["steps", "*", key, "[]", "name"]) { return .data }
        }
        if matches(["steps", "*", "handoff", "sends"]) || matches(["steps", "*", "handoff", "sends", "[]"]) { return .data }
        return nil
    }

    /// Whether a value at `shape` is a branch condition.
    public static func isCondition(_ shape: [String]) -> Bool {
        shape.count == 5 && shape[0] == "steps" && shape[2] == "branches" && shape[3] == "[]" && shape[4] == "when"
    }

    /// The ids in a dotted overlay path (`steps.triage.next`): the segment after a section.
    static func dottedPath(_ text: String, at range: TextRange, isDefinition: Bool) -> [SymbolOccurrence] {
        let segments = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard segments.count >= 2, let kind = SymbolKind(section: segments[0].trimmingCharacters(in: .whitespaces)) else { return [] }
        let name = segments[1]
        let offset = segments[0].utf16.count + 1
        let start = range.start.character + offset
        return [SymbolOccurrence(kind: kind, name: name, range: TextRange(line: range.start.line, from: start, to: start + name.utf16.count),
                                 isDefinition: isDefinition && segments.count == 2)]
    }
}

/// An overlay's `changes`: what each change's `value`, `after` and `before` stand for, so that
/// `- set: steps.triage.next / value: ct-chest` is read like `steps: triage: next: ct-chest`.
struct OverlayPaths {
    static let operations: Set<String> = ["add", "remove", "replace", "set"]
    /// The dotted path of each change, by its list position (`[3]`).
    private var paths: [String: [String]] = [:]

    init(entries: [OutlineEntry]) {
        for e in entries where e.path.count == 3 && e.path[0] == "changes" && Self.operations.contains(e.path[2]) {
            if let value = e.value {
                paths[e.path[1]] = value.split(separator: ".", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
    }

    /// The shape an entry has once an overlay's change is applied to the pathway; other
    /// entries keep their own shape.
    func effectiveShape(of entry: OutlineEntry) -> [String] {
        let shape = entry.shape
        guard shape.count >= 3, shape[0] == "changes", let target = paths[entry.path[1]] else { return shape }
        switch shape[2] {
        case "value": return target.map { $0.allSatisfy(\.isNumber) ? "[]" : $0 } + shape.dropFirst(3)
        case "after", "before":
            // A sibling of the key being added: `add: steps.x / after: triage` names a step.
            return shape.count == 3 && target.count == 2 ? [target[0], "*"] : ["changes"]
        default: return shape
        }
    }
}

extension SymbolIndex {
    /// Treat `after:`/`before:` values as references to siblings of what is added.
    static func siblingKind(_ shape: [String]) -> SymbolKind? {
        shape.count == 2 && shape[1] == "*" ? SymbolKind(section: shape[0]) : nil
    }
}
