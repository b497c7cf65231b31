import Foundation

/// A small valid pathway and a temporary folder to edit it in, for the preview's tests.
struct Fixture {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-preview-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// A GP referral to a clinic; `title` and `next` (the referral's next step) can be changed.
    static func pathway(title: String = "GP referral to a hospital clinic", next: String = "clinic") -> String {
        """
        carepath: 1
        id: gp-to-clinic
        title: \(title)
        version: "1"
        status: draft
        organisations:
          gp: { name: GP practice, type: primary-care }
          hospital: { name: Acute trust, type: acute }
        resources:
          clinic-room: { name: Outpatient clinic, organisation: hospital, capacity: 2, calendar: "weekdays 09:00-17:00" }
        arrivals: { rate: 20 per week }
        targets:
          seen-in-two-weeks: { title: Seen within 2 weeks, from: referral, to: clinic, within: 14 days, standard: 93% }
        start: referral
        steps:
          referral:
            kind: referral
            title: GP referral
            organisation: gp
            duration: 15 min
            next: \(next)
            handoff: { delay: 2 days }
          clinic:
            kind: assessment
            title: Outpatient appointment
            organisation: hospital
            resource: clinic-room
            duration: 20 min
            next: done
          done: { kind: end, outcome: seen }

        """
    }
}
