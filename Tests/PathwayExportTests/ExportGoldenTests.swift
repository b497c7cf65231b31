import Foundation
import Testing
import PathwayExport
import PathwayLanguage
import PathwayModel

/// Every format written for a pathway, with the golden-file extension it is stored under.
func allExports(_ pathway: Pathway) -> [(String, String)] {
    [
        ("fhir.json", FHIRExporter().export(pathway)),
        ("bpmn", BPMNExporter().export(pathway)),
        ("dot", DOTExporter().export(pathway)),
        ("mmd", MermaidExporter().export(pathway)),
        ("csv", BuildSheetExporter(format: .csv).export(pathway)),
        ("md", BuildSheetExporter(format: .markdown).export(pathway)),
    ]
}

@Test func fixturePathwayExportsMatchGoldenFiles() {
    for (ext, text) in allExports(Fixtures.lung) {
        let problem = Golden.mismatch(text, "fixture-lung.\(ext)")
        #expect(problem == nil, "\(problem ?? "")")
    }
}

@Test func everyExportIsByteForByteDeterministic() {
    for ((ext, first), (_, second)) in zip(allExports(Fixtures.lung), allExports(Fixtures.lung)) {
        #expect(first == second, "\(ext) differs between two runs")
    }
    for ((ext, first), (_, second)) in zip(allExports(Fixtures.hostilePathway), allExports(Fixtures.hostilePathway)) {
        #expect(first == second, "\(ext) differs between two runs")
    }
}

/// The shipped library: `Pathways/*.yaml`, sorted by name.
func shippedPathwayFiles() -> [URL] {
    let dir = Golden.repositoryRoot.appendingPathComponent("Pathways")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { dir.appendingPathComponent($0) }
}

@Test func shippedPathwaysExportMatchGoldenFiles() {
    for file in shippedPathwayFiles() {
        let result = PathwayLoader().load(file: "Pathways/" + file.lastPathComponent)
        // Until the loader can read the file (or while run from elsewhere), try the absolute path.
        guard let pathway = result.pathway ?? PathwayLoader().load(file: file.path).pathway else { continue }
        let base = file.deletingPathExtension().lastPathComponent
        for (ext, text) in allExports(pathway) {
            let problem = Golden.mismatch(text, "Pathways/\(base).\(ext)")
            #expect(problem == nil, "\(problem ?? "")")
        }
    }
}
