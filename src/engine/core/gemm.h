/* gemm.h — the engine's single matrix-multiply entry point.
 *
 * C[M×N] = alpha · op(A)[M×K] · op(B)[K×N] + beta · C, all row-major, where op(X) is X or its
 * transpose. Every matrix product of the engine goes through cari_sgemm (over cblas_sgemm), so a
 * faster backend has exactly one place to plug in. cari_sgemm_reference is the naive triple loop
 * the tests compare against.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void cari_sgemm (gboolean trans_a, gboolean trans_b, int M, int N, int K, float alpha,
                 const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc);

void cari_sgemm_reference (gboolean trans_a, gboolean trans_b, int M, int N, int K, float alpha,
                           const float *A, int lda, const float *B, int ldb, float beta, float *C,
                           int ldc);

/* BLAS threads (0 = leave as configured), and as many for the engine's own data-parallel
 * kernels; returns the count in use. */
int         cari_blas_set_threads (int n_threads);
/* A newly allocated description of the BLAS in use, e.g. for `carilab-cli info`. */
char       *cari_blas_describe (void);

G_END_DECLS
