/* lab-series.c — one curve of a chart: growing (step, wall time, value) arrays, their
 * smoothed twin, and the min/max pyramid that decimates them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything the chart draws is prepared here, off the draw path: appending a point extends
 * the debiased EMA and the min/max pyramids in amortised O(1), so a pixel column of a
 * million-point series costs O(log n) to summarise and a chart draws at most four vertices
 * per column whatever the length of the series.
 */

#include "lab-config.h"

#include <math.h>
#include <string.h>

#include "lab-pyramid.h"
#include "lab-series.h"

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
  double *steps;
  double *wall_times;
  double *values;
  double *smoothed;
  LabPyramid raw_pyramid;
  LabPyramid smoothed_pyramid;

  LabSeriesRole role;
  LabLineStyle line_style;
  double time_origin;
  double smoothing;
  guint n_points;
  guint capacity;

  /* The debiased EMA's running state over the finite values seen so far. */
  double ema;
  double ema_decay; /* smoothing^count */
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

/**
 * lab_series_role_for_key:
 * @key: a metric key such as "weight/cari", "loss/total" or "val/v2c", possibly prefixed
 *   ("run 3/loss/verif")
 *
 * Returns: the role whose colour the metric takes: its task for per-task metrics.
 */
LabSeriesRole
lab_series_role_for_key (const char *key)
{
  const char *last;

  g_return_val_if_fail (key != NULL, LAB_SERIES_ROLE_OTHER);

  if (g_str_has_prefix (key, "val/") || strstr (key, "/val/") != NULL)
    return LAB_SERIES_ROLE_VAL;

  last = strrchr (key, '/');
  last = last != NULL ? last + 1 : key;
  if (strcmp (last, "verif") == 0)
    return LAB_SERIES_ROLE_VERIF;
  if (strcmp (last, "cari") == 0)
    return LAB_SERIES_ROLE_CARI;
  if (strcmp (last, "visual") == 0)
    return LAB_SERIES_ROLE_VISUAL;
  if (strcmp (last, "l4") == 0)
    return LAB_SERIES_ROLE_L4;
  if (strcmp (last, "total") == 0)
    return LAB_SERIES_ROLE_TOTAL;

  return LAB_SERIES_ROLE_OTHER;
}

/* The data. */

LabSeries *
lab_series_new (const char    *key,
                const char    *label,
                LabSeriesRole  role,
                LabLineStyle   line_style)
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
lab_series_set_label (LabSeries  *self,
                      const char *label)
{
  g_return_if_fail (LAB_IS_SERIES (self));

  if (g_strcmp0 (self->label, label) == 0)
    return;
  g_free (self->label);
  self->label = g_strdup (label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

LabSeriesRole
lab_series_get_role (LabSeries *self)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), LAB_SERIES_ROLE_OTHER);
  return self->role;
}

void
lab_series_set_role (LabSeries     *self,
                     LabSeriesRole  role)
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
lab_series_set_line_style (LabSeries    *self,
                           LabLineStyle  line_style)
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
lab_series_set_time_origin (LabSeries *self,
                            double     time_origin)
{
  g_return_if_fail (LAB_IS_SERIES (self));

  if (self->time_origin == time_origin || (isnan (self->time_origin) && isnan (time_origin)))
    return;
  self->time_origin = time_origin;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_ORIGIN]);
}

double
lab_series_get_smoothing (LabSeries *self)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), 0);
  return self->smoothing;
}

/* The debiased EMA of TensorBoard: ema = w·ema + (1 − w)·v over the finite values, shown as
 * ema / (1 − w^t) after t of them, so the curve starts at the first value instead of near
 * zero. Non-finite values pass through and leave the average alone. */
static void
lab_series_smooth_from (LabSeries *self,
                        guint      first)
{
  double w = self->smoothing;

  for (guint i = first; i < self->n_points; i++)
    {
      double value = self->values[i];

      if (!isfinite (value))
        {
          self->smoothed[i] = value;
          continue;
        }
      self->ema = w * self->ema + (1 - w) * value;
      self->ema_decay *= w;
      self->smoothed[i] = self->ema / (1 - self->ema_decay);
    }
}

/**
 * lab_series_set_smoothing:
 * @smoothing: the EMA weight w, clamped to [0, 0.999]; 0 leaves the values as they are
 *
 * Recomputes the smoothed values (O(n), here rather than in the draw).
 */
void
lab_series_set_smoothing (LabSeries *self,
                          double     smoothing)
{
  g_return_if_fail (LAB_IS_SERIES (self));

  smoothing = isnan (smoothing) ? 0 : CLAMP (smoothing, 0, LAB_SERIES_MAX_SMOOTHING);
  if (self->smoothing == smoothing)
    return;

  self->smoothing = smoothing;
  self->ema = 0;
  self->ema_decay = 1;
  lab_series_smooth_from (self, 0);
  lab_pyramid_rebuild (&self->smoothed_pyramid, self->smoothed, self->n_points);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMOOTHING]);
}

static void
lab_series_reserve (LabSeries *self,
                    guint      n_more)
{
  guint needed;

  g_return_if_fail (n_more <= G_MAXUINT - self->n_points);
  needed = self->n_points + n_more;
  if (needed <= self->capacity)
    return;

  /* Doubling keeps appends amortised O(1). */
  self->capacity = MAX (MAX (needed, 64), MIN (self->capacity, G_MAXUINT / 2) * 2);
  self->steps = g_renew (double, self->steps, self->capacity);
  self->wall_times = g_renew (double, self->wall_times, self->capacity);
  self->values = g_renew (double, self->values, self->capacity);
  self->smoothed = g_renew (double, self->smoothed, self->capacity);
}

/* Both x arrays stay sorted, which binary search and decimation need: a point whose step
 * goes backwards (or is NaN) is dropped, and a wall time that goes backwards (a clock
 * adjusted) is stored as the previous one. */
static gboolean
lab_series_push (LabSeries *self,
                 double     step,
                 double     wall_time,
                 double     value)
{
  guint i = self->n_points;

  if (isnan (step) || (i > 0 && step < self->steps[i - 1]))
    {
      g_debug ("series %s: dropped a point at step %g, which comes before step %g", self->key,
               step, i > 0 ? self->steps[i - 1] : NAN);
      return FALSE;
    }
  if (i > 0 && !(wall_time >= self->wall_times[i - 1]))
    wall_time = self->wall_times[i - 1];
  else if (i == 0 && isnan (wall_time))
    wall_time = 0;

  self->steps[i] = step;
  self->wall_times[i] = wall_time;
  self->values[i] = value;
  self->n_points++;

  lab_series_smooth_from (self, i);
  lab_pyramid_extend (&self->raw_pyramid, self->values, self->n_points);
  lab_pyramid_extend (&self->smoothed_pyramid, self->smoothed, self->n_points);
  return TRUE;
}

/**
 * lab_series_append:
 *
 * Appends one point and emits LabSeries::points-added.
 */
void
lab_series_append (LabSeries *self,
                   double     step,
                   double     wall_time,
                   double     value)
{
  LabPoint point = { step, wall_time, value };

  lab_series_append_points (self, &point, 1);
}

/**
 * lab_series_append_points:
 * @points: (array length=n_points): points in step order, after the ones already there
 *
 * Appends a batch in amortised O(1) per point and emits LabSeries::points-added once (not at
 * all when no point was kept).
 */
void
lab_series_append_points (LabSeries      *self,
                          const LabPoint *points,
                          guint           n_points)
{
  guint first;

  g_return_if_fail (LAB_IS_SERIES (self));
  g_return_if_fail (points != NULL || n_points == 0);

  first = self->n_points;
  lab_series_reserve (self, n_points);
  for (guint i = 0; i < n_points; i++)
    lab_series_push (self, points[i].step, points[i].wall_time, points[i].value);

  if (self->n_points > first)
    {
      g_signal_emit (self, signals[POINTS_ADDED], 0, first, self->n_points - first);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_POINTS]);
    }
}

guint
lab_series_get_n_points (LabSeries *self)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), 0);
  return self->n_points;
}

double
lab_series_get_step (LabSeries *self,
                     guint      index)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NAN);
  g_return_val_if_fail (index < self->n_points, NAN);
  return self->steps[index];
}

double
lab_series_get_wall_time (LabSeries *self,
                          guint      index)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NAN);
  g_return_val_if_fail (index < self->n_points, NAN);
  return self->wall_times[index];
}

double
lab_series_get_value (LabSeries *self,
                      guint      index)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NAN);
  g_return_val_if_fail (index < self->n_points, NAN);
  return self->values[index];
}

double
lab_series_get_smoothed (LabSeries *self,
                         guint      index)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NAN);
  g_return_val_if_fail (index < self->n_points, NAN);
  return self->smoothed[index];
}

/**
 * lab_series_peek_values:
 * @smoothed: the smoothed values instead of the raw ones
 *
 * Returns: (transfer none) (array): the values, valid until the next append or smoothing change
 */
const double *
lab_series_peek_values (LabSeries *self,
                        gboolean   smoothed)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NULL);
  return smoothed ? self->smoothed : self->values;
}

/* The x of a point on @axis; @origin is subtracted from wall times (ignored for steps). */
static inline double
lab_series_x (LabSeries *self,
              LabXAxis   axis,
              double     origin,
              guint      index)
{
  return axis == LAB_X_AXIS_STEP ? self->steps[index] : self->wall_times[index] - origin;
}

double
lab_series_get_x (LabSeries *self,
                  LabXAxis   axis,
                  double     origin,
                  guint      index)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), NAN);
  g_return_val_if_fail (index < self->n_points, NAN);
  return lab_series_x (self, axis, origin, index);
}

gboolean
lab_series_get_x_extent (LabSeries *self,
                         LabXAxis   axis,
                         double     origin,
                         double    *first,
                         double    *last)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), FALSE);

  if (self->n_points == 0)
    return FALSE;
  if (first != NULL)
    *first = lab_series_x (self, axis, origin, 0);
  if (last != NULL)
    *last = lab_series_x (self, axis, origin, self->n_points - 1);
  return TRUE;
}

/* The first index whose x is >= @x (or > @x when @strict): n_points when there is none. */
static guint
lab_series_search (LabSeries *self,
                   LabXAxis   axis,
                   double     origin,
                   double     x,
                   gboolean   strict)
{
  guint low = 0;
  guint high = self->n_points;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      double mid_x = lab_series_x (self, axis, origin, mid);

      if (mid_x < x || (strict && mid_x == x))
        low = mid + 1;
      else
        high = mid;
    }

  return low;
}

/**
 * lab_series_lower_bound:
 *
 * Returns: the first index whose x is >= @x, or the number of points when there is none.
 */
guint
lab_series_lower_bound (LabSeries *self,
                        LabXAxis   axis,
                        double     origin,
                        double     x)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), 0);
  return lab_series_search (self, axis, origin, x, FALSE);
}

/**
 * lab_series_upper_bound:
 *
 * Returns: the first index whose x is > @x, or the number of points when there is none.
 */
guint
lab_series_upper_bound (LabSeries *self,
                        LabXAxis   axis,
                        double     origin,
                        double     x)
{
  g_return_val_if_fail (LAB_IS_SERIES (self), 0);
  return lab_series_search (self, axis, origin, x, TRUE);
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
lab_series_get_y_extent (LabSeries *self,
                         guint      begin,
                         guint      end,
                         gboolean   smoothed,
                         gboolean   positive_only,
                         double    *min,
                         double    *max)
{
  LabExtent extent;

  g_return_val_if_fail (LAB_IS_SERIES (self), FALSE);

  end = MIN (end, self->n_points);
  if (begin >= end)
    return FALSE;

  lab_pyramid_query (smoothed ? &self->smoothed_pyramid : &self->raw_pyramid,
                     smoothed ? self->smoothed : self->values, begin, end, &extent);
  if (positive_only)
    extent.min = extent.min_positive;
  if (!(extent.min <= extent.max))
    return FALSE;

  *min = extent.min;
  *max = extent.max;
  return TRUE;
}

/**
 * lab_series_nearest_index:
 *
 * The point whose x is nearest to @x (the earlier one on a tie), by binary search.
 *
 * Returns: its index, or -1 when the series is empty
 */
gssize
lab_series_nearest_index (LabSeries *self,
                          LabXAxis   axis,
                          double     origin,
                          double     x)
{
  guint i;

  g_return_val_if_fail (LAB_IS_SERIES (self), -1);

  if (self->n_points == 0 || isnan (x))
    return -1;

  i = lab_series_search (self, axis, origin, x, FALSE);
  if (i == 0)
    return 0;
  if (i == self->n_points)
    return self->n_points - 1;

  if (lab_series_x (self, axis, origin, i) - x < x - lab_series_x (self, axis, origin, i - 1))
    return i;
  return i - 1;
}

/**
 * lab_series_decimate:
 * @columns: (array length=n_columns) (out caller-allocates): one entry per column
 *
 * Splits [x_lower, x_upper] into @n_columns equal columns (the last one closed) and
 * summarises the points of each: count, first and last index, min and max. O(W log n).
 */
void
lab_series_decimate (LabSeries *self,
                     LabXAxis   axis,
                     double     origin,
                     gboolean   smoothed,
                     double     x_lower,
                     double     x_upper,
                     guint      n_columns,
                     LabColumn *columns)
{
  const LabPyramid *pyramid;
  const double *values;
  guint begin;

  g_return_if_fail (LAB_IS_SERIES (self));
  g_return_if_fail (columns != NULL || n_columns == 0);

  pyramid = smoothed ? &self->smoothed_pyramid : &self->raw_pyramid;
  values = smoothed ? self->smoothed : self->values;

  begin = lab_series_search (self, axis, origin, x_lower, FALSE);
  for (guint c = 0; c < n_columns; c++)
    {
      LabColumn *column = &columns[c];
      guint end;
      LabExtent extent;

      if (c + 1 == n_columns)
        end = lab_series_search (self, axis, origin, x_upper, TRUE);
      else
        end = lab_series_search (self, axis, origin,
                                 x_lower + (x_upper - x_lower) * (c + 1) / n_columns, FALSE);
      end = MAX (end, begin);

      column->n = end - begin;
      column->first = begin;
      column->last = end > begin ? end - 1 : begin;
      column->min = NAN;
      column->max = NAN;
      if (end > begin)
        {
          lab_pyramid_query (pyramid, values, begin, end, &extent);
          if (extent.min <= extent.max)
            {
              column->min = extent.min;
              column->max = extent.max;
            }
        }
      begin = end;
    }
}

/* GObject. */

static void
lab_series_finalize (GObject *object)
{
  LabSeries *self = LAB_SERIES (object);

  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->steps, g_free);
  g_clear_pointer (&self->wall_times, g_free);
  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->smoothed, g_free);
  lab_pyramid_clear (&self->raw_pyramid);
  lab_pyramid_clear (&self->smoothed_pyramid);

  G_OBJECT_CLASS (lab_series_parent_class)->finalize (object);
}

static void
lab_series_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
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
      g_value_set_double (value, self->smoothing);
      break;
    case PROP_N_POINTS:
      g_value_set_uint (value, self->n_points);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_series_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
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

  object_class->finalize = lab_series_finalize;
  object_class->get_property = lab_series_get_property;
  object_class->set_property = lab_series_set_property;

  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE] =
    g_param_spec_enum ("role", NULL, NULL, LAB_TYPE_SERIES_ROLE, LAB_SERIES_ROLE_OTHER,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LINE_STYLE] =
    g_param_spec_enum ("line-style", NULL, NULL, LAB_TYPE_LINE_STYLE, LAB_LINE_STYLE_SOLID,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Unset (NaN, the chart decides) until set; a GParamSpec's default cannot be NaN. */
  properties[PROP_TIME_ORIGIN] =
    g_param_spec_double ("time-origin", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SMOOTHING] =
    g_param_spec_double ("smoothing", NULL, NULL, 0, LAB_SERIES_MAX_SMOOTHING, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_POINTS] =
    g_param_spec_uint ("n-points", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
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
  self->ema_decay = 1;
}
