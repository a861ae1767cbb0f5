/* lab-scatter.c — a scatter view of one layout: its state, hover, click and selection (the
 * drawing is lab-scatter-render.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>

#include "lab-scatter-private.h"
#include "lab-property.h"

#define HOVER_RADIUS 7.0 /* pixels: how far from a marker the pointer still picks it */
#define CLICK_SLOP 4.0   /* pixels a press may move and still be a click */

G_DEFINE_FINAL_TYPE (LabScatter, lab_scatter, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_HOVER_CHANGED,
  SIGNAL_POINT_ACTIVATED,
  SIGNAL_POINTS_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------------ groups */

static guint64
point_key (LabScatter *self, int i)
{
  guint32 c = self->colors[i];
  gboolean colored = c != LAB_SCATTER_NO_COLOR;
  gboolean sel = self->selected != NULL && self->selected[i];
  /* Bottom to top: unselected before selected, grey before colours. */
  return ((guint64) sel << 40) | ((guint64) colored << 32) | ((guint64) (c & 0xffffff) << 8)
         | lab_scatter_layout_get_marker (self->layout, i);
}

static int
by_key (gconstpointer a, gconstpointer b, gpointer data)
{
  const guint64 *keys = data;
  int i = *(const int *) a, j = *(const int *) b;
  if (keys[i] != keys[j])
    return keys[i] < keys[j] ? -1 : 1;
  return (i > j) - (i < j);
}

/* Sorts the points into batches of one colour, marker and layer; outside the draw path. */
static void
rebuild_groups (LabScatter *self)
{
  g_array_set_size (self->groups, 0);
  g_clear_object (&self->texture);
  int n = lab_scatter_layout_get_n (self->layout);
  g_autofree guint64 *keys = g_new (guint64, MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      self->order[i] = i;
      keys[i] = point_key (self, i);
    }
  g_qsort_with_data (self->order, n, sizeof (int), by_key, keys);
  for (int k = 0; k < n; k++)
    {
      int i = self->order[k];
      Group *last = self->groups->len > 0
                      ? &g_array_index (self->groups, Group, self->groups->len - 1)
                      : NULL;
      if (last != NULL && keys[self->order[last->start]] == keys[i])
        {
          last->count++;
          continue;
        }
      gboolean sel = self->selected != NULL && self->selected[i];
      Group g = { self->colors[i], lab_scatter_layout_get_marker (self->layout, i),
                  self->n_selected > 0 && !sel, sel, k, 1 };
      g_array_append_val (self->groups, g);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
lab_scatter_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LabScatter *self = LAB_SCATTER (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  if (width <= 0 || height <= 0)
    return;
  GdkRGBA fg;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  lab_scatter_render_texture (self, width, height, gtk_widget_get_scale_factor (widget), &fg);
  gtk_snapshot_append_texture (snapshot, self->texture,
                               &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->layout == NULL || lab_scatter_layout_get_n (self->layout) == 0)
    return;
  LabScatterTransform t;
  graphene_rect_t plot;
  lab_scatter_get_transform (self, width, height, &t);
  lab_scatter_plot_rect (self, width, height, &plot);
  lab_scatter_snapshot_marks (self, snapshot, &t, &plot, &fg);
  lab_scatter_snapshot_card (self, snapshot, &t, width, height, &fg);
}

static void
lab_scatter_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  LabScatter *self = LAB_SCATTER (widget);
  /* The points moved under the pointer: what it hovered is stale until it moves again. */
  if (self->hover >= 0 && (width != self->texture_width || height != self->texture_height))
    {
      self->hover = -1;
      g_signal_emit (self, signals[SIGNAL_HOVER_CHANGED], 0, -1);
    }
}

/* ------------------------------------------------------------------------------ pointer */

int
lab_scatter_pick (LabScatter *self, double px, double py)
{
  g_return_val_if_fail (LAB_IS_SCATTER (self), -1);
  if (self->layout == NULL)
    return -1;
  LabScatterTransform t;
  lab_scatter_get_transform (self, -1, -1, &t);
  double x, y;
  lab_scatter_transform_from_px (&t, px, py, &x, &y);
  int n = lab_scatter_layout_get_n (self->layout);
  double reach = MAX (HOVER_RADIUS, lab_scatter_marker_radius (n) + 3);
  return lab_scatter_layout_nearest (self->layout, x, y, reach / t.scale);
}

void
lab_scatter_hover_at (LabScatter *self, double px, double py)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  int hover = px < 0 || self->dragging ? -1 : lab_scatter_pick (self, px, py);
  if (hover == self->hover)
    return;
  self->hover = hover;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_HOVER_CHANGED], 0, hover);
}

static void
emit_selected (LabScatter *self, GArray *points, gboolean add)
{
  g_signal_emit (self, signals[SIGNAL_POINTS_SELECTED], 0, points, add);
}

void
lab_scatter_select_rect (LabScatter *self, double x0, double y0, double x1, double y1,
                         gboolean add)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  if (self->layout == NULL)
    return;
  LabScatterTransform t;
  lab_scatter_get_transform (self, -1, -1, &t);
  double ax, ay, bx, by;
  lab_scatter_transform_from_px (&t, x0, y0, &ax, &ay);
  lab_scatter_transform_from_px (&t, x1, y1, &bx, &by);
  g_autoptr (GArray) points = lab_scatter_layout_select_box (self->layout, ax, ay, bx, by);
  emit_selected (self, points, add);
}

void
lab_scatter_select_lasso (LabScatter *self, const double *px, int n, gboolean add)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  if (self->layout == NULL)
    return;
  LabScatterTransform t;
  lab_scatter_get_transform (self, -1, -1, &t);
  g_autofree double *xy = g_new (double, 2 * MAX (n, 1));
  for (int v = 0; v < n; v++)
    lab_scatter_transform_from_px (&t, px[2 * v], px[2 * v + 1], &xy[2 * v], &xy[2 * v + 1]);
  g_autoptr (GArray) points = lab_scatter_layout_select_polygon (self->layout, xy, n);
  emit_selected (self, points, add);
}

static void
on_motion (GtkEventControllerMotion *motion, double x, double y, LabScatter *self)
{
  lab_scatter_hover_at (self, x, y);
}

static void
on_leave (GtkEventControllerMotion *motion, LabScatter *self)
{
  lab_scatter_hover_at (self, -1, -1);
}

static void
on_drag_begin (GtkGestureDrag *drag, double x, double y, LabScatter *self)
{
  GdkModifierType state
    = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (drag));
  self->dragging = TRUE;
  self->drag_add = (state & GDK_SHIFT_MASK) != 0;
  self->drag_lasso = self->lasso_mode || (state & GDK_CONTROL_MASK) != 0;
  self->drag_x0 = self->drag_x1 = x;
  self->drag_y0 = self->drag_y1 = y;
  g_array_set_size (self->lasso, 0);
  g_array_append_val (self->lasso, x);
  g_array_append_val (self->lasso, y);
}

static void
on_drag_update (GtkGestureDrag *drag, double dx, double dy, LabScatter *self)
{
  double x = self->drag_x0 + dx, y = self->drag_y0 + dy;
  self->drag_x1 = x;
  self->drag_y1 = y;
  guint len = self->lasso->len;
  double lx = g_array_index (self->lasso, double, len - 2);
  double ly = g_array_index (self->lasso, double, len - 1);
  if (self->drag_lasso && hypot (x - lx, y - ly) >= 2.0)
    {
      g_array_append_val (self->lasso, x);
      g_array_append_val (self->lasso, y);
    }
  if (self->hover >= 0)
    {
      self->hover = -1;
      g_signal_emit (self, signals[SIGNAL_HOVER_CHANGED], 0, -1);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *drag, double dx, double dy, LabScatter *self)
{
  if (!self->dragging)
    return;
  self->dragging = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (hypot (dx, dy) < CLICK_SLOP)
    {
      int point = lab_scatter_pick (self, self->drag_x0, self->drag_y0);
      if (point >= 0)
        g_signal_emit (self, signals[SIGNAL_POINT_ACTIVATED], 0, point);
      return;
    }
  if (self->drag_lasso)
    lab_scatter_select_lasso (self, (const double *) (gpointer) self->lasso->data,
                              self->lasso->len / 2, self->drag_add);
  else
    lab_scatter_select_rect (self, self->drag_x0, self->drag_y0, self->drag_x0 + dx,
                             self->drag_y0 + dy, self->drag_add);
}

static void
on_drag_cancel (GtkGesture *gesture, GdkEventSequence *sequence, LabScatter *self)
{
  self->dragging = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ------------------------------------------------------------------------------ public */

GtkWidget *
lab_scatter_new (void)
{
  return g_object_new (LAB_TYPE_SCATTER, NULL);
}

/* The title or subtitle changed: the cached drawing shows the old one. */
static void
set_text (LabScatter *self, char **field, const char *text)
{
  if (!lab_property_set_string (self, field, text, NULL))
    return;
  g_clear_pointer (&self->texture, g_object_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_scatter_set_title (LabScatter *self, const char *title)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  set_text (self, &self->title, title);
}

const char *
lab_scatter_get_title (LabScatter *self)
{
  g_return_val_if_fail (LAB_IS_SCATTER (self), NULL);
  return self->title;
}

void
lab_scatter_set_subtitle (LabScatter *self, const char *subtitle)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  set_text (self, &self->subtitle, subtitle);
}

void
lab_scatter_set_layout (LabScatter *self, LabScatterLayout *layout)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  if (layout != NULL)
    lab_scatter_layout_ref (layout);
  g_clear_pointer (&self->layout, lab_scatter_layout_unref);
  self->layout = layout;
  int n = lab_scatter_layout_get_n (layout);
  g_free (self->colors);
  self->colors = g_new (guint32, MAX (n, 1));
  for (int i = 0; i < n; i++)
    self->colors[i] = LAB_SCATTER_NO_COLOR;
  g_clear_pointer (&self->selected, g_free);
  self->n_selected = 0;
  g_free (self->order);
  self->order = g_new (int, MAX (n, 1));
  g_array_set_size (self->marked, 0);
  self->hover = -1;
  self->card_point = -1;
  g_clear_object (&self->card_thumbnail);
  rebuild_groups (self);
}

LabScatterLayout *
lab_scatter_get_layout (LabScatter *self)
{
  g_return_val_if_fail (LAB_IS_SCATTER (self), NULL);
  return self->layout;
}

void
lab_scatter_set_colors (LabScatter *self, const guint32 *colors)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  int n = lab_scatter_layout_get_n (self->layout);
  for (int i = 0; i < n; i++)
    self->colors[i] = colors != NULL ? colors[i] : LAB_SCATTER_NO_COLOR;
  rebuild_groups (self);
}

guint32
lab_scatter_get_color (LabScatter *self, int point)
{
  g_return_val_if_fail (LAB_IS_SCATTER (self), LAB_SCATTER_NO_COLOR);
  g_return_val_if_fail (point >= 0 && point < lab_scatter_layout_get_n (self->layout),
                        LAB_SCATTER_NO_COLOR);
  return self->colors[point];
}

void
lab_scatter_set_selection (LabScatter *self, const guint8 *selected)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  int n = lab_scatter_layout_get_n (self->layout);
  g_clear_pointer (&self->selected, g_free);
  self->n_selected = 0;
  if (selected != NULL && n > 0)
    {
      self->selected = g_new0 (guint8, n);
      for (int i = 0; i < n; i++)
        {
          self->selected[i] = selected[i] != 0;
          self->n_selected += self->selected[i];
        }
    }
  rebuild_groups (self);
}

int
lab_scatter_get_n_selected (LabScatter *self)
{
  g_return_val_if_fail (LAB_IS_SCATTER (self), 0);
  return self->n_selected;
}

void
lab_scatter_set_marked (LabScatter *self, const int *points, int n)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  g_array_set_size (self->marked, 0);
  for (int k = 0; k < n; k++)
    if (points[k] >= 0 && points[k] < lab_scatter_layout_get_n (self->layout))
      g_array_append_val (self->marked, points[k]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_scatter_set_lasso_mode (LabScatter *self, gboolean lasso)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  self->lasso_mode = lasso;
}

int
lab_scatter_get_hover (LabScatter *self)
{
  g_return_val_if_fail (LAB_IS_SCATTER (self), -1);
  return self->hover;
}

void
lab_scatter_set_card (LabScatter *self, int point, GdkTexture *thumbnail, const char *text)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  self->card_point = point;
  g_set_object (&self->card_thumbnail, thumbnail);
  g_free (self->card_text);
  self->card_text = g_strdup (text);
  if (point == self->hover)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
lab_scatter_get_render_count (LabScatter *self)
{
  g_return_val_if_fail (LAB_IS_SCATTER (self), 0);
  return self->render_count;
}

/* ------------------------------------------------------------------------------ GObject */

static void
lab_scatter_finalize (GObject *object)
{
  LabScatter *self = LAB_SCATTER (object);
  g_free (self->title);
  g_free (self->subtitle);
  g_clear_pointer (&self->layout, lab_scatter_layout_unref);
  g_free (self->colors);
  g_free (self->selected);
  g_free (self->order);
  g_array_unref (self->groups);
  g_array_unref (self->marked);
  g_array_unref (self->lasso);
  g_clear_object (&self->card_thumbnail);
  g_free (self->card_text);
  g_clear_object (&self->texture);
  G_OBJECT_CLASS (lab_scatter_parent_class)->finalize (object);
}

static void
lab_scatter_class_init (LabScatterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_scatter_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = lab_scatter_snapshot;
  GTK_WIDGET_CLASS (klass)->size_allocate = lab_scatter_size_allocate;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "labscatter");
  signals[SIGNAL_HOVER_CHANGED] = g_signal_new ("hover-changed", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_POINT_ACTIVATED] = g_signal_new ("point-activated", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_POINTS_SELECTED] = g_signal_new ("points-selected", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 2, G_TYPE_ARRAY, G_TYPE_BOOLEAN);
}

static void
lab_scatter_init (LabScatter *self)
{
  self->groups = g_array_new (FALSE, FALSE, sizeof (Group));
  self->marked = g_array_new (FALSE, FALSE, sizeof (int));
  self->lasso = g_array_new (FALSE, FALSE, sizeof (double));
  self->colors = g_new (guint32, 1);
  self->order = g_new (int, 1);
  self->hover = -1;
  self->card_point = -1;
  gtk_widget_set_size_request (GTK_WIDGET (self), 220, 200);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");

  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  GtkGesture *drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (on_drag_cancel), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}
