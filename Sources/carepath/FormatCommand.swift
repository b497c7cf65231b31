import ArgumentParser
import Foundation
import PathwayLanguage

/// `carepath format FILE`: rewrites a pathway in the canonical layout.
struct FormatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "format",
        abstract: "Print a pathway in the canonical layout (or rewrite the file with --write).",
        discussion: "Reading the formatted file gives the same pathway. Comments are not kept, so --write on a file with comments needs --drop-comments."
    )

    @Argument(help: "The pathway file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Flag(help: "Rewrite the file in place instead of printing.")
    var write = false

    @Flag(help: "Exit 1 if the file is not already in the canonical layout (for CI).")
    var check = false

    @Flag(help: "Allow --write to drop the file's comments.")
    var dropComments = false

    @OptionGroup var limits: LimitOptions

    func run() throws {
        let pathway = try loadValidPathway(file, limits: limits)
        let formatted = PathwayFormatter.format(pathway)
        let original = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        // A variant's file holds only its changes; the formatted text is the whole merged pathway.
        let isVariant = original.split(separator: "\n").contains { $0.hasPrefix("extends:") }
        if isVariant && (write || check) {
            printError("error: \(file) is a variant (it `extends` another pathway); formatting prints the merged pathway and cannot rewrite the variant's changes")
            throw ExitCode(1)
        }
        if check {
            if original != formatted {
                printError("\(file) is not in the canonical layout; run `carepath format --write \(file)`")
                throw ExitCode(1)
            }
            return
        }
        guard write else {
            print(formatted, terminator: "")
            return
        }
        let hasComments = original.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") || $0.contains(" #") }
        if hasComments && !dropComments {
            printError("error: \(file) has comments, which formatting does not keep; add --drop-comments to rewrite it anyway")
            throw ExitCode(1)
        }
        // Through a symbolic link to the file it names (the link stays a link), keeping the
        // file's permissions and hard links (OutputFile).
        try writeOutput(formatted, to: file, inputs: [], overwriteInput: true)
    }
}
