import Foundation

/// The server's shared state: the latest snapshot as a page and as an event, and the pages
/// following updates (each an open server-sent-events stream). Snapshots are published here by
/// the watch loop and read by request handlers on other tasks, hence an actor.
actor PreviewHub {
    let page: PreviewPage
    /// Pages that may follow updates at once; more are refused (503) so a runaway client cannot
    /// hold every socket.
    let maxFollowers: Int
    /// Identifies this run of the server; a page from an earlier run reloads itself rather than
    /// compare version numbers that started again from 1.
    let session: String
    private var latest: PreviewSnapshot?
    private var latestEvent: Data?
    private var followers: [Int: AsyncStream<Data>.Continuation] = [:]
    private var nextFollower = 0
    private var finished = false
    /// `Host` header values the server answers to (set once it listens and knows its port).
    private(set) var allowedHosts: Set<String> = []

    init(page: PreviewPage, maxFollowers: Int, session: String) {
        self.page = page
        self.maxFollowers = maxFollowers
        self.session = session
    }

    /// Answers only to requests addressed to the loopback name and `port`: a page from another
    /// site that renames itself to 127.0.0.1 (DNS rebinding) sends its own name and is refused.
    func listening(port: UInt16) {
        allowedHosts = ["127.0.0.1:\(port)", "localhost:\(port)"]
    }

    /// Shows `snapshot` unless a newer one is already shown, and sends it to every follower.
    func publish(_ snapshot: PreviewSnapshot) {
        if let latest, latest.version >= snapshot.version { return }
        latest = snapshot
        let event = Self.event(page.fragments(snapshot), session: session)
        latestEvent = event
        for follower in followers.values { follower.yield(event) }
    }

    /// The whole page for the latest snapshot.
    func currentPage() -> String? { latest.map { page.page($0) } }

    /// The latest fragments as JSON.
    func currentJSON() -> String? { latest.map { page.fragments($0).json() } }

    /// A stream of events for one page: the latest snapshot at once, then each new one; nil when
    /// too many pages follow already or the server is stopping.
    func follow() -> AsyncStream<Data>? {
        guard !finished, followers.count < maxFollowers else { return nil }
        let id = nextFollower
        nextFollower += 1
        // A page that stops reading (a sleeping laptop) keeps only the newest updates.
        let (stream, continuation) = AsyncStream<Data>.makeStream(bufferingPolicy: .bufferingNewest(4))
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unfollow(id) }
        }
        continuation.yield(Data("retry: 1000\n\n".utf8))
        if let latestEvent { continuation.yield(latestEvent) }
        followers[id] = continuation
        return stream
    }

    private func unfollow(_ id: Int) { followers[id] = nil }

    /// How many pages follow updates now.
    var followerCount: Int { followers.count }

    /// A comment line to every follower, so a page that went away is noticed (its write fails)
    /// and proxies or browsers do not close a quiet stream.
    func keepAlive() {
        for follower in followers.values { follower.yield(Data(": keep-alive\n\n".utf8)) }
    }

    /// Ends every stream (the server is stopping) and refuses new ones.
    func finish() {
        finished = true
        for follower in followers.values { follower.finish() }
        followers = [:]
    }

    /// A server-sent event carrying `fragments` (one `data:` line: the JSON has no line breaks).
    static func event(_ fragments: PreviewFragments, session: String) -> Data {
        let json = fragments.json()
        // The session rides inside the JSON object so the page reads one document.
        let withSession = json.hasPrefix("{") && json.count > 2
            ? "{\"session\":\(jsonString(session)),\(json.dropFirst())"
            : json
        return Data("event: snapshot\nid: \(fragments.version)\ndata: \(withSession)\n\n".utf8)
    }

    static func jsonString(_ text: String) -> String {
        guard let data = try? JSONEncoder().encode(text) else { return "\"\"" }
        return String(decoding: data, as: UTF8.self)
    }
}
