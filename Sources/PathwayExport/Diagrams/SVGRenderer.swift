import Foundation

/// Turns DOT text into SVG by running Graphviz's `dot -Tsvg` as a subprocess.
public struct SVGRenderer: Sendable {
    /// Why rendering failed.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// `dot` is not on the PATH.
        case graphvizMissing
        /// `dot` ran but failed; its exit status and what it printed on standard error.
        case graphvizFailed(status: Int32, message: String)

        /// What went wrong and what to do about it, for the person running the command.
        public var description: String {
            switch self {
            case .graphvizMissing:
                "Graphviz's 'dot' program was not found on PATH; install Graphviz (Debian/Ubuntu: apt-get install graphviz, macOS: brew install graphviz) to export SVG."
            case .graphvizFailed(let status, let message):
                "Graphviz 'dot' failed (exit \(status)): \(message)"
            }
        }
    }

    /// The directories searched for `dot`, in order (the PATH by default).
    public var searchPath: [String]

    /// A renderer that finds `dot` on `PATH`.
    public init(searchPath: [String]? = nil) {
        self.searchPath = searchPath
            ?? (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
    }

    /// The full path of `dot`, if installed.
    public var dotExecutable: String? {
        for dir in searchPath where !dir.isEmpty {
            let candidate = (dir as NSString).appendingPathComponent("dot")
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The SVG for `dot` text. Input and output go through temporary files, so a large graph
    /// cannot deadlock on a full pipe.
    public func render(dot: String) throws -> String {
        guard let executable = dotExecutable else { throw Failure.graphvizMissing }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-svg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.dot"), output = dir.appendingPathComponent("out.svg")
        try Data(dot.utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-Tsvg", "-o", output.path, input.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure.graphvizFailed(status: process.terminationStatus,
                                         message: String(decoding: message, as: UTF8.self))
        }
        return String(decoding: try Data(contentsOf: output), as: UTF8.self)
    }
}
