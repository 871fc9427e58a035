// Kernels on contiguous Float buffers written as plain scalar loops that LLVM vectorises in release
// builds (explicit SIMD types are very slow in debug builds, which the tests use). Each element's
// result depends only on that element, and reductions use a fixed order of 8 partial sums, so
// splitting work between threads never changes a bit.

/// e^x without a libm call, so loops over it vectorise: Cody–Waite reduction x = k·ln2 + r and the
/// Cephes degree-6 polynomial for e^r (relative error ≲ 2·10⁻⁷, within an ulp or two of expf).
/// Inputs are clamped to [−87, 88] so 2^k stays a normal Float; NaN is not preserved here
/// (the SiLU callers multiply by x, which carries it).
@inline(__always) func fastExp(_ xIn: Float) -> Float {
    let x = xIn < -87 ? -87 : (xIn > 88 ? 88 : xIn)
    let magic: Float = 12_582_912                       // 1.5·2²³: adding it rounds to an integer
    let shifted = x * 1.442_695_04 + magic
    let k = shifted - magic
    let r = x - k * 0.693_359_375 - k * -2.121_944_4e-4
    var p: Float = 1.987_569_15e-4
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    p = p * (r * r) + r + 1
    // 2^k from the integer sitting in the low mantissa bits of `shifted`.
    let kBits = Int32(bitPattern: shifted.bitPattern) &- Int32(bitPattern: magic.bitPattern)
    return p * Float(bitPattern: UInt32(bitPattern: (kBits &+ 127) &<< 23))
}

/// Σ p[i] over 8 interleaved partial sums combined pairwise (fixed order).
@inline(__always) func sumVec(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0: Float = 0, a1: Float = 0, a2: Float = 0, a3: Float = 0
    var a4: Float = 0, a5: Float = 0, a6: Float = 0, a7: Float = 0
    var i = 0
    while i + 8 <= n {
        a0 += p[i]; a1 += p[i + 1]; a2 += p[i + 2]; a3 += p[i + 3]
        a4 += p[i + 4]; a5 += p[i + 5]; a6 += p[i + 6]; a7 += p[i + 7]
        i += 8
    }
    while i < n { a0 += p[i]; i += 1 }
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
}

/// Σ (p[i] − mean)².
@inline(__always) func sumSquaredDeviations(_ p: UnsafePointer<Float>, _ n: Int, mean m: Float) -> Float {
    var a0: Float = 0, a1: Float = 0, a2: Float = 0, a3: Float = 0
    var a4: Float = 0, a5: Float = 0, a6: Float = 0, a7: Float = 0
    var i = 0
    while i + 8 <= n {
        let d0 = p[i] - m, d1 = p[i + 1] - m, d2 = p[i + 2] - m, d3 = p[i + 3] - m
        let d4 = p[i + 4] - m, d5 = p[i + 5] - m, d6 = p[i + 6] - m, d7 = p[i + 7] - m
        a0 += d0 * d0; a1 += d1 * d1; a2 += d2 * d2; a3 += d3 * d3
        a4 += d4 * d4; a5 += d5 * d5; a6 += d6 * d6; a7 += d7 * d7
        i += 8
    }
    while i < n { let d = p[i] - m; a0 += d * d; i += 1 }
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
}

/// Σ a[i]·b[i].
@inline(__always) func dotVec(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0: Float = 0, a1: Float = 0, a2: Float = 0, a3: Float = 0
    var a4: Float = 0, a5: Float = 0, a6: Float = 0, a7: Float = 0
    var i = 0
    while i + 8 <= n {
        a0 += a[i] * b[i]; a1 += a[i + 1] * b[i + 1]; a2 += a[i + 2] * b[i + 2]; a3 += a[i + 3] * b[i + 3]
        a4 += a[i + 4] * b[i + 4]; a5 += a[i + 5] * b[i + 5]; a6 += a[i + 6] * b[i + 6]; a7 += a[i + 7] * b[i + 7]
        i += 8
    }
    while i < n { a0 += a[i] * b[i]; i += 1 }
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
}
