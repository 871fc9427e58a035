/// Seedable pseudo-random numbers for reproducible runs.
///
/// `Xoshiro256` is xoshiro256** (Blackman & Vigna 2018): 256-bit state, period 2²⁵⁶ − 1, passes
/// BigCrush. The state is filled from the seed by SplitMix64, as its authors recommend, so any
/// `UInt64` seed (including 0) gives a good stream. `split()` returns an independent stream for a
/// worker (the state after the generator's `jump()`, i.e. 2¹²⁸ steps ahead), so parallel code stays
/// reproducible for a fixed seed. Gaussian draws use the Box–Muller transform on two 53-bit uniforms.
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    @usableFromInline var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&sm); s1 = splitMix(&sm); s2 = splitMix(&sm); s3 = splitMix(&sm)
    }

    /// The stream named by `keys` of `seed`: the seed and each key in turn folded through
    /// `mix`, so distinct key paths (or seeds) give unrelated generators. Unlike `seed + k`
    /// streams, under which seed 1's stream 2 is seed 2's stream 1 and a block of offsets can run
    /// into the next, two streams coincide only if their 64-bit hashes do.
    public init(seed: UInt64, stream keys: [UInt64]) { self.init(seed: Xoshiro256.seed(seed, stream: keys)) }

    /// The seed of `init(seed:stream:)`'s generator, for APIs that take a seed.
    public static func seed(_ seed: UInt64, stream keys: [UInt64]) -> UInt64 {
        keys.reduce(seed) { mix($0, $1) }
    }

    /// Folds `key` into `a`: SplitMix64's finaliser of a + γ·(key + 1), γ the golden-ratio increment
    /// (a bijection of a for each key). The trainers key their per-step and per-epoch streams with it.
    @inline(__always)
    public static func mix(_ a: UInt64, _ key: UInt64) -> UInt64 {
        var z = a &+ 0x9E37_79B9_7F4A_7C15 &* (key &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The 256-bit state, to save a stream and continue it exactly later (`init(state:)`).
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// The generator whose `state` this is; nil unless 4 words, not all zero (xoshiro's one
    /// forbidden state, and what an emptied file would give).
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inlinable @inline(__always)
    func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Advances the state by 2¹²⁸ steps (the reference `jump` polynomial).
    public mutating func jump() {
        let table: [UInt64] = [0x180E_C6D3_3CFD_0ABA, 0xD5A6_1266_F0C9_392C,
                               0xA958_2618_E03F_C9AA, 0x39AB_DC45_29B1_661C]
        var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0
        for word in table {
            for b in 0..<64 {
                if word & (1 << UInt64(b)) != 0 { t0 ^= s0; t1 ^= s1; t2 ^= s2; t3 ^= s3 }
                _ = next()
            }
        }
        (s0, s1, s2, s3) = (t0, t1, t2, t3)
    }

    /// An independent stream: a copy of the current generator jumped 2¹²⁸ steps ahead; `self` jumps
    /// twice, past the child's 2¹²⁸-step block, so parent and successive children never overlap.
    /// (The child must not jump again after the copy: it would land on the parent's new state.)
    public mutating func split() -> Xoshiro256 {
        jump()
        let child = self
        jump()
        return child
    }

    /// Uniform on [0, 1) with 53 random bits.
    @inlinable @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform on (0, 1]: safe for `log`.
    @inlinable @inline(__always)
    public mutating func uniformPositive() -> Double { Double((next() >> 11) + 1) * 0x1.0p-53 }

    /// One standard normal draw (Box–Muller; the second value of each pair is discarded so that the
    /// stream position never depends on earlier calls' parity).
    @inlinable
    public mutating func gaussian() -> Double {
        let r = (-2 * _log(uniformPositive())).squareRoot()
        return r * _cos(2 * Double.pi * uniform())
    }

    /// Fills `buffer` with independent standard normal draws, two per Box–Muller pair.
    @inlinable
    public mutating func fillGaussian(_ buffer: UnsafeMutableBufferPointer<Double>, mean: Double = 0, std: Double = 1) {
        var i = 0
        let n = buffer.count
        while i < n {
            let r = (-2 * _log(uniformPositive())).squareRoot() * std
            let theta = 2 * Double.pi * uniform()
            buffer[i] = mean + r * _cos(theta)
            if i + 1 < n { buffer[i + 1] = mean + r * _sin(theta) }
            i += 2
        }
    }

    /// Float version of `fillGaussian` (draws are computed in Double, then rounded).
    @inlinable
    public mutating func fillGaussian(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float = 1) {
        var i = 0
        let n = buffer.count
        while i < n {
            let r = (-2 * _log(uniformPositive())).squareRoot()
            let theta = 2 * Double.pi * uniform()
            buffer[i] = mean + std * Float(r * _cos(theta))
            if i + 1 < n { buffer[i + 1] = mean + std * Float(r * _sin(theta)) }
            i += 2
        }
    }

    /// `n` standard normal draws.
    public mutating func gaussians(_ n: Int, mean: Double = 0, std: Double = 1) -> [Double] {
        [Double](unsafeUninitializedCapacity: n) { buf, count in
            fillGaussian(buf, mean: mean, std: std); count = n
        }
    }

    /// `n` standard normal draws in Float.
    public mutating func gaussiansFloat(_ n: Int, mean: Float = 0, std: Float = 1) -> [Float] {
        [Float](unsafeUninitializedCapacity: n) { buf, count in
            fillGaussian(buf, mean: mean, std: std); count = n
        }
    }

    /// Uniform integer in 0..<n (Lemire's nearly-divisionless method via the stdlib).
    public mutating func int(below n: Int) -> Int { Int.random(in: 0..<n, using: &self) }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] { Array(0..<n).shuffled(using: &self) }
}

// Elementary functions without importing Foundation in hot loops.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@inlinable @inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inlinable @inline(__always) func _cos(_ x: Double) -> Double { cos(x) }
@inlinable @inline(__always) func _sin(_ x: Double) -> Double { sin(x) }
