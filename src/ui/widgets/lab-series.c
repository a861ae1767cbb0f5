/* lab-series.c — one curve of a chart as a GObject over carilab-plot's data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The data, its smoothing and its decimation are plot/series.c's; here the properties a chart
 * and its pages set (label, role, line style, time origin, smoothing) and the points-added
 * signal that tells a chart to redraw.
 */

#include "lab-config.h"

#include <math.h>

#include "lab-series.h"
#include "lab-property.h"

G_DEFINE_ENUM_TYPE (LabSeriesRole, lab_series_role,
  G_DEFINE_ENUM_VALUE (LAB_SERIES_ROLE_VERIF, "verif"),
  G_DEFINE_ENUM_VALUE (LAB_SERIES_ROLE_CARI, "cari"),
  G_DEFINE_ENUM_VALUE (LAB_SERIES_ROLE_VISUAL, "visual"),
  G_DEFINE_ENUM_VALUE (LAB_SERIES_ROLE_L4, "l4"),
  G_DEFINE_ENUM_VALUE (LAB_SERIES_ROLE_TOTAL, "total"),
  G_DEFINE_ENUM_VALUE (LAB_SERIES_ROLE_VAL, "val"),
  G_DEFINE_ENUM_VALUE (LAB_SERIES_ROLE_OTHER, "other"))

G_DEFINE_ENUM_TYPE (LabLineStyle, lab_line_style,
  G_DEFINE_ENUM_VALUE (LAB_LINE_STYLE_SOLID, "solid"),
  G_DEFINE_ENUM_VALUE (LAB_LINE_STYLE_DASHED, "dashed"),
  G_DEFINE_ENUM_VALUE (LAB_LINE_STYLE_DOTTED, "dotted"))

G_DEFINE_ENUM_TYPE (LabXAxis, lab_x_axis,
  G_DEFINE_ENUM_VALUE (LAB_X_AXIS_STEP, "step"),
  G_DEFINE_ENUM_VALUE (LAB_X_AXIS_WALL_TIME, "wall-time"))

struct _LabSeries
{
  GObject parent_instance;

  /* owned */
  char *key;
  char *label;
  CariPlotSeries *data;

  LabSeriesRole role;
  LabLineStyle line_style;
  double time_origin;
};

G_DEFINE_FINAL_TYPE (LabSeries, lab_series, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_KEY,
  PROP_LABEL,
  PROP_ROLE,
  PROP_LINE_STYLE,
  PROP_TIME_ORIGIN,
  PROP_SMOOTHING,
  PROP_N_POINTS,
  N_PROPS
};

enum
{
  POINTS_ADDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The data. */

LabSeries *
lab_series_new (const char *key, const char *label, LabSeriesRole role, LabLineStyle line_style)
{
  g_return_val_if_fail (key != NULL, NULL);

  return g_object_new (LAB_TYPE_SERIES,
                       "key", key,
                       "label", label != NULL ? label : key,
                       "role", role,
                       "line-style", line_style,
                       NULL);
}

const char *
lab_series_get_key (LabSeries *self)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NULL);
  return self->key;
}

const char *
lab_series_get_label (LabSeries *self)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NULL);
  return self->label != NULL ? self->label : self->key;
}

void
lab_series_set_label (LabSeries *self, const char *label)
{
  g_return_if_fail (LAB_IS_SERIES (self));
  lab_property_set_string (self, &self->label, label, properties[PROP_LABEL]);
}

LabSeriesRole
lab_series_get_role (LabSeries *self)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), LAB_SERIES_ROLE_OTHER);
  return self->role;
}

void
lab_series_set_role (LabSeries *self, LabSeriesRole role)
{
  g_return_if_fail (LAB_IS_SERIES (self));

  if (self->role == role)
    return;
  self->role = role;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}

LabLineStyle
lab_series_get_line_style (LabSeries *self)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), LAB_LINE_STYLE_SOLID);
  return self->line_style;
}

void
lab_series_set_line_style (LabSeries *self, LabLineStyle line_style)
{
  g_return_if_fail (LAB_IS_SERIES (self));

  if (self->line_style == line_style)
    return;
  self->line_style = line_style;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINE_STYLE]);
}

/**
 * lab_series_get_time_origin:
 *
 * Returns: the wall time that is zero on a wall-time axis (a run's start), or NaN when the
 *   chart decides (its earliest point).
 */
double
lab_series_get_time_origin (LabSeries *self)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NAN);
  return self->time_origin;
}

void
lab_series_set_time_origin (LabSeries *self, double time_origin)
{
  g_return_if_fail (LAB_IS_SERIES (self));
  lab_property_set_double (self, &self->time_origin, time_origin, properties[PROP_TIME_ORIGIN]);
}

double
lab_series_get_smoothing (LabSeries *self)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), 0);
  return cari_plot_series_get_smoothing (self->data);
}

/**
 * lab_series_set_smoothing:
 * @smoothing: the EMA weight w, clamped to [0, 0.999]; 0 leaves the values as they are
 *
 * Recomputes the smoothed values (O(n), here rather than in the draw).
 */
void
lab_series_set_smoothing (LabSeries *self, double smoothing)
{
  g_return_if_fail (LAB_IS_SERIES (self));

  if (cari_plot_series_set_smoothing (self->data, smoothing))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMOOTHING]);
}

/**
 * lab_series_append:
 *
 * Appends one point and emits LabSeries::points-added.
 */
void
lab_series_append (LabSeries *self, double step, double wall_time, double value)
{
  LabPoint point = { step, wall_time, value };

  lab_series_append_points (self, &point, 1);
}

/**
 * lab_series_append_points:
 * @points: (array length=n_points): points in step order, after the ones already there
 *
 * Appends a batch in amortised O(1) per point (a point that goes back in steps is dropped)
 * and emits LabSeries::points-added once (not at all when no point was kept).
 */
void
lab_series_append_points (LabSeries *self, const LabPoint *points, guint n_points)
{
  guint first;
  guint kept;

  g_return_if_fail (LAB_IS_SERIES (self));
  g_return_if_fail (points != NULL || n_points == 0);

  first = cari_plot_series_get_n_points (self->data);
  kept = cari_plot_series_append (self->data, points, n_points);
  if (kept > 0)
    {
      g_signal_emit (self, signals[POINTS_ADDED], 0, first, kept);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_POINTS]);
    }
}

const CariPlotSeries *
lab_series_peek_data (LabSeries *self)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NULL);
  return self->data;
}

guint
lab_series_get_n_points (LabSeries *self)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), 0);
  return cari_plot_series_get_n_points (self->data);
}

/* A point's entry of one of the data's arrays, checked. */
static double
lab_series_peek (LabSeries *self, const double *array, guint index)
{
  g_return_val_if_fail (index < cari_plot_series_get_n_points (self->data), NAN);
  return array[index];
}

double
lab_series_get_step (LabSeries *self, guint index)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NAN);
  return lab_series_peek (self, cari_plot_series_peek_steps (self->data), index);
}

double
lab_series_get_wall_time (LabSeries *self, guint index)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NAN);
  return lab_series_peek (self, cari_plot_series_peek_wall_times (self->data), index);
}

double
lab_series_get_value (LabSeries *self, guint index)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NAN);
  return lab_series_peek (self, cari_plot_series_peek_values (self->data, FALSE), index);
}

double
lab_series_get_smoothed (LabSeries *self, guint index)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NAN);
  return lab_series_peek (self, cari_plot_series_peek_values (self->data, TRUE), index);
}

/**
 * lab_series_peek_values:
 * @smoothed: the smoothed values instead of the raw ones
 *
 * Returns: (transfer none) (array): the values, valid until the next append or smoothing change
 */
const double *
lab_series_peek_values (LabSeries *self, gboolean smoothed)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NULL);
  return cari_plot_series_peek_values (self->data, smoothed);
}

double
lab_series_get_x (LabSeries *self, LabXAxis axis, double origin, guint index)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NAN);
  g_return_val_if_fail (index < cari_plot_series_get_n_points (self->data), NAN);
  return cari_plot_series_get_x (self->data, axis, origin, index);
}

gboolean
lab_series_get_x_extent (LabSeries *self, LabXAxis axis, double origin, double *first, double *last)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), FALSE);
  return cari_plot_series_get_x_extent (self->data, axis, origin, first, last);
}

/**
 * lab_series_lower_bound:
 *
 * Returns: the first index whose x is >= @x, or the number of points when there is none.
 */
guint
lab_series_lower_bound (LabSeries *self, LabXAxis axis, double origin, double x)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), 0);
  return cari_plot_series_lower_bound (self->data, axis, origin, x);
}

/**
 * lab_series_upper_bound:
 *
 * Returns: the first index whose x is > @x, or the number of points when there is none.
 */
guint
lab_series_upper_bound (LabSeries *self, LabXAxis axis, double origin, double x)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), 0);
  return cari_plot_series_upper_bound (self->data, axis, origin, x);
}

/**
 * lab_series_get_y_extent:
 * @begin: first index
 * @end: one past the last index
 * @smoothed: the smoothed values instead of the raw ones
 * @positive_only: the smallest positive value as @min (for a log axis)
 *
 * The extremes of the finite values in [begin, end), in O(log n).
 *
 * Returns: FALSE when there is no such value
 */
gboolean
lab_series_get_y_extent (LabSeries *self, guint begin, guint end, gboolean smoothed,
                         gboolean positive_only, double *min, double *max)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), FALSE);
  return cari_plot_series_get_y_extent (self->data, begin, end, smoothed, positive_only, min,
                                        max);
}

/**
 * lab_series_nearest_index:
 *
 * The point whose x is nearest to @x (the earlier one on a tie), by binary search.
 *
 * Returns: its index, or -1 when the series is empty
 */
gssize
lab_series_nearest_index (LabSeries *self, LabXAxis axis, double origin, double x)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), -1);
  return cari_plot_series_nearest_index (self->data, axis, origin, x);
}

/**
 * lab_series_decimate:
 * @columns: (array length=n_columns) (out caller-allocates): one entry per column
 *
 * Splits [x_lower, x_upper] into @n_columns equal columns (the last one closed) and
 * summarises the points of each: count, first and last index, min and max. O(W log n).
 */
void
lab_series_decimate (LabSeries *self, LabXAxis axis, double origin, gboolean smoothed,
                     double x_lower, double x_upper, guint n_columns, LabColumn *columns)
{
  g_return_if_fail (LAB_IS_SERIES (self));
  cari_plot_series_decimate (self->data, axis, origin, smoothed, x_lower, x_upper, n_columns,
                             columns);
}

/**
 * lab_series_build_shape:
 * @transform: the data and plot rectangles
 * @smoothed: the smoothed values instead of the raw ones
 * @n_columns: the pixel columns of the plot (its width times the device scale)
 * @shape: (out caller-allocates): what to draw; free with lab_series_shape_clear()
 *
 * What to draw of the series in a view (cari_plot_series_build_shape()).
 */
void
lab_series_build_shape (LabSeries *self, const LabChartTransform *transform, LabXAxis axis,
                        double origin, gboolean smoothed, guint n_columns, LabSeriesShape *shape)
{
  g_return_if_fail (LAB_IS_SERIES (self));
  g_return_if_fail (transform != NULL);
  g_return_if_fail (shape != NULL);
  cari_plot_series_build_shape (self->data, transform, axis, origin, smoothed, n_columns, shape);
}

/* GObject. */

static void
lab_series_constructed (GObject *object)
{
  LabSeries *self = LAB_SERIES (object);

  G_OBJECT_CLASS (lab_series_parent_class)->constructed (object);
  self->data = cari_plot_series_new (self->key);
}

static void
lab_series_finalize (GObject *object)
{
  LabSeries *self = LAB_SERIES (object);

  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->data, cari_plot_series_free);

  G_OBJECT_CLASS (lab_series_parent_class)->finalize (object);
}

static void
lab_series_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LabSeries *self = LAB_SERIES (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_LABEL:
      g_value_set_string (value, lab_series_get_label (self));
      break;
    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;
    case PROP_LINE_STYLE:
      g_value_set_enum (value, self->line_style);
      break;
    case PROP_TIME_ORIGIN:
      g_value_set_double (value, self->time_origin);
      break;
    case PROP_SMOOTHING:
      g_value_set_double (value, cari_plot_series_get_smoothing (self->data));
      break;
    case PROP_N_POINTS:
      g_value_set_uint (value, cari_plot_series_get_n_points (self->data));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_series_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  LabSeries *self = LAB_SERIES (object);

  switch (prop_id)
    {
    case PROP_KEY:
      self->key = g_value_dup_string (value);
      break;
    case PROP_LABEL:
      lab_series_set_label (self, g_value_get_string (value));
      break;
    case PROP_ROLE:
      lab_series_set_role (self, g_value_get_enum (value));
      break;
    case PROP_LINE_STYLE:
      lab_series_set_line_style (self, g_value_get_enum (value));
      break;
    case PROP_TIME_ORIGIN:
      lab_series_set_time_origin (self, g_value_get_double (value));
      break;
    case PROP_SMOOTHING:
      lab_series_set_smoothing (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_series_class_init (LabSeriesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lab_series_constructed;
  object_class->finalize = lab_series_finalize;
  object_class->get_property = lab_series_get_property;
  object_class->set_property = lab_series_set_property;

  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  properties[PROP_KEY] = g_param_spec_string ("key", NULL, NULL, NULL,
                                              G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY
                                                | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, flags);
  properties[PROP_ROLE] = g_param_spec_enum ("role", NULL, NULL, LAB_TYPE_SERIES_ROLE,
                                             LAB_SERIES_ROLE_OTHER, flags);
  properties[PROP_LINE_STYLE] = g_param_spec_enum ("line-style", NULL, NULL, LAB_TYPE_LINE_STYLE,
                                                   LAB_LINE_STYLE_SOLID, flags);
  /* Unset (NaN, the chart decides) until set; a GParamSpec's default cannot be NaN. */
  properties[PROP_TIME_ORIGIN] = g_param_spec_double ("time-origin", NULL, NULL, -G_MAXDOUBLE,
                                                      G_MAXDOUBLE, 0, flags);
  properties[PROP_SMOOTHING] = g_param_spec_double ("smoothing", NULL, NULL, 0,
                                                    LAB_SERIES_MAX_SMOOTHING, 0, flags);
  properties[PROP_N_POINTS] = g_param_spec_uint ("n-points", NULL, NULL, 0, G_MAXUINT, 0,
                                                 G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                   | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabSeries::points-added:
   * @first: the index of the first new point
   * @n_added: how many points were added
   *
   * Emitted once per append call, however many points it added.
   */
  signals[POINTS_ADDED] =
    g_signal_new ("points-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
lab_series_init (LabSeries *self)
{
  self->role = LAB_SERIES_ROLE_OTHER;
  self->time_origin = NAN;
}
