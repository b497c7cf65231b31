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
        /// The share of patients whose clock stopped in time, among those whose clock stopped.
        public var attainment: Estimate
        /// Mean clock time (minutes) of patients whose clock stopped.
        public var meanMinutes: Estimate
        /// Patients measured (clock stopped), summed over replications.
        public var measured: Int
        /// Patients whose clock started but never stopped (they left the pathway another way).
        public var unstopped: Int
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
        /// Busy server-time over open server-time in the window (work started before closing
        /// and running past it can push this above 1).
        public var utilisation: Estimate
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
    /// Counted patients who did not finish before the drain limit, summed over replications.
    public var unfinished: Int
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
    public var outcomes: [OutcomeResult]
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
        events = tallies.reduce(0) { $0 + $1.events }
        targets = model.targetIds.indices.map { k in
            TargetResult(
                id: model.targetIds[k], title: model.targetTitles[k], withinMinutes: model.targetWithin[k],
                standard: model.targetStandard[k],
                attainment: estimate { ratio(Double($0.targetMet[k]), Double($0.targetMeasured[k])) },
                meanMinutes: estimate { ratio($0.targetMinutes[k], Double($0.targetMeasured[k])) },
                measured: tallies.reduce(0) { $0 + $1.targetMeasured[k] },
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
        meanInPathway = estimate { ratio($0.inPathwayArea, $0.windowMinutes) }
        arrivalsPerDay = estimate { ratio(Double($0.patients), $0.windowMinutes / 1440) }
    }
}
