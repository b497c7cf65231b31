import Foundation
import FormatChecks
import PathwayLanguage
import PathwayModel

/// The repository's root folder, found from this file's path.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Whether golden files should be rewritten instead of compared.
var updatingGoldens: Bool { GoldenFile.updating }

/// Compares `actual` with the golden file at `url`, or rewrites it when regenerating (printing
/// what changed). A mismatch prints its line diff to standard error.
func matchesGolden(_ actual: String, _ url: URL) -> Bool {
    guard let problem = GoldenFile.mismatch(actual, url, regenerate: "CAREPATH_UPDATE_GOLDEN=1 swift test regenerates it") else {
        return true
    }
    FileHandle.standardError.write(Data((problem + "\n").utf8))
    return false
}

/// Loads YAML text as a pathway file named `file`.
func load(_ yaml: String, file: String = "test.yaml") -> LoadResult {
    PathwayLoader().load(yaml: yaml, file: file)
}

/// The codes of a load's diagnostics, in order.
func codes(_ result: LoadResult) -> [String] { result.diagnostics.map(\.code) }
