/* test-chart.c — LabChart and its model: mapping, ticks, smoothing, decimation, hover lookup,
 * the view while data arrive, linked axes, export and CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <zlib.h>

#include "lab-chart-private.h"
#include "ui-test-util.h"

/* Helpers. */

static char *
temp_path (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("test-chart-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static void
remove_temp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

/* A chart of its own with a model; the caller unrefs both and asserts they finalize. */
static LabChart *
new_chart (LabChartModel **model)
{
  LabChart *chart = g_object_ref_sink (LAB_CHART (lab_chart_new ()));

  *model = lab_chart_model_new ();
  lab_chart_set_model (chart, *model);
  return chart;
}

static void
append_line (LabSeries *series,
             guint      first,
             guint      last,
             double     slope)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (LabPoint));

  for (guint i = first; i <= last; i++)
    {
      LabPoint point = { i, 1000 + 2.0 * i, slope * i };

      g_array_append_val (points, point);
    }
  lab_series_append_points (series, (LabPoint *) (gpointer) points->data, points->len);
}

static void
assert_range (LabChart *chart,
              double    lower,
              double    upper)
{
  double low;
  double high;

  lab_chart_get_x_range (chart, &low, &high);
  g_assert_cmpfloat_with_epsilon (low, lower, 1e-9);
  g_assert_cmpfloat_with_epsilon (high, upper, 1e-9);
}

/* Mapping. */

static void
test_chart_transform (void)
{
  LabChartTransform t = {
    .x_lower = 0, .x_upper = 100, .y_lower = 0, .y_upper = 10, .log_y = FALSE,
    .left = 50, .top = 20, .width = 400, .height = 200,
  };

  g_assert_cmpfloat (lab_chart_transform_x_to_px (&t, 0), ==, 50);
  g_assert_cmpfloat (lab_chart_transform_x_to_px (&t, 25), ==, 150);
  g_assert_cmpfloat (lab_chart_transform_x_to_px (&t, 100), ==, 450);
  g_assert_cmpfloat (lab_chart_transform_y_to_px (&t, 0), ==, 220);
  g_assert_cmpfloat (lab_chart_transform_y_to_px (&t, 2.5), ==, 170);
  g_assert_cmpfloat (lab_chart_transform_y_to_px (&t, 10), ==, 20);

  g_assert_cmpfloat (lab_chart_transform_px_to_x (&t, 150), ==, 25);
  g_assert_cmpfloat (lab_chart_transform_px_to_x (&t, 50), ==, 0);
  g_assert_cmpfloat (lab_chart_transform_px_to_y (&t, 170), ==, 2.5);
  g_assert_cmpfloat (lab_chart_transform_px_to_y (&t, 20), ==, 10);

  /* Outside the plot the mapping goes on linearly (the line to a neighbour off-screen). */
  g_assert_cmpfloat (lab_chart_transform_x_to_px (&t, -50), ==, -150);
  g_assert_cmpfloat (lab_chart_transform_y_to_px (&t, 20), ==, -180);

  /* A shifted range. */
  t.x_lower = 1000;
  t.x_upper = 3000;
  t.y_lower = -1;
  t.y_upper = 1;
  g_assert_cmpfloat (lab_chart_transform_x_to_px (&t, 2000), ==, 250);
  g_assert_cmpfloat (lab_chart_transform_y_to_px (&t, 0), ==, 120);
  g_assert_cmpfloat (lab_chart_transform_y_to_px (&t, 0.5), ==, 70);
  g_assert_cmpfloat (lab_chart_transform_px_to_y (&t, 70), ==, 0.5);
}

static void
test_chart_transform_log (void)
{
  LabChartTransform t = {
    .x_lower = 0, .x_upper = 1, .y_lower = 1, .y_upper = 1000, .log_y = TRUE,
    .left = 0, .top = 0, .width = 100, .height = 300,
  };

  g_assert_cmpfloat_with_epsilon (lab_chart_transform_y_to_px (&t, 1), 300, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_chart_transform_y_to_px (&t, 10), 200, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_chart_transform_y_to_px (&t, 100), 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_chart_transform_y_to_px (&t, 1000), 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_chart_transform_y_to_px (&t, sqrt (10)), 250, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_chart_transform_px_to_y (&t, 150), pow (10, 1.5), 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_chart_transform_px_to_y (&t, 200), 10, 1e-9);

  /* No place on a log axis for zero or less: a gap. */
  g_assert_true (isnan (lab_chart_transform_y_to_px (&t, 0)));
  g_assert_true (isnan (lab_chart_transform_y_to_px (&t, -3)));
}

/* Ticks and labels. */

static void
assert_ticks (const LabChartTicks *ticks,
              const double        *expected,
              guint                n)
{
  g_assert_cmpuint (ticks->n, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (ticks->values[i], expected[i],
                                    1e-12 * MAX (1, fabs (expected[i])));
}

static void
test_chart_ticks (void)
{
  LabChartTicks ticks;
  g_autofree char *k = NULL;
  g_autofree char *quarter = NULL;
  g_autofree char *tenth = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *hour = NULL;
  g_autofree char *seconds = NULL;

  /* At most max_ticks: six fit 0.2 apart, five need 0.25. */
  lab_chart_nice_ticks (0, 1, 6, &ticks);
  assert_ticks (&ticks, (double[]) { 0, 0.2, 0.4, 0.6, 0.8, 1 }, 6);
  g_assert_cmpfloat_with_epsilon (ticks.step, 0.2, 1e-12);
  lab_chart_nice_ticks (0, 1, 5, &ticks);
  assert_ticks (&ticks, (double[]) { 0, 0.25, 0.5, 0.75, 1 }, 5);

  lab_chart_nice_ticks (0, 7, 4, &ticks);
  assert_ticks (&ticks, (double[]) { 0, 2, 4, 6 }, 4);

  lab_chart_nice_ticks (-0.05, 1.05, 6, &ticks);
  assert_ticks (&ticks, (double[]) { 0, 0.2, 0.4, 0.6, 0.8, 1 }, 6);

  lab_chart_nice_ticks (0, 100000, 6, &ticks);
  assert_ticks (&ticks, (double[]) { 0, 20000, 40000, 60000, 80000, 100000 }, 6);

  lab_chart_log_ticks (0.01, 10, 6, &ticks);
  assert_ticks (&ticks, (double[]) { 0.01, 0.1, 1, 10 }, 4);
  lab_chart_log_ticks (0.15, 0.9, 6, &ticks);
  assert_ticks (&ticks, (double[]) { 0.2, 0.5 }, 2);
  lab_chart_log_ticks (0.02, 7, 9, &ticks);
  assert_ticks (&ticks, (double[]) { 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5 }, 8);
  lab_chart_log_ticks (0.02, 7, 6, &ticks);
  assert_ticks (&ticks, (double[]) { 0.03, 0.1, 0.3, 1, 3 }, 5);
  lab_chart_log_ticks (0.02, 7, 4, &ticks);
  assert_ticks (&ticks, (double[]) { 0.1, 1 }, 2);
  lab_chart_log_ticks (1.5, 1.9, 5, &ticks);
  assert_ticks (&ticks, (double[]) { 1.5, 1.6, 1.7, 1.8, 1.9 }, 5);

  lab_chart_time_ticks (0, 4 * 3600, 5, &ticks);
  assert_ticks (&ticks, (double[]) { 0, 3600, 7200, 10800, 14400 }, 5);
  g_assert_cmpfloat (ticks.step, ==, 3600);

  k = lab_chart_format_number (8000, 2000);
  g_assert_cmpstr (k, ==, "8k");
  quarter = lab_chart_format_number (0.75, 0.25);
  g_assert_cmpstr (quarter, ==, "0.75");
  tenth = lab_chart_format_number (0.2, 0.2);
  g_assert_cmpstr (tenth, ==, "0.2");
  duration = lab_chart_format_duration (5400, 1800);
  g_assert_cmpstr (duration, ==, "1h 30m");
  hour = lab_chart_format_duration (3600, 3600);
  g_assert_cmpstr (hour, ==, "1h");
  seconds = lab_chart_format_duration (125, 5);
  g_assert_cmpstr (seconds, ==, "2m 5s");
}

/* Smoothing. */

static void
test_chart_ema (void)
{
  g_autoptr(LabSeries) series = lab_series_new ("loss/cari", NULL, LAB_SERIES_ROLE_CARI,
                                                LAB_LINE_STYLE_SOLID);
  g_autoptr(LabSeries) gap = lab_series_new ("loss/verif", NULL, LAB_SERIES_ROLE_VERIF,
                                             LAB_LINE_STYLE_SOLID);
  g_autoptr(LabSeries) late = lab_series_new ("loss/visual", NULL, LAB_SERIES_ROLE_VISUAL,
                                              LAB_LINE_STYLE_SOLID);

  lab_series_set_smoothing (series, 0.5);
  lab_series_append (series, 0, 0, 1);
  lab_series_append (series, 1, 1, 2);
  lab_series_append (series, 2, 2, 3);

  /* ema_t = 0.5·ema_{t−1} + 0.5·v_t from 0: 0.5, 1.25, 2.125; debiased by 1 − 0.5^t:
   * 0.5/0.5 = 1, 1.25/0.75 = 5/3, 2.125/0.875 = 17/7. */
  g_assert_cmpfloat_with_epsilon (lab_series_get_smoothed (series, 0), 1, 1e-12);
  g_assert_cmpfloat_with_epsilon (lab_series_get_smoothed (series, 1), 5.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (lab_series_get_smoothed (series, 2), 17.0 / 7, 1e-12);

  /* Changing the weight recomputes from the start: w = 0.9 gives
   * 0.1/0.1 = 1, (0.09 + 0.2)/0.19 = 29/19, (0.261 + 0.3)/0.271 = 561/271. */
  lab_series_set_smoothing (series, 0.9);
  g_assert_cmpfloat_with_epsilon (lab_series_get_smoothed (series, 0), 1, 1e-12);
  g_assert_cmpfloat_with_epsilon (lab_series_get_smoothed (series, 1), 29.0 / 19, 1e-12);
  g_assert_cmpfloat_with_epsilon (lab_series_get_smoothed (series, 2), 561.0 / 271, 1e-12);

  /* Zero: the values themselves. */
  lab_series_set_smoothing (series, 0);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpfloat (lab_series_get_smoothed (series, i), ==, i + 1);

  /* Beyond the maximum: clamped. */
  lab_series_set_smoothing (series, 2);
  g_assert_cmpfloat (lab_series_get_smoothing (series), ==, LAB_SERIES_MAX_SMOOTHING);

  /* A NaN passes through and leaves the average alone: 1, NaN, (0.25 + 1.5)/0.75 = 7/3. */
  lab_series_set_smoothing (gap, 0.5);
  lab_series_append (gap, 0, 0, 1);
  lab_series_append (gap, 1, 1, NAN);
  lab_series_append (gap, 2, 2, 3);
  g_assert_cmpfloat_with_epsilon (lab_series_get_smoothed (gap, 0), 1, 1e-12);
  g_assert_true (isnan (lab_series_get_smoothed (gap, 1)));
  g_assert_cmpfloat_with_epsilon (lab_series_get_smoothed (gap, 2), 7.0 / 3, 1e-12);

  /* Appending after setting the weight gives what setting it after appending gives. */
  lab_series_set_smoothing (late, 0.7);
  append_line (late, 0, 40, 0.25);
  lab_series_set_smoothing (series, 0);
  lab_series_set_smoothing (series, 0.7);
  {
    g_autoptr(LabSeries) batch = lab_series_new ("b", NULL, LAB_SERIES_ROLE_OTHER,
                                                 LAB_LINE_STYLE_SOLID);

    append_line (batch, 0, 40, 0.25);
    lab_series_set_smoothing (batch, 0.7);
    for (guint i = 0; i <= 40; i++)
      g_assert_cmpfloat_with_epsilon (lab_series_get_smoothed (late, i),
                                      lab_series_get_smoothed (batch, i), 1e-12);
  }
}

/* Decimation. */

#define MILLION 1000000u
#define SPIKE_INDEX 500123u
#define DIP_INDEX 700001u

static LabSeries *
new_million_series (void)
{
  LabSeries *series = lab_series_new ("loss/total", NULL, LAB_SERIES_ROLE_TOTAL,
                                      LAB_LINE_STYLE_SOLID);
  LabPoint *points = g_new (LabPoint, MILLION);

  for (guint i = 0; i < MILLION; i++)
    {
      points[i].step = i;
      points[i].wall_time = i * 0.01;
      /* A small sawtooth, one spike up and one down. */
      points[i].value = (i % 7) * 0.1;
    }
  points[SPIKE_INDEX].value = 100;
  points[DIP_INDEX].value = -50;
  lab_series_append_points (series, points, MILLION);
  g_free (points);

  return series;
}

static void
test_chart_decimation (void)
{
  g_autoptr(LabSeries) series = new_million_series ();
  const guint width = 800;
  LabChartTransform t = {
    .x_lower = 0, .x_upper = MILLION - 1, .y_lower = -60, .y_upper = 110, .log_y = FALSE,
    .left = 0, .top = 0, .width = width, .height = 400,
  };
  g_autofree LabColumn *columns = g_new0 (LabColumn, width);
  LabSeriesShape shape;
  GArray *vertices;
  guint total = 0;
  guint spike_column = G_MAXUINT;
  guint dip_column = G_MAXUINT;
  gboolean spike_drawn = FALSE;
  gboolean dip_drawn = FALSE;
  double spike_py = lab_chart_transform_y_to_px (&t, 100);
  double dip_py = lab_chart_transform_y_to_px (&t, -50);

  lab_series_decimate (series, LAB_X_AXIS_STEP, 0, FALSE, t.x_lower, t.x_upper, width, columns);
  for (guint c = 0; c < width; c++)
    {
      total += columns[c].n;
      if (columns[c].n > 0 && SPIKE_INDEX >= columns[c].first && SPIKE_INDEX <= columns[c].last)
        spike_column = c;
      if (columns[c].n > 0 && DIP_INDEX >= columns[c].first && DIP_INDEX <= columns[c].last)
        dip_column = c;
      if (c > 0 && columns[c].n > 0 && columns[c - 1].n > 0)
        g_assert_cmpuint (columns[c].first, ==, columns[c - 1].last + 1);
    }

  /* Every point lands in exactly one column, in order. */
  g_assert_cmpuint (total, ==, MILLION);
  g_assert_cmpuint (columns[0].first, ==, 0);
  g_assert_cmpuint (columns[width - 1].last, ==, MILLION - 1);

  /* The spike and the dip survive as their column's max and min. */
  g_assert_cmpuint (spike_column, ==, (guint) (SPIKE_INDEX * (double) width / (MILLION - 1)));
  g_assert_cmpfloat (columns[spike_column].max, ==, 100);
  g_assert_cmpfloat (columns[spike_column].min, ==, 0);
  g_assert_cmpfloat (columns[dip_column].min, ==, -50);
  g_assert_cmpfloat (columns[dip_column].max, ==, 0.6000000000000001);
  g_assert_cmpfloat (columns[dip_column + 1].min, ==, 0);

  /* What gets drawn: the band of the columns, an upper and a lower vertex per column (no
   * neighbours outside the full view), the spike and dip among them. */
  lab_series_build_shape (series, &t, LAB_X_AXIS_STEP, 0, FALSE, width, &shape);
  vertices = shape.vertices;
  g_assert_true (shape.band);
  g_assert_cmpuint (vertices->len, <=, 4 * width);
  g_assert_cmpuint (vertices->len, ==, 2 * width);
  for (guint i = 0; i < vertices->len; i++)
    {
      const LabVertex *v = &g_array_index (vertices, LabVertex, i);

      /* Upper edge left to right, then lower edge right to left. */
      g_assert_cmpfloat (v->x, ==, (i < width ? i : 2 * width - 1 - i) + 0.5);
      spike_drawn |= i < width && fabs (v->y - spike_py) < 1e-9 && v->x >= spike_column
                     && v->x <= spike_column + 1;
      dip_drawn |= i >= width && fabs (v->y - dip_py) < 1e-9 && v->x >= dip_column
                   && v->x <= dip_column + 1;
      g_assert_true (v->move_to == (i == 0));
    }
  g_assert_true (spike_drawn);
  g_assert_true (dip_drawn);
  lab_series_shape_clear (&shape);

  /* Zoomed in to a few points: every point is a vertex, plus one neighbour on each side. */
  t.x_lower = SPIKE_INDEX - 10;
  t.x_upper = SPIKE_INDEX + 10;
  lab_series_build_shape (series, &t, LAB_X_AXIS_STEP, 0, FALSE, width, &shape);
  vertices = shape.vertices;
  g_assert_false (shape.band);
  g_assert_cmpuint (vertices->len, ==, 21 + 2);
  g_assert_cmpfloat (g_array_index (vertices, LabVertex, 11).y, ==, spike_py);
  g_assert_cmpfloat (g_array_index (vertices, LabVertex, 11).x, ==, 400);
  lab_series_shape_clear (&shape);

  /* Half the series in view: the band runs from the neighbour left of the view to the right
   * edge, at most 4 vertices per column all told. */
  t.x_lower = MILLION / 2;
  t.x_upper = MILLION - 1;
  lab_series_build_shape (series, &t, LAB_X_AXIS_STEP, 0, FALSE, width, &shape);
  g_assert_true (shape.band);
  g_assert_cmpuint (shape.vertices->len, ==, 2 * (width + 1));
  g_assert_cmpuint (shape.vertices->len, <=, 4 * width);
  g_assert_cmpfloat (g_array_index (shape.vertices, LabVertex, 0).x, <, 0);
  g_assert_cmpfloat (g_array_index (shape.vertices, LabVertex, 0).x, >, -1);
  lab_series_shape_clear (&shape);
}

/* Zoomed far in between two points a trillion steps apart: the segment between them is
 * clipped to just outside the plot (Cairo's coordinates would overflow), keeping its slope. */
static void
test_chart_far_neighbours (void)
{
  g_autoptr(LabSeries) series = lab_series_new ("lr", NULL, LAB_SERIES_ROLE_OTHER,
                                                LAB_LINE_STYLE_SOLID);
  LabChartTransform t = {
    .x_lower = 1, .x_upper = 2, .y_lower = 0, .y_upper = 10, .log_y = FALSE,
    .left = 0, .top = 0, .width = 100, .height = 100,
  };
  LabSeriesShape shape;
  const LabVertex *v;

  lab_series_append (series, 0, 0, 0);
  lab_series_append (series, 1e12, 1, 10);
  lab_series_build_shape (series, &t, LAB_X_AXIS_STEP, 0, FALSE, 100, &shape);
  g_assert_false (shape.band);
  g_assert_cmpuint (shape.vertices->len, ==, 2);
  v = (const LabVertex *) (gconstpointer) shape.vertices->data;
  g_assert_cmpfloat (v[0].x, ==, -2);
  g_assert_cmpfloat (v[1].x, ==, 102);
  /* The line rises 10 over 1e12 steps: flat at the bottom across the plot. */
  g_assert_cmpfloat_with_epsilon (v[0].y, 100, 1e-6);
  g_assert_cmpfloat_with_epsilon (v[1].y, 100, 1e-6);
  lab_series_shape_clear (&shape);
}

/* The pyramid against a plain loop, on random ranges of random data. */
static void
test_chart_extent_query (void)
{
  g_autoptr(LabSeries) series = lab_series_new ("weight/cari", NULL, LAB_SERIES_ROLE_CARI,
                                                LAB_LINE_STYLE_SOLID);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const guint n = 100003;
  g_autofree LabPoint *points = g_new (LabPoint, n);

  for (guint i = 0; i < n; i++)
    {
      points[i].step = i;
      points[i].wall_time = i;
      points[i].value = g_rand_double_range (rand, -1, 1);
    }
  points[5].value = NAN;
  /* Two batches: the pyramid grows across them. */
  lab_series_append_points (series, points, 50000);
  lab_series_append_points (series, points + 50000, n - 50000);
  lab_series_set_smoothing (series, 0.9);

  for (guint trial = 0; trial < 2000; trial++)
    {
      guint begin = (guint) g_rand_int_range (rand, 0, n);
      guint short_length = (guint) g_rand_int_range (rand, 1, 40);
      guint end = trial % 3 == 0 ? MIN (n, begin + short_length)
                                 : (guint) g_rand_int_range (rand, begin + 1, n + 1);
      gboolean smoothed = trial % 2 == 1;
      double min = INFINITY;
      double max = -INFINITY;
      double min_positive = INFINITY;
      double got_min;
      double got_max;

      for (guint i = begin; i < end; i++)
        {
          double v = smoothed ? lab_series_get_smoothed (series, i) : points[i].value;

          if (isnan (v))
            continue;
          min = MIN (min, v);
          max = MAX (max, v);
          if (v > 0)
            min_positive = MIN (min_positive, v);
        }

      if (min > max)
        {
          g_assert_false (lab_series_get_y_extent (series, begin, end, smoothed, FALSE, &got_min,
                                                   &got_max));
          continue;
        }
      g_assert_true (lab_series_get_y_extent (series, begin, end, smoothed, FALSE, &got_min,
                                              &got_max));
      g_assert_cmpfloat (got_min, ==, min);
      g_assert_cmpfloat (got_max, ==, max);
      if (isfinite (min_positive))
        {
          g_assert_true (lab_series_get_y_extent (series, begin, end, smoothed, TRUE, &got_min,
                                                  &got_max));
          g_assert_cmpfloat (got_min, ==, min_positive);
        }
    }
}

/* Hover lookup. */

static void
test_chart_nearest (void)
{
  g_autoptr(LabSeries) series = lab_series_new ("weight/verif", NULL, LAB_SERIES_ROLE_VERIF,
                                                LAB_LINE_STYLE_SOLID);
  g_autoptr(LabSeries) empty = lab_series_new ("weight/cari", NULL, LAB_SERIES_ROLE_CARI,
                                               LAB_LINE_STYLE_SOLID);

  for (guint i = 0; i < 4; i++)
    lab_series_append (series, 10 * i, 500 + 100 * i, i);

  g_assert_cmpint (lab_series_nearest_index (series, LAB_X_AXIS_STEP, 0, 14), ==, 1);
  g_assert_cmpint (lab_series_nearest_index (series, LAB_X_AXIS_STEP, 0, 16), ==, 2);
  g_assert_cmpint (lab_series_nearest_index (series, LAB_X_AXIS_STEP, 0, 15), ==, 1);
  g_assert_cmpint (lab_series_nearest_index (series, LAB_X_AXIS_STEP, 0, 20), ==, 2);
  g_assert_cmpint (lab_series_nearest_index (series, LAB_X_AXIS_STEP, 0, -5), ==, 0);
  g_assert_cmpint (lab_series_nearest_index (series, LAB_X_AXIS_STEP, 0, 0), ==, 0);
  g_assert_cmpint (lab_series_nearest_index (series, LAB_X_AXIS_STEP, 0, 30), ==, 3);
  g_assert_cmpint (lab_series_nearest_index (series, LAB_X_AXIS_STEP, 0, 1e9), ==, 3);
  g_assert_cmpint (lab_series_nearest_index (series, LAB_X_AXIS_STEP, 0, NAN), ==, -1);

  /* Wall time counts from the origin: 160 s after 500 is nearest to the point at 700. */
  g_assert_cmpint (lab_series_nearest_index (series, LAB_X_AXIS_WALL_TIME, 500, 160), ==, 2);
  g_assert_cmpint (lab_series_nearest_index (series, LAB_X_AXIS_WALL_TIME, 500, 140), ==, 1);

  g_assert_cmpint (lab_series_nearest_index (empty, LAB_X_AXIS_STEP, 0, 5), ==, -1);
  g_assert_cmpuint (lab_series_lower_bound (series, LAB_X_AXIS_STEP, 0, 10), ==, 1);
  g_assert_cmpuint (lab_series_upper_bound (series, LAB_X_AXIS_STEP, 0, 10), ==, 2);

  /* Steps keep x sorted: a step that goes backwards is dropped. */
  lab_series_append (series, 25, 900, 9);
  g_assert_cmpuint (lab_series_get_n_points (series), ==, 4);
}

static void
test_chart_hover_readout (void)
{
  LabChartModel *model;
  LabChart *chart = new_chart (&model);
  LabSeries *verif = lab_chart_model_add_series (model, "weight/verif", "verif",
                                                 LAB_SERIES_ROLE_VERIF, LAB_LINE_STYLE_SOLID);
  LabSeries *cari = lab_chart_model_add_series (model, "weight/cari", "cari",
                                                LAB_SERIES_ROLE_CARI, LAB_LINE_STYLE_SOLID);
  g_autofree char *none = NULL;
  g_autofree char *text = NULL;
  g_autofree char *hidden = NULL;

  lab_chart_set_smoothing (chart, 0);
  for (guint i = 0; i < 5; i++)
    {
      lab_series_append (verif, 100 * i, i, 0.25 * i);
      lab_series_append (cari, 100 * i, i, 1 - 0.25 * i);
    }

  none = lab_chart_describe_hover (chart);
  g_assert_null (none);

  lab_chart_set_hover_x (chart, 240);
  text = lab_chart_describe_hover (chart);
  g_assert_cmpstr (text, ==, "Step 200\nverif: 0.5\ncari: 0.5");

  lab_chart_set_series_visible (chart, "weight/verif", FALSE);
  lab_chart_set_hover_x (chart, 260);
  hidden = lab_chart_describe_hover (chart);
  g_assert_cmpstr (hidden, ==, "Step 300\ncari: 0.25");

  g_assert_finalize_object (chart);
  g_assert_finalize_object (model);
}

/* The view while data arrive. */

static void
test_chart_follow (void)
{
  LabChartModel *model;
  LabChart *chart = new_chart (&model);
  LabSeries *series = lab_chart_model_add_series (model, "loss/cari", NULL, LAB_SERIES_ROLE_CARI,
                                                  LAB_LINE_STYLE_SOLID);
  double low;
  double high;

  /* Raw values only, so that the y ranges below are round numbers. */
  lab_chart_set_smoothing (chart, 0);
  g_assert_true (lab_chart_get_follow (chart));

  /* Following: the range is all the data, and grows with it. */
  append_line (series, 0, 99, 1);
  assert_range (chart, 0, 99);
  append_line (series, 100, 199, 1);
  assert_range (chart, 0, 199);

  /* y fits the visible data with a 5 % margin: values = steps. */
  g_assert_true (lab_chart_get_y_range (chart, &low, &high));
  g_assert_cmpfloat_with_epsilon (low, -9.95, 1e-9);
  g_assert_cmpfloat_with_epsilon (high, 208.95, 1e-9);

  /* Zoomed: follow turns off, and new data leave the range alone. */
  lab_chart_set_x_range (chart, 50, 80);
  g_assert_false (lab_chart_get_follow (chart));
  append_line (series, 200, 299, 1);
  assert_range (chart, 50, 80);
  g_assert_true (lab_chart_get_y_range (chart, &low, &high));
  g_assert_cmpfloat_with_epsilon (low, 48.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (high, 81.5, 1e-9);

  /* Zoom and pan keep it off and move the range. */
  lab_chart_zoom_x (chart, 50, 2);
  assert_range (chart, 50, 110);
  lab_chart_pan_x (chart, 10);
  assert_range (chart, 60, 120);
  g_assert_false (lab_chart_get_follow (chart));

  /* Following again from a zoomed view keeps its width on the newest data... */
  lab_chart_set_follow (chart, TRUE);
  assert_range (chart, 239, 299);
  append_line (series, 300, 399, 1);
  assert_range (chart, 339, 399);

  /* ...and a reset shows everything. */
  lab_chart_reset_view (chart);
  assert_range (chart, 0, 399);
  append_line (series, 400, 409, 1);
  assert_range (chart, 0, 409);

  /* Turning follow off freezes the range where it is. */
  lab_chart_set_follow (chart, FALSE);
  append_line (series, 410, 419, 1);
  assert_range (chart, 0, 409);

  /* Log y: the range is in decades, positive values only (0 is left out). */
  lab_chart_reset_view (chart);
  lab_chart_set_log_y (chart, TRUE);
  g_assert_true (lab_chart_get_y_range (chart, &low, &high));
  g_assert_cmpfloat_with_epsilon (log10 (low), -0.05 * log10 (419), 1e-9);
  g_assert_cmpfloat_with_epsilon (log10 (high), 1.05 * log10 (419), 1e-9);

  g_assert_finalize_object (chart);
  g_assert_finalize_object (model);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* A setter notifies its property when the value changes, and only then: a NaN time origin set
 * again, a label set to the same text, a chart's log y set twice are no changes. */
static void
test_chart_notify (void)
{
  LabSeries *series = lab_series_new ("loss/cari", NULL, LAB_SERIES_ROLE_CARI,
                                      LAB_LINE_STYLE_SOLID);
  LabChart *chart = LAB_CHART (g_object_ref_sink (lab_chart_new ()));
  guint label = 0, origin = 0, log_y = 0;
  g_signal_connect (series, "notify::label", G_CALLBACK (count_notify), &label);
  g_signal_connect (series, "notify::time-origin", G_CALLBACK (count_notify), &origin);
  g_signal_connect (chart, "notify::log-y", G_CALLBACK (count_notify), &log_y);

  lab_series_set_label (series, "cari");
  lab_series_set_label (series, "cari");
  g_assert_cmpuint (label, ==, 1);
  g_assert_cmpstr (lab_series_get_label (series), ==, "cari");
  lab_series_set_time_origin (series, NAN);
  g_assert_cmpuint (origin, ==, 0);
  lab_series_set_time_origin (series, 100);
  lab_series_set_time_origin (series, 100);
  g_assert_cmpuint (origin, ==, 1);
  lab_chart_set_log_y (chart, 2);
  lab_chart_set_log_y (chart, TRUE);
  g_assert_cmpuint (log_y, ==, 1);
  g_assert_true (lab_chart_get_log_y (chart) == TRUE);

  g_assert_finalize_object (chart);
  g_assert_finalize_object (series);
}

static void
test_chart_link (void)
{
  LabChartModel *weights_model;
  LabChartModel *losses_model;
  LabChart *weights = new_chart (&weights_model);
  LabChart *losses = new_chart (&losses_model);
  LabSeries *weight = lab_chart_model_add_series (weights_model, "weight/cari", NULL,
                                                  LAB_SERIES_ROLE_CARI, LAB_LINE_STYLE_SOLID);
  LabSeries *loss = lab_chart_model_add_series (losses_model, "loss/cari", NULL,
                                                LAB_SERIES_ROLE_CARI, LAB_LINE_STYLE_SOLID);
  guint follow_notified = 0;
  LabChartTransform weights_t;
  LabChartTransform losses_t;

  append_line (weight, 0, 300, 0.001);
  append_line (loss, 0, 500, 0.01);

  assert_range (weights, 0, 300);
  lab_chart_link_x (weights, losses);
  g_assert_true (lab_chart_is_linked_x (weights, losses));
  g_signal_connect (losses, "notify::follow", G_CALLBACK (count_notify), &follow_notified);

  /* Following, both show the union of their data. */
  assert_range (weights, 0, 500);
  assert_range (losses, 0, 500);

  /* A zoom in one is a zoom in both, and the other hears that follow went off. */
  lab_chart_set_x_range (weights, 100, 200);
  assert_range (losses, 100, 200);
  g_assert_false (lab_chart_get_follow (losses));
  g_assert_cmpuint (follow_notified, ==, 1);
  append_line (loss, 501, 600, 0.01);
  assert_range (weights, 100, 200);

  lab_chart_pan_x (losses, -50);
  assert_range (weights, 50, 150);

  /* Axis mode and hover are shared too. */
  lab_chart_set_x_axis (losses, LAB_X_AXIS_WALL_TIME);
  g_assert_cmpint (lab_chart_get_x_axis (weights), ==, LAB_X_AXIS_WALL_TIME);
  g_assert_true (lab_chart_get_follow (weights));
  assert_range (weights, 0, 1200);
  lab_chart_set_x_axis (losses, LAB_X_AXIS_STEP);
  lab_chart_set_hover_x (weights, 42);
  g_assert_cmpfloat (lab_chart_get_hover_x (losses), ==, 42);

  /* Their plots start at the same x, though "0.05" is wider than "5". */
  lab_chart_get_transform (weights, 600, 300, &weights_t);
  lab_chart_get_transform (losses, 600, 300, &losses_t);
  lab_chart_get_transform (weights, 600, 300, &weights_t);
  g_assert_cmpfloat (weights_t.left, ==, losses_t.left);

  /* Unlinked, each goes its own way from the shared state. */
  lab_chart_unlink_x (losses);
  g_assert_false (lab_chart_is_linked_x (weights, losses));
  lab_chart_get_transform (losses, 600, 300, &losses_t);
  g_assert_cmpfloat (weights_t.left, >, losses_t.left);
  lab_chart_set_x_range (losses, 10, 20);
  assert_range (losses, 10, 20);
  assert_range (weights, 0, 300);
  g_assert_true (lab_chart_get_follow (weights));

  /* A chart that goes away leaves its partner working. */
  lab_chart_link_x (weights, losses);
  g_signal_handlers_disconnect_by_func (losses, count_notify, &follow_notified);
  g_assert_finalize_object (losses);
  lab_chart_set_x_range (weights, 1, 2);
  assert_range (weights, 1, 2);

  g_assert_finalize_object (weights);
  g_assert_finalize_object (weights_model);
  g_assert_finalize_object (losses_model);
}

static void
count_signal (gpointer  instance,
              guint    *count)
{
  (*count)++;
}

static void
test_chart_batch_signal (void)
{
  LabChartModel *model = lab_chart_model_new ();
  LabMetricRow rows[] = {
    { "loss/verif", 1, 10, 0.7 },
    { "loss/cari", 1, 10, 6.1 },
    { "loss/unknown", 1, 10, 1 },
    { "loss/verif", 2, 11, 0.69 },
    { "loss/cari", 2, 11, 6.0 },
  };
  guint changed = 0;

  lab_chart_model_add_series (model, "loss/verif", NULL, LAB_SERIES_ROLE_VERIF,
                              LAB_LINE_STYLE_SOLID);
  lab_chart_model_add_series (model, "loss/cari", NULL, LAB_SERIES_ROLE_CARI,
                              LAB_LINE_STYLE_SOLID);
  g_signal_connect (model, "changed", G_CALLBACK (count_signal), &changed);

  g_assert_cmpuint (lab_chart_model_append_rows (model, rows, G_N_ELEMENTS (rows)), ==, 4);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (lab_series_get_n_points (lab_chart_model_lookup (model, "loss/cari")), ==, 2);

  lab_chart_model_set_smoothing (model, 0.3);
  g_assert_cmpuint (changed, ==, 2);
  append_line (lab_chart_model_lookup (model, "loss/verif"), 3, 1000, 0.001);
  g_assert_cmpuint (changed, ==, 3);

  g_assert_cmpint (lab_series_role_for_key ("weight/visual"), ==, LAB_SERIES_ROLE_VISUAL);
  g_assert_cmpint (lab_series_role_for_key ("run 3/loss/l4"), ==, LAB_SERIES_ROLE_L4);
  g_assert_cmpint (lab_series_role_for_key ("val/v2c"), ==, LAB_SERIES_ROLE_VAL);
  g_assert_cmpint (lab_series_role_for_key ("lr"), ==, LAB_SERIES_ROLE_OTHER);

  g_assert_true (lab_chart_model_remove_series (model, "loss/cari"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  g_assert_finalize_object (model);
}

/* Export. */

static LabChart *
new_demo_chart (LabChartModel **model,
                const char     *title)
{
  LabChart *chart = new_chart (model);
  const char *keys[] = { "weight/verif", "weight/cari", "weight/visual" };

  lab_chart_set_title (chart, title);
  lab_chart_set_y_label (chart, "weight");
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      LabSeries *series = lab_chart_model_add_series (*model, keys[k], keys[k] + 7,
                                                      lab_series_role_for_key (keys[k]),
                                                      LAB_LINE_STYLE_SOLID);

      for (guint i = 0; i <= 2000; i += 10)
        lab_series_append (series, i, i, 0.3 + 0.1 * k + 0.05 * sin (i * 0.01 + k));
    }
  return chart;
}

static guint
count_substrings (const char *haystack,
                  const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_chart_export_png (void)
{
  LabChartModel *model;
  LabChart *chart = new_demo_chart (&model, "Task weights");
  g_autofree char *path = temp_path ("chart.png");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *image;
  gsize length;
  guint non_white = 0;

  g_assert_true (lab_chart_export (chart, path, LAB_CHART_FORMAT_PNG, 640, 360, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8);
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);

  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 360);

  /* White paper with something drawn on it. */
  {
    const guint8 *data = cairo_image_surface_get_data (image);
    int stride = cairo_image_surface_get_stride (image);

    g_assert_cmphex (((const guint32 *) (gconstpointer) data)[0], ==, 0xffffffff);
    for (int y = 0; y < 360; y++)
      for (int x = 0; x < 640; x++)
        non_white += ((const guint32 *) (gconstpointer) (data + y * stride))[x] != 0xffffffff;
  }
  g_assert_cmpuint (non_white, >, 2000);
  cairo_surface_destroy (image);

  /* An unwritable path is an error that names it. */
  g_assert_false (lab_chart_export (chart, "/nonexistent/dir/chart.png", LAB_CHART_FORMAT_PNG,
                                    100, 100, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir/chart.png"));

  remove_temp (path);
  g_assert_finalize_object (chart);
  g_assert_finalize_object (model);
}

/* Cairo's SVG has no <text>: each glyph (a space too, with an empty outline) is a <symbol>
 * drawn by a <use>. So a title longer by eleven characters shows as eleven more <use>, and
 * nothing is an <image>. (Two titles
 * rather than none: without one the plot grows and may get another tick label.) */
static void
test_chart_export_svg (void)
{
  LabChartModel *model;
  LabChart *chart = new_demo_chart (&model, "Task weights");
  g_autofree char *path = temp_path ("chart.svg");
  g_autofree char *longer = NULL;
  g_autofree char *shorter = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (lab_chart_export (chart, path, LAB_CHART_FORMAT_SVG, 640, 300, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &shorter, NULL, NULL));

  lab_chart_set_title (chart, "Task weights (proposed)");
  g_assert_true (lab_chart_export (chart, path, LAB_CHART_FORMAT_SVG, 640, 300, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &longer, NULL, NULL));

  g_assert_true (g_str_has_prefix (longer, "<?xml"));
  g_assert_nonnull (strstr (longer, "<svg"));
  g_assert_nonnull (strstr (longer, "width=\"640pt\""));
  g_assert_nonnull (strstr (longer, "<symbol"));
  g_assert_null (strstr (longer, "<image"));
  g_assert_cmpuint (count_substrings (longer, "<use xlink:href=\"#glyph"), ==,
                    count_substrings (shorter, "<use xlink:href=\"#glyph")
                      + strlen (" (proposed)"));

  remove_temp (path);
  g_assert_finalize_object (chart);
  g_assert_finalize_object (model);
}

/* A PDF holds binary streams with NUL bytes: search all of it. */
static const char *
find_bytes (const char *begin,
            const char *end,
            const char *needle)
{
  return memmem (begin, end - begin, needle, strlen (needle));
}

/* Inflates every Flate stream of a PDF and collects the Unicode characters its ToUnicode
 * maps give to glyphs: the characters of the embedded fonts' subsets. */
static GHashTable *
pdf_font_characters (const char *pdf,
                     gsize       length)
{
  GHashTable *chars = g_hash_table_new (NULL, NULL);
  const char *end = pdf + length;
  const char *p = pdf;

  while ((p = find_bytes (p, end, "stream")) != NULL)
    {
      const char *data = p + strlen ("stream");
      const char *stop;
      g_autoptr(GByteArray) out = g_byte_array_new ();
      z_stream z = { 0 };
      guint8 buffer[16384];
      int status;

      if (p > pdf && p[-1] == 'd')
        {
          p = data;
          continue;
        }
      if (*data == '\r')
        data++;
      if (*data == '\n')
        data++;
      stop = find_bytes (data, end, "endstream");
      if (stop == NULL)
        break;
      p = stop + strlen ("endstream");

      g_assert_cmpint (inflateInit (&z), ==, Z_OK);
      z.next_in = (Bytef *) data;
      z.avail_in = (uInt) (stop - data);
      do
        {
          z.next_out = buffer;
          z.avail_out = sizeof buffer;
          status = inflate (&z, Z_NO_FLUSH);
          g_byte_array_append (out, buffer, sizeof buffer - z.avail_out);
        }
      while (status == Z_OK && z.avail_in > 0);
      inflateEnd (&z);
      g_byte_array_append (out, (const guint8 *) "", 1);

      if (strstr ((const char *) out->data, "beginbfchar") != NULL
          || strstr ((const char *) out->data, "beginbfrange") != NULL)
        {
          g_auto(GStrv) lines = g_strsplit ((const char *) out->data, "\n", -1);

          for (guint i = 0; lines[i] != NULL; i++)
            {
              unsigned lo;
              unsigned hi;
              unsigned dst;

              if (sscanf (lines[i], "<%x> <%x> <%x>", &lo, &hi, &dst) == 3)
                for (unsigned c = 0; c <= hi - lo; c++)
                  g_hash_table_add (chars, GUINT_TO_POINTER (dst + c));
              else if (sscanf (lines[i], "<%x> <%x>", &lo, &dst) == 2)
                g_hash_table_add (chars, GUINT_TO_POINTER (dst));
            }
        }
    }

  return chars;
}

static void
test_chart_export_pdf (void)
{
  LabChartModel *model;
  /* Q, u, z and j appear nowhere else in the chart: only the title can put them in the font. */
  LabChart *chart = new_demo_chart (&model, "Quiz jog");
  g_autofree char *path = temp_path ("chart.pdf");
  g_autofree char *contents = NULL;
  g_autoptr(GHashTable) chars = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_assert_true (lab_chart_export (chart, path, LAB_CHART_FORMAT_PDF, 480, 300, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));

  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_nonnull (find_bytes (contents, contents + length, "%%EOF"));
  /* An embedded font (TrueType or CFF), not glyphs turned into images. */
  g_assert_nonnull (find_bytes (contents, contents + length, "/FontFile"));
  g_assert_null (find_bytes (contents, contents + length, "/Subtype /Image"));

  chars = pdf_font_characters (contents, length);
  for (const char *c = "Quizjog"; *c != '\0'; c++)
    g_assert_true (g_hash_table_contains (chars, GUINT_TO_POINTER ((guint) *c)));
  g_assert_true (g_hash_table_contains (chars, GUINT_TO_POINTER ((guint) 'S')));  /* "Step" */

  remove_temp (path);
  g_assert_finalize_object (chart);
  g_assert_finalize_object (model);
}

/* CSV. */

static gboolean
same_double (double a,
             double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

static void
test_chart_csv (void)
{
  LabChartModel *model;
  LabChart *chart = new_chart (&model);
  LabChartModel *loaded = lab_chart_model_new ();
  LabSeries *total = lab_chart_model_add_series (model, "loss/total", NULL, LAB_SERIES_ROLE_TOTAL,
                                                 LAB_LINE_STYLE_SOLID);
  LabSeries *odd = lab_chart_model_add_series (model, "run \"a\",1/val/v2c", NULL,
                                               LAB_SERIES_ROLE_VAL, LAB_LINE_STYLE_DASHED);
  g_autofree char *path = temp_path ("chart.csv");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  lab_series_append (total, 0, 1700000000.123456, 0.1);
  lab_series_append (total, 1, 1700000000.5, 1.0 / 3);
  lab_series_append (total, 2, 1700000001, NAN);
  lab_series_append (total, 3, 1700000002, 1e-300);
  lab_series_append (odd, 1000, 1700000100, 0.875);
  lab_chart_set_series_visible (chart, "loss/total", FALSE);

  g_assert_true (lab_chart_export_csv (chart, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "key,step,wall_time,value\nloss/total,0,"));
  g_assert_nonnull (strstr (contents, "\n\"run \"\"a\"\",1/val/v2c\",1000,1700000100,0.875\n"));

  g_assert_true (lab_chart_model_load_csv (loaded, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lab_chart_model_get_n_series (loaded), ==, 2);
  for (guint s = 0; s < 2; s++)
    {
      LabSeries *a = lab_chart_model_get_series (model, s);
      LabSeries *b = lab_chart_model_get_series (loaded, s);

      g_assert_cmpstr (lab_series_get_key (a), ==, lab_series_get_key (b));
      g_assert_cmpint (lab_series_get_role (a), ==, lab_series_get_role (b));
      g_assert_cmpuint (lab_series_get_n_points (a), ==, lab_series_get_n_points (b));
      for (guint i = 0; i < lab_series_get_n_points (a); i++)
        {
          g_assert_true (same_double (lab_series_get_step (a, i), lab_series_get_step (b, i)));
          g_assert_true (same_double (lab_series_get_wall_time (a, i),
                                      lab_series_get_wall_time (b, i)));
          g_assert_true (same_double (lab_series_get_value (a, i), lab_series_get_value (b, i)));
        }
    }

  /* A bad line is an error naming the line, and nothing is loaded. */
  g_assert_true (g_file_set_contents (path,
                                      "key,step,wall_time,value\nloss/l4,1,2,3\nloss/l4,2,x,4\n",
                                      -1, NULL));
  g_assert_false (lab_chart_model_load_csv (loaded, path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "line 3"));
  g_assert_null (lab_chart_model_lookup (loaded, "loss/l4"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "step,value\n1,2\n", -1, NULL));
  g_assert_false (lab_chart_model_load_csv (loaded, path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);

  remove_temp (path);
  g_assert_finalize_object (chart);
  g_assert_finalize_object (model);
  g_assert_finalize_object (loaded);
}

/* The widget on screen. */

static void
test_chart_widget (void)
{
  LabChartModel *model;
  LabChart *chart = new_demo_chart (&model, "Task weights");
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  LabChartTransform t;
  g_autofree char *readout = NULL;

  g_object_ref (window);
  gtk_window_set_default_size (window, 600, 300);
  gtk_window_set_child (window, GTK_WIDGET (chart));
  gtk_window_present (window);

  /* Drawn at least once: the plot it showed is known. */
  while (!chart->shown_valid)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_nonnull (chart->cache);
  lab_chart_get_transform (chart, gtk_widget_get_width (GTK_WIDGET (chart)),
                           gtk_widget_get_height (GTK_WIDGET (chart)), &t);
  g_assert_cmpfloat (t.left, ==, chart->shown.left);
  g_assert_cmpfloat (t.width, ==, chart->shown.width);
  g_assert_cmpfloat (t.x_upper, ==, 2000);

  /* New data drop the cached drawing. */
  lab_series_append (lab_chart_model_get_series (model, 0), 2010, 2010, 0.5);
  g_assert_null (chart->cache);

  lab_chart_set_hover_x (chart, 1000);
  readout = lab_chart_describe_hover (chart);
  g_assert_true (g_str_has_prefix (readout, "Step 1000\nverif: "));

  /* A pointer resting a quarter of the way across the plot while the view zooms: the
   * readout moves to what is now under it. */
  chart->pointer_x = chart->shown.left + chart->shown.width / 4;
  chart->pointer_y = chart->shown.top + chart->shown.height / 2;
  lab_chart_set_x_range (chart, 400, 800);
  g_assert_cmpfloat_with_epsilon (lab_chart_get_hover_x (chart), 500, 1e-9);

  ui_test_drain ();
  gtk_window_destroy (window);
  ui_test_drain ();
  g_assert_finalize_object (window);
  g_assert_finalize_object (chart);
  g_assert_finalize_object (model);
}

int
main (int   argc,
      char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;

  g_test_add_func ("/chart/transform", test_chart_transform);
  g_test_add_func ("/chart/transform-log", test_chart_transform_log);
  g_test_add_func ("/chart/ticks", test_chart_ticks);
  g_test_add_func ("/chart/ema", test_chart_ema);
  g_test_add_func ("/chart/decimation", test_chart_decimation);
  g_test_add_func ("/chart/far-neighbours", test_chart_far_neighbours);
  g_test_add_func ("/chart/extent-query", test_chart_extent_query);
  g_test_add_func ("/chart/nearest", test_chart_nearest);
  g_test_add_func ("/chart/hover-readout", test_chart_hover_readout);
  g_test_add_func ("/chart/follow", test_chart_follow);
  g_test_add_func ("/chart/notify", test_chart_notify);
  g_test_add_func ("/chart/link", test_chart_link);
  g_test_add_func ("/chart/batch-signal", test_chart_batch_signal);
  g_test_add_func ("/chart/export-png", test_chart_export_png);
  g_test_add_func ("/chart/export-svg", test_chart_export_svg);
  g_test_add_func ("/chart/export-pdf", test_chart_export_pdf);
  g_test_add_func ("/chart/csv", test_chart_csv);
  g_test_add_func ("/chart/widget", test_chart_widget);

  return g_test_run ();
}
