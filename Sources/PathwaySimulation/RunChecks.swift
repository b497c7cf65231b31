import PathwayModel

/// Checks of a finished run that a reader needs before trusting its figures: patients who never
/// finished (CP540), a run too short for the journeys it measures (CP541), and resources that
/// cannot keep up with their demand (CP542).
enum RunChecks {
    static func warnings(for report: SimulationReport, pathway: Pathway) -> [Diagnostic] {
        var result: [Diagnostic] = []
        if let unfinished = unfinishedWarning(report, pathway) { result.append(unfinished) }
        if let short = shortRunWarning(report, pathway) { result.append(short) }
        result += overloadWarnings(report, pathway)
        return result
    }

    /// Utilisation this close to 1 means the resource was busy whenever it was open: demand is at
    /// or past its capacity, so its queue grows with the run instead of settling, and every wait
    /// and target figure behind it depends on how long the run was.
    static let overloadedUtilisation = 0.98

    private static func overloadWarnings(_ report: SimulationReport, _ pathway: Pathway) -> [Diagnostic] {
        report.resources.filter { $0.utilisation.mean >= overloadedUtilisation }.map { r in
            let resource = pathway.resources.first { $0.id == r.id }
            let name = resource?.name ?? r.id
            let hours = resource?.calendar.map { " (open \($0.text))" } ?? ""
            return .warning(
                .cp542,
                "'\(name)' was busy \(percent(r.utilisation.mean * 100)) of its opening hours\(hours): it cannot keep up with the patients sent to it, so its queue grows for as long as the run lasts and the waits and targets behind it depend on the run's length",
                at: resource?.location ?? pathway.location,
                help: "add capacity or opening hours to '\(name)', or lower the demand on it (the arrival rate, or how long each patient needs it)")
        }
    }

    private static func unfinishedWarning(_ report: SimulationReport, _ pathway: Pathway) -> Diagnostic? {
        guard report.unfinished > 0 else { return nil }
        let total = report.patients.mean * Double(report.replications)
        let share = total > 0 ? Double(report.unfinished) / total * 100 : 0
        let perReplication = report.replications > 1
            ? " (\(grouped(report.unfinishedPerReplication.mean)) per replication, \(percent(share)) of patients)"
            : " (\(percent(share)) of patients)"
        var message = "\(grouped(Double(report.unfinished))) patient\(report.unfinished == 1 ? " was" : "s were") still in the pathway when the run ended\(perReplication)"
        var location = pathway.location
        var notes: [DiagnosticNote] = []
        if let first = report.unfinishedPlaces.first {
            message += ": " + describe(first, in: pathway)
            location = stepLocation(first.step, in: pathway) ?? location
            for place in report.unfinishedPlaces.dropFirst().prefix(4) {
                notes.append(DiagnosticNote(describe(place, in: pathway), at: stepLocation(place.step, in: pathway)))
            }
        }
        let help: String
        switch report.unfinishedPlaces.first?.place {
        case .join?:
            help = "a join waits for every path of its parallel step: check that every route into the join comes through that step's paths (carepath validate reports routes that do not)"
        case .resource?:
            help = "the resource cannot keep up with the patients, or its calendar never opens: add capacity or opening hours, or lower the arrival rate"
        default:
            help = "their journeys are longer than the time left after arrivals stopped; they are counted as unfinished in the outcomes, and their running clocks as breaches when past the limit"
        }
        return .warning(.cp540, message, at: location, notes: notes, help: help)
    }

    private static func describe(_ place: SimulationReport.UnfinishedResult, in pathway: Pathway) -> String {
        let n = grouped(Double(place.count))
        switch place.place {
        case .join:
            return "\(n) at the join '\(place.step)', waiting for a parallel path that never arrives"
        case .resource:
            let name = place.resource.flatMap { id in pathway.resources.first { $0.id == id }?.name ?? id } ?? "its resource"
            return "\(n) queueing for '\(name)' at '\(place.step)'"
        case .inStep:
            return "\(n) in step '\(place.step)'"
        case .handoff:
            return "\(n) on the way to '\(place.step)' (a handoff delay)"
        case .timelessLoop:
            return "\(n) stopped at '\(place.step)' after \(grouped(Double(timelessStepLimit))) steps without time passing (a loop that takes no time)"
        }
    }

    /// Little's law (L = λW) checks that the observation window holds whole journeys: on a run
    /// too short for them, or without a warm-up, the queues start empty and the two sides part.
    /// A cohort has no steady state to measure, so it is not checked; nor is a run that starts
    /// with a backlog, which is a transient by design (clearing it is the question asked).
    private static func shortRunWarning(_ report: SimulationReport, _ pathway: Pathway) -> Diagnostic? {
        if case .cohort? = pathway.arrivals { return nil }
        if !pathway.backlog.isEmpty { return nil }
        guard report.tallies.allSatisfy({ $0.windowMinutes > 0 }), !report.tallies.isEmpty else { return nil }
        let window = report.tallies.map(\.windowMinutes).reduce(0, +) / Double(report.tallies.count)
        let l = report.meanInPathway.mean
        let lambdaW = report.arrivalsPerDay.mean / 1440 * report.journeyMeanMinutes.mean
        guard l.isFinite, lambdaW.isFinite, lambdaW > 0 else { return nil }
        let gap = abs(l - lambdaW) / lambdaW
        let p95 = report.journeyP95Minutes ?? 0
        guard gap > 0.05 || p95 > window / 3 else { return nil }
        var reasons: [String] = []
        if gap > 0.05 {
            reasons.append("the mean number in the pathway (\(fixed(l))) is \(percent(gap * 100)) away from arrivals × mean journey time (\(fixed(lambdaW)))")
        }
        if p95 > window / 3 {
            reasons.append("the 95th-percentile journey (\(days(p95))) is longer than a third of the \(days(window)) observed")
        }
        let suggested = max(1, Int((p95 * 2 / 1440).rounded(.up)))
        return .warning(.cp541, "the run is short for its journeys: " + reasons.joined(separator: ", and "),
                        at: pathway.fieldLocations["arrivals"] ?? pathway.location,
                        help: "queues start empty, so waits and utilisation are flattered: add a warm-up (--warmup \(suggested)) and run longer (--days or --patients)")
    }

    private static func stepLocation(_ id: String, in pathway: Pathway) -> SourceLocation? {
        pathway.step(id)?.location
    }

    static func grouped(_ value: Double) -> String {
        let n = Int(value.rounded())
        guard abs(value - Double(n)) < 0.05 else { return fixed(value) }
        return MemoryBudget.grouped(n)
    }

    private static func fixed(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }

    private static func percent(_ value: Double) -> String { fixed(value) + "%" }

    private static func days(_ minutes: Double) -> String { fixed(minutes / 1440) + " days" }
}
