import Foundation
import Testing
import PathwayModel
@testable import PathwayLanguage

// MARK: - The published file

@Test func publishedSchemaFileMatchesTheBuiltSchema() {
    let url = repositoryRoot.appendingPathComponent("Docs/carepath.schema.json")
    #expect(matchesGolden(LanguageSchema.json, url),
            "Docs/carepath.schema.json is stale: run CAREPATH_UPDATE_GOLDEN=1 swift test --filter SchemaTests")
}

@Test func schemaIsDeterministicValidJSONEndingInANewline() throws {
    let json = LanguageSchema.json
    #expect(json == LanguageSchema.json)
    #expect(json.hasSuffix("}\n"))
    let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8))
    let root = try #require(parsed as? [String: Any])
    #expect(root["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    #expect(root["additionalProperties"] as? Bool == false)
}

@Test func jsonTextEscapesOnlyWhatJSONRequires() {
    let value: SchemaValue = ["b": "a \"quote\", a \\ and a\ttab µ", "a": [1, 2.5, true, .null], "c": [:], "d": []]
    #expect(value.prettyPrinted == """
    {
      "a": [
        1,
        2.5,
        true,
        null
      ],
      "b": "a \\"quote\\", a \\\\ and a\\ttab µ",
      "c": {},
      "d": []
    }
    """)
}

// MARK: - Agreement with the loader and the model

@Test func topLevelKeysAreExactlyTheLoadersKeys() throws {
    let properties = try #require(LanguageSchema.document["properties"].flatMap(objectKeys))
    #expect(properties == Set(PathwayBuilder.topLevelKeys))
}

@Test func stepKeysAreExactlyTheLoadersKeysForEachKind() throws {
    let step = try #require(LanguageSchema.document["$defs"]?["step"])
    #expect(step["properties"].flatMap(objectKeys) == Set(PathwayBuilder.allStepKeys))
    guard case .array(let rules)? = step["allOf"] else {
        Issue.record("step has no per-kind rules")
        return
    }
    #expect(rules.count == StepKind.allCases.count)
    for (kind, rule) in zip(StepKind.allCases, rules) {
        // Each rule is chosen by the kind's name (or an alias) in any case, and by no other kind's.
        let pattern = try #require(text(rule["if"]?["properties"]?["kind"]?["pattern"]))
        for name in [kind.rawValue, kind.rawValue.capitalized, kind.rawValue.uppercased()] {
            #expect(try matches(pattern, name), "\(kind): \(name)")
        }
        for other in StepKind.allCases where other != kind {
            #expect(try !matches(pattern, other.rawValue), "\(kind) rule taken by \(other)")
        }
        let allowed = strings(rule["then"]?["propertyNames"]?["enum"])
        #expect(Set(allowed) == Set(PathwayBuilder.commonStepKeys + (PathwayBuilder.stepKeysByKind[kind] ?? [])), "\(kind)")
        #expect(strings(rule["then"]?["required"]) == LanguageSchema.requiredStepKeys(kind), "\(kind)")
    }
}

@Test func enumerationsComeFromTheModel() {
    let defs = LanguageSchema.document["$defs"]
    #expect(strings(offered(defs?["organisation"]?["properties"]?["type"])?["enum"]) == OrganisationType.allCases.map(\.rawValue))
    #expect(strings(offered(LanguageSchema.document["properties"]?["status"])?["enum"]) == PathwayStatus.allCases.map(\.rawValue))
    let kinds = strings(offered(defs?["step"]?["properties"]?["kind"])?["enum"])
    #expect(Array(kinds.prefix(StepKind.allCases.count)) == StepKind.allCases.map(\.rawValue))
    #expect(kinds.contains("mdt"))
    #expect(strings(offered(defs?["step"]?["properties"]?["kind"])?["enumDescriptions"]).count == kinds.count)
}

/// The loader reads these words in any case (`status: Active`, `kind: Assessment`, `type: Acute`),
/// so the schema must accept every spelling of them, or the editor underlines what carepath accepts.
@Test func wordsFromAFixedListAreAcceptedInAnyCaseAsTheLoaderReadsThem() throws {
    let defs = LanguageSchema.document["$defs"]
    let words: [(SchemaValue?, [String])] = [
        (LanguageSchema.document["properties"]?["status"], PathwayStatus.allCases.map(\.rawValue)),
        (defs?["step"]?["properties"]?["kind"], StepKind.allCases.map(\.rawValue) + LanguageSchema.stepKindAliases.map(\.0)),
        (defs?["organisation"]?["properties"]?["type"], OrganisationType.allCases.map(\.rawValue)),
        (defs?["attribute"]?["properties"]?["type"], ["integer", "number", "boolean", "category"]),
    ]
    for (schema, names) in words {
        let pattern = try #require(text(caseBlind(schema)?["pattern"]), "\(names)")
        for name in names {
            for spelling in [name, name.capitalized, name.uppercased(), String(name.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.uppercased()) : $0.element })] {
                #expect(try matches(pattern, spelling), "\(spelling)")
            }
        }
        for wrong in ["", "actve", "hospital", "assessment ", "x" + names[0]] where !names.contains(wrong) {
            #expect(try !matches(pattern, wrong), "\(wrong)")
        }
    }
    // And the loader does read them so.
    let yaml = Samples.valid
        .replacingOccurrences(of: "status: active", with: "status: Active")
        .replacingOccurrences(of: "type: acute", with: "type: ACUTE")
        .replacingOccurrences(of: "kind: assessment", with: "kind: Assessment")
        .replacingOccurrences(of: "type: boolean, probability: 0.45", with: "type: Boolean, probability: 0.45")
    #expect(yaml != Samples.valid)
    let result = load(yaml)
    #expect(!result.diagnostics.hasErrors, "\(codes(result))")
}

@Test func capacityHasTheLoadersLargestValue() {
    let capacity = LanguageSchema.document["$defs"]?["resource"]?["properties"]?["capacity"]
    #expect(capacity?["maximum"] == .integer(PathwayBuilder.largestCapacity))
}

/// Hover help in an editor comes from `description`; every key an author can type needs one.
@Test func everyPropertyHasADescription() {
    var missing: [String] = []
    func visit(_ value: SchemaValue, path: String) {
        switch value {
        case .object(let members):
            // Only object schemas declare keys; `if` and `anyOf` branches merely constrain them.
            if members["type"] == "object", case .object(let properties)? = members["properties"] {
                for (key, schema) in properties where !hasDescription(schema) { missing.append("\(path)/properties/\(key)") }
            }
            if let additional = members["additionalProperties"], case .object = additional, !hasDescription(additional) {
                missing.append("\(path)/additionalProperties")
            }
            for (key, member) in members { visit(member, path: "\(path)/\(key)") }
        case .array(let items):
            for (i, item) in items.enumerated() { visit(item, path: "\(path)/\(i)") }
        default:
            break
        }
    }
    visit(LanguageSchema.document, path: "#")
    #expect(missing.isEmpty, "no description: \(missing.sorted())")
    if case .object(let defs)? = LanguageSchema.document["$defs"] {
        for (name, schema) in defs { #expect(hasDescription(schema), "$defs/\(name)") }
    }
}

// MARK: - Patterns agree with the loader's value syntax

@Test(arguments: ["20 min", "2 days", "3 weeks", "36 hours", "1 day", "1.5 hours", "2days", " 6 Weeks ", "90 mins", "1 hr", "2 d"])
func durationPatternAcceptsWhatTheLoaderAccepts(_ text: String) throws {
    guard case .success = ValueSyntax.timeSpan(text) else {
        Issue.record("the loader rejects '\(text)'")
        return
    }
    #expect(try matches(SchemaPatterns.duration, text))
}

@Test(arguments: ["2 fortnights", "20", "days", "3 months", "-2 days", "2 days later", ""])
func durationPatternRejectsWhatTheLoaderRejects(_ text: String) throws {
    if case .success = ValueSyntax.timeSpan(text) { Issue.record("the loader accepts '\(text)'") }
    #expect(try !matches(SchemaPatterns.duration, text))
}

@Test func distributionPatternsAcceptTheLanguagesForms() throws {
    for text in ["2 days", "fixed(2 days)", "uniform(min: 1 day, max: 3 days)", "Lognormal(mean: 20 min, sd: 5 min)",
                 "triangular(min: 1 day, mode: 2 days, max: 5 days)", "gamma(shape: 2, scale: 1 day)",
                 "empirical(1 day: 0.2, 2 days: 0.5, 3 days: 0.3)", "exponential(mean: 2 days)"] {
        #expect(try matches(SchemaPatterns.timeDistribution, text), "\(text)")
    }
    for text in ["2 parsecs", "weibull(1, 2)", "normal(mean: 3 days", "20"] {
        #expect(try !matches(SchemaPatterns.timeDistribution, text), "\(text)")
    }
    for text in ["normal(mean: 71, sd: 9)", "5", "-2.5", "empirical(1: 0.5, 2: 0.5)"] {
        #expect(try matches(SchemaPatterns.numberDistribution, text), "\(text)")
    }
    #expect(try !matches(SchemaPatterns.numberDistribution, "about 5"))
}

@Test func probabilityRateAndCalendarPatterns() throws {
    for text in ["75%", "0.75", " 40 % ", "1"] { #expect(try matches(SchemaPatterns.probability, text), "\(text)") }
    for text in ["three quarters", "75 percent", "%"] { #expect(try !matches(SchemaPatterns.probability, text), "\(text)") }

    for text in ["35 per week", "5 per day", "2 per hour", "12/day", "1 a week", "3 per 2 weeks", "35 Per Week"] {
        #expect(try matches(SchemaPatterns.rate, text), "\(text)")
        if case .failure(let e) = ValueSyntax.ratePerDay(text) { Issue.record("the loader rejects '\(text)': \(e)") }
    }
    for text in ["35 per fortnight", "lots", "35 week"] { #expect(try !matches(SchemaPatterns.rate, text), "\(text)") }

    for text in ["always", "24/7", "weekdays 08:00-18:00", "daily 00:00-24:00", "mon,wed 09:00-13:00",
                 "mon-fri 09:00-17:00; sat 09:00-12:00", "Weekdays 8:00-18:00"] {
        #expect(try matches(SchemaPatterns.calendar, text), "\(text)")
        if case .failure(let e) = ValueSyntax.calendar(text) { Issue.record("the loader rejects '\(text)': \(e)") }
    }
    for text in ["weekdays", "fortnightly 09:00-17:00", "mon, wed 09:00-13:00", "weekdays 9-5"] {
        #expect(try !matches(SchemaPatterns.calendar, text), "\(text)")
    }
    #expect(try matches(SchemaPatterns.identifier, "ct-scan"))
    #expect(try !matches(SchemaPatterns.identifier, "-ct"))
    #expect(try !matches(SchemaPatterns.identifier, "ct scan"))
}

// MARK: - Helpers

private func objectKeys(_ value: SchemaValue) -> Set<String>? {
    if case .object(let members) = value { return Set(members.keys) }
    return nil
}

/// The `enum` branch of a word schema: the spellings an editor offers.
private func offered(_ schema: SchemaValue?) -> SchemaValue? {
    guard case .array(let branches)? = schema?["anyOf"] else { return nil }
    return branches.first { $0["enum"] != nil }
}

/// The pattern branch of a word schema: any case.
private func caseBlind(_ schema: SchemaValue?) -> SchemaValue? {
    guard case .array(let branches)? = schema?["anyOf"] else { return nil }
    return branches.first { $0["pattern"] != nil }
}

private func text(_ value: SchemaValue?) -> String? {
    if case .string(let s)? = value { return s }
    return nil
}

private func strings(_ value: SchemaValue?) -> [String] {
    guard case .array(let items)? = value else { return [] }
    return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
}

private func hasDescription(_ schema: SchemaValue) -> Bool {
    if case .string(let text)? = schema["description"] { return !text.isEmpty }
    return false
}

/// Whether `pattern` finds a match in `text`, as JSON Schema's `pattern` does (unanchored search).
private func matches(_ pattern: String, _ text: String) throws -> Bool {
    let regex = try NSRegularExpression(pattern: pattern)
    return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
}
