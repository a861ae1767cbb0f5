/* errors-threshold.c — what a drag of the error view's threshold costs, for 2,000 and 40,000
 * pairs: each motion event (every verdict re-derived, the gallery refiltered, the visible tiles
 * redrawn) and the end of the drag (the gallery re-sorted hardest first), against re-sorting at
 * every motion event.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   errors-threshold [--events N] [--pairs N]...
 *
 * Synthetic scores (genuine ~ N(0.35, 0.3), impostor ~ N(0, 0.3), half each) are stored in a
 * temporary database; the view loads them in a 1280 × 900 window. A drag is N events (default
 * 60) moving the threshold from −0.2 to 0.6; after each the main loop runs until it is idle, so
 * the time includes the frame that shows it. Needs a display (run it under xvfb-run).
 */

#include "lab-config.h"

#include <math.h>
#include <stdlib.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cari.h"

#include "lab-errors-view.h"

static double
gaussian (GRand *rand)
{
  double u = g_rand_double_range (rand, 1e-12, 1), v = g_rand_double (rand);
  return sqrt (-2 * log (u)) * cos (2 * G_PI * v);
}

static gint64
make_store (const char *db, int n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = cari_store_open (db, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, &error);
  g_autofree char *text = cari_run_config_to_text (cfg);
  gint64 run = cari_store_create_run (store, "bench", 0, text, 1, 0, &error);
  g_assert_no_error (error);
  CariEvalResult r = { 0 };
  r.protocol = (char *) "webcari.unrestricted";
  r.fold = 1;
  r.metrics = g_array_new (FALSE, FALSE, sizeof (CariEvalMetric));
  r.pairs = g_array_new (FALSE, FALSE, sizeof (CariPairScore));
  r.cmc = g_array_new (FALSE, FALSE, sizeof (double));
  CariEvalMetric m = { "threshold", 0.2, -1 };
  g_array_append_val (r.metrics, m);
  g_autoptr (GRand) rand = g_rand_new_with_seed (n);
  for (int i = 0; i < n; i++)
    {
      gboolean same = i % 2 == 0;
      CariPairScore p = { -1, -1, (float) ((same ? 0.35 : 0.0) + 0.3 * gaussian (rand)),
                          (guint8) same, (guint8) (i % 10) };
      g_array_append_val (r.pairs, p);
    }
  gint64 id = cari_store_save_evaluation (store, run, 100, &r, NULL, &error);
  g_assert_no_error (error);
  g_array_unref (r.metrics);
  g_array_unref (r.pairs);
  g_array_unref (r.cmc);
  return id;
}

static void
idle (void)
{
  /* Twice: the frame clock's layout and paint follow the model's changes. */
  for (int k = 0; k < 2; k++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

static int
by_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
stats (const char *what, double *ms, int n)
{
  qsort (ms, n, sizeof (double), by_double);
  g_print ("  %-44s median %7.2f ms   max %7.2f ms\n", what, ms[n / 2], ms[n - 1]);
}

static void
set_flag (gpointer flag)
{
  *(gboolean *) flag = TRUE;
}

static void
measure (int n_pairs, int events)
{
  g_autofree char *dir = g_dir_make_tmp ("carilab-bench-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "runs.db", NULL);
  gint64 evaluation = make_store (db, n_pairs);

  GtkWidget *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 900);
  g_autoptr (LabStoreGateway) gateway = lab_store_gateway_new (db);
  LabErrorsView *view = LAB_ERRORS_VIEW (lab_errors_view_new (gateway));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  gboolean loaded = FALSE;
  g_signal_connect_swapped (view, "loaded", G_CALLBACK (set_flag), &loaded);
  gint64 t0 = g_get_monotonic_time ();
  lab_errors_view_set_evaluation (view, evaluation);
  while (!loaded)
    g_main_context_iteration (NULL, TRUE);
  double load_ms = (g_get_monotonic_time () - t0) / 1000.0;
  idle ();

  g_print ("%d pairs (loaded and shown in %.0f ms)\n", n_pairs, load_ms);
  g_autofree double *move = g_new (double, events), *shown = g_new (double, events);
  g_autofree double *every = g_new (double, events), *ends = g_new (double, 5);
  guint errors_min = G_MAXUINT, errors_max = 0;
  for (int round = 0; round < 5; round++)
    {
      /* A drag: pressed where the line is (a press that ends sorts the gallery), events while
       * moving, then its end. */
      lab_errors_view_move_threshold (view, round % 2 ? 0.6 : -0.2, TRUE);
      idle ();
      for (int k = 0; k < events; k++)
        {
          double t = -0.2 + 0.8 * (round % 2 ? events - 1 - k : k) / (events - 1);
          gint64 a = g_get_monotonic_time ();
          lab_errors_view_move_threshold (view, t, FALSE);
          gint64 b = g_get_monotonic_time ();
          idle ();
          gint64 c = g_get_monotonic_time ();
          if (round == 0)
            {
              move[k] = (b - a) / 1000.0;
              shown[k] = (c - a) / 1000.0;
            }
          guint shown_now = g_list_model_get_n_items (lab_errors_view_get_model (view));
          errors_min = MIN (errors_min, shown_now);
          errors_max = MAX (errors_max, shown_now);
        }
      gint64 a = g_get_monotonic_time ();
      lab_errors_view_move_threshold (view, lab_errors_view_get_threshold (view), TRUE);
      idle ();
      ends[round] = (g_get_monotonic_time () - a) / 1000.0;
    }
  /* The same drag re-sorting at every event. */
  lab_errors_view_move_threshold (view, -0.2, TRUE);
  idle ();
  for (int k = 0; k < events; k++)
    {
      double t = -0.2 + 0.8 * k / (events - 1);
      gint64 a = g_get_monotonic_time ();
      lab_errors_view_move_threshold (view, t, TRUE);
      idle ();
      every[k] = (g_get_monotonic_time () - a) / 1000.0;
    }
  g_print ("  (the gallery held %u to %u pairs: the false positives and negatives)\n", errors_min,
           errors_max);
  stats ("motion event: verdicts + refilter", move, events);
  stats ("motion event, until its frame is drawn", shown, events);
  stats ("drag end: re-sort hardest first + frame", ends, 5);
  stats ("motion event re-sorting each time + frame", every, events);

  gtk_window_destroy (GTK_WINDOW (window));
  idle ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", dir);
}

int
main (int argc, char *argv[])
{
  int events = 60;
  g_autoptr (GArray) sizes = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 1; i < argc; i++)
    {
      if (g_strcmp0 (argv[i], "--events") == 0 && i + 1 < argc)
        {
          events = atoi (argv[++i]);
          events = MAX (events, 2);
        }
      else if (g_strcmp0 (argv[i], "--pairs") == 0 && i + 1 < argc)
        {
          int n = atoi (argv[++i]);
          g_array_append_val (sizes, n);
        }
      else
        {
          g_printerr ("usage: errors-threshold [--events N] [--pairs N]...\n");
          return 2;
        }
    }
  if (sizes->len == 0)
    {
      const int both[] = { 2000, 40000 };
      g_array_append_vals (sizes, both, 2);
    }
  gtk_init ();
  adw_init ();
  cari_init ();
  for (guint i = 0; i < sizes->len; i++)
    measure (g_array_index (sizes, int, i), events);
  return 0;
}
