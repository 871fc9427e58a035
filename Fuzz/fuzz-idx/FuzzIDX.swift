// libFuzzer target: IDX images and labels files (MNIST / Fashion-MNIST), plain or gzip.
// Every input goes to MNISTLoader.decodeImages and .decodeLabels — the code `loadImages(_:)` and
// `loadLabels(_:)` run after reading a file. Any error must be a thrown DatasetError; a trap, an
// ASan report, a hang or an OOM is a finding. What is accepted must also be self-consistent
// (checked below), so a parser that silently misreads is a finding too.
#if canImport(Glibc)
import Glibc
#endif
import Datasets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // gzip inputs: what the bounded inflate returned must be the whole stream (checked below).
    let inflated: [UInt8]? = Gzip.isGzip(bytes) ? try? Gzip.decompress(bytes) : bytes
    var accepted = false

    if let (pixels, count, rows, columns) = try? MNISTLoader.decodeImages(bytes) {
        accepted = true
        check(rows > 0 && columns > 0 && pixels.count == count * rows * columns, "image dimensions")
        check(pixels.allSatisfy { $0 >= 0 && $0 <= 1 }, "pixels outside [0, 1]")
        // Re-encoding what was read gives back the (inflated) file byte for byte.
        let again = MNISTLoader.encodeImages(pixels.map { UInt8(($0 * 255).rounded()) }, count: count, rows: rows, columns: columns)
        check(inflated == again, "images do not re-encode to the input")
        if let expected = try? MNISTLoader.decodeImages(bytes, expectedSize: (rows, columns)) {
            check(expected.pixels == pixels, "expectedSize changed the pixels")
        } else { check(false, "rejected with its own size as expectedSize") }
    }

    if let labels = try? MNISTLoader.decodeLabels(bytes, classCount: 256) {
        accepted = true
        check(inflated == MNISTLoader.encodeLabels(labels), "labels do not re-encode to the input")
        // With 10 classes exactly the files whose labels are all < 10 load, with the same labels.
        let ten = try? MNISTLoader.decodeLabels(bytes, classCount: 10)
        check(labels.allSatisfy { $0 < 10 } ? ten == labels : ten == nil, "classCount 10 disagrees")
    }
    if expectValid { check(accepted, "a seed was rejected") }
    return 0
}

/// `MDENSITY_FUZZ_EXPECT_VALID=1` (scripts/fuzz.sh --check-seeds): every input must be accepted.
let expectValid = getenv("MDENSITY_FUZZ_EXPECT_VALID").map { String(cString: $0) == "1" } ?? false

func check(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("fuzz-idx invariant broken: \(what())") }
}
