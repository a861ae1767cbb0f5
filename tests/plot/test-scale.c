/* test-scale.c — carilab-plot's data side: ticks (nice, log, durations, the small figures'),
 * number and duration labels, the transform, the style tables (task colours, strategies' line
 * styles, roles of metric keys) and a series' smoothing, extents and decimation. */
#include <math.h>
#include <string.h>

#include "plot.h"

static void
assert_ticks (const CariPlotTicks *ticks, const double *want, guint n_want)
{
  g_assert_cmpuint (ticks->n, ==, n_want);
  for (guint i = 0; i < n_want; i++)
    g_assert_cmpfloat_with_epsilon (ticks->values[i], want[i], 1e-9 * MAX (1, fabs (want[i])));
}

static void
test_nice_ticks (void)
{
  CariPlotTicks ticks;
  static const double unit[] = { 0, 0.2, 0.4, 0.6, 0.8, 1 };
  static const double steps[] = { 0, 5000, 10000, 15000, 20000 };

  cari_plot_nice_ticks (0, 1, 6, &ticks);
  assert_ticks (&ticks, unit, G_N_ELEMENTS (unit));
  g_assert_cmpfloat (ticks.step, ==, 0.2);
  cari_plot_nice_ticks (0, 20000, 5, &ticks);
  assert_ticks (&ticks, steps, G_N_ELEMENTS (steps));
  /* Never more than asked for, whatever the range. */
  for (guint max = 2; max <= 10; max++)
    {
      cari_plot_nice_ticks (-0.37, 123.4, max, &ticks);
      g_assert_cmpuint (ticks.n, <=, max);
      g_assert_cmpuint (ticks.n, >=, 2);
      g_assert_cmpfloat (ticks.values[0], >=, -0.37);
      g_assert_cmpfloat (ticks.values[ticks.n - 1], <=, 123.4);
    }
  g_assert_cmpfloat (cari_plot_nice_step (0.3), ==, 0.5);
  g_assert_cmpfloat (cari_plot_nice_step (2.2), ==, 2.5);
}

static void
test_log_ticks (void)
{
  CariPlotTicks ticks;
  /* A loss from 0.02 to 7: the 1-2-5 mantissas. */
  static const double loss[] = { 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5 };
  static const double decades[] = { 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000 };

  cari_plot_log_ticks (0.02, 7, 10, &ticks);
  assert_ticks (&ticks, loss, G_N_ELEMENTS (loss));
  g_assert_cmpfloat (ticks.step, ==, 0);
  cari_plot_log_ticks (1e-3, 1e3, 10, &ticks);
  assert_ticks (&ticks, decades, G_N_ELEMENTS (decades));
  /* Not positive: linear ticks instead. */
  cari_plot_log_ticks (-1, 1, 5, &ticks);
  g_assert_cmpuint (ticks.n, >=, 2);
  g_assert_cmpfloat (ticks.values[0], <, 0);
}

static void
test_time_and_simple_ticks (void)
{
  CariPlotTicks ticks;
  static const double hours[] = { 0, 3600, 7200, 10800 };
  static const double fifths[] = { 0, 0.2, 0.4, 0.6, 0.8, 1 };
  static const double twos[] = { -4, -2, 0, 2, 4, 6 };

  cari_plot_time_ticks (0, 3 * 3600, 4, &ticks);
  assert_ticks (&ticks, hours, G_N_ELEMENTS (hours));
  cari_plot_simple_ticks (0, 1, 5, &ticks);
  assert_ticks (&ticks, fifths, G_N_ELEMENTS (fifths));
  cari_plot_simple_ticks (-5, 7, 6, &ticks);
  assert_ticks (&ticks, twos, G_N_ELEMENTS (twos));
  g_assert_cmpfloat (ticks.values[2], ==, 0);
  cari_plot_simple_ticks (1, 1, 5, &ticks);
  g_assert_cmpuint (ticks.n, ==, 0);
}

static void
test_labels (void)
{
  g_autofree char *thousands = cari_plot_format_number (8000, 2000);
  g_autofree char *quarter = cari_plot_format_number (0.75, 0.25);
  g_autofree char *zero = cari_plot_format_number (1e-17, 0.1);
  g_autofree char *duration = cari_plot_format_duration (5400, 1800);
  g_autofree char *days = cari_plot_format_duration (2 * 86400 + 6 * 3600, 3600);

  g_assert_cmpstr (thousands, ==, "8k");
  g_assert_cmpstr (quarter, ==, "0.75");
  g_assert_cmpstr (zero, ==, "0");
  g_assert_cmpstr (duration, ==, "1h 30m");
  g_assert_cmpstr (days, ==, "2d 6h");
}

static void
test_transform (void)
{
  CariPlotTransform t = { .x_lower = 0, .x_upper = 100, .y_lower = 1, .y_upper = 1000,
                          .log_y = TRUE, .left = 50, .top = 0, .width = 400, .height = 300 };

  g_assert_cmpfloat (cari_plot_transform_x_to_px (&t, 25), ==, 150);
  g_assert_cmpfloat_with_epsilon (cari_plot_transform_y_to_px (&t, 10), 200, 1e-9);
  g_assert_cmpfloat_with_epsilon (cari_plot_transform_px_to_y (&t, 100), 100, 1e-9);
  g_assert_true (isnan (cari_plot_transform_y_to_px (&t, 0)));
}

static void
test_style_tables (void)
{
  CariPlotStyle paper;
  CariPlotStyle dark;
  CariPlotRgba color;
  CariPlotRgba white = { 1, 1, 1, 1 };

  /* The paper's Fig. 7: verif blue, cari grey, visual orange. */
  cari_plot_style_init_paper (&paper);
  g_assert_true (paper.paper && !paper.dark);
  cari_plot_style_series_color (&paper, CARI_PLOT_ROLE_VERIF, 0, &color);
  g_assert_cmpfloat (color.red, ==, 0x1f / 255.0);
  g_assert_cmpfloat (color.green, ==, 0x77 / 255.0);
  g_assert_cmpfloat (color.blue, ==, 0xb4 / 255.0);
  cari_plot_style_series_color (&paper, CARI_PLOT_ROLE_CARI, 0, &color);
  g_assert_cmpfloat (color.red, ==, 0x7f / 255.0);
  g_assert_cmpfloat (color.blue, ==, 0x7f / 255.0);
  cari_plot_style_series_color (&paper, CARI_PLOT_ROLE_VISUAL, 0, &color);
  g_assert_cmpfloat (color.red, ==, 1);
  g_assert_cmpfloat (color.green, ==, 0x7f / 255.0);
  g_assert_cmpfloat (color.blue, ==, 0x0e / 255.0);
  /* The total takes the text colour; other series cycle through their own colours. */
  cari_plot_style_series_color (&paper, CARI_PLOT_ROLE_TOTAL, 0, &color);
  g_assert_cmpmem (&color, sizeof color, &paper.foreground, sizeof color);
  cari_plot_style_series_color (&paper, CARI_PLOT_ROLE_OTHER, 1, &color);
  g_assert_cmpmem (&color, sizeof color, &paper.others[1], sizeof color);
  cari_plot_style_series_color (&paper, CARI_PLOT_ROLE_OTHER, 1 + CARI_PLOT_N_OTHER_COLORS,
                                &color);
  g_assert_cmpmem (&color, sizeof color, &paper.others[1], sizeof color);

  /* Light text on screen: a dark style, the tasks' colours lightened. */
  cari_plot_style_init_screen (&dark, &white, "Cantarell", NULL);
  g_assert_true (dark.dark && !dark.paper);
  g_assert_cmpstr (dark.font_family, ==, "Cantarell");
  for (int r = CARI_PLOT_ROLE_VERIF; r <= CARI_PLOT_ROLE_VISUAL; r++)
    {
      CariPlotRgba *a = &paper.roles[r], *b = &dark.roles[r];
      g_assert_cmpfloat (a->red + a->green + a->blue, <, b->red + b->green + b->blue);
    }

  g_assert_cmpint (cari_plot_line_style_for_strategy ("proposed"), ==,
                   CARI_PLOT_LINE_STYLE_SOLID);
  g_assert_cmpint (cari_plot_line_style_for_strategy ("naive"), ==, CARI_PLOT_LINE_STYLE_DASHED);
  g_assert_cmpint (cari_plot_line_style_for_strategy ("static"), ==,
                   CARI_PLOT_LINE_STYLE_DOTTED);
  g_assert_cmpint (cari_plot_line_style_for_strategy (NULL), ==, CARI_PLOT_LINE_STYLE_SOLID);

  g_assert_cmpint (cari_plot_role_for_key ("weight/cari"), ==, CARI_PLOT_ROLE_CARI);
  g_assert_cmpint (cari_plot_role_for_key ("run 3/loss/verif"), ==, CARI_PLOT_ROLE_VERIF);
  g_assert_cmpint (cari_plot_role_for_key ("loss/l4"), ==, CARI_PLOT_ROLE_L4);
  g_assert_cmpint (cari_plot_role_for_key ("val/visual_acc"), ==, CARI_PLOT_ROLE_VAL);
  g_assert_cmpint (cari_plot_role_for_key ("lr"), ==, CARI_PLOT_ROLE_OTHER);

  g_assert_cmphex (cari_plot_palette (0), ==, 0x1f77b4);
  g_assert_cmphex (cari_plot_palette (CARI_PLOT_PALETTE_SIZE + 1), ==, cari_plot_palette (1));
}

static void
test_line_styles (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 4, 4);
  cairo_t *cr = cairo_create (surface);
  double dashes[2];

  cari_plot_set_line_style (cr, CARI_PLOT_LINE_STYLE_DASHED, 2);
  g_assert_cmpfloat (cairo_get_line_width (cr), ==, 2);
  g_assert_cmpint (cairo_get_dash_count (cr), ==, 2);
  cairo_get_dash (cr, dashes, NULL);
  g_assert_cmpfloat (dashes[0], >, dashes[1]);
  /* Dotted: near-zero dashes with round caps, round dots as wide as the line. */
  cari_plot_set_line_style (cr, CARI_PLOT_LINE_STYLE_DOTTED, 1.75);
  g_assert_cmpint (cairo_get_dash_count (cr), ==, 2);
  cairo_get_dash (cr, dashes, NULL);
  g_assert_cmpfloat (dashes[0], <, 0.5);
  g_assert_cmpint (cairo_get_line_cap (cr), ==, CAIRO_LINE_CAP_ROUND);
  cari_plot_set_line_style (cr, CARI_PLOT_LINE_STYLE_SOLID, 1);
  g_assert_cmpint (cairo_get_dash_count (cr), ==, 0);
  g_assert_cmpint (cairo_get_line_cap (cr), ==, CAIRO_LINE_CAP_BUTT);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_series (void)
{
  g_autoptr (CariPlotSeries) series = cari_plot_series_new ("loss/cari");
  const CariPlotPoint points[] = {
    { 0, 100, 4 }, { 10, 101, 2 }, { 5, 102, 9 }, { 20, 99, NAN }, { 30, 104, 1 },
  };
  double min, max;
  CariPlotColumn columns[3];

  /* The point that goes back in steps is dropped; a wall time that goes back is held. */
  g_assert_cmpuint (cari_plot_series_append (series, points, G_N_ELEMENTS (points)), ==, 4);
  g_assert_cmpuint (cari_plot_series_get_n_points (series), ==, 4);
  g_assert_cmpfloat (cari_plot_series_peek_wall_times (series)[2], ==, 101);
  g_assert_cmpfloat (cari_plot_series_get_x (series, CARI_PLOT_X_AXIS_WALL_TIME, 100, 3), ==, 4);

  /* Extents skip non-finite values; positive_only gives the smallest positive. */
  g_assert_true (cari_plot_series_get_y_extent (series, 0, 4, FALSE, FALSE, &min, &max));
  g_assert_cmpfloat (min, ==, 1);
  g_assert_cmpfloat (max, ==, 4);
  g_assert_cmpint (cari_plot_series_nearest_index (series, CARI_PLOT_X_AXIS_STEP, 0, 14), ==, 1);
  g_assert_cmpuint (cari_plot_series_lower_bound (series, CARI_PLOT_X_AXIS_STEP, 0, 10), ==, 1);
  g_assert_cmpuint (cari_plot_series_upper_bound (series, CARI_PLOT_X_AXIS_STEP, 0, 10), ==, 2);

  /* The debiased EMA starts at the first value and passes NaN through. */
  g_assert_true (cari_plot_series_set_smoothing (series, 0.5));
  g_assert_false (cari_plot_series_set_smoothing (series, 0.5));
  g_assert_cmpfloat (cari_plot_series_peek_values (series, TRUE)[0], ==, 4);
  /* (0.5·0.5·4 + 0.5·2) / (1 − 0.25) = 2 / 0.75 */
  g_assert_cmpfloat_with_epsilon (cari_plot_series_peek_values (series, TRUE)[1], 2 / 0.75,
                                  1e-12);
  g_assert_true (isnan (cari_plot_series_peek_values (series, TRUE)[2]));

  cari_plot_series_decimate (series, CARI_PLOT_X_AXIS_STEP, 0, FALSE, 0, 30, 3, columns);
  g_assert_cmpuint (columns[0].n, ==, 1);
  g_assert_cmpuint (columns[1].n, ==, 1);
  g_assert_cmpuint (columns[2].n, ==, 2);
  g_assert_cmpfloat (columns[2].min, ==, 1);
  g_assert_cmpfloat (columns[2].max, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot/ticks/nice", test_nice_ticks);
  g_test_add_func ("/plot/ticks/log", test_log_ticks);
  g_test_add_func ("/plot/ticks/time-and-simple", test_time_and_simple_ticks);
  g_test_add_func ("/plot/labels", test_labels);
  g_test_add_func ("/plot/transform", test_transform);
  g_test_add_func ("/plot/style/tables", test_style_tables);
  g_test_add_func ("/plot/style/line-styles", test_line_styles);
  g_test_add_func ("/plot/series", test_series);
  return g_test_run ();
}
