import Foundation
import PathwayLanguage
import PathwayModel
import Testing

/// Variants written as overlays: `extends` a standard plus `changes`, resolved before building.
@Suite struct OverlayTests {
    static let standard = """
        carepath: 1
        id: standard
        title: Standard
        organisations:
          gp: { name: GP practice, type: primary-care }
          acute: { name: Acute trust, type: acute }
        targets:
          fast: { from: referral, to: clinic, within: 14 days, standard: 90% }
        start: referral
        steps:
          referral:
            kind: referral
            organisation: gp
            produces: [letter]
            next: clinic
          clinic:
            kind: assessment
            organisation: acute
            duration: 20 min
            requires: [letter]
            next: discharge
          discharge: { kind: end, outcome: discharged }

        """

    /// A folder holding the standard and the given files; returns the folder.
    func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-overlay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Self.standard.write(to: url.appendingPathComponent("standard.yaml"), atomically: true, encoding: .utf8)
        for (name, text) in files {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        return url
    }

    func loadVariant(_ text: String, name: String = "variant.yaml", extra: [String: String] = [:], loader: PathwayLoader = PathwayLoader()) throws -> LoadResult {
        let dir = try folder(extra.merging([name: text]) { a, _ in a })
        return loader.load(file: dir.appendingPathComponent(name).path)
    }

    @Test func aVariantIsTheStandardWithItsChangesApplied() throws {
        let result = try loadVariant("""
            carepath: 1
            extends: standard.yaml
            id: trust-a
            changes:
              - set: steps.clinic.duration
                value: 40 min
              - add: steps.scan
                after: clinic
                value: { kind: test, organisation: acute, duration: 15 min, next: discharge }
              - set: steps.clinic.next
                value: scan
              - add: steps.referral.produces
                value: referral-form
              - set: targets.fast.within
                value: 21 days
            """)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.message))")
        let p = try #require(result.pathway)
        #expect(p.id == "trust-a")
        #expect(p.steps.map(\.id) == ["referral", "clinic", "scan", "discharge"])
        #expect(p.step("clinic")?.duration == .fixed(40))
        #expect(p.step("clinic")?.next == "scan")
        #expect(p.step("referral")?.produces.map(\.name) == ["letter", "referral-form"])
        #expect(p.targets.first?.within == .days(21))
        // Positions: what the variant wrote points into the variant, the rest into the standard.
        #expect(p.step("clinic")?.location(of: "duration").file.hasSuffix("variant.yaml") == true)
        #expect(p.step("clinic")?.location.file.hasSuffix("standard.yaml") == true)
        #expect(p.step("scan")?.location.file.hasSuffix("variant.yaml") == true)
        #expect(p.step("referral")?.location.file.hasSuffix("standard.yaml") == true)
    }

    @Test func aChangeAimedAtAMissingStepSuggestsTheNearestOne() throws {
        let result = try loadVariant("""
            carepath: 1
            extends: standard.yaml
            changes:
              - set: steps.clinc.duration
                value: 40 min
            """)
        let d = try #require(result.diagnostics.first { $0.code == "CP608" })
        #expect(d.message.contains("'clinc'") && d.message.contains("did you mean 'clinic'"))
        #expect(d.suggestion == "steps.clinic")
        #expect(d.location?.file.hasSuffix("variant.yaml") == true)
        #expect(d.location?.line == 4)
    }

    @Test func removingAMissingFieldIsAnErrorWithASuggestion() throws {
        let result = try loadVariant("carepath: 1\nextends: standard.yaml\nchanges:\n  - remove: steps.clinic.duraton\n")
        let d = try #require(result.diagnostics.first { $0.code == "CP608" })
        #expect(d.suggestion == "steps.clinic.duration")
    }

    @Test func addingWhatIsAlreadyThereIsAnError() throws {
        let result = try loadVariant("carepath: 1\nextends: standard.yaml\nchanges:\n  - add: steps.clinic\n    value: { kind: end }\n")
        #expect(codes(result).contains("CP610"))
    }

    @Test func validationProblemsInAddedStepsPointIntoTheVariant() throws {
        let result = try loadVariant("""
            carepath: 1
            extends: standard.yaml
            changes:
              - set: steps.clinic.next
                value: discharg
            """)
        let d = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(d.location?.file.hasSuffix("variant.yaml") == true)
        #expect(d.suggestion == "discharge")
    }

    @Test func extendsCannotLeaveThePathwayFolderUnlessAllowed() throws {
        let dir = try folder(["trusts/variant.yaml": "carepath: 1\nextends: ../standard.yaml\n"])
        let path = dir.appendingPathComponent("trusts/variant.yaml").path
        #expect(codes(PathwayLoader().load(file: path)).contains("CP602"))
        let allowed = PathwayLoader(allowOutsideRoot: true).load(file: path)
        #expect(allowed.diagnostics.isEmpty, "\(allowed.diagnostics.map(\.message))")
        #expect(PathwayLoader(root: dir.path).load(file: path).diagnostics.isEmpty)
    }

    @Test func aCycleOfExtendsIsAnError() throws {
        let result = try loadVariant("carepath: 1\nextends: b.yaml\n", name: "a.yaml",
                                     extra: ["b.yaml": "carepath: 1\nextends: a.yaml\n"])
        #expect(codes(result).contains("CP603"))
        let selfish = try loadVariant("carepath: 1\nextends: self.yaml\n", name: "self.yaml")
        #expect(codes(selfish).contains("CP603"))
    }

    @Test func chainsOfExtendsAreBoundedByTheIncludeDepth() throws {
        var files: [String: String] = ["v1.yaml": "carepath: 1\nextends: standard.yaml\n"]
        for i in 2...5 { files["v\(i).yaml"] = "carepath: 1\nextends: v\(i - 1).yaml\n" }
        var limits = LanguageLimits()
        limits.maxIncludeDepth = 3
        let dir = try folder(files)
        #expect(codes(PathwayLoader(limits: limits).load(file: dir.appendingPathComponent("v5.yaml").path)).contains("CP604"))
        #expect(PathwayLoader().load(file: dir.appendingPathComponent("v5.yaml").path).diagnostics.isEmpty)
    }

    @Test func changesWithoutExtendsAreAnError() {
        let result = load("carepath: 1\nchanges:\n  - remove: steps.x\n")
        #expect(codes(result) == ["CP605"])
    }

    @Test func aMissingStandardSuggestsTheFileNearestInName() throws {
        let result = try loadVariant("carepath: 1\nextends: standrd.yaml\n")
        let d = try #require(result.diagnostics.first { $0.code == "CP601" })
        #expect(d.suggestion == "standard.yaml")
    }

    @Test func aChangeMustSayWhatItDoes() throws {
        let result = try loadVariant("carepath: 1\nextends: standard.yaml\nchanges:\n  - sett: steps.clinic.duration\n    value: 1 hour\n  - set: steps.clinic.duration\n")
        #expect(codes(result).contains("CP011"))   // 'sett' is not a key a change can have
        // ... but it is read as `set` (the key it nearly is), so the first change is not also
        // reported as saying nothing (CP606): one mistake, one message.
        #expect(!codes(result).contains("CP606"))
        #expect(codes(result).contains("CP611"))   // set without value
        let nothing = try loadVariant("carepath: 1\nextends: standard.yaml\nchanges:\n  - value: 1 hour\n")
        #expect(codes(nothing).contains("CP606"))
    }

    @Test func branchesAreNamedByWhereTheyGo() throws {
        let dir = try folder([
            "decide.yaml": """
                carepath: 1
                id: decide
                title: Decide
                organisations: { gp: { name: GP, type: primary-care } }
                start: look
                steps:
                  look: { kind: assessment, organisation: gp, next: choose }
                  choose:
                    kind: decision
                    branches:
                      - { to: yes, probability: 0.3 }
                      - { to: no, otherwise: true }
                  yes: { kind: end, outcome: y }
                  no: { kind: end, outcome: n }

                """,
            "variant.yaml": "carepath: 1\nextends: decide.yaml\nchanges:\n  - set: steps.choose.branches.yes.probability\n    value: 0.6\n",
        ])
        let result = PathwayLoader().load(file: dir.appendingPathComponent("variant.yaml").path)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.message))")
        #expect(result.pathway?.step("choose")?.branches.first?.probability == 0.6)
    }
}
