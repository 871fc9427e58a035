// Files a run derives from a checkpoint (chapter 5's classifier yardstick) are cached beside it and
// reused. A shipped model's folder, models/, is read-only to runs: what they derive from it goes to the
// sibling checkpoints/, so that running the book never adds to what is shipped.

/// Where a file derived from a checkpoint is looked for and where a new one is written.
public enum DerivedFile {

    /// The folder name that holds shipped models, and the one runs write to instead.
    public static let shipped = "models", written = "checkpoints"

    /// For a file named `name` derived from `checkpoint`: the paths to try, in order, and the path
    /// to write. Beside a checkpoint in a `models` folder the sibling `checkpoints` folder is written
    /// (and tried second); anywhere else the checkpoint's own folder is both.
    public static func locations(name: String, beside checkpoint: String) -> (read: [String], write: String) {
        let folder = AtomicFile.split(checkpoint).directory
        let (parent, last) = AtomicFile.split(folder)
        guard last == shipped else { return ([folder + "/" + name], folder + "/" + name) }
        let write = (folder.contains("/") ? parent + "/" : "") + written + "/" + name
        return ([folder + "/" + name, write], write)
    }
}
