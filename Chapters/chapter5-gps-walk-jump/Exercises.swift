import Notebook

extension Chapter {
    func assignExercises() {
        notebook.exercises([
            Exercise("Same network, other members", task: "Sample members further along the class without retraining.",
                     command: "swift run -c release chapter5-gps-walk-jump sample --members 1,2,8,32",
                     observe: "how FD, class switches and the look of the samples change with M at δ = σ/2.",
                     check: "the T4.5 loss rows stay equal; Var(y_m − ȳ)/σ² stays 1 for every M."),
            Exercise("Step size and friction", task: "Halve and double the step of the class comparison, and lower the friction.",
                     command: "swift run -c release chapter5-gps-walk-jump sample --step-factors 0.25,1 --friction 0.25",
                     observe: "the step-variant points in quality-vs-member.png, their sample grids and the switches per jump.",
                     check: "chains stay finite; compare switches/jump with the δ = σ/2 row."),
            Exercise("What the shared burn-in buys", task: "Sample every member straight from noise, without the class's shared burn-in; then with a longer one (--burn-in 3000).",
                     command: "swift run -c release chapter5-gps-walk-jump sample --burn-in 0",
                     observe: "the sample grids (strokes instead of digits without it), the FD and confident columns, and burn-in.png.",
                     check: "without the burn-in FD rises and the confident share falls for every member; Var(y_m − ȳ)/σ² stays 1 either way (T4.7 holds from the first step)."),
            Exercise("The step bias of long chains", task: "Run the long chains at twice the published step, for longer; the σ/2 chains run beside them.",
                     command: "swift run -c release chapter5-gps-walk-jump sample --long-step-factor 1 --long-steps 4000",
                     observe: "long-chain-contrast.png and long-chain-final.png: do the δ = σ chains fade or blur against the σ/2 ones?",
                     check: "compare the two columns of the long-chain table (blank share, contrast ratio, switches per 1000 steps) and the FD of the δ = σ step variant in the quality table; say which step's chains stay closer to an exact walk (ratio 1)."),
            Exercise("Memorisation", task: "Compare the memorising denoiser's samples with ν_θ's, and shrink the memorising denoiser's training set (the checkpointed ν_θ stays the same network).",
                     command: "swift run -c release chapter5-gps-walk-jump sample --train-images 500",
                     observe: "the memorising row of denoising-triplets.png returns training digits (now one of 500); its walk-jump samples are still copies (NN RMS to train near 0), while its held-out loss rises above the default run's — fewer training images lie near a held-out one. ν_θ's held-out loss is the default run's to the last digit (same network, same held-out images and noise). At --preset tiny (1,000 training images by default): memorising 0.0382 → 0.0439 per pixel, U-Net 0.0146 in both.",
                     check: "the memorising denoiser's held-out loss is above the U-Net's, by more than in the default run; the memorising-copies check passes."),
            Exercise("A larger σ_eff", task: "Train for σ_eff = 0.5 and sample its class.",
                     command: "swift run -c release chapter5-gps-walk-jump --sigma-eff 0.5",
                     observe: "blurrier jumps but more class switches (T2.5's trade-off).",
                     check: "the identity loss check reads σ_eff² = 0.25."),
        ])
    }
}
