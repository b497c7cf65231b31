/// Something steps queue for: a scanner, a clinic's slots, a theatre, a bed.
public struct Resource: Hashable, Sendable, Codable {
    /// The id steps name it by in `resource`.
    public var id: String
    /// A readable name, if given.
    public var name: String?
    /// The organisation that owns it; steps using it must be in the same organisation.
    public var organisation: String
    /// How many patients it serves at once.
    public var capacity: Int
    /// When it is open; `nil` means always open.
    public var calendar: OpeningCalendar?
    /// Queue order: first come first served, or by a patient attribute.
    public var queue: QueueDiscipline
    /// Work from outside the pathway that competes for it (`nil`: it serves only this pathway).
    public var background: BackgroundDemand?
    /// Where its id is written in the file.
    public var location: SourceLocation
    /// Positions of its keys (`capacity`, `calendar`, ...), for pointing diagnostics.
    public var fieldLocations: [String: SourceLocation]

    /// A resource of `organisation` serving `capacity` patients at once.
    public init(id: String, name: String? = nil, organisation: String, capacity: Int,
                calendar: OpeningCalendar? = nil, queue: QueueDiscipline = .fifo, background: BackgroundDemand? = nil,
                location: SourceLocation = .unknown, fieldLocations: [String: SourceLocation] = [:]) {
        self.background = background
        self.id = id
        self.name = name
        self.organisation = organisation
        self.capacity = capacity
        self.calendar = calendar
        self.queue = queue
        self.location = location
        self.fieldLocations = fieldLocations
    }
}

/// How a resource picks the next patient from its queue.
public enum QueueDiscipline: Hashable, Sendable, Codable {
    /// First come, first served.
    case fifo
    /// Highest value of the attribute first (`true` before `false`; for categories, the order
    /// in which the categories are declared, first highest); ties first come, first served.
    case priority(attribute: String)
}

/// Opening hours: a set of weekly windows. Outside them a resource starts no work and its
/// queue waits; work already started runs to completion.
public struct OpeningCalendar: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The weekly windows when it is open.
    public var windows: [OpeningWindow]
    /// The text as written (`weekdays 08:00-18:00`).
    public var text: String
    /// Closed all day on the bank holidays of England and Wales (`... except bank holidays`).
    public var closedOnBankHolidays: Bool

    /// A calendar of these windows, as written in `text`.
    public init(windows: [OpeningWindow], text: String, closedOnBankHolidays: Bool = false) {
        self.windows = windows
        self.text = text
        self.closedOnBankHolidays = closedOnBankHolidays
    }

    /// The text as written.
    public var description: String { text }

    /// Open minutes per week, summed over windows (overlaps counted once).
    public var openMinutesPerWeek: Double {
        var open = [Bool](repeating: false, count: 7 * 1440)
        for w in windows {
            for day in w.days {
                for m in w.opens..<w.closes { open[day.rawValue * 1440 + m] = true }
            }
        }
        return Double(open.lazy.filter { $0 }.count)
    }
}

/// One weekly opening window: on these days, from `opens` to `closes` (minutes after midnight).
public struct OpeningWindow: Hashable, Sendable, Codable {
    /// The days it applies to.
    public var days: [Weekday]
    /// When it opens, in minutes after midnight.
    public var opens: Int
    /// When it closes, in minutes after midnight (after `opens`).
    public var closes: Int

    /// A window open on `days` from `opens` to `closes` (minutes after midnight).
    public init(days: [Weekday], opens: Int, closes: Int) {
        self.days = days
        self.opens = opens
        self.closes = closes
    }
}

/// Days of the week. Simulation time 0 is Monday 00:00.
public enum Weekday: Int, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// Monday (0) to Sunday (6), in calendar order.
    case monday = 0, tuesday, wednesday, thursday, friday, saturday, sunday

    /// Orders the days Monday first.
    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The three-letter name used in calendars (`mon`).
    public var shortName: String {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][rawValue]
    }
}

/// A typed patient attribute that conditions can read, sampled once per patient.
public struct Attribute: Hashable, Sendable, Codable {
    /// The name conditions read it by (`age`).
    public var id: String
    /// Its type, with how its value is sampled.
    public var type: AttributeType
    /// What it is, for readers, if given.
    public var description: String?
    /// The unit of a numeric attribute (`ng/L`, `years`), checked against units in conditions.
    public var unit: String?
    /// Where its id is written in the file.
    public var location: SourceLocation

    /// An attribute of this type, with a description and unit if given.
    public init(id: String, type: AttributeType, description: String? = nil, unit: String? = nil,
                location: SourceLocation = .unknown) {
        self.id = id
        self.type = type
        self.description = description
        self.unit = unit
        self.location = location
    }
}

/// An attribute's type, with how its value is sampled for each synthetic patient.
public enum AttributeType: Hashable, Sendable, Codable {
    /// Whole numbers, sampled from a distribution and rounded, clamped to min/max.
    case integer(Distribution, min: Double?, max: Double?)
    /// Real numbers, sampled from a distribution, clamped to min/max.
    case number(Distribution, min: Double?, max: Double?)
    /// True with the given probability.
    case boolean(probability: Double)
    /// One of the categories, with their probabilities, in declared order.
    case category([CategoryValue])

    /// The type's name as written (`integer`, `number`, `boolean`, `category`).
    public var name: String {
        switch self {
        case .integer: "integer"
        case .number: "number"
        case .boolean: "boolean"
        case .category: "category"
        }
    }
}

/// One value of a category attribute and its probability.
public struct CategoryValue: Hashable, Sendable, Codable {
    /// The value as conditions write it (`high`).
    public var name: String
    /// The share of patients with it, 0...1.
    public var probability: Double
    /// A value given to the share `probability` of patients.
    public init(name: String, probability: Double) {
        self.name = name
        self.probability = probability
    }
}

/// How patients arrive at the pathway's start.
public enum Arrivals: Hashable, Sendable, Codable {
    /// A Poisson process: on average `perDay` arrivals a day, around the clock.
    case poisson(perDay: Double)
    /// A Poisson process whose rate depends on the day of the week: seven rates (arrivals per
    /// day), Monday first.
    case weekly(perDay: [Double])
    /// A fixed cohort of patients, all arriving at time 0.
    case cohort(size: Int)
}

/// A piece of clinical information that a step needs (`requires`) or creates (`produces`).
public struct DataItem: Hashable, Sendable, Codable {
    /// The item's name (`ct-report`), which `requires`, `produces` and `sends` use.
    public var name: String
    /// A coded type: a FHIR resource type (`DiagnosticReport`) or a SNOMED CT concept.
    public var type: String?
    /// What the item holds, for readers (declared items only).
    public var description: String?
    /// Where it is named in the file.
    public var location: SourceLocation

    /// An item with this name, and a type and description if given.
    public init(name: String, type: String? = nil, description: String? = nil, location: SourceLocation = .unknown) {
        self.name = name
        self.type = type
        self.description = description
        self.location = location
    }
}
