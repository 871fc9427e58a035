// Issue 13, items 8–10: output paths are checked before any work, and the checks leave nothing behind.
import Foundation
import Notebook
import Testing

@Suite struct OutputPathTests {
    func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return "\(error)" }
    }

    func tempDir() -> String {
        let d = NSTemporaryDirectory() + "/output-paths-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    @Test func unusableFiguresFoldersAreRefused() throws {
        let d = tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let file = d + "/a-file"
        FileManager.default.createFile(atPath: file, contents: Data([1]))
        #expect(message { try OutputPaths.checkWritableDirectory("", flag: "figures-dir") }?.contains("must not be empty") == true)
        #expect(message { try OutputPaths.checkWritableDirectory(file, flag: "figures-dir") }?.contains("is a file") == true)
        #expect(message { try OutputPaths.checkWritableDirectory(file + "/sub/dir", flag: "figures-dir") }?.contains("is a file") == true)
        #expect(message { try OutputPaths.checkWritableDirectory("/proc/figures", flag: "figures-dir") }?.contains("cannot create files in /proc") == true)
        #expect(message { try OutputPaths.checkWritableDirectory("/sys", flag: "figures-dir") }?.contains("cannot create files in /sys") == true)
        // Usable: an existing folder and a not-yet-existing one below it; nothing is left behind.
        try OutputPaths.checkWritableDirectory(d, flag: "figures-dir")
        try OutputPaths.checkWritableDirectory(d + "/new/deeper", flag: "figures-dir")
        #expect(try FileManager.default.contentsOfDirectory(atPath: d) == ["a-file"])
        // The parsed options validate the folder (ArgumentParser calls validate() before run()).
        #expect(throws: (any Error).self) { _ = try CommonOptions.parse(["--figures-dir", ""]) }
        #expect(throws: (any Error).self) { _ = try CommonOptions.parse(["--figures-dir", file]) }
        _ = try CommonOptions.parse(["--figures-dir", d + "/x"])
    }

    /// Flag fuzz (scripts/flag-fuzz.py): a relative path whose first name has one character
    /// (`--figures-dir 0`, `x/y`, `--checkpoint c`) crashed with SIGILL in Foundation's
    /// deletingLastPathComponent; a 49 kB name passed and failed only at the report.
    @Test func shortAndLongNames() throws {
        #expect(OutputPaths.parent(of: "a") == "")
        #expect(OutputPaths.parent(of: "x/y") == "x")
        #expect(OutputPaths.parent(of: "a//b/") == "a")
        #expect(OutputPaths.parent(of: "/a") == "/")
        #expect(OutputPaths.parent(of: "/") == "/")
        #expect(OutputPaths.parent(of: "./a") == ".")
        let d = tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let here = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(d)
        defer { FileManager.default.changeCurrentDirectoryPath(here) }
        for path in ["0", "a/b/c", "x/y"] { try OutputPaths.checkWritableDirectory(path, flag: "figures-dir") }
        try OutputPaths.checkWritableFile("c", flag: "checkpoint")
        #expect(try FileManager.default.contentsOfDirectory(atPath: d).isEmpty)
        #expect(message { try OutputPaths.checkWritableDirectory(String(repeating: "n", count: 300), flag: "figures-dir") }?.contains("at most 255") == true)
        #expect(message { try OutputPaths.checkWritableFile(String(repeating: "c/", count: 2000) + "x", flag: "checkpoint") }?.contains("at most 3584") == true)
    }

    @Test func checkpointPathsAreFilesInUsableFolders() throws {
        let d = tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        #expect(message { try OutputPaths.checkWritableFile(d + "/new/", flag: "checkpoint") }?.contains("names a folder") == true)
        #expect(!FileManager.default.fileExists(atPath: d + "/new"))   // the trailing slash created no folder
        #expect(message { try OutputPaths.checkWritableFile(d, flag: "checkpoint") }?.contains("is a folder") == true)
        #expect(message { try OutputPaths.checkWritableFile("", flag: "checkpoint") }?.contains("must not be empty") == true)
        #expect(message { try OutputPaths.checkWritableFile("/proc/c.safetensors", flag: "checkpoint") }?.hasPrefix("--checkpoint /proc/c.safetensors: cannot create") == true)
        try OutputPaths.checkWritableFile(d + "/sub/c.safetensors", flag: "checkpoint")
        #expect(try FileManager.default.contentsOfDirectory(atPath: d).isEmpty)
    }
}
