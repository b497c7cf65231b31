import Foundation
import PathwayLanguage
import PathwayModel

/// The repository's root folder, found from this file's path.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Whether golden files should be rewritten instead of compared.
let updatingGoldens = ProcessInfo.processInfo.environment["CAREPATH_UPDATE_GOLDEN"] == "1"

/// Compares `actual` with the golden file at `url`, or rewrites it when regenerating.
func matchesGolden(_ actual: String, _ url: URL) -> Bool {
    if updatingGoldens {
        try? actual.write(to: url, atomically: true, encoding: .utf8)
        return true
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else { return false }
    return expected == actual
}

/// Loads YAML text as a pathway file named `file`.
func load(_ yaml: String, file: String = "test.yaml") -> LoadResult {
    PathwayLoader().load(yaml: yaml, file: file)
}

/// The codes of a load's diagnostics, in order.
func codes(_ result: LoadResult) -> [String] { result.diagnostics.map(\.code) }
