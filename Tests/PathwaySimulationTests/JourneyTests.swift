import Testing
import PathwayModel
@testable import PathwaySimulation

/// Routing: parallel paths and joins, subpathways, decisions, handoffs and targets.
@Suite struct JourneyTests {
    private let gp = Organisation(id: "gp", name: "GP practice", type: .primaryCare)
    private let acute = Organisation(id: "acute", name: "Acute trust", type: .acute)

    @Test func parallelPathsJoinWhenTheSlowestArrives() throws {
        let pathway = Pathway(
            id: "p", title: "Parallel", organisations: [acute], arrivals: .cohort(size: 50), start: "split",
            steps: [
                Step(id: "split", kind: .parallel, organisation: "acute", paths: ["bloods", "scan"], join: "review"),
                Step(id: "bloods", kind: .test, organisation: "acute", duration: .fixed(1440), next: "review"),
                Step(id: "scan", kind: .test, organisation: "acute", duration: .fixed(3 * 1440), next: "review"),
                Step(id: "review", kind: .assessment, organisation: "acute", duration: .fixed(60), next: "end"),
                Step(id: "end", kind: .end, outcome: "reviewed"),
            ])
        let report = try Simulator(pathway: pathway).run(SimulationOptions(replications: 2))
        #expect(report.journeyMeanMinutes.mean == 3 * 1440 + 60)
        #expect(report.outcomes.first?.count == 100) // one end per patient, not one per path
        #expect(report.steps.first { $0.id == "review" }?.visits.mean == 50)
    }

    @Test func handoffDelayCountsTowardTheTargetClock() throws {
        let pathway = Pathway(
            id: "h", title: "Handoff", organisations: [gp, acute], arrivals: .cohort(size: 20),
            targets: [Target(id: "fds", from: "referral", to: ["clinic"], within: .days(2.5), standard: 0.75)],
            start: "referral",
            steps: [
                Step(id: "referral", kind: .referral, organisation: "gp", duration: .fixed(1440), next: "clinic",
                     handoff: Handoff(delay: .fixed(2 * 1440))),
                Step(id: "clinic", kind: .assessment, organisation: "acute", duration: .fixed(30), next: "end"),
                Step(id: "end", kind: .end, outcome: "seen"),
            ])
        let report = try Simulator(pathway: pathway).run(SimulationOptions(replications: 2))
        let target = try #require(report.targets.first)
        #expect(target.meanMinutes.mean == 3 * 1440) // 1 day referral + 2 days handoff
        #expect(target.attainment.mean == 0) // 3 days > 2.5 days
        let handoff = try #require(report.handoffs.first)
        #expect(handoff.from == "gp" && handoff.to == "acute" && handoff.count.mean == 20)
    }

    @Test func decisionsFollowConditionsOverSampledAttributes() throws {
        let condition = Condition(
            text: "age >= 40 and risk == high",
            expression: .logical(.and,
                                 .comparison(.greaterOrEqual, .attribute("age", offset: 0), .number(40, unit: nil, offset: 7)),
                                 .comparison(.equal, .attribute("risk", offset: 14), .attribute("high", offset: 22))),
            location: .unknown)
        let pathway = Pathway(
            id: "d", title: "Decision", organisations: [acute],
            attributes: [
                Attribute(id: "age", type: .integer(.uniform(min: 20, max: 60), min: nil, max: nil)),
                Attribute(id: "risk", type: .category([CategoryValue(name: "low", probability: 0.5),
                                                       CategoryValue(name: "high", probability: 0.5)])),
            ],
            arrivals: .cohort(size: 20_000), start: "triage",
            steps: [
                Step(id: "triage", kind: .decision, organisation: "acute", branches: [
                    Branch(to: "urgent", when: condition),
                    Branch(to: "routine", otherwise: true),
                ]),
                Step(id: "urgent", kind: .end, outcome: "urgent"),
                Step(id: "routine", kind: .end, outcome: "routine"),
            ])
        let report = try Simulator(pathway: pathway).run(SimulationOptions(replications: 1))
        let urgent = try #require(report.outcomes.first { $0.name == "urgent" }).share.mean
        // P(age >= 40) with age = round(uniform(20, 60)): 20.5/40; P(high) = 0.5.
        #expect(abs(urgent - 0.5 * 20.5 / 40) < 0.015, "urgent share \(urgent)")
    }

    /// An `in [...]` list of constants is looked up in a sorted set (a 10,000-value list was
    /// scanned value by value for every patient); a list with an attribute in it is still scanned.
    /// Both give the shares that counting the values gives.
    @Test func longInListsRouteAsTheirValuesSay() throws {
        func share(_ when: String) throws -> Double {
            let evens = stride(from: 0, through: 98, by: 2).map(String.init).joined(separator: ", ")
            let yaml = """
            carepath: 1
            id: lists
            title: Lists
            organisations:
              acute: { name: Acute, type: acute }
            attributes:
              age: { type: integer, distribution: "uniform(-0.5, 99.5)", min: 0, max: 99, unit: years }
              floor: { type: integer, distribution: "fixed(1)", min: 0, max: 99, unit: years }
            arrivals: { cohort: 20000 }
            start: triage
            steps:
              triage:
                kind: decision
                branches:
                  - { to: picked, when: '\(when.replacingOccurrences(of: "EVENS", with: evens))' }
                  - { to: other, otherwise: true }
              picked: { kind: end, outcome: picked }
              other: { kind: end, outcome: other }
            """
            let pathway = try ClockTruthTests.pathway(yaml, file: "lists.yaml")
            let report = try Simulator(pathway: pathway).run(SimulationOptions(replications: 1))
            return try #require(report.outcomes.first { $0.name == "picked" }).share.mean
        }
        // Half the ages are even; a list with an attribute in it adds age 1.
        #expect(abs(try share("age in [EVENS]") - 0.5) < 0.015)
        #expect(abs(try share("age not in [EVENS]") - 0.5) < 0.015)
        #expect(abs(try share("age in [EVENS, floor]") - 0.51) < 0.015)
        #expect(try share("age in [200, 300]") == 0)
    }

    @Test func probabilityBranchesSplitPatientsInProportion() throws {
        let pathway = Pathway(
            id: "b", title: "Branches", organisations: [acute], arrivals: .cohort(size: 40_000), start: "mdt",
            steps: [
                Step(id: "mdt", kind: .decision, organisation: "acute", branches: [
                    Branch(to: "treat", probability: 0.3),
                    Branch(to: "watch", probability: 0.7),
                ]),
                Step(id: "treat", kind: .end, outcome: "treat"),
                Step(id: "watch", kind: .end, outcome: "watch"),
            ])
        let report = try Simulator(pathway: pathway).run(SimulationOptions(replications: 1))
        let treat = try #require(report.outcomes.first { $0.name == "treat" }).share.mean
        #expect(abs(treat - 0.3) < 0.01)
    }

    @Test func subpathwaysRunInlineAndReturnToTheCallingStep() throws {
        let rehab = Pathway(
            id: "rehab", title: "Rehab", organisations: [Organisation(id: "community", name: "Community", type: .community)],
            start: "class",
            steps: [
                Step(id: "class", kind: .treatment, organisation: "community", duration: .fixed(7 * 1440), next: "done"),
                Step(id: "done", kind: .end, outcome: "rehab-complete"),
            ])
        let pathway = Pathway(
            id: "s", title: "Sub", organisations: [acute], arrivals: .cohort(size: 10), start: "surgery",
            steps: [
                Step(id: "surgery", kind: .treatment, organisation: "acute", duration: .fixed(1440), next: "rehab"),
                Step(id: "rehab", kind: .subpathway, organisation: "acute", next: "follow-up", pathway: "rehab.yaml"),
                Step(id: "follow-up", kind: .assessment, organisation: "acute", duration: .fixed(60), next: "end"),
                Step(id: "end", kind: .end, outcome: "discharged"),
            ],
            subpathways: ["rehab.yaml": rehab])
        let report = try Simulator(pathway: pathway).run(SimulationOptions(replications: 1))
        #expect(report.journeyMeanMinutes.mean == 8 * 1440 + 60)
        #expect(report.outcomes.map(\.name) == ["discharged"])
        #expect(Set(report.steps.map(\.id)) == ["surgery", "rehab/class", "follow-up"])
        #expect(Set(report.handoffs.map { "\($0.from)->\($0.to)" }) == ["acute->community", "community->acute"])
    }

    @Test func meetingsWaitForTheNextSitting() throws {
        let pathway = Pathway(
            id: "m", title: "MDT", organisations: [acute], arrivals: .poisson(perDay: 3), start: "mdt",
            steps: [
                Step(id: "mdt", kind: .meeting, organisation: "acute", duration: .fixed(10), every: .days(7), next: "end"),
                Step(id: "end", kind: .end, outcome: "discussed"),
            ])
        var sink: RecordingSink? = RecordingSink()
        let report = try Simulator(pathway: pathway)
            .run(SimulationOptions(length: .days(70), replications: 1), eventSink: &sink)
        for start in try #require(sink).entries where start.lifecycle == .start {
            #expect(start.minutes.truncatingRemainder(dividingBy: 10_080) == 0)
        }
        // Arrivals are uniform over the week, so the mean wait for a weekly sitting is 3.5 days.
        let wait = try #require(report.steps.first).meanWaitMinutes.mean
        #expect(abs(wait / 1440 - 3.5) < 0.3)
    }

    @Test func priorityQueuesServeTheHighestCategoryFirst() throws {
        let pathway = Pathway(
            id: "q", title: "Priority", organisations: [acute],
            resources: [Resource(id: "clinic", organisation: "acute", capacity: 1, queue: .priority(attribute: "urgency"))],
            attributes: [Attribute(id: "urgency", type: .category([CategoryValue(name: "urgent", probability: 0.2),
                                                                   CategoryValue(name: "routine", probability: 0.8)]))],
            arrivals: .cohort(size: 1_000), start: "triage",
            steps: [
                Step(id: "triage", kind: .decision, organisation: "acute", branches: [
                    Branch(to: "seen-urgent", when: Condition(text: "urgency == urgent",
                                                              expression: .comparison(.equal, .attribute("urgency", offset: 0), .text("urgent", offset: 11)),
                                                              location: .unknown)),
                    Branch(to: "seen-routine", otherwise: true),
                ]),
                Step(id: "seen-urgent", kind: .assessment, organisation: "acute", resource: "clinic", duration: .fixed(10), next: "end"),
                Step(id: "seen-routine", kind: .assessment, organisation: "acute", resource: "clinic", duration: .fixed(10), next: "end"),
                Step(id: "end", kind: .end, outcome: "seen"),
            ])
        let report = try Simulator(pathway: pathway).run(SimulationOptions(replications: 1))
        let urgent = try #require(report.steps.first { $0.id == "seen-urgent" }).meanWaitMinutes.mean
        let routine = try #require(report.steps.first { $0.id == "seen-routine" }).meanWaitMinutes.mean
        #expect(urgent < 2_000 && routine > 2_000 * 2, "urgent \(urgent), routine \(routine)")
    }
}
