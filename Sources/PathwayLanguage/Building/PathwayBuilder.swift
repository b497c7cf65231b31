import PathwayModel

/// Builds the typed `Pathway` from the YAML syntax tree, collecting every shape and value
/// problem as a diagnostic (all of them, not only the first).
struct PathwayBuilder {
    var reader = NodeReader()
    /// Steps, attributes, organisations and resources that could not be built; later checks say
    /// nothing about references to them.
    var brokenNames: Set<String> = []
    /// Whether the `steps` section itself could not be read (then the graph is not checked).
    var stepsUnreadable = false
    let file: String
    let limits: LanguageLimits

    /// The most patients one resource may serve at once (far beyond any ward or scanner).
    static let largestCapacity = 1_000_000

    static let topLevelKeys = ["carepath", "id", "title", "version", "status", "description", "sources",
                               "organisations", "resources", "attributes", "data", "arrivals", "backlog", "targets", "deviations",
                               "start", "steps", "extends", "changes"]

    /// Keys of appointments that may be missed or cancelled and rebooked.
    static let attendanceKeys = ["did_not_attend", "cancelled", "rebooked_after"]

    /// Keys every step may have.
    static let commonStepKeys = ["kind", "title", "description", "organisation", "role", "code", "requires", "produces"]

    /// The further keys each kind of step may have.
    static let stepKeysByKind: [StepKind: [String]] = [
        .referral: ["resource", "duration", "next", "handoff"],
        .assessment: ["resource", "duration", "next", "handoff"] + attendanceKeys,
        .test: ["resource", "duration", "result_after", "next", "handoff"] + attendanceKeys,
        .treatment: ["resource", "duration", "next", "handoff"] + attendanceKeys,
        .meeting: ["resource", "duration", "every", "next", "handoff"],
        .wait: ["duration", "next", "handoff"],
        .decision: ["branches", "handoff"],
        .parallel: ["paths", "join"],
        .subpathway: ["pathway", "next", "handoff"],
        .end: ["outcome"],
    ]

    static var allStepKeys: [String] {
        var keys = commonStepKeys
        for kind in StepKind.allCases { for k in stepKeysByKind[kind] ?? [] where !keys.contains(k) { keys.append(k) } }
        return keys
    }

    init(file: String, limits: LanguageLimits) {
        self.file = file
        self.limits = limits
    }

    var diagnostics: [Diagnostic] { reader.diagnostics }

    mutating func build(_ root: YAMLNode) -> Pathway? {
        guard let top = reader.mapping(root, "a pathway file", allowed: Self.topLevelKeys) else { return nil }
        let fileStart = SourceLocation(file: file, line: 1, column: 1)

        if let versionNode = top["carepath"] {
            if let v = reader.integer(versionNode, "`carepath` (the language version)"), v != 1 {
                reader.error(.cp014, "this file is written for carepath language version \(v); this carepath reads version 1",
                             at: versionNode.location, help: "write `carepath: 1`")
            }
        } else {
            reader.error(.cp012, "the file does not say which language version it uses", at: fileStart,
                         help: "add `carepath: 1` as the first line")
        }

        let id = requiredText(top, "id", "the pathway's id", at: fileStart) ?? ""
        if let node = top["id"], !id.isEmpty { _ = reader.identifier(id, "a pathway id", at: node.contentLocation) }
        let title = requiredText(top, "title", "the pathway's title", at: fileStart) ?? id
        var version = "1"
        if let node = top["version"], let v = reader.text(node, "`version`") { version = v }
        var status = PathwayStatus.draft
        if let node = top["status"], let s = reader.text(node, "`status`") {
            if let parsed = PathwayStatus(rawValue: s.lowercased()) { status = parsed } else {
                let hint = closestMatch(to: s, in: PathwayStatus.allCases.map(\.rawValue))
                reader.error(.cp303, "'\(s)' is not a status" + (hint.map { " — did you mean '\($0)'?" } ?? ""),
                             at: node.contentLocation, suggestion: hint, help: "use draft, active or retired")
            }
        }
        let description = top["description"].flatMap { reader.text($0, "`description`") }

        let sources = buildSources(top["sources"])
        let organisations = buildOrganisations(top["organisations"])
        let resources = buildResources(top["resources"])
        let attributes = buildAttributes(top["attributes"])
        let dataItems = buildDataDeclarations(top["data"])
        let arrivals = top["arrivals"].flatMap { buildArrivals($0) }
        let growth = top["arrivals"].flatMap { buildGrowth($0) }
        let backlog = top["backlog"].map { buildBacklog($0) } ?? []
        let targets = buildTargets(top["targets"])
        let start = requiredText(top, "start", "the first step (`start`)", at: fileStart) ?? ""
        var steps: [Step] = []
        if let node = top["steps"] {
            steps = buildSteps(node, attributes: attributes)
        } else {
            reader.error(.cp012, "the pathway has no `steps`", at: fileStart, help: "add a `steps:` section listing what happens to the patient")
        }
        if steps.count > limits.maxSteps {
            reader.error(.cp501, "the pathway has \(steps.count) steps, more than the limit of \(limits.maxSteps)",
                         at: top.keyLocation("steps") ?? fileStart, help: "split it into subpathways, or raise the limit with --max-steps")
        }

        var pathway = Pathway(
            languageVersion: 1, id: id, title: title, version: version, status: status, description: description,
            sources: sources, organisations: organisations, resources: resources, attributes: attributes,
            dataItems: dataItems, arrivals: arrivals, targets: targets, start: start, steps: steps,
            location: fileStart, fieldLocations: top.fieldLocations)
        pathway.deviations = buildDeviations(top["deviations"])
        pathway.arrivalGrowth = growth
        pathway.backlog = backlog
        if growth != nil, case .cohort = arrivals, let node = top["arrivals"] {
            reader.error(.cp034, "a cohort arrives all at once, so its demand cannot grow", at: node.location,
                         help: "remove `growth`, or give a `rate` or `weekly` pattern that can grow")
        }
        return pathway
    }

    private mutating func requiredText(_ entries: [YAMLEntry], _ key: String, _ what: String, at location: SourceLocation) -> String? {
        guard let node = entries[key] else {
            reader.error(.cp012, "\(what) is missing", at: location, help: "add `\(key):`")
            return nil
        }
        return reader.text(node, what)
    }

    // MARK: Sections

    /// `deviations: { steps.lung-mdt: { reason: …, evidence: [ { title, url, publisher } ] } }`.
    private mutating func buildDeviations(_ node: YAMLNode?) -> [Deviation] {
        guard let node, !node.isNull, let entries = reader.mapping(node, "`deviations`") else { return [] }
        var result: [Deviation] = []
        for entry in entries {
            guard let fields = reader.mapping(entry.value, "the deviation '\(entry.key)'", allowed: ["reason", "evidence"]) else { continue }
            let reason = fields["reason"].flatMap { reader.text($0, "the reason for the deviation") }
            let evidence = buildSources(fields["evidence"], role: "`evidence`")
            result.append(Deviation(path: entry.key.split(separator: ".").map(String.init), reason: reason, evidence: evidence,
                                    location: entry.keyLocation))
        }
        return result
    }

    private mutating func buildSources(_ node: YAMLNode?, role: String = "`sources`") -> [Source] {
        guard let node, let items = reader.sequence(node, role) else { return [] }
        var result: [Source] = []
        for item in items {
            if case .scalar(let s, _) = item.kind, !item.isNull {
                result.append(Source(title: s, location: item.location))
                continue
            }
            guard let entries = reader.mapping(item, "a source", allowed: ["title", "url", "publisher"]) else { continue }
            let title = entries["title"].flatMap { reader.text($0, "a source's title") }
            if title == nil, entries["title"] == nil {
                reader.error(.cp012, "a source needs a `title`", at: item.location)
            }
            let url = entries["url"].flatMap { reader.text($0, "a source's url") }
            if let url, let node = entries["url"], !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                reader.error(.cp013, "'\(url)' is not a web address; it should start with https://", at: node.contentLocation)
            }
            let publisher = entries["publisher"].flatMap { reader.text($0, "a source's publisher") }
            result.append(Source(title: title ?? "", url: url, publisher: publisher, location: item.location))
        }
        return result
    }

    private mutating func buildOrganisations(_ node: YAMLNode?) -> [Organisation] {
        guard let node, let entries = reader.mapping(node, "`organisations`") else { return [] }
        var result: [Organisation] = []
        for entry in entries {
            guard reader.identifier(entry.key, "an organisation id", at: entry.keyLocation) else { continue }
            guard let fields = reader.mapping(entry.value, "organisation '\(entry.key)'", allowed: ["name", "type"]) else { continue }
            let name = fields["name"].flatMap { reader.text($0, "the organisation's name") } ?? entry.key
            var type = OrganisationType.other
            if let typeNode = fields["type"], let raw = reader.text(typeNode, "the organisation's type") {
                if let t = OrganisationType(rawValue: raw.lowercased()) { type = t } else {
                    let all = OrganisationType.allCases.map(\.rawValue)
                    let hint = closestMatch(to: raw, in: all)
                    reader.error(.cp303, "'\(raw)' is not a type of organisation" + (hint.map { " — did you mean '\($0)'?" } ?? ""),
                                 at: typeNode.contentLocation, suggestion: hint, help: "the types are: \(all.joined(separator: ", "))")
                }
            } else if fields["type"] == nil {
                reader.error(.cp012, "organisation '\(entry.key)' has no `type`", at: entry.keyLocation,
                             help: "add a type such as `type: acute` or `type: primary-care`")
            }
            result.append(Organisation(id: entry.key, name: name, type: type, location: entry.keyLocation))
        }
        return result
    }

    private mutating func buildResources(_ node: YAMLNode?) -> [Resource] {
        guard let node, let entries = reader.mapping(node, "`resources`") else { return [] }
        var result: [Resource] = []
        for entry in entries {
            guard reader.identifier(entry.key, "a resource id", at: entry.keyLocation) else { continue }
            let allowed = ["name", "organisation", "capacity", "calendar", "priority", "background"]
            guard let fields = reader.mapping(entry.value, "resource '\(entry.key)'", allowed: allowed) else { continue }
            let name = fields["name"].flatMap { reader.text($0, "the resource's name") }
            let organisation = fields["organisation"].flatMap { reader.text($0, "the resource's organisation") }
            if fields["organisation"] == nil {
                reader.error(.cp012, "resource '\(entry.key)' does not say which organisation it belongs to",
                             at: entry.keyLocation, help: "add `organisation:` with one of the organisations' ids")
            }
            var capacity = 1
            if let capNode = fields["capacity"], let c = reader.integer(capNode, "the resource's capacity") {
                if c < 1 {
                    reader.error(.cp304, "resource '\(entry.key)' has capacity \(c); it must serve at least 1 patient at a time",
                                 at: capNode.location)
                } else if c > Self.largestCapacity {
                    reader.error(.cp304, "resource '\(entry.key)' has capacity \(c), more than 1,000,000 patients at a time; a resource's capacity is the patients it serves at once",
                                 at: capNode.location, help: "for a resource that never makes anyone wait, leave `resource` off the step")
                } else { capacity = c }
            }
            var calendar: OpeningCalendar?
            if let calNode = fields["calendar"] {
                var text: String?
                if case .sequence(let items) = calNode.kind {
                    text = items.compactMap { reader.text($0, "an opening time") }.joined(separator: "; ")
                } else {
                    text = reader.text(calNode, "the resource's calendar")
                }
                if let text {
                    switch ValueSyntax.calendar(text) {
                    case .success(let c): calendar = c
                    case .failure(let message): reader.error(.cp033, "calendar of resource '\(entry.key)': \(message)", at: calNode.contentLocation)
                    }
                }
            }
            var queue = QueueDiscipline.fifo
            if let pNode = fields["priority"], let attribute = reader.text(pNode, "the resource's priority attribute") {
                queue = .priority(attribute: attribute)
            }
            let background = fields["background"].flatMap { buildBackground($0, resource: entry.key) }
            result.append(Resource(id: entry.key, name: name, organisation: organisation ?? "", capacity: capacity,
                                   calendar: calendar, queue: queue, background: background, location: entry.keyLocation,
                                   fieldLocations: fields.fieldLocations))
        }
        return result
    }

    private mutating func buildAttributes(_ node: YAMLNode?) -> [Attribute] {
        guard let node, let entries = reader.mapping(node, "`attributes`") else { return [] }
        var result: [Attribute] = []
        for entry in entries {
            brokenNames.insert(entry.key)  // until it is built
            guard reader.identifier(entry.key, "an attribute name", at: entry.keyLocation) else { continue }
            let allowed = ["type", "distribution", "min", "max", "unit", "probability", "values", "description"]
            guard let fields = reader.mapping(entry.value, "attribute '\(entry.key)'", allowed: allowed) else { continue }
            guard let typeNode = fields["type"] else {
                reader.error(.cp012, "attribute '\(entry.key)' has no `type`", at: entry.keyLocation,
                             help: "add `type:` with integer, number, boolean or category")
                continue
            }
            guard let typeName = reader.text(typeNode, "the attribute's type") else { continue }
            let description = fields["description"].flatMap { reader.text($0, "the attribute's description") }
            let unit = fields["unit"].flatMap { reader.text($0, "the attribute's unit") }
            let min = fields["min"].flatMap { reader.number($0, "`min`") }
            let max = fields["max"].flatMap { reader.number($0, "`max`") }
            if let min, let max, min > max {
                reader.error(.cp308, "attribute '\(entry.key)' has `min` \(NumberText.format3(min)) above `max` \(NumberText.format3(max))",
                             at: fields.keyLocation("min") ?? entry.keyLocation)
            }
            func misplaced(_ keys: [String], for type: String) -> [(String, SourceLocation)] {
                keys.compactMap { k in fields.keyLocation(k).map { (k, $0) } }
            }
            var type: AttributeType?
            switch typeName.lowercased() {
            case "integer", "number":
                for (k, at) in misplaced(["probability", "values"], for: typeName) {
                    reader.error(.cp011, "'\(k)' does not apply to \("aeiou".contains(typeName.lowercased().first ?? "x") ? "an" : "a") \(typeName) attribute", at: at,
                                 help: "give a numeric attribute a `distribution`, such as `normal(mean: 71, sd: 9)`")
                }
                guard let dNode = fields["distribution"] else {
                    reader.error(.cp012, "attribute '\(entry.key)' needs a `distribution` saying how its values vary between patients",
                                 at: entry.keyLocation, help: "for example `distribution: normal(mean: 71, sd: 9)`")
                    continue
                }
                guard let d = reader.numberDistribution(dNode, "distribution of '\(entry.key)'") else { continue }
                type = typeName.lowercased() == "integer" ? .integer(d, min: min, max: max) : .number(d, min: min, max: max)
            case "boolean":
                for (k, at) in misplaced(["distribution", "values", "min", "max", "unit"], for: typeName) {
                    reader.error(.cp011, "'\(k)' does not apply to a boolean attribute", at: at,
                                 help: "a boolean attribute takes `probability`, the share of patients for whom it is true")
                }
                guard let pNode = fields["probability"] else {
                    reader.error(.cp012, "boolean attribute '\(entry.key)' needs a `probability` (the share of patients for whom it is true)",
                                 at: entry.keyLocation)
                    continue
                }
                guard let p = reader.probability(pNode, "the probability of '\(entry.key)'") else { continue }
                type = .boolean(probability: p)
            case "category":
                for (k, at) in misplaced(["distribution", "probability", "min", "max", "unit"], for: typeName) {
                    reader.error(.cp011, "'\(k)' does not apply to a category attribute", at: at,
                                 help: "a category attribute takes `values`, each with its probability")
                }
                guard let vNode = fields["values"], let values = reader.mapping(vNode, "the values of '\(entry.key)'") else {
                    if fields["values"] == nil {
                        reader.error(.cp012, "category attribute '\(entry.key)' needs `values`, each with its probability",
                                     at: entry.keyLocation, help: "for example `values: { low: 0.6, high: 0.4 }`")
                    }
                    continue
                }
                var categories: [CategoryValue] = []
                for v in values {
                    guard reader.identifier(v.key, "a category value", at: v.keyLocation),
                          let p = reader.probability(v.value, "the probability of '\(v.key)'") else { continue }
                    categories.append(CategoryValue(name: v.key, probability: p))
                }
                let total = categories.reduce(0) { $0 + $1.probability }
                if !categories.isEmpty, abs(total - 1) > 1e-6 {
                    reader.error(.cp306, "the probabilities of the values of '\(entry.key)' add up to \(NumberText.format3(total)), not 1",
                                 at: vNode.location, help: "adjust them so that every patient falls in exactly one category")
                }
                type = .category(categories)
            default:
                let hint = closestMatch(to: typeName, in: ["integer", "number", "boolean", "category"])
                reader.error(.cp303, "'\(typeName)' is not an attribute type" + (hint.map { " — did you mean '\($0)'?" } ?? ""),
                             at: typeNode.contentLocation, suggestion: hint, help: "use integer, number, boolean or category")
            }
            if let type {
                brokenNames.remove(entry.key)
                result.append(Attribute(id: entry.key, type: type, description: description, unit: unit, location: entry.keyLocation))
            }
        }
        return result
    }

    private mutating func buildDataDeclarations(_ node: YAMLNode?) -> [DataItem] {
        guard let node, let entries = reader.mapping(node, "`data`") else { return [] }
        var result: [DataItem] = []
        for entry in entries {
            guard reader.identifier(entry.key, "a data item name", at: entry.keyLocation) else { continue }
            if entry.value.isNull { result.append(DataItem(name: entry.key, location: entry.keyLocation)); continue }
            guard let fields = reader.mapping(entry.value, "data item '\(entry.key)'", allowed: ["type", "description"]) else { continue }
            let type = fields["type"].flatMap { reader.text($0, "the data item's type") }
            let description = fields["description"].flatMap { reader.text($0, "the data item's description") }
            result.append(DataItem(name: entry.key, type: type, description: description, location: entry.keyLocation))
        }
        return result
    }

    private mutating func buildArrivals(_ node: YAMLNode) -> Arrivals? {
        guard let fields = reader.mapping(node, "`arrivals`", allowed: ["rate", "weekly", "cohort", "growth"]) else { return nil }
        let given = fields.map(\.key).filter { $0 != "growth" }
        if given.count != 1 {
            reader.error(.cp013, "`arrivals` takes exactly one of `rate`, `weekly` or `cohort`", at: node.location)
            return nil
        }
        if let rateNode = fields["rate"], let text = reader.text(rateNode, "the arrival rate") {
            switch ValueSyntax.ratePerDay(text) {
            case .success(let perDay): return .poisson(perDay: perDay)
            case .failure(let message): reader.error(.cp032, "arrivals: \(message)", at: rateNode.contentLocation); return nil
            }
        }
        if let weeklyNode = fields["weekly"] {
            let dayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            guard let days = reader.mapping(weeklyNode, "the weekly arrivals", allowed: dayKeys) else { return nil }
            var rates = [Double](repeating: 0, count: 7)
            for day in days {
                guard let i = dayKeys.firstIndex(of: day.key), let v = reader.number(day.value, "arrivals on \(day.key)") else { continue }
                if v < 0 { reader.error(.cp032, "arrivals on \(day.key) cannot be negative", at: day.value.location) } else { rates[i] = v }
            }
            return .weekly(perDay: rates)
        }
        if let cohortNode = fields["cohort"], let n = reader.integer(cohortNode, "the cohort size") {
            guard n >= 1 else { reader.error(.cp032, "a cohort needs at least one patient", at: cohortNode.location); return nil }
            return .cohort(size: n)
        }
        return nil
    }

    private mutating func buildTargets(_ node: YAMLNode?) -> [Target] {
        guard let node, let entries = reader.mapping(node, "`targets`") else { return [] }
        var result: [Target] = []
        for entry in entries {
            guard reader.identifier(entry.key, "a target id", at: entry.keyLocation) else { continue }
            guard let fields = reader.mapping(entry.value, "target '\(entry.key)'", allowed: ["title", "from", "to", "within", "standard", "starts", "stops"]) else { continue }
            let title = fields["title"].flatMap { reader.text($0, "the target's title") }
            var ok = true
            for key in ["from", "to", "within", "standard"] where fields[key] == nil {
                reader.error(.cp012, "target '\(entry.key)' needs `\(key)`", at: entry.keyLocation)
                ok = false
            }
            let from = fields["from"].flatMap { reader.text($0, "the step that starts the clock") }
            let toItems = fields["to"].flatMap { reader.scalarList($0, "the step(s) that stop the clock") }
            let to = toItems?.map(\.0)
            // Each stop step's own place (`to[1]`), so a message about one points at it, not at the list.
            var locations = fields.fieldLocations
            for (i, item) in (toItems ?? []).enumerated() { locations["to[\(i)]"] = item.1 }
            let within = fields["within"].flatMap { reader.timeSpan($0, "the target's time limit") }
            let standard = fields["standard"].flatMap { reader.probability($0, "the target's standard") }
            let starts = fields["starts"].flatMap { clockPoint($0, "when the clock starts") } ?? .arrival
            let stops = fields["stops"].flatMap { clockPoint($0, "when the clock stops") } ?? .start
            guard ok, let from, let to, let within, let standard else { continue }
            result.append(Target(id: entry.key, title: title, from: from, to: to, within: within, standard: standard,
                                 starts: starts, stops: stops,
                                 location: entry.keyLocation, fieldLocations: locations))
        }
        return result
    }

    /// `on arrival`, `on start` or `on completion`; a bare `arrival` (or a near miss) gets a suggestion.
    private mutating func clockPoint(_ node: YAMLNode, _ role: String) -> ClockPoint? {
        guard let text = reader.text(node, role) else { return nil }
        if let point = ClockPoint(rawValue: text) { return point }
        let values = ClockPoint.allCases.map(\.rawValue)
        let hint = ClockPoint(rawValue: "on " + text)?.rawValue ?? closestMatch(to: text, in: values)
        reader.error(.cp310, "'\(text)' is not a moment a clock can start or stop" + (hint.map { " — did you mean '\($0)'?" } ?? ""),
                     at: node.contentLocation, suggestion: hint,
                     help: "use `on arrival` (the patient reaches the step), `on start` (its work starts, after any queue) or `on completion` (its work is done)")
        return nil
    }

    // MARK: Steps

    private mutating func buildSteps(_ node: YAMLNode, attributes: [Attribute]) -> [Step] {
        guard let written = reader.mapping(node, "`steps`") else { stepsUnreadable = true; return [] }
        let entries = reattachingUnderIndentedKeys(written)
        var result: [Step] = []
        result.reserveCapacity(entries.count)
        for entry in entries {
            // A badly written id is reported but kept, so references to it do not cascade.
            _ = reader.identifier(entry.key, "a step id", at: entry.keyLocation)
            if let step = buildStep(id: entry.key, at: entry.keyLocation, entry.value) { result.append(step) }
        }
        return result
    }

    /// A step's key written two spaces short (`  next: b` under `steps:`) reads as a step called
    /// `next`. When its value is not a set of keys and the step above has no such key, it is
    /// reported once, in those words, and read as the key of the step above: otherwise the step
    /// above would also be reported as going nowhere.
    private mutating func reattachingUnderIndentedKeys(_ entries: [YAMLEntry]) -> [YAMLEntry] {
        var result: [YAMLEntry] = []
        for entry in entries {
            let isRecord: Bool
            if case .mapping = entry.value.kind { isRecord = true } else { isRecord = false }
            if !isRecord, Self.allStepKeys.contains(entry.key), let last = result.indices.last,
               case .mapping(var fields) = result[last].value.kind, !fields.contains(where: { $0.key == entry.key }) {
                let owner = result[last].key
                let column = fields.first?.keyLocation.column ?? entry.keyLocation.column + 2
                let more = max(1, column - entry.keyLocation.column)
                reader.error(.cp013, "'\(entry.key)' is not indented under step '\(owner)', so it reads as a step called '\(entry.key)'",
                             at: entry.keyLocation, suggestion: "indent `\(entry.key):` by \(more) more space\(more == 1 ? "" : "s"), under the keys of '\(owner)'",
                             help: "each key of a step goes on its own line, indented under the step's id like the step's other keys")
                // Read as the step's key only where its kind has that key (an end step has no `next`).
                let kind = fields["kind"]?.scalar.flatMap { StepKind(rawValue: $0.lowercased()) }
                if kind.map({ (Self.commonStepKeys + (Self.stepKeysByKind[$0] ?? [])).contains(entry.key) }) ?? true {
                    fields.append(entry)
                    result[last].value.kind = .mapping(fields)
                }
                continue
            }
            result.append(entry)
        }
        return result
    }

    private mutating func buildStep(id: String, at location: SourceLocation, _ node: YAMLNode) -> Step? {
        guard let written = reader.mapping(node, "step '\(id)'") else { brokenNames.insert(id); return nil }
        // A misspelt `kind` (`knd:`) is reported with the other unknown keys below and read as `kind`.
        let kindNode = written["kind"] ?? written.first { entry in
            !Self.allStepKeys.contains(entry.key) && closestMatch(to: entry.key, in: Self.allStepKeys) == "kind"
        }?.value
        guard let kindNode else {
            brokenNames.insert(id)
            reader.error(.cp012, "step '\(id)' does not say what kind of step it is", at: location,
                         help: "add `kind:` with one of: \(StepKind.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        guard let kindText = reader.text(kindNode, "the step's kind") else { brokenNames.insert(id); return nil }
        let aliases: [String: StepKind] = ["mdt": .meeting, "appointment": .assessment, "investigation": .test]
        guard let kind = StepKind(rawValue: kindText.lowercased()) ?? aliases[kindText.lowercased()] else {
            brokenNames.insert(id)
            let hint = closestMatch(to: kindText, in: StepKind.allCases.map(\.rawValue))
            reader.error(.cp303, "'\(kindText)' is not a kind of step" + (hint.map { " — did you mean '\($0)'?" } ?? ""),
                         at: kindNode.contentLocation, suggestion: hint,
                         help: "the kinds are: \(StepKind.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        let allowed = Self.commonStepKeys + (Self.stepKeysByKind[kind] ?? [])
        var hints: [Int: String] = [:]
        for (index, entry) in written.enumerated() where !allowed.contains(entry.key) {
            if Self.allStepKeys.contains(entry.key) {
                reader.error(.cp011, "'\(entry.key)' does not apply to \(kind.article) \(kind.rawValue) step", at: entry.keyLocation,
                             help: "\(kind.article) \(kind.rawValue) step can have: \(allowed.joined(separator: ", "))")
            } else {
                let hint = closestMatch(to: entry.key, in: allowed)
                reader.error(.cp011, "'\(entry.key)' is not a key that a step can have" + (hint.map { " — did you mean '\($0)'?" } ?? ""),
                             at: entry.keyLocation, suggestion: hint,
                             help: hint == nil ? "\(kind.article) \(kind.rawValue) step can have: \(allowed.joined(separator: ", "))" : nil)
                if let hint { hints[index] = hint }
            }
        }
        let fields = NodeReader.recovering(written, hints: hints)
        var step = Step(id: id, kind: kind, location: location, fieldLocations: fields.fieldLocations)
        step.title = fields["title"].flatMap { reader.text($0, "the step's title") }
        step.description = fields["description"].flatMap { reader.text($0, "the step's description") }
        step.organisation = fields["organisation"].flatMap { reader.text($0, "the step's organisation") }
        step.role = fields["role"].flatMap { reader.text($0, "the step's role") }
        step.resource = fields["resource"].flatMap { reader.text($0, "the step's resource") }
        step.code = fields["code"].flatMap { buildCode($0) }
        step.duration = fields["duration"].flatMap { reader.timeDistribution($0, "duration of '\(id)'") }
        step.resultAfter = fields["result_after"].flatMap { reader.timeDistribution($0, "result time of '\(id)'") }
        if let everyNode = fields["every"], let every = reader.timeSpan(everyNode, "how often '\(id)' meets") {
            if every.minutes <= 0 { reader.error(.cp303, "a meeting cannot be held every 0 minutes", at: everyNode.contentLocation) } else { step.every = every }
        }
        step.requires = fields["requires"].map { buildDataItems($0, "`requires`") } ?? []
        step.produces = fields["produces"].map { buildDataItems($0, "`produces`") } ?? []
        step.next = fields["next"].flatMap { reader.text($0, "the next step") }
        if let branchesNode = fields["branches"] { step.branches = buildBranches(branchesNode, stepID: id) }
        if let pathsNode = fields["paths"] { step.paths = reader.scalarList(pathsNode, "`paths`")?.map(\.0) ?? [] }
        step.join = fields["join"].flatMap { reader.text($0, "the step where the paths join") }
        step.pathway = fields["pathway"].flatMap { reader.text($0, "the subpathway's file") }
        step.outcome = fields["outcome"].flatMap { reader.text($0, "the outcome") }
        step.handoff = fields["handoff"].flatMap { buildHandoff($0) }
        step.attendance = buildAttendance(fields, stepID: id)

        let missing: [String]
        switch kind {
        case .decision: missing = fields["branches"] == nil ? ["branches"] : []
        case .parallel: missing = ["paths", "join"].filter { fields[$0] == nil }
        case .subpathway: missing = ["pathway", "next"].filter { fields[$0] == nil }
        case .end: missing = []
        default: missing = fields["next"] == nil ? ["next"] : []
        }
        for key in missing {
            let help: String
            switch key {
            case "next": help = "add `next:` naming the step that follows, or make it `kind: end` if the journey finishes here"
            case "branches": help = "add `branches:`, each with `to:` and `when:`, `probability:` or `otherwise: true`"
            case "paths": help = "add `paths:` listing the first step of each path that runs at the same time"
            case "join": help = "add `join:` naming the step where the paths meet again"
            default: help = "add `pathway:` with the file of the pathway to run"
            }
            reader.error(key == "next" ? .cp202 : .cp012,
                         key == "next" ? "step '\(id)' has no way on: it has no `next` and is not an end step"
                                       : "\(kind.rawValue) step '\(id)' needs `\(key)`",
                         at: location, help: help)
        }
        let needsOrganisation: Set<StepKind> = [.referral, .assessment, .test, .treatment, .meeting, .subpathway]
        if needsOrganisation.contains(kind), step.organisation == nil {
            reader.error(.cp012, "step '\(id)' does not say which organisation does it", at: location,
                         help: "add `organisation:` with one of the organisations' ids")
        }
        return step
    }

    private mutating func buildCode(_ node: YAMLNode) -> ClinicalCode? {
        guard let fields = reader.mapping(node, "a clinical code", allowed: ["system", "code", "display"]) else { return nil }
        for key in ["system", "code"] where fields[key] == nil {
            reader.error(.cp012, "a clinical code needs `\(key)`", at: node.location,
                         help: "write `code: { system: http://snomed.info/sct, code: \"…\", display: \"…\" }`")
        }
        guard let system = fields["system"].flatMap({ reader.text($0, "the code system") }),
              let code = fields["code"].flatMap({ reader.text($0, "the code") }) else { return nil }
        var resolvedSystem = system
        let shortNames = ["snomed": ClinicalCode.snomedSystem, "snomed-ct": ClinicalCode.snomedSystem, "sct": ClinicalCode.snomedSystem,
                          "opcs": "https://fhir.hl7.org.uk/Id/opcs-4", "opcs-4": "https://fhir.hl7.org.uk/Id/opcs-4",
                          "icd-10": "http://hl7.org/fhir/sid/icd-10", "loinc": "http://loinc.org"]
        if let full = shortNames[system.lowercased()] { resolvedSystem = full }
        if resolvedSystem == ClinicalCode.snomedSystem, !code.allSatisfy({ $0.isASCII && $0.isNumber }) || !(6...18).contains(code.count) {
            reader.error(.cp309, "'\(code)' is not a SNOMED CT concept id (6 to 18 digits)", at: fields["code"]?.contentLocation ?? node.location)
        }
        let display = fields["display"].flatMap { reader.text($0, "the code's display") }
        return ClinicalCode(system: resolvedSystem, code: code, display: display)
    }

    private mutating func buildDataItems(_ node: YAMLNode, _ what: String) -> [DataItem] {
        if case .scalar = node.kind, !node.isNull, let s = reader.text(node, what) {
            return [DataItem(name: s, location: node.contentLocation)]
        }
        guard let items = reader.sequence(node, what) else { return [] }
        var result: [DataItem] = []
        for item in items {
            if case .mapping = item.kind {
                guard let fields = reader.mapping(item, "a data item", allowed: ["name", "type"]) else { continue }
                guard let name = fields["name"].flatMap({ reader.text($0, "the data item's name") }) else {
                    if fields["name"] == nil { reader.error(.cp012, "a data item needs a `name`", at: item.location) }
                    continue
                }
                let type = fields["type"].flatMap { reader.text($0, "the data item's type") }
                result.append(DataItem(name: name, type: type, location: item.location))
            } else if let name = reader.text(item, "a data item") {
                result.append(DataItem(name: name, location: item.contentLocation))
            }
        }
        return result
    }

    private mutating func buildBranches(_ node: YAMLNode, stepID: String) -> [Branch] {
        guard let items = reader.sequence(node, "`branches`") else { return [] }
        var result: [Branch] = []
        for item in items {
            guard let fields = reader.mapping(item, "a branch", allowed: ["to", "when", "probability", "otherwise", "label"]) else { continue }
            guard let toNode = fields["to"] else {
                reader.error(.cp012, "a branch of '\(stepID)' does not say where it goes", at: item.location, help: "add `to:` with a step id")
                continue
            }
            guard let to = reader.text(toNode, "the branch's destination") else { continue }
            var branch = Branch(to: to, location: item.location, fieldLocations: fields.fieldLocations)
            if let whenNode = fields["when"], let text = reader.text(whenNode, "the branch's condition") {
                let (condition, diags) = ConditionParser.parse(text, at: whenNode.contentLocation, limits: limits)
                reader.diagnostics += diags
                branch.when = condition
            }
            if let pNode = fields["probability"] { branch.probability = reader.probability(pNode, "the branch's probability") }
            if let oNode = fields["otherwise"], let o = reader.boolean(oNode, "`otherwise`") { branch.otherwise = o }
            branch.label = fields["label"].flatMap { reader.text($0, "the branch's label") }
            if branch.otherwise, branch.when != nil || branch.probability != nil {
                reader.error(.cp303, "an `otherwise` branch is taken when no other branch is; it cannot also have `when` or `probability`",
                             at: item.location)
            }
            if !branch.otherwise, fields["when"] == nil, fields["probability"] == nil {
                reader.error(.cp012, "the branch to '\(to)' does not say when it is taken", at: item.location,
                             help: "add `when:` with a condition, `probability:`, or `otherwise: true`")
            }
            result.append(branch)
        }
        return result
    }

    private mutating func buildHandoff(_ node: YAMLNode) -> Handoff? {
        guard let fields = reader.mapping(node, "a handoff", allowed: ["delay", "sends", "via"]) else { return nil }
        var handoff = Handoff(location: node.location, fieldLocations: fields.fieldLocations)
        handoff.delay = fields["delay"].flatMap { reader.timeDistribution($0, "the handoff's delay") }
        if let sendsNode = fields["sends"] {
            if sendsNode.isNull { handoff.sends = [] } else { handoff.sends = reader.scalarList(sendsNode, "`sends`")?.map(\.0) }
        }
        handoff.via = fields["via"].flatMap { reader.text($0, "how the handoff is sent") }
        return handoff
    }
}
