/// Reads a CSV event log as it streams: RFC 4180 quoting (quoted cells may hold the separator,
/// line breaks and doubled quotes), a header row naming the columns, one event per row. Cells
/// are read where they lie in the byte buffer; only new names are turned into strings.
///
/// The separator is a comma, or a tab or semicolon when the header has no comma. `case:NAME`
/// columns are patient attributes. pm4py's column names (`case:concept:name`, `concept:name`,
/// `time:timestamp`, `lifecycle:transition`, `org:group`, `org:resource`) are used when
/// carepath's own are absent and no other name was asked for.
enum CSVLogReader {
    /// Longest row read (a longer one almost always means a quote that is never closed).
    static let maxRowBytes = 16 << 20

    static func read(_ stream: ByteStream, name: String, columns: LogColumns, into builder: inout LogBuilder) throws(LogReadError) {
        var pos = 0
        // Byte order mark.
        if stream.end >= 3, stream.buffer[0] == 0xEF, stream.buffer[1] == 0xBB, stream.buffer[2] == 0xBF { pos = 3 }
        // Blank lines before the header.
        while pos < stream.end, stream.buffer[pos] == 0x0A || stream.buffer[pos] == 0x0D { pos += 1 }
        guard pos < stream.end else {
            throw LogReadError(file: name, message: stream.readError.map { "cannot read it: \($0)" } ?? "the file is empty: an event log needs a header row and one row per event",
                               reason: stream.readError == nil ? .notALog : .cannotOpen)
        }
        let delimiter = detectDelimiter(stream, from: pos)
        var scanner = RecordScanner(delimiter: delimiter)

        // The header row.
        var header: [String] = []
        var headerLines = 1
        while true {
            let outcome = stream.buffer.withUnsafeBytes { scanner.scan($0, from: pos, end: stream.end, eof: stream.atEOF) }
            switch outcome {
            case .needMore:
                guard stream.end - pos < 1 << 20, let shift = stream.refill(keeping: pos) else {
                    throw LogReadError(file: name, message: "this is not an event log carepath reads: the first line is over 1 MB long, not a header row of column names")
                }
                pos -= shift
                continue
            case .unterminated:
                throw LogReadError(file: name, message: "this is not an event log carepath reads: the header row opens a quote that is never closed")
            case .record(let next, let fields, let newlines):
                var binary = false
                stream.buffer.withUnsafeBytes { raw in
                    for k in 0..<fields {
                        let cell = scanner.cell(k, in: raw)
                        if cell.contains(0) || !isUTF8(cell) { binary = true }
                        header.append(String(decoding: cell, as: UTF8.self).trimmingSpaces)
                    }
                }
                if binary {
                    throw LogReadError(file: name, message: "this is not an event log carepath reads: its first line holds binary data, not column names (logs are CSV with a header row, XES or OCEL 2.0 JSON)")
                }
                pos = next
                headerLines = newlines
            }
            break
        }

        let layout = try ColumnLayout(header: header, columns: columns, file: name)
        var line = 1 + headerLines

        // Rows are read a buffer at a time (one access to the buffer per megabyte, not per row).
        let headerCount = header.count
        while true {
            var needMore = false
            var stop = false
            let end = stream.end, eof = stream.atEOF
            stream.buffer.withUnsafeBytes { raw in
                while pos < end {
                    switch scanner.scan(raw, from: pos, end: end, eof: eof) {
                    case .needMore:
                        needMore = true
                        return
                    case .unterminated:
                        builder.brokenOff("a quoted cell (\") opened on this line is never closed, so the rest of the file (from this line on) could not be read", line: line)
                        stop = true
                        return
                    case .record(let next, let fields, let newlines):
                        if !(fields == 1 && scanner.isEmpty(0)) { // not a blank line
                            readRow(raw, scanner: scanner, fields: fields, headerCount: headerCount, layout: layout, line: line, into: &builder)
                        }
                        line += newlines
                        pos = next
                    }
                }
            }
            if stop { return }
            if eof && !needMore { break }
            if needMore && stream.end - pos >= maxRowBytes {
                builder.brokenOff("the row starting here is over 16 MB long, which usually means a quote (\") that is never closed; the rest of the file could not be read", line: line)
                return
            }
            guard let shift = stream.refill(keeping: pos) else { break }
            pos -= shift
        }
        if let error = stream.readError {
            builder.brokenOff("the file could not be read to the end (\(error)); the rows before this line are kept", line: line)
        }
    }

    /// One row: an event, or an unreadable-row problem.
    private static func readRow(_ raw: UnsafeRawBufferPointer, scanner: RecordScanner, fields: Int, headerCount: Int,
                                layout: ColumnLayout, line: Int, into builder: inout LogBuilder) {
        func cellText(_ k: Int) -> String {
            k < fields ? scanner.withCell(k, in: raw) { String(decoding: $0, as: UTF8.self) } : ""
        }
        func shortRow() -> String {
            fields < headerCount ? " (the row has \(fields) cell\(fields == 1 ? "" : "s"); the header has \(headerCount))" : ""
        }
        guard layout.caseID < fields, let c = scanner.withCell(layout.caseID, in: raw, { builder.caseIndex($0) }) else {
            builder.unreadable("no case id (NHS number) in column '\(TerminalSafe.line(layout.caseIDName))'\(shortRow()); the row is left out", line: line)
            return
        }
        let minutes: Double? = layout.timestamp < fields ? scanner.withCell(layout.timestamp, in: raw) { TimestampParser.minutes($0) } : nil
        guard let minutes else {
            let text = cellText(layout.timestamp)
            builder.unreadable(text.trimmingSpaces.isEmpty
                ? "no timestamp in column '\(TerminalSafe.line(layout.timestampName))'\(shortRow()); the row is left out"
                : "'\(TerminalSafe.line(text))' is not a date and time carepath reads (write 2024-03-05T09:30:00Z, 2024-03-05 09:30 or 05/03/2024 09:30); the row is left out",
                line: line, caseID: nil)
            return
        }
        var lifecycle = LogLifecycle.complete
        if let k = layout.lifecycle, k < fields {
            guard let value = scanner.withCell(k, in: raw, { LifecycleText.parse($0) }) else {
                builder.unreadable("lifecycle '\(TerminalSafe.line(cellText(k)))' is not one carepath reads (\(LifecycleText.accepted)); the event is left out", line: line)
                return
            }
            lifecycle = value
        }
        var activity: Int32 = -1
        if let k = layout.stepID, k < fields, !scanner.isBlank(k, in: raw) {
            activity = scanner.withCell(k, in: raw) { builder.activities.intern(trimmed($0)) }
        } else if layout.activity < fields, !scanner.isBlank(layout.activity, in: raw) {
            activity = scanner.withCell(layout.activity, in: raw) { builder.activities.intern(trimmed($0)) }
        }
        guard activity >= 0 else {
            builder.unreadable("no activity in column '\(TerminalSafe.line(layout.activityName))'\(shortRow()); the row is left out", line: line)
            return
        }
        var organisation: Int32 = -1
        if let k = layout.organisation, k < fields, !scanner.isBlank(k, in: raw) {
            organisation = scanner.withCell(k, in: raw) { builder.organisations.intern(trimmed($0)) }
        }
        var resource: Int32 = -1
        if let k = layout.resource, k < fields, !scanner.isBlank(k, in: raw) {
            resource = scanner.withCell(k, in: raw) { builder.resources.intern(trimmed($0)) }
        }
        if !layout.attributes.isEmpty, builder.wantsAttributes(c) {
            builder.tookAttributes(c)
            for (k, key) in layout.attributes where k < fields {
                builder.setAttribute(c, key, cellText(k).trimmingSpaces)
            }
        }
        builder.add(c, LogEvent(activity: activity, lifecycle: lifecycle, minutes: minutes, organisation: organisation,
                                resource: resource, origin: LogOrigin(file: builder.currentFile, line: Int32(clamping: line))))
    }

    /// Comma, unless the header line has none and has tabs (or semicolons).
    private static func detectDelimiter(_ stream: ByteStream, from start: Int) -> UInt8 {
        var commas = 0, tabs = 0, semicolons = 0
        var k = start
        while k < stream.end, stream.buffer[k] != 0x0A {
            switch stream.buffer[k] {
            case 0x2C: commas += 1
            case 0x09: tabs += 1
            case 0x3B: semicolons += 1
            default: break
            }
            k += 1
        }
        if commas > 0 { return 0x2C }
        if tabs > 0 { return 0x09 }
        if semicolons > 0 { return 0x3B }
        return 0x2C
    }

    static func isUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}

/// Bytes without spaces and tabs at either end.
@inline(__always)
func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    var lower = 0, upper = bytes.count
    while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
    while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
    if lower == 0 && upper == bytes.count { return bytes }
    return UnsafeRawBufferPointer(rebasing: bytes[lower..<upper])
}

extension String {
    /// Without spaces, tabs and line breaks at either end.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !" \t\r\n".unicodeScalars.contains($0) }),
              let last = scalars.lastIndex(where: { !" \t\r\n".unicodeScalars.contains($0) }) else { return "" }
        return String(scalars[first...last])
    }
}

/// Where each needed column is in a CSV header.
struct ColumnLayout {
    var caseID: Int
    var activity: Int
    var timestamp: Int
    var lifecycle: Int?
    var organisation: Int?
    var resource: Int?
    var stepID: Int?
    /// `case:NAME` columns: index and attribute name.
    var attributes: [(Int, String)]
    var caseIDName: String
    var activityName: String
    var timestampName: String

    init(header: [String], columns: LogColumns, file: String) throws(LogReadError) {
        func find(_ name: String) -> Int? {
            header.firstIndex(of: name) ?? header.firstIndex { $0.lowercased() == name.lowercased() }
        }
        let listed = header.map { "'\(TerminalSafe.line($0))'" }.joined(separator: ", ")
        func missing(_ name: String, _ what: String) -> LogReadError {
            LogReadError(file: file, message: "there is no '\(TerminalSafe.line(name))' column for \(what); the file's columns are \(listed.isEmpty ? "(none)" : listed)",
                         reason: .missingColumn, columnsFound: header)
        }
        let defaults = LogColumns.defaults
        func required(_ name: String, _ fallback: String, _ isDefault: Bool, _ what: String) throws(LogReadError) -> Int {
            if let k = find(name) { return k }
            if isDefault, let k = find(fallback) { return k }
            throw missing(name, what)
        }
        func optional(_ name: String?, _ defaultName: String?, _ fallback: String?, _ what: String) throws(LogReadError) -> Int? {
            guard let name else { return nil }
            if let k = find(name) { return k }
            if name == defaultName {
                if let fallback, let k = find(fallback) { return k }
                return nil
            }
            throw missing(name, what)
        }
        caseID = try required(columns.caseID, "case:concept:name", columns.caseID == defaults.caseID, "the case id (the NHS number)")
        activity = try required(columns.activity, "concept:name", columns.activity == defaults.activity, "the activity")
        timestamp = try required(columns.timestamp, "time:timestamp", columns.timestamp == defaults.timestamp, "the time of each event")
        lifecycle = try optional(columns.lifecycle, defaults.lifecycle, "lifecycle:transition", "the lifecycle (schedule, start, complete)")
        organisation = try optional(columns.organisation, defaults.organisation, "org:group", "the organisation")
        resource = try optional(columns.resource, defaults.resource, "org:resource", "the resource")
        stepID = try optional(columns.stepID, defaults.stepID, nil, "the step id")
        caseIDName = header[caseID]
        activityName = header[activity]
        timestampName = header[timestamp]
        let used = Set([caseID, activity, timestamp] + [lifecycle, organisation, resource, stepID].compactMap { $0 })
        var attributes: [(Int, String)] = []
        for (k, name) in header.enumerated() where !used.contains(k) && name.hasPrefix("case:") && name.count > 5 {
            attributes.append((k, String(name.dropFirst(5))))
        }
        self.attributes = attributes
    }
}

/// Finds one CSV record's cells in a byte buffer, without copying them.
struct RecordScanner {
    enum Outcome {
        /// A whole record: where the next begins, how many cells, how many line breaks it spans
        /// (counting the one that ends it).
        case record(next: Int, fields: Int, newlines: Int)
        /// The buffer ends inside the record and more input follows.
        case needMore
        /// The input ends inside a quoted cell.
        case unterminated
    }

    let delimiter: UInt8
    /// Cell `k` is `raw[cells[2k] ..< |cells[2k + 1]|]`; a negative end (`-(end + 1)`) marks a
    /// cell with doubled quotes inside.
    private var cells: [Int] = Array(repeating: 0, count: 128)

    init(delimiter: UInt8) { self.delimiter = delimiter }

    mutating func scan(_ raw: UnsafeRawBufferPointer, from start: Int, end: Int, eof: Bool) -> Outcome {
        while true {
            let delimiter = self.delimiter
            let outcome = cells.withUnsafeMutableBufferPointer { cells in
                RecordScanner.scan(raw, from: start, end: end, eof: eof, delimiter: delimiter, into: cells)
            }
            if let outcome { return outcome }
            cells += Array(repeating: 0, count: cells.count) // more cells than room: grow and scan again
        }
    }

    /// One record's cells into `cells`; nil when they do not fit.
    private static func scan(_ raw: UnsafeRawBufferPointer, from start: Int, end: Int, eof: Bool, delimiter: UInt8,
                             into cells: UnsafeMutableBufferPointer<Int>) -> Outcome? {
        let quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        var pos = start, fields = 0, newlines = 0
        while true {
            guard 2 * fields + 1 < cells.count else { return nil }
            if pos < end && raw[pos] == quote {
                pos += 1
                let cellStart = pos
                var hasEscapes = false
                while true {
                    guard pos < end else { return eof ? .unterminated : .needMore }
                    let byte = raw[pos]
                    if byte == quote {
                        if pos + 1 < end {
                            if raw[pos + 1] == quote {
                                hasEscapes = true
                                pos += 2
                                continue
                            }
                            break
                        }
                        if eof { break }
                        return .needMore
                    }
                    if byte == lf { newlines += 1 }
                    pos += 1
                }
                cells[2 * fields] = cellStart
                cells[2 * fields + 1] = hasEscapes ? -(pos + 1) : pos
                pos += 1
                // Text after the closing quote (`"a"b`) is not RFC 4180; it is skipped.
                while pos < end, raw[pos] != delimiter, raw[pos] != lf, raw[pos] != cr { pos += 1 }
            } else {
                let cellStart = pos
                while pos < end {
                    let byte = raw[pos]
                    if byte == delimiter || byte == lf || byte == cr { break }
                    pos += 1
                }
                cells[2 * fields] = cellStart
                cells[2 * fields + 1] = pos
            }
            fields += 1
            guard pos < end else { return eof ? .record(next: end, fields: fields, newlines: newlines) : .needMore }
            let byte = raw[pos]
            if byte == delimiter {
                pos += 1
                continue
            }
            if byte == cr {
                if pos + 1 < end {
                    pos += raw[pos + 1] == lf ? 2 : 1
                } else if eof {
                    pos += 1
                } else {
                    return .needMore
                }
                return .record(next: pos, fields: fields, newlines: newlines + 1)
            }
            return .record(next: pos + 1, fields: fields, newlines: newlines + 1)
        }
    }

    private func bounds(_ k: Int) -> (start: Int, end: Int, escaped: Bool) {
        let end = cells[2 * k + 1]
        return end < 0 ? (cells[2 * k], -end - 1, true) : (cells[2 * k], end, false)
    }

    /// Cell `k` as it lies in the buffer (doubled quotes still doubled).
    func cell(_ k: Int, in raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let (start, end, _) = bounds(k)
        return UnsafeRawBufferPointer(rebasing: raw[start..<end])
    }

    /// Whether cell `k` has no bytes.
    func isEmpty(_ k: Int) -> Bool { bounds(k).start == bounds(k).end }

    /// Whether cell `k` holds only spaces or nothing.
    func isBlank(_ k: Int, in raw: UnsafeRawBufferPointer) -> Bool {
        let (start, end, _) = bounds(k)
        for i in start..<end where raw[i] != 0x20 && raw[i] != 0x09 { return false }
        return true
    }

    /// Calls `body` with cell `k`'s text (doubled quotes made single).
    func withCell<T>(_ k: Int, in raw: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let bytes = cell(k, in: raw)
        guard bounds(k).escaped else { return body(bytes) }
        var copy: [UInt8] = []
        copy.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            copy.append(bytes[i])
            i += bytes[i] == 0x22 ? 2 : 1
        }
        return copy.withUnsafeBytes(body)
    }
}
