#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import Storage

/// Whole data files: read with the C library into memory in one piece (then converted through unsafe
/// buffers, errors as `DatasetError`s); written through Storage's one atomic write.
public enum DataFile {
    /// True when `path` names an existing regular file (or a symlink to one).
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// True when `path` names an existing directory.
    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The raw bytes of the file.
    public static func read(_ path: String) throws(DatasetError) -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw .unreadable(path: path, reason: errnoText()) }
        defer { fclose(f) }
        var st = stat()
        guard fstat(fileno(f), &st) == 0 else { throw .unreadable(path: path, reason: errnoText()) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
        let size = Int(st.st_size)
        var failure: String? = nil
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            count = 0
            guard size > 0, let base = buf.baseAddress else { return }
            let got = fread(base, 1, size, f)
            if got != size { failure = ferror(f) != 0 ? errnoText() : "short read: \(got) of \(size) bytes" }
            count = got
        }
        if let failure { throw .unreadable(path: path, reason: failure) }
        return bytes
    }

    /// The file's bytes, transparently gunzipped when they start with the gzip magic bytes 1f 8b.
    /// `wasCompressed` reports which case applied (for error messages about sizes).
    public static func readMaybeGzipped(_ path: String) throws(DatasetError) -> (bytes: [UInt8], wasCompressed: Bool) {
        try readMaybeGzipped(path, atMost: nil)
    }

    /// As `readMaybeGzipped(_:)`, but a gzip stream is inflated only as far as the format allows:
    /// `atMost(prefix)` gets the first `headerBytes` decompressed bytes (the format's header) and
    /// returns the largest size the file can have (`nil`: no bound), with a description of it for the
    /// message. Inflating stops one byte past the bound, so a gzip bomb costs at most that much memory.
    public static func readMaybeGzipped(_ path: String, headerBytes: Int = 0,
                                        atMost: (([UInt8]) throws(DatasetError) -> (bytes: Int, what: String)?)?) throws(DatasetError) -> (bytes: [UInt8], wasCompressed: Bool) {
        try gunzipIfNeeded(read(path), path: path, headerBytes: headerBytes, atMost: atMost)
    }

    /// The in-memory half of `readMaybeGzipped(_:headerBytes:atMost:)`: `raw` is a file's contents,
    /// returned as is unless it starts with 1f 8b, then inflated with the same bound; `path` only
    /// names the file in errors. (The parsers' bytes-level entry points and the fuzz targets use it.)
    public static func gunzipIfNeeded(_ raw: [UInt8], path: String, headerBytes: Int = 0,
                                      atMost: (([UInt8]) throws(DatasetError) -> (bytes: Int, what: String)?)?) throws(DatasetError) -> (bytes: [UInt8], wasCompressed: Bool) {
        guard Gzip.isGzip(raw) else { return (raw, false) }
        do {
            guard let atMost else { return (try Gzip.decompress(raw), true) }
            let header = headerBytes > 0 ? try Gzip.decompress(raw, limit: headerBytes) : []
            guard let bound = try atMost(header) else { return (try Gzip.decompress(raw), true) }
            let bytes = try Gzip.decompress(raw, limit: bound.bytes + 1)
            if bytes.count > bound.bytes {
                throw DatasetError.badHeader(path: path, problem: "decompresses to more than \(bound.bytes) bytes, the most \(bound.what) can take; stopped inflating there")
            }
            return (bytes, true)
        } catch let e as GzipError {
            throw .corruptGzip(path: path, reason: e.reason)
        } catch let e as DatasetError {
            throw e
        } catch {
            throw .corruptGzip(path: path, reason: "\(error)")
        }
    }

    /// Replaces `path` with `bytes` atomically (Storage's `AtomicFile`: a crash leaves the old file or
    /// the new one).
    public static func write(_ bytes: [UInt8], to path: String) throws(DatasetError) {
        do { try AtomicFile.write(bytes, to: path) } catch {
            throw .unwritable(path: path, reason: (error as? CheckpointError)?.problem ?? "\(error)")
        }
    }
}

/// A zlib failure while compressing or decompressing.
public struct GzipError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { "gzip: \(reason)" }
}

/// gzip (RFC 1952) through zlib: in-memory compression and decompression, and writing `.gz` files
/// with `gzopen`/`gzwrite` (handy for tests and for tools that save IDX files).
public enum Gzip {
    /// True when `bytes` begins with the gzip magic bytes 1f 8b.
    public static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// Inflates a gzip stream (several concatenated members are joined, as `gunzip` does). With
    /// `limit`, inflating stops after `limit` bytes and those are returned (a longer stream is not
    /// read further, and its remainder is not checked).
    public static func decompress(_ data: [UInt8], limit: Int? = nil) throws(GzipError) -> [UInt8] {
        guard !data.isEmpty else { throw GzipError(reason: "empty input") }
        let limit = limit.map { max(0, $0) } ?? Int.max
        // ISIZE (the last 4 bytes, little-endian) is the uncompressed size mod 2³² — only a capacity
        // hint, and garbage in a truncated file, so it is capped by deflate's 1032:1 maximum ratio
        // and the buffer is malloc'ed (untouched pages of an over-large guess cost nothing).
        var capacity = data.count * 4 + 64
        if data.count >= 18 {
            let n = data.count
            let isize = Int(data[n - 4]) | Int(data[n - 3]) << 8 | Int(data[n - 2]) << 16 | Int(data[n - 1]) << 24
            if isize > 0 && isize <= data.count * 1032 { capacity = isize + 1 }  // +1: stream end seen without a regrow
        }
        capacity = max(1, min(capacity, limit))
        guard var out = malloc(capacity)?.assumingMemoryBound(to: UInt8.self) else {
            throw GzipError(reason: "cannot allocate \(capacity) bytes")
        }
        defer { free(out) }
        var produced = 0
        var stream = z_stream()
        // windowBits 15 + 16: gzip wrapper only (a zlib or raw stream is rejected as corrupt).
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw GzipError(reason: "inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var failure: String? = nil
        data.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!)
            var remainingIn = input.count
            while true {
                if produced >= limit { return }
                if produced == capacity {
                    let bigger = min(capacity + max(capacity / 2, 1 << 16), limit)
                    guard let grown = realloc(out, bigger) else { failure = "cannot allocate \(bigger) bytes"; return }
                    out = grown.assumingMemoryBound(to: UInt8.self)
                    capacity = bigger
                }
                // avail_in / avail_out are 32-bit: at most 1 GiB per call.
                let chunkIn = min(remainingIn, 1 << 30)
                let chunkOut = min(capacity - produced, 1 << 30)
                stream.avail_in = UInt32(chunkIn)
                stream.avail_out = UInt32(chunkOut)
                stream.next_out = out + produced
                let status = inflate(&stream, Z_NO_FLUSH)
                remainingIn -= chunkIn - Int(stream.avail_in)
                produced += chunkOut - Int(stream.avail_out)
                switch status {
                case Z_STREAM_END:
                    // Skip trailing zero padding; another member may follow.
                    var p = stream.next_in!
                    while remainingIn > 0 && p.pointee == 0 { p += 1; remainingIn -= 1 }
                    stream.next_in = p
                    if remainingIn == 0 { return }
                    if inflateReset(&stream) != Z_OK { failure = "inflateReset failed"; return }
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    if stream.avail_out == 0 { continue }  // output full: grown at the top of the loop
                    failure = "unexpected end of data (truncated file)"
                    return
                default:
                    failure = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    return
                }
            }
        }
        if let failure { throw GzipError(reason: failure) }
        return Array(UnsafeBufferPointer(start: out, count: produced))
    }

    /// Deflates `data` into a single gzip member (`level` 0…9; -1 is zlib's default).
    public static func compress(_ data: [UInt8], level: Int32 = -1) throws(GzipError) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw GzipError(reason: "deflateInit2 failed (level \(level))")
        }
        defer { deflateEnd(&stream) }
        guard data.count < Int(UInt32.max) else { throw GzipError(reason: "input over 4 GiB") }
        let bound = Int(deflateBound(&stream, UInt(data.count))) + 64
        var out = [UInt8](repeating: 0, count: bound)
        let status: Int32 = data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress ?? UnsafePointer(o.baseAddress!))
                stream.avail_in = UInt32(input.count)
                stream.next_out = o.baseAddress!
                stream.avail_out = UInt32(o.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw GzipError(reason: "deflate returned \(status)") }
        out.removeSubrange(Int(stream.total_out)...)
        return out
    }

    /// Writes `data` as a gzip file with zlib's `gzopen`/`gzwrite`.
    public static func writeFile(_ data: [UInt8], to path: String, level: Int = 6) throws(DatasetError) {
        guard let gz = gzopen(path, "wb\(max(0, min(9, level)))") else {
            throw .unwritable(path: path, reason: errnoText())
        }
        var offset = 0
        var ok = true
        data.withUnsafeBufferPointer { buf in
            while offset < buf.count {
                let n = min(buf.count - offset, 1 << 30)
                let w = gzwrite(gz, buf.baseAddress! + offset, UInt32(n))
                if w <= 0 { ok = false; return }
                offset += Int(w)
            }
        }
        let closed = gzclose(gz)
        guard ok, closed == Z_OK else { throw .unwritable(path: path, reason: "gzwrite/gzclose failed") }
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// `a/b` without doubling the slash.
func joinPath(_ a: String, _ b: String) -> String {
    if a.isEmpty { return b }
    return a.hasSuffix("/") ? a + b : a + "/" + b
}

/// The last path component (for messages that name a file inside a listed directory).
func fileName(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
}

/// Physical memory in bytes (sysconf), for refusing headers that declare more data than fits.
func physicalMemoryBytes() -> Double {
    Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
}
