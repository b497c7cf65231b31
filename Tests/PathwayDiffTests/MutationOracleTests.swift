import Foundation
import PathwayDiff
import PathwayLanguage
import PathwayModel
import PathwaySimulation
import Testing

/// The diff's verdict checked against the simulator, patient by patient. Single edits are made to
/// every shipped pathway; standard and variant are simulated with the same seed (common random
/// numbers) and every patient's route (steps, lifecycle moments and times) compared:
/// - when some patient goes along different steps or at different times, diff must report a change;
/// - when diff reports no change, every patient's route and times must be identical.
@Suite struct MutationOracleTests {
    /// Every event of every patient of replication 1, by patient, with step ids (not indices, which
    /// move when steps are added or reordered in the file).
    struct RouteSink: SimulationEventSink {
        let stepIDs: [String]
        var routes: [Int: [String]] = [:]
        var isRecording: Bool { true }
        mutating func patientArrived(_ patient: Int, at minutes: Double) {}
        mutating func step(_ step: Int, lifecycle: Lifecycle, patient: Int, at minutes: Double, organisation: Int, resource: Int) {
            routes[patient, default: []].append("\(stepIDs[step]) \(lifecycle) \((minutes * 1e6).rounded() / 1e6)")
        }
        mutating func patientFinished(_ patient: Int, at minutes: Double) {}
    }

    static func routes(_ pathway: Pathway) throws -> [Int: [String]] {
        let simulator = try Simulator(pathway: pathway)
        var sink: RouteSink? = RouteSink(stepIDs: simulator.model.stepIds)
        _ = simulator.run(SimulationOptions(length: .patients(200), replications: 1, seed: 11, jobs: 1), eventSink: &sink)
        return sink?.routes ?? [:]
    }

    /// One edit: a name for the report and the edited pathway (nil when it does not apply).
    struct Edit {
        var name: String
        /// An edit that changes nothing a patient would notice: diff must find no change at all.
        var isNoOp = false
        var apply: (Pathway) -> Pathway?
    }

    /// The single edits made at each decision and step.
    static func edits(for p: Pathway) -> [Edit] {
        var edits: [Edit] = []
        for (i, step) in p.steps.enumerated() {
            if step.kind == .decision {
                for k in 0..<max(0, step.branches.count - 1) {
                    edits.append(Edit(name: "\(step.id): swap branches \(k) and \(k + 1)") { p in
                        var q = p
                        q.steps[i].branches.swapAt(k, k + 1)
                        return q
                    })
                }
                for (k, branch) in step.branches.enumerated() {
                    guard let when = branch.when else { continue }
                    edits.append(Edit(name: "\(step.id): branch \(k) rewritten as not (not …)", isNoOp: true) { p in
                        var q = p
                        q.steps[i].branches[k].when = Condition(text: "not (not (\(when.text)))",
                                                                 expression: .not(.not(when.expression, offset: 0), offset: 0),
                                                                 location: when.location)
                        return q
                    })
                    if let moved = shiftFirstNumber(when.expression, by: 1) {
                        edits.append(Edit(name: "\(step.id): branch \(k) threshold + 1") { p in
                            var q = p
                            q.steps[i].branches[k].when = Condition(text: when.text + " (+1)", expression: moved, location: when.location)
                            return q
                        })
                    }
                    if let probability = branch.probability, probability < 0.9 {
                        edits.append(Edit(name: "\(step.id): branch \(k) probability + 0.1") { p in
                            var q = p
                            q.steps[i].branches[k].probability = probability + 0.1
                            return q
                        })
                    }
                }
            }
            if case .fixed(let minutes)? = step.duration {
                edits.append(Edit(name: "\(step.id): duration + 7 min") { p in
                    var q = p
                    q.steps[i].duration = .fixed(minutes + 7)
                    return q
                })
            }
            if let org = step.organisation, let other = p.organisations.first(where: { $0.id != org }), step.resource == nil {
                edits.append(Edit(name: "\(step.id): moved to \(other.id)") { p in
                    var q = p
                    q.steps[i].organisation = other.id
                    return q
                })
            }
            if let sends = step.handoff?.sends, !sends.isEmpty {
                edits.append(Edit(name: "\(step.id): handoff drops \(sends[0])") { p in
                    var q = p
                    q.steps[i].handoff?.sends = Array(sends.dropFirst())
                    return q
                })
            }
            edits.append(Edit(name: "\(step.id): title changed") { p in
                var q = p
                q.steps[i].title = (step.title ?? step.id) + " (local)"
                return q
            })
        }
        if p.steps.count > 2 {
            edits.append(Edit(name: "last two steps swapped in the file", isNoOp: true) { p in
                var q = p
                q.steps.swapAt(q.steps.count - 1, q.steps.count - 2)
                return q
            })
        }
        return edits
    }

    /// The expression with its first number constant increased by `delta`, or nil if it has none.
    static func shiftFirstNumber(_ e: PathwayModel.Expression, by delta: Double) -> PathwayModel.Expression? {
        switch e {
        case .number(let v, let unit, let o): return .number(v + delta, unit: unit, offset: o)
        case .attribute, .text, .boolean: return nil
        case .not(let inner, let o): return shiftFirstNumber(inner, by: delta).map { .not($0, offset: o) }
        case .logical(let op, let l, let r):
            if let l2 = shiftFirstNumber(l, by: delta) { return .logical(op, l2, r) }
            return shiftFirstNumber(r, by: delta).map { .logical(op, l, $0) }
        case .comparison(let op, let l, let r):
            if let l2 = shiftFirstNumber(l, by: delta) { return .comparison(op, l2, r) }
            return shiftFirstNumber(r, by: delta).map { .comparison(op, l, $0) }
        case .membership(let v, let items, let negated):
            for (k, item) in items.enumerated() {
                if let shifted = shiftFirstNumber(item, by: delta) {
                    var copy = items
                    copy[k] = shifted
                    return .membership(v, copy, negated: negated)
                }
            }
            return nil
        }
    }

    static let shipped: [String] = {
        let folder = repositoryRoot.appendingPathComponent("Pathways")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { "Pathways/" + $0 }
    }()

    @Test(arguments: shipped)
    func diffAgreesWithEveryPatientsRoute(_ file: String) throws {
        let standard = try loadPathway(file)
        let base = try Self.routes(standard)
        #expect(!base.isEmpty)
        var checked = 0, changed = 0
        for edit in Self.edits(for: standard) {
            guard let variant = edit.apply(standard) else { continue }
            let diff = PathwayDiff(standard: standard, variant: variant)
            let routes = try Self.routes(variant)
            let sameRoutes = routes == base
            checked += 1
            if !sameRoutes { changed += 1 }
            // Routes differ ⇒ a change is reported; equivalently, no change ⇒ identical routes.
            #expect(sameRoutes || !diff.isEquivalent, "\(file): \(edit.name): patients routed differently, but diff reports no change")
            if edit.name.hasSuffix("title changed") {
                // Not used by the simulator, still reported, in its own class.
                #expect(diff.changes.map(\.changeClass) == [.renamed], "\(file): \(edit.name): \(diff.changes.map(\.changeClass))")
            }
            if edit.isNoOp {
                #expect(sameRoutes, "\(file): \(edit.name): a no-op edit changed some patient's route")
                #expect(diff.isEquivalent, "\(file): \(edit.name): a no-op edit reported as \(diff.changes.map { "\($0.changeClass.rawValue) \($0.aspect)" })")
            }
        }
        print("mutation oracle: \(file): \(checked) edits, \(changed) changed some route")
        // The edits must exercise both verdicts, or the law above proves little.
        #expect(checked > 5 && changed > 0 && changed < checked, "\(file): \(checked) edits, \(changed) changed routes")
    }
}
