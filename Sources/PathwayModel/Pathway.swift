/// A care pathway: the typed graph a pathway file describes.
///
/// Everything downstream of validation (simulation, diff, export) takes this value and never
/// re-reads YAML. Collections keep the order of the file, so output is deterministic.
public struct Pathway: Hashable, Sendable, Codable {
    /// The language version (`carepath: 1`).
    public var languageVersion: Int
    /// The pathway's id (`suspected-lung-cancer`).
    public var id: String
    /// The name clinicians know it by.
    public var title: String
    /// The pathway's own version, as text (default `"1"`).
    public var version: String
    /// Whether the pathway is in use (default: draft).
    public var status: PathwayStatus
    /// Free text for readers: scope, who it is for.
    public var description: String?
    /// The guidelines and standards the pathway implements.
    public var sources: [Source]
    /// Who delivers the pathway, in file order.
    public var organisations: [Organisation]
    /// What patients queue for, in file order.
    public var resources: [Resource]
    /// Typed patient attributes that conditions read, in file order.
    public var attributes: [Attribute]
    /// Data items declared up front, with their coded types. Items named only in
    /// `requires`/`produces` are implied and need not be declared.
    public var dataItems: [DataItem]
    /// How patients arrive; `nil` when the file does not say (the simulator needs it).
    public var arrivals: Arrivals?
    /// Yearly growth of the arrival rate, compounded continuously over the run (0.05: 5 % more
    /// patients a year later); `nil` or 0 means a steady rate.
    public var arrivalGrowth: Double?
    /// Patients already waiting when the run starts.
    public var backlog: [Backlog] = []
    /// The waiting-time standards, in file order.
    public var targets: [Target]
    /// The first step's id.
    public var start: String
    /// Every step, in file order.
    public var steps: [Step]
    /// Pathways called by `subpathway` steps, keyed by the step's `pathway` path as written.
    public var subpathways: [String: Pathway]
    /// Why a variant departs from its standard, and the evidence for it: a `deviations:` block,
    /// and the `reason`/`evidence` of each of an overlay's `changes`.
    public var deviations: [Deviation] = []
    /// For a variant built from an overlay: where each of its changes is written, by path
    /// (`steps.gp-results`), so a diff can point a removal at the overlay, not the standard.
    public var editLocations: [String: SourceLocation] = [:]
    /// Where the pathway's file starts; also carries the file path.
    public var location: SourceLocation
    /// Positions of top-level keys (`start`, `arrivals`, ...), for diagnostics.
    public var fieldLocations: [String: SourceLocation]

    /// A pathway with the given parts; `deviations` and `editLocations` start empty.
    public init(
        languageVersion: Int = 1, id: String, title: String, version: String = "1",
        status: PathwayStatus = .draft, description: String? = nil, sources: [Source] = [],
        organisations: [Organisation] = [], resources: [Resource] = [], attributes: [Attribute] = [],
        dataItems: [DataItem] = [], arrivals: Arrivals? = nil, targets: [Target] = [],
        start: String, steps: [Step], subpathways: [String: Pathway] = [:],
        location: SourceLocation = .unknown, fieldLocations: [String: SourceLocation] = [:]
    ) {
        self.languageVersion = languageVersion
        self.id = id
        self.title = title
        self.version = version
        self.status = status
        self.description = description
        self.sources = sources
        self.organisations = organisations
        self.resources = resources
        self.attributes = attributes
        self.dataItems = dataItems
        self.arrivals = arrivals
        self.targets = targets
        self.start = start
        self.steps = steps
        self.subpathways = subpathways
        self.location = location
        self.fieldLocations = fieldLocations
    }

    /// The step with this id, if any.
    public func step(_ id: String) -> Step? { steps.first { $0.id == id } }
    /// The organisation with this id, if any.
    public func organisation(_ id: String) -> Organisation? { organisations.first { $0.id == id } }
    /// The resource with this id, if any.
    public func resource(_ id: String) -> Resource? { resources.first { $0.id == id } }
    /// The attribute with this id, if any.
    public func attribute(_ id: String) -> Attribute? { attributes.first { $0.id == id } }

    /// Index of each step id in `steps`.
    public var stepIndex: [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(steps.count)
        // Indexing (not `for step in steps`) borrows each step instead of copying it.
        for i in steps.indices where index[steps[i].id] == nil { index[steps[i].id] = i }
        return index
    }

    /// The file this pathway was read from.
    public var file: String { location.file }
}

/// Whether a pathway is in use.
public enum PathwayStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// Being written or reviewed (the default).
    case draft
    /// In use.
    case active
    /// No longer in use.
    case retired
}

/// A guideline or standard the pathway cites.
public struct Source: Hashable, Sendable, Codable {
    /// The guideline's title.
    public var title: String
    /// Its web address (`https://` or `http://`), if given.
    public var url: String?
    /// Who publishes it (NICE, NHS England, ...).
    public var publisher: String?
    /// Where it is written in the file.
    public var location: SourceLocation

    /// A source with this title and, if given, address and publisher.
    public init(title: String, url: String? = nil, publisher: String? = nil, location: SourceLocation = .unknown) {
        self.title = title
        self.url = url
        self.publisher = publisher
        self.location = location
    }
}

/// An organisation that delivers part of the pathway: a GP practice, an acute trust, ...
public struct Organisation: Hashable, Sendable, Codable {
    /// The id steps and resources name it by.
    public var id: String
    /// Its name, for messages and reports (the id when the file gives none).
    public var name: String
    /// The kind of organisation.
    public var type: OrganisationType
    /// Where its id is written in the file.
    public var location: SourceLocation

    /// An organisation with this id, name and type.
    public init(id: String, name: String, type: OrganisationType, location: SourceLocation = .unknown) {
        self.id = id
        self.name = name
        self.type = type
        self.location = location
    }
}

/// The kind of organisation, in NHS terms.
public enum OrganisationType: String, Hashable, Sendable, Codable, CaseIterable {
    /// A GP practice or other primary care service (`primary-care`).
    case primaryCare = "primary-care"
    /// An acute hospital trust.
    case acute
    /// A community health service.
    case community
    /// A specialist centre (a cancer centre, a neuroscience centre).
    case specialist
    /// A mental health service (`mental-health`).
    case mentalHealth = "mental-health"
    /// An ambulance service.
    case ambulance
    /// A diagnostic centre, such as a community diagnostic centre (`diagnostic-centre`).
    case diagnosticCentre = "diagnostic-centre"
    /// A social care provider (`social-care`).
    case socialCare = "social-care"
    /// A hospice.
    case hospice
    /// A pharmacy.
    case pharmacy
    /// Any other kind.
    case other
}

/// A clinical code: a system URI, the code, and its human-readable display.
public struct ClinicalCode: Hashable, Sendable, Codable {
    /// The code system's URI (`http://snomed.info/sct`); short names are expanded when read.
    public var system: String
    /// The code itself (for SNOMED CT, a concept id).
    public var code: String
    /// The code's human-readable term, if given.
    public var display: String?

    /// A code in `system`, with its term if given.
    public init(system: String, code: String, display: String? = nil) {
        self.system = system
        self.code = code
        self.display = display
    }

    /// The SNOMED CT system URI.
    public static let snomedSystem = "http://snomed.info/sct"
}

/// A variant's justification for departing from its standard at one place: what it changes
/// (a path such as `steps.lung-mdt` or `targets.faster-diagnosis.standard`), why, and the
/// evidence, shaped like the pathway's `sources`.
public struct Deviation: Hashable, Sendable, Codable {
    /// The place, as dotted segments (`["steps", "lung-mdt", "every"]`).
    public var path: [String]
    /// Why the variant departs from the standard here, if it says.
    public var reason: String?
    /// The guidelines or decisions that support it, shaped like the pathway's `sources`.
    public var evidence: [Source]
    /// Where it is written (in the `deviations:` block or the overlay's change).
    public var location: SourceLocation

    /// A deviation at `path`, with its reason and evidence if given.
    public init(path: [String], reason: String? = nil, evidence: [Source] = [], location: SourceLocation = .unknown) {
        self.path = path
        self.reason = reason
        self.evidence = evidence
        self.location = location
    }

    /// The path as written, dotted.
    public var pathText: String { path.joined(separator: ".") }

    /// Whether it gives both a reason and at least one piece of evidence.
    public var isJustified: Bool {
        (reason ?? "").contains { !$0.isWhitespace } && !evidence.isEmpty
    }
}

/// The moment at a step when a target clock starts or stops.
///
/// National waiting-time standards stop their clocks when treatment or the communication of a
/// diagnosis *starts*, after any wait for it, so `.start` is the default stop and `.arrival` the
/// default start (see Docs/target-clocks.md).
public enum ClockPoint: String, CaseIterable, Hashable, Sendable, Codable {
    /// The patient reaches the step, before queueing for its resource or waiting for a sitting.
    case arrival = "on arrival"
    /// The step's work starts: the patient has the resource, or the meeting sits.
    case start = "on start"
    /// The step's work is done (a test's `result_after` wait comes after this).
    case completion = "on completion"
}

/// A waiting-time standard: the share of patients (`standard`) who should get from step
/// `from` to step `to` within `within`.
public struct Target: Hashable, Sendable, Codable {
    /// The target's id.
    public var id: String
    /// The standard's name (`28-day Faster Diagnosis Standard`), if given.
    public var title: String?
    /// The step where the clock starts.
    public var from: String
    /// The step(s) that end the clock; the first one reached stops it.
    public var to: [String]
    /// The time allowed.
    public var within: TimeSpan
    /// The share of patients who should meet it, 0...1 (75% is 0.75).
    public var standard: Double
    /// When at `from` the clock starts (default: on arrival).
    public var starts: ClockPoint
    /// When at a `to` step the clock stops (default: when its work starts).
    public var stops: ClockPoint
    /// Where its id is written in the file.
    public var location: SourceLocation
    /// Positions of its keys (`from`, `to`, ...), for pointing diagnostics.
    public var fieldLocations: [String: SourceLocation]

    /// A target from `from` to the first of `to` reached, within `within`, for the share `standard`.
    public init(id: String, title: String? = nil, from: String, to: [String], within: TimeSpan, standard: Double,
                starts: ClockPoint = .arrival, stops: ClockPoint = .start,
                location: SourceLocation = .unknown, fieldLocations: [String: SourceLocation] = [:]) {
        self.id = id
        self.title = title
        self.from = from
        self.to = to
        self.within = within
        self.standard = standard
        self.starts = starts
        self.stops = stops
        self.location = location
        self.fieldLocations = fieldLocations
    }
}
