import ArgumentParser
import Foundation
import PathwayLanguage

/// `carepath format FILE`: rewrites a pathway in the canonical layout.
struct FormatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "format",
        abstract: "Print a pathway in the canonical layout (or rewrite the file with --write).",
        discussion: "Reading the formatted file gives the same pathway. Comments are kept beside the keys they annotate, and move with them when keys are reordered. A record longer than --line-width is written one key per line."
    )

    @Argument(help: "The pathway file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Flag(help: "Rewrite the file in place instead of printing.")
    var write = false

    @Flag(help: "Exit 1 if the file is not already in the canonical layout (for CI).")
    var check = false

    @Option(help: "Write a record one key per line when its line would be longer than this. (default: \(PathwayFormatter.defaultLineWidth))")
    var lineWidth: Int = PathwayFormatter.defaultLineWidth

    /// Kept so that scripts written for version 1 still run: comments are always kept now.
    @Flag(help: .hidden)
    var dropComments = false

    @OptionGroup var limits: LimitOptions

    func validate() throws {
        if lineWidth < 20 { throw ValidationError("--line-width must be at least 20 (got \(lineWidth))") }
    }

    func run() throws {
        let pathway = try loadValidPathway(file, limits: limits)
        let original = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        let formatted = PathwayFormatter.format(pathway, keeping: original, lineWidth: lineWidth)
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
        // Through a symbolic link to the file it names (the link stays a link), keeping the
        // file's permissions and hard links (OutputFile).
        try writeOutput(formatted, to: file, inputs: [], overwriteInput: true)
    }
}
