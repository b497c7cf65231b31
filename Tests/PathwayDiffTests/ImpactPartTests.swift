import Foundation
import PathwayDiff
import PathwayModel
import PathwaySimulation
import Testing

/// `diff --impact` in slices (issue 17): both sides' replications A..B, written as a part and
/// read back, merge into the whole impact run's report and printed diff, byte for byte.
@Suite struct ImpactPartTests {
    let options = SimulationOptions(length: .days(60), warmupDays: 14, replications: 5, seed: 7, jobs: 2)

    @Test(arguments: [[1...5], [1...1, 2...5], [1...2, 3...3, 4...5], [1...1, 2...2, 3...3, 4...4, 5...5]])
    func mergedSlicesGiveTheWholeImpactRun(slices: [ClosedRange<Int>]) throws {
        let a = try loadPathway("Examples/region/standard.yaml")
        let b = try loadPathway("Examples/region/trust-north.yaml")
        let whole = try ImpactAnalysis.run(standard: a, variant: b, options: options)
        let identity = RunIdentity(command: .impact, carepathVersion: "test",
                                   pathwayHashes: [try RunPart.pathwayHash(a), try RunPart.pathwayHash(b)],
                                   seed: options.seed, replications: options.replications, length: .days(60),
                                   warmupDays: options.warmupDays, drainLimitDays: options.drainLimitDays)
        var parts: [RunPart] = []
        for range in slices.reversed() {
            let tallies = try ImpactAnalysis.runReplications(range, standard: a, variant: b, options: options)
            let part = RunPart(identity: identity, first: range.lowerBound, last: range.upperBound, pathways: [a, b],
                               tallies: [tallies.standard, tallies.variant])
            parts.append(try RunPart.decode(try part.encoded()))
        }
        let merged = try RunPart.merge(parts, names: [])
        let report = try ImpactAnalysis.report(standard: merged.pathways[0], variant: merged.pathways[1],
                                               options: merged.identity.options,
                                               standardTallies: merged.tallies[0], variantTallies: merged.tallies[1])
        #expect(report == whole)
        let diff = PathwayDiff(standard: a, variant: b)
        let mergedDiff = PathwayDiff(standard: merged.pathways[0], variant: merged.pathways[1])
        #expect(try DiffRenderer.json(mergedDiff, impact: report) == DiffRenderer.json(diff, impact: whole))
        #expect(DiffRenderer.text(mergedDiff, impact: report) == DiffRenderer.text(diff, impact: whole))
        #expect(DiffRenderer.markdown(mergedDiff, impact: report) == DiffRenderer.markdown(diff, impact: whole))
    }

    @Test func anImpactPartDoesNotMergeWithASimulatePart() throws {
        let a = try loadPathway("Examples/region/standard.yaml")
        let simulator = try Simulator(pathway: a)
        let shared = ImpactAnalysis.sharedOptions(standard: simulator, options)
        let hash = try RunPart.pathwayHash(a)
        let simulate = RunPart(
            identity: RunIdentity(command: .simulate, carepathVersion: "test", pathwayHashes: [hash], seed: 7, replications: 5,
                                  length: .days(60), warmupDays: 14, drainLimitDays: shared.drainLimitDays),
            first: 1, last: 2, pathways: [a], tallies: [simulator.runReplications(1...2, shared)])
        let tallies = try ImpactAnalysis.runReplications(3...5, standard: a, variant: a, options: options)
        let impact = RunPart(
            identity: RunIdentity(command: .impact, carepathVersion: "test", pathwayHashes: [hash, hash], seed: 7, replications: 5,
                                  length: .days(60), warmupDays: 14, drainLimitDays: shared.drainLimitDays),
            first: 3, last: 5, pathways: [a, a], tallies: [tallies.standard, tallies.variant])
        let error = #expect(throws: RunPartError.self) { try RunPart.merge([simulate, impact], names: ["s", "i"]) }
        #expect(error?.message == "'i' is not a part of the same run as 's': it is a `diff --impact` run, not a `simulate` run")
    }
}
