import Foundation
import PathwayLanguage
import PathwayModel
import Testing

/// `--vary PATH=VALUES`: reading the values, and setting a field on the syntax tree before the
/// pathway is built (through the overlay machinery of `extends`).
@Suite struct FieldVariationTests {
    static let pathway = """
        carepath: 1
        id: clinic
        title: Clinic
        organisations:
          acute: { name: Acute trust, type: acute }
        resources:
          ct-scanner: { organisation: acute, capacity: 2 }
        arrivals: { rate: 20 per week }
        targets:
          fast: { from: scan, to: mdt, within: 14 days, standard: 90% }
        start: scan
        steps:
          scan:
            kind: test
            organisation: acute
            resource: ct-scanner
            duration: 20 min
            next: mdt
          mdt: { kind: meeting, organisation: acute, every: 7 days, next: done }
          done: { kind: end, outcome: discharged }

        """

    /// A fresh folder holding `clinic.yaml` (and `files`); returns the folder.
    func folder(_ files: [String: String] = [:]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-vary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Self.pathway.write(to: url.appendingPathComponent("clinic.yaml"), atomically: true, encoding: .utf8)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    func parse(_ text: String) throws -> FieldVariation { try FieldVariation(parsing: text) }

    /// The message of the error `text` gives, or nil when it reads.
    func problem(_ text: String) -> String? {
        do {
            _ = try FieldVariation(parsing: text)
            return nil
        } catch {
            return error.message
        }
    }

    // MARK: Reading values

    @Test func aRangeOfWholeNumbersStepsByOne() throws {
        let v = try parse("resources.ct-scanner.capacity=1..4")
        #expect(v.path == "resources.ct-scanner.capacity")
        #expect(v.values == [1, 2, 3, 4])
        #expect(v.unit == nil)
        #expect(v.valueText(3) == "4")
    }

    @Test func aRangeWithAStepKeepsTheDecimalsWritten() throws {
        // 0.5 + 3 × 0.1 is 0.8000000000000002 in binary; the values are the ones a person wrote.
        #expect(try parse("a.b=0.5..0.9/0.1").values == [0.5, 0.6, 0.7, 0.8, 0.9])
        #expect(try parse("a.b=0.5..0.9/0.1").valueText(3) == "0.8")
        // A step that does not land on the end stops before it.
        #expect(try parse("a.b=10..20/4").values == [10, 14, 18])
        #expect(try parse(" a.b = 3..3 ").values == [3])
    }

    @Test func aUnitIsWrittenAfterEveryValue() throws {
        let days = try parse("steps.mdt.every=7..21/7 days")
        #expect(days.values == [7, 14, 21])
        #expect(days.unit == "days")
        #expect(days.valueText(1) == "14 days")
        let rate = try parse("arrivals.rate=20,30 per   week")
        #expect(rate.unit == "per week")
        #expect(rate.valueText(0) == "20 per week")
        let share = try parse("targets.fast.standard=80,60,70%")
        #expect(share.values == [60, 70, 80], "a list is sorted, smallest first")
        #expect(share.valueText(0) == "60%")
    }

    @Test func badValuesSayWhatIsWrong() {
        #expect(problem("resources.ct-scanner.capacity")?.contains("has no '='") == true)
        #expect(problem("=1..3")?.contains("names no field") == true)
        #expect(problem("resources..capacity=1..3")?.contains("is not a path") == true)
        #expect(problem("resources.ct\u{1B}[31m\nscanner.capacity=1..3")?.contains("is not a path") == true, "no control characters")
        #expect(problem("a.b=")?.contains("gives no numbers") == true)
        #expect(problem("a.b=12..9")?.contains("write the smaller value first: 9..12") == true)
        #expect(problem("a.b=0.5..2")?.contains("give the step after '/'") == true)
        #expect(problem("a.b=1..3/0")?.contains("must be more than 0") == true)
        #expect(problem("a.b=1..3/-1")?.contains("must be more than 0") == true)
        #expect(problem("a.b=1,2,1")?.contains("the value 1 twice") == true)
        #expect(problem("a.b=1,,2")?.contains("empty value") == true)
        #expect(problem("a.b=1..2e5")?.contains("not numbers followed by a unit") == true)
        #expect(problem("a.b=1..x..3")?.contains("not numbers followed by a unit") == true)
        #expect(problem("a.b=1-2..3")?.contains("'1-2' in 'a.b=1-2..3' is not a number") == true)
        #expect(problem("a.b=1..20000")?.contains("more than 10000 values") == true)
        #expect(problem("a.b=1.1234567")?.contains("more than 6 decimals") == true)
        #expect(problem("a.b=99999999999")?.contains("is not a number") == true)
    }

    @Test func severalVariationsMakeEveryCombinationFirstSlowest() throws {
        let a = try parse("a.x=1..2"), b = try parse("b.y=5,6,7")
        let grid = try FieldVariation.grid([a, b], limit: 200)
        #expect(grid == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]])
        #expect(try FieldVariation.grid([a], limit: 200) == [[0], [1]])
    }

    @Test func aGridOverTheLimitIsRefusedWithItsSize() throws {
        let a = try parse("a.x=1..30"), b = try parse("b.y=1..20")
        do {
            _ = try FieldVariation.grid([a, b], limit: 200)
            Issue.record("600 combinations were accepted")
        } catch {
            #expect(error.message.contains("600 combinations"))
            #expect(error.message.contains("a.x: 30, b.y: 20"))
        }
    }

    // MARK: Setting the field before the pathway is built

    @Test func aSettingReplacesTheValueBeforeThePathwayIsBuilt() throws {
        let dir = try folder()
        let file = dir.appendingPathComponent("clinic.yaml").path
        let capacity = try parse("resources.ct-scanner.capacity=3..5"), every = try parse("steps.mdt.every=14 days")
        let result = PathwayLoader().load(file: file, setting: [capacity.setting(1, line: 1), every.setting(0, line: 2)])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.message))")
        let pathway = try #require(result.validPathway)
        #expect(pathway.resources.first?.capacity == 4)
        #expect(pathway.steps.first { $0.id == "mdt" }?.every == .days(14))
        // Everything else is the file's own, with its positions.
        #expect(pathway.id == "clinic")
        #expect(pathway.file == file)
        #expect(pathway.steps.first { $0.id == "scan" }?.location.file == file)
        #expect(PathwayLoader().load(file: file).validPathway?.resources.first?.capacity == 2, "the file itself is unchanged")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["clinic.yaml"], "nothing is written beside it")
    }

    @Test func aPathThatNamesNothingGetsTheOverlaysSuggestion() throws {
        let file = try folder().appendingPathComponent("clinic.yaml").path
        let typo = try parse("resources.ct-scaner.capacity=1..3")
        let result = PathwayLoader().load(file: file, setting: [typo.setting(0, line: 1)])
        let error = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(error.code == "CP608")
        #expect(error.message.contains("the pathway has no resource 'ct-scaner'"))
        #expect(error.message.contains("`--vary resources.ct-scaner.capacity=1..3` cannot be applied — did you mean 'ct-scanner'?"))
        #expect(error.suggestion == "resources.ct-scanner.capacity", "the whole field's path, not just the part corrected")
        #expect(error.location == SourceLocation(file: "--vary", line: 1, column: 1))
        #expect(error.notes.first?.location?.file == file, "the note shows the entries in the pathway file")
        // A field the resource does not have is the same error, not a new field.
        let field = PathwayLoader().load(file: file, setting: [try parse("resources.ct-scanner.capcity=1..3").setting(0, line: 2)])
        #expect(field.diagnostics.first?.code == "CP608")
        #expect(field.diagnostics.first?.suggestion == "resources.ct-scanner.capacity")
        #expect(field.diagnostics.first?.location?.line == 2)
    }

    @Test func aValueTheFieldCannotTakePointsAtTheValues() throws {
        let file = try folder().appendingPathComponent("clinic.yaml").path
        let bare = try parse("steps.mdt.every=7..14")
        let result = PathwayLoader().load(file: file, setting: [bare.setting(0, line: 1)])
        let error = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(error.message.contains("'7' has no unit"))
        #expect(error.location == SourceLocation(file: "--vary", line: 1, column: 17), "column of the values after '='")
        let zero = PathwayLoader().load(file: file, setting: [try parse("resources.ct-scanner.capacity=0").setting(0, line: 1)])
        #expect(zero.validPathway == nil)
        #expect(zero.diagnostics.contains { $0.location?.file == "--vary" })
    }

    @Test func aVariantIsVariedAfterItsOwnChanges() throws {
        let dir = try folder(["variant.yaml": """
            carepath: 1
            extends: clinic.yaml
            id: clinic-east
            changes:
              - set: resources.ct-scanner.capacity
                value: 6
              - set: steps.mdt.every
                value: 14 days

            """])
        let file = dir.appendingPathComponent("variant.yaml").path
        let result = PathwayLoader().load(file: file, setting: [try parse("steps.mdt.every=3 days").setting(0, line: 1)])
        let pathway = try #require(result.validPathway, "\(result.diagnostics.map(\.message))")
        #expect(pathway.id == "clinic-east")
        #expect(pathway.resources.first?.capacity == 6, "the variant's own change stays")
        #expect(pathway.steps.first { $0.id == "mdt" }?.every == .days(3), "the setting is laid over the variant's change")
    }

    @Test func theVaryArgumentsAreQuotedAsLinesOfAFile() throws {
        let source = FieldVariation.source([try parse("a.b=1..2"), try parse("c.d=3,4 days")])
        #expect(source.file == "--vary")
        #expect(source.line(1) == "a.b=1..2")
        #expect(source.line(2) == "c.d=3,4 days")
    }
}
