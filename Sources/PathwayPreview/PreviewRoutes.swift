import FlyingFox
import Foundation

/// Answers the preview's requests: the page (`/`), its updates as server-sent events
/// (`/events`), and the current parts as JSON (`/snapshot.json`). Only `GET` to a loopback
/// `Host`; everything else gets a short plain-text refusal.
struct PreviewRoutes: HTTPHandler {
    let hub: PreviewHub

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        let allowed = await hub.allowedHosts
        guard let host = request.headers[.host], allowed.contains(host.lowercased()) else {
            return Self.text(.misdirectedRequest,
                             "carepath preview answers only to http://\(allowed.sorted().first ?? "127.0.0.1")/ on this computer.\n")
        }
        guard request.method == .GET || request.method == .HEAD else {
            var response = Self.text(.methodNotAllowed, "carepath preview only shows pages (GET).\n")
            response.headers[HTTPHeader("Allow")] = "GET, HEAD"
            return response
        }
        switch request.path {
        case "/", "/index.html":
            guard let page = await hub.currentPage() else { return Self.text(.serviceUnavailable, "The preview is starting; reload in a moment.\n") }
            var response = HTTPResponse(statusCode: .ok, headers: Self.commonHeaders, body: Data(page.utf8))
            response.headers[.contentType] = "text/html; charset=utf-8"
            response.headers[HTTPHeader("Content-Security-Policy")] = hub.page.contentSecurityPolicy
            return response
        case "/events":
            guard let events = await hub.follow() else {
                return Self.text(.serviceUnavailable, "Too many pages are following this preview; close some tabs.\n")
            }
            var response = HTTPResponse(statusCode: .ok, headers: Self.commonHeaders, body: HTTPBodySequence(from: EventBytes(events: events)))
            response.headers[.contentType] = "text/event-stream; charset=utf-8"
            return response
        case "/snapshot.json":
            guard let json = await hub.currentJSON() else { return Self.text(.serviceUnavailable, "The preview is starting.\n") }
            var response = HTTPResponse(statusCode: .ok, headers: Self.commonHeaders, body: Data(json.utf8))
            response.headers[.contentType] = "application/json"
            return response
        case "/favicon.ico":
            return HTTPResponse(statusCode: .noContent, headers: Self.commonHeaders)
        default:
            return Self.text(.notFound, "Not found. The preview is at /.\n")
        }
    }

    static var commonHeaders: HTTPHeaders {
        var headers = HTTPHeaders()
        headers[.cacheControl] = "no-store"
        headers[HTTPHeader("X-Content-Type-Options")] = "nosniff"
        headers[HTTPHeader("Referrer-Policy")] = "no-referrer"
        return headers
    }

    static func text(_ status: HTTPStatusCode, _ body: String) -> HTTPResponse {
        var response = HTTPResponse(statusCode: status, headers: commonHeaders, body: Data(body.utf8))
        response.headers[.contentType] = "text/plain; charset=utf-8"
        return response
    }
}
