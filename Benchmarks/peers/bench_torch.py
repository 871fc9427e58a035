"""PyTorch (CPU) version of engine-bench's bench U-Net; forward and training-step images/s.

Architecture (= Sources/NeuralNet/UNet.swift with resolutions 2, width 32, residual output):
  input 3x3 conv C->32; ResBlock(32); stride-2 3x3 conv 32->64; ResBlock(64) x2;
  nearest 2x up, 3x3 conv 64->32; concat [up, skip]; ResBlock(64->32);
  GroupNorm(8) -> SiLU -> 3x3 conv 32->C (zero-initialised); output = x + net(x).
ResBlock(a->b) = conv2(SiLU(GN(conv1(SiLU(GN(x)))))) + (x | 1x1 conv(x) when a != b), GroupNorm(8).
Training step: zero_grad, forward, MSE (mean), backward, Adam(lr 1e-4).
Forward is timed under torch.no_grad() (inference).
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

args = common.parse_args("PyTorch")
torch = common.setup_torch(args)
nn, F = torch.nn, torch.nn.functional


class ResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm2 = nn.GroupNorm(8, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        return h + (self.skip(x) if self.skip is not None else x)


class BenchUNet(nn.Module):
    def __init__(self, c, w=32):
        super().__init__()
        self.input = nn.Conv2d(c, w, 3, padding=1)
        self.down0 = ResBlock(w, w)
        self.downsample0 = nn.Conv2d(w, 2 * w, 3, stride=2, padding=1)
        self.mid0 = ResBlock(2 * w, 2 * w)
        self.mid1 = ResBlock(2 * w, 2 * w)
        self.upsample0 = nn.Conv2d(2 * w, w, 3, padding=1)
        self.up0 = ResBlock(2 * w, w)
        self.out_norm = nn.GroupNorm(8, w)
        self.out_conv = nn.Conv2d(w, c, 3, padding=1)
        nn.init.zeros_(self.out_conv.weight)
        nn.init.zeros_(self.out_conv.bias)

    def forward(self, x):
        h = self.input(x)
        skip = self.down0(h)
        h = self.downsample0(skip)
        h = self.mid1(self.mid0(h))
        h = self.upsample0(F.interpolate(h, scale_factor=2, mode="nearest"))
        h = self.up0(torch.cat([h, skip], dim=1))
        h = self.out_conv(F.silu(self.out_norm(h)))
        return x + h


def main():
    print(f"PyTorch {torch.__version__}  (CUDA build: {torch.version.cuda is not None}; "
          f"mkldnn: {torch.backends.mkldnn.is_available()}; threads {torch.get_num_threads()}; "
          f"load average {common.load_average()})")
    results = {}
    for c, h, w in common.SHAPES:
        key = common.label(c, h, w)
        model = BenchUNet(c)
        g = torch.Generator().manual_seed(args.seed + 1)
        x = torch.randn(args.batch, c, h, w, generator=g)
        target = torch.randn(args.batch, c, h, w, generator=g)
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)
        params = sum(p.numel() for p in model.parameters())

        def forward():
            with torch.no_grad():
                model(x)

        def train():
            opt.zero_grad(set_to_none=True)
            loss = F.mse_loss(model(x), target)
            loss.backward()
            opt.step()

        print(f"  {key}: parameters {params}")
        results[key] = common.shape_result(params, args.batch, common.median_seconds(forward, args.iterations),
                                           common.median_seconds(train, args.iterations))
    common.write_results(args.out, "pytorch", {
        "version": torch.__version__, "threads": args.threads, "batch": args.batch,
        "iterations": args.iterations, "date": common.now(), "results": results,
        "notes": "forward under torch.no_grad(); NCHW; Adam lr 1e-4; MSE mean",
    })


main()
