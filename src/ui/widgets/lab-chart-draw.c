/* lab-chart-draw.c — what LabChart hands carilab-plot's chart (plot/chart.c): its theme as a
 * CariPlotStyle, its visible series as lines, its view and the margin of the charts it is
 * linked with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>

#include "lab-chart-private.h"

/**
 * lab_chart_shown_lines:
 * @chart_origin: the zero of a wall-time axis for series without a time origin of their own
 *
 * Returns: (transfer full): the visible series, of CariPlotLine, each with the colour it takes
 *   in @style
 */
GArray *
lab_chart_shown_lines (LabChart *self, const CariPlotStyle *style, double chart_origin)
{
  GArray *shown = g_array_new (FALSE, FALSE, sizeof (CariPlotLine));
  guint n_others = 0;
  guint n;

  if (self->model == NULL)
    return shown;

  n = lab_chart_model_get_n_series (self->model);
  for (guint i = 0; i < n; i++)
    {
      LabSeries *series = lab_chart_model_get_series (self->model, i);
      LabSeriesRole role = lab_series_get_role (series);
      CariPlotLine line = { 0 };

      /* Count hidden ones too, so hiding a series does not repaint the others. */
      cari_plot_style_series_color (style, role, n_others, &line.color);
      if (role == LAB_SERIES_ROLE_OTHER)
        n_others++;
      if (!lab_chart_is_visible_series (self, series))
        continue;
      line.series = lab_series_peek_data (series);
      line.label = lab_series_get_label (series);
      line.line_style = lab_series_get_line_style (series);
      line.origin = lab_chart_series_origin (self, series, chart_origin);
      g_array_append_val (shown, line);
    }

  return shown;
}

/**
 * lab_chart_compute_y_range:
 *
 * The range of every visible point (raw and smoothed) in [x_lower, x_upper], with a 5 %
 * margin each side (in log units on a log axis, over positive values only).
 *
 * Returns: FALSE when no visible point falls in the range
 */
gboolean
lab_chart_compute_y_range (LabChart *self, double x_lower, double x_upper, double *lower,
                           double *upper)
{
  CariPlotStyle style;
  g_autoptr(GArray) lines = NULL;

  cari_plot_style_init_paper (&style);
  lines = lab_chart_shown_lines (self, &style, lab_chart_time_origin (self));
  return cari_plot_chart_y_range ((const CariPlotLine *) (gconstpointer) lines->data, lines->len,
                                  self->link->axis, self->smoothing > 0, self->log_y, x_lower,
                                  x_upper, lower, upper);
}

/**
 * lab_chart_render:
 * @scale: device pixels per unit (the widget's scale factor; 1 for export): decimation
 *   keeps min and max per device pixel column
 * @align_linked: start the plot where the linked charts start theirs (on screen, stacked
 *   charts' x axes line up whatever their y labels' widths)
 * @shown: (out) (optional): where the plot is and what it shows
 *
 * Draws the whole chart but the hover readout, with @style's colours and fonts.
 */
void
lab_chart_render (LabChart *self, cairo_t *cr, const CariPlotStyle *style, int width, int height,
                  double scale, gboolean align_linked, LabChartTransform *shown)
{
  g_autoptr(GArray) lines = lab_chart_shown_lines (self, style, lab_chart_time_origin (self));
  CariPlotChart chart = {
    .title = self->title,
    .y_label = self->y_label,
    .x_axis = self->link->axis,
    .log_y = self->log_y,
    .smoothed = self->smoothing > 0,
    .lines = (const CariPlotLine *) (gconstpointer) lines->data,
    .n_lines = lines->len,
    .device_scale = scale,
    .align_left = align_linked,
    .min_left = 0,
  };
  double wanted_left;

  lab_chart_get_x_range (self, &chart.x_lower, &chart.x_upper);
  for (guint i = 0; align_linked && i < self->link->charts->len; i++)
    {
      LabChart *other = g_ptr_array_index (self->link->charts, i);

      if (other != self)
        chart.min_left = MAX (chart.min_left, other->wanted_left);
    }

  cari_plot_chart_render (cr, style, &chart, width, height, shown, &wanted_left);

  if (align_linked && !isnan (wanted_left) && self->wanted_left != wanted_left)
    {
      /* The others line up with the new margin at their next draw. */
      self->wanted_left = wanted_left;
      for (guint i = 0; i < self->link->charts->len; i++)
        if (g_ptr_array_index (self->link->charts, i) != self)
          lab_chart_invalidate (g_ptr_array_index (self->link->charts, i));
    }
}
