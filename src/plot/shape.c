/* shape.c — what to draw of a series in a view: a polyline through its points, or
 * the band between its per-column minima and maxima
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include "series.h"

typedef struct
{
  GArray *vertices;
  gboolean gap;
} CariPlotPolyline;

static void
cari_plot_polyline_add (CariPlotPolyline *line, double x, double y)
{
  CariPlotVertex vertex;

  if (!isfinite (x) || !isfinite (y))
    {
      line->gap = TRUE;
      return;
    }

  vertex.x = x;
  vertex.y = y;
  vertex.move_to = line->gap || line->vertices->len == 0;
  line->gap = FALSE;
  g_array_append_val (line->vertices, vertex);
}

static void
cari_plot_polyline_add_point (CariPlotPolyline *line, const CariPlotSeries *series,
                              const CariPlotTransform *t, CariPlotXAxis axis, double origin,
                              const double *values, guint index)
{
  double x = cari_plot_series_get_x (series, axis, origin, index);

  cari_plot_polyline_add (line, cari_plot_transform_x_to_px (t, x),
                          cari_plot_transform_y_to_px (t, values[index]));
}

/* The neighbours just outside the view can lie millions of pixels away when zoomed in, where
 * Cairo's fixed-point coordinates overflow: slide such a vertex along its segment to just
 * outside the plot, which keeps the visible part of the segment exact. */
static void
cari_plot_vertex_pull_in (CariPlotVertex *outer, const CariPlotVertex *inner,
                          const CariPlotTransform *t)
{
  double limit;
  double f;

  if (outer->x < t->left - 2)
    limit = t->left - 2;
  else if (outer->x > t->left + t->width + 2)
    limit = t->left + t->width + 2;
  else
    return;

  if (inner->x == outer->x)
    return;
  f = (limit - inner->x) / (outer->x - inner->x);
  outer->y = inner->y + f * (outer->y - inner->y);
  outer->x = limit;
}

/* A column's extremes in pixels; on a log axis a minimum with no place there (zero or less)
 * goes below the plot. */
static gboolean
cari_plot_column_to_px (const CariPlotColumn *column, const CariPlotTransform *t, double *low,
                        double *high)
{
  if (column->n == 0 || isnan (column->min))
    return FALSE;

  *high = cari_plot_transform_y_to_px (t, column->max);
  *low = cari_plot_transform_y_to_px (t, t->log_y && !(column->min > 0) ? t->y_lower * 1e-3
                                                                         : column->min);
  return isfinite (*high) && isfinite (*low);
}

/* The band: an upper edge through the columns' maxima, a lower edge back through their
 * minima, both starting and ending at the neighbours outside the view (when there are). */
static void
cari_plot_series_build_band (const CariPlotSeries *series, const CariPlotTransform *t,
                             CariPlotXAxis axis, double origin, gboolean smoothed, guint n_columns,
                             guint begin, guint end, GArray *vertices)
{
  const double *values = cari_plot_series_peek_values (series, smoothed);
  g_autofree CariPlotColumn *columns = g_new (CariPlotColumn, n_columns);
  g_autofree CariPlotVertex *upper = g_new (CariPlotVertex, n_columns + 2);
  g_autofree double *lower = g_new (double, n_columns + 2);
  double column_width = t->width / n_columns;
  guint n = 0;

  cari_plot_series_decimate (series, axis, origin, smoothed, t->x_lower, t->x_upper, n_columns,
                             columns);

  if (begin > 0)
    {
      double x = cari_plot_series_get_x (series, axis, origin, begin - 1);

      upper[n].x = cari_plot_transform_x_to_px (t, x);
      upper[n].y = cari_plot_transform_y_to_px (t, values[begin - 1]);
      lower[n] = upper[n].y;
      n += isfinite (upper[n].x) && isfinite (upper[n].y);
    }
  for (guint c = 0; c < n_columns; c++)
    {
      upper[n].x = t->left + (c + 0.5) * column_width;
      n += cari_plot_column_to_px (&columns[c], t, &lower[n], &upper[n].y);
    }
  if (end < cari_plot_series_get_n_points (series))
    {
      double x = cari_plot_series_get_x (series, axis, origin, end);

      upper[n].x = cari_plot_transform_x_to_px (t, x);
      upper[n].y = cari_plot_transform_y_to_px (t, values[end]);
      lower[n] = upper[n].y;
      n += isfinite (upper[n].x) && isfinite (upper[n].y);
    }
  if (n == 0)
    return;

  if (n >= 2 && begin > 0)
    {
      CariPlotVertex bottom = { upper[0].x, lower[0], FALSE };
      const CariPlotVertex next_bottom = { upper[1].x, lower[1], FALSE };

      cari_plot_vertex_pull_in (&upper[0], &upper[1], t);
      cari_plot_vertex_pull_in (&bottom, &next_bottom, t);
      lower[0] = bottom.y;
    }
  if (n >= 2 && end < cari_plot_series_get_n_points (series))
    {
      CariPlotVertex bottom = { upper[n - 1].x, lower[n - 1], FALSE };
      const CariPlotVertex previous_bottom = { upper[n - 2].x, lower[n - 2], FALSE };

      cari_plot_vertex_pull_in (&upper[n - 1], &upper[n - 2], t);
      cari_plot_vertex_pull_in (&bottom, &previous_bottom, t);
      lower[n - 1] = bottom.y;
    }

  for (guint k = 0; k < n; k++)
    {
      upper[k].move_to = k == 0;
      g_array_append_val (vertices, upper[k]);
    }
  for (guint k = n; k-- > 0;)
    {
      CariPlotVertex v = { upper[k].x, lower[k], FALSE };

      g_array_append_val (vertices, v);
    }
}

/**
 * cari_plot_series_build_shape:
 * @transform: the data and plot rectangles
 * @smoothed: the smoothed values instead of the raw ones
 * @n_columns: the pixel columns of the plot (its width times the device scale)
 * @shape: (out caller-allocates): what to draw; free with cari_plot_shape_clear()
 *
 * The points in the transform's x range, plus the nearest point on each side so the drawing
 * reaches the plot's edges, in device coordinates. Up to two points per column on average,
 * a polyline through every point; beyond, the min/max band of the columns (see
 * CariPlotShape): at most 2 vertices per column and 4 more, wherever the spikes are.
 */
void
cari_plot_series_build_shape (const CariPlotSeries *series, const CariPlotTransform *transform,
                              CariPlotXAxis axis, double origin, gboolean smoothed, guint n_columns,
                              CariPlotShape *shape)
{
  const CariPlotTransform *t = transform;
  const double *values;
  CariPlotPolyline line = { NULL, FALSE };
  guint begin;
  guint end;

  g_return_if_fail (series != NULL);
  g_return_if_fail (transform != NULL);
  g_return_if_fail (shape != NULL);

  values = cari_plot_series_peek_values (series, smoothed);
  n_columns = MAX (n_columns, 1);
  shape->band = FALSE;
  shape->vertices = g_array_sized_new (FALSE, FALSE, sizeof (CariPlotVertex), 2 * n_columns + 4);
  if (cari_plot_series_get_n_points (series) == 0)
    return;

  begin = cari_plot_series_lower_bound (series, axis, origin, t->x_lower);
  end = cari_plot_series_upper_bound (series, axis, origin, t->x_upper);

  if (end - begin > 2 * n_columns)
    {
      shape->band = TRUE;
      cari_plot_series_build_band (series, t, axis, origin, smoothed, n_columns, begin, end,
                             shape->vertices);
      return;
    }

  line.vertices = shape->vertices;
  if (begin > 0)
    cari_plot_polyline_add_point (&line, series, t, axis, origin, values, begin - 1);
  for (guint i = begin; i < end; i++)
    cari_plot_polyline_add_point (&line, series, t, axis, origin, values, i);
  if (end < cari_plot_series_get_n_points (series))
    cari_plot_polyline_add_point (&line, series, t, axis, origin, values, end);

  if (line.vertices->len >= 2)
    {
      CariPlotVertex *v = (CariPlotVertex *) (gpointer) line.vertices->data;
      guint n = line.vertices->len;

      if (begin > 0 && !v[1].move_to)
        cari_plot_vertex_pull_in (&v[0], &v[1], t);
      if (end < cari_plot_series_get_n_points (series) && !v[n - 1].move_to)
        cari_plot_vertex_pull_in (&v[n - 1], &v[n - 2], t);
    }
}

void
cari_plot_shape_clear (CariPlotShape *shape)
{
  g_clear_pointer (&shape->vertices, g_array_unref);
  shape->band = FALSE;
}
