/* lab-chart.h — a line chart of training metrics: axes, legend, hover readout, zoom and pan,
 * linked x axes, and export to PNG, SVG, PDF and CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "export.h"

#include "lab-chart-model.h"
#include "lab-chart-scale.h"
#include "lab-series.h"

G_BEGIN_DECLS

/* The file formats of the figures (plot/export.h). */
typedef CariPlotFormat LabChartFormat;
#define LAB_CHART_FORMAT_PNG CARI_PLOT_FORMAT_PNG
#define LAB_CHART_FORMAT_SVG CARI_PLOT_FORMAT_SVG
#define LAB_CHART_FORMAT_PDF CARI_PLOT_FORMAT_PDF

#define LAB_TYPE_CHART_FORMAT (lab_chart_format_get_type ())
GType lab_chart_format_get_type (void);

/* Draws a figure of width × height onto cr (the drawing code of a widget, for export). */
typedef CariPlotDrawFunc LabDrawFunc;

/* Writes what `draw` draws to `path` as PNG, SVG or PDF (vector formats keep real text; a PDF
 * gets `title`, which may be NULL, as its metadata): cari_plot_export (). Every figure of the
 * workbench exports through here. */
#define lab_export_drawing cari_plot_export

#define LAB_CHART_DEFAULT_SMOOTHING 0.6

#define LAB_TYPE_CHART (lab_chart_get_type ())

G_DECLARE_FINAL_TYPE (LabChart, lab_chart, LAB, CHART, GtkWidget)

GtkWidget     *lab_chart_new (void);

LabChartModel *lab_chart_get_model (LabChart *self);
void           lab_chart_set_model (LabChart *self, LabChartModel *model);
const char    *lab_chart_get_title (LabChart *self);
void           lab_chart_set_title (LabChart *self, const char *title);
const char    *lab_chart_get_y_label (LabChart *self);
void           lab_chart_set_y_label (LabChart *self, const char *y_label);
double         lab_chart_get_smoothing (LabChart *self);
void           lab_chart_set_smoothing (LabChart *self, double smoothing);
gboolean       lab_chart_get_log_y (LabChart *self);
void           lab_chart_set_log_y (LabChart *self, gboolean log_y);
LabXAxis       lab_chart_get_x_axis (LabChart *self);
void           lab_chart_set_x_axis (LabChart *self, LabXAxis x_axis);
gboolean       lab_chart_get_follow (LabChart *self);
void           lab_chart_set_follow (LabChart *self, gboolean follow);

void           lab_chart_set_series_visible (LabChart *self, const char *key, gboolean visible);
gboolean       lab_chart_get_series_visible (LabChart *self, const char *key);

void           lab_chart_get_x_range (LabChart *self, double *lower, double *upper);
void           lab_chart_set_x_range (LabChart *self, double lower, double upper);
gboolean       lab_chart_get_y_range (LabChart *self, double *lower, double *upper);
void           lab_chart_zoom_x (LabChart *self, double centre, double factor);
void           lab_chart_pan_x (LabChart *self, double delta);
void           lab_chart_reset_view (LabChart *self);

void           lab_chart_link_x (LabChart *self, LabChart *other);
void           lab_chart_unlink_x (LabChart *self);
gboolean       lab_chart_is_linked_x (LabChart *self, LabChart *other);

double         lab_chart_get_hover_x (LabChart *self);
void           lab_chart_set_hover_x (LabChart *self, double x);

void           lab_chart_get_transform (LabChart *self, int width, int height,
                                        LabChartTransform *transform);
void           lab_chart_draw (LabChart *self, cairo_t *cr, int width, int height);
gboolean       lab_chart_export (LabChart *self, const char *path, LabChartFormat format, int width,
                                 int height, GError **error);
gboolean       lab_chart_export_csv (LabChart *self, const char *path, GError **error);

G_END_DECLS
