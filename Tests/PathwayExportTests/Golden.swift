import Foundation
import FormatChecks

/// Golden files beside the tests: `CAREPATH_UPDATE_GOLDEN=1 swift test` rewrites them.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var updating: Bool { GoldenFile.updating }

    /// Compares `actual` with the golden file `name` (or rewrites it when updating, printing what
    /// changed); returns a message with a line diff, or nil when they match.
    static func mismatch(_ actual: String, _ name: String) -> String? {
        GoldenFile.mismatch(actual, directory.appendingPathComponent(name),
                            regenerate: "CAREPATH_UPDATE_GOLDEN=1 swift test --filter PathwayExportTests regenerates it")
    }
}
