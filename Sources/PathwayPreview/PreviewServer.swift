import FlyingFox
import FlyingSocks
import Foundation

/// `carepath preview`'s web server, on FlyingFox: serves the page for one pathway file on the
/// loopback interface and pushes a new version of its parts to the page (server-sent events)
/// within a poll interval of each save.
///
/// It listens on 127.0.0.1 only, and refuses any other address: the page shows the pathway and
/// its problems and is not meant to be seen from other computers. Requests must name the
/// loopback host too, which stops a web page from another site reaching it by DNS rebinding.
public struct PreviewServer: Sendable {
    /// The address listened on: always the IPv4 loopback.
    public static let loopbackHost = "127.0.0.1"
    /// The port tried first when none is given; a free one is chosen when it is taken.
    public static let preferredPort: UInt16 = 8080

    /// How often the watched files are looked at.
    public var pollInterval: Duration
    /// The port asked for: nil for `preferredPort` or else any free one; 0 for any free one.
    public var port: UInt16?
    /// Pages that may follow updates at once.
    public var maxFollowers: Int
    /// How often a quiet update stream gets a keep-alive comment.
    public var keepAliveInterval: Duration = .seconds(15)

    /// A server for `host` (which must be the loopback: `127.0.0.1` or `localhost`) on `port`.
    /// Throws `PreviewServerError.notLoopback` for any other host.
    public init(host: String = PreviewServer.loopbackHost, port: UInt16? = nil,
                pollInterval: Duration = .milliseconds(200), maxFollowers: Int = 16) throws {
        guard Self.isLoopback(host) else { throw PreviewServerError.notLoopback(host) }
        self.port = port
        self.pollInterval = pollInterval
        self.maxFollowers = maxFollowers
    }

    /// Whether `host` names the loopback interface this server may listen on.
    public static func isLoopback(_ host: String) -> Bool {
        ["127.0.0.1", "localhost"].contains(host.lowercased())
    }

    /// Serves `refresher`'s file until the task is cancelled, then stops: the update streams
    /// end, the listening socket closes and open connections get a second to finish.
    /// `listening` is called once with the port when the page can be opened.
    public func run(_ refresher: PreviewRefresher, page: PreviewPage = PreviewPage(),
                    listening: @Sendable (UInt16) -> Void) async throws {
        let hub = PreviewHub(page: page, maxFollowers: maxFollowers, session: page.session)
        var refresher = refresher
        // The first snapshot whole, so the page has everything when it is first opened.
        if let first = await Self.offload(&refresher, { $0.refreshIfChanged() }) { await hub.publish(first) }
        if let complete = await Self.offload(&refresher, { $0.completeSimulation() }) { await hub.publish(complete) }

        let (server, serving) = try await listen(hub: hub)
        guard let port = await Self.port(of: server) else {
            serving.cancel()
            throw PreviewServerError.cannotListen(port: port ?? Self.preferredPort, reason: "the server did not report its port")
        }
        await hub.listening(port: port)
        listening(port)

        var sinceKeepAlive: Duration = .zero
        while !Task.isCancelled {
            do { try await Task.sleep(for: pollInterval) } catch { break }
            await Self.refresh(&refresher, hub: hub)
            sinceKeepAlive += pollInterval
            if sinceKeepAlive >= keepAliveInterval {
                sinceKeepAlive = .zero
                await hub.keepAlive()
            }
        }
        await hub.finish()
        await server.stop(timeout: 1)
        serving.cancel()
    }

    /// Starts FlyingFox on the port asked for; when none was asked for and the preferred port
    /// is taken, on any free port. Returns once it listens, or throws why it cannot.
    private func listen(hub: PreviewHub) async throws -> (HTTPServer, Task<Void, Never>) {
        do {
            return try await listen(on: port ?? Self.preferredPort, hub: hub)
        } catch PreviewServerError.cannotListen where port == nil {
            return try await listen(on: 0, hub: hub)
        }
    }

    private func listen(on port: UInt16, hub: PreviewHub) async throws -> (HTTPServer, Task<Void, Never>) {
        let address: sockaddr_in
        do {
            address = try .inet(ip4: Self.loopbackHost, port: port)
        } catch {
            throw PreviewServerError.cannotListen(port: port, reason: "\(error)")
        }
        let server = HTTPServer(address: address, timeout: 15, logger: .disabled, handler: PreviewRoutes(hub: hub))
        let failure = StartFailure()
        let serving = Task {
            do { try await server.run() } catch { await failure.set(error) }
        }
        // Wait until it listens or says why it cannot (a port in use fails at once).
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if await server.isListening { return (server, serving) }
            if let error = await failure.error {
                throw PreviewServerError.cannotListen(port: port, reason: Self.describe(error))
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        serving.cancel()
        throw PreviewServerError.cannotListen(port: port, reason: "it did not start listening within 10 seconds")
    }

    private static func port(of server: HTTPServer) async -> UInt16? {
        switch await server.listeningAddress {
        case .ip4(_, let port)?, .ip6(_, let port)?: return port
        default: return nil
        }
    }

    private static func describe(_ error: any Error) -> String {
        if case SocketError.failed(_, let errno, let message) = error {
            return errno == EADDRINUSE ? "the port is in use by another program" : message
        }
        return "\(error)"
    }

    /// Looks for changes and makes a snapshot off the cooperative thread pool: loading, drawing
    /// (Graphviz runs as a child process and is waited for) and simulating block a thread.
    private static func refresh(_ refresher: inout PreviewRefresher, hub: PreviewHub) async {
        if let snapshot = await offload(&refresher, { $0.refreshIfChanged() }) {
            await hub.publish(snapshot)
        }
        if refresher.simulationPending, let snapshot = await offload(&refresher, { $0.completeSimulation() }) {
            await hub.publish(snapshot)
        }
    }

    private static func offload(_ refresher: inout PreviewRefresher,
                                _ work: @escaping @Sendable (inout PreviewRefresher) -> PreviewSnapshot?) async -> PreviewSnapshot? {
        let current = refresher
        let (next, snapshot) = await withCheckedContinuation { (continuation: CheckedContinuation<(PreviewRefresher, PreviewSnapshot?), Never>) in
            refreshQueue.async {
                var working = current
                let snapshot = work(&working)
                continuation.resume(returning: (working, snapshot))
            }
        }
        refresher = next
        return snapshot
    }

    private static let refreshQueue = DispatchQueue(label: "carepath.preview.refresh")
}

/// Why the preview server cannot start.
public enum PreviewServerError: Error, CustomStringConvertible, Equatable {
    /// An address other than the loopback was asked for.
    case notLoopback(String)
    /// The port could not be listened on.
    case cannotListen(port: UInt16, reason: String)

    /// What went wrong and what to do, for the person running the command.
    public var description: String {
        switch self {
        case .notLoopback(let host):
            "carepath preview listens only on this computer (\(PreviewServer.loopbackHost)), not on '\(host)': the page shows the pathway and its problems and is not meant to be seen across the network"
        case .cannotListen(let port, let reason):
            "cannot listen on \(PreviewServer.loopbackHost):\(port): \(reason); choose another port with --port, or leave --port out to use a free one"
        }
    }
}

/// The error a server's run ended with before it listened.
private actor StartFailure {
    var error: (any Error)?
    func set(_ error: any Error) { self.error = error }
}
