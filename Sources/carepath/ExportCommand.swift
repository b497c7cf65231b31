import ArgumentParser

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("'carepath export' is not built yet.")
    }
}
