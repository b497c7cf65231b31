import ArgumentParser
import Foundation
import PathwayLanguage
import PathwayModel

/// `carepath validate PATH...`: checks pathway files and prints every problem found.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check pathway files and report every problem, like a compiler.",
        discussion: """
        PATH is a file or a folder (searched recursively for *.yaml and *.yml), or - for standard input (named by --stdin-name in messages; an editor or a script can check unsaved text this way).
        Exit status: 0 when clean, 1 when any error (or any warning with --strict), 66 when a path does not exist or cannot be read (a symlink loop, a device), 64 for usage errors.
        """
    )

    @Argument(help: "Pathway files or folders.", completion: .file(extensions: ["yaml", "yml"]))
    var paths: [String]

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Option(help: "Colour: auto, always or never.")
    var color: ColourChoice = .auto

    @Option(help: "With the path -, the file name standard input is checked as: the name in messages, and the folder its subpathways and standard are found from.")
    var stdinName = "stdin.yaml"

    @OptionGroup var limits: LimitOptions

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func run() throws {
        let fromStdin = paths.contains("-")
        let named = paths.filter { $0 != "-" }
        var files = named.isEmpty ? [] : try findPathwayFiles(named)
        if fromStdin { files.insert(stdinName, at: 0) }
        let loader = limits.loader
        var diagnostics: [Diagnostic] = []
        var sources: [String: SourceText] = [:]
        var seen: Set<Diagnostic> = []
        for (index, file) in files.enumerated() {
            // At most one byte past the limit is read, so the size check can say the file is too big.
            let result = fromStdin && index == 0
                ? loader.load(data: FileHandle.standardInput.readData(ofLength: limits.maxFileBytes + 1), file: file)
                : loader.load(file: file)
            // A subpathway shared by several files is reported once.
            for d in result.diagnostics where seen.insert(d).inserted { diagnostics.append(d) }
            sources.merge(result.sources) { a, _ in a }
        }
        switch format {
        case .json:
            print(DiagnosticFormatter.json(diagnostics, files: files.count), terminator: "")
        case .text:
            print(DiagnosticFormatter(colour: color.enabled, sources: sources).format(diagnostics, files: files.count), terminator: "")
        }
        let failing = diagnostics.contains { $0.severity == .error || (strict && $0.severity == .warning) }
        if failing { throw ExitCode(ExitStatus.problems) }
    }
}
