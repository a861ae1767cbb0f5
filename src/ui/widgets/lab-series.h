/* lab-series.h — one curve of a chart: growing (step, wall time, value) arrays, their
 * smoothed twin, and the min/max pyramid that decimates them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "lab-chart-scale.h"

G_BEGIN_DECLS

/* The colour a series takes (ARCHITECTURE.md, "Tasks, branches, colours"). */
typedef enum
{
  LAB_SERIES_ROLE_VERIF,
  LAB_SERIES_ROLE_CARI,
  LAB_SERIES_ROLE_VISUAL,
  LAB_SERIES_ROLE_L4,
  LAB_SERIES_ROLE_TOTAL,
  LAB_SERIES_ROLE_VAL,
  LAB_SERIES_ROLE_OTHER,
} LabSeriesRole;

/* The dash a series takes: one per weighting strategy (proposed, naive, static). */
typedef enum
{
  LAB_LINE_STYLE_SOLID,
  LAB_LINE_STYLE_DASHED,
  LAB_LINE_STYLE_DOTTED,
} LabLineStyle;

/* What the x axis measures. Wall time is shown as seconds since an origin (see
 * LabSeries:time-origin); steps as they are. */
typedef enum
{
  LAB_X_AXIS_STEP,
  LAB_X_AXIS_WALL_TIME,
} LabXAxis;

#define LAB_TYPE_SERIES_ROLE (lab_series_role_get_type ())
#define LAB_TYPE_LINE_STYLE (lab_line_style_get_type ())
#define LAB_TYPE_X_AXIS (lab_x_axis_get_type ())
GType lab_series_role_get_type (void);
GType lab_line_style_get_type (void);
GType lab_x_axis_get_type (void);

LabSeriesRole lab_series_role_for_key (const char *key);

#define LAB_SERIES_MAX_SMOOTHING 0.999

typedef struct
{
  double step;
  double wall_time;
  double value;
} LabPoint;

/* One pixel column of a decimated series: the points whose x falls in the column. Columns
 * without points have n == 0. min and max are over finite values only (NaN when none). */
typedef struct
{
  guint n;
  guint first;
  guint last;
  double min;
  double max;
} LabColumn;

/* One vertex of a polyline in device units; move_to starts a new sub-path (after a gap). */
typedef struct
{
  double x;
  double y;
  gboolean move_to;
} LabVertex;

/* What to draw of a series in a view. With few points per pixel column, a polyline through
 * every point (@band FALSE). With more, the band between each column's minimum and maximum
 * (@band TRUE): one closed polygon, its upper edge left to right and then its lower edge right
 * to left, so vertex k and vertex n − 1 − k belong to the same column. Filling a band costs
 * about what stroking a short line does, however many points it stands for; stroking the
 * same data as a zigzag would cost as much as the zigzag's many long vertical edges. */
typedef struct
{
  GArray *vertices;  /* owned; LabVertex */
  gboolean band;
} LabSeriesShape;

#define LAB_TYPE_SERIES (lab_series_get_type ())

G_DECLARE_FINAL_TYPE (LabSeries, lab_series, LAB, SERIES, GObject)

LabSeries     *lab_series_new             (const char     *key,
                                           const char     *label,
                                           LabSeriesRole   role,
                                           LabLineStyle    line_style);

const char    *lab_series_get_key         (LabSeries      *self);
const char    *lab_series_get_label       (LabSeries      *self);
void           lab_series_set_label       (LabSeries      *self,
                                           const char     *label);
LabSeriesRole  lab_series_get_role        (LabSeries      *self);
void           lab_series_set_role        (LabSeries      *self,
                                           LabSeriesRole   role);
LabLineStyle   lab_series_get_line_style  (LabSeries      *self);
void           lab_series_set_line_style  (LabSeries      *self,
                                           LabLineStyle    line_style);
double         lab_series_get_time_origin (LabSeries      *self);
void           lab_series_set_time_origin (LabSeries      *self,
                                           double          time_origin);
double         lab_series_get_smoothing   (LabSeries      *self);
void           lab_series_set_smoothing   (LabSeries      *self,
                                           double          smoothing);

void           lab_series_append          (LabSeries      *self,
                                           double          step,
                                           double          wall_time,
                                           double          value);
void           lab_series_append_points   (LabSeries      *self,
                                           const LabPoint *points,
                                           guint           n_points);

guint          lab_series_get_n_points    (LabSeries      *self);
double         lab_series_get_step        (LabSeries      *self,
                                           guint           index);
double         lab_series_get_wall_time   (LabSeries      *self,
                                           guint           index);
double         lab_series_get_value       (LabSeries      *self,
                                           guint           index);
double         lab_series_get_smoothed    (LabSeries      *self,
                                           guint           index);
const double  *lab_series_peek_values     (LabSeries      *self,
                                           gboolean        smoothed);
double         lab_series_get_x           (LabSeries      *self,
                                           LabXAxis        axis,
                                           double          origin,
                                           guint           index);

gboolean       lab_series_get_x_extent    (LabSeries      *self,
                                           LabXAxis        axis,
                                           double          origin,
                                           double         *first,
                                           double         *last);
guint          lab_series_lower_bound     (LabSeries      *self,
                                           LabXAxis        axis,
                                           double          origin,
                                           double          x);
guint          lab_series_upper_bound     (LabSeries      *self,
                                           LabXAxis        axis,
                                           double          origin,
                                           double          x);
gboolean       lab_series_get_y_extent    (LabSeries      *self,
                                           guint           begin,
                                           guint           end,
                                           gboolean        smoothed,
                                           gboolean        positive_only,
                                           double         *min,
                                           double         *max);
gssize         lab_series_nearest_index   (LabSeries      *self,
                                           LabXAxis        axis,
                                           double          origin,
                                           double          x);
void           lab_series_decimate        (LabSeries      *self,
                                           LabXAxis        axis,
                                           double          origin,
                                           gboolean        smoothed,
                                           double          x_lower,
                                           double          x_upper,
                                           guint           n_columns,
                                           LabColumn      *columns);
void           lab_series_build_shape     (LabSeries               *self,
                                           const LabChartTransform *transform,
                                           LabXAxis                 axis,
                                           double                   origin,
                                           gboolean                 smoothed,
                                           guint                    n_columns,
                                           LabSeriesShape          *shape);
void           lab_series_shape_clear     (LabSeriesShape          *shape);

G_END_DECLS
