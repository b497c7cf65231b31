import ArgumentParser
import Foundation
import PathwayData
import PathwayLanguage
import PathwayModel

/// `carepath calibrate PATHWAY LOG... -o OVERLAY.yaml`: fits what an event log shows a trust
/// does (arrivals, durations, result and handoff delays, branch shares, patient attributes) and
/// writes it as an overlay of the standard, each change with its reason and the log as evidence.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit a pathway to a trust's event log and write what the trust really does as an overlay of the standard.",
        discussion: """
        Arrivals, step durations (start to completion), test result delays, handoff delays, decision \
        shares and patient attributes are fitted from the log; a parameter is changed only when the log \
        has at least --min-sample observations of it and departs from the standard at the --significance \
        level. Distributions are chosen among the language's families by maximum likelihood and AIC. \
        Capacity, opening hours and meeting cycles are left as the standard has them: a log cannot show them. \
        'carepath diff PATHWAY OVERLAY' then shows what the trust really does. See Docs/calibrate.md.
        Exit status: 0 when the overlay is written; 1 when the pathway has errors or the log has no journey \
        through it; 2 when a log's columns or the mapping file are wrong; 66 when a file cannot be read; \
        70 if the overlay made does not validate (a fault in carepath); 73 when the overlay cannot be written.
        """
    )

    @Argument(help: "The standard pathway file.", completion: .file(extensions: ["yaml", "yml"]))
    var pathway: String

    @Argument(help: "The event logs (.csv, .xes, .jsonocel), one per organisation if need be; '-' reads standard input.",
              completion: .file(extensions: ["csv", "xes", "jsonocel"]))
    var logs: [String] = []

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write the overlay ('-' for standard output).", valueName: "overlay.yaml"),
            completion: .file(extensions: ["yaml", "yml"]))
    var output: String

    @Option(help: "Fewest observations a parameter needs before it is fitted.")
    var minSample: Int = CalibrationOptions().minimumSample

    @Option(help: "Keep the standard's value unless the log departs from it at this level (0 to 0.5).")
    var significance: Double = CalibrationOptions().significance

    @Option(help: "Summary format: table or json (default: table).")
    var format: Format?

    @OptionGroup(title: "Reading event logs") var logOptions: LogOptions

    @OptionGroup var limits: LimitOptions

    @OptionGroup var safety: OutputSafetyOptions

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    func validate() throws {
        if logs.isEmpty { throw ValidationError("name at least one event log after the pathway") }
        if minSample < 1 { throw ValidationError("--min-sample must be at least 1") }
        if !(significance > 0 && significance <= 0.5) { throw ValidationError("--significance must be above 0 and at most 0.5, such as 0.01") }
    }

    func run() throws {
        var inputs: [String] = []
        let standard = try loadValidPathway(pathway, limits: limits, inputs: &inputs)
        inputs += logs.filter { $0 != "-" }
        if let mapping = logOptions.mapping { inputs.append(mapping) }
        try safety.check(output, inputs: inputs)

        let (log, mapping, problems) = try logOptions.read(paths: logs, pathway: standard)
        Self.printProblems(problems)
        let mappedEvents = log.cases.reduce(0) { total, c in
            total + c.events.filter { Int($0.activity) < mapping.step.count && mapping.step[Int($0.activity)] != nil }.count
        }
        guard !log.cases.isEmpty else {
            printError("error: the event log holds no journeys, so there is nothing to calibrate '\(standard.id)' with")
            throw ExitCode(ExitStatus.problems)
        }
        guard mappedEvents > 0 else {
            printError("error: none of the log's activities is a step of '\(standard.id)': name the steps by id or title, or map them with --mapping (see Docs/event-logs.md)")
            throw ExitCode(ExitStatus.problems)
        }

        let options = CalibrationOptions(minimumSample: minSample, significance: significance)
        let calibration = Calibrator.calibrate(standard, log: log, mapping: mapping, options: options)

        // `extends` is relative to the overlay's folder (the working folder for standard output).
        let toStdout = output == "-"
        let overlayPath = toStdout ? FileManager.default.currentDirectoryPath + "/calibrated.yaml" : output
        let extends = Self.relativePath(to: pathway, fromFolderOf: overlayPath)
        let text = calibration.overlay(extendsPath: extends)
        try checkOverlay(text, at: overlayPath)
        try writeOutput(text, to: output, inputs: inputs, overwriteInput: safety.overwriteInput)

        let name = toStdout ? "(standard output)" : output
        let summary: String
        switch format ?? .table {
        case .table:
            summary = CalibrationReport.text(calibration, overlay: name)
                + "\nNext: carepath diff \(pathway) \(toStdout ? "OVERLAY" : output) shows what this trust really does.\n"
        case .json:
            summary = CalibrationReport.json(calibration, overlay: name).serialized(escapingHTML: false)
        }
        if toStdout { printError(summary) } else { print(summary, terminator: "") }
        if extends.hasPrefix("../") {
            printError("note: the overlay extends '\(extends)', outside its own folder; carepath reads it only with --allow-outside-root (or write the overlay beside the standard)")
        }
    }

    /// Loads the overlay as `validate` would (but letting `extends` leave the folder, which the
    /// note after the summary covers); an overlay that does not validate is carepath's fault:
    /// its diagnostics are printed and nothing is written (exit 70).
    private func checkOverlay(_ text: String, at path: String) throws {
        var loader = limits.loader
        loader.allowOutsideRoot = true
        let result = loader.load(yaml: text, file: path)
        let errors = result.diagnostics.filter { $0.severity == .error }
        guard !errors.isEmpty || result.pathway == nil else { return }
        printError(DiagnosticFormatter(colour: ColourChoice.diagnostics, sources: result.sources).format(errors, files: 1))
        printError("error: the calibrated overlay does not validate, so it was not written; this is a fault in carepath, please report it")
        throw ExitCode(ExitStatus.software)
    }

    /// Prints the log's problems on standard error: a count by kind and the first few of each.
    static func printProblems(_ problems: [LogProblem]) {
        guard !problems.isEmpty else { return }
        for kind in LogProblem.Kind.allCases {
            let some = problems.filter { $0.kind == kind }
            guard !some.isEmpty else { continue }
            for p in some.prefix(3) { printError("warning: \(TerminalText.safeLine(p.message))") }
            if some.count > 3 { printError("warning: … and \(some.count - 3) more \(kind.rawValue) problems") }
        }
        printError("note: calibration uses what could be read and mapped; the problems above are left out")
    }

    /// `target` written relative to the folder of `file` (both as given, made absolute).
    static func relativePath(to target: String, fromFolderOf file: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        func components(_ path: String) -> [String] {
            let absolute = path.hasPrefix("/") ? path : cwd + "/" + path
            return URL(fileURLWithPath: absolute).standardizedFileURL.pathComponents
        }
        let to = components(target)
        let from = components(file).dropLast()
        var common = 0
        while common < min(to.count, from.count), to[common] == from[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        return (ups + to[common...]).joined(separator: "/")
    }
}
