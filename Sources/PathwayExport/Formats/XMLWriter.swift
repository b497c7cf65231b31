import PathwayModel

/// Builds indented XML text one element at a time. Every attribute value and text node is
/// escaped here, so callers pass raw user strings.
struct XMLWriter {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var depth = 0

    private func attributes(_ attrs: [(String, String?)]) -> String {
        attrs.compactMap { name, value in value.map { " \(name)=\"\(XMLText.attribute($0))\"" } }.joined()
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    /// `<name attrs>` and one level deeper.
    mutating func open(_ name: String, _ attrs: [(String, String?)] = []) {
        text += indent + "<\(name)\(attributes(attrs))>\n"
        depth += 1
    }

    /// `</name>` one level up.
    mutating func close(_ name: String) {
        depth -= 1
        text += indent + "</\(name)>\n"
    }

    /// `<name attrs/>`.
    mutating func empty(_ name: String, _ attrs: [(String, String?)] = []) {
        text += indent + "<\(name)\(attributes(attrs))/>\n"
    }

    /// `<name attrs>text</name>` on one line.
    mutating func element(_ name: String, _ attrs: [(String, String?)] = [], text content: String) {
        text += indent + "<\(name)\(attributes(attrs))>\(XMLText.text(content))</\(name)>\n"
    }
}
