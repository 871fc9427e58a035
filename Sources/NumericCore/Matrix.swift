/// A dense row-major matrix over contiguous storage. Vectors are plain `[Scalar]` arrays
/// (contiguous too); the BLAS wrappers in `BLAS.swift` work on both.
public struct Matrix<Scalar: BLASScalar>: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    /// Row-major entries: element (i, j) is `storage[i * columns + j]`.
    public var storage: [Scalar]

    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows; self.columns = columns
        storage = [Scalar](repeating: value, count: rows * columns)
    }

    public init(rows: Int, columns: Int, storage: [Scalar]) {
        precondition(storage.count == rows * columns, "storage has \(storage.count) entries, expected \(rows)×\(columns)")
        self.rows = rows; self.columns = columns; self.storage = storage
    }

    /// Builds a matrix from its entries `entry(i, j)`.
    public init(rows: Int, columns: Int, _ entry: (Int, Int) -> Scalar) {
        self.rows = rows; self.columns = columns
        var s = [Scalar](); s.reserveCapacity(rows * columns)
        for i in 0..<rows { for j in 0..<columns { s.append(entry(i, j)) } }
        storage = s
    }

    public static func identity(_ n: Int) -> Matrix { Matrix(rows: n, columns: n) { $0 == $1 ? 1 : 0 } }

    public static func diagonal(_ d: [Scalar]) -> Matrix {
        var m = Matrix(rows: d.count, columns: d.count)
        for i in d.indices { m[i, i] = d[i] }
        return m
    }

    @inlinable public subscript(i: Int, j: Int) -> Scalar {
        get { storage[i * columns + j] }
        set { storage[i * columns + j] = newValue }
    }

    public func row(_ i: Int) -> [Scalar] { Array(storage[i * columns ..< (i + 1) * columns]) }
    public func column(_ j: Int) -> [Scalar] { (0..<rows).map { self[$0, j] } }

    public var transposed: Matrix { Matrix(rows: columns, columns: rows) { self[$1, $0] } }

    /// Bytes the storage takes (for memory guards before large allocations).
    public static func bytes(rows: Int, columns: Int) -> Int { rows * columns * MemoryLayout<Scalar>.stride }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        (0..<rows).map { i in (0..<columns).map { "\(self[i, $0])" }.joined(separator: "  ") }
            .joined(separator: "\n")
    }
}
