import ArgumentParser

struct FormatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "format", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("'carepath format' is not built yet.")
    }
}
