// Issue 13, checkpoints: a SIGKILL during a write leaves `.<name>.tmp-<pid>-<hex>` next to the
// checkpoint (no run cleaned it up), and two runs on one checkpoint overwrote each other's state.
// `CheckpointLock` takes an advisory `flock` on `.<name>.lock` for the whole run (refusing a second
// run), and, holding it, removes the temporaries of processes that no longer exist.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class CheckpointLock {
    public let path: String
    public let lockPath: String
    private let fd: Int32
    /// The stale temporaries removed when the lock was taken.
    public private(set) var removedTemporaries: [String] = []

    /// Takes the lock (non-blocking); throws `CheckpointError` when another process holds it. The
    /// folder must exist or be creatable. `role` and `flag` name the file in that message (e.g. a
    /// sampler's "chain" given by "--marathon-state").
    public init(checkpoint path: String, role: String = "checkpoint", flag: String = "--checkpoint") throws {
        self.path = path
        let (directory, base) = AtomicFile.split(path)
        guard !base.isEmpty else { throw CheckpointError(file: path, problem: "path names a directory, not a file") }
        try AtomicFile.makeParentDirectory(path)
        lockPath = (directory == "/" ? "" : directory) + "/." + base + ".lock"
        fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CheckpointError(file: path, problem: "cannot create the lock file \(lockPath): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            let problem = code == EWOULDBLOCK
                ? "another run is using this \(role) (it holds \(lockPath)); wait for it or pass another \(flag)"
                : "cannot lock \(lockPath): \(String(cString: strerror(code)))"
            throw CheckpointError(file: path, problem: problem)
        }
        removedTemporaries = CheckpointLock.removeStaleTemporaries(of: path)
    }

    deinit { flock(fd, LOCK_UN); close(fd) }

    /// Removes `.<name>.tmp-<pid>-<hex>` files next to `path` whose process is gone; returns their paths.
    @discardableResult
    public static func removeStaleTemporaries(of path: String) -> [String] {
        let (directory, base) = AtomicFile.split(path)
        let prefix = "." + base + ".tmp-"
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var removed = [String]()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasPrefix(prefix) else { continue }
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { continue }
            // kill(pid, 0) fails with ESRCH when no such process exists.
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                let full = (directory == "/" ? "" : directory) + "/" + name
                if unlink(full) == 0 { removed.append(full) }
            }
        }
        return removed
    }
}
