/// A care pathway: the typed graph a pathway file describes.
///
/// Everything downstream of validation (simulation, diff, export) takes this value and never
/// re-reads YAML. Collections keep the order of the file, so output is deterministic.
public struct Pathway: Hashable, Sendable, Codable {
    /// The language version (`carepath: 1`).
    public var languageVersion: Int
    public var id: String
    public var title: String
    public var version: String
    public var status: PathwayStatus
    public var description: String?
    /// The guidelines and standards the pathway implements.
    public var sources: [Source]
    public var organisations: [Organisation]
    public var resources: [Resource]
    public var attributes: [Attribute]
    /// Data items declared up front, with their coded types. Items named only in
    /// `requires`/`produces` are implied and need not be declared.
    public var dataItems: [DataItem]
    public var arrivals: Arrivals?
    public var targets: [Target]
    /// The first step's id.
    public var start: String
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
    public func organisation(_ id: String) -> Organisation? { organisations.first { $0.id == id } }
    public func resource(_ id: String) -> Resource? { resources.first { $0.id == id } }
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
    case draft, active, retired
}

/// A guideline or standard the pathway cites.
public struct Source: Hashable, Sendable, Codable {
    public var title: String
    public var url: String?
    /// Who publishes it (NICE, NHS England, ...).
    public var publisher: String?
    public var location: SourceLocation

    public init(title: String, url: String? = nil, publisher: String? = nil, location: SourceLocation = .unknown) {
        self.title = title
        self.url = url
        self.publisher = publisher
        self.location = location
    }
}

/// An organisation that delivers part of the pathway: a GP practice, an acute trust, ...
public struct Organisation: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var type: OrganisationType
    public var location: SourceLocation

    public init(id: String, name: String, type: OrganisationType, location: SourceLocation = .unknown) {
        self.id = id
        self.name = name
        self.type = type
        self.location = location
    }
}

/// The kind of organisation, in NHS terms.
public enum OrganisationType: String, Hashable, Sendable, Codable, CaseIterable {
    case primaryCare = "primary-care"
    case acute
    case community
    case specialist
    case mentalHealth = "mental-health"
    case ambulance
    case diagnosticCentre = "diagnostic-centre"
    case socialCare = "social-care"
    case hospice
    case pharmacy
    case other
}

/// A clinical code: a system URI, the code, and its human-readable display.
public struct ClinicalCode: Hashable, Sendable, Codable {
    public var system: String
    public var code: String
    public var display: String?

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
    public var reason: String?
    public var evidence: [Source]
    public var location: SourceLocation

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
    public var id: String
    public var title: String?
    public var from: String
    /// The step(s) that end the clock; the first one reached stops it.
    public var to: [String]
    public var within: TimeSpan
    /// The share of patients who should meet it, 0...1 (75% is 0.75).
    public var standard: Double
    /// When at `from` the clock starts (default: on arrival).
    public var starts: ClockPoint
    /// When at a `to` step the clock stops (default: when its work starts).
    public var stops: ClockPoint
    public var location: SourceLocation
    public var fieldLocations: [String: SourceLocation]

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
