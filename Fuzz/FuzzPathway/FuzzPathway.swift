import Foundation
import PathwayLanguage
import PathwayModel

/// The fuzzing targets: any bytes through parse → resolve → validate, and any text through the
/// condition parser and checker. Each must end in a result or diagnostics: never a crash, a hang
/// or an unbounded allocation. The first byte chooses the target.
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
        if selector & 1 == 0 {
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
