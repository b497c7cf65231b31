import Foundation
import PathwayLanguage

/// The language's keys, enumerations and their explanations, read from the JSON Schema that
/// `PathwayLanguage` generates from the loader's own key lists (`carepath schema`), so the server
/// offers exactly the keys and values the loader accepts and never keeps a second list.
public struct SchemaCatalogue: Sendable {
    /// A JSON value of the schema.
    indirect enum Node: Sendable {
        case object([String: Node])
        case array([Node])
        case string(String)
        case other

        subscript(key: String) -> Node? {
            if case .object(let members) = self { return members[key] }
            return nil
        }
        var string: String? { if case .string(let s) = self { return s } else { return nil } }
        var array: [Node] { if case .array(let items) = self { return items } else { return [] } }
        var members: [String: Node] { if case .object(let m) = self { return m } else { return [:] } }
    }

    /// A key the schema allows at some place.
    public struct Key: Hashable, Sendable {
        /// The key.
        public var name: String
        /// What it means.
        public var description: String?
    }

    /// One allowed value of an enumeration.
    public struct Value: Hashable, Sendable {
        /// The value.
        public var name: String
        /// What it means.
        public var description: String?
    }

    /// The catalogue of the current language version.
    public static let shared = SchemaCatalogue(json: LanguageSchema.json)

    private let root: Node

    /// Reads a schema's JSON text (an empty catalogue if it is not JSON).
    public init(json: String) {
        let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) ?? [:]
        root = Self.node(object)
    }

    private static func node(_ any: Any) -> Node {
        if let d = any as? [String: Any] { return .object(d.mapValues(node)) }
        if let a = any as? [Any] { return .array(a.map(node)) }
        if let s = any as? String { return .string(s) }
        return .other
    }

    private func resolve(_ node: Node) -> Node {
        guard let ref = node["$ref"]?.string, ref.hasPrefix("#/$defs/"),
              let target = root["$defs"]?[String(ref.dropFirst("#/$defs/".count))] else { return node }
        return resolve(target)
    }

    /// The alternatives of a node (its `anyOf`, resolved), or the node itself.
    private func alternatives(_ node: Node) -> [Node] {
        let resolved = resolve(node)
        let options = resolved["anyOf"]?.array ?? resolved["oneOf"]?.array ?? []
        return options.isEmpty ? [resolved] : options.map(resolve)
    }

    /// The schema of the value at `shape`: keys, with `*` for an id in a map and `[]` for a list item.
    func node(at shape: [String]) -> Node? {
        var current = root
        for segment in shape {
            var next: Node?
            for option in alternatives(current) {
                if segment == "[]" {
                    if let items = option["items"] { next = items; break }
                } else if let property = option["properties"]?[segment], segment != "*" {
                    next = property; break
                } else if let additional = option["additionalProperties"], case .object = additional {
                    next = additional; break
                }
            }
            guard let found = next else { return nil }
            current = found
        }
        return current
    }

    /// The description at `shape` (the key's own description, before following its `$ref`).
    public func description(at shape: [String]) -> String? {
        guard let n = node(at: shape) else { return nil }
        return n["description"]?.string ?? resolve(n)["description"]?.string
    }

    /// The keys allowed in the mapping at `shape`. For a step, pass its `kind` to get only the
    /// keys that kind takes (the schema's `if kind … then propertyNames` rules).
    public func keys(at shape: [String], stepKind: String? = nil, attributeType: String? = nil) -> [Key] {
        guard let n = node(at: shape) else { return [] }
        for option in alternatives(n) {
            let properties = option["properties"]?.members ?? [:]
            guard !properties.isEmpty else { continue }
            var names = properties.keys.sorted()
            let selector = stepKind.map { ("kind", $0) } ?? attributeType.map { ("type", $0) }
            if let (field, value) = selector {
                for rule in option["allOf"]?.array ?? [] {
                    guard let condition = rule["if"]?["properties"]?[field], Self.matches(value, condition),
                          let only = rule["then"]?["propertyNames"]?["enum"]?.array.compactMap(\.string) else { continue }
                    names = names.filter(only.contains)
                }
            }
            return names.map { Key(name: $0, description: properties[$0].flatMap { $0["description"]?.string ?? resolve($0)["description"]?.string }) }
        }
        return []
    }

    /// The allowed values at `shape`, when the schema lists them (`kind`, `status`, an
    /// organisation's `type`, a target's `starts`), with their explanations.
    public func values(at shape: [String]) -> [Value] {
        guard let n = node(at: shape) else { return [] }
        // The words are listed in one alternative; another may accept their other spellings
        // (`Active`) by a pattern, which offers nothing to complete.
        guard let listed = alternatives(n).first(where: { $0["enum"] != nil }) else { return [] }
        let names = listed["enum"]?.array.compactMap(\.string) ?? []
        let help = listed["enumDescriptions"]?.array.compactMap(\.string) ?? []
        return names.enumerated().map { Value(name: $1, description: $0 < help.count ? help[$0] : nil) }
    }

    /// Whether `value` meets a schema condition written as an `enum` or a `pattern` (the schema
    /// writes a step kind's rule as a pattern that accepts any capitalisation).
    static func matches(_ value: String, _ condition: Node) -> Bool {
        if let listed = condition["enum"]?.array.compactMap(\.string) { return listed.contains(value) }
        guard let pattern = condition["pattern"]?.string,
              let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
    }
}
