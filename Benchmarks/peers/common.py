"""Shared helpers for the peer benchmarks: timing protocol and results.json merging.

Protocol (identical to engine-bench): batch 64, inputs N(0,1), target N(0,1); for each of 28x28x1
and 32x32x3, 2 warm-up iterations then `iterations` timed ones; images/s = batch / median time.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import time

SHAPES = [(1, 28, 28), (3, 32, 32)]   # (C, H, W)


def parse_args(name):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=f"{name} bench U-Net throughput (CPU)")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=os.path.join(here, "results.json"))
    return p.parse_args()


def setup_torch(args):
    """Imports torch with `args.threads` intra-op threads, one inter-op thread and `args.seed`."""
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch
    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    torch.manual_seed(args.seed)
    return torch


def median_seconds(fn, iterations, warmup=2):
    """(median, best) seconds of `iterations` timed calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(max(1, iterations)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def shape_result(params, batch, forward, train):
    """results.json entry from (median, best) forward and training-step seconds."""
    (tf, bf), (tt, bt) = forward, train
    print(f"    forward {tf * 1e3:.1f} ms = {batch / tf:.1f} img/s (best {batch / bf:.1f}); "
          f"train step {tt * 1e3:.1f} ms = {batch / tt:.1f} img/s (best {batch / bt:.1f})")
    return {"parameters": params, "forward_images_per_s": batch / tf, "train_images_per_s": batch / tt,
            "forward_images_per_s_best": batch / bf, "train_images_per_s_best": batch / bt}


def label(c, h, w):
    return f"{h}x{w}x{c}"


def load_average():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def write_results(path, key, entry):
    """Merges {frameworks: {key: entry}} into the JSON file at `path` (atomic replace)."""
    data = {}
    if os.path.exists(path):
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError):
            data = {}
    data.setdefault("frameworks", {})[key] = entry
    data["machine"] = f"{platform.machine()} {platform.processor() or ''} {os.cpu_count()} cpus".strip()
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)
    print(f"wrote {path}")


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
