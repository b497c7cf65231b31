import ArgumentParser
import Foundation
import PathwaySimulation

/// `--replication-range A..B` and `-o PART`: run a slice of a replicated run and write it as a
/// part file for `carepath merge` (shared by `simulate` and `diff --impact`).
struct PartOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Run only replications A to B (counting from 1, both included; 'A' alone is A..A) of the --replications run, with the same random streams as in the whole run; needs -o.",
        valueName: "A..B"))
    var replicationRange: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp(
        "Write a part file (the replications' tallies and the run's identity, JSON) to PART instead of printing the report; 'carepath merge' puts parts together.",
        valueName: "part"))
    var output: String?

    /// Whether a part file is asked for.
    var writesPart: Bool { output != nil }

    /// Checks the range's form and that it fits in 1...`replications` (usage errors, exit 64).
    func validate(replications: Int) throws {
        guard let text = replicationRange else { return }
        guard output != nil else {
            throw ValidationError("--replication-range needs -o PART: a slice of a run is written as a part file, and 'carepath merge' prints the report")
        }
        _ = try Self.parse(text, replications: replications)
    }

    /// The replications to run: `--replication-range`, else all of 1...`replications`.
    func range(replications: Int) throws -> ClosedRange<Int> {
        guard let text = replicationRange else { return 1...replications }
        return try Self.parse(text, replications: replications)
    }

    /// Reads `A..B` (or `A`), both counting from 1 and inside 1...`replications`.
    static func parse(_ text: String, replications: Int) throws -> ClosedRange<Int> {
        let pieces = text.components(separatedBy: "..")
        let numbers = pieces.map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (pieces.count == 1 || pieces.count == 2), let a = numbers.first ?? nil, let b = numbers.last ?? nil else {
            throw ValidationError("--replication-range takes A..B, two whole numbers counting from 1 with both ends included (such as 1..10), or one number; got '\(text)'")
        }
        guard a >= 1 else { throw ValidationError("--replication-range starts at replication \(a); replications count from 1") }
        guard a <= b else { throw ValidationError("--replication-range \(text) is empty: its start \(a) is after its end \(b)") }
        guard b <= replications else {
            throw ValidationError("--replication-range \(text) ends past the run's \(replications) replication\(replications == 1 ? "" : "s") (--replications \(replications)); it must lie within 1..\(replications)")
        }
        return a...b
    }

    /// Writes `part` to `-o` (or standard output for `-`), refusing the command's inputs.
    func write(_ part: RunPart, inputs: [String], overwriteInput: Bool) throws {
        let data: Data
        do {
            data = try part.encoded()
        } catch {
            printError("error: cannot encode the part file: \(error)")
            throw ExitCode(ExitStatus.problems)
        }
        try writeOutput(String(decoding: data, as: UTF8.self), to: output, inputs: inputs, overwriteInput: overwriteInput)
    }
}

/// The version that goes into part files' identity (merge refuses parts of other versions).
let carepathVersion = Carepath.configuration.version
