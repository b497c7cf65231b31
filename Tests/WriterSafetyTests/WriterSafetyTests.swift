import Foundation
import PathwayDiff
import PathwayLanguage
import PathwayModel
import PathwaySimulation
import FormatChecks
import Testing
@testable import PathwayExport
@testable import PathwayReport

/// `#expect` on a plain Bool, so a failure prints the message rather than every value in a
/// long output.
func check(_ ok: Bool, _ message: @autoclosure () -> String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    if !ok { Issue.record(Comment(rawValue: String(message().prefix(600))), sourceLocation: sourceLocation) }
}

/// Every string of the hostile corpus, in every place a user can write text, through every writer
/// carepath has; each output is read back with a parser for its format.
@Suite struct WriterSafetyTests {
    static let corpus = Array(HostileCorpus.strings.indices)
    static let graphviz = SVGRenderer().dotExecutable

    static let impactOptions = SimulationOptions(length: .patients(100), replications: 2, seed: 3)

    static func simulate(_ pathway: Pathway) throws -> SimulationReport {
        try Simulator(pathway: pathway).run(SimulationOptions(length: .patients(100), replications: 2, seed: 7))
    }

    // MARK: YAML formatter

    @Test(arguments: corpus)
    func formattedPathwayReadsBackToTheSamePathway(_ index: Int) throws {
        let h = HostileCorpus.strings[index], name = HostileCorpus.name(index)
        let pathway = HostilePathways.textPathway(h)
        let yaml = PathwayFormatter.format(pathway)
        let result = PathwayLoader().load(yaml: yaml, file: "hostile.yaml")
        check(!result.diagnostics.hasErrors, "\(name): \(result.diagnostics.filter { $0.severity == .error }.map(\.message))")
        let back = try #require(result.pathway, "\(name) did not read back")
        check(back.title == Self.yamlCarried(h), "\(name): title read back as \(back.title.debugDescription)")
        // A value that starts with U+FEFF loses it on reading (see `yamlCarried`), so only the
        // other strings must come back whole.
        if Self.yamlCarried(h) == h {
            check(back.strippingLocations() == pathway.strippingLocations(), "\(name) changed on the way through YAML")
            check(PathwayFormatter.format(back) == yaml, "\(name): formatting is not stable")
        }
    }

    /// What YAML reading gives back of a string the formatter wrote: everything, except a
    /// U+FEFF at the very start of a value, which Yams drops (it decodes each scalar with
    /// Foundation's `String(bytes:encoding:)`, which treats it as a byte order mark).
    static func yamlCarried(_ text: String) -> String {
        text.hasPrefix("\u{FEFF}") ? String(text.unicodeScalars.dropFirst()) : text
    }

    // MARK: Diagnostics

    @Test(arguments: corpus)
    func diagnosticsCarryHostileNamesInTextAndJSON(_ index: Int) throws {
        let h = HostileCorpus.strings[index], name = HostileCorpus.name(index)
        var pathway = HostilePathways.textPathway(h)
        pathway.steps[0].next = h  // an unknown step, named in the message
        let result = PathwayLoader().load(yaml: PathwayFormatter.format(pathway), file: "hostile.yaml")
        check(result.diagnostics.hasErrors, "\(name): a step going to an unknown step loaded cleanly")

        let json = DiagnosticFormatter.json(result.diagnostics, files: 1)
        let (strings, problem) = FormatChecks.jsonStrings(json)
        check(problem == nil, "\(name): diagnostics JSON: \(problem ?? "")")
        let messages = result.diagnostics.map(\.message)
        for message in messages { check(strings.contains(message), "\(name): message lost in JSON: \(message.debugDescription)") }
        let named = Self.yamlCarried(h)
        if !named.isEmpty { check(messages.contains { $0.contains(named) }, "\(name): no message names the step: \(messages)") }

        let text = DiagnosticFormatter(sources: result.sources).format(result.diagnostics, files: 1)
        check(text.contains("error[") && text.hasSuffix("in 1 file\n"), "\(name): \(text.prefix(200))")
    }

    // MARK: The report's hostile pathway

    @Test func reportHostilePathwayFileIsGeneratedFromTheCorpus() throws {
        let pathway = HostilePathways.corpusPathway(HostileCorpus.fileStrings)
        let text = HostilePathways.corpusPathwayHeader + PathwayFormatter.format(pathway)
        let url = HostileCorpus.repositoryRoot.appendingPathComponent("Tests/PathwayExportTests/ReportGolden/hostile.yaml")
        let problem = GoldenFile.mismatch(text, url, regenerate: "CAREPATH_UPDATE_GOLDEN=1 swift test --filter WriterSafetyTests rewrites it")
        #expect(problem == nil, "ReportGolden/hostile.yaml is out of date with the corpus: \(problem ?? "")")
        let stored = try String(contentsOf: url, encoding: .utf8)
        let result = PathwayLoader().load(yaml: stored, file: "hostile.yaml")
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.filter { $0.severity == .error }.map(\.message))")
        // Every corpus string is in it (strings starting with U+FEFF lose that character on reading).
        let loaded = try #require(result.pathway)
        let all = try JSONDecoder().decode(JSONStrings.self, from: JSONEncoder().encode(loaded)).strings
        for (i, s) in HostileCorpus.fileStrings.enumerated() where !s.isEmpty {
            check(all.contains { $0.contains(Self.yamlCarried(s)) }, "\(HostileCorpus.name(i)) is not in hostile.yaml")
        }
    }

    // MARK: Text for terminals

    @Test(arguments: corpus)
    func textWritersPassNoControlCharactersToTheTerminal(_ index: Int) throws {
        let h = HostileCorpus.strings[index], name = HostileCorpus.name(index)
        var broken = HostilePathways.textPathway(h)
        broken.steps[0].next = h
        let loaded = PathwayLoader().load(yaml: PathwayFormatter.format(broken), file: "hostile.yaml")
        let standard = HostilePathways.textPathway(h)
        let variant = HostilePathways.variant(of: standard, h)
        let region = RegionComparison(standard: standard, variants: [(name: h, pathway: variant)])
        let impact = try ImpactAnalysis.run(standard: standard, variant: variant, options: Self.impactOptions)
        let texts = [
            ("diagnostics", DiagnosticFormatter(sources: loaded.sources).format(loaded.diagnostics, files: 1)),
            ("simulation table", ReportFormatter.table(try Self.simulate(HostilePathways.idPathway(h)))),
            ("diff", DiffRenderer.text(PathwayDiff(standard: standard, variant: variant), impact: impact)),
            ("region matrix", RegionRenderer.text(region)),
            ("inspect", InspectionReport.render(standard)),
        ]
        for (writer, text) in texts {
            let problems = FormatChecks.terminalProblems(text)
            check(problems.isEmpty, "\(name): \(writer) text: \(Set(problems).sorted())")
        }
        // Printable text is shown as it is.
        if !h.isEmpty, FormatChecks.terminalProblems(h).isEmpty {
            for (writer, text) in texts.dropFirst() { check(text.contains(h), "\(name): \(writer) text does not show it") }
        }
    }

    // MARK: Simulation

    @Test(arguments: corpus)
    func simulationReportIsSafeInEveryFormat(_ index: Int) throws {
        let h = HostileCorpus.strings[index], name = HostileCorpus.name(index)
        for pathway in [HostilePathways.textPathway(h), HostilePathways.idPathway(h)] {
            let report = try Self.simulate(pathway)
            check(!report.outcomes.isEmpty, "\(name): nobody finished")

            let (strings, problem) = FormatChecks.jsonStrings(ReportFormatter.json(report))
            check(problem == nil, "\(name): simulation JSON: \(problem ?? "")")
            for expected in [pathway.title, pathway.id, h] + report.steps.map(\.id) {
                check(strings.contains(expected), "\(name): simulation JSON lost \(expected.debugDescription)")
            }

            let csv = ReportFormatter.csv(report)
            let problems = FormatChecks.csvProblems(csv, numericColumns: [3, 4, 5])
            check(problems.isEmpty, "\(name): simulation CSV: \(problems.prefix(5))")
            let records = FormatChecks.csvRecords(csv).records
            check(records.contains { $0.count > 1 && $0[0] == "outcome" && $0[1] == FormatChecks.neutralised(h) },
                    "\(name): the outcome's name did not come back from the CSV")
            for step in report.steps {
                check(records.contains { $0.count > 1 && $0[0] == "step" && $0[1] == FormatChecks.neutralised(step.id) },
                        "\(name): step \(step.id.debugDescription) did not come back from the CSV")
            }

            let table = ReportFormatter.table(report)
            check(table.contains("Outcome"), "\(name): table has no outcomes")
        }
    }

    @Test(arguments: corpus)
    func eventLogsAreWellFormedInEveryFormat(_ index: Int) throws {
        let h = HostileCorpus.strings[index], name = HostileCorpus.name(index)
        let pathway = HostilePathways.idPathway(h)
        let simulator = try Simulator(pathway: pathway)
        // Fewer patients for the very long string: every event repeats it, and libxml2 (under
        // XMLParser) refuses documents of tens of megabytes.
        let patients = h.unicodeScalars.count > 1_000 ? 2 : 20
        let options = SimulationOptions(length: .patients(patients), replications: 1, seed: 11)
        func log(_ format: EventLogWriter.Format) -> String {
            final class Bytes: @unchecked Sendable { var data: [UInt8] = [] }
            let bytes = Bytes()
            var sink: EventLogWriter? = EventLogWriter(format: format, model: simulator.model) { bytes.data += $0 }
            _ = simulator.run(options, eventSink: &sink)
            sink?.finish()
            return String(decoding: bytes.data, as: UTF8.self)
        }
        let stepIDs = pathway.steps.map(\.id)
        let organisations = pathway.organisations.map(\.id)

        let csv = log(.csv)
        let problems = FormatChecks.csvProblems(csv)
        check(problems.isEmpty, "\(name): event log CSV: \(problems.prefix(5))")
        let all = FormatChecks.csvRecords(csv).records
        let records = all.dropFirst()
        // Seven columns, then one `case:ID` column per patient attribute.
        let columns = 7 + pathway.attributes.count
        check(all.first?.count == columns, "\(name): the CSV header has \(all.first?.count ?? 0) columns, expected \(columns)")
        check(records.count >= 2 * patients, "\(name): only \(records.count) events")
        check(records.allSatisfy { $0.count == columns && stepIDs.map(FormatChecks.neutralised).contains($0[6]) },
                "\(name): a CSV event names no step")
        check(records.contains { $0.count == columns && $0[1] == FormatChecks.neutralised(h) }, "\(name): the activity did not come back from the CSV")
        check(records.contains { $0.count == columns && $0[4] == FormatChecks.neutralised(organisations[1]) }, "\(name): organisation lost in the CSV")

        let xes = FormatChecks.xml(log(.xes))
        check(xes.error == nil, "\(name): XES is not well-formed: \(String(describing: xes.error))")
        for expected in [h, pathway.title, organisations[1], pathway.resources[0].id] + stepIDs {
            check(xes.attributeValues.contains(FormatChecks.xmlCarried(expected)), "\(name): XES lost \(expected.debugDescription)")
        }

        let (strings, problem) = FormatChecks.jsonStrings(log(.ocel))
        check(problem == nil, "\(name): OCEL: \(problem ?? "")")
        for expected in [h, "organisation-" + organisations[1], pathway.resources[0].id] + stepIDs {
            check(strings.contains(expected), "\(name): OCEL lost \(expected.debugDescription)")
        }
    }

    // MARK: Diff and compare

    @Test(arguments: corpus)
    func diffAndRegionOutputsAreSafe(_ index: Int) throws {
        let h = HostileCorpus.strings[index], name = HostileCorpus.name(index)
        let standard = HostilePathways.textPathway(h)
        let variant = HostilePathways.variant(of: standard, h)
        let diff = PathwayDiff(standard: standard, variant: variant)
        check(diff.changes.contains { $0.changeClass == .added }, "\(name): the added step was not found")
        let impact = try ImpactAnalysis.run(standard: standard, variant: variant, options: Self.impactOptions)

        let (strings, problem) = FormatChecks.jsonStrings(try DiffRenderer.json(diff, impact: impact))
        check(problem == nil, "\(name): diff JSON: \(problem ?? "")")
        check(strings.contains(h + " (variant)") && strings.contains(h + " retitled"), "\(name): diff JSON lost the titles")
        check(strings.contains(h), "\(name): diff JSON lost the target's title")
        let markdown = DiffRenderer.markdown(diff, impact: impact)
        let mdProblems = FormatChecks.markdownTableProblems(markdown) + FormatChecks.markdownMarkupProblems(markdown)
        check(mdProblems.isEmpty, "\(name): diff Markdown: \(mdProblems.prefix(5))")
        // The change table and the impact table (a heading and rule each, a row per change, per
        // target, and the journey time).
        check(FormatChecks.markdownLines(markdown).filter { $0.hasPrefix("| ") }.count == diff.changes.count + 1 + impact.targets.count + 2,
                "\(name): the tables have the wrong number of rows")
        check(DiffRenderer.text(diff).contains(DiffRenderer.summaryLine(diff)))

        let region = RegionComparison(standard: standard, variants: [(name: h, pathway: variant), (name: "Trust B", pathway: standard)])
        let (regionStrings, regionProblem) = FormatChecks.jsonStrings(try RegionRenderer.json(region))
        check(regionProblem == nil, "\(name): region JSON: \(regionProblem ?? "")")
        check(regionStrings.contains(h) && regionStrings.contains(h + " retitled"), "\(name): region JSON lost the names")
        let csv = RegionRenderer.csv(region)
        let csvProblems = FormatChecks.csvProblems(csv)
        check(csvProblems.isEmpty, "\(name): region CSV: \(csvProblems.prefix(5))")
        let records = FormatChecks.csvRecords(csv).records
        check(records.first?.count == 5 && records.first?[3] == FormatChecks.neutralised(h), "\(name): trust name lost in the CSV")
        // A header, a row per matrix row, then the conformance and unjustified rows.
        check(records.count == region.rows.count + 3, "\(name): region CSV has \(records.count) records")
        let regionMarkdown = RegionRenderer.markdown(region)
        let regionMD = FormatChecks.markdownTableProblems(regionMarkdown) + FormatChecks.markdownMarkupProblems(regionMarkdown)
        check(regionMD.isEmpty, "\(name): region Markdown: \(regionMD.prefix(5))")
        check(RegionRenderer.text(region).contains("conformance"))
    }

    // MARK: Exporters

    @Test(arguments: corpus)
    func everyExporterWritesWellFormedOutput(_ index: Int) throws {
        let h = HostileCorpus.strings[index], name = HostileCorpus.name(index)
        for pathway in [HostilePathways.textPathway(h), HostilePathways.idPathway(h)] {
            let fhir = FHIRExporter().export(pathway)
            let (strings, problem) = FormatChecks.jsonStrings(fhir)
            check(problem == nil, "\(name): FHIR: \(problem ?? "")")
            check(!fhir.contains("<") && !fhir.contains(">"), "\(name): FHIR JSON holds a raw angle bracket")
            // FHIR strings cannot be empty, so an empty title (after control characters go) is left out.
            check(Escaping.fhirString(h).isEmpty || strings.contains(Escaping.fhirString(h)), "\(name): FHIR lost the title")

            let bpmn = FormatChecks.xml(BPMNExporter().export(pathway))
            check(bpmn.error == nil, "\(name): BPMN is not well-formed: \(String(describing: bpmn.error))")
            check(bpmn.attributeValues.contains(FormatChecks.xmlCarried(h)), "\(name): BPMN lost the step title")
            check(!bpmn.elements.contains("script"))

            let dot = DOTExporter().export(pathway)
            let (dotStrings, dotProblems) = FormatChecks.dotStrings(dot)
            check(dotProblems.isEmpty, "\(name): DOT: \(dotProblems)")
            for step in pathway.steps { check(dotStrings.contains(Escaping.dot(step.id)), "\(name): DOT lost step \(step.id.debugDescription)") }
            check(Self.graphviz != nil, "Graphviz's dot is not installed (.ci/run installs it), so the SVG was not checked")
            if let executable = Self.graphviz {
                let (status, warnings, svgText) = try FormatChecks.graphviz(dot, executable: executable)
                check(status == 0 && warnings.isEmpty, "\(name): dot -Tsvg said (\(status)): \(warnings)")
                let svg = FormatChecks.xml(svgText)
                check(svg.error == nil, "\(name): SVG is not well-formed: \(String(describing: svg.error))")
                check(!svg.elements.contains("script") && !svg.elements.contains("foreignObject"), "\(name): SVG holds live markup")
            }

            let mermaid = MermaidExporter().export(pathway)
            check(!mermaid.contains("<script") && !mermaid.contains("<img"), "\(name): Mermaid holds markup")
            let lines = FormatChecks.markdownLines(mermaid)
            check(lines.count > 3 && lines[0] == "---" && lines[2] == "---", "\(name): Mermaid front matter broke: \(lines.prefix(3))")
            if lines.count > 1 {
                let title = lines[1].dropFirst("title: '".count).dropLast().replacingOccurrences(of: "''", with: "")
                check(lines[1].hasPrefix("title: '") && lines[1].hasSuffix("'") && !title.contains("'"), "\(name): Mermaid title line: \(lines[1])")
            }
            for line in lines.dropFirst(3) {
                check(line.filter { $0 == "\"" }.count % 2 == 0, "\(name): unbalanced quotes in Mermaid line \(line)")
            }

            let csv = BuildSheetExporter(format: .csv).export(pathway)
            let csvProblems = FormatChecks.csvProblems(csv)
            check(csvProblems.isEmpty, "\(name): build sheet CSV: \(csvProblems.prefix(5))")
            let expected = BuildSheetExporter.rows(pathway).map { $0.map(FormatChecks.neutralised) }
            check(Array(FormatChecks.csvRecords(csv).records.dropFirst()) == expected, "\(name): build sheet cells changed")

            let markdown = BuildSheetExporter(format: .markdown).export(pathway)
            let mdProblems = FormatChecks.markdownTableProblems(markdown) + FormatChecks.markdownMarkupProblems(markdown)
            check(mdProblems.isEmpty, "\(name): build sheet Markdown: \(mdProblems.prefix(5))")
        }
    }

    // MARK: HTML report

    @Test(arguments: corpus)
    func htmlReportShowsHostileTextAndRunsNone(_ index: Int) throws {
        let h = HostileCorpus.strings[index], name = HostileCorpus.name(index)
        let standard = HostilePathways.textPathway(h)
        let variant = HostilePathways.variant(of: standard, h)
        let coded = HostilePathways.idPathway(h)
        let html = HTMLReport(
            entries: [HTMLReport.Entry(pathway: standard, simulation: try Self.simulate(standard)),
                      HTMLReport.Entry(pathway: coded, simulation: try Self.simulate(coded))],
            comparison: HTMLReport.Comparison(standard: standard, variants: [.init(name: h, pathway: variant)]),
            // Graphviz's SVG of every string is checked by the exporter test; here one string in
            // eight also goes through it into the page, which keeps the suite quick.
            renderer: Self.graphviz == nil || index % 8 != 0 ? nil : SVGRenderer()).render()
        let problems = FormatChecks.htmlProblems(html)
        check(problems.isEmpty, "\(name): \(problems.prefix(5))")
        check(html.contains("<script>\(ReportPage.sortScript)</script>"))
        let shown = HTMLText.escape(h)
        if !shown.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            check(html.contains(shown), "\(name): the title is not on the page")
        }
    }
}

/// The checks themselves: each must catch a broken sample, or a clean run proves nothing.
@Suite struct FormatCheckTests {
    @Test func csvCheckCatchesBrokenQuotingRaggedRowsAndLiveFormulas() {
        #expect(FormatChecks.csvProblems("a,b\n\"x\"y,z\n").contains { $0.contains("after a closing quote") })
        #expect(FormatChecks.csvProblems("a,b\nx\"y,z\n").contains { $0.contains("quote inside") })
        #expect(FormatChecks.csvProblems("a,b\n\"x,z\n").contains { $0.contains("unclosed") })
        #expect(FormatChecks.csvProblems("a,b\nx,y,z\n").contains { $0.contains("3 cells") })
        #expect(FormatChecks.csvProblems("a,b\n=1+1,y\n").contains { $0.contains("live formula") })
        #expect(FormatChecks.csvProblems("a,b\n\"\tx\",y\n").contains { $0.contains("live formula") })
        // A line break left unquoted splits a record.
        #expect(!FormatChecks.csvProblems("a,b\nx\r\ny,z\n").isEmpty)
        // A quote carrying a combining mark is still a quote to a spreadsheet.
        #expect(!FormatChecks.csvProblems("a,b\n\"\"\u{301}\",z\n").isEmpty)
        #expect(FormatChecks.csvProblems("a,b\r\n\"x,\"\"y\"\"\r\nz\",'=1\r\n").isEmpty)
        #expect(FormatChecks.csvRecords("a,b\r\n\"x,\"\"y\"\"\r\nz\",'=1\r\n").records == [["a", "b"], ["x,\"y\"\r\nz", "'=1"]])
    }

    @Test func jsonCheckCatchesInvalidJSON() {
        #expect(FormatChecks.jsonStrings("{\"a\": \"x\ny\"}").problem != nil)
        #expect(FormatChecks.jsonStrings("{\"a\": \"x\\u0000\\u2028\"}").strings.sorted() == ["a", "x\u{0}\u{2028}"])
    }

    @Test func xmlCheckCatchesControlCharactersAndBrokenMarkup() {
        #expect(FormatChecks.xml("<a b=\"x\u{1}\"/>").error != nil)
        #expect(FormatChecks.xml("<a b=\"x\"y\"/>").error != nil)
        #expect(FormatChecks.xml("<a>x<b></a>").error != nil)
        #expect(FormatChecks.xml("<a b=\"x&#10;y\"/>").attributeValues == ["x\ny"])
        #expect(FormatChecks.xml("<a b=\"x\ny\"/>").attributeValues == ["x y"])  // why the writers use &#10;
        #expect(FormatChecks.xmlCarried("a\u{0}b\u{FFFE}\t") == "a\u{FFFD}b\u{FFFD}\t")
    }

    @Test func markdownChecksCatchBrokenTablesLinksAndHTML() {
        let table = "| a | b |\n|---|---|\n"
        #expect(FormatChecks.markdownTableProblems(table + "| x | y |\n").isEmpty)
        #expect(!FormatChecks.markdownTableProblems(table + "| x | y | z |\n").isEmpty)
        #expect(!FormatChecks.markdownTableProblems(table + "| x \\\\| y | z |\n").isEmpty)  // `\\|` is a backslash then a pipe
        #expect(FormatChecks.markdownTableProblems(table + "| x \\| y | z |\n").isEmpty)
        #expect(!FormatChecks.markdownTableProblems(table + "| x\ny | z |\n").isEmpty)
        #expect(!FormatChecks.markdownTableProblems(table + "| x\ry | z |\n").isEmpty)
        #expect(!FormatChecks.markdownMarkupProblems("[x](javascript:alert(1))").isEmpty)
        #expect(FormatChecks.markdownMarkupProblems("\\[x\\](javascript:alert(1)) [NICE](https://nice.org.uk)").isEmpty)
        #expect(!FormatChecks.markdownMarkupProblems("a <script>alert(1)</script>").isEmpty)
        #expect(FormatChecks.markdownMarkupProblems("a &lt;script&gt; `<b>` x<br>y").isEmpty)
    }

    @Test func htmlCheckCatchesScriptsHandlersAndScriptLinks() {
        let page = "<html><body><p>x</p><script>s</script></body></html>"
        #expect(FormatChecks.htmlProblems(page).isEmpty)
        #expect(!FormatChecks.htmlProblems(page.replacingOccurrences(of: "<p>x", with: "<p><img src=x onerror=alert(1)>")).isEmpty)
        #expect(!FormatChecks.htmlProblems(page.replacingOccurrences(of: "<p>", with: "<p title=\"\" onclick=\"x\">")).isEmpty)
        #expect(!FormatChecks.htmlProblems(page.replacingOccurrences(of: "<p>x", with: "<p><script>alert(1)</script>")).isEmpty)
        #expect(!FormatChecks.htmlProblems(page.replacingOccurrences(of: "<p>x", with: "<a href=\"javascript:x\">x</a>")).isEmpty)
        #expect(FormatChecks.htmlProblems(page.replacingOccurrences(of: "<p>x", with: "<p title=\"&quot;&gt;&lt;img onerror=x\">x")).isEmpty)
    }

    @Test func dotCheckCatchesUnclosedStringsAndRawLineBreaks() throws {
        #expect(FormatChecks.dotStrings("digraph { \"a\\\"b\" -> \"c\" }").strings == ["a\\\"b", "c"])
        #expect(!FormatChecks.dotStrings("digraph { \"a\" -> \"b }").problems.isEmpty)
        #expect(!FormatChecks.dotStrings("digraph { \"a\nb\" }").problems.isEmpty)
        let dot = try #require(WriterSafetyTests.graphviz, "Graphviz's dot is not installed (.ci/run installs it)")
        do {
            let good = try FormatChecks.graphviz("digraph { a -> b }", executable: dot)
            #expect(good.status == 0 && good.stderr.isEmpty && FormatChecks.xml(good.svg).error == nil)
            #expect(try FormatChecks.graphviz("digraph { a -> \"b }", executable: dot).status != 0)
            #expect(!(try FormatChecks.graphviz("digraph { a [shape=nonsense] }", executable: dot).stderr.isEmpty))
        }
    }

    @Test func terminalCheckCatchesEscapeSequencesAndOverrides() {
        #expect(FormatChecks.terminalProblems("plain\ttext\n").isEmpty)
        #expect(!FormatChecks.terminalProblems("\u{1B}[31mred").isEmpty)
        #expect(!FormatChecks.terminalProblems("a\rb").isEmpty)
        #expect(!FormatChecks.terminalProblems("\u{202E}rtl").isEmpty)
        #expect(!FormatChecks.terminalProblems("\u{9B}31m").isEmpty)
    }

    @Test func corpusHoldsTheStringsTheBriefNames() {
        let corpus = Set(HostileCorpus.strings)
        for s in ["\"><img src=x onerror=alert(1)>", "]]>", "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\u{0}", "\u{2028}", "\u{202E}"] {
            #expect(corpus.contains { $0.contains(s) }, "missing \(s.debugDescription)")
        }
        #expect(HostileCorpus.long.count > 20_000)
        #expect(HostileCorpus.fileStrings.count == Set(HostileCorpus.fileStrings).count, "duplicate strings in the corpus")
    }
}
