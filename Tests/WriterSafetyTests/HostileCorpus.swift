import Foundation

/// The hostile strings every writer must carry safely: `Tests/Corpus/hostile-strings.json`
/// (shared with the exporters' fixture), plus one very long string built here from a short seed
/// rather than stored.
enum HostileCorpus {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The strings of the corpus file, in file order.
    static let fileStrings: [String] = {
        let url = repositoryRoot.appendingPathComponent("Tests/Corpus/hostile-strings.json")
        guard let data = try? Data(contentsOf: url), let strings = try? JSONDecoder().decode([String].self, from: data) else {
            fatalError("cannot read the hostile-string corpus at \(url.path)")
        }
        return strings
    }()

    /// About 30,000 characters mixing markup, formula, quote and line-break starters.
    static let long = String(repeating: "=<b a=\"x\">|`[x](y)'\\&amp;\r\n", count: 1_000)

    /// Every hostile string.
    static let strings: [String] = fileStrings + [long]

    /// A short printable name for a corpus entry, for failure messages.
    static func name(_ index: Int) -> String {
        let s = strings[index]
        let shown = s.unicodeScalars.prefix(40).map { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value)
            ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return "corpus[\(index)] \"\(shown)\"\(s.unicodeScalars.count > 40 ? "…" : "")"
    }
}
