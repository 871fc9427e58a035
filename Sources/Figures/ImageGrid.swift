/// A grid of images (samples, denoising triplets, chains of jumps) saved as one PNG.
/// Images are (N, C, H, W) Float pixels in [0, 1] (clipped), C = 1 (grey) or 3 (RGB).
public struct ImageGrid: Sendable {
    public var pixels: [Float]
    public var count: Int, channels: Int, height: Int, width: Int
    public var columns: Int
    public var scale = 2
    public var padding = 2
    public var title: String? = nil
    /// Optional labels written left of each row (e.g. "walk", "jump", "(M=4, σ=0.5)").
    public var rowLabels: [String] = []

    public init(pixels: [Float], count: Int, channels: Int, height: Int, width: Int, columns: Int) {
        precondition(pixels.count == count * channels * height * width, "ImageGrid: \(pixels.count) values for \(count)×\(channels)×\(height)×\(width)")
        precondition(channels == 1 || channels == 3, "ImageGrid: channels must be 1 or 3")
        self.pixels = pixels; self.count = count; self.channels = channels
        self.height = height; self.width = width; self.columns = max(1, columns)
    }

    public func write(to path: String) throws { try render().write(to: path) }

    public func render() -> PNGImage {
        let rows = (count + columns - 1) / columns
        let labelWidth = rowLabels.isEmpty ? 0 : 110
        let titleHeight = title == nil ? 0 : 28
        let cellW = width * scale + padding, cellH = height * scale + padding
        let canvas = Canvas(width: labelWidth + columns * cellW + padding, height: titleHeight + rows * cellH + padding)
        if let t = title { canvas.color(.black); canvas.text(t, Double(canvas.width) / 2, 6, size: 14, ax: 0.5, ay: 0, bold: true) }
        for i in 0..<count {
            let r = i / columns, c = i % columns
            canvas.blit(rgba(image: i), width: width, height: height,
                        at: labelWidth + padding + c * cellW, titleHeight + padding + r * cellH, scale: scale)
        }
        for (r, label) in rowLabels.enumerated() where r < rows {
            canvas.color(.black)
            canvas.text(label, Double(labelWidth - 6), Double(titleHeight + padding + r * cellH) + Double(height * scale) / 2, size: 12, ax: 1, ay: 0.5)
        }
        return canvas.image()
    }

    func rgba(image i: Int) -> [UInt8] {
        let plane = height * width
        var out = [UInt8](repeating: 255, count: plane * 4)
        let base = i * channels * plane
        for p in 0..<plane {
            for k in 0..<3 {
                let v = pixels[base + (channels == 1 ? 0 : k) * plane + p]
                out[4 * p + k] = UInt8(max(0, min(1, v.isFinite ? v : 0)) * 255 + 0.5)
            }
        }
        return out
    }
}
