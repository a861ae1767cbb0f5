#!/usr/bin/python3
"""Compare what CariLab computed on one batch (torch-dump's OUTDIR) with bench/torch_net.py.

    check-torch.py OUTDIR [--threads N]

Loads OUTDIR/weights.safetensors into torch_net.Net with load_state_dict(strict=True), runs the
same batch in eval mode and in training mode (dropout off), and compares, per tensor, the
relative error max|a - b| / max|b|: embeddings, each branch's logits, the task losses and the
task weights within 1e-4; the gradients of step 1 of every parameter within 1e-3; the
inference path's normalised embeddings within 1e-4. Prints every figure, then PASS or FAIL.

With --against-float64 the gradients are also computed by PyTorch in float64, the exact answer
to within float32's reach, and a gradient passes when CariLab's error against it is within
1e-3 or within PyTorch's own worst float32 error against it on the same batch: in a deep
network with batch norm in training mode, some layers' gradients are differences of large terms,
and at the paper preset float32 itself (PyTorch's as much as CariLab's, in different layers)
carries errors above 1e-3 there.
Exit status 0 when all agree, 1 when one does not, 77 (a skip) when torch or numpy is missing.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))

try:
    import numpy as np
    import torch
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"SKIP: {e.name} is not installed (Debian: python3-torch)")
    sys.exit(77)

import safetensors_np
import torch_net

FORWARD_TOL = 1e-4
GRAD_TOL = 1e-3


def rel(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    scale = np.abs(b).max() if b.size else 0.0
    diff = np.abs(a - b).max() if b.size else 0.0
    return diff / scale if scale > 0 else diff


def float64_gradients(weights, meta, ref, x, nc, ids, centers):
    """Step 1's gradients computed by PyTorch in float64 from the same float32 weights."""
    net = torch_net.net_from_metadata(meta)
    net.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in weights.items()}, strict=True)
    net = net.double().train()
    c = centers.double() if centers is not None else None
    _, _, objective, _ = torch_net.step_losses(net, x.double(), nc, ids, c)
    objective.backward()
    return {name: p.grad for name, p in net.named_parameters()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--against-float64", action="store_true",
                    help="judge the gradients against PyTorch's float64 ones (see above)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)

    weights, meta = safetensors_np.load(os.path.join(a.outdir, "weights.safetensors"))
    ref, _ = safetensors_np.load(os.path.join(a.outdir, "outputs.safetensors"))
    net = torch_net.net_from_metadata(meta)
    net.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in weights.items()}, strict=True)

    x = torch.from_numpy(ref["input"].copy())
    nc, npho = (int(v) for v in ref["batch"])
    ids = torch.from_numpy(ref["identities"].astype(np.int64))
    centers = torch.from_numpy(ref["centers"].copy()) if "centers" in ref else None
    worst = {}
    failures = []

    def check(name, got, want, tol):
        r = rel(got, want)
        worst[name] = r
        ok = r <= tol
        if not ok:
            failures.append(name)
        print(f"{'ok  ' if ok else 'FAIL'} {name:55s} {r:.3e} (≤ {tol:g})")

    # Inference mode: no batch statistics, no dropout, no state changes.
    net.eval()
    with torch.no_grad():
        losses, w, _, out = torch_net.step_losses(net, x, nc, ids, centers)
        for t in net.tasks:
            check(f"eval.{t}.embedding", out[t][0], ref[f"eval.{t}.embedding"], FORWARD_TOL)
            check(f"eval.{t}.logits", out[t][1], ref[f"eval.{t}.logits"], FORWARD_TOL)
            check(f"infer.{t}.embedding", net.embed(x, t), ref[f"infer.{t}.embedding"],
                  FORWARD_TOL)
        check("eval.losses", losses, ref["eval.losses"], FORWARD_TOL)
        if w is not None:
            check("eval.weights", w, ref["eval.weights"], FORWARD_TOL)

    # Training mode: batch statistics; step 1's gradients.
    net.train()
    net.zero_grad(set_to_none=True)
    losses, w, objective, out = torch_net.step_losses(net, x, nc, ids, centers)
    objective.backward()
    for t in net.tasks:
        check(f"train.{t}.embedding", out[t][0].detach(), ref[f"train.{t}.embedding"],
              FORWARD_TOL)
        check(f"train.{t}.logits", out[t][1].detach(), ref[f"train.{t}.logits"], FORWARD_TOL)
    check("train.losses", losses.detach(), ref["train.losses"], FORWARD_TOL)
    if w is not None:
        check("train.weights", w.detach(), ref["train.weights"], FORWARD_TOL)
        l4 = (w / (losses.detach() + 0.01)).sum().detach().reshape(1)
        check("train.l4", l4, ref["train.l4"], FORWARD_TOL)
    n_grads = 0
    exact = float64_gradients(weights, meta, ref, x, nc, ids, centers) \
        if a.against_float64 else None
    torch_worst = max(rel(p.grad, exact[name]) for name, p in net.named_parameters()) \
        if exact is not None else 0.0
    if exact is not None:
        print(f"PyTorch float32's worst gradient error against float64: {torch_worst:.3e}")
    for name, p in net.named_parameters():
        n_grads += 1
        if exact is None:
            check(f"grad.{name}", p.grad, ref[f"grad.{name}"], GRAD_TOL)
            continue
        ours, theirs = rel(ref[f"grad.{name}"], exact[name]), rel(p.grad, exact[name])
        tol = max(GRAD_TOL, torch_worst)
        worst[f"grad.{name}"] = ours
        if ours > tol:
            failures.append(f"grad.{name}")
        print(f"{'ok  ' if ours <= tol else 'FAIL'} grad.{name:50s} {ours:.3e} against float64 "
              f"(PyTorch float32: {theirs:.3e}; float32 against float32: "
              f"{rel(p.grad, ref[f'grad.{name}']):.3e})")
    missing = [k for k in ref if k.startswith("grad.") and k[5:] not in dict(net.named_parameters())]
    if missing:
        failures.append("gradients without a parameter: " + ", ".join(missing))

    fwd = max(v for k, v in worst.items() if not k.startswith("grad."))
    grad = max(v for k, v in worst.items() if k.startswith("grad."))
    print(f"worst forward relative error {fwd:.3e}, worst gradient relative error {grad:.3e} "
          f"over {n_grads} parameter tensors")
    if failures:
        print("FAIL: " + ", ".join(failures[:10]) + (" …" if len(failures) > 10 else ""))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
