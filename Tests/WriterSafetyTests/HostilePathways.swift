import Foundation
import PathwayLanguage
import PathwayModel

/// Pathways carrying one hostile string in every place a user can write text.
enum HostilePathways {
    /// The shape every hostile pathway shares: two organisations, a resource, a handoff that
    /// sends data, a decision with a condition and labels, a target, and an end outcome.
    static let template = """
    carepath: 1
    id: writer-safety
    title: Writer safety
    version: "1"
    status: draft
    description: placeholder
    sources:
      - { title: placeholder, url: "https://example.org/guideline", publisher: placeholder }
    organisations:
      gp: { name: placeholder, type: primary-care }
      hospital: { name: placeholder, type: acute }
    resources:
      clinic-room: { name: placeholder, organisation: hospital, capacity: 2 }
    attributes:
      age: { type: integer, distribution: "normal(mean: 60, sd: 12)", min: 18, max: 100, description: placeholder }
      weight: { type: number, distribution: "normal(mean: 80, sd: 10)", unit: placeholder, description: placeholder }
      mood: { type: category, values: { calm: 0.7, anxious: 0.3 }, description: placeholder }
    data:
      clinic-letter: { type: placeholder, description: placeholder }
    arrivals: { rate: 20 per day }
    targets:
      seen-in-two-weeks: { title: placeholder, from: referral, to: clinic, within: 14 days, standard: 93% }
    start: referral
    steps:
      referral:
        kind: referral
        title: placeholder
        description: placeholder
        organisation: gp
        role: placeholder
        duration: 15 min
        produces: [placeholder]
        next: clinic
        handoff: { delay: 1 day, sends: [placeholder], via: placeholder }
      clinic:
        kind: assessment
        title: placeholder
        organisation: hospital
        role: placeholder
        resource: clinic-room
        code: { system: "https://example.org/codes", code: placeholder, display: placeholder }
        duration: 20 min
        requires: [placeholder]
        produces: [clinic-letter]
        next: choice
      choice:
        kind: decision
        title: placeholder
        branches:
          - { to: treat, when: "age >= 40", probability: 0.5, label: placeholder }
          - { to: done, otherwise: true, label: placeholder }
      treat:
        kind: treatment
        title: placeholder
        organisation: hospital
        duration: 30 min
        next: done
      done: { kind: end, title: placeholder, outcome: placeholder }

    """

    /// The template, loaded once.
    static let base: Pathway = {
        let result = PathwayLoader().load(yaml: template, file: "writer-safety.yaml")
        guard let pathway = result.validPathway else {
            fatalError("the writer-safety template does not load: \(result.diagnostics.map(\.message))")
        }
        return pathway
    }()

    /// The template with `h` in every free-text place the language allows (ids stay ids).
    static func textPathway(_ h: String) -> Pathway {
        var p = base
        p.title = h
        p.version = h
        p.description = h
        p.sources[0].title = h
        p.sources[0].url = "https://example.org/?q=" + h
        p.sources[0].publisher = h
        for i in p.organisations.indices { p.organisations[i].name = h }
        p.resources[0].name = h
        for i in p.attributes.indices { p.attributes[i].description = h }
        p.attributes[1].unit = h
        p.dataItems[0].type = h
        p.dataItems[0].description = h
        p.targets[0].title = h
        for i in p.steps.indices {
            p.steps[i].title = h
            switch p.steps[i].id {
            case "referral":
                p.steps[i].description = h
                p.steps[i].role = h
                p.steps[i].produces[0].name = h
                p.steps[i].handoff?.sends = [h]
                p.steps[i].handoff?.via = h
            case "clinic":
                p.steps[i].role = h
                p.steps[i].requires[0].name = h
                p.steps[i].code?.system = h
                p.steps[i].code?.code = h
                p.steps[i].code?.display = h
            case "choice":
                for b in p.steps[i].branches.indices { p.steps[i].branches[b].label = h }
            case "done":
                p.steps[i].outcome = h
            default:
                break
            }
        }
        return p
    }

    /// `textPathway(h)` with every id (steps, organisations, resources, targets, category
    /// values) also starting with `h`: what a pathway built in code, not read from YAML, can hold.
    static func idPathway(_ h: String) -> Pathway {
        var p = textPathway(h)
        func id(_ old: String) -> String { h + " " + old }
        p.id = id(p.id)
        p.start = id(p.start)
        for i in p.organisations.indices { p.organisations[i].id = id(p.organisations[i].id) }
        for i in p.resources.indices {
            p.resources[i].id = id(p.resources[i].id)
            p.resources[i].organisation = id(p.resources[i].organisation)
        }
        if case .category(let values) = p.attributes[2].type {
            p.attributes[2].type = .category(values.map { CategoryValue(name: id($0.name), probability: $0.probability) })
        }
        for i in p.targets.indices {
            p.targets[i].id = id(p.targets[i].id)
            p.targets[i].from = id(p.targets[i].from)
            p.targets[i].to = p.targets[i].to.map(id)
        }
        for i in p.steps.indices {
            p.steps[i].id = id(p.steps[i].id)
            p.steps[i].organisation = p.steps[i].organisation.map(id)
            p.steps[i].resource = p.steps[i].resource.map(id)
            p.steps[i].next = p.steps[i].next.map(id)
            p.steps[i].paths = p.steps[i].paths.map(id)
            p.steps[i].join = p.steps[i].join.map(id)
            for b in p.steps[i].branches.indices { p.steps[i].branches[b].to = id(p.steps[i].branches[b].to) }
        }
        return p
    }

    /// A variant of `standard` for diffs: the clinic retitled, and a hostile-titled step added
    /// before the end.
    static func variant(of standard: Pathway, _ h: String) -> Pathway {
        var v = standard
        v.title = h + " (variant)"
        guard let clinic = v.steps.firstIndex(where: { $0.id.hasSuffix("clinic") }),
              let treat = v.steps.firstIndex(where: { $0.id.hasSuffix("treat") }),
              let done = v.steps.first(where: { $0.kind == .end }) else { return v }
        v.steps[clinic].title = h + " retitled"
        let extraID = standard.id == "writer-safety" ? "follow-up" : h + " follow-up"
        var extra = Step(id: extraID, kind: .assessment, title: h + " added", organisation: v.steps[treat].organisation,
                         role: h, duration: .fixed(10), next: done.id)
        extra.description = h
        v.steps[treat].next = extraID
        v.steps.insert(extra, at: treat + 1)
        return v
    }
}

extension HostilePathways {
    /// One pathway holding every string of the corpus file, each in its own place (the template's
    /// free-text places first, then the titles, descriptions and roles of extra steps): the file
    /// `Tests/PathwayExportTests/ReportGolden/hostile.yaml` is this pathway, formatted.
    static func corpusPathway(_ strings: [String]) -> Pathway {
        var queue = strings[...]
        func take() -> String { queue.popFirst() ?? strings[0] }
        var p = base
        p.id = "hostile-report"
        p.title = take()
        p.version = take()
        p.description = take()
        p.sources[0].title = take()
        p.sources[0].url = "https://example.org/?q=" + take()
        p.sources[0].publisher = take()
        for i in p.organisations.indices { p.organisations[i].name = take() }
        p.resources[0].name = take()
        for i in p.attributes.indices { p.attributes[i].description = take() }
        p.attributes[1].unit = take()
        p.dataItems[0].type = take()
        p.dataItems[0].description = take()
        p.targets[0].title = take()
        let carried = take()  // the data item that the referral produces and sends, and the clinic requires
        for i in p.steps.indices {
            p.steps[i].title = take()
            switch p.steps[i].id {
            case "referral":
                p.steps[i].description = take()
                p.steps[i].role = take()
                p.steps[i].produces[0].name = carried
                p.steps[i].handoff?.sends = [carried]
                p.steps[i].handoff?.via = take()
            case "clinic":
                p.steps[i].role = take()
                p.steps[i].requires[0].name = carried
                p.steps[i].code?.system = take()
                p.steps[i].code?.code = take()
                p.steps[i].code?.display = take()
            case "choice":
                for b in p.steps[i].branches.indices { p.steps[i].branches[b].label = take() }
            case "done":
                p.steps[i].outcome = take()
            default:
                break
            }
        }
        // The rest go in extra steps between the treatment and the end.
        guard let treat = p.steps.firstIndex(where: { $0.id == "treat" }), let end = p.steps.last?.id else { return p }
        var extras: [Step] = []
        while !queue.isEmpty {
            let id = "extra-\(extras.count + 1)"
            var step = Step(id: id, kind: .assessment, title: take(), organisation: "hospital", duration: .fixed(5), next: end)
            step.description = queue.isEmpty ? nil : take()
            step.role = queue.isEmpty ? nil : take()
            if !extras.isEmpty { extras[extras.count - 1].next = id }
            extras.append(step)
        }
        if let first = extras.first { p.steps[treat].next = first.id }
        p.steps.insert(contentsOf: extras, at: treat + 1)
        return p
    }

    /// The comment at the top of the generated `hostile.yaml`.
    static let corpusPathwayHeader = """
    # Generated from Tests/Corpus/hostile-strings.json by WriterSafetyTests; do not edit (change the
    # corpus, then CAREPATH_UPDATE_GOLDEN=1 swift test --filter WriterSafetyTests rewrites it).
    # Every corpus string sits somewhere in this pathway: the report must show each as text and run
    # none of them. Read by ReportTests, .ci/report.sh and the browser referee.

    """
}
