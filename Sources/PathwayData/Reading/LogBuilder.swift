import PathwayModel

/// Gathers the events of every file read, then joins them into cases by case id: the one place
/// where ordering, the NHS number check and the string tables are settled, whatever the format.
struct LogBuilder {
    /// Most unreadable rows listed one by one per file; the rest are counted in one problem.
    static let unreadableListed = 1000

    private(set) var files: [String] = []
    private var caseIDs = ByteInterner()
    var activities = ByteInterner()
    var organisations = ByteInterner()
    var resources = ByteInterner()
    private var eventCases: [Int32] = []
    private var events: [LogEvent] = []
    private var attributes: [[String: String]] = []
    private var attributeFile: [Int32] = []
    private var lastFile: [Int32] = []
    private var lastMinutes: [Double] = []
    private var disorderFile: [Int32] = []
    private(set) var problems: [LogProblem] = []
    private(set) var currentFile: Int32 = -1
    private var unreadableCount = 0
    private var scratch: [UInt8] = []

    /// Starts the next file; returns its index.
    mutating func beginFile(_ name: String) -> Int32 {
        files.append(name)
        currentFile = Int32(files.count - 1)
        unreadableCount = 0
        return currentFile
    }

    /// Closes the current file, summing up unreadable rows beyond those listed.
    mutating func endFile() {
        let extra = unreadableCount - LogBuilder.unreadableListed
        if extra > 0 {
            problems.append(LogProblem(kind: .unreadable, message: "\(files[Int(currentFile)]): \(extra) more rows or events could not be read (the first \(LogBuilder.unreadableListed) are listed one by one)",
                                       origin: LogOrigin(file: currentFile, line: 0)))
        }
    }

    /// Notes a row or element of the current file that could not be read.
    mutating func unreadable(_ message: String, line: Int, caseID: String? = nil) {
        unreadableCount += 1
        guard unreadableCount <= LogBuilder.unreadableListed else { return }
        problems.append(LogProblem(kind: .unreadable, caseID: caseID, message: message,
                                   origin: LogOrigin(file: currentFile, line: Int32(clamping: line))))
    }

    /// Notes a problem that stops the current file part way: what was read before it is kept.
    mutating func brokenOff(_ message: String, line: Int) {
        problems.append(LogProblem(kind: .unreadable, message: message,
                                   origin: LogOrigin(file: currentFile, line: Int32(clamping: line))))
    }

    /// The case index of a case id (trimmed of spaces; an NHS number written in groups,
    /// `943 476 5919` or `943-476-5919`, is read as its ten digits). Nil for an empty id.
    mutating func caseIndex(_ raw: UnsafeRawBufferPointer) -> Int32? {
        var lower = 0, upper = raw.count
        while lower < upper, raw[lower] == 0x20 || raw[lower] == 0x09 { lower += 1 }
        while upper > lower, raw[upper - 1] == 0x20 || raw[upper - 1] == 0x09 { upper -= 1 }
        guard upper > lower else { return nil }
        let trimmed = UnsafeRawBufferPointer(rebasing: raw[lower..<upper])
        var digits = 0, separators = 0, other = 0
        for byte in trimmed {
            if byte >= 48 && byte <= 57 { digits += 1 } else if byte == 0x20 || byte == 0x2D { separators += 1 } else { other += 1 }
        }
        let index: Int32
        if digits == 10, separators > 0, other == 0 {
            scratch.removeAll(keepingCapacity: true)
            for byte in trimmed where byte >= 48 && byte <= 57 { scratch.append(byte) }
            index = scratch.withUnsafeBytes { caseIDs.intern($0) }
        } else {
            index = caseIDs.intern(trimmed)
        }
        if Int(index) == attributes.count {
            attributes.append([:])
            attributeFile.append(-1)
            lastFile.append(-1)
            lastMinutes.append(0)
            disorderFile.append(-1)
        }
        return index
    }

    /// The case index of a case id given as text.
    mutating func caseIndex(_ text: String) -> Int32? {
        var copy = text
        return copy.withUTF8 { caseIndex(UnsafeRawBufferPointer($0)) }
    }

    /// Whether the current file has not yet given this case's attributes.
    func wantsAttributes(_ c: Int32) -> Bool { attributeFile[Int(c)] != currentFile }

    /// Marks the case's attributes as taken from the current file.
    mutating func tookAttributes(_ c: Int32) { attributeFile[Int(c)] = currentFile }

    /// Sets a case attribute unless an earlier row or file already gave it. Empty values are skipped.
    mutating func setAttribute(_ c: Int32, _ key: String, _ value: String) {
        guard !value.isEmpty, attributes[Int(c)][key] == nil else { return }
        attributes[Int(c)][key] = value
    }

    /// Adds an event to case `c`, noting when it is earlier than one already read for the case
    /// from the same file.
    mutating func add(_ c: Int32, _ event: LogEvent) {
        let i = Int(c)
        if lastFile[i] == currentFile {
            if event.minutes < lastMinutes[i] {
                if disorderFile[i] != currentFile {
                    disorderFile[i] = currentFile
                    let id = caseIDs.string(i)
                    problems.append(LogProblem(
                        kind: .outOfTimeOrder, caseID: id,
                        message: "case \(TerminalSafe.line(id)): '\(TerminalSafe.line(activities.string(Int(event.activity))))' at \(TimeText.utc(event.minutes)) is written after an event at \(TimeText.utc(lastMinutes[i])); the case's events are put in time order",
                        origin: event.origin))
                }
            } else {
                lastMinutes[i] = event.minutes
            }
        } else {
            lastFile[i] = currentFile
            lastMinutes[i] = event.minutes
        }
        eventCases.append(c)
        events.append(event)
    }

    /// Joins the events into cases: tables sorted by name (so the same events read from any
    /// format give the same log), each case's events in time order (ties as read), cases in
    /// order of their first event (ties by id); invalid NHS numbers and, given a pathway, cases
    /// missing from the next organisation's extract are added to the problems.
    mutating func finish(pathway: Pathway?, mapping: [String: String]) -> EventLog {
        let (activityNames, activityMap) = LogBuilder.sortedTable(activities)
        let (organisationNames, organisationMap) = LogBuilder.sortedTable(organisations)
        let (resourceNames, resourceMap) = LogBuilder.sortedTable(resources)

        // Counting sort of the events by case keeps each case's events in the order read.
        let caseCount = caseIDs.count
        var starts = [Int](repeating: 0, count: caseCount + 1)
        for c in eventCases { starts[Int(c) + 1] += 1 }
        for i in 0..<caseCount { starts[i + 1] += starts[i] }
        var fill = starts
        var order = [Int32](repeating: 0, count: events.count)
        for (e, c) in eventCases.enumerated() {
            order[fill[Int(c)]] = Int32(e)
            fill[Int(c)] += 1
        }
        eventCases = []

        var cases: [LogCase] = []
        cases.reserveCapacity(caseCount)
        for c in 0..<caseCount where starts[c + 1] > starts[c] {
            var list: [LogEvent] = []
            list.reserveCapacity(starts[c + 1] - starts[c])
            var sorted = true
            for k in starts[c]..<starts[c + 1] {
                var event = events[Int(order[k])]
                event.activity = activityMap[Int(event.activity)]
                if event.organisation >= 0 { event.organisation = organisationMap[Int(event.organisation)] }
                if event.resource >= 0 { event.resource = resourceMap[Int(event.resource)] }
                if let last = list.last, event.minutes < last.minutes { sorted = false }
                list.append(event)
            }
            if !sorted {
                list = list.enumerated().sorted { a, b in
                    a.element.minutes != b.element.minutes ? a.element.minutes < b.element.minutes : a.offset < b.offset
                }.map(\.element)
                LogBuilder.keepTiesInOneFile(&list)
            }
            cases.append(LogCase(id: caseIDs.string(c), events: list, attributes: attributes[c]))
        }
        events = []
        cases.sort { a, b in
            let x = a.events[0].minutes, y = b.events[0].minutes
            return x != y ? x < y : a.id < b.id
        }

        var log = EventLog(files: files, activities: activityNames, organisations: organisationNames,
                           resources: resourceNames, cases: cases, problems: problems)
        for logCase in log.cases where !NHSNumber.isValid(logCase.id) {
            let shown = TerminalSafe.line(logCase.id)
            log.problems.append(LogProblem(
                kind: .invalidNHSNumber, caseID: logCase.id,
                message: "case '\(shown)' is not a valid NHS number (ten digits whose last is the Modulus 11 check digit); \(logCase.events.count == 1 ? "its 1 event is" : "its \(logCase.events.count) events are") kept, but it may not join with other organisations' records",
                origin: logCase.events.first?.origin))
        }
        if let pathway, files.count > 1 {
            log.problems += HandoffCheck.missingFromNext(log, pathway: pathway, mapping: mapping)
        }
        return log
    }

    /// Events of one case at the same time from different files cannot be ordered by time:
    /// those from the file of the event just before them come first (a patient completing a
    /// step in one organisation's record before arriving in the next one's at the same minute),
    /// then the others in file order, each file's in the order read.
    static func keepTiesInOneFile(_ list: inout [LogEvent]) {
        var start = 0
        while start < list.count {
            var end = start + 1
            var mixed = false
            while end < list.count, list[end].minutes == list[start].minutes {
                if list[end].origin.file != list[start].origin.file { mixed = true }
                end += 1
            }
            if mixed {
                let previous = start > 0 ? list[start - 1].origin.file : -1
                let run = list[start..<end].enumerated().sorted { a, b in
                    let x = a.element.origin.file == previous ? -1 : a.element.origin.file
                    let y = b.element.origin.file == previous ? -1 : b.element.origin.file
                    return x != y ? x < y : a.offset < b.offset
                }.map(\.element)
                list.replaceSubrange(start..<end, with: run)
            }
            start = end
        }
    }

    /// The table's strings sorted, and for each old index its new one.
    private static func sortedTable(_ table: ByteInterner) -> ([String], [Int32]) {
        let names = table.strings
        let order = names.indices.sorted { names[$0] < names[$1] }
        var map = [Int32](repeating: 0, count: names.count)
        for (new, old) in order.enumerated() { map[old] = Int32(new) }
        return (order.map { names[$0] }, map)
    }
}

/// Times and text for problem messages.
enum TimeText {
    /// `2024-01-05 09:30 UTC` (seconds shown when not zero).
    static func utc(_ minutes: Double) -> String {
        guard minutes.isFinite, abs(minutes) < 1e12 else { return "\(minutes) minutes" }
        let totalSeconds = Int((minutes * 60).rounded(.down))
        var days = totalSeconds / 86_400, rest = totalSeconds % 86_400
        if rest < 0 { days -= 1; rest += 86_400 }
        let (y, m, d) = civil(days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let seconds = rest % 60
        return "\(y)-\(two(m))-\(two(d)) \(two(rest / 3600)):\(two(rest / 60 % 60))\(seconds == 0 ? "" : ":" + two(seconds)) UTC"
    }

    /// Year, month and day of a day count from 1970-01-01.
    static func civil(_ days: Int) -> (Int, Int, Int) {
        let date = CivilDate.date(days: days)
        return (date.year, date.month, date.day)
    }
}

/// Cell text made safe to quote in a one-line message: control characters escaped
/// (`TerminalText.safeLine`) and long text cut to 80 characters.
enum TerminalSafe {
    static func line(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > 80 else { return TerminalText.safeLine(text) }
        var cut = String.UnicodeScalarView()
        cut.append(contentsOf: scalars.prefix(80))
        return TerminalText.safeLine(String(cut)) + "…"
    }

    static func line(_ bytes: UnsafeRawBufferPointer) -> String {
        line(String(decoding: bytes.prefix(400), as: UTF8.self))
    }
}
