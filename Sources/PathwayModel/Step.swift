/// One step of a pathway: something that happens to a patient, in one organisation.
///
/// How a patient leaves a step depends on its kind: most steps go on to `next`; a decision
/// takes one of its `branches`; a parallel step starts every path in `paths` and resumes at
/// `join` once all have arrived there; a subpathway runs another pathway then goes to `next`;
/// an end step finishes the journey with an `outcome`.
public struct Step: Hashable, Sendable, Codable {
    /// The step's id, which `next`, branches and targets name it by.
    public var id: String
    /// What sort of step it is; decides how the patient leaves it.
    public var kind: StepKind
    /// What to call it in reports, if not its id.
    public var title: String?
    /// Free text for readers: what happens and why.
    public var description: String?
    /// The organisation where it happens. Decisions, waits and parallel steps may leave it out,
    /// and then belong to the organisation of the step before them.
    public var organisation: String?
    /// Who does it (`respiratory physician`, `radiographer`).
    public var role: String?
    /// A resource the patient queues for before the step can start.
    public var resource: String?
    /// A clinical code for what the step is, if given.
    public var code: ClinicalCode?
    /// How long the step takes (hands-on time, holding the resource). `nil` means no time.
    public var duration: Distribution?
    /// For tests: time after the step until the result is available (does not hold the resource).
    public var resultAfter: Distribution?
    /// For meetings (MDT): held every so often; a patient waits for the next sitting.
    public var every: TimeSpan?
    /// The data items the step needs before it starts.
    public var requires: [DataItem]
    /// The data items the step creates.
    public var produces: [DataItem]
    /// The step that follows (every kind but decision, parallel and end).
    public var next: String?
    /// Decisions: the ways out, in file order.
    public var branches: [Branch]
    /// Parallel steps: the first step of each path to run at the same time.
    public var paths: [String]
    /// Parallel steps: where the paths meet again.
    public var join: String?
    /// Subpathway steps: the pathway file to run, relative to this file.
    public var pathway: String?
    /// End steps: the outcome recorded (`discharged-to-gp`, `treated`).
    public var outcome: String?
    /// What happens when the patient moves on to a step in another organisation.
    public var handoff: Handoff?
    /// Appointments missed or cancelled at this step, and when they are rebooked (`nil`: every
    /// appointment goes ahead).
    public var attendance: Attendance?
    /// Where its id is written in the file.
    public var location: SourceLocation
    /// Positions of this step's keys (`next`, `organisation`, ...), for pointing diagnostics.
    public var fieldLocations: [String: SourceLocation]

    /// A step of this kind; every other part is optional and empty by default.
    public init(
        id: String, kind: StepKind, title: String? = nil, organisation: String? = nil, role: String? = nil,
        resource: String? = nil, code: ClinicalCode? = nil, duration: Distribution? = nil,
        resultAfter: Distribution? = nil, every: TimeSpan? = nil, requires: [DataItem] = [],
        produces: [DataItem] = [], next: String? = nil, branches: [Branch] = [], paths: [String] = [],
        join: String? = nil, pathway: String? = nil, outcome: String? = nil, handoff: Handoff? = nil,
        attendance: Attendance? = nil, location: SourceLocation = .unknown, fieldLocations: [String: SourceLocation] = [:]
    ) {
        self.attendance = attendance
        self.id = id
        self.kind = kind
        self.title = title
        self.organisation = organisation
        self.role = role
        self.resource = resource
        self.code = code
        self.duration = duration
        self.resultAfter = resultAfter
        self.every = every
        self.requires = requires
        self.produces = produces
        self.next = next
        self.branches = branches
        self.paths = paths
        self.join = join
        self.pathway = pathway
        self.outcome = outcome
        self.handoff = handoff
        self.location = location
        self.fieldLocations = fieldLocations
    }

    /// Every step this one can lead to directly, in declared order (for a parallel step: its
    /// paths, not its join, which is reached through them).
    public var successors: [String] {
        switch kind {
        case .decision: branches.map(\.to)
        case .parallel: paths
        case .end: []
        default: next.map { [$0] } ?? []
        }
    }

    /// Where a walk over the pathway goes on from this step: its successors and, for a parallel
    /// step, its join too (the one graph walk every module uses: reachability, loops, journey
    /// order, matching). Data-flow and path checks that must pass through each parallel path
    /// walk `successors` instead.
    public var onward: [String] {
        guard kind == .parallel, let join, !successors.contains(join) else { return successors }
        return successors + [join]
    }

    /// The title if given, else the id: what to call the step in a message.
    public var displayName: String { title ?? id }

    /// Where a key of this step was written, falling back to the step itself.
    public func location(of key: String) -> SourceLocation { fieldLocations[key] ?? location }
}

/// The kinds of step a pathway can contain.
public enum StepKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// A referral from one service to another.
    case referral
    /// A clinical assessment, clinic or review (also written `appointment`).
    case assessment
    /// An investigation: scan, blood test, biopsy (also written `investigation`).
    case test
    /// A point where patients go different ways, by its `branches`.
    case decision
    /// Surgery, a drug, a course of therapy.
    case treatment
    /// A multidisciplinary team meeting (MDT).
    case meeting
    /// A planned interval: watchful waiting, a recovery period.
    case wait
    /// Several paths at once, meeting again at a join.
    case parallel
    /// Runs another pathway file, then goes on.
    case subpathway
    /// The journey finishes here.
    case end
}

/// One way out of a decision.
public struct Branch: Hashable, Sendable, Codable {
    /// The step the branch goes to.
    public var to: String
    /// Taken when the condition holds for the patient.
    public var when: Condition?
    /// Taken with this probability (among branches whose condition holds).
    public var probability: Double?
    /// Taken when no other branch is.
    public var otherwise: Bool
    /// A name for the branch in reports (`suspicious`), if given.
    public var label: String?
    /// Where the branch is written in the file.
    public var location: SourceLocation
    /// Positions of its keys (`to`, `when`, ...), for pointing diagnostics.
    public var fieldLocations: [String: SourceLocation]

    /// A branch to `to`, taken by condition, probability or as the fallback.
    public init(to: String, when: Condition? = nil, probability: Double? = nil, otherwise: Bool = false,
                label: String? = nil, location: SourceLocation = .unknown,
                fieldLocations: [String: SourceLocation] = [:]) {
        self.to = to
        self.when = when
        self.probability = probability
        self.otherwise = otherwise
        self.label = label
        self.location = location
        self.fieldLocations = fieldLocations
    }
}

/// A transfer of care to another organisation: the time it takes and the data that travels.
public struct Handoff: Hashable, Sendable, Codable {
    /// Time between leaving this step and being able to start the next (letters, triage,
    /// booking); it counts toward every target clock that is running.
    public var delay: Distribution?
    /// The data items sent with the patient. `nil` means everything known travels (a shared
    /// record); a list means only those items arrive at the receiving organisation.
    public var sends: [String]?
    /// How it is sent (`e-RS referral`, `NHS mail`, `phone`).
    public var via: String?
    /// Where the `handoff` block is written in the file.
    public var location: SourceLocation
    /// Positions of its keys (`delay`, `sends`, `via`), for pointing diagnostics.
    public var fieldLocations: [String: SourceLocation]

    /// A handoff with the given delay, data sent and means, each optional.
    public init(delay: Distribution? = nil, sends: [String]? = nil, via: String? = nil,
                location: SourceLocation = .unknown, fieldLocations: [String: SourceLocation] = [:]) {
        self.delay = delay
        self.sends = sends
        self.via = via
        self.location = location
        self.fieldLocations = fieldLocations
    }
}

extension StepKind {
    /// "a" or "an", for messages ("an end step").
    public var article: String { ["assessment", "end"].contains(rawValue) ? "an" : "a" }
}
