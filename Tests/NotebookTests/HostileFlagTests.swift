// Issue 13: hostile flag values end in exit 2 with one line naming the flag, fast and with nothing
// written. Runs the chapter binaries (the debug build `swift test` makes, else the release build);
// skipped when neither is present.
import Foundation
import Testing

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

private func binary(_ name: String) -> String? {
    for config in ["debug", "release"] {
        let p = packageRoot + "/.build/\(config)/\(name)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

private let chapters = ["chapter1-langevin", "chapter2-tweedie-miyasawa", "chapter3-condition-number",
                        "chapter4-universality", "chapter5-gps-walk-jump"]

/// Runs `chapter args` with a 30 s limit; returns (exit code, stderr).
private func run(_ chapter: String, _ args: [String], in dir: String) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary(chapter)!)
    p.arguments = args
    p.currentDirectoryURL = URL(fileURLWithPath: dir)
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    let deadline = Date().addingTimeInterval(30)
    while p.isRunning && Date() < deadline { usleep(20_000) }
    if p.isRunning { p.terminate(); p.waitUntilExit(); return (-1, "timed out") }
    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (p.terminationStatus, text)
}

@Suite(.serialized, .enabled(if: chapters.allSatisfy { binary($0) != nil }, "build the chapters first (swift build)"))
struct HostileFlagTests {
    static let cases: [(String, [String], String)] = [
        ("chapter1-langevin", ["--kappas", "1,1e308"], "--kappas"),
        ("chapter1-langevin", ["--step-fraction", "1e-308"], "--step-fraction"),
        ("chapter1-langevin", ["--steps", "-5"], "--steps must be in"),
        ("chapter1-langevin", ["--tau", "1e308"], "--tau"),
        ("chapter1-langevin", ["--figures-dir", ""], "--figures-dir"),
        ("chapter2-tweedie-miyasawa", ["--sigmas", Array(repeating: "0.5", count: 100).joined(separator: ",")], "--sigmas"),
        ("chapter2-tweedie-miyasawa", ["--radius", "1e308"], "--radius"),
        ("chapter2-tweedie-miyasawa", ["--sigma", "1e-308"], "--sigma"),
        ("chapter3-condition-number", ["--figures-dir", "/proc"], "--figures-dir"),
        ("chapter3-condition-number", ["--sigma", "1e308"], "--sigma"),
        ("chapter3-condition-number", ["--sigma-eff", "1e308"], "--sigma-eff"),
        ("chapter2-tweedie-miyasawa", ["--learning-rate", "1e-308"], "--learning-rate"),
        ("chapter2-tweedie-miyasawa", ["--effective-friction", "1e-308"], "--effective-friction"),
        ("chapter4-universality", ["--separation", "1e308"], "--separation"),
        ("chapter4-universality", ["--tau", "1e-308"], "--tau"),
        ("chapter4-universality", ["--step", "1e-308"], "--step"),
        ("chapter5-gps-walk-jump", ["--lr", "1e308"], "--lr"),
        ("chapter5-gps-walk-jump", ["--lr", "-1"], "--lr must be"),
        ("chapter5-gps-walk-jump", ["--sigma-eff", "-1"], "--sigma-eff must be"),
        ("chapter5-gps-walk-jump", ["--friction", "1e308"], "--friction"),
        ("chapter5-gps-walk-jump", ["--members", "4,4,4"], "--members"),
        ("chapter5-gps-walk-jump", ["sample", "--resume"], "--resume"),
        ("chapter5-gps-walk-jump", ["--checkpoint", "new-folder/"], "--checkpoint"),
        // Found by scripts/flag-fuzz.py --size full (docs/flag-fuzz.md):
        // a one-character first name crashed (SIGILL) in the path check; here the run gets past it
        ("chapter1-langevin", ["--figures-dir", "x/y", "--steps", "-5"], "--steps must be in"),
        ("chapter5-gps-walk-jump", ["sample", "--checkpoint", "c"], "no checkpoint at c"),
        // names and paths longer than the kernel takes: refused up front, not at the report
        ("chapter3-condition-number", ["--figures-dir", String(repeating: "n", count: 300)], "--figures-dir"),
        ("chapter5-gps-walk-jump", ["--checkpoint", String(repeating: "c/", count: 2000) + "x"], "--checkpoint"),
        // data-set errors name --data-dir
        ("chapter5-gps-walk-jump", ["--preset", "tiny", "--data-dir", "no-such-folder"], "--data-dir no-such-folder: mnist5k not found"),
        ("chapter5-gps-walk-jump", ["--data-dir", ""], "--data-dir must not be empty"),
        // a derived value overflowed and the message blamed another flag; a NaN bound passed
        ("chapter4-universality", ["--sigma-eff", "1e308"], "--sigma-eff must be in"),
        ("chapter3-condition-number", ["--noise-levels", "1e308"], "--noise-levels"),
    ]

    @Test func hostileFlagsExitTwoWithOneLine() throws {
        let dir = NSTemporaryDirectory() + "/hostile-flags-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (chapter, args, mention) in Self.cases {
            let (code, err) = try run(chapter, args + (args.contains("--figures-dir") ? [] : ["--figures-dir", dir + "/fig"]), in: dir)
            let lines = err.split(separator: "\n")
            #expect(code == 2 && lines.count == 1 && err.contains(mention), "\(chapter) \(args.prefix(2)): exit \(code), \(err)")
        }
        // Nothing was written: no figures folder, no checkpoint folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    /// Items 3 and 13: checkpoint metadata out of range, and --resume with another schedule, are exit 2
    /// naming the file or the flag, before the data are loaded.
    @Test func checkpointValuesAreCheckedLikeFlags() throws {
        let dir = NSTemporaryDirectory() + "/hostile-ckpt-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func write(_ name: String, _ meta: [String: String]) -> String {
            let m = meta.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
            var header = Array("{\"__metadata__\":{\(m)},\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".utf8)
            while header.count % 8 != 0 { header.append(0x20) }
            var bytes = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header
            bytes += [0, 0, 0, 0]
            let path = dir + "/" + name
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            return path
        }
        let cases: [([String: String], [String], String)] = [
            (["width": "9999"], ["sample"], "\"width\" is 9999"),
            (["width": "0"], ["train", "--resume"], "\"width\" is 0"),
            (["resolutions": "7"], ["sample"], "\"resolutions\" is 7"),
            (["step": "-5"], ["sample"], "\"step\" is -5"),
            (["learning_rate": "0.002", "warmup": "10"], ["train", "--resume", "--lr", "1e-3"], "--lr: the checkpoint"),
            (["learning_rate": "0.002", "warmup": "10"], ["train", "--resume", "--warmup", "3"], "--warmup: the checkpoint"),
        ]
        for (i, (meta, args, mention)) in cases.enumerated() {
            let path = write("c\(i).safetensors", meta)
            let (code, err) = try run("chapter5-gps-walk-jump", args + ["--preset", "tiny", "--checkpoint", path, "--data-dir", dir + "/none",
                                                                        "--figures-dir", dir + "/fig"], in: dir)
            #expect(code == 2 && err.split(separator: "\n").count == 1 && err.contains(mention), "\(meta) \(args): exit \(code), \(err)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/fig"))
    }

    /// Items 1–2: an empty training or test split (valid IDX files) died with SIGFPE / SIGILL.
    @Test func emptySplitsExitTwoNamingTheFile() throws {
        let dir = NSTemporaryDirectory() + "/hostile-data-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        for (name, train, test) in [("no-train", 0, 30), ("no-test", 30, 0)] {
            let d = dir + "/" + name
            try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
            for (stem, n) in [("train", train), ("t10k", test)] {
                let images = be32(0x803) + be32(n) + be32(28) + be32(28) + [UInt8](repeating: 7, count: n * 784)
                let labels = be32(0x801) + be32(n) + [UInt8](repeating: 3, count: n)
                FileManager.default.createFile(atPath: d + "/\(stem)-images-idx3-ubyte", contents: Data(images))
                FileManager.default.createFile(atPath: d + "/\(stem)-labels-idx1-ubyte", contents: Data(labels))
            }
            let (code, err) = try run("chapter5-gps-walk-jump", ["--preset", "tiny", "--dataset", "mnist", "--data-dir", d,
                                                                 "--checkpoint", dir + "/ck/c.safetensors", "--figures-dir", dir + "/fig"], in: dir)
            let file = train == 0 ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte"
            #expect(code == 2 && err.split(separator: "\n").count == 1 && err.contains(file) && err.contains("holds 0 images"), "\(name): exit \(code), \(err)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/fig") && !FileManager.default.fileExists(atPath: dir + "/ck"))
    }
}
