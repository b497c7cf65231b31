import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads an XES log (IEEE 1849-2016) with Foundation's streaming `XMLParser`: each `<trace>` is
/// a case, each `<event>` an event. Only a trace's events are held until its end tag.
///
/// - case id: the trace's `nhs_number` attribute when present, else its `concept:name`;
/// - activity: the event's `step` (or `step_id`) attribute when present (carepath writes the
///   step id there), else its `concept:name`;
/// - `time:timestamp`, `lifecycle:transition`, `org:group` (organisation), `org:resource`;
/// - other trace attributes are the case's attributes.
///
/// `<global>` defaults are not applied (a missing timestamp is a problem, not the global's).
/// Entity declarations are refused, elements nested deeper than 64 stop the reading, and bytes
/// that are not UTF-8 stop it before they reach the parser.
enum XESLogReader {
    static let maxDepth = 64

    static func read(_ stream: ByteStream, name: String, into builder: inout LogBuilder) throws(LogReadError) {
        let checked = UTF8CheckedStream(stream)
        let parser = XMLParser(stream: checked)
        let reader = XESDelegate(builder: builder)
        builder = LogBuilder() // the delegate holds the only copy while it adds to it
        parser.delegate = reader
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        let finished = parser.parse()
        builder = reader.builder
        if checked.declaresEntities {
            throw LogReadError(file: name, message: "it declares XML entities (<!ENTITY>), which event logs do not use; carepath does not expand them")
        }
        if let offset = checked.invalidAt {
            reader.stopped = "byte \(offset + 1) is not UTF-8 text (XES logs are read as UTF-8; convert the file first, for example with iconv -f latin1 -t utf-8)"
            if !reader.sawLog {
                throw LogReadError(file: name, message: "this is not an XES event log carepath reads: \(reader.stopped ?? "")")
            }
        }
        if let error = stream.readError { reader.stopped = "the file could not be read to the end (\(error))" }
        if let refusal = reader.refusal {
            throw LogReadError(file: name, message: refusal)
        }
        guard reader.sawLog else {
            throw LogReadError(file: name, message: "this is not an XES event log: \(reader.sawElement ? "there is no <log> element" : "it holds no XML elements")")
        }
        if reader.strayEvents > 0 {
            builder.unreadable("\(reader.strayEvents) event\(reader.strayEvents == 1 ? " is" : "s are") outside any <trace>, so belong to no case; left out", line: 0)
        }
        if reader.openElements > 0 && reader.stopped == nil && finished {
            reader.stopped = "the file ends in the middle of the XML (it may have been cut short)"
        }
        if !finished || reader.stopped != nil {
            let reason = reader.stopped ?? (parser.parserError as NSError?).map { reader.errorText($0, parser) } ?? "the XML is malformed"
            let open = reader.inTrace ? "; the trace being read there is left out" : ""
            builder.brokenOff("the XES file cannot be read past line \(parser.lineNumber): \(reason); the \(reader.tracesRead) trace\(reader.tracesRead == 1 ? "" : "s") before it are kept\(open)",
                              line: reader.eventOrdinal)
        }
    }
}

/// The parser's delegate: tracks where it is (log, trace, event) and hands finished traces to
/// the builder.
private final class XESDelegate: NSObject, XMLParserDelegate {
    var builder: LogBuilder
    var sawLog = false
    /// Whether any element was seen (an XML file at all).
    var sawElement = false
    /// Why the file is not read at all (not XES, an entity declaration).
    var refusal: String?
    /// Why reading stopped part way.
    var stopped: String?
    var tracesRead = 0
    var eventOrdinal = 0
    /// `<event>`s directly under `<log>`, outside any trace (and so outside any case).
    var strayEvents = 0

    private var depth = 0
    private var traceDepth = -1
    private var eventDepth = -1
    private var traceAttributes: [String: String] = [:]
    private var traceEvents: [LogEvent] = []
    private var traceLine = 0
    private var eventFields = EventFields()
    private var eventLine = 0

    var inTrace: Bool { traceDepth >= 0 }
    private let maxDepth = XESLogReader.maxDepth
    /// Elements opened and not yet closed: above 0 after parsing, the file was cut short.
    var openElements: Int { depth }

    init(builder: LogBuilder) { self.builder = builder }

    /// The event attributes carepath uses (the first value of each wins).
    private struct EventFields {
        var name: String?
        var step: String?
        var time: String?
        var lifecycle: String?
        var group: String?
        var resource: String?

        mutating func take(_ key: String, _ value: String) {
            switch key {
            case "concept:name": if name == nil { name = value }
            case "step", "step_id": if step == nil { step = value }
            case "time:timestamp": if time == nil { time = value }
            case "lifecycle:transition": if lifecycle == nil { lifecycle = value }
            case "org:group": if group == nil { group = value }
            case "org:resource": if resource == nil { resource = value }
            default: break
            }
        }
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        depth += 1
        sawElement = true
        if depth > maxDepth {
            stopped = "elements are nested more than \(XESLogReader.maxDepth) deep, which no event log needs"
            parser.abortParsing()
            return
        }
        // XES files rarely prefix their element names; when one does, the prefix is dropped.
        let local = elementName.utf8.contains(UInt8(ascii: ":")) ? (elementName.split(separator: ":").last.map(String.init) ?? elementName) : elementName
        if depth == 1 {
            if local == "log" {
                sawLog = true
            } else {
                refusal = "this is not an XES event log: its root element is <\(TerminalSafe.line(elementName))>, not <log>"
                parser.abortParsing()
            }
            return
        }
        if local == "trace", depth == 2 {
            traceDepth = depth
            traceAttributes = [:]
            traceEvents = []
            traceLine = parser.lineNumber
            return
        }
        if local == "event", traceDepth < 0, depth == 2 {
            strayEvents += 1
            return
        }
        if local == "event", traceDepth >= 0, depth == traceDepth + 1 {
            eventDepth = depth
            eventFields = EventFields()
            eventOrdinal += 1
            eventLine = parser.lineNumber
            return
        }
        switch local {
        case "string", "date", "int", "float", "boolean", "id": break
        default: return
        }
        guard let key = attributes["key"], let value = attributes["value"] else { return }
        if eventDepth >= 0, depth == eventDepth + 1 {
            eventFields.take(key, value)
        } else if traceDepth >= 0, eventDepth < 0, depth == traceDepth + 1 {
            if traceAttributes[key] == nil { traceAttributes[key] = value }
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        defer { depth -= 1 }
        if depth == eventDepth {
            eventDepth = -1
            finishEvent()
        } else if depth == traceDepth {
            traceDepth = -1
            finishTrace()
        }
    }

    private func finishEvent() {
        let origin = LogOrigin(file: builder.currentFile, line: Int32(clamping: eventOrdinal))
        var at: String { "event \(eventOrdinal) (line \(eventLine))" }
        guard let time = eventFields.time else {
            builder.unreadable("\(at) has no time:timestamp; the event is left out", line: eventOrdinal)
            return
        }
        guard let minutes = TimestampParser.minutes(time) else {
            builder.unreadable("\(at): '\(TerminalSafe.line(time))' is not a date and time carepath reads; the event is left out", line: eventOrdinal)
            return
        }
        guard let activityName = (eventFields.step?.trimmingSpaces).flatMap({ $0.isEmpty ? nil : $0 }) ?? eventFields.name?.trimmingSpaces,
              !activityName.isEmpty else {
            builder.unreadable("\(at) has no concept:name (the activity); the event is left out", line: eventOrdinal)
            return
        }
        var lifecycle = LogLifecycle.complete
        if let text = eventFields.lifecycle {
            guard let value = LifecycleText.parse(text) else {
                builder.unreadable("\(at): lifecycle '\(TerminalSafe.line(text))' is not one carepath reads (\(LifecycleText.accepted)); the event is left out", line: eventOrdinal)
                return
            }
            lifecycle = value
        }
        let organisation = eventFields.group.map { $0.trimmingSpaces }.flatMap { $0.isEmpty ? nil : builder.organisations.intern($0) } ?? -1
        let resource = eventFields.resource.map { $0.trimmingSpaces }.flatMap { $0.isEmpty ? nil : builder.resources.intern($0) } ?? -1
        traceEvents.append(LogEvent(activity: builder.activities.intern(activityName), lifecycle: lifecycle, minutes: minutes,
                                    organisation: organisation, resource: resource, origin: origin))
    }

    private func finishTrace() {
        tracesRead += 1
        let id = traceAttributes["nhs_number"] ?? traceAttributes["concept:name"] ?? ""
        guard let c = builder.caseIndex(id) else {
            if !traceEvents.isEmpty {
                builder.unreadable("the trace at line \(traceLine) has no concept:name (the case id, the NHS number); its \(traceEvents.count) event\(traceEvents.count == 1 ? " is" : "s are") left out",
                                   line: Int(traceEvents[0].origin.line))
            }
            return
        }
        guard !traceEvents.isEmpty else { return }
        for (key, value) in traceAttributes where key != "concept:name" && key != "nhs_number" {
            builder.setAttribute(c, key, value)
        }
        for event in traceEvents { builder.add(c, event) }
        traceEvents = []
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        refuseEntities(parser)
    }

    func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
        refuseEntities(parser)
    }

    func parser(_ parser: XMLParser, foundUnparsedEntityDeclarationWithName name: String, publicID: String?,
                systemID: String?, notationName: String?) {
        refuseEntities(parser)
    }

    private func refuseEntities(_ parser: XMLParser) {
        refusal = "it declares XML entities (<!ENTITY>), which event logs do not use; carepath does not expand them"
        parser.abortParsing()
    }

    func errorText(_ error: NSError, _ parser: XMLParser) -> String {
        let column = parser.columnNumber
        switch error.code {
        case XMLParser.ErrorCode.prematureDocumentEndError.rawValue:
            return "the file ends in the middle of the XML (it may have been cut short)"
        default:
            return "the XML is malformed at line \(parser.lineNumber), column \(column) (XML error \(error.code))"
        }
    }
}

/// Hands a `ByteStream`'s bytes to `XMLParser` as it asks for them, checking that they are
/// UTF-8 first: Foundation's XMLParser on Linux stops the program on an element name that is
/// not (it runs libxml2 in recovery mode), so bad bytes must never reach it.
private final class UTF8CheckedStream: InputStream {
    private let source: ByteStream
    private var position = 0
    private var check = UTF8Check()
    /// How much of `<!ENTITY` the bytes so far end with.
    private var entityMatch = 0
    private static let entity: [UInt8] = Array("<!ENTITY".utf8)
    /// Whether the input declares an entity (never handed to the parser, which expands them).
    private(set) var declaresEntities = false
    /// Offset in the input of the first byte that is not UTF-8.
    private(set) var invalidAt: Int?

    init(_ source: ByteStream) {
        self.source = source
        super.init(data: Data())
    }

    override func open() {}
    override func close() {}
    override var hasBytesAvailable: Bool { invalidAt == nil && (position < source.end || !source.atEOF) }
    override var streamError: Error? { nil }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength length: Int) -> Int {
        guard invalidAt == nil, !declaresEntities else { return -1 }
        if position >= source.end {
            if let shift = source.refill(keeping: source.end) { position -= shift }
            if position >= source.end {
                // The end: a character cut short there is not UTF-8 either.
                if check.pending > 0 {
                    invalidAt = source.dropped + position
                    return -1
                }
                return 0
            }
        }
        let count = min(length, source.end - position)
        var valid = count
        var check = self.check, entityMatch = self.entityMatch
        let start = position, dropped = source.dropped
        var invalid: Int?, entity = false
        source.buffer.withUnsafeBytes { raw in
            var k = 0
            while k < count {
                let byte = raw[start + k]
                // Plain ASCII other than '<', outside a multi-byte character or `<!ENTITY`: nothing to check.
                if byte < 0x80 && byte != 0x3C && entityMatch == 0 && check.pending == 0 {
                    k += 1
                    continue
                }
                guard check.accept(byte) else {
                    valid = k
                    invalid = dropped + start + k
                    break
                }
                entityMatch = byte == Self.entity[entityMatch] ? entityMatch + 1 : (byte == Self.entity[0] ? 1 : 0)
                if entityMatch == Self.entity.count {
                    valid = 0
                    entity = true
                    break
                }
                k += 1
            }
            if let base = raw.baseAddress { buffer.update(from: base.assumingMemoryBound(to: UInt8.self) + start, count: valid) }
        }
        self.check = check
        self.entityMatch = entityMatch
        invalidAt = invalid
        declaresEntities = entity
        position += valid
        return valid > 0 ? valid : -1
    }
}

/// Checks UTF-8 one byte at a time (no overlong forms, no surrogates, nothing above U+10FFFF).
struct UTF8Check {
    /// Continuation bytes still expected.
    private(set) var pending = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    mutating func accept(_ byte: UInt8) -> Bool {
        if pending > 0 {
            guard byte >= lower && byte <= upper else { return false }
            pending -= 1
            lower = 0x80
            upper = 0xBF
            return true
        }
        switch byte {
        case 0x00...0x7F: return true
        case 0xC2...0xDF: pending = 1
        case 0xE0: pending = 2; lower = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: pending = 2
        case 0xED: pending = 2; upper = 0x9F
        case 0xF0: pending = 3; lower = 0x90
        case 0xF1...0xF3: pending = 3
        case 0xF4: pending = 3; upper = 0x8F
        default: return false
        }
        return true
    }
}
