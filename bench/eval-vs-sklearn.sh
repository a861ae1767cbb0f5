#!/bin/sh
# eval-vs-sklearn.sh [BUILD] — the same random score files through `carilab-cli eval-scores` and
# scikit-learn's roc_auc_score / roc_curve (Debian's python3-sklearn, run by /usr/bin/python3).
# Three files: continuous scores, scores rounded to two decimals (many ties), and a small,
# unbalanced list. Prints both AUCs at eval-scores' print precision and the largest ROC gap.
set -eu
cd "$(dirname "$0")/.."
build=${1:-_build}
cli="$build/src/cli/carilab-cli"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

/usr/bin/python3 - "$dir" <<'PY'
import sys
import numpy as np
d = sys.argv[1]
rng = np.random.default_rng(7)
def write(name, labels, scores, fmt):
    with open(f"{d}/{name}", "w") as f:
        for y, s in zip(labels, scores):
            f.write(f"{y} {s:{fmt}}\n")
y = rng.integers(0, 2, 20000)
s = rng.normal(0, 1, y.size) + 1.2 * y
write("continuous.txt", y, s, ".6f")
write("ties.txt", y, np.round(s, 2), ".2f")
y = (rng.random(300) < 0.15).astype(int)
write("unbalanced.txt", y, rng.normal(0, 1, y.size) + 0.8 * y, ".5f")
PY

for f in continuous ties unbalanced; do
  echo "== $f"
  "$cli" eval-scores --scores "$dir/$f.txt" --roc "$dir/$f.csv" | grep -E "AUC, all pairs|accuracy|EER"
  /usr/bin/python3 bench/eval_sklearn.py "$dir/$f.txt" "$dir/$f.csv"
done
