/// Reads an OCEL 2.0 JSON log (`objectTypes`, `eventTypes`, `objects`, `events`) one event at a
/// time and flattens it on the patient: every event related to a patient object becomes an
/// event of that patient's case (an event related to two patients, a shared MDT say, counts
/// for both).
///
/// - patient: a related object of type `patient` (or, when the object is not listed, related
///   with qualifier `patient`); the case id is its `nhs_number` attribute, else its object id
///   (carepath's `patient-` prefix removed);
/// - activity: the event's `step` (or `step_id`) attribute when present, else its `type`;
/// - lifecycle: the event's `lifecycle` (or `lifecycle:transition`) attribute, else `complete`;
/// - organisation: the event's `organisation` (or `org:group`) attribute, else a related object
///   of type `organisation` (or qualifier `organisation`), named by its id without carepath's
///   `organisation-` prefix;
/// - resource: the event's `resource` (or `org:resource`) attribute;
/// - case attributes: the patient object's other attributes (the last value given).
///
/// Events come before objects in carepath's files, so events wait (compactly) until the end.
enum OCELLogReader {
    private struct PendingEvent {
        var activity: Int32
        var lifecycle: LogLifecycle
        var minutes: Double
        var organisation: Int32
        var resource: Int32
        var ordinal: Int32
        var relationStart: Int32
        var relationCount: Int32
    }

    private enum Role: UInt8 { case other, patient, organisation }

    private struct Relation {
        var object: Int32
        var qualifier: Role
    }

    /// What one event says, as read (reused from event to event).
    private struct RawEvent {
        var isObject = true
        var id: String?
        var type: String?
        var time: String?
        var lifecycle: String?
        var step: String?
        var organisation: String?
        var resource: String?
        var relations: [(objectID: String, qualifier: String?)] = []

        mutating func clear() {
            isObject = true
            id = nil
            type = nil
            time = nil
            lifecycle = nil
            step = nil
            organisation = nil
            resource = nil
            relations.removeAll(keepingCapacity: true)
        }

        /// Takes an event attribute carepath uses (the first value given wins).
        mutating func attribute(_ name: String, _ value: String) {
            switch name {
            case "lifecycle", "lifecycle:transition": if lifecycle == nil { lifecycle = value }
            case "step", "step_id": if step == nil { step = value }
            case "organisation", "org:group": if organisation == nil { organisation = value }
            case "resource", "org:resource": if resource == nil { resource = value }
            default: break
            }
        }
    }

    private struct State {
        var objects = ByteInterner()
        var objectRole: [Role?] = []
        var nhsNumber: [String?] = []
        var objectAttributes: [[String: String]] = []
        var events: [PendingEvent] = []
        var relations: [Relation] = []
        var sawEvents = false
        var sawObjects = false

        mutating func object(_ id: String) -> Int32 {
            let index = objects.intern(id)
            if Int(index) == objectRole.count {
                objectRole.append(nil)
                nhsNumber.append(nil)
                objectAttributes.append([:])
            }
            return index
        }
    }

    static func read(_ stream: ByteStream, name: String, into builder: inout LogBuilder) throws(LogReadError) {
        let json = JSONReader(stream)
        var state = State()
        var raw = RawEvent()
        var ordinal = 0
        guard json.peek() == 0x7B else {
            let what = json.peek() == nil ? "the file is empty" : "it does not begin with '{'"
            throw LogReadError(file: name, message: "this is not an OCEL 2.0 JSON event log: \(what)")
        }
        do throws(JSONReader.Failure) {
            try json.expect(0x7B, "'{'")
            if !json.take(0x7D) {
                repeat {
                    let key = try json.string()
                    try json.expect(0x3A, "':' after \"\(TerminalSafe.line(key))\"")
                    switch key {
                    case "events":
                        try json.expect(0x5B, "the list of events ('[')")
                        state.sawEvents = true
                        if !json.take(0x5D) {
                            repeat {
                                ordinal += 1
                                try parseEvent(json, into: &raw)
                                keep(raw, ordinal: ordinal, state: &state, builder: &builder)
                            } while try json.more(0x5D)
                        }
                    case "objects":
                        try json.expect(0x5B, "the list of objects ('[')")
                        state.sawObjects = true
                        if !json.take(0x5D) {
                            repeat { readObject(try json.value(), state: &state) } while try json.more(0x5D)
                        }
                    default:
                        try json.skip()
                    }
                } while try json.more(0x7D)
            }
            if !json.atEnd { throw JSONReader.Failure(message: "there is more after the closing '}'", line: json.line) }
        } catch {
            guard state.sawEvents || state.sawObjects else {
                throw LogReadError(file: name, message: "this is not an OCEL 2.0 JSON event log: \(error.message) (line \(error.line))")
            }
            builder.brokenOff("the OCEL file cannot be read past line \(error.line): \(error.message); the \(state.events.count) event\(state.events.count == 1 ? "" : "s") before it are kept", line: ordinal)
        }
        guard state.sawEvents else {
            throw LogReadError(file: name, message: "this is not an OCEL 2.0 JSON event log: it has no \"events\" list")
        }
        flatten(state, into: &builder)
    }

    /// Reads one element of the `events` list into `raw`, passing over what carepath does not
    /// use without building it.
    private static func parseEvent(_ json: JSONReader, into raw: inout RawEvent) throws(JSONReader.Failure) {
        raw.clear()
        guard json.take(0x7B) else {
            raw.isObject = false
            try json.skip()
            return
        }
        if json.take(0x7D) { return }
        repeat {
            let key = try json.string()
            try json.expect(0x3A, "':' after \"\(TerminalSafe.line(key))\"")
            switch key {
            case "id": raw.id = try json.scalarText()
            case "type": raw.type = try json.scalarText()
            case "time": raw.time = try json.scalarText()
            case "attributes":
                try json.forEachObject { members in
                    var name: String?, value: String?
                    for (key, text) in members {
                        if key == "name" { name = text } else if key == "value" { value = text }
                    }
                    if let name, let value { raw.attribute(name, value.trimmingSpaces) }
                }
            case "relationships":
                try json.forEachObject { members in
                    var object: String?, qualifier: String?
                    for (key, text) in members {
                        if key == "objectId" { object = text } else if key == "qualifier" { qualifier = text }
                    }
                    if let object { raw.relations.append((object, qualifier)) }
                }
            default:
                try json.skip()
            }
        } while try json.more(0x7D)
    }

    /// Keeps a read event until the objects are known, or reports why it cannot be used.
    private static func keep(_ raw: RawEvent, ordinal: Int, state: inout State, builder: inout LogBuilder) {
        var at: String { "event \(ordinal)\(raw.id.map { " ('\(TerminalSafe.line($0))')" } ?? "")" }
        guard raw.isObject else {
            builder.unreadable("\(at) is not a JSON object; it is left out", line: ordinal)
            return
        }
        guard let time = raw.time else {
            builder.unreadable("\(at) has no \"time\"; it is left out", line: ordinal)
            return
        }
        guard let minutes = TimestampParser.minutes(time) else {
            builder.unreadable("\(at): '\(TerminalSafe.line(time))' is not a date and time carepath reads; the event is left out", line: ordinal)
            return
        }
        let step = raw.step.flatMap { $0.isEmpty ? nil : $0 }
        guard let activityName = step ?? raw.type?.trimmingSpaces, !activityName.isEmpty else {
            builder.unreadable("\(at) has no \"type\" (the activity); it is left out", line: ordinal)
            return
        }
        var lifecycle = LogLifecycle.complete
        if let text = raw.lifecycle {
            guard let parsed = LifecycleText.parse(text) else {
                builder.unreadable("\(at): lifecycle '\(TerminalSafe.line(text))' is not one carepath reads (\(LifecycleText.accepted)); the event is left out", line: ordinal)
                return
            }
            lifecycle = parsed
        }
        let organisation = raw.organisation.flatMap { $0.isEmpty ? nil : builder.organisations.intern($0) } ?? -1
        let resource = raw.resource.flatMap { $0.isEmpty ? nil : builder.resources.intern($0) } ?? -1
        let start = Int32(state.relations.count)
        for (objectID, qualifierText) in raw.relations {
            let qualifier: Role
            switch qualifierText?.lowercased() {
            case "patient": qualifier = .patient
            case "organisation", "organization": qualifier = .organisation
            default: qualifier = .other
            }
            state.relations.append(Relation(object: state.object(objectID), qualifier: qualifier))
        }
        state.events.append(PendingEvent(activity: builder.activities.intern(activityName), lifecycle: lifecycle, minutes: minutes,
                                         organisation: organisation, resource: resource, ordinal: Int32(clamping: ordinal),
                                         relationStart: start, relationCount: Int32(state.relations.count) - start))
    }

    private static func readObject(_ value: JSONLite, state: inout State) {
        guard let id = value["id"]?.text else { return }
        let o = Int(state.object(id))
        switch value["type"]?.string?.lowercased() {
        case "patient": state.objectRole[o] = .patient
        case "organisation", "organization": state.objectRole[o] = .organisation
        default: state.objectRole[o] = .other
        }
        guard state.objectRole[o] == .patient else { return }
        for attribute in value["attributes"]?.array ?? [] {
            guard let key = attribute["name"]?.string, let text = attribute["value"]?.text else { continue }
            if key == "nhs_number" {
                state.nhsNumber[o] = text
            } else {
                state.objectAttributes[o][key] = text
            }
        }
    }

    /// Hands every event to the builder, once per patient it relates to.
    private static func flatten(_ state: State, into builder: inout LogBuilder) {
        var caseOfObject = [Int32?](repeating: nil, count: state.objects.count)
        for event in state.events {
            let relations = state.relations[Int(event.relationStart)..<Int(event.relationStart + event.relationCount)]
            var organisation = event.organisation
            var patients: [Int32] = []
            for relation in relations {
                let role = state.objectRole[Int(relation.object)] ?? relation.qualifier
                switch role {
                case .patient: patients.append(relation.object)
                case .organisation where organisation < 0:
                    var name = state.objects.string(Int(relation.object))
                    if name.hasPrefix("organisation-") && name.count > 13 { name.removeFirst(13) }
                    organisation = builder.organisations.intern(name)
                default: break
                }
            }
            if patients.isEmpty {
                builder.unreadable("event \(event.ordinal) is related to no patient object (an object of type 'patient'), so it belongs to no case; it is left out",
                                   line: Int(event.ordinal))
                continue
            }
            for object in patients {
                let o = Int(object)
                let c: Int32
                if let known = caseOfObject[o] {
                    c = known
                } else {
                    var id = state.nhsNumber[o] ?? state.objects.string(o)
                    if state.nhsNumber[o] == nil, id.hasPrefix("patient-"), id.count > 8 { id.removeFirst(8) }
                    guard let index = builder.caseIndex(id) else {
                        builder.unreadable("event \(event.ordinal) is related to a patient object with no id or NHS number; it is left out for that patient",
                                           line: Int(event.ordinal))
                        continue
                    }
                    c = index
                    caseOfObject[o] = index
                    for (key, value) in state.objectAttributes[o].sorted(by: { $0.key < $1.key }) {
                        builder.setAttribute(index, key, value)
                    }
                }
                builder.add(c, LogEvent(activity: event.activity, lifecycle: event.lifecycle, minutes: event.minutes,
                                        organisation: organisation, resource: event.resource,
                                        origin: LogOrigin(file: builder.currentFile, line: event.ordinal)))
            }
        }
    }
}
