import Foundation
import PathwayData
import PathwayModel
import PathwaySimulation
import Testing

/// Each format read on small hand-written fixtures, and carepath's own logs in all three.
@Suite struct ReadingFormatTests {
    typealias S = ReadingSupport

    @Test func csvFixtureGivesCasesEventsAndAttributes() throws {
        let log = try LogReader.read(paths: [S.fixture("small.csv")])
        #expect(log.cases.map(\.id) == ["9990000018", "9990000026"])
        #expect(log.eventCount == 8)
        #expect(log.problems.isEmpty, "\(log.problems)")
        let first = log.cases[0]
        #expect(first.attributes == ["age": "71", "fitness": "fit"])
        #expect(log.cases[1].attributes == ["age": "65", "fitness": "unfit"])
        // step_id is read as the activity, so a quoted title with commas and quotes still maps.
        #expect(log.activities == ["ct-scan", "mdt", "referral"])
        #expect(first.events.map(\.lifecycle) == [.arrival, .complete, .arrival, .start, .complete, .complete])
        #expect(first.events[0].minutes == S.minutes(2024, 1, 1, 9))
        #expect(log.organisations == ["acute", "centre", "gp"])
        #expect(log.resources == ["ct-scanner"])
        #expect(first.events[0].resource == -1)
        #expect(first.events[2].origin == LogOrigin(file: 0, line: 5))
    }

    @Test func csvFixtureXESAndOCELReadToTheSameCases() throws {
        let csv = try LogReader.read(paths: [S.fixture("small.csv")])
        let xes = try LogReader.read(paths: [S.fixture("small.xes")])
        let ocel = try LogReader.read(paths: [S.fixture("small.jsonocel")])
        #expect(xes.problems.isEmpty, "\(xes.problems)")
        #expect(ocel.problems.isEmpty, "\(ocel.problems)")
        #expect(S.comparable(xes) == S.comparable(csv))
        #expect(S.comparable(ocel) == S.comparable(csv))
        #expect(xes.activities == csv.activities && ocel.organisations == csv.organisations)
        // XES and OCEL origins count events, not lines.
        #expect(xes.cases[1].events[0].origin.line == 1)
    }

    @Test func pm4pyStyleXESReads() throws {
        let log = try LogReader.read(paths: [S.fixture("pm4py.xes")])
        #expect(log.problems.isEmpty, "\(log.problems)")
        #expect(log.cases.map(\.id) == ["9990000026", "9434765919"])
        let patient = log.cases[1]
        #expect(patient.attributes == ["age": "67", "smoker": "true"])
        #expect(patient.events.map { log.activities[Int($0.activity)] } == ["GP referral", "CT scan", "CT scan", "CT scan"])
        // assign is an arrival; START is read case-insensitively; offsets are applied.
        #expect(patient.events.map(\.lifecycle) == [.complete, .arrival, .start, .complete])
        #expect(patient.events[0].minutes == S.minutes(2024, 4, 1, 8, 15))
        #expect(patient.events[2].minutes == S.minutes(2024, 4, 3, 9, 0, 0.25))
        #expect(patient.events[0].resource >= 0 && log.resources[Int(patient.events[0].resource)] == "Dr Patel")
        #expect(patient.events[2].organisation >= 0 && log.organisations[Int(patient.events[2].organisation)] == "Radiology")
        // The nested list attribute and the log-level name are not taken as anything.
        #expect(log.activities.count == 2)
    }

    @Test func anyCSVReadsThroughColumnOptions() throws {
        let columns = LogColumns(caseID: "NHS No", activity: "Event", timestamp: "When", lifecycle: nil, organisation: "Site",
                                 resource: nil, stepID: nil)
        let log = try LogReader.read(paths: [S.fixture("foreign.csv")], columns: columns)
        #expect(log.problems.isEmpty, "\(log.problems)")
        // Semicolons separate; NHS numbers written in groups are joined as ten digits.
        #expect(log.cases.map(\.id) == ["9434765919", "9990000018"])
        let patient = log.cases[0]
        #expect(patient.events.count == 3)
        #expect(patient.events.allSatisfy { $0.lifecycle == .complete })
        #expect(patient.events.map(\.minutes) == [S.minutes(2024, 2, 5, 9, 30), S.minutes(2024, 2, 7, 14, 5, 30), S.minutes(2024, 2, 7, 16)])
        #expect(log.cases[1].events[0].minutes == S.minutes(2024, 2, 6))
        #expect(patient.attributes == ["sex": "F"])
        #expect(log.organisations == ["Northtown GP", "Northtown General"])
    }

    @Test func timestampsInEveryDocumentedForm() throws {
        let rows: [(String, Double?)] = [
            ("2024-03-05T09:30:00Z", S.minutes(2024, 3, 5, 9, 30)),
            ("2024-03-05T09:30:00.5Z", S.minutes(2024, 3, 5, 9, 30, 0.5)),
            ("2024-03-05T09:30:00.123456789+00:00", S.minutes(2024, 3, 5, 9, 30, 0.123456789)),
            ("2024-03-05T10:30:00+01:00", S.minutes(2024, 3, 5, 9, 30)),
            ("2024-03-05T04:30:00-0500", S.minutes(2024, 3, 5, 9, 30)),
            ("2024-03-05T09:30Z", S.minutes(2024, 3, 5, 9, 30)),
            ("2024-03-05 09:30", S.minutes(2024, 3, 5, 9, 30)),
            ("2024-03-05 09:30:15", S.minutes(2024, 3, 5, 9, 30, 15)),
            ("2024-03-05", S.minutes(2024, 3, 5)),
            ("05/03/2024 09:30", S.minutes(2024, 3, 5, 9, 30)),
            ("2024-02-29", S.minutes(2024, 2, 29)),
            ("2023-02-29", nil), ("2024-13-01", nil), ("2024-03-05T25:00", nil), ("yesterday", nil),
            ("2024-03-05T09:30:00+1", nil), ("1709631000", nil),
        ]
        var text = "case_id,activity,timestamp\n"
        for (stamp, _) in rows { text += "9990000018,a,\(stamp)\n" }
        let log = try S.read("times.csv", text)
        let read = log.cases.first?.events.sorted { $0.origin.line < $1.origin.line } ?? []
        let expected = rows.compactMap(\.1)
        #expect(read.map(\.minutes) == expected)
        let bad = S.problems(log, .unreadable)
        #expect(bad.count == rows.count - expected.count)
        #expect(bad.map { $0.origin?.line ?? 0 } == [13, 14, 15, 16, 17, 18].map { Int32($0) })
        #expect(bad.first?.message.contains("'2023-02-29' is not a date and time") == true)
    }

    @Test func carepathsOwnThreeFormatsReadToIdenticalLogs() throws {
        let pathway = try S.shipped("Pathways/suspected-lung-cancer.yaml")
        let csv = try S.simulatedLog(pathway, patients: 200, format: .csv)
        let xes = try S.simulatedLog(pathway, patients: 200, format: .xes)
        let ocel = try S.simulatedLog(pathway, patients: 200, format: .ocel)
        let fromCSV = try LogReader.read(contents: [("sim.csv", csv.bytes)], pathway: pathway)
        let fromXES = try LogReader.read(contents: [("sim.xes", xes.bytes)], pathway: pathway)
        let fromOCEL = try LogReader.read(contents: [("sim.jsonocel", ocel.bytes)], pathway: pathway)
        #expect(fromCSV.eventCount == csv.events)
        #expect(fromCSV.cases.count == 200)
        #expect(fromCSV.problems.isEmpty, "\(fromCSV.problems.prefix(3))")
        #expect(fromXES.problems.isEmpty, "\(fromXES.problems.prefix(3))")
        #expect(fromOCEL.problems.isEmpty, "\(fromOCEL.problems.prefix(3))")
        #expect(fromXES.activities == fromCSV.activities && fromOCEL.activities == fromCSV.activities)
        #expect(fromXES.organisations == fromCSV.organisations && fromOCEL.resources == fromCSV.resources)
        let reference = S.comparable(fromCSV)
        #expect(S.comparable(fromXES) == reference)
        #expect(S.comparable(fromOCEL) == reference)
        #expect(fromCSV.cases.allSatisfy { $0.attributes.keys.sorted() == ["age", "fitness"] })
        // Every activity is a step id of the pathway, so mapping is exact.
        let (mapping, problems) = ActivityMapper.map(fromCSV, to: pathway)
        #expect(problems.isEmpty)
        #expect(mapping.step.allSatisfy { $0 != nil })
    }

    @Test func largeFileStreamsAcrossChunksLikeTheSameBytesInMemory() throws {
        // Over the reader's 1 MB chunk, with quoted multi-line cells so rows straddle chunk edges.
        var text = "case_id,activity,lifecycle,timestamp,case:note\n"
        let nhs = (0..<300).map { NHSNumber.synthetic(replication: 0, patient: $0) }
        for row in 0..<20_000 {
            let note = row % 7 == 0 ? "\"line one\nline \"\"two\"\", with comma\"" : "plain"
            text += "\(nhs[row % 300]),step-\(row % 13),\(row % 2 == 0 ? "start" : "complete"),2024-01-\(String(format: "%02d", 1 + row % 28))T\(String(format: "%02d", row % 24)):00:00Z,\(note)\n"
        }
        #expect(text.utf8.count > 1 << 20)
        let folder = try S.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("big.csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let fromFile = try LogReader.read(paths: [path])
        let fromMemory = try S.read("big.csv", text)
        #expect(fromFile.eventCount == 20_000)
        #expect(S.comparable(fromFile) == S.comparable(fromMemory))
        // Each row keeps its line number, counting the line breaks inside quoted cells.
        var expectedLines: [Int32] = []
        var line: Int32 = 2
        for row in 0..<20_000 {
            expectedLines.append(line)
            line += row % 7 == 0 ? 2 : 1
        }
        #expect(fromFile.cases.flatMap(\.events).map(\.origin.line).sorted() == expectedLines)
        #expect(fromFile.cases.first { $0.id == nhs[0] }?.attributes["note"] == "line one\nline \"two\", with comma")
    }
}
