import CPNG
import Storage

/// An 8-bit RGBA raster written to PNG through libpng's simplified API.
public struct PNGImage: Sendable {
    public let width: Int
    public let height: Int
    /// Row-major RGBA bytes, 4 per pixel.
    public var rgba: [UInt8]

    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (255, 255, 255)) {
        self.width = width; self.height = height
        rgba = [UInt8](repeating: 255, count: width * height * 4)
        for p in 0..<(width * height) { rgba[4 * p] = fill.0; rgba[4 * p + 1] = fill.1; rgba[4 * p + 2] = fill.2 }
    }

    public init(width: Int, height: Int, rgba: [UInt8]) {
        precondition(rgba.count == width * height * 4, "PNGImage: \(rgba.count) bytes for \(width)×\(height) RGBA")
        self.width = width; self.height = height; self.rgba = rgba
    }

    /// The PNG file's bytes (libpng's simplified API, 8-bit RGBA).
    public func encoded() throws -> [UInt8] {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = 3  // PNG_FORMAT_RGBA = FLAG_COLOR | FLAG_ALPHA
        defer { png_image_free(&image) }
        func failure() -> FigureError {
            let message = withUnsafePointer(to: image.message) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            return FigureError.writeFailed(path: "(memory)", reason: message)
        }
        // Two calls: the first (no buffer) sizes the file, the second writes it.
        var size = 0
        let sized = rgba.withUnsafeBufferPointer { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, Int32(width * 4), nil) }
        guard sized != 0, size > 0 else { throw failure() }
        var bytes = [UInt8](repeating: 0, count: size)
        let ok = bytes.withUnsafeMutableBytes { out in
            rgba.withUnsafeBufferPointer { png_image_write_to_memory(&image, out.baseAddress, &size, 0, $0.baseAddress, Int32(width * 4), nil) }
        }
        guard ok != 0 else { throw failure() }
        return Array(bytes.prefix(size))
    }

    /// Writes the image atomically (Storage's `AtomicFile`), creating its folders.
    public func write(to path: String) throws {
        let bytes: [UInt8]
        do { bytes = try encoded() } catch FigureError.writeFailed(_, let reason) {
            throw FigureError.writeFailed(path: path, reason: reason)
        }
        do {
            try AtomicFile.makeParentDirectory(path)
            try AtomicFile.write(bytes, to: path)
        } catch let e as CheckpointError {
            throw FigureError.writeFailed(path: path, reason: e.problem)
        }
    }
}

public enum FigureError: Error, CustomStringConvertible {
    case writeFailed(path: String, reason: String)
    case badInput(String)
    public var description: String {
        switch self {
        case let .writeFailed(p, r): return "\(p): could not write PNG (\(r))"
        case let .badInput(s): return s
        }
    }
}
