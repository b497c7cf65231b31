#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes of one log, read a chunk at a time from a file (so a large log is never held whole)
/// or handed over already in memory. Readers look at `buffer[position..<end]` and call
/// `refill(keeping:)` for more, which moves the bytes from `keeping` on to the front.
final class ByteStream {
    /// The bytes in hand; only `0..<end` are meaningful.
    private(set) var buffer: [UInt8]
    /// Bytes in `buffer` read so far.
    private(set) var end: Int
    /// Whether the last byte of the input is in `buffer`.
    private(set) var atEOF: Bool
    /// Bytes dropped from the front by `refill` so far (for offsets into the whole input).
    private(set) var dropped = 0
    private var descriptor: Int32
    private var ownsDescriptor = true
    private static let chunk = 1 << 20

    /// Opens `path`, or says why it cannot be read.
    init(path: String) throws(LogReadError) {
        if let reason = ByteStream.unreadableReason(path) {
            throw LogReadError(file: path, message: reason, reason: .cannotOpen)
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw LogReadError(file: path, message: "cannot open it: \(String(cString: strerror(errno)))", reason: .cannotOpen)
        }
        descriptor = fd
        buffer = [UInt8](repeating: 0, count: ByteStream.chunk)
        end = 0
        atEOF = false
        _ = fill()
    }

    /// Standard input, read as it streams (left open at the end).
    init(standardInput: Void) {
        descriptor = 0
        ownsDescriptor = false
        buffer = [UInt8](repeating: 0, count: ByteStream.chunk)
        end = 0
        atEOF = false
        _ = fill()
    }

    /// The bytes given, all in hand at once.
    init(bytes: [UInt8]) {
        descriptor = -1
        buffer = bytes
        end = bytes.count
        atEOF = true
    }

    deinit { if descriptor >= 0 && ownsDescriptor { close(descriptor) } }

    /// Moves `buffer[keeping..<end]` to the front and reads more after it, growing the buffer
    /// when the kept bytes fill it. Returns how far the kept bytes moved (subtract it from any
    /// index into `buffer`), or nil at the end of the input or on a read error.
    func refill(keeping: Int) -> Int? {
        guard !atEOF else { return nil }
        let shift = keeping
        if shift > 0 {
            buffer.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                memmove(base, base + shift, end - shift)
            }
            end -= shift
            dropped += shift
        }
        if end == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
        _ = fill()
        return shift
    }

    /// Reads until the buffer is full or the input ends. False on a read error.
    private func fill() -> Bool {
        while end < buffer.count {
            let count = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(descriptor, base + end, raw.count - end)
            }
            if count < 0 {
                if errno == EINTR { continue }
                readError = String(cString: strerror(errno))
                atEOF = true
                return false
            }
            if count == 0 {
                atEOF = true
                if ownsDescriptor { close(descriptor) }
                descriptor = -1
                return true
            }
            end += count
        }
        return true
    }

    /// Why the input stopped early, when a read failed part way.
    private(set) var readError: String?

    /// Why `path` cannot be read as a log, or nil when it is a regular, readable file.
    static func unreadableReason(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            switch errno {
            case ELOOP: return "it is a symbolic link that leads back to itself (a symlink loop)"
            case ENOENT, ENOTDIR: return "cannot find the file"
            case let code: return "cannot read it: \(String(cString: strerror(code)))"
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return "it is a folder, not an event log; name the log files in it"
        case S_IFIFO: return nil // a pipe (`<(gunzip -c log.csv.gz)`) is read as it streams
        default: return "it is a device or socket, not an event log"
        }
        return access(path, R_OK) == 0 ? nil : "cannot read it: \(String(cString: strerror(errno)))"
    }
}
