/* tsne-affinity.c — t-SNE's input similarities: centring and PCA of the vectors, exact k nearest
 * neighbours (blocked: squared distances of a block of rows to all rows by one gemm, then a
 * bounded heap per row, in parallel), per-point bandwidths by bisection, symmetric sparse P. */
#include "eval/tsne-private.h"

#include "core/compare.h"
#include "core/error.h"
#include "core/gemm.h"
#include "core/i18n.h"
#include "core/parallel.h"
#include "core/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
cari_tsne_affinity_clear (CariTsneAffinity *P)
{
  g_clear_pointer (&P->row, g_free);
  g_clear_pointer (&P->col, g_free);
  g_clear_pointer (&P->val, g_free);
  P->n = 0;
}

/* ---------------------------------------------------------------------------------- PCA */

/* Eigenvalues (descending) and eigenvectors (columns of v, m × m) of the symmetric a (destroyed)
 * by cyclic Jacobi rotations. */
static void
jacobi_eigen (double *a, int m, double *eval, double *v)
{
  for (int i = 0; i < m * m; i++)
    v[i] = i / m == i % m;
  for (int sweep = 0; sweep < 100; sweep++)
    {
      double off = 0.0, diag = 0.0;
      for (int i = 0; i < m; i++)
        for (int j = 0; j < m; j++)
          {
            double s = a[i * m + j] * a[i * m + j];
            if (i == j)
              diag += s;
            else
              off += s;
          }
      if (off <= 1e-30 * diag || off == 0.0)
        break;
      for (int p = 0; p < m - 1; p++)
        for (int q = p + 1; q < m; q++)
          {
            double apq = a[p * m + q];
            if (apq == 0.0)
              continue;
            double tau = (a[q * m + q] - a[p * m + p]) / (2.0 * apq);
            double t = (tau >= 0 ? 1.0 : -1.0) / (fabs (tau) + sqrt (1.0 + tau * tau));
            double c = 1.0 / sqrt (1.0 + t * t), s = t * c;
            for (int k = 0; k < m; k++)
              {
                double akp = a[k * m + p], akq = a[k * m + q];
                a[k * m + p] = c * akp - s * akq;
                a[k * m + q] = s * akp + c * akq;
              }
            for (int k = 0; k < m; k++)
              {
                double apk = a[p * m + k], aqk = a[q * m + k];
                a[p * m + k] = c * apk - s * aqk;
                a[q * m + k] = s * apk + c * aqk;
              }
            for (int k = 0; k < m; k++)
              {
                double vkp = v[k * m + p], vkq = v[k * m + q];
                v[k * m + p] = c * vkp - s * vkq;
                v[k * m + q] = s * vkp + c * vkq;
              }
          }
    }
  /* Sort by decreasing eigenvalue (selection sort: m is small). */
  for (int i = 0; i < m; i++)
    eval[i] = a[i * m + i];
  for (int i = 0; i < m; i++)
    {
      int best = i;
      for (int j = i + 1; j < m; j++)
        if (eval[j] > eval[best])
          best = j;
      if (best != i)
        {
          double e = eval[i];
          eval[i] = eval[best];
          eval[best] = e;
          for (int k = 0; k < m; k++)
            {
              double t = v[k * m + i];
              v[k * m + i] = v[k * m + best];
              v[k * m + best] = t;
            }
        }
    }
}

/* Orthonormalises the r columns of q [dim × r] (modified Gram–Schmidt, twice for accuracy). */
static void
orthonormalise (double *q, int dim, int r)
{
  for (int pass = 0; pass < 2; pass++)
    for (int j = 0; j < r; j++)
      {
        for (int i = 0; i < j; i++)
          {
            double dot = 0.0;
            for (int k = 0; k < dim; k++)
              dot += q[k * r + i] * q[k * r + j];
            for (int k = 0; k < dim; k++)
              q[k * r + j] -= dot * q[k * r + i];
          }
        double norm = 0.0;
        for (int k = 0; k < dim; k++)
          norm += q[k * r + j] * q[k * r + j];
        norm = sqrt (norm);
        for (int k = 0; k < dim; k++)
          q[k * r + j] = norm > 0.0 ? q[k * r + j] / norm : (k == j);
      }
}

float *
cari_tsne_pca (const float *xc, int n, int dim, int m)
{
  g_assert (m >= 1 && m <= dim);
  /* Covariance (up to the factor 1/n, which changes no eigenvector). */
  g_autofree float *cov = g_new (float, (size_t) dim * dim);
  cari_sgemm (TRUE, FALSE, dim, dim, n, 1.0f / (float) n, xc, dim, xc, dim, 0.0f, cov, dim);

  /* Subspace iteration on r ≥ m vectors, then Rayleigh–Ritz: exact when r = dim, and the
   * oversampling makes the leading m converge fast otherwise. */
  int r = MIN (dim, m + 10);
  g_autofree double *q = g_new (double, (size_t) dim * r);
  g_autofree float *qf = g_new (float, (size_t) dim * r), *cq = g_new (float, (size_t) dim * r);
  CariRng rng;
  cari_rng_seed (&rng, 0x7f4a7c15u);
  for (size_t i = 0; i < (size_t) dim * r; i++)
    q[i] = cari_rng_normal (&rng);
  orthonormalise (q, dim, r);
  int iters = r == dim ? 0 : 60;
  for (int it = 0; it < iters; it++)
    {
      for (size_t i = 0; i < (size_t) dim * r; i++)
        qf[i] = (float) q[i];
      cari_sgemm (FALSE, FALSE, dim, r, dim, 1.0f, cov, dim, qf, r, 0.0f, cq, r);
      for (size_t i = 0; i < (size_t) dim * r; i++)
        q[i] = cq[i];
      orthonormalise (q, dim, r);
    }
  /* T = Qᵀ C Q, its eigenvectors rotate Q onto the principal axes. */
  for (size_t i = 0; i < (size_t) dim * r; i++)
    qf[i] = (float) q[i];
  cari_sgemm (FALSE, FALSE, dim, r, dim, 1.0f, cov, dim, qf, r, 0.0f, cq, r);
  g_autofree double *t = g_new0 (double, (size_t) r * r), *v = g_new (double, (size_t) r * r);
  g_autofree double *eval = g_new (double, r);
  for (int i = 0; i < r; i++)
    for (int j = 0; j < r; j++)
      {
        double s = 0.0;
        for (int k = 0; k < dim; k++)
          s += q[k * r + i] * cq[k * r + j];
        t[i * r + j] = s;
      }
  for (int i = 0; i < r; i++)
    for (int j = 0; j < i; j++)
      t[i * r + j] = t[j * r + i] = 0.5 * (t[i * r + j] + t[j * r + i]);
  jacobi_eigen (t, r, eval, v);

  g_autofree float *axes = g_new (float, (size_t) dim * m);
  for (int j = 0; j < m; j++)
    {
      double big = 0.0;
      for (int k = 0; k < dim; k++)
        {
          double s = 0.0;
          for (int i = 0; i < r; i++)
            s += q[k * r + i] * v[i * r + j];
          axes[k * m + j] = (float) s;
          if (fabs (s) > fabs (big))
            big = s;
        }
      if (big < 0)
        for (int k = 0; k < dim; k++)
          axes[k * m + j] = -axes[k * m + j];
    }
  float *proj = g_new (float, (size_t) n * m);
  cari_sgemm (FALSE, FALSE, n, m, dim, 1.0f, xc, dim, axes, m, 0.0f, proj, m);
  return proj;
}

float *
cari_tsne_prepare_input (const float *x, int n, int dim, int m, int *out_dim)
{
  g_autofree double *mean = g_new0 (double, dim);
  for (int i = 0; i < n; i++)
    for (int k = 0; k < dim; k++)
      mean[k] += x[(size_t) i * dim + k];
  for (int k = 0; k < dim; k++)
    mean[k] /= n;
  float *xc = g_new (float, (size_t) n * dim);
  for (int i = 0; i < n; i++)
    for (int k = 0; k < dim; k++)
      xc[(size_t) i * dim + k] = (float) (x[(size_t) i * dim + k] - mean[k]);
  if (m <= 0 || m >= dim)
    {
      *out_dim = dim;
      return xc;
    }
  float *proj = cari_tsne_pca (xc, n, dim, m);
  g_free (xc);
  *out_dim = m;
  return proj;
}

/* ---------------------------------------------------------------------- bandwidths */

/* Entropy of p ∝ exp(−β·(d2 − d2min)), p filled. */
static double
row_entropy (const double *d2, int k, double d2min, double beta, double *p)
{
  double sum = 0.0, dot = 0.0;
  for (int j = 0; j < k; j++)
    {
      double e = d2[j] - d2min;
      p[j] = exp (-beta * e);
      sum += p[j];
      dot += p[j] * e;
    }
  for (int j = 0; j < k; j++)
    p[j] /= sum;
  return log (sum) + beta * dot / sum;
}

double
cari_tsne_calibrate_row (const double *d2, int k, double perplexity, double *p)
{
  /* Shifting the distances by their minimum changes no p and keeps exp from underflowing. */
  double d2min = d2[0], mean = 0.0;
  for (int j = 1; j < k; j++)
    d2min = MIN (d2min, d2[j]);
  for (int j = 0; j < k; j++)
    mean += (d2[j] - d2min) / k;
  double target = log (perplexity);
  double beta = mean > 0.0 ? 1.0 / mean : 1.0, lo = 0.0, hi = INFINITY;
  for (int step = 0; step < 200; step++)
    {
      double h = row_entropy (d2, k, d2min, beta, p);
      if (fabs (h - target) < 1e-7)
        break;
      /* Entropy falls as β grows. */
      if (h > target)
        {
          lo = beta;
          beta = isinf (hi) ? 2.0 * beta : 0.5 * (beta + hi);
        }
      else
        {
          hi = beta;
          beta = 0.5 * (beta + lo);
        }
    }
  return beta;
}

/* ------------------------------------------------------------------ nearest neighbours */

typedef struct
{
  const float *xc;
  const float *sq; /* squared norms */
  int n, dim, k;
  int r0;          /* first row of the block */
  float *d;        /* block × n: −2 xᵢ·xⱼ, turned into ranking keys */
  int *nn;         /* n × k neighbours */
  double *d2;      /* n × k squared distances */
} Knn;

/* Is (da, a) farther than (db, b)? Ties go to the higher index, so the result is unique. */
static inline gboolean
farther (float da, int a, float db, int b)
{
  return da > db || (da == db && a > b);
}

static void
sift_down (float *hd, int *hi, int k, int i)
{
  for (;;)
    {
      int l = 2 * i + 1, r = l + 1, top = i;
      if (l < k && farther (hd[l], hi[l], hd[top], hi[top]))
        top = l;
      if (r < k && farther (hd[r], hi[r], hd[top], hi[top]))
        top = r;
      if (top == i)
        return;
      float td = hd[i];
      int ti = hi[i];
      hd[i] = hd[top];
      hi[i] = hi[top];
      hd[top] = td;
      hi[top] = ti;
      i = top;
    }
}

static void
knn_rows (gpointer data, size_t begin, size_t end)
{
  Knn *kn = data;
  int k = kn->k, n = kn->n, dim = kn->dim;
  g_autofree float *hd = g_new (float, k);
  for (size_t b = begin; b < end; b++)
    {
      int i = kn->r0 + (int) b;
      /* |xᵢ − xⱼ|² − |xᵢ|² = |xⱼ|² − 2 xᵢ·xⱼ ranks the j alike. (Local restrict pointers:
       * the project builds with -fno-strict-aliasing, which would keep this loop scalar.) */
      float *restrict key = kn->d + b * n;
      const float *restrict sq = kn->sq;
      for (int j = 0; j < n; j++)
        key[j] += sq[j];
      key[i] = INFINITY;
      int *hi = kn->nn + (size_t) i * k;
      /* A max-heap of the k nearest so far: fill it, heapify, then replace its top. */
      int m = 0, j = 0;
      for (; j < n && m < k; j++)
        if (j != i)
          {
            hd[m] = key[j];
            hi[m++] = j;
          }
      for (int s = k / 2 - 1; s >= 0; s--)
        sift_down (hd, hi, k, s);
      /* Most candidates lose against the top: test 16 at a time (vectorised) before looking
       * at each. The top only falls, so a stale one lets nothing through wrongly. */
      while (j < n)
        {
          int stop = MIN (n, j + 16), any = 0;
          float top = hd[0];
          if (stop == j + 16)
            for (int t = 0; t < 16; t++)
              any |= key[j + t] <= top;
          else
            any = 1;
          for (; any && j < stop; j++)
            if (farther (hd[0], hi[0], key[j], j))
              {
                hd[0] = key[j];
                hi[0] = j;
                sift_down (hd, hi, k, 0);
              }
          j = stop;
        }
      /* Columns ascending (for the symmetrisation), distances recomputed exactly: the gemm
       * form loses digits to cancellation. */
      qsort (hi, k, sizeof (int), cari_compare_int);
      const float *restrict xi = kn->xc + (size_t) i * dim;
      for (int a = 0; a < k; a++)
        {
          /* Eight partial sums: vectorised, and each stays short enough for float. */
          const float *restrict xj = kn->xc + (size_t) hi[a] * dim;
          float part[8] = { 0 };
          int c = 0;
          for (; c + 8 <= dim; c += 8)
            for (int l = 0; l < 8; l++)
              part[l] += (xi[c + l] - xj[c + l]) * (xi[c + l] - xj[c + l]);
          double s = 0.0;
          for (int l = 0; l < 8; l++)
            s += part[l];
          for (; c < dim; c++)
            s += ((double) xi[c] - xj[c]) * ((double) xi[c] - xj[c]);
          kn->d2[(size_t) i * k + a] = s;
        }
    }
}

typedef struct
{
  const double *d2;
  float *p;
  int k;
  double perplexity;
} Calibration;

static void
calibrate_rows (gpointer data, size_t begin, size_t end)
{
  Calibration *c = data;
  g_autofree double *p = g_new (double, c->k);
  for (size_t i = begin; i < end; i++)
    {
      cari_tsne_calibrate_row (c->d2 + i * c->k, c->k, c->perplexity, p);
      for (int j = 0; j < c->k; j++)
        c->p[i * c->k + j] = (float) p[j];
    }
}

/* ---------------------------------------------------------------- symmetrisation */

typedef struct
{
  int n, k;
  const int *nn;        /* n × k, rows ascending */
  const float *pc;      /* n × k conditional p */
  const size_t *trow;   /* transpose: n + 1 offsets */
  const int *tcol;      /* sources ascending within a row */
  const float *tval;
  CariTsneAffinity *P;  /* row counts first, then filled */
  gboolean fill;
} Merge;

static void
merge_rows (gpointer data, size_t begin, size_t end)
{
  Merge *m = data;
  for (size_t i = begin; i < end; i++)
    {
      const int *a = m->nn + i * m->k;
      const float *pa = m->pc + i * m->k;
      const int *b = m->tcol + m->trow[i];
      const float *pb = m->tval + m->trow[i];
      int na = m->k, nb = (int) (m->trow[i + 1] - m->trow[i]), ia = 0, ib = 0;
      size_t out = m->fill ? m->P->row[i] : 0;
      while (ia < na || ib < nb)
        {
          int col;
          float v = 0.0f;
          if (ib >= nb || (ia < na && a[ia] < b[ib]))
            {
              col = a[ia];
              v = pa[ia++];
            }
          else if (ia >= na || b[ib] < a[ia])
            {
              col = b[ib];
              v = pb[ib++];
            }
          else
            {
              col = a[ia];
              v = pa[ia++] + pb[ib++];
            }
          if (m->fill)
            {
              m->P->col[out] = col;
              m->P->val[out] = v;
            }
          out++;
        }
      if (!m->fill)
        m->P->row[i + 1] = out;
    }
}

static gboolean
cancelled (const gint *cancel, GError **error)
{
  if (cancel == NULL || !g_atomic_int_get (cancel))
    return FALSE;
  g_set_error (error, CARI_ERROR, CARI_ERROR_CANCELLED, _("t-SNE was cancelled"));
  return TRUE;
}

gboolean
cari_tsne_affinities (const float *xc, int n, int dim, double perplexity, const gint *cancel,
                      CariTsneAffinity *P, GError **error)
{
  int k = (int) MIN ((double) n - 1, floor (3.0 * perplexity) + 1);
  g_assert (k >= 1);
  g_autofree int *nn = g_new (int, (size_t) n * k);
  g_autofree double *d2 = g_new (double, (size_t) n * k);
  g_autofree float *sq = g_new (float, n);
  for (int i = 0; i < n; i++)
    {
      double s = 0.0;
      for (int c = 0; c < dim; c++)
        s += (double) xc[(size_t) i * dim + c] * xc[(size_t) i * dim + c];
      sq[i] = (float) s;
    }
  /* Blocks of about 4 M distances (16 MB). */
  int block = (int) CLAMP ((4 << 20) / n, 16, n);
  g_autofree float *d = g_new (float, (size_t) block * n);
  Knn kn = { xc, sq, n, dim, k, 0, d, nn, d2 };
  for (int r0 = 0; r0 < n; r0 += block)
    {
      if (cancelled (cancel, error))
        return FALSE;
      int rows = MIN (block, n - r0);
      cari_sgemm (FALSE, TRUE, rows, n, dim, -2.0f, xc + (size_t) r0 * dim, dim, xc, dim, 0.0f,
                  d, n);
      kn.r0 = r0;
      cari_parallel_for ((size_t) rows, 8, knn_rows, &kn);
    }
  g_clear_pointer (&d, g_free);
  if (cancelled (cancel, error))
    return FALSE;

  g_autofree float *pc = g_new (float, (size_t) n * k);
  Calibration cal = { d2, pc, k, perplexity };
  cari_parallel_for ((size_t) n, 16, calibrate_rows, &cal);
  g_clear_pointer (&d2, g_free);

  /* Transpose of the conditional P; filling it by ascending source keeps its rows sorted. */
  g_autofree size_t *trow = g_new0 (size_t, (size_t) n + 1);
  g_autofree int *tcol = g_new (int, (size_t) n * k);
  g_autofree float *tval = g_new (float, (size_t) n * k);
  for (size_t e = 0; e < (size_t) n * k; e++)
    trow[nn[e] + 1]++;
  for (int i = 0; i < n; i++)
    trow[i + 1] += trow[i];
  g_autofree size_t *next = g_memdup2 (trow, sizeof (size_t) * n);
  for (int i = 0; i < n; i++)
    for (int a = 0; a < k; a++)
      {
        size_t e = (size_t) i * k + a, t = next[nn[e]]++;
        tcol[t] = i;
        tval[t] = pc[e];
      }

  cari_tsne_affinity_clear (P);
  P->n = n;
  P->row = g_new0 (size_t, (size_t) n + 1);
  Merge m = { n, k, nn, pc, trow, tcol, tval, P, FALSE };
  cari_parallel_for ((size_t) n, 64, merge_rows, &m);
  for (int i = 0; i < n; i++)
    P->row[i + 1] += P->row[i];
  P->col = g_new (int, MAX (P->row[n], 1));
  P->val = g_new (float, MAX (P->row[n], 1));
  m.fill = TRUE;
  cari_parallel_for ((size_t) n, 64, merge_rows, &m);

  double total = 0.0;
  for (size_t e = 0; e < P->row[n]; e++)
    total += P->val[e];
  for (size_t e = 0; e < P->row[n]; e++)
    P->val[e] = (float) (P->val[e] / total);
  return TRUE;
}
