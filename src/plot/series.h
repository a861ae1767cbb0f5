/* series.h — one curve's data: growing (step, wall time, value) arrays, their smoothed twin
 * (TensorBoard's debiased EMA) and the min/max pyramids that decimate them; and what to draw
 * of it in a view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "scale.h"

G_BEGIN_DECLS

#define CARI_PLOT_MAX_SMOOTHING 0.999

/* What the x axis measures. Wall time is shown as seconds since an origin; steps as they
 * are. */
typedef enum
{
  CARI_PLOT_X_AXIS_STEP,
  CARI_PLOT_X_AXIS_WALL_TIME,
} CariPlotXAxis;

typedef struct
{
  double step;
  double wall_time;
  double value;
} CariPlotPoint;

/* One pixel column of a decimated series: the points whose x falls in the column. Columns
 * without points have n == 0. min and max are over finite values only (NaN when none). */
typedef struct
{
  guint n;
  guint first;
  guint last;
  double min;
  double max;
} CariPlotColumn;

/* One vertex of a polyline in device units; move_to starts a new sub-path (after a gap). */
typedef struct
{
  double x;
  double y;
  gboolean move_to;
} CariPlotVertex;

/* What to draw of a series in a view. With few points per pixel column, a polyline through
 * every point (@band FALSE). With more, the band between each column's minimum and maximum
 * (@band TRUE): one closed polygon, its upper edge left to right and then its lower edge right
 * to left, so vertex k and vertex n − 1 − k belong to the same column. Filling a band costs
 * about what stroking a short line does, however many points it stands for; stroking the
 * same data as a zigzag would cost as much as the zigzag's many long vertical edges. */
typedef struct
{
  GArray *vertices;  /* owned; CariPlotVertex */
  gboolean band;
} CariPlotShape;

typedef struct _CariPlotSeries CariPlotSeries;

CariPlotSeries *cari_plot_series_new (const char *name);
void cari_plot_series_free (CariPlotSeries *series);

const char *cari_plot_series_get_name (const CariPlotSeries *series);
double cari_plot_series_get_smoothing (const CariPlotSeries *series);
gboolean cari_plot_series_set_smoothing (CariPlotSeries *series, double smoothing);
guint cari_plot_series_append (CariPlotSeries *series, const CariPlotPoint *points, guint n_points);

guint cari_plot_series_get_n_points (const CariPlotSeries *series);
const double *cari_plot_series_peek_steps (const CariPlotSeries *series);
const double *cari_plot_series_peek_wall_times (const CariPlotSeries *series);
const double *cari_plot_series_peek_values (const CariPlotSeries *series, gboolean smoothed);
double cari_plot_series_get_x (const CariPlotSeries *series, CariPlotXAxis axis, double origin,
                               guint index);

gboolean cari_plot_series_get_x_extent (const CariPlotSeries *series, CariPlotXAxis axis,
                                        double origin, double *first, double *last);
guint cari_plot_series_lower_bound (const CariPlotSeries *series, CariPlotXAxis axis, double origin,
                                    double x);
guint cari_plot_series_upper_bound (const CariPlotSeries *series, CariPlotXAxis axis, double origin,
                                    double x);
gboolean cari_plot_series_get_y_extent (const CariPlotSeries *series, guint begin, guint end,
                                        gboolean smoothed, gboolean positive_only, double *min,
                                        double *max);
gssize cari_plot_series_nearest_index (const CariPlotSeries *series, CariPlotXAxis axis,
                                       double origin, double x);
void cari_plot_series_decimate (const CariPlotSeries *series, CariPlotXAxis axis, double origin,
                                gboolean smoothed, double x_lower, double x_upper, guint n_columns,
                                CariPlotColumn *columns);

/* shape.c */
void cari_plot_series_build_shape (const CariPlotSeries *series, const CariPlotTransform *transform,
                                   CariPlotXAxis axis, double origin, gboolean smoothed,
                                   guint n_columns, CariPlotShape *shape);
void cari_plot_shape_clear (CariPlotShape *shape);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariPlotSeries, cari_plot_series_free)

G_END_DECLS
