/// Which columns of a CSV log hold what. Defaults are carepath's own columns (the ones
/// `carepath simulate --event-log out.csv` writes). Optional columns (`lifecycle`,
/// `organisation`, `resource`, `stepID`) may be absent from a file; when one is renamed from
/// its default and the file lacks it, reading stops with a `LogReadError` naming it. `nil`
/// means "this log has no such column".
///
/// XES and OCEL logs carry their own standard keys and ignore these names (see
/// Docs/event-logs.md).
public struct LogColumns: Sendable, Hashable {
    /// The case id: the patient's NHS number, which joins files from several organisations.
    public var caseID = "case_id"
    /// What happened: a step's title, or any name the mapping file maps to a step.
    public var activity = "activity"
    /// When it happened (ISO 8601, `YYYY-MM-DD HH:MM[:SS]` as UTC, or a plain date).
    public var timestamp = "timestamp"
    /// `schedule` (the patient reaches the step), `start` or `complete`; absent means `complete`.
    public var lifecycle: String? = "lifecycle"
    /// The organisation where it happened.
    public var organisation: String? = "organisation"
    /// Who or what did it (a clinic, a scanner, a clinician).
    public var resource: String? = "resource"
    /// The pathway's step id, when the extract knows it; preferred over `activity` for mapping.
    public var stepID: String? = "step_id"

    /// Column names; every one defaults to carepath's own.
    public init(caseID: String = "case_id", activity: String = "activity", timestamp: String = "timestamp",
                lifecycle: String? = "lifecycle", organisation: String? = "organisation",
                resource: String? = "resource", stepID: String? = "step_id") {
        self.caseID = caseID
        self.activity = activity
        self.timestamp = timestamp
        self.lifecycle = lifecycle
        self.organisation = organisation
        self.resource = resource
        self.stepID = stepID
    }

    /// The column names carepath's own CSV logs use.
    static let defaults = LogColumns()
}

/// The event-log file formats carepath reads.
public enum LogFormat: String, Sendable, CaseIterable {
    /// Comma-separated values with a header row (RFC 4180 quoting).
    case csv
    /// XES, IEEE 1849-2016 (as carepath and pm4py write it).
    case xes
    /// OCEL 2.0 JSON.
    case ocel

    /// The format a file name implies by its extension (`.csv`, `.tsv`, `.xes`, `.jsonocel`,
    /// `.ocel.json`, `.json`), if any.
    public init?(fileName: String) {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".txt") {
            self = .csv
        } else if lower.hasSuffix(".xes") {
            self = .xes
        } else if lower.hasSuffix(".jsonocel") || lower.hasSuffix(".json") {
            self = .ocel
        } else {
            return nil
        }
    }

    /// The format the first bytes suggest: `<` is XML (XES), `{` is JSON (OCEL), anything else
    /// is read as CSV. Used for standard input and files with no known extension.
    public init(sniffing bytes: some Collection<UInt8>) {
        var iterator = bytes.makeIterator()
        var skippedBOM = 0
        while let byte = iterator.next() {
            if skippedBOM < 3, byte == 0xEF || byte == 0xBB || byte == 0xBF {
                skippedBOM += 1
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): continue
            case UInt8(ascii: "<"): self = .xes; return
            case UInt8(ascii: "{"): self = .ocel; return
            default: self = .csv; return
            }
        }
        self = .csv
    }
}

/// A file that could not be read as a log at all: it cannot be opened, it is not a log in any
/// format carepath reads, or it lacks a column that is needed. Problems inside a readable log
/// (a bad row, an invalid NHS number) are `LogProblem`s instead, and reading goes on.
public struct LogReadError: Error, Sendable, CustomStringConvertible {
    /// Why the file could not be read.
    public enum Reason: String, Sendable, Hashable {
        /// The file is missing, a folder, or cannot be opened (exit 66 on the command line).
        case cannotOpen = "cannot-open"
        /// The bytes are not a log in the format expected (exit 66).
        case notALog = "not-a-log"
        /// A column the reader needs is missing from a CSV header (a usage error, exit 2).
        case missingColumn = "missing-column"
        /// A mapping file that cannot be used (a bad row, a duplicate activity; exit 2).
        case badMapping = "bad-mapping"
    }

    /// The file, as named by the caller.
    public var file: String
    /// What is wrong, in words for a clinical lead or analyst.
    public var message: String
    /// Why, for choosing an exit status.
    public var reason: Reason
    /// For `missingColumn`: the columns the file's header does have, in order.
    public var columnsFound: [String]

    /// An error about `file`, said by `message`.
    public init(file: String, message: String, reason: Reason = .notALog, columnsFound: [String] = []) {
        self.file = file
        self.message = message
        self.reason = reason
        self.columnsFound = columnsFound
    }

    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}
