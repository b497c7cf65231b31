import Foundation

/// Runs a `LanguageServer` over standard input and output: a reader thread frames messages from
/// the input, and the calling thread handles them one at a time, runs debounced validations when
/// they fall due, and writes the replies. Returns the exit status when the client says `exit` or
/// the input ends.
public struct StdioTransport {
    /// Where logs go (standard error).
    public var log: @Sendable (String) -> Void

    /// A transport logging to `log`.
    public init(log: @escaping @Sendable (String) -> Void) { self.log = log }

    /// Serves until `exit` or the end of input. The exit status is 0 after `shutdown` then
    /// `exit`, and 1 otherwise (as the protocol says).
    public func run(_ server: LanguageServer, input: FileHandle = .standardInput, output: FileHandle = .standardOutput,
                    maximumMessageBytes: Int = 64 * 1024 * 1024) -> Int32 {
        var server = server
        let inbox = Inbox()
        let reader = Thread {
            var frames = MessageReader(source: FileSource(handle: input), maximumMessageBytes: maximumMessageBytes)
            while true {
                do throws(FramingError) {
                    guard let body = try frames.next() else { inbox.put(.end); return }
                    inbox.put(.message(body))
                } catch {
                    inbox.put(.problem(error))
                    if !error.isRecoverable { inbox.put(.end); return }
                }
            }
        }
        reader.stackSize = 4 * 1024 * 1024
        reader.start()
        func send(_ bodies: [Data]) {
            for body in bodies { output.write(MessageWriter.frame(body)) }
        }
        while true {
            let clock = ContinuousClock()
            let event = inbox.take(until: server.nextDeadline)
            switch event {
            case .message(let body):
                send(server.receive(body, at: clock.now))
                if let code = server.exitCode { return code }
            case .problem(let error):
                log("carepath lsp: \(error)")
                send([server.framingProblem(error)])
            case .end:
                send(server.runDueValidations(at: .now + .seconds(3600)))
                return server.exitCode ?? 1
            case nil:
                send(server.runDueValidations(at: clock.now))
            }
        }
    }
}

/// What the reader thread hands over.
enum InboxEvent: Sendable {
    case message(Data)
    case problem(FramingError)
    case end
}

/// A queue between the reader thread and the server's thread.
final class Inbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var events: [InboxEvent] = []

    func put(_ event: InboxEvent) {
        condition.lock()
        events.append(event)
        condition.signal()
        condition.unlock()
    }

    /// The next event, waiting at most until `deadline`; `nil` when the deadline passes first.
    func take(until deadline: ContinuousClock.Instant?) -> InboxEvent? {
        condition.lock()
        defer { condition.unlock() }
        while events.isEmpty {
            if let deadline {
                let left = ContinuousClock.now.duration(to: deadline)
                if left <= .zero { return nil }
                let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
                _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
            } else {
                condition.wait()
            }
        }
        return events.removeFirst()
    }
}

/// Standard input as a `ByteSource`.
struct FileSource: ByteSource {
    let handle: FileHandle

    mutating func read(maximum: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(handle.fileDescriptor, $0.baseAddress, maximum) }
            if n < 0, errno == EINTR { continue }
            return n <= 0 ? [] : Array(buffer[0..<n])
        }
    }
}
