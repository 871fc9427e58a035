// Winograd F(m×m, 3×3), m = 2 or 4, for 3×3 stride-1 pad-1 convolutions (Lavin & Gray, 2016). Each
// m×m output tile is Aᵀ[Σ_ci (G g Gᵀ) ⊙ (Bᵀ d B)]A with d the (m+2)×(m+2) input tile, so the sum
// over Cin becomes (m+2)² GEMMs, one per entry ξ of the transformed tile: M[ξ] (Cout × n) =
// U[ξ] (Cout × Cin) · V[ξ] (Cin × n) over n tiles. Multiplies per output and channel pair: 4 for
// m = 2 and 2.25 for m = 4, instead of im2col's 9, for input and output transforms that are a few
// additions per value (WinogradTiles.swift, WinogradTiles4.swift, with the matrices). F(4×4)'s
// larger coefficients cost about one decimal digit of Float accuracy (tests: 1e-3 instead of 1e-4).

/// Sizes of one Winograd convolution (per image): output size = input size, ⌈H/m⌉·⌈W/m⌉ tiles.
struct WinogradGeometry {
    let inChannels: Int, outChannels: Int, height: Int, width: Int
    /// m, the output tile's side: 2 or 4.
    let tile: Int
    init(inChannels: Int, outChannels: Int, height: Int, width: Int, tile: Int) {
        precondition(tile == 2 || tile == 4, "Winograd output tiles are 2×2 or 4×4")
        self.inChannels = inChannels; self.outChannels = outChannels
        self.height = height; self.width = width; self.tile = tile
    }
    /// Transformed entries per tile, (m + 2)²: the number of GEMMs per chunk.
    var entries: Int { (tile + 2) * (tile + 2) }
    var tilesY: Int { (height + tile - 1) / tile }
    var tilesX: Int { (width + tile - 1) / tile }
    var tiles: Int { tilesY * tilesX }
    /// Rows of the zero-padded input plane: one of padding, then enough to fill the last tile.
    var paddedHeight: Int { tile * tilesY + 2 }

    /// Images transformed together: enough tiles for efficient GEMMs (n ≈ 400 for F(2×2), ≈ 200 for
    /// F(4×4), whose 36 entries per tile make the same bytes), few enough that the transformed chunk
    /// stays near the cache (measured, F(2×2) forward 28×28×1 at n ≈ 200, 400, 1,600: 74–78, 70–77,
    /// 78–83 ms per batch of 64; F(4×4) training at n ≈ 100, 200, 400: median 144, 141, 144–145 ms).
    var imagesPerChunk: Int { max(1, (tile == 4 ? 200 : 400) / tiles) }

    /// Row length (leading dimension) of V and M for `n` tiles, and the distance between their
    /// blocks: padded so that no stride is a multiple of 4 KiB — the 16 streams of a tile transform
    /// would otherwise fall into the same cache sets (at 32×32, n = 256: 3× slower).
    static func rowLength(_ n: Int) -> Int { (n + 15) / 16 * 16 + 16 }
    static func blockLength(rows: Int, n: Int) -> Int { rows * rowLength(n) + 32 }

    /// Floats of scratch one worker needs: V and M for a chunk, plus one split padded plane
    /// (WinogradTiles.swift).
    var scratchCount: Int {
        let n = imagesPerChunk * tiles
        return entries * (Self.blockLength(rows: inChannels, n: n) + Self.blockLength(rows: outChannels, n: n)) + planeScratchCount
    }
}

/// U[ξ][co][ci] = (G g Gᵀ)[ξ] for weights g = w[co, ci] of shape (Cout, Cin, 3, 3): (m+2)²·Cout·Cin Floats.
func winogradWeights(_ w: [Float], outChannels co: Int, inChannels ci: Int, tile: Int) -> [Float] {
    precondition(w.count == co * ci * 9, "winogradWeights: \(w.count) values for (\(co), \(ci), 3, 3)")
    let count = (tile + 2) * (tile + 2) * co * ci
    return [Float](unsafeUninitializedCapacity: count) { u, n in
        w.withUnsafeBufferPointer { w in
            if tile == 4 {
                winogradWeights4(w.baseAddress!, outChannels: co, inChannels: ci, into: u.baseAddress!)
            } else {
                winogradWeights(w.baseAddress!, outChannels: co, inChannels: ci, into: u.baseAddress!)
            }
        }
        n = count
    }
}

/// F(2×2, 3×3)'s U = G g Gᵀ (16 entries per channel pair).
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
/// pair to `gw` (shape (Cout, Cin, 3, 3)) from ∂U[ξ][co][ci] ((m+2)²·Cout·Cin Floats).
func accumulateWinogradWeightGradient(_ du: UnsafePointer<Float>, outChannels co: Int, inChannels ci: Int,
                                      tile: Int, into gw: UnsafeMutablePointer<Float>) {
    if tile == 4 {
        accumulateWinogradWeightGradient4(du, outChannels: co, inChannels: ci, into: gw)
    } else {
        accumulateWinogradWeightGradient2(du, outChannels: co, inChannels: ci, into: gw)
    }
}

private func accumulateWinogradWeightGradient2(_ du: UnsafePointer<Float>, outChannels co: Int, inChannels ci: Int,
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

/// y = conv3×3(x) + bias (stride 1, pad 1) for the images in `images`, through Winograd F(m×m, 3×3).
/// x is (B, Cin, H, W) and y (B, Cout, H, W), both whole batches; `u` from `winogradWeights`;
/// `scratch` holds `g.scratchCount` Floats. GEMMs use OpenBLAS's current thread count.
func winogradConvolve(_ x: UnsafePointer<Float>, images: Range<Int>, _ g: WinogradGeometry,
                      weights u: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                      into y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
    let (ci, co, t, pixels) = (g.inChannels, g.outChannels, g.tiles, g.height * g.width)
    let s = ChunkScratch(scratch, g), ld = s.ld
    forEachChunk(images, g) { first, count in
        for b in 0..<count {
            for c in 0..<ci {
                transformInputPlane(x + ((first + b) * ci + c) * pixels, g, s.plane, into: s.v + c * ld + b * t, stride: s.vBlock)
            }
        }
        for xi in 0..<g.entries {
            Float.gemm(transA: false, transB: false, m: co, n: count * t, k: ci, alpha: 1, a: u + xi * co * ci, lda: ci,
                       b: s.v + xi * s.vBlock, ldb: ld, beta: 0, c: s.m + xi * s.mBlock, ldc: ld)
        }
        for b in 0..<count {
            for o in 0..<co {
                let out = y + ((first + b) * co + o) * pixels, bo = bias?[o] ?? 0, mo = s.m + o * ld + b * t
                if g.tile == 4 {
                    transformOutputTiles4(mo, stride: s.mBlock, g, bias: bo, into: out, s.plane)
                } else {
                    transformOutputTiles(mo, stride: s.mBlock, g, bias: bo, into: out, rowBuffer: s.plane.rows)
                }
            }
        }
    }
}

/// One worker's scratch carved for chunks of `imagesPerChunk` images: V (Cin rows) and M (Cout rows,
/// or ∂M) with their leading dimension and block strides, then the plane scratch.
private struct ChunkScratch {
    let ld: Int, vBlock: Int, mBlock: Int
    let v: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, plane: PlaneScratch
    init(_ scratch: UnsafeMutablePointer<Float>, _ g: WinogradGeometry) {
        let chunkTiles = g.imagesPerChunk * g.tiles
        ld = WinogradGeometry.rowLength(chunkTiles)
        vBlock = WinogradGeometry.blockLength(rows: g.inChannels, n: chunkTiles)
        mBlock = WinogradGeometry.blockLength(rows: g.outChannels, n: chunkTiles)
        v = scratch; m = scratch + g.entries * vBlock; plane = PlaneScratch(m + g.entries * mBlock, g)
    }
}

/// body(first, count) for consecutive chunks of at most `imagesPerChunk` images of `images`.
@inline(__always)
private func forEachChunk(_ images: Range<Int>, _ g: WinogradGeometry, _ body: (Int, Int) -> Void) {
    var first = images.lowerBound
    while first < images.upperBound {
        let count = min(g.imagesPerChunk, images.upperBound - first)
        body(first, count)
        first += count
    }
}

/// V for one input plane: split into column phases, then transformed tile by tile.
@inline(__always)
private func transformInputPlane(_ x: UnsafePointer<Float>, _ g: WinogradGeometry, _ plane: PlaneScratch,
                                 into v: UnsafeMutablePointer<Float>, stride: Int) {
    splitPaddedPlane(x, g, plane)
    if g.tile == 4 {
        transformInputTiles4(plane, g, into: v, stride: stride)
    } else {
        transformInputTiles(plane.split, g, into: v, stride: stride)
    }
}

/// ∂U[ξ] += ∂M[ξ]·V[ξ]ᵀ (Cout × Cin, summed over tiles) for the images in `images`: the weight
/// gradient in the transformed domain, with V = Bᵀ d B from x (B, Cin, H, W) and ∂M = A ∂Y Aᵀ from
/// ∂L/∂y (B, Cout, H, W); `accumulateWinogradWeightGradient` maps ∂U back to the 3×3 weights.
/// 2.25× (m = 2) or 4× (m = 4) fewer multiplies than im2col's ∂W = ∂Y·colᵀ, and no 9×-sized column matrix.
func winogradAccumulateTransformedGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, images: Range<Int>,
                                           _ g: WinogradGeometry, into du: UnsafeMutablePointer<Float>,
                                           scratch: UnsafeMutablePointer<Float>) {
    let (ci, co, t, pixels) = (g.inChannels, g.outChannels, g.tiles, g.height * g.width)
    let s = ChunkScratch(scratch, g), ld = s.ld
    forEachChunk(images, g) { first, count in
        for b in 0..<count {
            for c in 0..<ci {
                transformInputPlane(x + ((first + b) * ci + c) * pixels, g, s.plane, into: s.v + c * ld + b * t, stride: s.vBlock)
            }
            for o in 0..<co {
                let gy = dy + ((first + b) * co + o) * pixels, dm = s.m + o * ld + b * t
                if g.tile == 4 {
                    transformOutputGradientTiles4(gy, g, into: dm, stride: s.mBlock, s.plane)
                } else {
                    transformOutputGradientTiles(gy, g, into: dm, stride: s.mBlock, rowBuffer: s.plane.rows)
                }
            }
        }
        for xi in 0..<g.entries {
            Float.gemm(transA: false, transB: true, m: co, n: ci, k: count * t, alpha: 1, a: s.m + xi * s.mBlock, lda: ld,
                       b: s.v + xi * s.vBlock, ldb: ld, beta: 1, c: du + xi * co * ci, ldc: ci)
        }
    }
}
