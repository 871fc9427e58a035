// Issue 18: every exercise of every chapter grades a right answer ✓ (exit 0) and a wrong one ✗ with a
// hint and without the solution (exit 1); bad input to the grader is one line and exit 2. Runs the
// chapter binaries of this build (next to the test bundle, else .build/debug or .build/release);
// skipped when they are missing.
import Foundation
import Testing

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

private func binary(_ name: String) -> String? {
    var dirs: [String] = []
    // `swift test` runs the test bundle from the build folder that also holds the chapter binaries.
    for start in [Bundle.main.bundlePath, Bundle.main.executablePath ?? "", CommandLine.arguments.first ?? ""] where !start.isEmpty {
        var d = URL(fileURLWithPath: start).standardizedFileURL
        for _ in 0..<4 { d = d.deletingLastPathComponent(); dirs.append(d.path) }
    }
    dirs += ["debug", "release"].map { packageRoot + "/.build/\($0)" }
    return dirs.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

private let chapters = ["chapter1-langevin", "chapter2-tweedie-miyasawa", "chapter3-condition-number",
                        "chapter4-universality", "chapter5-gps-walk-jump"]

/// Runs `chapter exercise args`; returns (exit code, stdout, stderr).
private func grade(_ chapter: String, _ args: [String]) throws -> (Int32, String, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary(chapter)!)
    p.arguments = ["exercise"] + args
    p.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

@Suite(.serialized, .enabled(if: chapters.allSatisfy { binary($0) != nil }, "build the chapters first (swift build)"))
struct ExerciseGradingTests {
    /// (chapter, id, a right answer, a wrong answer, extra flags), derived by hand from each question.
    static let cases: [(String, String, String, String, [String])] = [
        ("chapter1-langevin", "1.1", "20", "19", []),                      // 2h/(1 − ρ²), ρ = 1 − 1.9
        ("chapter1-langevin", "1.1", "10", "20", ["--step", "1.8"]),       // recomputed for the student's step
        ("chapter1-langevin", "1.2", "7,63,511", "7,63,400", []),          // 2κ/f − 1 at f = 0.25
        ("chapter1-langevin", "1.3", "6.25", "2.5", []),                   // 100/(8·2)
        ("chapter1-langevin", "1.4", "3.979,14.79,30.85", "3.98,14.79,20", []),
        ("chapter1-langevin", "1.5", "0.8339", "0.5", []),                // Cheng: S = MSMᵀ + Q iterated in numpy (0.83387); 0.5 = 1/λ is the continuous law
        ("chapter1-langevin", "1.6", "0.07633", "0.0505", ["--data-dir", packageRoot + "/data"]),  // numpy on the mnist5k CSV: 0.0763267; 0.0505 = √(2/d), noise alone
        ("chapter2-tweedie-miyasawa", "2.1", "0.7804", "0.5", []),        // 2·2·sin(π/16)
        ("chapter2-tweedie-miyasawa", "2.2", "training", "fresh", []),
        ("chapter2-tweedie-miyasawa", "2.3", "4.444", "0.444", []),       // 0.1/0.15²
        ("chapter2-tweedie-miyasawa", "2.4", "0.8", "1.6", []),           // gap 4 sin(π/8) = 1.53
        ("chapter2-tweedie-miyasawa", "2.5", "1.073", "2.303", []),       // numpy: sqrt(2·log(10))/2 = 1.07298 (σ = 2, the largest of the command's --sigmas); 2.303 = 2·ln 10/2 forgets the root
        ("chapter2-tweedie-miyasawa", "2.5", "2.146", "1.073", ["--sigmas", "0.15,0.3,0.5,1"]),  // sqrt(2·log(10))/1 = 2.14597
        ("chapter3-condition-number", "3.1", "513", "129", []),           // 1 + 128·1/0.25
        ("chapter3-condition-number", "3.1", "257", "513", ["--max-measurements", "64"]),
        ("chapter3-condition-number", "3.2", "50.5,101", "101,101", []),  // (0.01+1)/(0.01+0.01), 1 + 1/0.01
        ("chapter3-condition-number", "3.3", "64", "32", []),             // (3 − 1)·32
        ("chapter3-condition-number", "3.4", "512", "8", []),             // (800/100)³
        ("chapter3-condition-number", "3.5", "lambda-max", "d", []),
        ("chapter3-condition-number", "3.6", "67.752", "9.163", []),     // σ_eff = 0.35: numpy 2×2 resolvent of the A-B-O-B-A map; 9.163 = κ
        ("chapter4-universality", "4.1", "1,2,4", "1,4,16", []),
        ("chapter4-universality", "4.2", "0.5", "1", []),
        ("chapter4-universality", "4.3", "2", "0.5", []),                 // √16 · 0.5
        ("chapter4-universality", "4.4", "yes", "no", []),
        ("chapter4-universality", "4.5", "0.19696,0.99247", "0.2,1.5", []),
        ("chapter4-universality", "4.6", "0.4545,0.2778,0.06757", "0.5,0.5,0.5", []),  // 50/(10(10 + M))
        ("chapter4-universality", "4.7", "7", "8", []),                   // (1 − 1/8)·2·2·(0.5²·8) at the command's M = 8; numpy Monte Carlo 6.996 ± 0.013; 8 = 2dσ² forgets P(π(1) = 1)
        ("chapter4-universality", "4.7", "3", "7", ["--mdae-measurements", "4"]),  // (3/4)·2·2·1; numpy Monte Carlo 2.988
        ("chapter5-gps-walk-jump", "5.1", "0.7071", "1.414", []),         // 0.25·√32/2
        ("chapter5-gps-walk-jump", "5.2", "1", "0.25", []),               // γδ/δ = 0.25/0.25
        ("chapter5-gps-walk-jump", "5.3", "8", "200", ["--sample-steps", "200", "--jump-every", "25"]),
        ("chapter5-gps-walk-jump", "5.4", "0.5,0.25", "0.25,0.125", []),  // σ = 0.5 for M = 4
        ("chapter5-gps-walk-jump", "5.5", "500", "1000", []),
        ("chapter5-gps-walk-jump", "5.6", "0.25", "0.5", []),             // σ_eff²
        ("chapter5-gps-walk-jump", "5.8", "8", "0.125", []),              // e^{−kγδ} = 1/e at k = 1/γδ, γδ = 0.125
        ("chapter5-gps-walk-jump", "5.7", "1.1398", "1", []),             // Cheng's Lyapunov S = MSMᵀ + Q iterated in numpy at λ = 1, δ = 0.5, γδ = 1
        ("chapter5-gps-walk-jump", "5.9", "50", "200", []),               // 40 000/200 jumps in 4 windows; 200 forgets the windows
        ("chapter5-gps-walk-jump", "5.9", "20", "50", ["--marathon-windows", "10"]),  // 200 jumps in 10 windows
    ]

    @Test func everyExerciseIsCovered() throws {
        for (n, chapter) in chapters.enumerated() {
            let (code, out, _) = try grade(chapter, ["--list"])
            #expect(code == 0)
            let ids = out.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
            #expect(!ids.isEmpty && ids.allSatisfy { $0.hasPrefix("\(n + 1).") }, "\(chapter): \(ids)")
            #expect(Set(ids) == Set(Self.cases.filter { $0.0 == chapter }.map(\.1)), "\(chapter): every exercise needs a case")
        }
    }

    @Test func rightAndWrongAnswers() throws {
        for (chapter, id, right, wrong, flags) in Self.cases {
            let (c1, o1, e1) = try grade(chapter, [id, "--answer", right] + flags)
            #expect(c1 == 0 && o1.hasPrefix("✓ \(id)"), "\(chapter) \(id) \(right) \(flags): \(o1)\(e1)")
            let (c2, o2, e2) = try grade(chapter, [id, "--answer", wrong] + flags)
            #expect(c2 == 1 && o2.hasPrefix("✗ \(id)") && o2.contains("Hint: "), "\(chapter) \(id) \(wrong) \(flags): \(o2)\(e2)")
            // the solutions printed for the lecturer grade right
            let (c3, o3, _) = try grade(chapter, ["--solutions", id] + flags)
            let solution = o3.split(separator: "\n").first { $0.contains("Solution: ") }.map { String($0.split(separator: " ")[1]) }
            #expect(c3 == 0 && solution != nil, "\(chapter) \(id): \(o3)")
            if let solution { #expect(try grade(chapter, [id, "--answer", solution] + flags).0 == 0, "\(chapter) \(id) \(solution)") }
        }
    }

    @Test func answersFile() throws {
        let path = NSTemporaryDirectory() + "/answers-\(getpid()).txt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "# mine\n3.1 513\n3.2 50.5,101\n3.3 32 --dim 16\n3.4 8\n1.1 20\n".write(toFile: path, atomically: true, encoding: .utf8)
        let (code, out, _) = try grade("chapter3-condition-number", ["--answers", path])
        #expect(code == 1)
        #expect(out.contains("✓ 3.1") && out.contains("✓ 3.2") && out.contains("✓ 3.3") && out.contains("✗ 3.4") && out.contains("3 of 4 right") && out.contains("skipped 1.1"))
    }

    @Test func badInputIsOneLineAndExitTwo() throws {
        let path = NSTemporaryDirectory() + "/bad-answers-\(getpid()).txt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "3.1 513\nnot an answer line\n".write(toFile: path, atomically: true, encoding: .utf8)
        let bad: [(String, [String], String)] = [
            ("chapter3-condition-number", ["3.9", "--answer", "1"], "no exercise 3.9"),
            ("chapter3-condition-number", ["1.1", "--answer", "1"], "not in chapter 3"),
            ("chapter3-condition-number", ["3.1", "--answer", "lots"], "--answer must be a number"),
            ("chapter3-condition-number", ["3.2", "--answer", "50.5;101"], "--answer must be a comma-separated list"),
            ("chapter3-condition-number", ["3.5", "--answer", "sigma"], "--answer must be one of"),
            ("chapter3-condition-number", ["--answers", path], "line 2"),
            ("chapter3-condition-number", ["--answers", "/no/such/file"], "cannot be read"),
            ("chapter3-condition-number", ["3.1", "--answer", "513", "--sigma", "-1"], "--sigma"),
            ("chapter1-langevin", ["x", "--answer", "1"], "not an exercise id"),
            ("chapter5-gps-walk-jump", ["5.1", "--answer", "1", "--members", "0"], "--members"),
            ("chapter4-universality", ["4.1", "--answer", "1", "--no-such-flag"], "no-such-flag"),
        ]
        for (chapter, args, needle) in bad {
            let (code, out, err) = try grade(chapter, args)
            let lines = err.split(separator: "\n")
            #expect(code == 2 && out.isEmpty && lines.count == 1 && err.contains(needle), "\(chapter) \(args): \(code) \(err)")
        }
    }
}
