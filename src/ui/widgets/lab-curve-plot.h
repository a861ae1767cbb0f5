/* lab-curve-plot.h — a small plot of evaluation curves: ROC with a logarithmic FAR axis, DET on
 * normal-deviate (probit) axes, CMC on linear axes. carilab-plot draws it (plot/curves.c), on
 * screen and into PNG, SVG and PDF files (vector output keeps real text).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "curves.h"

#include "lab-chart.h"

G_BEGIN_DECLS

/* plot/curves.h's axis scales: linear, log10 (values > 0), probit (probabilities in (0, 1),
 * placed at Φ⁻¹(p)). */
typedef CariPlotAxisScale LabAxisScale;
#define LAB_AXIS_LINEAR CARI_PLOT_AXIS_LINEAR
#define LAB_AXIS_LOG10 CARI_PLOT_AXIS_LOG10
#define LAB_AXIS_PROBIT CARI_PLOT_AXIS_PROBIT

#define LAB_TYPE_CURVE_PLOT (lab_curve_plot_get_type ())
G_DECLARE_FINAL_TYPE (LabCurvePlot, lab_curve_plot, LAB, CURVE_PLOT, GtkWidget)

GtkWidget *lab_curve_plot_new (void);
void       lab_curve_plot_set_title (LabCurvePlot *self, const char *title);
const char *lab_curve_plot_get_title (LabCurvePlot *self);
/* An axis and its visible range (in data units). */
void       lab_curve_plot_set_x_axis (LabCurvePlot *self, const char *label, LabAxisScale scale,
                                      double min, double max);
void       lab_curve_plot_set_y_axis (LabCurvePlot *self, const char *label, LabAxisScale scale,
                                      double min, double max);
void       lab_curve_plot_clear (LabCurvePlot *self);
/* Copies the points; points outside what the axis can show (≤ 0 on a log axis, 0 or 1 on a
 * probit axis) are clamped to its range. */
void       lab_curve_plot_add_curve (LabCurvePlot *self, const char *label, const double *x,
                                     const double *y, int n, guint32 rgb, LabLineStyle style);
guint      lab_curve_plot_get_n_curves (LabCurvePlot *self);
/* The legend in the upper right corner (for falling curves) instead of the lower right. */
void       lab_curve_plot_set_legend_top (LabCurvePlot *self, gboolean top);
/* Data to device coordinates in a plot of width × height. */
void       lab_curve_plot_map (LabCurvePlot *self, int width, int height, double x, double y,
                               double *px, double *py);
void       lab_curve_plot_draw (LabCurvePlot *self, cairo_t *cr, int width, int height,
                                gboolean for_export);
gboolean   lab_curve_plot_export (LabCurvePlot *self, const char *path, LabChartFormat format,
                                  int width, int height, GError **error);

/* Φ⁻¹(p), the standard normal quantile, for p in (0, 1). */
#define lab_probit cari_plot_probit

G_END_DECLS
