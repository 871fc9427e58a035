import Figures
import Foundation
import Notebook
import NumericCore
import Theory

// MARK: - §2 The empirical (memorising) denoiser (T2.3)

extension Chapter {
    /// Held-out pairs for the empirical denoiser: fresh x ~ p_X with y = x + σε, and noisy copies of
    /// randomly chosen training points.
    struct MemorisationPairs {
        let fresh: [[Double]], yFresh: [[Double]], xTrain: [[Double]], yTrain: [[Double]]
    }

    func memorisingDenoiser() {
        notebook.section("2. The empirical-prior denoiser memorises (T2.3)")
        notebook.prose("""
        With only n training points x_i, the Bayes denoiser of the empirical prior (1/n)Σδ_{x_i} is a \
        softmax-weighted average of the training points. It is the ideal denoiser of the training set, \
        not of p_X: at small σ it snaps every input to its nearest training point. Library code \
        (Theory.EmpiricalDenoiser, Float or Double, any dimension, batched): all squared distances of a \
        batch come from one gemm via ‖y − x_i‖² = ‖y‖² − 2y·x_i + ‖x_i‖², then a max-subtracted softmax \
        and a second gemm. n = \(fmt(setup.trainPoints)), σ = \(fmt(setup.sigma)), Double.
        """)
        notebook.equation("x̂_emp(y) = Σ_i softmax_i(−‖y − x_i‖²/(2σ²)) x_i")
        var r = stream()
        let train = prior.sample(setup.trainPoints, using: &r)
        let den = EmpiricalDenoiser(rows: train)
        let pairs = memorisationPairs(train, &r)
        let fast = checkFastAgainstNaive(den, pairs)
        timeImageSizedDenoiser()
        compareWithMMSE(den, fast: fast.estimate, pairs)
        smallSigmaCollapse(train, den, meanMaxWeightAtSigma: Stats.mean(fast.maxWeight), &r)
        memorisationFigure(&r)
    }

    func memorisationPairs(_ train: [[Double]], _ r: inout Xoshiro256) -> MemorisationPairs {
        let sigma = setup.sigma
        let nEval = min(setup.evalSamples, 20_000)
        let fresh = prior.sample(nEval, using: &r)
        let yFresh = fresh.map { [$0[0] + sigma * r.gaussian(), $0[1] + sigma * r.gaussian()] }
        let trainIdx = (0..<nEval).map { _ in r.int(below: setup.trainPoints) }
        let xTrain = trainIdx.map { train[$0] }
        let yTrain = xTrain.map { [$0[0] + sigma * r.gaussian(), $0[1] + sigma * r.gaussian()] }
        return MemorisationPairs(fresh: fresh, yFresh: yFresh, xTrain: xTrain, yTrain: yTrain)
    }

    /// The gemm path against plain loops on the first 2000 fresh queries; returns the gemm result on all.
    func checkFastAgainstNaive(_ den: EmpiricalDenoiser<Double>, _ pairs: MemorisationPairs) -> (estimate: [Double], maxWeight: [Double]) {
        let flatFresh = pairs.yFresh.flatMap { $0 }
        let fast = den.denoiseWithWeights(flatFresh, sigma: setup.sigma)
        let probeCount = min(2000, pairs.yFresh.count)
        let naive = den.naiveDenoise(Array(flatFresh.prefix(probeCount * 2)), sigma: setup.sigma)
        notebook.check("fast (gemm) and naive empirical denoisers agree on \(fmt(probeCount)) queries (Double)", expected: 0,
                       measured: Stats.maxAbsoluteError(Array(fast.estimate.prefix(probeCount * 2)), naive), tolerance: .absolute(1e-10))
        return fast
    }

    /// The gemm path pays off in high dimension (chapter 5 uses it on images): Float, d = 784.
    func timeImageSizedDenoiser() {
        var rf = stream()
        let nImg = 2000, dImg = 784, mImg = 256, mNaive = 16
        let imgPoints = (0..<(nImg * dImg)).map { _ in Float(rf.uniform()) }
        let imgQueries = (0..<(mImg * dImg)).map { i in imgPoints[i] + Float(0.5 * rf.gaussian()) }
        let imgDen = EmpiricalDenoiser(points: imgPoints, dimension: dImg)
        var clock = Stopwatch()
        let imgFast = imgDen.denoise(imgQueries, sigma: 2)
        let tFast = clock.seconds
        clock.restart()
        let imgNaive = imgDen.naiveDenoise(Array(imgQueries.prefix(mNaive * dImg)), sigma: 2)
        let tNaive = clock.seconds
        let imgErr = zip(imgFast.prefix(mNaive * dImg), imgNaive).map { abs(Double($0) - Double($1)) }.max() ?? 0
        notebook.check("Float, d = \(dImg), n = \(fmt(nImg)): fast and naive denoisers agree", expected: 0, measured: imgErr, tolerance: .absolute(1e-3))
        let perFast = tFast / Double(mImg), perNaive = tNaive / Double(mNaive)
        notebook.prose("Timing (Float, d = \(dImg), n = \(fmt(nImg)) points): gemm path \(fmtTiming(perFast * 1e3)) ms per query (batch of \(mImg)), naive loops \(fmtTiming(perNaive * 1e3)) ms per query: \(fmtTiming(perNaive / perFast, unit: "×")) faster. (In d = 2 both are instant.)")
    }

    /// Per-dimension squared errors (1/2)‖x_i − x̂_i‖² of flat 2-D estimates, their mean and standard error.
    func lossPerDim(_ xs: [[Double]], _ est: [Double]) -> (mean: Double, se: Double, values: [Double]) {
        let v = xs.indices.map { i -> Double in let a = xs[i][0] - est[2 * i], b = xs[i][1] - est[2 * i + 1]; return (a * a + b * b) / 2 }
        return (Stats.mean(v), Stats.standardError(v), v)
    }

    /// The empirical denoiser's losses on fresh data and on its training points against the Bayes
    /// denoiser of the true prior (paired differences, 4 s.e.).
    func compareWithMMSE(_ den: EmpiricalDenoiser<Double>, fast: [Double], _ pairs: MemorisationPairs) {
        let sigma = setup.sigma
        let bayesFresh = pairs.yFresh.flatMap { prior.posteriorMean($0, sigma: sigma) }
        let empFresh = lossPerDim(pairs.fresh, fast)
        let bayesF = lossPerDim(pairs.fresh, bayesFresh)
        let empTrain = lossPerDim(pairs.xTrain, den.denoise(pairs.yTrain.flatMap { $0 }, sigma: sigma))
        let bayesTrain = lossPerDim(pairs.xTrain, pairs.yTrain.flatMap { prior.posteriorMean($0, sigma: sigma) })
        let dFresh = zip(empFresh.values, bayesF.values).map { $0 - $1 }
        let dTrain = zip(empTrain.values, bayesTrain.values).map { $0 - $1 }
        notebook.table(["evaluated on", "empirical denoiser", "Bayes (true prior) = MMSE", "difference", "s.e. (paired)"], [
            ["fresh x ~ p_X", fmt(empFresh.mean, digits: 5), fmt(bayesF.mean, digits: 5), fmt(Stats.mean(dFresh), digits: 4), fmt(Stats.standardError(dFresh), digits: 2)],
            ["training points", fmt(empTrain.mean, digits: 5), fmt(bayesTrain.mean, digits: 5), fmt(Stats.mean(dTrain), digits: 4), fmt(Stats.standardError(dTrain), digits: 2)],
        ])
        notebook.check("on fresh data the empirical denoiser cannot beat the Bayes MMSE (paired difference ≥ −4 s.e.)",
                       measured: Stats.mean(dFresh), atLeast: -4 * Stats.standardError(dFresh))
        notebook.check("on its own training points it beats the MMSE — memorisation (paired difference < −4 s.e.)",
                       measured: Stats.mean(dTrain), atMost: -4 * Stats.standardError(dTrain))
    }

    /// The median distance from each training point to its nearest other training point.
    func medianNearestNeighbourDistance(_ train: [[Double]]) -> Double {
        var nn = [Double]()
        for i in train.indices {
            var best = Double.infinity
            for j in train.indices where j != i { best = min(best, (train[i][0] - train[j][0]) * (train[i][0] - train[j][0]) + (train[i][1] - train[j][1]) * (train[i][1] - train[j][1])) }
            nn.append(best.squareRoot())
        }
        nn.sort()
        return nn[nn.count / 2]
    }

    /// Small-σ collapse onto training points: σ well below the typical gap between training points.
    func smallSigmaCollapse(_ train: [[Double]], _ den: EmpiricalDenoiser<Double>, meanMaxWeightAtSigma: Double, _ r: inout Xoshiro256) {
        let trainPoints = setup.trainPoints
        let medianNN = medianNearestNeighbourDistance(train)
        let sSmall = 0.1 * medianNN
        let ySmall = (0..<500).map { i -> [Double] in let x = train[i % trainPoints]; return [x[0] + sSmall * r.gaussian(), x[1] + sSmall * r.gaussian()] }
        let small = den.denoiseWithWeights(ySmall.flatMap { $0 }, sigma: sSmall)
        var snapped = 0
        for i in 0..<500 {
            let x = train[i % trainPoints]
            let e = [small.estimate[2 * i], small.estimate[2 * i + 1]]
            if ((x[0] - e[0]) * (x[0] - e[0]) + (x[1] - e[1]) * (x[1] - e[1])).squareRoot() < 0.01 * medianNN { snapped += 1 }
        }
        let meanMax = Stats.mean(small.maxWeight)
        notebook.prose("""
        Memorisation in the limit: the median distance from a training point to its nearest neighbour is \
        \(fmt(medianNN, digits: 3)). At σ = 0.1 × that = \(fmt(sSmall, digits: 3)), noisy copies of training points are \
        denoised back onto the very point they came from.
        """)
        notebook.check("at σ = \(fmt(sSmall, digits: 3)) the denoiser returns the original training point (within 1% of the neighbour gap) for ≥ 90% of 500 noisy copies",
                       measured: Double(snapped) / 500, atLeast: 0.9)
        notebook.prose("Mean largest posterior weight: \(fmt(meanMaxWeightAtSigma, digits: 3)) at σ = \(fmt(setup.sigma)) (fresh data), \(fmt(meanMax, digits: 4)) at σ = \(fmt(sSmall, digits: 3)) (noisy training points).")
    }

    /// Figure: a small training set and a small σ make the memorisation visible.
    func memorisationFigure(_ r: inout Xoshiro256) {
        let modes = setup.modes
        let nFig = max(modes, 3 * modes), sFig = 0.1
        let figTrain = prior.sample(nFig, using: &r)
        let figDen = EmpiricalDenoiser(rows: figTrain)
        let figX = prior.sample(800, using: &r)
        let figY = figX.map { [$0[0] + sFig * r.gaussian(), $0[1] + sFig * r.gaussian()] }
        let figEmp = figDen.denoise(figY.flatMap { $0 }, sigma: sFig)
        let figBayes = figY.map { prior.posteriorMean($0, sigma: sFig) }
        var p = Plot(title: "Empirical (n = \(nFig)) vs Bayes denoiser, σ = \(fmt(sFig))", xLabel: "x₁", yLabel: "x₂")
        p.width = 640; p.height = 640
        p.add(Series("Bayes x̂(y) (true prior)", x: figBayes.map { $0[0] }, y: figBayes.map { $0[1] }, style: .points, color: Color(0.2, 0.6, 0.2)))
        p.add(Series("x̂_emp(y) (empirical prior)", x: (0..<800).map { figEmp[2 * $0] }, y: (0..<800).map { figEmp[2 * $0 + 1] }, style: .points, color: Color(0.9, 0.4, 0.1)))
        p.add(Series("training points x_i", x: figTrain.map { $0[0] }, y: figTrain.map { $0[1] }, style: .points, color: .black))
        let e = setup.radius + 0.8
        p.xRange = -e...e; p.yRange = -e...e
        notebook.figure("empirical-denoiser.png", caption: "Memorisation: with n = \(nFig) training points and σ = \(fmt(sFig)), the empirical denoiser maps fresh noisy data onto the training points (orange on black); the Bayes denoiser of the true prior keeps the spread of each component (green)", plot: p)
    }
}
