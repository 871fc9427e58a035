// im2col / col2im for k×k convolutions with zero padding `pad` and stride s.
// x is (B, Cin, H, W); the column matrix is (Cin·k·k, n·Ho·Wo) for a chunk of n images, with row
// r = (ci·k + ky)·k + kx and column j = image·Ho·Wo + oy·Wo + ox, so that one GEMM
// W (Cout, Cin·k·k) × col covers the whole chunk.

/// Sizes of one convolution (per image).
struct ConvGeometry {
    let inChannels: Int, height: Int, width: Int
    let kernel: Int, stride: Int, pad: Int
    var outHeight: Int { (height + 2 * pad - kernel) / stride + 1 }
    var outWidth: Int { (width + 2 * pad - kernel) / stride + 1 }
    var outPixels: Int { outHeight * outWidth }
    var rows: Int { inChannels * kernel * kernel }

    /// Output columns ox whose input column ix = ox·s + kx − pad lies in 0..<width.
    @inline(__always)
    func validColumns(kx: Int) -> Range<Int> {
        let lo = max(0, (pad - kx + stride - 1) / stride)
        let top = width - 1 - kx + pad
        let hi = top < 0 ? 0 : min(outWidth, top / stride + 1)
        return lo < hi ? lo..<hi : 0..<0
    }
}

/// Writes the column matrix of `images` consecutive images starting at `x` into `col`.
/// Serial: Conv2D calls it per image inside each of its two image workers.
func im2col(_ x: UnsafePointer<Float>, images: Int, _ g: ConvGeometry, into col: UnsafeMutablePointer<Float>) {
    let p = g.outPixels, n = images * p, k = g.kernel, s = g.stride
    let (h, w, ho, wo) = (g.height, g.width, g.outHeight, g.outWidth)
    if s == 1 && ho == h && wo == w {
        im2colSameSize(x, images: images, g, into: col)
        return
    }
    for r in 0..<g.rows {
        let ci = r / (k * k), ky = (r / k) % k, kx = r % k
        let cols = g.validColumns(kx: kx)
        for b in 0..<images {
            let src = x + (b * g.inChannels + ci) * h * w
            let dst = col + r * n + b * p
            for oy in 0..<ho {
                let iy = oy * s + ky - g.pad
                let row = dst + oy * wo
                if iy < 0 || iy >= h || cols.isEmpty {
                    row.update(repeating: 0, count: wo)
                    continue
                }
                let srcRow = src + iy * w + kx - g.pad   // srcRow[ox·s] is input column ox·s + kx − pad
                for ox in 0..<cols.lowerBound { row[ox] = 0 }
                if s == 1 {
                    // Rows are short (Wo ≤ 32): an inline loop beats a memmove call.
                    for ox in cols { row[ox] = srcRow[ox] }
                } else {
                    for ox in cols { row[ox] = srcRow[ox * s] }
                }
                for ox in cols.upperBound..<wo { row[ox] = 0 }
            }
        }
    }
}

/// Stride 1, output size = input size: each column-matrix row block is the image shifted by
/// (ky − pad)·W + (kx − pad), i.e. one long copy, then zeroed border rows and one border column.
func im2colSameSize(_ x: UnsafePointer<Float>, images: Int, _ g: ConvGeometry, into col: UnsafeMutablePointer<Float>) {
    let (h, w, k, pad) = (g.height, g.width, g.kernel, g.pad), p = h * w, n = images * p
    for r in 0..<g.rows {
        let ci = r / (k * k), ky = (r / k) % k, kx = r % k
        let dx = kx - pad, shift = (ky - pad) * w + dx
        let rowLo = max(0, pad - ky), rowHi = min(h, h + pad - ky)
        for b in 0..<images {
            let src = x + (b * g.inChannels + ci) * p
            let dst = col + r * n + b * p
            if rowLo >= rowHi { dst.update(repeating: 0, count: p); continue }
            dst.update(repeating: 0, count: rowLo * w)
            (dst + rowHi * w).update(repeating: 0, count: (h - rowHi) * w)
            // Copy [rowLo·W, rowHi·W) shifted, trimming the one element that would fall outside
            // the image on each side (it lands in a border column that is zeroed next).
            var lo = rowLo * w, hi = rowHi * w
            if dx < 0 { lo -= dx }
            if dx > 0 { hi -= dx }
            if lo < hi { (dst + lo).update(from: src + lo + shift, count: hi - lo) }
            if dx < 0 { for oy in rowLo..<rowHi { for j in 0..<(-dx) { dst[oy * w + j] = 0 } } }
            if dx > 0 { for oy in rowLo..<rowHi { for j in (w - dx)..<w { dst[oy * w + j] = 0 } } }
        }
    }
}

/// Adds the column-matrix gradient back onto the input gradient `dx` (which the caller zeroes).
func col2im(_ col: UnsafePointer<Float>, images: Int, _ g: ConvGeometry, addingInto dx: UnsafeMutablePointer<Float>) {
    let p = g.outPixels, n = images * p, k = g.kernel, s = g.stride
    let (h, w, ho, wo) = (g.height, g.width, g.outHeight, g.outWidth)
    for ci in 0..<g.inChannels {
        for ky in 0..<k {
            for kx in 0..<k {
                let r = (ci * k + ky) * k + kx
                let cols = g.validColumns(kx: kx)
                if cols.isEmpty { continue }
                for b in 0..<images {
                    let dst = dx + (b * g.inChannels + ci) * h * w
                    let src = col + r * n + b * p
                    for oy in 0..<ho {
                        let iy = oy * s + ky - g.pad
                        if iy < 0 || iy >= h { continue }
                        let dstRow = dst + iy * w + kx - g.pad
                        let srcRow = src + oy * wo
                        if s == 1 {
                            for ox in cols { dstRow[ox] += srcRow[ox] }
                        } else {
                            for ox in cols { dstRow[ox * s] += srcRow[ox] }
                        }
                    }
                }
            }
        }
    }
}
