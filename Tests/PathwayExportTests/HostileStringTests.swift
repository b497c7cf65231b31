import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import FormatChecks
import Testing
@testable import PathwayExport
import PathwayModel

/// What XML 1.0 can carry of a string: control characters become U+FFFD.
func xmlRoundTrip(_ text: String) -> String { String(String.UnicodeScalarView(XMLText.safeScalars(text))) }

@Test func bpmnEscapesEveryHostileString() {
    let pathway = Fixtures.hostilePathway
    let xml = BPMNExporter().export(pathway)
    let parsed = XMLCollector.parse(xml)
    #expect(parsed.error == nil, "BPMN is not well-formed: \(String(describing: parsed.error))")
    #expect(!xml.contains("<script"))
    #expect(!xml.contains("<img"))
    let names = parsed.attributesByName["name", default: []]
    // Titles survive the round trip exactly, line breaks and quotes included.
    for step in pathway.steps { #expect(names.contains(xmlRoundTrip(step.title ?? "")), "lost title \(step.title ?? "")") }
    #expect(names.contains(xmlRoundTrip(pathway.organisations[0].name)))
    // Ids are XML NCNames (except a form's enum values, `camunda:value id`, which are the
    // category values themselves, compared with in conditions).
    let categoryValues = Set(pathway.attributes.flatMap { attribute -> [String] in
        if case .category(let values) = attribute.type { return values.map(\.name) }
        return []
    })
    for id in parsed.attributesByName["id", default: []] where !categoryValues.contains(id) {
        #expect(id.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || "-_.".unicodeScalars.contains($0) }, "bad id \(id)")
        #expect(id.unicodeScalars.first.map { $0.properties.isAlphabetic || $0 == "_" } == true)
    }
    // Condition text carries the hostile category value as a Python string literal.
    let conditions = parsed.texts.filter { $0.contains(" or ") && $0.contains(" not in ") }
    #expect(conditions.count == 1)
}

@Test func fhirEscapesEveryHostileString() throws {
    let pathway = Fixtures.hostilePathway
    let text = FHIRExporter(baseURL: "https://x.example/fhir").export(pathway)
    #expect(!text.contains("<"))
    #expect(!text.contains(">"))
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    let plan = ((object?["entry"] as? [[String: Any]])?.first?["resource"]) as? [String: Any]
    #expect(plan?["title"] as? String == Escaping.fhirString(pathway.title))
    let actions = plan?["action"] as? [[String: Any]] ?? []
    #expect(actions.map { $0["title"] as? String } == StepOrder.steps(of: pathway).map { Escaping.fhirString($0.title ?? "") })
    // Resource ids follow FHIR's id rule.
    for entry in object?["entry"] as? [[String: Any]] ?? [] {
        let id = (entry["resource"] as? [String: Any])?["id"] as? String ?? ""
        #expect(id.count <= 64 && id.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "-" || $0 == "." }, "bad id \(id)")
    }
    // Markdown-typed fields carry no live HTML.
    let description = plan?["description"] as? String ?? ""
    #expect(!description.contains("<"))
}

/// Reads RFC 4180 CSV (CRLF records, quoted fields).
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, i = text.startIndex
    while i < text.endIndex {
        let c = text[i]
        if quoted {
            if c == "\"" {
                let next = text.index(after: i)
                if next < text.endIndex && text[next] == "\"" { field.append("\""); i = next } else { quoted = false }
            } else { field.append(c) }
        } else if c == "\"" { quoted = true }
        else if c == "," { row.append(field); field = "" }
        else if c == "\r\n" { row.append(field); rows.append(row); row = []; field = "" }
        else { field.append(c) }
        i = text.index(after: i)
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}

@Test func csvIsRFC4180AndNeutralisesFormulas() {
    let pathway = Fixtures.hostilePathway
    let text = BuildSheetExporter(format: .csv).export(pathway)
    let rows = parseCSV(text)
    #expect(rows.count == BuildSheetExporter.rows(pathway).count + 1)
    #expect(rows.count > pathway.steps.count + 1)
    #expect(rows.allSatisfy { $0.count == BuildSheetExporter.columns.count })
    for row in rows { for cell in row {
        #expect(!(cell.unicodeScalars.first.map { "=+-@\t\r".unicodeScalars.contains($0) } ?? false), "live formula: \(cell)")
    } }
    // The cells round-trip, formulas with a leading apostrophe.
    let expected = BuildSheetExporter.rows(pathway)
    for (got, want) in zip(rows.dropFirst(), expected) {
        for (g, w) in zip(got, want) {
            let neutral = w.unicodeScalars.first.map { "=+-@\t\r".unicodeScalars.contains($0) } ?? false
            #expect(g == (neutral ? "'" + w : w))
        }
    }
    #expect(rows.contains { $0[1] == "'=cmd|' /C calc'!A0" })
}

@Test func markdownNeutralisesHTMLAndTableBreakers() {
    let text = BuildSheetExporter(format: .markdown).export(Fixtures.hostilePathway)
    #expect(!text.contains("<script"))
    #expect(!text.contains("<img"))
    // The brackets are escaped, so no link can form.
    #expect(!text.contains("[link](javascript") && text.contains("\\[link\\](javascript"))
    let tableRows = text.split(separator: "\n").filter { $0.hasPrefix("| ") }
    // Heading and rule, a row per step and one per decision branch.
    let branches = Fixtures.hostilePathway.steps.filter { $0.kind == .decision }.map(\.branches.count).reduce(0, +)
    #expect(tableRows.count == Fixtures.hostilePathway.steps.count + branches + 2)
    for row in tableRows {
        // Count pipes not preceded by a backslash escape.
        var pipes = 0, escaped = false
        for c in row {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true } else if c == "|" { pipes += 1 }
        }
        #expect(pipes == BuildSheetExporter.columns.count + 1)
    }
    #expect(Escaping.markdown("a|b<br>*c*") == "a\\|b&lt;br&gt;\\*c\\*")
}

@Test func dotQuotesEveryStringSafely() {
    let text = DOTExporter().export(Fixtures.hostilePathway)
    // Walk the DOT text: inside quotes only escaped quotes; no raw line breaks inside strings.
    var inString = false, escaped = false, strings: [String] = [], current = ""
    for c in text {
        if inString {
            if escaped { current.append(c); escaped = false; continue }
            if c == "\\" { escaped = true; current.append(c) } else if c == "\"" { inString = false; strings.append(current) }
            else { #expect(!c.isNewline, "raw line break inside a DOT string"); current.append(c) }
        } else if c == "\"" { inString = true; current = "" }
    }
    #expect(!inString)
    #expect(strings.contains(Escaping.dot(Fixtures.hostilePathway.steps[0].id)))
    #expect(Escaping.dot("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
}

@Test func mermaidLabelsCarryNoRawQuotesOrMarkup() {
    let text = MermaidExporter().export(Fixtures.hostilePathway)
    #expect(!text.contains("<script"))
    #expect(!text.contains("<img"))
    for line in text.split(separator: "\n") {
        // Each line holds at most the label quotes the exporter wrote.
        let quotes = line.filter { $0 == "\"" }.count
        #expect(quotes % 2 == 0, "unbalanced quotes in: \(line)")
    }
}

@Test func svgOfHostilePathwayIsWellFormedAndInert() throws {
    let renderer = SVGRenderer()
    try #require(renderer.dotExecutable != nil, "Graphviz's dot is not installed (.ci/run installs it)")
    let svg = try renderer.render(dot: DOTExporter().export(Fixtures.hostilePathway))
    let parsed = XMLCollector.parse(svg)
    #expect(parsed.error == nil)
    #expect(!parsed.elements.contains("script"))
    #expect(!parsed.elements.contains("img"))
}
