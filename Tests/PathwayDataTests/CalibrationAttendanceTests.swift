import Foundation
import PathwayData
import PathwayLanguage
import PathwayModel
import PathwaySimulation
import Testing

/// Missed and cancelled appointments in a log are fitted as a step's shares: found when the
/// trust differs from the standard, kept when it agrees, and the overlay reproduces them.
@Suite struct CalibrationAttendanceTests {
    static func calibrate(_ standard: Pathway, against trust: Pathway) throws -> Calibration {
        let (_, csv) = try ConformFixtures.simulateCSV(trust, options: SimulationOptions(length: .days(120), replications: 1, seed: 9, jobs: 1))
        let log = try LogReader.read(contents: [(name: "trust.csv", bytes: Array(csv.utf8))], pathway: standard)
        let (mapping, _) = ActivityMapper.map(log, to: standard)
        return Calibrator.calibrate(standard, log: log, mapping: mapping)
    }

    @Test func aTrustWithMoreMissedAppointmentsIsFound() throws {
        let standard = try ConformFixtures.load("Examples/capacity/waiting-list.yaml")
        var trust = standard
        let i = try #require(trust.steps.firstIndex { $0.id == "first-appointment" })
        trust.steps[i].attendance?.didNotAttend = 0.15
        let c = try Self.calibrate(standard, against: trust)
        let f = try #require(c.findings.first { $0.aspect == .attendance })
        #expect(f.outcome == .changed, "\(f.reason)")
        let edit = try #require(f.edits.first { $0.path == "steps.first-appointment.did_not_attend" })
        let share = try #require(Double(edit.value.dropLast())) / 100
        // About 2,400 attempts: the standard error of a 15% share is 0.7 points.
        #expect(abs(share - 0.15) < 0.025, "fitted \(edit.value)")
        #expect(!f.edits.contains { $0.path.hasSuffix(".cancelled") } || f.reason.contains("cancelled"))
    }

    @Test func aTrustThatMissesAsTheStandardSaysAgrees() throws {
        let standard = try ConformFixtures.load("Examples/capacity/waiting-list.yaml")
        let c = try Self.calibrate(standard, against: standard)
        let f = try #require(c.findings.first { $0.aspect == .attendance })
        #expect(f.outcome == .agrees, "\(f.reason)")
    }
}
