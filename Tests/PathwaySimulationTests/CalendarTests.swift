import Testing
import PathwayModel
@testable import PathwaySimulation

/// Opening hours: closed resources start no work and hold their queue.
@Suite struct CalendarTests {
    static let weekdaysNineToFive = OpeningCalendar(
        windows: [OpeningWindow(days: [.monday, .tuesday, .wednesday, .thursday, .friday], opens: 540, closes: 1020)],
        text: "weekdays 09:00-17:00")

    @Test func weekdayNineToFiveResourceNeverStartsWorkOutsideHours() throws {
        let pathway = TestPathways.queue(servers: 2, arrivalsPerHour: 0.5, meanServiceMinutes: 45,
                                         calendar: Self.weekdaysNineToFive)
        let simulator = try Simulator(pathway: pathway)
        var sink: RecordingSink? = RecordingSink()
        let report = simulator.run(SimulationOptions(length: .days(28), replications: 1, seed: 9), eventSink: &sink)
        let starts = try #require(sink).entries.filter { $0.lifecycle == .start }
        #expect(starts.count > 100)
        for start in starts {
            let minuteOfWeek = start.minutes.truncatingRemainder(dividingBy: 10_080)
            let day = Int(minuteOfWeek / 1440), minuteOfDay = minuteOfWeek.truncatingRemainder(dividingBy: 1440)
            #expect(day < 5 && minuteOfDay >= 540 && minuteOfDay < 1020, "work started at minute \(start.minutes)")
        }
        // Patients arrive around the clock, so many must have waited for opening.
        let arrivedOutOfHours = try #require(sink).arrived.values.filter { t in
            let m = t.truncatingRemainder(dividingBy: 10_080)
            return Int(m / 1440) >= 5 || m.truncatingRemainder(dividingBy: 1440) < 540 || m.truncatingRemainder(dividingBy: 1440) >= 1020
        }
        #expect(arrivedOutOfHours.count > 50)
        #expect(report.unfinished == 0)
    }

    @Test func openingHoursAnswerOpenNextAndOpenMinutes() {
        let hours = OpeningHours(Self.weekdaysNineToFive)
        #expect(hours.isOpen(540))
        #expect(!hours.isOpen(539.9))
        #expect(!hours.isOpen(1020))
        #expect(hours.nextOpening(after: 1020) == Double(1440 + 540))
        #expect(hours.nextOpening(after: 4 * 1440 + 1030) == Double(10_080 + 540)) // Friday evening -> Monday
        #expect(hours.openMinutes(from: 0, to: 10_080) == 5 * 480)
        #expect(hours.openMinutes(from: 600, to: 10_080 + 600) == 5 * 480)
        #expect(OpeningHours(nil).isOpen(12_345))
    }
}
