import PathwayModel

/// A JSON document built in code and written with a fixed layout, so the same value always
/// gives the same bytes (keys keep the order they were added in; FHIR readers expect
/// `resourceType` first).
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
    public func serialized() -> String {
        var out = ""
        write(into: &out, indent: 0)
        out += "\n"
        return out
    }

    private func write(into out: inout String, indent: Int) {
        switch self {
        case .string(let text): out += JSONValue.quote(text)
        case .number(let text): out += text
        case .bool(let flag): out += flag ? "true" : "false"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += String(repeating: "  ", count: indent + 1)
                item.write(into: &out, indent: indent + 1)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: "  ", count: indent) + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, member) in members.enumerated() {
                out += String(repeating: "  ", count: indent + 1)
                out += JSONValue.quote(member.key) + ": "
                member.value.write(into: &out, indent: indent + 1)
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

/// Collects an object's members in order, leaving out absent and empty values (FHIR forbids
/// empty strings, arrays and objects).
struct JSONObjectBuilder {
    private(set) var members: [JSONMember] = []

    mutating func add(_ key: String, _ value: JSONValue?) {
        guard let value else { return }
        switch value {
        case .string(let s) where s.isEmpty: return
        case .array(let a) where a.isEmpty: return
        case .object(let o) where o.isEmpty: return
        default: members.append(JSONMember(key, value))
        }
    }

    mutating func add(_ key: String, _ text: String?) {
        add(key, text.map(JSONValue.string))
    }

    var value: JSONValue { .object(members) }
}
