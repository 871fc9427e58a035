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
        let given = abbreviated(shown ?? directory)
        guard !directory.isEmpty else { throw InputError("--\(flag) must not be empty (it would write at the filesystem root)") }
        try checkLength(directory, flag: flag, given: given)
        var ancestor = directory
        while true {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDir) {
                guard isDir.boolValue else {
                    throw InputError("--\(flag) \(given): \(abbreviated(ancestor)) is a file, not a folder")
                }
                break
            }
            let up = parent(of: ancestor)
            if up.isEmpty || up == ancestor { ancestor = up.isEmpty ? "." : up; break }
            ancestor = up
        }
        // Probe by creating (and removing) a folder: access(2) says yes to root on read-only mounts
        // and to /proc, where nothing can be created.
        let probe = (ancestor.hasSuffix("/") ? ancestor : ancestor + "/") + ".write-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(probe, 0o700) == 0 else {
            let reason = String(cString: strerror(errno))
            throw InputError("--\(flag) \(given): cannot create files in \(abbreviated(ancestor)) (\(reason))")
        }
        rmdir(probe)
    }

    /// Checks an output file path such as `--checkpoint`: not empty, not a folder (a trailing slash
    /// must not create one), and its folder usable as in `checkWritableDirectory`.
    public static func checkWritableFile(_ path: String, flag: String) throws {
        guard !path.isEmpty else { throw InputError("--\(flag) must not be empty") }
        guard !path.hasSuffix("/") else { throw InputError("--\(flag) \(abbreviated(path)) names a folder; give a file name") }
        try checkLength(path, flag: flag, given: abbreviated(path))
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue {
            throw InputError("--\(flag) \(abbreviated(path)) is a folder; give a file name")
        }
        let folder = parent(of: path)
        try checkWritableDirectory(folder.isEmpty ? "." : folder, flag: flag, shown: path)
    }

    /// The folder part of `path` without Foundation (whose `deletingLastPathComponent` trapped on a
    /// one-character name, so `--figures-dir a` or `--figures-dir x/y` crashed with SIGILL; issue 13):
    /// "a" → "", "a/b" → "a", "/a" → "/", "/" → "/", "a//b/" → "a".
    public static func parent(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "" }
        var head = p[..<slash]
        while head.hasSuffix("/") { head = head.dropLast() }
        return head.isEmpty ? "/" : String(head)
    }

    /// Longest usable path: Linux's PATH_MAX (4096 bytes) less room for the chapter's sub-folder and
    /// file names. A name (between slashes) may have at most NAME_MAX = 255 bytes.
    public static let maximumPathBytes = 3584, maximumNameBytes = 255

    /// Refuses paths the kernel would refuse at the end of the run (ENAMETOOLONG: a 49 kB --figures-dir
    /// passed the probe, which is made in an existing ancestor, and failed only at the report).
    static func checkLength(_ path: String, flag: String, given: String) throws {
        guard path.utf8.count <= maximumPathBytes else {
            throw InputError("--\(flag) \(given): the path has \(path.utf8.count) bytes, at most \(maximumPathBytes) are usable")
        }
        if let long = path.split(separator: "/").first(where: { $0.utf8.count > maximumNameBytes }) {
            throw InputError("--\(flag) \(given): the name \(abbreviated(String(long))) has \(long.utf8.count) bytes, at most \(maximumNameBytes) are allowed")
        }
    }

    /// A path as messages show it: at most 60 characters.
    static func abbreviated(_ text: String) -> String { text.count <= 60 ? text : String(text.prefix(40)) + "…" + String(text.suffix(10)) }
}
