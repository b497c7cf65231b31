import PathwayModel

/// The carepath-local definitions a bundle refers to under its own base: two code systems
/// (step kinds, organisation types) and the extensions R4 lacks an element for. Each is put in
/// the bundle when it is used, so the bundle is closed: every canonical under its base
/// resolves to one of its entries. Their content depends only on carepath, never on a pathway,
/// so bundles of different pathways carry identical copies.
enum FHIRLocalCodeSystem: String, CaseIterable, Comparable {
    case stepKind = "step-kind"
    case organisationType = "organisation-type"

    static func < (a: Self, b: Self) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }

    var name: String { self == .stepKind ? "CarepathStepKind" : "CarepathOrganisationType" }
    var title: String { self == .stepKind ? "carepath step kinds" : "carepath organisation types" }
    var description: String {
        switch self {
        case .stepKind:
            "What a PlanDefinition action stands for: a step of the pathway by its kind, or a decision's branch or a parallel step's path."
        case .organisationType:
            "The kind of organisation a step takes place in, as declared in the pathway file."
        }
    }

    /// The concepts: code, display and definition.
    var concepts: [(code: String, display: String, definition: String)] {
        switch self {
        case .stepKind:
            return StepKind.allCases.map { ($0.rawValue, FHIRWords.kind($0), FHIRWords.kindDefinition($0)) } + [
                ("branch", "Branch", "One way out of a decision, with the condition under which it is taken."),
                ("path", "Path", "One of the paths of a parallel step, all of which are followed."),
            ]
        case .organisationType:
            return OrganisationType.allCases.map { ($0.rawValue, FHIRWords.organisationType($0), "An organisation of type \($0.rawValue).") }
        }
    }

    func display(_ code: String) -> String { concepts.first { $0.code == code }?.display ?? code }
}

/// A carepath-local extension: where it may appear, and its value or parts.
enum FHIRLocalExtension: String, CaseIterable, Comparable {
    case dataItem = "data-item"
    case join
    case repeatAfter = "repeat-after"
    case branch
    case allowedValue = "allowed-value"

    static func < (a: Self, b: Self) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }

    var name: String {
        switch self {
        case .dataItem: "DataItem"
        case .join: "Join"
        case .repeatAfter: "RepeatAfter"
        case .branch: "Branch"
        case .allowedValue: "AllowedValue"
        }
    }

    var context: String {
        switch self {
        case .dataItem: "DataRequirement"
        case .join, .repeatAfter, .branch: "PlanDefinition.action"
        case .allowedValue: "ParameterDefinition"
        }
    }

    var maxOccurs: String { self == .repeatAfter || self == .allowedValue ? "*" : "1" }

    var description: String {
        switch self {
        case .dataItem:
            "The name of the pathway's data item this requirement stands for (R4's DataRequirement has no name element)."
        case .join:
            "How an action with more than one way in waits for them, coded in HL7 v3 ActRelationshipJoin: W (wait) for the join of a parallel step, which starts once every path has arrived; X (exclusive wait) for a merge, which starts when whichever way was taken arrives."
        case .repeatAfter:
            "A loop's way back: this action is done again after the named action. It is kept out of relatedAction so that the relations between actions have no cycle. The parts are those of relatedAction."
        case .branch:
            "What a decision's branch is made of, for readers and checkers: its own rule (text/fhirpath over the plan's inputs), the share of patients the pathway expects it to take, the input holding the clinician's choice and the value that chooses this branch, and whether it is the decision's otherwise branch. The branch's applicability condition combines these with the branches before it."
        case .allowedValue:
            "One of the values an input may take (for a category attribute or a clinician's choice)."
        }
    }

    /// A simple extension's value type, or nil for a complex one.
    var valueType: String? {
        switch self {
        case .dataItem, .allowedValue: "string"
        case .join: "Coding"
        case .repeatAfter, .branch: nil
        }
    }

    /// A complex extension's parts: url, type, minimum occurrences.
    var parts: [(url: String, type: String, min: Int)] {
        switch self {
        case .repeatAfter: [("actionId", "id", 1), ("relationship", "code", 1), ("offsetDuration", "Duration", 0)]
        case .branch:
            [("rule", "Expression", 0), ("probability", "decimal", 0), ("choiceInput", "string", 0),
             ("choice", "string", 0), ("otherwise", "boolean", 0)]
        default: []
        }
    }
}

/// Plain words for step kinds and organisation types.
enum FHIRWords {
    static func kind(_ kind: StepKind) -> String {
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

    static func kindDefinition(_ kind: StepKind) -> String {
        switch kind {
        case .referral: "A referral from one service to another."
        case .assessment: "A clinical assessment or appointment."
        case .test: "A test or investigation, with its result."
        case .decision: "A decision sending each patient down exactly one of its branches."
        case .treatment: "A treatment or procedure."
        case .meeting: "A multidisciplinary team (MDT) meeting discussing the patient."
        case .wait: "A planned wait before the next step."
        case .parallel: "Paths followed at the same time, meeting again at a join."
        case .subpathway: "Another pathway, followed to its end."
        case .end: "The end of the patient's journey on this pathway."
        }
    }

    static func organisationType(_ type: OrganisationType) -> String {
        switch type {
        case .primaryCare: "Primary care"
        case .acute: "Acute trust"
        case .community: "Community services"
        case .specialist: "Specialist centre"
        case .mentalHealth: "Mental health services"
        case .ambulance: "Ambulance service"
        case .diagnosticCentre: "Diagnostic centre"
        case .socialCare: "Social care"
        case .hospice: "Hospice"
        case .pharmacy: "Pharmacy"
        case .other: "Other"
        }
    }
}

/// Writes the local CodeSystem and extension StructureDefinition resources.
struct FHIRDefinitionWriter {
    let baseURL: String
    let publisher: String

    func url(_ system: FHIRLocalCodeSystem) -> String { "\(baseURL)/CodeSystem/\(system.rawValue)" }
    func url(_ ext: FHIRLocalExtension) -> String { "\(baseURL)/StructureDefinition/\(ext.rawValue)" }

    func codeSystem(_ system: FHIRLocalCodeSystem) -> JSONValue {
        var c = JSONObjectBuilder()
        c.add("resourceType", "CodeSystem")
        c.add("id", system.rawValue)
        c.add("url", url(system))
        c.add("name", system.name)
        c.add("title", system.title)
        c.add("status", "active")
        c.add("experimental", JSONValue.bool(false))
        c.add("publisher", publisher)
        c.add("description", system.description)
        c.add("caseSensitive", JSONValue.bool(true))
        c.add("content", "complete")
        c.add("count", JSONValue.integer(system.concepts.count))
        c.add("concept", .array(system.concepts.map { concept in
            var o = JSONObjectBuilder()
            o.add("code", concept.code)
            o.add("display", concept.display)
            o.add("definition", concept.definition)
            return o.value
        }))
        return c.value
    }

    func structureDefinition(_ ext: FHIRLocalExtension) -> JSONValue {
        var s = JSONObjectBuilder()
        s.add("resourceType", "StructureDefinition")
        s.add("id", ext.rawValue)
        s.add("url", url(ext))
        s.add("name", ext.name)
        s.add("title", "carepath \(ext.rawValue)")
        s.add("status", "active")
        s.add("experimental", JSONValue.bool(false))
        s.add("publisher", publisher)
        s.add("description", ext.description)
        s.add("fhirVersion", "4.0.1")
        s.add("kind", "complex-type")
        s.add("abstract", JSONValue.bool(false))
        var context = JSONObjectBuilder()
        context.add("type", "element")
        context.add("expression", ext.context)
        s.add("context", .array([context.value]))
        s.add("type", "Extension")
        s.add("baseDefinition", "http://hl7.org/fhir/StructureDefinition/Extension")
        s.add("derivation", "constraint")
        var elements: [JSONValue] = []
        elements.append(element("Extension", "Extension", min: 0, max: ext.maxOccurs, short: ext.name, definition: ext.description))
        if let type = ext.valueType {
            elements.append(element("Extension.extension", "Extension.extension", max: "0"))
            elements.append(element("Extension.url", "Extension.url", fixedURI: url(ext)))
            elements.append(element("Extension.value[x]", "Extension.value[x]", min: 1, type: type))
        } else {
            var slicing = JSONObjectBuilder()
            var discriminator = JSONObjectBuilder()
            discriminator.add("type", "value")
            discriminator.add("path", "url")
            slicing.add("discriminator", .array([discriminator.value]))
            slicing.add("rules", "open")
            var e = JSONObjectBuilder()
            e.add("id", "Extension.extension")
            e.add("path", "Extension.extension")
            e.add("slicing", slicing.value)
            elements.append(e.value)
            for part in ext.parts {
                let id = "Extension.extension:\(part.url)"
                elements.append(element(id, "Extension.extension", sliceName: part.url, min: part.min, max: "1", short: part.url))
                elements.append(element("\(id).extension", "Extension.extension.extension", max: "0"))
                elements.append(element("\(id).url", "Extension.extension.url", fixedURI: part.url))
                elements.append(element("\(id).value[x]", "Extension.extension.value[x]", min: 1, type: part.type))
            }
            elements.append(element("Extension.url", "Extension.url", fixedURI: url(ext)))
            elements.append(element("Extension.value[x]", "Extension.value[x]", max: "0"))
        }
        var differential = JSONObjectBuilder()
        differential.add("element", .array(elements))
        s.add("differential", differential.value)
        return s.value
    }

    private func element(_ id: String, _ path: String, sliceName: String? = nil, min: Int? = nil, max: String? = nil,
                         short: String? = nil, definition: String? = nil, fixedURI: String? = nil,
                         type: String? = nil) -> JSONValue {
        var e = JSONObjectBuilder()
        e.add("id", id)
        e.add("path", path)
        e.add("sliceName", sliceName)
        e.add("short", short)
        e.add("definition", definition)
        if let min { e.add("min", JSONValue.integer(min)) }
        e.add("max", max)
        if let type {
            var t = JSONObjectBuilder()
            t.add("code", type)
            e.add("type", .array([t.value]))
        }
        e.add("fixedUri", fixedURI)
        return e.value
    }
}
