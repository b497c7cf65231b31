import ArgumentParser
import Foundation
import PathwayLanguage
import PathwayModel
import PathwaySimulation

/// Bounds on input, each with a flag to raise it (see Docs/language.md, "Limits").
struct LimitOptions: ParsableArguments {
    @Option(help: "Largest pathway file read, in bytes.")
    var maxFileBytes: Int = LanguageLimits().maxFileBytes
    @Option(help: "Deepest YAML nesting accepted.")
    var maxDepth: Int = LanguageLimits().maxDepth
    @Option(help: "Most YAML values read, counting each alias expansion.")
    var maxNodes: Int = LanguageLimits().maxNodes
    @Option(help: "Most steps in one pathway.")
    var maxSteps: Int = LanguageLimits().maxSteps
    @Option(help: "Deepest chain of subpathway files.")
    var maxIncludeDepth: Int = LanguageLimits().maxIncludeDepth
    @Option(help: "Longest condition expression, in characters.")
    var maxExpressionLength: Int = LanguageLimits().maxExpressionLength
    @Option(help: "Deepest nesting of a condition expression.")
    var maxExpressionDepth: Int = LanguageLimits().maxExpressionDepth
    @Flag(help: "Let subpathway paths and an overlay's `extends` leave the pathway's folder.")
    var allowOutsideRoot = false

    var loader: PathwayLoader {
        var limits = LanguageLimits()
        limits.maxFileBytes = maxFileBytes
        limits.maxDepth = maxDepth
        limits.maxNodes = maxNodes
        limits.maxSteps = maxSteps
        limits.maxIncludeDepth = maxIncludeDepth
        limits.maxExpressionLength = maxExpressionLength
        limits.maxExpressionDepth = maxExpressionDepth
        return PathwayLoader(limits: limits, allowOutsideRoot: allowOutsideRoot)
    }
}

/// Prints a simulation's errors (compile, memory) to standard error.
func printSimulationError(_ error: SimulationError, files: Int = 1) {
    printError(DiagnosticFormatter(colour: ColourChoice.diagnostics, sources: [:]).format(error.diagnostics, files: files))
}

/// When to colour terminal output.
enum ColourChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    /// Whether to colour standard output.
    var enabled: Bool { enabled(on: STDOUT_FILENO) }

    /// Whether to colour what is written to `descriptor`: `always` and `never` as said; `auto`
    /// when it is a terminal, `NO_COLOR` is not set (https://no-color.org) and `TERM` is not
    /// `dumb`. The one rule for every command's output and for diagnostics on standard error.
    func enabled(on descriptor: Int32) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            let environment = ProcessInfo.processInfo.environment
            return isatty(descriptor) != 0 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        }
    }

    /// Whether diagnostics on standard error are coloured when no `--color` option applies.
    static var diagnostics: Bool { ColourChoice.auto.enabled(on: STDERR_FILENO) }
}

/// A JSON document from `make`, or an error message and exit 70 (an internal error: a figure
/// that JSON cannot hold) instead of an empty or partial document.
func jsonOutput(_ make: () throws -> String) throws -> String {
    do {
        return try make()
    } catch {
        printError("error: \(error)")
        throw ExitCode(ExitStatus.software)
    }
}

/// Exit codes shared by the commands (sysexits where one fits).
enum ExitStatus {
    static let problems: Int32 = 1
    /// carepath itself went wrong (EX_SOFTWARE).
    static let software: Int32 = 70
    static let noInput: Int32 = 66
    /// An output file could not be written, or was refused (a folder, a symlink loop, an input).
    static let cannotWrite: Int32 = 73
    /// Standard output could not be written (a full disk, /dev/full, a closed pipe).
    static let ioError: Int32 = 74
}

/// Flushes standard output and exits 74 with a message when what was printed could not be
/// written: the output would otherwise be lost with exit status 0.
func checkStandardOutput() {
    // `print` writes through C's buffered stdout; flushing every stream reports a failed write
    // (Swift 6 cannot name `stdout` itself without a data-race diagnostic).
    if fflush(nil) != 0 {
        printError("error: cannot write to standard output (\(String(cString: strerror(errno))))")
        exit(ExitStatus.ioError)
    }
}

/// Standard error, for messages that are not the command's output.
func printError(_ text: String) {
    // Nothing more can be done when standard error itself cannot be written.
    try? FileHandle.standardError.write(contentsOf: Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Loads one pathway for a command that needs a valid one: prints its diagnostics to standard
/// error and exits 1 when it has errors, 66 when it cannot be found. Every file read (the
/// pathway, its standard, its subpathways) is added to `inputs`, so outputs can be kept off them.
func loadValidPathway(_ path: String, limits: LimitOptions, inputs: inout [String]) throws -> Pathway {
    inputs.append(path)
    if let reason = FileCheck.unreadableReason(path) {
        printError("error: \(reason)")
        throw ExitCode(ExitStatus.noInput)
    }
    let result = limits.loader.load(file: path)
    inputs += result.sources.keys.sorted()
    let errors = result.diagnostics.filter { $0.severity == .error }
    guard let pathway = result.pathway, errors.isEmpty else {
        let formatter = DiagnosticFormatter(colour: ColourChoice.diagnostics, sources: result.sources)
        printError(formatter.format(errors, files: 1))
        throw ExitCode(ExitStatus.problems)
    }
    return pathway
}

/// `loadValidPathway` for a command that writes nothing to files.
func loadValidPathway(_ path: String, limits: LimitOptions) throws -> Pathway {
    var unused: [String] = []
    return try loadValidPathway(path, limits: limits, inputs: &unused)
}

/// Finds the pathway files in `paths` (files, or folders searched recursively): says why a path
/// cannot be searched and exits with `failure`; notes folders skipped as symlink loops.
func findPathwayFiles(_ paths: [String], failure: Int32 = ExitStatus.noInput) throws -> [String] {
    let found = PathwayFiles.search(paths)
    for problem in found.problems { printError("error: \(TerminalText.safeLine(problem))") }
    if !found.problems.isEmpty { throw ExitCode(failure) }
    for skipped in found.skipped { printError("note: \(TerminalText.safeLine(skipped))") }
    if found.files.isEmpty {
        printError("error: no pathway files (*.yaml, *.yml) found in \(paths.joined(separator: ", "))")
        throw ExitCode(failure)
    }
    return found.files
}

/// Whether a command may write over the files it reads.
struct OutputSafetyOptions: ParsableArguments {
    @Flag(help: "Let the output replace a file this command reads (a pathway, its standard or a subpathway).")
    var overwriteInput = false

    /// Exits 73 with the reason when `output` must not be written (see `FileCheck.refusal`).
    func check(_ output: String?, inputs: [String]) throws {
        try checkOutput(output, inputs: inputs, overwriteInput: overwriteInput)
    }
}

/// Exits 73 with the reason when `output` must not be written: a folder, a symlink loop, or one
/// of `inputs` unless `overwriteInput`. Standard output (`nil` or `-`) is always allowed.
func checkOutput(_ output: String?, inputs: [String], overwriteInput: Bool) throws {
    guard let output, output != "-" else { return }
    if output.hasSuffix("/") {
        printError("error: '\(output)' ends in '/', so it names a folder; give the name of the file to write, such as '\(output)out'")
        throw ExitCode(ExitStatus.cannotWrite)
    }
    if let refusal = FileCheck.refusal(toWrite: output, inputs: inputs, overwritingInputs: overwriteInput) {
        printError("error: \(refusal)")
        throw ExitCode(ExitStatus.cannotWrite)
    }
}

/// Writes `text` to the file at `path`, or to standard output when `path` is nil or `-`; refuses
/// one of the command's `inputs` unless `overwriteInput`, and exits 73 when it cannot write.
func writeOutput(_ text: String, to path: String?, inputs: [String] = [], overwriteInput: Bool = false) throws {
    let data = Data(text.utf8)
    guard let path, path != "-" else {
        do {
            try FileHandle.standardOutput.write(contentsOf: data)
        } catch {
            printError("error: cannot write to standard output: \(error.localizedDescription)")
            throw ExitCode(ExitStatus.ioError)
        }
        return
    }
    try checkOutput(path, inputs: inputs, overwriteInput: overwriteInput)
    let file = try OutputFile.open(path)
    do {
        try file.handle.write(contentsOf: data)
    } catch {
        file.abandon()
        printError("error: cannot write '\(path)': \(error.localizedDescription)")
        throw ExitCode(ExitStatus.cannotWrite)
    }
    try file.commit()
}
