/* gemm.c — cari_sgemm over OpenBLAS, and the naive reference. */
#include "core/gemm.h"

#include "core/parallel.h"

#include <cblas.h>

/* Declared by OpenBLAS's cblas.h on Debian; repeated here in case another cblas.h is found. */
extern void  openblas_set_num_threads (int num_threads);
extern int   openblas_get_num_threads (void);
extern char *openblas_get_config (void);
extern char *openblas_get_corename (void);

/* What OpenBLAS chose (OPENBLAS_NUM_THREADS, else the cores) becomes the engine pool's size, and
 * OpenBLAS itself runs single-threaded inside each part. */
static void
take_over_threads (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      int initial = openblas_get_num_threads ();
      openblas_set_num_threads (1);
      cari_parallel_set_threads (initial);
      g_once_init_leave (&once, 1);
    }
}

typedef struct
{
  gboolean trans_a, trans_b, split_columns;
  int M, N, K, lda, ldb, ldc;
  float alpha, beta;
  const float *A, *B;
  float *C;
} GemmArgs;

static void
gemm_part (gpointer data, size_t i0, size_t i1)
{
  const GemmArgs *g = data;
  const int n = (int) (i1 - i0);
  if (g->split_columns)
    {
      /* C[:, j0:j1] = op(A) · op(B)[:, j0:j1] */
      const float *B = g->trans_b ? g->B + i0 * g->ldb : g->B + i0;
      cblas_sgemm (CblasRowMajor, g->trans_a ? CblasTrans : CblasNoTrans,
                   g->trans_b ? CblasTrans : CblasNoTrans, g->M, n, g->K, g->alpha, g->A, g->lda,
                   B, g->ldb, g->beta, g->C + i0, g->ldc);
    }
  else
    {
      /* C[i0:i1, :] = op(A)[i0:i1, :] · op(B) */
      const float *A = g->trans_a ? g->A + i0 : g->A + i0 * g->lda;
      cblas_sgemm (CblasRowMajor, g->trans_a ? CblasTrans : CblasNoTrans,
                   g->trans_b ? CblasTrans : CblasNoTrans, n, g->N, g->K, g->alpha, A, g->lda,
                   g->B, g->ldb, g->beta, g->C + i0 * g->ldc, g->ldc);
    }
}

void
cari_sgemm (gboolean trans_a, gboolean trans_b, int M, int N, int K, float alpha, const float *A,
            int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
  if (M == 0 || N == 0)
    return;
  take_over_threads ();
  if (K == 0)
    {
      /* cblas would scale C by beta; do the same without touching A or B. */
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
          C[(size_t) i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[(size_t) i * ldc + j];
      return;
    }
  /* BLAS runs single-threaded and the engine's own pool splits the product along its longer
   * side, so that one set of threads serves gemm and the kernels around it (two pools would
   * fight over the cores, OpenBLAS's idle threads spinning while ours work). */
  GemmArgs g = { trans_a, trans_b, N >= M, M, N, K, lda, ldb, ldc, alpha, beta, A, B, C };
  size_t extent = (size_t) (g.split_columns ? N : M);
  size_t other = (size_t) (g.split_columns ? M : N);
  /* Parts of at least 32 rows or columns and about 2 MFLOP each. */
  size_t grain = MAX ((size_t) 32, ((size_t) 1 << 20) / MAX (other * (size_t) K, 1));
  cari_parallel_for (extent, grain, gemm_part, &g);
}

void
cari_sgemm_reference (gboolean trans_a, gboolean trans_b, int M, int N, int K, float alpha,
                      const float *A, int lda, const float *B, int ldb, float beta, float *C,
                      int ldc)
{
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++)
      {
        double acc = 0.0;
        for (int k = 0; k < K; k++)
          {
            float a = trans_a ? A[(size_t) k * lda + i] : A[(size_t) i * lda + k];
            float b = trans_b ? B[(size_t) j * ldb + k] : B[(size_t) k * ldb + j];
            acc += (double) a * (double) b;
          }
        float *c = &C[(size_t) i * ldc + j];
        *c = (float) (alpha * acc + (beta == 0.0f ? 0.0 : (double) beta * *c));
      }
}

int
cari_blas_set_threads (int n_threads)
{
  take_over_threads ();
  if (n_threads > 0)
    cari_parallel_set_threads (n_threads);
  return cari_parallel_get_threads ();
}

char *
cari_blas_describe (void)
{
  return g_strdup_printf ("%s (core %s, %d threads)", openblas_get_config (),
                          openblas_get_corename (), cari_blas_set_threads (0));
}
