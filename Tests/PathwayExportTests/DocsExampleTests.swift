import Foundation
import Testing
import PathwayExport
import PathwayLanguage

/// The `carepath export` and `carepath graph` lines in Docs/export.md, as argument lists.
func documentedCommands() -> [[String]] {
    let url = Golden.repositoryRoot.appendingPathComponent("Docs/export.md")
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
        let words = line.split(separator: " ").map(String.init)
        guard words.count >= 3, words[0] == "carepath", ["export", "graph"].contains(words[1]) else { return nil }
        return Array(words.dropFirst())
    }
}

@Test func everyExampleInTheExportGuideRunsOnAShippedPathway() throws {
    let commands = documentedCommands()
    #expect(commands.count >= 6)
    for args in commands {
        let isExport = args[0] == "export"
        let file = isExport ? args[2] : args[1]
        let path = Golden.repositoryRoot.appendingPathComponent(file).path
        let pathway = try #require(PathwayLoader().load(file: path).validPathway, "\(file) does not load cleanly")
        if isExport {
            let format = try #require(ExportFormat(rawValue: args[1]), "unknown format \(args[1])")
            if format == .svg { try #require(SVGRenderer().dotExecutable != nil, "Graphviz's dot is not installed (.ci/run installs it)") }
            var options = ExportFormat.Options()
            if let i = args.firstIndex(of: "--base-url"), i + 1 < args.count { options.baseURL = args[i + 1] }
            if let i = args.firstIndex(of: "--format"), i + 1 < args.count {
                options.buildSheet = try #require(BuildSheetExporter.Format(rawValue: args[i + 1]))
            }
            #expect(!(try format.export(pathway, options: options)).isEmpty)
        } else {
            #expect(args.contains("--format"))
        }
    }
}
