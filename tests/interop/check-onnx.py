#!/usr/bin/python3
# check-onnx.py ONNX_DUMP [--branch TASK] [--preset NAME] [--seed N] — CariLab's ONNX export
# against an independent runtime: onnx-dump writes a model, an input batch and CariLab's own
# embeddings of it; the onnx checker validates the model, OpenCV's DNN module runs it, and the
# embeddings must agree (max |a − b| / max |b| ≤ 1e-4), on the whole batch and on 3 rows of it
# (the batch dimension is dynamic). Exits 77 (skipped) when onnx or cv2 cannot be imported.
# Run with Debian's Python (/usr/bin/python3), which has numpy, onnx and OpenCV.
import argparse
import os
import subprocess
import sys
import tempfile

TOLERANCE = 1e-4
METADATA = ("carilab.preset", "carilab.branch", "carilab.seed", "carilab.input_size",
            "carilab.preprocessing")


def relative_error(a, b):
    import numpy as np
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dump")
    parser.add_argument("--branch", default="verif")
    parser.add_argument("--preset", default="demo")
    parser.add_argument("--seed", default="7")
    args = parser.parse_args()

    try:
        import numpy as np
        import onnx
        import onnx.checker
        import cv2
    except ImportError as e:
        print(f"SKIP: {sys.executable} cannot import what the check needs ({e})")
        return 77

    with tempfile.TemporaryDirectory(prefix="carilab-onnx-") as d:
        subprocess.run([args.dump, "--preset", args.preset, "--branch", args.branch,
                        "--seed", args.seed, d], check=True)
        path = os.path.join(d, "model.onnx")
        x = np.load(os.path.join(d, "input.npy"))
        ref = np.load(os.path.join(d, "embedding.npy"))
        print(f"{args.preset}/{args.branch}: model of {os.path.getsize(path)} bytes, "
              f"input {x.shape}, embedding {ref.shape}")

        model = onnx.load(path)
        failures = []
        # A comparison is only as strong as the embeddings' dependence on the input: if every
        # row gave the same vector, a graph that ignored its input would pass.
        spread = float(np.max(np.abs(ref - ref.mean(axis=0))) / np.max(np.abs(ref)))
        print(f"input dependence of the embeddings: {spread:.3g} of their largest value")
        if not spread >= 1e-2:
            failures.append(f"the embeddings hardly depend on the input ({spread:.3g})")
        try:
            onnx.checker.check_model(model, full_check=True)
            print("onnx.checker.check_model(full_check=True): ok")
        except TypeError:
            onnx.checker.check_model(model)
            print("onnx.checker.check_model: ok (this onnx has no full_check)")
        opsets = [(o.domain, o.version) for o in model.opset_import]
        if model.ir_version != 7 or opsets != [("", 13)]:
            failures.append(f"IR version {model.ir_version}, opsets {opsets}")
        meta = {p.key: p.value for p in model.metadata_props}
        missing = [k for k in METADATA if k not in meta]
        if missing or meta.get("carilab.branch") != args.branch:
            failures.append(f"metadata {meta}, missing {missing}")
        else:
            print(f"metadata: {len(meta)} entries, branch {meta['carilab.branch']}")
        inputs = [(i.name, [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim])
                  for i in model.graph.input]
        outputs = [(o.name, [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim])
                   for o in model.graph.output]
        if inputs != [("input", ["N", 3, x.shape[2], x.shape[3]])] \
                or outputs != [("embedding", ["N", ref.shape[1]])]:
            failures.append(f"graph inputs {inputs}, outputs {outputs}")

        net = cv2.dnn.readNetFromONNX(path)
        for rows in (x.shape[0], 3):
            net.setInput(x[:rows])
            out = net.forward()
            if out.shape != (rows, ref.shape[1]):
                failures.append(f"OpenCV gives {out.shape} for {rows} rows")
                continue
            err = relative_error(out, ref[:rows])
            verdict = "ok" if err <= TOLERANCE else "FAIL"
            print(f"OpenCV {cv2.__version__}, {rows} rows: relative error {err:.3g} "
                  f"(limit {TOLERANCE:g}) {verdict}")
            if not err <= TOLERANCE:
                failures.append(f"relative error {err:.3g} on {rows} rows")

    for f in failures:
        print(f"FAIL: {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
