#!/usr/bin/env bash
# Writes the shipped chapter-5 model under models/: ν_θ's sampling weights (weights only, the moving
# average when the preset keeps one) from the trained checkpoint of PRESET (default: default), and the
# classifier the chapter trained for its yardstick, with models/README.md saying which commit and
# command produced them. `chapter5-gps-walk-jump sample` then runs without training.
# Usage: scripts/ship-model.sh [preset] (the checkpoint must exist: run the chapter or `train` first).
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_CORETYPE=Haswell
preset="${1:-default}"
swift build -c release --product chapter5-gps-walk-jump >/dev/null
bin=.build/release/chapter5-gps-walk-jump
name="chapter5-mnist5k-$preset-w32r3-seff0.25.safetensors"
[ -f "checkpoints/$name" ] || { echo "ship-model: no checkpoints/$name; run \`$bin train --preset $preset\` first" >&2; exit 2; }
mkdir -p models
"$bin" train --preset "$preset" --resume --export-weights "models/$name" --figures-dir /tmp/ship-model >/dev/null
classifier=$(ls checkpoints/chapter5-mnist5k-classifier-w16-*-n4000-seed1.safetensors | head -1)
cp "$classifier" models/
trained=$(python3 -c "import json,struct,sys; f=open('checkpoints/$name','rb'); n=struct.unpack('<Q',f.read(8))[0]; m=json.loads(f.read(n))['__metadata__']; print(m.get('step'), m.get('average_decay'), m.get('seed'))")
cat > models/README.md <<MD
# Shipped chapter-5 model

Written by \`scripts/ship-model.sh $preset\` at commit $(git rev-parse --short HEAD) on $(date -u +%Y-%m-%d).

- \`$name\`: ν_θ's sampling weights only (no optimiser state or loss history), exported with
  \`chapter5-gps-walk-jump train --preset $preset --resume --export-weights models/$name\` from
  \`checkpoints/$name\` (step, average_decay, seed: $trained), which \`chapter5-gps-walk-jump --preset $preset\` trained.
- \`$(basename "$classifier")\`: the chapter's classifier (its FD/KID yardstick), as the chapter cached it.

\`chapter5-gps-walk-jump sample --preset $preset\` uses these when checkpoints/ has no trained model.
MD
ls -la models
