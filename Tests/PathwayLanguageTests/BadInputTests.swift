import Foundation
import PathwayLanguage
import PathwayModel
import Testing

/// The bad-input corpus: each file is named for the diagnostic it must produce, and its golden
/// `.expected` file holds the full rendered output (positions, carets, suggestions).
struct BadInputTests {
    static let folder = repositoryRoot.appendingPathComponent("Tests/PathwayLanguageTests/BadInput")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func theCorpusHasAtLeastFortyFiles() {
        #expect(Self.files.count >= 40)
    }

    @Test(arguments: files)
    func eachBadFileGivesItsDiagnostic(_ name: String) throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent(name))
        let result = PathwayLoader().load(data: data, file: "BadInput/\(name)")
        let expectedCode = String(name.prefix(5))
        #expect(result.diagnostics.contains { $0.code == expectedCode }, "\(name): got \(codes(result))")
        #expect(result.diagnostics.contains { $0.severity >= .warning })
        let rendered = DiagnosticFormatter(sources: result.sources).format(result.diagnostics, files: 1)
        let golden = Self.folder.appendingPathComponent(name.replacingOccurrences(of: ".yaml", with: ".expected"))
        #expect(matchesGolden(rendered, golden), "\(name) differs from its golden file:\n\(rendered)")
    }

    /// One mistake, one message: the files named `-cascade-` hold a single mistake that used to
    /// bring a train of follow-on errors (a misspelt section, a misspelt join, a key indented two
    /// spaces short). Each must give exactly one diagnostic, the one its name gives.
    @Test(arguments: files.filter { $0.contains("-cascade-") })
    func aSingleMistakeGivesASingleDiagnostic(_ name: String) throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent(name))
        let result = PathwayLoader().load(data: data, file: "BadInput/\(name)")
        #expect(result.diagnostics.map(\.code) == [String(name.prefix(5))], "\(name): got \(codes(result))")
    }

    @Test func aHugeFileIsRefusedWithItsSize() {
        var limits = LanguageLimits()
        limits.maxFileBytes = 1000
        let text = "carepath: 1\n" + String(repeating: "# padding line\n", count: 200)
        let result = PathwayLoader(limits: limits).load(yaml: text, file: "huge.yaml")
        #expect(codes(result) == ["CP002"])
    }

    @Test func aMillionNestedBracketsEndInADiagnosticNotACrash() {
        let text = "carepath: 1\nid: x\nd: " + String(repeating: "[", count: 100_000)
        let result = load(text)
        #expect(result.diagnostics.hasErrors)
        #expect(result.pathway == nil)
    }
}
