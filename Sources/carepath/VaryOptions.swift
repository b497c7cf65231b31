import ArgumentParser
import PathwayLanguage
import PathwayModel
import PathwaySimulation

extension VaryJudge: ExpressibleByArgument {}

/// `simulate --vary PATH=VALUES` (several make a grid) and `--judge`: the options of a run
/// that varies numeric fields and finds the smallest values that meet every standard.
struct VaryOptions: ParsableArguments {
    @Option(name: .customLong("vary"), help: ArgumentHelp(
        "Simulate the pathway with a numeric field set to each of several values: PATH=A..B (whole numbers), PATH=A..B/STEP or PATH=v1,v2,v3, a unit after the numbers if the field has one (\"steps.lung-mdt.every=7..14 days\"). PATH is an overlay path such as resources.ct-scanner.capacity. Give --vary again to vary several fields (every combination, at most \(VaryAnalysis.maxPoints)). See Docs/simulation.md.",
        valueName: "path=values"))
    var vary: [String] = []

    @Option(help: "With --vary: judge a standard met on the mean attainment or on the lower end of its 95% confidence interval: mean or lower-bound (default: lower-bound).")
    var judge: VaryJudge?

    /// Whether the run varies fields.
    var isVarying: Bool { !vary.isEmpty }

    /// The variations as given, or a usage error saying what is wrong with one.
    func variations() throws -> [FieldVariation] {
        var parsed: [FieldVariation] = []
        for text in vary {
            let variation: FieldVariation
            do {
                variation = try FieldVariation(parsing: text)
            } catch {
                throw ValidationError("--vary \(TerminalText.safeLine(text)): \(TerminalText.safeLine(error.message))")
            }
            if parsed.contains(where: { $0.path == variation.path }) {
                throw ValidationError("--vary names \(TerminalText.safeLine(variation.path)) twice; give all its values in one --vary")
            }
            parsed.append(variation)
        }
        return parsed
    }

    /// Every combination of values, or a usage error giving how many there would be.
    func grid(_ variations: [FieldVariation]) throws -> [[Int]] {
        do {
            return try FieldVariation.grid(variations, limit: VaryAnalysis.maxPoints)
        } catch {
            throw ValidationError("--vary: \(TerminalText.safeLine(error.message))")
        }
    }

    func validate() throws {
        if judge != nil && vary.isEmpty { throw ValidationError("--judge says how --vary judges its values; give --vary too") }
        _ = try grid(try variations())
    }
}
