import PathwayModel

/// How a standard step was paired with a variant step.
public enum MatchMethod: String, Hashable, Sendable, Codable {
    /// The same id.
    case id
    /// The same clinical code (system and code), unique on both sides.
    case code
    /// Similar titles (and, helping, similar neighbours).
    case title
    /// Different titles but the same place in the graph: matched neighbours before and after.
    case neighbourhood
}

/// A standard step and the variant step taken to be the same step.
public struct StepMatch: Hashable, Sendable, Codable {
    public var standardID: String
    public var variantID: String
    public var method: MatchMethod

    public init(standardID: String, variantID: String, method: MatchMethod) {
        self.standardID = standardID
        self.variantID = variantID
        self.method = method
    }

    /// JSON keys in the same style as a change's (`standardId`, `variantId`).
    enum CodingKeys: String, CodingKey {
        case standardID = "standardId", variantID = "variantId", method
    }
}

/// Pairs the steps of a standard with those of a variant: by id, then by clinical code, then
/// by title similarity and graph neighbourhood, in rounds, so that each round's matches give
/// the next round neighbours to compare.
///
/// The pairing is symmetric (swapping the pathways swaps the pairs): every score is symmetric
/// and ties are broken on the pair of ids in sorted order, never on which side came first.
public enum StepMatcher {
    /// Smallest combined score for a title or neighbourhood match.
    static let threshold = 0.5

    /// The matched pairs, in the standard's step order.
    public static func match(_ standard: Pathway, _ variant: Pathway) -> [StepMatch] {
        match(DiffFacts(standard), DiffFacts(variant))
    }

    static func match(_ standardFacts: DiffFacts, _ variantFacts: DiffFacts) -> [StepMatch] {
        let standard = standardFacts.pathway, variant = variantFacts.pathway
        var side = MatchState(standardFacts, variantFacts)
        // 1. Same id.
        for (i, step) in standard.steps.enumerated() {
            if let j = side.bIndex[step.id], side.bToA[j] == nil, side.aToB[i] == nil { side.pair(i, j, .id) }
        }
        // 2. Same clinical code, when the code is unique among the unmatched steps on both sides.
        var codesA: [String: [Int]] = [:], codesB: [String: [Int]] = [:]
        for (i, s) in standard.steps.enumerated() where side.aToB[i] == nil { if let c = s.code { codesA["\(c.system)|\(c.code)", default: []].append(i) } }
        for (j, s) in variant.steps.enumerated() where side.bToA[j] == nil { if let c = s.code { codesB["\(c.system)|\(c.code)", default: []].append(j) } }
        for (code, list) in codesA where list.count == 1 {
            if let other = codesB[code], other.count == 1 { side.pair(list[0], other[0], .code) }
        }
        // 3. Title and neighbourhood, in rounds.
        for _ in 0..<6 {
            if !side.similarityRound() { break }
        }
        var result: [StepMatch] = []
        for (i, j) in side.aToB.enumerated() {
            if let j, let method = side.method[i] {
                result.append(StepMatch(standardID: standard.steps[i].id, variantID: variant.steps[j].id, method: method))
            }
        }
        return result
    }

    /// Similarity of two titles, 0...1: the Dice coefficient of their letter pairs (after
    /// lower-casing and dropping punctuation), which forgives word order and small edits.
    public static func titleSimilarity(_ a: String, _ b: String) -> Double {
        titleSimilarity(Title(a), Title(b))
    }

    /// A title with its letter pairs worked out once (the matcher compares each with many).
    struct Title {
        var isEmpty: Bool
        var normalised: [Character]
        var bigrams: [UInt32]
        init(_ s: String) {
            isEmpty = s.isEmpty
            normalised = StepMatcher.normalised(s)
            bigrams = StepMatcher.bigrams(s)
        }
    }

    static func titleSimilarity(_ a: Title, _ b: Title) -> Double {
        let x = a.bigrams, y = b.bigrams
        if x.isEmpty && y.isEmpty { return a.isEmpty && b.isEmpty ? 0 : (a.normalised == b.normalised ? 1 : 0) }
        var counts: [UInt32: Int] = [:]
        for g in x { counts[g, default: 0] += 1 }
        var common = 0
        for g in y { if let c = counts[g], c > 0 { counts[g] = c - 1; common += 1 } }
        return 2 * Double(common) / Double(x.count + y.count)
    }

    static func normalised(_ s: String) -> [Character] {
        var out: [Character] = []
        var lastSpace = true
        for ch in s.lowercased() {
            if ch.isLetter || ch.isNumber { out.append(ch); lastSpace = false } else if !lastSpace { out.append(" "); lastSpace = true }
        }
        while out.last == " " { out.removeLast() }
        return out
    }

    static func bigrams(_ s: String) -> [UInt32] {
        let chars = normalised(s).map { $0.unicodeScalars.first.map { $0.value } ?? 0 }
        guard chars.count >= 2 else { return [] }
        var result: [UInt32] = []
        result.reserveCapacity(chars.count - 1)
        for k in 0..<(chars.count - 1) { result.append(chars[k] &* 65_599 &+ chars[k + 1]) }
        return result
    }

    static func words(_ s: String) -> [String] {
        String(normalised(s)).split(separator: " ").map(String.init).filter { $0.count >= 3 }
    }
}

/// The matching in progress.
private struct MatchState {
    let a: Pathway, b: Pathway
    let bIndex: [String: Int]
    var aToB: [Int?], bToA: [Int?]
    var method: [MatchMethod?]
    let aNeighbours: [[Int]], bNeighbours: [[Int]]
    let aLabel: [String], bLabel: [String]
    let aTitle: [StepMatcher.Title], bTitle: [StepMatcher.Title]
    let aWords: [[String]], bWords: [[String]]

    init(_ a: DiffFacts, _ b: DiffFacts) {
        self.a = a.pathway
        self.b = b.pathway
        bIndex = b.index
        aToB = Array(repeating: nil, count: a.pathway.steps.count)
        bToA = Array(repeating: nil, count: b.pathway.steps.count)
        method = Array(repeating: nil, count: a.pathway.steps.count)
        aNeighbours = a.neighbours
        bNeighbours = b.neighbours
        aLabel = a.labels
        bLabel = b.labels
        aTitle = aLabel.map(StepMatcher.Title.init)
        bTitle = bLabel.map(StepMatcher.Title.init)
        aWords = aLabel.map { Array(Set(StepMatcher.words($0))).sorted() }
        bWords = bLabel.map { Array(Set(StepMatcher.words($0))).sorted() }
    }

    /// A title word shared by at most this many pairs of unmatched steps makes every one of them
    /// a candidate; past it only pairs at about the same place among the steps sharing it do,
    /// within `window` ranks.
    static let pairsPerWord = 4096
    static let window = 8

    mutating func pair(_ i: Int, _ j: Int, _ how: MatchMethod) {
        aToB[i] = j
        bToA[j] = i
        method[i] = how
    }

    /// The share of neighbours already matched to each other, 0...1.
    func neighbourSimilarity(_ i: Int, _ j: Int) -> Double {
        let na = aNeighbours[i], nb = bNeighbours[j]
        guard !na.isEmpty || !nb.isEmpty else { return 0 }
        let nbSet = Set(nb)
        var common = 0
        for x in Set(na) { if let y = aToB[x], nbSet.contains(y) { common += 1 } }
        return Double(common) / Double(max(Set(na).count, nbSet.count))
    }

    /// One round of title/neighbourhood matching; whether it matched anything.
    mutating func similarityRound() -> Bool {
        let unmatchedA = aToB.indices.filter { aToB[$0] == nil }
        let unmatchedB = bToA.indices.filter { bToA[$0] == nil }
        guard !unmatchedA.isEmpty, !unmatchedB.isEmpty else { return false }
        // Candidates: pairs sharing a title word, or neighbours of matched neighbours.
        var wordsA: [String: [Int]] = [:], wordsB: [String: [Int]] = [:]
        for i in unmatchedA { for w in aWords[i] { wordsA[w, default: []].append(i) } }
        for j in unmatchedB { for w in bWords[j] { wordsB[w, default: []].append(j) } }
        var seenFor: [Int: Set<Int>] = [:]
        for (w, listA) in wordsA {
            guard let listB = wordsB[w] else { continue }
            let na = listA.count, nb = listB.count
            if na * nb <= MatchState.pairsPerWord {
                for i in listA { seenFor[i, default: []].formUnion(listB) }
                continue
            }
            // A word that many steps share (identical titles): pair each step only with those at
            // about the same place among them (ranks within `window` of each other, scaled to the
            // longer list), so the candidates stay near-linear. The rule is the same both ways round.
            let reach = MatchState.window * max(na, nb)
            for (ra, i) in listA.enumerated() {
                let low = max(0, (ra * nb - reach + na - 1) / na), high = min(nb - 1, (ra * nb + reach) / na)
                guard low <= high else { continue }
                for rb in low...high where abs(ra * nb - rb * na) <= reach { seenFor[i, default: []].insert(listB[rb]) }
            }
        }
        var candidates: [(score: Double, i: Int, j: Int, how: MatchMethod, key: String)] = []
        for i in unmatchedA {
            var seen = seenFor[i] ?? []
            for x in aNeighbours[i] { if let y = aToB[x] { for j in bNeighbours[y] where bToA[j] == nil { seen.insert(j) } } }
            for j in seen {
                let sa = a.steps[i], sb = b.steps[j]
                let title = StepMatcher.titleSimilarity(aTitle[i], bTitle[j])
                let near = neighbourSimilarity(i, j)
                var score = 0.65 * title + 0.35 * near
                if sa.kind != sb.kind { score = title >= 0.9 ? score * 0.8 : 0 }
                let how: MatchMethod
                if title >= 0.35 { how = .title } else if near >= 0.99, aNeighbours[i].count >= 2 || sa.kind == sb.kind {
                    how = .neighbourhood
                    score = max(score, 0.5 + 0.1 * near)
                } else { continue }
                guard score >= StepMatcher.threshold else { continue }
                let ids = [sa.id, sb.id].sorted()
                candidates.append((score, i, j, how, ids[0] + "\u{0}" + ids[1]))
            }
        }
        candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.key < $1.key }
        var matched = false
        for c in candidates where aToB[c.i] == nil && bToA[c.j] == nil {
            pair(c.i, c.j, c.how)
            matched = true
        }
        return matched
    }
}
