import Foundation
import PathwayData
import PathwayModel
import Testing

/// Bad input gives a `LogReadError` or problems: never a crash or a hang.
@Suite struct ReadingMalformedTests {
    typealias S = ReadingSupport

    /// Reads `bytes` as `name`: the error, or the log.
    private func outcome(_ name: String, _ bytes: [UInt8]) -> Result<EventLog, LogReadError> {
        do throws(LogReadError) {
            return .success(try LogReader.read(contents: [(name: name, bytes: bytes)]))
        } catch {
            return .failure(error)
        }
    }

    private static let junk: [UInt8] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<20_000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }()

    @Test(arguments: ["junk.csv", "junk.xes", "junk.jsonocel", "junk.bin"])
    func binaryJunkIsNotALog(_ name: String) {
        guard case .failure(let error) = outcome(name, Self.junk) else {
            Issue.record("\(name): binary junk was read as a log")
            return
        }
        #expect(error.reason == .notALog)
        #expect(error.file == name)
        #expect(error.message.contains("not"))
    }

    @Test func csvWithAMissingColumnNamesTheColumnsItHas() {
        guard case .failure(let error) = outcome("trust.csv", Array("nhs,activity,timestamp\n9990000018,a,2024-01-01\n".utf8)) else {
            Issue.record("read without a case id column")
            return
        }
        #expect(error.reason == .missingColumn)
        #expect(error.columnsFound == ["nhs", "activity", "timestamp"])
        #expect(error.message == "there is no 'case_id' column for the case id (the NHS number); the file's columns are 'nhs', 'activity', 'timestamp'")
    }

    @Test func renamedOptionalColumnMustExist() throws {
        let text = "case_id,activity,timestamp\n9990000018,a,2024-01-01\n"
        // Absent default columns are fine; a column asked for by name is not.
        #expect(try S.read("t.csv", text).eventCount == 1)
        #expect(throws: LogReadError.self) { try S.read("t.csv", text, columns: LogColumns(lifecycle: "Status")) }
    }

    @Test func unterminatedQuoteStopsTheFileWithAProblemAndKeepsEarlierRows() throws {
        let log = try S.read("trust.csv", "case_id,activity,timestamp\n9990000018,a,2024-01-01\n9990000018,\"b,2024-01-02\n9990000018,c,2024-01-03\n")
        #expect(log.eventCount == 1)
        let problem = try #require(S.problems(log, .unreadable).first)
        #expect(problem.location(in: log) == "trust.csv:3")
        #expect(problem.message.contains("never closed"))
    }

    @Test func truncatedXESKeepsTheTracesBeforeTheBreak() throws {
        let whole = try S.bytes("small.xes")
        let cut = Array(whole.prefix(whole.count * 3 / 4))
        guard case .success(let log) = outcome("cut.xes", cut) else {
            Issue.record("a cut XES file was refused outright")
            return
        }
        #expect(log.cases.map(\.id) == ["9990000026"])
        let problem = try #require(S.problems(log, .unreadable).last)
        #expect(problem.message.contains("cannot be read past line"))
        #expect(problem.message.contains("1 trace before it are kept") || problem.message.contains("1 trace"))
    }

    @Test func truncatedOCELKeepsTheEventsBeforeTheBreak() throws {
        let whole = try S.bytes("small.jsonocel")
        let text = String(decoding: whole, as: UTF8.self)
        let cut = try #require(text.range(of: "{\"id\": \"e5\""))
        guard case .success(let log) = outcome("cut.jsonocel", Array(text[..<cut.lowerBound].utf8)) else {
            Issue.record("a cut OCEL file was refused outright")
            return
        }
        #expect(log.eventCount == 4)
        #expect(S.problems(log, .unreadable).count == 1)
    }

    @Test func deeplyNestedXMLStopsWithoutCrashing() throws {
        let depth = 10_000
        var text = "<log><trace><string key=\"concept:name\" value=\"9990000018\"/><event>"
        text += String(repeating: "<x>", count: depth) + String(repeating: "</x>", count: depth)
        text += "</event></trace></log>"
        switch outcome("deep.xes", Array(text.utf8)) {
        case .success(let log):
            #expect(S.problems(log, .unreadable).contains { $0.message.contains("nested more than 64 deep") })
            #expect(log.eventCount == 0)
        case .failure(let error):
            #expect(error.message.contains("nested") || error.message.contains("XML"))
        }
    }

    @Test func deeplyNestedJSONStopsWithoutCrashing() throws {
        let depth = 10_000
        let nest = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        // Skipped (an unknown key): passed over without recursion.
        let skipped = try S.read("deep.jsonocel", "{\"extra\": \(nest), \"events\": []}")
        #expect(skipped.eventCount == 0 && skipped.problems.isEmpty)
        // Inside an event: passed over too; the event, with no time, is reported.
        let inEvent = try S.read("deep.jsonocel", "{\"events\": [{\"id\": \"e1\", \"attributes\": \(nest)}]}")
        #expect(inEvent.problems.map(\.message) == ["event 1 ('e1') has no \"time\"; it is left out"])
        // Inside an object, which is read whole: refused with a problem, the events kept.
        let inObject = try S.read("deep.jsonocel", """
        {"events": [{"id": "e1", "type": "a", "time": "2024-01-01T09:00:00Z", "relationships": [{"objectId": "patient-9990000018", "qualifier": "patient"}]}],
         "objects": [{"id": "patient-9990000018", "type": "patient", "attributes": \(nest)}]}
        """)
        #expect(inObject.problems.contains { $0.message.contains("nested more than 32 deep") })
        #expect(inObject.eventCount == 1)
    }

    @Test func xmlEntityDeclarationsAreRefused() {
        let laughs = """
        <?xml version="1.0"?>
        <!DOCTYPE log [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
        <log><trace><string key="concept:name" value="&c;"/></trace></log>
        """
        guard case .failure(let error) = outcome("laughs.xes", Array(laughs.utf8)) else {
            Issue.record("entities were expanded")
            return
        }
        #expect(error.message.contains("entities"))
    }

    @Test(arguments: [
        ("empty.csv", ""), ("empty.xes", ""), ("empty.jsonocel", ""), ("array.jsonocel", "[1, 2]"),
        ("html.xes", "<html><body>Not found</body></html>"), ("noevents.jsonocel", "{\"objects\": []}"),
        ("text.jsonocel", "{\"events\": nope}"),
    ])
    func emptyAndWrongShapedFilesAreNotLogs(_ name: String, _ text: String) {
        guard case .failure(let error) = outcome(name, Array(text.utf8)) else {
            Issue.record("\(name) was read as a log")
            return
        }
        #expect(error.reason == .notALog)
        #expect(!error.message.isEmpty)
    }

    @Test func headerOnlyCSVIsAnEmptyLog() throws {
        let log = try S.read("t.csv", "case_id,activity,timestamp\n")
        #expect(log.cases.isEmpty && log.problems.isEmpty)
    }

    @Test func missingFolderAndCompressedFilesCannotBeOpened() throws {
        let missing = #expect(throws: LogReadError.self) { try LogReader.read(paths: ["/nonexistent/trust.csv"]) }
        #expect(missing?.reason == .cannotOpen)
        #expect(missing?.message == "cannot find the file")
        let folder = #expect(throws: LogReadError.self) { try LogReader.read(paths: [S.testsFolder.path]) }
        #expect(folder?.reason == .cannotOpen)
        let packed = #expect(throws: LogReadError.self) { try LogReader.read(paths: ["/tmp/trust.csv.gz"]) }
        #expect(packed?.message.contains("compressed") == true)
    }

    @Test(arguments: 0..<40)
    func mutatedLogsNeverCrash(_ seed: Int) throws {
        // Flip, drop and duplicate bytes of each fixture: whatever comes out is an error or a log.
        var state = UInt64(seed + 1) &* 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        for name in ["small.csv", "small.xes", "small.jsonocel", "pm4py.xes", "foreign.csv"] {
            var bytes = try S.bytes(name)
            for _ in 0..<(1 + next() % 8) {
                let at = next() % bytes.count
                switch next() % 3 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: next())
                case 1: bytes.remove(at: at)
                default: bytes.insert(bytes[at], at: at)
                }
            }
            switch outcome(name, bytes) {
            case .success(let log): #expect(log.eventCount >= 0)
            case .failure(let error): #expect(!error.message.isEmpty)
            }
        }
    }
}
