import ArgumentParser
import Foundation

/// The `carepath` command: pathways as code.
@main
struct Carepath: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "carepath",
        abstract: "Care pathways as code: validate, simulate, compare and export NHS care pathways.",
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self,
            InspectCommand.self,
            GraphCommand.self,
            FormatCommand.self,
            SchemaCommand.self,
            SimulateCommand.self,
            MergeCommand.self,
            ConformCommand.self,
            CalibrateCommand.self,
            DiffCommand.self,
            CompareCommand.self,
            ExportCommand.self,
            ReportCommand.self,
            PreviewCommand.self,
            LSPCommand.self,
        ]
    )

    /// Runs the command, then makes sure what it printed reached standard output (exit 74 if not).
    static func main() {
        do {
            var command = try parseAsRoot(negativeValuesJoined(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch {
            checkStandardOutput()
            exit(withError: error)
        }
        checkStandardOutput()
    }

    /// `--seed -5` becomes `--seed=-5`: the argument parser reads a word starting with `-` as
    /// an option, so a negative number after an option said "Missing value for '--seed'" instead
    /// of saying that the value is not allowed. Everything after `--` is left alone.
    static func negativeValuesJoined(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            if word == "--" { out += arguments[i...]; break }
            if word.hasPrefix("--"), !word.contains("="), i + 1 < arguments.count {
                let next = arguments[i + 1]
                if next.count > 1, next.hasPrefix("-"), let c = next.dropFirst().first, c.isNumber || c == "." {
                    out.append(word + "=" + next)
                    i += 2
                    continue
                }
            }
            out.append(word)
            i += 1
        }
        return out
    }
}
