/* cli-roofline.c — the ceiling `carilab-cli bench --profile` measures its stages against: what
 * cari_sgemm reaches on this machine, now, on products shaped like the network's own.
 */
#include "cli.h"

#include <cari.h>

/* Shapes (M × N × K, row-major, no transposes) the trunk's convolutions give their gemms: conv5
 * of the paper preset (192 filters over 80 × 3 × 3 inputs, 36 × 36 outputs, 4 images side by
 * side), Reduction-A's 3×3 (384 × 17² × 4, K = 256 × 9), a pointwise conv at 17 × 17 × 16 images,
 * and a square product as BLAS tables quote. */
static const struct
{
  int M, N, K;
} shapes[] = {
  { 192, 5184, 720 },
  { 384, 1156, 2304 },
  { 128, 4624, 896 },
  { 1024, 1024, 1024 },
};

double
cli_sgemm_peak (int *best_m, int *best_n, int *best_k)
{
  double best = 0.0;
  for (size_t i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      const int M = shapes[i].M, N = shapes[i].N, K = shapes[i].K;
      g_autofree float *a = g_new (float, (size_t) M * K);
      g_autofree float *b = g_new (float, (size_t) K * N);
      g_autofree float *c = g_new0 (float, (size_t) M * N);
      for (size_t j = 0; j < (size_t) M * K; j++)
        a[j] = (float) (j % 7) * 0.25f - 0.75f;
      for (size_t j = 0; j < (size_t) K * N; j++)
        b[j] = (float) (j % 5) * 0.5f - 1.0f;
      /* One product to warm the caches and BLAS's buffers, then the fastest of five: the peak
       * is what the hardware allows when nothing else gets in the way. */
      cari_sgemm (FALSE, FALSE, M, N, K, 1.0f, a, K, b, N, 0.0f, c, N);
      double fastest = G_MAXDOUBLE;
      for (int r = 0; r < 5; r++)
        {
          gint64 t0 = g_get_monotonic_time ();
          cari_sgemm (FALSE, FALSE, M, N, K, 1.0f, a, K, b, N, 0.0f, c, N);
          fastest = MIN (fastest, (double) (g_get_monotonic_time () - t0) * 1e-6);
        }
      double gflops = 2.0 * M * N * K / MAX (fastest, 1e-9) * 1e-9;
      if (gflops > best)
        {
          best = gflops;
          *best_m = M;
          *best_n = N;
          *best_k = K;
        }
    }
  return best;
}
