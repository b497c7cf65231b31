import PathwayModel

/// Reads event logs (CSV, XES, OCEL 2.0 JSON) and joins their events into cases by case id,
/// the patient's NHS number. See Docs/event-logs.md.
public enum LogReader {
    /// Reads every file (one per organisation, say) and joins their events into cases by case id.
    /// `pathway` (optional) lets the join report cases handed off to an organisation whose extract was read but which lacks the case.
    ///
    /// The format is chosen by extension (`.csv`/`.tsv`/`.txt`, `.xes`, `.jsonocel`/`.ocel.json`/`.json`),
    /// else by the first bytes; `-` reads standard input. Throws for a file that cannot be read
    /// as a log at all; everything else wrong is a `LogProblem` in the result.
    public static func read(paths: [String], columns: LogColumns = LogColumns(), pathway: Pathway? = nil) throws(LogReadError) -> EventLog {
        try read(paths: paths, columns: columns, pathway: pathway, mapping: [:])
    }

    /// `read(paths:columns:pathway:)`, with a mapping file's entries (activity name -> step id)
    /// used to place events on steps when checking hand-offs between extracts.
    public static func read(paths: [String], columns: LogColumns = LogColumns(), pathway: Pathway?,
                            mapping: [String: String]) throws(LogReadError) -> EventLog {
        var builder = LogBuilder()
        for path in paths {
            _ = builder.beginFile(path)
            if path == "-" {
                let stream = ByteStream(standardInput: ())
                try readOne(stream, name: "standard input", format: LogFormat(sniffing: stream.buffer[0..<min(stream.end, 64)]),
                            columns: columns, into: &builder)
            } else {
                try readFile(path, columns: columns, into: &builder)
            }
            builder.endFile()
        }
        return builder.finish(pathway: pathway, mapping: mapping)
    }

    /// Same, from bytes already in memory (for tests and stdin): (name, bytes) pairs.
    public static func read(contents: [(name: String, bytes: [UInt8])], columns: LogColumns = LogColumns(), pathway: Pathway? = nil) throws(LogReadError) -> EventLog {
        try read(contents: contents, columns: columns, pathway: pathway, mapping: [:])
    }

    /// `read(contents:columns:pathway:)` with mapping entries, as for `read(paths:...)`.
    public static func read(contents: [(name: String, bytes: [UInt8])], columns: LogColumns = LogColumns(), pathway: Pathway?,
                            mapping: [String: String]) throws(LogReadError) -> EventLog {
        var builder = LogBuilder()
        for (name, bytes) in contents {
            _ = builder.beginFile(name)
            let format = LogFormat(fileName: name) ?? LogFormat(sniffing: bytes.prefix(64))
            try readOne(ByteStream(bytes: bytes), name: name, format: format, columns: columns, into: &builder)
            builder.endFile()
        }
        return builder.finish(pathway: pathway, mapping: mapping)
    }

    private static func readFile(_ path: String, columns: LogColumns, into builder: inout LogBuilder) throws(LogReadError) {
        let lower = path.lowercased()
        for packed in [".gz", ".zip", ".bz2", ".xz", ".zst"] where lower.hasSuffix(packed) {
            throw LogReadError(file: path, message: "compressed logs (\(packed)) are not read; unpack it first (or pass it through a pipe: <(gunzip -c \(path)))", reason: .notALog)
        }
        let stream = try ByteStream(path: path)
        let format = LogFormat(fileName: path) ?? LogFormat(sniffing: stream.buffer[0..<min(stream.end, 64)])
        try readOne(stream, name: path, format: format, columns: columns, into: &builder)
    }

    private static func readOne(_ stream: ByteStream, name: String, format: LogFormat,
                                columns: LogColumns, into builder: inout LogBuilder) throws(LogReadError) {
        switch format {
        case .csv: try CSVLogReader.read(stream, name: name, columns: columns, into: &builder)
        case .ocel: try OCELLogReader.read(stream, name: name, into: &builder)
        case .xes: try XESLogReader.read(stream, name: name, into: &builder)
        }
    }
}

extension LogProblem {
    /// Where the problem is, as `file:line` (CSV) or `file:event N` (XES, OCEL), given the log
    /// it came from; nil when it has no origin.
    public func location(in log: EventLog) -> String? {
        guard let origin, origin.file >= 0, Int(origin.file) < log.files.count else { return nil }
        let file = log.files[Int(origin.file)]
        guard origin.line > 0 else { return file }
        let isCSV = (LogFormat(fileName: file) ?? .csv) == .csv
        return isCSV ? "\(file):\(origin.line)" : "\(file):event \(origin.line)"
    }

    /// The problem as one line: `file:line: message` when its place is known.
    public func text(in log: EventLog) -> String {
        location(in: log).map { "\($0): \(message)" } ?? message
    }
}
