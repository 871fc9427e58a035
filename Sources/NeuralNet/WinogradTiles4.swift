// The tile transforms of Winograd F(4×4, 3×3) (Winograd.swift), eight tiles at a time in SIMD8
// lanes like F(2×2)'s (WinogradTiles.swift, which explains the lane and row-buffer conventions).
// Tiles start four pixels apart, so padded rows are split into four column phases (columns ≡ q
// mod 4): tile j's six columns are phase 0…3 at j, then phases 0 and 1 at j + 1. Each 2-D
// transform runs as two 1-D stages through `PlaneScratch.temps`: down the tile's columns, then
// along its rows. ξ = 6i + k indexes row i, column k of the 6×6 transformed tile.
//
//   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
//   G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1⁄24 1⁄12 ⅙; 1⁄24 −1⁄12 ⅙; 0 0 1]
//   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]

typealias Six = (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)
typealias Four = (Lanes, Lanes, Lanes, Lanes)

/// Bᵀx for a column x of six values.
@inline(__always) private func applyBT(_ x: Six) -> Six {
    let (x0, x1, x2, x3, x4, x5) = x
    return (4 * x0 - 5 * x2 + x4, x3 + x4 - 4 * (x1 + x2), x4 - x3 + 4 * (x1 - x2),
            x4 - x2 + 2 * (x3 - x1), x4 - x2 + 2 * (x1 - x3), 4 * x1 - 5 * x3 + x5)
}

/// Aᵀx for six values x.
@inline(__always) private func applyAT(_ x: Six) -> Four {
    let (x0, x1, x2, x3, x4, x5) = x
    let (p, q, r, s) = (x1 + x2, x1 - x2, x3 + x4, x3 - x4)
    return (x0 + p + r, q + 2 * s, p + 4 * r, q + 8 * s + x5)
}

/// A d for four values d (A = (Aᵀ)ᵀ, 6×4).
@inline(__always) private func applyA(_ d: Four) -> Six {
    let (d0, d1, d2, d3) = d
    let (p, q) = (d0 + d2, d1 + d3), (r, s) = (d0 + 4 * d2, 2 * d1 + 8 * d3)
    return (d0, p + q, p - q, r + s, r - s, d3)
}

/// phase_q[m] = row[4m + q] for m < `length` (a multiple of 8; `row` holds 4·length), phase q at
/// `dst + q·phaseStride`.
@inline(__always)
func deinterleave4(_ row: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, phaseStride: Int, length: Int) {
    for m in Swift.stride(from: 0, to: length, by: 8) {
        let v = UnsafeRawPointer(row + 4 * m).loadUnaligned(as: SIMD32<Float>.self)
        let (e, o) = (v.evenHalf, v.oddHalf)
        store(e.evenHalf, dst + m); store(o.evenHalf, dst + phaseStride + m)
        store(e.oddHalf, dst + 2 * phaseStride + m); store(o.oddHalf, dst + 3 * phaseStride + m)
    }
}

/// row[4l + q] = z_q[l] for the eight lanes, at `row`.
@inline(__always)
private func storeInterleaved4(_ z: Four, _ row: UnsafeMutablePointer<Float>) {
    var e = SIMD16<Float>(), o = SIMD16<Float>(), v = SIMD32<Float>()
    e.evenHalf = z.0; e.oddHalf = z.2; o.evenHalf = z.1; o.oddHalf = z.3
    v.evenHalf = e; v.oddHalf = o
    UnsafeMutableRawPointer(row).storeBytes(of: v, as: SIMD32<Float>.self)
}

@inline(__always) private func loadSix(_ p: UnsafePointer<Float>, _ step: Int) -> Six {
    (load(p), load(p + step), load(p + 2 * step), load(p + 3 * step), load(p + 4 * step), load(p + 5 * step))
}

@inline(__always) private func storeSix(_ x: Six, _ p: UnsafeMutablePointer<Float>, _ step: Int) {
    store(x.0, p); store(x.1, p + step); store(x.2, p + 2 * step); store(x.3, p + 3 * step); store(x.4, p + 4 * step); store(x.5, p + 5 * step)
}

/// V[ξ] = (Bᵀ d B)[ξ] for every 6×6 tile d of a split padded plane; entry ξ of tile j goes to out[ξ·stride + j].
@inline(__always)
func transformInputTiles4(_ plane: PlaneScratch, _ g: WinogradGeometry, into out: UnsafeMutablePointer<Float>, stride s: Int) {
    let ql = g.phaseLength, tx = g.tilesX, t = plane.temps
    for ty in 0..<g.tilesY {
        let rows = plane.split + 16 * ty * ql   // padded row 4ty, phase 0; row 4ty + k is 4k·ql further
        let o = out + ty * tx
        for j in Swift.stride(from: 0, to: tx, by: 8) {
            // Bᵀ down each of the tile's six columns (phase c mod 4, index j + c/4), into temps[i·6 + c].
            for c in 0..<6 {
                let column = rows + (c & 3) * ql + j + (c >> 2)
                storeSix(applyBT(loadSix(column, 4 * ql)), t + 8 * c, 48)
            }
            // Then along each row i.
            for i in 0..<6 { storeSix(applyBT(loadSix(t + 48 * i, 8)), o + j + 6 * i * s, s) }
        }
    }
}

/// Y = Aᵀ m A + bias for every tile of one output plane, from m[ξ·stride + j]; the last tile row
/// or column is cut to the plane.
@inline(__always)
func transformOutputTiles4(_ m: UnsafePointer<Float>, stride s: Int, _ g: WinogradGeometry, bias: Float,
                           into y: UnsafeMutablePointer<Float>, _ plane: PlaneScratch) {
    let (h, w, tx, rl) = (g.height, g.width, g.tilesX, 4 * g.groupedTilesX)
    let t = plane.temps, bv = Lanes(repeating: bias)
    for ty in 0..<g.tilesY {
        let mt = m + ty * tx
        for j in Swift.stride(from: 0, to: tx, by: 8) {
            // Aᵀ down each column k (entries 6i + k), into temps[r·6 + k].
            for k in 0..<6 {
                let (z0, z1, z2, z3) = applyAT(loadSix(mt + k * s + j, 6 * s))
                store(z0, t + 8 * k); store(z1, t + 48 + 8 * k); store(z2, t + 96 + 8 * k); store(z3, t + 144 + 8 * k)
            }
            // Then along each output row r, written to row buffer r as columns 4j … 4j + 31.
            for r in 0..<4 {
                let (z0, z1, z2, z3) = applyAT(loadSix(t + 48 * r, 8))
                storeInterleaved4((z0 + bv, z1 + bv, z2 + bv, z3 + bv), plane.rows + r * rl + 4 * j)
            }
        }
        for r in 0..<4 where 4 * ty + r < h { copyRow(plane.rows + r * rl, to: y + (4 * ty + r) * w, count: w) }
    }
}

/// ∂M[ξ] = (A ∂Y Aᵀ)[ξ] for every 4×4 tile ∂Y of an H×W output-gradient plane (pixels past the
/// edge count as zero), the adjoint of `transformOutputTiles4`; entry ξ of tile j goes to out[ξ·stride + j].
@inline(__always)
func transformOutputGradientTiles4(_ dy: UnsafePointer<Float>, _ g: WinogradGeometry,
                                   into out: UnsafeMutablePointer<Float>, stride s: Int, _ plane: PlaneScratch) {
    let (h, w, tx, gl) = (g.height, g.width, g.tilesX, g.groupedTilesX)
    let phases = plane.rows, row = plane.rows + 16 * gl, t = plane.temps   // output row r's phase q at (4r + q)·gl
    zeroGroups(row, count: 4 * gl)
    for ty in 0..<g.tilesY {
        for r in 0..<4 {
            if 4 * ty + r < h {
                copyRow(dy + (4 * ty + r) * w, to: row, count: w)
                deinterleave4(row, into: phases + 4 * r * gl, phaseStride: gl, length: gl)
            } else {
                zeroGroups(phases + 4 * r * gl, count: 4 * gl)
            }
        }
        let o = out + ty * tx
        for j in Swift.stride(from: 0, to: tx, by: 8) {
            // A down each column q, into temps[i·4 + q].
            for q in 0..<4 {
                let c = phases + q * gl + j
                storeSix(applyA((load(c), load(c + 4 * gl), load(c + 8 * gl), load(c + 12 * gl))), t + 8 * q, 32)
            }
            // Then along each row i: entries 6i + k.
            for i in 0..<6 {
                let r = t + 32 * i
                storeSix(applyA((load(r), load(r + 8), load(r + 16), load(r + 24))), o + j + 6 * i * s, s)
            }
        }
    }
}

// F(4×4, 3×3)'s weight transforms, in Double (G has sixths; they run once per call, not per tile).
private let g4: [Double] = [0.25, 0, 0, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6,
                            1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 24, -1.0 / 12, 1.0 / 6, 0, 0, 1]

/// U[ξ][co][ci] = (G g Gᵀ)[ξ], ξ = 6i + k: 36·Cout·Cin Floats.
func winogradWeights4(_ w: UnsafePointer<Float>, outChannels co: Int, inChannels ci: Int, into u: UnsafeMutablePointer<Float>) {
    g4.withUnsafeBufferPointer { gm in
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 18) { gg in
            for o in 0..<co {
                for i in 0..<ci {
                    let g = w + (o * ci + i) * 9
                    for a in 0..<6 { for b in 0..<3 {        // (G g)[a][b]
                        gg[a * 3 + b] = gm[a * 3] * Double(g[b]) + gm[a * 3 + 1] * Double(g[3 + b]) + gm[a * 3 + 2] * Double(g[6 + b])
                    } }
                    for a in 0..<6 { for k in 0..<6 {        // (G g Gᵀ)[a][k]
                        let v = gg[a * 3] * gm[k * 3] + gg[a * 3 + 1] * gm[k * 3 + 1] + gg[a * 3 + 2] * gm[k * 3 + 2]
                        u[((a * 6 + k) * co + o) * ci + i] = Float(v)
                    } }
                }
            }
        }
    }
}

/// ∂g += Gᵀ ∂U G for every (co, ci) pair, the adjoint of `winogradWeights4`.
func accumulateWinogradWeightGradient4(_ du: UnsafePointer<Float>, outChannels co: Int, inChannels ci: Int,
                                       into gw: UnsafeMutablePointer<Float>) {
    let step = co * ci
    g4.withUnsafeBufferPointer { gm in
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 18) { hh in
            for o in 0..<co {
                for i in 0..<ci {
                    let e = du + o * ci + i
                    for a in 0..<6 { for b in 0..<3 {        // (∂U G)[a][b]
                        var v = 0.0
                        for k in 0..<6 { v += Double(e[(a * 6 + k) * step]) * gm[k * 3 + b] }
                        hh[a * 3 + b] = v
                    } }
                    let g = gw + (o * ci + i) * 9
                    for r in 0..<3 { for b in 0..<3 {        // (Gᵀ ∂U G)[r][b]
                        var v = 0.0
                        for a in 0..<6 { v += gm[a * 3 + r] * hh[a * 3 + b] }
                        g[r * 3 + b] += Float(v)
                    } }
                }
            }
        }
    }
}
