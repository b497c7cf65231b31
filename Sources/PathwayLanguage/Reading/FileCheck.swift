import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What is at a path, seen through symbolic links, found without reading it.
public enum FileKind: Sendable, Equatable {
    /// A regular file of this many bytes.
    case regular(bytes: Int)
    case folder
    /// Nothing is there (or a folder on the way is missing).
    case missing
    /// A symbolic link that leads, through other links, back to itself.
    case symlinkLoop
    /// A device, pipe or socket: something that is not a file to read a pathway from.
    case special
    /// The path could not be looked at, for the reason given (permission, say).
    case inaccessible(String)
}

/// Looks at paths before carepath reads or writes them, so a symlink loop, a device or an
/// output that would replace an input gets a clear message instead of a hang or lost work.
public enum FileCheck {
    /// What is at `path`, following symbolic links.
    public static func kind(of path: String) -> FileKind {
        var info = stat()
        guard stat(path, &info) == 0 else {
            switch errno {
            case ELOOP: return .symlinkLoop
            case ENOENT, ENOTDIR: return .missing
            case let code: return .inaccessible(String(cString: strerror(code)))
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular(bytes: Int(info.st_size))
        case S_IFDIR: return .folder
        default: return .special
        }
    }

    /// Whether `a` and `b` name the same file (the same device and inode, so hard links and
    /// symbolic links count as the same). `false` when either does not exist.
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        guard let first = identity(a), let second = identity(b) else { return false }
        return first == second
    }

    private struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    private static func identity(_ path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Why carepath should not write its output to `output`, or `nil` when it may.
    ///
    /// Refused: a folder, a symlink loop, and any file that is one of `inputs` (a
    /// pathway, standard or subpathway the command read) unless `overwritingInputs`.
    public static func refusal(toWrite output: String, inputs: some Sequence<String>, overwritingInputs: Bool = false) -> String? {
        switch kind(of: output) {
        case .missing, .regular, .special: break
        case .folder: return "'\(output)' is a folder; give the name of a file to write"
        case .symlinkLoop: return "'\(output)' is a symbolic link that leads back to itself; remove the link or write elsewhere"
        case .inaccessible(let reason): return "cannot write '\(output)': \(reason)"
        }
        guard !overwritingInputs, let written = identity(output) else { return nil }
        for input in inputs where identity(input) == written {
            let same = input == output ? "" : " (the same file as '\(input)')"
            let lower = input.lowercased()
            let what = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") ? "the pathway" : "that input"
            return "'\(output)' is one of this command's inputs\(same); writing there would replace \(what). Write to another file, or add --overwrite-input if that is really meant"
        }
        return nil
    }

    /// Why `path` cannot be read as a pathway (missing, a folder, a symlink loop, a device), or
    /// `nil` when it is a regular file. `kind` is looked up when not given.
    public static func unreadableReason(_ path: String, kind: FileKind? = nil) -> String? {
        switch kind ?? self.kind(of: path) {
        case .regular:
            // A file named on the command line that cannot be read is an input problem (66),
            // like a missing one, not a pathway error (1).
            access(path, R_OK) == 0 ? nil : "cannot read '\(path)': \(String(cString: strerror(errno)))"
        case .missing: "cannot find the file '\(path)'"
        case .folder: "'\(path)' is a folder, not a pathway file"
        case .symlinkLoop: "'\(path)' is a symbolic link that leads back to itself (a symlink loop)"
        case .special: "'\(path)' is a device, pipe or socket, not a pathway file"
        case .inaccessible(let reason): "cannot read '\(path)': \(reason)"
        }
    }
}
