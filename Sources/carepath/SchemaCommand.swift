import ArgumentParser
import Foundation
import PathwayLanguage

/// `carepath schema [-o FILE]`: prints the JSON Schema of the pathway language, for editors.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of the pathway language, for editor completion and hover help.",
        discussion: """
        The schema (draft 2020-12) lets an editor's YAML support complete keys, explain them on hover and \
        underline mistakes as you type. See Docs/editor-setup.md. It is the same as Docs/carepath.schema.json.
        """
    )

    @Option(name: [.short, .customLong("output")], help: "Write the schema to this file instead of standard output.",
            completion: .file(extensions: ["json"]))
    var output: String?

    func run() throws {
        try writeOutput(LanguageSchema.json, to: output)
    }
}
