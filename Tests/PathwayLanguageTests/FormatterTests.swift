import Foundation
import PathwayLanguage
import PathwayModel
import Testing

/// `parse(format(x)) == parse(x)`: formatting never changes what a pathway says.
struct FormatterTests {
    /// Every shipped and example pathway, plus the valid sample used across these tests.
    static var files: [String] {
        PathwayFiles.search([repositoryRoot.appendingPathComponent("Pathways").path,
                           repositoryRoot.appendingPathComponent("Examples").path]).files
    }

    func roundTrips(_ original: LoadResult, file: String) -> Bool {
        guard let pathway = original.pathway else { return false }
        let formatted = PathwayFormatter.format(pathway)
        let again = PathwayLoader().load(yaml: formatted, file: file)
        guard let reread = again.pathway else { return false }
        return reread.strippingLocations() == pathway.strippingLocations()
            && PathwayFormatter.format(reread) == formatted
    }

    @Test(arguments: files)
    func formattingAShippedPathwayKeepsItsMeaning(_ file: String) {
        let result = PathwayLoader().load(file: file)
        #expect(roundTrips(result, file: file), "\(file) changed meaning when formatted")
    }

    @Test func formattingTheSampleKeepsItsMeaning() {
        #expect(roundTrips(load(Samples.valid), file: "sample.yaml"))
    }

    @Test func formattingQuotesWhatYAMLWouldMisread() {
        var yaml = Samples.valid.replacingOccurrences(of: "title: Sample pathway", with: "title: \"yes: a title, with # and 'quotes' \\\"\"")
        yaml = yaml.replacingOccurrences(of: "version: \"2024.1\"", with: "version: \"1.0\"")
        let result = load(yaml)
        #expect(roundTrips(result, file: "test.yaml"))
        #expect(result.pathway?.title == "yes: a title, with # and 'quotes' \"")
        #expect(result.pathway?.version == "1.0")
    }

    @Test func randomTimesReadBackExactly() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let minutes = Double(Int.random(in: 0...2_000_000, using: &generator)) / Double([1, 2, 4, 10, 3].randomElement(using: &generator) ?? 1)
            let text = PathwayFormatterProbe.time(minutes)
            guard case .success(let back) = ValueSyntax.timeSpan(text) else {
                Issue.record("'\(text)' did not read back")
                continue
            }
            #expect(back.minutes == minutes, "\(minutes) → \(text) → \(back.minutes)")
        }
    }
}

/// The formatter never writes a number the loader cannot read back (issue 18: `0.00001` was
/// written `1e-05` and refused).
@Suite struct FormatterNumberTests {
    @Test(arguments: [0.00001, 0.000000123, 1.5e-9, 0.1 + 0.2, 1e-300, 123456789012345.6])
    func probabilitiesOfAnySizeRoundTripWithoutExponents(_ value: Double) throws {
        let probability = min(value, 0.5)
        // Format a pathway holding the value, read the text back, and compare.
        let pathway = Self.probe(probability)
        let text = PathwayFormatter.format(pathway)
        #expect(!text.contains("e-"), "\(text)")
        let back = try #require(PathwayLoader().load(yaml: text, file: "numbers.yaml").validPathway)
        #expect(back.steps[0].branches[0].probability == probability)
    }

    /// Arrival rates as people write them format to text that formats to itself (the semantic
    /// fuzzer found `1.4 per week` written `0.19999999999999998 per day`, then `0.2 per day`).
    @Test(arguments: ["1.4 per week", "0.7 per 2 weeks", "1 per 3 days", "2.5 per hour", "0.001 per day",
                      "123.456 per week", "35 per week", "52 per 365 days", "17 per 5 days"])
    func arrivalRatesFormatToAFixedPoint(_ rate: String) throws {
        let yaml = "carepath: 1\nid: r\ntitle: R\norganisations:\n  gp: { name: GP, type: primary-care }\narrivals: { rate: \(rate) }\nstart: a\nsteps:\n  a: { kind: end, outcome: done }\n"
        let first = try #require(PathwayLoader().load(yaml: yaml, file: "rate.yaml").validPathway)
        let once = PathwayFormatter.format(first)
        let second = try #require(PathwayLoader().load(yaml: once, file: "rate.yaml").validPathway)
        #expect(PathwayFormatter.format(second) == once)
        #expect(second.arrivals == first.arrivals)
    }

    static func probe(_ p: Double) -> Pathway {
        Pathway(id: "numbers", title: "Numbers",
                organisations: [Organisation(id: "clinic", name: "Clinic", type: .acute)],
                start: "choose",
                steps: [
                    Step(id: "choose", kind: .decision, organisation: "clinic",
                         branches: [Branch(to: "see", probability: p), Branch(to: "done", otherwise: true)]),
                    Step(id: "see", kind: .assessment, organisation: "clinic", duration: .fixed(1), next: "done"),
                    Step(id: "done", kind: .end, outcome: "seen"),
                ])
    }
}
