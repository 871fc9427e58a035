// Whole files through POSIX: read in one piece, and replaced atomically (temporary file next to the
// target, fsync, rename, fsync of the folder), so a crash leaves the old file or the new one.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and atomically replacing whole files; errors are `CheckpointError`s naming the file.
public enum AtomicFile {

    /// `path` as its folder ("." when it has none) and its file name (empty when it ends in "/"):
    /// the temporaries and lock files live next to it as `.<name>…`.
    public static func split(_ path: String) -> (directory: String, base: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return (directory, base)
    }

    /// True when something exists at `path`.
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Creates the parent directory of `path` (and its parents) if needed.
    public static func makeParentDirectory(_ path: String) throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let dir = String(path[..<slash])
        var current = dir.hasPrefix("/") ? "" : "."
        for part in dir.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw CheckpointError(file: path, problem: "cannot create directory \(current): \(String(cString: strerror(errno)))")
            }
        }
    }
    public static func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// Whole file contents via POSIX read.
    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CheckpointError(file: path, problem: "cannot open: \(errnoText())") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CheckpointError(file: path, problem: "cannot stat: \(errnoText())") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw CheckpointError(file: path, problem: "not a regular file") }
        let size = Int(st.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        try bytes.withUnsafeMutableBytes { buf in
            while done < size {
                let r = posixRead(fd, buf.baseAddress! + done, size - done)
                if r < 0 {
                    if errno == EINTR { continue }
                    throw CheckpointError(file: path, problem: "read failed: \(errnoText())")
                }
                if r == 0 { break }
                done += r
            }
        }
        if done < size { bytes.removeLast(size - done) }
        return bytes
    }

    /// Temporary file next to `path` → write → fsync → rename → fsync(directory).
    public static func write(_ bytes: [UInt8], to path: String) throws {
        func fail(_ what: String, _ code: Int32 = errno) -> CheckpointError {
            CheckpointError(file: path, problem: "\(what): \(errnoText(code))")
        }
        let (directory, base) = split(path)
        guard !base.isEmpty else { throw CheckpointError(file: path, problem: "path names a directory, not a file") }
        var rng = SystemRandomNumberGenerator()
        let suffix = String(rng.next() as UInt64, radix: 16)
        let temporary = (directory == "/" ? "" : directory) + "/." + base + ".tmp-\(getpid())-" + suffix

        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail("cannot create temporary file \(temporary)") }
        var closed = false
        var renamed = false
        defer {
            if !closed { close(fd) }
            if !renamed { unlink(temporary) }
        }
        var done = 0
        try bytes.withUnsafeBytes { buf in
            while done < buf.count {
                let w = posixWrite(fd, buf.baseAddress! + done, buf.count - done)
                if w < 0 {
                    if errno == EINTR { continue }
                    throw fail("write failed")
                }
                done += w
            }
        }
        guard fsync(fd) == 0 else { throw fail("fsync failed") }
        closed = true
        guard close(fd) == 0 else { throw fail("close failed") }
        guard rename(temporary, path) == 0 else { throw fail("cannot rename temporary file over it") }
        renamed = true
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            // Makes the rename durable; failure here leaves a complete file, so it is not an error
            // on file systems that refuse fsync on directories.
            _ = fsync(dfd)
            close(dfd)
        }
    }
}

#if canImport(Glibc)
private let posixRead = Glibc.read
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
private let posixRead = Darwin.read
private let posixWrite = Darwin.write
#endif

