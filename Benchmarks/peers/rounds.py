"""Tabulates Benchmarks/peers/alternate.sh's rounds: per shape, measure and peer, the ratio
engine/peer of median images/s as median and range over the rounds, with every round's ratio, its
engine run's sgemm 1024³ GFLOP/s and the load averages at the start of the engine and peer runs."""
import json
import statistics
import sys
from pathlib import Path

work, rounds, peers = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(",")
out = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--json" else None


def load(name):
    return json.loads((work / name).read_text())


def loadavg(name):
    p = work / name
    return p.read_text().strip() if p.exists() else "?"


engine = [load(f"engine-{r}.json") for r in range(1, rounds + 1)]
peer = [load(f"peers-{r}.json")["frameworks"] for r in range(1, rounds + 1)]
rows = []


def note(r, ratio, p):
    return (f"{ratio:.2f} [{engine[r]['sgemm_1024_gflops']:.0f}, "
            f"{loadavg(f'load-engine-{r + 1}')}/{loadavg(f'load-{p}-{r + 1}')}]")


if "walk_jump" in engine[0]:
    # alternate.sh --walk-jump: steps/s per (M, B).
    print(f"\n{rounds} rounds, engine then {', '.join(peers)} in each; ratio = engine / peer of median walk-jump "
          f"steps/s (> 1: the engine is faster)")
    print(f"{'M':>3} {'B':>4} {'peer':8} {'median':>7} {'range':>13}   per round: ratio [sgemm GFLOP/s, load engine/peer]")
    for i, cell in enumerate(engine[0]["walk_jump"]):
        for p in peers:
            ratios = [engine[r]["walk_jump"][i]["steps_per_s"] / peer[r][p]["walk_jump"][i]["steps_per_s"] for r in range(rounds)]
            assert all(peer[r][p]["walk_jump"][i]["M"] == cell["M"] and peer[r][p]["walk_jump"][i]["B"] == cell["B"] for r in range(rounds))
            med = statistics.median(ratios)
            print(f"{cell['M']:>3} {cell['B']:>4} {p:8} {med:7.2f} {min(ratios):6.2f}–{max(ratios):<6.2f}   "
                  + "  ".join(note(r, ratios[r], p) for r in range(rounds)))
            rows.append({"M": cell["M"], "B": cell["B"], "peer": p, "median_ratio": med, "ratios": ratios,
                         "engine_steps_per_s": [engine[r]["walk_jump"][i]["steps_per_s"] for r in range(rounds)],
                         "peer_steps_per_s": [peer[r][p]["walk_jump"][i]["steps_per_s"] for r in range(rounds)],
                         "sgemm_1024_gflops": [engine[r]["sgemm_1024_gflops"] for r in range(rounds)]})
    if out:
        Path(out).write_text(json.dumps({"rounds": rounds, "rows": rows}, indent=2) + "\n")
        print(f"wrote {out}")
    sys.exit(0)

print(f"\n{rounds} rounds, engine then {', '.join(peers)} in each; ratio = engine / peer of median images/s "
      f"(> 1: the engine is faster)")
print(f"{'input':9} {'measure':8} {'peer':8} {'median':>7} {'range':>13}   per round: ratio [sgemm GFLOP/s, load engine/peer]")
for shape in engine[0]["results"]:
    for measure in ("forward", "train"):
        field = f"{measure}_images_per_s"
        for p in peers:
            ratios, notes = [], []
            for r in range(rounds):
                e = engine[r]["results"][shape][field]
                v = peer[r][p]["results"][shape][field]
                ratios.append(e / v)
                notes.append(f"{e / v:.2f} [{engine[r]['sgemm_1024_gflops']:.0f}, "
                             f"{loadavg(f'load-engine-{r + 1}')}/{loadavg(f'load-{p}-{r + 1}')}]")
            med = statistics.median(ratios)
            print(f"{shape:9} {measure:8} {p:8} {med:7.2f} {min(ratios):6.2f}–{max(ratios):<6.2f}   " + "  ".join(notes))
            rows.append({"shape": shape, "measure": measure, "peer": p, "median_ratio": med, "ratios": ratios,
                         "engine_images_per_s": [engine[r]["results"][shape][field] for r in range(rounds)],
                         "peer_images_per_s": [peer[r][p]["results"][shape][field] for r in range(rounds)],
                         "sgemm_1024_gflops": [engine[r]["sgemm_1024_gflops"] for r in range(rounds)]})
if out:
    Path(out).write_text(json.dumps({"rounds": rounds, "rows": rows}, indent=2) + "\n")
    print(f"wrote {out}")
