/* gemm.c — cari_sgemm over OpenBLAS, and the naive reference. */
#include "core/gemm.h"

#include <cblas.h>

/* Declared by OpenBLAS's cblas.h on Debian; repeated here in case another cblas.h is found. */
extern void  openblas_set_num_threads (int num_threads);
extern int   openblas_get_num_threads (void);
extern char *openblas_get_config (void);
extern char *openblas_get_corename (void);

void
cari_sgemm (gboolean trans_a, gboolean trans_b, int M, int N, int K, float alpha, const float *A,
            int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
  if (M == 0 || N == 0)
    return;
  if (K == 0)
    {
      /* cblas would scale C by beta; do the same without touching A or B. */
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
          C[(size_t) i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[(size_t) i * ldc + j];
      return;
    }
  cblas_sgemm (CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
               trans_b ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
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
  if (n_threads > 0)
    openblas_set_num_threads (n_threads);
  return openblas_get_num_threads ();
}

char *
cari_blas_describe (void)
{
  return g_strdup_printf ("%s (core %s, %d threads)", openblas_get_config (),
                          openblas_get_corename (), openblas_get_num_threads ());
}
