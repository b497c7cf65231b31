import PathwayData
import Testing

@Suite struct EventLogTests {
    @Test func eventCountSumsOverCases() {
        let origin = LogOrigin(file: 0, line: 1)
        let log = EventLog(activities: ["a"], cases: [
            LogCase(id: "9990000018", events: [LogEvent(activity: 0, lifecycle: .complete, minutes: 0, origin: origin)]),
            LogCase(id: "9990000026", events: [
                LogEvent(activity: 0, lifecycle: .arrival, minutes: 0, origin: origin),
                LogEvent(activity: 0, lifecycle: .complete, minutes: 5, origin: origin),
            ]),
        ])
        #expect(log.eventCount == 3)
    }
}
