import PathwayModel
/// Reads a timestamp from its digits, by hand (a million rows cannot afford a date formatter).
///
/// Accepted, with optional surrounding spaces:
/// - ISO 8601: `2024-01-05T09:30:00Z`, with fractional seconds (`09:30:00.250Z`), an offset
///   (`+01:00`, `+0100`, `+01`, `-05:00`) or no zone; seconds may be left out (`T09:30Z`);
/// - `2024-01-05 09:30` and `2024-01-05 09:30:15` (a space instead of `T`), read as UTC when no
///   zone follows;
/// - a plain date `2024-01-05` (midnight UTC);
/// - UK day-first dates `05/01/2024`, `05/01/2024 09:30`, `05/01/2024 09:30:15` (UTC).
///
/// A time without a zone is taken as UTC: NHS extracts mostly write local time, which is UTC
/// in winter and an hour ahead in summer, so clocks spanning the change may be an hour out.
enum TimestampParser {
    /// Where the parser is in the bytes.
    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var p: Int
        var end: Int

        @inline(__always)
        mutating func digits(_ count: Int) -> Int? {
            guard p + count <= end else { return nil }
            var value = 0
            for k in 0..<count {
                let d = Int(bytes[p + k]) &- 48
                guard d >= 0 && d <= 9 else { return nil }
                value = value &* 10 &+ d
            }
            p += count
            return value
        }

        @inline(__always)
        mutating func take(_ ascii: UInt8) -> Bool {
            guard p < end, bytes[p] == ascii else { return false }
            p += 1
            return true
        }

        var atEnd: Bool { p >= end }
    }

    /// Minutes since 1970-01-01T00:00Z, or nil when `bytes` is not a timestamp read here.
    static func minutes(_ bytes: UnsafeRawBufferPointer) -> Double? {
        var c = Cursor(bytes: bytes, p: 0, end: bytes.count)
        while c.p < c.end, bytes[c.p] == 0x20 || bytes[c.p] == 0x09 { c.p += 1 }
        while c.end > c.p, bytes[c.end - 1] == 0x20 || bytes[c.end - 1] == 0x09 || bytes[c.end - 1] == 0x0D { c.end -= 1 }

        let year: Int, month: Int, day: Int
        if c.p + 2 < c.end, bytes[c.p + 2] == UInt8(ascii: "/") {
            guard let d = c.digits(2), c.take(UInt8(ascii: "/")), let m = c.digits(2), c.take(UInt8(ascii: "/")),
                  let y = c.digits(4) else { return nil }
            (year, month, day) = (y, m, d)
        } else {
            guard let y = c.digits(4), c.take(UInt8(ascii: "-")), let m = c.digits(2), c.take(UInt8(ascii: "-")),
                  let d = c.digits(2) else { return nil }
            (year, month, day) = (y, m, d)
        }
        guard month >= 1, month <= 12, day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        if c.atEnd { return seconds / 60 }

        guard c.take(UInt8(ascii: "T")) || c.take(UInt8(ascii: " ")) || c.take(UInt8(ascii: "t")) else { return nil }
        guard let hour = c.digits(2), c.take(UInt8(ascii: ":")), let minute = c.digits(2) else { return nil }
        var second = 0
        var fraction = 0.0
        if c.take(UInt8(ascii: ":")) {
            guard let s = c.digits(2) else { return nil }
            second = s
            if c.take(UInt8(ascii: ".")) || c.take(UInt8(ascii: ",")) {
                var scale = 0.1, any = false
                while c.p < c.end, bytes[c.p] >= 48, bytes[c.p] <= 57 {
                    fraction += Double(bytes[c.p] - 48) * scale
                    scale /= 10
                    c.p += 1
                    any = true
                }
                guard any else { return nil }
            }
        }
        guard hour <= 24, minute <= 59, second <= 60, hour < 24 || (minute == 0 && second == 0) else { return nil }
        seconds += Double(hour * 3600 + minute * 60 + second)

        if !c.atEnd, !c.take(UInt8(ascii: "Z")), !c.take(UInt8(ascii: "z")) {
            let sign: Double
            if c.take(UInt8(ascii: "+")) { sign = 1 } else if c.take(UInt8(ascii: "-")) { sign = -1 } else { return nil }
            guard let offsetHours = c.digits(2) else { return nil }
            var offsetMinutes = 0
            if c.take(UInt8(ascii: ":")) {
                guard let m = c.digits(2) else { return nil }
                offsetMinutes = m
            } else if !c.atEnd {
                guard let m = c.digits(2) else { return nil }
                offsetMinutes = m
            }
            guard offsetHours <= 18, offsetMinutes <= 59 else { return nil }
            seconds -= sign * Double(offsetHours * 3600 + offsetMinutes * 60)
        }
        guard c.atEnd else { return nil }
        return seconds / 60 + fraction / 60
    }

    /// Minutes since 1970-01-01T00:00Z of `text`, or nil.
    static func minutes(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { minutes(UnsafeRawBufferPointer($0)) }
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int { CivilDate.days(year: year, month: month, day: day) }
}
