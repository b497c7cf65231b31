import Foundation
import PathwayModel

/// Pathways built in code, so the exporters can be tested without the YAML loader.
enum Fixtures {
    static let here = SourceLocation(file: "fixture.yaml", line: 0, column: 0)

    static func at(_ line: Int) -> SourceLocation { SourceLocation(file: "fixture.yaml", line: line, column: 3) }

    /// A lung-cancer-like pathway using every step kind, three organisations, a coded test,
    /// conditions of every shape, probabilities, a parallel split and join, a wait, handoffs
    /// with delays, and data that must travel.
    static var lung: Pathway {
        let ageAndSmoker = Condition(
            text: "age >= 40 and smoker",
            expression: .logical(.and, .comparison(.greaterOrEqual, .attribute("age", offset: 0), .number(40, unit: nil, offset: 7)),
                                 .attribute("smoker", offset: 14)),
            location: at(40))
        let highRisk = Condition(
            text: "risk in [high, very-high]",
            expression: .membership(.attribute("risk", offset: 0), [.text("high", offset: 9), .text("very-high", offset: 15)],
                                    negated: false),
            location: at(41))
        let bnp = Condition(
            text: "not (nt-probnp > 2000 ng/L) or risk == low",
            expression: .logical(.or, .not(.comparison(.greater, .attribute("nt-probnp", offset: 5),
                                                       .number(2000, unit: "ng/L", offset: 17)), offset: 0),
                                 .comparison(.equal, .attribute("risk", offset: 31), .text("low", offset: 39))),
            location: at(42))
        return Pathway(
            id: "fixture-lung-cancer", title: "Suspected lung cancer (test fixture)", version: "2024.1", status: .active,
            description: "Urgent suspected lung cancer referral to diagnosis and treatment.",
            sources: [Source(title: "National Optimal Lung Cancer Pathway", url: "https://www.england.nhs.uk/publication/national-optimal-lung-cancer-pathway/",
                             publisher: "NHS England")],
            organisations: [
                Organisation(id: "gp", name: "GP practice", type: .primaryCare),
                Organisation(id: "acute", name: "Acute trust", type: .acute),
                Organisation(id: "community", name: "Community respiratory team", type: .community),
            ],
            resources: [Resource(id: "ct-scanner", name: "CT scanner", organisation: "acute", capacity: 2,
                                 calendar: OpeningCalendar(windows: [OpeningWindow(days: [.monday, .tuesday, .wednesday, .thursday, .friday],
                                                                                   opens: 480, closes: 1080)],
                                                           text: "weekdays 08:00-18:00"))],
            attributes: [
                Attribute(id: "age", type: .integer(.normal(mean: 71, sd: 9), min: 18, max: 100), unit: "years"),
                Attribute(id: "smoker", type: .boolean(probability: 0.45)),
                Attribute(id: "risk", type: .category([CategoryValue(name: "low", probability: 0.6),
                                                       CategoryValue(name: "high", probability: 0.3),
                                                       CategoryValue(name: "very-high", probability: 0.1)])),
                Attribute(id: "nt-probnp", type: .number(.lognormal(mean: 900, sd: 1200), min: nil, max: nil), unit: "ng/L"),
            ],
            dataItems: [DataItem(name: "ct-report", type: "DiagnosticReport"), DataItem(name: "spirometry-result", type: "127783003")],
            arrivals: .poisson(perDay: 5),
            targets: [Target(id: "faster-diagnosis", title: "28-day Faster Diagnosis Standard", from: "referral",
                             to: ["diagnosis-told", "discharge"], within: .days(28), standard: 0.75)],
            start: "referral",
            steps: [
                Step(id: "referral", kind: .referral, title: "GP urgent suspected cancer referral", organisation: "gp", role: "GP",
                     duration: .fixed(20), produces: [DataItem(name: "referral-letter")], next: "ct-scan",
                     handoff: Handoff(delay: .fixed(2880), sends: ["referral-letter"], via: "e-RS"), location: at(30)),
                Step(id: "ct-scan", kind: .test, title: "CT chest and abdomen", organisation: "acute", role: "radiographer",
                     resource: "ct-scanner",
                     code: ClinicalCode(system: ClinicalCode.snomedSystem, code: "77477000", display: "Computerized axial tomography"),
                     duration: .lognormal(mean: 20, sd: 5), resultAfter: .fixed(2880),
                     requires: [DataItem(name: "referral-letter")], produces: [DataItem(name: "ct-report")], next: "ct-result",
                     location: at(36)),
                Step(id: "ct-result", kind: .decision, title: "CT result",
                     branches: [
                        Branch(to: "clinic", when: ageAndSmoker, probability: 0.4, label: "suspicious"),
                        Branch(to: "tests", when: highRisk),
                        Branch(to: "discharge", when: bnp),
                        Branch(to: "clinic", otherwise: true),
                     ], location: at(39)),
                Step(id: "tests", kind: .parallel, title: "Further tests", paths: ["bloods", "spirometry"], join: "mdt", location: at(45)),
                Step(id: "bloods", kind: .test, title: "Blood tests", organisation: "acute", duration: .fixed(10), next: "mdt", location: at(48)),
                Step(id: "spirometry", kind: .test, title: "Lung function tests", organisation: "acute", duration: .uniform(min: 30, max: 60),
                     produces: [DataItem(name: "spirometry-result")], next: "mdt", location: at(50)),
                Step(id: "clinic", kind: .assessment, title: "Respiratory clinic", organisation: "acute", role: "respiratory physician",
                     duration: .fixed(30), requires: [DataItem(name: "ct-report")], next: "mdt", location: at(53)),
                Step(id: "mdt", kind: .meeting, title: "Lung MDT", organisation: "acute", duration: .fixed(15), every: .days(7),
                     next: "diagnosis-told", location: at(56)),
                Step(id: "diagnosis-told", kind: .assessment, title: "Diagnosis given", organisation: "acute",
                     role: "lung cancer nurse specialist", duration: .fixed(30), next: "treatment-choice", location: at(59)),
                Step(id: "treatment-choice", kind: .decision, title: "Treatment choice",
                     branches: [Branch(to: "surgery", probability: 0.6),
                                Branch(to: "diagnosis-told", probability: 0.1, label: "needs more discussion"),
                                Branch(to: "prehab-wait", probability: 0.3)],
                     location: at(62)),
                Step(id: "surgery", kind: .treatment, title: "Lobectomy", organisation: "acute", role: "thoracic surgeon",
                     duration: .triangular(min: 120, mode: 180, max: 300), next: "rehab",
                     handoff: Handoff(delay: .uniform(min: 1440, max: 4320), via: "discharge summary"), location: at(66)),
                Step(id: "prehab-wait", kind: .wait, title: "Wait for treatment", duration: .fixed(60480), next: "rehab",
                     handoff: Handoff(delay: .fixed(1440)), location: at(70)),
                Step(id: "rehab", kind: .treatment, title: "Pulmonary rehabilitation", organisation: "community",
                     duration: .fixed(60), next: "smoking", handoff: Handoff(delay: .exponential(mean: 2880), via: "NHS mail"),
                     location: at(73)),
                Step(id: "smoking", kind: .subpathway, title: "Stop smoking service", organisation: "gp", next: "discharge",
                     pathway: "stop-smoking.yaml", location: at(77)),
                Step(id: "discharge", kind: .end, title: "Discharged to GP", outcome: "discharged-to-gp", location: at(80)),
            ])
    }

    /// Strings built to break an exporter that forgets to escape: the shared corpus
    /// `Tests/Corpus/hostile-strings.json`, which every writer's safety test reads. The pathway
    /// below picks its strings by index from the first sixteen, so those keep their order (the
    /// golden files `Golden/fixture-hostile.*` depend on it); new strings go after them.
    static let hostile: [String] = {
        let url = Golden.repositoryRoot.appendingPathComponent("Tests/Corpus/hostile-strings.json")
        guard let data = try? Data(contentsOf: url),
              let strings = try? JSONDecoder().decode([String].self, from: data), strings.count >= 16 else {
            fatalError("cannot read the hostile-string corpus at \(url.path)")
        }
        return strings
    }()

    /// A pathway whose every free-text field (and id) carries hostile strings.
    static var hostilePathway: Pathway {
        let h = hostile
        func s(_ i: Int) -> String { h[i % h.count] }
        let cond = Condition(text: "x", expression: .logical(.or,
            .comparison(.equal, .attribute(s(0), offset: 0), .text(s(1), offset: 0)),
            .membership(.attribute(s(10), offset: 0), [.text(s(2), offset: 0), .text(s(7), offset: 0)], negated: true)),
            location: here)
        return Pathway(
            id: "hostile-" + s(0), title: s(3), version: s(2), status: .draft, description: s(11) + s(14),
            sources: [Source(title: s(0), url: "javascript:alert(1)//\" onclick=\"x", publisher: s(1)),
                      Source(title: s(4), url: "https://example.org/a path/<x>", publisher: nil)],
            organisations: [Organisation(id: s(5), name: s(6), type: .primaryCare),
                            Organisation(id: s(7), name: s(8), type: .acute)],
            resources: [Resource(id: s(9), name: s(10), organisation: s(7), capacity: 1,
                                 calendar: OpeningCalendar(windows: [], text: s(11)))],
            // Both attributes the decision reads, each with values on both sides of its rule, so
            // every branch can be taken (the BPMN and FHIR referees check that).
            attributes: [Attribute(id: s(0), type: .category([CategoryValue(name: s(1), probability: 0.5),
                                                              CategoryValue(name: s(6), probability: 0.5)])),
                         Attribute(id: s(10), type: .category([CategoryValue(name: s(2), probability: 0.5),
                                                               CategoryValue(name: s(4), probability: 0.5)]))],
            dataItems: [DataItem(name: s(12), type: s(13))],
            targets: [Target(id: s(14), title: s(15), from: s(0), to: [s(3)], within: .days(2), standard: 0.5)],
            start: s(0),
            steps: [
                Step(id: s(0), kind: .referral, title: s(1), organisation: s(5), role: s(2),
                     code: ClinicalCode(system: s(3), code: s(10), display: s(4)), duration: .fixed(10),
                     produces: [DataItem(name: s(12))], next: s(1),
                     handoff: Handoff(delay: .fixed(60), sends: [s(12)], via: s(13))),
                Step(id: s(1), kind: .decision, title: s(6),
                     branches: [Branch(to: s(2), when: cond, label: s(11)), Branch(to: s(3), otherwise: true, label: s(14))]),
                Step(id: s(2), kind: .test, title: s(7), organisation: s(7), resource: s(9),
                     code: ClinicalCode(system: s(8), code: s(11), display: s(12)), duration: .fixed(30),
                     requires: [DataItem(name: s(12))], produces: [DataItem(name: s(13), type: s(0))], next: s(3)),
                Step(id: s(3), kind: .end, title: s(9), outcome: s(10)),
            ])
    }
}
