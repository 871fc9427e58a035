// The tile transforms of Winograd F(2×2, 3×3) (Winograd.swift), eight tiles at a time in SIMD8
// lanes, and the helpers F(4×4, 3×3) shares (WinogradTiles4.swift). Neighbouring tiles start two
// pixels apart, so planes are first split into their even and odd columns: tile j's four columns
// are then even[j], odd[j], even[j + 1], odd[j + 1], and every load and store below is
// unit-stride. (Scalar loops did one tile at a time: LLVM cannot vectorise 16 output streams
// whose distances are only known at run time.)
//
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 −1 −1]
//
// Rows are split and joined through a zeroed row buffer, so the SIMD loops always run over whole
// groups. Lanes past a row's last tile compute on zeros or stale scratch values: their V and ∂M
// results land on the next tile row's slots (or the next image's, or a row's padding), which are
// written afterwards because rows and images are transformed in increasing order; outputs to
// tensors (Y = Aᵀ M A) go through the row buffer and copy only the valid pixels.

typealias Lanes = SIMD8<Float>

@inline(__always) func load(_ p: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

@inline(__always) func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
}

extension WinogradGeometry {
    /// Tiles per row rounded up to whole SIMD groups.
    var groupedTilesX: Int { (tilesX + 7) / 8 * 8 }
    /// Length of each of the m column phases of a padded row (columns ≡ q mod m), with room for
    /// the last group's loads at j + 1.
    var phaseLength: Int { groupedTilesX + 8 }
    /// Floats of the split padded plane, of the row buffers, and in all of a worker's plane scratch
    /// (plus 36 SIMD8 temporaries for F(4×4)'s two-stage transforms).
    var splitCount: Int { paddedHeight * tile * phaseLength }
    var rowBufferCount: Int { 8 * tile * phaseLength }
    var planeScratchCount: Int { splitCount + rowBufferCount + 36 * 8 }
}

/// A worker's per-plane scratch, carved as `planeScratchCount` describes.
struct PlaneScratch {
    let split: UnsafeMutablePointer<Float>, rows: UnsafeMutablePointer<Float>, temps: UnsafeMutablePointer<Float>
    init(_ base: UnsafeMutablePointer<Float>, _ g: WinogradGeometry) {
        split = base; rows = base + g.splitCount; temps = rows + g.rowBufferCount
    }
}

/// dst[i] = src[i] for i < count, in vector moves: rows here are 7–32 Floats, for which a memmove
/// call (what LLVM turns a plain copy loop into) cost as much as the transforms themselves.
@inline(__always)
func copyRow(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 8 <= count { store(load(src + i), dst + i); i += 8 }
    if i + 4 <= count {
        UnsafeMutableRawPointer(dst + i).storeBytes(of: UnsafeRawPointer(src + i).loadUnaligned(as: SIMD4<Float>.self),
                                                   as: SIMD4<Float>.self)
        i += 4
    }
    if i < count { dst[i] = src[i] }
    if i + 1 < count { dst[i + 1] = src[i + 1] }
    if i + 2 < count { dst[i + 2] = src[i + 2] }
}

/// dst[i] = 0 for i < count, a multiple of 8.
@inline(__always)
func zeroGroups(_ dst: UnsafeMutablePointer<Float>, count: Int) {
    for i in Swift.stride(from: 0, to: count, by: 8) { store(Lanes(), dst + i) }
}

/// even[m] = row[2m], odd[m] = row[2m + 1] for m < `length` (a multiple of 8; `row` holds 2·length).
@inline(__always)
private func deinterleave(_ row: UnsafePointer<Float>, even: UnsafeMutablePointer<Float>,
                          odd: UnsafeMutablePointer<Float>, length: Int) {
    for m in Swift.stride(from: 0, to: length, by: 8) {
        let v = UnsafeRawPointer(row + 2 * m).loadUnaligned(as: SIMD16<Float>.self)
        store(v.evenHalf, even + m); store(v.oddHalf, odd + m)
    }
}

/// row[2m] = a[m], row[2m + 1] = b[m] for the eight lanes, at `row + 2j`.
@inline(__always)
private func storeInterleaved(_ a: Lanes, _ b: Lanes, _ row: UnsafeMutablePointer<Float>) {
    var v = SIMD16<Float>()
    v.evenHalf = a; v.oddHalf = b
    UnsafeMutableRawPointer(row).storeBytes(of: v, as: SIMD16<Float>.self)
}

/// The zero-padded plane of an H×W input (one pixel of padding, then zeros) split into m column
/// phases per padded row (columns ≡ q mod m): row R's phase q at `split + (m·R + q)·L` (L =
/// `phaseLength`). Each input row is copied into a zeroed row buffer at column 1, then split.
@inline(__always)
func splitPaddedPlane(_ src: UnsafePointer<Float>, _ g: WinogradGeometry, _ plane: PlaneScratch) {
    let pl = g.phaseLength, w = g.width, rowLength = g.tile * pl, row = plane.rows
    zeroGroups(row, count: rowLength)
    for r in 0..<g.paddedHeight {
        let dst = plane.split + r * rowLength
        if r >= 1 && r <= g.height {
            copyRow(src + (r - 1) * w, to: row + 1, count: w)
            if g.tile == 4 {
                deinterleave4(row, into: dst, phaseStride: pl, length: pl)
            } else {
                deinterleave(row, even: dst, odd: dst + pl, length: pl)
            }
        } else {
            zeroGroups(dst, count: rowLength)
        }
    }
}

/// V[ξ] = (Bᵀ d B)[ξ] for every 4×4 tile d of a split padded plane (tiles overlap by two pixels);
/// entry ξ of tile j goes to out[ξ·stride + j].
@inline(__always)
func transformInputTiles(_ split: UnsafePointer<Float>, _ g: WinogradGeometry,
                         into out: UnsafeMutablePointer<Float>, stride s: Int) {
    let hl = g.phaseLength, tx = g.tilesX
    for ty in 0..<g.tilesY {
        let e0 = split + 4 * ty * hl, e1 = e0 + 2 * hl, e2 = e1 + 2 * hl, e3 = e2 + 2 * hl
        let (o0, o1, o2, o3) = (e0 + hl, e1 + hl, e2 + hl, e3 + hl)
        let o = out + ty * tx
        for j in Swift.stride(from: 0, to: tx, by: 8) {
            // Bᵀ d, per column of the tile (columns 2j … 2j + 3 = even j, odd j, even j+1, odd j+1).
            @inline(__always) func rows(_ c0: UnsafePointer<Float>, _ c1: UnsafePointer<Float>,
                                        _ c2: UnsafePointer<Float>, _ c3: UnsafePointer<Float>) -> (Lanes, Lanes, Lanes, Lanes) {
                let (r0, r1, r2, r3) = (load(c0), load(c1), load(c2), load(c3))
                return (r0 - r2, r1 + r2, r2 - r1, r1 - r3)
            }
            let (t00, t10, t20, t30) = rows(e0 + j, e1 + j, e2 + j, e3 + j)
            let (t01, t11, t21, t31) = rows(o0 + j, o1 + j, o2 + j, o3 + j)
            let (t02, t12, t22, t32) = rows(e0 + j + 1, e1 + j + 1, e2 + j + 1, e3 + j + 1)
            let (t03, t13, t23, t33) = rows(o0 + j + 1, o1 + j + 1, o2 + j + 1, o3 + j + 1)
            // (Bᵀ d) B, one row at a time.
            let p = o + j
            store(t00 - t02, p); store(t01 + t02, p + s); store(t02 - t01, p + 2 * s); store(t01 - t03, p + 3 * s)
            store(t10 - t12, p + 4 * s); store(t11 + t12, p + 5 * s); store(t12 - t11, p + 6 * s); store(t11 - t13, p + 7 * s)
            store(t20 - t22, p + 8 * s); store(t21 + t22, p + 9 * s); store(t22 - t21, p + 10 * s); store(t21 - t23, p + 11 * s)
            store(t30 - t32, p + 12 * s); store(t31 + t32, p + 13 * s); store(t32 - t31, p + 14 * s); store(t31 - t33, p + 15 * s)
        }
    }
}

/// Y = Aᵀ m A + bias for every tile of one output plane, from m[ξ·stride + j]; the last row or
/// column of tiles is cut to the plane when H or W is odd. `rowBuffer` holds 4·`groupedTilesX` Floats.
@inline(__always)
func transformOutputTiles(_ m: UnsafePointer<Float>, stride s: Int, _ g: WinogradGeometry, bias: Float,
                          into y: UnsafeMutablePointer<Float>, rowBuffer: UnsafeMutablePointer<Float>) {
    let (h, w, tx) = (g.height, g.width, g.tilesX)
    let row0 = rowBuffer, row1 = rowBuffer + 2 * g.groupedTilesX
    let bv = Lanes(repeating: bias)
    for ty in 0..<g.tilesY {
        let mt = m + ty * tx
        for j in Swift.stride(from: 0, to: tx, by: 8) {
            @inline(__always) func e(_ xi: Int) -> Lanes { load(mt + xi * s + j) }
            // Aᵀ m: two rows of four.
            let s00 = e(0) + e(4) + e(8), s01 = e(1) + e(5) + e(9), s02 = e(2) + e(6) + e(10), s03 = e(3) + e(7) + e(11)
            let s10 = e(4) - e(8) - e(12), s11 = e(5) - e(9) - e(13), s12 = e(6) - e(10) - e(14), s13 = e(7) - e(11) - e(15)
            // (Aᵀ m) A: output columns 2j + 2l and 2j + 2l + 1 of both rows.
            storeInterleaved(s00 + s01 + s02 + bv, s01 - s02 - s03 + bv, row0 + 2 * j)
            storeInterleaved(s10 + s11 + s12 + bv, s11 - s12 - s13 + bv, row1 + 2 * j)
        }
        copyRow(row0, to: y + 2 * ty * w, count: w)
        if 2 * ty + 1 < h { copyRow(row1, to: y + (2 * ty + 1) * w, count: w) }
    }
}

/// ∂M[ξ] = (A ∂Y A^T)[ξ] for every 2×2 tile ∂Y of an H×W output-gradient plane (pixels past an odd
/// edge count as zero) — the adjoint of `transformOutputTiles`; entry ξ of tile j goes to
/// out[ξ·stride + j]. `rowBuffer` holds 6·`groupedTilesX` Floats.
@inline(__always)
func transformOutputGradientTiles(_ dy: UnsafePointer<Float>, _ g: WinogradGeometry,
                                  into out: UnsafeMutablePointer<Float>, stride s: Int,
                                  rowBuffer: UnsafeMutablePointer<Float>) {
    let (h, w, tx, gl) = (g.height, g.width, g.tilesX, g.groupedTilesX)
    let (ea, ob, ec, od) = (rowBuffer, rowBuffer + gl, rowBuffer + 2 * gl, rowBuffer + 3 * gl)
    let row = rowBuffer + 4 * gl
    zeroGroups(row, count: 2 * gl)
    for ty in 0..<g.tilesY {
        let r1 = 2 * ty + 1
        copyRow(dy + 2 * ty * w, to: row, count: w)
        deinterleave(row, even: ea, odd: ob, length: gl)
        if r1 < h {
            copyRow(dy + r1 * w, to: row, count: w)
            deinterleave(row, even: ec, odd: od, length: gl)
        } else {
            zeroGroups(ec, count: 2 * gl)
        }
        let o = out + ty * tx
        for j in Swift.stride(from: 0, to: tx, by: 8) {
            // The tile [a b; c d]: A ∂Y has rows (a, b), (a + c, b + d), (a − c, b − d), (−c, −d);
            // each row (p, q) times Aᵀ is (p, p + q, p − q, −q).
            let (a, b, c, d) = (load(ea + j), load(ob + j), load(ec + j), load(od + j))
            let (p1, q1, p2, q2) = (a + c, b + d, a - c, b - d)
            let p = o + j
            store(a, p); store(a + b, p + s); store(a - b, p + 2 * s); store(-b, p + 3 * s)
            store(p1, p + 4 * s); store(p1 + q1, p + 5 * s); store(p1 - q1, p + 6 * s); store(-q1, p + 7 * s)
            store(p2, p + 8 * s); store(p2 + q2, p + 9 * s); store(p2 - q2, p + 10 * s); store(-q2, p + 11 * s)
            store(-c, p + 12 * s); store(-c - d, p + 13 * s); store(d - c, p + 14 * s); store(d, p + 15 * s)
        }
    }
}
