import Foundation
import PathwayLanguage
import PathwayModel
import PathwaySimulation
import FormatChecks
import Testing
@testable import PathwayExport
@testable import PathwayReport

/// The HTML report: self-contained, escaped, accessible, and the same bytes for the same input.
@Suite struct ReportTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("ReportGolden")

    static func load(_ path: String) throws -> Pathway {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : Golden.repositoryRoot.appendingPathComponent(path)
        let result = PathwayLoader().load(file: url.path)
        return try #require(result.pathway, "\(path) did not load: \(result.diagnostics.map(\.message))")
    }

    static func simulate(_ pathway: Pathway, patients: Int = 300) throws -> SimulationReport {
        try Simulator(pathway: pathway).run(SimulationOptions(length: .patients(patients), replications: 3, seed: 7))
    }

    /// Fails when the page has a script other than its own sorter, an event-handler attribute,
    /// a tag outside what the report writes, or a non-web link.
    static func expectNoInjectedMarkup(_ html: String) {
        let allowed: Set<String> = [
            "!doctype", "html", "head", "meta", "title", "style", "body", "a", "header", "h1", "h2", "h3", "h4", "p", "nav", "ul", "li",
            "main", "section", "article", "dl", "dt", "dd", "code", "figure", "figcaption", "div", "svg", "g", "path", "polygon",
            "ellipse", "polyline", "text", "rect", "line", "defs", "pattern", "desc", "table", "caption", "thead", "tbody", "tr",
            "th", "td", "span", "br", "footer", "script", "strong", "em",
        ]
        var scripts = 0
        for tag in FormatChecks.tags(html) {
            let name = tag.name.hasPrefix("/") ? String(tag.name.dropFirst()) : tag.name
            #expect(allowed.contains(name), "unexpected tag \(tag.text)")
            if tag.name == "script" { scripts += 1 }
            for attribute in FormatChecks.attributeNames(tag.text) {
                #expect(!attribute.hasPrefix("on"), "event handler attribute in \(tag.text)")
            }
            if tag.name == "a", let href = tag.text.range(of: "href=\"") {
                let value = tag.text[href.upperBound...]
                #expect(value.hasPrefix("http://") || value.hasPrefix("https://") || value.hasPrefix("#"), "link to \(tag.text)")
            }
        }
        #expect(scripts == 1, "the page should have exactly its own script, found \(scripts)")
        #expect(html.contains("<script>\(ReportPage.sortScript)</script>"))
    }

    @Test func hostileTitlesAndIdsAreEscapedAndRunNoScript() throws {
        let fromYAML = try Self.load("Tests/PathwayExportTests/ReportGolden/hostile.yaml")
        let html = HTMLReport(entries: [HTMLReport.Entry(pathway: fromYAML, simulation: try Self.simulate(fromYAML))]).render()
        Self.expectNoInjectedMarkup(html)
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!html.lowercased().contains("<img"))
        #expect(!html.contains("<iframe"))

        // The code-built fixture puts hostile strings in ids, organisation ids and data items too.
        let inCode = HTMLReport(entries: [HTMLReport.Entry(pathway: Fixtures.hostilePathway)]).render()
        Self.expectNoInjectedMarkup(inCode)
        #expect(!inCode.contains("javascript:alert(1)//\""))
    }

    @Test func pageLoadsNothingFromOutsideTheFile() throws {
        let pathway = try Self.load("Pathways/suspected-lung-cancer.yaml")
        let html = HTMLReport(entries: [HTMLReport.Entry(pathway: pathway, simulation: try Self.simulate(pathway))]).render()
        for tag in FormatChecks.tags(html) where tag.name != "a" {
            #expect(!tag.text.contains("src="), "\(tag.text) loads something")
            #expect(!tag.text.contains("href="), "\(tag.text) links something")
        }
        #expect(!html.contains("@import"))
        #expect(!html.contains("url(http"))
        #expect(!html.contains("<link"))
        #expect(html.contains("Content-Security-Policy"))
        #expect(html.contains("default-src 'none'"))
        for id in ["id=\"pathway\"", "id=\"simulation\""] { #expect(html.contains(id)) }
    }

    @Test func contentSecurityPolicyAllowsExactlyTheSortScript() {
        // FIPS 180-2 test vector for "abc".
        #expect(SHA256.base64Digest("abc") == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
        #expect(SHA256.base64Digest("") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        // Multi-block inputs and every padding edge (55/56 bytes: the length spills into a second
        // block; 63/64/65 around a block; 119/120/128 in a third), with digests from Python's hashlib.
        #expect(SHA256.base64Digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "JI1qYdIGOLjlwCaTDD5gOaM85Flk/yFn9uzt1BnbBsE=")
        let vectors: [(Int, String)] = [
            (55, "n0OQ+NMMLdkuyfCVtl4rmumwqSWlJY4kHJ8ekQ9zQxg="), (56, "s1Q5pKxvCUi21vnjxq8PX1kM4g8b3nCQ73lwaG7Gc4o="),
            (63, "fT50oF19sVvOStnsBljqmOPwbu7PFrTG//LaRX3cLzQ="), (64, "/+BU/nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs="),
            (65, "Y1NhxIu56rFBmOduqKt/GkFoXWrWKqkUbTAdTxfrCuA="), (119, "MeulHDE6XAgiat8Y1KNZz9/Y0ugWsT9K+VL36mWE3Ps="),
            (120, "Lz0zVDLHC1gK8Ojhs2dKfAINaDql9zqq7f3FWvkEwhw="), (128, "aDbPE7rEAOkQUHHNavRwhN+srU5eMCyUv+0k4BOvtz4="),
            (100_000, "bRzyLXzAmwhd/CXuGh864CZYBMYHvCB0rSU7zIL9ge4="),
        ]
        for (n, digest) in vectors { #expect(SHA256.base64Digest(String(repeating: "a", count: n)) == digest, "\(n) bytes") }
        #expect(SHA256.base64Digest(String(repeating: "é—🙂", count: 40)) == "uoXZ3MyoDFbSj0pfVd2Bifw+aO2Aq/6ZvdB9iyCf/nI=")
        let html = HTMLReport(entries: [HTMLReport.Entry(pathway: Fixtures.lung)], renderer: nil).render()
        #expect(html.contains("script-src 'sha256-\(SHA256.base64Digest(ReportPage.sortScript))'"))
        #expect(html.contains("style-src 'sha256-\(SHA256.base64Digest(ReportPage.style))'"))
        #expect(html.contains("<style>\(ReportPage.style)</style>"))
        // Style attributes would be refused by the policy, so the page must not rely on any.
        for tag in FormatChecks.tags(html) { #expect(!tag.text.contains(" style=\""), "\(tag.text) has a style attribute") }
    }

    @Test func missingGraphvizIsExplainedInThePageInsteadOfFailing() {
        let html = HTMLReport(entries: [HTMLReport.Entry(pathway: Fixtures.lung)], renderer: SVGRenderer(searchPath: [])).render()
        #expect(html.contains("Graphviz&#39;s &#39;dot&#39; program was not found"))
        #expect(!html.contains("class=\"diagram\""))
        #expect(html.contains("GP urgent suspected cancer referral"))
    }

    @Test func diagramIsInlineSVGWithAnAccessibleLabel() throws {
        try #require(SVGRenderer().dotExecutable != nil, "Graphviz's dot is not installed (.ci/run installs it)")
        let html = HTMLReport(entries: [HTMLReport.Entry(pathway: Fixtures.lung)]).render()
        #expect(html.contains("<div class=\"diagram\" role=\"img\" aria-label=\"Diagram of the pathway"))
        #expect(!html.contains("<?xml"))
        #expect(!html.contains("<!DOCTYPE svg"))
        #expect(!html.contains("<!--"))
        for tag in FormatChecks.tags(html) { #expect(!tag.text.contains(" style=\""), "\(tag.text) has a style attribute") }
    }

    @Test func tablesHaveHeadersWithScopeAndChartsHaveTitles() throws {
        let pathway = try Self.load("Examples/minimal/gp-to-clinic.yaml")
        let html = HTMLReport(entries: [HTMLReport.Entry(pathway: pathway, simulation: try Self.simulate(pathway))], renderer: nil).render()
        for tag in FormatChecks.tags(html) where tag.name == "th" {
            #expect(tag.text.contains("scope=\"col\"") || tag.text.contains("scope=\"row\""), "\(tag.text) has no scope")
        }
        for tag in FormatChecks.tags(html) where tag.name == "svg" {
            #expect(tag.text.contains("role=\"img\"") && tag.text.contains("aria-labelledby="), "\(tag.text) is unlabelled")
        }
        #expect(html.contains("<html lang=\"en-GB\">"))
        #expect(html.contains("@media print"))
        #expect(html.contains("size:A4"))
    }

    @Test func journeyHistogramAccountsForEveryFinishedPatient() throws {
        let pathway = try Self.load("Examples/minimal/gp-to-clinic.yaml")
        let report = try Self.simulate(pathway, patients: 500)
        let points = SimulationSection.journeyPoints(report)
        let finished = report.tallies.reduce(0) { $0 + $1.finished }
        let total = points.reduce(0) { $0 + $1.weight }
        #expect(abs(total - Double(finished)) < 1e-6)
        let median = try #require(report.journeyP50Minutes)
        let below = points.filter { $0.minutes <= median }.reduce(0) { $0 + $1.weight } / total
        #expect(abs(below - 0.5) < 0.05)
    }

    @Test func sameInputGivesTheSamePage() throws {
        let pathway = try Self.load("Examples/minimal/gp-to-clinic.yaml")
        let a = HTMLReport(entries: [HTMLReport.Entry(pathway: pathway, simulation: try Self.simulate(pathway))], renderer: nil).render()
        let b = HTMLReport(entries: [HTMLReport.Entry(pathway: pathway, simulation: try Self.simulate(pathway))], renderer: nil).render()
        #expect(a == b)
    }

    @Test func pathwayViewMatchesGolden() {
        let html = HTMLReport(entries: [HTMLReport.Entry(pathway: Fixtures.lung)], renderer: nil).render()
        let url = Self.goldenDirectory.appendingPathComponent("fixture-lung.html")
        let problem = GoldenFile.mismatch(html, url, regenerate: "CAREPATH_UPDATE_GOLDEN=1 swift test --filter ReportTests regenerates it")
        #expect(problem == nil, "\(problem ?? "")")
    }
}
