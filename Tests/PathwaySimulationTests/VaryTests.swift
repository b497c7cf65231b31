import Foundation
import PathwayLanguage
import PathwayModel
import Testing
@testable import PathwaySimulation

/// `carepath simulate --vary`: every value run with common random numbers, judged against the
/// standards, and the smallest values that meet every standard, checked against Erlang C.
@Suite struct VaryTests {
    static let mmc = "Examples/queueing/mmc-seen-within-an-hour.yaml"

    /// Builds the pathway at every point of the variations' grid (as the command does) and runs them.
    static func vary(_ file: String, _ texts: [String], options: SimulationOptions, judge: VaryJudge = .lowerBound) throws -> VaryReport {
        let path = TestPathways.repositoryRoot.appendingPathComponent(file).path
        let variations = try texts.map { try FieldVariation(parsing: $0) }
        let grid = try FieldVariation.grid(variations, limit: VaryAnalysis.maxPoints)
        let simulators = try grid.map { point in
            let settings = point.enumerated().map { variations[$0.offset].setting($0.element, line: $0.offset + 1) }
            let result = PathwayLoader().load(file: path, setting: settings)
            guard let pathway = result.validPathway else {
                throw TestPathways.LoadFailure(message: result.diagnostics.map(\.message).joined(separator: "; "))
            }
            return try Simulator(pathway: pathway)
        }
        return try VaryAnalysis.run(simulators, axes: variations.map { VaryAxis(path: $0.path, values: $0.values, unit: $0.unit) },
                                    coordinates: grid, judge: judge, options: options)
    }

    // MARK: Erlang C

    /// P(wait ≤ t) for an M/M/c queue (Erlang C), computed here and not by the simulator:
    /// 1 − C(c, a)·e^{−(cμ − λ)t} with a = λ/μ; 0 when the queue is not stable (cμ ≤ λ), whose
    /// waits grow without limit.
    static func erlangCAttainment(servers c: Int, lambda: Double, mu: Double, within t: Double) -> Double {
        let a = lambda / mu
        guard Double(c) > a else { return 0 }
        var term = 1.0, sum = 0.0 // term = a^k / k!
        for k in 0..<c {
            sum += term
            term *= a / Double(k + 1)
        }
        let top = term * Double(c) / (Double(c) - a) // a^c / c! · c / (c − a)
        let waitProbability = top / (sum + top)
        return 1 - waitProbability * exp(-(Double(c) * mu - lambda) * t)
    }

    @Test func erlangCOfTheExampleIsWhatItsHeaderSays() {
        // The file's header: C(10, 9) = 0.6687, so P(W <= 1 h) = 1 − 0.6687 e^{−1} = 75.4%.
        #expect(abs(Self.erlangCAttainment(servers: 10, lambda: 9, mu: 1, within: 1) - 0.754) < 0.0005)
        #expect(abs(Self.erlangCAttainment(servers: 1, lambda: 0.5, mu: 1, within: 0) - 0.5) < 1e-12, "M/M/1: P(no wait) = 1 − ρ")
        #expect(Self.erlangCAttainment(servers: 9, lambda: 9, mu: 1, within: 1) == 0)
    }

    @Test func varyFindsTheSmallestCapacityThatErlangCFinds() throws {
        // Examples/queueing/mmc-seen-within-an-hour.yaml: 9 arrivals an hour, mean service 1 hour,
        // "seen within 1 hour", standard 70%.
        let standard = try #require(TestPathways.load(Self.mmc).targets.first).standard
        let capacities = 9...12
        let theory = capacities.map { Self.erlangCAttainment(servers: $0, lambda: 9, mu: 1, within: 1) }
        let index = try #require(theory.firstIndex { $0 >= standard })
        let expected = capacities.lowerBound + index
        #expect(expected == 10)
        // Not a knife edge: Erlang C puts the answer and the value below it well clear of the standard.
        #expect(theory[index] - standard > 0.05 && (index == 0 || standard - theory[index - 1] > 0.05))

        let options = SimulationOptions(length: .patients(100_000), warmupDays: 5, replications: 6, seed: 1, jobs: 2)
        let report = try Self.vary(Self.mmc, ["resources.servers.capacity=9..12"], options: options)
        #expect(report.smallest.map { report.values(report.points[$0]) } == [[Double(expected)]])
        // The lower bound is the stricter judge; on the mean the answer is the same.
        let onTheMean = report.points.map { p in p.targets.allSatisfy { VaryJudge.mean.meets($0.attainment, standard: $0.standard) == true } }
        #expect(VaryAnalysis.minimalPoints(report.points.map(\.coordinates), meeting: onTheMean) == [index])
        // And every stable capacity's attainment is Erlang C's.
        for (k, point) in report.points.enumerated() where capacities.lowerBound + k > 9 {
            let attainment = try #require(point.targets.first).attainment.mean
            #expect(abs(attainment - theory[k]) < 0.025, "c = \(capacities.lowerBound + k): simulated \(attainment), Erlang C \(theory[k])")
        }
    }

    // MARK: Common random numbers

    @Test func everyValueRunsWithTheSameRandomNumbers() throws {
        // Varying the standard changes nothing the patients meet: with the same random numbers
        // every point has the same attainment to the last digit, and only the verdict moves.
        let options = SimulationOptions(length: .patients(5_000), warmupDays: 1, replications: 3, seed: 9, jobs: 2)
        let report = try Self.vary(Self.mmc, ["targets.seen-within-an-hour.standard=50,90,99 %"], options: options, judge: .mean)
        let attainments = report.points.map { $0.targets[0].attainment }
        #expect(attainments.count == 3)
        #expect(Set(attainments.map(\.mean)).count == 1 && Set(attainments.map(\.halfWidth)).count == 1)
        #expect(report.points.map { $0.targets[0].standard } == [0.5, 0.9, 0.99])
        #expect(report.points.map(\.meetsEveryStandard) == [true, false, false])
        // Each point is the plain simulation of that pathway with the same options.
        let plain = try Simulator(pathway: TestPathways.load(Self.mmc)).run(options)
        #expect(plain.targets[0].attainment == attainments[1])
    }

    @Test func moreCapacityNeverHurtsUnderCommonRandomNumbers() throws {
        // With the same arrivals and service times, one more server can only start work sooner.
        let options = SimulationOptions(length: .patients(5_000), warmupDays: 1, replications: 3, seed: 4, jobs: 2)
        let report = try Self.vary(Self.mmc, ["resources.servers.capacity=10,11,13"], options: options)
        let means = report.points.map { $0.targets[0].attainment.mean }
        #expect(means == means.sorted(), "\(means)")
        #expect(report.length == .patients(5_000))
    }

    // MARK: Judging and the smallest values

    @Test func theJudgeTakesTheMeanOrTheLowerBound() {
        let estimate = Estimate(mean: 0.75, halfWidth: 0.1)
        #expect(VaryJudge.mean.meets(estimate, standard: 0.7) == true)
        #expect(VaryJudge.lowerBound.meets(estimate, standard: 0.7) == false)
        #expect(VaryJudge.lowerBound.meets(Estimate(mean: 0.75, halfWidth: 0.04), standard: 0.7) == true)
        #expect(VaryJudge.lowerBound.meets(Estimate(mean: 0.75, halfWidth: nil), standard: 0.7) == true, "one replication: the mean")
        #expect(VaryJudge.mean.meets(Estimate(mean: .nan, halfWidth: nil), standard: 0.7) == nil, "nobody measured")
    }

    @Test func theSmallestValuesAreTheMinimalOnesThatMeet() {
        #expect(VaryAnalysis.minimalPoints([[0], [1], [2], [3]], meeting: [false, true, true, false]) == [1])
        #expect(VaryAnalysis.minimalPoints([[0], [1]], meeting: [false, false]) == [])
        // A 3×3 grid met where i + j ≥ 2: the staircase (0,2), (1,1), (2,0).
        let grid = (0..<3).flatMap { i in (0..<3).map { [i, $0] } }
        let met = grid.map { $0[0] + $0[1] >= 2 }
        #expect(VaryAnalysis.minimalPoints(grid, meeting: met).map { grid[$0] } == [[0, 2], [1, 1], [2, 0]])
    }

    // MARK: Output

    /// A two-value report made by hand: capacity 1 misses, capacity 2 meets.
    static func report(judge: VaryJudge = .lowerBound, axes: [VaryAxis] = [VaryAxis(path: "resources.ct.capacity", values: [1, 2])],
                       points: [(coordinates: [Int], attainment: Estimate)]? = nil) -> VaryReport {
        let given = points ?? [([0], Estimate(mean: 0.72, halfWidth: 0.02)), ([1], Estimate(mean: 0.9, halfWidth: 0.01))]
        return VaryReport(
            pathwayId: "lung", pathwayTitle: "Lung", axes: axes, judge: judge,
            options: SimulationOptions(replications: 4, seed: 3), length: .days(365),
            points: given.map { p in
                let meets = judge.meets(p.attainment, standard: 0.75)
                return VaryReport.Point(coordinates: p.coordinates,
                                        targets: [.init(id: "fds", title: "28-day FDS", standard: 0.75, attainment: p.attainment, meetsStandard: meets)],
                                        meetsEveryStandard: meets == true, unfinished: 0, warnings: [])
            })
    }

    @Test func theTableGivesARowPerValueAndTheSmallest() {
        let table = VaryFormatter.table(Self.report())
        #expect(table.contains("varying resources.ct.capacity (1, 2)"))
        #expect(table.contains("4 replications of 365 days of arrivals, seed 3; the same random numbers for every value"))
        #expect(table.contains("the lower end of each 95% confidence interval reaches it (--judge lower-bound)"))
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("1 ") || $0.hasPrefix("2 ") }
        #expect(rows.count == 2)
        #expect(rows[0].contains("72.0% (70.0–74.0)") && rows[0].contains("NOT MET") && rows[0].hasSuffix("no"))
        #expect(rows[1].contains("90.0% (89.0–91.0)") && rows[1].contains("met") && rows[1].hasSuffix("yes"))
        #expect(table.hasSuffix("Smallest resources.ct.capacity that meets every standard: 2\n"))
    }

    @Test func aUnitIsShownInTheHeaderAndTheAnswer() {
        let report = Self.report(axes: [VaryAxis(path: "steps.mdt.every", values: [7, 14], unit: "days")],
                                 points: [([0], Estimate(mean: 0.9, halfWidth: 0.01)), ([1], Estimate(mean: 0.7, halfWidth: 0.01))])
        let table = VaryFormatter.table(report)
        #expect(table.contains("steps.mdt.every (days)"))
        #expect(table.contains("varying steps.mdt.every (7 days, 14 days)"))
        #expect(table.contains("Smallest steps.mdt.every that meets every standard: 7 days"))
        #expect(VaryFormatter.csv(report).hasPrefix("steps.mdt.every (days),target,"))
    }

    @Test func aNoisyAnswerIsFlaggedAndNoAnswerIsSaid() {
        let axis = VaryAxis(path: "resources.ct.capacity", values: [1, 2, 3])
        let noisy = Self.report(axes: [axis], points: [([0], Estimate(mean: 0.8, halfWidth: 0.01)), ([1], Estimate(mean: 0.7, halfWidth: 0.01)),
                                                       ([2], Estimate(mean: 0.9, halfWidth: 0.01))])
        #expect(VaryFormatter.table(noisy).contains("Note: larger values do not all meet every standard (2)"))
        let none = Self.report(judge: .mean, points: [([0], Estimate(mean: 0.5, halfWidth: 0.3)), ([1], Estimate(mean: 0.6, halfWidth: 0.3))])
        #expect(VaryFormatter.table(none).hasSuffix("No value of resources.ct.capacity tried meets every standard.\n"))
    }

    @Test func aGridListsItsSmallestCombinations() {
        let axes = [VaryAxis(path: "resources.ct.capacity", values: [1, 2]), VaryAxis(path: "steps.mdt.every", values: [7, 14], unit: "days")]
        let report = Self.report(axes: axes, points: [([0, 0], Estimate(mean: 0.9, halfWidth: 0.01)), ([0, 1], Estimate(mean: 0.7, halfWidth: 0.01)),
                                                       ([1, 0], Estimate(mean: 0.95, halfWidth: 0.01)), ([1, 1], Estimate(mean: 0.8, halfWidth: 0.01))])
        let table = VaryFormatter.table(report)
        #expect(table.contains("Each combination:"))
        #expect(table.hasSuffix("as small or smaller in every field):\n  resources.ct.capacity=1, steps.mdt.every=7 days\n"))
        #expect(report.smallest == [0], "(2, 7 days) also meets, but (1, 7 days) is smaller in every field")
    }

    @Test func jsonHasEveryPointAndTheSmallestValues() throws {
        let text = VaryFormatter.json(Self.report())
        #expect(text.contains("\n  \"judge\": \"lower-bound\",\n"), "one member per line")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(document["judge"] as? String == "lower-bound")
        #expect((document["run"] as? [String: Any])?["days"] as? Double == 365)
        let points = try #require(document["points"] as? [[String: Any]])
        #expect(points.count == 2)
        #expect(points.map { $0["meetsEveryStandard"] as? Bool } == [false, true])
        let target = try #require((points[0]["targets"] as? [[String: Any]])?.first)
        #expect((target["attainment"] as? [String: Any])?["low"] as? Double == 0.7)
        #expect(target["meetsStandard"] as? Bool == false)
        #expect(document["smallest"] as? [[Double]] == [[2]])
        let vary = try #require((document["vary"] as? [[String: Any]])?.first)
        #expect(vary["path"] as? String == "resources.ct.capacity" && vary["unit"] is NSNull)
    }

    @Test func csvHasARowPerValueAndTarget() {
        let lines = VaryFormatter.csv(Self.report()).split(separator: "\n")
        #expect(lines == [
            "resources.ct.capacity,target,standard,attainment,low,high,meets_standard,every_standard_met,smallest",
            "1,fds,0.75,0.72,0.7,0.74,false,false,false",
            "2,fds,0.75,0.9,0.89,0.91,true,true,true",
        ])
    }
}
