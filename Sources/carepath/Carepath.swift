import ArgumentParser

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
}
