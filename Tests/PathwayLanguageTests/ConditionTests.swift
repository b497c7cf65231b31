import Testing
import PathwayModel
@testable import PathwayLanguage

// MARK: - Fixtures

private let here = SourceLocation(file: "lung.yaml", line: 42, column: 17)

private let attributes: [Attribute] = [
    Attribute(id: "age", type: .integer(.normal(mean: 71, sd: 9), min: 18, max: 100), unit: "years",
              location: SourceLocation(file: "lung.yaml", line: 10, column: 3)),
    Attribute(id: "smoker", type: .boolean(probability: 0.45)),
    Attribute(id: "ntprobnp", type: .number(.lognormal(mean: 900, sd: 1200), min: nil, max: nil), unit: "ng/L"),
    Attribute(id: "fit", type: .number(.exponential(mean: 20), min: 0, max: nil), unit: "µg/g"),
    Attribute(id: "risk", type: .category([
        CategoryValue(name: "low", probability: 0.5), CategoryValue(name: "high", probability: 0.3),
        CategoryValue(name: "very-high", probability: 0.2),
    ]), location: SourceLocation(file: "lung.yaml", line: 14, column: 3)),
    Attribute(id: "prior-risk", type: .category([
        CategoryValue(name: "low", probability: 0.7), CategoryValue(name: "high", probability: 0.3),
    ])),
    Attribute(id: "stage", type: .category([
        CategoryValue(name: "early", probability: 0.6), CategoryValue(name: "late", probability: 0.4),
    ])),
    Attribute(id: "symptom-days", type: .number(.exponential(mean: 20), min: 0, max: nil), unit: "days"),
    Attribute(id: "bmi", type: .number(.normal(mean: 27, sd: 5), min: nil, max: nil)),
]

private func parse(_ text: String, limits: LanguageLimits = LanguageLimits()) -> (condition: Condition?, diagnostics: [Diagnostic]) {
    ConditionParser.parse(text, at: here, limits: limits)
}

/// The expression fully bracketed, so precedence is visible: `((a and b) or c)`.
private func render(_ e: Expression) -> String {
    switch e {
    case .attribute(let name, _): return name
    case .number(let value, let unit, _): return NumberText.format3(value) + (unit.map { " \($0)" } ?? "")
    case .text(let text, _): return "\"\(text)\""
    case .boolean(let value, _): return String(value)
    case .not(let operand, _): return "(not \(render(operand)))"
    case .logical(let op, let l, let r): return "(\(render(l)) \(op.rawValue) \(render(r)))"
    case .comparison(let op, let l, let r): return "(\(render(l)) \(op.rawValue) \(render(r)))"
    case .membership(let l, let items, let negated):
        return "(\(render(l)) \(negated ? "not in" : "in") [\(items.map(render).joined(separator: ", "))])"
    }
}

private func tree(_ text: String) -> String? {
    parse(text).condition.map { render($0.expression) }
}

private func syntaxCodes(_ text: String, limits: LanguageLimits = LanguageLimits()) -> [String] {
    parse(text, limits: limits).diagnostics.map(\.code)
}

private func check(_ text: String, _ attrs: [Attribute] = attributes) -> [Diagnostic] {
    let (condition, diagnostics) = parse(text)
    guard let condition else {
        Issue.record("'\(text)' did not parse: \(diagnostics.map(\.message))")
        return diagnostics
    }
    return ConditionChecker.check(condition, attributes: attrs)
}

private func checkCodes(_ text: String, _ attrs: [Attribute] = attributes) -> [String] {
    check(text, attrs).map(\.code)
}

// MARK: - Parsing

@Test func comparisonParsesIntoATree() throws {
    let condition = try #require(parse("age >= 40").condition)
    #expect(condition.expression == .comparison(.greaterOrEqual, .attribute("age", offset: 0),
                                                .number(40, unit: nil, offset: 7)))
    #expect(condition.text == "age >= 40")
    #expect(condition.location == here)
}

@Test(arguments: [
    ("a or b and c", "(a or (b and c))"),
    ("a and b or c", "((a and b) or c)"),
    ("a and b or c and d", "((a and b) or (c and d))"),
    ("a or b or c", "((a or b) or c)"),
    ("a and b and c", "((a and b) and c)"),
    ("not a and b", "((not a) and b)"),
    ("not a or not b", "((not a) or (not b))"),
    ("not not a", "(not (not a))"),
    ("not age > 40", "(not (age > 40))"),
    ("not risk in [high]", "(not (risk in [high]))"),
    ("(a or b) and c", "((a or b) and c)"),
    ("a and (b or (c and not d))", "(a and (b or (c and (not d))))"),
    ("age >= 40 and smoker", "((age >= 40) and smoker)"),
    ("age > 40 or risk == high and smoker", "((age > 40) or ((risk == high) and smoker))"),
    ("((age < 18))", "(age < 18)"),
    ("smoker == true", "(smoker == true)"),
    ("smoker != FALSE", "(smoker != false)"),
])
func precedenceIsOrThenAndThenNotThenComparison(_ text: String, _ expected: String) {
    #expect(tree(text) == expected)
}

@Test func keywordsAreCaseInsensitiveButNamesAreKeptAsWritten() {
    #expect(tree("Age >= 40 AND Smoker OR NOT Frail") == "(((Age >= 40) and Smoker) or (not Frail))")
    #expect(tree("risk IN [High] and x Not In [a]") == "((risk in [High]) and (x not in [a]))")
    #expect(tree("TRUE") == "true")
}

@Test(arguments: [
    ("ntprobnp > 2000 ng/L", "(ntprobnp > 2000 ng/L)"),
    ("fit >= 10 ug/g", "(fit >= 10 ug/g)"),
    ("fit >= 10 µg/g", "(fit >= 10 µg/g)"),
    ("symptom-days > 14 days", "(symptom-days > 14 days)"),
    ("age >= 40 years", "(age >= 40 years)"),
    ("age >= 40years", "(age >= 40 years)"),
    ("sats < 92%", "(sats < 92 %)"),
    ("sats < 92 %", "(sats < 92 %)"),
    ("egfr < 30 mL/min/1.73m2", "(egfr < 30 mL/min/1.73m2)"),
    ("glucose > 7.8 mmol/L", "(glucose > 7.8 mmol/L)"),
    ("base-excess < -2", "(base-excess < -2)"),
    ("x == 0.5", "(x == 0.5)"),
])
func numbersCarryTheirUnits(_ text: String, _ expected: String) {
    #expect(tree(text) == expected)
}

@Test func aKeywordAfterANumberIsNotAUnit() {
    #expect(tree("age > 40 and smoker") == "((age > 40) and smoker)")
    #expect(tree("age > 40 or smoker") == "((age > 40) or smoker)")
    #expect(tree("age > 40 AND smoker") == "((age > 40) and smoker)")
    #expect(tree("x in [1 day, 2 days]") == "(x in [1 day, 2 days])")
}

@Test func kebabCaseNamesAreOneIdentifier() {
    #expect(tree("risk in [high, very-high]") == "(risk in [high, very-high])")
    #expect(tree("a-b") == "a-b")
    #expect(tree("ex-smoker and not x_y-2") == "(ex-smoker and (not x_y-2))")
    #expect(tree("risk == very-high") == "(risk == very-high)")
}

@Test func quotedTextUsesEitherQuoteAndEscapes() {
    #expect(tree("risk == \"very-high\"") == "(risk == \"very-high\")")
    #expect(tree("risk == 'high'") == "(risk == \"high\")")
    #expect(tree(#"name == "say \"hi\"""#) == #"(name == "say "hi"")"#)
    #expect(tree("risk in ['a b', \"c\"]") == "(risk in [\"a b\", \"c\"])")
    #expect(tree("x == \"\"") == "(x == \"\")")
}

@Test func notInIsANegatedMembership() throws {
    let condition = try #require(parse("risk not in [low, high]").condition)
    guard case .membership(let left, let items, let negated) = condition.expression else {
        Issue.record("expected membership, got \(condition.expression)")
        return
    }
    #expect(left == .attribute("risk", offset: 0))
    #expect(items == [.attribute("low", offset: 13), .attribute("high", offset: 18)])
    #expect(negated)
}

@Test func listsMayBeEmptyOrEndWithAComma() {
    #expect(tree("risk in []") == "(risk in [])")
    #expect(tree("risk in [low, high,]") == "(risk in [low, high])")
    #expect(tree("x in [1, \"a\", true, b]") == "(x in [1, \"a\", true, b])")
}

@Test func offsetsCountUnicodeScalarsFromTheStartOfTheText() throws {
    let condition = try #require(parse("  age >= 40 and not smoker").condition)
    guard case .logical(.and, let comparison, let negation) = condition.expression,
          case .comparison(_, let age, let forty) = comparison,
          case .not(let smoker, let notOffset) = negation else {
        Issue.record("unexpected tree \(render(condition.expression))")
        return
    }
    #expect(age.offset == 2)
    #expect(forty.offset == 9)
    #expect(notOffset == 16)
    #expect(smoker.offset == 20)
    #expect(condition.expression.offset == 2)
    #expect(condition.expression.attributeNames == ["age", "smoker"])
    // µ is one scalar, so the number after it keeps its column.
    let micro = try #require(parse("fit >= 10 µg/g and x").condition)
    guard case .logical(_, _, let x) = micro.expression else { return }
    #expect(x.offset == 19)
}

@Test func whitespaceIncludingNewlinesAndTabsIsIgnored() {
    #expect(tree("age\t>=\n40\nand  smoker") == "((age >= 40) and smoker)")
}

// MARK: - Syntax diagnostics

@Test(arguments: ["", "   ", "\n\t "])
func emptyConditionIsCP020(_ text: String) {
    #expect(syntaxCodes(text) == ["CP020"])
}

@Test func unknownCharacterIsCP021AtItsColumn() throws {
    let (condition, diagnostics) = parse("age @ 40")
    #expect(condition == nil)
    let d = try #require(diagnostics.first)
    #expect(d.code == "CP021")
    #expect(d.severity == .error)
    #expect(d.location == here.advanced(byColumns: 4))
    #expect(d.message.contains("'@'"))
}

@Test func invisibleAndCurlyCharactersAreNamed() {
    let zeroWidth = parse("age\u{200B} > 40").diagnostics
    #expect(zeroWidth.map(\.code) == ["CP021"])
    #expect(zeroWidth.first?.message.contains("U+200B") == true)
    let curly = parse("risk == \u{201C}high\u{201D}").diagnostics
    #expect(curly.map(\.code) == ["CP021", "CP021"])
    #expect(curly.first?.help?.contains("straight quotes") == true)
}

@Test func unterminatedTextIsCP022AtTheOpeningQuote() throws {
    for text in ["risk == \"high", "risk == 'high", "'", "x == \"a\\\""] {
        let d = try #require(parse(text).diagnostics.first, "\(text)")
        #expect(d.code == "CP022", "\(text)")
        let quoteOffset = text.unicodeScalars.firstIndex { $0 == "\"" || $0 == "'" }
            .map { text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: $0) } ?? -1
        #expect(d.location == here.advanced(byColumns: quoteOffset), "\(text)")
    }
}

@Test(arguments: [
    ("age > 40 && smoker", "and", 9),
    ("a || b", "or", 2),
    ("a & b", "and", 2),
    ("a | b", "or", 2),
    ("risk = high", "==", 5),
    ("!smoker", "not", 0),
    ("risk <> low", "!=", 5),
    ("age => 40", ">=", 4),
    ("age =< 40", "<=", 4),
    ("age \u{2265} 40", ">=", 4),
    ("age \u{2264} 40", "<=", 4),
    ("risk \u{2260} low", "!=", 5),
])
func cStyleOperatorsAreCP023WithTheWordToUse(_ text: String, _ meant: String, _ column: Int) throws {
    let diagnostics = parse(text).diagnostics
    let d = try #require(diagnostics.first)
    #expect(d.code == "CP023")
    #expect(d.suggestion == meant)
    #expect(d.message.contains("'\(meant)'"))
    #expect(d.location == here.advanced(byColumns: column))
}

@Test func everyLexicalMistakeIsReportedNotJustTheFirst() {
    let codes = syntaxCodes("a && b || c = d")
    #expect(codes == ["CP023", "CP023", "CP023"])
}

@Test func lexicalErrorsAreCapped() {
    let codes = syntaxCodes(String(repeating: "@", count: 500))
    #expect(codes.count == 10)
}

@Test(arguments: [
    ("age >=", 6, "ends after '>='"),
    (">= 40", 0, "nothing is being compared"),
    ("and smoker", 0, "expected a condition"),
    ("smoker and", 10, "ends where a value"),
    ("smoker or or x", 10, "expected a condition"),
    ("risk in high", 8, "square brackets"),
    ("[low, high]", 0, "can only follow 'in'"),
    ("risk in [low, (high)]", 14, "cannot be in a list"),
    ("risk in [low high]", 13, "expected ','"),
    ("age > ()", 7, "expected a value"),
    ("()", 1, "expected a value"),
    ("x == ,", 5, "expected a value after '=='"),
])
func missingOrMisplacedValuesAreCP024(_ text: String, _ column: Int, _ fragment: String) throws {
    let d = try #require(parse(text).diagnostics.first)
    #expect(d.code == "CP024")
    #expect(d.location == here.advanced(byColumns: column))
    #expect(d.message.contains(fragment), "\(d.message)")
}

@Test(arguments: [
    ("(age > 40 and smoker", 0, "never closed"),
    ("age > 40)", 8, "no matching '('"),
    ("risk in [low, high", 8, "never closed"),
    ("risk in [low,", 8, "never closed"),
    ("smoker]", 6, "no matching '['"),
    ("(smoker]", 7, "brackets must match"),
])
func unbalancedBracketsAreCP025(_ text: String, _ column: Int, _ fragment: String) throws {
    let d = try #require(parse(text).diagnostics.first)
    #expect(d.code == "CP025")
    #expect(d.location == here.advanced(byColumns: column))
    #expect(d.message.contains(fragment), "\(d.message)")
}

@Test(arguments: [
    ("smoker ex-smoker", 7),
    ("age > 40 (smoker)", 9),
    ("smoker \"yes\"", 7),
    ("(smoker x)", 8),
    ("smoker not frail", 7),
    ("age > 40 3", 9),
])
func twoConditionsWithoutAJoiningWordAreCP026(_ text: String, _ column: Int) throws {
    let d = try #require(parse(text).diagnostics.first)
    #expect(d.code == "CP026")
    #expect(d.location == here.advanced(byColumns: column))
}

@Test(arguments: [
    ("18 <= age < 75", 10),
    ("a == b == c", 7),
    ("x == y in [a]", 7),
    ("x == y not in [a]", 7),
])
func chainedComparisonsAreCP027(_ text: String, _ column: Int) throws {
    let d = try #require(parse(text).diagnostics.first)
    #expect(d.code == "CP027")
    #expect(d.location == here.advanced(byColumns: column))
    #expect(d.help?.contains("and") == true)
}

@Test func overlongConditionIsCP028BeforeAnyParsing() {
    var limits = LanguageLimits()
    limits.maxExpressionLength = 20
    #expect(syntaxCodes("age >= 40 and smoker", limits: limits).isEmpty)
    #expect(syntaxCodes("age >= 40 and smoker ", limits: limits) == ["CP028"])
    let long = Array(repeating: "smoker", count: 400).joined(separator: " and ")
    #expect(syntaxCodes(long) == ["CP028"])
}

@Test func deepNestingIsCP029NotACrash() throws {
    var limits = LanguageLimits()
    limits.maxExpressionDepth = 3
    #expect(syntaxCodes("(((a)))", limits: limits).isEmpty)
    let d = try #require(parse("((((a))))", limits: limits).diagnostics.first)
    #expect(d.code == "CP029")
    #expect(d.location == here.advanced(byColumns: 3))
    #expect(syntaxCodes("not not not not a", limits: limits) == ["CP029"])
    #expect(syntaxCodes("not (not a)", limits: limits).isEmpty)
    #expect(syntaxCodes("not (not (a))", limits: limits) == ["CP029"])

    // Default limits: 999 brackets fit in the length limit but exceed the depth limit.
    let deep = String(repeating: "(", count: 999) + "a" + String(repeating: ")", count: 999)
    #expect(syntaxCodes(deep) == ["CP029"])
    #expect(syntaxCodes(String(repeating: "not ", count: 499) + "a") == ["CP029"])
}

@Test func raisingTheLimitsCannotBuildATreeDeepEnoughToOverflowTheStack() throws {
    var limits = LanguageLimits()
    limits.maxExpressionDepth = 100_000
    limits.maxExpressionLength = 200_000
    let cap = ConditionParser.hardDepthLimit
    let fits = String(repeating: "(", count: cap) + "a" + String(repeating: ")", count: cap)
    #expect(parse(fits, limits: limits).condition != nil)
    let deep = String(repeating: "(", count: 10_000) + "a" + String(repeating: ")", count: 10_000)
    #expect(syntaxCodes(deep, limits: limits) == ["CP029"])
    let nots = String(repeating: "not ", count: 10_000) + "a"
    #expect(syntaxCodes(nots, limits: limits) == ["CP029"])
    // A long and/or chain is a deep tree too, so it counts against the same cap.
    let chain = Array(repeating: "smoker", count: cap).joined(separator: " and ")
    let condition = try #require(parse(chain, limits: limits).condition)
    #expect(ConditionChecker.check(condition, attributes: attributes).isEmpty)
    let tooLong = Array(repeating: "smoker", count: 10_000).joined(separator: " or ")
    let d = try #require(parse(tooLong, limits: limits).diagnostics.first)
    #expect(d.code == "CP029")
    #expect(d.message.contains("'and'/'or'"))
}

// MARK: - Robustness

/// SplitMix64: a tiny deterministic generator so the fuzz cases are the same on every run.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private let fuzzPieces: [String] = [
    "age", "smoker", "risk", "high", "very-high", "ntprobnp", "and", "or", "not", "in", "true", "false",
    "==", "!=", "<", "<=", ">", ">=", "=", "!", "&&", "||", "(", ")", "[", "]", ",", "\"", "'", "\"high\"",
    "40", "2000 ng/L", "-3", "1.5", "14 days", "%", "µ", "/", "-", "_", " ", " ", " ", "\n", "\u{0}",
    "\u{200B}", "é", "😀", "\u{301}", "\u{FFFF}", ".", "\\", "≥", "“", "AND", "yes", "age-", "1e9",
]

@Test func randomTextNeverCrashesAndAlwaysGivesAConditionOrAnError() {
    var rng = SplitMix64(state: 20_261_125)
    for _ in 0..<3_000 {
        var text = ""
        let length = Int.random(in: 0...14, using: &rng)
        for _ in 0..<length {
            if Int.random(in: 0..<5, using: &rng) == 0 {
                // Any scalar at all, including unassigned and private-use ones.
                let value = UInt32.random(in: 0...0x10FFFF, using: &rng)
                if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
            } else {
                text += fuzzPieces.randomElement(using: &rng) ?? ""
            }
        }
        let (condition, diagnostics) = parse(text)
        if let condition {
            #expect(diagnostics.isEmpty, "\(text.debugDescription)")
            #expect(condition.text == text)
            // The checker and resolver must cope with any tree the parser builds.
            _ = ConditionChecker.check(condition, attributes: attributes)
            _ = ConditionChecker.resolve(condition, attributes: attributes)
        } else {
            #expect(diagnostics.hasErrors, "\(text.debugDescription)")
            for d in diagnostics {
                let column = d.location?.column ?? 0
                #expect(column >= here.column && column <= here.column + text.unicodeScalars.count,
                        "\(text.debugDescription): \(d.code) at \(column)")
            }
        }
    }
}

@Test func randomBytesDecodedLossilyNeverCrash() {
    var rng = SplitMix64(state: 7)
    for _ in 0..<1_000 {
        let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let text = String(decoding: bytes, as: UTF8.self)
        let (condition, diagnostics) = parse(text)
        #expect((condition != nil) != diagnostics.hasErrors)
    }
}

// MARK: - Type checking

@Test(arguments: [
    "age >= 40 and smoker",
    "age >= 40 years",
    "ntprobnp > 2000 ng/L",
    "ntprobnp > 2000 ng/l",
    "fit >= 10 ug/g",
    "fit >= 10 mcg/g",
    "fit >= 10 μg/g",
    "symptom-days > 2 weeks",
    "symptom-days <= 36 hours",
    "risk == high",
    "risk != \"very-high\"",
    "high == risk",
    "risk in [high, very-high]",
    "risk not in ['low']",
    "risk == prior-risk",
    "not smoker or smoker == false",
    "(age < 50 or age > 70) and not (risk == low)",
    "bmi > 30",
    "40 < age",
    "true or smoker",
    "age in [40, 50, 60]",
])
func wellTypedConditionsHaveNoDiagnostics(_ text: String) {
    let diagnostics = check(text)
    #expect(diagnostics.isEmpty, "\(diagnostics.map { "\($0.code) \($0.message)" })")
}

@Test func unknownAttributeIsCP320WithDidYouMean() throws {
    let d = try #require(check("age >= 40 and smokr").first)
    #expect(d.code == "CP320")
    #expect(d.suggestion == "smoker")
    #expect(d.message == "the condition reads 'smokr', which is not a declared attribute — did you mean 'smoker'?")
    #expect(d.location == here.advanced(byColumns: 14))
    #expect(check("Age > 3").first?.suggestion == "age")
    #expect(check("ntprobpn > 3 ng/L").first?.suggestion == "ntprobnp")
}

@Test func attributesThatCouldNotBeBuiltAreNotReportedAgain() throws {
    let condition = try #require(parse("frailty and smokr").condition)
    let diagnostics = ConditionChecker.check(condition, attributes: attributes, unreadable: ["frailty"])
    #expect(diagnostics.map(\.code) == ["CP320"])
    #expect(diagnostics.first?.suggestion == "smoker")
}

@Test func rangeIsNotCheckedWhenMinIsAboveMax() {
    let broken = [Attribute(id: "age", type: .integer(.fixed(50), min: 100, max: 18))]
    #expect(check("age >= 40", broken).isEmpty)
}

@Test func unknownAttributeHelpNamesTheCategoryItBelongsTo() throws {
    let d = try #require(check("very-high").first)
    #expect(d.code == "CP320")
    #expect(d.help == "'very-high' is a value of 'risk': write 'risk == very-high'")
    let none = try #require(check("frailty", []).first)
    #expect(none.help?.contains("declares no attributes") == true)
    #expect(check("yes").first?.help?.contains("true and false") == true)
}

@Test func comparingYesNoWithANumberIsCP321InClinicalWords() throws {
    let d = try #require(check("smoker == 40").first)
    #expect(d.code == "CP321")
    #expect(d.severity == .error)
    #expect(d.message == "the condition compares 'smoker' (yes/no) with the number 40")
    #expect(d.location == here.advanced(byColumns: 10))
    #expect(d.help == "'smoker' is yes/no: write 'smoker' or 'not smoker'")
}

@Test func otherTypeMismatchesAreCP321() {
    #expect(checkCodes("risk == 3") == ["CP321"])
    #expect(checkCodes("age == \"40\"") == ["CP321"])
    #expect(check("age == \"40\"").first?.help == "drop the quotes to compare 'age' with the number 40")
    #expect(checkCodes("smoker == risk") == ["CP321"])
    #expect(checkCodes("risk == stage") == ["CP321"])
    #expect(checkCodes("age == smoker") == ["CP321"])
    #expect(checkCodes("smoker in [1, 2]") == ["CP321", "CP321"])
    #expect(check("smoker in [1]").first?.message.contains("looks for 'smoker' (yes/no) in a list") == true)
    #expect(checkCodes("ntprobnp in [high]") == ["CP320"])
}

@Test func yesNoWordsAgainstABooleanSuggestTheRewrite() {
    #expect(check("smoker == yes").first?.suggestion == "smoker")
    #expect(check("smoker == \"no\"").first?.suggestion == "not smoker")
    #expect(check("smoker == \"no\"").first?.code == "CP321")
}

@Test func orderingYesNoOrCategoriesIsCP322() throws {
    let d = try #require(check("risk > low").first)
    #expect(d.code == "CP322")
    #expect(d.location == here)
    #expect(d.help == "compare with == or list the values that qualify: risk in [low, high, very-high]")
    #expect(checkCodes("smoker >= true") == ["CP322"])
    #expect(checkCodes("low < risk") == ["CP322"])
    #expect(checkCodes("\"a\" < \"b\"") == ["CP322"])
    #expect(check("smoker > false").first?.help == "'smoker' is yes/no: write 'smoker' or 'not smoker'")
}

@Test func unknownCategoryValueIsCP323WithDidYouMean() throws {
    let d = try #require(check("risk == hihg").first)
    #expect(d.code == "CP323")
    #expect(d.suggestion == "high")
    #expect(d.location == here.advanced(byColumns: 8))
    #expect(d.message == "'hihg' is not one of the values of 'risk' (low, high, very-high) — did you mean 'high'?")
    #expect(d.notes.first?.location == SourceLocation(file: "lung.yaml", line: 14, column: 3))
    let listed = check("risk in [\"low\", \"medium\", very_high]")
    #expect(listed.map(\.code) == ["CP323", "CP323"])
    #expect(listed.last?.suggestion == "very-high")
    #expect(listed.first?.help?.contains("add 'medium'") == true)
}

@Test func unitMismatchIsCP324() throws {
    let d = try #require(check("ntprobnp > 2000 mg/L").first)
    #expect(d.code == "CP324")
    #expect(d.message == "'ntprobnp' is in ng/L, but the condition gives a value in mg/L")
    #expect(d.location == here.advanced(byColumns: 11))
    #expect(checkCodes("age > 40 days") == ["CP324"])
    #expect(checkCodes("symptom-days > 2 years") == ["CP324"])
    #expect(checkCodes("40 ng/L < 3 days") == ["CP324", "CP327"])
}

@Test func aUnitThatIsAnAttributeNameMeansAMissingAnd() throws {
    let d = try #require(check("age > 40 smoker").first)
    #expect(d.code == "CP324")
    #expect(d.message.contains("is 'and' or 'or' missing?"))
}

@Test func conditionThatIsNotYesNoIsCP325() throws {
    let d = try #require(check("age").first)
    #expect(d.code == "CP325")
    #expect(d.message == "the condition is 'age' (a whole number in years), which is not yes/no, so it cannot decide a branch")
    #expect(d.help == "compare it with a number, e.g. 'age >= 71'")
    #expect(checkCodes("risk") == ["CP325"])
    #expect(checkCodes("age and smoker") == ["CP325"])
    #expect(check("age and smoker").first?.message.hasPrefix("the operand of 'and'") == true)
    #expect(checkCodes("not ntprobnp") == ["CP325"])
    #expect(checkCodes("40") == ["CP325"])
    let quoted = try #require(check("\"smoker\"").first)
    #expect(quoted.code == "CP325")
    #expect(quoted.suggestion == "smoker")
}

@Test func unitOnAnAttributeWithoutOneIsACP326Warning() throws {
    let d = try #require(check("bmi > 30 kg/m2").first)
    #expect(d.code == "CP326")
    #expect(d.severity == .warning)
    #expect(d.help == "add 'unit: kg/m2' to the attribute 'bmi', or drop the unit here")
}

@Test func conditionsThatCannotVaryAreCP327Warnings() throws {
    let never = try #require(check("age > 100").first)
    #expect(never.code == "CP327")
    #expect(never.severity == .warning)
    #expect(never.message == "'age' is always between 18 and 100, so 'age > 100 years' is never true")
    #expect(check("age >= 18").first?.message.hasSuffix("is always true") == true)
    #expect(check("120 years < age").first?.message.hasSuffix("is never true") == true)
    #expect(check("age == 40.5").first?.message.hasPrefix("'age' is a whole number") == true)
    #expect(checkCodes("fit < 0 ug/g") == ["CP327"])
    #expect(checkCodes("age < 1212 months") == ["CP327"])
    #expect(checkCodes("age < 1200 months").isEmpty)
    #expect(checkCodes("40 > 30") == ["CP327"])
    #expect(checkCodes("true == false") == ["CP327"])
    #expect(checkCodes("\"a\" == \"b\"") == ["CP327"])
    #expect(checkCodes("age > 99").isEmpty)
}

@Test func emptyListIsACP328Warning() throws {
    let d = try #require(check("risk in []").first)
    #expect(d.code == "CP328")
    #expect(d.severity == .warning)
    #expect(d.message.hasSuffix("never true"))
    #expect(check("risk not in []").first?.message.hasSuffix("always true") == true)
}

@Test func aValueThatIsAlsoAnAttributeNameIsACP329Warning() throws {
    let attrs = attributes + [Attribute(id: "high", type: .boolean(probability: 0.1))]
    let d = try #require(check("risk == high", attrs).first)
    #expect(d.code == "CP329")
    #expect(d.severity == .warning)
    #expect(d.suggestion == "\"high\"")
    #expect(check("risk == \"high\"", attrs).isEmpty)
    #expect(check("high and risk == low", attrs).isEmpty)
}

@Test func diagnosticsPointIntoTheConditionText() {
    let diagnostics = check("smoker and risk == hgh and agee > 3")
    #expect(diagnostics.map(\.code) == ["CP323", "CP320"])
    #expect(diagnostics.map { $0.location?.column } == [here.column + 19, here.column + 27])
}

@Test func everyConditionCodeHasAnExample() {
    var seen = Set<String>()
    var tight = LanguageLimits()
    tight.maxExpressionLength = 9
    tight.maxExpressionDepth = 1
    seen.formUnion(syntaxCodes("0123456789", limits: tight))
    seen.formUnion(syntaxCodes("((a))", limits: tight))
    for text in ["", "a @ b", "'a", "a && b", "a >=", "(a", "a b", "a < b < c", "age", "x",
                 "smoker == 1", "risk > low", "risk == x", "age > 3 days", "bmi > 3 kg", "age > 200",
                 "risk in []"] {
        let (condition, diagnostics) = parse(text)
        seen.formUnion(diagnostics.map(\.code))
        if let condition { seen.formUnion(ConditionChecker.check(condition, attributes: attributes).map(\.code)) }
    }
    seen.formUnion(check("risk == high", attributes + [Attribute(id: "high", type: .boolean(probability: 0.1))]).map(\.code))
    let expected = Set((20...29).map { "CP0\($0)" } + (320...329).map { "CP\($0)" })
    #expect(seen == expected, "missing \(expected.subtracting(seen).sorted())")
}

// MARK: - Resolving

@Test func resolvingTurnsBareCategoryValuesIntoText() throws {
    let condition = try #require(parse("risk in [high, very-high] and high == risk and prior-risk == risk").condition)
    let resolved = ConditionChecker.resolve(condition, attributes: attributes)
    #expect(render(resolved.expression)
        == "(((risk in [\"high\", \"very-high\"]) and (\"high\" == risk)) and (prior-risk == risk))")
    #expect(resolved.text == condition.text)
    #expect(resolved.location == condition.location)
}

@Test func resolvingConvertsNumbersToTheAttributesUnit() throws {
    let condition = try #require(parse("symptom-days > 2 weeks or 36 hours > symptom-days or age < 480 months").condition)
    let resolved = ConditionChecker.resolve(condition, attributes: attributes)
    #expect(render(resolved.expression)
        == "(((symptom-days > 14 days) or (1.5 days > symptom-days)) or (age < 40 years))")
}

@Test func resolvingLeavesWhatItCannotResolveAlone() throws {
    let condition = try #require(parse("ntprobnp > 3 mg/L and risk == nope and unknown == x").condition)
    #expect(ConditionChecker.resolve(condition, attributes: attributes) == condition)
}

@Test func unitConversionFactors() {
    #expect(ConditionChecker.conversionFactor(from: "weeks", to: "days") == 7)
    #expect(ConditionChecker.conversionFactor(from: "hours", to: "min") == 60)
    #expect(ConditionChecker.conversionFactor(from: "years", to: "months") == 12)
    #expect(ConditionChecker.conversionFactor(from: "µg/g", to: "ug/g") == 1)
    #expect(ConditionChecker.conversionFactor(from: "ng/l", to: "ng/L") == 1)
    #expect(ConditionChecker.conversionFactor(from: "days", to: "years") == nil)
    #expect(ConditionChecker.conversionFactor(from: "mg/L", to: "ng/L") == nil)
}

// MARK: - Suggestions

@Test func closestMatchFindsTyposTranspositionsAndCase() {
    let steps = ["referral", "clinic", "ct-scan", "ct-result", "discharge"]
    #expect(closestMatch(to: "clinc", in: steps) == "clinic")
    #expect(closestMatch(to: "cilnic", in: steps) == "clinic")
    #expect(closestMatch(to: "CLINIC", in: steps) == "clinic")
    #expect(closestMatch(to: "ct-scna", in: steps) == "ct-scan")
    #expect(closestMatch(to: "refferal", in: steps) == "referral")
    #expect(closestMatch(to: "dischrage", in: steps) == "discharge")
}

@Test func closestMatchGivesUpWhenNothingIsClose() {
    #expect(closestMatch(to: "theatre", in: ["clinic", "ward"]) == nil)
    #expect(closestMatch(to: "ab", in: ["xy"]) == nil)
    #expect(closestMatch(to: "", in: ["a"]) == nil)
    #expect(closestMatch(to: "a", in: []) == nil)
    #expect(closestMatch(to: String(repeating: "a", count: 300), in: [String(repeating: "a", count: 300)]) == nil)
}

@Test func closestMatchPrefersTheNearestThenTheFirstListed() {
    #expect(closestMatch(to: "cat", in: ["bat", "cab", "cart"]) == "bat")
    #expect(closestMatch(to: "clinic", in: ["clinics", "clinic"]) == "clinic")
}

@Test func editDistanceCountsASwapAsOneEdit() {
    #expect(editDistance("clinic", "clinic") == 0)
    #expect(editDistance("clinc", "clinic") == 1)
    #expect(editDistance("cilnic", "clinic") == 1)
    #expect(editDistance("", "abc") == 3)
    #expect(editDistance("kitten", "sitting") == 3)
    #expect(editDistance("ca", "abc") == 3)
    #expect(editDistance("é", "e\u{301}") == 0)
}
