// Issue 13, items 15–16: a second run on one checkpoint is refused (advisory flock on a lock file),
// and temporaries left by killed writers (`.<name>.tmp-<pid>-<hex>`, pid gone) are removed at start.
import Foundation
import Testing
import Storage

/// A fresh path under the temporary folder (process id and a random number keep parallel runs apart).
func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "/storage-\(getpid())-\(UInt64.random(in: 0...UInt64.max))-" + name
}

@Suite struct CheckpointLockTests {
    @Test func aSecondHolderIsRefusedUntilTheFirstReleases() throws {
        let path = temporaryPath("locked.safetensors")
        var first: CheckpointLock? = try CheckpointLock(checkpoint: path)
        defer { unlink(first?.lockPath ?? "") }
        do {
            _ = try CheckpointLock(checkpoint: path)
            Issue.record("a second lock on \(path) was granted")
        } catch let e as CheckpointError {
            #expect(e.description.contains("another run is using this checkpoint"), "\(e)")
        }
        let lockPath = first!.lockPath
        first = nil   // released
        let again = try CheckpointLock(checkpoint: path)
        #expect(again.lockPath == lockPath)
        unlink(lockPath)
    }

    @Test func temporariesOfDeadProcessesAreRemoved() throws {
        let path = temporaryPath("stale.safetensors")
        let dir = (path as NSString).deletingLastPathComponent, base = (path as NSString).lastPathComponent
        // A pid that surely is gone: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run(); child.waitUntilExit()
        let dead = dir + "/.\(base).tmp-\(child.processIdentifier)-1f2e"
        let alive = dir + "/.\(base).tmp-\(getpid())-3c4d"
        let other = dir + "/.other.safetensors.tmp-\(child.processIdentifier)-5e6f"
        for f in [dead, alive, other] { #expect(FileManager.default.createFile(atPath: f, contents: Data([0]))) }
        defer { for f in [dead, alive, other] { unlink(f) } }
        let lock = try CheckpointLock(checkpoint: path)
        defer { unlink(lock.lockPath) }
        #expect(lock.removedTemporaries.map { ($0 as NSString).lastPathComponent } == [(dead as NSString).lastPathComponent])
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: alive) && FileManager.default.fileExists(atPath: other))
    }
}
