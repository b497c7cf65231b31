import PathwayModel

/// The JSON Schema (draft 2020-12) of the carepath pathway language, for editors.
///
/// With it, an editor's YAML support completes keys, shows each key's meaning on hover, and
/// underlines unknown keys, misspelt step kinds and malformed durations as the author types
/// (see `Docs/editor-setup.md`). The schema is a convenience, not the judge: `carepath validate`
/// checks far more (references, graph shape, condition types, data flow).
///
/// The schema is built from the loader's own key lists (`PathwayBuilder`) and the model's
/// enumerations, so it cannot drift from what the loader accepts. It uses only keywords that
/// draft-07 tools also understand (`if`/`then`, `propertyNames`, `additionalProperties`), because
/// the VS Code YAML extension validates with draft-07 semantics.
public enum LanguageSchema {
    /// The schema as JSON text: pretty-printed with sorted keys and a final newline, identical on
    /// every run and platform. `Docs/carepath.schema.json` holds exactly these bytes.
    public static var json: String { document.prettyPrinted + "\n" }

    /// The schema as a value.
    static var document: SchemaValue {
        var root: [String: SchemaValue] = [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "carepath pathway (language version 1)",
            "description": .string("A care pathway written as code: the organisations, resources, patient attributes, targets and steps "
                + "of one pathway. Check a file with `carepath validate FILE`."),
            "type": "object",
            "properties": .object(topLevelProperties),
            "additionalProperties": false,
            "$defs": .object(definitions),
        ]
        // A variant names its standard with `extends` and lists `changes`; everything else comes from the standard.
        root["if"] = ["required": ["extends"]]
        root["then"] = ["required": ["carepath", "extends"]]
        root["else"] = ["required": ["carepath", "id", "title", "start", "steps"]]
        return .object(root)
    }

    // MARK: - Top level

    private static var topLevelProperties: [String: SchemaValue] {
        let described: [String: SchemaValue] = [
            "carepath": [
                "description": "The version of the carepath language the file is written in. Write `carepath: 1` as the first line.",
                "const": 1,
            ],
            "id": identifier("The pathway's identifier in kebab-case, such as `suspected-lung-cancer`. Reports and variants refer to the pathway by it."),
            "title": text("The pathway's name as clinicians know it, such as `Suspected lung cancer`."),
            "version": [
                "description": "The pathway's own version, such as \"2024.1\". Quote it so that YAML keeps it as text.",
                "type": ["string", "number"],
            ],
            "status": word(
                "Whether the pathway is in use: draft (being written), active (in use) or retired (no longer used).",
                PathwayStatus.allCases.map(\.rawValue),
                help: ["Being written or reviewed; not yet in use.", "In use.", "No longer used; kept for reference."],
                default: "draft"),
            "description": text("Free text about the pathway: its scope, who it is for, anything a reader should know."),
            "sources": [
                "description": "The guidelines and standards the pathway implements. Give at least one with a web address for a shipped pathway.",
                "type": "array",
                "items": ref("source", "A guideline or standard: its title, or `{ title, url, publisher }`."),
            ],
            "deviations": [
                "description": "In a variant: why it departs from its standard at each place, with evidence. Keys are paths like those of `changes` (`steps.lung-mdt`, `targets.faster-diagnosis.standard`). A change of clinical weight 3 or more without a reason and evidence is reported as unjustified by `carepath diff` and `compare`.",
                "type": "object",
                "additionalProperties": [
                    "description": "The reason and evidence for departing from the standard at this place.",
                    "type": "object",
                    "properties": [
                        "reason": text("Why the variant departs here, in a sentence."),
                        "evidence": [
                            "description": "What supports it: guidance, an audit, a local decision record, shaped like `sources`.",
                            "type": "array",
                            "items": ref("source", "A piece of evidence: its title, or `{ title, url, publisher }`."),
                        ],
                    ],
                    "additionalProperties": false,
                ],
            ],
            "organisations": map(
                "The organisations that deliver the pathway, by id: `gp: { name: GP practice, type: primary-care }`.",
                value: ref("organisation", "An organisation that delivers part of the pathway.")),
            "resources": map(
                "The things patients queue for, by id: scanners, clinic slots, theatres, beds.",
                value: ref("resource", "A resource: its organisation, capacity, opening hours and queue order.")),
            "attributes": map(
                "Typed patient attributes, by id, sampled once for each simulated patient and read by branch conditions.",
                value: ref("attribute", "A patient attribute: integer, number, boolean (yes/no) or category.")),
            "data": map(
                "Optional declarations of the data items steps require and produce, with their coded types. Items named only in `requires`/`produces` need not be declared.",
                value: ref("dataDeclaration", "A data item: `ct-report: { type: DiagnosticReport }`, or nothing.")),
            "arrivals": ref("arrivals", "How patients arrive at the start: a Poisson `rate`, a `weekly` pattern, or a fixed `cohort`; optionally a yearly `growth`."),
            "backlog": [
                "description": "Patients already waiting when the simulation starts: at which step, how many, and how long they have waited.",
                "type": "array",
                "items": [
                    "type": "object",
                    "properties": [
                        "step": identifier("The id of the step they are waiting for; they join its queue at the start."),
                        "patients": ["description": "How many patients are waiting.", "type": "integer", "minimum": 1, "maximum": 10_000_000],
                        "waited": ref("timeDistribution", "How long each has waited so far, counted from the start of every target clock that started before this step, such as `uniform(min: 0 days, max: 18 weeks)`. Default: no time."),
                    ],
                    "required": ["step", "patients"],
                    "additionalProperties": false,
                ],
            ],
            "targets": map(
                "Waiting-time standards, by id: the share of patients who should get from one step to another within a time.",
                value: ref("target", "A waiting-time standard: `{ from, to, within, standard }`.")),
            "start": identifier("The id of the first step every patient enters."),
            "steps": map(
                "The steps of the pathway, by id, in the order a reader should see them. Each has a `kind`.",
                value: ref("step", "One step: something that happens to a patient, in one organisation.")),
            "extends": text("For a variant: the path of the standard pathway file this one changes, relative to this file."),
            "changes": [
                "description": "For a variant: the changes made to the standard pathway, applied in order (add, remove, replace or set).",
                "type": "array",
                "items": [
                    "description": "One change: `add`, `remove`, `replace` or `set` with a dotted path (such as `steps.lung-mdt.every`), plus `value`, and `after`/`before` or `reason` where they apply.",
                    "type": "object",
                    "minProperties": 1,
                ],
            ],
        ]
        var properties: [String: SchemaValue] = [:]
        for key in PathwayBuilder.topLevelKeys { properties[key] = described[key] ?? [:] }
        return properties
    }

    // MARK: - Definitions

    private static var definitions: [String: SchemaValue] {
        [
            "identifier": [
                "description": "An id: letters, digits, `-` and `_`, starting with a letter or digit, such as `ct-scan`.",
                "type": "string",
                "pattern": .string(SchemaPatterns.identifier),
            ],
            "duration": [
                "description": "A time as people write it: a number and a unit (min, hours, days, weeks), such as `20 min`, `36 hours`, `2 days`, `3 weeks`.",
                "type": "string",
                "pattern": .string(SchemaPatterns.duration),
                "examples": ["20 min", "2 days", "6 weeks"],
            ],
            "timeDistribution": [
                "description": .string("How long something takes: a fixed time (`2 days`) or a distribution of times: fixed(2 days), "
                    + "uniform(min: 1 day, max: 3 days), triangular(min: 1 day, mode: 2 days, max: 5 days), exponential(mean: 2 days), "
                    + "normal(mean: 3 days, sd: 1 day), lognormal(mean: 20 min, sd: 5 min), gamma(shape: 2, scale: 1 day), "
                    + "empirical(1 day: 0.2, 2 days: 0.5, 3 days: 0.3). Quote a distribution in a flow mapping ({ ... })."),
                "type": "string",
                "pattern": .string(SchemaPatterns.timeDistribution),
                "examples": ["30 min", "lognormal(mean: 20 min, sd: 5 min)", "triangular(min: 1 day, mode: 2 days, max: 5 days)"],
            ],
            "numberDistribution": [
                "description": .string("How a numeric attribute varies between patients: a number, or a distribution of plain numbers such as "
                    + "normal(mean: 71, sd: 9), lognormal(mean: 900, sd: 1200), uniform(min: 0, max: 10), empirical(1: 0.5, 2: 0.5)."),
                "type": ["string", "number"],
                "pattern": .string(SchemaPatterns.numberDistribution),
                "examples": ["normal(mean: 71, sd: 9)", "lognormal(mean: 900, sd: 1200)"],
            ],
            "probability": [
                "description": "A probability or share: a number from 0 to 1 (`0.4`) or a percentage (`40%`).",
                "anyOf": [
                    ["type": "number", "minimum": 0, "maximum": 1],
                    ["type": "string", "pattern": .string(SchemaPatterns.probability)],
                ],
            ],
            "condition": [
                "description": .string("When the branch is taken, as a condition on patient attributes: `age >= 40 and smoker`. "
                    + "Words: and, or, not; comparisons == != < <= > >=; `risk in [high, very-high]`, `risk not in [low]`; parentheses; "
                    + "numbers with units (`ntprobnp > 2000 ng/L`, `symptom-days > 2 weeks`); true/false; category values bare or quoted. "
                    + "Checked against `attributes` by `carepath validate`."),
                "type": ["string", "boolean"],
                "minLength": 1,
                "maxLength": .integer(LanguageLimits().maxExpressionLength),
                "examples": ["age >= 40 and smoker", "risk in [high, very-high]", "ntprobnp > 2000 ng/L"],
            ],
            "dataItem": [
                "description": "A data item: its name (`ct-report`), or `{ name, type }` with a FHIR resource type or SNOMED CT concept.",
                "anyOf": [
                    ["type": "string", "pattern": .string(SchemaPatterns.identifier)],
                    [
                        "type": "object",
                        "properties": [
                            "name": identifier("The data item's name, such as `ct-report`."),
                            "type": text("Its coded type: a FHIR resource type (`DiagnosticReport`) or a SNOMED CT concept."),
                        ],
                        "required": ["name"],
                        "additionalProperties": false,
                    ],
                ],
            ],
            "dataItems": [
                "description": "Data items, as a list (`[referral-letter, ct-report]`) or a single name.",
                "anyOf": [
                    ["$ref": "#/$defs/dataItem"],
                    ["type": "array", "items": ["$ref": "#/$defs/dataItem"]],
                ],
            ],
            "dataDeclaration": [
                "description": "A data item declared up front, optionally with its coded type.",
                "anyOf": [
                    ["type": "null"],
                    [
                        "type": "object",
                        "properties": [
                            "type": text("Its coded type: a FHIR resource type (`DiagnosticReport`) or a SNOMED CT concept."),
                            "description": text("What the data item holds."),
                        ],
                        "additionalProperties": false,
                    ],
                ],
            ],
            "source": [
                "description": "A guideline or standard the pathway implements.",
                "anyOf": [
                    ["type": "string"],
                    [
                        "type": "object",
                        "properties": [
                            "title": text("The guideline's title, such as `NICE NG12: Suspected cancer: recognition and referral`."),
                            "url": [
                                "description": "Where to read it; a web address starting with https://.",
                                "type": "string",
                                "pattern": .string(SchemaPatterns.webAddress),
                            ],
                            "publisher": text("Who publishes it: NICE, NHS England, a royal college, a network."),
                        ],
                        "required": ["title"],
                        "additionalProperties": false,
                    ],
                ],
            ],
            "organisation": [
                "description": "An organisation that delivers part of the pathway.",
                "type": "object",
                "properties": [
                    "name": text("The organisation's name as patients and staff know it, such as `GP practice`."),
                    "type": word(
                        "The kind of organisation, in NHS terms.",
                        OrganisationType.allCases.map(\.rawValue),
                        help: OrganisationType.allCases.map { organisationTypeHelp[$0] ?? $0.rawValue }),
                ],
                "required": ["type"],
                "additionalProperties": false,
            ],
            "resource": [
                "description": "Something steps queue for: a scanner, a clinic's slots, a theatre, a bed.",
                "type": "object",
                "properties": [
                    "name": text("The resource's name, such as `CT scanner`."),
                    "organisation": identifier("The id of the organisation that owns it. Steps using it must be in that organisation."),
                    "capacity": [
                        "description": "How many patients it serves at once. Default 1.",
                        "type": "integer",
                        "minimum": 1,
                        "maximum": .integer(PathwayBuilder.largestCapacity),
                        "default": 1,
                    ],
                    "calendar": [
                        "description": .string("When it is open: `always`, or windows of days and hours such as `weekdays 08:00-18:00`, "
                            + "`mon,wed 09:00-13:00`, `mon-fri 09:00-17:00; sat 09:00-12:00` (or a list of such windows), "
                            + "optionally ending `except bank holidays` (closed on England and Wales bank holidays). "
                            + "Outside them no work starts and the queue waits. Default: always open."),
                        "anyOf": [
                            ["type": "string", "pattern": .string(SchemaPatterns.calendar)],
                            ["type": "array", "items": ["type": "string", "pattern": .string(SchemaPatterns.calendar)], "minItems": 1],
                        ],
                        "examples": ["weekdays 08:00-18:00", "mon-fri 09:00-17:00; sat 09:00-12:00", "weekdays 08:00-18:00 except bank holidays", "always"],
                    ],
                    "priority": identifier("Queue by this patient attribute, highest first (true before false; for a category, the first declared value first). Default: first come, first served."),
                    "background": [
                        "description": "Work from outside this pathway that uses the same resource (other patients' scans, clinics, operations): it arrives at random at `rate` and holds the resource for `duration`, first come, first served with this pathway's patients.",
                        "type": "object",
                        "properties": [
                            "rate": [
                                "description": "Average arrivals of other work: `40 per day`.",
                                "type": "string",
                                "pattern": .string(SchemaPatterns.rate),
                            ],
                            "duration": ref("timeDistribution", "How long each piece of other work holds the resource: `20 min` or a distribution."),
                        ],
                        "required": ["rate", "duration"],
                        "additionalProperties": false,
                    ],
                ],
                "required": ["organisation"],
                "additionalProperties": false,
            ],
            "attribute": attribute,
            "arrivals": [
                "description": "How patients arrive at the start. Give exactly one of `rate`, `weekly` or `cohort`.",
                "type": "object",
                "properties": [
                    "rate": [
                        "description": "A Poisson arrival rate around the clock: `35 per week`, `5 per day`, `2 per hour`.",
                        "type": "string",
                        "pattern": .string(SchemaPatterns.rate),
                        "examples": ["35 per week", "5 per day"],
                    ],
                    "weekly": [
                        "description": "Average arrivals on each day of the week, for pathways whose referrals follow the working week.",
                        "type": "object",
                        "properties": .object(Dictionary(uniqueKeysWithValues: Weekday.allCases.map { day in
                            (day.shortName, [
                                "description": .string("Average arrivals on \(weekdayName[day.rawValue])s."),
                                "type": "number",
                                "minimum": 0,
                            ] as SchemaValue)
                        })),
                        "additionalProperties": false,
                    ],
                    "cohort": [
                        "description": "A fixed number of patients, all arriving at time 0 (Monday 00:00).",
                        "type": "integer",
                        "minimum": 1,
                    ],
                    "growth": [
                        "description": "How much the arrival rate grows in a year, compounded over the run: `5% per year` (or `-2% per year`). Not for a cohort.",
                        "type": "string",
                        "pattern": .string(SchemaPatterns.growth),
                        "examples": ["5% per year"],
                    ],
                ],
                "oneOf": [["required": ["rate"]], ["required": ["weekly"]], ["required": ["cohort"]]],
                "additionalProperties": false,
            ],
            "target": [
                "description": "A waiting-time standard: the share of patients (`standard`) who should get from step `from` to a `to` step within `within`.",
                "type": "object",
                "properties": [
                    "title": text("The standard's name, such as `28-day Faster Diagnosis Standard`."),
                    "from": identifier("The step where the clock starts: by default when the patient arrives there."),
                    "to": [
                        "description": "The step, or list of steps, where the clock stops: by default when the step's work starts, after any queue. The first reached stops it.",
                        "anyOf": [
                            ["$ref": "#/$defs/identifier"],
                            ["type": "array", "items": ["$ref": "#/$defs/identifier"], "minItems": 1],
                        ],
                    ],
                    "within": ref("duration", "The time allowed, such as `28 days` or `62 days`."),
                    "standard": ref("probability", "The share of patients who should meet it: `75%` or `0.75`."),
                    "starts": [
                        "description": "When at `from` the clock starts: `on arrival` (default; the patient reaches the step), `on start` (its work starts) or `on completion` (its work is done).",
                        "enum": ["on arrival", "on start", "on completion"],
                    ],
                    "stops": [
                        "description": "When at a `to` step the clock stops: `on start` (default; its work starts, after any queue, as national waiting-time standards count), `on arrival` or `on completion`.",
                        "enum": ["on arrival", "on start", "on completion"],
                    ],
                ],
                "required": ["from", "to", "within", "standard"],
                "additionalProperties": false,
            ],
            "code": [
                "description": "A clinical code for the step. Use only codes you are sure of.",
                "type": "object",
                "properties": [
                    "system": text("The code system's URI, such as `http://snomed.info/sct`; `snomed`, `opcs-4`, `icd-10` and `loinc` are accepted as short names."),
                    "code": [
                        "description": "The code itself; for SNOMED CT a concept id of 6 to 18 digits. Quote it.",
                        "type": ["string", "integer"],
                    ],
                    "display": text("The code's human-readable name."),
                ],
                "required": ["system", "code"],
                "additionalProperties": false,
            ],
            "handoff": [
                "description": "What happens when the patient moves to a step in another organisation: the delay and the data that travels.",
                "type": "object",
                "properties": [
                    "delay": ref("timeDistribution", "Time between leaving this step and being able to start the next (letters, triage, booking). It counts toward every running target clock."),
                    "sends": [
                        "description": "The data items sent with the patient. Leave it out when everything known travels (a shared record); a list means only those items arrive.",
                        "anyOf": [
                            ["type": "null"],
                            ["$ref": "#/$defs/identifier"],
                            ["type": "array", "items": ["$ref": "#/$defs/identifier"]],
                        ],
                    ],
                    "via": text("How it is sent: `e-RS referral`, `NHS mail`, `phone`."),
                ],
                "additionalProperties": false,
            ],
            "branch": branch,
            "step": step,
        ]
    }

    // MARK: - Steps

    /// Each step key's schema. Every key the loader accepts must appear here (a test checks).
    private static var stepProperties: [String: SchemaValue] {
        [
            "kind": word(
                "What kind of step it is; this decides which other keys it takes.",
                stepKinds.map(\.name), help: stepKinds.map(\.help)),
            "title": text("The step's name as clinicians say it, such as `CT chest with contrast`."),
            "description": text("Free text about the step."),
            "organisation": identifier("The id of the organisation where it happens. Decisions, waits, parallel and end steps may leave it out and belong to the organisation of the step before."),
            "role": text("Who does it: `respiratory physician`, `radiographer`, `clinical nurse specialist`."),
            "code": ref("code", "A clinical code for the step: `{ system, code, display }`."),
            "requires": ref("dataItems", "Data the step needs. Each item must be produced on every path before this step and survive every handoff on the way."),
            "produces": ref("dataItems", "Data the step creates, such as `ct-report`."),
            "resource": identifier("The id of a resource the patient queues for before the step starts. It must belong to the step's organisation."),
            "duration": ref("timeDistribution", "How long the step takes, holding its resource: `20 min`, or a distribution such as `lognormal(mean: 20 min, sd: 5 min)`."),
            "result_after": ref("timeDistribution", "For tests: time after the step until the result is available. It does not hold the resource."),
            "did_not_attend": ref("probability", "The share of appointments the patient does not attend, such as `8%`: the resource is held for the step's duration with nobody seen, and the patient is rebooked."),
            "cancelled": ref("probability", "The share of appointments cancelled before they start, such as `3%`: the slot goes to the next patient, and the patient is rebooked."),
            "rebooked_after": ref("timeDistribution", "How long after a missed or cancelled appointment the patient is seen again (then queues again), such as `2 weeks`. Default: at once."),
            "every": ref("duration", "For meetings (MDT): how often the meeting sits, such as `7 days`. A patient waits for the next sitting."),
            "next": identifier("The id of the step that follows."),
            "handoff": ref("handoff", "What happens when the next step is in another organisation: `{ delay, sends, via }`."),
            "branches": [
                "description": "The ways out of a decision. Each has `to` and `when`, `probability`, both, or `otherwise: true` (exactly one fallback).",
                "type": "array",
                "items": ["$ref": "#/$defs/branch"],
                "minItems": 1,
            ],
            "paths": [
                "description": "For parallel steps: the first step of each path that runs at the same time. Each path's last step has `next:` the join.",
                "anyOf": [
                    ["$ref": "#/$defs/identifier"],
                    ["type": "array", "items": ["$ref": "#/$defs/identifier"], "minItems": 1],
                ],
            ],
            "join": identifier("For parallel steps: the step where the paths meet again; the patient goes on once every path has arrived."),
            "pathway": text("For subpathway steps: the pathway file to run, relative to this file; it cannot leave the pathway folder."),
            "outcome": text("For end steps: the outcome recorded, such as `discharged-to-gp` or `treated`."),
        ]
    }

    /// Step kinds with help text; the aliases the loader also accepts come last.
    private static var stepKinds: [(name: String, help: String, kind: StepKind)] {
        let help: [StepKind: String] = [
            .referral: "A referral into the pathway, such as a GP urgent suspected cancer referral.",
            .assessment: "A consultation or assessment: clinic, triage, review.",
            .test: "A test or investigation; `result_after` is the wait for its result.",
            .decision: "A decision point: the patient takes one of its `branches`.",
            .treatment: "A treatment: surgery, chemotherapy, a prescription.",
            .meeting: "A multidisciplinary team meeting (MDT), held `every` so often.",
            .wait: "A planned wait, such as watchful waiting for 6 weeks.",
            .parallel: "Starts several `paths` at once, which meet again at `join`.",
            .subpathway: "Runs another pathway file, then goes on to `next`.",
            .end: "The end of the journey, with its `outcome`.",
        ]
        var kinds = StepKind.allCases.map { (name: $0.rawValue, help: help[$0] ?? $0.rawValue, kind: $0) }
        for (alias, kind) in stepKindAliases {
            kinds.append((name: alias, help: "Another name for \(kind.rawValue).", kind: kind))
        }
        return kinds
    }

    /// Other names the loader accepts for step kinds.
    static let stepKindAliases: [(String, StepKind)] = [("mdt", .meeting), ("appointment", .assessment), ("investigation", .test)]

    private static var step: SchemaValue {
        var properties: [String: SchemaValue] = [:]
        let described = stepProperties
        for key in PathwayBuilder.allStepKeys { properties[key] = described[key] ?? [:] }
        var rules: [SchemaValue] = []
        for kind in StepKind.allCases {
            let names = [kind.rawValue] + stepKindAliases.filter { $0.1 == kind }.map(\.0)
            let allowed = PathwayBuilder.commonStepKeys + (PathwayBuilder.stepKeysByKind[kind] ?? [])
            var then: [String: SchemaValue] = ["propertyNames": ["enum": .array(allowed.map { .string($0) })]]
            let needed = requiredStepKeys(kind)
            if !needed.isEmpty { then["required"] = .array(needed.map { .string($0) }) }
            rules.append([
                "if": ["properties": ["kind": ["type": "string", "pattern": .string(SchemaPatterns.oneOf(names))]], "required": ["kind"]],
                "then": .object(then),
            ])
        }
        return [
            "description": "One step of the pathway. Which keys it takes depends on its `kind`.",
            "type": "object",
            "properties": .object(properties),
            "required": ["kind"],
            "additionalProperties": false,
            "allOf": .array(rules),
        ]
    }

    /// The keys a step of this kind must have, as the loader requires them.
    static func requiredStepKeys(_ kind: StepKind) -> [String] {
        switch kind {
        case .decision: ["branches"]
        case .parallel: ["paths", "join"]
        case .subpathway: ["organisation", "pathway", "next"]
        case .end: []
        case .wait: ["next"]
        case .referral, .assessment, .test, .treatment, .meeting: ["organisation", "next"]
        }
    }

    private static var branch: SchemaValue {
        [
            "description": "One way out of a decision: where it goes and when it is taken.",
            "type": "object",
            "properties": [
                "to": identifier("The id of the step this branch goes to."),
                "when": ref("condition", "The condition on patient attributes under which the branch is taken, such as `age >= 40 and smoker`."),
                "probability": ref("probability", "The chance the branch is taken (among patients meeting `when`, if given). Probability-only branches of a decision must add up to 1 unless there is an `otherwise`."),
                "otherwise": [
                    "description": "`true` makes this the fallback branch, taken when no other branch is. A decision has at most one.",
                    "type": "boolean",
                ],
                "label": text("A short label for diagrams and reports, such as `suspicious`."),
            ],
            "required": ["to"],
            "additionalProperties": false,
            "anyOf": [
                ["required": ["when"]],
                ["required": ["probability"]],
                ["required": ["otherwise"], "properties": ["otherwise": ["const": true]]],
            ],
            "if": ["required": ["otherwise"], "properties": ["otherwise": ["const": true]]],
            "then": ["not": ["anyOf": [["required": ["when"]], ["required": ["probability"]]]]],
        ]
    }

    // MARK: - Attributes

    private static var attribute: SchemaValue {
        let common = ["type", "description"]
        let keysByType: [(names: [String], keys: [String], required: [String])] = [
            (["integer", "number"], common + ["distribution", "min", "max", "unit"], ["distribution"]),
            (["boolean"], common + ["probability"], ["probability"]),
            (["category"], common + ["values"], ["values"]),
        ]
        return [
            "description": "A typed patient attribute that conditions can read, sampled once per simulated patient.",
            "type": "object",
            "properties": [
                "type": word(
                    "The attribute's type: integer (whole numbers), number, boolean (yes/no) or category (one of named values).",
                    ["integer", "number", "boolean", "category"],
                    help: [
                        "Whole numbers, such as age in years; needs a `distribution`.",
                        "Real numbers, such as a blood test result; needs a `distribution`.",
                        "Yes/no, such as smoker; needs a `probability`.",
                        "One of several named values, such as risk low/high; needs `values`.",
                    ]),
                "description": text("What the attribute means, and where its numbers come from."),
                "distribution": ref("numberDistribution", "For integer and number attributes: how the value varies between patients, such as `normal(mean: 71, sd: 9)`."),
                "min": ["description": "For integer and number attributes: the smallest value; sampled values are clamped to it.", "type": "number"],
                "max": ["description": "For integer and number attributes: the largest value; sampled values are clamped to it.", "type": "number"],
                "unit": text("For integer and number attributes: the unit (`years`, `ng/L`, `µg/g`), checked against units written in conditions."),
                "probability": ref("probability", "For boolean attributes: the share of patients for whom it is true, such as `0.45` or `45%`."),
                "values": [
                    "description": "For category attributes: each value with its probability, in order (the first is highest priority in queues). The probabilities add up to 1: `{ low: 0.6, high: 0.4 }`.",
                    "type": "object",
                    "propertyNames": ["pattern": .string(SchemaPatterns.identifier)],
                    "additionalProperties": ref("probability", "The share of patients with this value."),
                    "minProperties": 1,
                ],
            ],
            "required": ["type"],
            "additionalProperties": false,
            "allOf": .array(keysByType.map { entry in
                [
                    "if": ["properties": ["type": ["type": "string", "pattern": .string(SchemaPatterns.oneOf(entry.names))]], "required": ["type"]],
                    "then": [
                        "propertyNames": ["enum": .array(entry.keys.map { .string($0) })],
                        "required": .array(entry.required.map { .string($0) }),
                    ],
                ]
            }),
        ]
    }

    // MARK: - Helpers

    private static let organisationTypeHelp: [OrganisationType: String] = [
        .primaryCare: "GP practice or primary care network.",
        .acute: "Acute hospital trust.",
        .community: "Community health services.",
        .specialist: "Specialist or tertiary centre.",
        .mentalHealth: "Mental health trust or service.",
        .ambulance: "Ambulance service.",
        .diagnosticCentre: "Community diagnostic centre.",
        .socialCare: "Social care.",
        .hospice: "Hospice or palliative care service.",
        .pharmacy: "Community pharmacy.",
        .other: "Any other organisation.",
    ]

    private static let weekdayName = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// One word of a fixed list, in any case, as the loader reads it (`Active`, `ACUTE`,
    /// `Assessment`). The `enum` branch gives editors the canonical spellings to complete and
    /// explain on hover; the pattern branch accepts them in any case, so the editor never
    /// underlines what `carepath validate` accepts. JSON Schema patterns have no flag for case.
    private static func word(_ description: String, _ names: [String], help: [String], default: String? = nil) -> SchemaValue {
        var schema: [String: SchemaValue] = [
            "description": .string(description),
            "anyOf": [
                ["enum": .array(names.map { .string($0) }), "enumDescriptions": .array(help.map { .string($0) })],
                ["type": "string", "pattern": .string(SchemaPatterns.oneOf(names))],
            ],
        ]
        if let `default` { schema["default"] = .string(`default`) }
        return .object(schema)
    }

    private static func text(_ description: String) -> SchemaValue {
        ["description": .string(description), "type": "string"]
    }

    private static func identifier(_ description: String) -> SchemaValue {
        ["description": .string(description), "$ref": "#/$defs/identifier"]
    }

    private static func ref(_ name: String, _ description: String) -> SchemaValue {
        ["description": .string(description), "$ref": .string("#/$defs/\(name)")]
    }

    /// An object keyed by ids, each value matching `value`.
    private static func map(_ description: String, value: SchemaValue) -> SchemaValue {
        [
            "description": .string(description),
            "type": "object",
            "propertyNames": ["pattern": .string(SchemaPatterns.identifier)],
            "additionalProperties": value,
        ]
    }
}

/// The regular expressions of the schema, written for ECMA-262 and Python alike: no flags, so
/// case-insensitive words are spelt out (`[dD][aA][yY]`), as the loader accepts any case.
enum SchemaPatterns {
    static let identifier = "^[A-Za-z0-9][A-Za-z0-9_-]*$"
    static let webAddress = "^https?://"
    static let number = #"\+?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)"#

    static var timeUnit: String { alternatives(ValueSyntax.timeUnits.keys.sorted()) }
    static var family: String { alternatives(ValueSyntax.families.keys.sorted()) }

    static var duration: String { #"^\s*"# + number + #"\s*"# + timeUnit + #"\s*$"# }
    static var timeDistribution: String {
        #"^\s*(?:"# + number + #"\s*"# + timeUnit + "|" + family + #"\s*\(.*\))\s*$"#
    }
    static var numberDistribution: String {
        #"^\s*(?:-?"# + number + "|" + family + #"\s*\(.*\))\s*$"#
    }
    static var probability: String { #"^\s*"# + number + #"\s*%?\s*$"# }
    static var rate: String {
        #"^\s*"# + number + #"\s*(?:\s"# + alternatives(["per", "a", "an"]) + #"\s|/)\s*(?:"# + number + #"\s+)?"#
            + timeUnit + #"\s*$"#
    }
    static var calendar: String {
        let dayWords = ["weekdays", "weekends", "weekend", "daily", "everyday", "all",
                        "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs",
                        "thursday", "fri", "friday", "sat", "saturday", "sun", "sunday"]
        let day = alternatives(dayWords)
        let days = "\(day)(?:-\(day))?(?:,\(day)(?:-\(day))?)*"
        let clock = "[0-9]{1,2}:[0-9]{2}"
        let window = #"\#(days)\s+\#(clock)-\#(clock)"#
        let holidays = #"(?:\s*[;,]?\s*"# + anyCase("except") + #"\s+"# + anyCase("bank") + #"\s+"# + anyCase("holidays") + ")?"
        return #"^\s*(?:"# + alternatives(["always"]) + "|24/7|" + window + #"(?:\s*;\s*"# + window + #")*\s*;?)"# + holidays + #"\s*$"#
    }
    static var growth: String {
        #"^\s*-?"# + number + #"\s*%\s*(?:"# + alternatives(["per", "a"]) + #"\s+"# + alternatives(["year", "annum"]) + #"|/\s*"# + anyCase("year") + #")\s*$"#
    }

    /// The whole text is one of `words`, in any case.
    static func oneOf(_ words: [String]) -> String { "^" + alternatives(words) + "$" }

    /// `(?:a|b)` with each word matched in any case, longest first so that no word is cut short.
    static func alternatives(_ words: [String]) -> String {
        let ordered = words.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
        return "(?:" + ordered.map(anyCase).joined(separator: "|") + ")"
    }

    static func anyCase(_ word: String) -> String {
        word.map { c in
            let lower = String(c).lowercased(), upper = String(c).uppercased()
            return lower == upper ? escape(String(c)) : "[\(lower)\(upper)]"
        }.joined()
    }

    private static func escape(_ s: String) -> String {
        "\\^$.|?*+()[]{}".contains(s) ? "\\" + s : s
    }
}
