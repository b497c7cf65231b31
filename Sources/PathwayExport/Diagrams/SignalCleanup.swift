import Foundation

/// Cleans up after carepath when it is interrupted (SIGINT, SIGTERM, SIGHUP): child processes
/// it started (Graphviz's `dot`) are killed and the temporary files and folders it made are
/// removed, then the signal takes its usual course (the exit status says which signal).
///
/// Without this, `export svg` killed by a signal left `dot` running and its temporary folder
/// behind, and an interrupted `--event-log` left a half-written temporary file.
public final class SignalCleanup: @unchecked Sendable {
    /// The one registry for the process.
    public static let shared = SignalCleanup()

    private let lock = NSLock()
    private var children: Set<Int32> = []
    private var paths: [Int: String] = [:]
    private var nextToken = 0
    private var sources: [DispatchSourceSignal] = []

    private init() {}

    /// Kills process `pid` if a signal arrives before `forget(child:)`.
    public func watch(child pid: Int32) {
        lock.lock()
        defer { lock.unlock() }
        children.insert(pid)
        installHandlers()
    }

    public func forget(child pid: Int32) {
        lock.lock()
        children.remove(pid)
        lock.unlock()
    }

    /// Removes `path` (a file or a folder) if a signal arrives before `forget(token:)`.
    /// Returns the token that forgets it.
    public func remove(onSignal path: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        nextToken += 1
        paths[nextToken] = path
        installHandlers()
        return nextToken
    }

    public func forget(token: Int) {
        lock.lock()
        paths[token] = nil
        lock.unlock()
    }

    /// Called with the lock held.
    private func installHandlers() {
        guard sources.isEmpty else { return }
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in cleanUpAndDie(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    private func cleanUpAndDie(_ signalNumber: Int32) -> Never {
        lock.lock()
        for pid in children {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        for path in paths.values { try? FileManager.default.removeItem(atPath: path) }
        // Die of the same signal, so the parent shell sees how carepath ended.
        signal(signalNumber, SIG_DFL)
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, signalNumber)
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        kill(getpid(), signalNumber)
        _exit(128 + signalNumber)
    }
}
