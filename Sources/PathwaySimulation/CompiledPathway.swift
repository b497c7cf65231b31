import Foundation
import PathwayModel

/// What a step does with a patient, reduced to the few behaviours the engine knows.
enum StepBehaviour: UInt8, Sendable {
    /// Zero time, straight on to `next` (a subpathway call or a subpathway's end).
    case pass
    /// Pick one branch.
    case decision
    /// Start every path; they meet again at the join.
    case parallel
    /// Optionally wait for a sitting, queue for a resource, take time, wait for a result.
    case work
    /// Finish this token of the journey with an outcome.
    case end
}

/// One step flattened into integers and distribution indices (-1 means none).
struct CompiledStep: Sendable {
    var behaviour: StepBehaviour
    var organisation: Int32 = -1
    var resource: Int32 = -1
    var duration: Int32 = -1
    var resultAfter: Int32 = -1
    /// The handoff delay when leaving this step for another organisation (-1: no delay).
    var handoffDelay: Int32 = -1
    /// Recurring meetings: index in `CompiledPathway.meetings` (-1: not one).
    var meeting: Int32 = -1
    var next: Int32 = -1
    /// Decisions: range in `branches`; parallel steps: range in `paths`.
    var firstOut: Int32 = 0
    var outCount: Int32 = 0
    /// Steps where parallel paths meet: the per-patient counter and how many tokens to await.
    var joinSlot: Int32 = -1
    var joinExpected: Int32 = 0
    var outcome: Int32 = -1
    /// Which of the step's moments start or stop a target clock: bit 0 on arrival, bit 1 when
    /// its work starts, bit 2 when its work is done (see `CompiledPathway.clockStarts`).
    var clockPoints: UInt8 = 0
    /// Whether the patient is seen or treated at this step (not a wait, a meeting held without
    /// them, or a step with no work): counted as a contact in the patient-burden figures.
    var isContact: Bool = false
    /// Whether the event log records this step (pass-through steps of subpathway calls do not).
    var logged: Bool = true
    /// Appointments missed or cancelled: index in `CompiledPathway.attendance` (-1: none).
    var attendance: Int16 = -1

}

/// One way out of a decision.
struct CompiledBranch: Sendable {
    var to: Int32
    var condition: Int32 = -1
    /// -1 when the branch has no probability.
    var probability: Double = -1
    var otherwise = false
}

/// How one attribute is sampled for each patient.
struct AttributeSampler: Sendable {
    enum Kind: UInt8, Sendable { case integer, number, boolean, category }
    var kind: Kind
    var distribution: Int32 = -1
    var minimum: Double = -.infinity
    var maximum: Double = .infinity
    var probability: Double = 0
}

/// A pathway compiled for the engine: every step, resource, organisation and target as flat,
/// integer-indexed arrays, subpathways inlined, conditions and distributions precompiled.
///
/// Compilation happens once per run; every replication shares the result read-only.
public struct CompiledPathway: Sendable {
    var steps: ContiguousArray<CompiledStep> = []
    var branches: ContiguousArray<CompiledBranch> = []
    var paths: ContiguousArray<Int32> = []
    /// Per step and moment (index `step * 3 + point`, point 0 arrival, 1 work starts, 2 work
    /// done), bit k set: target k's clock starts (stops) then. Steps with no work have all their
    /// clocks on arrival, since the three moments coincide. Kept apart from `CompiledStep` so the
    /// step stays small enough to copy in registers.
    var clockStarts: ContiguousArray<UInt64> = []
    var clockStops: ContiguousArray<UInt64> = []
    /// Recurring meetings: minutes between sittings and the time of the first sitting.
    var meetings: ContiguousArray<(every: Double, offset: Double)> = []
    var conditions: [CompiledCondition] = []
    var sampler = Sampler()
    var start: Int32 = 0

    var attributeSamplers: ContiguousArray<AttributeSampler> = []
    var resourceCapacity: ContiguousArray<Int32> = []
    var resourceHours: [OpeningHours] = []
    /// Resources ordered by an attribute: its index (-1 for first come, first served) and
    /// whether higher category index means lower priority (categories rank in declared order).
    var resourcePriorityAttribute: ContiguousArray<Int32> = []
    var resourcePriorityIsCategory: ContiguousArray<Bool> = []
    var joinCount = 0
    var maxConditionDepth = 1

    /// Arrivals as a rate per minute for each day of the week (Monday first), or a cohort.
    var arrivalRatePerMinute: [Double] = []
    var cohortSize: Int?
    /// Demand growth as a continuous rate per minute: the arrival rate at minute t is the rate
    /// at time 0 times exp(growth × t) (0: steady).
    var arrivalGrowth = 0.0
    /// Steps' missed and cancelled appointments: shares and the rebooking delay (-1: at once).
    var attendance: ContiguousArray<(didNotAttend: Double, cancelled: Double, rebook: Int32)> = []
    /// Per resource, other work competing for it: arrivals per minute (0: none) and its duration.
    var resourceBackground: ContiguousArray<(perMinute: Double, duration: Int32)> = []
    /// Patients waiting at time 0: the step, how many, how long they have waited (a distribution,
    /// -1: no time) and the targets whose clocks started before the step (bit k: target k).
    var backlog: [(step: Int32, patients: Int, waited: Int32, clocks: UInt64)] = []

    /// Names for reports, indexed like the arrays above.
    public internal(set) var title: String = ""
    public internal(set) var stepIds: [String] = []
    public internal(set) var stepTitles: [String] = []
    public internal(set) var organisationIds: [String] = []
    public internal(set) var organisationNames: [String] = []
    public internal(set) var resourceIds: [String] = []
    public internal(set) var attributeIds: [String] = []
    /// Per attribute, its category names (empty for other types), for event logs.
    public internal(set) var attributeCategories: [[String]] = []
    public internal(set) var targetIds: [String] = []
    public internal(set) var targetTitles: [String] = []
    public internal(set) var targetWithin: [Double] = []
    public internal(set) var targetStandard: [Double] = []
    public internal(set) var targetStarts: [ClockPoint] = []
    public internal(set) var targetStops: [ClockPoint] = []
    public internal(set) var outcomeNames: [String] = []

    /// Compiles `pathway`, inlining its subpathways. Throws `SimulationError` listing diagnostics
    /// when the pathway cannot be simulated (validation normally reports these first).
    public init(_ pathway: Pathway) throws {
        var builder = Builder(root: pathway)
        try builder.build()
        self = builder.output
    }
}

/// Why a pathway could not be simulated.
public struct SimulationError: Error, Sendable, CustomStringConvertible {
    /// The problems found, as diagnostics that point at the pathway file.
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map { "\($0.location ?? .unknown): \($0.message)" }.joined(separator: "\n") }
}

private struct Builder {
    let root: Pathway
    var output = CompiledPathway.emptyForBuilding()
    var diagnostics: [Diagnostic] = []
    var organisationIndex: [String: Int32] = [:]
    var resourceIndex: [String: Int32] = [:]
    var attributeIndex: [String: Int] = [:]
    var attributeInfo: [AttributeInfo] = []
    var outcomeIndex: [String: Int32] = [:]
    var joinSlots: [Int32: Int32] = [:]
    var depth = 0

    init(root: Pathway) { self.root = root }

    mutating func build() throws {
        output.title = root.title
        if root.targets.count > 64 {
            diagnostics.append(.error(.cp510, "the simulator follows at most 64 targets; this pathway has \(root.targets.count)",
                                      at: root.location))
        }
        for (k, target) in root.targets.prefix(64).enumerated() {
            output.targetIds.append(target.id)
            output.targetTitles.append(target.title ?? target.id)
            output.targetWithin.append(target.within.minutes)
            output.targetStandard.append(target.standard)
            output.targetStarts.append(target.starts)
            output.targetStops.append(target.stops)
            _ = k
        }
        switch root.arrivals {
        case .poisson(let perDay)?:
            output.arrivalRatePerMinute = Array(repeating: max(0, perDay) / 1440, count: 7)
        case .weekly(let perDay)?:
            output.arrivalRatePerMinute = (0..<7).map { $0 < perDay.count ? max(0, perDay[$0]) / 1440 : 0 }
        case .cohort(let size)?:
            output.cohortSize = max(0, size)
        case nil:
            output.cohortSize = nil
        }
        if let g = root.arrivalGrowth, g != 0, g > -1 {
            output.arrivalGrowth = Foundation.log1p(g) / (365 * 1440)
        }
        let entry = try inline(root, prefix: "", returnTo: -1, returnHandoff: -1, inheritedOrganisation: nil)
        output.start = entry
        compileBacklog()
        output.joinCount = joinSlots.count
        output.maxConditionDepth = max(1, output.conditions.map(\.maxDepth).max() ?? 1)
        if diagnostics.hasErrors { throw SimulationError(diagnostics) }
    }

    private mutating func organisation(_ id: String, in pathway: Pathway) -> Int32 {
        if let i = organisationIndex[id] { return i }
        let i = Int32(output.organisationIds.count)
        organisationIndex[id] = i
        output.organisationIds.append(id)
        output.organisationNames.append(pathway.organisation(id)?.name ?? id)
        return i
    }

    private mutating func registerDeclarations(of pathway: Pathway) {
        for org in pathway.organisations { _ = organisation(org.id, in: pathway) }
        for attribute in pathway.attributes where attributeIndex[attribute.id] == nil {
            attributeIndex[attribute.id] = attributeInfo.count
            var info = AttributeInfo(id: attribute.id, categories: nil, isBoolean: false)
            var sampler: AttributeSampler
            switch attribute.type {
            case .integer(let d, let lo, let hi):
                sampler = AttributeSampler(kind: .integer, distribution: output.sampler.add(d),
                                           minimum: lo ?? -.infinity, maximum: hi ?? .infinity)
            case .number(let d, let lo, let hi):
                sampler = AttributeSampler(kind: .number, distribution: output.sampler.add(d),
                                           minimum: lo ?? -.infinity, maximum: hi ?? .infinity)
            case .boolean(let p):
                sampler = AttributeSampler(kind: .boolean, probability: p)
                info.isBoolean = true
            case .category(let values):
                // A category is drawn as an empirical distribution over its values' indices.
                let points = values.enumerated().map { EmpiricalPoint(value: Double($0.offset), weight: $0.element.probability) }
                sampler = AttributeSampler(kind: .category, distribution: output.sampler.add(.empirical(points)))
                info.categories = values.map(\.name)
            }
            attributeInfo.append(info)
            output.attributeSamplers.append(sampler)
            output.attributeIds.append(attribute.id)
            output.attributeCategories.append(info.categories ?? [])
        }
        for resource in pathway.resources where resourceIndex[resource.id] == nil {
            resourceIndex[resource.id] = Int32(output.resourceIds.count)
            output.resourceIds.append(resource.id)
            output.resourceCapacity.append(Int32(clamping: max(1, resource.capacity)))
            output.resourceHours.append(OpeningHours(resource.calendar))
            if let b = resource.background, b.perDay > 0 {
                output.resourceBackground.append((b.perDay / 1440, output.sampler.add(b.duration)))
            } else {
                output.resourceBackground.append((0, -1))
            }
            switch resource.queue {
            case .fifo:
                output.resourcePriorityAttribute.append(-1)
                output.resourcePriorityIsCategory.append(false)
            case .priority(let attribute):
                if let i = attributeIndex[attribute] {
                    output.resourcePriorityAttribute.append(Int32(i))
                    output.resourcePriorityIsCategory.append(attributeInfo[i].categories != nil)
                } else {
                    diagnostics.append(.error(.cp511, "resource '\(resource.id)' is ordered by '\(attribute)', which is not an attribute",
                                              at: resource.fieldLocations["priority"] ?? resource.location))
                    output.resourcePriorityAttribute.append(-1)
                    output.resourcePriorityIsCategory.append(false)
                }
            }
        }
    }

    /// Appends `pathway`'s steps (ids prefixed) and returns the index of its start step.
    /// Its end steps lead to `returnTo` when it is a subpathway (returnTo >= 0), with the calling
    /// step's handoff delay (`returnHandoff`): the handoff happens on the way back out.
    private mutating func inline(_ pathway: Pathway, prefix: String, returnTo: Int32, returnHandoff: Int32,
                                 inheritedOrganisation: Int32?) throws -> Int32 {
        depth += 1
        defer { depth -= 1 }
        if depth > 16 {
            diagnostics.append(.error(.cp512, "subpathways nest more than 16 deep (a subpathway may call itself)",
                                      at: pathway.location))
            throw SimulationError(diagnostics)
        }
        registerDeclarations(of: pathway)
        let base = Int32(output.steps.count)
        var local: [String: Int32] = [:]
        for (i, step) in pathway.steps.enumerated() where local[step.id] == nil {
            local[step.id] = base + Int32(i)
            output.stepIds.append(prefix + step.id)
            output.stepTitles.append(step.title ?? step.id)
            output.steps.append(CompiledStep(behaviour: .pass))
            output.clockStarts.append(contentsOf: [0, 0, 0])
            output.clockStops.append(contentsOf: [0, 0, 0])
        }
        func resolve(_ id: String?, from step: Step, key: String) -> Int32 {
            guard let id else { return -1 }
            if let i = local[id] { return i }
            diagnostics.append(.error(.cp513, "step '\(step.id)' leads to '\(id)', which is not a step",
                                      at: step.location(of: key)))
            return -1
        }
        let organisations = pathway.effectiveOrganisations
        let isRoot = returnTo < 0
        for (i, step) in pathway.steps.enumerated() {
            let index = base + Int32(i)
            guard local[step.id] == index else { continue }
            var compiled = CompiledStep(behaviour: .work)
            if let org = organisations[step.id] {
                compiled.organisation = organisation(org, in: pathway)
            } else if let inherited = inheritedOrganisation {
                compiled.organisation = inherited
            }
            if let h = step.handoff?.delay { compiled.handoffDelay = output.sampler.add(h) }
            compiled.next = resolve(step.next, from: step, key: "next")
            switch step.kind {
            case .decision:
                compiled.behaviour = .decision
                compiled.firstOut = Int32(output.branches.count)
                for branch in step.branches {
                    var b = CompiledBranch(to: resolve(branch.to, from: step, key: "branches"))
                    b.probability = branch.probability ?? -1
                    b.otherwise = branch.otherwise
                    if let condition = branch.when {
                        do {
                            let c = try CompiledCondition(condition.expression, attributes: attributeInfo, indexOf: attributeIndex)
                            output.conditions.append(c)
                            b.condition = Int32(output.conditions.count - 1)
                        } catch let error as ConditionCompileError {
                            diagnostics.append(.error(.cp514, "condition '\(condition.text)' cannot be evaluated: \(error.message)",
                                                      at: condition.location))
                        }
                    }
                    output.branches.append(b)
                }
                compiled.outCount = Int32(step.branches.count)
                if step.branches.isEmpty {
                    diagnostics.append(.error(.cp515, "decision '\(step.id)' has no branches", at: step.location))
                }
            case .parallel:
                compiled.behaviour = .parallel
                compiled.firstOut = Int32(output.paths.count)
                for path in step.paths { output.paths.append(resolve(path, from: step, key: "paths")) }
                compiled.outCount = Int32(step.paths.count)
                let join = resolve(step.join, from: step, key: "join")
                if join >= 0, step.paths.count > 1 {
                    if joinSlots[join] == nil { joinSlots[join] = Int32(joinSlots.count) }
                    output.steps[Int(join)].joinSlot = joinSlots[join] ?? -1
                    output.steps[Int(join)].joinExpected = Int32(step.paths.count)
                    joinExpected[join] = Int32(step.paths.count)
                }
                if step.paths.isEmpty {
                    diagnostics.append(.error(.cp516, "parallel step '\(step.id)' has no paths", at: step.location))
                }
            case .end:
                if isRoot {
                    compiled.behaviour = .end
                    let name = step.outcome ?? step.id
                    if let o = outcomeIndex[name] {
                        compiled.outcome = o
                    } else {
                        outcomeIndex[name] = Int32(output.outcomeNames.count)
                        compiled.outcome = Int32(output.outcomeNames.count)
                        output.outcomeNames.append(name)
                    }
                } else {
                    compiled.behaviour = .pass
                    compiled.next = returnTo
                    compiled.handoffDelay = returnHandoff
                    compiled.logged = false
                }
            case .subpathway:
                compiled.behaviour = .pass
                compiled.logged = false
                guard let file = step.pathway, let sub = pathway.subpathways[file] else {
                    diagnostics.append(.error(.cp517, "subpathway '\(step.pathway ?? "")' of step '\(step.id)' was not loaded",
                                              at: step.location(of: "pathway")))
                    break
                }
                let entry = try inline(sub, prefix: prefix + step.id + "/", returnTo: compiled.next,
                                       returnHandoff: compiled.handoffDelay,
                                       inheritedOrganisation: compiled.organisation >= 0 ? compiled.organisation : nil)
                compiled.next = entry
                // The calling step's handoff is for leaving the subpathway, not for entering it.
                compiled.handoffDelay = -1
            default:
                compiled.behaviour = .work
                if let r = step.resource {
                    if let ri = resourceIndex[r] { compiled.resource = ri } else {
                        diagnostics.append(.error(.cp518, "step '\(step.id)' uses resource '\(r)', which is not declared",
                                                  at: step.location(of: "resource")))
                    }
                }
                if let d = step.duration { compiled.duration = output.sampler.add(d) }
                if let d = step.resultAfter { compiled.resultAfter = output.sampler.add(d) }
                if let a = step.attendance, a.didNotAttend + a.cancelled > 0, a.didNotAttend + a.cancelled < 1,
                   output.attendance.count < Int(Int16.max) {
                    compiled.attendance = Int16(output.attendance.count)
                    output.attendance.append((a.didNotAttend, a.cancelled, a.rebookedAfter.map { output.sampler.add($0) } ?? -1))
                }
                if let every = step.every, every.minutes > 0 {
                    let offset = compiled.resource >= 0 ? output.resourceHours[Int(compiled.resource)].firstOpening : 0
                    compiled.meeting = Int32(output.meetings.count)
                    output.meetings.append((every.minutes, offset))
                }
                if compiled.next < 0 {
                    diagnostics.append(.error(.cp519, "step '\(step.id)' has no next step", at: step.location))
                }
            }
            // Keep join bookkeeping set by an earlier parallel step.
            compiled.joinSlot = output.steps[Int(index)].joinSlot
            compiled.joinExpected = output.steps[Int(index)].joinExpected
            compiled.isContact = compiled.behaviour == .work && step.kind != .wait && step.kind != .meeting
            if isRoot {
                // A step with no work has one moment: its clocks all run on arrival.
                let hasWork = compiled.behaviour == .work
                    && (compiled.resource >= 0 || compiled.duration >= 0 || compiled.resultAfter >= 0 || compiled.meeting >= 0)
                for (k, target) in root.targets.prefix(64).enumerated() {
                    let bit = UInt64(1) << UInt64(k)
                    if target.from == step.id {
                        let point = hasWork ? Self.pointIndex(target.starts) : 0
                        output.clockStarts[Int(index) * 3 + point] |= bit
                        compiled.clockPoints |= 1 << UInt8(point)
                    }
                    if target.to.contains(step.id) {
                        let point = hasWork ? Self.pointIndex(target.stops) : 0
                        output.clockStops[Int(index) * 3 + point] |= bit
                        compiled.clockPoints |= 1 << UInt8(point)
                    }
                }
            }
            output.steps[Int(index)] = compiled
        }
        // A join named by a parallel step later in the file than the join itself.
        for (join, expected) in joinExpected where Int(join) < output.steps.count {
            output.steps[Int(join)].joinExpected = expected
            output.steps[Int(join)].joinSlot = joinSlots[join] ?? -1
        }
        if isRoot {
            for target in root.targets {
                if local[target.from] == nil {
                    diagnostics.append(.error(.cp520, "target '\(target.id)' starts at '\(target.from)', which is not a step",
                                              at: target.location))
                }
            }
        }
        guard let entry = local[pathway.start] else {
            diagnostics.append(.error(.cp521, "the start step '\(pathway.start)' is not a step", at: pathway.fieldLocations["start"] ?? pathway.location))
            throw SimulationError(diagnostics)
        }
        return entry
    }

    private var joinExpected: [Int32: Int32] = [:]

    /// The root pathway's backlog, with the clocks each entry's patients have running: every
    /// target whose `from` step leads (by any route) to the backlog's step, other than that step.
    private mutating func compileBacklog() {
        guard !root.backlog.isEmpty else { return }
        let index = root.stepIndex
        for entry in root.backlog {
            guard let s = index[entry.step] else {
                diagnostics.append(.error(.cp513, "a backlog waits at '\(entry.step)', which is not a step", at: entry.location))
                continue
            }
            var clocks: UInt64 = 0
            for (k, target) in root.targets.prefix(64).enumerated() where target.from != entry.step {
                if leadsTo(from: target.from, to: entry.step) { clocks |= UInt64(1) << UInt64(k) }
            }
            output.backlog.append((Int32(s), entry.patients, entry.waited.map { output.sampler.add($0) } ?? -1, clocks))
        }
    }

    /// Whether a walk from step `from` can reach step `to` in the root pathway.
    private func leadsTo(from: String, to: String) -> Bool {
        var seen: Set<String> = [from]
        var work = [from]
        while let id = work.popLast() {
            guard let step = root.step(id) else { continue }
            for next in step.onward where !seen.contains(next) {
                if next == to { return true }
                seen.insert(next)
                work.append(next)
            }
        }
        return false
    }

    private static func pointIndex(_ point: ClockPoint) -> Int {
        switch point {
        case .arrival: 0
        case .start: 1
        case .completion: 2
        }
    }
}

extension CompiledPathway {
    fileprivate static func emptyForBuilding() -> CompiledPathway {
        CompiledPathway(empty: ())
    }

    private init(empty: Void) {}
}
