import Foundation
import PathwayLanguage
import PathwayModel
import Testing

/// The reference documentation is executable: its YAML examples are loaded here, so a page
/// cannot show a pathway the loader refuses, nor a failing example that no longer fails.
///
/// Conventions (also stated in `Docs/diagnostics.md`):
///
/// - Only fenced blocks opened with exactly ```` ```yaml ```` are read. A block with a line that
///   is only `...` or `…` is an excerpt and is skipped.
/// - A block that contains `carepath: 1` is a whole pathway file and must load with no errors.
/// - A block right after an HTML comment `<!-- example: fails CP101 -->` (or `warns CP201` for a
///   warning) must instead produce exactly the codes listed: the first is the one the example
///   is about (an error for `fails`, a warning for `warns`); any further codes are others the
///   same file also gives. The comment may also carry limits by their `LanguageLimits` names
///   (`maxSteps=2`), and `bytes`, which turns each `\xHH` in the block into that byte (for
///   files that are not text at all).
/// - Every example is loaded as if it were the file `Pathways/docs-example.yaml`, so a
///   subpathway written `pathway: shared/community-rehabilitation.yaml` resolves as it does for
///   the shipped pathways, and a file that calls itself names `docs-example.yaml`.
/// - A failing example may be followed by `<!-- output -->` and a ```` ```text ```` block: what
///   `carepath validate` prints for it, without the summary line. The folder of the example file
///   is shown as `/home/lead/Pathways`, and locations in it as just the file name.
/// - Every `### CPxxx` heading in `Docs/diagnostics.md` has such an example, whose first code is
///   that heading's, and says `**Severity:** error` or `**Severity:** warning` to match.
/// - The codes documented there (`### CPxxx` headings and `| CPxxx |` table rows) are exactly
///   the cases of `DiagnosticCode`, and every case is given somewhere in `Sources/` (as
///   `.cpxxx`, or as `"CPxxx"` where a caller still writes the code as text, which must then be
///   a case too).
struct DocsExamplesTests {
    static let docsFolder = repositoryRoot.appendingPathComponent("Docs")
    static let exampleFile = repositoryRoot.appendingPathComponent("Pathways/docs-example.yaml").path

    @Test(arguments: DocExample.all.filter { $0.expectation == nil })
    func eachWholePathwayInTheDocsLoadsWithoutErrors(_ example: DocExample) {
        let result = example.load()
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(example): \(errors.map { "\($0.code) \($0.message)" })")
    }

    /// Codes whose documented example does not currently give them, with why. Their checks run
    /// as known issues; when the code is fixed the test fails until the entry is removed.
    static let knownIssues: [String: String] = [:]

    /// Runs `body`, as a known issue when the example is about a code in `knownIssues`.
    static func checking(_ example: DocExample, _ body: () throws -> Void) rethrows {
        if let code = example.expectation?.codes.first, let why = knownIssues[code] {
            try withKnownIssue(Comment(rawValue: "\(code): \(why)")) { try body() }
        } else {
            try body()
        }
    }

    @Test(arguments: DocExample.all.filter { $0.expectation != nil })
    func eachFailingExampleGivesExactlyTheCodesItNames(_ example: DocExample) throws {
        try Self.checking(example) { try checkCodes(example) }
    }

    func checkCodes(_ example: DocExample) throws {
        let expectation = try #require(example.expectation)
        let result = example.load()
        let produced = Set(result.diagnostics.filter { $0.severity >= .warning }.map(\.code))
        #expect(produced == Set(expectation.codes),
                "\(example): expected \(expectation.codes.sorted()), got \(produced.sorted()): \(result.diagnostics.map { "\($0.code) \($0.message)" })")
        let subject = result.diagnostics.filter { $0.code == expectation.codes.first }
        #expect(subject.contains { $0.severity == expectation.severity },
                "\(example): \(expectation.codes[0]) should be \(expectation.severity.rawValue)")
    }

    @Test(arguments: DocExample.all.filter { $0.output != nil })
    func eachShownOutputIsWhatCarepathPrints(_ example: DocExample) {
        Self.checking(example) {
            let rendered = Self.renderedForDocs(example.load())
            #expect(rendered == example.output, "\(example): carepath now prints:\n\(rendered)")
        }
    }

    /// The diagnostics as `validate` prints them, with the example's folder shown as
    /// `/home/lead/Pathways` and locations inside it as bare file names.
    static func renderedForDocs(_ result: LoadResult) -> String {
        let formatter = DiagnosticFormatter(sources: result.sources)
        var text = result.diagnostics.map { formatter.format($0) }.joined(separator: "\n")
        let folder = URL(fileURLWithPath: exampleFile).deletingLastPathComponent()
        for path in [folder.resolvingSymlinksInPath().path, folder.path] {
            text = text.replacingOccurrences(of: path, with: "/home/lead/Pathways")
        }
        return text.components(separatedBy: "\n").map { line in
            line.hasPrefix("/home/lead/Pathways/") ? String(line.dropFirst("/home/lead/Pathways/".count)) : line
        }.joined(separator: "\n")
    }

    @Test func everyDiagnosticHeadingHasAFailingExampleOfThatCode() throws {
        let sections = try DiagnosticSection.all()
        #expect(sections.count >= 60)
        let examples = DocExample.all.filter { $0.document == "diagnostics.md" }
        for section in sections {
            let own = examples.filter { $0.line > section.line && $0.line < section.endLine && $0.expectation?.codes.first == section.code }
            #expect(!own.isEmpty, "diagnostics.md:\(section.line): \(section.code) has no `<!-- example: fails \(section.code) -->` block")
            guard let severity = section.severity else {
                Issue.record("diagnostics.md:\(section.line): \(section.code) does not say `**Severity:** error` or `warning`")
                continue
            }
            for example in own where example.expectation?.severity != severity {
                Issue.record("\(example): the heading says \(severity.rawValue), the example's comment says otherwise")
            }
        }
    }

    /// Every code `Docs/diagnostics.md` documents: a `### CPnnn` heading, or a `| CPnnn |` table
    /// row (the simulator's own codes and the weights file's code are listed in tables rather
    /// than sections, since no pathway example gives them).
    static func documentedCodes() throws -> Set<String> {
        let text = try String(contentsOf: docsFolder.appendingPathComponent("diagnostics.md"), encoding: .utf8)
        let rows = try NSRegularExpression(pattern: "^\\| (CP[0-9]{3}) \\|", options: .anchorsMatchLines)
        let tabled = rows.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { m in
            Range(m.range(at: 1), in: text).map { String(text[$0]) }
        }
        return Set(try DiagnosticSection.all().map(\.code)).union(tabled)
    }

    static let catalogue = Set(DiagnosticCode.allCases.map(\.rawValue))

    @Test func everyCatalogueCodeIsDocumented() throws {
        #expect(Self.catalogue.count >= 60)
        let missing = Self.catalogue.subtracting(try Self.documentedCodes()).sorted()
        #expect(missing.isEmpty, "DiagnosticCode cases with no `### CPxxx` heading or `| CPxxx |` row in Docs/diagnostics.md: \(missing)")
    }

    @Test func everyDocumentedCodeIsInTheCatalogue() throws {
        let extra = try Self.documentedCodes().subtracting(Self.catalogue).sorted()
        #expect(extra.isEmpty, "codes in Docs/diagnostics.md that are not DiagnosticCode cases: \(extra)")
    }

    @Test func everyCodeWrittenAsTextInTheSourcesIsInTheCatalogue() throws {
        let written = try Self.codesInSources(pattern: "\"(CP[0-9]{3})\"")
        let unknown = written.subtracting(Self.catalogue).sorted()
        #expect(unknown.isEmpty, "codes written as \"CPxxx\" in Sources/ that are not DiagnosticCode cases: \(unknown)")
    }

    @Test func everyCatalogueCodeIsUsedInTheSources() throws {
        let used = try Self.codesInSources(pattern: "\"(CP[0-9]{3})\"")
            .union(Self.codesInSources(pattern: "\\.cp([0-9]{3})\\b").map { "CP" + $0 })
        let unused = Self.catalogue.subtracting(used).sorted()
        #expect(unused.isEmpty, "DiagnosticCode cases that nothing in Sources/ gives (neither .cpxxx nor \"CPxxx\"): \(unused)")
    }

    /// The first group of every match of `pattern` in the Swift files under `Sources/`, except
    /// the catalogue itself (`Sources/PathwayModel/DiagnosticCode.swift`).
    static func codesInSources(pattern: String) throws -> Set<String> {
        let sources = repositoryRoot.appendingPathComponent("Sources")
        let regex = try NSRegularExpression(pattern: pattern)
        var codes: Set<String> = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "swift", url.lastPathComponent != "DiagnosticCode.swift" else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            for match in regex.matches(in: text, range: range) {
                if let r = Range(match.range(at: 1), in: text) { codes.insert(String(text[r])) }
            }
        }
        return codes
    }
}

/// What a marked example must produce.
struct ExampleExpectation: Hashable, Sendable {
    /// Every code the file gives (errors and warnings); the first is the one the example is about.
    var codes: [String]
    var severity: Severity
    var limits: [String: Int]
    /// `\xHH` escapes stand for raw bytes.
    var bytes: Bool

    /// Reads `example: fails CP101 CP201 maxSteps=2 bytes` (the comment's inside).
    init?(comment: String) {
        var words = comment.split(whereSeparator: { $0 == " " }).map(String.init)
        guard words.first == "example:", words.count >= 3 else { return nil }
        words.removeFirst()
        switch words.removeFirst() {
        case "fails": severity = .error
        case "warns": severity = .warning
        default: return nil
        }
        codes = []
        limits = [:]
        bytes = false
        for word in words {
            if word.hasPrefix("CP"), word.count == 5 { codes.append(word) }
            else if word == "bytes" { bytes = true }
            else if let eq = word.firstIndex(of: "="), let value = Int(word[word.index(after: eq)...]) {
                limits[String(word[..<eq])] = value
            } else { return nil }
        }
        guard !codes.isEmpty else { return nil }
    }

    /// The default limits with the named ones changed.
    var languageLimits: LanguageLimits {
        var l = LanguageLimits()
        for (name, value) in limits {
            switch name {
            case "maxFileBytes": l.maxFileBytes = value
            case "maxDepth": l.maxDepth = value
            case "maxNodes": l.maxNodes = value
            case "maxSteps": l.maxSteps = value
            case "maxExpressionLength": l.maxExpressionLength = value
            case "maxExpressionDepth": l.maxExpressionDepth = value
            case "maxIncludeDepth": l.maxIncludeDepth = value
            default: Issue.record("unknown limit '\(name)' in a docs example")
            }
        }
        return l
    }
}

/// A ```` ```yaml ```` block in one of the docs, with what it must produce when marked.
struct DocExample: Hashable, Sendable, CustomTestStringConvertible, CustomStringConvertible {
    var document: String
    /// The 1-based line of the opening fence.
    var line: Int
    var text: String
    var expectation: ExampleExpectation?
    /// The marking comment could not be read.
    var badComment: String?
    /// The output shown after the example, if any.
    var output: String?

    var description: String { "Docs/\(document):\(line)" }
    var testDescription: String { description }

    func load() -> LoadResult {
        let loader = PathwayLoader(limits: expectation?.languageLimits ?? LanguageLimits())
        if let badComment {
            Issue.record("\(self): cannot read the comment '\(badComment)'")
        }
        if expectation?.bytes == true {
            return loader.load(data: Self.unescapingBytes(text), file: DocsExamplesTests.exampleFile)
        }
        return loader.load(yaml: text, file: DocsExamplesTests.exampleFile)
    }

    static func unescapingBytes(_ text: String) -> Data {
        var data = Data()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "\\", i + 3 < scalars.count, scalars[i + 1] == "x",
               let byte = UInt8(String(scalars[i + 2]) + String(scalars[i + 3]), radix: 16) {
                data.append(byte)
                i += 4
                continue
            }
            data.append(contentsOf: Array(String(scalars[i]).utf8))
            i += 1
        }
        return data
    }

    /// Every YAML example in `Docs/*.md`, excerpts left out.
    static let all: [DocExample] = {
        let folder = DocsExamplesTests.docsFolder
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".md") }.sorted()
        var result: [DocExample] = []
        for name in names {
            guard let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) else { continue }
            result += examples(in: text, document: name)
        }
        return result
    }()

    /// The ```` ```text ```` block after `<!-- output -->` that follows line `end`, if any.
    static func output(after end: Int, in lines: [String]) -> String? {
        var k = end + 1
        while k < lines.count, lines[k].trimmingCharacters(in: .whitespaces).isEmpty { k += 1 }
        guard k + 1 < lines.count, lines[k].trimmingCharacters(in: .whitespaces) == "<!-- output -->",
              lines[k + 1].trimmingCharacters(in: .whitespaces) == "```text" else { return nil }
        var close = k + 2
        while close < lines.count, !lines[close].hasPrefix("```") { close += 1 }
        return lines[(k + 2)..<min(close, lines.count)].joined(separator: "\n") + "\n"
    }

    static func examples(in text: String, document: String) -> [DocExample] {
        let lines = text.components(separatedBy: "\n")
        var result: [DocExample] = []
        var i = 0
        while i < lines.count {
            let opening = lines[i].trimmingCharacters(in: .whitespaces)
            guard opening.hasPrefix("```") else { i += 1; continue }
            var end = i + 1
            while end < lines.count, !lines[end].trimmingCharacters(in: .whitespaces).hasPrefix("```") { end += 1 }
            defer { i = end + 1 }
            guard opening == "```yaml" else { continue }
            let body = Array(lines[(i + 1)..<min(end, lines.count)])
            if body.contains(where: { ["...", "…"].contains($0.trimmingCharacters(in: .whitespaces)) }) { continue }
            var previous = i - 1
            while previous >= 0, lines[previous].trimmingCharacters(in: .whitespaces).isEmpty { previous -= 1 }
            var expectation: ExampleExpectation?
            var badComment: String?
            if previous >= 0 {
                let comment = lines[previous].trimmingCharacters(in: .whitespaces)
                if comment.hasPrefix("<!-- example:"), comment.hasSuffix("-->") {
                    let inside = String(comment.dropFirst(5).dropLast(3)).trimmingCharacters(in: .whitespaces)
                    expectation = ExampleExpectation(comment: inside)
                    if expectation == nil { badComment = comment }
                }
            }
            let yaml = body.joined(separator: "\n") + "\n"
            guard expectation != nil || badComment != nil || yaml.contains("carepath: 1") else { continue }
            // An unmarked block without `steps:` is the opening of a file explained piece by piece.
            if expectation == nil, badComment == nil, !body.contains(where: { $0.hasPrefix("steps:") }) { continue }
            result.append(DocExample(document: document, line: i + 1, text: yaml, expectation: expectation,
                                     badComment: badComment, output: output(after: end, in: lines)))
        }
        return result
    }
}

/// A `### CPxxx` section of `Docs/diagnostics.md`.
struct DiagnosticSection {
    var code: String
    /// The heading's 1-based line, and the line where the next heading starts.
    var line: Int
    var endLine: Int
    var severity: Severity?

    static func all() throws -> [DiagnosticSection] {
        let url = DocsExamplesTests.docsFolder.appendingPathComponent("diagnostics.md")
        let lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        var result: [DiagnosticSection] = []
        var inFence = false
        for (i, line) in lines.enumerated() {
            if line.hasPrefix("```") { inFence.toggle(); continue }
            guard !inFence, line.hasPrefix("#") else {
                if !inFence, !result.isEmpty, result[result.count - 1].severity == nil, line.hasPrefix("**Severity:**") {
                    let word = line.dropFirst("**Severity:**".count).trimmingCharacters(in: .whitespaces).lowercased()
                    result[result.count - 1].severity = Severity(rawValue: String(word.prefix { $0.isLetter }))
                }
                continue
            }
            if var last = result.popLast() {
                if last.endLine == Int.max { last.endLine = i + 1 }
                result.append(last)
            }
            if line.hasPrefix("### CP") {
                let code = String(line.dropFirst(4).prefix(5))
                result.append(DiagnosticSection(code: code, line: i + 1, endLine: Int.max, severity: nil))
            }
        }
        return result
    }
}
