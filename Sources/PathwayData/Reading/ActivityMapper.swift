import PathwayModel

/// Maps a log's activities to a pathway's steps.
public enum ActivityMapper {
    /// Maps each activity of `log` to a step of `pathway`. An activity matches, in this order:
    /// an entry of `mapping` (activity name -> step id, from `readMappingFile`; what it says
    /// wins over the names); a step id (carepath's logs carry the step id in `step_id`); a
    /// step title (case-insensitive, runs of white space as one space); a step id written in
    /// another case. Each activity that matches no step, or whose mapping entry names no step,
    /// is one `unmappedActivity` problem with its number of events and where it first occurs.
    public static func map(_ log: EventLog, to pathway: Pathway, mapping: [String: String] = [:]) -> (StepMapping, [LogProblem]) {
        var byID: [String: Int] = [:]
        var byTitle: [String: Int] = [:]
        var byLooseID: [String: Int] = [:]
        for (i, step) in pathway.steps.enumerated() {
            if byID[step.id] == nil { byID[step.id] = i }
            if let title = step.title, byTitle[normalised(title)] == nil { byTitle[normalised(title)] = i }
            if byLooseID[normalised(step.id)] == nil { byLooseID[normalised(step.id)] = i }
        }
        // A subpathway's own steps (logged `call/step`, or by their titles) stand for the step
        // that calls it: the subpathway running. The pathway's own steps win a shared title.
        for (i, step) in pathway.steps.enumerated() where step.kind == .subpathway {
            guard let file = step.pathway, let called = pathway.subpathways[file] else { continue }
            var work: [(prefix: String, pathway: Pathway, depth: Int)] = [(step.id + "/", called, 1)]
            while let (prefix, inner, depth) = work.popLast() {
                for s in inner.steps {
                    let id = prefix + s.id
                    if byID[id] == nil { byID[id] = i }
                    if let title = s.title, byTitle[normalised(title)] == nil { byTitle[normalised(title)] = i }
                    if byLooseID[normalised(id)] == nil { byLooseID[normalised(id)] = i }
                    if s.kind == .subpathway, depth < 16, let f = s.pathway, let next = inner.subpathways[f] {
                        work.append((id + "/", next, depth + 1))
                    }
                }
            }
        }
        var looseMapping: [String: String] = [:]
        for (activity, step) in mapping where looseMapping[normalised(activity)] == nil { looseMapping[normalised(activity)] = step }

        var problems: [LogProblem] = []
        var steps: [Int?] = []
        /// For activities whose mapping entry names no step: the step id it names.
        var badTarget: [Int: String] = [:]
        for (a, activity) in log.activities.enumerated() {
            let key = normalised(activity)
            if let target = mapping[activity] ?? looseMapping[key] {
                if let i = byID[target.trimmingSpaces] {
                    steps.append(i)
                    continue
                }
                badTarget[a] = target
                steps.append(nil)
                continue
            }
            steps.append(byID[activity] ?? byTitle[key] ?? byLooseID[key])
        }

        // Count each unmapped activity's events, and where it first occurs.
        let unmapped = steps.indices.filter { steps[$0] == nil }
        if !unmapped.isEmpty {
            var counts = [Int](repeating: 0, count: steps.count)
            var first = [LogEvent?](repeating: nil, count: steps.count)
            var firstCase = [String?](repeating: nil, count: steps.count)
            for logCase in log.cases {
                for event in logCase.events where steps[Int(event.activity)] == nil {
                    let a = Int(event.activity)
                    counts[a] += 1
                    if first[a].map({ isEarlier(event.origin, than: $0.origin) }) ?? true {
                        first[a] = event
                        firstCase[a] = logCase.id
                    }
                }
            }
            let byFirstPlace = unmapped.sorted { a, b in
                guard let x = first[a]?.origin else { return false }
                guard let y = first[b]?.origin else { return true }
                return isEarlier(x, than: y)
            }
            for a in byFirstPlace {
                let name = TerminalSafe.line(log.activities[a])
                let events = "\(counts[a]) event\(counts[a] == 1 ? "" : "s")"
                let message: String
                if let target = badTarget[a] {
                    message = "the mapping file sends activity '\(name)' (\(events)) to '\(TerminalSafe.line(target))', which is not a step id of \(pathway.id)\(suggestion(target, byID.keys))"
                } else {
                    message = "activity '\(name)' (\(events)) matches no step of \(pathway.id) by id or title\(suggestion(log.activities[a], pathway.steps.map { $0.title ?? $0.id })); a mapping file can say which step it is"
                }
                problems.append(LogProblem(kind: .unmappedActivity, caseID: firstCase[a], message: message, origin: first[a]?.origin))
            }
        }
        return (StepMapping(step: steps), problems)
    }

    /// Reads a mapping file: CSV with the header row `activity,step`, then one activity name and
    /// the step id it stands for per row (quote names holding commas). Blank lines and lines
    /// starting `#` are skipped. An activity given twice with different steps, a row without
    /// two cells, or a missing header is an error naming the line.
    public static func readMappingFile(_ path: String) throws(LogReadError) -> [String: String] {
        let stream = try ByteStream(path: path)
        var bytes: [UInt8] = []
        while true {
            if stream.end > 16 << 20 {
                throw LogReadError(file: path, message: "a mapping file is a short list of activity,step rows; this one is over 16 MB", reason: .badMapping)
            }
            guard !stream.atEOF, stream.refill(keeping: 0) != nil else { break }
        }
        bytes = Array(stream.buffer[0..<stream.end])
        if let error = stream.readError { throw LogReadError(file: path, message: "cannot read it: \(error)", reason: .cannotOpen) }
        return try parseMapping(bytes, name: path)
    }

    /// `readMappingFile` on bytes in memory.
    static func parseMapping(_ bytes: [UInt8], name: String) throws(LogReadError) -> [String: String] {
        var scanner = RecordScanner(delimiter: 0x2C)
        var result: [String: String] = [:]
        var lineOf: [String: Int] = [:]
        var pos = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        var line = 1
        var sawHeader = false
        func bad(_ message: String, _ line: Int) -> LogReadError {
            LogReadError(file: name, message: "line \(line): \(message)", reason: .badMapping)
        }
        while pos < bytes.count {
            let outcome = bytes.withUnsafeBytes { scanner.scan($0, from: pos, end: bytes.count, eof: true) }
            guard case .record(let next, let fields, let newlines) = outcome else {
                throw bad("a quoted name (\") is never closed", line)
            }
            let cells = bytes.withUnsafeBytes { raw in
                (0..<fields).map { k in scanner.withCell(k, in: raw) { String(decoding: $0, as: UTF8.self).trimmingSpaces } }
            }
            defer {
                pos = next
                line += newlines
            }
            if cells.allSatisfy(\.isEmpty) || cells[0].hasPrefix("#") { continue }
            if !sawHeader {
                guard cells.count >= 2, cells[0].lowercased() == "activity", cells[1].lowercased() == "step" else {
                    throw bad("a mapping file begins with the header row 'activity,step' (found '\(TerminalSafe.line(cells.joined(separator: ",")))')", line)
                }
                sawHeader = true
                continue
            }
            guard cells.count == 2 || (cells.count > 2 && cells[2...].allSatisfy(\.isEmpty)) else {
                throw bad("expected two cells, an activity name and a step id, but found \(cells.count) (quote a name that holds a comma)", line)
            }
            guard !cells[0].isEmpty, !cells[1].isEmpty else {
                throw bad(cells[0].isEmpty ? "the activity name is empty" : "activity '\(TerminalSafe.line(cells[0]))' has no step id", line)
            }
            if let earlier = result[cells[0]], earlier != cells[1] {
                throw bad("activity '\(TerminalSafe.line(cells[0]))' is mapped to '\(TerminalSafe.line(earlier))' on line \(lineOf[cells[0]] ?? 0) and to '\(TerminalSafe.line(cells[1]))' here; keep one", line)
            }
            result[cells[0]] = cells[1]
            lineOf[cells[0]] = line
        }
        guard sawHeader else { throw LogReadError(file: name, message: "the mapping file is empty; it needs the header row 'activity,step' and one row per activity", reason: .badMapping) }
        return result
    }

    /// Lower case, white space runs as one space, trimmed.
    static func normalised(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private static func isEarlier(_ a: LogOrigin, than b: LogOrigin) -> Bool {
        a.file != b.file ? a.file < b.file : a.line < b.line
    }

    /// "; did you mean 'X'?" for the closest candidate within a few edits, else "".
    private static func suggestion(_ name: String, _ candidates: some Sequence<String>) -> String {
        let target = Array(normalised(name))
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(target, Array(normalised(candidate)))
            if distance <= max(2, target.count / 4), distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
        }
        guard let best else { return "" }
        return " (did you mean '\(TerminalSafe.line(best.0))'?)"
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        if abs(a.count - b.count) > 8 { return abs(a.count - b.count) }
        var previous = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &row)
        }
        return previous[b.count]
    }
}
