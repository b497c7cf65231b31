import Foundation

/// Golden files beside the tests: `CAREPATH_UPDATE_GOLDEN=1 swift test` rewrites them.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var updating: Bool { ProcessInfo.processInfo.environment["CAREPATH_UPDATE_GOLDEN"] == "1" }

    /// Compares `actual` with the golden file `name` (or writes it when updating); returns a
    /// message describing the difference, or nil when they match.
    static func mismatch(_ actual: String, _ name: String) -> String? {
        let url = directory.appendingPathComponent(name)
        if updating {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data(actual.utf8).write(to: url)
            return nil
        }
        guard let data = try? Data(contentsOf: url) else {
            return "golden file \(name) is missing; run CAREPATH_UPDATE_GOLDEN=1 swift test --filter PathwayExportTests"
        }
        let expected = String(decoding: data, as: UTF8.self)
        if expected == actual { return nil }
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let line = Array(zip(a, e)).firstIndex { $0.0 != $0.1 } ?? min(a.count, e.count)
        let got = line < a.count ? String(a[line]) : "<end>", want = line < e.count ? String(e[line]) : "<end>"
        return "\(name) differs at line \(line + 1):\n  got:  \(got)\n  want: \(want)\n(CAREPATH_UPDATE_GOLDEN=1 regenerates)"
    }
}
