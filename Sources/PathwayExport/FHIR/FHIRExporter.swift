import PathwayModel

/// Writes a pathway as a FHIR R4 (4.0.1) JSON `Bundle` of type `collection`: one
/// `PlanDefinition` for the pathway and one `ActivityDefinition` per coded step.
///
/// The plan's actions are listed in journey order. The graph is carried by `relatedAction`
/// (each action starts after the one before it, with the handoff delay or wait as the
/// offset); a decision's branches and a parallel step's paths are nested actions, the
/// branches carrying their `condition`. Ids and canonical URLs come from the pathway's id
/// and version, so the same pathway always gives the same bytes. See `Docs/export.md`.
public struct FHIRExporter: Sendable {
    /// Where canonical URLs start when no `--base-url` is given.
    public static let defaultBaseURL = "https://example.org/fhir"

    /// The base of every canonical URL (`{base}/PlanDefinition/{pathway id}`), without a trailing slash.
    public var baseURL: String

    /// An exporter whose canonical URLs start with `baseURL`.
    public init(baseURL: String = FHIRExporter.defaultBaseURL) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = Escaping.fhirURI(base)
    }

    /// The Bundle as pretty-printed JSON text ending in a newline.
    public func export(_ pathway: Pathway) -> String {
        bundle(pathway).serialized()
    }

    /// The Bundle as a JSON value.
    public func bundle(_ pathway: Pathway) -> JSONValue {
        var builder = FHIRBundleBuilder(facts: PathwayFacts(pathway), baseURL: baseURL)
        return builder.build()
    }
}

/// The FHIR resource type an activity step asks for. R4 binds `ActivityDefinition.kind` to
/// request resource types only, so a treatment is a `ServiceRequest` (for a procedure) rather
/// than a `Procedure`, and an MDT discussion is a `Task` whose output is the MDT outcome.
enum FHIRActivityKind {
    static func of(_ kind: StepKind) -> String? {
        switch kind {
        case .referral, .test, .treatment: "ServiceRequest"
        case .assessment: "Appointment"
        case .meeting: "Task"
        case .decision, .wait, .parallel, .subpathway, .end: nil
        }
    }
}

private struct FHIRBundleBuilder {
    let facts: PathwayFacts
    let baseURL: String
    var pathway: Pathway { facts.pathway }
    var actionIDs = UniqueIDs(separator: "-")
    var resourceIDs = UniqueIDs(separator: "-")
    var activityCanonicals: [String: String] = [:]

    init(facts: PathwayFacts, baseURL: String) {
        self.facts = facts
        self.baseURL = baseURL
    }

    static let ucum = "http://unitsofmeasure.org"

    mutating func build() -> JSONValue {
        let planID = resourceIDs.id(for: "plan", proposed: Identifiers.fhirID([pathway.id, pathway.version]))
        var entries: [JSONValue] = []
        var activities: [JSONValue] = []
        for step in facts.order where step.code != nil && FHIRActivityKind.of(step.kind) != nil {
            let (id, resource) = activityDefinition(step)
            activities.append(entry(type: "ActivityDefinition", id: id, resource: resource))
        }
        entries.append(entry(type: "PlanDefinition", id: planID, resource: planDefinition(id: planID)))
        entries += activities

        var bundle = JSONObjectBuilder()
        bundle.add("resourceType", "Bundle")
        bundle.add("id", Identifiers.fhirID([pathway.id, pathway.version, "bundle"]))
        bundle.add("type", "collection")
        bundle.add("entry", .array(entries))
        return bundle.value
    }

    func entry(type: String, id: String, resource: JSONValue) -> JSONValue {
        var e = JSONObjectBuilder()
        e.add("fullUrl", "\(baseURL)/\(type)/\(id)")
        e.add("resource", resource)
        return e.value
    }

    var planCanonical: String { "\(baseURL)/PlanDefinition/\(Escaping.urlSegment(pathway.id))" }

    // MARK: PlanDefinition

    mutating func planDefinition(id: String) -> JSONValue {
        var p = JSONObjectBuilder()
        p.add("resourceType", "PlanDefinition")
        p.add("id", id)
        p.add("url", planCanonical)
        p.add("version", text(pathway.version))
        p.add("name", Identifiers.computableName(pathway.title.isEmpty ? pathway.id : pathway.title))
        p.add("title", text(pathway.title))
        p.add("type", codeableConcept(system: "http://terminology.hl7.org/CodeSystem/plan-definition-type",
                                      code: "clinical-protocol", display: "Clinical Protocol"))
        p.add("status", pathway.status.rawValue)
        p.add("description", pathway.description.map { Escaping.markdown(Escaping.fhirString($0), keepLineBreaks: true) })
        p.add("relatedArtifact", .array(pathway.sources.map(relatedArtifact)))
        p.add("goal", .array(pathway.targets.map(goal)))
        var actions: [JSONValue] = []
        for step in facts.order { actions.append(action(step)) }
        p.add("action", .array(actions))
        return p.value
    }

    func relatedArtifact(_ source: Source) -> JSONValue {
        var r = JSONObjectBuilder()
        r.add("type", "citation")
        r.add("display", text(source.title))
        let citation = [source.publisher, source.title].compactMap { $0 }.joined(separator: ": ")
        r.add("citation", Escaping.markdown(Escaping.fhirString(citation)))
        r.add("url", source.url.map(Escaping.fhirURI))
        return r.value
    }

    func goalID(_ target: Target) -> String { Identifiers.fhirID(["goal", target.id]) }

    func goal(_ target: Target) -> JSONValue {
        var g = JSONObjectBuilder()
        g.add("id", goalID(target))
        g.add("description", textConcept(target.title ?? target.id))
        g.add("start", textConcept("When the patient reaches \(facts.stepLabel(target.from))"))
        var t = JSONObjectBuilder()
        let stops = target.to.map { facts.stepLabel($0) }.joined(separator: " or ")
        t.add("measure", textConcept("Share of patients who get from \(facts.stepLabel(target.from)) to \(stops) within \(target.within)"))
        var q = JSONObjectBuilder()
        q.add("value", JSONValue.decimal(target.standard * 100))
        q.add("unit", "%")
        q.add("system", Self.ucum)
        q.add("code", "%")
        t.add("detailQuantity", q.value)
        t.add("due", duration(minutes: target.within.minutes))
        g.add("target", .array([t.value]))
        return g.value
    }

    mutating func actionID(_ key: String) -> String {
        actionIDs.id(for: key, proposed: Identifiers.fhirID([key]))
    }

    mutating func action(_ step: Step) -> JSONValue {
        var a = JSONObjectBuilder()
        a.add("id", actionID(step.id))
        a.add("title", text(step.title ?? step.id))
        a.add("description", text(describe(step)))
        a.add("textEquivalent", text(facts.nextWords(step)))
        if let code = step.code { a.add("code", .array([clinicalConcept(code, fallback: step.title)])) }
        let goals = pathway.targets.filter { $0.from == step.id }.map { JSONValue.string(goalID($0)) }
        a.add("goalId", .array(goals))
        a.add("input", .array(step.requires.map(dataRequirement)))
        a.add("output", .array(step.produces.map(dataRequirement)))
        a.add("relatedAction", .array(relatedActions(into: step)))
        if let d = step.duration { a.add("timingDuration", duration(minutes: d.mean)) }
        if [.referral, .assessment, .test, .treatment, .meeting, .subpathway].contains(step.kind) {
            a.add("participant", .array([participant(step)]))
        }
        switch step.kind {
        case .decision:
            a.add("groupingBehavior", "logical-group")
            let covers = step.branches.contains { $0.otherwise }
                || step.branches.allSatisfy { $0.when == nil && $0.probability != nil }
            a.add("selectionBehavior", covers ? "exactly-one" : "at-most-one")
            var branches: [JSONValue] = []
            for (i, branch) in step.branches.enumerated() { branches.append(branchAction(step, i, branch)) }
            a.add("action", .array(branches))
        case .parallel:
            a.add("groupingBehavior", "logical-group")
            a.add("selectionBehavior", "all")
            var paths: [JSONValue] = []
            for (i, path) in step.paths.enumerated() {
                var p = JSONObjectBuilder()
                p.add("id", actionID("\(step.id)-path-\(i + 1)"))
                p.add("title", text("Path \(i + 1): \(facts.stepLabel(path))"))
                p.add("requiredBehavior", "must")
                paths.append(p.value)
            }
            a.add("action", .array(paths))
        case .subpathway:
            if let file = step.pathway {
                if let sub = pathway.subpathways[file] {
                    a.add("definitionCanonical",
                          "\(baseURL)/PlanDefinition/\(Escaping.urlSegment(sub.id))|\(Escaping.fhirString(sub.version))")
                } else {
                    a.add("definitionUri", Escaping.fhirURI(file))
                }
            }
        default:
            if let canonical = activityCanonicals[step.id] { a.add("definitionCanonical", canonical) }
        }
        return a.value
    }

    func describe(_ step: Step) -> String {
        var text = kindWords(step.kind)
        if let org = facts.organisationName(facts.organisationOf[step.id]) { text += " at \(org)" }
        if let role = step.role { text += ", by \(role)" }
        if let resource = step.resource { text += ", using \(pathway.resource(resource)?.name ?? resource)" }
        if let after = step.resultAfter { text += "; result after \(TimeText.words(after))" }
        if let every = step.every { text += "; held every \(every)" }
        if step.kind == .wait, let d = step.duration { text += " of \(TimeText.words(d))" }
        if let d = step.duration, step.kind != .wait { text += "; takes \(TimeText.words(d))" }
        if let outcome = step.outcome { text += ": \(outcome)" }
        if let file = step.pathway { text += ": runs \(file)" }
        return text
    }

    func kindWords(_ kind: StepKind) -> String {
        switch kind {
        case .referral: "Referral"
        case .assessment: "Assessment"
        case .test: "Test"
        case .decision: "Decision"
        case .treatment: "Treatment"
        case .meeting: "Multidisciplinary team meeting"
        case .wait: "Wait"
        case .parallel: "Parallel paths"
        case .subpathway: "Subpathway"
        case .end: "Journey ends"
        }
    }

    mutating func branchAction(_ step: Step, _ i: Int, _ branch: Branch) -> JSONValue {
        var b = JSONObjectBuilder()
        b.add("id", actionID("\(step.id)-branch-\(i + 1)"))
        b.add("title", text(branch.label ?? "To \(facts.stepLabel(branch.to))"))
        b.add("textEquivalent", text("\(facts.ruleWords(branch)) → \(facts.stepLabel(branch.to))"))
        if let expression = conditionExpression(step, branch) {
            var c = JSONObjectBuilder()
            c.add("kind", "applicability")
            c.add("expression", expression)
            b.add("condition", .array([c.value]))
        }
        return b.value
    }

    /// A branch's condition: its own `when`, or for `otherwise` the negation of its siblings'
    /// conditions when they all have one. Probability-only branches are clinical judgement
    /// and carry no machine condition (their share is in `textEquivalent`).
    func conditionExpression(_ step: Step, _ branch: Branch) -> JSONValue? {
        var description: String, cql: String
        if let when = branch.when {
            description = ConditionText.render(when.expression, .words)
            cql = ConditionText.render(when.expression, .cql)
        } else if branch.otherwise {
            let others = step.branches.filter { !$0.otherwise }
            let conditions = others.compactMap(\.when)
            guard !others.isEmpty, conditions.count == others.count else { return nil }
            description = "none of the other branches applies"
            cql = "not (" + conditions.map { "(" + ConditionText.render($0.expression, .cql) + ")" }
                .joined(separator: " or ") + ")"
        } else {
            return nil
        }
        if let p = branch.probability { description += " (then taken with probability \(format3(p)))" }
        var e = JSONObjectBuilder()
        e.add("description", text(description))
        e.add("language", "text/cql")
        e.add("expression", text(cql))
        return e.value
    }

    /// How the action is reached: after each step that leads to it, offset by the handoff
    /// delay when the move changes organisation, or by the wait when it follows a wait step.
    mutating func relatedActions(into step: Step) -> [JSONValue] {
        var result: [JSONValue] = []
        for previous in facts.predecessors[step.id] ?? [] {
            var sources: [String] = []
            switch previous.kind {
            case .decision:
                for (i, branch) in previous.branches.enumerated() where branch.to == step.id {
                    sources.append(actionID("\(previous.id)-branch-\(i + 1)"))
                }
            case .parallel:
                for (i, path) in previous.paths.enumerated() where path == step.id {
                    sources.append(actionID("\(previous.id)-path-\(i + 1)"))
                }
            default:
                sources.append(actionID(previous.id))
            }
            var offset = 0.0
            if facts.crosses(previous.id, step.id), let delay = previous.handoff?.delay { offset += delay.mean }
            let afterWait = previous.kind == .wait
            if afterWait, let d = previous.duration { offset += d.mean }
            for source in sources {
                var r = JSONObjectBuilder()
                r.add("actionId", source)
                r.add("relationship", afterWait ? "after-start" : "after-end")
                if offset > 0 { r.add("offsetDuration", duration(minutes: offset)) }
                result.append(r.value)
            }
        }
        return result
    }

    func participant(_ step: Step) -> JSONValue {
        var p = JSONObjectBuilder()
        p.add("type", "practitioner")
        var role = JSONObjectBuilder()
        if let orgID = facts.organisationOf[step.id], let org = pathway.organisation(orgID) {
            var coding = JSONObjectBuilder()
            coding.add("system", "\(baseURL)/CodeSystem/organisation-type")
            coding.add("code", org.type.rawValue)
            coding.add("display", text(org.name))
            role.add("coding", .array([coding.value]))
        }
        let orgName = facts.organisationName(facts.organisationOf[step.id])
        role.add("text", text([step.role, orgName].compactMap { $0 }.joined(separator: ", ")))
        p.add("role", role.value)
        return p.value
    }

    func dataRequirement(_ item: DataItem) -> JSONValue {
        var d = JSONObjectBuilder()
        var ext = JSONObjectBuilder()
        ext.add("url", "\(baseURL)/StructureDefinition/data-item")
        ext.add("valueString", text(item.name))
        d.add("extension", .array([ext.value]))
        let type = facts.dataType(of: item)
        if let type, FHIRResourceTypes.all.contains(type) {
            d.add("type", type)
        } else {
            d.add("type", "Any")
            if let type, !type.isEmpty, type.unicodeScalars.allSatisfy({ $0.properties.numericType != nil }) {
                // A bare number is a SNOMED CT concept id.
                var filter = JSONObjectBuilder()
                filter.add("path", "code")
                var coding = JSONObjectBuilder()
                coding.add("system", ClinicalCode.snomedSystem)
                coding.add("code", type)
                filter.add("code", .array([coding.value]))
                d.add("codeFilter", .array([filter.value]))
            }
        }
        return d.value
    }

    // MARK: ActivityDefinition

    mutating func activityDefinition(_ step: Step) -> (String, JSONValue) {
        let id = resourceIDs.id(for: "ad:" + step.id, proposed: Identifiers.fhirID([pathway.id, pathway.version, step.id]))
        let urlID = Identifiers.fhirID([pathway.id, step.id])
        let url = "\(baseURL)/ActivityDefinition/\(urlID)"
        activityCanonicals[step.id] = url + "|" + Escaping.fhirString(pathway.version)
        var a = JSONObjectBuilder()
        a.add("resourceType", "ActivityDefinition")
        a.add("id", id)
        a.add("url", url)
        a.add("version", text(pathway.version))
        a.add("name", Identifiers.computableName(step.title ?? step.id))
        a.add("title", text(step.title ?? step.id))
        a.add("status", pathway.status.rawValue)
        a.add("description", Escaping.markdown(Escaping.fhirString(describe(step))))
        a.add("kind", FHIRActivityKind.of(step.kind))
        if let code = step.code { a.add("code", clinicalConcept(code, fallback: step.title)) }
        if let d = step.duration { a.add("timingDuration", duration(minutes: d.mean)) }
        a.add("participant", .array([participant(step)]))
        return (id, a.value)
    }

    // MARK: Data types

    func text(_ value: String) -> String { Escaping.fhirString(value) }

    func textConcept(_ value: String) -> JSONValue {
        var c = JSONObjectBuilder()
        c.add("text", text(value))
        return c.value
    }

    func codeableConcept(system: String, code: String, display: String) -> JSONValue {
        var coding = JSONObjectBuilder()
        coding.add("system", system)
        coding.add("code", code)
        coding.add("display", display)
        var c = JSONObjectBuilder()
        c.add("coding", .array([coding.value]))
        return c.value
    }

    func clinicalConcept(_ code: ClinicalCode, fallback: String?) -> JSONValue {
        var coding = JSONObjectBuilder()
        coding.add("system", Escaping.fhirURI(code.system))
        coding.add("code", Escaping.fhirCode(code.code))
        coding.add("display", code.display.map(text))
        var c = JSONObjectBuilder()
        c.add("coding", .array([coding.value]))
        c.add("text", (code.display ?? fallback).map(text))
        return c.value
    }

    func duration(minutes: Double) -> JSONValue {
        let q = TimeText.ucum(minutes: minutes)
        var d = JSONObjectBuilder()
        d.add("value", JSONValue.decimal(q.value))
        d.add("unit", q.unit)
        d.add("system", Self.ucum)
        d.add("code", q.code)
        return d.value
    }
}

/// FHIR R4 resource type names, for `DataRequirement.type` (any other type becomes `Any`).
enum FHIRResourceTypes {
    static let all: Set<String> = [
        "Account", "ActivityDefinition", "AdverseEvent", "AllergyIntolerance", "Appointment", "AppointmentResponse",
        "AuditEvent", "Basic", "Binary", "BiologicallyDerivedProduct", "BodyStructure", "Bundle", "CarePlan",
        "CareTeam", "ChargeItem", "Claim", "ClaimResponse", "ClinicalImpression", "Communication",
        "CommunicationRequest", "Composition", "Condition", "Consent", "Contract", "Coverage", "DetectedIssue",
        "Device", "DeviceRequest", "DeviceUseStatement", "DiagnosticReport", "DocumentReference", "Encounter",
        "EpisodeOfCare", "FamilyMemberHistory", "Flag", "Goal", "Group", "GuidanceResponse", "HealthcareService",
        "ImagingStudy", "Immunization", "ImmunizationRecommendation", "List", "Location", "Media", "Medication",
        "MedicationAdministration", "MedicationDispense", "MedicationRequest", "MedicationStatement",
        "NutritionOrder", "Observation", "Organization", "Patient", "Practitioner", "PractitionerRole",
        "Procedure", "Questionnaire", "QuestionnaireResponse", "RelatedPerson", "RequestGroup", "RiskAssessment",
        "Schedule", "ServiceRequest", "Slot", "Specimen", "Task",
    ]
}
