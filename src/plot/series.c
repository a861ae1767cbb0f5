/* series.c — one curve's data: growing (step, wall time, value) arrays, their smoothed twin
 * and the min/max pyramids that decimate them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything a chart draws is prepared here, off the draw path: appending a point extends
 * the debiased EMA and the min/max pyramids in amortised O(1), so a pixel column of a
 * million-point series costs O(log n) to summarise and a chart draws at most four vertices
 * per column whatever the length of the series.
 */

#include <math.h>

#include "pyramid.h"
#include "series.h"

struct _CariPlotSeries
{
  /* owned */
  char *name;
  double *steps;
  double *wall_times;
  double *values;
  double *smoothed;
  CariPlotPyramid raw_pyramid;
  CariPlotPyramid smoothed_pyramid;

  double smoothing;
  guint n_points;
  guint capacity;

  /* The debiased EMA's running state over the finite values seen so far. */
  double ema;
  double ema_decay; /* smoothing^count */
};

/**
 * cari_plot_series_new:
 * @name: (nullable): what debug messages call the series (a metric key)
 *
 * Returns: (transfer full): an empty series, unsmoothed
 */
CariPlotSeries *
cari_plot_series_new (const char *name)
{
  CariPlotSeries *series = g_new0 (CariPlotSeries, 1);

  series->name = g_strdup (name != NULL ? name : "");
  series->ema_decay = 1;
  return series;
}

void
cari_plot_series_free (CariPlotSeries *series)
{
  if (series == NULL)
    return;

  g_free (series->name);
  g_free (series->steps);
  g_free (series->wall_times);
  g_free (series->values);
  g_free (series->smoothed);
  cari_plot_pyramid_clear (&series->raw_pyramid);
  cari_plot_pyramid_clear (&series->smoothed_pyramid);
  g_free (series);
}

const char *
cari_plot_series_get_name (const CariPlotSeries *series)
{
  return series->name;
}

double
cari_plot_series_get_smoothing (const CariPlotSeries *series)
{
  return series->smoothing;
}

/* The debiased EMA of TensorBoard: ema = w·ema + (1 − w)·v over the finite values, shown as
 * ema / (1 − w^t) after t of them, so the curve starts at the first value instead of near
 * zero. Non-finite values pass through and leave the average alone. */
static void
cari_plot_series_smooth_from (CariPlotSeries *series, guint first)
{
  double w = series->smoothing;

  for (guint i = first; i < series->n_points; i++)
    {
      double value = series->values[i];

      if (!isfinite (value))
        {
          series->smoothed[i] = value;
          continue;
        }
      series->ema = w * series->ema + (1 - w) * value;
      series->ema_decay *= w;
      series->smoothed[i] = series->ema / (1 - series->ema_decay);
    }
}

/**
 * cari_plot_series_set_smoothing:
 * @smoothing: the EMA weight w, clamped to [0, 0.999]; 0 leaves the values as they are
 *
 * Recomputes the smoothed values (O(n), here rather than in the draw).
 *
 * Returns: whether the smoothing changed
 */
gboolean
cari_plot_series_set_smoothing (CariPlotSeries *series, double smoothing)
{
  smoothing = isnan (smoothing) ? 0 : CLAMP (smoothing, 0, CARI_PLOT_MAX_SMOOTHING);
  if (series->smoothing == smoothing)
    return FALSE;

  series->smoothing = smoothing;
  series->ema = 0;
  series->ema_decay = 1;
  cari_plot_series_smooth_from (series, 0);
  cari_plot_pyramid_rebuild (&series->smoothed_pyramid, series->smoothed, series->n_points);
  return TRUE;
}

static void
cari_plot_series_reserve (CariPlotSeries *series, guint n_more)
{
  guint needed;

  g_return_if_fail (n_more <= G_MAXUINT - series->n_points);
  needed = series->n_points + n_more;
  if (needed <= series->capacity)
    return;

  /* Doubling keeps appends amortised O(1). */
  series->capacity = MAX (MAX (needed, 64), MIN (series->capacity, G_MAXUINT / 2) * 2);
  series->steps = g_renew (double, series->steps, series->capacity);
  series->wall_times = g_renew (double, series->wall_times, series->capacity);
  series->values = g_renew (double, series->values, series->capacity);
  series->smoothed = g_renew (double, series->smoothed, series->capacity);
}

/* Both x arrays stay sorted, which binary search and decimation need: a point whose step
 * goes backwards (or is NaN) is dropped, and a wall time that goes backwards (a clock
 * adjusted) is stored as the previous one. */
static gboolean
cari_plot_series_push (CariPlotSeries *series, double step, double wall_time, double value)
{
  guint i = series->n_points;

  if (isnan (step) || (i > 0 && step < series->steps[i - 1]))
    {
      g_debug ("series %s: dropped a point at step %g, which comes before step %g",
               series->name, step, i > 0 ? series->steps[i - 1] : NAN);
      return FALSE;
    }
  if (i > 0 && !(wall_time >= series->wall_times[i - 1]))
    wall_time = series->wall_times[i - 1];
  else if (i == 0 && isnan (wall_time))
    wall_time = 0;

  series->steps[i] = step;
  series->wall_times[i] = wall_time;
  series->values[i] = value;
  series->n_points++;

  cari_plot_series_smooth_from (series, i);
  cari_plot_pyramid_extend (&series->raw_pyramid, series->values, series->n_points);
  cari_plot_pyramid_extend (&series->smoothed_pyramid, series->smoothed, series->n_points);
  return TRUE;
}

/**
 * cari_plot_series_append:
 * @points: (array length=n_points): points in step order, after the ones already there
 *
 * Appends a batch in amortised O(1) per point.
 *
 * Returns: how many points were kept (a point that goes back in steps is not)
 */
guint
cari_plot_series_append (CariPlotSeries *series, const CariPlotPoint *points, guint n_points)
{
  guint first = series->n_points;

  g_return_val_if_fail (points != NULL || n_points == 0, 0);

  cari_plot_series_reserve (series, n_points);
  for (guint i = 0; i < n_points; i++)
    cari_plot_series_push (series, points[i].step, points[i].wall_time, points[i].value);
  return series->n_points - first;
}

guint
cari_plot_series_get_n_points (const CariPlotSeries *series)
{
  return series->n_points;
}

const double *
cari_plot_series_peek_steps (const CariPlotSeries *series)
{
  return series->steps;
}

const double *
cari_plot_series_peek_wall_times (const CariPlotSeries *series)
{
  return series->wall_times;
}

/**
 * cari_plot_series_peek_values:
 * @smoothed: the smoothed values instead of the raw ones
 *
 * Returns: (transfer none) (array): the values, valid until the next append or smoothing change
 */
const double *
cari_plot_series_peek_values (const CariPlotSeries *series, gboolean smoothed)
{
  return smoothed ? series->smoothed : series->values;
}

/* The x of a point on @axis; @origin is subtracted from wall times (ignored for steps). */
double
cari_plot_series_get_x (const CariPlotSeries *series, CariPlotXAxis axis, double origin,
                        guint index)
{
  return axis == CARI_PLOT_X_AXIS_STEP ? series->steps[index]
                                       : series->wall_times[index] - origin;
}

gboolean
cari_plot_series_get_x_extent (const CariPlotSeries *series, CariPlotXAxis axis, double origin,
                               double *first, double *last)
{
  if (series->n_points == 0)
    return FALSE;
  if (first != NULL)
    *first = cari_plot_series_get_x (series, axis, origin, 0);
  if (last != NULL)
    *last = cari_plot_series_get_x (series, axis, origin, series->n_points - 1);
  return TRUE;
}

/* The first index whose x is >= @x (or > @x when @strict): n_points when there is none. */
static guint
cari_plot_series_search (const CariPlotSeries *series, CariPlotXAxis axis, double origin, double x,
                         gboolean strict)
{
  guint low = 0;
  guint high = series->n_points;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      double mid_x = cari_plot_series_get_x (series, axis, origin, mid);

      if (mid_x < x || (strict && mid_x == x))
        low = mid + 1;
      else
        high = mid;
    }

  return low;
}

/**
 * cari_plot_series_lower_bound:
 *
 * Returns: the first index whose x is >= @x, or the number of points when there is none.
 */
guint
cari_plot_series_lower_bound (const CariPlotSeries *series, CariPlotXAxis axis, double origin,
                              double x)
{
  return cari_plot_series_search (series, axis, origin, x, FALSE);
}

/**
 * cari_plot_series_upper_bound:
 *
 * Returns: the first index whose x is > @x, or the number of points when there is none.
 */
guint
cari_plot_series_upper_bound (const CariPlotSeries *series, CariPlotXAxis axis, double origin,
                              double x)
{
  return cari_plot_series_search (series, axis, origin, x, TRUE);
}

/**
 * cari_plot_series_get_y_extent:
 * @begin: first index
 * @end: one past the last index
 * @smoothed: the smoothed values instead of the raw ones
 * @positive_only: the smallest positive value as @min (for a log axis)
 *
 * The extremes of the finite values in [begin, end), in O(log n).
 *
 * Returns: FALSE when there is no such value
 */
gboolean
cari_plot_series_get_y_extent (const CariPlotSeries *series, guint begin, guint end,
                               gboolean smoothed, gboolean positive_only, double *min, double *max)
{
  CariPlotExtent extent;

  end = MIN (end, series->n_points);
  if (begin >= end)
    return FALSE;

  cari_plot_pyramid_query (smoothed ? &series->smoothed_pyramid : &series->raw_pyramid,
                           smoothed ? series->smoothed : series->values, begin, end, &extent);
  if (positive_only)
    extent.min = extent.min_positive;
  if (!(extent.min <= extent.max))
    return FALSE;

  *min = extent.min;
  *max = extent.max;
  return TRUE;
}

/**
 * cari_plot_series_nearest_index:
 *
 * The point whose x is nearest to @x (the earlier one on a tie), by binary search.
 *
 * Returns: its index, or -1 when the series is empty
 */
gssize
cari_plot_series_nearest_index (const CariPlotSeries *series, CariPlotXAxis axis, double origin,
                                double x)
{
  guint i;

  if (series->n_points == 0 || isnan (x))
    return -1;

  i = cari_plot_series_search (series, axis, origin, x, FALSE);
  if (i == 0)
    return 0;
  if (i == series->n_points)
    return series->n_points - 1;

  if (cari_plot_series_get_x (series, axis, origin, i) - x
      < x - cari_plot_series_get_x (series, axis, origin, i - 1))
    return i;
  return i - 1;
}

/**
 * cari_plot_series_decimate:
 * @columns: (array length=n_columns) (out caller-allocates): one entry per column
 *
 * Splits [x_lower, x_upper] into @n_columns equal columns (the last one closed) and
 * summarises the points of each: count, first and last index, min and max. O(W log n).
 */
void
cari_plot_series_decimate (const CariPlotSeries *series, CariPlotXAxis axis, double origin,
                           gboolean smoothed, double x_lower, double x_upper, guint n_columns,
                           CariPlotColumn *columns)
{
  const CariPlotPyramid *pyramid;
  const double *values;
  guint begin;

  g_return_if_fail (columns != NULL || n_columns == 0);

  pyramid = smoothed ? &series->smoothed_pyramid : &series->raw_pyramid;
  values = smoothed ? series->smoothed : series->values;

  begin = cari_plot_series_search (series, axis, origin, x_lower, FALSE);
  for (guint c = 0; c < n_columns; c++)
    {
      CariPlotColumn *column = &columns[c];
      guint end;
      CariPlotExtent extent;

      if (c + 1 == n_columns)
        end = cari_plot_series_search (series, axis, origin, x_upper, TRUE);
      else
        end = cari_plot_series_search (series, axis, origin,
                                       x_lower + (x_upper - x_lower) * (c + 1) / n_columns,
                                       FALSE);
      end = MAX (end, begin);

      column->n = end - begin;
      column->first = begin;
      column->last = end > begin ? end - 1 : begin;
      column->min = NAN;
      column->max = NAN;
      if (end > begin)
        {
          cari_plot_pyramid_query (pyramid, values, begin, end, &extent);
          if (extent.min <= extent.max)
            {
              column->min = extent.min;
              column->max = extent.max;
            }
        }
      begin = end;
    }
}
