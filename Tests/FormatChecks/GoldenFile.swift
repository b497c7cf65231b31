import Foundation

/// Golden files, compared or regenerated the same way by every test target.
///
/// `CAREPATH_UPDATE_GOLDEN=1 swift test` rewrites a golden file only when its content changed,
/// and prints what changed (a line diff, at most `GoldenFile.shownLines` lines per file) to
/// standard error, so a regeneration can be read in the test log as well as in `git diff`.
/// A mismatch when comparing reports the same diff.
public enum GoldenFile {
    /// Whether golden files are being regenerated (`CAREPATH_UPDATE_GOLDEN=1`).
    public static var updating: Bool { ProcessInfo.processInfo.environment["CAREPATH_UPDATE_GOLDEN"] == "1" }

    /// How many changed lines a diff shows before it says how many more there are.
    public static let shownLines = 40

    /// Compares `actual` with the golden file at `url`, or rewrites it when regenerating.
    /// Returns nil when they match (or the file was rewritten), else a message with the diff.
    public static func mismatch(_ actual: String, _ url: URL, regenerate hint: String) -> String? {
        let expected = (try? String(contentsOf: url, encoding: .utf8))
        if updating {
            guard expected != actual else { return nil }
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: url)
            } catch {
                return "could not rewrite golden file \(url.path): \(error)"
            }
            let what = expected == nil ? "new golden file" : "golden file changed"
            FileHandle.standardError.write(Data("\(what) \(url.lastPathComponent):\n\(diff(from: expected ?? "", to: actual))\n".utf8))
            return nil
        }
        guard let expected else { return "golden file \(url.path) is missing; \(hint)" }
        if expected == actual { return nil }
        return "\(url.lastPathComponent) differs from its golden file (- golden, + now):\n"
            + diff(from: expected, to: actual) + "\n(\(hint))"
    }

    /// A line diff from `old` to `new`: `-` and `+` lines with their line numbers, the
    /// removals and insertions of a shortest edit script (the standard library's Myers diff).
    public static func diff(from old: String, to new: String, limit: Int = shownLines) -> String {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var lines: [(Int, String)] = []  // (sort key, text)
        for change in b.difference(from: a) {
            switch change {
            case .remove(let offset, let line, _): lines.append((offset * 2, "-\(offset + 1): \(line)"))
            case .insert(let offset, let line, _): lines.append((offset * 2 + 1, "+\(offset + 1): \(line)"))
            }
        }
        lines.sort { $0.0 < $1.0 }
        var out = lines.prefix(limit).map { "  " + $0.1 }
        if lines.count > limit { out.append("  … and \(lines.count - limit) more changed lines") }
        return out.joined(separator: "\n")
    }
}
