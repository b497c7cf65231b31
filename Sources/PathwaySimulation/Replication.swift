/// One replication of a compiled pathway: the discrete-event loop and its state.
///
/// Every piece of state is a flat array of numbers indexed by patient slot, step or resource;
/// patient slots are reused once a journey ends, so memory follows the number of patients in
/// the pathway at once, not the number simulated.
struct Replication<Sink: SimulationEventSink> {
    let model: CompiledPathway
    let length: RunLength
    let warmup: Double
    let drainLimit: Double
    var sink: Sink
    var progress: (@Sendable (Int) -> Void)?

    private var calendar = EventCalendar()
    private var arrivalStream: RandomStream
    private var workStream: RandomStream
    private var now = 0.0

    // Patients, by slot.
    private var freeSlots: ContiguousArray<Int32> = []
    private var slotCount = 0
    private var patientNumber: ContiguousArray<Int> = []
    private var arrivalTime: ContiguousArray<Double> = []
    private var liveTokens: ContiguousArray<Int32> = []
    private var counted: ContiguousArray<Bool> = []
    private var attributes: ContiguousArray<Double> = []
    private var clockStart: ContiguousArray<Double> = []
    private var clocksStarted: ContiguousArray<UInt64> = []
    private var clocksStopped: ContiguousArray<UInt64> = []
    private var joinCounters: ContiguousArray<Int32> = []
    private let attributeCount: Int
    private let targetCount: Int
    private let joinCount: Int

    // Resources.
    private var busy: ContiguousArray<Int32>
    private var lines: [WaitingLine]
    private var openingScheduled: ContiguousArray<Bool>
    private var lastChange: ContiguousArray<Double>

    // Arrivals and the observation window.
    private var arrivals = 0
    private var arrivalsStopped = false
    private var inWindow = false
    private var windowClosed = false
    private var inPathway = 0
    private var inPathwayChanged = 0.0
    private let maxArrivalRate: Double
    private let homogeneous: Bool

    private(set) var tally = ReplicationTally()

    init(model: CompiledPathway, length: RunLength, warmupMinutes: Double, drainLimitMinutes: Double,
         seed: UInt64, replication: Int, sink: Sink) {
        self.model = model
        self.length = length
        self.warmup = model.cohortSize != nil ? 0 : max(0, warmupMinutes)
        self.drainLimit = drainLimitMinutes
        self.sink = sink
        arrivalStream = RandomStream(seed: seed, replication: replication, purpose: 1)
        workStream = RandomStream(seed: seed, replication: replication, purpose: 2)
        attributeCount = model.attributeSamplers.count
        targetCount = model.targetIds.count
        joinCount = model.joinCount
        let resources = model.resourceIds.count
        busy = ContiguousArray(repeating: 0, count: resources)
        lines = model.resourcePriorityAttribute.map { WaitingLine(byPriority: $0 >= 0) }
        openingScheduled = ContiguousArray(repeating: false, count: resources)
        lastChange = ContiguousArray(repeating: 0, count: resources)
        maxArrivalRate = model.arrivalRatePerMinute.max() ?? 0
        homogeneous = Set(model.arrivalRatePerMinute).count <= 1
        tally.targetMeasured = Array(repeating: 0, count: targetCount)
        tally.targetMet = Array(repeating: 0, count: targetCount)
        tally.targetMinutes = Array(repeating: 0, count: targetCount)
        tally.targetUnstopped = Array(repeating: 0, count: targetCount)
        tally.stepVisits = Array(repeating: 0, count: model.steps.count)
        tally.stepWaitMinutes = Array(repeating: 0, count: model.steps.count)
        tally.stepWaits = Array(repeating: 0, count: model.steps.count)
        tally.resourceBusy = Array(repeating: 0, count: resources)
        tally.resourceQueueArea = Array(repeating: 0, count: resources)
        tally.resourceOpenMinutes = Array(repeating: 0, count: resources)
        let orgs = model.organisationIds.count
        tally.handoffs = Array(repeating: 0, count: orgs * orgs)
        tally.handoffMinutes = Array(repeating: 0, count: orgs * orgs)
        tally.outcomes = Array(repeating: 0, count: model.outcomeNames.count)
    }

    // MARK: - The loop

    /// Runs the replication to the end and returns its tallies.
    mutating func run() -> ReplicationTally {
        if warmup > 0 {
            calendar.schedule(.warmupEnds, at: warmup)
        } else {
            openWindow()
        }
        if case .days(let days) = length {
            calendar.schedule(.windowCloses, at: warmup + days * 1440)
        }
        scheduleFirstArrival()
        var events = 0
        var drainEnd = Double.infinity
        while let event = calendar.next() {
            now = event.time
            events &+= 1
            if now > drainEnd { break }
            switch event.kind {
            case .arrival:
                arrive()
            case .enterStep:
                enter(event.patient, event.step)
            case .sitting:
                beginWork(event.patient, event.step, entered: now)
            case .workDone:
                workDone(event.patient, event.step)
            case .resultReady:
                leave(event.patient, event.step)
            case .resourceOpens:
                let r = Int(event.step)
                openingScheduled[r] = false
                serveQueue(r, force: true)
            case .warmupEnds:
                openWindow()
            case .windowCloses:
                closeWindow()
                arrivalsStopped = true
            }
            if windowClosed && drainEnd == .infinity { drainEnd = now + drainLimit }
        }
        if !windowClosed { closeWindow() }
        tally.events = events
        tally.arrivals = arrivals
        return tally
    }

    // MARK: - Arrivals

    private mutating func scheduleFirstArrival() {
        if let cohort = model.cohortSize {
            let size: Int
            if case .patients(let n) = length { size = n } else { size = cohort }
            if size > 0 { calendar.schedule(.arrival, at: 0) }
            return
        }
        if let t = nextArrival(after: 0) { calendar.schedule(.arrival, at: t) }
    }

    /// The next Poisson arrival after `time` (thinning when the rate varies by weekday).
    private mutating func nextArrival(after time: Double) -> Double? {
        guard maxArrivalRate > 0 else { return nil }
        var t = time
        if homogeneous { return t + arrivalStream.standardExponential() / maxArrivalRate }
        for _ in 0..<1_000_000 {
            t += arrivalStream.standardExponential() / maxArrivalRate
            let day = Int((t / 1440).rounded(.down)) % 7
            if arrivalStream.uniform() * maxArrivalRate < model.arrivalRatePerMinute[day] { return t }
        }
        return nil
    }

    private mutating func arrive() {
        guard !arrivalsStopped else { return }
        let number = arrivals
        arrivals += 1
        let isCounted = now >= warmup && !arrivalsStopped
        let p = newPatient(number: number, counted: isCounted)
        if isCounted { tally.patients += 1 }
        if let progress, arrivals & 0xFFFF == 0 { progress(arrivals) }
        // Schedule the next arrival before this patient moves, so its sequence number is fixed.
        switch length {
        case .patients(let n):
            if tally.patients >= n {
                arrivalsStopped = true
                if model.cohortSize == nil { closeWindow() }
            }
        case .days:
            break
        }
        if !arrivalsStopped {
            if let cohort = model.cohortSize {
                let size: Int
                if case .patients(let n) = length { size = n } else { size = cohort }
                if arrivals < size { calendar.schedule(.arrival, at: now) } else { arrivalsStopped = true }
            } else if let t = nextArrival(after: now) {
                calendar.schedule(.arrival, at: t)
            }
        }
        if sink.isRecording { sink.patientArrived(number, at: now) }
        enter(p, model.start)
    }

    private mutating func newPatient(number: Int, counted isCounted: Bool) -> Int32 {
        let p: Int32
        if let slot = freeSlots.popLast() {
            p = slot
            let i = Int(p)
            patientNumber[i] = number
            arrivalTime[i] = now
            liveTokens[i] = 1
            counted[i] = isCounted
            clocksStarted[i] = 0
            clocksStopped[i] = 0
        } else {
            p = Int32(slotCount)
            slotCount += 1
            patientNumber.append(number)
            arrivalTime.append(now)
            liveTokens.append(1)
            counted.append(isCounted)
            clocksStarted.append(0)
            clocksStopped.append(0)
            for _ in 0..<attributeCount { attributes.append(0) }
            for _ in 0..<targetCount { clockStart.append(0) }
            for _ in 0..<joinCount { joinCounters.append(0) }
        }
        let base = Int(p) * attributeCount
        for (k, a) in model.attributeSamplers.enumerated() {
            attributes[base + k] = sampleAttribute(a)
        }
        let jbase = Int(p) * joinCount
        for k in 0..<joinCount { joinCounters[jbase + k] = 0 }
        changeInPathway(by: 1)
        return p
    }

    private mutating func sampleAttribute(_ a: AttributeSampler) -> Double {
        switch a.kind {
        case .integer:
            return min(a.maximum, max(a.minimum, model.sampler.sample(a.distribution, &arrivalStream).rounded()))
        case .number:
            return min(a.maximum, max(a.minimum, model.sampler.sample(a.distribution, &arrivalStream)))
        case .boolean:
            return arrivalStream.uniform() < a.probability ? 1 : 0
        case .category:
            let u = arrivalStream.uniform()
            for (i, c) in a.cumulative.enumerated() where u < c { return Double(i) }
            return Double(max(0, a.cumulative.count - 1))
        }
    }

    // MARK: - Moving through steps

    /// A token of patient `p` enters step `first`; instant steps are followed in a loop until the
    /// token has to wait for something.
    private mutating func enter(_ p: Int32, _ first: Int32) {
        var s = first
        let pi = Int(p)
        while true {
            let step = model.steps[Int(s)]
            if step.joinSlot >= 0 {
                let c = pi * joinCount + Int(step.joinSlot)
                joinCounters[c] += 1
                if joinCounters[c] < step.joinExpected {
                    liveTokens[pi] -= 1
                    return
                }
                joinCounters[c] = 0
            }
            if step.targetStarts | step.targetStops != 0 { runClocks(pi, step) }
            if counted[pi] { tally.stepVisits[Int(s)] += 1 }
            let next: Int32
            switch step.behaviour {
            case .pass:
                next = step.next
            case .decision:
                logInstant(pi, s, step)
                next = choose(pi, step)
            case .parallel:
                logInstant(pi, s, step)
                let first = Int(step.firstOut)
                for k in 1..<max(1, Int(step.outCount)) {
                    liveTokens[pi] += 1
                    let path = model.paths[first + k]
                    if transition(p, from: s, step, to: path) {
                        calendar.schedule(.enterStep, at: now, step: path, patient: p)
                    }
                }
                next = step.outCount > 0 ? model.paths[first] : -1
            case .end:
                logInstant(pi, s, step)
                if counted[pi] { tally.outcomes[Int(step.outcome)] += 1 }
                liveTokens[pi] -= 1
                if liveTokens[pi] == 0 { finish(p) }
                return
            case .work:
                if step.resource < 0 && step.duration < 0 && step.resultAfter < 0 && step.every == 0 {
                    // Nothing to wait for: an instant step.
                    if counted[pi] { tally.stepWaits[Int(s)] += 1 }
                    logInstant(pi, s, step)
                    next = step.next
                } else {
                    if step.every > 0 {
                        let cycles = ((now - step.everyOffset) / step.every).rounded(.up)
                        let sitting = max(now, step.everyOffset + cycles * step.every)
                        if sitting > now {
                            if counted[pi] { tally.stepWaitMinutes[Int(s)] += sitting - now }
                            calendar.schedule(.sitting, at: sitting, step: s, patient: p)
                            return
                        }
                    }
                    beginWork(p, s, entered: now)
                    return
                }
            }
            guard next >= 0 else {
                // A dead end (validation reports these): the token stops here.
                liveTokens[pi] -= 1
                if liveTokens[pi] == 0 { finish(p) }
                return
            }
            if !transition(p, from: s, step, to: next) { return }
            s = next
        }
    }

    /// Moves a token from step `from` to `to`. Returns true when it may enter `to` now; false when
    /// a handoff delay was scheduled instead.
    @inline(__always)
    private mutating func transition(_ p: Int32, from: Int32, _ step: CompiledStep, to: Int32) -> Bool {
        let target = model.steps[Int(to)]
        let a = step.organisation, b = target.organisation
        guard a >= 0, b >= 0, a != b, target.namesOrganisation else { return true }
        let delay = step.handoffDelay >= 0 ? model.sampler.duration(step.handoffDelay, &workStream) : 0
        if counted[Int(p)] {
            let pair = Int(a) * model.organisationIds.count + Int(b)
            tally.handoffs[pair] += 1
            tally.handoffMinutes[pair] += delay
        }
        if delay > 0 {
            calendar.schedule(.enterStep, at: now + delay, step: to, patient: p)
            return false
        }
        return true
    }

    private mutating func choose(_ pi: Int, _ step: CompiledStep) -> Int32 {
        let first = Int(step.firstOut), end = first + Int(step.outCount)
        var drawn = false
        var u = 0.0
        var cumulative = 0.0
        var fallback: Int32 = -1
        var i = first
        while i < end {
            let b = model.branches[i]
            i += 1
            if b.otherwise {
                fallback = b.to
                continue
            }
            if b.condition >= 0 {
                if !holds(b.condition, pi) { continue }
                if b.probability < 0 || workStream.uniform() < b.probability { return b.to }
                continue
            }
            if b.probability >= 0 {
                if !drawn {
                    u = workStream.uniform()
                    drawn = true
                }
                cumulative += b.probability
                if u < cumulative { return b.to }
                continue
            }
            return b.to
        }
        return fallback >= 0 ? fallback : (end > first ? model.branches[end - 1].to : -1)
    }

    private func holds(_ condition: Int32, _ pi: Int) -> Bool {
        let c = model.conditions[Int(condition)]
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, c.maxDepth + 1)) { stack in
            attributes.withUnsafeBufferPointer { values in
                c.evaluate(values, base: pi * attributeCount, stack: stack)
            }
        }
    }

    // MARK: - Work, resources and calendars

    private mutating func beginWork(_ p: Int32, _ s: Int32, entered: Double) {
        let step = model.steps[Int(s)]
        let r = Int(step.resource)
        if r < 0 {
            if counted[Int(p)] { tally.stepWaits[Int(s)] += 1 }
            startWork(p, s, step)
            return
        }
        if busy[r] < model.resourceCapacity[r] && lines[r].isEmpty && model.resourceHours[r].isOpen(now) {
            seize(r)
            if counted[Int(p)] { tally.stepWaits[Int(s)] += 1 }
            startWork(p, s, step)
            return
        }
        noteChange(r)
        let attribute = model.resourcePriorityAttribute[r]
        var key = 0.0
        if attribute >= 0 {
            key = attributes[Int(p) * attributeCount + Int(attribute)]
            if model.resourcePriorityIsCategory[r] { key = -key }
        }
        lines[r].push(patient: p, step: s, entered: entered, key: key)
        scheduleOpeningIfClosed(r)
    }

    @inline(__always)
    private mutating func seize(_ r: Int) {
        noteChange(r)
        busy[r] += 1
    }

    private mutating func startWork(_ p: Int32, _ s: Int32, _ step: CompiledStep) {
        if sink.isRecording { log(Int(p), s, step, .start) }
        let d = step.duration >= 0 ? model.sampler.duration(step.duration, &workStream) : 0
        calendar.schedule(.workDone, at: now + d, step: s, patient: p)
    }

    private mutating func workDone(_ p: Int32, _ s: Int32) {
        let step = model.steps[Int(s)]
        if sink.isRecording { log(Int(p), s, step, .complete) }
        let r = Int(step.resource)
        if r >= 0 {
            noteChange(r)
            busy[r] -= 1
            serveQueue(r, force: false)
        }
        if step.resultAfter >= 0 {
            let d = model.sampler.duration(step.resultAfter, &workStream)
            if d > 0 {
                calendar.schedule(.resultReady, at: now + d, step: s, patient: p)
                return
            }
        }
        leave(p, s)
    }

    /// The token leaves step `s` (work and any result done) for its next step.
    private mutating func leave(_ p: Int32, _ s: Int32) {
        let step = model.steps[Int(s)]
        let next = step.next
        guard next >= 0 else {
            liveTokens[Int(p)] -= 1
            if liveTokens[Int(p)] == 0 { finish(p) }
            return
        }
        if transition(p, from: s, step, to: next) { enter(p, next) }
    }

    /// Starts queued work while servers are free and the resource is open. `force` trusts that
    /// the resource has just opened (the opening event), whatever rounding says.
    private mutating func serveQueue(_ r: Int, force: Bool) {
        guard !lines[r].isEmpty else { return }
        if !force && !model.resourceHours[r].isOpen(now) {
            scheduleOpeningIfClosed(r)
            return
        }
        while busy[r] < model.resourceCapacity[r], let next = lines[r].pop() {
            seize(r) // notes the queue change too
            if counted[Int(next.patient)] {
                tally.stepWaits[Int(next.step)] += 1
                tally.stepWaitMinutes[Int(next.step)] += now - next.entered
            }
            startWork(next.patient, next.step, model.steps[Int(next.step)])
        }
    }

    private mutating func scheduleOpeningIfClosed(_ r: Int) {
        let hours = model.resourceHours[r]
        guard !hours.alwaysOpen, !openingScheduled[r], !hours.isOpen(now) else { return }
        if let t = hours.nextOpening(after: now) {
            openingScheduled[r] = true
            calendar.schedule(.resourceOpens, at: t, step: Int32(r))
        }
    }

    /// Adds the time since the resource's last change to its busy and queue areas.
    @inline(__always)
    private mutating func noteChange(_ r: Int) {
        if inWindow {
            let dt = now - lastChange[r]
            tally.resourceBusy[r] += Double(busy[r]) * dt
            tally.resourceQueueArea[r] += Double(lines[r].count) * dt
        }
        lastChange[r] = now
    }

    // MARK: - Targets, journeys, the window

    private mutating func runClocks(_ pi: Int, _ step: CompiledStep) {
        var starts = step.targetStarts & ~clocksStarted[pi]
        clocksStarted[pi] |= starts
        while starts != 0 {
            let k = starts.trailingZeroBitCount
            starts &= starts - 1
            clockStart[pi * targetCount + k] = now
        }
        var stops = step.targetStops & clocksStarted[pi] & ~clocksStopped[pi]
        clocksStopped[pi] |= stops
        guard counted[pi] else { return }
        while stops != 0 {
            let k = stops.trailingZeroBitCount
            stops &= stops - 1
            let elapsed = now - clockStart[pi * targetCount + k]
            tally.targetMeasured[k] += 1
            tally.targetMinutes[k] += elapsed
            if elapsed <= model.targetWithin[k] { tally.targetMet[k] += 1 }
        }
    }

    private mutating func finish(_ p: Int32) {
        let pi = Int(p)
        if counted[pi] {
            let journey = now - arrivalTime[pi]
            tally.finished += 1
            tally.journeySum += journey
            tally.journeySumOfSquares += journey * journey
            tally.journeyHistogram.add(journey)
            var unstopped = clocksStarted[pi] & ~clocksStopped[pi]
            while unstopped != 0 {
                tally.targetUnstopped[unstopped.trailingZeroBitCount] += 1
                unstopped &= unstopped - 1
            }
        }
        if sink.isRecording { sink.patientFinished(patientNumber[pi], at: now) }
        changeInPathway(by: -1)
        freeSlots.append(p)
    }

    private mutating func changeInPathway(by delta: Int) {
        if inWindow { tally.inPathwayArea += Double(inPathway) * (now - inPathwayChanged) }
        inPathwayChanged = now
        inPathway += delta
    }

    private mutating func openWindow() {
        guard !inWindow, !windowClosed else { return }
        inWindow = true
        tally.windowStart = now
        for r in lastChange.indices { lastChange[r] = now }
        inPathwayChanged = now
    }

    private mutating func closeWindow() {
        guard !windowClosed else { return }
        if !inWindow { openWindow() }
        for r in lastChange.indices {
            noteChange(r)
            tally.resourceOpenMinutes[r] = model.resourceHours[r].openMinutes(from: tally.windowStart, to: now)
        }
        changeInPathway(by: 0)
        inWindow = false
        windowClosed = true
        tally.windowEnd = now
    }

    // MARK: - Event log

    @inline(__always)
    private mutating func logInstant(_ pi: Int, _ s: Int32, _ step: CompiledStep) {
        if sink.isRecording && step.logged { log(pi, s, step, .complete) }
    }

    private mutating func log(_ pi: Int, _ s: Int32, _ step: CompiledStep, _ lifecycle: Lifecycle) {
        guard step.logged else { return }
        sink.step(Int(s), lifecycle: lifecycle, patient: patientNumber[pi], at: now,
                  organisation: Int(step.organisation), resource: Int(step.resource))
    }
}
