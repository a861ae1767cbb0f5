/* tsne.h — Barnes–Hut t-SNE (van der Maaten 2014) for the embedding views of the paper's Fig. 2,
 * and the exact KL divergence that scores any 2-D layout of the same vectors.
 *
 * Input similarities P: the centred vectors (optionally reduced to their first pca_dims
 * principal components), exact k nearest neighbours with k = min(n − 1, ⌊3·perplexity⌋ + 1) (as
 * scikit-learn), a Gaussian per point whose width gives the row the requested perplexity, then
 * P = (P_cond + P_condᵀ) / sum — sparse, O(n·k) memory.
 * Layout: PCA initialisation scaled to a standard deviation of 1e-4 along the first axis (or
 * N(0, 1e-4²) from the seed), gradient descent with momentum 0.5 then 0.8, per-coordinate gains
 * (delta-bar-delta, floor 0.01), early exaggeration of P; repulsion through a quadtree
 * (Barnes–Hut, angle theta), attraction over the sparse P. The defaults are scikit-learn 1.2's,
 * so layouts compare like-for-like; the paper's Fig. 2 uses perplexity 50.
 *
 * The passes over the points run on the engine's thread pool (cari_parallel_for); every sum is
 * reduced in a fixed order, so a seed gives the same bytes whatever the thread count.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double   perplexity;          /* effective number of neighbours; default 30 (sklearn) */
  double   learning_rate;       /* ≤ 0: auto = max(n / early_exaggeration / 4, 50) (sklearn) */
  double   early_exaggeration;  /* factor on P during the first early_iters; default 12 */
  int      early_iters;         /* default 250, with momentum 0.5; then 0.8 */
  int      n_iter;              /* total iterations, early ones included; default 1000 */
  double   theta;               /* Barnes–Hut angle in [0, 1]; 0 = exact; default 0.5 */
  gboolean pca_init;            /* default TRUE; FALSE: random N(0, 1e-4²) from seed */
  int      pca_dims;            /* reduce the input to this many principal components before
                                 * the neighbour search when it has more; default 0 keeps all
                                 * (as sklearn). bhtsne's 50 is faster on wide vectors but
                                 * changes P (bench/README.md) */
  guint64  seed;                /* for the random initialisation; default 1 */
} CariTsneParams;

/* Called every 50 iterations and after the last with the iterations done, the total and
 * KL(P‖Q) at that point (NAN when not computed). */
typedef void (*CariTsneProgress) (int iteration, int n_iter, double kl, gpointer user_data);

void   cari_tsne_params_init (CariTsneParams *p);

/* The n × 2 layout (row-major, g_free it) of the n × dim vectors x. kl_out (may be NULL) gets
 * KL(P‖Q) of the layout, Q normalised with the tree's sum (close to cari_tsne_kl's exact
 * figure). `cancel` (may be NULL) is a flag any thread may raise with g_atomic_int_set (the
 * engine stays free of GObject, so no GCancellable: a host holding one connects its "cancelled"
 * signal to raising the flag); it is looked at every iteration and between neighbour-search
 * blocks. NULL with a CARI_ERROR_INVALID_ARGUMENT error naming the parameter (n < 4,
 * perplexity outside [1, n − 1), a non-finite vector component, …), or CARI_ERROR_CANCELLED. */
float *cari_tsne_run (const float *x, int n, int dim, const CariTsneParams *p,
                      CariTsneProgress progress, gpointer user_data, const gint *cancel,
                      double *kl_out, GError **error);

/* Exact KL(P‖Q) of the layout y [n × 2] of x [n × dim]: P as cari_tsne_run computes it from all
 * dim components (no PCA reduction), Q the Student-t similarities over every pair. The one
 * measure layouts from different programs are compared with; O(n²) time, O(n·k) memory.
 * NAN with an error on bad arguments. */
double cari_tsne_kl (const float *x, int n, int dim, double perplexity, const float *y,
                     GError **error);

G_END_DECLS
