import Foundation
/// One replication of a compiled pathway: the discrete-event loop and its state.
///
/// Every piece of state is a flat array of numbers indexed by patient slot, step or resource;
/// patient slots are reused once a journey ends, so memory follows the number of patients in
/// the pathway at once, not the number simulated.
///
/// It cannot be copied: it owns its buffers (`FlatBuffer`, `WaitingLines`, the calendar), which
/// free themselves when it goes away, so no copy can free them twice. `run()` may be called more
/// than once: each call after the first starts again from fresh state and the same random
/// streams, so it returns the same tally (and a recording sink receives the events again).
struct Replication<Sink: SimulationEventSink>: ~Copyable {
    let model: CompiledPathway
    let length: RunLength
    let warmup: Double
    let drainLimit: Double
    let seed: UInt64
    /// Most patients in the pathway at once before the run stops (the memory limit).
    var maxPatientsAtOnce = Int(Int32.max) - 1
    /// Index of this replication (from 0), for the memory-stop message.
    let replicationIndex: Int
    var sink: Sink
    var progress: (@Sendable (Int) -> Void)?

    /// Whether `run()` has been called: a second call starts from a fresh replication.
    private var hasRun = false

    private var calendar = EventCalendar()
    private var arrivalStream: RandomStream
    private var workStream: RandomStream
    /// Draws for the backlog's patients (their attributes and waits), apart from arrivals'.
    private var backlogStream: RandomStream
    /// Per resource, draws for its background demand (unused when it has none).
    private var backgroundStreams: [RandomStream]
    /// Patients of the backlog (counted, but not toward `--patients`).
    private var backlogPatients = 0
    private let hasBackground: Bool
    /// The same arrival rate every day of the week (no thinning needed).
    private let flatWeek: Bool
    private var now = 0.0

    // The compiled model's hot tables, copied into flat buffers: reading an element of one of
    // `model`'s arrays checks its bounds and may retain the array (and an `OpeningHours`, which
    // holds an array itself, is retained and released on every read); these are plain loads.
    // Steps are read in place through `steps.pointer(_:)`: copying the 56-byte step out first went
    // through the stack, and reading its fields back stalled on store forwarding (a third of
    // `follow`). The buffer is never appended to, so those pointers stay valid for the run.
    private let steps: FlatBuffer<CompiledStep>
    private let branches: FlatBuffer<CompiledBranch>
    private let resourceCapacity: FlatBuffer<Int32>
    private let hours: ResourceHours
    private let clockStarts: FlatBuffer<UInt64>
    private let clockStops: FlatBuffer<UInt64>
    private let targetWithin: FlatBuffer<Double>
    /// The model's distributions, drawn from as `model.sampler` draws (see `FlatSampler`).
    private let sampler: FlatSampler

    // Patients, by slot.
    private var freeSlots = FlatBuffer<Int32>(repeating: 0, count: 0)
    private var slotCount = 0
    private var patientNumber = FlatBuffer<Int>(repeating: 0, count: 0)
    private var arrivalTime = FlatBuffer<Double>(repeating: 0, count: 0)
    private var liveTokens = FlatBuffer<Int32>(repeating: 0, count: 0)
    private var counted = FlatBuffer<Bool>(repeating: false, count: 0)
    private var attributes = FlatBuffer<Double>(repeating: 0, count: 0)
    private var clockStart = FlatBuffer<Double>(repeating: 0, count: 0)
    private var clocksStarted = FlatBuffer<UInt64>(repeating: 0, count: 0)
    private var clocksStopped = FlatBuffer<UInt64>(repeating: 0, count: 0)
    private var joinCounters = FlatBuffer<Int32>(repeating: 0, count: 0)
    private var journeys = FlatBuffer<PatientBurden.Journey>(repeating: PatientBurden.Journey(), count: 0)
    private let attributeCount: Int
    private let targetCount: Int
    private let joinCount: Int

    // Resources.
    private var busy: FlatBuffer<Int32>
    private let lines: WaitingLines
    private var openingScheduled: FlatBuffer<Bool>
    private var lastChange: FlatBuffer<Double>

    // Hot tallies, copied into `tally` when the run ends.
    private let stepVisits: FlatBuffer<Int>
    private let stepWaits: FlatBuffer<Int>
    private let stepWaitMinutes: FlatBuffer<Double>
    private let resourceBusy: FlatBuffer<Double>
    private let resourceOutsideHours: FlatBuffer<Double>
    private let resourceQueueArea: FlatBuffer<Double>
    private let handoffs: FlatBuffer<Int>
    private let handoffMinutes: FlatBuffer<Double>
    private let outcomes: FlatBuffer<Int>
    private let targetMeasured: FlatBuffer<Int>
    private let targetMet: FlatBuffer<Int>
    private let targetMinutes: FlatBuffer<Double>
    private let targetUnstopped: FlatBuffer<Int>
    private let burden: FlatBuffer<Int>
    /// Finished patients' journey times, binned as `JourneyHistogram` bins them.
    private let journeyBins = FlatBuffer<UInt32>(repeating: 0, count: JourneyHistogram.binCount)

    // Arrivals and the observation window.
    private var arrivals = 0
    /// Tokens stopped in a loop that takes no time, by step (counted patients only).
    private var timelessStops: [Int32: Int] = [:]
    /// Parallel paths still to enter, deepest split last: (split step, path's first step, whether
    /// it is an extra token). A work list instead of recursion, so deep nesting cannot overflow the stack.
    private var pendingPaths: ContiguousArray<(from: Int32, to: Int32, extra: Bool)> = []
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
        self.replicationIndex = replication
        self.seed = seed
        self.sink = sink
        arrivalStream = RandomStream(seed: seed, replication: replication, purpose: 1)
        workStream = RandomStream(seed: seed, replication: replication, purpose: 2)
        backlogStream = RandomStream(seed: seed, replication: replication, purpose: 3)
        backgroundStreams = (0..<model.resourceIds.count).map {
            RandomStream(seed: seed, replication: replication, purpose: 16 + UInt64($0))
        }
        hasBackground = model.resourceBackground.contains { $0.perMinute > 0 }
        attributeCount = model.attributeSamplers.count
        targetCount = model.targetIds.count
        joinCount = model.joinCount
        let resources = model.resourceIds.count
        busy = FlatBuffer(repeating: 0, count: resources)
        lines = WaitingLines(model.resourcePriorityAttribute.map { WaitingLine(byPriority: $0 >= 0) })
        openingScheduled = FlatBuffer(repeating: false, count: resources)
        lastChange = FlatBuffer(repeating: 0, count: resources)
        steps = FlatBuffer(model.steps)
        branches = FlatBuffer(model.branches)
        resourceCapacity = FlatBuffer(model.resourceCapacity)
        hours = ResourceHours(model.resourceHours)
        clockStarts = FlatBuffer(model.clockStarts)
        clockStops = FlatBuffer(model.clockStops)
        targetWithin = FlatBuffer(model.targetWithin)
        sampler = FlatSampler(model.sampler)
        let steps = model.steps.count, orgs = model.organisationIds.count
        stepVisits = FlatBuffer(repeating: 0, count: steps)
        stepWaits = FlatBuffer(repeating: 0, count: steps)
        stepWaitMinutes = FlatBuffer(repeating: 0, count: steps)
        resourceBusy = FlatBuffer(repeating: 0, count: resources)
        resourceOutsideHours = FlatBuffer(repeating: 0, count: resources)
        resourceQueueArea = FlatBuffer(repeating: 0, count: resources)
        handoffs = FlatBuffer(repeating: 0, count: orgs * orgs)
        handoffMinutes = FlatBuffer(repeating: 0, count: orgs * orgs)
        outcomes = FlatBuffer(repeating: 0, count: model.outcomeNames.count)
        targetMeasured = FlatBuffer(repeating: 0, count: targetCount)
        targetMet = FlatBuffer(repeating: 0, count: targetCount)
        targetMinutes = FlatBuffer(repeating: 0, count: targetCount)
        targetUnstopped = FlatBuffer(repeating: 0, count: targetCount)
        burden = FlatBuffer(repeating: 0, count: PatientBurden.tallySize(outcomes: model.outcomeNames.count))
        maxArrivalRate = model.arrivalRatePerMinute.max() ?? 0
        flatWeek = Set(model.arrivalRatePerMinute).count <= 1
        homogeneous = flatWeek && model.arrivalGrowth == 0
        tally.resourceOpenMinutes = Array(repeating: 0, count: resources)
    }

    // MARK: - The loop

    /// Runs the replication to the end and returns its tallies. Running it again starts over
    /// from the same seed (fresh state, same streams) and returns the same tallies.
    mutating func run() -> ReplicationTally {
        if hasRun { restart() }
        hasRun = true
        if warmup > 0 {
            calendar.schedule(.warmupEnds, at: warmup)
        } else {
            openWindow()
        }
        if case .days(let days) = length {
            calendar.schedule(.windowCloses, at: warmup + days * 1440)
        }
        scheduleFirstArrival()
        scheduleBackground()
        placeBacklog()
        var events = 0
        var drainEnd = Double.infinity
        var pastHorizon: Event?
        while let event = calendar.next() {
            if event.time > drainEnd {
                pastHorizon = event
                now = drainEnd
                break
            }
            now = event.time
            events &+= 1
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
            case .missedDone:
                missedDone(event.patient, event.step)
            case .backgroundArrival:
                backgroundArrives(Int(event.step))
            case .backgroundDone:
                let r = Int(event.step)
                noteChange(r)
                busy[r] -= 1
                serveQueue(r, force: false)
            }
            // Other work goes on for ever: the run ends when this pathway's last patient has gone.
            if hasBackground && arrivalsStopped && inPathway == 0 && (windowClosed || model.cohortSize != nil) { break }
            // The drain limit runs from the end of arrivals: the window's close, or a cohort's last
            // arrival (a cohort's window stays open while its journeys run; without this a journey
            // that never ends ran the replication for ever).
            if drainEnd == .infinity && (windowClosed || arrivalsStopped && model.cohortSize != nil) {
                drainEnd = now + drainLimit
            }
            if tally.memoryStop != nil { break }
        }
        if !windowClosed { closeWindow() }
        if tally.memoryStop == nil { countUnfinished(pending: pastHorizon) }
        tally.horizon = now
        tally.events = events
        tally.arrivals = arrivals
        tally.stepVisits = stepVisits.array()
        tally.stepWaits = stepWaits.array()
        tally.stepWaitMinutes = stepWaitMinutes.array()
        tally.resourceBusy = resourceBusy.array()
        tally.resourceOutsideHours = resourceOutsideHours.array()
        tally.resourceQueueArea = resourceQueueArea.array()
        tally.handoffs = handoffs.array()
        tally.handoffMinutes = handoffMinutes.array()
        tally.outcomes = outcomes.array()
        tally.targetMeasured = targetMeasured.array()
        tally.targetMet = targetMet.array()
        tally.targetMinutes = targetMinutes.array()
        tally.targetUnstopped = targetUnstopped.array()
        tally.burden = burden.array()
        tally.journeyHistogram = JourneyHistogram(counts: journeyBins.array(), total: tally.finished)
        // The buffers are freed by their own `deinit` when this replication goes away.
        return tally
    }

    /// Replaces every piece of state with a fresh replication's, keeping the configuration (the
    /// buffers of the old state free themselves as it is replaced).
    private mutating func restart() {
        var fresh = Replication(model: model, length: length, warmupMinutes: warmup, drainLimitMinutes: drainLimit,
                                seed: seed, replication: replicationIndex, sink: sink)
        fresh.maxPatientsAtOnce = maxPatientsAtOnce
        fresh.progress = progress
        self = fresh
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

    /// The next Poisson arrival after `time`: thinning when the rate varies by weekday, and with
    /// demand growth the exact inverse of the growing process's cumulative rate.
    private mutating func nextArrival(after time: Double) -> Double? {
        guard maxArrivalRate > 0 else { return nil }
        var t = time
        // The sampler's copy of the tables, not `standardExponential()`'s lazy global: the same draws.
        if homogeneous { return t + arrivalStream.zigguratExponential(sampler.exponential) / maxArrivalRate }
        let k = model.arrivalGrowth
        for _ in 0..<1_000_000 {
            let e = arrivalStream.zigguratExponential(sampler.exponential)
            if k == 0 {
                t += e / maxArrivalRate
            } else {
                // Rate maxRate·exp(k·t): the next time solves ∫ rate = e, exp(k·t') = exp(k·t) + k·e / maxRate.
                let x = Foundation.exp(k * t) + k * e / maxArrivalRate
                guard x > 0 else { return nil } // shrinking demand that has run out
                t = Foundation.log(x) / k
            }
            if flatWeek { return t }
            let day = Int((t / 1440).rounded(.down)) % 7
            if arrivalStream.uniform() * maxArrivalRate < model.arrivalRatePerMinute[day] { return t }
        }
        return nil
    }

    /// Puts the backlog's patients in their steps at time 0, their clocks already running for
    /// as long as they have waited.
    private mutating func placeBacklog() {
        for entry in model.backlog {
            for _ in 0..<entry.patients {
                if freeSlots.count == 0 && slotCount >= maxPatientsAtOnce {
                    stopForMemory()
                    return
                }
                let number = arrivals
                arrivals += 1
                backlogPatients += 1
                swap(&arrivalStream, &backlogStream) // the backlog's attributes come from its own stream
                let p = newPatient(number: number, counted: true)
                swap(&arrivalStream, &backlogStream)
                tally.patients += 1
                let pi = Int(p)
                let waited = entry.waited >= 0 ? max(0, sampler.duration(entry.waited, &backlogStream)) : 0
                arrivalTime[pi] = now - waited
                var clocks = entry.clocks
                clocksStarted[pi] |= clocks
                while clocks != 0 {
                    let k = clocks.trailingZeroBitCount
                    clocks &= clocks - 1
                    clockStart[pi * targetCount + k] = now - waited
                }
                if sink.isRecording {
                    sink.patientArrived(number, at: now)
                    sink.patientWaiting(number, since: now - waited)
                    let base = pi * attributeCount
                    sink.patientAttributes(number, values: Array(attributes.values[base..<base + attributeCount]))
                }
                enter(p, entry.step)
            }
        }
    }

    /// Schedules each resource's first piece of other work.
    private mutating func scheduleBackground() {
        for r in 0..<model.resourceBackground.count where model.resourceBackground[r].perMinute > 0 {
            let t = backgroundStreams[r].zigguratExponential(sampler.exponential) / model.resourceBackground[r].perMinute
            calendar.schedule(.backgroundArrival, at: now + t, step: Int32(r))
        }
    }

    /// Other work arrives at resource `r`: it starts if a server is free, else queues first come,
    /// first served (after every patient of this pathway in a queue ordered by priority).
    private mutating func backgroundArrives(_ r: Int) {
        let b = model.resourceBackground[r]
        let next = backgroundStreams[r].zigguratExponential(sampler.exponential) / b.perMinute
        calendar.schedule(.backgroundArrival, at: now + next, step: Int32(r))
        if busy[r] < resourceCapacity[r] && lines[r].isEmpty && hours.isOpen(r, now) {
            startBackground(r)
            return
        }
        noteChange(r)
        lines[r].push(patient: -1, step: -1, entered: now, key: model.resourcePriorityAttribute[r] >= 0 ? -Double.infinity : 0)
        scheduleOpeningIfClosed(r)
    }

    private mutating func startBackground(_ r: Int) {
        seize(r)
        let d = sampler.duration(model.resourceBackground[r].duration, &backgroundStreams[r])
        calendar.schedule(.backgroundDone, at: now + d, step: Int32(r))
    }

    private mutating func arrive() {
        guard !arrivalsStopped else { return }
        let number = arrivals
        arrivals += 1
        let isCounted = now >= warmup && !arrivalsStopped
        if freeSlots.count == 0 && slotCount >= maxPatientsAtOnce {
            stopForMemory()
            return
        }
        let p = newPatient(number: number, counted: isCounted)
        if isCounted { tally.patients += 1 }
        if arrivals & 0xFFFF == 0, let progress { progress(arrivals) } // the cheap test first
        // Schedule the next arrival before this patient moves, so its sequence number is fixed.
        switch length {
        case .patients(let n):
            if tally.patients - backlogPatients >= n {
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
        if sink.isRecording {
            sink.patientArrived(number, at: now)
            let base = Int(p) * attributeCount
            sink.patientAttributes(number, values: Array(attributes.values[base..<base + attributeCount]))
        }
        enter(p, model.start)
    }

    /// Stops arrivals and the run: one more patient would pass the memory limit. Records the
    /// longest waiting line, which is usually why patients pile up.
    private mutating func stopForMemory() {
        arrivalsStopped = true
        var longest: MemoryStop.Queue?
        for r in 0..<lines.count where lines[r].count > (longest?.waiting ?? 0) {
            longest = MemoryStop.Queue(resource: model.resourceIds[r], waiting: lines[r].count)
        }
        tally.memoryStop = MemoryStop(replication: replicationIndex + 1, patientsAtOnce: slotCount - freeSlots.count,
                                      longestQueue: longest)
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
            journeys[i] = PatientBurden.Journey()
        } else {
            p = Int32(slotCount)
            slotCount += 1
            patientNumber.append(number)
            arrivalTime.append(now)
            liveTokens.append(1)
            counted.append(isCounted)
            clocksStarted.append(0)
            clocksStopped.append(0)
            journeys.append(PatientBurden.Journey())
            for _ in 0..<attributeCount { attributes.append(0) }
            for _ in 0..<targetCount { clockStart.append(0) }
            for _ in 0..<joinCount { joinCounters.append(0) }
        }
        let base = Int(p) * attributeCount
        for k in 0..<attributeCount {
            let value = sampleAttribute(model.attributeSamplers[k]) // (draws mutate self: not inside the buffer's access)
            attributes[base + k] = value
        }
        let jbase = Int(p) * joinCount
        for k in 0..<joinCount { joinCounters[jbase + k] = 0 }
        changeInPathway(by: 1)
        return p
    }

    private mutating func sampleAttribute(_ a: AttributeSampler) -> Double {
        switch a.kind {
        case .integer:
            return min(a.maximum, max(a.minimum, sampler.sample(a.distribution, &arrivalStream).rounded()))
        case .number:
            return min(a.maximum, max(a.minimum, sampler.sample(a.distribution, &arrivalStream)))
        case .boolean:
            return arrivalStream.uniform() < a.probability ? 1 : 0
        case .category:
            return sampler.sample(a.distribution, &arrivalStream)
        }
    }

    // MARK: - Moving through steps

    /// A token of patient `p` enters step `first`; instant steps are followed in a loop until the
    /// token has to wait for something. A parallel step's paths are entered one after another,
    /// each to the end of its instant run (depth first, the first path last).
    private mutating func enter(_ p: Int32, _ first: Int32) {
        let base = pendingPaths.count
        var instantSteps = 0
        follow(p, first, &instantSteps)
        while pendingPaths.count > base {
            let path = pendingPaths.removeLast()
            if path.extra { liveTokens[Int(p)] += 1 }
            if transition(p, from: path.from, steps.pointer(Int(path.from)), to: path.to) { follow(p, path.to, &instantSteps) }
        }
    }

    private mutating func follow(_ p: Int32, _ first: Int32, _ instantSteps: inout Int) {
        var s = first
        let pi = Int(p)
        while true {
            instantSteps &+= 1
            if instantSteps > timelessStepLimit {
                // A loop that takes no time (CP219 refuses these in files): stop the token here
                // rather than spin; it is counted as unfinished at this step.pointee.
                timelessStops[s, default: 0] += counted[pi] ? 1 : 0
                return
            }
            let step = steps.pointer(Int(s))
            if step.pointee.joinSlot >= 0 {
                let c = pi * joinCount + Int(step.pointee.joinSlot)
                joinCounters[c] += 1
                if joinCounters[c] < step.pointee.joinExpected {
                    liveTokens[pi] -= 1
                    return
                }
                joinCounters[c] = 0
            }
            if step.pointee.clockPoints & 1 != 0 { runClocks(pi, s, point: 0, at: now) }
            if counted[pi] { stepVisits[Int(s)] += 1 }
            let next: Int32
            switch step.pointee.behaviour {
            case .pass:
                next = step.pointee.next
            case .decision:
                logInstant(pi, s, step)
                next = choose(pi, step)
            case .parallel:
                logInstant(pi, s, step)
                let first = Int(step.pointee.firstOut), count = Int(step.pointee.outCount)
                if count > 0 {
                    // The first path goes last; the others are extra tokens, entered in order.
                    pendingPaths.append((from: s, to: model.paths[first], extra: false))
                    for k in stride(from: count - 1, through: 1, by: -1) {
                        pendingPaths.append((from: s, to: model.paths[first + k], extra: true))
                    }
                    return
                }
                next = -1
            case .end:
                logInstant(pi, s, step)
                if counted[pi] { outcomes[Int(step.pointee.outcome)] += 1 }
                journeys[pi].outcome = step.pointee.outcome
                liveTokens[pi] -= 1
                if liveTokens[pi] == 0 { finish(p) }
                return
            case .work:
                if step.pointee.resource < 0 && step.pointee.duration < 0 && step.pointee.resultAfter < 0 && step.pointee.meeting < 0 {
                    // Nothing to wait for: an instant step.pointee.
                    if counted[pi] { stepWaits[Int(s)] += 1 }
                    logInstant(pi, s, step)
                    next = step.pointee.next
                } else {
                    if sink.isRecording { log(pi, s, step, .schedule) }
                    if step.pointee.meeting >= 0 {
                        let meeting = model.meetings[Int(step.pointee.meeting)]
                        let cycles = ((now - meeting.offset) / meeting.every).rounded(.up)
                        let sitting = max(now, meeting.offset + cycles * meeting.every)
                        if sitting > now {
                            if counted[pi] { stepWaitMinutes[Int(s)] += sitting - now }
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
    /// a handoff delay was scheduled instead. Organisations are the steps' effective ones (a step
    /// that names none takes the first one before it), the same rule as the exports and CP208.
    @inline(__always)
    private mutating func transition(_ p: Int32, from: Int32, _ step: UnsafePointer<CompiledStep>, to: Int32) -> Bool {
        let target = steps.pointer(Int(to))
        let a = step.pointee.organisation, b = target.pointee.organisation
        guard a >= 0, b >= 0, a != b else { return true }
        let delay = step.pointee.handoffDelay >= 0 ? sampler.duration(step.pointee.handoffDelay, &workStream) : 0
        if counted[Int(p)] {
            let pair = Int(a) * model.organisationIds.count + Int(b)
            handoffs[pair] += 1
            handoffMinutes[pair] += delay
            journeys[Int(p)].handoffs &+= 1
        }
        if delay > 0 {
            calendar.schedule(.enterStep, at: now + delay, step: to, patient: p)
            return false
        }
        return true
    }

    private mutating func choose(_ pi: Int, _ step: UnsafePointer<CompiledStep>) -> Int32 {
        let first = Int(step.pointee.firstOut), end = first + Int(step.pointee.outCount)
        var drawn = false
        var u = 0.0
        var cumulative = 0.0
        var fallback: Int32 = -1
        var i = first
        while i < end {
            let b = branches[i]
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
        return fallback >= 0 ? fallback : (end > first ? branches[end - 1].to : -1)
    }

    private func holds(_ condition: Int32, _ pi: Int) -> Bool {
        let c = model.conditions[Int(condition)]
        // Capture plain locals only: a closure capturing `self` would copy the whole engine.
        let values = UnsafeBufferPointer(start: attributes.base, count: attributes.count)
        let base = pi * attributeCount
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, c.maxDepth + 1)) { stack in
            c.evaluate(values, base: base, stack: stack)
        }
    }

    // MARK: - Work, resources and calendars

    private mutating func beginWork(_ p: Int32, _ s: Int32, entered: Double) {
        let step = steps.pointer(Int(s))
        let r = Int(step.pointee.resource)
        if r < 0 {
            if counted[Int(p)] { stepWaits[Int(s)] += 1 }
            startWork(p, s, step)
            return
        }
        if busy[r] < resourceCapacity[r] && lines[r].isEmpty && hours.isOpen(r, now) {
            seize(r)
            if counted[Int(p)] { stepWaits[Int(s)] += 1 }
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

    private mutating func startWork(_ p: Int32, _ s: Int32, _ step: UnsafePointer<CompiledStep>) {
        if step.pointee.attendance >= 0 && !attends(p, s, step) { return }
        if sink.isRecording { log(Int(p), s, step, .start) }
        let pi = Int(p)
        if step.pointee.clockPoints & 2 != 0 { runClocks(pi, s, point: 1, at: now) }
        if step.pointee.isContact { noteContact(pi, step) }
        let d = step.pointee.duration >= 0 ? sampler.duration(step.pointee.duration, &workStream) : 0
        if step.pointee.resource < 0 && step.pointee.resultAfter >= 0 {
            // Nothing to release when the work ends: one event for work and result together.
            let r = sampler.duration(step.pointee.resultAfter, &workStream)
            if step.pointee.clockPoints & 4 != 0 { runClocks(pi, s, point: 2, at: now + d) }
            if sink.isRecording { log(Int(p), s, step, .complete, at: now + d) }
            calendar.schedule(.resultReady, at: now + d + r, step: s, patient: p)
            return
        }
        calendar.schedule(.workDone, at: now + d, step: s, patient: p)
    }

    /// Whether the patient comes to the appointment that is about to start. A cancelled one frees
    /// the resource at once; a missed one holds it for the step's duration with nobody seen. Either
    /// way the patient is rebooked: after the rebooking delay they queue for the step again.
    private mutating func attends(_ p: Int32, _ s: Int32, _ step: UnsafePointer<CompiledStep>) -> Bool {
        let a = model.attendance[Int(step.pointee.attendance)]
        let u = workStream.uniform()
        if u >= a.didNotAttend + a.cancelled { return true }
        let r = Int(step.pointee.resource)
        // The wait at the step runs on until the appointment that goes ahead: this attempt is not
        // a visit of its own (the wait already counted stays; the next attempt counts again).
        if counted[Int(p)] { stepWaits[Int(s)] -= 1 }
        if sink.isRecording { log(Int(p), s, step, u < a.cancelled ? .cancelled : .missed) }
        if u < a.cancelled {
            if r >= 0 {
                noteChange(r)
                busy[r] -= 1
            }
            rebook(p, s, a.rebook)
            if r >= 0 { serveQueue(r, force: false) }
        } else {
            let d = step.pointee.duration >= 0 ? sampler.duration(step.pointee.duration, &workStream) : 0
            if counted[Int(p)] { stepWaitMinutes[Int(s)] += d }
            calendar.schedule(.missedDone, at: now + d, step: s, patient: p)
        }
        return false
    }

    /// A missed appointment's slot is over: the resource serves the next patient; this one is rebooked.
    private mutating func missedDone(_ p: Int32, _ s: Int32) {
        let step = steps.pointer(Int(s))
        let r = Int(step.pointee.resource)
        rebook(p, s, model.attendance[Int(step.pointee.attendance)].rebook)
        if r >= 0 {
            noteChange(r)
            busy[r] -= 1
            serveQueue(r, force: false)
        }
    }

    /// The patient queues for step `s` again after the rebooking delay (`rebook`, -1: at once).
    private mutating func rebook(_ p: Int32, _ s: Int32, _ rebook: Int32) {
        let delay = rebook >= 0 ? max(0, sampler.duration(rebook, &workStream)) : 0
        if counted[Int(p)] { stepWaitMinutes[Int(s)] += delay }
        calendar.schedule(.sitting, at: now + delay, step: s, patient: p)
    }

    private mutating func workDone(_ p: Int32, _ s: Int32) {
        let step = steps.pointer(Int(s))
        if step.pointee.clockPoints & 4 != 0 { runClocks(Int(p), s, point: 2, at: now) }
        if sink.isRecording { log(Int(p), s, step, .complete) }
        let r = Int(step.pointee.resource)
        if r >= 0 {
            noteChange(r)
            busy[r] -= 1
            serveQueue(r, force: false)
        }
        if step.pointee.resultAfter >= 0 {
            let d = sampler.duration(step.pointee.resultAfter, &workStream)
            if d > 0 {
                calendar.schedule(.resultReady, at: now + d, step: s, patient: p)
                return
            }
        }
        leave(p, s)
    }

    /// The token leaves step `s` (work and any result done) for its next step.pointee.
    private mutating func leave(_ p: Int32, _ s: Int32) {
        let step = steps.pointer(Int(s))
        let next = step.pointee.next
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
        if !force && !hours.isOpen(r, now) {
            scheduleOpeningIfClosed(r)
            return
        }
        while busy[r] < resourceCapacity[r], let next = lines[r].pop() {
            if next.patient < 0 {
                startBackground(r) // notes the queue change too
                continue
            }
            seize(r) // notes the queue change too
            if counted[Int(next.patient)] {
                stepWaits[Int(next.step)] += 1
                stepWaitMinutes[Int(next.step)] += now - next.entered
            }
            startWork(next.patient, next.step, steps.pointer(Int(next.step)))
        }
    }

    private mutating func scheduleOpeningIfClosed(_ r: Int) {
        // An always-open resource is open now, so the flat table answers without a copy of its `OpeningHours`.
        guard !openingScheduled[r], !hours.isOpen(r, now) else { return }
        if let t = model.resourceHours[r].nextOpening(after: now) {
            openingScheduled[r] = true
            calendar.schedule(.resourceOpens, at: t, step: Int32(r))
        }
    }

    /// Adds the time since the resource's last change to its busy and queue areas. Busy time in
    /// opening hours counts towards utilisation; work that runs on after closing (it started
    /// while open) is counted apart, as work outside opening hours.
    @inline(__always)
    private mutating func noteChange(_ r: Int) {
        if inWindow {
            let dt = now - lastChange[r]
            let servers = Double(busy[r])
            if servers > 0 {
                let open = hours.openMinutes(r, from: lastChange[r], to: now)
                resourceBusy[r] += servers * open
                resourceOutsideHours[r] += servers * (dt - open)
            }
            resourceQueueArea[r] += Double(lines[r].count) * dt
        }
        lastChange[r] = now
    }

    // MARK: - Targets, journeys, the window

    /// Starts and stops the target clocks of step `s` at one of its moments (`point` 0 arrival,
    /// 1 work starts, 2 work done), which happens at `time`.
    private mutating func runClocks(_ pi: Int, _ s: Int32, point: Int, at time: Double) {
        let i = Int(s) * 3 + point
        var starts = clockStarts[i] & ~clocksStarted[pi]
        clocksStarted[pi] |= starts
        while starts != 0 {
            let k = starts.trailingZeroBitCount
            starts &= starts - 1
            clockStart[pi * targetCount + k] = time
        }
        var stops = clockStops[i] & clocksStarted[pi] & ~clocksStopped[pi]
        clocksStopped[pi] |= stops
        guard counted[pi] else { return }
        while stops != 0 {
            let k = stops.trailingZeroBitCount
            stops &= stops - 1
            let elapsed = time - clockStart[pi * targetCount + k]
            targetMeasured[k] += 1
            targetMinutes[k] += elapsed
            if elapsed <= targetWithin[k] { targetMet[k] += 1 }
        }
    }

    /// Counts the counted patients still in the pathway when the run ends, by where each of
    /// their journey's paths is, and settles their running clocks: past the limit is a breach,
    /// within it still open. `pending` is the event the drain limit cut off, if any.
    private mutating func countUnfinished(pending: Event?) {
        let places = UnfinishedPlace.allCases.count
        var tallyPlaces = [Int](repeating: 0, count: steps.count * places)
        let counted = self.counted.values // a plain view, so the local function captures no part of `self`
        func note(_ p: Int32, _ step: Int32, _ place: UnfinishedPlace) {
            guard p >= 0, step >= 0, counted[Int(p)] else { return }
            tallyPlaces[Int(step) * places + Int(place.rawValue)] += 1
        }
        for r in 0..<lines.count {
            for entry in lines[r].waiting { note(entry.patient, entry.step, .resource) }
        }
        var events: [Event] = pending.map { [$0] } ?? []
        while let event = calendar.next() { events.append(event) }
        for event in events {
            switch event.kind {
            case .enterStep: note(event.patient, event.step, .handoff)
            case .sitting, .workDone, .resultReady, .missedDone: note(event.patient, event.step, .inStep)
            default: break
            }
        }
        var live = [Bool](repeating: true, count: slotCount)
        for slot in freeSlots.values { live[Int(slot)] = false }
        var joinStep = [Int32](repeating: -1, count: joinCount)
        for s in 0..<steps.count where steps[s].joinSlot >= 0 { joinStep[Int(steps[s].joinSlot)] = Int32(s) }
        var late = [Int](repeating: 0, count: targetCount), open = late
        for pi in 0..<slotCount where live[pi] && counted[pi] {
            for j in 0..<joinCount where joinCounters[pi * joinCount + j] > 0 {
                tallyPlaces[Int(joinStep[j]) * places + Int(UnfinishedPlace.join.rawValue)] += Int(joinCounters[pi * joinCount + j])
            }
            var running = clocksStarted[pi] & ~clocksStopped[pi]
            while running != 0 {
                let k = running.trailingZeroBitCount
                running &= running - 1
                if now - clockStart[pi * targetCount + k] > targetWithin[k] { late[k] += 1 } else { open[k] += 1 }
            }
        }
        for (step, n) in timelessStops where n > 0 {
            tallyPlaces[Int(step) * places + Int(UnfinishedPlace.timelessLoop.rawValue)] += n
        }
        tally.unfinishedPlaces = tallyPlaces
        tally.targetRunningLate = late
        tally.targetRunningOpen = open
    }

    @inline(__always)
    private mutating func noteContact(_ pi: Int, _ step: UnsafePointer<CompiledStep>) {
        guard counted[pi] else { return }
        journeys[pi].contact(day: Int32(truncatingIfNeeded: Int(now / 1440)), organisation: step.pointee.organisation)
    }

    private mutating func finish(_ p: Int32) {
        let pi = Int(p)
        if counted[pi] {
            let journey = now - arrivalTime[pi]
            PatientBurden.add(journeys[pi], outcomes: model.outcomeNames.count, to: burden)
            tally.finished += 1
            tally.journeySum += journey
            tally.journeySumOfSquares += journey * journey
            journeyBins[JourneyHistogram.bin(journey)] &+= 1
            var unstopped = clocksStarted[pi] & ~clocksStopped[pi]
            while unstopped != 0 {
                targetUnstopped[unstopped.trailingZeroBitCount] += 1
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
        for r in 0..<lastChange.count { lastChange[r] = now }
        inPathwayChanged = now
    }

    private mutating func closeWindow() {
        guard !windowClosed else { return }
        if !inWindow { openWindow() }
        for r in 0..<lastChange.count {
            noteChange(r)
            tally.resourceOpenMinutes[r] = hours.openMinutes(r, from: tally.windowStart, to: now)
        }
        changeInPathway(by: 0)
        inWindow = false
        windowClosed = true
        tally.windowEnd = now
    }

    // MARK: - Event log

    @inline(__always)
    private mutating func logInstant(_ pi: Int, _ s: Int32, _ step: UnsafePointer<CompiledStep>) {
        if sink.isRecording && step.pointee.logged { log(pi, s, step, .complete) }
    }

    private mutating func log(_ pi: Int, _ s: Int32, _ step: UnsafePointer<CompiledStep>, _ lifecycle: Lifecycle, at time: Double? = nil) {
        guard step.pointee.logged else { return }
        sink.step(Int(s), lifecycle: lifecycle, patient: patientNumber[pi], at: time ?? now,
                  organisation: Int(step.pointee.organisation), resource: Int(step.pointee.resource))
    }
}
