import Foundation
import PathwayModel

/// One field of a pathway set to a new value before the pathway is built: the overlay path of
/// the field (as a variant's `changes:` name it, such as `resources.ct-scanner.capacity`) and
/// the value as it would be written in the file (`3`, `14 days`, `80%`).
///
/// The field must already be written in the file (or in the standard it extends): a setting
/// replaces a value, it never adds one, so a mistyped path is an error with a suggestion
/// (CP608) rather than a new field.
public struct FieldSetting: Sendable, Hashable {
    /// The field's overlay path: names from the top of the file separated by dots.
    public var path: String
    /// The new value as YAML text: a number, or a number and its unit.
    public var value: String
    /// How the setting is named in messages, such as `--vary resources.ct-scanner.capacity=1..3`.
    public var origin: String
    /// Where the path is written (a diagnostic about the path points here), if anywhere.
    public var pathLocation: SourceLocation?
    /// Where the value is written (a diagnostic about the value points here), if anywhere.
    public var valueLocation: SourceLocation?

    /// A setting of `path` to `value`; `origin` names it in messages.
    public init(path: String, value: String, origin: String? = nil,
                pathLocation: SourceLocation? = nil, valueLocation: SourceLocation? = nil) {
        self.path = path
        self.value = value
        self.origin = origin ?? "\(path)=\(value)"
        self.pathLocation = pathLocation
        self.valueLocation = valueLocation
    }
}

extension PathwayLoader {
    /// Loads, resolves and validates the file at `path` with each of `settings` laid over its
    /// syntax tree before the pathway is built, exactly as a variant that `extends` the file
    /// with one `replace:` change per setting would be (the overlay machinery of `extends`).
    ///
    /// Everything inherited keeps its position in the file; a diagnostic about a setting (a path
    /// that names nothing, CP608 with a suggestion; a value the field cannot take, such as a
    /// duration without its unit) points at the setting's `pathLocation` or `valueLocation`
    /// and names the setting by its `origin`.
    public func load(file path: String, setting settings: [FieldSetting]) -> LoadResult {
        guard !settings.isEmpty else { return load(file: path) }
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        // The settings are written as a variant beside the file, so `extends` finds the file
        // by its name and subpathways resolve from the same folder. It is never written to disk.
        let folder = (path as NSString).deletingLastPathComponent
        let virtual = (folder.isEmpty ? "" : folder + "/") + ".\(name).settings"
        var text = "extends: \(JSONText.quoted(name))\nchanges:\n"
        for setting in settings {
            text += "  - replace: \(JSONText.quoted(setting.path))\n"
            text += "    value: \(FieldVariation.yamlScalar(setting.value))\n"
        }
        var result = load(yaml: text, file: virtual)
        // Line 3 + 2i holds setting i's path, line 4 + 2i its value.
        func place(_ location: SourceLocation?) -> (setting: Int, isValue: Bool)? {
            guard let location, location.file == virtual, location.line >= 3 else { return nil }
            let i = (location.line - 3) / 2
            guard settings.indices.contains(i) else { return nil }
            return (i, (location.line - 3) % 2 == 1)
        }
        func remap(_ location: SourceLocation?) -> SourceLocation? {
            guard let location, location.file == virtual else { return location }
            guard let (i, isValue) = place(location) else { return nil }
            return isValue ? settings[i].valueLocation : settings[i].pathLocation
        }
        result.diagnostics = result.diagnostics.map { d in
            var d = d
            if let (i, isValue) = place(d.location), !isValue {
                let setting = settings[i]
                // The overlay speaks of a variant and its standard; here the file itself is changed.
                d.message = d.message
                    .replacingOccurrences(of: "`replace: \(setting.path)`", with: "`\(setting.origin)`")
                    .replacingOccurrences(of: "the standard has no ", with: "the pathway has no ")
                d.notes = d.notes.map { note in
                    var note = note
                    note.message = note.message.replacingOccurrences(of: "the standard's entries", with: "the pathway's entries")
                    return note
                }
                if let help = d.help, ["`set:", "`replace:", "`add:", "`remove:"].contains(where: help.contains) { d.help = nil }
                // The overlay suggests the path up to the name it corrected: give the whole field's path.
                let segments = setting.path.split(separator: ".", omittingEmptySubsequences: false)
                if let suggestion = d.suggestion {
                    let given = suggestion.split(separator: ".", omittingEmptySubsequences: false)
                    if given.count < segments.count, given.dropLast().elementsEqual(segments.prefix(given.count - 1)) {
                        d.suggestion = (given + segments.dropFirst(given.count)).joined(separator: ".")
                    }
                }
            }
            d.location = remap(d.location)
            d.notes = d.notes.map { note in
                var note = note
                note.location = remap(note.location)
                return note
            }
            return d
        }
        result.sources[virtual] = nil
        if var pathway = result.pathway {
            // The pathway is the file's, not the unwritten variant's.
            pathway.location.file = path
            for setting in settings {
                if let at = setting.pathLocation { pathway.editLocations[setting.path] = at } else { pathway.editLocations[setting.path] = nil }
            }
            result.pathway = pathway
        }
        return result
    }
}

/// A numeric field varied over several values: `carepath simulate FILE --vary PATH=VALUES`.
///
/// The values are written `A..B` (whole numbers from A to B, step 1), `A..B/STEP` (from A up
/// to B in steps of STEP, for decimals or larger steps) or `v1,v2,v3`; a unit may follow
/// (`7..14 days`, `20..40 per week`, `60..90/5 %`) and is written after every value. The path
/// is an overlay path (`resources.ct-scanner.capacity`, `steps.lung-mdt.every`).
public struct FieldVariation: Sendable, Hashable {
    /// The field's overlay path.
    public var path: String
    /// The values, smallest first, each rounded to the decimals written.
    public var values: [Double]
    /// The unit written after each value (`days`, `per week`, `%`), or nil for plain numbers.
    public var unit: String?
    /// The argument as written (`resources.ct-scanner.capacity=1..3`).
    public var text: String

    /// The most values one variation may have.
    public static let maxValues = 10_000

    /// Why a variation could not be read: a message for the person who wrote it.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, and how to write it instead.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// Reads `PATH=VALUES[ UNIT]`, throwing `ParseError` with what is wrong.
    public init(parsing text: String) throws(ParseError) {
        self.text = text
        func fail(_ message: String) -> ParseError { ParseError(message: message) }
        let example = "write it as PATH=A..B, PATH=A..B/STEP or PATH=v1,v2,v3, such as resources.ct-scanner.capacity=1..3"
        guard let equals = text.firstIndex(of: "=") else { throw fail("'\(text)' has no '='; \(example)") }
        let path = String(text[..<equals]).trimmingSpaces
        let spec = String(text[text.index(after: equals)...]).trimmingSpaces
        if path.isEmpty { throw fail("'\(text)' names no field before '='; \(example)") }
        if path.split(separator: ".", omittingEmptySubsequences: false).contains(where: { String($0).trimmingSpaces.isEmpty })
            || path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw fail("'\(path)' is not a path; write the names from the top of the file separated by dots, such as steps.ct-scan.duration")
        }
        self.path = path
        // The unit starts at the first letter or '%': numbers are written with digits only.
        let unitStart = spec.firstIndex { $0.isLetter || $0 == "%" } ?? spec.endIndex
        let numbers = String(spec[..<unitStart]).trimmingSpaces
        let unitText = String(spec[unitStart...]).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        if numbers.isEmpty { throw fail("'\(spec)' gives no numbers after '='; \(example)") }
        if !unitText.allSatisfy({ $0.isLetter || $0 == " " || $0 == "%" }) {
            throw fail("'\(spec)' is not numbers followed by a unit; write the numbers with digits and a decimal point, "
                       + "then the unit if the field has one, such as 7..14 days or 0.5..0.9/0.1")
        }
        unit = unitText.isEmpty ? nil : unitText
        if let dots = numbers.range(of: "..") {
            let from = String(numbers[..<dots.lowerBound]).trimmingSpaces
            var rest = String(numbers[dots.upperBound...]).trimmingSpaces
            var stepText: String?
            if let slash = rest.firstIndex(of: "/") {
                stepText = String(rest[rest.index(after: slash)...]).trimmingSpaces
                rest = String(rest[..<slash]).trimmingSpaces
            }
            let a = try Self.number(from, in: text), b = try Self.number(rest, in: text)
            if b < a { throw fail("the range \(from)..\(rest) runs downwards; write the smaller value first: \(rest)..\(from)") }
            let step: Double
            if let stepText {
                step = try Self.number(stepText, in: text)
                if !(step > 0) { throw fail("the step of '\(numbers)' is \(stepText); it must be more than 0, such as \(from)..\(rest)/1") }
            } else {
                if a != a.rounded() || b != b.rounded() {
                    throw fail("'\(numbers)' steps by 1 from a value that is not whole; give the step after '/', such as \(from)..\(rest)/0.1")
                }
                step = 1
            }
            let decimals = [from, rest, stepText ?? "1"].map(Self.decimals).max() ?? 0
            let span = (b - a) / step
            guard span.isFinite, span < Double(Self.maxValues) else {
                throw fail("'\(numbers)' gives more than \(Self.maxValues) values; use a larger step (after '/') or a shorter range")
            }
            let count = Int((span + 1e-9).rounded(.down)) + 1
            values = (0..<count).map { Self.rounded(a + Double($0) * step, decimals: decimals) }
        } else {
            let items = numbers.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            if items.contains(where: \.isEmpty) { throw fail("'\(numbers)' has an empty value between commas; \(example)") }
            if items.count > Self.maxValues { throw fail("'\(numbers)' gives more than \(Self.maxValues) values") }
            var seen: [Double] = []
            for item in items {
                let v = try Self.number(item, in: text)
                if seen.contains(v) { throw fail("'\(numbers)' gives the value \(item) twice") }
                seen.append(v)
            }
            values = seen.sorted()
        }
    }

    /// The value at `index` as it is written into the pathway: `12`, `0.85`, `14 days`, `80%`.
    public func valueText(_ index: Int) -> String {
        Self.text(values[index], unit: unit)
    }

    /// `value` with `unit` as the pathway would hold it (`14 days`, `80%`).
    public static func text(_ value: Double, unit: String?) -> String {
        let number = numberText(value)
        guard let unit else { return number }
        return unit == "%" ? number + "%" : number + " " + unit
    }

    /// A number without trailing zeros, independent of locale: `12`, `0.85`, `-1.5`.
    public static func numberText(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        var text = String(value)
        if text.contains("e") { text = NumberText.format3(value) }
        return text
    }

    /// The setting of this field to the value at `index`, located in the pseudo-file
    /// `sourceName` at `line` (the variation's place among the command's `--vary` options).
    public func setting(_ index: Int, line: Int) -> FieldSetting {
        let valueColumn = (text.firstIndex(of: "=").map { text[..<$0].count + 2 }) ?? 1
        return FieldSetting(path: path, value: valueText(index), origin: "--vary \(text)",
                            pathLocation: SourceLocation(file: Self.sourceName, line: line, column: 1),
                            valueLocation: SourceLocation(file: Self.sourceName, line: line, column: valueColumn))
    }

    /// The name diagnostics give to the `--vary` arguments, which they quote as lines of a file.
    public static let sourceName = "--vary"

    /// The `--vary` arguments as the text diagnostics quote: one line per variation, in order.
    public static func source(_ variations: [FieldVariation]) -> SourceText {
        SourceText(file: sourceName, text: variations.map(\.text).joined(separator: "\n") + "\n")
    }

    /// Every combination of one value of each variation (the first varies slowest), or a
    /// `ParseError` saying how many there would be when they are more than `limit`.
    public static func grid(_ variations: [FieldVariation], limit: Int) throws(ParseError) -> [[Int]] {
        var count = 1
        for v in variations {
            let (product, overflow) = count.multipliedReportingOverflow(by: v.values.count)
            if overflow || product > limit {
                let total = variations.reduce(1.0) { $0 * Double($1.values.count) }
                throw ParseError(message: "the values given make \(NumberText.format3(total)) combinations to simulate, more than the \(limit) one run may take; "
                                 + "use larger steps or fewer values (" + variations.map { "\($0.path): \($0.values.count)" }.joined(separator: ", ") + ")")
            }
            count = product
        }
        var points: [[Int]] = [[]]
        for v in variations {
            points = points.flatMap { p in v.values.indices.map { p + [$0] } }
        }
        return points
    }

    // MARK: Reading numbers

    private static func number(_ text: String, in whole: String) throws(ParseError) -> Double {
        let allowed = text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }
        guard allowed, !text.isEmpty, let value = Double(text), value.isFinite, abs(value) <= 1e9 else {
            throw ParseError(message: "'\(text)' in '\(whole)' is not a number; write numbers with digits and a decimal point, such as 2, 0.5 or 14")
        }
        if decimals(text) > 6 { throw ParseError(message: "'\(text)' in '\(whole)' has more than 6 decimals") }
        return value
    }

    private static func decimals(_ text: String) -> Int {
        guard let dot = text.firstIndex(of: ".") else { return 0 }
        return text[text.index(after: dot)...].count
    }

    private static func rounded(_ value: Double, decimals: Int) -> Double {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return (value * scale).rounded() / scale
    }

    /// A value as a YAML scalar: plain when it is a number and a unit of letters (what
    /// `FieldVariation` makes), else quoted so no text can change the file's structure.
    static func yamlScalar(_ value: String) -> String {
        let plain = !value.isEmpty && value.first != " " && value.last != " "
            && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || " .-+%".contains($0)) }
        return plain ? value : JSONText.quoted(value)
    }
}
