/* lab-chart-input.c — LabChart's pointer: hover, zoom, pan, reset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Over the plot:
 *   hover                  a rule at the nearest step, a dot on each curve, a box of values
 *                          (shared by linked charts)
 *   primary drag           box zoom: the dragged x span fills the plot (y follows the data)
 *   shift + primary drag,  pan
 *   middle drag
 *   ctrl + scroll          zoom around the pointer
 *   shift + scroll,        pan
 *   horizontal scroll
 *   double click           reset: the whole run, following new data
 *   secondary click        "step-activated" with the step under the pointer (step axis only)
 * A plain vertical scroll is left to the page, which scrolls.
 *
 * Any zoom or pan turns "follow" off, and then new data leave the view alone; turning
 * "follow" on again slides the view's current width onto the newest data (the whole run
 * when the view showed all of it).
 */

#include "lab-config.h"

#include <math.h>

#include "lab-chart-private.h"

/* A drag shorter than this is a click, not a box zoom. */
#define LAB_CHART_MIN_SELECTION 5.0

static gboolean
lab_chart_in_plot (LabChart *self, double x, double y)
{
  const LabChartTransform *t = &self->shown;

  return self->shown_valid && x >= t->left && x <= t->left + t->width && y >= t->top
         && y <= t->top + t->height;
}

static void
lab_chart_on_motion (LabChart *self, double x, double y, GtkEventControllerMotion *controller)
{
  self->pointer_x = x;
  self->pointer_y = y;
  if (lab_chart_in_plot (self, x, y))
    lab_chart_set_hover_x (self, lab_chart_transform_px_to_x (&self->shown, x));
  else
    lab_chart_set_hover_x (self, NAN);
}

static void
lab_chart_on_leave (LabChart *self, GtkEventControllerMotion *controller)
{
  self->pointer_x = NAN;
  lab_chart_set_hover_x (self, NAN);
}

static gboolean
lab_chart_on_scroll (LabChart *self, double dx, double dy, GtkEventControllerScroll *controller)
{
  GdkModifierType state
    = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  double lower;
  double upper;

  if (!self->shown_valid)
    return FALSE;

  lab_chart_get_x_range (self, &lower, &upper);
  if ((state & GDK_CONTROL_MASK) != 0 && dy != 0)
    {
      double centre = isnan (self->pointer_x) ? (lower + upper) / 2
                                              : lab_chart_transform_px_to_x (&self->shown,
                                                                             self->pointer_x);

      lab_chart_zoom_x (self, centre, pow (1.2, dy));
      return TRUE;
    }
  if ((state & GDK_SHIFT_MASK) != 0 && dy != 0)
    dx = dy;
  if (dx != 0)
    {
      lab_chart_pan_x (self, dx * 0.1 * (upper - lower));
      return TRUE;
    }

  /* A plain vertical scroll belongs to the page around the chart. */
  return FALSE;
}

static void
lab_chart_on_drag_begin (LabChart *self, double x, double y, GtkGestureDrag *gesture)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType state = gtk_event_controller_get_current_event_state (controller);

  if (!lab_chart_in_plot (self, x, y))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  /* Claimed only once it moves, so that a double click still reaches the click gesture. */
  self->drag = (button == GDK_BUTTON_MIDDLE || (state & GDK_SHIFT_MASK) != 0)
                 ? LAB_CHART_DRAG_PAN : LAB_CHART_DRAG_SELECT;
  self->drag_start_px = x;
  self->drag_px = x;
  lab_chart_get_x_range (self, &self->drag_lower, &self->drag_upper);
  if (self->drag == LAB_CHART_DRAG_PAN)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
lab_chart_on_drag_update (LabChart *self, double offset_x, double offset_y, GtkGestureDrag *gesture)
{
  if (self->drag != LAB_CHART_DRAG_NONE && fabs (offset_x) >= 2)
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);

  if (self->drag == LAB_CHART_DRAG_PAN && offset_x != 0)
    {
      double per_pixel = (self->drag_upper - self->drag_lower) / self->shown.width;

      lab_chart_set_x_range (self, self->drag_lower - offset_x * per_pixel,
                             self->drag_upper - offset_x * per_pixel);
    }
  else if (self->drag == LAB_CHART_DRAG_SELECT)
    {
      self->drag_px = self->drag_start_px + offset_x;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
lab_chart_on_drag_end (LabChart *self, double offset_x, double offset_y, GtkGestureDrag *gesture)
{
  const LabChartTransform *t = &self->shown;

  if (self->drag == LAB_CHART_DRAG_SELECT && fabs (offset_x) >= LAB_CHART_MIN_SELECTION)
    {
      double a = CLAMP (self->drag_start_px, t->left, t->left + t->width);
      double b = CLAMP (self->drag_start_px + offset_x, t->left, t->left + t->width);

      if (fabs (b - a) >= LAB_CHART_MIN_SELECTION)
        lab_chart_set_x_range (self, lab_chart_transform_px_to_x (t, MIN (a, b)),
                               lab_chart_transform_px_to_x (t, MAX (a, b)));
    }

  self->drag = LAB_CHART_DRAG_NONE;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
lab_chart_on_pressed (LabChart *self, int n_press, double x, double y, GtkGestureClick *gesture)
{
  if (n_press == 2 && lab_chart_in_plot (self, x, y))
    lab_chart_reset_view (self);
}

static void
lab_chart_on_secondary (LabChart *self, int n_press, double x, double y, GtkGestureClick *gesture)
{
  if (n_press != 1 || !lab_chart_in_plot (self, x, y)
      || lab_chart_get_x_axis (self) != LAB_X_AXIS_STEP)
    return;
  g_signal_emit (self, lab_chart_signal_step_activated, 0,
                 lab_chart_transform_px_to_x (&self->shown, x));
}

static GtkEventController *
lab_chart_add_drag (LabChart *self, guint button)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), button);
  g_signal_connect_swapped (drag, "drag-begin", G_CALLBACK (lab_chart_on_drag_begin), self);
  g_signal_connect_swapped (drag, "drag-update", G_CALLBACK (lab_chart_on_drag_update), self);
  g_signal_connect_swapped (drag, "drag-end", G_CALLBACK (lab_chart_on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  return GTK_EVENT_CONTROLLER (drag);
}

/* Installs the controllers; called once from lab_chart_init(). */
void
lab_chart_init_input (LabChart *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (lab_chart_on_motion), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (lab_chart_on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (lab_chart_on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  lab_chart_add_drag (self, GDK_BUTTON_PRIMARY);
  lab_chart_add_drag (self, GDK_BUTTON_MIDDLE);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (lab_chart_on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (lab_chart_on_secondary), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}
