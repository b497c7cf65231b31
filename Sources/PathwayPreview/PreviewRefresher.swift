import Foundation
import PathwayLanguage
import PathwayModel

/// Watches a pathway file (and the files it reads: subpathways, the standard of a variant) and
/// makes a new `PreviewSnapshot` whenever one of them changes: validated as `carepath validate`
/// does and drawn; then, when it has no errors, simulated briefly (`completeSimulation`).
///
/// Synchronous and a value: the server calls `refreshIfChanged` every 200 ms on a thread of its
/// own (drawing runs Graphviz, which blocks), and tests call it directly.
public struct PreviewRefresher: Sendable {
    /// The pathway file, as named on the command line.
    public let file: String
    /// Reads and validates the file.
    public var loader: PathwayLoader
    /// The short simulation run on a pathway without errors.
    public var simulation: QuickSimulation
    /// Draws the diagram.
    public var drawing: DiagramDrawing
    private var watcher: FileWatcher
    private var version = 0
    /// The last diagram made, kept to show (marked as earlier) while the YAML cannot be read.
    private var lastDiagram: (diagram: PreviewDiagram, madeAt: Date)?
    /// The last simulation's figures, shown (marked as earlier) while the next one runs.
    private var lastSummary: SimulationSummary?
    /// The snapshot waiting for its simulation, with the pathway to simulate.
    private var pending: (snapshot: PreviewSnapshot, pathway: Pathway)?

    /// A refresher for `file`; the first `refreshIfChanged` always makes a snapshot.
    public init(file: String, loader: PathwayLoader = PathwayLoader(), simulation: QuickSimulation = QuickSimulation(),
                drawing: DiagramDrawing = DiagramDrawing()) {
        self.file = file
        self.loader = loader
        self.simulation = simulation
        self.drawing = drawing
        self.watcher = FileWatcher(paths: [file])
    }

    /// The files watched now: the pathway file and every file it read last time.
    public var watchedFiles: [String] { watcher.paths }

    /// A new snapshot when a watched file changed since the last call (the first call always
    /// makes one), else nil.
    public mutating func refreshIfChanged(now: @autoclosure () -> Date = Date()) -> PreviewSnapshot? {
        // The fingerprints are taken before the file is read, so a save while it is being read
        // shows as a change on the next call and is read again, never missed.
        guard !watcher.changes().isEmpty else { return nil }
        return makeSnapshot(now: now())
    }

    /// Reads, validates and draws the file now, whether or not it changed; its simulation, when it
    /// has no errors, is left for `completeSimulation`.
    public mutating func makeSnapshot(now: Date = Date()) -> PreviewSnapshot {
        version += 1
        guard FileFingerprint.read(file).exists else {
            watcher.watch([file])
            pending = nil
            return PreviewSnapshot(file: file, version: version, updated: now, fileFound: false,
                                   diagram: earlierDiagram(reason: "The file is not there.") ?? .unavailable(reason: "The file is not there."),
                                   simulation: .notRun(reason: "The file is not there."))
        }
        let result = loader.load(file: file)
        watcher.watch([file] + result.sources.keys.sorted())
        var snapshot = PreviewSnapshot(file: file, version: version, updated: now, fileFound: true,
                                       title: result.pathway?.title, pathwayVersion: result.pathway?.version,
                                       diagnostics: result.diagnostics, sources: result.sources,
                                       diagram: .unavailable(reason: ""), simulation: .notRun(reason: ""))
        let errors = snapshot.errorCount
        if let pathway = result.pathway {
            let diagram = drawing.draw(pathway)
            if case .unavailable = diagram {} else { lastDiagram = (diagram, now) }
            snapshot.diagram = diagram
        } else {
            let reason = "The file cannot be read into a pathway until the errors below are fixed."
            snapshot.diagram = earlierDiagram(reason: reason) ?? .unavailable(reason: reason)
        }
        if let pathway = result.pathway, errors == 0 {
            snapshot.simulation = .running(previous: lastSummary)
            pending = (snapshot, pathway)
        } else {
            snapshot.simulation = .notRun(reason: "Not simulated: the pathway has \(PreviewHTML.count(errors, "error")) to fix first (see Problems).")
            pending = nil
        }
        return snapshot
    }

    /// Whether the last snapshot still waits for its simulation (`completeSimulation`).
    public var simulationPending: Bool { pending != nil }

    /// Runs the quick simulation of the last snapshot, if it waits for one, and returns that
    /// snapshot again with the figures (a new version). The server shows the problems and the
    /// diagram first and the figures when they are ready, since a long pathway takes a while.
    public mutating func completeSimulation(now: Date = Date()) -> PreviewSnapshot? {
        guard let waiting = pending else { return nil }
        pending = nil
        var snapshot = waiting.snapshot
        snapshot.simulation = simulation.run(waiting.pathway)
        if case .summary(let summary) = snapshot.simulation { lastSummary = summary } else { lastSummary = nil }
        version += 1
        snapshot.version = version
        snapshot.updated = now
        return snapshot
    }

    /// Reads, validates, draws and simulates the file now: `makeSnapshot` and
    /// `completeSimulation` in one.
    public mutating func makeCompleteSnapshot(now: Date = Date()) -> PreviewSnapshot {
        let snapshot = makeSnapshot(now: now)
        return completeSimulation(now: now) ?? snapshot
    }

    private func earlierDiagram(reason: String) -> PreviewDiagram? {
        guard let lastDiagram else { return nil }
        if case .earlier(let inner, let at, _) = lastDiagram.diagram { return .earlier(inner, madeAt: at, reason: reason) }
        return .earlier(lastDiagram.diagram, madeAt: lastDiagram.madeAt, reason: reason)
    }
}
