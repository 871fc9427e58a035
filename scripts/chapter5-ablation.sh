#!/usr/bin/env bash
# Chapter 5's ablation (issue 14): the exact-start diagnostic (`chapter5-gps-walk-jump diagnose`) for
# each repair candidate on the default preset, then one table of them all (chapter5-ablation.py) in
# figures/chapter5-ablation/README.md. Candidates that need their own network train it first (once;
# the checkpoint is reused). Usage: scripts/chapter5-ablation.sh [candidate ...] (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_CORETYPE=Haswell
swift build -c release --product chapter5-gps-walk-jump >/dev/null
bin=.build/release/chapter5-gps-walk-jump
out=figures/chapter5-ablation
# The two networks: the default preset trained without (last) and with (ema) a moving average of the weights.
last=checkpoints/chapter5-mnist5k-default-w32r3-seff0.25-noavg.safetensors
ema=checkpoints/chapter5-mnist5k-default-w32r3-seff0.25-ema0.999.safetensors
# Quality against training compute: the same network and schedule (warm-up, cosine decay to 0.1×) over
# a third, twice and three times the default preset's 3 000 steps; and over training seeds 2 and 3 (seed 1
# is the rows above) at 3 000 and 6 000 steps, so that the comparison of the two is over 3 training seeds;
# and σ_eff: the same network trained and sampled at a larger σ_eff, whose smoother density the learned
# score may fit better where the chains go (its exact walk, the anchor, is smoother too); σ_eff = 0.35 at
# training seeds 2 and 3 too, so that its comparison with 0.25 is over 3 training seeds.
ck=checkpoints/chapter5-mnist5k-default-w32r3-seff0.25-ema0.999
declare -A trainOf=([$ck-steps1000.safetensors]="--steps 1000" [$ck-steps6000.safetensors]="--steps 6000"
                    [$ck-steps9000.safetensors]="--steps 9000"
                    [$ck-seed2.safetensors]="--seed 2" [$ck-seed3.safetensors]="--seed 3"
                    [$ck-steps6000-seed2.safetensors]="--steps 6000 --seed 2" [$ck-steps6000-seed3.safetensors]="--steps 6000 --seed 3"
                    [$ck-seff0.35.safetensors]="--sigma-eff 0.35" [$ck-seff0.5.safetensors]="--sigma-eff 0.5"
                    [$ck-seff0.35-seed2.safetensors]="--sigma-eff 0.35 --seed 2" [$ck-seff0.35-seed3.safetensors]="--sigma-eff 0.35 --seed 3")

declare -A flags=(
  [aboba]="--integrator aboba --average-decay 0 --checkpoint $last"
  [baoab]="--integrator baoab --average-decay 0 --checkpoint $last"
  [ema-aboba]="--integrator aboba --average-decay 0.999 --checkpoint $ema"
  [ema-baoab]="--integrator baoab --average-decay 0.999 --checkpoint $ema"
  [ema-baoab-gaussian]="--integrator baoab --average-decay 0.999 --checkpoint $ema --start gaussian"
)
for train in "${!trainOf[@]}"; do
  name=ema-baoab-${train#$ck-}; name=${name%.safetensors}
  flags[$name]="--integrator baoab --average-decay 0.999 ${trainOf[$train]} --checkpoint $train"
done
# Discretisation against model (the diagnosis' split): the exact-start chains of the σ_eff = 0.35 networks
# of training seeds 1–3 walked by the same Langevin dynamics (the same physical friction γ) at half the
# step, δ = σ/4, for twice the steps and jump intervals, so that they cover the same time as at δ = σ/2.
# --friction sets γδ for every walk: the burn-in from noise (at the members' δ = σ/2, for 2 000 steps)
# and the long chains' second arm (δ = σ/2) run at half the friction, for twice the time; they are not
# part of the split.
quarter="--long-step-factor 0.25 --friction 0.5 --burn-in 2000 --jump-every 50 --long-steps 4000 --long-jump-every 40"
flags[ema-baoab-seff0.35-quarter]="--integrator baoab --average-decay 0.999 --sigma-eff 0.35 $quarter --checkpoint $ck-seff0.35.safetensors"
for seed in 2 3; do
  flags[ema-baoab-seff0.35-quarter-seed$seed]="--integrator baoab --average-decay 0.999 --sigma-eff 0.35 $quarter --seed $seed --checkpoint $ck-seff0.35-seed$seed.safetensors"
done
# The same split at the default σ_eff = 0.25: the moving-average networks of training seeds 1–3.
flags[ema-baoab-quarter]="--integrator baoab --average-decay 0.999 $quarter --checkpoint $ema"
for seed in 2 3; do
  flags[ema-baoab-quarter-seed$seed]="--integrator baoab --average-decay 0.999 $quarter --seed $seed --checkpoint $ck-seed$seed.safetensors"
done
# The moving average over training seeds: the same runs' last weights (--average-decay 0 samples a
# checkpoint's last weights, not its average), paired with ema-baoab-seed2/3; for seed 1 `baoab`.
for seed in 2 3; do
  flags[baoab-seed$seed]="--integrator baoab --average-decay 0 --seed $seed --checkpoint $ck-seed$seed.safetensors"
done
order=(aboba baoab ema-aboba ema-baoab ema-baoab-gaussian ema-baoab-steps1000 ema-baoab-steps6000 ema-baoab-steps9000
       ema-baoab-seed2 ema-baoab-seed3 ema-baoab-steps6000-seed2 ema-baoab-steps6000-seed3 baoab-seed2 baoab-seed3
       ema-baoab-seff0.35 ema-baoab-seff0.5 ema-baoab-seff0.35-seed2 ema-baoab-seff0.35-seed3
       ema-baoab-seff0.35-quarter ema-baoab-seff0.35-quarter-seed2 ema-baoab-seff0.35-quarter-seed3
       ema-baoab-quarter ema-baoab-quarter-seed2 ema-baoab-quarter-seed3)
[ $# -gt 0 ] && order=("$@")

for name in "${order[@]}"; do
  [ -n "${flags[$name]:-}" ] || { echo "chapter5-ablation: unknown candidate $name (one of: ${!flags[*]})" >&2; exit 2; }
  if [[ "${flags[$name]}" == *"$ema"* && ! -f "$ema" ]]; then
    "$bin" train --average-decay 0.999 --checkpoint "$ema" --figures-dir "$out/train-ema0.999"
  fi
  if [[ "${flags[$name]}" == *"$last"* && ! -f "$last" ]]; then
    "$bin" train --average-decay 0 --checkpoint "$last" --figures-dir "$out/train-noavg"
  fi
  for train in "${!trainOf[@]}"; do
    if [[ "${flags[$name]}" == *"$train"* && ! -f "$train" ]]; then
      # shellcheck disable=SC2086
      "$bin" train --average-decay 0.999 ${trainOf[$train]} --checkpoint "$train" --figures-dir "$out/train-${name#ema-baoab-}"
    fi
  done
  # shellcheck disable=SC2086
  "$bin" diagnose ${flags[$name]} --figures-dir "$out/$name" | tee "$out/$name.log" | grep -E "window to step|checks," || true
  echo "$bin diagnose ${flags[$name]}" > "$out/$name/command.txt"
done
python3 scripts/chapter5-ablation.py "$out"
