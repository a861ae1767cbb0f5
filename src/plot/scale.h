/* scale.h — mapping between data and device units, and axis ticks: nice numbers, decades,
 * round durations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a chart shows: a data rectangle and the device rectangle (the plot area, in the
 * units of the cairo context: pixels on screen and in PNG, points in SVG and PDF) it maps to.
 * y grows upwards in data and downwards on the device. With @log_y, y maps through log10 and
 * the y bounds must be positive. */
typedef struct
{
  double x_lower;
  double x_upper;
  double y_lower;
  double y_upper;
  gboolean log_y;
  double left;
  double top;
  double width;
  double height;
} CariPlotTransform;

double cari_plot_transform_x_to_px (const CariPlotTransform *t, double x);
double cari_plot_transform_px_to_x (const CariPlotTransform *t, double px);
double cari_plot_transform_y_to_px (const CariPlotTransform *t, double y);
double cari_plot_transform_px_to_y (const CariPlotTransform *t, double py);

#define CARI_PLOT_MAX_TICKS 24

/* Tick positions in data units, ascending, all inside [lower, upper]. @step is the linear
 * spacing the labels are formatted for (for log ticks: the smallest gap between two ticks). */
typedef struct
{
  guint n;
  double step;
  double values[CARI_PLOT_MAX_TICKS];
} CariPlotTicks;

double cari_plot_nice_step (double raw_step);
void cari_plot_nice_ticks (double lower, double upper, guint max_ticks, CariPlotTicks *ticks);
void cari_plot_log_ticks (double lower, double upper, guint max_ticks, CariPlotTicks *ticks);
void cari_plot_time_ticks (double lower, double upper, guint max_ticks, CariPlotTicks *ticks);
void cari_plot_simple_ticks (double lower, double upper, guint divisions, CariPlotTicks *ticks);

char *cari_plot_format_number (double value, double step);
char *cari_plot_format_duration (double seconds, double step);

G_END_DECLS
