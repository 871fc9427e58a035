#!/usr/bin/env python3
"""Writes a small CIFAR-10-format data set (binary version) for CI, since the real one cannot be
downloaded here:

    scripts/make-cifar-fixture.py OUT_DIR [--train 2000] [--test 500] [--seed 1]

OUT_DIR/cifar-10-batches-bin/ receives data_batch_1.bin … data_batch_5.bin and test_batch.bin, each
a sequence of 3073-byte records (1 label byte, then the 32×32 red, green and blue planes). The images
are not noise: class k is a soft disc of its own colour and radius at a random position, over a
random background, so that a classifier and a denoiser have something to learn and chapter 5's
checks are meaningful on it.
"""
import argparse
import math
import random
from pathlib import Path

SIDE = 32


def image(label: int, rng: random.Random) -> bytes:
    # Class k: a disc of hue k/10 and radius 5…11; each image: its own position, a background
    # gradient between two random colours, and four smaller discs of random colours. The many
    # free parameters keep held-out images away from every training image (a memorising denoiser
    # must not win), while the class stays visible to a classifier.
    hue = label / 10
    colour = [0.5 + 0.45 * math.cos(2 * math.pi * (hue + s / 3)) for s in range(3)]
    radius = 5 + (label % 5) * 1.5
    cx, cy = rng.uniform(10, 22), rng.uniform(10, 22)
    bg0 = [rng.uniform(0, 1) for _ in range(3)]
    bg1 = [rng.uniform(0, 1) for _ in range(3)]
    angle = rng.uniform(0, 2 * math.pi)
    ux, uy = math.cos(angle), math.sin(angle)
    smalls = [([rng.uniform(0, 1) for _ in range(3)], rng.uniform(3, 29), rng.uniform(3, 29), rng.uniform(1.5, 4))
              for _ in range(4)]
    planes = []
    for c in range(3):
        plane = bytearray(SIDE * SIDE)
        for y in range(SIDE):
            for x in range(SIDE):
                t = 0.5 + ((x - 16) * ux + (y - 16) * uy) / 45
                v = bg0[c] * (1 - t) + bg1[c] * t
                for small, sx, sy, sr in smalls:
                    a = 1 / (1 + math.exp(max(-50, min(50, (math.hypot(x - sx, y - sy) - sr) / 0.8))))
                    v = a * small[c] + (1 - a) * v
                b = 1 / (1 + math.exp((math.hypot(x - cx, y - cy) - radius) / 1.2))
                v = b * colour[c] + (1 - b) * v + rng.gauss(0, 0.02)
                plane[y * SIDE + x] = max(0, min(255, round(255 * v)))
        planes.append(bytes(plane))
    return bytes([label]) + b"".join(planes)


def write(path: Path, count: int, rng: random.Random) -> None:
    with path.open("wb") as f:
        for i in range(count):
            f.write(image(i % 10, rng))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--train", type=int, default=2000, help="training images in all (split over 5 batches)")
    p.add_argument("--test", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if a.train < 5 or a.test < 1:
        p.error("--train must be ≥ 5 and --test ≥ 1")
    rng = random.Random(a.seed)
    folder = Path(a.out) / "cifar-10-batches-bin"
    folder.mkdir(parents=True, exist_ok=True)
    for b in range(5):
        write(folder / f"data_batch_{b + 1}.bin", a.train // 5, rng)
    write(folder / "test_batch.bin", a.test, rng)
    print(f"make-cifar-fixture: {a.train // 5 * 5} training and {a.test} test images in {folder}")


if __name__ == "__main__":
    main()
