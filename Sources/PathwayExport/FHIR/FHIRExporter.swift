import PathwayModel

/// Writes a pathway as a FHIR R4 (4.0.1) JSON `Bundle` of type `collection` that is closed:
/// every canonical URL under the exporter's base that the bundle uses names one of its entries.
///
/// The bundle holds the pathway's `PlanDefinition` (profiled as CPG's computable plan
/// definition), a `Library` declaring the inputs its conditions read (the patient attributes and
/// each clinician's choice), one `ActivityDefinition` per coded step, the same for every
/// pathway it calls as a subpathway, and the carepath code systems and extension definitions
/// it uses. The plan's actions are listed in journey order. The graph is carried by
/// `relatedAction` (each action starts after the one before it, with the handoff delay or wait
/// as the offset), without cycles: a loop's way back is the `repeat-after` extension. A
/// decision's branches carry `text/fhirpath` conditions that are mutually exclusive, in the
/// order the simulator tries them. Ids and canonical URLs come from the pathway's id and
/// version, so the same pathway always gives the same bytes. See `Docs/export.md`.
public struct FHIRExporter: Sendable {
    /// Where canonical URLs start when no `--base-url` is given.
    public static let defaultBaseURL = "https://example.org/fhir"
    /// The `publisher` written when none is given (the pathway language has no field for it).
    public static let defaultPublisher = "carepath"

    /// The base of every canonical URL (`{base}/PlanDefinition/{pathway id}`), without a trailing slash.
    public var baseURL: String
    /// Who publishes the definitions: every resource's `publisher`, which CPG's shareable
    /// profiles require.
    public var publisher: String

    /// An exporter whose canonical URLs start with `baseURL` and whose resources name `publisher`.
    public init(baseURL: String = FHIRExporter.defaultBaseURL, publisher: String = FHIRExporter.defaultPublisher) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = Escaping.fhirURI(base)
        let cleaned = Escaping.fhirString(publisher).trimmingCharacters(in: .whitespacesAndNewlines)
        self.publisher = cleaned.isEmpty ? FHIRExporter.defaultPublisher : cleaned
    }

    /// The Bundle as pretty-printed JSON text ending in a newline.
    public func export(_ pathway: Pathway) -> String {
        bundle(pathway).serialized()
    }

    /// The Bundle as a JSON value.
    public func bundle(_ pathway: Pathway) -> JSONValue {
        var shared = FHIRSharedState()
        var entries: [JSONValue] = []
        for p in FHIRExporter.pathways(calledFrom: pathway) {
            var builder = FHIRBundleBuilder(facts: PathwayFacts(p), baseURL: baseURL, publisher: publisher, shared: shared)
            entries += builder.build()
            shared = builder.shared
        }
        let definitions = FHIRDefinitionWriter(baseURL: baseURL, publisher: publisher)
        for system in shared.codeSystems.sorted() {
            entries.append(FHIRBundleBuilder.entry(baseURL, type: "CodeSystem", id: system.rawValue,
                                                   resource: definitions.codeSystem(system)))
        }
        for ext in shared.extensions.sorted() {
            entries.append(FHIRBundleBuilder.entry(baseURL, type: "StructureDefinition", id: ext.rawValue,
                                                   resource: definitions.structureDefinition(ext)))
        }
        var bundle = JSONObjectBuilder()
        bundle.add("resourceType", "Bundle")
        bundle.add("id", Identifiers.fhirID([pathway.id, pathway.version, "bundle"]))
        bundle.add("type", "collection")
        bundle.add("entry", .array(entries))
        return bundle.value
    }

    /// The pathway, then every pathway it calls (directly or through another subpathway), each
    /// once, depth first in the order of the files' paths.
    static func pathways(calledFrom main: Pathway) -> [Pathway] {
        var result = [main]
        var seen: Set<String> = [main.id + "|" + main.version]
        var stack: [Pathway] = [main]
        while let p = stack.popLast() {
            var found: [Pathway] = []
            for key in p.subpathways.keys.sorted() {
                guard let sub = p.subpathways[key], seen.insert(sub.id + "|" + sub.version).inserted else { continue }
                found.append(sub)
            }
            result += found
            stack += found.reversed()
        }
        return result
    }
}

/// What the pathways of one bundle share: resource ids, and the local definitions used.
struct FHIRSharedState {
    /// A unique id for the resource of `type` known by `key`.
    mutating func id(_ type: String, for key: String, proposed: String) -> String {
        resourceIDs[type, default: UniqueIDs(separator: "-")].id(for: key, proposed: proposed)
    }

    /// Resource ids by resource type (ids need only be unique within a type).
    var resourceIDs: [String: UniqueIDs] = [:]
    var codeSystems: Set<FHIRLocalCodeSystem> = []
    var extensions: Set<FHIRLocalExtension> = []
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

/// Builds the resources of one pathway: its PlanDefinition, its inputs' Library and its
/// ActivityDefinitions, noting which shared definitions they use.
struct FHIRBundleBuilder {
    let facts: PathwayFacts
    let baseURL: String
    let publisher: String
    var shared: FHIRSharedState
    var pathway: Pathway { facts.pathway }
    var actionIDs = UniqueIDs(separator: "-")
    var activityCanonicals: [String: String] = [:]
    /// Transitions that close a loop (`from` → `to`), found by a depth-first walk; they are
    /// carried by `repeat-after` instead of `relatedAction`, so the relations have no cycle.
    let backEdges: Set<FHIREdge>
    /// The steps that are the join of a parallel step.
    let joins: Set<String>

    init(facts: PathwayFacts, baseURL: String, publisher: String, shared: FHIRSharedState) {
        self.facts = facts
        self.baseURL = baseURL
        self.publisher = publisher
        self.shared = shared
        self.backEdges = FHIRBundleBuilder.backEdges(facts.pathway)
        self.joins = Set(facts.pathway.steps.compactMap { $0.kind == .parallel ? $0.join : nil })
    }

    static let ucum = "http://unitsofmeasure.org"
    static let computableProfile = "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-computableplandefinition"
    static let v3Join = "http://terminology.hl7.org/CodeSystem/v3-ActRelationshipJoin"

    /// The resources' bundle entries: the PlanDefinition, the Library (when the plan has
    /// inputs), then the ActivityDefinitions.
    mutating func build() -> [JSONValue] {
        let planID = shared.id("PlanDefinition", for: pathway.id + "|" + pathway.version,
                                           proposed: Identifiers.fhirID([pathway.id, pathway.version]))
        var activities: [JSONValue] = []
        for step in facts.order where step.code != nil && FHIRActivityKind.of(step.kind) != nil {
            let (id, resource) = activityDefinition(step)
            activities.append(Self.entry(baseURL, type: "ActivityDefinition", id: id, resource: resource))
        }
        let hasInputs = !pathway.attributes.isEmpty
            || facts.order.contains { $0.kind == .decision && $0.branches.contains { $0.when != nil || $0.probability != nil } }
        var entries = [Self.entry(baseURL, type: "PlanDefinition", id: planID,
                                  resource: planDefinition(id: planID, hasLibrary: hasInputs))]
        if hasInputs {
            let libraryID = shared.id("Library", for: pathway.id + "|" + pathway.version,
                                      proposed: Identifiers.fhirID([pathway.id, pathway.version]))
            entries.append(Self.entry(baseURL, type: "Library", id: libraryID, resource: library(id: libraryID, inputs: inputs())))
        }
        return entries + activities
    }

    static func entry(_ baseURL: String, type: String, id: String, resource: JSONValue) -> JSONValue {
        var e = JSONObjectBuilder()
        e.add("fullUrl", "\(baseURL)/\(type)/\(id)")
        e.add("resource", resource)
        return e.value
    }

    var planCanonical: String { "\(baseURL)/PlanDefinition/\(Escaping.urlSegment(pathway.id))" }
    var libraryCanonical: String { "\(baseURL)/Library/\(Escaping.urlSegment(pathway.id))" }

    mutating func url(_ ext: FHIRLocalExtension) -> String {
        shared.extensions.insert(ext)
        return "\(baseURL)/StructureDefinition/\(ext.rawValue)"
    }

    mutating func system(_ system: FHIRLocalCodeSystem) -> String {
        shared.codeSystems.insert(system)
        return "\(baseURL)/CodeSystem/\(system.rawValue)"
    }

    // MARK: PlanDefinition

    mutating func planDefinition(id: String, hasLibrary: Bool) -> JSONValue {
        var p = JSONObjectBuilder()
        p.add("resourceType", "PlanDefinition")
        p.add("id", id)
        var meta = JSONObjectBuilder()
        meta.add("profile", .array([.string(Self.computableProfile)]))
        p.add("meta", meta.value)
        p.add("extension", .array([
            extensionValue("http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-knowledgeCapability", "valueCode", .string("computable")),
            extensionValue("http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-knowledgeRepresentationLevel", "valueCode", .string("structured")),
        ]))
        p.add("url", planCanonical)
        p.add("version", text(pathway.version))
        p.add("name", Identifiers.computableName(pathway.title.isEmpty ? pathway.id : pathway.title))
        p.add("title", text(pathway.title))
        p.add("type", codeableConcept(system: "http://terminology.hl7.org/CodeSystem/plan-definition-type",
                                      code: "clinical-protocol", display: "Clinical Protocol"))
        p.add("status", pathway.status.rawValue)
        p.add("experimental", JSONValue.bool(false))
        p.add("publisher", publisher)
        let description = pathway.description.map { Escaping.markdown(Escaping.fhirString($0), keepLineBreaks: true) } ?? ""
        p.add("description", description.isEmpty ? Escaping.markdown(text(pathway.title.isEmpty ? pathway.id : pathway.title)) : description)
        p.add("relatedArtifact", .array(pathway.sources.map(relatedArtifact)))
        if hasLibrary { p.add("library", .array([.string(libraryCanonical + "|" + text(pathway.version))])) }
        p.add("goal", .array(pathway.targets.map(goal)))
        var actions: [JSONValue] = []
        for step in facts.order { actions.append(action(step)) }
        p.add("action", .array(actions))
        return p.value
    }

    func extensionValue(_ url: String, _ key: String, _ value: JSONValue) -> JSONValue {
        var e = JSONObjectBuilder()
        e.add("url", url)
        e.add(key, value)
        return e.value
    }

    func relatedArtifact(_ source: Source) -> JSONValue {
        var r = JSONObjectBuilder()
        r.add("type", "citation")
        r.add("display", text(source.title))
        let citation = [source.publisher, source.title].compactMap { $0 }.joined(separator: ": ")
        r.add("citation", Escaping.markdown(Escaping.fhirString(citation)))
        r.add("url", source.url.flatMap(FHIRBundleBuilder.webURL))
        return r.value
    }

    /// A source's URL as a FHIR `url`: only an http(s) address, with every character outside
    /// RFC 3986's unreserved and reserved sets percent-encoded (as UTF-8); nil for anything else.
    static func webURL(_ text: String) -> String? {
        let lower = text.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return nil }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%".unicodeScalars)
        var out = ""
        for scalar in text.unicodeScalars {
            if allowed.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                for byte in String(scalar).utf8 { out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) }
            }
        }
        return out
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

    mutating func kindCode(_ code: String) -> JSONValue {
        let system = FHIRLocalCodeSystem.stepKind
        return codeableConcept(system: self.system(system), code: code, display: system.display(code))
    }

    mutating func action(_ step: Step) -> JSONValue {
        var a = JSONObjectBuilder()
        a.add("id", actionID(step.id))
        let incoming = relatedActions(into: step)
        var extensions: [JSONValue] = []
        if joins.contains(step.id) || incoming.forward.count + incoming.back.count > 1 {
            var coding = JSONObjectBuilder()
            coding.add("system", Self.v3Join)
            coding.add("code", joins.contains(step.id) ? "W" : "X")
            coding.add("display", joins.contains(step.id) ? "wait" : "exclusive wait")
            extensions.append(extensionValue(url(.join), "valueCoding", coding.value))
        }
        extensions += incoming.back
        a.add("extension", .array(extensions))
        a.add("title", text(step.title ?? step.id))
        a.add("description", text(describe(step)))
        a.add("textEquivalent", text(facts.nextWords(step)))
        var codes = [kindCode(step.kind.rawValue)]
        if let code = step.code { codes.append(clinicalConcept(code, fallback: step.title)) }
        a.add("code", .array(codes))
        let goals = pathway.targets.filter { $0.from == step.id }.map { JSONValue.string(goalID($0)) }
        a.add("goalId", .array(goals))
        var inputs: [JSONValue] = []
        for item in step.requires { inputs.append(dataRequirement(item)) }
        a.add("input", .array(inputs))
        var outputs: [JSONValue] = []
        for item in step.produces { outputs.append(dataRequirement(item)) }
        a.add("output", .array(outputs))
        a.add("relatedAction", .array(incoming.forward))
        if let d = step.duration { a.add("timingDuration", duration(minutes: d.mean)) }
        if [.referral, .assessment, .test, .treatment, .meeting, .subpathway].contains(step.kind) {
            a.add("participant", .array([participant(step)]))
        }
        switch step.kind {
        case .decision:
            a.add("groupingBehavior", "logical-group")
            // Branches are tried in order and the last one catches whoever is left, so exactly
            // one applies; each branch's condition says so.
            a.add("selectionBehavior", "exactly-one")
            let conditions = decision(step)
            var branches: [JSONValue] = []
            for (i, branch) in step.branches.enumerated() { branches.append(branchAction(step, i, branch, conditions)) }
            a.add("action", .array(branches))
        case .parallel:
            a.add("groupingBehavior", "logical-group")
            a.add("selectionBehavior", "all")
            var paths: [JSONValue] = []
            for (i, path) in step.paths.enumerated() {
                var p = JSONObjectBuilder()
                p.add("id", actionID("\(step.id)-path-\(i + 1)"))
                p.add("title", text("Path \(i + 1): \(facts.stepLabel(path))"))
                var words = "Path \(i + 1) of \(step.paths.count), followed at the same time as the others: starts with \(facts.stepLabel(path))"
                if let join = step.join { words += "; all paths meet at \(facts.stepLabel(join))" }
                p.add("description", text(words))
                p.add("code", .array([kindCode("path")]))
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
        var text = FHIRWords.kind(step.kind)
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

    /// A decision's conditions, with its branch actions' ids.
    mutating func decision(_ step: Step) -> FHIRDecision {
        var ids: [String] = []
        for i in step.branches.indices { ids.append(actionID("\(step.id)-branch-\(i + 1)")) }
        return FHIRDecision(step, facts, branchIDs: ids)
    }

    mutating func branchAction(_ step: Step, _ i: Int, _ branch: Branch, _ decision: FHIRDecision) -> JSONValue {
        var b = JSONObjectBuilder()
        let id = actionID("\(step.id)-branch-\(i + 1)")
        b.add("id", id)
        var parts: [JSONValue] = []
        if let when = branch.when {
            parts.append(extensionValue("rule", "valueExpression",
                                        expression(ConditionText.render(when.expression, .words),
                                                   ConditionText.render(when.expression, .fhirpath))))
        }
        if let p = branch.probability {
            parts.append(extensionValue("probability", "valueDecimal", .number(ConditionText.fhirpathNumber(p))))
            parts.append(extensionValue("choiceInput", "valueString", .string(decision.choiceInput)))
            parts.append(extensionValue("choice", "valueString", .string(id)))
        }
        if branch.otherwise { parts.append(extensionValue("otherwise", "valueBoolean", .bool(true))) }
        var ext = JSONObjectBuilder()
        ext.add("url", url(.branch))
        ext.add("extension", .array(parts))
        b.add("extension", .array([ext.value]))
        b.add("title", text(branch.label ?? "To \(facts.stepLabel(branch.to))"))
        b.add("description", text("Taken when " + decision.words[i]))
        b.add("textEquivalent", text("\(facts.ruleWords(branch)) → \(facts.stepLabel(branch.to))"))
        b.add("code", .array([kindCode("branch")]))
        var c = JSONObjectBuilder()
        c.add("kind", "applicability")
        c.add("expression", expression(decision.words[i], decision.conditions[i]))
        b.add("condition", .array([c.value]))
        return b.value
    }

    func expression(_ words: String, _ fhirpath: String) -> JSONValue {
        var e = JSONObjectBuilder()
        e.add("description", text(words))
        e.add("language", "text/fhirpath")
        e.add("expression", text(fhirpath))
        return e.value
    }

    /// How the action is reached: after each step that leads to it, offset by the handoff
    /// delay when the move changes organisation, or by the wait when it follows a wait step.
    /// Relations along a loop's way back come separately, as `repeat-after` extensions.
    mutating func relatedActions(into step: Step) -> (forward: [JSONValue], back: [JSONValue]) {
        var forward: [JSONValue] = [], back: [JSONValue] = []
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
            let isBack = backEdges.contains(FHIREdge(from: previous.id, to: step.id))
            for source in sources {
                if isBack {
                    var parts = [extensionValue("actionId", "valueId", .string(source)),
                                 extensionValue("relationship", "valueCode", .string(afterWait ? "after-start" : "after-end"))]
                    if offset > 0 { parts.append(extensionValue("offsetDuration", "valueDuration", duration(minutes: offset))) }
                    var e = JSONObjectBuilder()
                    e.add("url", url(.repeatAfter))
                    e.add("extension", .array(parts))
                    back.append(e.value)
                } else {
                    var r = JSONObjectBuilder()
                    r.add("actionId", source)
                    r.add("relationship", afterWait ? "after-start" : "after-end")
                    if offset > 0 { r.add("offsetDuration", duration(minutes: offset)) }
                    forward.append(r.value)
                }
            }
        }
        return (forward, back)
    }

    /// The transitions that close a loop: those into a step still being walked in a depth-first
    /// walk from `start` (then from each step not yet reached, in file order), following
    /// branches and paths in order as journey order does.
    static func backEdges(_ pathway: Pathway) -> Set<FHIREdge> {
        let index = pathway.stepIndex
        var state: [String: Int] = [:]  // 1: on the walk's stack, 2: done
        var result: Set<FHIREdge> = []
        var stack: [(id: String, children: [String], next: Int)] = []
        func push(_ id: String) {
            guard let i = index[id], state[id] == nil else { return }
            state[id] = 1
            stack.append((id, StepOrder.outgoing(of: pathway.steps[i]), 0))
        }
        for root in [pathway.start] + pathway.steps.map(\.id) {
            push(root)
            while !stack.isEmpty {
                let top = stack.count - 1
                if stack[top].next < stack[top].children.count {
                    let child = stack[top].children[stack[top].next]
                    stack[top].next += 1
                    if state[child] == 1 {
                        result.insert(FHIREdge(from: stack[top].id, to: child))
                    } else {
                        push(child)
                    }
                } else {
                    state[stack[top].id] = 2
                    stack.removeLast()
                }
            }
        }
        return result
    }

    mutating func participant(_ step: Step) -> JSONValue {
        var p = JSONObjectBuilder()
        p.add("type", "practitioner")
        var role = JSONObjectBuilder()
        if let orgID = facts.organisationOf[step.id], let org = pathway.organisation(orgID) {
            var coding = JSONObjectBuilder()
            coding.add("system", system(.organisationType))
            coding.add("code", org.type.rawValue)
            coding.add("display", FHIRWords.organisationType(org.type))
            role.add("coding", .array([coding.value]))
        }
        let orgName = facts.organisationName(facts.organisationOf[step.id])
        role.add("text", text([step.role, orgName].compactMap { $0 }.joined(separator: ", ")))
        p.add("role", role.value)
        return p.value
    }

    mutating func dataRequirement(_ item: DataItem) -> JSONValue {
        var d = JSONObjectBuilder()
        var ext = JSONObjectBuilder()
        ext.add("url", url(.dataItem))
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

    // MARK: Library of inputs

    /// An input the conditions read: a patient attribute or a clinician's choice.
    struct Input {
        var name: String
        var type: String
        var documentation: String
        var allowed: [String]
    }

    /// The plan's inputs: every attribute (declared, or read by a condition without being
    /// declared), then each decision's clinician's choice, in journey order.
    mutating func inputs() -> [Input] {
        var result: [Input] = []
        var seen: Set<String> = []
        for a in pathway.attributes where seen.insert(Escaping.fhirCode(a.id)).inserted {
            var doc = a.description.map { $0 + ". " } ?? ""
            let type: String, allowed: [String]
            switch a.type {
            case .integer: (type, allowed) = ("integer", [])
            case .number: (type, allowed) = ("decimal", [])
            case .boolean: (type, allowed) = ("boolean", [])
            case .category(let values): (type, allowed) = ("string", values.map { text($0.name) })
            }
            doc += "Patient attribute \(a.id) (\(a.type.name)"
            if let unit = a.unit { doc += ", in \(unit)" }
            doc += ")."
            result.append(Input(name: Escaping.fhirCode(a.id), type: type, documentation: doc, allowed: allowed))
        }
        for step in facts.order where step.kind == .decision {
            for branch in step.branches {
                for name in branch.when?.expression.attributeNames ?? [] where seen.insert(Escaping.fhirCode(name)).inserted {
                    result.append(Input(name: Escaping.fhirCode(name), type: "string",
                                        documentation: "Patient attribute \(name), read by a condition but not declared in the pathway file.",
                                        allowed: []))
                }
            }
        }
        for step in facts.order where step.kind == .decision {
            let decision = decision(step)
            guard !decision.choiceValues.isEmpty, seen.insert(decision.choiceInput).inserted else { continue }
            let fallback = step.branches.firstIndex { $0.otherwise } ?? (step.branches.count - 1)
            var meanings: [String] = []
            for (i, branch) in step.branches.enumerated() where branch.probability != nil || i == fallback {
                var meaning = "'\(decision.choiceValues[meanings.count])': "
                if branch.probability != nil {
                    meaning += "\(facts.ruleWords(branch)) → \(facts.stepLabel(branch.to))"
                } else {
                    meaning += "none of these; the rules decide (otherwise → \(facts.stepLabel(branch.to)))"
                }
                meanings.append(meaning)
            }
            result.append(Input(name: decision.choiceInput, type: "string",
                                documentation: "The clinician's choice at \(facts.stepLabel(step.id)), the id of the branch chosen where a branch leaves it to the clinician (a rule still decides where it applies): "
                                    + meanings.joined(separator: "; "),
                                allowed: decision.choiceValues))
        }
        return result
    }

    mutating func library(id: String, inputs: [Input]) -> JSONValue {
        var l = JSONObjectBuilder()
        l.add("resourceType", "Library")
        l.add("id", id)
        l.add("url", libraryCanonical)
        l.add("version", text(pathway.version))
        l.add("name", Identifiers.computableName((pathway.title.isEmpty ? pathway.id : pathway.title) + " Inputs"))
        l.add("title", text("Inputs of " + (pathway.title.isEmpty ? pathway.id : pathway.title)))
        l.add("status", pathway.status.rawValue)
        l.add("experimental", JSONValue.bool(false))
        l.add("type", codeableConcept(system: "http://terminology.hl7.org/CodeSystem/library-type",
                                      code: "module-definition", display: "Module Definition"))
        l.add("publisher", publisher)
        l.add("description", "The inputs the plan's `text/fhirpath` conditions read, each as the environment variable of the same name (`%name`, or `` %`name` `` when the name is not a plain identifier): the patient's attributes and, at decisions where a clinician chooses, the id of the step chosen. Supply them, for example, as a Parameters resource with one parameter per input.")
        var parameters: [JSONValue] = []
        for input in inputs {
            var p = JSONObjectBuilder()
            if !input.allowed.isEmpty {
                let u = url(.allowedValue)
                p.add("extension", .array(input.allowed.map { extensionValue(u, "valueString", .string($0)) }))
            }
            p.add("name", input.name)
            p.add("use", "in")
            p.add("min", JSONValue.integer(1))
            p.add("max", "1")
            p.add("documentation", text(input.documentation))
            p.add("type", input.type)
            parameters.append(p.value)
        }
        l.add("parameter", .array(parameters))
        return l.value
    }

    // MARK: ActivityDefinition

    mutating func activityDefinition(_ step: Step) -> (String, JSONValue) {
        let id = shared.id("ActivityDefinition", for: pathway.id + "|" + pathway.version + "|" + step.id,
                                       proposed: Identifiers.fhirID([pathway.id, pathway.version, step.id]))
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
        a.add("experimental", JSONValue.bool(false))
        a.add("publisher", publisher)
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

/// A transition between two steps.
struct FHIREdge: Hashable {
    var from: String
    var to: String
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
