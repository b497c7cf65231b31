import ArgumentParser

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schema", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("'carepath schema' is not built yet.")
    }
}
