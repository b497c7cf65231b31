import Foundation

/// A JSON-RPC request id: a number or a string.
public enum RequestID: Codable, Hashable, Sendable, CustomStringConvertible {
    /// A numeric id.
    case number(Int)
    /// A string id.
    case string(String)

    /// Reads a number or a string.
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self = .number(n) } else { self = .string(try c.decode(String.self)) }
    }

    /// Writes the number or the string.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        }
    }

    /// The id as written.
    public var description: String {
        switch self {
        case .number(let n): String(n)
        case .string(let s): s
        }
    }
}

/// A JSON-RPC error (LSP `ResponseError`), with the protocol's codes.
public struct ResponseError: Error, Codable, Hashable, Sendable {
    /// The code: one of the constants below.
    public var code: Int
    /// What went wrong.
    public var message: String

    /// An error with `code` and `message`.
    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    /// The body was not JSON.
    public static let parseError = -32700
    /// The JSON was not a request, response or notification.
    public static let invalidRequest = -32600
    /// The server does not answer this method.
    public static let methodNotFound = -32601
    /// The parameters were not what the method takes.
    public static let invalidParams = -32602
    /// The server failed.
    public static let internalError = -32603
    /// A request came before `initialize`.
    public static let serverNotInitialized = -32002
    /// A request was valid but could not be done (renaming what cannot be renamed).
    public static let requestFailed = -32803
}

/// A message read from the client: a request (with an id), a notification (without), or a
/// response to something the server asked. The body is kept so that parameters are decoded
/// into the type the method takes, once its method is known.
public struct IncomingMessage: Sendable {
    /// The request's id; `nil` for a notification.
    public var id: RequestID?
    /// The method; `nil` for a response.
    public var method: String?
    /// The raw JSON.
    public var body: Data

    private struct Envelope: Decodable {
        var jsonrpc: String?
        var id: RequestID?
        var method: String?
    }

    private struct ParamsBox<P: Decodable>: Decodable { var params: P }

    /// Reads a message's envelope. Throws a `ResponseError` (parse error, invalid request).
    public init(body: Data) throws(ResponseError) {
        let envelope: Envelope
        do {
            // One parse for the envelope; the parameters are decoded once the method is known.
            envelope = try JSONDecoder().decode(Envelope.self, from: body)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw ResponseError(code: ResponseError.parseError, message: "the message is not valid JSON")
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw ResponseError(code: ResponseError.invalidRequest, message: "a message must be a JSON object")
        } catch {
            throw ResponseError(code: ResponseError.invalidRequest, message: "the message's id or method has the wrong type")
        }
        guard envelope.jsonrpc == "2.0" else {
            throw ResponseError(code: ResponseError.invalidRequest, message: "the message is not JSON-RPC 2.0 (\"jsonrpc\": \"2.0\" is missing)")
        }
        if envelope.method == nil, envelope.id == nil {
            throw ResponseError(code: ResponseError.invalidRequest, message: "the message has neither a method nor an id")
        }
        self.id = envelope.id
        self.method = envelope.method
        self.body = body
    }

    /// The parameters decoded as `P`; an `invalidParams` error saying what was wrong otherwise.
    public func params<P: Decodable>(_ type: P.Type) throws(ResponseError) -> P {
        do {
            return try JSONDecoder().decode(ParamsBox<P>.self, from: body).params
        } catch {
            throw ResponseError(code: ResponseError.invalidParams, message: "the parameters of \(method ?? "the message") are not what it takes: \(Self.describe(error))")
        }
    }

    private static func describe(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String { keys.map(\.stringValue).drop { $0 == "params" }.joined(separator: ".") }
        return switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: "'\(path(context.codingPath + [key]))' is missing"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .dataCorrupted(let context)?:
            "'\(path(context.codingPath))' has the wrong type"
        default: "\(error)"
        }
    }
}

/// Messages the server writes, as JSON bodies (framing is `MessageWriter`'s job).
public enum OutgoingMessage {
    private struct Response<R: Encodable>: Encodable {
        var id: RequestID?
        var result: R
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode("2.0", forKey: .jsonrpc)
            try c.encode(id, forKey: .id)
            try c.encode(result, forKey: .result)
        }
        enum Keys: String, CodingKey { case jsonrpc, id, result }
    }

    private struct ErrorResponse: Encodable {
        var id: RequestID?
        var error: ResponseError
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode("2.0", forKey: .jsonrpc)
            try c.encode(id, forKey: .id)
            try c.encode(error, forKey: .error)
        }
        enum Keys: String, CodingKey { case jsonrpc, id, error }
    }

    private struct Notification<P: Encodable>: Encodable {
        var method: String
        var params: P
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode("2.0", forKey: .jsonrpc)
            try c.encode(method, forKey: .method)
            try c.encode(params, forKey: .params)
        }
        enum Keys: String, CodingKey { case jsonrpc, method, params }
    }

    /// A response carrying `result` (which may be `nil`, written as `null`).
    public static func response<R: Encodable>(id: RequestID?, result: R) -> Data {
        encode(Response(id: id, result: result))
    }

    /// An error response.
    public static func error(id: RequestID?, _ error: ResponseError) -> Data {
        encode(ErrorResponse(id: id, error: error))
    }

    /// A notification.
    public static func notification<P: Encodable>(_ method: String, _ params: P) -> Data {
        encode(Notification(method: method, params: params))
    }

    static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every value written is made of strings, numbers and Codable structs, which cannot fail
        // to encode; an empty object keeps the stream framed if that ever changed.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}
