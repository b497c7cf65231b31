import PathwayModel

/// A set of numbers: sorted, disjoint ranges whose ends are open or closed. For whole-number
/// attributes every finite end is kept closed on a whole number (`x > 5` is `x >= 6`), so two
/// sets are equal exactly when their ranges are.
struct NumberRanges: Hashable, Sendable {
    struct Range: Hashable, Sendable {
        var low: Double
        var lowClosed: Bool
        var high: Double
        var highClosed: Bool

        var isEmpty: Bool { low > high || (low == high && !(lowClosed && highClosed)) }
    }

    private(set) var ranges: [Range]
    let integer: Bool

    init(_ ranges: [Range], integer: Bool) {
        self.integer = integer
        self.ranges = NumberRanges.normalised(ranges, integer: integer)
    }

    var isEmpty: Bool { ranges.isEmpty }

    func intersection(_ other: NumberRanges) -> NumberRanges {
        var result: [Range] = []
        for a in ranges {
            for b in other.ranges {
                var r = a
                if b.low > r.low || (b.low == r.low && !b.lowClosed) { r.low = b.low; r.lowClosed = b.lowClosed }
                if b.high < r.high || (b.high == r.high && !b.highClosed) { r.high = b.high; r.highClosed = b.highClosed }
                if !r.isEmpty { result.append(r) }
            }
        }
        return NumberRanges(result, integer: integer)
    }

    func union(_ other: NumberRanges) -> NumberRanges { NumberRanges(ranges + other.ranges, integer: integer) }

    /// The numbers of `domain` not in this set.
    func complement(within domain: NumberRanges) -> NumberRanges {
        var gaps: [Range] = []
        var low = -Double.infinity, lowClosed = false
        for r in ranges {
            gaps.append(Range(low: low, lowClosed: lowClosed, high: r.low, highClosed: !r.lowClosed))
            low = r.high
            lowClosed = !r.highClosed
        }
        gaps.append(Range(low: low, lowClosed: lowClosed, high: .infinity, highClosed: false))
        return NumberRanges(gaps, integer: integer).intersection(domain)
    }

    /// One number of the set, chosen near an end so that it reads as the boundary case
    /// (`age < 40` gives 39).
    var example: Double? {
        guard let r = ranges.first else { return nil }
        if r.high.isFinite {
            if r.highClosed { return r.high }
            if r.low.isFinite { return (r.low + r.high) / 2 }
            return r.high - 1
        }
        if r.low.isFinite { return r.lowClosed ? r.low : r.low + 1 }
        return 0
    }

    private static func normalised(_ input: [Range], integer: Bool) -> [Range] {
        var list: [Range] = []
        for var r in input {
            if integer {
                if r.low.isFinite { r.low = r.lowClosed ? r.low.rounded(.up) : r.low.rounded(.down) + 1; r.lowClosed = true }
                if r.high.isFinite { r.high = r.highClosed ? r.high.rounded(.down) : r.high.rounded(.up) - 1; r.highClosed = true }
            }
            if !r.low.isFinite { r.lowClosed = false }
            if !r.high.isFinite { r.highClosed = false }
            if !r.isEmpty { list.append(r) }
        }
        list.sort { $0.low < $1.low || ($0.low == $1.low && $0.lowClosed && !$1.lowClosed) }
        var merged: [Range] = []
        for r in list {
            guard var last = merged.last else { merged.append(r); continue }
            let touches = r.low < last.high || (r.low == last.high && (last.highClosed || r.lowClosed))
                || (integer && r.low == last.high + 1)
            guard touches else { merged.append(r); continue }
            if r.high > last.high || (r.high == last.high && r.highClosed) {
                last.high = r.high
                last.highClosed = r.highClosed
            }
            merged[merged.count - 1] = last
        }
        return merged
    }
}

/// The values one attribute may take: ranges of numbers, yes and/or no, or some of a
/// category's values.
enum AttributeValues: Hashable, Sendable {
    case numbers(NumberRanges)
    case truth(Set<Bool>)
    case categories(Set<String>)

    var isEmpty: Bool {
        switch self {
        case .numbers(let n): n.isEmpty
        case .truth(let t): t.isEmpty
        case .categories(let c): c.isEmpty
        }
    }

    func intersection(_ other: AttributeValues) -> AttributeValues {
        switch (self, other) {
        case (.numbers(let a), .numbers(let b)): .numbers(a.intersection(b))
        case (.truth(let a), .truth(let b)): .truth(a.intersection(b))
        case (.categories(let a), .categories(let b)): .categories(a.intersection(b))
        default: self
        }
    }

    func union(_ other: AttributeValues) -> AttributeValues {
        switch (self, other) {
        case (.numbers(let a), .numbers(let b)): .numbers(a.union(b))
        case (.truth(let a), .truth(let b)): .truth(a.union(b))
        case (.categories(let a), .categories(let b)): .categories(a.union(b))
        default: self
        }
    }

    func complement(within domain: AttributeValues) -> AttributeValues {
        switch (self, domain) {
        case (.numbers(let a), .numbers(let d)): .numbers(a.complement(within: d))
        case (.truth(let a), .truth(let d)): .truth(d.subtracting(a))
        case (.categories(let a), .categories(let d)): .categories(d.subtracting(a))
        default: self
        }
    }

    /// Whether every value of `self` is in `other`.
    func isSubset(of other: AttributeValues, within domain: AttributeValues) -> Bool {
        intersection(other.complement(within: domain)).isEmpty
    }
}

/// A group of patients described by their attributes: a union of "boxes", each box giving,
/// for some attributes, the values its patients have (an attribute a box leaves out may take
/// any value). Attributes vary independently, so a box is empty exactly when one of its
/// attributes has no values left, and a union is empty exactly when all its boxes are.
struct PatientSet: Hashable, Sendable {
    typealias Box = [String: AttributeValues]
    var boxes: [Box]

    static let everyone = PatientSet(boxes: [[:]])
    static let nobody = PatientSet(boxes: [])

    var isEmpty: Bool { boxes.isEmpty }
}

/// Set operations on `PatientSet`s for one pathway's attributes. Each operation gives `nil`
/// when the result would need more than `limit` boxes, so that a contrived condition costs a
/// bounded amount of work: callers then assume nothing.
struct PatientSetAlgebra: Sendable {
    /// Every value each analysable attribute can take, from its type and `min`/`max`.
    let domains: [String: AttributeValues]
    var limit = 64

    init(attributes: [Attribute]) {
        var domains: [String: AttributeValues] = [:]
        for attribute in attributes where domains[attribute.id] == nil {
            switch attribute.type {
            case .integer(_, let min, let max), .number(_, let min, let max):
                var integer = false
                if case .integer = attribute.type { integer = true }
                let low = min ?? -.infinity, high = max ?? .infinity
                // min above max has its own error; nothing sensible can be said about such an attribute.
                guard low <= high else { continue }
                let range = NumberRanges.Range(low: low, lowClosed: true, high: high, highClosed: true)
                domains[attribute.id] = .numbers(NumberRanges([range], integer: integer))
            case .boolean:
                domains[attribute.id] = .truth([true, false])
            case .category(let values):
                guard !values.isEmpty else { continue }
                domains[attribute.id] = .categories(Set(values.map(\.name)))
            }
        }
        self.domains = domains
    }

    /// The patients whose `attribute` takes one of `values`.
    func patients(_ attribute: String, _ values: AttributeValues) -> PatientSet {
        guard let domain = domains[attribute] else { return .everyone }
        let inside = values.intersection(domain)
        if inside.isEmpty { return .nobody }
        if domain.isSubset(of: inside, within: domain) { return .everyone }
        return PatientSet(boxes: [[attribute: inside]])
    }

    func intersection(_ a: PatientSet, _ b: PatientSet) -> PatientSet? {
        var boxes: [PatientSet.Box] = []
        for x in a.boxes {
            for y in b.boxes {
                guard let box = intersection(x, y) else { continue }
                boxes.append(box)
                if boxes.count > limit * 4 { return nil }
            }
        }
        return simplified(boxes)
    }

    func union(_ a: PatientSet, _ b: PatientSet) -> PatientSet? { simplified(a.boxes + b.boxes) }

    /// Everyone not in `a`: the intersection, over its boxes, of "some attribute of the box
    /// has a value outside it".
    func complement(_ a: PatientSet) -> PatientSet? {
        var result = PatientSet.everyone
        for box in a.boxes {
            var outside: [PatientSet.Box] = []
            for (attribute, values) in box.sorted(by: { $0.key < $1.key }) {
                guard let domain = domains[attribute] else { continue }
                let rest = values.complement(within: domain)
                if !rest.isEmpty { outside.append([attribute: rest]) }
            }
            guard let next = intersection(result, PatientSet(boxes: outside)) else { return nil }
            result = next
            if result.isEmpty { break }
        }
        return result
    }

    /// The patients in `a` and not in `b`.
    func subtracting(_ a: PatientSet, _ b: PatientSet) -> PatientSet? {
        guard let rest = complement(b) else { return nil }
        return intersection(a, rest)
    }

    /// Whether every patient of `a` is in `b`; `nil` when that could not be worked out.
    func isSubset(_ a: PatientSet, of b: PatientSet) -> Bool? { subtracting(a, b).map(\.isEmpty) }

    /// One patient of the set, as the values of the attributes that matter
    /// (`[("age", "40"), ("smoker", "no")]`), in attribute name order.
    func example(of set: PatientSet) -> [(attribute: String, value: String)]? {
        guard let box = set.boxes.first else { return nil }
        var result: [(String, String)] = []
        for (attribute, values) in box.sorted(by: { $0.key < $1.key }) {
            switch values {
            case .numbers(let n):
                guard let v = n.example else { return nil }
                result.append((attribute, NumberText.format3(v)))
            case .truth(let t):
                guard let v = t.sorted(by: { !$0 && $1 }).last else { return nil }
                result.append((attribute, v ? "yes" : "no"))
            case .categories(let c):
                guard let v = c.sorted().first else { return nil }
                result.append((attribute, v))
            }
        }
        return result
    }

    // MARK: - Boxes

    private func intersection(_ x: PatientSet.Box, _ y: PatientSet.Box) -> PatientSet.Box? {
        var box = x
        for (attribute, values) in y {
            if let mine = box[attribute] {
                let both = mine.intersection(values)
                if both.isEmpty { return nil }
                box[attribute] = both
            } else {
                box[attribute] = values
            }
        }
        return box
    }

    private func contains(_ outer: PatientSet.Box, _ inner: PatientSet.Box) -> Bool {
        for (attribute, values) in outer {
            guard let domain = domains[attribute] else { return false }
            guard let narrower = inner[attribute] else { return false }
            if !narrower.isSubset(of: values, within: domain) { return false }
        }
        return true
    }

    /// Drops boxes inside other boxes and merges boxes that differ in one attribute only, so
    /// that `age < 40` with `age >= 40` becomes everyone.
    private func simplified(_ input: [PatientSet.Box]) -> PatientSet? {
        var boxes = input.filter { box in !box.values.contains(where: \.isEmpty) }
        var changed = true
        var rounds = 0
        while changed {
            changed = false
            rounds += 1
            if rounds > 64 { break }
            // Merge pairs with the same attributes and equal values on all but one of them.
            var i = 0
            while i < boxes.count {
                var j = i + 1
                while j < boxes.count {
                    if let merged = merge(boxes[i], boxes[j]) {
                        if merged.isEmpty { return .everyone }
                        boxes[i] = merged
                        boxes.remove(at: j)
                        changed = true
                    } else {
                        j += 1
                    }
                }
                i += 1
            }
            // Drop boxes inside another.
            var kept: [PatientSet.Box] = []
            for (k, box) in boxes.enumerated() {
                let inside = boxes.enumerated().contains { other in
                    other.offset != k && contains(other.element, box)
                        && (!contains(box, other.element) || other.offset < k)
                }
                if inside { changed = true } else { kept.append(box) }
            }
            boxes = kept
            if boxes.contains(where: \.isEmpty) { return .everyone }
        }
        if boxes.count > limit { return nil }
        return PatientSet(boxes: boxes)
    }

    /// The union of two boxes when it is itself a box, with attributes that cover their whole
    /// domain dropped.
    private func merge(_ a: PatientSet.Box, _ b: PatientSet.Box) -> PatientSet.Box? {
        guard a.count == b.count, Set(a.keys) == Set(b.keys) else { return nil }
        var differing: String?
        for (attribute, values) in a where b[attribute] != values {
            if differing != nil { return nil }
            differing = attribute
        }
        guard let attribute = differing, let x = a[attribute], let y = b[attribute],
              let domain = domains[attribute] else { return differing == nil ? a : nil }
        var box = a
        let both = x.union(y)
        if domain.isSubset(of: both, within: domain) { box[attribute] = nil } else { box[attribute] = both }
        return box
    }
}
