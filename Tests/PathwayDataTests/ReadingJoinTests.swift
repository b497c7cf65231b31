import FormatChecks
import Foundation
import PathwayData
import PathwayModel
import PathwaySimulation
import Testing

/// Several extracts, one per organisation, joined into journeys by NHS number.
@Suite struct ReadingJoinTests {
    typealias S = ReadingSupport

    /// carepath's CSV log split into one file per organisation (by the organisation column),
    /// every cell quoted.
    private static func splitByOrganisation(_ csv: [UInt8]) -> [(name: String, bytes: [UInt8])] {
        let records = FormatChecks.csvRecords(String(decoding: csv, as: UTF8.self)).records
        guard let header = records.first, let column = header.firstIndex(of: "organisation") else { return [] }
        func line(_ cells: [String]) -> String {
            cells.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") + "\n"
        }
        var files: [String: String] = [:]
        var order: [String] = []
        for record in records.dropFirst() where record.count == header.count {
            let organisation = record[column].isEmpty ? "none" : record[column]
            if files[organisation] == nil {
                files[organisation] = line(header)
                order.append(organisation)
            }
            files[organisation, default: ""] += line(record)
        }
        // Read the organisations in reverse order of first appearance, so that the join cannot
        // lean on the files being given in journey order.
        return order.reversed().map { (name: "\($0).csv", bytes: Array((files[$0] ?? "").utf8)) }
    }

    @Test func extractsSplitByOrganisationJoinToTheSingleFile() throws {
        let pathway = try S.shipped("Pathways/suspected-lung-cancer.yaml")
        let csv = try S.simulatedLog(pathway, patients: 200, format: .csv)
        let whole = try LogReader.read(contents: [("whole.csv", csv.bytes)], pathway: pathway)
        let parts = Self.splitByOrganisation(csv.bytes)
        #expect(parts.count >= 3)
        let joined = try LogReader.read(contents: parts, pathway: pathway)
        #expect(joined.files.count == parts.count)
        #expect(joined.eventCount == whole.eventCount)
        #expect(S.comparable(joined) == S.comparable(whole))
        // Every case is in every extract it should be in: no hand-off is reported missing.
        #expect(joined.problems.isEmpty, "\(joined.problems.prefix(3).map { $0.text(in: joined) })")
        // Cases gather events from several files.
        #expect(joined.cases.contains { Set($0.events.map(\.origin.file)).count >= 3 })
    }

    @Test func caseMissingFromTheNextOrganisationsExtractIsReported() throws {
        let pathway = try S.mini()
        let log = try LogReader.read(paths: [S.fixture("acute.csv"), S.fixture("centre.csv")], pathway: pathway)
        let missing = S.problems(log, .missingFromNextOrganisation)
        // 9990000026 left the acute trust's clinic on 4 January and the centre's extract runs to March
        // without it. 9990000018 arrived; 9990000034 left only four days before the centre's
        // extract ends; 9990000042 has not finished its clinic.
        #expect(missing.map(\.caseID) == ["9990000026"])
        let problem = try #require(missing.first)
        #expect(problem.location(in: log) == S.fixture("acute.csv") + ":5")
        #expect(problem.message.contains("Cancer centre"))
        #expect(problem.message.contains("centre.csv"))
        #expect(problem.text(in: log).hasPrefix(S.fixture("acute.csv") + ":5: case 9990000026"))
    }

    @Test func handOffCheckNeedsAPathwayAndSeveralFiles() throws {
        let pathway = try S.mini()
        let withoutPathway = try LogReader.read(paths: [S.fixture("acute.csv"), S.fixture("centre.csv")])
        #expect(S.problems(withoutPathway, .missingFromNextOrganisation).isEmpty)
        let oneFile = try LogReader.read(paths: [S.fixture("acute.csv")], pathway: pathway)
        #expect(S.problems(oneFile, .missingFromNextOrganisation).isEmpty)
        #expect(withoutPathway.cases.count == 5)
    }

    @Test func sameCaseInTwoFilesIsOneJourneyInTimeOrder() throws {
        let log = try LogReader.read(paths: [S.fixture("centre.csv"), S.fixture("acute.csv")])
        let patient = try #require(log.cases.first { $0.id == "9990000018" })
        #expect(patient.events.map { log.activities[Int($0.activity)] } == ["CT scan", "Lung clinic", "Lung MDT"])
        #expect(patient.events.map(\.origin.file) == [1, 1, 0])
        // Read in either order, the cases are the same.
        let other = try LogReader.read(paths: [S.fixture("acute.csv"), S.fixture("centre.csv")])
        #expect(S.comparable(other) == S.comparable(log))
    }
}
