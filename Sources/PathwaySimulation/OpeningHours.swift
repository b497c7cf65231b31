import PathwayModel

/// A resource's weekly opening windows as sorted, merged minute intervals within a week.
///
/// Simulation time 0 is Monday 00:00, so minute `t` of the run falls at `t mod 10080` of the
/// week. An empty calendar is never open; `alwaysOpen` short-cuts every query.
struct OpeningHours: Sendable {
    static let week = 10_080.0

    /// Disjoint `[start, end)` intervals within one week, in order.
    private(set) var intervals: ContiguousArray<(start: Double, end: Double)> = []
    private(set) var alwaysOpen: Bool
    /// Open minutes in a whole week.
    private(set) var openPerWeek: Double
    /// Closed all day on England and Wales bank holidays (`BankHolidays`).
    private(set) var closedOnHolidays = false

    init(_ calendar: OpeningCalendar?) {
        guard let calendar else {
            alwaysOpen = true
            openPerWeek = OpeningHours.week
            return
        }
        closedOnHolidays = calendar.closedOnBankHolidays
        var minutes = [Bool](repeating: false, count: 7 * 1440)
        for window in calendar.windows {
            let opens = max(0, min(1440, window.opens)), closes = max(0, min(1440, window.closes))
            for day in window.days where closes > opens {
                for m in opens..<closes { minutes[day.rawValue * 1440 + m] = true }
            }
        }
        var list: ContiguousArray<(start: Double, end: Double)> = []
        var m = 0
        while m < minutes.count {
            if minutes[m] {
                let start = m
                while m < minutes.count && minutes[m] { m += 1 }
                list.append((Double(start), Double(m)))
            } else {
                m += 1
            }
        }
        intervals = list
        openPerWeek = list.reduce(0) { $0 + ($1.end - $1.start) }
        alwaysOpen = openPerWeek >= OpeningHours.week && !closedOnHolidays
    }

    /// Whether the resource may start work at `time`.
    @inline(__always)
    func isOpen(_ time: Double) -> Bool {
        if alwaysOpen { return true }
        let weekly = intervals.withUnsafeBufferPointer { OpeningHours.isOpen(time, in: $0) }
        return weekly && !(closedOnHolidays && OpeningHours.isHoliday(time))
    }

    /// Whether `time` falls on a bank holiday (time 0 is Monday 1 January 2024, itself one).
    @inline(__always)
    static func isHoliday(_ time: Double) -> Bool {
        BankHolidays.contains(day: Int((time / 1440).rounded(.down)))
    }

    /// Open minutes of the weekly `intervals` between `from` and `to` that fall on bank
    /// holidays (to subtract when a calendar closes on them).
    static func holidayOpenMinutes(from: Double, to: Double, in intervals: UnsafeBufferPointer<(start: Double, end: Double)>,
                                   openPerWeek: Double) -> Double {
        guard to > from else { return 0 }
        let firstDay = Int((from / 1440).rounded(.down)), lastDay = Int((to / 1440).rounded(.down))
        let days = BankHolidays.days
        var low = 0, high = days.count
        while low < high {
            let mid = (low + high) / 2
            if days[mid] < firstDay { low = mid + 1 } else { high = mid }
        }
        var total = 0.0
        var k = low
        while k < days.count, days[k] <= lastDay {
            let a = max(from, Double(days[k]) * 1440), b = min(to, Double(days[k] + 1) * 1440)
            if b > a { total += openBefore(b, in: intervals, openPerWeek: openPerWeek) - openBefore(a, in: intervals, openPerWeek: openPerWeek) }
            k += 1
        }
        return total
    }

    /// Whether `time` falls in one of `intervals` (a week's, sorted), repeated weekly. Shared
    /// with the engine's flat `ResourceHours` table so both give the same answer bit for bit.
    @inline(__always)
    static func isOpen(_ time: Double, in intervals: UnsafeBufferPointer<(start: Double, end: Double)>) -> Bool {
        let weekStart = (time / OpeningHours.week).rounded(.down) * OpeningHours.week
        let w = time - weekStart
        for interval in intervals where w < interval.end {
            return w >= interval.start
        }
        return false
    }

    /// The first moment at or after `time` when the resource is open (nil if it never opens).
    func nextOpening(after time: Double) -> Double? {
        if alwaysOpen { return time }
        guard closedOnHolidays else { return weeklyOpening(after: time) }
        var t = time
        // Bank holidays come at most a few days in a row: a handful of steps finds the next open day.
        for _ in 0..<64 {
            guard let c = weeklyOpening(after: t) else { return nil }
            if !OpeningHours.isHoliday(c) { return c }
            t = ((c / 1440).rounded(.down) + 1) * 1440
        }
        return nil
    }

    private func weeklyOpening(after time: Double) -> Double? {
        if openPerWeek >= OpeningHours.week { return time }
        guard let first = intervals.first else { return nil }
        let weekStart = (time / OpeningHours.week).rounded(.down) * OpeningHours.week
        let w = time - weekStart
        for interval in intervals where w < interval.end {
            return w >= interval.start ? time : weekStart + interval.start
        }
        return weekStart + OpeningHours.week + first.start
    }

    /// Open minutes between `from` and `to`.
    func openMinutes(from: Double, to: Double) -> Double {
        guard to > from else { return 0 }
        if alwaysOpen { return to - from }
        return intervals.withUnsafeBufferPointer { i in
            OpeningHours.openBefore(to, in: i, openPerWeek: openPerWeek)
                - OpeningHours.openBefore(from, in: i, openPerWeek: openPerWeek)
                - (closedOnHolidays ? OpeningHours.holidayOpenMinutes(from: from, to: to, in: i, openPerWeek: openPerWeek) : 0)
        }
    }

    /// Open minutes between time 0 and `time`, for a week of `intervals` (shared with `ResourceHours`).
    @inline(__always)
    static func openBefore(_ time: Double, in intervals: UnsafeBufferPointer<(start: Double, end: Double)>,
                           openPerWeek: Double) -> Double {
        let weeks = (time / OpeningHours.week).rounded(.down)
        let w = time - weeks * OpeningHours.week
        var total = weeks * openPerWeek
        for interval in intervals {
            if w <= interval.start { break }
            total += min(w, interval.end) - interval.start
        }
        return total
    }

    /// The first minute of the week the resource opens (0 when always open): meetings with
    /// `every` sit at that moment of their cycle.
    var firstOpening: Double { alwaysOpen ? 0 : (intervals.first?.start ?? 0) }
}

/// Every resource's opening hours as flat tables for the engine's hot path.
///
/// Reading an `OpeningHours` out of `CompiledPathway.resourceHours` copies a struct holding an
/// array, which costs a retain and a release on every `isOpen` and `openMinutes` (about 5% of
/// the hip fracture pathway's run). Here each resource's intervals are a range of one buffer of
/// plain values, and an always-open resource is answered from one flag without touching them.
/// The arithmetic is `OpeningHours`'s own static functions, so the answers are identical.
struct ResourceHours: ~Copyable {
    private let alwaysOpen: FlatBuffer<Bool>
    private let closedOnHolidays: FlatBuffer<Bool>
    private let openPerWeek: FlatBuffer<Double>
    private let firstInterval: FlatBuffer<Int>
    private let intervalCount: FlatBuffer<Int>
    private let intervals: FlatBuffer<(start: Double, end: Double)>

    init(_ hours: [OpeningHours]) {
        alwaysOpen = FlatBuffer(hours.map(\.alwaysOpen))
        closedOnHolidays = FlatBuffer(hours.map(\.closedOnHolidays))
        openPerWeek = FlatBuffer(hours.map(\.openPerWeek))
        var first: [Int] = [], counts: [Int] = [], all: [(start: Double, end: Double)] = []
        for h in hours {
            first.append(all.count)
            counts.append(h.intervals.count)
            all.append(contentsOf: h.intervals)
        }
        firstInterval = FlatBuffer(first)
        intervalCount = FlatBuffer(counts)
        intervals = FlatBuffer(all)
    }

    @inline(__always)
    private func intervals(_ r: Int) -> UnsafeBufferPointer<(start: Double, end: Double)> {
        UnsafeBufferPointer(start: intervals.base + firstInterval[r], count: intervalCount[r])
    }

    /// Whether resource `r` may start work at `time` (as `OpeningHours.isOpen`).
    @inline(__always)
    func isOpen(_ r: Int, _ time: Double) -> Bool {
        alwaysOpen[r] || (OpeningHours.isOpen(time, in: intervals(r)) && !(closedOnHolidays[r] && OpeningHours.isHoliday(time)))
    }

    /// Resource `r`'s open minutes between `from` and `to` (as `OpeningHours.openMinutes`).
    @inline(__always)
    func openMinutes(_ r: Int, from: Double, to: Double) -> Double {
        guard to > from else { return 0 }
        if alwaysOpen[r] { return to - from }
        let i = intervals(r), perWeek = openPerWeek[r]
        return OpeningHours.openBefore(to, in: i, openPerWeek: perWeek) - OpeningHours.openBefore(from, in: i, openPerWeek: perWeek)
            - (closedOnHolidays[r] ? OpeningHours.holidayOpenMinutes(from: from, to: to, in: i, openPerWeek: perWeek) : 0)
    }
}
