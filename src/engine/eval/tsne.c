/* tsne.c — t-SNE's parameters, the gradient descent over the layout, and the exact KL score. */
#include "eval/tsne.h"

#include "core/error.h"
#include "core/i18n.h"
#include "core/rng.h"
#include "eval/tsne-private.h"

#include <math.h>
#include <string.h>

#define REPORT_EVERY 50
#define RENUMBER_EVERY 25

void
cari_tsne_params_init (CariTsneParams *p)
{
  *p = (CariTsneParams) {
    .perplexity = 30.0,
    .learning_rate = 0.0,
    .early_exaggeration = 12.0,
    .early_iters = 250,
    .n_iter = 1000,
    .theta = 0.5,
    .pca_init = TRUE,
    .pca_dims = 0,
    .seed = 1,
  };
}

static gboolean
check_input (const float *x, int n, int dim, double perplexity, GError **error)
{
  if (n < 4 || dim < 1)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("t-SNE needs at least 4 points with at least one dimension (got %d points, "
                     "%d dimensions)"),
                   n, dim);
      return FALSE;
    }
  if (!(perplexity >= 1.0 && perplexity < n - 1))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("t-SNE parameter perplexity must be at least 1 and below the number of "
                     "points minus one, %d (got %g)"),
                   n - 1, perplexity);
      return FALSE;
    }
  for (size_t e = 0; e < (size_t) n * dim; e++)
    if (!isfinite (x[e]))
      {
        g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("t-SNE input vector %d has a value that is not a finite number (component "
                       "%d)"),
                     (int) (e / dim) + 1, (int) (e % dim) + 1);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_params (const CariTsneParams *p, GError **error)
{
  const char *bad = NULL, *want = NULL;
  if (isnan (p->learning_rate))
    bad = "learning_rate", want = _("a number (0 or less for automatic)");
  else if (!(p->early_exaggeration >= 1.0 && isfinite (p->early_exaggeration)))
    bad = "early_exaggeration", want = _("at least 1");
  else if (p->n_iter < 1)
    bad = "n_iter", want = _("at least 1");
  else if (p->early_iters < 0 || p->early_iters > p->n_iter)
    bad = "early_iters", want = _("between 0 and n_iter");
  else if (!(p->theta >= 0.0 && p->theta <= 1.0))
    bad = "theta", want = _("between 0 and 1");
  else if (p->pca_dims < 0 || p->pca_dims == 1)
    bad = "pca_dims", want = _("0 (keep every dimension) or at least 2");
  if (bad == NULL)
    return TRUE;
  /* TRANSLATORS: the first %s is a parameter name (not translated), the second a condition
   * such as "at least 1". */
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("t-SNE parameter %s must be %s"), bad, want);
  return FALSE;
}

/* ------------------------------------------------------------------------ gradient */

typedef struct
{
  const CariTsneAffinity *P;
  const CariQuadtree *tree;
  const double *y;  /* n × 2, by point */
  double theta;
  gboolean with_kl;
  double *attract;  /* n × 2: Σ_j p_ij w_ij (y_i − y_j) */
  double *repel;    /* n × 2: Σ_j w_ij² (y_i − y_j) */
  double *z;        /* by tree position: Σ_j w_ij */
  double *kl;       /* by point: Σ_j p_ij log (p_ij / w_ij), when with_kl */
} Forces;

/* Point i's term of KL(P‖W) before normalisation: Σ_j p_ij log (p_ij / w_ij) over row i of P,
 * w_ij = 1 / (1 + |y_i − y_j|²). */
static double
row_kl (const CariTsneAffinity *P, const double *y, size_t i)
{
  double xi = y[2 * i], yi = y[2 * i + 1], kl = 0.0;
  for (size_t e = P->row[i]; e < P->row[i + 1]; e++)
    if (P->val[e] > 0.0f)
      {
        int j = P->col[e];
        double dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
        kl += P->val[e] * log (P->val[e] * (1.0 + dx * dx + dy * dy));
      }
  return kl;
}

#define LANES 4

/* a = Σ_e val[e] · w (y_i − y_col[e]), w = 1 / (1 + |y_i − y_col[e]|²): LANES partial sums
 * (entry e to lane e mod LANES), added up in a fixed order. */
CARI_TSNE_CLONES static void
attract_row (const double *restrict y, double xi, double yi, const int *restrict col,
             const float *restrict val, int m, double *a)
{
  double ax[LANES] = { 0 }, ay[LANES] = { 0 };
  int e = 0;
  for (; e + LANES <= m; e += LANES)
    for (int l = 0; l < LANES; l++)
      {
        int j = col[e + l];
        double dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
        double pw = val[e + l] / (1.0 + dx * dx + dy * dy);
        ax[l] += pw * dx;
        ay[l] += pw * dy;
      }
  for (int l = 0; e < m; e++, l++)
    {
      int j = col[e];
      double dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
      double pw = val[e] / (1.0 + dx * dx + dy * dy);
      ax[l] += pw * dx;
      ay[l] += pw * dy;
    }
  a[0] = (ax[0] + ax[1]) + (ax[2] + ax[3]);
  a[1] = (ay[0] + ay[1]) + (ay[2] + ay[3]);
}

static void
forces_range (gpointer data, size_t begin, size_t end)
{
  Forces *f = data;
  const CariTsneAffinity *P = f->P;
  for (size_t g = begin; g < end; g++)
    {
      int first;
      int count = cari_quadtree_repel_points (f->tree, (int) g, f->theta, f->repel, f->z, &first);
      for (int l = 0; l < count; l++)
        {
          int i = cari_quadtree_point (f->tree, first + l);
          double xi = f->y[2 * i], yi = f->y[2 * i + 1];
          attract_row (f->y, xi, yi, P->col + P->row[i], P->val + P->row[i],
                       (int) (P->row[i + 1] - P->row[i]), f->attract + 2 * (size_t) i);
          if (f->with_kl) /* apart, every 50 iterations: log is dear */
            f->kl[i] = row_kl (P, f->y, i);
        }
    }
}

typedef struct
{
  const CariTsneAffinity *P;
  int n;
  double p_sum;
  CariQuadtree *tree;
  double *attract, *repel, *z, *kl; /* owned, one allocation */
} Optimiser;

/* grad = 4 · (exaggeration · attraction − repulsion / Z), the gradient of KL(P‖Q) with P scaled
 * by the exaggeration. Returns KL(P‖Q) (unexaggerated P) when with_kl, else NAN. */
static double
gradient (Optimiser *o, const double *y, double theta, double exaggeration, gboolean with_kl,
          double *grad)
{
  int n = o->n;
  cari_quadtree_build (o->tree, y, n);
  Forces f = { o->P, o->tree, y, theta, with_kl, o->attract, o->repel, o->z, o->kl };
  cari_tsne_parallel_chunks ((size_t) cari_quadtree_n_groups (o->tree), 8, forces_range, &f);
  double z = 0.0;
  for (int pos = 0; pos < n; pos++)
    z += o->z[pos];
  if (grad != NULL)
    for (size_t e = 0; e < 2 * (size_t) n; e++)
      grad[e] = 4.0 * (exaggeration * o->attract[e] - o->repel[e] / z);
  if (!with_kl)
    return NAN;
  /* KL = Σ p log (p / (w / Z)) = Σ p log (p / w) + log Z · Σ p. */
  double kl = 0.0;
  for (int i = 0; i < n; i++)
    kl += o->kl[i];
  return kl + o->p_sum * log (z);
}

/* Renumbers the points in the tree's order — near in the plane, near in memory, so that the
 * attraction reads the layout almost in sequence instead of all over it — carrying P (through
 * spare, whose buffers are swapped in), the per-coordinate state arrays and the original
 * numbers `label` along. */
static void
renumber (const CariQuadtree *tree, CariTsneAffinity *P, CariTsneAffinity *spare, int *label,
          double **state, int n_state, double *tmp, int *inv)
{
  int n = P->n;
  for (int pos = 0; pos < n; pos++)
    inv[cari_quadtree_point (tree, pos)] = pos;
  spare->row[0] = 0;
  for (int pos = 0; pos < n; pos++)
    {
      int old = cari_quadtree_point (tree, pos);
      size_t out = spare->row[pos];
      for (size_t e = P->row[old]; e < P->row[old + 1]; e++, out++)
        {
          spare->col[out] = inv[P->col[e]];
          spare->val[out] = P->val[e];
        }
      spare->row[pos + 1] = out;
    }
  CariTsneAffinity t = *P;
  *P = *spare;
  *spare = t;
  for (int a = 0; a < n_state; a++)
    {
      for (int pos = 0; pos < n; pos++)
        {
          int old = cari_quadtree_point (tree, pos);
          tmp[2 * pos] = state[a][2 * old];
          tmp[2 * pos + 1] = state[a][2 * old + 1];
        }
      memcpy (state[a], tmp, sizeof (double) * 2 * (size_t) n);
    }
  for (int pos = 0; pos < n; pos++)
    inv[pos] = label[cari_quadtree_point (tree, pos)];
  memcpy (label, inv, sizeof (int) * (size_t) n);
}

/* Principal-component start scaled to a standard deviation of 1e-4 along the first axis (as
 * scikit-learn), or N(0, 1e-4²) from the seed. */
static void
initial_layout (const float *xc, int n, int dim, gboolean reduced, const CariTsneParams *p,
                double *y)
{
  if (p->pca_init)
    {
      g_autofree float *own = NULL;
      const float *pc = xc;
      int stride = dim;
      if (!reduced && dim > 1)
        {
          pc = own = cari_tsne_pca (xc, n, dim, 2);
          stride = 2;
        }
      double mean = 0.0, var = 0.0;
      for (int i = 0; i < n; i++)
        mean += pc[(size_t) i * stride] / n;
      for (int i = 0; i < n; i++)
        var += (pc[(size_t) i * stride] - mean) * (pc[(size_t) i * stride] - mean) / n;
      if (var > 0.0)
        {
          double scale = 1e-4 / sqrt (var);
          for (int i = 0; i < n; i++)
            {
              y[2 * i] = pc[(size_t) i * stride] * scale;
              y[2 * i + 1] = stride > 1 ? pc[(size_t) i * stride + 1] * scale : 0.0;
            }
          return;
        }
      /* Every point the same along the first axis: nothing to start from but noise. */
    }
  CariRng rng;
  cari_rng_seed (&rng, p->seed);
  for (size_t e = 0; e < 2 * (size_t) n; e++)
    y[e] = 1e-4 * cari_rng_normal (&rng);
}

float *
cari_tsne_run (const float *x, int n, int dim, const CariTsneParams *p, CariTsneProgress progress,
               gpointer user_data, const gint *cancel, double *kl_out, GError **error)
{
  if (!check_params (p, error) || !check_input (x, n, dim, p->perplexity, error))
    return NULL;

  int d = 0;
  g_autofree float *xc = cari_tsne_prepare_input (x, n, dim, p->pca_dims, &d);
  CariTsneAffinity P = { 0 };
  gint64 start = g_get_monotonic_time ();
  if (!cari_tsne_affinities (xc, n, d, p->perplexity, cancel, &P, error))
    {
      cari_tsne_affinity_clear (&P);
      return NULL;
    }
  g_debug ("t-SNE: P of %d points (%d dimensions), %zu entries, in %.3f s", n, d, P.row[n],
           (double) (g_get_monotonic_time () - start) * 1e-6);

  size_t n2 = 2 * (size_t) n;
  /* Layout, its last step, gains and gradient in one allocation. */
  g_autofree double *state = g_new0 (double, 4 * n2);
  double *y = state, *step = state + n2, *gain = state + 2 * n2, *grad = state + 3 * n2;
  g_autofree double *work = g_new (double, 3 * n2 + (size_t) n);
  g_autoptr (CariQuadtree) tree = cari_quadtree_new ();
  Optimiser o = { &P, n, 0.0, tree, work, work + n2, work + 2 * n2, work + 2 * n2 + n };
  for (size_t e = 0; e < P.row[n]; e++)
    o.p_sum += P.val[e];
  /* Renumbering: P's twin, the original number of each point, scratch. */
  size_t nnz = P.row[n];
  CariTsneAffinity spare = { n, g_new (size_t, (size_t) n + 1), g_new (int, MAX (nnz, 1)),
                             g_new (float, MAX (nnz, 1)) };
  g_autofree int *label = g_new (int, n), *inv = g_new (int, n);
  for (int i = 0; i < n; i++)
    label[i] = i;
  double *carried[3] = { y, step, gain };
  initial_layout (xc, n, d, d < dim, p, y);
  g_clear_pointer (&xc, g_free);
  for (size_t e = 0; e < n2; e++)
    gain[e] = 1.0;

  start = g_get_monotonic_time ();
  double rate = p->learning_rate > 0.0 ? p->learning_rate
                                       : MAX (n / p->early_exaggeration / 4.0, 50.0);
  for (int it = 0; it < p->n_iter; it++)
    {
      if (cancel != NULL && g_atomic_int_get (cancel))
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_CANCELLED, _("t-SNE was cancelled"));
          cari_tsne_affinity_clear (&P);
          cari_tsne_affinity_clear (&spare);
          return NULL;
        }
      gboolean early = it < p->early_iters;
      gboolean report = progress != NULL && (it + 1) % REPORT_EVERY == 0 && it + 1 < p->n_iter;
      double kl = gradient (&o, y, p->theta, early ? p->early_exaggeration : 1.0, report, grad);
      double momentum = early ? 0.5 : 0.8;
      for (size_t e = 0; e < n2; e++)
        {
          /* Delta-bar-delta: a coordinate that keeps moving the same way speeds up. */
          gain[e] = (step[e] * grad[e] < 0.0) ? gain[e] + 0.2 : MAX (gain[e] * 0.8, 0.01);
          step[e] = momentum * step[e] - rate * gain[e] * grad[e];
          y[e] += step[e];
        }
      if ((it + 1) % RENUMBER_EVERY == 0)
        renumber (tree, &P, &spare, label, carried, 3, grad, inv);
      if (report)
        progress (it + 1, p->n_iter, kl, user_data);
    }
  cari_tsne_affinity_clear (&spare);
  double kl = gradient (&o, y, p->theta, 1.0, TRUE, NULL);
  g_debug ("t-SNE: %d iterations in %.3f s", p->n_iter,
           (double) (g_get_monotonic_time () - start) * 1e-6);
  if (progress != NULL)
    progress (p->n_iter, p->n_iter, kl, user_data);
  if (kl_out != NULL)
    *kl_out = kl;
  cari_tsne_affinity_clear (&P);

  float *out = g_new (float, n2);
  for (int i = 0; i < n; i++)
    {
      out[2 * (size_t) label[i]] = (float) y[2 * i];
      out[2 * (size_t) label[i] + 1] = (float) y[2 * i + 1];
    }
  return out;
}

/* ------------------------------------------------------------------------- exact KL */

typedef struct
{
  const CariTsneAffinity *P;
  const double *y;
  int n;
  double *z;  /* by point: Σ_j≠i w_ij */
  double *kl; /* by point: Σ_j p_ij log (p_ij / w_ij) */
} Exact;

static void
exact_range (gpointer data, size_t begin, size_t end)
{
  Exact *x = data;
  const CariTsneAffinity *P = x->P;
  for (size_t i = begin; i < end; i++)
    {
      double xi = x->y[2 * i], yi = x->y[2 * i + 1], z = 0.0;
      for (int j = 0; j < x->n; j++)
        {
          if (j == (int) i)
            continue;
          double dx = xi - x->y[2 * j], dy = yi - x->y[2 * j + 1];
          z += 1.0 / (1.0 + dx * dx + dy * dy);
        }
      x->z[i] = z;
      x->kl[i] = row_kl (P, x->y, i);
    }
}

double
cari_tsne_kl (const float *x, int n, int dim, double perplexity, const float *y, GError **error)
{
  if (!check_input (x, n, dim, perplexity, error))
    return NAN;
  for (size_t e = 0; e < 2 * (size_t) n; e++)
    if (!isfinite (y[e]))
      {
        g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("Layout point %d has a coordinate that is not a finite number"),
                     (int) (e / 2) + 1);
        return NAN;
      }
  int d = 0;
  g_autofree float *xc = cari_tsne_prepare_input (x, n, dim, 0, &d);
  CariTsneAffinity P = { 0 };
  if (!cari_tsne_affinities (xc, n, d, perplexity, NULL, &P, error))
    return NAN;
  g_autofree double *z = g_new (double, 4 * (size_t) n);
  double *yd = z + 2 * (size_t) n; /* the layout in the optimiser's precision, exactly */
  for (size_t e = 0; e < 2 * (size_t) n; e++)
    yd[e] = y[e];
  Exact ex = { &P, yd, n, z, z + n };
  cari_tsne_parallel_chunks ((size_t) n, 32, exact_range, &ex);
  double zs = 0.0, kl = 0.0, p_sum = 0.0;
  for (int i = 0; i < n; i++)
    {
      zs += ex.z[i];
      kl += ex.kl[i];
    }
  for (size_t e = 0; e < P.row[n]; e++)
    p_sum += P.val[e];
  cari_tsne_affinity_clear (&P);
  return kl + p_sum * log (zs);
}
