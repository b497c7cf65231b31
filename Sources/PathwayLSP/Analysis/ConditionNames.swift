/// Finds the attribute names in a branch condition (`age >= 40 and smoker`), skipping words
/// that are values (after `==`/`!=`, or inside `in [...]`), the condition's own words and
/// quoted text.
enum ConditionNames {
    static let words: Set<String> = ["and", "or", "not", "in", "true", "false"]

    /// Each attribute name with its UTF-16 offset and length in `text`.
    static func attributes(in text: String, known: Set<String>) -> [(String, Int, Int)] {
        let units = Array(text.utf16)
        var out: [(String, Int, Int)] = []
        var i = 0
        var afterEquality = false
        var listDepth = 0
        func isStart(_ c: UInt16) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F }
        func isPart(_ c: UInt16) -> Bool { isStart(c) || (c >= 0x30 && c <= 0x39) || c == 0x2D }
        while i < units.count {
            let c = units[i]
            if c == 0x22 || c == 0x27 {  // quoted text is a value
                var j = i + 1
                while j < units.count, units[j] != c { j += 1 }
                i = j + 1
                afterEquality = false
                continue
            }
            if c == 0x5B { listDepth += 1; i += 1; continue }
            if c == 0x5D { listDepth = max(0, listDepth - 1); i += 1; continue }
            if c == 0x3D || c == 0x21 || c == 0x3C || c == 0x3E {  // = ! < >
                var j = i
                while j < units.count, [0x3D, 0x21, 0x3C, 0x3E].contains(units[j]) { j += 1 }
                let op = String(decoding: units[i..<j], as: UTF16.self)
                afterEquality = op == "==" || op == "!="
                i = j
                continue
            }
            if (c >= 0x30 && c <= 0x39) {  // a number, perhaps with a unit (`2 weeks`, `2000 ng/L`)
                while i < units.count, isPart(units[i]) || units[i] == 0x2E { i += 1 }
                afterEquality = false
                continue
            }
            if isStart(c) {
                var j = i + 1
                while j < units.count, isPart(units[j]) { j += 1 }
                let word = String(decoding: units[i..<j], as: UTF16.self)
                if !words.contains(word), !afterEquality, listDepth == 0, known.contains(word) {
                    out.append((word, i, j - i))
                }
                if word != "not" { afterEquality = false }
                i = j
                continue
            }
            i += 1
        }
        return out
    }
}
