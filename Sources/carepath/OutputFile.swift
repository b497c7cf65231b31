import ArgumentParser
import Foundation
import PathwayExport
import PathwayLanguage

/// A file being written by `-o`, `--event-log` or `format --write`: the text goes to a temporary
/// file beside it and replaces the file only when everything was written, so a failed or
/// interrupted run leaves the old file as it was (and no temporary file: `SignalCleanup`).
///
/// What is replaced keeps what it was: a symbolic link stays a link (the file it names is
/// replaced); a file with other hard links is rewritten in place, so every name sees the new
/// text; a replaced file keeps its permissions and owner. A read-only file (no write permission
/// for anyone) is refused. A device or pipe (`/dev/null`, a FIFO) is written directly.
struct OutputFile {
    /// The path as given (for messages).
    let path: String
    /// Where the text goes: the temporary file, or the device itself.
    let handle: FileHandle
    private let target: String
    private let temporary: String?
    private let cleanupToken: Int?

    /// Opens `path` for writing; exits 73 with the reason when it cannot be written.
    static func open(_ path: String) throws -> OutputFile {
        if case .special = FileCheck.kind(of: path) {
            guard let handle = FileHandle(forWritingAtPath: path) else { throw refuse(path, "cannot open it for writing") }
            return OutputFile(path: path, handle: handle, target: path, temporary: nil, cleanupToken: nil)
        }
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if let attributes = try? FileManager.default.attributesOfItem(atPath: target),
           let mode = attributes[.posixPermissions] as? Int, mode & 0o222 == 0 {
            throw refuse(path, "it is read-only (mode \(String(mode, radix: 8))); make it writable first if it should be replaced")
        }
        let folder = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.\(name).carepath-\(UUID().uuidString.prefix(8))"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw refuse(path, "cannot create a file in '\(folder.isEmpty ? "." : folder)'")
        }
        let token = SignalCleanup.shared.remove(onSignal: temporary)
        return OutputFile(path: path, handle: handle, target: target, temporary: temporary, cleanupToken: token)
    }

    /// Puts the written text in place of the file.
    func commit() throws {
        defer { if let cleanupToken { SignalCleanup.shared.forget(token: cleanupToken) } }
        guard let temporary else {
            try? handle.close()
            return
        }
        do {
            try handle.synchronize()
            try handle.close()
            let manager = FileManager.default
            if let old = try? manager.attributesOfItem(atPath: target) {
                if let links = old[.referenceCount] as? Int, links > 1 {
                    // Other names share this file: rewrite it in place so they all see the new text.
                    let data = try Data(contentsOf: URL(fileURLWithPath: temporary))
                    guard let out = FileHandle(forWritingAtPath: target) else { throw CocoaError(.fileWriteNoPermission) }
                    try out.truncate(atOffset: 0)
                    try out.write(contentsOf: data)
                    try out.close()
                    try manager.removeItem(atPath: temporary)
                    return
                }
                var keep: [FileAttributeKey: Any] = [:]
                if let mode = old[.posixPermissions] { keep[.posixPermissions] = mode }
                if getuid() == 0 {
                    if let owner = old[.ownerAccountID] { keep[.ownerAccountID] = owner }
                    if let group = old[.groupOwnerAccountID] { keep[.groupOwnerAccountID] = group }
                }
                try manager.setAttributes(keep, ofItemAtPath: temporary)
            } else {
                // A new file: the usual permissions for a new file (0666 less the umask).
                let mask = umask(0)
                umask(mask)
                try manager.setAttributes([.posixPermissions: 0o666 & ~Int(mask)], ofItemAtPath: temporary)
            }
            guard rename(temporary, target) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            abandon()
            throw Self.refuse(path, error.localizedDescription)
        }
    }

    /// Removes the temporary file; the old file stays as it was.
    func abandon() {
        try? handle.close()
        if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
        if let cleanupToken { SignalCleanup.shared.forget(token: cleanupToken) }
    }

    private static func refuse(_ path: String, _ reason: String) -> ExitCode {
        printError("error: cannot write '\(path)': \(reason)")
        return ExitCode(ExitStatus.cannotWrite)
    }
}
