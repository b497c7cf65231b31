import PathwayModel

/// Streams one replication's events as a process-mining log: CSV, XES (IEEE 1849) or OCEL 2.0
/// JSON. Bytes go to `write` in chunks of about 64 KB, so the log is never held in memory
/// (XES keeps only the traces of patients still in the pathway, since a trace is written whole).
///
/// Case identity is the patient's synthetic NHS number, the same in every organisation.
/// Time 0 of the simulation is written as Monday 1 January 2024, 00:00 UTC.
public struct EventLogWriter: SimulationEventSink {
    /// The file formats.
    public enum Format: String, Sendable, CaseIterable {
        case csv
        case xes
        case ocel = "jsonocel"

        /// The format a file name implies by its extension, if any.
        public init?(fileName: String) {
            let lower = fileName.lowercased()
            if lower.hasSuffix(".csv") { self = .csv } else if lower.hasSuffix(".xes") { self = .xes } else if lower.hasSuffix(".jsonocel") || lower.hasSuffix(".ocel.json") {
                self = .ocel
            } else { return nil }
        }
    }

    private let format: Format
    private let model: CompiledPathway
    private let replication: Int
    private let write: ([UInt8]) -> Void
    private var buffer: [UInt8] = []
    private var traces: [Int: [UInt8]] = [:]
    private var eventCount = 0
    private var patientsSeen = 0
    /// CSV: each patient's attribute cells (",71,true"), kept while the patient is in the pathway.
    private var attributeCells: [Int: String] = [:]
    /// OCEL: every patient's attribute values, for the object list written at the end.
    private var attributeValues: [Double] = []
    /// Backlog patients: since when each has waited (written as `waiting_since`).
    private var waitingSince: [Int: Double] = [:]
    /// Whether the pathway has a backlog, so the log carries `waiting_since`.
    private var hasBacklog: Bool { !model.backlog.isEmpty }
    /// Events written so far.
    public var events: Int { eventCount }

    /// A writer for replication `replication`'s events, sending bytes to `write`.
    public init(format: Format, model: CompiledPathway, replication: Int = 0, write: @escaping ([UInt8]) -> Void) {
        self.format = format
        self.model = model
        self.replication = replication
        self.write = write
        buffer.reserveCapacity(1 << 16)
        header()
    }

    /// Always true.
    public var isRecording: Bool { true }

    private var activityNames: [String] { model.stepTitles }

    private mutating func header() {
        switch format {
        case .csv:
            emit("case_id,activity,lifecycle,timestamp,organisation,resource,step_id")
            for id in model.attributeIds { emit("," + csvCell("case:" + id)) }
            if hasBacklog { emit(",case:waiting_since") }
            emit("\n")
        case .xes:
            emit("""
            <?xml version="1.0" encoding="UTF-8"?>
            <log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
            <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
            <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
            <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
            <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
            <global scope="trace"><string key="concept:name" value="UNKNOWN"/></global>
            <global scope="event"><string key="concept:name" value="UNKNOWN"/><string key="lifecycle:transition" value="complete"/><date key="time:timestamp" value="2024-01-01T00:00:00.000+00:00"/></global>
            <classifier name="Activity" keys="concept:name"/>
            <classifier name="Activity and lifecycle" keys="concept:name lifecycle:transition"/>
            <string key="concept:name" value="\(XMLText.attribute(model.title))"/>

            """)
        case .ocel:
            emit("{\n  \"objectTypes\": [\n")
            emit("    {\"name\": \"patient\", \"attributes\": [{\"name\": \"nhs_number\", \"type\": \"string\"}")
            for (k, id) in model.attributeIds.enumerated() {
                emit(", {\"name\": \(JSONWriter.quoted(id)), \"type\": \"\(ocelType(k))\"}")
            }
            if hasBacklog { emit(", {\"name\": \"waiting_since\", \"type\": \"time\"}") }
            emit("]},\n")
            emit("    {\"name\": \"organisation\", \"attributes\": [{\"name\": \"name\", \"type\": \"string\"}]}\n  ],\n")
            emit("  \"eventTypes\": [\n")
            var names: [String] = []
            for (s, step) in model.steps.enumerated() where step.logged && !names.contains(activityNames[s]) {
                names.append(activityNames[s])
            }
            for (i, name) in names.enumerated() {
                emit("    {\"name\": \(JSONWriter.quoted(name)), \"attributes\": [{\"name\": \"lifecycle\", \"type\": \"string\"}, {\"name\": \"resource\", \"type\": \"string\"}, {\"name\": \"step\", \"type\": \"string\"}]}")
                emit(i == names.count - 1 ? "\n" : ",\n")
            }
            emit("  ],\n  \"events\": [")
        }
    }

    /// Records a new patient.
    public mutating func patientArrived(_ patient: Int, at minutes: Double) {
        patientsSeen = max(patientsSeen, patient + 1)
        if format == .xes {
            var trace: [UInt8] = []
            let nhs = NHSNumber.synthetic(replication: replication, patient: patient)
            trace.append(contentsOf: "<trace><string key=\"concept:name\" value=\"\(nhs)\"/><string key=\"nhs_number\" value=\"\(nhs)\"/>\n".utf8)
            traces[patient] = trace
        }
    }

    /// Records since when a backlog patient has waited: CSV column `case:waiting_since`, an XES
    /// trace attribute and an OCEL patient attribute, all `waiting_since`.
    public mutating func patientWaiting(_ patient: Int, since minutes: Double) {
        waitingSince[patient] = minutes
        if format == .xes {
            traces[patient, default: []].append(contentsOf: "<date key=\"waiting_since\" value=\"\(timestamp(minutes, zone: "+00:00"))\"/>\n".utf8)
        }
    }

    /// Records the patient's attributes: CSV columns `case:ID`, XES trace attributes, OCEL
    /// patient object attributes.
    public mutating func patientAttributes(_ patient: Int, values: [Double]) {
        guard !values.isEmpty else { return }
        switch format {
        case .csv:
            attributeCells[patient] = values.indices.map { "," + csvCell(text(of: values[$0], attribute: $0)) }.joined()
        case .xes:
            var line = ""
            for (k, value) in values.enumerated() {
                let key = XMLText.attribute(model.attributeIds[k])
                let tag: String
                switch model.attributeSamplers[k].kind {
                case .integer: tag = "int"
                case .number: tag = "float"
                case .boolean: tag = "boolean"
                case .category: tag = "string"
                }
                line += "<\(tag) key=\"\(key)\" value=\"\(XMLText.attribute(text(of: value, attribute: k)))\"/>"
            }
            traces[patient, default: []].append(contentsOf: (line + "\n").utf8)
        case .ocel:
            let count = model.attributeIds.count
            if attributeValues.count < (patient + 1) * count {
                attributeValues += [Double](repeating: .nan, count: (patient + 1) * count - attributeValues.count)
            }
            for (k, value) in values.enumerated() where k < count { attributeValues[patient * count + k] = value }
        }
    }

    /// An attribute value as text: integers without a decimal point, booleans `true`/`false`,
    /// categories by name.
    private func text(of value: Double, attribute k: Int) -> String {
        switch model.attributeSamplers[k].kind {
        case .integer:
            return value.isFinite && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .number:
            return String(value)
        case .boolean:
            return value != 0 ? "true" : "false"
        case .category:
            let names = model.attributeCategories[k]
            let i = Int(value)
            return value.isFinite && i >= 0 && i < names.count ? names[i] : ""
        }
    }

    private func ocelType(_ k: Int) -> String {
        switch model.attributeSamplers[k].kind {
        case .integer: "integer"
        case .number: "float"
        case .boolean: "boolean"
        case .category: "string"
        }
    }

    /// Records a step starting or completing.
    public mutating func step(_ step: Int, lifecycle: Lifecycle, patient: Int, at minutes: Double,
                              organisation: Int, resource: Int) {
        eventCount += 1
        let nhs = NHSNumber.synthetic(replication: replication, patient: patient)
        let activity = activityNames[step]
        let org = organisation >= 0 ? model.organisationIds[organisation] : ""
        let res = resource >= 0 ? model.resourceIds[resource] : ""
        let phase: String
        switch lifecycle {
        case .schedule: phase = "schedule"
        case .start: phase = "start"
        case .complete: phase = "complete"
        case .missed: phase = format == .xes ? "ate_abort" : "did-not-attend"
        case .cancelled: phase = format == .xes ? "withdraw" : "cancelled"
        }
        switch format {
        case .csv:
            let waiting = hasBacklog ? "," + (waitingSince[patient].map { timestamp($0, zone: "Z") } ?? "") : ""
            emit("\(nhs),\(csvCell(activity)),\(phase),\(timestamp(minutes, zone: "Z")),\(csvCell(org)),\(csvCell(res)),\(csvCell(model.stepIds[step]))\(attributeCells[patient] ?? "")\(waiting)\n")
        case .xes:
            var line = "<event><string key=\"concept:name\" value=\"\(XMLText.attribute(activity))\"/>"
            line += "<string key=\"lifecycle:transition\" value=\"\(phase)\"/>"
            line += "<date key=\"time:timestamp\" value=\"\(timestamp(minutes, zone: "+00:00"))\"/>"
            if !org.isEmpty { line += "<string key=\"org:group\" value=\"\(XMLText.attribute(org))\"/>" }
            if !res.isEmpty { line += "<string key=\"org:resource\" value=\"\(XMLText.attribute(res))\"/>" }
            line += "<string key=\"step\" value=\"\(XMLText.attribute(model.stepIds[step]))\"/></event>\n"
            traces[patient, default: []].append(contentsOf: line.utf8)
        case .ocel:
            var line = eventCount == 1 ? "\n    " : ",\n    "
            line += "{\"id\": \"e\(eventCount)\", \"type\": \(JSONWriter.quoted(activity)), \"time\": \"\(timestamp(minutes, zone: "Z"))\", "
            line += "\"attributes\": [{\"name\": \"lifecycle\", \"value\": \"\(phase)\"}"
            if !res.isEmpty { line += ", {\"name\": \"resource\", \"value\": \(JSONWriter.quoted(res))}" }
            line += ", {\"name\": \"step\", \"value\": \(JSONWriter.quoted(model.stepIds[step]))}], "
            line += "\"relationships\": [{\"objectId\": \"patient-\(nhs)\", \"qualifier\": \"patient\"}"
            if !org.isEmpty { line += ", {\"objectId\": \(JSONWriter.quoted("organisation-" + org)), \"qualifier\": \"organisation\"}" }
            line += "]}"
            emit(line)
        }
    }

    /// Closes a patient's trace (XES writes it now).
    public mutating func patientFinished(_ patient: Int, at minutes: Double) {
        if format == .csv { attributeCells[patient] = nil }
        if format != .ocel { waitingSince[patient] = nil }
        guard format == .xes, let trace = traces.removeValue(forKey: patient) else { return }
        buffer.append(contentsOf: trace)
        emit("</trace>\n")
    }

    /// Writes what is left (open traces, the object list, closing brackets) and flushes.
    public mutating func finish() {
        switch format {
        case .csv:
            break
        case .xes:
            for patient in traces.keys.sorted() {
                if let trace = traces[patient] {
                    buffer.append(contentsOf: trace)
                    emit("</trace>\n")
                }
            }
            traces = [:]
            emit("</log>\n")
        case .ocel:
            emit("\n  ],\n  \"objects\": [")
            for patient in 0..<patientsSeen {
                let nhs = NHSNumber.synthetic(replication: replication, patient: patient)
                emit(patient == 0 ? "\n    " : ",\n    ")
                emit("{\"id\": \"patient-\(nhs)\", \"type\": \"patient\", \"attributes\": [{\"name\": \"nhs_number\", \"time\": \"1970-01-01T00:00:00Z\", \"value\": \"\(nhs)\"}")
                let count = model.attributeIds.count
                for k in 0..<count where (patient + 1) * count <= attributeValues.count {
                    let value = attributeValues[patient * count + k]
                    guard !value.isNaN else { continue }
                    let text = text(of: value, attribute: k)
                    let json: String
                    switch model.attributeSamplers[k].kind {
                    case .category: json = JSONWriter.quoted(text)
                    case .integer, .number, .boolean: json = value.isFinite ? text : JSONWriter.quoted(text)
                    }
                    emit(", {\"name\": \(JSONWriter.quoted(model.attributeIds[k])), \"time\": \"1970-01-01T00:00:00Z\", \"value\": \(json)}")
                }
                if let since = waitingSince[patient] {
                    emit(", {\"name\": \"waiting_since\", \"time\": \"1970-01-01T00:00:00Z\", \"value\": \"\(timestamp(since, zone: "Z"))\"}")
                }
                emit("]}")
            }
            for (i, org) in model.organisationIds.enumerated() {
                emit(patientsSeen == 0 && i == 0 ? "\n    " : ",\n    ")
                emit("{\"id\": \(JSONWriter.quoted("organisation-" + org)), \"type\": \"organisation\", \"attributes\": [{\"name\": \"name\", \"time\": \"1970-01-01T00:00:00Z\", \"value\": \(JSONWriter.quoted(model.organisationNames[i]))}]}")
            }
            emit("\n  ]\n}\n")
        }
        flush()
    }

    private mutating func emit(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 60_000 { flush() }
    }

    private mutating func flush() {
        guard !buffer.isEmpty else { return }
        write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// ISO 8601 with milliseconds, counting from Monday 2024-01-01 00:00 UTC.
    private func timestamp(_ minutes: Double, zone: String) -> String {
        // Floor division throughout, so that a time before 2024 (a backlog's waiting_since) is
        // written as the right earlier date and time.
        let totalMillis = Int((minutes * 60_000).rounded())
        func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
        let millis = totalMillis - floorDiv(totalMillis, 1000) * 1000
        let totalSeconds = floorDiv(totalMillis, 1000)
        let days = floorDiv(totalSeconds, 86_400)
        let secondOfDay = totalSeconds - days * 86_400
        let second = secondOfDay % 60, minute = (secondOfDay / 60) % 60, hour = secondOfDay / 3600
        let (y, m, d) = EventLogWriter.civilDate(daysSince2024: days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let ms = millis < 10 ? "00\(millis)" : (millis < 100 ? "0\(millis)" : "\(millis)")
        return "\(y)-\(two(m))-\(two(d))T\(two(hour)):\(two(minute)):\(two(second)).\(ms)\(zone)"
    }

    /// Year, month, day of a day count from 2024-01-01.
    static func civilDate(daysSince2024: Int) -> (Int, Int, Int) {
        let date = CivilDate.date(days: daysSince2024 + 19_723) // 2024-01-01 is day 19,723 after 1970-01-01
        return (date.year, date.month, date.day)
    }
}
