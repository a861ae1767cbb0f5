/* test-gemm.c — cari_sgemm against the naive reference, every transpose, odd sizes, padded
 * leading dimensions, alpha and beta. */
#include <cari.h>
#include <math.h>
#include <string.h>

#include "gradcheck.h"

static void
check_case (gboolean ta, gboolean tb, int M, int N, int K, float alpha, float beta, int pad)
{
  int rows_a = ta ? K : M, cols_a = ta ? M : K;
  int rows_b = tb ? N : K, cols_b = tb ? K : N;
  int lda = cols_a + pad, ldb = cols_b + pad, ldc = N + pad;
  g_autofree float *A = g_new (float, (size_t) rows_a * lda);
  g_autofree float *B = g_new (float, (size_t) rows_b * ldb);
  g_autofree float *C = g_new (float, (size_t) M * ldc);
  g_autofree float *R = g_new (float, (size_t) M * ldc);

  fill_uniform (A, (size_t) rows_a * lda, -1, 1, 1);
  fill_uniform (B, (size_t) rows_b * ldb, -1, 1, 2);
  fill_uniform (C, (size_t) M * ldc, -1, 1, 3);
  memcpy (R, C, sizeof (float) * (size_t) M * ldc);

  cari_sgemm (ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  cari_sgemm_reference (ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, R, ldc);

  for (int i = 0; i < M; i++)
    {
      for (int j = 0; j < N; j++)
        {
          /* Float accumulation of K products of magnitude ≤ 1: error grows like sqrt(K)·ε. */
          float tol = 1e-5f * (float) (K + 1);
          float got = C[(size_t) i * ldc + j], want = R[(size_t) i * ldc + j];
          if (fabsf (got - want) > tol)
            g_error ("gemm ta=%d tb=%d %dx%dx%d: C[%d,%d] = %g, reference %g", ta, tb, M, N, K, i,
                     j, got, want);
        }
      /* The padding columns of C are not written. */
      for (int j = N; j < ldc; j++)
        g_assert_cmpfloat (C[(size_t) i * ldc + j], ==, R[(size_t) i * ldc + j]);
    }
}

static void
test_gemm_matches_reference (void)
{
  const int sizes[][3] = { { 1, 1, 1 }, { 3, 5, 7 }, { 17, 9, 33 }, { 64, 65, 63 }, { 2, 130, 5 } };
  for (size_t s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++)
        {
          check_case (ta, tb, sizes[s][0], sizes[s][1], sizes[s][2], 1.0f, 0.0f, 0);
          check_case (ta, tb, sizes[s][0], sizes[s][1], sizes[s][2], 0.5f, 1.0f, 3);
          check_case (ta, tb, sizes[s][0], sizes[s][1], sizes[s][2], -2.0f, 0.25f, 1);
        }
}

static void
test_gemm_split_across_threads (void)
{
  /* Large enough that cari_sgemm splits the columns (N ≥ M) or the rows (M > N) over threads. */
  cari_blas_set_threads (2);
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++)
      {
        check_case (ta, tb, 40, 700, 96, 1.0f, 0.0f, 0);
        check_case (ta, tb, 700, 40, 96, 1.0f, 0.5f, 2);
      }
}

typedef struct
{
  gint *hits;
} CoverArgs;

static void
cover_range (gpointer data, size_t begin, size_t end)
{
  CoverArgs *a = data;
  for (size_t i = begin; i < end; i++)
    g_atomic_int_inc (&a->hits[i]);
}

static void
test_parallel_for_covers_once (void)
{
  const size_t sizes[] = { 0, 1, 7, 1000, 100003 };
  cari_parallel_set_threads (3);
  for (size_t k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      g_autofree gint *hits = g_new0 (gint, sizes[k] + 1);
      CoverArgs a = { hits };
      cari_parallel_for (sizes[k], 1, cover_range, &a);
      for (size_t i = 0; i < sizes[k]; i++)
        g_assert_cmpint (hits[i], ==, 1);
      g_assert_cmpint (hits[sizes[k]], ==, 0);
    }
  cari_parallel_set_threads (2);
  g_assert_cmpint (cari_parallel_get_threads (), ==, 2);
}

static void
test_gemm_zero_k_scales_c (void)
{
  float C[4] = { 1, 2, 3, 4 };
  cari_sgemm (FALSE, FALSE, 2, 2, 0, 1.0f, NULL, 1, NULL, 2, 0.5f, C, 2);
  g_assert_cmpfloat (C[0], ==, 0.5f);
  g_assert_cmpfloat (C[3], ==, 2.0f);
  cari_sgemm (FALSE, FALSE, 2, 2, 0, 1.0f, NULL, 1, NULL, 2, 0.0f, C, 2);
  g_assert_cmpfloat (C[1], ==, 0.0f);
}

static void
test_reference_known_values (void)
{
  /* [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50] — guards the reference itself. */
  const float A[] = { 1, 2, 3, 4 }, B[] = { 5, 6, 7, 8 };
  float C[4] = { 0 };
  cari_sgemm_reference (FALSE, FALSE, 2, 2, 2, 1.0f, A, 2, B, 2, 0.0f, C, 2);
  g_assert_cmpfloat (C[0], ==, 19);
  g_assert_cmpfloat (C[1], ==, 22);
  g_assert_cmpfloat (C[2], ==, 43);
  g_assert_cmpfloat (C[3], ==, 50);
  /* Aᵀ · B = [1 3; 2 4] · [5 6; 7 8] = [26 30; 38 44] */
  cari_sgemm_reference (TRUE, FALSE, 2, 2, 2, 1.0f, A, 2, B, 2, 0.0f, C, 2);
  g_assert_cmpfloat (C[0], ==, 26);
  g_assert_cmpfloat (C[3], ==, 44);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gemm/reference-known-values", test_reference_known_values);
  g_test_add_func ("/gemm/matches-reference", test_gemm_matches_reference);
  g_test_add_func ("/gemm/zero-k-scales-c", test_gemm_zero_k_scales_c);
  g_test_add_func ("/gemm/split-across-threads", test_gemm_split_across_threads);
  g_test_add_func ("/parallel/covers-once", test_parallel_for_covers_once);
  return g_test_run ();
}
