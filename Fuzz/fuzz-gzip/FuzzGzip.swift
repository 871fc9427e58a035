// libFuzzer target: the gzip layer every data-set parser reads through (Sources/Datasets/FileIO.swift):
// Gzip.decompress with and without a limit, DataFile.gunzipIfNeeded with a header-derived bound (the
// gzip-bomb guard the IDX, CSV and CIFAR readers use), and Gzip.compress round trips. Errors must be
// thrown; a trap, an ASan report, a hang or an OOM is a finding, and so is any disagreement between
// the bounded and unbounded paths.
#if canImport(Glibc)
import Glibc
#endif
import Datasets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let full = try? Gzip.decompress(bytes)
    if expectValid { check(full != nil, "a seed was rejected") }

    // A limit (from the last byte, so it mutates independently of the stream's start) returns exactly
    // the first `limit` bytes of whatever the whole stream inflates to.
    let limit = size > 0 ? Int(bytes[size - 1]) * 37 : 0
    let part = try? Gzip.decompress(bytes, limit: limit)
    if let full { check(part == Array(full.prefix(limit)), "limit \(limit): not a prefix of the full output") }

    // The bounded reader: header = first 4 inflated bytes, bound = their sum × 3. It returns the full
    // output when that fits the bound and refuses it otherwise.
    var headerSeen: [UInt8]? = nil
    let bounded = Result { () throws(DatasetError) in
        try DataFile.gunzipIfNeeded(bytes, path: "<fuzz>", headerBytes: 4) { header throws(DatasetError) in
            headerSeen = header
            return header.count == 4 ? (header.reduce(0) { $0 + Int($1) } * 3, "the header's bound") : nil
        }
    }
    switch bounded {
    case .success(let (out, compressed)):
        check(compressed == Gzip.isGzip(bytes), "wasCompressed")
        check(compressed ? out == full : out == bytes, "bounded output differs from the full output")
        if compressed, let h = headerSeen, h.count == 4 { check(out.count <= h.reduce(0) { $0 + Int($1) } * 3, "bound exceeded") }
    case .failure:
        check(Gzip.isGzip(bytes), "plain bytes were refused")
        if let full, let h = headerSeen { check(h.count == 4 && full.count > h.reduce(0) { $0 + Int($1) } * 3, "a stream within its bound was refused") }
    }

    // Compressing anything and inflating it gives it back (levels 0…9 and zlib's default -1).
    let level = Int32(size % 11) - 1
    if let packed = try? Gzip.compress(bytes, level: level) {
        check((try? Gzip.decompress(packed)) == bytes, "compress(level \(level)) does not round-trip")
    } else { check(false, "compress(level \(level)) failed") }
    return 0
}

/// `MDENSITY_FUZZ_EXPECT_VALID=1` (scripts/fuzz.sh --check-seeds): every input must inflate.
let expectValid = getenv("MDENSITY_FUZZ_EXPECT_VALID").map { String(cString: $0) == "1" } ?? false

func check(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("fuzz-gzip invariant broken: \(what())") }
}
