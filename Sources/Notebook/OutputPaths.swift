import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Output paths checked before any heavy work (issue 13): `--figures-dir ""` used to write report
/// folders at the filesystem root, and an unusable folder (a file, a path under a file, a read-only
/// folder, /proc, /sys) was found only at the end of the run. The probes leave nothing behind: a
/// folder that does not exist yet is not created here, its deepest existing ancestor is probed.
public enum OutputPaths {
    /// Throws `InputError` naming `flag` unless files can be created in `directory` (or in the folder
    /// that would be created there).
    public static func checkWritableDirectory(_ directory: String, flag: String, shown: String? = nil) throws {
        let given = shown ?? directory
        guard !directory.isEmpty else { throw InputError("--\(flag) must not be empty (it would write at the filesystem root)") }
        var ancestor = directory
        while true {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDir) {
                guard isDir.boolValue else {
                    throw InputError("--\(flag) \(given): \(ancestor) is a file, not a folder")
                }
                break
            }
            let parent = (ancestor as NSString).deletingLastPathComponent
            if parent.isEmpty || parent == ancestor { ancestor = parent.isEmpty ? "." : parent; break }
            ancestor = parent
        }
        // Probe by creating (and removing) a folder: access(2) says yes to root on read-only mounts
        // and to /proc, where nothing can be created.
        let probe = (ancestor as NSString).appendingPathComponent(".write-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard mkdir(probe, 0o700) == 0 else {
            let reason = String(cString: strerror(errno))
            throw InputError("--\(flag) \(given): cannot create files in \(ancestor) (\(reason))")
        }
        rmdir(probe)
    }

    /// Checks an output file path such as `--checkpoint`: not empty, not a folder (a trailing slash
    /// must not create one), and its folder usable as in `checkWritableDirectory`.
    public static func checkWritableFile(_ path: String, flag: String) throws {
        guard !path.isEmpty else { throw InputError("--\(flag) must not be empty") }
        guard !path.hasSuffix("/") else { throw InputError("--\(flag) \(path) names a folder; give a file name") }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue {
            throw InputError("--\(flag) \(path) is a folder; give a file name")
        }
        let parent = (path as NSString).deletingLastPathComponent
        try checkWritableDirectory(parent.isEmpty ? "." : parent, flag: flag, shown: path)
    }
}
