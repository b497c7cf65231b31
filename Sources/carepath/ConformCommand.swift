import ArgumentParser
import Foundation
import PathwayData
import PathwayLanguage
import PathwayModel

/// `carepath conform PATHWAY LOG...`: replays real journeys from event logs on a pathway and
/// reports which fit, what deviates, and targets, waits and handoffs as measured.
struct ConformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conform",
        abstract: "Replay real journeys from event logs on a pathway: which fit, what deviates, and targets, waits and handoffs as measured.",
        discussion: """
        The logs (CSV, XES or OCEL 2.0; one per organisation is fine) are joined into journeys by NHS number. \
        Each journey is replayed on the pathway: steps skipped, unexpected steps, steps out of order, steps done \
        by another organisation and data items that never arrived are counted, with example NHS numbers. Decisions, \
        waits, parallel splits, ends and steps without work may be missing from a log. Target clocks follow the \
        simulator's rules. Problems reading the logs are warnings on standard error. See Docs/conform.md.
        Exit status: 0 when every journey fits, 1 when deviations are found, 2 when the pathway or a log cannot be \
        used (a pathway with errors, a missing column, no journeys), 66 when a file cannot be read.
        """
    )

    @Argument(help: "The pathway file the journeys should follow.", completion: .file(extensions: ["yaml", "yml"]))
    var pathway: String

    @Argument(help: "Event logs (.csv, .xes, .jsonocel), joined by NHS number; - reads standard input.",
              completion: .file(extensions: ["csv", "xes", "jsonocel", "json"]))
    var logs: [String] = []

    @Option(help: "Output: table, json or csv (default: table).")
    var format: Format?

    @OptionGroup(title: "Reading the logs") var logOptions: LogOptions

    @Option(help: ArgumentHelp("Also write every journey's verdict to this CSV file: nhs_number, fits, finished, deviations (the kinds, separated by ';').",
                               valueName: "file"),
            completion: .file(extensions: ["csv"]))
    var journeys: String?

    @Flag(help: "Print the time spent reading and replaying to standard error.")
    var timing = false

    @OptionGroup var limits: LimitOptions

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    func run() throws {
        let clock = ContinuousClock()
        let started = clock.now
        let model: Pathway
        do {
            model = try loadValidPathway(pathway, limits: limits)
        } catch let exit as ExitCode where exit.rawValue == ExitStatus.problems {
            // 1 means "deviations found" here: a pathway that cannot be used is trouble.
            throw ExitCode(2)
        }
        if logs.isEmpty {
            printError("error: name at least one event log after the pathway (.csv, .xes or .jsonocel)")
            throw ExitCode(2)
        }
        let (log, mapping, problems) = try logOptions.read(paths: logs, pathway: model)
        let read = clock.now
        let report = ConformanceChecker(pathway: model).check(log, mapping: mapping, problems: problems, perJourney: journeys != nil)
        let replayed = clock.now
        guard report.journeys > 0 else {
            for warning in ConformanceRenderer.warnings(report) { printError(warning) }
            printError("error: the logs hold no journeys to replay: no event could be read")
            throw ExitCode(2)
        }
        switch format ?? .table {
        case .table: print(ConformanceRenderer.table(report), terminator: "")
        case .json: print(ConformanceRenderer.json(report), terminator: "")
        case .csv: print(ConformanceRenderer.csv(report), terminator: "")
        }
        checkStandardOutput() // stdout before the messages on stderr (exit 74 if it failed)
        if let journeys {
            var csv = "nhs_number,fits,finished,deviations\n"
            for v in report.journeyVerdicts {
                csv += "\(CSVText.field(v.id)),\(v.fits),\(v.finished),\(v.kinds.map(\.rawValue).joined(separator: ";"))\n"
            }
            try writeOutput(csv, to: journeys, inputs: [pathway] + logs)
        }
        for warning in ConformanceRenderer.warnings(report) { printError(warning) }
        if format == .csv { for note in report.notes { printError("note: \(TerminalText.safeLine(note))") } }
        if timing {
            let seconds = Double(milliseconds(replayed - read)) / 1000
            let rate = seconds > 0 ? Int(Double(report.events) / seconds) : 0
            printError("timing: read \(report.events) events in \(milliseconds(read - started)) ms (with the pathway); "
                       + "replayed \(report.journeys) journeys in \(milliseconds(replayed - read)) ms (\(rate) events/s)")
        }
        if !report.allFit { throw ExitCode(1) }
    }
}
