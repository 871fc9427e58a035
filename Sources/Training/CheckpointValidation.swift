// Values read from a checkpoint get the same range checks as the flags that would set them: a
// metadata field out of range, a loss-history tensor of the wrong shape or a non-finite weight is
// a `CheckpointError` naming the file, never a crash or a silently corrupted run.

import NeuralNet
import Storage
extension Checkpoint {
    /// The integer stored under `key`, checked against `range` (and `multipleOf`); nil when absent.
    public func integer(_ key: String, in range: ClosedRange<Int>, multipleOf: Int = 1, file: String) throws -> Int? {
        guard let text = metadata[key] else { return nil }
        guard let v = Int(text) else {
            throw CheckpointError(file: file, problem: "metadata \"\(key)\" is \"\(text)\", not an integer")
        }
        guard range.contains(v), v % multipleOf == 0 else {
            let rule = multipleOf > 1 ? ", a multiple of \(multipleOf)" : ""
            throw CheckpointError(file: file, problem: "metadata \"\(key)\" is \(v), expected \(range.lowerBound)…\(range.upperBound)\(rule)")
        }
        return v
    }

    /// The finite number stored under `key`, at least `minimum`; nil when absent.
    public func number(_ key: String, atLeast minimum: Double = 0, file: String) throws -> Double? {
        guard let text = metadata[key] else { return nil }
        guard let v = Double(text), v.isFinite, v >= minimum else {
            throw CheckpointError(file: file, problem: "metadata \"\(key)\" is \"\(text)\", expected a finite number ≥ \(minimum)")
        }
        return v
    }

    /// Throws when any value of `tensors` (default: all) is NaN or infinite, naming the first tensor.
    public func requireFinite(_ tensors: [NamedArray]? = nil, file: String) throws {
        for t in tensors ?? self.tensors {
            if let i = t.values.firstIndex(where: { !$0.isFinite }) {
                throw CheckpointError(file: file, problem: "tensor \(t.name) holds a non-finite value (\(t.values[i]) at index \(i))")
            }
        }
    }

    /// Throws unless the tensor `name` (when present) has shape [n, `columns`].
    public func requireRows(_ name: String, columns: Int, file: String) throws {
        guard let t = tensors.first(where: { $0.name == name }) else { return }
        guard t.shape.count == 2, t.shape[1] == columns, t.shape[0] >= 0, t.values.count == t.shape[0] * columns else {
            throw CheckpointError(file: file, problem: "tensor \(name) has shape [\(t.shape.map(String.init).joined(separator: ","))], expected [n,\(columns)]")
        }
    }
}
