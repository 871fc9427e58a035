// Winograd F(2×2, 3×3) for 3×3 stride-1 pad-1 convolutions (Lavin & Gray, 2016). Each 2×2 output
// tile is Aᵀ[Σ_ci (G g Gᵀ) ⊙ (Bᵀ d B)]A with d the 4×4 input tile, so the sum over Cin becomes 16
// GEMMs, one per entry ξ of the 4×4 transformed tile: M[ξ] (Cout × n) = U[ξ] (Cout × Cin) · V[ξ]
// (Cin × n) over n tiles. That is 16 multiplies per tile and channel pair instead of im2col's
// 4·9 = 36: 2.25× fewer FLOPs, for input and output transforms that are a few additions per value.
//
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 −1 −1]

/// Sizes of one Winograd convolution (per image): output size = input size, ⌈H/2⌉·⌈W/2⌉ tiles.
struct WinogradGeometry {
    let inChannels: Int, outChannels: Int, height: Int, width: Int
    var tilesY: Int { (height + 1) / 2 }
    var tilesX: Int { (width + 1) / 2 }
    var tiles: Int { tilesY * tilesX }
    /// Rows of the zero-padded input plane: one of padding, then enough to fill the last tile.
    var paddedHeight: Int { 2 * tilesY + 2 }

    /// Images transformed together: enough tiles for efficient GEMMs (n ≈ 400), few enough that
    /// the transformed chunk stays near the cache (measured: forward 28×28×1 at n ≈ 200, 400,
    /// 1,600 took 74–78, 70–77, 78–83 ms per batch of 64).
    var imagesPerChunk: Int { max(1, 400 / tiles) }

    /// Row length (leading dimension) of V and M for `n` tiles, and the distance between their 16
    /// blocks: padded so that no stride is a multiple of 4 KiB — the 16 streams of a tile transform
    /// would otherwise fall into the same cache sets (at 32×32, n = 256: 3× slower).
    static func rowLength(_ n: Int) -> Int { (n + 15) / 16 * 16 + 16 }
    static func blockLength(rows: Int, n: Int) -> Int { rows * rowLength(n) + 32 }

    /// Floats of scratch one worker needs: V and M for a chunk, plus one split padded plane
    /// (WinogradTiles.swift).
    var scratchCount: Int {
        let n = imagesPerChunk * tiles
        return 16 * (Self.blockLength(rows: inChannels, n: n) + Self.blockLength(rows: outChannels, n: n)) + planeScratchCount
    }
}

/// U[ξ][co][ci] = (G g Gᵀ)[ξ] for weights g = w[co, ci] of shape (Cout, Cin, 3, 3): 16·Cout·Cin Floats.
func winogradWeights(_ w: [Float], outChannels co: Int, inChannels ci: Int) -> [Float] {
    precondition(w.count == co * ci * 9, "winogradWeights: \(w.count) values for (\(co), \(ci), 3, 3)")
    return [Float](unsafeUninitializedCapacity: 16 * co * ci) { u, n in
        w.withUnsafeBufferPointer { winogradWeights($0.baseAddress!, outChannels: co, inChannels: ci, into: u.baseAddress!) }
        n = 16 * co * ci
    }
}

func winogradWeights(_ w: UnsafePointer<Float>, outChannels co: Int, inChannels ci: Int,
                     into u: UnsafeMutablePointer<Float>) {
    for o in 0..<co {
        for i in 0..<ci {
            let g = w + (o * ci + i) * 9
            for r in 0..<4 {
                // Row r of G g (three values), then that row times Gᵀ (four values).
                @inline(__always) func gg(_ c: Int) -> Float {
                    switch r {
                    case 0: return g[c]
                    case 1: return 0.5 * (g[c] + g[3 + c] + g[6 + c])
                    case 2: return 0.5 * (g[c] - g[3 + c] + g[6 + c])
                    default: return g[6 + c]
                    }
                }
                let (a, b, c) = (gg(0), gg(1), gg(2))
                let out = u + (4 * r * co + o) * ci + i, step = co * ci
                out[0] = a; out[step] = 0.5 * (a + b + c); out[2 * step] = 0.5 * (a - b + c); out[3 * step] = c
            }
        }
    }
}

/// ∂g = Gᵀ ∂U G, the adjoint of `winogradWeights`: adds the 3×3 weight gradient of every (co, ci)
/// pair to `gw` (shape (Cout, Cin, 3, 3)) from ∂U[ξ][co][ci] (16·Cout·Cin Floats).
func accumulateWinogradWeightGradient(_ du: UnsafePointer<Float>, outChannels co: Int, inChannels ci: Int,
                                      into gw: UnsafeMutablePointer<Float>) {
    let step = co * ci
    for o in 0..<co {
        for i in 0..<ci {
            let e = du + o * ci + i
            // Row r of ∂U·G (three values) from the row's four entries.
            func row(_ r: Int) -> (Float, Float, Float) {
                let (e0, e1, e2, e3) = (e[4 * r * step], e[(4 * r + 1) * step], e[(4 * r + 2) * step], e[(4 * r + 3) * step])
                return (e0 + 0.5 * (e1 + e2), 0.5 * (e1 - e2), 0.5 * (e1 + e2) + e3)
            }
            let (f0, f1, f2, f3) = (row(0), row(1), row(2), row(3))
            let g = gw + (o * ci + i) * 9
            g[0] += f0.0 + 0.5 * (f1.0 + f2.0); g[1] += f0.1 + 0.5 * (f1.1 + f2.1); g[2] += f0.2 + 0.5 * (f1.2 + f2.2)
            g[3] += 0.5 * (f1.0 - f2.0); g[4] += 0.5 * (f1.1 - f2.1); g[5] += 0.5 * (f1.2 - f2.2)
            g[6] += 0.5 * (f1.0 + f2.0) + f3.0; g[7] += 0.5 * (f1.1 + f2.1) + f3.1; g[8] += 0.5 * (f1.2 + f2.2) + f3.2
        }
    }
}

/// y = conv3×3(x) + bias (stride 1, pad 1) for the images in `images`, through Winograd F(2×2, 3×3).
/// x is (B, Cin, H, W) and y (B, Cout, H, W), both whole batches; `u` from `winogradWeights`;
/// `scratch` holds `g.scratchCount` Floats. GEMMs use OpenBLAS's current thread count.
func winogradConvolve(_ x: UnsafePointer<Float>, images: Range<Int>, _ g: WinogradGeometry,
                      weights u: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                      into y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
    let (ci, co, t) = (g.inChannels, g.outChannels, g.tiles)
    let chunkTiles = g.imagesPerChunk * t
    let ld = WinogradGeometry.rowLength(chunkTiles)
    let vBlock = WinogradGeometry.blockLength(rows: ci, n: chunkTiles), mBlock = WinogradGeometry.blockLength(rows: co, n: chunkTiles)
    let v = scratch, m = scratch + 16 * vBlock, plane = m + 16 * mBlock
    var first = images.lowerBound
    while first < images.upperBound {
        let count = min(g.imagesPerChunk, images.upperBound - first), n = count * t
        for b in 0..<count {
            for c in 0..<ci {
                splitPaddedPlane(x + ((first + b) * ci + c) * g.height * g.width, g, into: plane)
                transformInputTiles(plane, g, into: v + c * ld + b * t, stride: vBlock)
            }
        }
        for xi in 0..<16 {
            Float.gemm(transA: false, transB: false, m: co, n: n, k: ci, alpha: 1, a: u + xi * co * ci, lda: ci,
                       b: v + xi * vBlock, ldb: ld, beta: 0, c: m + xi * mBlock, ldc: ld)
        }
        for b in 0..<count {
            for o in 0..<co {
                transformOutputTiles(m + o * ld + b * t, stride: mBlock, g, bias: bias?[o] ?? 0,
                                     into: y + ((first + b) * co + o) * g.height * g.width, rowBuffer: plane)
            }
        }
        first += count
    }
}

/// ∂U[ξ] += ∂M[ξ]·V[ξ]ᵀ (Cout × Cin, summed over tiles) for the images in `images`: the weight
/// gradient in the transformed domain, with V = Bᵀ d B from x (B, Cin, H, W) and ∂M = A ∂Y Aᵀ from
/// ∂L/∂y (B, Cout, H, W); `accumulateWinogradWeightGradient` maps ∂U back to the 3×3 weights.
/// 2.25× fewer multiplies than im2col's ∂W = ∂Y·colᵀ, and no 9×-sized column matrix.
func winogradAccumulateTransformedGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, images: Range<Int>,
                                           _ g: WinogradGeometry, into du: UnsafeMutablePointer<Float>,
                                           scratch: UnsafeMutablePointer<Float>) {
    let (ci, co, t, pixels) = (g.inChannels, g.outChannels, g.tiles, g.height * g.width)
    let chunkTiles = g.imagesPerChunk * t
    let ld = WinogradGeometry.rowLength(chunkTiles)
    let vBlock = WinogradGeometry.blockLength(rows: ci, n: chunkTiles), mBlock = WinogradGeometry.blockLength(rows: co, n: chunkTiles)
    let v = scratch, dm = scratch + 16 * vBlock, plane = dm + 16 * mBlock
    var first = images.lowerBound
    while first < images.upperBound {
        let count = min(g.imagesPerChunk, images.upperBound - first), n = count * t
        for b in 0..<count {
            for c in 0..<ci {
                splitPaddedPlane(x + ((first + b) * ci + c) * pixels, g, into: plane)
                transformInputTiles(plane, g, into: v + c * ld + b * t, stride: vBlock)
            }
            for o in 0..<co {
                transformOutputGradientTiles(dy + ((first + b) * co + o) * pixels, g,
                                             into: dm + o * ld + b * t, stride: mBlock, rowBuffer: plane)
            }
        }
        for xi in 0..<16 {
            Float.gemm(transA: false, transB: true, m: co, n: ci, k: n, alpha: 1, a: dm + xi * mBlock, lda: ld,
                       b: v + xi * vBlock, ldb: ld, beta: 1, c: du + xi * co * ci, ldc: ci)
        }
        first += count
    }
}
