import PathwayModel

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
