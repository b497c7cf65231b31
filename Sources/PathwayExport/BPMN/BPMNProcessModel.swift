import PathwayModel

/// A pathway recast as BPMN flow elements: one process per organisation, sequence flows inside
/// a process, message flows between them. Built by `BPMNProcessModel.init(_:)`, laid out by
/// `BPMNLayout`, written by `BPMNExporter`.
///
/// Sequence flows cannot cross pools, so a patient moving to another organisation leaves the
/// sending process through a message end event and enters the receiving process through a
/// message start event (followed by a timer when the handoff has a delay); a message flow joins
/// the two. A return to an organisation already visited starts a new instance of its process,
/// as a new referral would in an EPR.
struct BPMNProcessModel {
    enum NodeKind: Equatable {
        case startEvent
        case messageStartEvent(message: String)
        case endEvent
        case messageEndEvent(message: String)
        case timerCatchEvent(duration: String)
        /// Sends a message and carries on (a parallel path handed to another organisation).
        case messageThrowEvent(message: String)
        /// Waits for a message (that path coming back).
        case messageCatchEvent(message: String)
        case task(element: String)
        case callActivity(calledElement: String)
        case exclusiveGateway
        case parallelGateway

        var isEvent: Bool {
            switch self {
            case .startEvent, .messageStartEvent, .endEvent, .messageEndEvent, .timerCatchEvent, .messageThrowEvent,
                 .messageCatchEvent: true
            default: false
            }
        }

        var isGateway: Bool { self == .exclusiveGateway || self == .parallelGateway }
    }

    struct Node {
        var id: String
        var kind: NodeKind
        var name: String?
        var documentation: String?
        var pool: Int
        /// For exclusive gateways: the flow taken when no condition holds.
        var defaultFlow: String?
        /// A user task's form, or the start event's patient attributes (`camunda:formData`).
        var form: [FormField] = []
        /// What a message-throwing event sends: a Python expression (`camunda:expression`) and
        /// the process variable the receiving process stores it in (`camunda:resultVariable`).
        var payload: (expression: String, resultVariable: String)?
    }

    /// A `camunda:formField`: a process variable a clinician (or, on the start event, the EPR)
    /// fills in.
    struct FormField {
        var id: String
        var label: String
        /// `enum`, `boolean`, `long` (whole numbers) or `double` (other numbers).
        var type: String
        /// Enum values: the stored value and its label.
        var values: [(id: String, name: String)] = []
        var min: Double?
        var max: Double?
        var documentation: String?
    }

    struct Flow {
        var id: String
        var source: String
        var target: String
        var name: String?
        /// A Python expression over process variables (see `ConditionText.Dialect.python`).
        var condition: String?
    }

    struct MessageFlow {
        var id: String
        var source: String
        var target: String
        var name: String?
        var message: String
    }

    struct Pool {
        var id: String
        var processID: String
        var name: String
        var organisation: String?
        /// The "Patient" pool where the journey starts when the first organisation is revisited.
        var isPatient = false
    }

    struct Message {
        var id: String
        var name: String
    }

    var pools: [Pool] = []
    var nodes: [Node] = []
    var flows: [Flow] = []
    var messageFlows: [MessageFlow] = []
    var messages: [Message] = []
    var collaborationID = ""
    var definitionsID = ""
    var targetNamespace = ""
    private var ids = UniqueIDs()
    private var nodeIndex: [String: Int] = [:]

    /// The node with this id.
    func node(_ id: String) -> Node? { nodeIndex[id].map { nodes[$0] } }

    init(_ pathway: Pathway) {
        let facts = PathwayFacts(pathway)
        let slug = Identifiers.ncName("", pathway.id)
        self.slug = slug
        definitionsID = ids.id(for: "definitions", proposed: "Definitions_" + slug)
        collaborationID = ids.id(for: "collaboration", proposed: "Collaboration_" + slug)
        targetNamespace = "urn:carepath:pathway:" + Escaping.urlSegment(pathway.id)

        // Pools: declared organisations that some step belongs to, in declaration order, then
        // undeclared ones, then a pool for steps with no organisation at all.
        let used = Set(facts.order.compactMap { facts.organisationOf[$0.id] })
        var poolOf: [String: Int] = [:]
        var orgOrder = pathway.organisations.map(\.id).filter { used.contains($0) }
        for step in facts.order { if let o = facts.organisationOf[step.id], !orgOrder.contains(o) { orgOrder.append(o) } }
        for org in orgOrder where poolOf[org] == nil {
            poolOf[org] = pools.count
            let processID = ids.id(for: "process:" + org, proposed: "Process_\(slug)_" + Identifiers.ncName("", org))
            pools.append(Pool(id: ids.id(for: "participant:" + org, proposed: "Participant_" + Identifiers.ncName("", org)),
                              processID: processID, name: facts.organisationName(org) ?? org, organisation: org))
        }
        func pool(of stepID: String) -> Int {
            if let org = facts.organisationOf[stepID], let p = poolOf[org] { return p }
            if let p = poolOf["\u{0}unassigned"] { return p }
            poolOf["\u{0}unassigned"] = pools.count
            pools.append(Pool(id: ids.id(for: "participant:unassigned", proposed: "Participant_unassigned"),
                              processID: ids.id(for: "process:unassigned", proposed: "Process_\(slug)_unassigned"),
                              name: "No organisation given", organisation: nil))
            return pools.count - 1
        }

        // One node per step; an end step with no organisation of its own gets an end event in
        // each pool that leads to it, since the journey ends wherever the patient is.
        var stepNode: [String: String] = [:]
        var sharedEnd: [String: [Int: String]] = [:]
        for step in facts.order where step.kind == .end && step.organisation == nil {
            let pools = Set((facts.predecessors[step.id] ?? []).map { pool(of: $0.id) })
            guard pools.count > 1 else { continue }
            for p in pools.sorted() {
                let id = ids.id(for: "end:\(step.id):\(p)",
                                proposed: "End_" + Identifiers.ncName("", step.id) + "_" + Identifiers.ncName("", poolName(p)))
                sharedEnd[step.id, default: [:]][p] = id
                addNode(Node(id: id, kind: .endEvent, name: step.title ?? step.id,
                             documentation: Self.documentation(step, facts), pool: p))
            }
        }
        func poolName(_ p: Int) -> String { pools[p].organisation ?? "unassigned" }
        func targetNode(_ stepID: String, from source: String) -> String? {
            if let ends = sharedEnd[stepID], let p = nodeIndex[source].map({ nodes[$0].pool }) { return ends[p] }
            return stepNode[stepID]
        }
        var gatewayOf: [String: String] = [:]  // decision step id -> its gateway, when a choice task comes first
        for step in facts.order where sharedEnd[step.id] == nil {
            let id = ids.id(for: "step:" + step.id, proposed: Self.prefix(step.kind) + Identifiers.ncName("", step.id))
            stepNode[step.id] = id
            addNode(Node(id: id, kind: Self.kind(of: step, pathway: pathway), name: step.title ?? step.id,
                         documentation: Self.documentation(step, facts), pool: pool(of: step.id)))
            // A decision where a clinician chooses (a branch with a probability): a user task with
            // the choice as a form field comes first, and its gateway reads the field.
            if step.kind == .decision, let field = Self.choiceField(step, facts) {
                let task = ids.id(for: "choose:" + step.id, proposed: "Choose_" + Identifiers.ncName("", step.id))
                var node = Node(id: task, kind: .task(element: "userTask"), name: "Choose: " + (step.title ?? step.id),
                                documentation: "The clinician records where the patient goes next. The choice is "
                                    + "used where no rule at the next gateway decides.", pool: pool(of: step.id))
                node.form = [field]
                addNode(node)
                flows.append(Flow(id: ids.id(for: "flow:choose:" + step.id, proposed: "Flow_\(task)_\(id)"),
                                  source: task, target: id))
                gatewayOf[step.id] = id
                stepNode[step.id] = task
            }
        }

        // Parallel joins: a converging gateway in front of the join step, fed by the steps
        // inside the parallel paths.
        var joinGateway: [String: String] = [:]  // "sourceStep->joinStep" -> gateway id
        let predecessors = pathway.predecessors
        var gatewaysToFill: [(region: Int, join: String, gateway: String)] = []
        for (stepID, node) in stepNode { nodeStep[node] = stepID }
        for (stepID, node) in gatewayOf { nodeStep[node] = stepID }
        for step in facts.order where step.kind == .parallel {
            guard let join = step.join, stepNode[join] != nil else { continue }
            let gateway = ids.id(for: "join:" + step.id, proposed: "Join_" + Identifiers.ncName("", step.id))
            joinPaths.append((gateway, step))
            addNode(Node(id: gateway, kind: .parallelGateway, name: nil,
                         documentation: "All paths of \(step.title ?? step.id) meet here", pool: pool(of: join)))
            joinGateways.insert(gateway)
            let r = parallelRegions.count
            parallelRegions.append(ParallelRegion(split: step.id, join: join, pool: pool(of: join)))
            nesting.addLevel(of: r, split: step, join: join, facts)
            gatewaysToFill.append((r, join, gateway))
            connect(from: gateway, fromStep: join, to: join, toNode: stepNode[join] ?? "", facts: facts,
                    name: nil, condition: nil)
        }

        nesting.finish(pools: parallelRegions.map(\.pool), poolCount: pools.count)
        for (r, join, gateway) in gatewaysToFill {
            for id in predecessors[join] ?? [] where nesting.region(r, contains: id) {
                joinGateway["\(id)\u{0}\(join)"] = gateway
            }
        }

        // Start: a none start event in the first organisation's process, whose form lists the
        // patient attributes that the EPR passes in as process variables. When the patient can
        // come back to that organisation later, its process has a referral start event, and a
        // process with a none start event and a message start event would begin the journey
        // again at each return (a new instance runs every start event without a trigger). Then
        // the journey starts in a "Patient" pool of its own, whose one step is to present to the
        // first organisation through its referral start event.
        var startNode: String?
        if let first = stepNode[pathway.start] {
            let start = ids.id(for: "start", proposed: "Start_" + slug)
            addNode(Node(id: start, kind: .startEvent, name: "Patient enters pathway", documentation: nil,
                         pool: pool(of: pathway.start)))
            flows.append(Flow(id: ids.id(for: "flow:start", proposed: "Flow_start"), source: start, target: first))
            startNode = start
        }
        // Every move between steps.
        for step in facts.order {
            guard let source = gatewayOf[step.id] ?? stepNode[step.id] else { continue }

            switch step.kind {
            case .decision:
                let defaultIndex = step.branches.firstIndex { $0.otherwise } ?? (step.branches.count - 1)
                let conditions = Self.branchConditions(step, defaultIndex: defaultIndex)
                for (i, branch) in step.branches.enumerated() {
                    guard let targetNode = joinGateway["\(step.id)\u{0}\(branch.to)"] ?? targetNode(branch.to, from: source) else { continue }
                    let condition = conditions[i]
                    let name = branch.label ?? facts.ruleWords(branch)
                    let flow = connect(from: source, fromStep: step.id, to: branch.to, toNode: targetNode, facts: facts,
                                       name: name, condition: condition)
                    if i == defaultIndex, let n = nodeIndex[source] { nodes[n].defaultFlow = flow }
                }
            default:
                for next in step.successors {
                    guard let targetNode = joinGateway["\(step.id)\u{0}\(next)"] ?? targetNode(next, from: source) else { continue }
                    connect(from: source, fromStep: step.id, to: next, toNode: targetNode, facts: facts, name: nil, condition: nil)
                }
            }
        }

        if let start = startNode, let n = nodeIndex[start], let first = stepNode[pathway.start],
           referralStarts[nodes[n].pool] != nil {
            let entryPool = nodes[n].pool
            let patient = pools.count
            pools.append(Pool(id: ids.id(for: "participant:patient", proposed: "Participant_patient"),
                              processID: ids.id(for: "process:patient", proposed: "Process_\(slug)_patient"),
                              name: "Patient", organisation: nil, isPatient: true))
            nodes[n].pool = patient
            flows.removeAll { $0.source == start && $0.target == first }
            let referral = referralStart(pool: entryPool, facts: facts)
            let key = uniqueRouteKey("start of the pathway")
            let present = ids.id(for: "present", proposed: "Present_" + Identifiers.ncName("", pools[entryPool].organisation ?? "unassigned"))
            var send = Node(id: present, kind: .messageEndEvent(message: referral.message),
                            name: "Presents to \(pools[entryPool].name)",
                            documentation: "The patient enters the pathway at \(pools[entryPool].name)", pool: patient)
            send.payload = (ConditionText.pythonString(key), referralVariable(pool: entryPool))
            addNode(send)
            flows.append(Flow(id: ids.id(for: "flow:present", proposed: "Flow_\(start)_\(present)"), source: start, target: present))
            messageFlows.append(MessageFlow(id: ids.id(for: "messageflow:present", proposed: "MessageFlow_\(present)"),
                                            source: present, target: referral.start, name: nil, message: referral.message))
            referralRoutes[entryPool, default: []].insert((key, first, "Start of the pathway"), at: 0)
        }
        finishReferrals()
        mergeEachPathBeforeItsJoin(facts)
        insertMerges()
        if let start = startNode, let n = nodeIndex[start] {
            nodes[n].form = Self.patientForm(pathway)
        }
    }

    private var messageNames: Set<String> = []
    /// By pool: its referral start event and message (`referralStart`).
    private var referralStarts: [Int: (start: String, message: String)] = [:]
    /// By pool: the handoffs into it, each with the node where its way in begins.
    private var referralRoutes: [Int: [(key: String, entry: String, documentation: String)]] = [:]
    private var routeKeys: Set<String> = []
    /// The pathway id as an NCName; message ids carry it, because engines that read several
    /// BPMN files at once (SpiffWorkflow) keep one table of messages for all of them.
    private var slug = ""
    private var joinGateways: Set<String> = []
    /// Exclusive gateways that already merge the ways of one parallel path into its join.
    private var mergeGateways: Set<String> = []
    /// Each parallel join gateway with its split step.
    private var joinPaths: [(gateway: String, split: Step)] = []
    /// The step each step node (and decision gateway) stands for.
    private var nodeStep: [String: String] = [:]

    /// A parallel split, where its paths join, and the pool of the join.
    private struct ParallelRegion {
        var split: String
        var join: String
        var pool: Int
    }
    private var parallelRegions: [ParallelRegion] = []
    /// Which steps each region holds: the steps of its paths (nested regions' steps too) and the split.
    private var nesting = RegionNesting()
    /// Catch events waiting for a parallel path to come back, keyed by region and the pool it went to.
    private var pendingReturns: [RegionPool: [(catchEvent: String, message: String)]] = [:]
    /// By pool: the regions with a path in that pool waiting to come back (keys of `pendingReturns`).
    private var waitingRegions: [Int: Set<Int>] = [:]
    private struct RegionPool: Hashable {
        var region: Int
        var pool: Int
    }

    /// Message names must differ: engines such as SpiffWorkflow match messages by name.
    private mutating func uniqueMessageName(_ name: String) -> String {
        Self.unique(name, among: &messageNames)
    }

    /// `name`, or `name (2)`, `name (3)`… : the first not yet in `taken`, which then holds it.
    private static func unique(_ name: String, among taken: inout Set<String>) -> String {
        var candidate = name, n = 2
        while taken.contains(candidate) {
            candidate = "\(name) (\(n))"
            n += 1
        }
        taken.insert(candidate)
        return candidate
    }

    private mutating func addNode(_ node: Node) {
        nodeIndex[node.id] = nodes.count
        nodes.append(node)
    }

    /// Connects two nodes: a sequence flow inside one pool; across pools, a message end event,
    /// a message flow, a message start event and (for a delayed handoff) a timer.
    ///
    /// A parallel path that leaves its join's organisation is different: the sending process
    /// must still reach the join, so it throws the handoff message and waits at a message catch
    /// event; the receiving process ends the path with a message end event whose message
    /// flows back to that catch event.
    @discardableResult
    private mutating func connect(from source: String, fromStep: String, to toStep: String, toNode target: String,
                                  facts: PathwayFacts, name: String?, condition: String?) -> String {
        guard let s = node(source), let t = node(target) else { return "" }
        let key = "\(source)->\(target)#\(flows.count)"
        if s.pool == t.pool {
            let id = ids.id(for: "flow:" + key, proposed: "Flow_\(source)_\(target)")
            flows.append(Flow(id: id, source: source, target: target, name: name, condition: condition))
            return id
        }
        let from = pools[s.pool], to = pools[t.pool]
        let handoff = facts.step(fromStep)?.handoff
        let carried = handoff?.sends.map { $0.isEmpty ? "no data" : $0.joined(separator: ", ") } ?? "the shared record"
        var doc = "Transfer of care to \(to.name)"
        if let via = handoff?.via { doc += " via \(via)" }
        doc += "; carries \(carried)"
        // The first region (in step order) holding both steps, in the sending pool; and the first
        // with a path waiting to come back from this pool that holds `fromStep` and holds or
        // joins at `toStep`, in the receiving pool.
        let fromRegion = nesting.innermostRegion(of: fromStep)
        let common = nesting.commonRegion(fromRegion, nesting.innermostRegion(of: toStep))
        let outbound = nesting.firstRegion(around: common, inPool: s.pool)
        let returning = (waitingRegions[s.pool] ?? []).filter { r in
            let region = parallelRegions[r]
            return t.pool == region.pool
                && (nesting.region(r, holds: common) || region.join == toStep && nesting.region(r, holds: fromRegion))
        }.min()

        if let r = returning {
            // Back to the organisation where the parallel paths join: end this process with a
            // message that the waiting catch event receives.
            let pending = pendingReturns[RegionPool(region: r, pool: s.pool), default: []].removeFirst()
            if pendingReturns[RegionPool(region: r, pool: s.pool)]?.isEmpty ?? true { waitingRegions[s.pool]?.remove(r) }
            let end = ids.id(for: "send:" + key, proposed: "Return_\(fromStep)_\(toStep)".ncNameSafe)
            var handBack = Node(id: end, kind: .messageEndEvent(message: pending.message), name: "Hand back to \(to.name)",
                                documentation: doc, pool: s.pool)
            handBack.payload = (ConditionText.pythonString(uniqueRouteKey("\(fromStep) to \(toStep)")),
                                ConditionText.pythonIdentifier("back_from_" + (from.organisation ?? "unassigned")))
            addNode(handBack)
            let outFlow = ids.id(for: "flow:" + key, proposed: "Flow_\(source)_\(end)")
            flows.append(Flow(id: outFlow, source: source, target: end, name: name, condition: condition))
            messageFlows.append(MessageFlow(id: ids.id(for: "messageflow:" + key, proposed: "MessageFlow_\(end)"),
                                            source: end, target: pending.catchEvent, name: handoff?.via,
                                            message: pending.message))
            let entry = arrive(at: target, pool: t.pool, delay: handoff?.delay, key: key,
                               fromStep: fromStep, toStep: toStep)
            flows.append(Flow(id: ids.id(for: "flow:" + key + ":back", proposed: "Flow_\(pending.catchEvent)_\(entry)"),
                              source: pending.catchEvent, target: entry))
            return outFlow
        }

        let referral = referralStart(pool: t.pool, facts: facts)
        let routeKey = uniqueRouteKey("\(fromStep) to \(toStep)")
        let payload = (ConditionText.pythonString(routeKey), referralVariable(pool: t.pool))
        let send = ids.id(for: "send:" + key, proposed: "Send_\(fromStep)_\(toStep)".ncNameSafe)
        if let r = outbound {
            var thrown = Node(id: send, kind: .messageThrowEvent(message: referral.message), name: "Hand off to \(to.name)",
                              documentation: doc, pool: s.pool)
            thrown.payload = payload
            addNode(thrown)
            let back = ids.id(for: "return:" + key, proposed: "Message_\(slug)_\(fromStep)_\(toStep)_return".ncNameSafe)
            messages.append(Message(id: back, name: uniqueMessageName(
                "Return from \(to.name) to \(from.name) after \(facts.stepLabel(toStep))")))
            let wait = ids.id(for: "await:" + key, proposed: "Await_\(fromStep)_\(toStep)".ncNameSafe)
            addNode(Node(id: wait, kind: .messageCatchEvent(message: back), name: "Back from \(to.name)",
                         documentation: "Waits for this path to come back from \(to.name)", pool: s.pool))
            flows.append(Flow(id: ids.id(for: "flow:" + key + ":await", proposed: "Flow_\(send)_\(wait)"),
                              source: send, target: wait))
            pendingReturns[RegionPool(region: r, pool: t.pool), default: []].append((wait, back))
            waitingRegions[t.pool, default: []].insert(r)
        } else {
            var end = Node(id: send, kind: .messageEndEvent(message: referral.message), name: "Hand off to \(to.name)",
                           documentation: doc, pool: s.pool)
            end.payload = payload
            addNode(end)
        }
        let outFlow = ids.id(for: "flow:" + key, proposed: "Flow_\(source)_\(send)")
        flows.append(Flow(id: outFlow, source: source, target: send, name: name, condition: condition))
        messageFlows.append(MessageFlow(id: ids.id(for: "messageflow:" + key, proposed: "MessageFlow_\(send)"),
                                        source: send, target: referral.start, name: handoff?.via, message: referral.message))
        let entry = arrive(at: target, pool: t.pool, delay: handoff?.delay, key: key, fromStep: fromStep, toStep: toStep)
        referralRoutes[t.pool, default: []].append((routeKey, entry, doc))
        return outFlow
    }

    /// The one message start event through which patients enter an organisation's process from
    /// another organisation (SpiffWorkflow's collaboration loader starts a process instance per
    /// message; a process with several message start events is started several times), with
    /// its message. Which handoff it was travels in the message (`referralVariable`), and a
    /// gateway after the start routes on it (`finishReferrals`).
    private mutating func referralStart(pool p: Int, facts: PathwayFacts) -> (start: String, message: String) {
        if let known = referralStarts[p] { return known }
        let org = Identifiers.ncName("", pools[p].organisation ?? "unassigned")
        let message = ids.id(for: "message:referral:\(p)", proposed: "Message_\(slug)_referral_\(org)")
        messages.append(Message(id: message, name: uniqueMessageName(
            "Patient referred to \(pools[p].name) in \(facts.pathway.title)")))
        let start = ids.id(for: "referral:\(p)", proposed: "Referral_\(org)")
        addNode(Node(id: start, kind: .messageStartEvent(message: message), name: "Referral into \(pools[p].name)",
                     documentation: "A patient handed over from another organisation; the message's payload ("
                        + referralVariable(pool: p) + ") names the handoff.", pool: p))
        referralStarts[p] = (start, message)
        return (start, message)
    }

    /// The process variable that says which handoff brought the patient into pool `p`.
    private func referralVariable(pool p: Int) -> String {
        ConditionText.pythonIdentifier("referral_to_" + (pools[p].organisation ?? "unassigned"))
    }

    private mutating func uniqueRouteKey(_ key: String) -> String {
        Self.unique(key, among: &routeKeys)
    }

    /// Joins each referral start event to the routes it leads to: straight on when there is one,
    /// through an exclusive gateway on the referral variable when there are several.
    private mutating func finishReferrals() {
        for p in referralStarts.keys.sorted() {
            guard let start = referralStarts[p]?.start, let routes = referralRoutes[p], !routes.isEmpty else { continue }
            if routes.count == 1 {
                flows.append(Flow(id: ids.id(for: "flow:referral:\(p)", proposed: "Flow_\(start)_\(routes[0].entry)"),
                                  source: start, target: routes[0].entry))
                continue
            }
            let gateway = ids.id(for: "route:\(p)", proposed: "Route_" + Identifiers.ncName("", pools[p].organisation ?? "unassigned"))
            addNode(Node(id: gateway, kind: .exclusiveGateway, name: "Which referral?",
                         documentation: "Routes on \(referralVariable(pool: p)), set by the referral message", pool: p))
            flows.append(Flow(id: ids.id(for: "flow:referral:\(p)", proposed: "Flow_\(start)_\(gateway)"),
                              source: start, target: gateway))
            for (i, route) in routes.enumerated() {
                let last = i == routes.count - 1
                let id = ids.id(for: "flow:referral:\(p):\(i)", proposed: "Flow_\(gateway)_\(route.entry)")
                flows.append(Flow(id: id, source: gateway, target: route.entry, name: route.key,
                                  condition: last ? nil
                                    : "\(referralVariable(pool: p)) == \(ConditionText.pythonString(route.key))"))
                if last, let n = nodeIndex[gateway] { nodes[n].defaultFlow = id }
            }
        }
    }

    /// The way into the step a patient arrives for: through a timer when the handoff has a
    /// delay. Returns the first node of the way in (the timer, or the step itself).
    private mutating func arrive(at target: String, pool: Int, delay: Distribution?, key: String,
                                 fromStep: String, toStep: String) -> String {
        guard let delay, delay.mean > 0 else { return target }
        let timer = ids.id(for: "delay:" + key, proposed: "Delay_\(fromStep)_\(toStep)".ncNameSafe)
        addNode(Node(id: timer, kind: .timerCatchEvent(duration: TimeText.iso8601(minutes: delay.mean)),
                     name: "Handoff delay \(TimeText.short(delay))",
                     documentation: "Handoff delay: \(TimeText.words(delay))", pool: pool))
        flows.append(Flow(id: ids.id(for: "flow:" + key + ":in", proposed: "Flow_\(timer)_\(target)"),
                          source: timer, target: target))
        return timer
    }

    /// A converging parallel gateway waits for one token on each incoming flow. A parallel path
    /// that reaches the join by more than one flow (a decision on it with one branch straight to
    /// the join and another through more steps) sends one token down one of them, so the flows of
    /// each such path meet at an exclusive merge first: otherwise the join waits for ever (a stock
    /// engine, SpiffWorkflow, stopped there on the heart failure and lower GI pathways).
    private mutating func mergeEachPathBeforeItsJoin(_ facts: PathwayFacts) {
        var incoming: [String: [Int]] = [:]
        for (i, flow) in flows.enumerated() { incoming[flow.target, default: []].append(i) }
        func stepBehind(_ node: String) -> String? {
            var current = node
            for _ in 0..<16 {
                if let step = nodeStep[current] { return step }
                guard let i = incoming[current]?.first else { return nil }
                current = flows[i].source
            }
            return nil
        }
        for (gateway, split) in joinPaths {
            guard let pool = nodeIndex[gateway].map({ nodes[$0].pool }), let join = split.join else { continue }
            let into = incoming[gateway] ?? []
            // One flow per path is the usual case, and needs no walk of the block (a file of
            // thousands of nested blocks would make that walk quadratic).
            guard into.count > split.paths.count else { continue }
            var pathOf: [String: Int] = [:]
            for (index, first) in split.paths.enumerated() where first != join {
                var stack = [first]
                while let id = stack.popLast() {
                    guard id != join, id != split.id, pathOf[id] == nil, let s = facts.step(id) else { continue }
                    pathOf[id] = index
                    stack += StepOrder.outgoing(of: s)
                }
            }
            var byPath: [Int: [Int]] = [:]
            for i in into {
                guard let step = stepBehind(flows[i].source), let path = pathOf[step] else { continue }
                byPath[path, default: []].append(i)
            }
            for (path, incoming) in byPath.sorted(by: { $0.key < $1.key }) where incoming.count > 1 {
                let merge = ids.id(for: "pathmerge:\(gateway):\(path)", proposed: "Merge_\(gateway)_\(path + 1)")
                addNode(Node(id: merge, kind: .exclusiveGateway, name: nil,
                             documentation: "Path \(path + 1) reaches the join one way or another", pool: pool))
                mergeGateways.insert(merge)
                for i in incoming { flows[i].target = merge }
                flows.append(Flow(id: ids.id(for: "flow:pathmerge:\(gateway):\(path)", proposed: "Flow_\(merge)_\(gateway)"),
                                  source: merge, target: gateway))
            }
        }
    }

    /// Every node with more than one incoming sequence flow (other than a parallel join) gets an
    /// exclusive merge gateway in front of it, so each task has exactly one way in.
    private mutating func insertMerges() {
        var incoming: [String: [Int]] = [:]
        for (i, flow) in flows.enumerated() { incoming[flow.target, default: []].append(i) }
        for node in nodes where (incoming[node.id]?.count ?? 0) > 1 && !joinGateways.contains(node.id) && !mergeGateways.contains(node.id) {
            let merge = ids.id(for: "merge:" + node.id, proposed: "Merge_" + node.id)
            addNode(Node(id: merge, kind: .exclusiveGateway, name: nil, documentation: nil, pool: node.pool))
            for i in incoming[node.id] ?? [] { flows[i].target = merge }
            flows.append(Flow(id: ids.id(for: "flow:merge:" + node.id, proposed: "Flow_\(merge)_\(node.id)"),
                              source: merge, target: node.id))
        }
    }

    /// Which parallel regions hold which steps, without listing every nested step in every region
    /// around it (that was quadratic in the nesting depth). Each region records its own level: the
    /// steps reachable from its paths before its join, passing over a nested split to that
    /// split's join. A step is in region r when r is its level's region or one around it. The
    /// pathway loads without errors before export, so blocks nest (CP213–CP216).
    struct RegionNesting {
        /// The innermost region holding each step (a split itself belongs to the one around it).
        private var innermost: [String: Int] = [:]
        private var splits: [String] = []
        private var regionOfSplit: [String: Int] = [:]
        /// Filled by `finish()`: the region around each region (-1 for none), and each region's
        /// interval in a depth-first walk of the nesting tree (r holds q when q's entry falls in r's).
        private var parent: [Int] = []
        private var entry: [Int] = [], exit: [Int] = []
        private var depth: [Int] = []
        private var poolCount = 1
        private var firstInPool: [Int] = []

        mutating func addLevel(of r: Int, split: Step, join: String, _ facts: PathwayFacts) {
            if splits.count <= r { splits += Array(repeating: "", count: r + 1 - splits.count) }
            splits[r] = split.id
            regionOfSplit[split.id] = r
            var stack = split.paths.filter { $0 != join }
            var seen: Set<String> = []
            while let id = stack.popLast() {
                guard id != join, id != split.id, seen.insert(id).inserted, let step = facts.step(id) else { continue }
                if innermost[id] == nil { innermost[id] = r }
                if step.kind == .parallel, let inner = step.join {
                    stack.append(inner)
                } else {
                    stack.append(contentsOf: StepOrder.outgoing(of: step).filter { $0 != join })
                }
            }
        }

        /// Links the regions into a tree once every level is known, with each region's depth and,
        /// for each pool, the first region (lowest index) at or around it in that pool.
        mutating func finish(pools: [Int], poolCount: Int) {
            let n = splits.count
            parent = (0..<n).map { r in
                guard let around = innermost[splits[r]], around != r else { return -1 }
                return around
            }
            var children = [[Int]](repeating: [], count: n)
            for r in 0..<n where parent[r] >= 0 { children[parent[r]].append(r) }
            entry = [Int](repeating: -1, count: n)
            exit = [Int](repeating: -1, count: n)
            depth = [Int](repeating: 0, count: n)
            self.poolCount = max(1, poolCount)
            firstInPool = [Int](repeating: Int.max, count: n * self.poolCount)
            var clock = 0
            for root in 0..<n where parent[root] < 0 {
                var stack: [(Int, Int)] = [(root, 0)]
                visit(root, parent: -1, pools: pools, clock: &clock)
                while let (r, k) = stack.last {
                    if k < children[r].count {
                        stack[stack.count - 1].1 += 1
                        let c = children[r][k]
                        if entry[c] < 0 { visit(c, parent: r, pools: pools, clock: &clock); stack.append((c, 0)) }
                    } else {
                        exit[r] = clock
                        stack.removeLast()
                    }
                }
            }
        }

        private mutating func visit(_ r: Int, parent p: Int, pools: [Int], clock: inout Int) {
            entry[r] = clock
            clock += 1
            depth[r] = p >= 0 ? depth[p] + 1 : 0
            for q in 0..<poolCount {
                var best = p >= 0 ? firstInPool[p * poolCount + q] : Int.max
                if r < pools.count, pools[r] == q { best = min(best, r) }
                firstInPool[r * poolCount + q] = best
            }
        }

        /// The innermost region holding both regions (-1 for none).
        func commonRegion(_ a: Int, _ b: Int) -> Int {
            guard a >= 0, b >= 0, a < entry.count, b < entry.count, entry[a] >= 0, entry[b] >= 0 else { return -1 }
            var a = a, b = b
            while depth[a] > depth[b] { a = parent[a] }
            while depth[b] > depth[a] { b = parent[b] }
            while a != b, a >= 0, b >= 0 { a = parent[a]; b = parent[b] }
            return a == b ? a : -1
        }

        /// The first region (lowest index) that is `r` or one around it, in `pool`.
        func firstRegion(around r: Int, inPool pool: Int) -> Int? {
            guard r >= 0, r < entry.count, pool >= 0, pool < poolCount else { return nil }
            let best = firstInPool[r * poolCount + pool]
            return best == Int.max ? nil : best
        }

        /// The innermost region holding `step` (its own region for a split), or -1.
        func innermostRegion(of step: String) -> Int {
            regionOfSplit[step] ?? innermost[step] ?? -1
        }

        func region(_ r: Int, contains step: String) -> Bool {
            region(r, holds: innermostRegion(of: step))
        }

        /// Whether region `r` is region `q` or one around it.
        func region(_ r: Int, holds q: Int) -> Bool {
            guard q >= 0, r >= 0, r < entry.count, q < entry.count, entry[r] >= 0, entry[q] >= 0 else { return false }
            return entry[r] <= entry[q] && entry[q] < exit[r]
        }
    }

    /// The patient attributes that gateways read, as the start event's form: the EPR passes each
    /// as a process variable when it starts the pathway (a category as one of its values).
    static func patientForm(_ pathway: Pathway) -> [FormField] {
        pathway.attributes.map { attribute in
            let id = ConditionText.pythonIdentifier(attribute.id)
            let label = attribute.description ?? attribute.id
            let unit = attribute.unit.map { "Unit: \($0)" }
            switch attribute.type {
            case .boolean:
                return FormField(id: id, label: label, type: "boolean")
            case .category(let values):
                return FormField(id: id, label: label, type: "enum", values: values.map { ($0.name, $0.name) })
            case .integer(_, let min, let max):
                return FormField(id: id, label: label, type: "long", min: min, max: max, documentation: unit)
            case .number(_, let min, let max):
                return FormField(id: id, label: label, type: "double", min: min, max: max, documentation: unit)
            }
        }
    }

    /// The process variable holding a clinician's choice at a decision.
    static func choiceVariable(_ decision: Step) -> String {
        ConditionText.pythonIdentifier(decision.id + "_outcome")
    }

    /// The form field for a decision where a clinician chooses (some branch has a probability):
    /// an enum of the destinations a choice can lead to (every branch with a probability, and the
    /// default branch), in branch order. nil when rules alone decide.
    static func choiceField(_ decision: Step, _ facts: PathwayFacts) -> FormField? {
        guard decision.branches.contains(where: { $0.probability != nil }) else { return nil }
        let defaultIndex = decision.branches.firstIndex { $0.otherwise } ?? (decision.branches.count - 1)
        var values: [(id: String, name: String)] = []
        for (i, branch) in decision.branches.enumerated() where branch.probability != nil || i == defaultIndex {
            guard !values.contains(where: { $0.id == branch.to }) else { continue }
            values.append((branch.to, branch.label ?? facts.step(branch.to)?.title ?? branch.to))
        }
        return FormField(id: choiceVariable(decision), label: decision.title ?? decision.id, type: "enum", values: values,
                         documentation: "Where no rule decides: " + facts.nextWords(decision))
    }

    /// Each branch's gateway condition (nil for the default flow), as Python over process
    /// variables. Branches are tried in order, so each condition also says that no earlier
    /// branch applied: the conditions are mutually exclusive and any engine may test them in any
    /// order. A rule decides where it applies (`when`); a branch with a probability is a
    /// clinician's choice (`<decision>_outcome`), and with a rule too, the rule must hold.
    static func branchConditions(_ decision: Step, defaultIndex: Int) -> [String?] {
        let choice = choiceVariable(decision)
        var earlier: [String] = []
        return decision.branches.enumerated().map { i, branch in
            guard i != defaultIndex, !branch.otherwise else { return nil }
            let chosen = "\(choice) == \(ConditionText.pythonString(branch.to))"
            let own: String
            switch (branch.when, branch.probability) {
            case (let when?, nil): own = "(" + ConditionText.render(when.expression, .python) + ")"
            case (let when?, _?): own = "(" + ConditionText.render(when.expression, .python) + ") and " + chosen
            case (nil, _?): own = chosen
            case (nil, nil): own = "True"
            }
            defer { earlier.append(own) }
            let grouped = earlier.map { $0.contains(") and ") ? "(\($0))" : $0 }
            return earlier.isEmpty ? own : own + " and not (" + grouped.joined(separator: " or ") + ")"
        }
    }

    static func prefix(_ kind: StepKind) -> String {
        switch kind {
        case .decision: "Decision_"
        case .parallel: "Split_"
        case .wait: "Wait_"
        case .end: "End_"
        default: "Step_"
        }
    }

    /// The BPMN element for a step: a task type an EPR workflow engine understands.
    static func kind(of step: Step, pathway: Pathway) -> NodeKind {
        switch step.kind {
        // Clinician work recorded on a form in the EPR.
        case .referral, .assessment, .meeting: return .task(element: "userTask")
        // Order communications: the order goes to the lab or radiology system, the result comes back.
        case .test: return .task(element: "serviceTask")
        // Hands-on care, documented afterwards.
        case .treatment: return .task(element: "manualTask")
        case .subpathway:
            if let file = step.pathway, let sub = pathway.subpathways[file] {
                return .callActivity(calledElement: BPMNProcessModel.mainProcessID(of: sub))
            }
            return .task(element: "task")
        case .decision: return .exclusiveGateway
        case .parallel: return .parallelGateway
        case .wait: return .timerCatchEvent(duration: TimeText.iso8601(minutes: step.duration?.mean ?? 0))
        case .end: return .endEvent
        }
    }

    /// The id of the process where a pathway starts (what a call activity calls).
    static func mainProcessID(of pathway: Pathway) -> String {
        let model = BPMNProcessModel(pathway)
        return model.nodes.first { $0.kind == .startEvent }.map { model.pools[$0.pool].processID }
            ?? model.pools.first?.processID ?? "Process_" + Identifiers.ncName("", pathway.id)
    }

    static func documentation(_ step: Step, _ facts: PathwayFacts) -> String {
        var lines: [String] = ["Step \(step.id) (\(step.kind.rawValue))"]
        if let role = step.role { lines.append("Role: \(role)") }
        if let code = step.code {
            lines.append("Code: \(code.system) \(code.code)" + (code.display.map { " \($0)" } ?? ""))
        }
        if let d = step.duration { lines.append("Duration: \(TimeText.words(d))") }
        if let r = step.resultAfter { lines.append("Result after: \(TimeText.words(r))") }
        if let every = step.every { lines.append("Held every \(every)") }
        if let resource = step.resource { lines.append("Resource: \(facts.pathway.resource(resource)?.name ?? resource)") }
        if !step.requires.isEmpty { lines.append("Requires: " + step.requires.map(\.name).joined(separator: ", ")) }
        if !step.produces.isEmpty { lines.append("Produces: " + step.produces.map(\.name).joined(separator: ", ")) }
        let targets = facts.targetWords(step)
        if !targets.isEmpty { lines.append("Targets: \(targets)") }
        if step.kind == .decision { lines.append("Rules: \(facts.nextWords(step))") }
        if let outcome = step.outcome { lines.append("Outcome: \(outcome)") }
        if let file = step.pathway { lines.append("Runs pathway: \(file)") }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Characters outside XML's NCName set replaced by `_`.
    var ncNameSafe: String { Identifiers.ncName("", self) }
}
