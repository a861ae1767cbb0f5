#!/usr/bin/python3
"""eval_sklearn.py SCORES ROC_CSV — scikit-learn's roc_auc_score and roc_curve on a
"label score" file, compared with CariLab's ROC points (carilab-cli eval-scores --roc).

Prints sklearn's AUC with six decimals (as eval-scores prints "AUC, all pairs") and the largest
difference between the two ROC curves, matched point by point at the same thresholds."""
import sys

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

scores_path, roc_path = sys.argv[1], sys.argv[2]
data = np.loadtxt(scores_path, ndmin=2)
labels, scores = data[:, 0].astype(int), data[:, 1].astype(np.float32)
print(f"sklearn AUC, all pairs {roc_auc_score(labels, scores):.6f}")

fpr, tpr, thr = roc_curve(labels, scores, drop_intermediate=False)
ours = np.genfromtxt(roc_path, delimiter=",", names=True)
# sklearn's first point is (0, 0) at threshold inf; ours is (0, 0) at max + 1. The rest are one
# point per distinct score, in decreasing order, on both sides.
if len(ours) != len(fpr):
    sys.exit(f"different number of ROC points: CariLab {len(ours)}, sklearn {len(fpr)}")
d_thr = np.max(np.abs(ours["threshold"][1:] - thr[1:]))
d_far = np.max(np.abs(ours["far"] - fpr))
d_tar = np.max(np.abs(ours["tar"] - tpr))
print(f"ROC points {len(fpr)}; largest difference: threshold {d_thr:.3g}, "
      f"FAR {d_far:.3g}, TAR {d_tar:.3g}")
