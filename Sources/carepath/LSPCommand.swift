import ArgumentParser
import Foundation
import PathwayLSP

/// `carepath lsp`: the language server for editors, over standard input and output.
struct LSPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "Run the language server for editors (diagnostics, completion, hover, rename) over standard input and output.",
        discussion: """
        Editors start this command themselves; see Docs/editor-setup.md. It speaks the Language Server Protocol 3.17 \
        over standard input and output and logs to standard error.
        Exit status: 0 after the client's shutdown and exit, 1 when the input ends without them.
        """
    )

    @Option(help: "Milliseconds to wait after the last edit before validating (0 to 10000).")
    var debounce: Int = 100

    @Option(help: "Largest message accepted from the editor, in bytes.")
    var maxMessageBytes: Int = 64 * 1024 * 1024

    @Flag(help: "Accepted for editors that pass it; standard input and output are always used.")
    var stdio = false

    @OptionGroup var limits: LimitOptions

    func validate() throws {
        guard (0...10_000).contains(debounce) else { throw ValidationError("--debounce must be between 0 and 10000 milliseconds") }
        guard maxMessageBytes > 0 else { throw ValidationError("--max-message-bytes must be positive") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let server = LanguageServer(configuration: .init(debounce: .milliseconds(debounce), loader: limits.loader,
                                                         version: Carepath.configuration.version))
        let code = StdioTransport { message in FileHandle.standardError.write(Data((message + "\n").utf8)) }
            .run(server, maximumMessageBytes: maxMessageBytes)
        throw ExitCode(code)
    }
}
