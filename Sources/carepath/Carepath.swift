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
            DiffCommand.self,
            CompareCommand.self,
            ExportCommand.self,
            ReportCommand.self,
        ]
    )

    /// Runs the command, then makes sure what it printed reached standard output (exit 74 if not).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            checkStandardOutput()
            exit(withError: error)
        }
        checkStandardOutput()
    }
}
