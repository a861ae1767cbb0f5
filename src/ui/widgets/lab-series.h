/* lab-series.h — one curve of a chart as a GObject: its key, label, role (its colour), line
 * style and time origin over carilab-plot's data (plot/series.h: the growing arrays, their
 * smoothed twin and the pyramids that decimate them), with a signal when points arrive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "series.h"
#include "style.h"

#include "lab-chart-scale.h"

G_BEGIN_DECLS

/* The colour a series takes (ARCHITECTURE.md, "Tasks, branches, colours"). */
typedef CariPlotRole LabSeriesRole;
#define LAB_SERIES_ROLE_VERIF CARI_PLOT_ROLE_VERIF
#define LAB_SERIES_ROLE_CARI CARI_PLOT_ROLE_CARI
#define LAB_SERIES_ROLE_VISUAL CARI_PLOT_ROLE_VISUAL
#define LAB_SERIES_ROLE_L4 CARI_PLOT_ROLE_L4
#define LAB_SERIES_ROLE_TOTAL CARI_PLOT_ROLE_TOTAL
#define LAB_SERIES_ROLE_VAL CARI_PLOT_ROLE_VAL
#define LAB_SERIES_ROLE_OTHER CARI_PLOT_ROLE_OTHER

/* The dash a series takes: one per weighting strategy (proposed, naive, static). */
typedef CariPlotLineStyle LabLineStyle;
#define LAB_LINE_STYLE_SOLID CARI_PLOT_LINE_STYLE_SOLID
#define LAB_LINE_STYLE_DASHED CARI_PLOT_LINE_STYLE_DASHED
#define LAB_LINE_STYLE_DOTTED CARI_PLOT_LINE_STYLE_DOTTED

/* What the x axis measures. Wall time is shown as seconds since an origin (see
 * LabSeries:time-origin); steps as they are. */
typedef CariPlotXAxis LabXAxis;
#define LAB_X_AXIS_STEP CARI_PLOT_X_AXIS_STEP
#define LAB_X_AXIS_WALL_TIME CARI_PLOT_X_AXIS_WALL_TIME

#define LAB_TYPE_SERIES_ROLE (lab_series_role_get_type ())
#define LAB_TYPE_LINE_STYLE (lab_line_style_get_type ())
#define LAB_TYPE_X_AXIS (lab_x_axis_get_type ())
GType lab_series_role_get_type (void);
GType lab_line_style_get_type (void);
GType lab_x_axis_get_type (void);

#define lab_series_role_for_key cari_plot_role_for_key

#define LAB_SERIES_MAX_SMOOTHING CARI_PLOT_MAX_SMOOTHING

typedef CariPlotPoint LabPoint;
typedef CariPlotColumn LabColumn;
typedef CariPlotVertex LabVertex;
typedef CariPlotShape LabSeriesShape;

#define LAB_TYPE_SERIES (lab_series_get_type ())

G_DECLARE_FINAL_TYPE (LabSeries, lab_series, LAB, SERIES, GObject)

LabSeries     *lab_series_new (const char *key, const char *label, LabSeriesRole role,
                               LabLineStyle line_style);

const char    *lab_series_get_key (LabSeries *self);
const char    *lab_series_get_label (LabSeries *self);
void           lab_series_set_label (LabSeries *self, const char *label);
LabSeriesRole  lab_series_get_role (LabSeries *self);
void           lab_series_set_role (LabSeries *self, LabSeriesRole role);
LabLineStyle   lab_series_get_line_style (LabSeries *self);
void           lab_series_set_line_style (LabSeries *self, LabLineStyle line_style);
double         lab_series_get_time_origin (LabSeries *self);
void           lab_series_set_time_origin (LabSeries *self, double time_origin);
double         lab_series_get_smoothing (LabSeries *self);
void           lab_series_set_smoothing (LabSeries *self, double smoothing);

void           lab_series_append (LabSeries *self, double step, double wall_time, double value);
void           lab_series_append_points (LabSeries *self, const LabPoint *points, guint n_points);

guint          lab_series_get_n_points (LabSeries *self);
double         lab_series_get_step (LabSeries *self, guint index);
double         lab_series_get_wall_time (LabSeries *self, guint index);
double         lab_series_get_value (LabSeries *self, guint index);
double         lab_series_get_smoothed (LabSeries *self, guint index);
const double  *lab_series_peek_values (LabSeries *self, gboolean smoothed);
double         lab_series_get_x (LabSeries *self, LabXAxis axis, double origin, guint index);

gboolean       lab_series_get_x_extent (LabSeries *self, LabXAxis axis, double origin,
                                        double *first, double *last);
guint          lab_series_lower_bound (LabSeries *self, LabXAxis axis, double origin, double x);
guint          lab_series_upper_bound (LabSeries *self, LabXAxis axis, double origin, double x);
gboolean       lab_series_get_y_extent (LabSeries *self, guint begin, guint end, gboolean smoothed,
                                        gboolean positive_only, double *min, double *max);
gssize         lab_series_nearest_index (LabSeries *self, LabXAxis axis, double origin, double x);
void           lab_series_decimate (LabSeries *self, LabXAxis axis, double origin,
                                    gboolean smoothed, double x_lower, double x_upper,
                                    guint n_columns, LabColumn *columns);
void           lab_series_build_shape (LabSeries *self, const LabChartTransform *transform,
                                       LabXAxis axis, double origin, gboolean smoothed,
                                       guint n_columns, LabSeriesShape *shape);
#define lab_series_shape_clear cari_plot_shape_clear

/* The data the chart draws. */
const CariPlotSeries *lab_series_peek_data (LabSeries *self);

G_END_DECLS
