import FlyingFox
import Foundation
import Testing
@testable import PathwayPreview

@Suite struct PreviewServerTests {
    @Test func anyAddressOtherThanTheLoopbackIsRefused() {
        #expect(throws: PreviewServerError.notLoopback("0.0.0.0")) { try PreviewServer(host: "0.0.0.0") }
        #expect(throws: PreviewServerError.notLoopback("192.168.1.2")) { try PreviewServer(host: "192.168.1.2") }
        #expect(throws: PreviewServerError.notLoopback("::")) { try PreviewServer(host: "::") }
        #expect((try? PreviewServer(host: "127.0.0.1")) != nil)
        #expect((try? PreviewServer(host: "localhost")) != nil)
    }

    func hub() async -> PreviewHub {
        let hub = PreviewHub(page: PreviewPage(scriptNonce: "N", session: "S"), maxFollowers: 2, session: "S")
        await hub.listening(port: 4321)
        await hub.publish(PreviewSnapshot(file: "p.yaml", version: 1, updated: Date(), fileFound: true, title: "P",
                                          diagram: .unavailable(reason: "x"), simulation: .notRun(reason: "y")))
        return hub
    }

    func get(_ path: String, host: String?, method: HTTPMethod = .GET) -> HTTPRequest {
        var headers = HTTPHeaders()
        if let host { headers[.host] = host }
        return HTTPRequest(method: method, version: .http11, path: path, query: [], headers: headers, body: HTTPBodySequence())
    }

    @Test func requestsNamingAnotherHostAreRefused() async throws {
        let routes = PreviewRoutes(hub: await hub())
        #expect(try await routes.handleRequest(get("/", host: "evil.example:4321")).statusCode == .misdirectedRequest)
        #expect(try await routes.handleRequest(get("/", host: "127.0.0.1:9999")).statusCode == .misdirectedRequest)
        #expect(try await routes.handleRequest(get("/", host: nil)).statusCode == .misdirectedRequest)
        let page = try await routes.handleRequest(get("/", host: "127.0.0.1:4321"))
        #expect(page.statusCode == .ok)
        #expect(page.headers[HTTPHeader("Content-Security-Policy")]?.contains("'nonce-N'") == true)
        #expect(try await routes.handleRequest(get("/", host: "localhost:4321")).statusCode == .ok)
    }

    @Test func onlyPagesAreServed() async throws {
        let routes = PreviewRoutes(hub: await hub())
        #expect(try await routes.handleRequest(get("/", host: "127.0.0.1:4321", method: .POST)).statusCode == .methodNotAllowed)
        #expect(try await routes.handleRequest(get("/../etc/passwd", host: "127.0.0.1:4321")).statusCode == .notFound)
        let json = try await routes.handleRequest(get("/snapshot.json", host: "127.0.0.1:4321"))
        #expect(json.statusCode == .ok)
        #expect(String(decoding: try await json.bodyData, as: UTF8.self).contains("\"version\":1"))
    }

    @Test func tooManyFollowersAreTurnedAway() async throws {
        let hub = await hub()
        let a = await hub.follow(), b = await hub.follow(), c = await hub.follow()
        #expect(a != nil && b != nil && c == nil)
        await hub.finish()
        #expect(await hub.follow() == nil)
    }

    @Test func aFollowerGetsTheLatestSnapshotAtOnceThenEachNewerOneOnly() async throws {
        let hub = await hub()
        let following = await hub.follow()
        let stream = try #require(following)
        var events = stream.makeAsyncIterator()
        #expect(String(decoding: await events.next() ?? Data(), as: UTF8.self) == "retry: 1000\n\n")
        let first = String(decoding: await events.next() ?? Data(), as: UTF8.self)
        #expect(first.hasPrefix("event: snapshot\nid: 1\ndata: {\"session\":\"S\","))
        #expect(first.hasSuffix("}\n\n"))
        #expect(first.components(separatedBy: "\n").count == 5)  // event, id, data, blank, ""
        let old = PreviewSnapshot(file: "p.yaml", version: 1, updated: Date(), fileFound: false,
                                  diagram: .unavailable(reason: ""), simulation: .notRun(reason: ""))
        await hub.publish(old)  // not newer: ignored
        var newer = old
        newer.version = 2
        await hub.publish(newer)
        let second = String(decoding: await events.next() ?? Data(), as: UTF8.self)
        #expect(second.hasPrefix("event: snapshot\nid: 2\n"))
        await hub.finish()
        #expect(await events.next() == nil)
    }

    @Test func eventBytesComeOutInNonEmptyPiecesOfEachEvent() async throws {
        let (stream, continuation) = AsyncStream<Data>.makeStream()
        continuation.yield(Data("abcde".utf8))
        continuation.yield(Data())
        continuation.yield(Data("f".utf8))
        continuation.finish()
        var iterator = EventBytes(events: stream).makeAsyncIterator()
        var pieces: [String] = []
        while let piece = try await iterator.nextBuffer(suggested: 3) { pieces.append(String(decoding: piece, as: UTF8.self)) }
        #expect(pieces == ["abc", "de", "f"])
    }
}
