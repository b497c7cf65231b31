import PathwayLSP
import Testing

struct PositionMappingTests {
    @Test func scalarColumnsBecomeUTF16Offsets() {
        // 🦵 is one Unicode scalar but two UTF-16 code units; é written as e + U+0301 is two scalars.
        let lines = LineTable("a: 🦵 x\nb: e\u{301}y z\n")
        #expect(lines.position(line: 1, column: 6) == Position(line: 0, character: 6))
        #expect(lines.position(line: 2, column: 6) == Position(line: 1, character: 5))
    }

    @Test func windowsLineEndsAreNotPartOfALine() {
        let lines = LineTable("a: 1\r\nb: 2\r\n")
        #expect(lines.lines == ["a: 1", "b: 2", ""])
        #expect(lines.endOfLine(0) == 4)
    }

    @Test func positionsPastTheEndAreClamped() {
        let lines = LineTable("ab")
        #expect(lines.position(line: 9, column: 40) == Position(line: 0, character: 2))
        #expect(lines.position(line: 0, column: 0) == Position(line: 0, character: 0))
    }

    @Test func theUnderlineCoversTheNameTheMessageQuotes() {
        let lines = LineTable("      - { label: \"🦵\", to: leg-ultrasund, when: \"x\" }")
        let range = DiagnosticMapper.tokenRange(in: lines, line: 1, column: 9, naming: ["likely-dvt", "leg-ultrasund"])
        #expect(range == TextRange(line: 0, from: 27, to: 40))
    }

    @Test func withoutANameTheUnderlineCoversTheWordOrTheQuotedText() {
        let lines = LineTable("    duration: \"2 parsecs\"\n    next: ct-scan # a comment")
        #expect(DiagnosticMapper.tokenRange(in: lines, line: 1, column: 15, naming: []) == TextRange(line: 0, from: 14, to: 25))
        #expect(DiagnosticMapper.tokenRange(in: lines, line: 2, column: 11, naming: []) == TextRange(line: 1, from: 10, to: 17))
    }

    @Test func fileURIsBecomePathsAndBack() {
        #expect(DocumentURI.path("file:///tmp/a%20b/lung.yaml") == "/tmp/a b/lung.yaml")
        #expect(DocumentURI.uri("/tmp/a b/lung.yaml") == "file:///tmp/a%20b/lung.yaml")
        #expect(DocumentURI.path("untitled:Untitled-1") == "untitled:Untitled-1")
    }
}
