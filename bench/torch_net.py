#!/usr/bin/python3
"""The CariLab network in PyTorch: the same trunk, branches and weight module, under the same
tensor names, for a side-by-side benchmark with `carilab-cli bench` and the equivalence test.

Every parameter and buffer of `Net.state_dict()` is named as CariLab names it, with "." for "/":
CariLab's "trunk/block35_1/b1_2/weight" is "trunk.block35_1.b1_2.weight" here, so a CariLab
safetensors export loads with `load_state_dict(strict=True)` and a state dict saved from here
imports into CariLab (docs/interop.md). Conv weights are OIHW on both sides; batch norm carries
β only (no γ), its running statistics are buffers.

The forward follows CariLab's (verif on all rows, cari on the caricature rows, visual on the
photo rows; the weight module on a detached trunk output); `train()` and `eval()` switch batch
norm and dropout as CariLab's training and inference passes do. `step_losses` is CariLab's
training objective for the paper's weighting: each branch's cross-entropy (plus the center loss
on verif) weighted by the detached module weights, and the module trained by
L4 = sum w_i / (L_i + eps).

Run as a script, it times training steps (or, with --inference, embedding extraction in eval
mode without gradients) on random images and prints the figures `carilab-cli bench` prints.
Needs Debian's python3-torch; run with /usr/bin/python3.
"""
import argparse
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

TASKS = ("verif", "cari", "visual")


def scale(c, width):
    return max(1, int(round(c * width)))


class ConvUnit(nn.Module):
    """conv (no bias) -> batch norm with beta only -> ReLU. Stride-1 SAME is symmetric padding."""

    def __init__(self, cin, cout, k, stride=1, same=True, bn_decay=0.995, bn_eps=1e-3):
        super().__init__()
        kh, kw = (k, k) if isinstance(k, int) else k
        assert not (same and stride != 1)
        self.padding = (kh // 2, kw // 2) if same else (0, 0)
        self.stride = stride
        self.weight = nn.Parameter(torch.empty(cout, cin, kh, kw))
        nn.init.xavier_uniform_(self.weight)
        self.beta = nn.Parameter(torch.zeros(cout))
        self.register_buffer("running_mean", torch.zeros(cout))
        self.register_buffer("running_var", torch.ones(cout))
        self.momentum, self.eps = 1.0 - bn_decay, bn_eps
        self.cout = cout

    def forward(self, x):
        x = F.conv2d(x, self.weight, None, self.stride, self.padding)
        x = F.batch_norm(x, self.running_mean, self.running_var, None, self.beta, self.training,
                         self.momentum, self.eps)
        return F.relu(x)


class Up(nn.Module):
    """The residual projection: a 1x1 conv with bias, no batch norm."""

    def __init__(self, cin, cout):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(cout, cin, 1, 1))
        nn.init.xavier_uniform_(self.weight)
        self.bias = nn.Parameter(torch.zeros(cout))

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias)


class Block(nn.Module):
    """Parallel branches (chains of ConvUnit, or a 3x3 stride-2 max pool), concatenated; with a
    residual scale, a 1x1 projection back to the input channels, then relu(x + scale * up).
    Units are named b<branch>_<unit>, or "conv" in a block of one unit (the stem)."""

    def __init__(self, cin, branches, width, residual=0.0, **bn):
        super().__init__()
        self.plan = []
        cout = 0
        single = len(branches) == 1 and branches[0] is not None and len(branches[0]) == 1
        for i, spec in enumerate(branches):
            if spec is None:
                self.plan.append(None)
                cout += cin
                continue
            names, c = [], cin
            for k, (oc, ks, stride, same) in enumerate(spec):
                oc = scale(oc, width)
                name = "conv" if single else f"b{i}_{k}"
                setattr(self, name, ConvUnit(c, oc, ks, stride, same, **bn))
                names.append(name)
                c = oc
            self.plan.append(names)
            cout += c
        self.residual = residual
        if residual:
            self.up = Up(cout, cin)
            cout = cin
        self.cout = cout

    def forward(self, x):
        outs = []
        for names in self.plan:
            if names is None:
                outs.append(F.max_pool2d(x, 3, 2))
                continue
            y = x
            for name in names:
                y = getattr(self, name)(y)
            outs.append(y)
        y = outs[0] if len(outs) == 1 else torch.cat(outs, 1)
        if self.residual:
            y = F.relu(x + self.residual * self.up(y))
        return y


S, V = True, False
STEM = [("conv1", [[(32, 3, 2, V)]]), ("conv2", [[(32, 3, 1, V)]]), ("conv3", [[(64, 3, 1, S)]]),
        ("maxpool1", [None]), ("conv4", [[(80, 1, 1, V)]]), ("conv5", [[(192, 3, 1, V)]]),
        ("conv6", [[(256, 3, 2, V)]])]
BLOCK35 = ("block35", [[(32, 1, 1, S)], [(32, 1, 1, S), (32, 3, 1, S)],
                       [(32, 1, 1, S), (32, 3, 1, S), (32, 3, 1, S)]], 0.17)
RED_A = ("reduction_a", [[(384, 3, 2, V)], [(192, 1, 1, S), (192, 3, 1, S), (256, 3, 2, V)],
                         None], 0.0)
BLOCK17 = ("block17", [[(128, 1, 1, S)],
                       [(128, 1, 1, S), (128, (1, 7), 1, S), (128, (7, 1), 1, S)]], 0.10)
RED_B = ("reduction_b", [[(256, 1, 1, S), (384, 3, 2, V)], [(256, 1, 1, S), (256, 3, 2, V)],
                         [(256, 1, 1, S), (256, 3, 1, S), (256, 3, 2, V)], None], 0.0)
BLOCK8 = ("block8", [[(192, 1, 1, S)],
                     [(192, 1, 1, S), (192, (1, 3), 1, S), (192, (3, 1), 1, S)]], 0.20)

PRESETS = {
    "paper": dict(input_size=160, width=1.0, embedding_size=128, caricatures=30, photos=30),
    "demo": dict(input_size=96, width=0.25, embedding_size=64, caricatures=16, photos=16),
}


class Trunk(nn.Module):
    def __init__(self, width, repeats_a, repeats_b, **bn):
        super().__init__()
        self.order, c = [], 3
        stages = [(name, spec, 0.0, 1) for name, spec in STEM]
        stages += [(BLOCK35[0], BLOCK35[1], BLOCK35[2], repeats_a), (RED_A[0], RED_A[1], 0.0, 1),
                   (BLOCK17[0], BLOCK17[1], BLOCK17[2], repeats_b), (RED_B[0], RED_B[1], 0.0, 1)]
        for name, spec, residual, n in stages:
            for r in range(n):
                full = f"{name}_{r + 1}" if residual else name
                b = Block(c, spec, width, residual, **bn)
                setattr(self, full, b)
                self.order.append(full)
                c = b.cout
        self.cout = c

    def forward(self, x):
        for name in self.order:
            x = getattr(self, name)(x)
        return x


class DenseBN(nn.Module):
    """The embedding: a dense layer without bias, then batch norm with beta only."""

    def __init__(self, cin, cout, bn_decay=0.995, bn_eps=1e-3):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(cout, cin))
        nn.init.xavier_uniform_(self.weight)
        self.beta = nn.Parameter(torch.zeros(cout))
        self.register_buffer("running_mean", torch.zeros(cout))
        self.register_buffer("running_var", torch.ones(cout))
        self.momentum, self.eps = 1.0 - bn_decay, bn_eps

    def forward(self, x):
        return F.batch_norm(F.linear(x, self.weight), self.running_mean, self.running_var, None,
                            self.beta, self.training, self.momentum, self.eps)


class Head(nn.Module):
    """A task branch: Inception-ResNet-C blocks, a 1x1 conv unit, global average pooling,
    dropout, the embedding and the classifier."""

    def __init__(self, cin, width, repeats, head_channels, embedding_size, identities,
                 dropout_keep, **bn):
        super().__init__()
        self.order, c = [], cin
        for r in range(repeats):
            b = Block(c, BLOCK8[1], width, BLOCK8[2], **bn)
            setattr(self, f"block8_{r + 1}", b)
            self.order.append(f"block8_{r + 1}")
            c = b.cout
        hc = scale(head_channels, width)
        self.conv = ConvUnit(c, hc, 1, **bn)
        self.embedding = DenseBN(hc, embedding_size, **bn)
        self.classifier = nn.Linear(embedding_size, identities)
        nn.init.xavier_uniform_(self.classifier.weight)
        nn.init.zeros_(self.classifier.bias)
        self.dropout_keep = dropout_keep

    def forward(self, z):
        for name in self.order:
            z = getattr(self, name)(z)
        x = self.conv(z).mean((2, 3))
        if self.dropout_keep < 1.0:
            x = F.dropout(x, 1.0 - self.dropout_keep, self.training)
        e = self.embedding(x)
        return e, self.classifier(e)


class WeightModule(nn.Module):
    """dense(flatten Z) -> T logits -> r * logits / ||logits|| -> softmax -> mean over rows."""

    def __init__(self, d, tasks, r):
        super().__init__()
        self.dense = nn.Linear(d, tasks)
        self.r = r

    def forward(self, z):
        s = self.dense(z.detach().flatten(1))
        if self.r > 0:
            s = self.r * s / s.norm(dim=1, keepdim=True).clamp_min(1e-6)
        return F.softmax(s, dim=1).mean(0)


class Net(nn.Module):
    def __init__(self, input_size=160, width=1.0, repeats_a=1, repeats_b=1, repeats_c=1,
                 head_channels=192, embedding_size=128, identities=200, tasks=TASKS,
                 weight_module=True, weight_r=2.0, dropout_keep=0.5, bn_decay=0.995,
                 bn_eps=1e-3):
        super().__init__()
        bn = dict(bn_decay=bn_decay, bn_eps=bn_eps)
        self.trunk = Trunk(width, repeats_a, repeats_b, **bn)
        with torch.no_grad():
            zshape = self.trunk.eval()(torch.zeros(1, 3, input_size, input_size)).shape
        self.trunk.train()
        self.tasks = [t for t in TASKS if t in tasks]
        for t in self.tasks:
            setattr(self, t, Head(self.trunk.cout, width, repeats_c, head_channels,
                                  embedding_size, identities, dropout_keep, **bn))
        if weight_module:
            self.weights = WeightModule(zshape[1] * zshape[2] * zshape[3], len(self.tasks),
                                        weight_r)
        else:
            self.weights = None

    def forward(self, x, n_cari):
        """Returns {task: (embedding before normalisation, logits)} over the task's rows, and
        the task weights (None without the module)."""
        z = self.trunk(x)
        rows = {"verif": z, "cari": z[:n_cari], "visual": z[n_cari:]}
        out = {t: getattr(self, t)(rows[t]) for t in self.tasks}
        w = self.weights(z) if self.weights is not None else None
        return out, w

    def embed(self, x, task):
        """The L2-normalised embeddings of one branch for any rows (CariLab's inference)."""
        e, _ = getattr(self, task)(self.trunk(x))
        return F.normalize(e, dim=1, eps=1e-5)


def net_from_metadata(meta, **overrides):
    """A Net configured from a CariLab safetensors file's metadata (docs/interop.md)."""
    arch = dict(kv.split("=", 1) for kv in meta["carilab.architecture"].split(";"))
    kw = dict(input_size=int(arch["input_size"]), width=float(arch["width"]),
              repeats_a=int(arch["repeats_a"]), repeats_b=int(arch["repeats_b"]),
              repeats_c=int(arch["repeats_c"]), head_channels=int(arch["head_channels"]),
              embedding_size=int(arch["embedding_size"]), identities=int(arch["n_identities"]),
              tasks=[t for t in arch["tasks"].split(",") if t],
              weight_module=arch["weight_module"] == "1",
              weight_r=float(meta.get("carilab.weight_r", "2")),
              dropout_keep=float(meta.get("carilab.dropout_keep", "0.5")),
              bn_decay=float(meta.get("carilab.bn_decay", "0.995")),
              bn_eps=float(meta.get("carilab.bn_eps", "0.001")))
    kw.update(overrides)
    return Net(**kw)


def step_losses(net, x, n_cari, identities, centers=None, center_weight=0.01, epsilon=0.01):
    """CariLab's training objective for one batch (the paper's weighting): returns the task
    losses [T], the weights [T] and the scalar to differentiate, sum_i w_i.detach() * L_i + L4.
    identities: [N] long; centers: verif's center table [K, E] (None: no center loss)."""
    out, w = net(x, n_cari)
    labels = {"verif": identities, "cari": identities[:n_cari], "visual": identities[n_cari:]}
    losses = []
    for t in net.tasks:
        e, logits = out[t]
        loss = F.cross_entropy(logits, labels[t])
        if t == "verif" and centers is not None:
            loss = loss + center_weight * 0.5 * ((e - centers[labels[t]]) ** 2).sum(1).mean()
        losses.append(loss)
    losses = torch.stack(losses)
    if w is None:
        return losses, None, losses.sum(), out
    total = (w.detach() * losses).sum()
    l4 = (w / (losses.detach() + epsilon)).sum()
    return losses, w, total + l4, out


def count_train_flops(net, x, n_cari):
    """2 x multiply-adds of every conv and linear layer: forward, dW and dX, except dX of the
    first conv (its input is the images) and of the module (its input is detached)."""
    macs = {"fwd": 0, "skip": 0}
    first = net.trunk.conv1.conv
    module = net.weights.dense if net.weights is not None else None

    def conv_hook(m, inp, out):
        k = m.weight.shape[1] * m.weight.shape[2] * m.weight.shape[3]
        macs["fwd"] += out.numel() * k
        if m is first:
            macs["skip"] += out.numel() * k

    def linear_hook(m, inp, out):
        macs["fwd"] += out.numel() * m.weight.shape[1]
        if m is module:
            macs["skip"] += out.numel() * m.weight.shape[1]

    hooks = []
    for m in net.modules():
        if isinstance(m, (ConvUnit, Up)):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, (nn.Linear, DenseBN)):
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
    ap.add_argument("--inference", action="store_true",
                    help="time embedding extraction (eval mode, no gradients, trunk + visual "
                         "branch) instead of training steps")
    ap.add_argument("--weights", help="start from a CariLab safetensors export")
    a = ap.parse_args()
    p = dict(PRESETS[a.preset])
    for key in ("caricatures", "photos", "input_size"):
        if getattr(a, key) is not None:
            p[key] = getattr(a, key)
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)

    if a.weights:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import safetensors_np
        tensors, meta = safetensors_np.load(a.weights)
        net = net_from_metadata(meta)
        net.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items()}, strict=True)
        p["input_size"] = int(dict(kv.split("=", 1) for kv in
                                   meta["carilab.architecture"].split(";"))["input_size"])
        a.identities = net.visual.classifier.weight.shape[0] if "visual" in net.tasks else 0
    else:
        net = Net(p["input_size"], p["width"], embedding_size=p["embedding_size"],
                  identities=a.identities)
    nc, npho = p["caricatures"], p["photos"]
    n = nc + npho
    x = torch.randn(n, 3, p["input_size"], p["input_size"])
    identities = torch.randint(0, a.identities, (n,))
    flops = count_train_flops(net, x, nc)
    module_params = list(net.weights.parameters()) if net.weights is not None else []
    ids = {id(q) for q in module_params}
    theta = [q for q in net.parameters() if id(q) not in ids]
    opt = torch.optim.RMSprop(theta, lr=1e-3, alpha=0.9, eps=1.0, momentum=0.9)
    opt_m = torch.optim.RMSprop(module_params, lr=1e-3, alpha=0.9, eps=1.0, momentum=0.9) \
        if module_params else None
    centers = torch.zeros(a.identities, p["embedding_size"])

    def step():
        _, _, objective, _ = step_losses(net, x, nc, identities, centers)
        opt.zero_grad(set_to_none=True)
        if opt_m:
            opt_m.zero_grad(set_to_none=True)
        objective.backward()
        opt.step()
        if opt_m:
            opt_m.step()

    def infer():
        with torch.no_grad():
            net.embed(x, "visual")

    if a.inference:
        net.eval()
    work = infer if a.inference else step
    for _ in range(a.warmup):
        work()
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    n_theta = sum(q.numel() for q in theta)
    n_psi = sum(q.numel() for q in module_params)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"preset:            {a.preset} (input {p['input_size']}, width {p['width']:g}, "
          f"{nc} caricatures + {npho} photos, {a.identities} identities)")
    print(f"mode:              {'inference (eval, no_grad)' if a.inference else 'training'}")
    print(f"parameters:        {n_theta + n_psi} (network {n_theta} + weight module {n_psi})")
    if not a.inference:
        print(f"FLOPs per step:    {flops:.4e}")
    print(f"step time:         {med:.4f} s median of {a.steps} (min {min(times):.4f}, "
          f"max {max(times):.4f})")
    print(f"images/s:          {n / med:.2f}")
    if not a.inference:
        print(f"GFLOP/s:           {flops / med * 1e-9:.2f}")
    print(f"peak RSS:          {rss:.1f} MiB")
    print(f"torch:             {torch.__version__}, {torch.get_num_threads()} threads, "
          f"mkldnn {torch.backends.mkldnn.enabled}")


if __name__ == "__main__":
    main()
