/* lab-chart-scale.h — mapping between data and pixels, and axis ticks, for LabChart
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
} LabChartTransform;

double lab_chart_transform_x_to_px (const LabChartTransform *t,
                                    double                   x);
double lab_chart_transform_px_to_x (const LabChartTransform *t,
                                    double                   px);
double lab_chart_transform_y_to_px (const LabChartTransform *t,
                                    double                   y);
double lab_chart_transform_px_to_y (const LabChartTransform *t,
                                    double                   py);

#define LAB_CHART_MAX_TICKS 24

/* Tick positions in data units, ascending, all inside [lower, upper]. @step is the linear
 * spacing the labels are formatted for (for log ticks: the smallest gap between two ticks). */
typedef struct
{
  guint n;
  double step;
  double values[LAB_CHART_MAX_TICKS];
} LabChartTicks;

double lab_chart_nice_step  (double          raw_step);
void   lab_chart_nice_ticks (double          lower,
                             double          upper,
                             guint           max_ticks,
                             LabChartTicks  *ticks);
void   lab_chart_log_ticks  (double          lower,
                             double          upper,
                             guint           max_ticks,
                             LabChartTicks  *ticks);
void   lab_chart_time_ticks (double          lower,
                             double          upper,
                             guint           max_ticks,
                             LabChartTicks  *ticks);

char *lab_chart_format_number   (double value,
                                 double step);
char *lab_chart_format_duration (double seconds,
                                 double step);

G_END_DECLS
