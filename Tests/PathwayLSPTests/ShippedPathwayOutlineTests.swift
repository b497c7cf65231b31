import Foundation
import PathwayLanguage
import PathwayLSP
import Testing

/// The tolerant outline reader finds what the real loader finds in every shipped pathway: the
/// same step ids, and a reference at every place a step names another.
struct ShippedPathwayOutlineTests {
    static let pathways = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Pathways").standardizedFileURL

    static var files: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: pathways, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }
    }

    @Test func theOutlineFindsTheLoadersStepsAndReferences() throws {
        #expect(Self.files.count >= 10)
        for file in Self.files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let pathway = try #require(PathwayLoader().load(yaml: text, file: file.path).pathway)
            let analysis = DocumentAnalysis(text: text, pathway: pathway)
            #expect(analysis.symbols.declared(.step) == pathway.steps.map(\.id), "\(file.lastPathComponent)")
            #expect(analysis.symbols.declared(.resource) == pathway.resources.map(\.id), "\(file.lastPathComponent)")
            #expect(analysis.symbols.declared(.organisation) == pathway.organisations.map(\.id), "\(file.lastPathComponent)")
            let references = analysis.symbols.occurrences.filter { $0.kind == .step && !$0.isDefinition }.count
            let expected = pathway.steps.reduce(0) { n, s in n + s.branches.count + s.paths.count + (s.next == nil ? 0 : 1) + (s.join == nil ? 0 : 1) }
                + pathway.targets.reduce(0) { $0 + 1 + $1.to.count } + 1 + pathway.backlog.count
            #expect(references == expected, "\(file.lastPathComponent)")
            let dataNamed = Set(analysis.symbols.named(.data))
            let dataUsed = Set(pathway.steps.flatMap { $0.requires.map(\.name) + $0.produces.map(\.name) })
            #expect(dataUsed.isSubset(of: dataNamed), "\(file.lastPathComponent)")
        }
    }
}
