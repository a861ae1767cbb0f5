#!/bin/sh
# test-torch.sh — CariLab against bench/torch_net.py on one batch: torch-dump writes the network
# and what CariLab computes, check-torch.py loads the same weights into PyTorch and compares.
# Exit 77 (skipped, with the reason printed) only when /usr/bin/python3 lacks torch or numpy.
# Usage: test-torch.sh PATH/TO/torch-dump PATH/TO/check-torch.py [torch-dump options…]
set -u
dump=$1
check=$2
shift 2
py=${CARI_PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$py" -c "import numpy, torch" 2>/dev/null; then
  echo "SKIP: $py cannot import torch and numpy (Debian: python3-torch)"
  exit 77
fi
"$dump" "$@" "$tmp" || exit 1
# One thread: the comparison does not depend on how PyTorch splits its sums.
"$py" "$check" --threads 1 "$tmp"
