/* onnx-dump.c — a network, its ONNX model, an input batch and CariLab's own embeddings of it, for
 * check-onnx.py to compare with an independent runtime.
 *
 *   onnx-dump [--preset demo|paper] [--seed N] [--branch verif|cari|visual] [--rows N] DIR
 *
 * writes DIR/model.onnx, DIR/input.npy [rows, 3, S, S] (standardised random images) and
 * DIR/embedding.npy [rows, E] (cari_net_infer). Every batch-norm β, running mean and running
 * variance and every bias is drawn at random (β, means and biases in ±0.2, variances in
 * [0.5, 1.5]), so that a slip in folding them into the convolutions shows in the embeddings;
 * fresh statistics (means 0, variances 1, β 0) would hide most of them.
 */
#include <cari.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interop/npy.h"
#include "interop/onnx.h"
#include "randomise.h"

static float
uniform (CariRng *rng, float lo, float hi)
{
  return lo + (hi - lo) * cari_rng_uniform (rng);
}

int
main (int argc, char **argv)
{
  g_autofree char *preset = g_strdup ("demo");
  g_autofree char *branch_name = g_strdup ("verif");
  gint64 seed = 7;
  int rows = 8;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "preset", 0, 0, G_OPTION_ARG_STRING, &preset, "Model preset (demo or paper)", "NAME" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the weights, statistics and input", "N" },
    { "branch", 0, 0, G_OPTION_ARG_STRING, &branch_name, "verif, cari or visual", "TASK" },
    { "rows", 0, 0, G_OPTION_ARG_INT, &rows, "Images in the input batch (default 8)", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("DIR");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || rows < 1)
    {
      fprintf (stderr, "onnx-dump: %s\n", error != NULL ? error->message : "expected one DIR");
      return 2;
    }
  const char *dir = argv[1];

  CariTask branch;
  CariNetConfig cfg;
  if (!cari_task_from_string (branch_name, &branch, &error)
      || !cari_net_config_init_preset (&cfg, preset, &error))
    {
      fprintf (stderr, "onnx-dump: %s\n", error->message);
      return 2;
    }
  cfg.n_identities = 10;
  cfg.max_caricatures = 4;
  cfg.max_photos = 4;
  g_autoptr (CariNet) net = cari_net_new (&cfg, (uint64_t) seed, &error);
  if (net == NULL)
    {
      fprintf (stderr, "onnx-dump: %s\n", error->message);
      return 1;
    }
  interop_randomise_statistics (net, (uint64_t) seed);

  /* Random images, standardised per image as the data loader does: per channel a random
   * brightness, two random waves and noise. White noise alone averages out in the deep layers,
   * and embeddings that hardly differ between rows would make a weak comparison. */
  const size_t img = (size_t) 3 * cfg.input_size * cfg.input_size;
  const int S = cfg.input_size;
  g_autofree float *images = g_new (float, img * rows);
  g_autofree float *embeddings = g_new (float, (size_t) rows * cfg.embedding_size);
  CariRng rng;
  cari_rng_seed (&rng, (uint64_t) seed ^ 0x1a2b3c4dULL);
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < 3; c++)
      {
        float base = uniform (&rng, 40.0f, 200.0f);
        float fx = uniform (&rng, 0.02f, 0.4f), fy = uniform (&rng, 0.02f, 0.4f);
        float px = uniform (&rng, 0.0f, 6.3f), py = uniform (&rng, 0.0f, 6.3f);
        float ax = uniform (&rng, 10.0f, 60.0f), ay = uniform (&rng, 10.0f, 60.0f);
        float *plane = images + img * r + (size_t) c * S * S;
        for (int y = 0; y < S; y++)
          for (int x = 0; x < S; x++)
            plane[y * S + x] = base + ax * sinf (fx * x + px) + ay * sinf (fy * y + py)
                               + uniform (&rng, -20.0f, 20.0f);
      }
  for (int r = 0; r < rows; r++)
    cari_standardize (images + img * r, images + img * r, img);
  if (!cari_net_infer (net, branch, images, rows, embeddings, NULL, &error))
    {
      fprintf (stderr, "onnx-dump: %s\n", error->message);
      return 1;
    }

  g_autofree char *size = g_strdup_printf ("%d", cfg.input_size);
  g_autofree char *seed_text = g_strdup_printf ("%" G_GINT64_FORMAT, seed);
  g_autofree char *preprocessing
    = g_strdup_printf ("RGB, resized to %d×%d, each image standardised: (x − mean) / max(std, "
                       "1/sqrt(3·%d·%d)), channels first",
                       cfg.input_size, cfg.input_size, cfg.input_size, cfg.input_size);
  const char *metadata[] = { "carilab.preset", preset, "carilab.branch", branch_name,
                             "carilab.seed", seed_text, "carilab.input_size", size,
                             "carilab.preprocessing", preprocessing, NULL };
  g_autofree char *model_path = g_build_filename (dir, "model.onnx", NULL);
  g_autofree char *input_path = g_build_filename (dir, "input.npy", NULL);
  g_autofree char *emb_path = g_build_filename (dir, "embedding.npy", NULL);
  const gint64 in_shape[] = { rows, 3, cfg.input_size, cfg.input_size };
  const gint64 emb_shape[] = { rows, cfg.embedding_size };
  if (!cari_onnx_export (net, branch, metadata, model_path, &error)
      || !cari_npy_write (input_path, 4, in_shape, images, &error)
      || !cari_npy_write (emb_path, 2, emb_shape, embeddings, &error))
    {
      fprintf (stderr, "onnx-dump: %s\n", error->message);
      return 1;
    }
  printf ("onnx-dump: %s preset, %s branch, seed %" G_GINT64_FORMAT ": %s, %d rows\n", preset,
          branch_name, seed, model_path, rows);
  return 0;
}
