/* lab-chart-view.c — what part of the data a LabChart shows: the x range, following new data,
 * the x axis linked charts share, and the hover position
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linked charts share one LabXLink: its axis mode (steps or wall time), whether it follows
 * the newest data, the range the user chose, and the hover position. Following, the range is
 * computed when asked, from the data of every linked chart, so new data move it without
 * anyone setting it; a user's zoom or pan stores a range and turns following off, and then
 * new data leave the view alone.
 */

#include "lab-config.h"

#include <math.h>

#include "lab-chart-private.h"

/* Zooming in stops at a millionth of the data's extent (or of one unit). */
#define LAB_CHART_MIN_WIDTH_FRACTION 1e-6

/* The shared x axis. */

LabXLink *
lab_x_link_new (void)
{
  LabXLink *link = g_new0 (LabXLink, 1);

  g_ref_count_init (&link->ref_count);
  link->charts = g_ptr_array_new ();
  link->axis = LAB_X_AXIS_STEP;
  link->follow = TRUE;
  link->lower = 0;
  link->upper = 1;
  link->hover_x = NAN;
  return link;
}

static LabXLink *
lab_x_link_ref (LabXLink *link)
{
  g_ref_count_inc (&link->ref_count);
  return link;
}

void
lab_x_link_unref (LabXLink *link)
{
  if (g_ref_count_dec (&link->ref_count))
    {
      g_ptr_array_unref (link->charts);
      g_free (link);
    }
}

gboolean
lab_chart_is_visible_series (LabChart *self, LabSeries *series)
{
  return !g_hash_table_contains (self->hidden, lab_series_get_key (series));
}

/* The zero of a wall-time axis for series without an origin of their own: the earliest
 * point of all linked charts, so that linked charts line up. */
double
lab_chart_time_origin (LabChart *self)
{
  double origin = INFINITY;

  for (guint c = 0; c < self->link->charts->len; c++)
    {
      LabChart *chart = g_ptr_array_index (self->link->charts, c);
      guint n = chart->model != NULL ? lab_chart_model_get_n_series (chart->model) : 0;

      for (guint i = 0; i < n; i++)
        {
          LabSeries *series = lab_chart_model_get_series (chart->model, i);

          if (lab_series_get_n_points (series) > 0 && lab_chart_is_visible_series (chart, series))
            origin = MIN (origin, lab_series_get_wall_time (series, 0));
        }
    }

  return isfinite (origin) ? origin : 0;
}

double
lab_chart_series_origin (LabChart *self, LabSeries *series, double chart_origin)
{
  double origin = lab_series_get_time_origin (series);

  return isnan (origin) ? chart_origin : origin;
}

/* The x extent of the visible data of all linked charts. */
gboolean
lab_chart_get_data_extent (LabChart *self, double *lower, double *upper)
{
  double chart_origin = lab_chart_time_origin (self);
  double low = INFINITY;
  double high = -INFINITY;

  for (guint c = 0; c < self->link->charts->len; c++)
    {
      LabChart *chart = g_ptr_array_index (self->link->charts, c);
      guint n = chart->model != NULL ? lab_chart_model_get_n_series (chart->model) : 0;

      for (guint i = 0; i < n; i++)
        {
          LabSeries *series = lab_chart_model_get_series (chart->model, i);
          double first;
          double last;

          if (lab_chart_is_visible_series (chart, series)
              && lab_series_get_x_extent (series, self->link->axis,
                                          lab_chart_series_origin (chart, series, chart_origin),
                                          &first, &last))
            {
              low = MIN (low, first);
              high = MAX (high, last);
            }
        }
    }

  if (!(low <= high))
    return FALSE;
  *lower = low;
  *upper = high;
  return TRUE;
}

/**
 * lab_chart_get_x_range:
 *
 * The x range the chart shows: when following, the whole extent of the linked charts' data
 * (or a window of the chosen width on its newest end); otherwise the range the user chose.
 */
void
lab_chart_get_x_range (LabChart *self, double *lower, double *upper)
{
  LabXLink *link;
  double low;
  double high;

  g_return_if_fail (LAB_IS_CHART (self));

  link = self->link;
  if (!link->follow)
    {
      low = link->lower;
      high = link->upper;
    }
  else if (lab_chart_get_data_extent (self, &low, &high))
    {
      if (link->follow_width > 0)
        low = high - link->follow_width;
      if (high - low <= 0)
        {
          low -= 0.5;
          high += 0.5;
        }
    }
  else
    {
      low = 0;
      high = 1;
    }

  if (lower != NULL)
    *lower = low;
  if (upper != NULL)
    *upper = high;
}

void
lab_chart_set_follow_internal (LabChart *self, gboolean follow, double follow_width)
{
  LabXLink *link = self->link;
  gboolean changed = link->follow != follow;

  link->follow = follow;
  link->follow_width = follow_width;
  lab_chart_invalidate_linked (self);
  if (changed)
    lab_chart_notify_linked (self, LAB_CHART_PROP_FOLLOW);
}

/**
 * lab_chart_set_x_range:
 *
 * Shows [lower, upper] in this chart and the charts linked to it, as a user zoom does:
 * follow turns off, and new data leave the range alone.
 */
void
lab_chart_set_x_range (LabChart *self, double lower, double upper)
{
  double data_lower;
  double data_upper;
  double min_width = LAB_CHART_MIN_WIDTH_FRACTION;

  g_return_if_fail (LAB_IS_CHART (self));
  g_return_if_fail (isfinite (lower) && isfinite (upper));

  if (upper < lower)
    {
      double swap = lower;

      lower = upper;
      upper = swap;
    }
  if (lab_chart_get_data_extent (self, &data_lower, &data_upper) && data_upper > data_lower)
    min_width *= data_upper - data_lower;
  if (upper - lower < min_width)
    {
      double centre = (lower + upper) / 2;

      lower = centre - min_width / 2;
      upper = centre + min_width / 2;
    }

  self->link->lower = lower;
  self->link->upper = upper;
  lab_chart_set_follow_internal (self, FALSE, self->link->follow_width);
}

/**
 * lab_chart_zoom_x:
 * @centre: the x that stays in place
 * @factor: the new width over the old one (< 1 zooms in)
 */
void
lab_chart_zoom_x (LabChart *self, double centre, double factor)
{
  double lower;
  double upper;

  g_return_if_fail (LAB_IS_CHART (self));
  g_return_if_fail (factor > 0);

  lab_chart_get_x_range (self, &lower, &upper);
  lab_chart_set_x_range (self, centre - (centre - lower) * factor,
                         centre + (upper - centre) * factor);
}

/**
 * lab_chart_pan_x:
 * @delta: how far to move the view, in x units (> 0 towards later steps)
 */
void
lab_chart_pan_x (LabChart *self, double delta)
{
  double lower;
  double upper;

  g_return_if_fail (LAB_IS_CHART (self));

  lab_chart_get_x_range (self, &lower, &upper);
  lab_chart_set_x_range (self, lower + delta, upper + delta);
}

/**
 * lab_chart_reset_view:
 *
 * Shows all the data of the linked charts and follows new data.
 */
void
lab_chart_reset_view (LabChart *self)
{
  g_return_if_fail (LAB_IS_CHART (self));

  lab_chart_set_follow_internal (self, TRUE, 0);
}

/**
 * lab_chart_get_y_range:
 *
 * The y range the chart shows, fitted to the visible data in the current x range.
 *
 * Returns: FALSE when no visible point is in the x range (the chart then shows [0, 1])
 */
gboolean
lab_chart_get_y_range (LabChart *self, double *lower, double *upper)
{
  double x_lower;
  double x_upper;
  double low;
  double high;
  gboolean found;

  g_return_val_if_fail (LAB_IS_CHART (self), FALSE);

  low = self->log_y ? 0.1 : 0;
  high = self->log_y ? 10 : 1;
  lab_chart_get_x_range (self, &x_lower, &x_upper);
  found = lab_chart_compute_y_range (self, x_lower, x_upper, &low, &high);
  if (lower != NULL)
    *lower = low;
  if (upper != NULL)
    *upper = high;
  return found;
}

/**
 * lab_chart_link_x:
 * @other: a chart to share the x axis with
 *
 * From now on both charts (and whatever each was already linked to) show the same x range,
 * x-axis mode, follow state and hover position: the Live page's weights over its losses.
 * @other takes this chart's view.
 */
void
lab_chart_link_x (LabChart *self, LabChart *other)
{
  LabXLink *old;

  g_return_if_fail (LAB_IS_CHART (self));
  g_return_if_fail (LAB_IS_CHART (other));

  if (self->link == other->link)
    return;

  /* Our own reference: the last member's leaving would free it in the middle of the loop. */
  old = lab_x_link_ref (other->link);
  while (old->charts->len > 0)
    {
      LabChart *chart = g_ptr_array_steal_index (old->charts, old->charts->len - 1);

      chart->link = lab_x_link_ref (self->link);
      g_ptr_array_add (self->link->charts, chart);
      lab_x_link_unref (old);
      lab_chart_notify (chart, LAB_CHART_PROP_FOLLOW);
      lab_chart_notify (chart, LAB_CHART_PROP_X_AXIS);
    }
  lab_x_link_unref (old);

  lab_chart_invalidate_linked (self);
}

/**
 * lab_chart_unlink_x:
 *
 * Gives the chart an x axis of its own again, starting from the shared one's state.
 */
void
lab_chart_unlink_x (LabChart *self)
{
  LabXLink *old;
  LabXLink *link;

  g_return_if_fail (LAB_IS_CHART (self));

  old = self->link;
  if (old->charts->len <= 1)
    return;

  link = lab_x_link_new ();
  link->axis = old->axis;
  link->follow = old->follow;
  link->follow_width = old->follow_width;
  link->lower = old->lower;
  link->upper = old->upper;
  g_ptr_array_remove (old->charts, self);
  g_ptr_array_add (link->charts, self);
  self->link = link;

  for (guint i = 0; i < old->charts->len; i++)
    lab_chart_invalidate (g_ptr_array_index (old->charts, i));
  lab_x_link_unref (old);
  lab_chart_invalidate (self);
}

gboolean
lab_chart_is_linked_x (LabChart *self, LabChart *other)
{
  g_return_val_if_fail (LAB_IS_CHART (self), FALSE);
  g_return_val_if_fail (LAB_IS_CHART (other), FALSE);

  return self->link == other->link;
}

/**
 * lab_chart_get_hover_x:
 *
 * Returns: the x the pointer (or lab_chart_set_hover_x()) points at, NaN when none
 */
double
lab_chart_get_hover_x (LabChart *self)
{
  g_return_val_if_fail (LAB_IS_CHART (self), NAN);
  return self->link->hover_x;
}

/**
 * lab_chart_set_hover_x:
 * @x: an x in data units, or NaN for none
 *
 * Shows the hover readout at @x, in this chart and the charts linked to it.
 */
void
lab_chart_set_hover_x (LabChart *self, double x)
{
  g_return_if_fail (LAB_IS_CHART (self));

  if (self->link->hover_x == x || (isnan (self->link->hover_x) && isnan (x)))
    return;

  self->link->hover_x = x;
  /* Only the overlay changes: no need to drop the cached drawing. */
  for (guint i = 0; i < self->link->charts->len; i++)
    gtk_widget_queue_draw (g_ptr_array_index (self->link->charts, i));
}
