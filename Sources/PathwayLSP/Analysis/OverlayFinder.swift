import Foundation

/// Finds the overlays (`extends: standard.yaml`) in a standard's folder, reading each from the
/// editor when it is open there and from disk otherwise.
enum OverlayFinder {
    /// Each overlay of the file at `path` in its folder, with its text.
    static func overlays(of path: String, openTexts: [String: String]) -> [(path: String, text: String)] {
        let folder = (path as NSString).deletingLastPathComponent
        let target = canonical(path)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var candidates = Set(names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.map { (folder as NSString).appendingPathComponent($0) })
        for open in openTexts.keys where (open as NSString).deletingLastPathComponent == folder { candidates.insert(open) }
        var found: [(String, String)] = []
        for candidate in candidates.sorted() where canonical(candidate) != target {
            // Skip what is not a small regular file: a pathway folder may hold anything.
            guard let text = openTexts[candidate] ?? readSmallFile(candidate), text.contains("extends:") else { continue }
            let outline = PathwayOutline(lines: LineTable(text).lines)
            guard let extends = outline.entries.first(where: { $0.path == ["extends"] })?.value, !extends.isEmpty else { continue }
            let standard = extends.hasPrefix("/") ? extends : ((candidate as NSString).deletingLastPathComponent as NSString).appendingPathComponent(extends)
            if canonical(standard) == target { found.append((candidate, text)) }
        }
        return found
    }

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    static func readSmallFile(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let size = attributes[.size] as? Int, size <= 8 * 1024 * 1024,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
