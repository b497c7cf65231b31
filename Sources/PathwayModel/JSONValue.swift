/// A JSON document built in code and written with one fixed layout (two-space indentation, one
/// member or item per line, `"key": value`, `{}`/`[]` when empty, a final newline), so the same
/// value always gives the same bytes on every platform: carepath's one JSON writer (exports,
/// simulation results, diffs, diagnostics). Keys keep the order they were added in (FHIR
/// readers expect `resourceType` first); `sortingKeys()` orders them by their UTF-8 bytes.
public indirect enum JSONValue: Hashable, Sendable {
    /// A string, escaped when written.
    case string(String)
    /// A number already formatted as JSON number text (so no locale or float printing varies).
    case number(String)
    /// `true` or `false`.
    case bool(Bool)
    /// An array, written one item per line.
    case array([JSONValue])
    /// An object whose members keep their order.
    case object([JSONMember])
    /// `null`.
    case null

    /// A number printed with at most three decimals and no trailing zeros.
    public static func decimal(_ value: Double) -> JSONValue {
        let text = NumberText.format3(value)
        // format3 prints "nan"/"inf" for values JSON cannot hold; such values never reach an export
        // from a validated pathway, but keep the output well-formed regardless.
        return .number(text.first.map { $0.isNumber || $0 == "-" } == true ? text : "0")
    }

    /// A whole number.
    public static func integer(_ value: Int) -> JSONValue { .number(String(value)) }

    /// The document as text: two-space indentation, one member per line, a final newline.
    /// With `escapingHTML` (the exporters' policy), `<`, `>` and `&` in strings are escaped too.
    public func serialized(escapingHTML: Bool = true) -> String {
        var out = ""
        write(into: &out, indent: 0, escapingHTML: escapingHTML)
        out += "\n"
        return out
    }

    /// The same value with every object's members ordered by their keys' UTF-8 bytes (the same
    /// order on every platform), at every depth.
    public func sortingKeys() -> JSONValue {
        switch self {
        case .array(let items): return .array(items.map { $0.sortingKeys() })
        case .object(let members):
            return .object(members.map { JSONMember($0.key, $0.value.sortingKeys()) }
                .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) })
        default: return self
        }
    }

    private func write(into out: inout String, indent: Int, escapingHTML: Bool) {
        switch self {
        case .string(let text): out += JSONText.quoted(text, escapingHTML: escapingHTML)
        case .number(let text): out += text
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += String(repeating: "  ", count: indent + 1)
                item.write(into: &out, indent: indent + 1, escapingHTML: escapingHTML)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: "  ", count: indent) + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, member) in members.enumerated() {
                out += String(repeating: "  ", count: indent + 1)
                out += JSONText.quoted(member.key, escapingHTML: escapingHTML) + ": "
                member.value.write(into: &out, indent: indent + 1, escapingHTML: escapingHTML)
                out += i == members.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: "  ", count: indent) + "}"
        }
    }

    /// A JSON string literal. Besides what JSON requires, `<`, `>`, `&` and the two Unicode line
    /// separators are escaped, so the text stays inert if someone pastes it into HTML or a script.
    public static func quote(_ text: String) -> String {
        JSONText.quoted(text, escapingHTML: true)
    }
}

/// One key and value of a JSON object.
public struct JSONMember: Hashable, Sendable {
    /// The member's name.
    public var key: String
    /// The member's value.
    public var value: JSONValue
    /// A member named `key` holding `value`.
    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}
