import Foundation
import PathwayData
import PathwayModel
import Testing

/// Every kind of problem a reader meets is reported with where it was, never dropped silently.
@Suite struct ReadingProblemTests {
    typealias S = ReadingSupport

    @Test func invalidNHSNumberIsReportedAndTheCaseKept() throws {
        let log = try S.read("trust.csv", """
        case_id,activity,timestamp
        9990000018,a,2024-01-01T09:00Z
        9990000019,a,2024-01-01T10:00Z
        9990000019,b,2024-01-02T10:00Z
        MRN-4471,a,2024-01-01T11:00Z
        """)
        let invalid = S.problems(log, .invalidNHSNumber)
        #expect(invalid.map(\.caseID) == ["9990000019", "MRN-4471"])
        #expect(invalid.map { $0.location(in: log) } == ["trust.csv:3", "trust.csv:5"])
        #expect(invalid[0].message.contains("2 events are kept"))
        #expect(log.cases.count == 3)
        #expect(log.cases.first { $0.id == "9990000019" }?.events.count == 2)
    }

    @Test func eventsOutOfTimeOrderAreReportedOncePerCaseAndSorted() throws {
        let log = try S.read("trust.csv", """
        case_id,activity,timestamp
        9990000018,first,2024-01-01T09:00Z
        9990000018,third,2024-01-03T09:00Z
        9990000018,second,2024-01-02T09:00Z
        9990000018,second-too,2024-01-02T10:00Z
        9990000026,x,2024-01-05T09:00Z
        """)
        let disorder = S.problems(log, .outOfTimeOrder)
        #expect(disorder.count == 1)
        #expect(disorder.first?.caseID == "9990000018")
        #expect(disorder.first?.location(in: log) == "trust.csv:4")
        #expect(disorder.first?.message.contains("'second' at 2024-01-02 09:00 UTC is written after an event at 2024-01-03 09:00 UTC") == true)
        let patient = try #require(log.cases.first)
        #expect(patient.events.map { log.activities[Int($0.activity)] } == ["first", "second", "second-too", "third"])
    }

    @Test func eventsOfOneCaseFromTwoFilesAreNotOutOfOrder() throws {
        let log = try LogReader.read(contents: [
            ("a.csv", Array("case_id,activity,timestamp\n9990000018,late,2024-01-05T09:00Z\n".utf8)),
            ("b.csv", Array("case_id,activity,timestamp\n9990000018,early,2024-01-01T09:00Z\n".utf8)),
        ])
        #expect(log.problems.isEmpty)
        #expect(log.cases.first?.events.map(\.origin.file) == [1, 0])
    }

    @Test func unreadableRowsAreReportedWithTheirLinesAndTheRestKept() throws {
        let log = try S.read("trust.csv", """
        case_id,activity,lifecycle,timestamp
        9990000018,a,start,2024-01-01T09:00Z
        ,a,start,2024-01-01T09:00Z
        9990000018,a,start,next Tuesday
        9990000018,a,suspend,2024-01-01T09:30Z
        9990000018,,complete,2024-01-01T10:00Z
        9990000018,a
        9990000018,a,complete,2024-01-01T11:00Z
        """)
        let unreadable = S.problems(log, .unreadable)
        #expect(unreadable.map { $0.location(in: log) } == (3...7).map { "trust.csv:\($0)" })
        #expect(unreadable[0].message.contains("no case id"))
        #expect(unreadable[1].message.contains("'next Tuesday' is not a date and time"))
        #expect(unreadable[2].message.contains("lifecycle 'suspend' is not one carepath reads"))
        #expect(unreadable[3].message.contains("no activity"))
        #expect(unreadable[4].message.contains("the row has 2 cells; the header has 4"))
        #expect(log.eventCount == 2)
    }

    @Test func unreadableRowsBeyondAThousandAreCountedInOneProblem() throws {
        var text = "case_id,activity,timestamp\n"
        for _ in 0..<1_500 { text += "9990000018,a,never\n" }
        text += "9990000018,a,2024-01-01\n"
        let log = try S.read("junk.csv", text)
        let unreadable = S.problems(log, .unreadable)
        #expect(unreadable.count == 1_001)
        #expect(unreadable.last?.message.contains("500 more rows or events could not be read") == true)
        #expect(log.eventCount == 1)
    }

    @Test func unknownLifecycleInXESAndOCELIsReported() throws {
        let xes = try S.read("t.xes", """
        <log><trace><string key="concept:name" value="9990000018"/>
        <event><string key="concept:name" value="a"/><string key="lifecycle:transition" value="suspend"/><date key="time:timestamp" value="2024-01-01T09:00:00Z"/></event>
        <event><string key="concept:name" value="a"/><date key="time:timestamp" value="2024-01-01T10:00:00Z"/></event>
        <event><string key="concept:name" value="a"/></event>
        </trace></log>
        """)
        #expect(S.problems(xes, .unreadable).map { $0.location(in: xes) } == ["t.xes:event 1", "t.xes:event 3"])
        #expect(xes.eventCount == 1)
        let ocel = try S.read("t.jsonocel", """
        {"events": [
          {"id": "e1", "type": "a", "time": "2024-01-01T09:00:00Z", "attributes": [{"name": "lifecycle", "value": "pi_abort"}], "relationships": [{"objectId": "p", "qualifier": "patient"}]},
          {"id": "e2", "type": "a", "time": "2024-01-01T09:00:00Z", "relationships": [{"objectId": "o1", "qualifier": "ward"}]},
          {"id": "e3", "type": "a", "time": "2024-01-01T10:00:00Z", "relationships": [{"objectId": "patient-9990000018", "qualifier": "patient"}]}
        ], "objects": []}
        """)
        let problems = S.problems(ocel, .unreadable)
        #expect(problems.map { $0.location(in: ocel) } == ["t.jsonocel:event 1", "t.jsonocel:event 2"])
        #expect(problems.last?.message.contains("related to no patient object") == true)
        #expect(ocel.cases.map(\.id) == ["9990000018"])
    }

    @Test func unmappedActivitiesAreReportedWithCountsAndFirstPlace() throws {
        let pathway = try S.mini()
        let log = try S.read("trust.csv", """
        case_id,activity,timestamp
        9990000018,gp   REFERRAL,2024-01-01T09:00Z
        9990000018,ct-scan,2024-01-02T09:00Z
        9990000018,Lung clinc,2024-01-03T09:00Z
        9990000026,Lung clinc,2024-01-03T10:00Z
        9990000026,Porters' rota,2024-01-03T11:00Z
        """)
        let (mapping, problems) = ActivityMapper.map(log, to: pathway)
        let steps = log.activities.map { name in mapping.step[log.activities.firstIndex(of: name) ?? 0].map { pathway.steps[$0].id } }
        #expect(Dictionary(uniqueKeysWithValues: zip(log.activities, steps)) == [
            "gp   REFERRAL": "referral", "ct-scan": "ct-scan", "Lung clinc": nil, "Porters' rota": nil,
        ])
        #expect(problems.allSatisfy { $0.kind == .unmappedActivity })
        #expect(problems.count == 2)
        let clinic = try #require(problems.first { $0.message.contains("Lung clinc") })
        #expect(clinic.message.contains("(2 events)"))
        #expect(clinic.message.contains("did you mean 'Lung clinic'?"))
        #expect(clinic.location(in: log) == "trust.csv:4")
        #expect(clinic.caseID == "9990000018")
    }

    @Test func mappingFileResolvesNamesAndReportsStepsThatDoNotExist() throws {
        let pathway = try S.mini()
        let mapping = try ActivityMapper.readMappingFile(S.fixture("mapping.csv"))
        #expect(mapping == ["Referral received": "referral", "Clinic": "clinic", "CT scan, contrast": "ct-scan"])
        let log = try S.read("trust.csv", """
        case_id,activity,timestamp
        9990000018,Referral received,2024-01-01T09:00Z
        9990000018,"CT scan, contrast",2024-01-02T09:00Z
        9990000018,CLINIC,2024-01-03T09:00Z
        9990000018,Tumour board,2024-01-04T09:00Z
        """)
        let (resolved, problems) = ActivityMapper.map(log, to: pathway, mapping: mapping.merging(["Tumour board": "mdt-meeting"]) { a, _ in a })
        let named = Dictionary(uniqueKeysWithValues: log.activities.enumerated().map { ($1, resolved.step[$0].map { pathway.steps[$0].id }) })
        #expect(named == ["Referral received": "referral", "CT scan, contrast": "ct-scan", "CLINIC": "clinic", "Tumour board": nil])
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("sends activity 'Tumour board' (1 event) to 'mdt-meeting', which is not a step id") == true)
        #expect(problems.first?.location(in: log) == "trust.csv:5")
    }

    @Test func mappingWinsOverATitleMatch() throws {
        let pathway = try S.mini()
        let log = try S.read("trust.csv", "case_id,activity,timestamp\n9990000018,CT scan,2024-01-01\n")
        let (resolved, problems) = ActivityMapper.map(log, to: pathway, mapping: ["CT scan": "clinic"])
        #expect(problems.isEmpty)
        #expect(resolved.step[0].map { pathway.steps[$0].id } == "clinic")
    }

    @Test(arguments: [
        ("activity,step\nA,a\nA,b\n", "line 3: activity 'A' is mapped to 'a' on line 2 and to 'b' here"),
        ("name,id\nA,a\n", "line 1: a mapping file begins with the header row 'activity,step'"),
        ("activity,step\nA,a,extra\n", "line 2: expected two cells"),
        ("activity,step\n\n# note\nA,\n", "line 4: activity 'A' has no step id"),
        ("activity,step\n\"A,a\n", "line 2: a quoted name (\") is never closed"),
        ("", "the mapping file is empty"),
    ])
    func badMappingFilesGiveLineNumberedErrors(_ text: String, _ expected: String) throws {
        let folder = try S.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("map.csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: LogReadError.self) { try ActivityMapper.readMappingFile(path) }
        #expect(error?.reason == .badMapping)
        #expect(error?.message.hasPrefix(expected) == true, "\(error?.message ?? "")")
        #expect(error?.description.hasPrefix(path + ": ") == true)
    }
}

/// Missed and cancelled appointments are read in every vocabulary carepath and XES use.
@Suite struct ReadingAttendanceTests {
    @Test func missedAndCancelledAppointmentsAreReadNotDropped() throws {
        let words = ["did-not-attend", "DNA", "ate_abort", "cancelled", "Withdraw", "schedule", "pi_abort"]
        var csv = "case_id,activity,lifecycle,timestamp\n"
        for (k, word) in words.enumerated() { csv += "9990000018,clinic,\(word),2024-01-0\(k + 1)T09:00:00Z\n" }
        let log = try ReadingSupport.read("t.csv", csv)
        let read = log.cases.first?.events.map(\.lifecycle) ?? []
        #expect(read == [.missed, .missed, .missed, .cancelled, .cancelled, .arrival])
        #expect(ReadingSupport.problems(log, .unreadable).count == 1, "pi_abort is not read")
    }
}
