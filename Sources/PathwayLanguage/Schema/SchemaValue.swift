import PathwayModel
/// A JSON value, built in Swift and printed deterministically: objects with their keys sorted,
/// two-space indentation, `"key": value`. Used for the language's JSON Schema, where the
/// output must be byte-identical on every platform (Foundation's serialiser differs between
/// Darwin and Linux in spacing and number formatting).
indirect enum SchemaValue: Hashable, Sendable,
    ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral {
    case object([String: SchemaValue])
    case array([SchemaValue])
    case string(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case null

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .integer(value) }
    init(booleanLiteral value: Bool) { self = .boolean(value) }
    init(floatLiteral value: Double) { self = .number(value) }
    init(arrayLiteral elements: SchemaValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, SchemaValue)...) {
        var object: [String: SchemaValue] = [:]
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }

    /// The member named `key` of an object, if this is one.
    subscript(key: String) -> SchemaValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// Pretty-printed JSON text with sorted keys, without a trailing newline.
    var prettyPrinted: String {
        var out = ""
        write(to: &out, indent: 0)
        return out
    }

    private func write(to out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent)
        let inner = String(repeating: "  ", count: indent + 1)
        switch self {
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            // Sort by UTF-8 bytes, so the order is the same whatever the platform's collation.
            let keys = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            for (i, key) in keys.enumerated() {
                out += inner + Self.quote(key) + ": "
                members[key]?.write(to: &out, indent: indent + 1)
                out += i == keys.count - 1 ? "\n" : ",\n"
            }
            out += pad + "}"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            // Short lists of scalars stay on one line: enums and `required` read better that way.
            let scalars = items.allSatisfy { if case .object = $0 { false } else if case .array = $0 { false } else { true } }
            if scalars {
                let parts = items.map(\.prettyPrinted)
                let line = "[" + parts.joined(separator: ", ") + "]"
                if line.count + indent * 2 <= 100 { out += line; return }
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += inner
                item.write(to: &out, indent: indent + 1)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += pad + "]"
        case .string(let text):
            out += Self.quote(text)
        case .integer(let value):
            out += String(value)
        case .number(let value):
            out += value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .boolean(let value):
            out += value ? "true" : "false"
        case .null:
            out += "null"
        }
    }

    /// A JSON string literal: escapes quotes, backslashes and control characters only, so
    /// non-ASCII text (µ, —) stays readable.
    static func quote(_ text: String) -> String {
        JSONText.quoted(text)
    }
}
