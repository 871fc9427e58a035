// Chapter 5's classifier is cached beside ν_θ's checkpoint; beside a shipped model (models/) it must
// go to checkpoints/ instead (a sample run once wrote a 4 800-image classifier into models/).
import Testing
import Storage

@Suite struct DerivedFileTests {
    @Test(arguments: [
        ("models/nu.safetensors", ["models/c", "checkpoints/c"], "checkpoints/c"),
        ("./models/nu.safetensors", ["./models/c", "./checkpoints/c"], "./checkpoints/c"),
        ("/srv/book/models/nu.safetensors", ["/srv/book/models/c", "/srv/book/checkpoints/c"], "/srv/book/checkpoints/c"),
        ("checkpoints/nu.safetensors", ["checkpoints/c"], "checkpoints/c"),
        ("nu.safetensors", ["./c"], "./c"),
        ("old-models/nu.safetensors", ["old-models/c"], "old-models/c"),
    ])
    func aShippedFolderIsNeverWritten(checkpoint: String, read: [String], write: String) {
        let l = DerivedFile.locations(name: "c", beside: checkpoint)
        #expect(l.read == read, "read paths beside \(checkpoint)")
        #expect(l.write == write, "write path beside \(checkpoint)")
        #expect(!l.write.split(separator: "/").dropLast().contains(Substring(DerivedFile.shipped)),
                "a derived file beside \(checkpoint) is written into a shipped folder")
    }
}
