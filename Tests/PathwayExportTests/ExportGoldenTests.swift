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
    for (name, pathway) in [("fixture-lung", Fixtures.lung), ("fixture-hostile", Fixtures.hostilePathway)] {
        for (ext, text) in allExports(pathway) {
            let problem = Golden.mismatch(text, "\(name).\(ext)")
            #expect(problem == nil, "\(problem ?? "")")
        }
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

/// The shipped library: every `.yaml` file under `Pathways/` (shared subpathways too), as
/// paths relative to `Pathways/`, sorted.
func shippedPathwayFiles() -> [String] {
    let dir = Golden.repositoryRoot.appendingPathComponent("Pathways")
    let all = FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String } ?? []
    return all.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
}

@Test func shippedPathwaysExportMatchGoldenFiles() {
    let files = shippedPathwayFiles()
    #expect(!files.isEmpty, "no pathways found under Pathways/")
    for file in files {
        let absolute = Golden.repositoryRoot.appendingPathComponent("Pathways").appendingPathComponent(file).path
        let result = PathwayLoader().load(file: absolute)
        #expect(!result.diagnostics.hasErrors, "\(file) does not load cleanly")
        guard let pathway = result.pathway else { continue }
        // shared/community-rehabilitation.yaml is stored as shared__community-rehabilitation.*
        let base = String(file.dropLast(file.hasSuffix(".yml") ? 4 : 5)).replacingOccurrences(of: "/", with: "__")
        for (ext, text) in allExports(pathway) {
            let problem = Golden.mismatch(text, "Pathways/\(base).\(ext)")
            #expect(problem == nil, "\(problem ?? "")")
        }
    }
}
