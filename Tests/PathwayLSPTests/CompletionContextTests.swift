import PathwayLSP
import Testing

/// The place in the file that completion works out from a half-typed line.
struct CompletionContextTests {
    let pathway = """
    carepath: 1
    id: p
    steps:
      triage:
        kind: assessment
        next: ct
      ct-result:
        kind: decision
        branches:
          - { to: triage, when: "age > 3" }
          - to: discharge
            otherwise: true
    """

    func context(_ text: String, line: Int, character: Int) -> CompletionProvider.Context {
        let lines = LineTable(text)
        return CompletionProvider(analysis: DocumentAnalysis(text: text, pathway: nil), lines: lines)
            .context(at: Position(line: line, character: character)).context
    }

    @Test func afterNextIsAStepReference() {
        #expect(context(pathway, line: 5, character: 12) == .value(path: ["steps", "triage", "next"], shape: ["steps", "triage", "next"]))
        #expect(context(pathway, line: 5, character: 10) == .value(path: ["steps", "triage", "next"], shape: ["steps", "triage", "next"]))
    }

    @Test func aWordAloneInAStepIsAKeyOfTheStep() {
        let text = pathway.replacingOccurrences(of: "    next: ct\n", with: "    next: ct\n    dur\n")
        #expect(context(text, line: 6, character: 7) == .key(parent: ["steps", "triage"]))
    }

    @Test func insideAFlowBranchTheKeyIsKnown() {
        #expect(context(pathway, line: 9, character: 18) == .value(path: ["steps", "ct-result", "branches", "[0]", "to"],
                                                                  shape: ["steps", "ct-result", "branches", "[]", "to"]))
        #expect(context(pathway, line: 9, character: 33) == .value(path: ["steps", "ct-result", "branches", "[0]", "when"],
                                                                  shape: ["steps", "ct-result", "branches", "[]", "when"]))
    }

    @Test func aBlockListItemsKeysBelongToTheItem() {
        #expect(context(pathway, line: 10, character: 15) == .value(path: ["steps", "ct-result", "branches", "[1]", "to"],
                                                                   shape: ["steps", "ct-result", "branches", "[]", "to"]))
        let text = pathway + "\n        oth"
        #expect(context(text, line: 12, character: 11) == .key(parent: ["steps", "ct-result", "branches", "[1]"]))
    }

    @Test func anOverlaysValueIsReadAtThePathItSets() {
        let overlay = "carepath: 1\nextends: standard.yaml\nchanges:\n  - set: steps.triage.next\n    value: c\n"
        #expect(context(overlay, line: 4, character: 12) == .value(path: ["changes", "[0]", "value"], shape: ["steps", "triage", "next"]))
    }

    @Test func commentsOfferNothing() {
        #expect(context("# next: \n", line: 0, character: 8) == .none)
    }

    @Test func stepKeysComeFromTheSchemaForTheStepsKind() {
        let catalogue = SchemaCatalogue.shared
        let test = Set(catalogue.keys(at: ["steps", "x"], stepKind: "test").map(\.name))
        let end = Set(catalogue.keys(at: ["steps", "x"], stepKind: "end").map(\.name))
        #expect(test.contains("result_after") && !test.contains("outcome"))
        #expect(end.contains("outcome") && !end.contains("next"))
        #expect(catalogue.values(at: ["targets", "t", "stops"]).map(\.name) == ["on arrival", "on start", "on completion"])
        #expect(catalogue.values(at: ["status"]).map(\.name) == ["draft", "active", "retired"])
    }

    @Test func conditionsNameTheirAttributesButNotTheirValues() {
        let text = pathway.replacingOccurrences(of: "age > 3", with: "age > 3 and risk == age and risk in [age]")
        let index = SymbolIndex(outline: PathwayOutline(lines: LineTable(text).lines), knownAttributes: ["age", "risk"])
        let names = index.occurrences.filter { $0.kind == .attribute }.map(\.name)
        #expect(names == ["age", "risk", "risk"])
    }
}
