import ArgumentParser
import Foundation
import PathwayData
import PathwayModel

/// How to read event logs: which CSV columns hold what, and a mapping file from activity names
/// to step ids. Shared by the commands that read real data (`conform`, `calibrate`). See
/// Docs/event-logs.md.
struct LogOptions: ParsableArguments {
    @Option(name: .customLong("case"), help: ArgumentHelp("CSV column holding the case id, the patient's NHS number (default: case_id).", valueName: "column"))
    var caseColumn: String?

    @Option(name: .customLong("activity"), help: ArgumentHelp("CSV column holding the activity (default: activity).", valueName: "column"))
    var activityColumn: String?

    @Option(name: .customLong("timestamp"), help: ArgumentHelp("CSV column holding each event's date and time (default: timestamp).", valueName: "column"))
    var timestampColumn: String?

    @Option(name: .customLong("lifecycle"), help: ArgumentHelp("CSV column holding schedule, start or complete (default: lifecycle; without one every event is a completion).", valueName: "column"))
    var lifecycleColumn: String?

    @Option(name: .customLong("organisation"), help: ArgumentHelp("CSV column holding the organisation (default: organisation).", valueName: "column"))
    var organisationColumn: String?

    @Option(name: .customLong("resource"), help: ArgumentHelp("CSV column holding the resource (default: resource).", valueName: "column"))
    var resourceColumn: String?

    @Option(name: .customLong("step-id"), help: ArgumentHelp("CSV column holding the pathway's step id, used before the activity when present (default: step_id).", valueName: "column"))
    var stepIDColumn: String?

    @Option(help: ArgumentHelp("CSV file mapping activity names to step ids (header row: activity,step).", valueName: "file"),
            completion: .file(extensions: ["csv"]))
    var mapping: String?

    /// The column names, the defaults replaced by any given.
    var columns: LogColumns {
        var columns = LogColumns()
        if let caseColumn { columns.caseID = caseColumn }
        if let activityColumn { columns.activity = activityColumn }
        if let timestampColumn { columns.timestamp = timestampColumn }
        if let lifecycleColumn { columns.lifecycle = lifecycleColumn }
        if let organisationColumn { columns.organisation = organisationColumn }
        if let resourceColumn { columns.resource = resourceColumn }
        if let stepIDColumn { columns.stepID = stepIDColumn }
        return columns
    }

    func validate() throws {
        let given: [(String, String?)] = [("--case", caseColumn), ("--activity", activityColumn), ("--timestamp", timestampColumn),
                                          ("--lifecycle", lifecycleColumn), ("--organisation", organisationColumn),
                                          ("--resource", resourceColumn), ("--step-id", stepIDColumn)]
        for (option, value) in given where value?.trimmingCharacters(in: .whitespaces).isEmpty == true {
            throw ValidationError("\(option) needs a column name")
        }
    }

    /// Reads the logs at `paths` (`-` is standard input), joins them by NHS number and maps
    /// their activities to `pathway`'s steps. `problems` is every problem found: the log's own
    /// (`log.problems`: unreadable rows, invalid NHS numbers, events out of order, cases missing
    /// from the next organisation's extract) followed by the activities that map to no step.
    ///
    /// Prints `error:` and exits 66 for a log or mapping file that cannot be read, and 2 for a
    /// missing column (naming the file's columns), a bad mapping file or no logs at all.
    func read(paths: [String], pathway: Pathway) throws -> (log: EventLog, mapping: StepMapping, problems: [LogProblem]) {
        guard !paths.isEmpty else {
            printError("error: name at least one event log (.csv, .xes or .jsonocel)")
            throw ExitCode(2)
        }
        if paths.filter({ $0 == "-" }).count > 1 {
            printError("error: standard input ('-') can be read only once")
            throw ExitCode(2)
        }
        var entries: [String: String] = [:]
        if let mapping {
            do {
                entries = try ActivityMapper.readMappingFile(mapping)
            } catch {
                throw Self.fail(error)
            }
        }
        let log: EventLog
        do {
            log = try LogReader.read(paths: paths, columns: columns, pathway: pathway, mapping: entries)
        } catch {
            throw Self.fail(error)
        }
        let (stepMapping, unmapped) = ActivityMapper.map(log, to: pathway, mapping: entries)
        return (log, stepMapping, log.problems + unmapped)
    }

    /// Prints `error` and returns the exit to throw.
    private static func fail(_ error: LogReadError) -> ExitCode {
        var message = "error: \(TerminalText.safeLine(error.file)): \(error.message)"
        switch error.reason {
        case .missingColumn:
            message += "\n  name the columns with --case, --activity and --timestamp (and --lifecycle, --organisation, --resource, --step-id when the file has them); see Docs/event-logs.md"
            printError(message)
            return ExitCode(2)
        case .badMapping:
            printError(message)
            return ExitCode(2)
        case .cannotOpen, .notALog:
            printError(message)
            return ExitCode(ExitStatus.noInput)
        }
    }
}
