/* lab-score-histogram.c — overlaid genuine and impostor histograms with a draggable threshold.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "histogram.h"

#include "lab-figure.h"
#include "lab-property.h"
#include "lab-score-histogram.h"

#define N_BINS 50
#define GRAB_DISTANCE 8.0

struct _LabScoreHistogram
{
  GtkWidget parent_instance;

  /* owned */
  double genuine[N_BINS], impostor[N_BINS]; /* shares of each class, [0, 1] */
  double peak;                              /* the highest share of either class */
  double lo, hi;                            /* the scores shown */
  gboolean empty;
  double threshold;
  gboolean dragging;
  double drag_start_x;
  const char *cursor; /* static: the cursor name set last */
};

G_DEFINE_FINAL_TYPE (LabScoreHistogram, lab_score_histogram, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_THRESHOLD,
  PROP_DRAGGING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_THRESHOLD_MOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------------ geometry */

/* What carilab-plot draws. */
static CariPlotHistogram
lab_score_histogram_describe (LabScoreHistogram *self)
{
  return (CariPlotHistogram) { self->genuine, self->impostor, N_BINS, self->peak, self->lo,
                               self->hi, self->empty, self->threshold, self->dragging };
}

double
lab_score_histogram_x_of_score (LabScoreHistogram *self, int width, double score)
{
  g_return_val_if_fail (LAB_IS_SCORE_HISTOGRAM (self), 0.0);
  CariPlotHistogram histogram = lab_score_histogram_describe (self);
  return cari_plot_histogram_x_of_score (&histogram, width, score);
}

double
lab_score_histogram_score_at (LabScoreHistogram *self, int width, double x)
{
  g_return_val_if_fail (LAB_IS_SCORE_HISTOGRAM (self), 0.0);
  CariPlotHistogram histogram = lab_score_histogram_describe (self);
  return cari_plot_histogram_score_at (&histogram, width, x);
}

/* ------------------------------------------------------------------------------ drawing */

static void
lab_score_histogram_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LabScoreHistogram *self = LAB_SCORE_HISTOGRAM (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  CariPlotHistogram histogram = lab_score_histogram_describe (self);
  CariPlotStyle style;
  GdkRGBA bg = { 1, 1, 1, 1 };

  lab_figure_style_init (&style, widget);
  /* The threshold's label sits on a veil of the view's background. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "view_bg_color", &bg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  style.background = (CariPlotRgba) { bg.red, bg.green, bg.blue, bg.alpha };
  cari_plot_histogram_render (cr, &style, &histogram, width, height);
  cairo_destroy (cr);
}

/* ------------------------------------------------------------------------------ input */

static void
move_to (LabScoreHistogram *self, double threshold)
{
  lab_score_histogram_set_threshold (self, threshold);
  g_signal_emit (self, signals[SIGNAL_THRESHOLD_MOVED], 0, threshold);
}

static void
set_dragging (LabScoreHistogram *self, gboolean dragging)
{
  if (lab_property_set_boolean (self, &self->dragging, dragging, properties[PROP_DRAGGING]))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, LabScoreHistogram *self)
{
  if (self->empty)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  /* A press near the line grabs it where it is; elsewhere the line jumps to the press. */
  double line = lab_score_histogram_x_of_score (self, width, self->threshold);
  self->drag_start_x = !isnan (self->threshold) && fabs (x - line) <= GRAB_DISTANCE ? line : x;
  set_dragging (self, TRUE);
  move_to (self, lab_score_histogram_score_at (self, width, self->drag_start_x));
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, LabScoreHistogram *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  move_to (self, lab_score_histogram_score_at (self, width, self->drag_start_x + dx));
}

static void
on_drag_end (GtkGestureDrag *gesture, double dx, double dy, LabScoreHistogram *self)
{
  set_dragging (self, FALSE);
}

static void
on_motion (GtkEventControllerMotion *motion, double x, double y, LabScoreHistogram *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  double line = lab_score_histogram_x_of_score (self, width, self->threshold);
  gboolean near = !isnan (self->threshold) && fabs (x - line) <= GRAB_DISTANCE;
  const char *cursor = near || self->dragging ? "col-resize" : "crosshair";
  if (cursor != self->cursor)
    {
      self->cursor = cursor;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), cursor);
    }
}

static gboolean
on_key_pressed (GtkEventControllerKey *keys, guint keyval, guint keycode, GdkModifierType state,
                LabScoreHistogram *self)
{
  if (self->empty || isnan (self->threshold))
    return FALSE;
  /* A 200th of the range a press, a 20th with Shift. */
  double step = (self->hi - self->lo) / ((state & GDK_SHIFT_MASK) ? 20.0 : 200.0);
  if (keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left)
    move_to (self, MAX (self->threshold - step, self->lo));
  else if (keyval == GDK_KEY_Right || keyval == GDK_KEY_KP_Right)
    move_to (self, MIN (self->threshold + step, self->hi));
  else
    return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------------------ public */

GtkWidget *
lab_score_histogram_new (void)
{
  return g_object_new (LAB_TYPE_SCORE_HISTOGRAM, NULL);
}

void
lab_score_histogram_set_pairs (LabScoreHistogram *self, const CariPairSet *set)
{
  g_return_if_fail (LAB_IS_SCORE_HISTOGRAM (self));
  self->empty = set == NULL || cari_pair_set_get_n (set) == 0;
  self->peak = 0;
  if (self->empty)
    {
      self->lo = 0.0;
      self->hi = 1.0;
      memset (self->genuine, 0, sizeof self->genuine);
      memset (self->impostor, 0, sizeof self->impostor);
    }
  else
    {
      double lo, hi;
      cari_pair_set_get_range (set, &lo, &hi);
      double pad = hi > lo ? 0.02 * (hi - lo) : 0.05;
      self->lo = lo - pad;
      self->hi = hi + pad;
      cari_pair_set_histogram (set, self->lo, self->hi, N_BINS, self->genuine, self->impostor);
      for (int k = 0; k < N_BINS; k++)
        self->peak = MAX (self->peak, MAX (self->genuine[k], self->impostor[k]));
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_VALUE_MIN,
                                  self->lo, GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, self->hi, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_score_histogram_set_threshold (LabScoreHistogram *self, double threshold)
{
  g_return_if_fail (LAB_IS_SCORE_HISTOGRAM (self));
  if (!lab_property_set_double (self, &self->threshold, threshold, properties[PROP_THRESHOLD]))
    return;
  if (!isnan (threshold))
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_VALUE_NOW,
                                    threshold, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
lab_score_histogram_get_threshold (LabScoreHistogram *self)
{
  g_return_val_if_fail (LAB_IS_SCORE_HISTOGRAM (self), NAN);
  return self->threshold;
}

gboolean
lab_score_histogram_get_dragging (LabScoreHistogram *self)
{
  g_return_val_if_fail (LAB_IS_SCORE_HISTOGRAM (self), FALSE);
  return self->dragging;
}

static void
lab_score_histogram_get_property (GObject *object, guint prop_id, GValue *value,
                                  GParamSpec *pspec)
{
  LabScoreHistogram *self = LAB_SCORE_HISTOGRAM (object);
  switch (prop_id)
    {
    case PROP_THRESHOLD:
      g_value_set_double (value, self->threshold);
      break;
    case PROP_DRAGGING:
      g_value_set_boolean (value, self->dragging);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_score_histogram_set_property (GObject *object, guint prop_id, const GValue *value,
                                  GParamSpec *pspec)
{
  LabScoreHistogram *self = LAB_SCORE_HISTOGRAM (object);
  switch (prop_id)
    {
    case PROP_THRESHOLD:
      lab_score_histogram_set_threshold (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_score_histogram_class_init (LabScoreHistogramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->get_property = lab_score_histogram_get_property;
  object_class->set_property = lab_score_histogram_set_property;
  widget_class->snapshot = lab_score_histogram_snapshot;
  gtk_widget_class_set_css_name (widget_class, "labscorehistogram");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_SLIDER);

  properties[PROP_THRESHOLD] = g_param_spec_double (
    "threshold", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
    G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DRAGGING] = g_param_spec_boolean (
    "dragging", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                     | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The user moved the line (by dragging or with the arrow keys) to this threshold. */
  signals[SIGNAL_THRESHOLD_MOVED] = g_signal_new ("threshold-moved", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 1, G_TYPE_DOUBLE);
}

static void
lab_score_histogram_init (LabScoreHistogram *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  self->threshold = NAN;
  self->empty = TRUE;
  self->lo = 0.0;
  self->hi = 1.0;
  gtk_widget_set_focusable (widget, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Threshold"), -1);
  gtk_widget_set_size_request (widget, 320, 170);
  gtk_widget_set_tooltip_text (widget, _("Drag the threshold, or move it with the arrow keys "
                                         "(Shift: in larger steps)"));

  GtkGesture *drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (on_drag_begin), self, 0);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (on_drag_update), self, 0);
  g_signal_connect_object (drag, "drag-end", G_CALLBACK (on_drag_end), self, 0);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (motion, "motion", G_CALLBACK (on_motion), self, 0);
  gtk_widget_add_controller (widget, motion);

  GtkEventController *keys = gtk_event_controller_key_new ();
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_key_pressed), self, 0);
  gtk_widget_add_controller (widget, keys);
}
