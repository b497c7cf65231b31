import Foundation
import PathwayModel

/// One trust's variant compared with the regional standard: the region matrix's column.
public struct TrustColumn: Sendable {
    /// The column heading: the variant file's name without its extension.
    public var name: String
    public var diff: PathwayDiff

    public init(name: String, diff: PathwayDiff) {
        self.name = name
        self.diff = diff
    }

    /// Changes that are not about one step (targets, resources, the pathway as a whole).
    public var pathwayChanges: [PathwayChange] { diff.changes.filter { $0.subject != .step } }
}

/// What one trust does with one row's step.
public enum RegionCellState: String, Hashable, Sendable, Codable {
    /// As in the standard.
    case same
    /// Present, with changes.
    case changed
    /// A standard step the trust leaves out.
    case missing
    /// A step the trust adds.
    case added
    /// A row for a step another trust added; this trust does not have it.
    case absent
}

/// One cell of the region matrix.
public struct RegionCell: Hashable, Sendable, Codable {
    public var state: RegionCellState
    /// The classes of change, in class order, for a changed cell.
    public var classes: [ChangeClass]
    /// The clinical weight of the changes in this cell.
    public var weight: Double
    /// The step's id in the trust's file, when it has the step.
    public var variantID: String?

    public init(state: RegionCellState, classes: [ChangeClass] = [], weight: Double = 0, variantID: String? = nil) {
        self.state = state
        self.classes = classes
        self.weight = weight
        self.variantID = variantID
    }
}

/// One row of the region matrix: a standard step, a step some trust added, or a target, a
/// resource or the pathway itself when some trust changed it.
public struct RegionRow: Hashable, Sendable, Codable {
    /// The standard's step (target, resource) id, or for an added row the id the trust gave it;
    /// `pathway` for the pathway row.
    public var id: String
    public var name: String
    /// Whether the step is one some trust added (not in the standard).
    public var added: Bool
    /// One cell per trust, in column order.
    public var cells: [RegionCell]
    /// What the row is about: a step, or a target, resource or the pathway.
    public var subject: ChangeSubject = .step
}

/// The region matrix: rows are the standard's steps then steps trusts added; columns are trusts;
/// each cell says whether the trust does the step as the standard says. With one conformance
/// score per trust.
public struct RegionComparison: Sendable {
    public var standard: PathwaySummary
    public var trusts: [TrustColumn]
    public var rows: [RegionRow]

    /// Compares each variant with the standard. `variants` pairs each column's name with its pathway.
    public init(standard: Pathway, variants: [(name: String, pathway: Pathway)], weights: ClinicalWeights = .standard) {
        self.standard = PathwaySummary(standard)
        // The standard's facts are worked out once; the variants are compared in parallel.
        let facts = DiffFacts(standard)
        let diffs = ResultSlots<PathwayDiff>(count: variants.count)
        DispatchQueue.concurrentPerform(iterations: variants.count) { k in
            diffs.set(k, PathwayDiff(standard: facts, variant: DiffFacts(variants[k].pathway), weights: weights))
        }
        trusts = zip(variants, diffs.all).compactMap { v, d in d.map { TrustColumn(name: v.name, diff: $0) } }
        rows = Self.rows(standard: standard, trusts: trusts)
    }

    /// A column name for each variant file: its name without the extension, qualified with as
    /// many parent folders as it takes to tell apart files with the same name
    /// (`north/trust.yaml` and `south/trust.yaml` become `north/trust` and `south/trust`).
    public static func columnNames(for files: [String]) -> [String] {
        let parts = files.map { file -> [String] in
            var components = file.split(separator: "/").map(String.init)
            if let last = components.popLast() {
                let dot = last.lastIndex(of: ".")
                components.append(dot.map { String(last[..<$0]) } ?? last)
            }
            return components
        }
        var depth = Array(repeating: 1, count: files.count)
        func name(_ i: Int) -> String { parts[i].suffix(depth[i]).joined(separator: "/") }
        for _ in 0..<64 {
            var clashes = false
            let names = files.indices.map(name)
            var seen: [String: [Int]] = [:]
            for (i, n) in names.enumerated() { seen[n, default: []].append(i) }
            for group in seen.values where group.count > 1 {
                for i in group where depth[i] < parts[i].count {
                    depth[i] += 1
                    clashes = true
                }
            }
            if !clashes { break }
        }
        return files.indices.map(name)
    }

    private static func rows(standard: Pathway, trusts: [TrustColumn]) -> [RegionRow] {
        var rows: [RegionRow] = []
        var rowIndex: [String: Int] = [:]
        for step in standard.steps {
            rowIndex[step.id] = rows.count
            rows.append(RegionRow(id: step.id, name: step.displayName, added: false, cells: []))
        }
        // Added rows, keyed by the trust's id, in order of first appearance.
        var addedIndex: [String: Int] = [:]
        for trust in trusts {
            for change in trust.diff.changes where change.changeClass == .added && change.subject == .step {
                guard let id = change.variantID, addedIndex[id] == nil else { continue }
                addedIndex[id] = rows.count
                rows.append(RegionRow(id: id, name: change.name, added: true, cells: []))
            }
        }
        // A row for each target, resource and pathway setting some trust changed, after the steps,
        // so a target tightened from 75% to 65% shows in the matrix, not only in the full diff.
        var subjectIndex: [String: Int] = [:]
        for trust in trusts {
            for change in trust.diff.changes where change.subject != .step {
                let key = "\(change.subject.rawValue):\(change.id)"
                guard subjectIndex[key] == nil else { continue }
                subjectIndex[key] = rows.count
                rows.append(RegionRow(id: change.subject == .pathway ? "pathway" : change.id,
                                      name: "\(change.subject.rawValue): \(change.name)", added: false, cells: [], subject: change.subject))
            }
        }
        for trust in trusts {
            var cells = rows.map { RegionCell(state: $0.added ? .absent : .same) }
            for change in trust.diff.changes where change.subject != .step {
                guard let r = subjectIndex["\(change.subject.rawValue):\(change.id)"] else { continue }
                cells[r].state = .changed
                if !cells[r].classes.contains(change.changeClass) {
                    cells[r].classes.append(change.changeClass)
                    cells[r].classes.sort()
                }
                cells[r].weight += change.weight
            }
            let matched = Dictionary(trust.diff.matches.map { ($0.standardID, $0.variantID) }, uniquingKeysWith: { a, _ in a })
            for (id, variantID) in matched { if let r = rowIndex[id] { cells[r].variantID = variantID } }
            for change in trust.diff.changes where change.subject == .step {
                if change.changeClass == .added, let id = change.variantID, let r = addedIndex[id] {
                    cells[r] = RegionCell(state: .added, classes: [.added], weight: change.weight, variantID: id)
                    continue
                }
                guard let id = change.standardID, let r = rowIndex[id] else { continue }
                if change.changeClass == .removed {
                    cells[r] = RegionCell(state: .missing, classes: [.removed], weight: change.weight)
                    continue
                }
                cells[r].state = .changed
                if !cells[r].classes.contains(change.changeClass) {
                    cells[r].classes.append(change.changeClass)
                    cells[r].classes.sort()
                }
                cells[r].weight += change.weight
            }
            for r in rows.indices { rows[r].cells.append(cells[r]) }
        }
        return rows
    }
}
