// What capacity planning adds to a pathway: patients already waiting when the run starts,
// appointments missed or cancelled and rebooked, other work competing for a resource, bank
// holidays and demand that grows. Each is optional; a pathway without them runs as before.

/// Patients already waiting at a step when the simulation starts (a waiting list), each with
/// how long they have waited so far.
public struct Backlog: Hashable, Sendable, Codable {
    /// The step they are waiting for (they join its queue at time 0).
    public var step: String
    /// How many patients.
    public var patients: Int
    /// How long each has already waited, counted from the start of every target clock that
    /// started before this step (`nil`: they have just arrived).
    public var waited: Distribution?
    /// Where the entry is written in the file.
    public var location: SourceLocation
    /// Positions of its keys (`step`, `patients`, `waited`).
    public var fieldLocations: [String: SourceLocation]

    /// `patients` patients waiting at `step`, who have waited `waited` so far.
    public init(step: String, patients: Int, waited: Distribution? = nil, location: SourceLocation = .unknown,
                fieldLocations: [String: SourceLocation] = [:]) {
        self.step = step
        self.patients = patients
        self.waited = waited
        self.location = location
        self.fieldLocations = fieldLocations
    }
}

/// Appointments that do not go ahead: the patient does not attend (the slot is lost), or it is
/// cancelled beforehand (the slot goes to the next patient); either way the patient is rebooked.
public struct Attendance: Hashable, Sendable, Codable {
    /// Share of appointments the patient does not attend (0...1): the resource is held for the
    /// step's duration with nobody seen.
    public var didNotAttend: Double
    /// Share of appointments cancelled before they start (0...1): the resource serves the next patient.
    public var cancelled: Double
    /// How long until the rebooked appointment; the patient then queues again (`nil`: at once).
    public var rebookedAfter: Distribution?

    /// Non-attendance and cancellation shares, with the rebooking delay.
    public init(didNotAttend: Double = 0, cancelled: Double = 0, rebookedAfter: Distribution? = nil) {
        self.didNotAttend = didNotAttend
        self.cancelled = cancelled
        self.rebookedAfter = rebookedAfter
    }
}

/// Work from outside the pathway that uses the same resource: other patients' scans, clinics,
/// operations. It arrives at random at `perDay`, takes `duration` each, and queues first come,
/// first served with the pathway's patients.
public struct BackgroundDemand: Hashable, Sendable, Codable {
    /// Average arrivals a day (a Poisson process, around the clock).
    public var perDay: Double
    /// How long each piece of work holds the resource.
    public var duration: Distribution

    /// Other work arriving at `perDay` a day, each holding the resource for `duration`.
    public init(perDay: Double, duration: Distribution) {
        self.perDay = perDay
        self.duration = duration
    }
}

/// The bank holidays of England and Wales from 2024 (simulation day 0 is Monday 1 January 2024),
/// dated so that runs stay reproducible: New Year's Day, Good Friday, Easter Monday, the early
/// May, spring and summer bank holidays, Christmas Day and Boxing Day, each moved to the next
/// weekday when it falls at a weekend, as the Banking and Financial Dealings Act 1971 schedule and
/// the yearly proclamations do. Dates from gov.uk/bank-holidays for 2024 to 2027; later years by
/// the same rules (a one-off holiday proclaimed later is not known here).
public enum BankHolidays {
    /// The first and last years covered.
    public static let years = 2024...2124

    /// Day numbers (days since Monday 1 January 2024) of every bank holiday, in order.
    public static let days: [Int] = {
        var result: [Int] = []
        for year in years { result += holidays(in: year).map { daysSinceStart(year: year, month: $0.month, day: $0.day) } }
        return result
    }()

    /// Whether simulation day `day` (days since Monday 1 January 2024) is a bank holiday.
    public static func contains(day: Int) -> Bool {
        var low = 0, high = days.count
        while low < high {
            let mid = (low + high) / 2
            if days[mid] < day { low = mid + 1 } else { high = mid }
        }
        return low < days.count && days[low] == day
    }

    /// The bank holidays of `year` as (month, day), in date order.
    public static func holidays(in year: Int) -> [(month: Int, day: Int)] {
        var list: [(Int, Int)] = []
        // New Year's Day, or the Monday after when it falls at a weekend.
        list.append(nextWeekday(year: year, month: 1, day: 1))
        let easter = easterSunday(year)
        list.append(shift(year: year, easter, by: -2)) // Good Friday
        list.append(shift(year: year, easter, by: 1)) // Easter Monday
        list.append((5, firstMonday(year: year, month: 5)))
        list.append((5, lastMonday(year: year, month: 5)))
        list.append((8, lastMonday(year: year, month: 8)))
        // Christmas and Boxing Day: a weekend day moves to the next weekday not already taken.
        let christmas = weekday(year: year, month: 12, day: 25)
        switch christmas {
        case 5: list += [(12, 27), (12, 28)] // Saturday: Monday 27 and Tuesday 28
        case 6: list += [(12, 26), (12, 27)] // Sunday: Boxing Day Monday 26, Christmas moves to Tuesday 27
        case 4: list += [(12, 25), (12, 28)] // Friday: Boxing Day Saturday moves to Monday 28
        default: list += [(12, 25), (12, 26)]
        }
        return list.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { (month: $0.0, day: $0.1) }
    }

    /// Easter Sunday of `year` (Gregorian; the anonymous algorithm of 1876).
    public static func easterSunday(_ year: Int) -> (month: Int, day: Int) {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return (month, day)
    }

    /// Days from Monday 1 January 2024 to the date (negative before it).
    public static func daysSinceStart(year: Int, month: Int, day: Int) -> Int {
        CivilDate.days(year: year, month: month, day: day) - CivilDate.days(year: 2024, month: 1, day: 1)
    }

    /// Day of the week of a date, Monday 0 to Sunday 6.
    static func weekday(year: Int, month: Int, day: Int) -> Int {
        CivilDate.weekday(days: CivilDate.days(year: year, month: month, day: day))
    }

    private static func nextWeekday(year: Int, month: Int, day: Int) -> (Int, Int) {
        switch weekday(year: year, month: month, day: day) {
        case 5: return (month, day + 2)
        case 6: return (month, day + 1)
        default: return (month, day)
        }
    }

    private static func shift(year: Int, _ date: (month: Int, day: Int), by days: Int) -> (Int, Int) {
        let shifted = CivilDate.date(days: CivilDate.days(year: year, month: date.month, day: date.day) + days)
        return (shifted.month, shifted.day)
    }

    private static func firstMonday(year: Int, month: Int) -> Int {
        let w = weekday(year: year, month: month, day: 1)
        return 1 + (7 - w) % 7
    }

    private static func lastMonday(year: Int, month: Int) -> Int {
        let last = 31 // used for May and August, which both have 31 days
        let w = weekday(year: year, month: month, day: last)
        return last - w
    }
}
