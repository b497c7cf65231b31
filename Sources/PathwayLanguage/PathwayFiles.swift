import Foundation

/// Finds pathway files: each path given is a file, or a folder searched recursively for
/// `*.yaml` / `*.yml`, in a stable (sorted) order.
public enum PathwayFiles {
    /// The files found, and the paths that do not exist.
    public static func find(_ paths: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(path)
                continue
            }
            if !isDirectory.boolValue { files.append(path); continue }
            var found: [String] = []
            var visited: Set<String> = []
            walk(path, into: &found, visited: &visited)
            files += found.sorted()
        }
        return (files, missing)
    }

    private static func walk(_ folder: String, into found: inout [String], visited: inout Set<String>) {
        // Follow each real folder once, so a symlink loop cannot make the search endless.
        let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        guard visited.insert(real).inserted else { return }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                walk(path, into: &found, visited: &visited)
            } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                found.append(path)
            }
        }
    }
}
