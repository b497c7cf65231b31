import PathwayModel
import Testing
@testable import PathwayLanguage

/// The loader reads values as the YAML 1.2 tools editors use do, so the editor's schema and
/// `carepath validate` agree (Docs/language.md, "Editors and the JSON Schema"): what YAML 1.2
/// reads as text is refused where carepath needs true/false or a number, with the fix.
struct YAML12AgreementTests {
    /// The sample with its fallback branch's `otherwise: true` written as `value`.
    static func withOtherwise(_ value: String) -> String {
        Samples.valid.replacingOccurrences(of: "{ to: discharged, otherwise: true }", with: "{ to: discharged, otherwise: \(value) }")
    }

    @Test func theSampleHasTheFallbackBranchTheseTestsRewrite() {
        #expect(Self.withOtherwise("yes") != Samples.valid)
    }

    @Test(arguments: [("yes", "true"), ("Yes", "true"), ("ON", "true"), ("y", "true"), ("tRuE", "true"),
                      ("no", "false"), ("Off", "false"), ("N", "false"), ("fAlSe", "false")])
    func yesNoOnOffAreRefusedWithTheWordToWrite(_ written: String, _ meant: String) throws {
        let result = load(Self.withOtherwise(written))
        let d = try #require(result.diagnostics.first { $0.code == "CP010" }, "\(codes(result))")
        #expect(d.severity == .error)
        #expect(d.suggestion == meant)
        #expect(d.message.contains("write \(meant)"))
        // The value meant is kept, so nothing else repeats the slip.
        if meant == "true" { #expect(codes(result) == ["CP010"]) }
    }

    @Test(arguments: ["true", "True", "TRUE"])
    func yaml12SpellingsOfTrueAreAccepted(_ written: String) {
        let result = load(Self.withOtherwise(written))
        #expect(!result.diagnostics.hasErrors, "\(codes(result))")
    }

    @Test func aQuotedTrueIsTextNotABoolean() {
        #expect(codes(load(Self.withOtherwise("\"true\""))).contains("CP013"))
    }

    @Test func aTabAfterAColonIsRefusedAndPointedAt() throws {
        let yaml = Samples.valid.replacingOccurrences(of: "\nstatus: active", with: "\nstatus:\tactive")
        #expect(yaml != Samples.valid)
        let result = load(yaml)
        let d = try #require(result.diagnostics.first)
        #expect(codes(result) == ["CP005"])
        #expect(d.message.contains("tab after ':'"))
        #expect(d.help == "replace the tab with a space")
        #expect(d.location?.column == 8)
    }

    @Test(arguments: ["title:\tSample", "title: Sample\tpathway", "title: Sample\t# a comment", "steps:\t\n"])
    func aTabElsewhereInBlockTextIsRefused(_ line: String) {
        let result = load("carepath: 1\nid: x\n\(line)\n")
        #expect(codes(result) == ["CP005"], "\(line.debugDescription)")
    }

    @Test(arguments: [
        "title: \"a\ttab in double quotes\"", "title: 'a\ttab in single quotes'", "title: x # a\ttab in a comment",
        "sources: [ \"NICE\",\tNHS ]", "organisations: {\tgp: { name: GP, type: primary-care } }",
        "description: |\n  a\ttab in a block of text\n  on two lines", "description: >-\n  folded\ttext",
    ])
    func tabsWhereEveryYAMLToolAcceptsThemAreAccepted(_ line: String) {
        let result = load("carepath: 1\nid: x\n\(line)\n")
        #expect(!codes(result).contains("CP005"), "\(line.debugDescription): \(codes(result))")
    }

    @Test func anApostropheInPlainTextDoesNotHideALaterTab() {
        let result = load("carepath: 1\ntitle: Children's clinic\nid:\tx\n")
        #expect(codes(result) == ["CP005"])
    }

    @Test func numbersWithGroupedDigitsAreRefusedWithThePlainNumber() throws {
        let yaml = Samples.valid.replacingOccurrences(of: "min: 18, max: 100", with: "min: 18, max: 1_00")
        #expect(yaml != Samples.valid)
        let result = load(yaml)
        let d = try #require(result.diagnostics.first { $0.code == "CP013" }, "\(codes(result))")
        #expect(d.suggestion == "100")
        // Inside quoted values carepath's own syntax still reads them.
        #expect(ValueSyntax.number("1_000") == 1000)
    }
}
