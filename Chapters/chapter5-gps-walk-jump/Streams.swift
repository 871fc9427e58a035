import NumericCore

/// Chapter 5's random streams, each a function of --seed, named in one table so that none is drawn twice.
///
/// Keyed streams (`KeyedStream`, `Xoshiro256(seed:stream:)`) are independent for every key path and
/// seed. The others (`OffsetStream`) are the older seed + offset, under which seed 1's stream 100 is
/// seed 2's stream 99 and a block of offsets can run into the next: the friction sweep's did (its
/// third member's cells, 700 + 200 + j, drew the anchor's noise, 900 + j), so the sweep now uses keys.
/// The offsets stay because the committed default, integrators, marathon and ablation runs were made
/// with them; each moves to a key when its runs are regenerated. Fixed on purpose, whatever --seed:
/// the data split (Data.swift) and the validation and triplet noise (Chapter.swift), so that every run
/// scores its network on the same images and the same noise.
enum OffsetStream: UInt64 {
    /// The U-Net's initial weights and the trainer's batches and noise (keyed inside the trainer).
    case network = 0
    case classifierWeights = 11, classifierBatches = 12
    /// The real training images drawn as the "memorising" anchor, then the uniform-noise anchor.
    case anchorImages = 77
    /// The shared burn-in: its start (noise or the Gaussian fit), then its walk.
    case burnInStart = 98, burnInWalk = 99
    /// Member i's walk after the burn-in (offset 100 + i).
    case memberWalk = 100
    /// The memorising denoiser's walk-jump.
    case memorisingWalk = 200
    /// The long chains' walk at δ, and the comparison chains at the other step.
    case longChains = 300, longChainsComparison = 301
    /// The exact walk's jumps ν_θ(x + σ_eff ε) (the quality anchor).
    case exactWalk = 400
    /// The exact draw of the M-density the long chains (modes sample, diagnose) and the integrators start from.
    case exactStart = 500
    /// The marathon's start and walk.
    case marathon = 600
    /// T4.5's measurement noise for member M (offset 0x7E45 + M).
    case universalityNoise = 0x7E45
    /// The false-alarm trials' exact-walk draws (offset 0xFA15E + trial).
    case falseAlarms = 0xFA15E
}

/// Streams keyed by a path (`Xoshiro256(seed: --seed, stream: [key, …])`).
enum KeyedStream: UInt64 {
    /// The sweep's walk of (member i, friction k, sweep seed j): key path [sweepWalk, i, k, j].
    case sweepWalk = 1
    /// The sweep's exact-walk anchor of sweep seed j: [sweepAnchor, j].
    case sweepAnchor = 2
    /// Mode false-alarms: the simulated sample sets of switch rate i at layout k, [classFloor, i, k],
    /// and the variance check's draws at rate i, [classFloorVariance, i].
    case classFloor = 3, classFloorVariance = 4
}

extension Settings {
    /// The seed of an offset stream: --seed + offset (+ `index` for a family).
    func seed(_ stream: OffsetStream, _ index: Int = 0) -> UInt64 { seed &+ stream.rawValue &+ UInt64(index) }
    func rng(_ stream: OffsetStream, _ index: Int = 0) -> Xoshiro256 { Xoshiro256(seed: seed(stream, index)) }
    /// The seed and generator of a keyed stream.
    func seed(_ stream: KeyedStream, _ path: Int...) -> UInt64 {
        Xoshiro256.seed(seed, stream: [stream.rawValue] + path.map { UInt64($0) })
    }
}
