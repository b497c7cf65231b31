/// Why a message could not be read from the stream.
public enum FramingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The header block had no `Content-Length`.
    case missingContentLength
    /// `Content-Length` was not a whole number of bytes.
    case invalidContentLength(String)
    /// The message is larger than the server accepts; its body was skipped.
    case messageTooLarge(bytes: Int, limit: Int)
    /// The header block went on too long without the empty line that ends it.
    case headerTooLong(limit: Int)
    /// A header line was not `Name: value`.
    case malformedHeader(String)
    /// The stream ended in the middle of a message.
    case truncated

    /// The error in words, for the log.
    public var description: String {
        switch self {
        case .missingContentLength: "a message had no Content-Length header; it was skipped"
        case .invalidContentLength(let v): "a message's Content-Length '\(v)' is not a number of bytes; it was skipped"
        case .messageTooLarge(let bytes, let limit): "a message of \(bytes) bytes is larger than the \(limit)-byte limit; it was skipped"
        case .headerTooLong(let limit): "a message's headers ran past \(limit) bytes without ending; the stream cannot be read further"
        case .malformedHeader(let line): "a header line '\(line.prefix(80))' is not 'Name: value'; the message was skipped"
        case .truncated: "the input ended in the middle of a message"
        }
    }

    /// Whether reading can go on after this error (the stream is still in step).
    public var isRecoverable: Bool {
        switch self {
        case .headerTooLong, .truncated: false
        default: true
        }
    }
}
