/// Minimum sizes a caller needs from a loaded set, checked before any heavy work: an empty training
/// split (division by zero when batches wrap around it) or an empty held-out part (no predictions to
/// score) becomes a one-line `DatasetError` naming the file the images came from.
extension DatasetCatalog {
    /// The file(s) a split of `name` is (or would be) read from, for messages.
    public static func sourceFiles(name: String, dataDirectory: String, split: DatasetSplit = .train) -> [String] {
        switch name.lowercased() {
        case "mnist":
            if case let .found(images, labels) = MNISTLoader.locate(directory: dataDirectory, split: split) { return [images, labels] }
        case "mnist5k":
            return [joinPath(joinPath(dataDirectory, "mnist5k"), MLXtendMNIST.fileName)]
        case "fashion-mnist", "fashion_mnist", "fashionmnist":
            for dir in [joinPath(dataDirectory, "fashion-mnist"), systemFashionMNISTDirectory] {
                if case let .found(images, labels) = MNISTLoader.locate(directory: dir, split: split) { return [images, labels] }
            }
        case "cifar10", "cifar-10":
            return [joinPath(joinPath(dataDirectory, CIFAR10Loader.folderName), split == .train ? "data_batch_1…5.bin" : "test_batch.bin")]
        default: break
        }
        return [joinPath(dataDirectory, name)]
    }

    /// Throws unless `set` holds at least `minimum` images; `what` names the part ("the training split").
    public static func requireImages(_ set: ImageSet, atLeast minimum: Int, what: String,
                                     name: String, dataDirectory: String, split: DatasetSplit = .train) throws(DatasetError) {
        guard set.count < minimum else { return }
        let files = sourceFiles(name: name, dataDirectory: dataDirectory, split: split)
        throw .badHeader(path: files.joined(separator: ", "),
                         problem: "\(what) holds \(set.count) image\(set.count == 1 ? "" : "s"), at least \(minimum) needed")
    }
}
