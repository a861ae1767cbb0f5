#!/usr/bin/python3
"""onnx_check.py DIR: DIR/model.onnx through onnx's checker and OpenCV's DNN module on
DIR/input.npy, against CariLab's DIR/embedding.npy (see onnx-runtimes.sh)."""
import os
import sys

import cv2
import numpy as np
import onnx

d = sys.argv[1]
model = onnx.load(os.path.join(d, "model.onnx"))
onnx.checker.check_model(model, full_check=True)
x = np.load(os.path.join(d, "input.npy"))
ref = np.load(os.path.join(d, "embedding.npy"))
net = cv2.dnn.readNetFromONNX(os.path.join(d, "model.onnx"))
net.setInput(x)
out = net.forward()
print(f"{os.path.basename(d)}: onnx {onnx.__version__} checker (full) ok, IR {model.ir_version}, "
      f"opset {model.opset_import[0].version}; OpenCV {cv2.__version__}, {out.shape[0]} rows: "
      f"relative error {np.abs(out - ref).max() / np.abs(ref).max():.2e}")
