import ArgumentParser
import Foundation
import PathwayLanguage
import PathwayModel
import PathwayPreview

/// `carepath preview FILE`: a web page on this computer showing the pathway's diagram, its
/// problems and a quick simulation, refreshed within a second of each save.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show a pathway in a local web page that updates on each save: diagram, problems, quick simulation.",
        discussion: """
        Serves http://127.0.0.1:PORT/ on this computer only (never on the network) and prints \
        the address on its first line; open it in a browser beside your editor. The page shows the \
        problems 'carepath validate' finds (file:line:column, message, help), the diagram \
        (drawn by Graphviz when 'dot' is installed, else as Mermaid text), and one short \
        simulation run with each target's attainment: a quick look, not the standard run. \
        The file, its subpathways and its standard are looked at every 200 ms; the page updates \
        itself without reloading. A file with errors shows them; a deleted file shows 'file not \
        found' until it comes back. Stop with Ctrl-C. See Docs/preview.md.
        Exit status: 64 for usage errors (including an address other than 127.0.0.1), 66 when FILE \
        does not exist at the start, 69 when the port cannot be listened on; 130 after Ctrl-C \
        (SIGINT), 143 after SIGTERM.
        """
    )

    @Argument(help: "The pathway file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Option(help: "Port to listen on (default: 8080 if free, else any free port; 0 for any free port).")
    var port: Int?

    @Option(help: "Patients in the quick simulation (one run, after a 30-day warm-up).")
    var patients: Int = 1_000

    @Option(help: "Random seed of the quick simulation.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Address to listen on: only 127.0.0.1 (or localhost) is accepted.", visibility: .hidden))
    var host: String = PreviewServer.loopbackHost

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be between 0 and 65535 (0 picks a free port)") }
        if patients < 1 || patients > QuickSimulation.maxPatients {
            throw ValidationError("--patients must be between 1 and \(QuickSimulation.maxPatients): the preview is a quick look; use 'carepath simulate' for long runs")
        }
        if !PreviewServer.isLoopback(host) {
            throw ValidationError(PreviewServerError.notLoopback(host).description)
        }
    }

    func run() throws {
        if let reason = FileCheck.unreadableReason(file) {
            printError("error: \(reason)")
            throw ExitCode(ExitStatus.noInput)
        }
        // Block the stop signals before any thread starts, so every thread inherits the mask and
        // they wait for the signal sources below: on Linux a dispatch signal source reads a
        // signalfd, which sees only signals blocked in every thread (an unblocked thread would
        // take the signal and, with SIG_IGN, drop it).
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        let server = try PreviewServer(host: host, port: port.map { UInt16($0) })
        let refresher = PreviewRefresher(file: file, loader: limits.loader,
                                         simulation: QuickSimulation(patients: patients, seed: seed))
        let outcome = ServeOutcome()
        let task = Task {
            do {
                try await server.run(refresher) { port in
                    print("carepath preview: http://\(PreviewServer.loopbackHost):\(port)/ (Ctrl-C to stop)")
                    checkStandardOutput()
                }
            } catch {
                outcome.fail(error)
            }
            outcome.done.signal()
        }
        // Ctrl-C and SIGTERM stop the server in order (update streams end, the socket closes).
        // Once Graphviz has drawn a diagram, SignalCleanup (PathwayExport) also handles these
        // signals, and usually first: it kills a `dot` still running, removes its temporary
        // folder and ends the process by the same signal, which closes the socket too. Either
        // way the exit status is 128 + the signal.
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                outcome.stopped(by: signalNumber)
                task.cancel()
            }
            source.resume()
            sources.append(source)
        }
        outcome.done.wait()
        sources.forEach { $0.cancel() }
        if let error = outcome.error {
            printError("error: \(error)")
            throw ExitCode(error is PreviewServerError ? 69 : ExitStatus.software)
        }
        printError("carepath preview: stopped")
        if let signalNumber = outcome.signal { throw ExitCode(128 + signalNumber) }
    }
}

/// How the server's task ended, handed from it (and the signal handlers) to the waiting command.
private final class ServeOutcome: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var _error: (any Error)?
    private var _signal: Int32?

    var error: (any Error)? { lock.withLock { _error } }
    var signal: Int32? { lock.withLock { _signal } }
    func fail(_ error: any Error) { lock.withLock { _error = error } }
    func stopped(by signal: Int32) { lock.withLock { if _signal == nil { _signal = signal } } }
}
