import PathwayModel
/// A JSON value written with Swift literals (the language's JSON Schema is built from them),
/// printed through `JSONValue` with its keys sorted: byte-identical on every platform.
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

    /// Pretty-printed JSON text with sorted keys, without a trailing newline, written by
    /// carepath's one JSON writer (`JSONValue`).
    var prettyPrinted: String { String(jsonValue.sortingKeys().serialized(escapingHTML: false).dropLast()) }

    /// The same value as a `JSONValue`.
    var jsonValue: JSONValue {
        switch self {
        case .object(let members): return .object(members.map { JSONMember($0.key, $0.value.jsonValue) })
        case .array(let items): return .array(items.map(\.jsonValue))
        case .string(let text): return .string(text)
        case .integer(let value): return .number(String(value))
        case .number(let value):
            return .number(value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value))
        case .boolean(let value): return .bool(value)
        case .null: return .null
        }
    }

    /// A JSON string literal: escapes quotes, backslashes and control characters only, so
    /// non-ASCII text (µ, —) stays readable.
    static func quote(_ text: String) -> String {
        JSONText.quoted(text)
    }
}
