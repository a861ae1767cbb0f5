/* winograd-tiles.c — each 3×3 stride-1 layer of the paper preset at 160 px (60 images, the
 * extraction's pass) by F(4×4, 3×3), by F(6×6, 3×3) and by what extraction picks for it
 * (cari_conv2d_forward_extract under CARI_CONV_ALGO), the three interleaved in every round so
 * that the machine's noise falls on all alike; median and fastest milliseconds of each, and the
 * ratio F(4×4) / F(6×6).
 *
 *   winograd-tiles [ROUNDS [THREADS]]      defaults 11 and 2
 *
 * Every way gets the workspace the folded engine gives the layer
 * (cari_infer_conv_workspace_floats), allocated once and touched first, so that page faults do
 * not count. */
#include <cari.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/compare.h"
#include "core/parallel.h"
#include "nn/infer.h"
#include "nn/winograd.h"

typedef struct
{
  const char *name;
  int in_c, side, out_c;
  CariPadding padding;
} Layer;

/* The paper preset at 160 px (Inception-ResNet-v1's stem and blocks, bench/README.md). */
static const Layer layers[] = {
  { "conv2", 32, 79, 32, CARI_PADDING_VALID },
  { "conv3", 32, 77, 64, CARI_PADDING_SAME },
  { "conv5", 80, 38, 192, CARI_PADDING_VALID },
  { "block35 3x3", 32, 17, 32, CARI_PADDING_SAME },
  { "reduction_a b1_1", 192, 17, 192, CARI_PADDING_SAME },
  { "reduction_b b2_1", 256, 8, 256, CARI_PADDING_SAME },
};

#define N_IMAGES 60
#define WAYS 3

int
main (int argc, char **argv)
{
  const int rounds = argc > 1 ? atoi (argv[1]) : 11;
  const int threads = argc > 2 ? atoi (argv[2]) : 2;
  if (rounds < 1 || threads < 1)
    {
      fprintf (stderr, "usage: %s [ROUNDS [THREADS]]\n", argv[0]);
      return 2;
    }
  cari_parallel_set_threads (threads);
  printf ("%d images, %d threads, %d rounds; ms median (fastest)\n", N_IMAGES, threads, rounds);
  printf ("| layer | in → out | F(4×4) | F(6×6) | F(4×4) / F(6×6) | extraction (tile) |\n");
  printf ("|---|---|---|---|---|---|\n");

  GRand *rand = g_rand_new_with_seed (1);
  for (size_t l = 0; l < G_N_ELEMENTS (layers); l++)
    {
      const Layer *y = &layers[l];
      CariConv2dShape s;
      g_autoptr (GError) error = NULL;
      if (!cari_conv2d_shape_init (&s, y->in_c, y->side, y->side, y->out_c, 3, 3, 1, 1,
                                   y->padding, &error))
        {
          fprintf (stderr, "%s: %s\n", y->name, error->message);
          return 1;
        }
      const size_t n_in = (size_t) N_IMAGES * s.in_c * s.in_h * s.in_w;
      const size_t n_out = (size_t) N_IMAGES * s.out_c * s.out_h * s.out_w;
      const size_t n_w = (size_t) s.out_c * s.in_c * 9;
      g_autofree float *in = g_new (float, n_in);
      g_autofree float *out = g_new (float, n_out);
      g_autofree float *w = g_new (float, n_w);
      g_autofree float *bias = g_new0 (float, s.out_c);
      for (size_t i = 0; i < n_in; i++)
        in[i] = (float) g_rand_double_range (rand, -1, 1);
      for (size_t i = 0; i < n_w; i++)
        w[i] = (float) g_rand_double_range (rand, -0.1, 0.1);

      const int tiles[WAYS] = { CARI_WINOGRAD_TILE_LARGE, CARI_WINOGRAD_TILE_FORWARD, 0 };
      const size_t ws_floats = cari_infer_conv_workspace_floats (&s, N_IMAGES);
      g_autofree float *ws = g_new0 (float, ws_floats);
      g_autofree double *ms = g_new (double, (size_t) WAYS * rounds);

      for (int r = 0; r < rounds; r++)
        for (int k = 0; k < WAYS; k++)
          {
            const gint64 t0 = g_get_monotonic_time ();
            if (tiles[k] > 0)
              cari_winograd_forward (out, in, w, bias, N_IMAGES, &s, tiles[k], ws, ws_floats);
            else
              cari_conv2d_forward_extract (out, in, w, bias, N_IMAGES, &s, ws, ws_floats);
            ms[k * rounds + r] = (double) (g_get_monotonic_time () - t0) / 1000.0;
          }
      double med[WAYS], best[WAYS];
      for (int k = 0; k < WAYS; k++)
        {
          qsort (ms + k * rounds, (size_t) rounds, sizeof (double), cari_compare_double);
          med[k] = rounds % 2 ? ms[k * rounds + rounds / 2]
                              : (ms[k * rounds + rounds / 2 - 1] + ms[k * rounds + rounds / 2]) / 2;
          best[k] = ms[k * rounds];
        }
      printf ("| %s | %d×%d×%d → %d×%d×%d | %.2f (%.2f) | %.2f (%.2f) | %.2f | %.2f (%d) |\n",
              y->name, s.in_c, s.in_h, s.in_w, s.out_c, s.out_h, s.out_w, med[0], best[0], med[1],
              best[1], med[0] / med[1], med[2], cari_conv2d_extract_tile (&s));
    }
  g_rand_free (rand);
  return 0;
}
