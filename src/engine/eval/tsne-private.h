/* tsne-private.h — what the t-SNE files share and the tests look inside: the input
 * similarities (tsne-affinity.c) and the quadtree of the layout (tsne-tree.c). */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

/* The hot loops get an AVX2 copy next to the baseline one where the compiler can pick between
 * them at load time (x86-64 with GCC or clang, through ifunc). Neither contracts a·b + c into
 * one rounding (C11 mode keeps -ffp-contract=off) and every lane keeps its own sum, so both
 * copies give the same bits. Not under ThreadSanitizer: it instruments the resolver, which the
 * loader runs before the sanitizer has started. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__) && !defined(__SANITIZE_THREAD__)
#define CARI_TSNE_CLONES __attribute__ ((target_clones ("avx2", "default")))
#else
#define CARI_TSNE_CLONES
#endif

/* Runs fn over [0, n) in chunks that the pool's threads take in turn (dynamic balance: the
 * points of a dense cluster cost more than isolated ones). */
void     cari_tsne_parallel_chunks (size_t n, size_t chunk, void (*fn) (gpointer, size_t, size_t),
                                    gpointer data);

/* ------------------------------------------------------------------- input similarities */

/* Symmetric joint probabilities in CSR: row i holds P_ij at col[row[i]] … col[row[i + 1] − 1]
 * (columns ascending); all values sum to 1. */
typedef struct
{
  int     n;
  size_t *row; /* n + 1 offsets; owned */
  int    *col; /* owned */
  float  *val; /* owned */
} CariTsneAffinity;

void     cari_tsne_affinity_clear (CariTsneAffinity *P);

/* The conditional distribution p[k] ∝ exp(−β·d2[k]) over one point's neighbours whose entropy
 * (natural log) is log(perplexity), β found by bisection. Returns β. */
double   cari_tsne_calibrate_row (const double *d2, int k, double perplexity, double *p);

/* Row-centred copy of x [n × dim], projected onto its first m principal components when
 * 0 < m < dim (then *out_dim = m, columns by decreasing variance), else all dim columns. */
float   *cari_tsne_prepare_input (const float *x, int n, int dim, int m, int *out_dim);

/* Projections [n × m] of the centred xc [n × dim] onto its first m ≤ dim principal components
 * (sign fixed: each axis's largest loading is positive). */
float   *cari_tsne_pca (const float *xc, int n, int dim, int m);

/* k = min(n − 1, ⌊3·perplexity⌋ + 1) exact nearest neighbours of each row of xc (squared
 * Euclidean), calibrated rows, symmetrised and normalised. FALSE only when *cancel is raised
 * (CARI_ERROR_CANCELLED). */
gboolean cari_tsne_affinities (const float *xc, int n, int dim, double perplexity,
                               const gint *cancel, CariTsneAffinity *P, GError **error);

/* ----------------------------------------------------------------------------- quadtree */

typedef struct _CariQuadtree CariQuadtree;

CariQuadtree *cari_quadtree_new (void);
void          cari_quadtree_free (CariQuadtree *tree);
/* (Re)build over y [n × 2]; the tree keeps its buffers between builds. */
void          cari_quadtree_build (CariQuadtree *tree, const double *y, int n);
/* The point at position pos of the tree's order (points near in the order are near in the
 * plane, so walking the order keeps the tree in cache). */
int           cari_quadtree_point (const CariQuadtree *tree, int pos);
/* The points are in groups of CARI_QUADTREE_GROUP consecutive positions of the tree order (the
 * last may be smaller). Group g starts at position *begin; returns its size. */
#define CARI_QUADTREE_GROUP 16
int           cari_quadtree_n_groups (const CariQuadtree *tree);
int           cari_quadtree_group (const CariQuadtree *tree, int g, int *begin);
/* Unnormalised repulsion on each point i of group g: its row of force [n × 2] (by point) =
 * Σ_j w_ij² (y_i − y_j), and z [pos] (by tree position) = Σ_j w_ij, w_ij = 1 / (1 + |y_i − y_j|²),
 * over j ≠ i, a cell of side s standing for all its points when s < theta · d for d its centre of
 * mass's distance to the group's bounding box. The group starts at *begin (may be NULL); returns
 * its size. */
int           cari_quadtree_repel_points (const CariQuadtree *tree, int g, double theta,
                                          double *force, double *z, int *begin);

/* Repulsion on every point (force [n × 2], tree order sums) and Z = Σ_i Σ_j≠i w_ij, in
 * parallel; what the optimiser does, open for tests. */
double        cari_tsne_repulsion (const double *y, int n, double theta, double *force);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariQuadtree, cari_quadtree_free)

G_END_DECLS
