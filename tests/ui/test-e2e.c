/* test-e2e.c — the workbench end to end under Xvfb, on a temporary database:
 * - the demo: generate a tiny SynCari, pretrain, then naive and proposed; the live page follows
 *   the runs, its weight chart receives points, and a rendering of the window shows each task's
 *   colour where its curve is (hiding the curve removes the colour);
 * - watching a run that `carilab-cli train` writes from another process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cari.h"

#include "lab-run-page.h"
#include "lab-window.h"
#include "ui-test-util.h"

static char *tmp_dir;

static LabRunPage *
run_page (LabWindow *window)
{
  AdwBin *bin = ADW_BIN (gtk_widget_get_template_child (GTK_WIDGET (window), LAB_TYPE_WINDOW,
                                                        "run_bin"));
  GtkWidget *child = adw_bin_get_child (bin);
  return LAB_IS_RUN_PAGE (child) ? LAB_RUN_PAGE (child) : NULL;
}

static guint
points_of (LabRunPage *page, const char *key)
{
  LabChart *chart = ui_test_template_child (page, LAB_TYPE_RUN_PAGE, "weights_chart");
  LabChartModel *model = lab_chart_get_model (chart);
  LabSeries *series = model ? lab_chart_model_lookup (model, key) : NULL;
  return series ? lab_series_get_n_points (series) : 0;
}

/* A widget rendered as the screen shows it (its own snapshot through the window's renderer), as
 * native-endian ARGB32 bytes. */
static guchar *
render_widget (LabWindow *window, GtkWidget *widget, int *width, int *height, int *stride)
{
  /* A widget paintable takes its image when it is made, and that image is empty while the widget
   * waits for an allocation (a series hidden or shown may change the legend's size). On two busy
   * cores the next layout can take a while: make a new paintable each time until one has an
   * image, for up to 30 s. */
  GskRenderNode *node = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (node == NULL && g_get_monotonic_time () < deadline)
    {
      ui_test_drain ();
      *width = gtk_widget_get_width (widget);
      *height = gtk_widget_get_height (widget);
      g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, *width, *height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        {
          gtk_widget_queue_draw (widget);
          g_usleep (20000);
        }
    }
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_autoptr (GdkTexture) texture = gsk_renderer_render_texture (renderer, node, NULL);
  gsk_render_node_unref (node);
  *width = gdk_texture_get_width (texture);
  *height = gdk_texture_get_height (texture);
  *stride = *width * 4;
  guchar *data = g_malloc ((gsize) *stride * *height);
  gdk_texture_download (texture, data, *stride);
  if (g_getenv ("CARILAB_TEST_SCREENSHOT") != NULL)
    gdk_texture_save_to_png (texture, g_getenv ("CARILAB_TEST_SCREENSHOT"));
  return data;
}

/* Pixels of colour rgb (± 3 per channel) in a rendering of `widget`. */
static int
count_colour (LabWindow *window, GtkWidget *widget, guint32 rgb)
{
  int width, height, stride;
  ui_test_drain ();
  g_autofree guchar *data = render_widget (window, widget, &width, &height, &stride);
  int x0 = 0, y0 = 0, x1 = width, y1 = height;
  int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff, n = 0;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        /* gdk_texture_download gives native-endian ARGB32: B G R A in memory here. */
        const guchar *p = data + (gsize) y * stride + (gsize) x * 4;
        if (ABS (p[2] - r) <= 3 && ABS (p[1] - g) <= 3 && ABS (p[0] - b) <= 3)
          n++;
      }
  return n;
}

/* ------------------------------------------------------------------------------ demo */

typedef struct
{
  LabWindow *window;
  gint64 run;
} Watch;

static gboolean
has_run_page (gpointer window)
{
  return run_page (window) != NULL;
}

static gboolean
page_shows_three_weights (gpointer data)
{
  Watch *w = data;
  LabRunPage *page = run_page (w->window);
  return page != NULL && points_of (page, "weight/cari") >= 20
         && points_of (page, "weight/visual") >= 20 && points_of (page, "weight/verif") >= 20;
}

static gboolean
runner_idle (gpointer window)
{
  /* The queue first: the runner leaves IDLE in the same locked step that empties it, so an empty
   * queue and then IDLE mean the last run has finished (IDLE alone is also seen between runs). */
  LabRunner *runner = lab_window_get_runner (window);
  return lab_runner_get_n_queued (runner) == 0 && lab_runner_get_state (runner) == LAB_RUNNER_IDLE;
}

static gboolean
drawn (gpointer chart)
{
  return gtk_widget_get_mapped (chart) && gtk_widget_get_width (chart) > 100
         && gtk_widget_get_height (chart) > 50;
}

static void
test_demo (void)
{
  g_autofree char *db = g_build_filename (tmp_dir, "demo.db", NULL);
  LabWindow *window = g_object_ref (lab_window_new (NULL, db));
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_drain ();

  gtk_widget_activate_action (GTK_WIDGET (window), "win.start-demo", NULL);
  /* The live page opens on the pretraining run as soon as the demo's runs are queued in the
   * store (a job of the window's store gateway). */
  ui_test_wait_for (has_run_page, window, 10, "the live page of the pretraining run");
  Watch w = { window, 0 };
  /* It follows the demo to the multi-task runs, whose three weights arrive. */
  ui_test_wait_for (page_shows_three_weights, &w, 240, "the demo's three task weights");
  g_assert_cmpint (lab_run_page_get_n_rows (run_page (window)), >, 0);

  /* The colours are counted once the demo is done: while it trains, the page is replaced when
   * the next run starts (on a fast machine, in the middle of the counting). The last run's page
   * stays, and reads its whole history from the store. */
  ui_test_wait_for (runner_idle, window, 240, "the end of the demo");
  ui_test_drain ();
  /* Its multi-task runs were evaluated as they finished, Fig. 2's views included: the Analysis
   * page opens ready. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (CariStore) store = cari_store_open (db, CARI_STORE_READ_ONLY, &error);
    g_assert_no_error (error);
    const char *const names[] = { "demo-naive", "demo-proposed" };
    for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
      {
        gint64 run = 0;
        g_assert_true (cari_store_find_run (store, names[i], &run, &error));
        g_autoptr (GPtrArray) evals = cari_store_list_evaluations (store, run, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (evals->len, >, 0);
        gboolean has_views = FALSE;
        for (guint e = 0; e < evals->len; e++)
          {
            int *images = NULL, n = 0;
            float *xy = NULL;
            if (cari_store_load_layout (store, ((CariEvalInfo *) evals->pdata[e])->id, "V2C",
                                        &images, &xy, &n, NULL))
              has_views = n > 0;
            g_free (images);
            g_free (xy);
          }
        g_assert_true (has_views);
      }
  }
  ui_test_wait_for (page_shows_three_weights, &w, 30, "the last run's three task weights");
  LabRunPage *page = g_object_ref (run_page (window));
  LabChart *chart = ui_test_template_child (page, LAB_TYPE_RUN_PAGE, "weights_chart");
  lab_chart_set_smoothing (chart, 0.0);
  ui_test_wait_for (drawn, chart, 30, "the weight chart on screen");
  const struct
  {
    const char *key;
    guint32 rgb;
  } tasks[] = {
    { "weight/verif", 0x1f77b4 },
    { "weight/cari", 0x7f7f7f },
    { "weight/visual", 0xff7f0e },
  };
  for (size_t t = 0; t < G_N_ELEMENTS (tasks); t++)
    {
      int shown = count_colour (window, GTK_WIDGET (chart), tasks[t].rgb);
      lab_chart_set_series_visible (chart, tasks[t].key, FALSE);
      int hidden = count_colour (window, GTK_WIDGET (chart), tasks[t].rgb);
      lab_chart_set_series_visible (chart, tasks[t].key, TRUE);
      g_test_message ("%s: %d pixels of #%06x shown, %d hidden", tasks[t].key, shown,
                      tasks[t].rgb, hidden);
      g_assert_cmpint (shown - hidden, >=, 40);
    }

  g_assert_true (run_page (window) == page);
  g_object_unref (page);
  lab_runner_stop_all (lab_window_get_runner (window));
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_drain ();
  g_assert_finalize_object (window);
}

/* ------------------------------------------------------------------------------ CLI */

typedef struct
{
  LabWindow *window;
  guint min_points;
} Points;

static gboolean
run_listed (gpointer data)
{
  LabWindow *window = data;
  lab_run_list_refresh (lab_window_get_run_list (window));
  return g_list_model_get_n_items (G_LIST_MODEL (lab_window_get_run_list (window))) > 0;
}

static gboolean
page_has_points (gpointer data)
{
  Points *p = data;
  LabRunPage *page = run_page (p->window);
  return page != NULL && points_of (page, "weight/cari") >= p->min_points;
}

static void
test_cli_watch (void)
{
  const char *cli = g_getenv ("CARILAB_CLI");
  if (cli == NULL)
    {
      g_test_skip ("CARILAB_CLI is not set (meson sets it)");
      return;
    }
  g_autofree char *db = g_build_filename (tmp_dir, "cli.db", NULL);
  LabWindow *window = g_object_ref (lab_window_new (NULL, db));
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  /* The database exists (and is migrated) before the two programs share it: the run list reads
   * it once the window's store gateway has created it. */
  gboolean refreshed = FALSE;
  gulong id = g_signal_connect_swapped (lab_window_get_run_list (window), "refreshed",
                                        G_CALLBACK (ui_test_set_flag), &refreshed);
  ui_test_wait_flag (&refreshed, "the first read of the run list");
  g_signal_handler_disconnect (lab_window_get_run_list (window), id);

  g_autoptr (GError) error = NULL;
  const int steps = 300;
  g_autofree char *steps_arg = g_strdup_printf ("schedule.steps=%d", steps);
  g_autoptr (GSubprocess) train = g_subprocess_new (
    G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, cli, "train",
    "--db", db, "--dataset", "toy", "--name", "from-cli", "--set", steps_arg, "--set",
    "schedule.flush_every=5", "--set", "schedule.checkpoint_every=1000", NULL);
  g_assert_no_error (error);

  ui_test_wait_for (run_listed, window, 60, "the CLI's run in the list");
  g_autoptr (LabRunItem) item = g_list_model_get_item (
    G_LIST_MODEL (lab_window_get_run_list (window)), 0);
  lab_window_open_run (window, lab_run_item_get_id (item));
  Points p = { window, 5 };
  ui_test_wait_for (page_has_points, &p, 60, "the first points of the CLI's run");
  guint first = points_of (run_page (window), "weight/cari");
  g_assert_cmpuint (first, <, steps);
  /* Points keep arriving while the other process trains. */
  p.min_points = first + 20;
  ui_test_wait_for (page_has_points, &p, 60, "more points of the CLI's run");

  g_assert_true (g_subprocess_wait_check (train, NULL, &error));
  g_assert_no_error (error);
  /* Everything it wrote reaches the chart: one point per step. */
  p.min_points = steps;
  ui_test_wait_for (page_has_points, &p, 30, "every step of the CLI's run");
  g_assert_cmpuint (points_of (run_page (window), "weight/cari"), ==, steps);

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_drain ();
  g_assert_finalize_object (window);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  tmp_dir = g_dir_make_tmp ("carilab-e2e-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *cache = g_build_filename (tmp_dir, "cache", NULL);
  g_autofree char *data = g_build_filename (tmp_dir, "data", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  /* A tiny SynCari and a short demo: the test looks at the wiring, not at the learning. */
  g_setenv ("CARILAB_SYNCARI_TINY", "1", TRUE);
  g_setenv ("CARILAB_DEMO_STEPS", "8,60", TRUE);

  int status = 0;
  if (ui_test_init (&argc, &argv))
    {
      g_test_add_func ("/e2e/demo", test_demo);
      g_test_add_func ("/e2e/cli-watch", test_cli_watch);
      status = g_test_run ();
    }
  ui_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
