/* chart.h — a line chart of training metrics: title and legend, axes with nice ticks (linear,
 * log, durations), the raw values faint under their smoothed twins, decimated per device
 * pixel column
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>

#include "scale.h"
#include "series.h"
#include "style.h"

G_BEGIN_DECLS

/* One curve of a chart. */
typedef struct
{
  const CariPlotSeries *series;   /* borrowed */
  const char *label;              /* borrowed: its legend entry */
  CariPlotRgba color;
  CariPlotLineStyle line_style;
  double origin;                  /* the wall time that is zero on a wall-time axis */
  /* A band under the line (nullable, both or neither; borrowed): the area between these two
   * series, filled faintly in the line's colour — a mean's interval over seeds, say. Their
   * values count in the y range; points that are not finite are left out. */
  const CariPlotSeries *band_lower;
  const CariPlotSeries *band_upper;
} CariPlotLine;

/* What a chart shows. The y range follows the data in the x range. */
typedef struct
{
  const char *title;              /* nullable */
  const char *y_label;            /* nullable */
  CariPlotXAxis x_axis;           /* also names the x axis ("Step", "Time since start") */
  gboolean log_y;
  gboolean smoothed;              /* the smoothed values over the raw ones (else raw only) */
  double x_lower;
  double x_upper;
  const CariPlotLine *lines;      /* borrowed, n_lines of them */
  guint n_lines;
  double device_scale;            /* device pixels per unit (1 for files): decimation's columns */
  /* Stacked charts line their plots up: the plot's left edge at a whole unit, and at least
   * @min_left. */
  gboolean align_left;
  double min_left;
  const char *x_label;            /* nullable: names the x axis instead of x_axis's name (for
                                   * an x that is not a step, with x_axis STEP) */
} CariPlotChart;

void cari_plot_chart_render (cairo_t *cr, const CariPlotStyle *style, const CariPlotChart *chart,
                             int width, int height, CariPlotTransform *shown, double *wanted_left);
gboolean cari_plot_chart_x_range (const CariPlotLine *lines, guint n_lines, CariPlotXAxis axis,
                                  double *lower, double *upper);
gboolean cari_plot_chart_y_range (const CariPlotLine *lines, guint n_lines, CariPlotXAxis axis,
                                  gboolean smoothed, gboolean log_y, double x_lower, double x_upper,
                                  double *lower, double *upper);

G_END_DECLS
