import PathwayModel

/// The results of a simulation run: every figure a mean across replications with its 95%
/// confidence interval, plus the raw tallies for anyone who wants more.
///
/// Times are in minutes; formatters convert them for people.
public struct SimulationReport: Sendable {
    /// One target's attainment.
    public struct TargetResult: Sendable {
        public var id: String
        public var title: String
        public var withinMinutes: Double
        /// The share that should meet it (0...1).
        public var standard: Double
        /// When the clock starts at `from` and stops at a `to` step.
        public var starts: ClockPoint
        public var stops: ClockPoint
        /// The share of patients who met the target, among those whose clock stopped and those
        /// whose clock was still running past the limit when the run ended (a breach).
        public var attainment: Estimate
        /// Mean clock time (minutes) of patients whose clock stopped.
        public var meanMinutes: Estimate
        /// Patients measured (clock stopped), summed over replications.
        public var measured: Int
        /// Of those, patients whose clock stopped within the limit, summed over replications.
        public var met: Int
        /// Patients still in the pathway at the end whose clock had run past the limit (counted
        /// as breaches), summed over replications.
        public var runningLate: Int
        /// Patients still in the pathway at the end whose clock was running within the limit
        /// (open: neither met nor missed), summed over replications.
        public var runningOpen: Int
        /// Patients whose clock started but never stopped because they finished by a route
        /// without a `to` step (not in the denominator), summed over replications.
        public var unstopped: Int
    }

    /// Where patients still in the pathway at the end of the run were.
    public struct UnfinishedResult: Sendable {
        public var step: String
        public var title: String
        public var place: UnfinishedPlace
        /// Paths of journeys there, summed over replications.
        public var count: Int
        /// The resource they queue for (place `.resource`).
        public var resource: String?
    }

    /// One patient-burden measure for an outcome (or every outcome), over finished patients.
    public struct BurdenResult: Sendable {
        /// The outcome, or nil for every finished patient.
        public var outcome: String?
        public var measure: PatientBurden.Measure
        /// Mean per patient (pooled over replications).
        public var mean: Double
        /// 90th percentile per patient (pooled over replications).
        public var p90: Int
        /// Finished patients it is measured over, summed over replications.
        public var patients: Int
    }



    /// Waits before work started at one step.
    public struct StepResult: Sendable {
        public var id: String
        public var title: String
        /// Visits per replication.
        public var visits: Estimate
        /// Mean wait (minutes) from entering the step to work starting: queueing for the
        /// resource and waiting for a meeting's sitting.
        public var meanWaitMinutes: Estimate
    }

    /// How busy one resource was.
    public struct ResourceResult: Sendable {
        public var id: String
        public var capacity: Int
        /// Busy server-time in opening hours over open server-time in the window, 0...1.
        public var utilisation: Estimate
        /// The share of the resource's work done outside its opening hours: work started before
        /// closing that ran on past it (a 10-hour list on an 8-hour calendar). 0 when always open.
        public var outsideHours: Estimate
        /// Time-weighted mean number of patients queueing.
        public var meanQueue: Estimate
    }

    /// Transfers of care from one organisation to another.
    public struct HandoffResult: Sendable {
        public var from: String
        public var to: String
        /// Handoffs per replication.
        public var count: Estimate
        /// Mean handoff delay (minutes).
        public var meanDelayMinutes: Estimate
    }

    /// How journeys ended.
    public struct OutcomeResult: Sendable {
        public var name: String
        /// Share of counted patients ending here.
        public var share: Estimate
        /// Patients ending here, summed over replications.
        public var count: Int
    }

    public var pathwayId: String
    public var pathwayTitle: String
    public var options: SimulationOptions
    public var length: RunLength
    public var replications: Int
    /// Counted patients per replication.
    public var patients: Estimate
    /// Counted patients who did not finish before the end of the run, summed over replications.
    public var unfinished: Int
    /// The same, per replication.
    public var unfinishedPerReplication: Estimate
    /// Where the unfinished patients' paths were, summed over replications, most first.
    public var unfinishedPlaces: [UnfinishedResult]
    /// Patient burden per outcome and overall (outcome nil), over finished patients.
    public var burden: [BurdenResult]
    /// Warnings about the run itself, pointing at the pathway: patients unfinished (CP540), a
    /// run too short for its journeys (CP541).
    public var warnings: [Diagnostic]
    public var targets: [TargetResult]
    /// Journey time (minutes), arrival to the end of the last path.
    public var journeyMeanMinutes: Estimate
    /// Journey time percentiles (minutes), pooled over replications.
    public var journeyP50Minutes: Double?
    public var journeyP90Minutes: Double?
    public var journeyP95Minutes: Double?
    public var steps: [StepResult]
    public var resources: [ResourceResult]
    public var handoffs: [HandoffResult]
    /// Outcomes, and (when any patient did not finish) a last row named `unfinishedOutcome`,
    /// so the shares add up to 100%.
    public var outcomes: [OutcomeResult]
    /// The name of the outcome row for patients still in the pathway when the run ended.
    public static let unfinishedOutcome = "(unfinished: still in the pathway at the end)"
    /// Time-weighted mean number of patients in the pathway (for Little's law: L = λW).
    public var meanInPathway: Estimate
    /// Counted arrivals per day in the observation window.
    public var arrivalsPerDay: Estimate
    /// Events processed, summed over replications.
    public var events: Int
    /// The first replication that stopped early for the memory limit, if any: its figures, and
    /// the report's, are then incomplete (`Simulator.memoryError(in:)` explains it).
    public var memoryStop: MemoryStop? { tallies.lazy.compactMap(\.memoryStop).first }

    /// Each replication's raw tallies, in replication order.
    public var tallies: [ReplicationTally]

    init(pathway: Pathway, model: CompiledPathway, options: SimulationOptions, length: RunLength,
         tallies: [ReplicationTally]) {
        pathwayId = pathway.id
        pathwayTitle = pathway.title
        self.options = options
        self.length = length
        self.tallies = tallies
        replications = tallies.count
        func estimate(_ value: (ReplicationTally) -> Double) -> Estimate { Estimate(tallies.map(value)) }
        func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : .nan }

        patients = estimate { Double($0.patients) }
        unfinished = tallies.reduce(0) { $0 + $1.patients - $1.finished }
        unfinishedPerReplication = estimate { Double($0.patients - $0.finished) }
        let placeCount = UnfinishedPlace.allCases.count
        var places: [UnfinishedResult] = []
        for s in model.steps.indices {
            for place in UnfinishedPlace.allCases {
                let i = s * placeCount + place.rawValue
                let count = tallies.reduce(0) { $0 + ($1.unfinishedPlaces.count > i ? $1.unfinishedPlaces[i] : 0) }
                guard count > 0 else { continue }
                let r = Int(model.steps[s].resource)
                places.append(UnfinishedResult(step: model.stepIds[s], title: model.stepTitles[s], place: place, count: count,
                                               resource: place == .resource && r >= 0 ? model.resourceIds[r] : nil))
            }
        }
        unfinishedPlaces = places.sorted { $0.count > $1.count }
        events = tallies.reduce(0) { $0 + $1.events }
        targets = model.targetIds.indices.map { k in
            TargetResult(
                id: model.targetIds[k], title: model.targetTitles[k], withinMinutes: model.targetWithin[k],
                standard: model.targetStandard[k], starts: model.targetStarts[k], stops: model.targetStops[k],
                attainment: Estimate(tallies.map { $0.attainment(ofTarget: k) }),
                meanMinutes: estimate { ratio($0.targetMinutes[k], Double($0.targetMeasured[k])) },
                measured: tallies.reduce(0) { $0 + $1.targetMeasured[k] },
                met: tallies.reduce(0) { $0 + $1.targetMet[k] },
                runningLate: tallies.reduce(0) { $0 + $1.runningLate(k) },
                runningOpen: tallies.reduce(0) { $0 + ($1.targetRunningOpen.count > k ? $1.targetRunningOpen[k] : 0) },
                unstopped: tallies.reduce(0) { $0 + $1.targetUnstopped[k] })
        }
        journeyMeanMinutes = estimate { ratio($0.journeySum, Double($0.finished)) }
        var pooled = JourneyHistogram()
        for t in tallies { pooled.merge(t.journeyHistogram) }
        journeyP50Minutes = pooled.quantile(0.5)
        journeyP90Minutes = pooled.quantile(0.9)
        journeyP95Minutes = pooled.quantile(0.95)
        steps = model.steps.indices.compactMap { s in
            let step = model.steps[s]
            guard step.behaviour == .work, step.logged,
                  tallies.contains(where: { $0.stepVisits[s] > 0 }) else { return nil }
            return StepResult(id: model.stepIds[s], title: model.stepTitles[s],
                              visits: estimate { Double($0.stepVisits[s]) },
                              meanWaitMinutes: estimate { ratio($0.stepWaitMinutes[s], Double($0.stepWaits[s])) })
        }
        resources = model.resourceIds.indices.map { r in
            let capacity = Double(model.resourceCapacity[r])
            return ResourceResult(id: model.resourceIds[r], capacity: Int(model.resourceCapacity[r]),
                                  utilisation: estimate { ratio($0.resourceBusy[r], capacity * $0.resourceOpenMinutes[r]) },
                                  outsideHours: estimate { ratio($0.resourceOutsideHours[r], $0.resourceBusy[r] + $0.resourceOutsideHours[r]) },
                                  meanQueue: estimate { ratio($0.resourceQueueArea[r], $0.windowMinutes) })
        }
        let orgs = model.organisationIds.count
        var handoffs: [HandoffResult] = []
        for a in 0..<orgs {
            for b in 0..<orgs where tallies.contains(where: { $0.handoffs[a * orgs + b] > 0 }) {
                let pair = a * orgs + b
                handoffs.append(HandoffResult(from: model.organisationIds[a], to: model.organisationIds[b],
                                              count: estimate { Double($0.handoffs[pair]) },
                                              meanDelayMinutes: estimate { ratio($0.handoffMinutes[pair], Double($0.handoffs[pair])) }))
            }
        }
        self.handoffs = handoffs
        outcomes = model.outcomeNames.indices.map { o in
            OutcomeResult(name: model.outcomeNames[o], share: estimate { ratio(Double($0.outcomes[o]), Double($0.patients)) },
                          count: tallies.reduce(0) { $0 + $1.outcomes[o] })
        }
        if unfinished > 0 {
            // So that the shares add up to 100%: nobody leaves the table unaccounted for.
            outcomes.append(OutcomeResult(name: Self.unfinishedOutcome,
                                          share: estimate { ratio(Double($0.patients - $0.finished), Double($0.patients)) },
                                          count: unfinished))
        }
        var burden: [BurdenResult] = []
        let outcomeCount = model.outcomeNames.count
        for o in [nil] + model.outcomeNames.indices.map({ Optional($0) }) {
            for measure in PatientBurden.Measure.allCases {
                var counts = [Int](repeating: 0, count: PatientBurden.bins)
                for t in tallies {
                    for (v, c) in PatientBurden.counts(t.burden, measure: measure, outcome: o, outcomes: outcomeCount).enumerated() { counts[v] += c }
                }
                guard let summary = PatientBurden.summary(counts) else { continue }
                burden.append(BurdenResult(outcome: o.map { model.outcomeNames[$0] }, measure: measure, mean: summary.mean,
                                           p90: summary.p90, patients: counts.reduce(0, +)))
            }
        }
        self.burden = burden
        meanInPathway = estimate { ratio($0.inPathwayArea, $0.windowMinutes) }
        // The backlog was placed at time 0, not arriving: it is not part of the arrival rate.
        let backlog = Double(model.backlog.reduce(0) { $0 + $1.patients })
        arrivalsPerDay = estimate { ratio(max(0, Double($0.patients) - backlog), $0.windowMinutes / 1440) }
        warnings = []
        warnings = RunChecks.warnings(for: self, pathway: pathway)
    }
}
