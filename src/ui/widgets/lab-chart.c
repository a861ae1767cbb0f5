/* lab-chart.c — a line chart of training metrics: the widget, its properties and its
 * cached drawing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rest of LabChart: lab-chart-view.c (the x range, follow, linked axes, hover),
 * lab-chart-input.c (the pointer), lab-chart-draw.c (what it hands carilab-plot's chart to draw),
 * lab-chart-readout.c (the hover readout), lab-chart-export.c.
 */

#include "lab-config.h"

#include <math.h>

#include "lab-chart-private.h"
#include "lab-property.h"

G_DEFINE_ENUM_TYPE (LabChartFormat, lab_chart_format,
  G_DEFINE_ENUM_VALUE (LAB_CHART_FORMAT_PNG, "png"),
  G_DEFINE_ENUM_VALUE (LAB_CHART_FORMAT_SVG, "svg"),
  G_DEFINE_ENUM_VALUE (LAB_CHART_FORMAT_PDF, "pdf"))

G_DEFINE_FINAL_TYPE (LabChart, lab_chart, GTK_TYPE_WIDGET)

static GParamSpec *properties[LAB_CHART_N_PROPS];

guint lab_chart_signal_step_activated;

/* Drawing and redrawing. */

/* The data or the view changed: drop the cached drawing. */
void
lab_chart_invalidate (LabChart *self)
{
  g_clear_pointer (&self->cache, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The view or the data of the linked charts changed: drop their cached drawings, and if the
 * pointer rests on one of them, move the hover readout to what is now under it (the plot keeps
 * its place when the x range changes). */
void
lab_chart_invalidate_linked (LabChart *self)
{
  for (guint i = 0; i < self->link->charts->len; i++)
    {
      LabChart *chart = g_ptr_array_index (self->link->charts, i);
      const LabChartTransform *t = &chart->shown;

      lab_chart_invalidate (chart);
      if (chart->shown_valid && !isnan (chart->pointer_x) && chart->pointer_x >= t->left
          && chart->pointer_x <= t->left + t->width && chart->pointer_y >= t->top
          && chart->pointer_y <= t->top + t->height)
        {
          double lower;
          double upper;

          lab_chart_get_x_range (chart, &lower, &upper);
          lab_chart_set_hover_x (chart, lower + (chart->pointer_x - t->left) / t->width
                                                  * (upper - lower));
        }
    }
}

/* Notifies a property of the shared x axis (follow, x-axis) on every linked chart. */
void
lab_chart_notify_linked (LabChart *self, guint prop_id)
{
  for (guint i = 0; i < self->link->charts->len; i++)
    g_object_notify_by_pspec (g_ptr_array_index (self->link->charts, i), properties[prop_id]);
}

void
lab_chart_notify (LabChart *self, guint prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* Properties. */

GtkWidget *
lab_chart_new (void)
{
  return g_object_new (LAB_TYPE_CHART, NULL);
}

/**
 * lab_chart_get_model:
 *
 * Returns: (transfer none) (nullable): the series the chart shows
 */
LabChartModel *
lab_chart_get_model (LabChart *self)
{
  g_return_val_if_fail (LAB_IS_CHART (self), NULL);
  return self->model;
}

static void
lab_chart_on_model_changed (LabChart *self)
{
  /* When following, new data move the linked charts' view too. */
  if (self->link->follow)
    lab_chart_invalidate_linked (self);
  else
    lab_chart_invalidate (self);
}

static void
lab_chart_on_items_changed (LabChart *self, guint position, guint removed, guint added,
                            GListModel *model)
{
  lab_chart_model_set_smoothing (self->model, self->smoothing);
  lab_chart_invalidate_linked (self);
}

/**
 * lab_chart_set_model:
 * @model: (nullable): the series to show
 *
 * The chart applies its smoothing to the model: give each chart a model of its own.
 */
void
lab_chart_set_model (LabChart *self, LabChartModel *model)
{
  g_return_if_fail (LAB_IS_CHART (self));
  g_return_if_fail (model == NULL || LAB_IS_CHART_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    {
      lab_chart_model_set_smoothing (model, self->smoothing);
      g_signal_connect_object (model, "changed", G_CALLBACK (lab_chart_on_model_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (model, "items-changed", G_CALLBACK (lab_chart_on_items_changed),
                               self, G_CONNECT_SWAPPED);
    }

  lab_chart_invalidate_linked (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[LAB_CHART_PROP_MODEL]);
}

const char *
lab_chart_get_title (LabChart *self)
{
  g_return_val_if_fail (LAB_IS_CHART (self), NULL);
  return self->title;
}

void
lab_chart_set_title (LabChart *self, const char *title)
{
  g_return_if_fail (LAB_IS_CHART (self));

  if (!lab_property_set_string (self, &self->title, title, properties[LAB_CHART_PROP_TITLE]))
    return;
  /* A chart is an image to assistive technologies; its title names it. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title != NULL ? title : "", -1);
  lab_chart_invalidate (self);
}

const char *
lab_chart_get_y_label (LabChart *self)
{
  g_return_val_if_fail (LAB_IS_CHART (self), NULL);
  return self->y_label;
}

void
lab_chart_set_y_label (LabChart *self, const char *y_label)
{
  g_return_if_fail (LAB_IS_CHART (self));
  if (lab_property_set_string (self, &self->y_label, y_label, properties[LAB_CHART_PROP_Y_LABEL]))
    lab_chart_invalidate (self);
}

double
lab_chart_get_smoothing (LabChart *self)
{
  g_return_val_if_fail (LAB_IS_CHART (self), 0);
  return self->smoothing;
}

/**
 * lab_chart_set_smoothing:
 * @smoothing: the EMA weight in [0, 0.999]; 0 draws the raw values only
 */
void
lab_chart_set_smoothing (LabChart *self, double smoothing)
{
  g_return_if_fail (LAB_IS_CHART (self));

  smoothing = isnan (smoothing) ? 0 : CLAMP (smoothing, 0, LAB_SERIES_MAX_SMOOTHING);
  if (!lab_property_set_double (self, &self->smoothing, smoothing,
                                properties[LAB_CHART_PROP_SMOOTHING]))
    return;
  if (self->model != NULL)
    lab_chart_model_set_smoothing (self->model, smoothing);
  lab_chart_invalidate (self);
}

gboolean
lab_chart_get_log_y (LabChart *self)
{
  g_return_val_if_fail (LAB_IS_CHART (self), FALSE);
  return self->log_y;
}

void
lab_chart_set_log_y (LabChart *self, gboolean log_y)
{
  g_return_if_fail (LAB_IS_CHART (self));
  if (lab_property_set_boolean (self, &self->log_y, log_y, properties[LAB_CHART_PROP_LOG_Y]))
    lab_chart_invalidate (self);
}

LabXAxis
lab_chart_get_x_axis (LabChart *self)
{
  g_return_val_if_fail (LAB_IS_CHART (self), LAB_X_AXIS_STEP);
  return self->link->axis;
}

/**
 * lab_chart_set_x_axis:
 *
 * Switches the linked charts between steps and wall time; the view resets (its range was
 * in the other unit).
 */
void
lab_chart_set_x_axis (LabChart *self, LabXAxis x_axis)
{
  g_return_if_fail (LAB_IS_CHART (self));

  if (self->link->axis == x_axis)
    return;
  self->link->axis = x_axis;
  self->link->hover_x = NAN;
  lab_chart_reset_view (self);
  lab_chart_notify_linked (self, LAB_CHART_PROP_X_AXIS);
}

gboolean
lab_chart_get_follow (LabChart *self)
{
  g_return_val_if_fail (LAB_IS_CHART (self), FALSE);
  return self->link->follow;
}

/**
 * lab_chart_set_follow:
 *
 * On: the view slides with the newest data, keeping its width (or shows all of the data
 * when it showed all of it). Off: the view stays where it is.
 */
void
lab_chart_set_follow (LabChart *self, gboolean follow)
{
  double lower;
  double upper;
  double data_lower;
  double data_upper;
  double width = 0;

  g_return_if_fail (LAB_IS_CHART (self));

  follow = !!follow;
  if (self->link->follow == follow)
    return;

  lab_chart_get_x_range (self, &lower, &upper);
  if (!follow)
    {
      self->link->lower = lower;
      self->link->upper = upper;
    }
  else if (lab_chart_get_data_extent (self, &data_lower, &data_upper)
           && (lower > data_lower || upper < data_upper))
    width = upper - lower;

  lab_chart_set_follow_internal (self, follow, width);
}

/**
 * lab_chart_set_series_visible:
 * @key: a series' key (it need not exist yet)
 *
 * Hides or shows a series (L4 and the total loss are toggles on the Live page). A hidden
 * series is left out of the legend, the hover readout and the axes' ranges.
 */
void
lab_chart_set_series_visible (LabChart *self, const char *key, gboolean visible)
{
  g_return_if_fail (LAB_IS_CHART (self));
  g_return_if_fail (key != NULL);

  if (visible == !g_hash_table_contains (self->hidden, key))
    return;
  if (visible)
    g_hash_table_remove (self->hidden, key);
  else
    g_hash_table_add (self->hidden, g_strdup (key));
  lab_chart_invalidate_linked (self);
}

gboolean
lab_chart_get_series_visible (LabChart *self, const char *key)
{
  g_return_val_if_fail (LAB_IS_CHART (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return !g_hash_table_contains (self->hidden, key);
}

/* Drawing. */

/**
 * lab_chart_get_transform:
 *
 * Where the plot would be in a @width × @height drawing of the chart, and the data range it
 * would show: what lab_chart_draw() uses to map data to pixels.
 */
void
lab_chart_get_transform (LabChart *self, int width, int height, LabChartTransform *transform)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  CariPlotStyle style;

  g_return_if_fail (LAB_IS_CHART (self));
  g_return_if_fail (transform != NULL);

  /* Text sizes decide the margins, so lay out on a scratch surface. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (surface);
  lab_figure_style_init (&style, GTK_WIDGET (self));
  lab_chart_render (self, cr, &style, width, height, 1, TRUE, transform);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/**
 * lab_chart_draw:
 * @cr: where to draw, with (0, 0) at the chart's top-left corner
 *
 * Draws the chart (but not the hover readout) as the widget shows it, in the theme's text
 * colour on a transparent background. snapshot() draws with this; export draws the same
 * way in black on white.
 */
void
lab_chart_draw (LabChart *self, cairo_t *cr, int width, int height)
{
  CariPlotStyle style;

  g_return_if_fail (LAB_IS_CHART (self));
  g_return_if_fail (cr != NULL);

  lab_figure_style_init (&style, GTK_WIDGET (self));
  lab_chart_render (self, cr, &style, width, height,
                    gtk_widget_get_scale_factor (GTK_WIDGET (self)), TRUE, &self->shown);
  self->shown_valid = self->shown.width > 0;
}

/* GtkWidget. */

static void
lab_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LabChart *self = LAB_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  CariPlotStyle style;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  if (self->cache == NULL || self->cache_width != width || self->cache_height != height
      || self->cache_scale != scale)
    {
      GtkSnapshot *body = gtk_snapshot_new ();

      cr = gtk_snapshot_append_cairo (body, &GRAPHENE_RECT_INIT (0, 0, width, height));
      lab_chart_draw (self, cr, width, height);
      cairo_destroy (cr);

      g_clear_pointer (&self->cache, gsk_render_node_unref);
      self->cache = gtk_snapshot_free_to_node (body);
      self->cache_width = width;
      self->cache_height = height;
      self->cache_scale = scale;
    }
  if (self->cache != NULL)
    gtk_snapshot_append_node (snapshot, self->cache);

  if (self->shown_valid && (!isnan (self->link->hover_x) || self->drag == LAB_CHART_DRAG_SELECT))
    {
      lab_figure_style_init (&style, GTK_WIDGET (self));
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      lab_chart_render_overlay (self, cr, &style, width, height);
      cairo_destroy (cr);
    }
}

static void
lab_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                   int *natural, int *minimum_baseline, int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 480;
    }
  else
    {
      *minimum = 160;
      *natural = 280;
    }
}

static void
lab_chart_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (lab_chart_parent_class)->css_changed (widget, change);

  /* The theme's colours and fonts are in the cached drawing. */
  lab_chart_invalidate (LAB_CHART (widget));
}

static void
lab_chart_system_setting_changed (GtkWidget *widget, GtkSystemSetting setting)
{
  GTK_WIDGET_CLASS (lab_chart_parent_class)->system_setting_changed (widget, setting);
  lab_chart_invalidate (LAB_CHART (widget));
}

/* GObject. */

static void
lab_chart_dispose (GObject *object)
{
  LabChart *self = LAB_CHART (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  g_clear_pointer (&self->cache, gsk_render_node_unref);

  if (self->link != NULL)
    {
      g_ptr_array_remove (self->link->charts, self);
      for (guint i = 0; i < self->link->charts->len; i++)
        lab_chart_invalidate (g_ptr_array_index (self->link->charts, i));
      g_clear_pointer (&self->link, lab_x_link_unref);
    }

  G_OBJECT_CLASS (lab_chart_parent_class)->dispose (object);
}

static void
lab_chart_finalize (GObject *object)
{
  LabChart *self = LAB_CHART (object);

  g_clear_pointer (&self->hidden, g_hash_table_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->y_label, g_free);

  G_OBJECT_CLASS (lab_chart_parent_class)->finalize (object);
}

static void
lab_chart_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LabChart *self = LAB_CHART (object);

  switch (prop_id)
    {
    case LAB_CHART_PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case LAB_CHART_PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case LAB_CHART_PROP_Y_LABEL:
      g_value_set_string (value, self->y_label);
      break;
    case LAB_CHART_PROP_SMOOTHING:
      g_value_set_double (value, self->smoothing);
      break;
    case LAB_CHART_PROP_LOG_Y:
      g_value_set_boolean (value, self->log_y);
      break;
    case LAB_CHART_PROP_X_AXIS:
      g_value_set_enum (value, self->link != NULL ? self->link->axis : LAB_X_AXIS_STEP);
      break;
    case LAB_CHART_PROP_FOLLOW:
      g_value_set_boolean (value, self->link != NULL && self->link->follow);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_chart_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  LabChart *self = LAB_CHART (object);

  switch (prop_id)
    {
    case LAB_CHART_PROP_MODEL:
      lab_chart_set_model (self, g_value_get_object (value));
      break;
    case LAB_CHART_PROP_TITLE:
      lab_chart_set_title (self, g_value_get_string (value));
      break;
    case LAB_CHART_PROP_Y_LABEL:
      lab_chart_set_y_label (self, g_value_get_string (value));
      break;
    case LAB_CHART_PROP_SMOOTHING:
      lab_chart_set_smoothing (self, g_value_get_double (value));
      break;
    case LAB_CHART_PROP_LOG_Y:
      lab_chart_set_log_y (self, g_value_get_boolean (value));
      break;
    case LAB_CHART_PROP_X_AXIS:
      lab_chart_set_x_axis (self, g_value_get_enum (value));
      break;
    case LAB_CHART_PROP_FOLLOW:
      lab_chart_set_follow (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_chart_class_init (LabChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_chart_dispose;
  object_class->finalize = lab_chart_finalize;
  object_class->get_property = lab_chart_get_property;
  object_class->set_property = lab_chart_set_property;

  widget_class->snapshot = lab_chart_snapshot;
  widget_class->measure = lab_chart_measure;
  widget_class->css_changed = lab_chart_css_changed;
  widget_class->system_setting_changed = lab_chart_system_setting_changed;

  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  properties[LAB_CHART_PROP_MODEL] = g_param_spec_object ("model", NULL, NULL,
                                                          LAB_TYPE_CHART_MODEL, flags);
  properties[LAB_CHART_PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[LAB_CHART_PROP_Y_LABEL] = g_param_spec_string ("y-label", NULL, NULL, NULL, flags);
  properties[LAB_CHART_PROP_SMOOTHING] = g_param_spec_double ("smoothing", NULL, NULL, 0,
                                                              LAB_SERIES_MAX_SMOOTHING,
                                                              LAB_CHART_DEFAULT_SMOOTHING, flags);
  properties[LAB_CHART_PROP_LOG_Y] = g_param_spec_boolean ("log-y", NULL, NULL, FALSE, flags);
  properties[LAB_CHART_PROP_X_AXIS] = g_param_spec_enum ("x-axis", NULL, NULL, LAB_TYPE_X_AXIS,
                                                         LAB_X_AXIS_STEP, flags);
  properties[LAB_CHART_PROP_FOLLOW] = g_param_spec_boolean ("follow", NULL, NULL, TRUE, flags);
  g_object_class_install_properties (object_class, LAB_CHART_N_PROPS, properties);

  /**
   * LabChart::step-activated:
   * @step: the step under the pointer
   *
   * A secondary click on the plot (steps on the x axis): the page opens what it has for that
   * step, e.g. the analysis of the nearest evaluated checkpoint.
   */
  lab_chart_signal_step_activated =
    g_signal_new ("step-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "labchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_chart_init (LabChart *self)
{
  self->hidden = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->smoothing = LAB_CHART_DEFAULT_SMOOTHING;
  self->link = lab_x_link_new ();
  g_ptr_array_add (self->link->charts, self);
  self->pointer_x = NAN;
  self->pointer_y = NAN;

  lab_chart_init_input (self);
}
