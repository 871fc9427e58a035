// U8 sample sets (chapter 5 writes its jumps as bytes): the header, parsed with Foundation's JSON,
// names dtype U8, the shape, offsets covering exactly the bytes, and the metadata; the data follow
// the 8-byte-aligned header unchanged; the writer refuses a shape that does not fit the values.
import Foundation
import Testing
import Storage

@Suite struct SafetensorsUInt8Tests {
    @Test func headerAndBytesFollowTheFormat() throws {
        let values: [UInt8] = (0..<(3 * 2 * 4)).map { UInt8(($0 * 37) % 256) }
        let bytes = try Safetensors.encodeUInt8(name: "jumps", shape: [3, 1, 2, 4], values: values, metadata: ["member": "4", "seed": "1"])
        var n = 0
        for i in (0..<8).reversed() { n = n << 8 | Int(bytes[i]) }
        #expect(n % 8 == 0 && bytes.count == 8 + n + values.count)
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as? [String: Any])
        let entry = try #require(header["jumps"] as? [String: Any])
        #expect(entry["dtype"] as? String == "U8")
        #expect(entry["shape"] as? [Int] == [3, 1, 2, 4])
        #expect(entry["data_offsets"] as? [Int] == [0, values.count])
        #expect(header["__metadata__"] as? [String: String] == ["member": "4", "seed": "1"])
        #expect(Array(bytes[(8 + n)...]) == values)
    }

    @Test func refusesAShapeThatDoesNotFit() {
        #expect(throws: CheckpointError.self) { try Safetensors.encodeUInt8(name: "x", shape: [2, 3], values: [1, 2, 3]) }
        #expect(throws: CheckpointError.self) { try Safetensors.encodeUInt8(name: "", shape: [1], values: [1]) }
    }
}
