import ArgumentParser
import PathwayLanguage

/// `carepath inspect FILE`: a summary of one pathway.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise a pathway: steps by kind and organisation, resources, targets, handoffs, data items and journey times."
    )

    @Argument(help: "The pathway file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @OptionGroup var limits: LimitOptions

    func run() throws {
        let pathway = try loadValidPathway(file, limits: limits)
        print(InspectionReport.render(pathway), terminator: "")
    }
}
