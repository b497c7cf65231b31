import Foundation
import PathwayLanguage
import PathwayModel
import Testing

/// Formatting keeps a clinical lead's notes: every comment survives, beside the key it annotates,
/// however the formatter reorders keys, and formatting a formatted file changes nothing.
struct FormatterCommentTests {
    func formatted(_ yaml: String, file: String = "sample.yaml", width: Int = PathwayFormatter.defaultLineWidth) throws -> String {
        let pathway = try #require(PathwayLoader().load(yaml: yaml, file: file).pathway, "\(file) does not load")
        return PathwayFormatter.format(pathway, keeping: yaml, lineWidth: width)
    }

    @Test(arguments: FormatterTests.files)
    func formattingAShippedPathwayKeepsEveryCommentAndIsAFixedPoint(_ file: String) throws {
        let source = try String(contentsOfFile: file, encoding: .utf8)
        let once = try formatted(source, file: file)
        #expect(PathwayComments(source: once).texts.sorted() == PathwayComments(source: source).texts.sorted(),
                "\(file): formatting lost or changed a comment")
        let original = try #require(PathwayLoader().load(yaml: source, file: file).pathway)
        let reread = try #require(PathwayLoader().load(yaml: once, file: file).pathway)
        #expect(reread.strippingLocations() == original.strippingLocations(), "\(file) changed meaning")
        #expect(try formatted(once, file: file) == once, "\(file): formatting the formatted file changed it")
    }

    @Test func aCommentMovesWithItsKeyWhenKeysAreReordered() throws {
        // `next` written first: the formatter puts `kind` first and `next` after the data lists.
        let yaml = Samples.valid
            .replacingOccurrences(of: "  ct-scan:\n    kind: test\n",
                                  with: "  ct-scan:\n    # the scan always goes to the result review\n    next: result\n    kind: test # CT chest\n")
            .replacingOccurrences(of: "    produces: [{ name: ct-report, type: DiagnosticReport }]\n    next: result\n",
                                  with: "    produces: [{ name: ct-report, type: DiagnosticReport }]\n")
        try #require(yaml.contains("# CT chest") && !yaml.contains("DiagnosticReport }]\n    next: result"),
                     "the sample changed; update this test")
        let out = try formatted(yaml)
        let lines = out.split(separator: "\n").map(String.init)
        let comment = try #require(lines.firstIndex(of: "    # the scan always goes to the result review"), "comment lost:\n\(out)")
        #expect(lines[comment + 1] == "    next: result", "the comment should stay above `next`:\n\(out)")
        #expect(lines[comment - 1].hasPrefix("    produces:"), "`next` comes after `produces` in the layout:\n\(out)")
        #expect(lines.contains("    kind: test # CT chest"), "the end-of-line comment should stay on `kind`:\n\(out)")
        #expect(try formatted(out) == out)
    }

    @Test func headerAndClosingCommentsStayAtTheEnds() throws {
        let yaml = "# Header: what this pathway is\n\n" + Samples.valid + "\n# closing note\n"
        let out = try formatted(yaml)
        #expect(out.hasPrefix("# Header: what this pathway is\n\ncarepath: 1\n"))
        #expect(out.hasSuffix("\n# closing note\n"))
    }

    @Test func aHashInsideQuotesOrABlockScalarIsNotAComment() throws {
        let yaml = Samples.valid.replacingOccurrences(of: "title: Sample pathway",
                                                      with: "title: \"Ward #3 pathway\"\ndescription: |\n  # not a comment\n  text")
        let comments = PathwayComments(source: yaml)
        #expect(comments.texts.allSatisfy { !$0.contains("not a comment") && !$0.contains("3 pathway") })
        #expect(try formatted(yaml).contains("Ward #3 pathway"))
    }

    @Test func aCommentOnAKeyTheFormatterLeavesOutGoesToItsParent() throws {
        // `starts: on arrival` is the default, which the formatter does not write.
        let yaml = Samples.valid.replacingOccurrences(
            of: "  fds: { title: Faster diagnosis, from: referral, to: [told, discharged], within: 28 days, standard: 75% }",
            with: "  fds:\n    title: Faster diagnosis\n    # the clock starts when the referral arrives\n    starts: on arrival\n    from: referral\n    to: [told, discharged]\n    within: 28 days\n    standard: 75%")
        try #require(yaml.contains("starts: on arrival"), "the sample changed; update this test")
        let out = try formatted(yaml)
        let lines = out.split(separator: "\n").map(String.init)
        let comment = try #require(lines.firstIndex(of: "  # the clock starts when the referral arrives"), "comment lost:\n\(out)")
        #expect(lines[comment + 1].hasPrefix("  fds:"))
        #expect(try formatted(out) == out)
    }

    @Test func longRecordsWrapIntoBlockStyleAtTheLineWidth() throws {
        let source = try String(contentsOfFile: repositoryRoot.appendingPathComponent("Pathways/suspected-lung-cancer.yaml").path, encoding: .utf8)
        for width in [60, 100, 140] {
            let out = try formatted(source, file: "lung.yaml", width: width)
            let pathway = try #require(PathwayLoader().load(yaml: out, file: "lung.yaml").pathway)
            let original = try #require(PathwayLoader().load(yaml: source, file: "lung.yaml").pathway)
            #expect(pathway.strippingLocations() == original.strippingLocations(), "width \(width) changed meaning")
            // Only a line holding one unbreakable value (or a comment the author wrote) may be longer:
            // no record or list is left on a line past the width.
            for line in out.split(separator: "\n") where line.count > width {
                let isComment = line.trimmingCharacters(in: .whitespaces).hasPrefix("#") || line.contains(" #")
                let value = line.drop { $0 == " " || $0 == "-" }.split(separator: " ", maxSplits: 1).last ?? ""
                #expect(isComment || !(value.hasPrefix("{") || value.hasPrefix("[")), "width \(width): \(line)")
            }
        }
    }

    @Test func stepsAreSeparatedByOneBlankLine() throws {
        let out = try formatted(Samples.valid)
        let steps = out.components(separatedBy: "\nsteps:\n")[1]
        #expect(steps.contains("\n\n  "))
        #expect(!out.contains("\n\n\n"))
    }
}
