/* fill-store.c — a measurement's fixture, not a test: fills a run store through the engine's
 * API with many finished runs, each with its metric rows (the 11 keys a training writes, every
 * step) and one evaluation of pair scores, until the file reaches a size.
 *
 *   _build/bench/fill-store DB [MEGABYTES] [STEPS_PER_RUN] [PAIRS_PER_RUN]
 *
 * Defaults: 500 MB, 4000 steps and 100 000 pairs a run. Prints the runs, rows and the size.
 * bench/gui-idle.sh uses it to measure the workbench on a large store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <stdlib.h>

#include "cari.h"

static const char *const keys[] = {
  CARI_METRIC_LOSS_VERIF,   CARI_METRIC_LOSS_CARI,   CARI_METRIC_LOSS_VISUAL,
  CARI_METRIC_LOSS_L4,      CARI_METRIC_LOSS_TOTAL,  CARI_METRIC_WEIGHT_VERIF,
  CARI_METRIC_WEIGHT_CARI,  CARI_METRIC_WEIGHT_VISUAL, CARI_METRIC_LR,
  CARI_METRIC_MODULE_LR,    CARI_METRIC_IMAGES_PER_S,
};
#define N_KEYS G_N_ELEMENTS (keys)
#define STEPS_PER_FLUSH 100

static gint64
file_bytes (const char *path)
{
  GStatBuf st;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  gint64 n = g_stat (path, &st) == 0 ? (gint64) st.st_size : 0;
  return n + (g_stat (wal, &st) == 0 ? (gint64) st.st_size : 0);
}

/* One finished run of `steps` steps and an evaluation of `n_pairs` pairs. */
static gboolean
add_run (CariStore *store, const char *config, int index, int steps, int n_pairs,
         GError **error)
{
  g_autofree char *name = g_strdup_printf ("bench-%04d", index);
  gint64 run = cari_store_create_run (store, name, 0, config, (guint64) index, 0, error);
  if (run == 0 || !cari_store_set_run_status (store, run, CARI_RUN_RUNNING, NULL, error))
    return FALSE;
  GRand *rand = g_rand_new_with_seed ((guint32) index);
  CariMetric *rows = g_new (CariMetric, STEPS_PER_FLUSH * N_KEYS);
  double t0 = (double) g_get_real_time () / 1e6;
  gboolean ok = TRUE;
  for (int step = 1; ok && step <= steps; step += STEPS_PER_FLUSH)
    {
      gsize n = 0;
      for (int s = step; s < step + STEPS_PER_FLUSH && s <= steps; s++)
        for (guint k = 0; k < N_KEYS; k++)
          rows[n++] = (CariMetric){ s, t0 + 0.1 * s, keys[k],
                                    g_rand_double (rand) / (1.0 + 0.01 * s) };
      ok = cari_store_append_metrics (store, run, rows, n, error);
    }
  g_free (rows);

  CariEvalResult result = { .protocol = (char *) "webcari.restricted", .fold = 0,
                            .kind = CARI_PROTOCOL_VERIFICATION };
  result.metrics = g_array_new (FALSE, FALSE, sizeof (CariEvalMetric));
  result.pairs = g_array_sized_new (FALSE, FALSE, sizeof (CariPairScore), (guint) n_pairs);
  result.cmc = g_array_new (FALSE, FALSE, sizeof (double));
  CariEvalMetric auc = { "auc", 0.9, -1 };
  g_array_append_val (result.metrics, auc);
  for (int p = 0; p < n_pairs; p++)
    {
      CariPairScore pair = { -1, -1, (float) g_rand_double (rand), (guint8) (p & 1),
                             (guint8) (p % 10) };
      g_array_append_val (result.pairs, pair);
    }
  ok = ok && cari_store_save_evaluation (store, run, steps, &result, NULL, error) > 0
       && cari_store_set_run_status (store, run, CARI_RUN_FINISHED, NULL, error);
  g_array_unref (result.metrics);
  g_array_unref (result.pairs);
  g_array_unref (result.cmc);
  g_rand_free (rand);
  return ok;
}

int
main (int argc, char *argv[])
{
  if (argc < 2)
    {
      g_printerr ("usage: fill-store DB [MEGABYTES] [STEPS_PER_RUN] [PAIRS_PER_RUN]\n");
      return 2;
    }
  const char *path = argv[1];
  gint64 target = (argc > 2 ? g_ascii_strtoll (argv[2], NULL, 10) : 500) * 1000 * 1000;
  int steps = argc > 3 ? atoi (argv[3]) : 4000;
  int n_pairs = argc > 4 ? atoi (argv[4]) : 100000;
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = cari_store_open (path, CARI_STORE_READ_WRITE, &error);
  g_autoptr (CariRunConfig) cfg = store != NULL ? cari_run_config_new (NULL, &error) : NULL;
  if (cfg == NULL)
    {
      g_printerr ("fill-store: %s\n", error->message);
      return 1;
    }
  g_autofree char *steps_set = g_strdup_printf ("schedule.steps=%d", steps);
  if (!cari_run_config_set (cfg, steps_set, &error))
    {
      g_printerr ("fill-store: %s\n", error->message);
      return 1;
    }
  g_autofree char *config = cari_run_config_to_text (cfg);
  int n_runs = 0;
  while (file_bytes (path) < target)
    {
      if (!add_run (store, config, n_runs + 1, steps, n_pairs, &error))
        {
          g_printerr ("fill-store: %s\n", error->message);
          return 1;
        }
      n_runs++;
    }
  g_clear_pointer (&store, cari_store_close); /* checkpoints the WAL into the file */
  g_print ("%d runs, %lld metric rows, %lld pair scores, %.1f MB\n", n_runs,
           (long long) n_runs * steps * (long long) N_KEYS, (long long) n_runs * n_pairs,
           (double) file_bytes (path) / 1e6);
  return 0;
}
