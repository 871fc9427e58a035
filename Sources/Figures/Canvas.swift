import CCairo

/// A Cairo drawing surface (antialiased lines and text in DejaVu Sans) that becomes a `PNGImage`.
/// Plots and image grids draw through it; PNG encoding goes through libpng (`PNGImage.write`).
final class Canvas {
    let width: Int, height: Int
    let surface: OpaquePointer
    let cr: OpaquePointer

    init(width: Int, height: Int) {
        self.width = width; self.height = height
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
        cr = cairo_create(surface)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
    }

    deinit { cairo_destroy(cr); cairo_surface_destroy(surface) }

    func color(_ c: Color, alpha: Double = 1) { cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha) }
    func lineWidth(_ w: Double) { cairo_set_line_width(cr, w) }
    func dash(_ on: Bool) {
        if on { var d: [Double] = [6, 4]; cairo_set_dash(cr, &d, 2, 0) } else { cairo_set_dash(cr, nil, 0, 0) }
    }

    func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) {
        cairo_move_to(cr, x0, y0); cairo_line_to(cr, x1, y1); cairo_stroke(cr)
    }

    func polyline(_ points: [(Double, Double)]) {
        guard let first = points.first else { return }
        cairo_move_to(cr, first.0, first.1)
        for p in points.dropFirst() { cairo_line_to(cr, p.0, p.1) }
        cairo_stroke(cr)
    }

    func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: Bool) {
        cairo_rectangle(cr, x, y, w, h)
        if fill { cairo_fill(cr) } else { cairo_stroke(cr) }
    }

    func circle(_ x: Double, _ y: Double, _ r: Double) {
        cairo_new_sub_path(cr); cairo_arc(cr, x, y, r, 0, 2 * Double.pi); cairo_fill(cr)
    }

    func clip(_ x: Double, _ y: Double, _ w: Double, _ h: Double) { cairo_rectangle(cr, x, y, w, h); cairo_clip(cr) }
    func resetClip() { cairo_reset_clip(cr) }

    /// Text anchored at (x, y): `ax`/`ay` in 0…1 pick the anchor (0.5, 0.5 centres); `rotate` turns it −90°.
    func text(_ s: String, _ x: Double, _ y: Double, size: Double, ax: Double = 0, ay: Double = 0, rotate: Bool = false, bold: Bool = false) {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var ext = cairo_text_extents_t()
        cairo_text_extents(cr, s, &ext)
        cairo_save(cr)
        cairo_translate(cr, x, y)
        if rotate { cairo_rotate(cr, -Double.pi / 2) }
        cairo_move_to(cr, -ext.x_advance * ax, 0.72 * size * (1 - ay))  // 0.72·size ≈ cap height
        cairo_show_text(cr, s)
        cairo_restore(cr)
    }

    func textWidth(_ s: String, size: Double) -> Double {
        cairo_set_font_size(cr, size)
        var ext = cairo_text_extents_t()
        cairo_text_extents(cr, s, &ext)
        return ext.x_advance
    }

    /// Copies an RGBA raster onto the canvas at (x, y), scaled by an integer factor (nearest neighbour).
    func blit(_ pixels: [UInt8], width w: Int, height h: Int, at x: Int, _ y: Int, scale: Int) {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        for r in 0..<(h * scale) {
            let py = y + r
            guard py >= 0 && py < height else { continue }
            for c in 0..<(w * scale) {
                let px = x + c
                guard px >= 0 && px < width else { continue }
                let src = 4 * ((r / scale) * w + c / scale)
                let dst = py * stride + 4 * px  // Cairo ARGB32 is native-endian: B, G, R, A in memory on x86
                data[dst] = pixels[src + 2]; data[dst + 1] = pixels[src + 1]; data[dst + 2] = pixels[src]; data[dst + 3] = 255
            }
        }
        cairo_surface_mark_dirty(surface)
    }

    /// The canvas as an RGBA image (Cairo stores opaque ARGB32 as B, G, R, A bytes on little-endian).
    func image() -> PNGImage {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        var out = [UInt8](repeating: 255, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let s = y * stride + 4 * x, d = 4 * (y * width + x)
                out[d] = data[s + 2]; out[d + 1] = data[s + 1]; out[d + 2] = data[s]; out[d + 3] = 255
            }
        }
        return PNGImage(width: width, height: height, rgba: out)
    }
}

/// An RGB colour with components in 0…1.
public struct Color: Sendable, Equatable {
    public let r, g, b: Double
    public init(_ r: Double, _ g: Double, _ b: Double) { self.r = r; self.g = g; self.b = b }
    /// A colour-blind-safe cycle (Okabe–Ito), used when a series names no colour.
    public static let cycle: [Color] = [
        Color(0.00, 0.45, 0.70), Color(0.90, 0.62, 0.00), Color(0.00, 0.62, 0.45), Color(0.80, 0.40, 0.00),
        Color(0.80, 0.47, 0.65), Color(0.34, 0.71, 0.91), Color(0.94, 0.89, 0.26), Color(0, 0, 0),
    ]
    public static let black = Color(0, 0, 0)
    public static let gray = Color(0.5, 0.5, 0.5)
}
