import Foundation
import PathwayLanguage
import PathwayModel
import Testing

/// What the loader builds from a valid file, and the checks that need more than one file.
struct LoaderTests {
    @Test func theSampleLoadsCleanWithEveryPartTyped() throws {
        let result = load(Samples.valid)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let p = try #require(result.validPathway)
        #expect(p.steps.count == 10)
        #expect(p.organisations.map(\.type) == [.primaryCare, .acute, .community])
        #expect(p.resources[0].calendar?.windows == [OpeningWindow(days: [.monday, .tuesday, .wednesday, .thursday, .friday], opens: 480, closes: 1080)])
        #expect(p.resources[0].queue == .priority(attribute: "urgent"))
        #expect(p.resources[1].calendar?.windows.count == 2)
        #expect(p.arrivals == .poisson(perDay: 5))
        #expect(p.targets[0].to == ["told", "discharged"])
        #expect(p.targets[0].within == .days(28))
        #expect(p.targets[0].standard == 0.75)
        let ct = try #require(p.step("ct-scan"))
        #expect(ct.duration == .lognormal(mean: 20, sd: 5))
        #expect(ct.resultAfter == .triangular(min: 1440, mode: 2880, max: 5760))
        #expect(ct.produces.first?.type == "DiagnosticReport")
        #expect(p.step("mdt")?.every == .days(7))
        #expect(p.step("referral")?.handoff?.delay == .uniform(min: 1440, max: 4320))
        #expect(p.step("told")?.duration == .gamma(shape: 2, scale: 10))
        #expect(p.step("rehab")?.duration == .exponential(mean: 20160))
        #expect(p.step("bloods")?.duration == .empirical([EmpiricalPoint(value: 10, weight: 0.5), EmpiricalPoint(value: 20, weight: 0.5)]))
        #expect(p.attribute("urgent")?.type == .boolean(probability: 0.1))
        #expect(p.attribute("risk")?.type == .category([CategoryValue(name: "low", probability: 0.6), CategoryValue(name: "high", probability: 0.4)]))
    }

    @Test func positionsPointAtTheKeyThatWasWritten() throws {
        let p = try #require(load(Samples.valid, file: "dir/sample.yaml").pathway)
        let ct = try #require(p.step("ct-scan"))
        #expect(ct.location == SourceLocation(file: "dir/sample.yaml", line: 40, column: 3))
        #expect(ct.location(of: "resource") == SourceLocation(file: "dir/sample.yaml", line: 43, column: 15))
    }

    @Test func everyProblemIsReportedInOneRun() {
        var yaml = Samples.valid.replacingOccurrences(of: "next: result\n  bloods", with: "next: reslt\n  bloods")
        yaml = yaml.replacingOccurrences(of: "resource: clinic", with: "resource: clinc")
        yaml = yaml.replacingOccurrences(of: "probability: 0.45", with: "probability: 4.5")
        let found = Set(codes(load(yaml)))
        #expect(found.isSuperset(of: ["CP101", "CP104", "CP302"]))
    }

    @Test func durationsReadAsPeopleWriteThem() throws {
        let cases: [(String, Double)] = [("20 min", 20), ("2 days", 2880), ("3 weeks", 30240), ("36 hours", 2160), ("1.5 hours", 90), ("90 minutes", 90), ("1 day", 1440)]
        for (text, minutes) in cases {
            #expect(try ValueSyntax.timeSpan(text).get().minutes == minutes, "\(text)")
        }
        for bad in ["", "3", "two days", "1 month", "5 fortnights", "-2 days", "2 days 3 hours"] {
            #expect((try? ValueSyntax.timeSpan(bad).get()) == nil, "\(bad) should be refused")
        }
    }

    @Test func ratesCalendarsAndSharesRead() throws {
        #expect(try ValueSyntax.ratePerDay("35 per week").get() == 5)
        #expect(try ValueSyntax.ratePerDay("2 per hour").get() == 48)
        #expect(try ValueSyntax.ratePerDay("10 per 2 days").get() == 5)
        #expect(ValueSyntax.probability("40%") == 0.4)
        let calendar = try ValueSyntax.calendar("mon-wed 09:00-12:30; sat 10:00-24:00").get()
        #expect(calendar.windows == [OpeningWindow(days: [.monday, .tuesday, .wednesday], opens: 540, closes: 750),
                                     OpeningWindow(days: [.saturday], opens: 600, closes: 1440)])
        #expect(calendar.openMinutesPerWeek == 3 * 210 + 840)
        #expect((try? ValueSyntax.calendar("weekdays 9-5").get()) == nil)
    }

    @Test func dataLostAtAHandoffNamesTheHandoff() throws {
        let yaml = Samples.valid.replacingOccurrences(of: "handoff: { delay: 2 days, sends: [ct-report] }", with: "handoff: { delay: 2 days, sends: [mdt-outcome] }")
        let d = try #require(load(yaml).diagnostics.first { $0.code == "CP402" })
        #expect(d.message.contains("from 'told' (Acute trust) to 'rehab' (Community services)"))
        #expect(d.notes.first?.location?.line == 76)
    }

    @Test func dataFromEveryParallelPathReachesTheJoin() {
        // mdt requires the CT report and the blood results, produced on different parallel paths.
        #expect(!codes(load(Samples.valid)).contains("CP401"))
        let yaml = Samples.valid.replacingOccurrences(of: "paths: [ct-scan, bloods]", with: "paths: [ct-scan]")
            .replacingOccurrences(of: "next: result\n  bloods", with: "next: result\n  bloods-unused")
        #expect(codes(load(yaml)).contains("CP401"))
    }

    @Test func withoutSendsEverythingTravels() {
        let yaml = Samples.valid.replacingOccurrences(of: "handoff: { delay: 2 days, sends: [ct-report] }", with: "handoff: { delay: 2 days }")
        #expect(load(yaml).diagnostics.isEmpty)
    }

    @Test func aSubpathwayIsLoadedRelativeToItsFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-sub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("shared"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let main = Samples.valid.replacingOccurrences(of: "  rehab:\n    kind: wait\n    organisation: community\n    duration: \"exponential(mean: 2 weeks)\"",
                                                      with: "  rehab:\n    kind: subpathway\n    organisation: community\n    pathway: shared/rehab.yaml")
        let sub = """
        carepath: 1
        id: rehab
        title: Rehabilitation
        organisations: { community: { name: Community services, type: community } }
        start: assess
        steps:
          assess: { kind: assessment, organisation: community, duration: 1 hour, next: done }
          done: { kind: end, outcome: rehabilitated }
        """
        try main.write(to: folder.appendingPathComponent("main.yaml"), atomically: true, encoding: .utf8)
        try sub.write(to: folder.appendingPathComponent("shared/rehab.yaml"), atomically: true, encoding: .utf8)
        let result = PathwayLoader().load(file: folder.appendingPathComponent("main.yaml").path)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.pathway?.subpathways["shared/rehab.yaml"]?.steps.count == 2)

        // A subpathway outside the pathway's folder is refused unless allowed.
        let outside = main.replacingOccurrences(of: "pathway: shared/rehab.yaml", with: "pathway: ../elsewhere.yaml")
        try outside.write(to: folder.appendingPathComponent("shared/main2.yaml"), atomically: true, encoding: .utf8)
        let refused = PathwayLoader(root: folder.appendingPathComponent("shared").path).load(file: folder.appendingPathComponent("shared/main2.yaml").path)
        #expect(codes(refused).contains("CP111"))

        // A subpathway that calls its caller is a cycle.
        let loop = main.replacingOccurrences(of: "pathway: shared/rehab.yaml", with: "pathway: loop.yaml")
        try loop.write(to: folder.appendingPathComponent("loop.yaml"), atomically: true, encoding: .utf8)
        #expect(codes(PathwayLoader().load(file: folder.appendingPathComponent("loop.yaml").path)).contains("CP112"))
    }

    @Test func jsonDiagnosticsHaveTheDocumentedShape() throws {
        let result = load(Samples.valid.replacingOccurrences(of: "next: rehab", with: "next: rehb"), file: "x.yaml")
        let json = DiagnosticFormatter.json(result.diagnostics, files: 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["files"] as? Int == 1)
        let first = try #require((object["diagnostics"] as? [[String: Any]])?.first)
        #expect(first["code"] as? String == "CP101")
        #expect(first["severity"] as? String == "error")
        #expect(first["file"] as? String == "x.yaml")
        #expect(first["line"] as? Int != nil && first["column"] as? Int != nil)
        #expect(first["suggestion"] as? String == "rehab")
    }

    @Test func journeyTimesFollowBranchShares() throws {
        let p = try #require(load(Samples.valid).validPathway)
        let times = JourneyTimes(p)
        let shares = Dictionary(uniqueKeysWithValues: times.endings.map { ($0.step, $0.share) })
        #expect(abs((shares["done"] ?? 0) + (shares["discharged"] ?? 0) - 1) < 1e-9)
        #expect(times.endings.allSatisfy { $0.shortest <= $0.expected })
    }
}

/// Files saved on Windows (CRLF line ends) read the same and quote cleanly.
@Test func windowsLineEndingsReadTheSame() throws {
    let crlf = Samples.valid.replacingOccurrences(of: "\n", with: "\r\n")
    let a = try #require(load(Samples.valid).pathway), b = try #require(load(crlf).pathway)
    #expect(a.strippingLocations() == b.strippingLocations())
    let broken = load(crlf.replacingOccurrences(of: "next: rehab", with: "next: rehb"))
    let text = DiagnosticFormatter(sources: broken.sources).format(broken.diagnostics, files: 1)
    #expect(!text.contains("\r"))
    #expect(text.contains("next: rehb\n"))
}
