/* watch-opens.c — a measurement, not a test: how many store connections the workbench opens
 * (cari_store_open_count) while its window shows the live page of a run that another connection
 * writes, ten rows a second, for SECONDS (default 60). Prints the count when the page is open
 * and at the end.
 *
 *   xvfb-run -a meson devenv -C _build ./bench/watch-opens [SECONDS]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <stdlib.h>

#include <adwaita.h>

#include "cari.h"

#include "lab-window.h"

typedef struct
{
  char *db;
  gint64 run;
  gint stop;
  guint64 rows;
} Writer;

/* Another connection (as `carilab-cli train` would be): a step's rows every 100 ms. */
static gpointer
write_rows (gpointer data)
{
  Writer *w = data;
  g_autoptr (CariStore) store = cari_store_open (w->db, CARI_STORE_READ_WRITE, NULL);
  for (gint64 step = 1; store != NULL && !g_atomic_int_get (&w->stop); step++)
    {
      CariMetric m[] = {
        { step, g_get_real_time () / 1e6, "weight/verif", 0.3 },
        { step, g_get_real_time () / 1e6, "weight/cari", 0.4 },
        { step, g_get_real_time () / 1e6, "weight/visual", 0.3 },
        { step, g_get_real_time () / 1e6, "loss/cari", 1.0 / (double) step },
      };
      if (cari_store_append_metrics (store, w->run, m, G_N_ELEMENTS (m), NULL))
        w->rows += G_N_ELEMENTS (m);
      g_usleep (100000);
    }
  return NULL;
}

static gboolean
quit (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (double seconds)
{
  gboolean done = FALSE;
  g_timeout_add ((guint) (seconds * 1000), quit, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int argc, char *argv[])
{
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 60.0;
  if (g_getenv ("DISPLAY") == NULL)
    {
      g_printerr ("watch-opens: no display (run it under xvfb-run)\n");
      return 1;
    }
  gtk_init ();
  adw_init ();
  cari_init ();

  g_autofree char *dir = g_dir_make_tmp ("carilab-watch-opens-XXXXXX", NULL);
  Writer w = { g_build_filename (dir, "runs.db", NULL) };
  {
    g_autoptr (CariStore) store = cari_store_open (w.db, CARI_STORE_READ_WRITE, NULL);
    g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, NULL);
    g_autofree char *text = cari_run_config_to_text (cfg);
    w.run = cari_store_create_run (store, "watched", 0, text, 1, 0, NULL);
    cari_store_set_run_status (store, w.run, CARI_RUN_RUNNING, NULL, NULL);
  }
  GThread *writer = g_thread_new ("writer", write_rows, &w);

  LabWindow *window = lab_window_new (NULL, w.db);
  gtk_window_present (GTK_WINDOW (window));
  lab_window_open_run (window, w.run);
  run_for (1.0);
  guint start = cari_store_open_count ();
  g_print ("connections opened with the run's page open: %u\n", start);
  run_for (seconds);
  guint end = cari_store_open_count ();
  g_print ("connections opened after %.0f s more of watching: %u (%u during the watch; %"
           G_GUINT64_FORMAT " rows written)\n",
           seconds, end, end - start, w.rows);

  g_atomic_int_set (&w.stop, 1);
  g_thread_join (writer);
  gtk_window_destroy (GTK_WINDOW (window));
  run_for (0.5);
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);
  if (system (rm) != 0)
    g_printerr ("could not remove %s\n", dir);
  g_free (w.db);
  return 0;
}
