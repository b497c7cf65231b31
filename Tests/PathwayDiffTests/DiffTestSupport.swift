import Foundation
import FormatChecks
import PathwayDiff
import PathwayLanguage
import PathwayModel
import Testing

/// The repository's root folder, found from this file's path.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Whether golden files should be rewritten instead of compared.
var updatingGoldens: Bool { GoldenFile.updating }

/// The golden files' folder, beside this file.
let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

/// Compares `actual` with the golden file `name`, or rewrites it when regenerating.
/// A mismatch prints its line diff to standard error; a regeneration prints what changed.
func matchesGolden(_ actual: String, _ name: String) -> Bool {
    let url = goldenFolder.appendingPathComponent(name)
    guard let problem = GoldenFile.mismatch(actual, url, regenerate: "CAREPATH_UPDATE_GOLDEN=1 swift test --filter PathwayDiffTests regenerates it") else {
        return true
    }
    FileHandle.standardError.write(Data((problem + "\n").utf8))
    return false
}

/// Paths in output made relative to the repository, so goldens do not depend on the checkout.
func relativised(_ text: String) -> String {
    text.replacingOccurrences(of: repositoryRoot.path + "/", with: "")
}

struct LoadFailure: Error, CustomStringConvertible {
    var description: String
}

/// Loads a pathway file (absolute path, or relative to the repository), requiring no errors.
func loadPathway(_ path: String) throws -> Pathway {
    let full = path.hasPrefix("/") ? path : repositoryRoot.appendingPathComponent(path).path
    let result = PathwayLoader().load(file: full)
    guard let pathway = result.validPathway else {
        throw LoadFailure(description: "\(path): " + result.diagnostics.filter { $0.severity == .error }.map { "\($0.code) \($0.message) at \($0.location?.description ?? "?")" }.joined(separator: "; "))
    }
    return pathway
}

/// The shipped pathways and the example region's files, relative to the repository.
func shippedPathwayFiles() -> [String] {
    let folders = ["Pathways", "Examples/region"]
    var files: [String] = []
    for folder in folders {
        let url = repositoryRoot.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        files += names.filter { $0.hasSuffix(".yaml") }.sorted().map { "\(folder)/\($0)" }
    }
    return files
}

/// The example region's trust files.
let regionTrusts = ["trust-central", "trust-east", "trust-north", "trust-south", "trust-west"]

/// A fresh temporary folder.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-diff-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A change reduced to what the mirror law compares.
func mirrorKey(_ c: PathwayChange) -> String {
    [c.changeClass.rawValue, c.subject.rawValue, c.standardID ?? "-", c.variantID ?? "-", c.aspect, c.before ?? "-", c.after ?? "-"].joined(separator: "|")
}
