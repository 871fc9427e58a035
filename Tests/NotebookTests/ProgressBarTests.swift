// The progress bar's text: its fill, counts, fields, rate and ETA, and the duration format.
import Notebook
import Testing

@Suite struct ProgressBarTests {
    @Test func lineShowsFillCountsFieldsRateAndETA() {
        let bar = ProgressBar(total: 1000, label: "train", isTerminal: false)
        let text = bar.line(done: 250, fields: ["loss 0.01230"], rate: 85.14, unit: "img/s", eta: 83)
        // 250/1000 of 24 cells is 6 filled.
        #expect(text == "train [######..................]  250/1000  loss 0.01230  85.1 img/s  ETA 1m23s")
        #expect(bar.line(done: 1000, fields: [], rate: nil, unit: "", eta: nil) == "train [" + String(repeating: "#", count: 24) + "]  1000/1000")
        #expect(bar.line(done: 5000, fields: [], rate: nil, unit: "", eta: nil).hasPrefix("train [" + String(repeating: "#", count: 24) + "]"))
    }

    @Test func durationsRoundToTheSecondAndRefuseNonsense() {
        #expect(ProgressBar.duration(12.4) == "12s")
        #expect(ProgressBar.duration(187) == "3m07s")
        #expect(ProgressBar.duration(3720) == "1h02m")
        #expect(ProgressBar.duration(-1) == "?")
        #expect(ProgressBar.duration(.nan) == "?")
        #expect(ProgressBar.duration(.infinity) == "?")
    }
}
