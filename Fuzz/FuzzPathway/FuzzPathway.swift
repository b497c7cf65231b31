import Foundation
import PathwayDiff
import PathwayExport
import PathwayReport
import PathwayLanguage
import PathwayModel
import PathwaySimulation

/// The fuzzing targets: any bytes through parse → resolve → validate; any text through the
/// condition parser and checker; and any pathway that loads without errors through every
/// writer, a short simulation with an event log, and a diff. Each must end in a result or
/// diagnostics: never a crash, a hang or an unbounded allocation. The first byte chooses the
/// target: 0 parse, 1 conditions, 2 writers (by its value modulo 3).
enum FuzzTargets {
    static let attributes = [
        Attribute(id: "age", type: .integer(.normal(mean: 70, sd: 9), min: 18, max: 100), unit: "years"),
        Attribute(id: "smoker", type: .boolean(probability: 0.4)),
        Attribute(id: "ntprobnp", type: .number(.lognormal(mean: 900, sd: 1200), min: nil, max: nil), unit: "ng/L"),
        Attribute(id: "risk", type: .category([CategoryValue(name: "low", probability: 0.6), CategoryValue(name: "high", probability: 0.4)])),
    ]

    static func run(_ data: Data) {
        guard let selector = data.first else { return }
        let rest = data.dropFirst()
        if selector % 3 == 2 {
            writers(Data(rest))
        } else if selector % 3 == 0 {
            var limits = LanguageLimits()
            limits.maxFileBytes = 1 << 20
            let result = PathwayLoader(limits: limits).load(data: Data(rest), file: "fuzz.yaml")
            if let pathway = result.pathway {
                _ = PathwayFormatter.format(pathway)
                _ = InspectionReport.render(pathway)
            }
            _ = DiagnosticFormatter(sources: result.sources).format(result.diagnostics, files: 1)
        } else {
            let text = String(decoding: rest, as: UTF8.self)
            let (condition, _) = ConditionParser.parse(text, at: SourceLocation(file: "fuzz", line: 1, column: 1))
            if let condition { _ = ConditionChecker.check(condition, attributes: attributes) }
        }
    }

    /// A pathway that loads cleanly, through every exporter, the report, a small simulation
    /// writing all three event-log formats, and a diff against itself and a changed copy.
    static func writers(_ data: Data) {
        var limits = LanguageLimits()
        limits.maxFileBytes = 1 << 20
        limits.maxSteps = 2_000
        guard let pathway = PathwayLoader(limits: limits).load(data: data, file: "fuzz.yaml").validPathway else { return }
        _ = FHIRExporter().export(pathway)
        _ = BPMNExporter().export(pathway)
        _ = DOTExporter().export(pathway)
        _ = MermaidExporter().export(pathway)
        _ = BuildSheetExporter(format: .csv).export(pathway)
        _ = BuildSheetExporter(format: .markdown).export(pathway)
        var simulation: SimulationReport?
        if let simulator = try? Simulator(pathway: pathway), simulator.hasArrivals {
            let options = SimulationOptions(length: .patients(20), replications: 1, seed: 1, jobs: 1,
                                            drainLimitDays: 3650, memoryLimitBytes: 64 << 20)
            if simulator.memoryProblem(options) == nil {
                // One event-log format per input, chosen by its length, to keep executions fast.
                let formats: [EventLogWriter.Format] = [.csv, .xes, .ocel]
                for format in [formats[data.count % formats.count]] {
                    var sink: EventLogWriter? = EventLogWriter(format: format, model: simulator.model) { _ in }
                    let report = simulator.run(options, eventSink: &sink)
                    sink?.finish()
                    _ = ReportFormatter.table(report)
                    _ = ReportFormatter.json(report)
                    _ = ReportFormatter.csv(report)
                    simulation = report
                }
            }
        }
        var changed = pathway
        if changed.steps.count > 1 { changed.steps.removeLast() }
        changed.title += " (changed)"
        for variant in [pathway, changed] {
            let diff = PathwayDiff(standard: pathway, variant: variant)
            _ = DiffRenderer.text(diff)
            // A diff that JSON cannot hold (a NaN score) is a finding: stop here so the fuzzer keeps the input.
            do { _ = try DiffRenderer.json(diff) } catch { fatalError("\(error)") }
            _ = DiffRenderer.markdown(diff)
        }
        _ = HTMLReport(entries: [HTMLReport.Entry(pathway: pathway, simulation: simulation)],
                       comparison: HTMLReport.Comparison(standard: pathway, variants: [.init(name: "changed", pathway: changed)]),
                       renderer: nil).render()
    }
}

#if FUZZING
/// libFuzzer's entry point (built by Fuzz/run.sh with -sanitize=fuzzer,address).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    FuzzTargets.run(Data(bytes: bytes, count: count))
    return 0
}
#else
/// Without the fuzzer: replays the files named on the command line (a crash reproducer, or the
/// whole corpus as a regression check).
@main
struct FuzzReplay {
    static func main() {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            FuzzTargets.run(data)
            count += 1
        }
        print("replayed \(count) inputs without a crash")
    }
}
#endif
