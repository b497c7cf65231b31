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
    // Conditions are FHIRPath over the plan's inputs; a rule with a probability is the rule and
    // then the clinician's choice, and each later branch applies only if no earlier one does.
    func condition(_ i: Int) -> [String: Any]? {
        (branches[i]["condition"] as? [[String: Any]])?.first?["expression"] as? [String: Any]
    }
    #expect(condition(0)?["expression"] as? String == "%age >= 40 and %smoker and %`decision:ct-result` = 'ct-result-branch-1'")
    #expect(condition(0)?["language"] as? String == "text/fhirpath")
    #expect((condition(1)?["expression"] as? String)?.hasSuffix(" and (%age >= 40 and %smoker and %`decision:ct-result` = 'ct-result-branch-1').not()") == true)
    #expect((plan["meta"] as? [String: Any])?["profile"] as? [String] == ["http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-computableplandefinition"])
    #expect(resources.contains { $0["resourceType"] as? String == "Library" })
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
    #expect(ConditionText.render(e, .words) == "not (nt-probnp is more than 2000 ng/L) or risk is not one of high, o'neil\"")
    let nested = Expression.logical(.and, .attribute("a", offset: 0), .logical(.or, .attribute("b", offset: 0), .attribute("c", offset: 0)))
    #expect(ConditionText.render(nested, .python) == "a and (b or c)")
}

@Test func fhirpathConditionsAreBuiltFromTheTree() {
    let e = Expression.logical(.or, .not(.comparison(.greater, .attribute("nt-probnp", offset: 0), .number(0.00002, unit: "ng/L", offset: 0)), offset: 0),
                               .membership(.attribute("risk", offset: 0), [.text("high", offset: 0), .text("o'neil`\\", offset: 0)], negated: true))
    #expect(ConditionText.render(e, .fhirpath) == "(%`nt-probnp` > 0.00002).not() or (%risk in ('high' | 'o\\'neil`\\\\')).not()")
    let nested = Expression.logical(.and, .attribute("a", offset: 0), .logical(.or, .attribute("b", offset: 0), .not(.attribute("c", offset: 0), offset: 0)))
    #expect(ConditionText.render(nested, .fhirpath) == "%a and (%b or (%c).not())")
    #expect(ConditionText.renderConjunct(.logical(.or, .attribute("a", offset: 0), .boolean(true, offset: 0)), .fhirpath) == "(%a or true)")
    #expect(ConditionText.fhirpathNumber(-1.5e-7) == "-0.00000015")
    #expect(ConditionText.fhirpathNumber(2.5e20) == "250000000000000000000")
}

@Test func bpmnHasAPoolPerOrganisationAndAMessageFlowPerHandoff() {
    let pathway = Fixtures.lung
    let model = BPMNProcessModel(pathway)
    // The patient comes back to the GP, so the journey starts in a "Patient" pool that presents
    // to the GP's one referral start event (a process with a none start event and a message start
    // event would begin the journey again at each return).
    #expect(model.pools.map(\.name) == ["GP practice", "Acute trust", "Community respiratory team", "Patient"])
    // Every move between organisations, except into an end step with no organisation of its own
    // (the journey ends wherever the patient is), and the patient presenting to the GP.
    let crossings = pathway.transitions.filter { t in
        t.crossesOrganisations && !(pathway.step(t.to).map { $0.kind == .end && $0.organisation == nil } ?? false)
    }.count
    #expect(model.messageFlows.count == crossings + 1)
    #expect(model.messageFlows.count == 5)
    // Each organisation's process has exactly one start event (SpiffWorkflow's collaboration
    // loader starts a process once per start event that a message triggers).
    for p in model.pools.indices {
        let starts = model.nodes.filter { node in
            guard node.pool == p else { return false }
            switch node.kind { case .startEvent, .messageStartEvent: return true; default: return false }
        }
        #expect(starts.count == 1, "\(model.pools[p].name) has \(starts.count) start events")
    }
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
    // A rule with a probability: the rule must hold and the clinician chooses (a form field).
    #expect(xml.contains(">(age &gt;= 40 and smoker) and ct_result_outcome == \"clinic\"</bpmn:conditionExpression>"))
    // Later branches say that no earlier one applied, so the conditions are mutually exclusive.
    #expect(xml.contains(">(risk in [\"high\", \"very-high\"]) and not (((age &gt;= 40 and smoker) and ct_result_outcome == \"clinic\"))</bpmn:conditionExpression>"))
    #expect(xml.contains("<camunda:formField id=\"treatment_choice_outcome\" label=\"Treatment choice\" type=\"enum\">"))
    #expect(xml.contains("<camunda:value id=\"surgery\" name=\"Lobectomy\"/>"))
    // Timers are Python string literals: SpiffWorkflow evaluates timer expressions.
    #expect(xml.contains("<bpmn:timeDuration xsi:type=\"bpmn:tFormalExpression\" language=\"python\">\"P42D\"</bpmn:timeDuration>"))
    // Patient attributes are the start event's form.
    #expect(xml.contains("<camunda:formField id=\"age\" label=\"age\" type=\"long\">"))
    #expect(xml.contains("<bpmn:parallelGateway id=\"Join_tests\""))
}

/// The build sheet's column named `name` in `row`.
private func cell(_ row: [String]?, _ name: String) -> String? {
    guard let row, let i = BuildSheetExporter.columns.firstIndex(of: name), i < row.count else { return nil }
    return row[i]
}

@Test func buildSheetHasOneRowPerStepInJourneyOrder() {
    let rows = BuildSheetExporter.rows(Fixtures.lung)
    #expect(rows.allSatisfy { $0.count == BuildSheetExporter.columns.count })
    // The pathway, its source and its clock come once, before the steps.
    #expect(rows.prefix(3).map { cell($0, "Kind") } == ["pathway", "source", "clock"])
    #expect(rows.filter { $0.contains { $0.contains("england.nhs.uk") } }.count == 1)
    let steps = rows.filter { !["pathway", "source", "clock", "branch"].contains(cell($0, "Kind") ?? "") }
    #expect(steps.count == Fixtures.lung.steps.count)
    #expect(cell(steps.first, "Step id") == "referral")
    #expect(cell(steps.last, "Step id") == "discharge")
    // Each decision is followed by its branches, numbered under it.
    let ct = rows.firstIndex { cell($0, "Step id") == "ct-result" } ?? 0
    let o = cell(rows[ct], "Order") ?? ""
    #expect(rows[(ct + 1)...].prefix(4).map { cell($0, "Order") ?? "" } == ["\(o).1", "\(o).2", "\(o).3", "\(o).4"])
    let suspicious = rows[ct + 1]
    #expect(cell(suspicious, "Criteria") == "age is at least 40 and smoker, then clinician decides (simulation share 40 %)")
    #expect(cell(suspicious, "Condition (FHIRPath)") == "%age >= 40 and %smoker")
    #expect(cell(suspicious, "Goes to") == "Respiratory clinic (clinic)")
    #expect(cell(rows[ct + 4], "Criteria") == "none of the above, or the clinician chose none of them")
    let referral = rows.first { cell($0, "Step id") == "referral" }
    #expect(cell(referral, "Clocks") == "starts 28-day Faster Diagnosis Standard (28 days, 75 %) when the patient arrives here, before any wait")
    #expect(cell(referral, "Goes to") == "CT chest and abdomen (ct-scan)")
    #expect(cell(referral, "Handoff") == "to Acute trust via e-RS, arriving after 2 days")
    #expect(cell(referral, "Data sent at handoff") == "referral-letter")
    #expect(cell(referral, "Duration") == "20 minutes")
    let ctScan = rows.first { cell($0, "Step id") == "ct-scan" }
    #expect(cell(ctScan, "Data produced") == "ct-report (DiagnosticReport)")
    #expect(cell(ctScan, "Code") == "77477000")
    #expect(cell(ctScan, "Duration")?.hasPrefix("about 20 minutes, mostly ") == true)
}

/// Issue 13: the hip fracture sheet gives the discharge decision's criteria as rules and
/// clinician's choices, with the probability only as a labelled simulation share, and says who
/// decides without inventing a role.
@Test func hipFractureBuildSheetSpellsOutTheDecisionCriteria() throws {
    let path = Golden.repositoryRoot.appendingPathComponent("Pathways/hip-fracture.yaml").path
    let pathway = try #require(PathwayLoader().load(file: path).validPathway)
    let rows = BuildSheetExporter.rows(pathway)
    let at = try #require(rows.firstIndex { cell($0, "Step id") == "discharge-destination" })
    let order = cell(rows[at], "Order") ?? ""
    #expect(cell(rows[at], "Role")?.hasPrefix("orthogeriatrician, therapists and discharge coordinator (role of the step before") == true)
    #expect(cell(rows[at], "Criteria")?.contains("decided on residence (home or carehome)") == true)
    let branches = rows[(at + 1)...].prefix(3)
    #expect(branches.map { cell($0, "Order") } == ["\(order).1", "\(order).2", "\(order).3"])
    #expect(branches.map { cell($0, "Criteria") } == [
        "residence is carehome",
        "residence is home, then clinician decides (simulation share 60 %)",
        "none of the above, or the clinician chose none of them",
    ])
    #expect(branches.map { cell($0, "Condition (FHIRPath)") } == ["%residence = 'carehome'", "%residence = 'home'", ""])
    // No row reads a probability as a rule.
    #expect(!rows.contains { $0.contains { $0.contains("of patients →") || $0.contains("(probability ") } })
    // A decision no role is given for, after a wait, is not given one.
    let outcome = rows.first { cell($0, "Step id") == "inpatient-outcome" }
    #expect(cell(outcome, "Role") == "clinician (not specified)")
    // Durations read as plain text; clocks say what starts and stops them.
    let ambulance = rows.first { cell($0, "Step id") == "ambulance-assessment" }
    #expect(cell(ambulance, "Duration") == "about 50 minutes, mostly 21–79")
    #expect(cell(ambulance, "Handoff") == "to Acute trust (emergency department, trauma and orthopaedics, orthogeriatrics) via ePR and pre-alert, arriving after about 45 minutes, 15–90")
    #expect(cell(ambulance, "Data sent at handoff") == "patient-report-form (Composition: Ambulance electronic patient report form with pre-alert)")
    let surgery = rows.first { cell($0, "Step id") == "hip-surgery" }
    #expect(cell(surgery, "Clocks")?.contains("stops Surgery within 36 hours of arrival") == true)
    #expect(cell(surgery, "Clocks")?.contains("when the work here starts, after any queue for Trauma theatre") == true)
    let clock = rows.first { cell($0, "Kind") == "clock" && cell($0, "Step id") == "orthogeriatric-within-72-hours" }
    #expect(cell(clock, "Clocks")?.hasSuffix("within 72 hours for 90 % of patients") == true)
    // Sources once, not on every row.
    #expect(rows.filter { $0.contains { $0.contains("nice.org.uk/guidance/cg124") } }.count == 1)
}

@Test func plainDurationsReadAsAboutAndARange() {
    #expect(TimeText.plain(.fixed(20)) == "20 minutes")
    #expect(TimeText.plain(.fixed(2160)) == "36 hours")
    #expect(TimeText.plain(.fixed(1440)) == "1 day")
    #expect(TimeText.plain(.triangular(min: 15, mode: 20, max: 25)) == "about 20 minutes, 15–25")
    #expect(TimeText.plain(.uniform(min: 30, max: 60)) == "about 45 minutes, 30–60")
    #expect(TimeText.plain(.triangular(min: 240, mode: 1440, max: 4320)) == "about 33 hours, 4–72")
    #expect(TimeText.plain(.normal(mean: 60, sd: 20)) == "about 60 minutes, mostly 21–99")
    #expect(TimeText.plain(.lognormal(mean: 12 * 1440, sd: 6 * 1440)) == "about 12 days, mostly 4.3–27")
    #expect(TimeText.plain(.exponential(mean: 2880)) == "about 48 hours on average, mostly under 144")
    #expect(TimeText.brief(.triangular(min: 240, mode: 1440, max: 4320)) == "~33 hours")
    #expect(TimeText.brief(.fixed(20)) == "20 min")
    // The words the FHIR and BPMN exports use are unchanged.
    #expect(TimeText.words(.triangular(min: 15, mode: 30, max: 90)) == "triangular(min: 15 min, mode: 30 min, max: 90 min)")
    #expect(TimeText.short(.triangular(min: 240, mode: 1440, max: 4320)) == "~33.333 hours")
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
    // 59 handoffs, and the patient presenting to the first organisation, which the journey revisits.
    #expect(model.messageFlows.count == 60)
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

/// Issue 13: the DOT diagram starts at the left with the entry organisation, and loops do not
/// pull the layout (the Python referee checks the rendered positions of every shipped pathway).
@Test func dotStartsAtTheLeftWithTheEntryOrganisation() {
    let dot = DOTExporter().export(Fixtures.lung)
    #expect(dot.contains("rankdir=LR, newrank=true"))
    #expect(dot.contains("{ rank=source; \"__start__\"; }"))
    // The GP practice (where the journey starts) is the first cluster.
    #expect(dot.range(of: "subgraph \"cluster_0\" {\n    label=\"GP practice (primary-care)\"") != nil)
    // "Needs more discussion" loops back to an earlier step: it does not set ranks.
    #expect(dot.contains("\"treatment-choice\" -> \"diagnosis-told\" [label=\"needs more discussion\", constraint=false];"))
    #expect(dot.contains("\"referral\" -> \"ct-scan\" [label=\"handoff 2 days via e-RS\", style=\"bold,dashed\", color=\"#c0392b\"];"))
}

/// Issue 13: the Mermaid diagram shows what Docs/export.md says it shows.
@Test func mermaidShowsWhatTheGuideSays() {
    let text = MermaidExporter().export(Fixtures.lung)
    #expect(text.contains("  subgraph org1[\"GP practice (primary-care)\"]\n"))
    #expect(text.contains("[\"GP urgent suspected cancer<br/>referral<br/>GP<br/>20 min\"]"))
    #expect(text.contains("==>|\"handoff 2 days via e-RS\"|"))
    #expect(text.contains("-->|\"suspicious\"|"))
    #expect(text.contains("-.-|\"joins\"|"))
    #expect(text.contains("classDef wait stroke-dasharray:5 5"))
    #expect(text.contains("linkStyle "))
}

/// Issue 13: a rule with a probability keeps both meanings in BPMN. In hip fracture a
/// care-home resident always goes back to the care home (the rule decides); for a patient from
/// home the clinician's form field decides between early supported discharge and GP follow-up,
/// which the default flow reaches (it was unreachable when the rule alone decided).
@Test func bpmnRuleWithProbabilityIsTheRuleThenTheClinician() throws {
    let path = Golden.repositoryRoot.appendingPathComponent("Pathways/hip-fracture.yaml").path
    let pathway = try #require(PathwayLoader().load(file: path).validPathway)
    let model = BPMNProcessModel(pathway)
    let choose = try #require(model.node("Choose_discharge-destination"))
    #expect(choose.kind == .task(element: "userTask"))
    #expect(choose.form.map(\.id) == ["discharge_destination_outcome"])
    #expect(choose.form.first?.values.map(\.id) == ["refer-community-rehab", "discharge-home"])
    let out = model.flows.filter { $0.source == "Decision_discharge-destination" }
    #expect(out.map(\.condition) == [
        "(residence == \"carehome\")",
        "(residence == \"home\") and discharge_destination_outcome == \"refer-community-rehab\" and not ((residence == \"carehome\"))",
        nil,
    ])
    #expect(model.node("Decision_discharge-destination")?.defaultFlow == out.last?.id)
    // The start event's form declares the attributes the conditions read.
    let start = try #require(model.nodes.first { $0.kind == .startEvent })
    #expect(start.form.map(\.id) == ["anticoagulated", "residence"])
    #expect(start.form.last?.values.map(\.id) == ["home", "carehome"])
}

/// A parallel path with a decision on it whose branches both reach the join (one straight, one
/// through more steps) brings one token to the converging gateway: its flows meet at an exclusive
/// merge first. Without it, the join waited for a token per flow and a stock engine (SpiffWorkflow)
/// stopped there.
@Test func aParallelPathThatReachesItsJoinTwoWaysMergesBeforeTheJoin() throws {
    let yaml = """
    carepath: 1
    id: two-ways
    title: Two ways to the join
    organisations:
      acute: { name: Acute trust, type: acute }
    start: split
    steps:
      split: { kind: parallel, organisation: acute, paths: [bloods, offer], join: review }
      bloods: { kind: test, organisation: acute, duration: 5 min, next: review }
      offer: { kind: assessment, organisation: acute, duration: 5 min, next: accepted }
      accepted:
        kind: decision
        branches:
          - { to: rehab, probability: 0.6, label: accepted }
          - { to: review, otherwise: true, label: declined }
      rehab: { kind: treatment, organisation: acute, duration: 1 hour, next: review }
      review: { kind: assessment, organisation: acute, duration: 10 min, next: done }
      done: { kind: end }
    """
    let pathway = try #require(PathwayLoader().load(yaml: yaml, file: "two-ways.yaml").pathway)
    let xml = BPMNExporter().export(pathway)
    // Every flow into the join comes from a different path: two paths, two flows.
    let intoJoin = xml.components(separatedBy: "targetRef=\"Join_split\"").count - 1
    #expect(intoJoin == 2, "\(intoJoin) flows into the join")
    #expect(xml.contains("<bpmn:exclusiveGateway id=\"Merge_Join_split_2\""))
}
