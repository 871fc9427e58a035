// Issue 13, items 6 and 12: extreme flag values (1e308, 1e-308, huge lists) are refused with a usable
// range before any work; the integer conversions that used to overflow (Int(4·∞) as an
// autocorrelation lag, which grew past 8 GB) are clamped.
import Notebook
import Testing

@Suite struct InputRangeTests {
    @Test func clampedIntNeverTraps() {
        #expect(Validate.clampedInt(.infinity, max: 1000) == 1000)
        #expect(Validate.clampedInt(4 * 1e308 * 10, max: 1000) == 1000)
        #expect(Validate.clampedInt(.nan, max: 1000) == 0)
        #expect(Validate.clampedInt(-.infinity, max: 1000) == 0)
        #expect(Validate.clampedInt(-5, max: 1000) == 0)
        #expect(Validate.clampedInt(12.7, max: 1000) == 12)
        #expect(Validate.clampedInt(Double(Int.max), max: Int.max) == Int.max)
    }

    @Test func listsAreCapped() throws {
        try Validate.listLength([1.0, 2, 3], max: 8, flag: "sigmas")
        #expect(throws: InputError.self) { try Validate.listLength(Array(repeating: 1.0, count: 100), max: 8, flag: "sigmas") }
        do { try Validate.listLength(Array(repeating: 1.0, count: 100), max: 8, flag: "sigmas") } catch {
            #expect("\(error)" == "--sigmas takes at most 8 values (got 100)")
        }
    }

    @Test func hopelessChainsAreRefused() throws {
        // chapter 1's defaults: κ = 64, h λ_max = 0.5 → IAT ≈ 256, 10⁶ steps.
        try Validate.effectiveSamples(iat: 256, steps: 1_000_000, flag: "iat-steps", cause: "--kappas")
        for iat in [Double.infinity, .nan, 2e308 / 1e-308, 1e5] {
            #expect(throws: InputError.self) { try Validate.effectiveSamples(iat: iat, steps: 1_000_000, flag: "iat-steps", cause: "--kappas") }
        }
    }

    @Test func negativeValuesReachTheRangeCheck() throws {
        #expect(negativeValuesJoined(["--steps", "-5", "--lr", "-1e-3", "--members", "-1,4"]) == ["--steps=-5", "--lr=-1e-3", "--members=-1,4"])
        #expect(negativeValuesJoined(["--lr", "-inf", "--x", "-nan"]) == ["--lr=-inf", "--x=-nan"])
        // Flags, short options, already-joined values and words after "--" are left alone.
        #expect(negativeValuesJoined(["--resume", "--steps", "5", "-h", "--seed=-1", "--", "--a", "-5"]) == ["--resume", "--steps", "5", "-h", "--seed=-1", "--", "--a", "-5"])
        #expect(negativeValuesJoined(["--figures-dir", "-x"]) == ["--figures-dir", "-x"])
        // ArgumentParser takes the joined form: a negative seed now fails as a bad value, not a missing one.
        do { _ = try CommonOptions.parse(negativeValuesJoined(["--seed", "-5"])); Issue.record("accepted") } catch {
            #expect(!CommonOptions.message(for: error).contains("Missing value"), "\(CommonOptions.message(for: error))")
        }
    }

    @Test func extremeValuesGetTheRangeInTheMessage() {
        for v in [1e308, 1e-308, -5, 0, .nan, .infinity] {
            do { try Validate.inRange(v, 0.05...5, flag: "tau"); Issue.record("\(v) accepted") } catch {
                #expect("\(error)".hasPrefix("--tau must be in 0.05…5.0"), "\(error)")
            }
        }
    }
}
