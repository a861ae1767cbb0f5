#!/usr/bin/python3
"""tsne_sklearn.py — the scikit-learn side of bench/tsne-vs-sklearn.sh.

  tsne_sklearn.py generate N DIM IDENTITIES SEED VECTORS.tsv METADATA.tsv
      A Gaussian mixture shaped like face embeddings: IDENTITIES random unit centres in DIM
      dimensions, each point its identity's centre plus isotropic noise (cosine to the centre
      about 0.78), L2-normalised; written as TensorBoard projector TSV (float32 values).
  tsne_sklearn.py run VECTORS.tsv LAYOUT.tsv PERPLEXITY SEED THREADS
      sklearn.manifold.TSNE (Barnes-Hut, angle 0.5, PCA start, 1000 iterations, learning rate
      'auto'); writes "x<tab>y" with a header row and prints the seconds fit_transform took.

Run with Debian's /usr/bin/python3 (python3-sklearn). Set OMP_NUM_THREADS and
OPENBLAS_NUM_THREADS to THREADS before starting it: the thread pools are sized at import.
"""
import sys
import time

import numpy as np


def generate(n, dim, identities, seed, vectors, metadata):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((identities, dim))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    label = rng.integers(0, identities, size=n)
    x = centres[label] + rng.standard_normal((n, dim)) * (0.8 / np.sqrt(dim))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    np.savetxt(vectors, x.astype(np.float32), delimiter="\t", fmt="%.8g")
    with open(metadata, "w") as f:
        f.writelines("id%02d\n" % i for i in label)


def run(vectors, layout, perplexity, seed, threads):
    from sklearn.manifold import TSNE

    x = np.loadtxt(vectors, delimiter="\t", dtype=np.float32, ndmin=2)
    tsne = TSNE(n_components=2, perplexity=perplexity, early_exaggeration=12.0,
                learning_rate="auto", n_iter=1000, init="pca", method="barnes_hut", angle=0.5,
                random_state=seed, n_jobs=threads)
    start = time.perf_counter()
    y = tsne.fit_transform(x)
    seconds = time.perf_counter() - start
    np.savetxt(layout, y, delimiter="\t", fmt="%.9g", header="x\ty", comments="")
    print("%.3f %d %.6f" % (seconds, tsne.n_iter_, tsne.kl_divergence_))


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
                 sys.argv[6], sys.argv[7])
    elif sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    else:
        sys.exit("usage: tsne_sklearn.py generate|run ...")
