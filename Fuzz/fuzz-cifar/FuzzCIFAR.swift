// libFuzzer target: one CIFAR-10 binary batch (plain or gzip), through CIFAR10Loader.decode(batch:)
// — the code `load(batchFiles:)` runs on each file after reading it. Errors must be thrown
// DatasetErrors; a trap, an ASan report, a hang or an OOM is a finding, and so is an accepted batch
// that does not re-encode to its (inflated) bytes.
#if canImport(Glibc)
import Glibc
#endif
import Datasets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCIFAR(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let set = try? CIFAR10Loader.decode(batch: bytes) else {
        check(!expectValid, "a seed was rejected")
        return 0
    }
    let records = Gzip.isGzip(bytes) ? try? Gzip.decompress(bytes) : bytes
    check(set.count >= 1 && set.channels == 3 && set.height == 32 && set.width == 32, "shape")
    check(set.images.allSatisfy { $0 >= 0 && $0 <= 1 } && set.labels.allSatisfy { $0 <= 9 }, "pixels or labels")
    let again = CIFAR10Loader.encode(labels: set.labels, images: set.images.map { UInt8(($0 * 255).rounded()) })
    check(records == again, "the batch does not re-encode to the input")
    return 0
}

/// `MDENSITY_FUZZ_EXPECT_VALID=1` (scripts/fuzz.sh --check-seeds): every input must be accepted.
let expectValid = getenv("MDENSITY_FUZZ_EXPECT_VALID").map { String(cString: $0) == "1" } ?? false

func check(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("fuzz-cifar invariant broken: \(what())") }
}
