"""PyTorch (CPU) twin of `engine-bench --walk-jump`: steps/s of one walk-jump A-B-O-B-A step on
chapter 5's U-Net (Sources/NeuralNet/UNet.swift, 3 resolutions, width 32, residual output,
28x28x1), for M = 1, 4, 16 measurements and B = 64, 96, 1 chains, under torch.no_grad().

One step, the state y and v of shape (M, B, d) (as WalkJumpSampler stores it):
  y += (delta/2) v;  ybar = mean_m y;  nu = model(ybar) in batches of 64 (as chapter 5 calls it)
  psi = (nu - y) / sigma^2;  v += (u delta/2) psi;  v = e^{-gamma delta} v + sqrt(u (1 - e^{-2 gamma delta})) eps
  v += (u delta/2) psi;  y += (delta/2) v
with sigma = 0.25 sqrt(M), delta = sigma/2, gamma delta = 1, u = 1.
"""
import math
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

args = common.parse_args("PyTorch walk-jump")
torch = common.setup_torch(args)
nn, F = torch.nn, torch.nn.functional


def groups(c, preferred=8):
    g = min(preferred, c)
    while c % g:
        g -= 1
    return g


class ResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(groups(cin), cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.norm2, self.conv2 = nn.GroupNorm(groups(cout), cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x):
        h = self.conv2(F.silu(self.norm2(self.conv1(F.silu(self.norm1(x))))))
        return h + (self.skip(x) if self.skip is not None else x)


class UNet(nn.Module):
    """UNet.swift's layout for any number of resolutions L and base width w."""

    def __init__(self, c=1, w=32, levels=3):
        super().__init__()
        widths = [w << i for i in range(levels)]
        self.input = nn.Conv2d(c, w, 3, padding=1)
        self.down = nn.ModuleList([ResBlock(widths[i], widths[i]) for i in range(levels - 1)])
        self.downsample = nn.ModuleList([nn.Conv2d(widths[i], widths[i + 1], 3, stride=2, padding=1) for i in range(levels - 1)])
        self.mid = nn.ModuleList([ResBlock(widths[-1], widths[-1]) for _ in range(2)])
        self.upsample = nn.ModuleList([nn.Conv2d(widths[i + 1], widths[i], 3, padding=1) for i in range(levels - 1)])
        self.up = nn.ModuleList([ResBlock(2 * widths[i], widths[i]) for i in range(levels - 1)])
        self.out_norm, self.out_conv = nn.GroupNorm(groups(w), w), nn.Conv2d(w, c, 3, padding=1)
        nn.init.zeros_(self.out_conv.weight)
        nn.init.zeros_(self.out_conv.bias)

    def forward(self, x):
        h, skips = self.input(x), []
        for down, downsample in zip(self.down, self.downsample):
            h = down(h)
            skips.append(h)
            h = downsample(h)
        for block in self.mid:
            h = block(h)
        for i in reversed(range(len(self.up))):
            h = self.upsample[i](F.interpolate(h, scale_factor=2, mode="nearest"))
            h = self.up[i](torch.cat([h, skips[i]], dim=1))
        return x + self.out_conv(F.silu(self.out_norm(h)))


def main():
    model = UNet().eval()
    params = sum(p.numel() for p in model.parameters())
    print(f"PyTorch {torch.__version__} walk-jump; chapter 5's U-Net, {params} parameters; threads {torch.get_num_threads()}; "
          f"load average {common.load_average()}")
    d, cells = 28 * 28, []
    for chains in (64, 96, 1):
        for m in (1, 4, 16):
            sigma = 0.25 * math.sqrt(m)
            delta = sigma / 2
            half, kick, inv_s2 = delta / 2, delta / 2, 1 / sigma ** 2
            decay, scale = math.exp(-1.0), math.sqrt(1 - math.exp(-2.0))
            g = torch.Generator().manual_seed(args.seed + m)
            y = torch.rand(m, chains, d, generator=g)
            v = torch.zeros(m, chains, d)

            def step():
                with torch.no_grad():
                    y.add_(v, alpha=half)
                    ybar = y.mean(dim=0).view(chains, 1, 28, 28)
                    nu = torch.cat([model(ybar[i:i + 64]) for i in range(0, chains, 64)]).view(1, chains, d)
                    psi = (nu - y).mul_(inv_s2)
                    v.add_(psi, alpha=kick).mul_(decay).add_(torch.randn(m, chains, d, generator=g), alpha=scale)
                    v.add_(psi, alpha=kick)
                    y.add_(v, alpha=half)

            repeats = max(20, 5 * args.iterations) if chains == 1 else args.iterations
            med, best = common.median_seconds(step, repeats)
            print(f"  M={m:2d} B={chains:3d}: {1 / med:.2f} steps/s (best {1 / best:.2f}), {chains / med:.1f} chain-steps/s")
            cells.append({"M": m, "B": chains, "steps_per_s": 1 / med, "steps_per_s_best": 1 / best})
    common.write_results(args.out, "pytorch", {
        "version": torch.__version__, "threads": args.threads, "date": common.now(), "walk_jump": cells,
        "notes": "A-B-O-B-A under torch.no_grad(); nu in batches of 64; sigma_eff 0.25, delta = sigma/2, gamma delta = 1",
    })


main()
