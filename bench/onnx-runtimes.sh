#!/bin/sh
# onnx-runtimes.sh — a trained run's ONNX export against runtimes CariLab did not write: for each
# branch, `carilab-cli embed` computes 64 SynCari images' embeddings (32 caricatures, 32 photos)
# and saves the standardised input it fed; `carilab-cli export` writes the branch's ONNX graph;
# onnx's checker (full_check), OpenCV's DNN module and, where it is installed, ONNX Runtime for
# Node.js (npm's onnxruntime-node; its install script needs the network, or
# ONNXRUNTIME_NODE_INSTALL=skip for its CPU binaries) run the graph on the same input, and the
# relative error max|a − b| / max|b| against CariLab's embeddings is printed.
# Usage: bench/onnx-runtimes.sh [BUILD_DIR] [DB] [RUN]   (defaults: _build, a fresh demo run)
#   NODE_PATH=/path/to/node_modules bench/onnx-runtimes.sh …
set -eu
build=${1:-_build}
cli="$build/src/cli/carilab-cli"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=${2:-$work/runs.db}
run=${3:-demo}
if [ $# -lt 2 ]; then
  echo "== training a demo run (300 steps) into $db"
  "$cli" train --db "$db" --name demo --set schedule.steps=300 >/dev/null
fi
cache=${XDG_CACHE_HOME:-$HOME/.cache}/carilab/syncari
{ find "$cache" -name 'C*.jpg' | sort | awk 'NR%37==1' | head -32
  find "$cache" -name 'P*.jpg' | sort | awk 'NR%37==1' | head -32; } >"$work/list.txt"
for b in visual cari verif; do
  mkdir -p "$work/$b"
  "$cli" embed --db "$db" --run "$run" --branch "$b" --images "$work/list.txt" \
    --output "$work/$b/embedding.npy" --save-input "$work/$b/input.npy"
  "$cli" export --db "$db" --run "$run" --branch "$b" --output "$work/$b/model.onnx"
  /usr/bin/python3 "$here/onnx_check.py" "$work/$b"
  if node -e "require('onnxruntime-node')" 2>/dev/null; then
    node "$here/onnx_ort.js" "$work/$b"
  else
    echo "$b: ONNX Runtime for Node.js is not installed (npm install onnxruntime-node)"
  fi
done
