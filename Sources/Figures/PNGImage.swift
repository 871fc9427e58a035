import CPNG
#if canImport(Glibc)
import Glibc
#endif

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

    /// Writes the image atomically: to `path.tmp`, then renamed over `path`.
    public func write(to path: String) throws {
        try ensureParentDirectory(of: path)
        let tmp = path + ".tmp"
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = 3  // PNG_FORMAT_RGBA = FLAG_COLOR | FLAG_ALPHA
        let ok = rgba.withUnsafeBufferPointer {
            png_image_write_to_file(&image, tmp, 0, $0.baseAddress, Int32(width * 4), nil)
        }
        guard ok != 0 else {
            let message = withUnsafePointer(to: image.message) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            png_image_free(&image)
            unlink(tmp)
            throw FigureError.writeFailed(path: path, reason: message)
        }
        guard rename(tmp, path) == 0 else { throw FigureError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
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

/// Creates the directories above `path` (like `mkdir -p`).
public func ensureParentDirectory(of path: String) throws {
    guard let slash = path.lastIndex(of: "/") else { return }
    try makeDirectories(String(path[..<slash]))
}

/// `mkdir -p dir`.
public func makeDirectories(_ dir: String) throws {
    if dir.isEmpty { return }
    var prefix = dir.hasPrefix("/") ? "/" : ""
    for part in dir.split(separator: "/") {
        prefix += part
        if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
            throw FigureError.writeFailed(path: dir, reason: String(cString: strerror(errno)))
        }
        prefix += "/"
    }
}
