/* experiment-store.c — a measurement's fixture, not a test: fills DB with tiny experiments for
 * the Experiments page's screenshots (docs/screenshots/experiments-*.png): a finished fig6 grid
 * (3 seeds, 40 steps), a finished fig5 sweep (2 seeds), and a table2 grid stopped after its
 * fourth run, whose fifth reads "running". Run with CARILAB_SYNCARI_TINY=1.
 *
 *   _build/bench/experiment-store DB
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>

#include "cari.h"

static gint64
create (CariStore *store, const char *name, const char *preset, const char *const *keys)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariExperimentDef) def = cari_experiment_def_new (preset, &error);
  for (int i = 0; def != NULL && keys[i] != NULL; i += 2)
    if (!cari_experiment_def_set (def, keys[i], keys[i + 1], &error))
      break;
  gint64 id = error == NULL ? cari_experiment_create (store, name, def, &error) : 0;
  if (id == 0)
    g_printerr ("%s: %s\n", name, error->message);
  return id;
}

static void
stop_at_fourth (const CariRunInfo *run, CariTrainer *trainer, guint64 step, gpointer data)
{
  if (++*(int *) data >= 4)
    cari_trainer_cancel (trainer);
}

int
main (int argc, char *argv[])
{
  if (argc != 2)
    {
      g_printerr ("usage: experiment-store DB\n");
      return 2;
    }
  cari_init ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = cari_store_open (argv[1], CARI_STORE_READ_WRITE, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  const char *const fig6[] = { "seeds", "3", "steps", "40", "pretrain_steps", "10", "batch", "4",
                               NULL };
  const char *const fig5[] = { "seeds", "2", "secondary_seeds", "2", "steps", "3",
                               "pretrain_steps", "3", "batch", "4", NULL };
  const char *const table2[] = { "seeds", "2", "secondary_seeds", "2", "steps", "20",
                                 "pretrain_steps", "3", "batch", "4", NULL };
  gint64 a = create (store, "fig6-three-seeds", "fig6", fig6);
  gint64 b = create (store, "fig5-sweep", "fig5", fig5);
  gint64 c = create (store, "table2-in-progress", "table2", table2);
  if (a == 0 || b == 0 || c == 0)
    return 1;
  CariExperimentReport report;
  if (!cari_experiment_execute (store, a, NULL, &report, &error)
      || !cari_experiment_execute (store, b, NULL, &report, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  int started = 0;
  CariExperimentCallbacks cb = { .launch = { .ready = stop_at_fourth, .user_data = &started } };
  cari_experiment_execute (store, c, &cb, &report, NULL);
  g_autoptr (GArray) places = cari_store_list_experiment_runs (store, c, &error);
  if (places == NULL || places->len < 5)
    return 1;
  /* The cancelled one as another process would show it while it trains. */
  cari_store_set_run_status (store, g_array_index (places, CariExperimentRun, 3).run,
                             CARI_RUN_RUNNING, NULL, NULL);
  printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", a, b, c);
  return 0;
}
