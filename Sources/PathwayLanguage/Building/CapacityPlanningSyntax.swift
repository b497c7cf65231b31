import PathwayModel

// Reading what capacity planning adds to the language: `backlog`, `arrivals.growth`, a
// resource's `background` demand and a step's `did_not_attend` / `cancelled` / `rebooked_after`.
extension PathwayBuilder {
    /// The most patients one backlog entry may hold.
    static let largestBacklog = 10_000_000

    /// `backlog:` — a list of `{ step, patients, waited }`.
    mutating func buildBacklog(_ node: YAMLNode) -> [Backlog] {
        guard let items = reader.sequence(node, "`backlog`") else { return [] }
        var result: [Backlog] = []
        for item in items {
            guard let fields = reader.mapping(item, "a backlog entry", allowed: ["step", "patients", "waited"]) else { continue }
            guard let stepNode = fields["step"], let step = reader.text(stepNode, "the step the backlog waits at") else {
                if fields["step"] == nil {
                    reader.error(.cp012, "a backlog entry does not say which step its patients are waiting for", at: item.location,
                                 help: "add `step:` with the id of the step, such as `step: first-appointment`")
                }
                continue
            }
            guard let patientsNode = fields["patients"] else {
                reader.error(.cp012, "the backlog at '\(step)' does not say how many patients are waiting", at: item.location,
                             help: "add `patients:` with a whole number, such as `patients: 120`")
                continue
            }
            guard let patients = reader.integer(patientsNode, "the number of patients waiting") else { continue }
            guard (1...Self.largestBacklog).contains(patients) else {
                reader.error(.cp034, "the backlog at '\(step)' has \(patients) patients; write at least 1 and at most 10,000,000",
                             at: patientsNode.contentLocation, help: "leave the entry out when nobody is waiting there")
                continue
            }
            let waited = fields["waited"].flatMap { reader.timeDistribution($0, "how long the backlog at '\(step)' has waited") }
            result.append(Backlog(step: step, patients: patients, waited: waited, location: item.location,
                                  fieldLocations: fields.fieldLocations))
        }
        return result
    }

    /// `arrivals.growth` — `5% per year` (or `-2% per year`), the yearly growth of demand.
    mutating func buildGrowth(_ node: YAMLNode) -> Double? {
        guard case .mapping(let fields) = node.kind, let growthNode = fields["growth"],
              let text = reader.text(growthNode, "the growth of demand") else { return nil }
        var t = text.trimmed.lowercased()
        var yearly = false
        for suffix in [" per year", " a year", "/year", " per annum", " a annum"] where t.hasSuffix(suffix) {
            t = String(t.dropLast(suffix.count)).trimmed
            yearly = true
            break
        }
        guard yearly, t.hasSuffix("%"), let g = ValueSyntax.probability(t) else {
            reader.error(.cp034, "arrivals: '\(text)' is not a growth of demand; write a percentage a year, such as `growth: 5% per year`",
                         at: growthNode.contentLocation)
            return nil
        }
        guard g > -1, g <= 10 else {
            reader.error(.cp034, "arrivals: a growth of \(text) is impossible; it must be above -100% and at most 1000% per year",
                         at: growthNode.contentLocation)
            return nil
        }
        return g
    }

    /// A resource's `background: { rate, duration }`.
    mutating func buildBackground(_ node: YAMLNode, resource: String) -> BackgroundDemand? {
        guard let fields = reader.mapping(node, "the background demand of '\(resource)'", allowed: ["rate", "duration"]) else { return nil }
        for key in ["rate", "duration"] where fields[key] == nil {
            reader.error(.cp012, "the background demand of '\(resource)' needs `\(key)`", at: node.location,
                         help: "write it like `background: { rate: 40 per day, duration: 20 minutes }`")
        }
        guard let rateNode = fields["rate"], let rateText = reader.text(rateNode, "the background rate"),
              let durationNode = fields["duration"] else { return nil }
        let perDay: Double
        switch ValueSyntax.ratePerDay(rateText) {
        case .success(let r): perDay = r
        case .failure(let message):
            reader.error(.cp034, "background demand of '\(resource)': \(message)", at: rateNode.contentLocation)
            return nil
        }
        guard let duration = reader.timeDistribution(durationNode, "the duration of the background work on '\(resource)'") else { return nil }
        return BackgroundDemand(perDay: perDay, duration: duration)
    }

    /// A step's `did_not_attend`, `cancelled` and `rebooked_after`.
    mutating func buildAttendance(_ fields: [YAMLEntry], stepID: String) -> Attendance? {
        let keys = Self.attendanceKeys
        guard keys.contains(where: { fields[$0] != nil }) else { return nil }
        var a = Attendance()
        if let n = fields["did_not_attend"], let p = reader.probability(n, "the share of patients who do not attend '\(stepID)'") { a.didNotAttend = p }
        if let n = fields["cancelled"], let p = reader.probability(n, "the share of '\(stepID)' appointments cancelled") { a.cancelled = p }
        a.rebookedAfter = fields["rebooked_after"].flatMap { reader.timeDistribution($0, "the rebooking delay of '\(stepID)'") }
        if a.didNotAttend + a.cancelled >= 1, let n = fields["did_not_attend"] ?? fields["cancelled"] {
            reader.error(.cp034, "at '\(stepID)' every appointment would be missed or cancelled (\(NumberText.format3((a.didNotAttend + a.cancelled) * 100))% together), so no patient could ever be seen",
                         at: n.contentLocation, help: "the shares of `did_not_attend` and `cancelled` must add up to less than 100%")
            return nil
        }
        if fields["rebooked_after"] != nil, fields["did_not_attend"] == nil, fields["cancelled"] == nil, let n = fields["rebooked_after"] {
            reader.warning(.cp034, "'\(stepID)' says when missed appointments are rebooked but not how many are missed", at: n.contentLocation,
                           help: "add `did_not_attend:` or `cancelled:` with a share, such as `did_not_attend: 8%`")
        }
        return a
    }
}
