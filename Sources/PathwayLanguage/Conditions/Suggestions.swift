/// The candidate a misspelt name most probably meant, for "did you mean ...?" messages.
///
/// Compares case-insensitively by optimal string alignment distance (Damerau–Levenshtein where
/// a transposed pair of neighbouring letters counts as one edit, so `clinc` → `clinic` and
/// `cilnic` → `clinic` are both one or two edits). A candidate qualifies when it is within
/// `max(2, word length / 3)` edits and the edits do not rewrite the whole word (so `ab` does
/// not suggest `xy`). Of qualifying candidates the nearest wins; ties go to the one listed first,
/// so callers get deterministic output by passing candidates in file order.
///
/// Returns `nil` for an empty word, when nothing is close enough, or for words longer than
/// 256 characters (the comparison is quadratic and nobody misspells an essay).
func closestMatch(to word: String, in candidates: [String]) -> String? {
    let query = Array(word.lowercased())
    guard !query.isEmpty, query.count <= 256 else { return nil }
    let threshold = max(2, query.count / 3)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let other = Array(candidate.lowercased())
        guard !other.isEmpty, other.count <= 256, abs(other.count - query.count) <= threshold else { continue }
        let distance = optimalStringAlignmentDistance(query, other)
        guard distance <= threshold, distance < max(query.count, other.count) else { continue }
        if let current = best, current.distance <= distance { continue }
        best = (candidate, distance)
    }
    return best?.candidate
}

/// The number of single-character edits (insert, delete, substitute, or swap two neighbouring
/// characters) that turn `a` into `b`: the optimal string alignment distance. Case-sensitive;
/// compares user-perceived characters, so `é` counts as one character however it is encoded.
func editDistance(_ a: String, _ b: String) -> Int {
    optimalStringAlignmentDistance(Array(a), Array(b))
}

/// Optimal string alignment distance over arrays, keeping three rows rather than a full matrix.
func optimalStringAlignmentDistance<Element: Equatable>(_ a: [Element], _ b: [Element]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previousPrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                value = min(value, previousPrevious[j - 2] + 1)
            }
            current[j] = value
        }
        swap(&previousPrevious, &previous)
        swap(&previous, &current)
    }
    return previous[b.count]
}
