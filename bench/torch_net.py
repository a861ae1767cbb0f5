#!/usr/bin/python3
"""The CariLab network in PyTorch, for a side-by-side benchmark with `carilab-cli bench`.

Builds the same trunk, branches and weight module (same shapes, same parameter count, same
masking: `verif` on all rows, `cari` on the caricature rows, `visual` on the photo rows), trains
with the same step (cross-entropy per branch weighted by the detached module weights; the module
trained by L4 = sum w_i / (L_i + eps) on a detached trunk output; RMSProp on both) on random
images, and prints the figures `carilab-cli bench` prints. Needs Debian's python3-torch; run with
/usr/bin/python3. Not used by the tests.
"""
import argparse
import resource
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def scale(c, width):
    return max(1, int(round(c * width)))


class ConvUnit(nn.Module):
    """conv (no bias) -> batch norm with beta only -> ReLU (stride-1 SAME is symmetric padding)."""

    def __init__(self, cin, cout, k, stride=1, same=True):
        super().__init__()
        kh, kw = (k, k) if isinstance(k, int) else k
        pad = (kh // 2, kw // 2) if same else (0, 0)
        assert not (same and stride != 1)
        self.conv = nn.Conv2d(cin, cout, (kh, kw), stride, pad, bias=False)
        self.beta = nn.Parameter(torch.zeros(cout))
        self.register_buffer("rm", torch.zeros(cout))
        self.register_buffer("rv", torch.ones(cout))
        self.cout = cout

    def forward(self, x):
        x = self.conv(x)
        x = F.batch_norm(x, self.rm, self.rv, None, self.beta, True, 0.005, 1e-3)
        return F.relu(x, inplace=True)


class Pool(nn.Module):
    def forward(self, x):
        return F.max_pool2d(x, 3, 2)


class Block(nn.Module):
    """Parallel branches (chains of ConvUnit or a max pool), concatenated; optionally a linear
    1x1 projection back to the input channels, x + scale * up, ReLU."""

    def __init__(self, cin, branches, width, residual=0.0):
        super().__init__()
        self.branches = nn.ModuleList()
        cout = 0
        for spec in branches:
            if spec is None:
                self.branches.append(Pool())
                cout += cin
                continue
            units, c = [], cin
            for (oc, k, stride, same) in spec:
                oc = scale(oc, width)
                units.append(ConvUnit(c, oc, k, stride, same))
                c = oc
            self.branches.append(nn.Sequential(*units))
            cout += c
        self.residual = residual
        if residual:
            self.up = nn.Conv2d(cout, cin, 1, bias=True)
            cout = cin
        self.cout = cout

    def forward(self, x):
        outs = [b(x) for b in self.branches]
        y = outs[0] if len(outs) == 1 else torch.cat(outs, 1)
        if self.residual:
            y = F.relu(x + self.residual * self.up(y), inplace=True)
        return y


S, V = True, False
STEM = [[[(32, 3, 2, V)]], [[(32, 3, 1, V)]], [[(64, 3, 1, S)]], [None],
        [[(80, 1, 1, V)]], [[(192, 3, 1, V)]], [[(256, 3, 2, V)]]]
BLOCK35 = ([[(32, 1, 1, S)], [(32, 1, 1, S), (32, 3, 1, S)],
            [(32, 1, 1, S), (32, 3, 1, S), (32, 3, 1, S)]], 0.17)
RED_A = ([[(384, 3, 2, V)], [(192, 1, 1, S), (192, 3, 1, S), (256, 3, 2, V)], None], 0.0)
BLOCK17 = ([[(128, 1, 1, S)], [(128, 1, 1, S), (128, (1, 7), 1, S), (128, (7, 1), 1, S)]], 0.10)
RED_B = ([[(256, 1, 1, S), (384, 3, 2, V)], [(256, 1, 1, S), (256, 3, 2, V)],
          [(256, 1, 1, S), (256, 3, 1, S), (256, 3, 2, V)], None], 0.0)
BLOCK8 = ([[(192, 1, 1, S)], [(192, 1, 1, S), (192, (1, 3), 1, S), (192, (3, 1), 1, S)]], 0.20)

PRESETS = {
    "paper": dict(input_size=160, width=1.0, embedding=128, caricatures=30, photos=30),
    "demo": dict(input_size=96, width=0.25, embedding=64, caricatures=16, photos=16),
}


class Head(nn.Module):
    def __init__(self, cin, width, repeats, embedding, identities):
        super().__init__()
        blocks, c = [], cin
        for _ in range(repeats):
            b = Block(c, BLOCK8[0], width, BLOCK8[1])
            blocks.append(b)
            c = b.cout
        self.blocks = nn.Sequential(*blocks)
        hc = scale(192, width)
        self.conv = ConvUnit(c, hc, 1)
        self.embedding = nn.Linear(hc, embedding, bias=False)
        self.emb_beta = nn.Parameter(torch.zeros(embedding))
        self.register_buffer("rm", torch.zeros(embedding))
        self.register_buffer("rv", torch.ones(embedding))
        self.classifier = nn.Linear(embedding, identities)

    def forward(self, z):
        x = self.conv(self.blocks(z))
        x = F.dropout(x.mean((2, 3)), 0.5, True)
        e = F.batch_norm(self.embedding(x), self.rm, self.rv, None, self.emb_beta, True, 0.005,
                         1e-3)
        return self.classifier(e)


class Net(nn.Module):
    def __init__(self, input_size, width, repeats, embedding, identities, r=2.0):
        super().__init__()
        blocks, c = [], 3
        for spec in STEM:
            b = Block(c, spec, width)
            blocks.append(b)
            c = b.cout
        for spec, n in ((BLOCK35, repeats), (RED_A, 1), (BLOCK17, repeats), (RED_B, 1)):
            for _ in range(n):
                b = Block(c, spec[0], width, spec[1])
                blocks.append(b)
                c = b.cout
        self.trunk = nn.Sequential(*blocks)
        with torch.no_grad():
            zshape = self.trunk(torch.zeros(2, 3, input_size, input_size)).shape
        self.heads = nn.ModuleList(Head(c, width, repeats, embedding, identities)
                                   for _ in range(3))
        self.module_ = nn.Linear(zshape[1] * zshape[2] * zshape[3], 3)
        self.r = r

    def forward(self, x, n_cari):
        z = self.trunk(x)
        logits = [self.heads[0](z), self.heads[1](z[:n_cari]), self.heads[2](z[n_cari:])]
        s = self.module_(z.detach().flatten(1))
        w = F.softmax(self.r * F.normalize(s, dim=1), dim=1).mean(0)
        return logits, w


def count_train_flops(net, x, n_cari):
    """2 x multiply-adds of every conv and linear layer: forward, dW and dX, except dX of the
    first conv (its input is the images) and of the module (its input is detached)."""
    macs = {"fwd": 0, "skip": 0}
    first = net.trunk[0].branches[0][0].conv

    def conv_hook(m, inp, out):
        k = m.in_channels * m.kernel_size[0] * m.kernel_size[1]
        macs["fwd"] += out.numel() * k
        if m is first:
            macs["skip"] += out.numel() * k

    def linear_hook(m, inp, out):
        macs["fwd"] += out.numel() * m.in_features
        if m is net.module_:
            macs["skip"] += out.numel() * m.in_features

    hooks = []
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    with torch.no_grad():
        net(x, n_cari)
    for h in hooks:
        h.remove()
    return 2.0 * (3 * macs["fwd"] - macs["skip"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="paper", choices=sorted(PRESETS))
    ap.add_argument("--caricatures", type=int)
    ap.add_argument("--photos", type=int)
    ap.add_argument("--input-size", type=int)
    ap.add_argument("--identities", type=int, default=200)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    p = dict(PRESETS[a.preset])
    for key in ("caricatures", "photos", "input_size"):
        if getattr(a, key) is not None:
            p[key] = getattr(a, key)
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)

    net = Net(p["input_size"], p["width"], 1, p["embedding"], a.identities)
    nc, npho = p["caricatures"], p["photos"]
    n = nc + npho
    x = torch.randn(n, 3, p["input_size"], p["input_size"])
    labels = [torch.randint(0, a.identities, (m,)) for m in (n, nc, npho)]
    flops = count_train_flops(net, x, nc)
    module_params = list(net.module_.parameters())
    ids = {id(q) for q in module_params}
    theta = [q for q in net.parameters() if id(q) not in ids]
    opt = torch.optim.RMSprop(theta, lr=1e-3, alpha=0.9, eps=1.0, momentum=0.9)
    opt_m = torch.optim.RMSprop(module_params, lr=1e-3, alpha=0.9, eps=1.0, momentum=0.9)

    def step():
        logits, w = net(x, nc)
        losses = [F.cross_entropy(l, y) for l, y in zip(logits, labels)]
        total = sum(w.detach()[i] * losses[i] for i in range(3))
        l4 = sum(w[i] / (losses[i].detach() + 0.01) for i in range(3))
        opt.zero_grad(set_to_none=True)
        opt_m.zero_grad(set_to_none=True)
        (total + l4).backward()
        opt.step()
        opt_m.step()

    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    n_theta = sum(q.numel() for q in theta)
    n_psi = sum(q.numel() for q in module_params)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"preset:            {a.preset} (input {p['input_size']}, width {p['width']:g}, "
          f"{nc} caricatures + {npho} photos, {a.identities} identities)")
    print(f"parameters:        {n_theta + n_psi} (network {n_theta} + weight module {n_psi})")
    print(f"FLOPs per step:    {flops:.4e}")
    print(f"step time:         {med:.4f} s median of {a.steps} (min {min(times):.4f}, "
          f"max {max(times):.4f})")
    print(f"images/s:          {n / med:.2f}")
    print(f"GFLOP/s:           {flops / med * 1e-9:.2f}")
    print(f"peak RSS:          {rss:.1f} MiB")
    print(f"torch:             {torch.__version__}, {torch.get_num_threads()} threads, "
          f"mkldnn {torch.backends.mkldnn.enabled}")


if __name__ == "__main__":
    main()
