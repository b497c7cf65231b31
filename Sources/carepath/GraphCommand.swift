import ArgumentParser

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "graph", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("'carepath graph' is not built yet.")
    }
}
