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
    /// The zero-padded input plane: one pixel of padding, then enough to fill the last tile.
    var paddedHeight: Int { 2 * tilesY + 2 }
    var paddedWidth: Int { 2 * tilesX + 2 }

    /// Images transformed together: enough tiles for efficient GEMMs (n ≈ 400), few enough that
    /// the transformed chunk stays near the cache (measured: forward 28×28×1 at n ≈ 200, 400,
    /// 1,600 took 74–78, 70–77, 78–83 ms per batch of 64).
    var imagesPerChunk: Int { max(1, 400 / tiles) }

    /// Row length (leading dimension) of V and M for `n` tiles, and the distance between their 16
    /// blocks: padded so that no stride is a multiple of 4 KiB — the 16 streams of a tile transform
    /// would otherwise fall into the same cache sets (at 32×32, n = 256: 3× slower).
    static func rowLength(_ n: Int) -> Int { (n + 15) / 16 * 16 + 16 }
    static func blockLength(rows: Int, n: Int) -> Int { rows * rowLength(n) + 32 }

    /// Floats of scratch one worker needs: V and M for a chunk, plus one padded plane.
    var scratchCount: Int {
        let n = imagesPerChunk * tiles
        return 16 * (Self.blockLength(rows: inChannels, n: n) + Self.blockLength(rows: outChannels, n: n)) + paddedHeight * paddedWidth
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
                padPlane(x + ((first + b) * ci + c) * g.height * g.width, g, into: plane)
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
                                     into: y + ((first + b) * co + o) * g.height * g.width)
            }
        }
        first += count
    }
}

/// Copies one H×W plane into the middle of a zeroed (2⌈H/2⌉ + 2) × (2⌈W/2⌉ + 2) plane.
@inline(__always)
private func padPlane(_ src: UnsafePointer<Float>, _ g: WinogradGeometry, into plane: UnsafeMutablePointer<Float>) {
    let pw = g.paddedWidth
    plane.update(repeating: 0, count: g.paddedHeight * pw)
    for r in 0..<g.height {
        let s = src + r * g.width, d = plane + (r + 1) * pw + 1
        for c in 0..<g.width { d[c] = s[c] }
    }
}

/// V[ξ] = (Bᵀ d B)[ξ] for every 4×4 tile d of a padded plane (tiles overlap by two pixels); entry ξ
/// of tile j goes to out[ξ·stride + j].
@inline(__always)
private func transformInputTiles(_ plane: UnsafePointer<Float>, _ g: WinogradGeometry,
                                 into out: UnsafeMutablePointer<Float>, stride: Int) {
    let pw = g.paddedWidth, tx = g.tilesX
    for ty in 0..<g.tilesY {
        let r0 = plane + 2 * ty * pw, r1 = r0 + pw, r2 = r1 + pw, r3 = r2 + pw
        let o = out + ty * tx
        for j in 0..<tx {
            let c = 2 * j
            // Bᵀ d, one column at a time: t_r = (row combination) for the tile's columns c…c+3.
            let t00 = r0[c] - r2[c], t01 = r0[c + 1] - r2[c + 1], t02 = r0[c + 2] - r2[c + 2], t03 = r0[c + 3] - r2[c + 3]
            let t10 = r1[c] + r2[c], t11 = r1[c + 1] + r2[c + 1], t12 = r1[c + 2] + r2[c + 2], t13 = r1[c + 3] + r2[c + 3]
            let t20 = r2[c] - r1[c], t21 = r2[c + 1] - r1[c + 1], t22 = r2[c + 2] - r1[c + 2], t23 = r2[c + 3] - r1[c + 3]
            let t30 = r1[c] - r3[c], t31 = r1[c + 1] - r3[c + 1], t32 = r1[c + 2] - r3[c + 2], t33 = r1[c + 3] - r3[c + 3]
            // (Bᵀ d) B, one row at a time.
            o[0 * stride + j] = t00 - t02; o[1 * stride + j] = t01 + t02; o[2 * stride + j] = t02 - t01; o[3 * stride + j] = t01 - t03
            o[4 * stride + j] = t10 - t12; o[5 * stride + j] = t11 + t12; o[6 * stride + j] = t12 - t11; o[7 * stride + j] = t11 - t13
            o[8 * stride + j] = t20 - t22; o[9 * stride + j] = t21 + t22; o[10 * stride + j] = t22 - t21; o[11 * stride + j] = t21 - t23
            o[12 * stride + j] = t30 - t32; o[13 * stride + j] = t31 + t32; o[14 * stride + j] = t32 - t31; o[15 * stride + j] = t31 - t33
        }
    }
}

/// Y = Aᵀ m A + bias for every tile of one output plane, from m[ξ·stride + j]; the last row or
/// column of tiles is cut to the plane when H or W is odd.
@inline(__always)
private func transformOutputTiles(_ m: UnsafePointer<Float>, stride: Int, _ g: WinogradGeometry, bias: Float,
                                  into y: UnsafeMutablePointer<Float>) {
    let (h, w, tx) = (g.height, g.width, g.tilesX)
    for ty in 0..<g.tilesY {
        let row0 = y + 2 * ty * w, hasRow1 = 2 * ty + 1 < h
        let mt = m + ty * tx
        for j in 0..<tx {
            @inline(__always) func e(_ xi: Int) -> Float { mt[xi * stride + j] }
            // Aᵀ m: two rows of four.
            let s00 = e(0) + e(4) + e(8), s01 = e(1) + e(5) + e(9), s02 = e(2) + e(6) + e(10), s03 = e(3) + e(7) + e(11)
            let s10 = e(4) - e(8) - e(12), s11 = e(5) - e(9) - e(13), s12 = e(6) - e(10) - e(14), s13 = e(7) - e(11) - e(15)
            let c = 2 * j
            row0[c] = s00 + s01 + s02 + bias
            if c + 1 < w { row0[c + 1] = s01 - s02 - s03 + bias }
            if hasRow1 {
                let row1 = row0 + w
                row1[c] = s10 + s11 + s12 + bias
                if c + 1 < w { row1[c + 1] = s11 - s12 - s13 + bias }
            }
        }
    }
}
