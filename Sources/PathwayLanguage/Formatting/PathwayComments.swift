/// The comments of a pathway file, each attached to the node it annotates, so that formatting can
/// put them back: a whole-line comment (and the comments and one blank line around it) goes before
/// the node on the line below it, an end-of-line comment on the node's line.
///
/// Nodes are found by key path (`steps.ct-chest.duration`, `steps.triage.branches.[0]`), so a
/// comment moves with its node when the formatter reorders keys. When the formatted file has no
/// line for a node (a default the formatter leaves out, a block mapping written on one line), the
/// comment goes to the nearest enclosing node that it has. Comments after the last node stay at the
/// end of the file. Formatting a formatted file leaves its comments where they are.
public struct PathwayComments: Sendable, Equatable {
    struct Anchor: Sendable, Equatable {
        var path: [String]
        /// Whole-line comments before the node, with `nil` for one blank line between them.
        var leading: [String?]
        var trailing: String?
    }

    var anchors: [Anchor]
    /// Comments (and blank lines) after the last node.
    var closing: [String?]

    /// The comments of `source`, a pathway file's text.
    public init(source: String) {
        var anchors: [Anchor] = []
        var pending: [String?] = []
        for line in YAMLOutline(source).lines {
            switch line.kind {
            case .blank:
                if !pending.isEmpty, pending.last != .some(nil) { pending.append(nil) }
            case .comment(let text):
                pending.append(text)
            case .content, .continuation:
                if !pending.isEmpty || line.endComment != nil {
                    anchors.append(Anchor(path: line.path, leading: pending, trailing: line.endComment))
                    pending = []
                }
            }
        }
        while pending.last == .some(nil) { pending.removeLast() }
        self.anchors = anchors
        self.closing = pending
    }

    /// Whether the file has no comments at all.
    public var isEmpty: Bool { anchors.isEmpty && closing.isEmpty }

    /// Every comment's text (after its `#`), in the order written.
    public var texts: [String] {
        anchors.flatMap { anchor in anchor.leading.compactMap { $0 } + (anchor.trailing.map { [$0] } ?? []) }
            + closing.compactMap { $0 }
    }

    /// `formatted` (a comment-free YAML text, as the formatter writes it) with these comments put
    /// back beside the nodes they annotate.
    public func attach(to formatted: String) -> String {
        guard !isEmpty else { return formatted }
        var lines = formatted.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let hadFinalNewline = lines.last == ""
        if hadFinalNewline { lines.removeLast() }
        let outline = YAMLOutline(lines.joined(separator: "\n")).lines
        let firstLine = Self.firstLines(of: outline)

        var before: [Int: [String]] = [:]
        var after: [Int: [String]] = [:]
        var closing = self.closing.map { $0.map { "#" + $0 } ?? "" }
        for anchor in anchors {
            guard let index = Self.line(for: anchor.path, in: firstLine) else {
                closing = anchor.leading.map { $0.map { "#" + $0 } ?? "" } + (anchor.trailing.map { ["#" + $0] } ?? []) + closing
                continue
            }
            let indent = String(repeating: " ", count: outline[index].indent)
            before[index, default: []] += anchor.leading.map { $0.map { indent + "#" + $0 } ?? "" }
            if let trailing = anchor.trailing { after[index, default: []].append(trailing) }
        }

        var out: [String] = []
        for (index, line) in lines.enumerated() {
            if let comments = before[index] {
                // One blank line at most, and none where the formatter already left one.
                for comment in comments where !(comment.isEmpty && (out.last ?? "").isEmpty) { out.append(comment) }
            }
            var text = line
            for trailing in after[index] ?? [] { text += " #" + trailing }
            out.append(text)
        }
        if !closing.isEmpty {
            if let last = out.last, !last.isEmpty, closing.first != "" { out.append("") }
            out += closing
        }
        return out.joined(separator: "\n") + (hadFinalNewline ? "\n" : "")
    }

    /// The first line that writes the node at `path` or something inside it; failing that, the
    /// nearest enclosing node's. `firstLine` maps each path (joined by `\u{1}`) to the first
    /// content line at or under it (`firstLines(of:)`), so each lookup costs the path's depth,
    /// not a scan of the file.
    static func line(for path: [String], in firstLine: [String: Int]) -> Int? {
        var path = path
        while true {
            if let index = firstLine[path.joined(separator: "\u{1}")] { return index }
            if path.isEmpty { return nil }
            path.removeLast()
        }
    }

    /// For every path, the first content line that writes it or something inside it.
    static func firstLines(of outline: [YAMLOutline.Line]) -> [String: Int] {
        var first: [String: Int] = [:]
        for (index, line) in outline.enumerated() where line.kind == .content {
            for depth in 0...line.path.count {
                let key = line.path.prefix(depth).joined(separator: "\u{1}")
                if first[key] == nil { first[key] = index }
            }
        }
        return first
    }
}
