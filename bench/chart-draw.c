/* chart-draw.c — how long LabChart takes to draw a million points against a thousand, and a
 * demo window of the Live page's two linked charts (for screenshots)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   chart-draw [--rounds N]          median lab_chart_draw() time, 3 series of 1k vs of 1M
 *                                    points, onto a 1200×400 ARGB32 image, side by side
 *   chart-draw --show [--dark] [--hover STEP] [--quit-after S]
 *                                    the demo window: task weights over losses, linked
 *   chart-draw --export DIR          the demo charts as PNG, SVG, PDF and CSV in DIR
 *
 * Needs a display (run it under xvfb-run): LabChart is a widget.
 */

#include "lab-config.h"

#include <math.h>
#include <stdlib.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lab-chart.h"

#define BENCH_WIDTH 1200
#define BENCH_HEIGHT 400

/* Synthetic training curves. */

static double
gaussian (GRand *rand)
{
  double u = g_rand_double_range (rand, 1e-12, 1);
  double v = g_rand_double (rand);

  return sqrt (-2 * log (u)) * cos (2 * G_PI * v);
}

/* The paper's story (Fig. 7): cari is the hard task with the largest loss; the proposed
 * strategy gives it the most weight early on and evens the weights out as it catches up;
 * the naive one favours the easy task (smallest loss) and stays there. */
static void
demo_fill (LabChartModel *weights,
           LabChartModel *losses,
           guint          n_steps,
           guint          seed)
{
  static const char *const keys[3][3] = {
    { "weight/verif", "weight/cari", "weight/visual" },
    { "naive/weight/verif", "naive/weight/cari", "naive/weight/visual" },
    { "loss/verif", "loss/cari", "loss/visual" },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (LabMetricRow));
  double naive_w[3] = { 1.0 / 3, 1.0 / 3, 1.0 / 3 };

  for (guint step = 0; step < n_steps; step += 10)
    {
      double t = step;
      double wall = 1700000000 + step * 0.35;
      double loss[3];
      double weight[3];
      double sum = 0;
      double total = 0;
      double l4;

      loss[0] = (0.25 + 0.45 * exp (-t / 4000)) * (1 + 0.08 * gaussian (rand));
      loss[1] = (1.3 + 4.7 * exp (-t / 7000)) * (1 + 0.08 * gaussian (rand));
      loss[2] = (0.6 + 4.0 * exp (-t / 2500)) * (1 + 0.08 * gaussian (rand));

      for (guint k = 0; k < 3; k++)
        {
          double expected = k == 0 ? 0.25 + 0.45 * exp (-t / 4000)
                             : k == 1 ? 1.3 + 4.7 * exp (-t / 7000)
                                      : 0.6 + 4.0 * exp (-t / 2500);

          weight[k] = exp (expected / 1.6) * (1 + 0.05 * gaussian (rand));
          sum += weight[k];
        }
      for (guint k = 0; k < 3; k++)
        {
          weight[k] /= sum;
          total += weight[k] * loss[k];
        }
      l4 = (0.04 + 0.25 * exp (-t / 1500)) * (1 + 0.15 * gaussian (rand));
      total += l4;

      /* naive: weight grows for the task with the smallest loss */
      sum = 0;
      for (guint k = 0; k < 3; k++)
        {
          naive_w[k] *= exp (0.002 * (2.0 - loss[k]));
          sum += naive_w[k];
        }
      for (guint k = 0; k < 3; k++)
        naive_w[k] /= sum;

      for (guint k = 0; k < 3; k++)
        {
          double values[3] = { weight[k], naive_w[k], loss[k] };

          for (guint m = 0; m < 3; m++)
            g_array_append_val (rows, ((LabMetricRow) { keys[m][k], step, wall, values[m] }));
        }
      g_array_append_val (rows, ((LabMetricRow) { "loss/l4", step, wall, l4 }));
      g_array_append_val (rows, ((LabMetricRow) { "loss/total", step, wall, total }));
    }

  /* Each model takes the rows of its own keys, in one batch as from the store. */
  if (weights != NULL)
    lab_chart_model_append_rows (weights, (LabMetricRow *) (gpointer) rows->data, rows->len);
  if (losses != NULL)
    lab_chart_model_append_rows (losses, (LabMetricRow *) (gpointer) rows->data, rows->len);
}

static void
demo_add_tasks (LabChartModel *model,
                const char    *prefix,
                const char    *suffix,
                LabLineStyle   style)
{
  const char *tasks[] = { "verif", "cari", "visual" };

  for (guint k = 0; k < G_N_ELEMENTS (tasks); k++)
    {
      g_autofree char *key = g_strconcat (prefix, tasks[k], NULL);
      g_autofree char *label = g_strconcat (tasks[k], suffix, NULL);

      lab_chart_model_add_series (model, key, label, lab_series_role_for_key (key), style);
    }
}

/* The Live page's pair, plus the naive strategy's weights for comparison (dashed). */
static void
demo_charts (LabChart **weights_out,
             LabChart **losses_out,
             gboolean   with_naive)
{
  LabChart *weights = LAB_CHART (lab_chart_new ());
  LabChart *losses = LAB_CHART (lab_chart_new ());
  g_autoptr(LabChartModel) weights_model = lab_chart_model_new ();
  g_autoptr(LabChartModel) losses_model = lab_chart_model_new ();

  demo_add_tasks (weights_model, "weight/", with_naive ? " (proposed)" : "",
                  LAB_LINE_STYLE_SOLID);
  if (with_naive)
    demo_add_tasks (weights_model, "naive/weight/", " (naive)", LAB_LINE_STYLE_DASHED);
  demo_add_tasks (losses_model, "loss/", "", LAB_LINE_STYLE_SOLID);
  lab_chart_model_add_series (losses_model, "loss/l4", "L4", LAB_SERIES_ROLE_L4,
                              LAB_LINE_STYLE_SOLID);
  lab_chart_model_add_series (losses_model, "loss/total", _("total"), LAB_SERIES_ROLE_TOTAL,
                              LAB_LINE_STYLE_SOLID);
  demo_fill (weights_model, losses_model, 20000, 1);

  lab_chart_set_model (weights, weights_model);
  lab_chart_set_title (weights, _("Task weights"));
  lab_chart_set_y_label (weights, _("Weight"));
  lab_chart_set_model (losses, losses_model);
  lab_chart_set_title (losses, _("Losses"));
  lab_chart_set_y_label (losses, _("Loss"));
  lab_chart_set_series_visible (losses, "loss/total", FALSE);
  lab_chart_link_x (weights, losses);

  *weights_out = weights;
  *losses_out = losses;
}

/* The demo window. */

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static int
run_show (double hover_step,
          double quit_after)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  LabChart *weights;
  LabChart *losses;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  demo_charts (&weights, &losses, FALSE);
  gtk_widget_set_vexpand (GTK_WIDGET (weights), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (losses), TRUE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (weights));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (losses));

  gtk_window_set_title (GTK_WINDOW (window), _("Chart demo"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_set_child (GTK_WINDOW (window), box);
  g_signal_connect_swapped (window, "destroy", G_CALLBACK (g_main_loop_quit), loop);
  if (!isnan (hover_step))
    lab_chart_set_hover_x (weights, hover_step);
  if (quit_after > 0)
    g_timeout_add ((guint) (quit_after * 1000), quit_loop, loop);

  gtk_window_present (GTK_WINDOW (window));
  g_main_loop_run (loop);
  return 0;
}

static int
run_export (const char *dir)
{
  LabChart *weights;
  LabChart *losses;
  const char *names[] = { "weights", "losses" };
  const char *extensions[] = { "png", "svg", "pdf" };
  g_autoptr(GError) error = NULL;

  demo_charts (&weights, &losses, TRUE);
  g_object_ref_sink (weights);
  g_object_ref_sink (losses);
  lab_chart_set_log_y (losses, TRUE);
  g_mkdir_with_parents (dir, 0755);

  for (guint c = 0; c < 2; c++)
    {
      LabChart *chart = c == 0 ? weights : losses;
      g_autofree char *csv = g_strdup_printf ("%s/%s.csv", dir, names[c]);

      for (LabChartFormat f = LAB_CHART_FORMAT_PNG; f <= LAB_CHART_FORMAT_PDF; f++)
        {
          g_autofree char *path = g_strdup_printf ("%s/%s.%s", dir, names[c], extensions[f]);

          if (!lab_chart_export (chart, path, f, 640, 300, &error))
            {
              g_printerr ("%s\n", error->message);
              return 1;
            }
          g_print ("%s\n", path);
        }
      if (!lab_chart_export_csv (chart, csv, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_print ("%s\n", csv);
    }

  g_object_unref (weights);
  g_object_unref (losses);
  return 0;
}

/* The benchmark. */

static LabChart *
bench_chart (guint n_points)
{
  LabChart *chart = g_object_ref_sink (LAB_CHART (lab_chart_new ()));
  g_autoptr(LabChartModel) model = lab_chart_model_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (n_points);
  const char *keys[] = { "loss/verif", "loss/cari", "loss/visual" };
  LabPoint *points = g_new (LabPoint, n_points);

  lab_chart_set_model (chart, model);
  lab_chart_set_title (chart, "Losses");
  lab_chart_set_y_label (chart, "loss");
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      LabSeries *series = lab_chart_model_add_series (model, keys[k], keys[k] + 5,
                                                      lab_series_role_for_key (keys[k]),
                                                      LAB_LINE_STYLE_SOLID);

      /* The same curves over the same steps, sampled 1000 times more densely. */
      for (guint i = 0; i < n_points; i++)
        {
          double t = (double) i / n_points;

          points[i].step = t * 20000;
          points[i].wall_time = t * 7000;
          points[i].value = (0.5 + k + 4 * exp (-5 * t)) * (1 + 0.08 * gaussian (rand));
        }
      lab_series_append_points (series, points, n_points);
    }

  g_free (points);
  return chart;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
time_draw (LabChart *chart,
           cairo_t  *cr)
{
  gint64 start;

  cairo_save (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_paint (cr);
  cairo_restore (cr);

  start = g_get_monotonic_time ();
  lab_chart_draw (chart, cr, BENCH_WIDTH, BENCH_HEIGHT);
  cairo_surface_flush (cairo_get_target (cr));
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
run_bench (guint rounds)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, BENCH_WIDTH,
                                                         BENCH_HEIGHT);
  cairo_t *cr = cairo_create (surface);
  g_autofree double *small_ms = g_new (double, rounds);
  g_autofree double *large_ms = g_new (double, rounds);
  LabChart *small;
  LabChart *large;
  gint64 start;
  double build_ms;
  double small_median;
  double large_median;

  small = bench_chart (1000);
  start = g_get_monotonic_time ();
  large = bench_chart (1000000);
  build_ms = (g_get_monotonic_time () - start) / 1000.0;

  /* Warm caches and fonts, then alternate so that both see the same machine. */
  time_draw (small, cr);
  time_draw (large, cr);
  for (guint r = 0; r < rounds; r++)
    {
      small_ms[r] = time_draw (small, cr);
      large_ms[r] = time_draw (large, cr);
    }

  qsort (small_ms, rounds, sizeof (double), compare_doubles);
  qsort (large_ms, rounds, sizeof (double), compare_doubles);
  small_median = small_ms[rounds / 2];
  large_median = large_ms[rounds / 2];

  g_print ("lab_chart_draw, %d×%d ARGB32, 3 series, smoothing %.1f, median of %u draws:\n",
           BENCH_WIDTH, BENCH_HEIGHT, lab_chart_get_smoothing (small), rounds);
  g_print ("  3 × 1k points   %8.2f ms  (min %.2f, max %.2f)\n", small_median, small_ms[0],
           small_ms[rounds - 1]);
  g_print ("  3 × 1M points   %8.2f ms  (min %.2f, max %.2f)\n", large_median, large_ms[0],
           large_ms[rounds - 1]);
  g_print ("  ratio 1M / 1k   %8.2f\n", large_median / small_median);
  g_print ("  (building the 3 × 1M series: %.0f ms)\n", build_ms);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  g_object_unref (small);
  g_object_unref (large);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  gboolean show = FALSE;
  gboolean dark = FALSE;
  char *export_dir = NULL;
  int rounds = 25;
  double hover_step = NAN;
  double quit_after = 0;
  const GOptionEntry entries[] = {
    { "show", 0, 0, G_OPTION_ARG_NONE, &show, "Show the demo window", NULL },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, "Use the dark style", NULL },
    { "hover", 0, 0, G_OPTION_ARG_DOUBLE, &hover_step, "Show the hover readout at STEP", "STEP" },
    { "quit-after", 0, 0, G_OPTION_ARG_DOUBLE, &quit_after, "Close the window after S seconds",
      "S" },
    { "export", 0, 0, G_OPTION_ARG_FILENAME, &export_dir, "Export the demo charts to DIR",
      "DIR" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Draws to time for each size (default 25)",
      "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— LabChart draw benchmark and demo");
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || rounds < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--rounds must be at least 1");
      return 2;
    }

  if (!gtk_init_check ())
    {
      g_printerr ("chart-draw needs a display: run it under xvfb-run\n");
      return 1;
    }
  adw_init ();
  if (dark)
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                        ADW_COLOR_SCHEME_FORCE_DARK);

  if (show)
    status = run_show (hover_step, quit_after);
  else if (export_dir != NULL)
    status = run_export (export_dir);
  else
    status = run_bench ((guint) rounds);

  g_free (export_dir);
  return status;
}
