import Foundation

/// Finds pathway files: each path given is a file, or a folder searched recursively for
/// `*.yaml` / `*.yml`, in a stable (sorted) order.
public enum PathwayFiles {
    /// What a search found.
    public struct Found: Sendable, Equatable {
        /// The pathway files, folders' contents sorted.
        public var files: [String] = []
        /// One message per path given that cannot be searched: missing, a symlink loop, a device.
        public var problems: [String] = []
        /// Folders not searched: symbolic links back to a folder already searched, and links to
        /// folders outside the folder given (a search never leaves the folder it was given).
        public var skipped: [String] = []
    }

    /// Searches `paths`. A `.yaml` link inside a folder that cannot be followed is still listed
    /// as a file, so reading it reports why.
    public static func search(_ paths: [String]) -> Found {
        var found = Found()
        for path in paths {
            switch FileCheck.kind(of: path) {
            case .folder:
                var inFolder: [String] = []
                var visited: Set<String> = []
                let root = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                walk(path, root: root, into: &inFolder, skipped: &found.skipped, visited: &visited)
                found.files += inFolder.sorted()
            case .regular:
                if let reason = FileCheck.unreadableReason(path) { found.problems.append(reason) } else { found.files.append(path) }
            case let other:
                found.problems.append(FileCheck.unreadableReason(path, kind: other) ?? "cannot read '\(path)'")
            }
        }
        return found
    }

    private static func walk(_ folder: String, root: String, into found: inout [String], skipped: inout [String], visited: inout Set<String>) {
        // Follow each real folder once, so a symlink loop cannot make the search endless, and
        // only folders inside the one given, so a link to / or /proc cannot send it everywhere.
        let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        guard real == root || real.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            skipped.append("'\(folder)' is a link to a folder outside the one searched ('\(real)'); not searched")
            return
        }
        guard visited.insert(real).inserted else {
            skipped.append("'\(folder)' leads back to a folder already searched (a symbolic link loop); not searched again")
            return
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            let isPathway = name.hasSuffix(".yaml") || name.hasSuffix(".yml")
            switch FileCheck.kind(of: path) {
            case .folder: walk(path, root: root, into: &found, skipped: &skipped, visited: &visited)
            case .regular where isPathway: found.append(path)
            case .symlinkLoop where isPathway, .inaccessible where isPathway: found.append(path)
            default: continue
            }
        }
    }
}
