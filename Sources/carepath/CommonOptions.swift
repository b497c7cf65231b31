import ArgumentParser
import Foundation
import PathwayLanguage
import PathwayModel

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
    @Flag(help: "Let subpathway paths leave the pathway's folder.")
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

/// When to colour terminal output.
enum ColourChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    var enabled: Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        }
    }
}

/// Exit codes shared by the commands (sysexits where one fits).
enum ExitStatus {
    static let problems: Int32 = 1
    static let noInput: Int32 = 66
}

/// Standard error, for messages that are not the command's output.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Loads one pathway for a command that needs a valid one: prints its diagnostics to standard
/// error and exits 1 when it has errors, 66 when it cannot be found.
func loadValidPathway(_ path: String, limits: LimitOptions) throws -> Pathway {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
        printError("error: cannot find the pathway file '\(path)'")
        throw ExitCode(ExitStatus.noInput)
    }
    let result = limits.loader.load(file: path)
    let errors = result.diagnostics.filter { $0.severity == .error }
    guard let pathway = result.pathway, errors.isEmpty else {
        let formatter = DiagnosticFormatter(colour: isatty(STDERR_FILENO) != 0, sources: result.sources)
        printError(formatter.format(errors, files: 1))
        throw ExitCode(ExitStatus.problems)
    }
    return pathway
}
