/* test-tsne.c — t-SNE: bandwidth calibration, the sparse symmetric P against a dense one built
 * by brute force, PCA against the full eigendecomposition, the quadtree's repulsion against the
 * O(n²) sum, separated clusters, KL against a random layout, determinism across seeds and
 * thread counts, parameter errors and cancellation. */
#include <cari.h>
#include <math.h>
#include <string.h>

#include "eval/tsne-private.h"

/* n points in `dim` dimensions around `clusters` well-separated centres (label of each point in
 * label, may be NULL). */
static float *
gaussian_clusters (int n, int dim, int clusters, double spread, guint64 seed, int *label)
{
  CariRng rng;
  cari_rng_seed (&rng, seed);
  g_autofree float *centre = g_new (float, (size_t) clusters * dim);
  for (int c = 0; c < clusters * dim; c++)
    centre[c] = 10.0f * cari_rng_normal (&rng);
  float *x = g_new (float, (size_t) n * dim);
  for (int i = 0; i < n; i++)
    {
      int c = i % clusters;
      if (label != NULL)
        label[i] = c;
      for (int k = 0; k < dim; k++)
        x[i * dim + k] = centre[c * dim + k] + (float) spread * cari_rng_normal (&rng);
    }
  return x;
}

static void
test_calibration (void)
{
  /* Rows of 90 squared distances at three scales: each calibrated row has the entropy
   * log(perplexity) and sums to 1. */
  const int k = 90;
  double d2[90], p[90];
  CariRng rng;
  cari_rng_seed (&rng, 11);
  const double scales[] = { 1e-3, 1.0, 250.0 }, perplexities[] = { 2.0, 10.0, 30.0, 50.0 };
  for (size_t s = 0; s < G_N_ELEMENTS (scales); s++)
    for (size_t q = 0; q < G_N_ELEMENTS (perplexities); q++)
      {
        for (int j = 0; j < k; j++)
          d2[j] = scales[s] * (1.0 + 5.0 * cari_rng_uniform (&rng));
        double beta = cari_tsne_calibrate_row (d2, k, perplexities[q], p);
        double h = 0.0, sum = 0.0;
        for (int j = 0; j < k; j++)
          {
            sum += p[j];
            h -= p[j] > 0 ? p[j] * log (p[j]) : 0.0;
          }
        g_assert_cmpfloat (beta, >, 0.0);
        g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-12);
        g_assert_cmpfloat_with_epsilon (h, log (perplexities[q]), 1e-3);
      }
}

static int
by_distance (gconstpointer a, gconstpointer b, gpointer data)
{
  const double *d = data;
  int i = *(const int *) a, j = *(const int *) b;
  return d[i] < d[j] ? -1 : d[i] > d[j] ? 1 : (i > j) - (i < j);
}

static void
test_sparse_p_matches_dense (void)
{
  /* P from the blocked gemm neighbour search, the transpose and the merge equals the
   * symmetrised conditional P built here densely from brute-force distances. */
  const int n = 150, dim = 12;
  const double perplexity = 8.0;
  const int k = 25; /* ⌊3 · 8⌋ + 1 */
  g_autofree float *x = gaussian_clusters (n, dim, 3, 4.0, 5, NULL);
  int d = 0;
  g_autofree float *xc = cari_tsne_prepare_input (x, n, dim, 0, &d);
  g_assert_cmpint (d, ==, dim);
  CariTsneAffinity P = { 0 };
  g_assert_true (cari_tsne_affinities (xc, n, d, perplexity, NULL, &P, NULL));

  g_autofree double *dense = g_new0 (double, n * n);
  g_autofree double *dist = g_new (double, n);
  g_autofree int *idx = g_new (int, n);
  double nd2[25], p[25];
  for (int i = 0; i < n; i++)
    {
      for (int j = 0; j < n; j++)
        {
          double s = 0.0;
          for (int c = 0; c < dim; c++)
            {
              double e = (double) x[i * dim + c] - x[j * dim + c];
              s += e * e;
            }
          dist[j] = j == i ? INFINITY : s;
          idx[j] = j;
        }
      g_qsort_with_data (idx, n, sizeof (int), by_distance, dist);
      for (int a = 0; a < k; a++)
        nd2[a] = dist[idx[a]];
      cari_tsne_calibrate_row (nd2, k, perplexity, p);
      for (int a = 0; a < k; a++)
        {
          dense[i * n + idx[a]] += p[a] / (2.0 * n);
          dense[idx[a] * n + i] += p[a] / (2.0 * n);
        }
    }
  double sum = 0.0;
  int nonzero = 0;
  for (int i = 0; i < n; i++)
    {
      for (size_t e = P.row[i]; e < P.row[i + 1]; e++)
        {
          int j = P.col[e];
          if (e > P.row[i])
            g_assert_cmpint (j, >, P.col[e - 1]);
          g_assert_cmpfloat_with_epsilon (P.val[e], dense[i * n + j], 1e-5 * dense[i * n + j]);
          sum += P.val[e];
        }
      for (int j = 0; j < n; j++)
        nonzero += dense[i * n + j] > 0.0;
    }
  g_assert_cmpint ((int) P.row[n], ==, nonzero);
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
  cari_tsne_affinity_clear (&P);
}

static void
test_pca_axes (void)
{
  /* 80-D data with variances 100 · 0.9^k along shuffled coordinate axes, off-centre. The
   * subspace iteration (50 of 80 axes) finds the same leading axes as the full
   * decomposition, by decreasing variance. */
  const int n = 2000, dim = 80, m = 50;
  CariRng rng;
  cari_rng_seed (&rng, 3);
  int perm[80];
  for (int k = 0; k < dim; k++)
    perm[k] = k;
  for (int k = dim - 1; k > 0; k--)
    {
      int j = (int) cari_rng_below (&rng, (uint32_t) k + 1), t = perm[k];
      perm[k] = perm[j];
      perm[j] = t;
    }
  g_autofree float *x = g_new (float, n * dim);
  for (int i = 0; i < n; i++)
    for (int k = 0; k < dim; k++)
      x[i * dim + perm[k]] = (float) (10.0 * pow (0.9, 0.5 * k)) * cari_rng_normal (&rng) + 3.0f;
  int d = 0;
  g_autofree float *red = cari_tsne_prepare_input (x, n, dim, m, &d);
  g_autofree float *full = cari_tsne_prepare_input (x, n, dim, dim - 1, &d);
  g_assert_cmpint (d, ==, dim - 1);
  double prev = INFINITY;
  for (int c = 0; c < m; c++)
    {
      double var = 0.0, dot = 0.0, norm_a = 0.0, norm_b = 0.0;
      for (int i = 0; i < n; i++)
        {
          var += red[i * m + c] * red[i * m + c] / n;
          dot += (double) red[i * m + c] * full[i * (dim - 1) + c];
          norm_a += (double) red[i * m + c] * red[i * m + c];
          norm_b += (double) full[i * (dim - 1) + c] * full[i * (dim - 1) + c];
        }
      g_assert_cmpfloat (var, <=, prev * (1 + 1e-6));
      prev = var;
      /* Leading axes are well separated: the same projection, sign included, and it is the
       * coordinate of variance rank c (sampling mixes neighbours a little), with a positive
       * sign (the largest loading). */
      if (c < 10)
        {
          double along = 0.0, norm_x = 0.0, mean = 0.0;
          for (int i = 0; i < n; i++)
            mean += x[i * dim + perm[c]] / n;
          for (int i = 0; i < n; i++)
            {
              along += (x[i * dim + perm[c]] - mean) * red[i * m + c];
              norm_x += (x[i * dim + perm[c]] - mean) * (x[i * dim + perm[c]] - mean);
            }
          g_assert_cmpfloat (dot / sqrt (norm_a * norm_b), >, 0.99);
          g_assert_cmpfloat (along / sqrt (norm_x * norm_a), >, 0.8);
        }
    }
  /* Sample variance of the first axis: about 100. */
  double var0 = 0.0;
  for (int i = 0; i < n; i++)
    var0 += red[i * m] * red[i * m] / n;
  g_assert_cmpfloat (var0, >, 90.0);
  g_assert_cmpfloat (var0, <, 115.0);
}

static void
exact_repulsion (const double *y, int n, double *f, double *z)
{
  *z = 0.0;
  for (int i = 0; i < n; i++)
    {
      f[2 * i] = f[2 * i + 1] = 0.0;
      for (int j = 0; j < n; j++)
        if (j != i)
          {
            double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
            double w = 1.0 / (1.0 + dx * dx + dy * dy);
            *z += w;
            f[2 * i] += w * w * dx;
            f[2 * i + 1] += w * w * dy;
          }
    }
}

static void
test_repulsion (void)
{
  /* A spread-out layout with a dense cluster and 40 copies of one point (more than a leaf
   * holds: the tree splits them down to its depth limit). theta = 0: the tree visits every pair,
   * equal to the O(n²) sum; theta = 0.5: close. */
  const int n = 600;
  g_autofree double *y = g_new (double, 2 * n), *f = g_new (double, 2 * n);
  g_autofree double *ref = g_new (double, 2 * n);
  CariRng rng;
  cari_rng_seed (&rng, 7);
  for (int i = 0; i < n; i++)
    {
      double s = i < 200 ? 0.3 : 8.0;
      y[2 * i] = i < 40 ? 1.5 : s * cari_rng_normal (&rng);
      y[2 * i + 1] = i < 40 ? -2.0 : s * cari_rng_normal (&rng);
    }
  double zref, z;
  exact_repulsion (y, n, ref, &zref);

  z = cari_tsne_repulsion (y, n, 0.0, f);
  g_assert_cmpfloat_with_epsilon (z, zref, 1e-10 * zref);
  for (int e = 0; e < 2 * n; e++)
    g_assert_cmpfloat_with_epsilon (f[e], ref[e], 1e-10 * (fabs (ref[e]) + 1e-3));

  z = cari_tsne_repulsion (y, n, 0.5, f);
  double err = 0.0, norm = 0.0;
  for (int e = 0; e < 2 * n; e++)
    {
      err += (f[e] - ref[e]) * (f[e] - ref[e]);
      norm += ref[e] * ref[e];
    }
  g_test_message ("theta 0.5: Z off by %.2e, forces by %.2e (relative)", fabs (z / zref - 1),
                  sqrt (err / norm));
  g_assert_cmpfloat (fabs (z / zref - 1), <, 5e-3);
  g_assert_cmpfloat (sqrt (err / norm), <, 2e-2);
  g_assert_cmpfloat (sqrt (err / norm), >, 0.0); /* it did approximate */
}

static CariTsneParams
small_params (void)
{
  CariTsneParams p;
  cari_tsne_params_init (&p);
  p.perplexity = 20;
  return p;
}

static void
test_clusters_separate (void)
{
  /* Three clusters in 10-D, 100 points each: in the layout, nearly every point's nearest
   * neighbour is of its own cluster, and the layout scores far better than a random one. */
  const int n = 300, dim = 10;
  int label[300];
  g_autofree float *x = gaussian_clusters (n, dim, 3, 1.0, 1, label);
  CariTsneParams p = small_params ();
  double kl = NAN;
  g_autoptr (GError) error = NULL;
  g_autofree float *y = cari_tsne_run (x, n, dim, &p, NULL, NULL, NULL, &kl, &error);
  g_assert_no_error (error);
  g_assert_nonnull (y);
  int same = 0;
  for (int i = 0; i < n; i++)
    {
      int best = -1;
      double bd = INFINITY;
      for (int j = 0; j < n; j++)
        {
          double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
          if (j != i && dx * dx + dy * dy < bd)
            {
              bd = dx * dx + dy * dy;
              best = j;
            }
        }
      same += label[best] == label[i];
    }
  g_assert_cmpfloat ((double) same / n, >, 0.95);

  double exact = cari_tsne_kl (x, n, dim, p.perplexity, y, &error);
  g_assert_no_error (error);
  CariRng rng;
  cari_rng_seed (&rng, 2);
  g_autofree float *random = g_new (float, 2 * n);
  for (int e = 0; e < 2 * n; e++)
    random[e] = 10.0f * cari_rng_normal (&rng);
  double chance = cari_tsne_kl (x, n, dim, p.perplexity, random, &error);
  g_test_message ("KL: run %.4f, exact %.4f, random layout %.4f", kl, exact, chance);
  g_assert_cmpfloat (exact, >, 0.0);
  g_assert_cmpfloat (exact, <, 0.5 * chance);
  /* The optimiser's own figure (tree-normalised Q) is the exact one, nearly. */
  g_assert_cmpfloat_with_epsilon (kl, exact, 0.01 * exact);
}

static void
test_deterministic (void)
{
  /* The same seed gives the same bytes, whatever the thread count; another seed another
   * layout. */
  const int n = 200, dim = 6;
  g_autofree float *x = gaussian_clusters (n, dim, 4, 2.0, 9, NULL);
  CariTsneParams p = small_params ();
  p.pca_init = FALSE;
  p.n_iter = 300;
  int threads = cari_parallel_get_threads ();
  g_autofree float *a = cari_tsne_run (x, n, dim, &p, NULL, NULL, NULL, NULL, NULL);
  cari_parallel_set_threads (1);
  g_autofree float *b = cari_tsne_run (x, n, dim, &p, NULL, NULL, NULL, NULL, NULL);
  cari_parallel_set_threads (MAX (threads, 3));
  g_autofree float *c = cari_tsne_run (x, n, dim, &p, NULL, NULL, NULL, NULL, NULL);
  cari_parallel_set_threads (threads);
  p.seed = 2;
  g_autofree float *other = cari_tsne_run (x, n, dim, &p, NULL, NULL, NULL, NULL, NULL);
  g_assert_cmpmem (a, sizeof (float) * 2 * n, b, sizeof (float) * 2 * n);
  g_assert_cmpmem (a, sizeof (float) * 2 * n, c, sizeof (float) * 2 * n);
  g_assert_true (memcmp (a, other, sizeof (float) * 2 * n) != 0);
}

static void
expect_error (const float *x, int n, int dim, const CariTsneParams *p, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree float *y = cari_tsne_run (x, n, dim, p, NULL, NULL, NULL, NULL, &error);
  g_assert_null (y);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  if (strstr (error->message, name) == NULL)
    g_error ("“%s” does not name %s", error->message, name);
}

static void
test_bad_parameters (void)
{
  const int n = 40, dim = 3;
  g_autofree float *x = gaussian_clusters (n, dim, 2, 1.0, 4, NULL);
  CariTsneParams p = small_params (), q;
  p.perplexity = 5;
  q = p, q.perplexity = n - 1;
  expect_error (x, n, dim, &q, "perplexity");
  q = p, q.perplexity = 0.5;
  expect_error (x, n, dim, &q, "perplexity");
  q = p, q.theta = 1.5;
  expect_error (x, n, dim, &q, "theta");
  q = p, q.n_iter = 0;
  expect_error (x, n, dim, &q, "n_iter");
  q = p, q.early_iters = p.n_iter + 1;
  expect_error (x, n, dim, &q, "early_iters");
  q = p, q.early_exaggeration = 0.5;
  expect_error (x, n, dim, &q, "early_exaggeration");
  q = p, q.learning_rate = NAN;
  expect_error (x, n, dim, &q, "learning_rate");
  q = p, q.pca_dims = 1;
  expect_error (x, n, dim, &q, "pca_dims");
  expect_error (x, 3, dim, &p, "at least 4 points");
  x[7 * dim + 2] = NAN;
  expect_error (x, n, dim, &p, "vector 8");
  x[7 * dim + 2] = 0.0f;

  g_autoptr (GError) error = NULL;
  g_autofree float *y = g_new0 (float, 2 * n);
  y[2 * 5 + 1] = INFINITY;
  g_assert_true (isnan (cari_tsne_kl (x, n, dim, 5.0, y, &error)));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "point 6"));
}

typedef struct
{
  gint cancel;
  int calls, last;
  double kl;
} Watch;

static void
on_progress (int iteration, int n_iter, double kl, gpointer data)
{
  Watch *w = data;
  w->calls++;
  w->last = iteration;
  w->kl = kl;
  if (iteration == 100)
    g_atomic_int_set (&w->cancel, 1);
}

static void
test_progress_and_cancel (void)
{
  const int n = 120, dim = 5;
  g_autofree float *x = gaussian_clusters (n, dim, 3, 1.0, 6, NULL);
  CariTsneParams p = small_params ();
  g_autoptr (GError) error = NULL;

  /* Raised from the progress callback at iteration 100: nothing after it. */
  Watch w = { 0 };
  float *y = cari_tsne_run (x, n, dim, &p, on_progress, &w, &w.cancel, NULL, &error);
  g_assert_null (y);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_CANCELLED);
  g_assert_cmpint (w.calls, ==, 2);
  g_assert_cmpint (w.last, ==, 100);
  g_assert_true (isfinite (w.kl) && w.kl > 0.0);
  g_clear_error (&error);

  /* Raised before the start. */
  gint raised = 1;
  y = cari_tsne_run (x, n, dim, &p, NULL, NULL, &raised, NULL, &error);
  g_assert_null (y);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Not cancelled: progress every 50 iterations and once at the end. */
  p.n_iter = 120;
  p.early_iters = 60;
  Watch done = { 0 };
  y = cari_tsne_run (x, n, dim, &p, on_progress, &done, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (y);
  g_free (y);
  g_assert_cmpint (done.calls, ==, 3);
  g_assert_cmpint (done.last, ==, 120);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cari_init ();
  g_test_add_func ("/tsne/calibration", test_calibration);
  g_test_add_func ("/tsne/sparse-p-matches-dense", test_sparse_p_matches_dense);
  g_test_add_func ("/tsne/pca-axes", test_pca_axes);
  g_test_add_func ("/tsne/repulsion", test_repulsion);
  g_test_add_func ("/tsne/clusters-separate", test_clusters_separate);
  g_test_add_func ("/tsne/deterministic", test_deterministic);
  g_test_add_func ("/tsne/bad-parameters", test_bad_parameters);
  g_test_add_func ("/tsne/progress-and-cancel", test_progress_and_cancel);
  return g_test_run ();
}
