import PathwayModel

/// Writes a pathway as BPMN 2.0 XML: a collaboration with one pool per organisation, a
/// process per pool, message flows for handoffs, and a complete BPMNDI diagram.
///
/// Step kinds map to BPMN elements as follows (see `Docs/export.md`): referral, assessment and
/// meeting → `userTask`; test → `serviceTask`; treatment → `manualTask`; subpathway →
/// `callActivity` (a plain `task` when the called pathway is not loaded); decision →
/// `exclusiveGateway` whose flows carry `conditionExpression`s; parallel → a diverging and a
/// converging `parallelGateway`; wait → timer `intermediateCatchEvent`; end → `endEvent`.
/// Conditions are Python expressions over process variables named after the patient
/// attributes (what SpiffWorkflow evaluates); timers are ISO 8601 durations.
public struct BPMNExporter: Sendable {
    /// An exporter.
    public init() {}

    /// The BPMN document as text.
    public func export(_ pathway: Pathway) -> String {
        let model = BPMNProcessModel(pathway)
        let layout = BPMNLayout(model)
        var xml = XMLWriter()
        xml.open("bpmn:definitions", [
            ("xmlns:bpmn", "http://www.omg.org/spec/BPMN/20100524/MODEL"),
            ("xmlns:bpmndi", "http://www.omg.org/spec/BPMN/20100524/DI"),
            ("xmlns:dc", "http://www.omg.org/spec/DD/20100524/DC"),
            ("xmlns:di", "http://www.omg.org/spec/DD/20100524/DI"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xmlns:camunda", "http://camunda.org/schema/1.0/bpmn"),
            ("id", model.definitionsID),
            ("targetNamespace", model.targetNamespace),
            ("exporter", "carepath"),
            ("exporterVersion", "1"),
        ])
        for message in model.messages {
            xml.empty("bpmn:message", [("id", message.id), ("name", message.name)])
        }
        xml.open("bpmn:collaboration", [("id", model.collaborationID), ("name", pathway.title)])
        xml.element("bpmn:documentation", text: Self.pathwayDocumentation(pathway))
        for pool in model.pools {
            xml.empty("bpmn:participant", [("id", pool.id), ("name", pool.name), ("processRef", pool.processID)])
        }
        for flow in model.messageFlows {
            xml.empty("bpmn:messageFlow", [("id", flow.id), ("name", flow.name), ("sourceRef", flow.source),
                                           ("targetRef", flow.target), ("messageRef", flow.message)])
        }
        xml.close("bpmn:collaboration")

        var incoming: [String: [String]] = [:], outgoing: [String: [String]] = [:]
        var flowsByPool = [[BPMNProcessModel.Flow]](repeating: [], count: model.pools.count)
        for flow in model.flows {
            incoming[flow.target, default: []].append(flow.id)
            outgoing[flow.source, default: []].append(flow.id)
            if let p = model.node(flow.source)?.pool { flowsByPool[p].append(flow) }
        }
        var nodesByPool = [[BPMNProcessModel.Node]](repeating: [], count: model.pools.count)
        for node in model.nodes { nodesByPool[node.pool].append(node) }
        for (p, pool) in model.pools.enumerated() {
            xml.open("bpmn:process", [("id", pool.processID), ("name", pool.name), ("isExecutable", "true")])
            for node in nodesByPool[p] {
                writeNode(node, incoming: incoming[node.id] ?? [], outgoing: outgoing[node.id] ?? [], &xml)
            }
            for flow in flowsByPool[p] { writeFlow(flow, &xml) }
            xml.close("bpmn:process")
        }

        xml.open("bpmndi:BPMNDiagram", [("id", "Diagram_" + model.collaborationID)])
        xml.open("bpmndi:BPMNPlane", [("id", "Plane_" + model.collaborationID), ("bpmnElement", model.collaborationID)])
        for (p, pool) in model.pools.enumerated() {
            xml.open("bpmndi:BPMNShape", [("id", pool.id + "_di"), ("bpmnElement", pool.id), ("isHorizontal", "true")])
            bounds(layout.pools[p], &xml)
            xml.close("bpmndi:BPMNShape")
        }
        for node in model.nodes {
            guard let box = layout.shapes[node.id] else { continue }
            xml.open("bpmndi:BPMNShape", [("id", node.id + "_di"), ("bpmnElement", node.id),
                                          ("isMarkerVisible", node.kind == .exclusiveGateway ? "true" : nil)])
            bounds(box, &xml)
            xml.close("bpmndi:BPMNShape")
        }
        for flow in model.flows { edge(flow.id, layout, &xml) }
        for flow in model.messageFlows { edge(flow.id, layout, &xml) }
        xml.close("bpmndi:BPMNPlane")
        xml.close("bpmndi:BPMNDiagram")
        xml.close("bpmn:definitions")
        return xml.text
    }

    static func pathwayDocumentation(_ pathway: Pathway) -> String {
        var lines = ["\(pathway.title) (\(pathway.id) version \(pathway.version), \(pathway.status.rawValue))"]
        for source in pathway.sources {
            lines.append("Source: \(source.title)" + (source.url.map { " \($0)" } ?? ""))
        }
        for target in pathway.targets {
            lines.append("Target \(target.title ?? target.id): \(target.from) → \(target.to.joined(separator: " or ")) "
                         + "within \(target.within) for \(NumberText.format3(target.standard * 100))% of patients")
        }
        return lines.joined(separator: "\n")
    }

    private func writeNode(_ node: BPMNProcessModel.Node, incoming: [String], outgoing: [String], _ xml: inout XMLWriter) {
        let element: String
        switch node.kind {
        case .startEvent, .messageStartEvent: element = "bpmn:startEvent"
        case .endEvent, .messageEndEvent: element = "bpmn:endEvent"
        case .timerCatchEvent, .messageCatchEvent: element = "bpmn:intermediateCatchEvent"
        case .messageThrowEvent: element = "bpmn:intermediateThrowEvent"
        case .task(let name): element = "bpmn:" + name
        case .callActivity: element = "bpmn:callActivity"
        case .exclusiveGateway: element = "bpmn:exclusiveGateway"
        case .parallelGateway: element = "bpmn:parallelGateway"
        }
        var attrs: [(String, String?)] = [("id", node.id), ("name", node.name)]
        if case .callActivity(let called) = node.kind { attrs.append(("calledElement", called)) }
        if node.kind == .exclusiveGateway { attrs.append(("default", node.defaultFlow)) }
        xml.open(element, attrs)
        if let doc = node.documentation { xml.element("bpmn:documentation", text: doc) }
        if !node.form.isEmpty { writeForm(node.form, &xml) }
        for flow in incoming { xml.element("bpmn:incoming", text: flow) }
        for flow in outgoing { xml.element("bpmn:outgoing", text: flow) }
        switch node.kind {
        case .messageStartEvent(let message), .messageEndEvent(let message), .messageThrowEvent(let message),
             .messageCatchEvent(let message):
            xml.empty("bpmn:messageEventDefinition", [("id", node.id + "_message"), ("messageRef", message),
                                                      ("camunda:expression", node.payload?.expression),
                                                      ("camunda:resultVariable", node.payload?.resultVariable)])
        case .timerCatchEvent(let duration):
            // A Python string literal: SpiffWorkflow evaluates timer expressions as Python.
            xml.open("bpmn:timerEventDefinition", [("id", node.id + "_timer")])
            xml.element("bpmn:timeDuration", [("xsi:type", "bpmn:tFormalExpression"), ("language", "python")],
                        text: ConditionText.pythonString(duration))
            xml.close("bpmn:timerEventDefinition")
        default: break
        }
        xml.close(element)
    }

    /// `camunda:formData`, which SpiffWorkflow's Camunda parser, Camunda Modeler and Camunda 7
    /// read, inside `extensionElements`.
    private func writeForm(_ fields: [BPMNProcessModel.FormField], _ xml: inout XMLWriter) {
        xml.open("bpmn:extensionElements")
        xml.open("camunda:formData")
        for field in fields {
            xml.open("camunda:formField", [("id", field.id), ("label", field.label), ("type", field.type)])
            if let doc = field.documentation {
                xml.open("camunda:properties")
                xml.empty("camunda:property", [("id", "documentation"), ("value", doc)])
                xml.close("camunda:properties")
            }
            if field.min != nil || field.max != nil {
                xml.open("camunda:validation")
                if let min = field.min { xml.empty("camunda:constraint", [("name", "min"), ("config", NumberText.format3(min))]) }
                if let max = field.max { xml.empty("camunda:constraint", [("name", "max"), ("config", NumberText.format3(max))]) }
                xml.close("camunda:validation")
            }
            for value in field.values { xml.empty("camunda:value", [("id", value.id), ("name", value.name)]) }
            xml.close("camunda:formField")
        }
        xml.close("camunda:formData")
        xml.close("bpmn:extensionElements")
    }

    private func writeFlow(_ flow: BPMNProcessModel.Flow, _ xml: inout XMLWriter) {
        let attrs: [(String, String?)] = [("id", flow.id), ("name", flow.name), ("sourceRef", flow.source),
                                          ("targetRef", flow.target)]
        guard let condition = flow.condition else {
            xml.empty("bpmn:sequenceFlow", attrs)
            return
        }
        xml.open("bpmn:sequenceFlow", attrs)
        xml.element("bpmn:conditionExpression", [("xsi:type", "bpmn:tFormalExpression"), ("language", "python")],
                    text: condition)
        xml.close("bpmn:sequenceFlow")
    }

    private func bounds(_ box: BPMNLayout.Box, _ xml: inout XMLWriter) {
        xml.empty("dc:Bounds", [("x", String(box.x)), ("y", String(box.y)),
                                ("width", String(box.width)), ("height", String(box.height))])
    }

    private func edge(_ id: String, _ layout: BPMNLayout, _ xml: inout XMLWriter) {
        guard let points = layout.edges[id] else { return }
        xml.open("bpmndi:BPMNEdge", [("id", id + "_di"), ("bpmnElement", id)])
        for point in points { xml.empty("di:waypoint", [("x", String(point.x)), ("y", String(point.y))]) }
        xml.close("bpmndi:BPMNEdge")
    }
}
