// Issue 13, found by Fuzz/fuzz-safetensors (scripts/fuzz.sh, seed 1, after 55,829 executions): a
// checkpoint whose optimizer.step holds 5.0e28 passed every check of a resume (finite values, names
// and shapes) and then trapped in Adam.loadState's `Int(_:)` conversion ("Float value cannot be
// converted to Int because the result would be greater than Int.max"), killing `--resume`. Step
// counts must now be whole numbers in 0…2²⁴ and moment arrays finite, second moments and Adagrad
// sums ≥ 0; anything else is a ParameterLoadError.
import NeuralNet
import Storage
import Testing
import Training

@Suite struct OptimizerStateHostileTests {
    /// The crashing input, committed in the fuzz corpus.
    static let crashFile: String = {
        var p = #filePath
        for _ in 0..<3 { p = String(p[..<p.lastIndex(of: "/")!]) }
        return p + "/Fuzz/corpus/fuzz-safetensors/regress-optimizer-step-5e28.safetensors"
    }()

    func model() -> MLP { MLP(inputDim: 2, hidden: [3], outputDim: 1, seed: 1) }

    func state(step: Float, v: Float = 0.01, m: Float = 0) -> [NamedArray] {
        let params = model().parameters
        var out: [NamedArray] = [(name: "step", shape: [1], values: [step])]
        for (i, p) in params.enumerated() {
            out.append((name: "m.\(i)", shape: p.shape, values: [Float](repeating: m, count: p.count)))
            out.append((name: "v.\(i)", shape: p.shape, values: [Float](repeating: v, count: p.count)))
        }
        return out
    }

    @Test func theFuzzedCheckpointIsRefused() throws {
        let checkpoint = try Checkpoint.read(Self.crashFile)
        #expect(checkpoint.optimizerState.first { $0.name == "step" }?.values == [5.01903546229313e+28])
        let net = model()
        try checkpoint.restore(into: net, file: Self.crashFile, allowUnexpected: true)   // names, shapes, finiteness pass
        let adam = Adam(parameters: net.parameters, learningRate: 1e-3)
        do {
            try adam.loadState(checkpoint.optimizerState)
            Issue.record("accepted a step of 5e28")
        } catch {
            #expect("\(error)" == "step: 5.0190355e+28 is not a whole number in 0…16777216")
        }
        #expect(adam.stepCount == 0)
        let adagrad = Adagrad(parameters: net.parameters, learningRate: 1e-2)
        #expect(throws: ParameterLoadError.self) { try adagrad.loadState(checkpoint.optimizerState) }
    }

    @Test(arguments: [Float(1e30), -1, 2.5, .nan, .infinity, 16_777_218])
    func stepMustBeAWholeNumberInRange(step: Float) {
        let adam = Adam(parameters: model().parameters, learningRate: 1e-3)
        #expect(throws: ParameterLoadError.self) { try adam.loadState(state(step: step)) }
        #expect(adam.stepCount == 0)
    }

    @Test func momentsMustBeFiniteAndSecondMomentsNonNegative() throws {
        let adam = Adam(parameters: model().parameters, learningRate: 1e-3)
        #expect(throws: ParameterLoadError.self) { try adam.loadState(state(step: 3, v: -1)) }
        #expect(throws: ParameterLoadError.self) { try adam.loadState(state(step: 3, m: .nan)) }
        #expect(throws: ParameterLoadError.self) { try adam.loadState(state(step: 3, v: .infinity)) }
        do { try adam.loadState(state(step: 3, v: -1)) } catch {
            #expect("\(error)" == "v.0: holds -1.0 at index 0, expected a finite number ≥ 0")
        }
        // The edges still load: step 0 and 2²⁴, zero moments.
        try adam.loadState(state(step: 0, v: 0))
        try adam.loadState(state(step: 16_777_216, v: 0))
        #expect(adam.stepCount == 16_777_216)

        let params = model().parameters
        let adagrad = Adagrad(parameters: params, learningRate: 1e-2)
        let sums = { (x: Float) -> [NamedArray] in
            [(name: "step", shape: [1], values: [4])] + params.enumerated().map { (name: "sum.\($0.offset)", shape: $0.element.shape, values: [Float](repeating: x, count: $0.element.count)) }
        }
        #expect(throws: ParameterLoadError.self) { try adagrad.loadState(sums(-0.5)) }
        try adagrad.loadState(sums(0.5))
        #expect(adagrad.stepCount == 4)
    }
}
