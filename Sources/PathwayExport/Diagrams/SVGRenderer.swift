import Foundation

/// Turns DOT text into SVG by running Graphviz's `dot -Tsvg` as a subprocess.
public struct SVGRenderer: Sendable {
    /// Why rendering failed.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// `dot` is not on the PATH.
        case graphvizMissing
        /// `dot` ran but failed; its exit status and what it printed on standard error.
        case graphvizFailed(status: Int32, message: String)
        /// `dot` ran past the time limit (in seconds) and was stopped.
        case graphvizTimedOut(seconds: Double)

        /// What went wrong and what to do about it, for the person running the command.
        public var description: String {
            switch self {
            case .graphvizMissing:
                "Graphviz's 'dot' program was not found on PATH; install Graphviz (Debian/Ubuntu: apt-get install graphviz, macOS: brew install graphviz) to export SVG."
            case .graphvizFailed(let status, let message):
                "Graphviz 'dot' failed (exit \(status)): \(message)"
            case .graphvizTimedOut(let seconds):
                "Graphviz 'dot' did not finish laying out the diagram within \(Int(seconds)) seconds and was stopped; the pathway may be too large to draw as one diagram (export dot and lay it out with other options, or use mermaid)."
            }
        }
    }

    /// The directories searched for `dot`, in order (the PATH by default).
    public var searchPath: [String]

    /// How long `dot` may run before it is stopped (seconds).
    public var timeLimit: Double = 120

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

    /// The SVG for `dot` text. Input, output and `dot`'s messages go through temporary files,
    /// so a large graph cannot deadlock on a full pipe. `dot` is stopped after `timeLimit`; if
    /// carepath is interrupted, `dot` is killed and the temporary folder removed (`SignalCleanup`).
    public func render(dot: String) throws -> String {
        guard let executable = dotExecutable else { throw Failure.graphvizMissing }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-svg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cleanup = SignalCleanup.shared
        let token = cleanup.remove(onSignal: dir.path)
        defer {
            try? FileManager.default.removeItem(at: dir)
            cleanup.forget(token: token)
        }
        let input = dir.appendingPathComponent("in.dot"), output = dir.appendingPathComponent("out.svg")
        let messages = dir.appendingPathComponent("errors.txt")
        try Data(dot.utf8).write(to: input)
        guard FileManager.default.createFile(atPath: messages.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let errors = try FileHandle(forWritingTo: messages)
        defer { try? errors.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-Tsvg", "-o", output.path, input.path]
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        cleanup.watch(child: process.processIdentifier)
        defer { cleanup.forget(child: process.processIdentifier) }
        if finished.wait(timeout: .now() + timeLimit) == .timedOut {
            process.terminate()
            if finished.wait(timeout: .now() + 2) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
            throw Failure.graphvizTimedOut(seconds: timeLimit)
        }
        guard process.terminationStatus == 0 else {
            let message = (try? Data(contentsOf: messages)) ?? Data()
            throw Failure.graphvizFailed(status: process.terminationStatus,
                                         message: String(decoding: message, as: UTF8.self))
        }
        return String(decoding: try Data(contentsOf: output), as: UTF8.self)
    }

    /// The `<svg>` element of Graphviz's output, ready to put inside an HTML page: comments
    /// removed, the drawing hidden from screen readers (its wrapper carries the label) and its ids
    /// prefixed with `idPrefix` so two drawings on one page do not clash; nil when there is none.
    /// User text inside the drawing is escaped by Graphviz, so ` id="` only starts real attributes.
    public static func inline(_ svg: String, idPrefix: String) -> String? {
        guard let start = svg.range(of: "<svg") else { return nil }
        var body = String(svg[start.lowerBound...])
        while let open = body.range(of: "<!--") {
            guard let close = body.range(of: "-->", range: open.upperBound..<body.endIndex) else {
                body.removeSubrange(open.lowerBound...)
                break
            }
            body.removeSubrange(open.lowerBound..<close.upperBound)
        }
        guard let end = body.range(of: "</svg>", options: .backwards) else { return nil }
        body = String(body[..<end.upperBound])
        body = body.replacingOccurrences(of: "<svg", with: "<svg aria-hidden=\"true\" focusable=\"false\"", options: [], range: body.range(of: "<svg"))
        return body.replacingOccurrences(of: " id=\"", with: " id=\"\(idPrefix)-")
    }
}
