import Foundation
import Testing
@testable import PathwayExport
import PathwayModel
import PathwayLanguage

@Test func fhirBundleHasOnePlanAndOneActivityPerCodedStep() throws {
    let pathway = Fixtures.lung
    let json = try JSONSerialization.jsonObject(with: Data(FHIRExporter(baseURL: "https://fhir.example.nhs.uk/").export(pathway).utf8))
    let bundle = try #require(json as? [String: Any])
    #expect(bundle["type"] as? String == "collection")
    let resources = (bundle["entry"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? [String: Any] }
    #expect(resources.filter { $0["resourceType"] as? String == "PlanDefinition" }.count == 1)
    let activities = resources.filter { $0["resourceType"] as? String == "ActivityDefinition" }
    #expect(activities.count == pathway.steps.filter { $0.code != nil }.count)
    #expect(activities.first?["kind"] as? String == "ServiceRequest")
    let plan = try #require(resources.first)
    #expect(plan["url"] as? String == "https://fhir.example.nhs.uk/PlanDefinition/fixture-lung-cancer")
    #expect(plan["id"] as? String == "fixture-lung-cancer-2024.1")
    let actions = plan["action"] as? [[String: Any]] ?? []
    #expect(actions.count == pathway.steps.count)
    let decision = try #require(actions.first { $0["id"] as? String == "ct-result" })
    #expect(decision["selectionBehavior"] as? String == "exactly-one")
    let branches = decision["action"] as? [[String: Any]] ?? []
    #expect(branches.count == 4)
    let firstCondition = (branches.first?["condition"] as? [[String: Any]])?.first?["expression"] as? [String: Any]
    #expect(firstCondition?["expression"] as? String == "age >= 40 and smoker")
    #expect(firstCondition?["language"] as? String == "text/cql")
    // The handoff into the CT scan is an offset of two days on the relation to the referral.
    let ct = try #require(actions.first { $0["id"] as? String == "ct-scan" })
    let related = (ct["relatedAction"] as? [[String: Any]])?.first
    #expect(related?["actionId"] as? String == "referral")
    #expect((related?["offsetDuration"] as? [String: Any])?["value"] as? Int == 2)
}

@Test func conditionsAreRenderedForEachDialectFromTheTree() {
    let e = Expression.logical(.or, .not(.comparison(.greater, .attribute("nt-probnp", offset: 0), .number(2000, unit: "ng/L", offset: 0)), offset: 0),
                               .membership(.attribute("risk", offset: 0), [.text("high", offset: 0), .text("o'neil\"", offset: 0)], negated: true))
    #expect(ConditionText.render(e, .python) == "not (nt_probnp > 2000) or risk not in [\"high\", \"o'neil\\\"\"]")
    #expect(ConditionText.render(e, .cql) == "not (\"nt-probnp\" > 2000 'ng/L') or not (risk in {'high', 'o\\'neil\"'})")
    #expect(ConditionText.render(e, .words) == "not (nt-probnp is more than 2000 ng/L) or risk is not one of high, o'neil\"")
    let nested = Expression.logical(.and, .attribute("a", offset: 0), .logical(.or, .attribute("b", offset: 0), .attribute("c", offset: 0)))
    #expect(ConditionText.render(nested, .python) == "a and (b or c)")
}

@Test func bpmnHasAPoolPerOrganisationAndAMessageFlowPerHandoff() {
    let pathway = Fixtures.lung
    let model = BPMNProcessModel(pathway)
    #expect(model.pools.map(\.name) == ["GP practice", "Acute trust", "Community respiratory team"])
    // Every move between organisations, except into an end step with no organisation of its own
    // (the journey ends wherever the patient is).
    let crossings = pathway.transitions.filter { t in
        t.crossesOrganisations && !(pathway.step(t.to).map { $0.kind == .end && $0.organisation == nil } ?? false)
    }.count
    #expect(model.messageFlows.count == crossings)
    #expect(model.messageFlows.count == 4)
    // Every sequence flow stays inside its pool.
    for flow in model.flows {
        #expect(model.node(flow.source)?.pool == model.node(flow.target)?.pool, "\(flow.id) crosses pools")
    }
    // Every flow node and pool has a shape, every flow has waypoints.
    let layout = BPMNLayout(model)
    #expect(model.nodes.allSatisfy { layout.shapes[$0.id] != nil })
    #expect(model.flows.allSatisfy { (layout.edges[$0.id]?.count ?? 0) >= 2 })
    #expect(model.messageFlows.allSatisfy { (layout.edges[$0.id]?.count ?? 0) >= 2 })
    #expect(layout.pools.count == model.pools.count)
    // No two shapes overlap.
    let boxes = Array(layout.shapes.values)
    for i in boxes.indices { for j in boxes.indices where j > i {
        let a = boxes[i], b = boxes[j]
        #expect(a.right <= b.x || b.right <= a.x || a.bottom <= b.y || b.bottom <= a.y)
    } }
}

@Test func bpmnGatewaysHaveADefaultFlowAndPythonConditions() {
    let xml = BPMNExporter().export(Fixtures.lung)
    #expect(xml.contains("<bpmn:exclusiveGateway id=\"Decision_ct-result\" name=\"CT result\" default="))
    #expect(xml.contains(">age &gt;= 40 and smoker</bpmn:conditionExpression>"))
    #expect(xml.contains(">treatment_choice_outcome == \"surgery\"</bpmn:conditionExpression>"))
    #expect(xml.contains("<bpmn:timeDuration xsi:type=\"bpmn:tFormalExpression\">P42D</bpmn:timeDuration>"))
    #expect(xml.contains("<bpmn:parallelGateway id=\"Join_tests\""))
}

@Test func buildSheetHasOneRowPerStepInJourneyOrder() {
    let rows = BuildSheetExporter.rows(Fixtures.lung)
    #expect(rows.count == Fixtures.lung.steps.count)
    #expect(rows.first?[1] == "referral")
    #expect(rows.last?[1] == "discharge")
    #expect(rows.allSatisfy { $0.count == BuildSheetExporter.columns.count })
    let ct = rows.first { $0[1] == "ct-result" }
    #expect(ct?[12].contains("if age is at least 40 and smoker (probability 0.4) → Respiratory clinic (clinic)") == true)
    let referral = rows.first { $0[1] == "referral" }
    #expect(referral?[11] == "starts 28-day Faster Diagnosis Standard (4 weeks, 75%)")
    #expect(referral?[12] == "→ CT chest and abdomen (ct-scan) (handoff to Acute trust after 2 days via e-RS; sends referral-letter)")
}

@Test func stepOrderPutsEveryStepAfterTheStepsThatLeadToIt() {
    let order = StepOrder.steps(of: Fixtures.lung).map(\.id)
    #expect(Set(order).count == order.count && order.count == Fixtures.lung.steps.count)
    func before(_ a: String, _ b: String) -> Bool { (order.firstIndex(of: a) ?? 0) < (order.firstIndex(of: b) ?? 0) }
    #expect(before("tests", "bloods") && before("bloods", "mdt") && before("spirometry", "mdt") && before("rehab", "discharge"))
}

@Test func stepOrderHandlesAVeryLongChainWithoutRecursion() {
    var steps = (0..<20_000).map { Step(id: "s\($0)", kind: .assessment, organisation: "gp", next: "s\($0 + 1)") }
    steps.append(Step(id: "s20000", kind: .end))
    let pathway = Pathway(id: "long", title: "Long", start: "s0", steps: steps)
    #expect(StepOrder.steps(of: pathway).count == 20_001)
}

@Test func isoDurationsAndUcumQuantities() {
    #expect(TimeText.iso8601(minutes: 2880) == "P2D")
    #expect(TimeText.iso8601(minutes: 20) == "PT20M")
    #expect(TimeText.iso8601(minutes: 2160) == "P1DT12H")
    #expect(TimeText.iso8601(minutes: 0) == "PT0S")
    #expect(TimeText.ucum(minutes: 40320) == (4, "weeks", "wk"))
    #expect(TimeText.ucum(minutes: 90) == (90, "minutes", "min"))
}

@Test func fhirIdsStayWithinTheFhirIdRules() {
    let long = Identifiers.fhirID([String(repeating: "a", count: 80), "1.0"])
    #expect(long.count <= 64)
    #expect(long == Identifiers.fhirID([String(repeating: "a", count: 80), "1.0"]))
    #expect(Identifiers.fhirID(["a b/c", "é"]) == "a-b-c--")
}

@Test func svgRendererReportsMissingGraphvizClearly() {
    let renderer = SVGRenderer(searchPath: ["/nonexistent"])
    #expect(throws: SVGRenderer.Failure.graphvizMissing) { try renderer.render(dot: "digraph {}") }
    #expect(SVGRenderer.Failure.graphvizMissing.description.contains("apt-get install graphviz"))
}

/// A `dot` that never finishes is stopped at the time limit, with a message and no temporary
/// folder left behind (issue 18: `dot` had no time limit).
@Test func aDotThatHangsIsStoppedAtTheTimeLimit() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-fake-dot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let dot = folder.appendingPathComponent("dot")
    try "#!/bin/sh\nexec sleep 60\n".write(to: dot, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dot.path)
    var renderer = SVGRenderer(searchPath: [folder.path])
    renderer.timeLimit = 1
    let before = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("carepath-svg-") })
    let started = Date()
    #expect(throws: SVGRenderer.Failure.graphvizTimedOut(seconds: 1)) { try renderer.render(dot: "digraph {}") }
    #expect(Date().timeIntervalSince(started) < 30)
    let after = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("carepath-svg-") })
    #expect(after.subtracting(before).isEmpty)
}

/// Graphviz is installed by .ci/run before the tests, so a missing `dot` fails here rather than
/// passing unchecked.
@Test func svgRendersThroughGraphviz() throws {
    let renderer = SVGRenderer()
    try #require(renderer.dotExecutable != nil, "Graphviz's dot is not installed (apt-get install graphviz; .ci/run installs it)")
    let svg = try renderer.render(dot: DOTExporter().export(Fixtures.lung))
    #expect(svg.contains("<svg"))
    #expect(svg.contains("Acute trust"))
}

/// Edge segments that pass through a shape other than the edge's own ends.
func edgesCrossingShapes(_ pathway: Pathway) -> [String] {
    let model = BPMNProcessModel(pathway)
    let layout = BPMNLayout(model)
    var ends: [String: (String, String)] = [:]
    for f in model.flows { ends[f.id] = (f.source, f.target) }
    for f in model.messageFlows { ends[f.id] = (f.source, f.target) }
    var bad: [String] = []
    for (id, points) in layout.edges.sorted(by: { $0.key < $1.key }) {
        let (a, b) = ends[id] ?? ("", "")
        for (p, q) in zip(points, points.dropFirst()) {
            for (node, box) in layout.shapes where node != a && node != b {
                let horizontal = p.y == q.y && p.y > box.y && p.y < box.bottom && min(p.x, q.x) < box.right && max(p.x, q.x) > box.x
                let vertical = p.x == q.x && p.x > box.x && p.x < box.right && min(p.y, q.y) < box.bottom && max(p.y, q.y) > box.y
                if horizontal || vertical { bad.append("\(id) crosses \(node)") }
            }
        }
    }
    return bad
}

@Test func bpmnEdgesNeverRunThroughShapes() {
    #expect(edgesCrossingShapes(Fixtures.lung) == [])
    for file in shippedPathwayFiles() {
        let path = Golden.repositoryRoot.appendingPathComponent("Pathways").appendingPathComponent(file).path
        guard let pathway = PathwayLoader().load(file: path).pathway else { continue }
        #expect(edgesCrossingShapes(pathway) == [], "\(file)")
    }
}

/// A long pathway: 3,000 steps across three organisations with a decision every ten steps and
/// a handoff every fifty. (Exports are linear in size: 10,000 steps take about 2.5 s for FHIR
/// and 3.5 s for BPMN in a debug build, 20,000 about twice that.)
func longPathway(_ n: Int) -> Pathway {
    var steps: [Step] = []
    for i in 0..<n {
        let org = ["gp", "acute", "community"][(i / 50) % 3]
        if i % 10 == 5 {
            steps.append(Step(id: "s\(i)", kind: .decision,
                              branches: [Branch(to: "s\(i + 1)", probability: 0.5), Branch(to: "s\(i + 2)", otherwise: true)]))
        } else {
            steps.append(Step(id: "s\(i)", kind: .assessment, organisation: org, duration: .fixed(10), next: "s\(i + 1)",
                              handoff: Handoff(delay: .fixed(60))))
        }
    }
    steps.append(Step(id: "s\(n)", kind: .end))
    steps.append(Step(id: "s\(n + 1)", kind: .end))
    return Pathway(id: "long", title: "Long", organisations: [
        Organisation(id: "gp", name: "GP", type: .primaryCare), Organisation(id: "acute", name: "Acute", type: .acute),
        Organisation(id: "community", name: "Community", type: .community),
    ], start: "s0", steps: steps)
}

@Test func longPathwaysExportInEveryFormat() throws {
    let pathway = longPathway(3_000)
    for (ext, text) in allExports(pathway) { #expect(!text.isEmpty, "\(ext)") }
    let model = BPMNProcessModel(pathway)
    #expect(model.messageFlows.count == 59)
    #expect(edgesCrossingShapes(longPathway(500)) == [])
}

/// C1 control characters (U+0080–U+009F: NEL, CSI and the rest) are dropped like C0 ones in
/// DOT, Mermaid, Markdown and FHIR strings, as Docs/export.md says (issue 18: they survived).
@Test func c1ControlCharactersAreDroppedInEveryTextFormat() {
    let hostile = "a\u{85}b\u{9B}31mc\u{80}d\u{9F}"
    #expect(Escaping.dot(hostile) == "ab31mcd")
    #expect(Escaping.mermaid(hostile) == "ab31mcd")
    #expect(Escaping.markdown(hostile) == "ab31mcd")
    #expect(!Escaping.fhirString(hostile).unicodeScalars.contains { (0x80...0x9F).contains($0.value) })
    // Letters beyond them are kept.
    #expect(Escaping.dot("é ü ß") == "é ü ß")
}
