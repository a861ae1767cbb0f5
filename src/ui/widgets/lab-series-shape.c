/* lab-series-shape.c — what to draw of a series in a view: a polyline through its points, or
 * the band between its per-column minima and maxima
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>

#include "lab-series.h"

typedef struct
{
  GArray *vertices;
  gboolean gap;
} LabPolyline;

static void
lab_polyline_add (LabPolyline *line,
                  double       x,
                  double       y)
{
  LabVertex vertex;

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
lab_polyline_add_point (LabPolyline             *line,
                        LabSeries               *self,
                        const LabChartTransform *t,
                        LabXAxis                 axis,
                        double                   origin,
                        const double            *values,
                        guint                    index)
{
  lab_polyline_add (line,
                    lab_chart_transform_x_to_px (t, lab_series_get_x (self, axis, origin, index)),
                    lab_chart_transform_y_to_px (t, values[index]));
}

/* The neighbours just outside the view can lie millions of pixels away when zoomed in, where
 * Cairo's fixed-point coordinates overflow: slide such a vertex along its segment to just
 * outside the plot, which keeps the visible part of the segment exact. */
static void
lab_vertex_pull_in (LabVertex               *outer,
                    const LabVertex         *inner,
                    const LabChartTransform *t)
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
lab_column_to_px (const LabColumn         *column,
                  const LabChartTransform *t,
                  double                  *low,
                  double                  *high)
{
  if (column->n == 0 || isnan (column->min))
    return FALSE;

  *high = lab_chart_transform_y_to_px (t, column->max);
  *low = lab_chart_transform_y_to_px (t, t->log_y && !(column->min > 0) ? t->y_lower * 1e-3
                                                                         : column->min);
  return isfinite (*high) && isfinite (*low);
}

/* The band: an upper edge through the columns' maxima, a lower edge back through their
 * minima, both starting and ending at the neighbours outside the view (when there are). */
static void
lab_series_build_band (LabSeries               *self,
                       const LabChartTransform *t,
                       LabXAxis                 axis,
                       double                   origin,
                       gboolean                 smoothed,
                       guint                    n_columns,
                       guint                    begin,
                       guint                    end,
                       GArray                  *vertices)
{
  const double *values = lab_series_peek_values (self, smoothed);
  g_autofree LabColumn *columns = g_new (LabColumn, n_columns);
  g_autofree LabVertex *upper = g_new (LabVertex, n_columns + 2);
  g_autofree double *lower = g_new (double, n_columns + 2);
  double column_width = t->width / n_columns;
  guint n = 0;

  lab_series_decimate (self, axis, origin, smoothed, t->x_lower, t->x_upper, n_columns, columns);

  if (begin > 0)
    {
      double x = lab_series_get_x (self, axis, origin, begin - 1);

      upper[n].x = lab_chart_transform_x_to_px (t, x);
      upper[n].y = lab_chart_transform_y_to_px (t, values[begin - 1]);
      lower[n] = upper[n].y;
      n += isfinite (upper[n].x) && isfinite (upper[n].y);
    }
  for (guint c = 0; c < n_columns; c++)
    {
      upper[n].x = t->left + (c + 0.5) * column_width;
      n += lab_column_to_px (&columns[c], t, &lower[n], &upper[n].y);
    }
  if (end < lab_series_get_n_points (self))
    {
      upper[n].x = lab_chart_transform_x_to_px (t, lab_series_get_x (self, axis, origin, end));
      upper[n].y = lab_chart_transform_y_to_px (t, values[end]);
      lower[n] = upper[n].y;
      n += isfinite (upper[n].x) && isfinite (upper[n].y);
    }
  if (n == 0)
    return;

  if (n >= 2 && begin > 0)
    {
      LabVertex bottom = { upper[0].x, lower[0], FALSE };
      const LabVertex next_bottom = { upper[1].x, lower[1], FALSE };

      lab_vertex_pull_in (&upper[0], &upper[1], t);
      lab_vertex_pull_in (&bottom, &next_bottom, t);
      lower[0] = bottom.y;
    }
  if (n >= 2 && end < lab_series_get_n_points (self))
    {
      LabVertex bottom = { upper[n - 1].x, lower[n - 1], FALSE };
      const LabVertex previous_bottom = { upper[n - 2].x, lower[n - 2], FALSE };

      lab_vertex_pull_in (&upper[n - 1], &upper[n - 2], t);
      lab_vertex_pull_in (&bottom, &previous_bottom, t);
      lower[n - 1] = bottom.y;
    }

  for (guint k = 0; k < n; k++)
    {
      upper[k].move_to = k == 0;
      g_array_append_val (vertices, upper[k]);
    }
  for (guint k = n; k-- > 0;)
    {
      LabVertex v = { upper[k].x, lower[k], FALSE };

      g_array_append_val (vertices, v);
    }
}

/**
 * lab_series_build_shape:
 * @transform: the data and plot rectangles
 * @smoothed: the smoothed values instead of the raw ones
 * @n_columns: the pixel columns of the plot (its width times the device scale)
 * @shape: (out caller-allocates): what to draw; free with lab_series_shape_clear()
 *
 * The points in the transform's x range, plus the nearest point on each side so the drawing
 * reaches the plot's edges, in device coordinates. Up to two points per column on average,
 * a polyline through every point; beyond, the min/max band of the columns (see
 * LabSeriesShape): at most 2 vertices per column and 4 more, wherever the spikes are.
 */
void
lab_series_build_shape (LabSeries               *self,
                        const LabChartTransform *transform,
                        LabXAxis                 axis,
                        double                   origin,
                        gboolean                 smoothed,
                        guint                    n_columns,
                        LabSeriesShape          *shape)
{
  const LabChartTransform *t = transform;
  const double *values;
  LabPolyline line = { NULL, FALSE };
  guint begin;
  guint end;

  g_return_if_fail (LAB_IS_SERIES (self));
  g_return_if_fail (transform != NULL);
  g_return_if_fail (shape != NULL);

  values = lab_series_peek_values (self, smoothed);
  n_columns = MAX (n_columns, 1);
  shape->band = FALSE;
  shape->vertices = g_array_sized_new (FALSE, FALSE, sizeof (LabVertex), 2 * n_columns + 4);
  if (lab_series_get_n_points (self) == 0)
    return;

  begin = lab_series_lower_bound (self, axis, origin, t->x_lower);
  end = lab_series_upper_bound (self, axis, origin, t->x_upper);

  if (end - begin > 2 * n_columns)
    {
      shape->band = TRUE;
      lab_series_build_band (self, t, axis, origin, smoothed, n_columns, begin, end,
                             shape->vertices);
      return;
    }

  line.vertices = shape->vertices;
  if (begin > 0)
    lab_polyline_add_point (&line, self, t, axis, origin, values, begin - 1);
  for (guint i = begin; i < end; i++)
    lab_polyline_add_point (&line, self, t, axis, origin, values, i);
  if (end < lab_series_get_n_points (self))
    lab_polyline_add_point (&line, self, t, axis, origin, values, end);

  if (line.vertices->len >= 2)
    {
      LabVertex *v = (LabVertex *) (gpointer) line.vertices->data;
      guint n = line.vertices->len;

      if (begin > 0 && !v[1].move_to)
        lab_vertex_pull_in (&v[0], &v[1], t);
      if (end < lab_series_get_n_points (self) && !v[n - 1].move_to)
        lab_vertex_pull_in (&v[n - 1], &v[n - 2], t);
    }
}

void
lab_series_shape_clear (LabSeriesShape *shape)
{
  g_clear_pointer (&shape->vertices, g_array_unref);
  shape->band = FALSE;
}
