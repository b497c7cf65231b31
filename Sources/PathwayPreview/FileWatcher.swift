import Foundation

/// What a file looks like at one moment, to tell whether it changed: missing, or present with
/// its modification time, size and a hash of its content.
///
/// The content hash catches a save that keeps the modification time (a coarse file system, two
/// saves within its resolution, a tool that restores the time); the time and size catch a large
/// file that is not hashed on every look. The hash finds changes within this process only.
public enum FileFingerprint: Hashable, Sendable {
    /// No file at the path (or it cannot be read, such as a folder).
    case missing
    /// A readable file.
    case present(modified: Double, size: Int, contentHash: Int)

    /// Files up to this size are hashed on every look; larger ones only when their time or size
    /// moved (pathway files are a few kilobytes; the loader refuses more than 8 MiB by default).
    public static let hashEveryLookBelow = 1 << 20

    /// The fingerprint of the file at `path` now. `previous` lets a large file skip hashing
    /// when its time and size have not moved.
    public static func read(_ path: String, previous: FileFingerprint? = nil) -> FileFingerprint {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
              let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return .missing }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSinceReferenceDate ?? 0
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        if size >= hashEveryLookBelow, case .present(modified, size, let hash)? = previous {
            return .present(modified: modified, size: size, contentHash: hash)
        }
        guard let data = FileManager.default.contents(atPath: path) else { return .missing }
        var hasher = Hasher()
        hasher.combine(data)
        return .present(modified: modified, size: data.count, contentHash: hasher.finalize())
    }

    /// Whether there is a file.
    public var exists: Bool { self != .missing }
}

/// Watches a set of files by polling: each `changes()` looks at every file and says which ones
/// differ from the last look (appeared, vanished, or saved with new time, size or content).
///
/// Polling rather than inotify or FSEvents: it behaves the same on Linux and macOS, survives
/// editors that save by writing a new file and renaming it over the old one, and sees a file
/// that is deleted and comes back. Looking every 200 ms at a few small files costs nothing.
public struct FileWatcher: Sendable {
    /// The files watched, in the order given.
    public private(set) var paths: [String]
    private var fingerprints: [String: FileFingerprint] = [:]

    /// A watcher for `paths`; the first `changes()` reports every one of them (none was looked at).
    public init(paths: [String]) {
        self.paths = Self.unique(paths)
    }

    /// Replaces the watched files (a pathway gained or lost a subpathway). Files already watched
    /// keep their last fingerprint; new ones are looked at now, so the next `changes()` reports
    /// them only if they change after this call (they were just read by whoever added them).
    public mutating func watch(_ newPaths: [String]) {
        paths = Self.unique(newPaths)
        fingerprints = fingerprints.filter { paths.contains($0.key) }
        for path in paths where fingerprints[path] == nil {
            fingerprints[path] = FileFingerprint.read(path)
        }
    }

    /// Looks at every watched file and returns those that changed since the last look (on the
    /// first look, all of them), in watching order.
    public mutating func changes() -> [String] {
        var changed: [String] = []
        for path in paths {
            let previous = fingerprints[path]
            let now = FileFingerprint.read(path, previous: previous)
            if previous != now { changed.append(path) }
            fingerprints[path] = now
        }
        return changed
    }

    /// The fingerprint from the last look at `path`, if it is watched and was looked at.
    public func fingerprint(of path: String) -> FileFingerprint? { fingerprints[path] }

    private static func unique(_ paths: [String]) -> [String] {
        var seen: Set<String> = []
        return paths.filter { seen.insert($0).inserted }
    }
}
