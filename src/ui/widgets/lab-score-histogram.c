/* lab-score-histogram.c — overlaid genuine and impostor histograms with a draggable threshold.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "lab-score-histogram.h"

#define N_BINS 50
#define MARGIN_LEFT 52
#define MARGIN_RIGHT 14
#define MARGIN_TOP 26
#define MARGIN_BOTTOM 34
#define GRAB_DISTANCE 8.0

/* ARCHITECTURE.md's verif blue for the genuine pairs, a neutral grey for the impostors. */
#define GENUINE_RGB 0x1f77b4
#define IMPOSTOR_RGB 0x7f7f7f

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

double
lab_score_histogram_x_of_score (LabScoreHistogram *self, int width, double score)
{
  g_return_val_if_fail (LAB_IS_SCORE_HISTOGRAM (self), 0.0);
  double w = MAX (width - MARGIN_LEFT - MARGIN_RIGHT, 1);
  double u = self->hi > self->lo ? (score - self->lo) / (self->hi - self->lo) : 0.5;
  return MARGIN_LEFT + CLAMP (u, 0.0, 1.0) * w;
}

double
lab_score_histogram_score_at (LabScoreHistogram *self, int width, double x)
{
  g_return_val_if_fail (LAB_IS_SCORE_HISTOGRAM (self), 0.0);
  double w = MAX (width - MARGIN_LEFT - MARGIN_RIGHT, 1);
  double u = CLAMP ((x - MARGIN_LEFT) / w, 0.0, 1.0);
  return self->lo + u * (self->hi - self->lo);
}

/* ------------------------------------------------------------------------------ drawing */

static void
show_text (cairo_t *cr, PangoFontDescription *font, const char *text, double x, double y,
           double xalign, double yalign)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - xalign * w, y - yalign * h);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
set_rgb (cairo_t *cr, guint32 rgb, double alpha)
{
  cairo_set_source_rgba (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0, alpha);
}

/* One class as a step outline over the bins, filled translucent. */
static void
draw_bins (cairo_t *cr, const double *share, double peak, double x0, double x1, double y0,
           double y1, guint32 rgb)
{
  double bw = (x1 - x0) / N_BINS;
  cairo_move_to (cr, x0, y0);
  for (int k = 0; k < N_BINS; k++)
    {
      double y = y0 - (peak > 0 ? share[k] / peak : 0.0) * (y0 - y1);
      cairo_line_to (cr, x0 + k * bw, y);
      cairo_line_to (cr, x0 + (k + 1) * bw, y);
    }
  cairo_line_to (cr, x1, y0);
  cairo_close_path (cr);
  set_rgb (cr, rgb, 0.35);
  cairo_fill_preserve (cr);
  set_rgb (cr, rgb, 0.95);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
}

static void
lab_score_histogram_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LabScoreHistogram *self = LAB_SCORE_HISTOGRAM (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  GdkRGBA fg = { 0, 0, 0, 1 };
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  PangoFontDescription *font = pango_font_description_from_string ("Sans 9");
  double x0 = MARGIN_LEFT, x1 = MAX (width - MARGIN_RIGHT, x0 + 1);
  double y1 = MARGIN_TOP, y0 = MAX (height - MARGIN_BOTTOM, y1 + 1);
  double top = self->peak > 0 ? self->peak * 1.15 : 1.0;

  /* Ticks: scores below, shares of each class on the left. */
  cairo_set_line_width (cr, 1.0);
  double span = self->hi - self->lo, raw = span / 6.0;
  double mag = raw > 0 ? pow (10.0, floor (log10 (raw))) : 0.1, step = mag;
  if (raw / mag >= 5)
    step = 5 * mag;
  else if (raw / mag >= 2)
    step = 2 * mag;
  for (double v = ceil (self->lo / step) * step; span > 0 && v <= self->hi + step * 1e-9;
       v += step)
    {
      double px = round (lab_score_histogram_x_of_score (self, width, v)) + 0.5;
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.10);
      cairo_move_to (cr, px, y1);
      cairo_line_to (cr, px, y0);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
      g_autofree char *label = g_strdup_printf ("%g", fabs (v) < step * 1e-9 ? 0.0 : v);
      show_text (cr, font, label, px, y0 + 3, 0.5, 0.0);
    }
  double ystep = top > 0.2 ? 0.1 : top > 0.1 ? 0.05 : top > 0.04 ? 0.02 : 0.01;
  for (double v = 0; v <= top; v += ystep)
    {
      double py = round (y0 - v / top * (y0 - y1)) + 0.5;
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.10);
      cairo_move_to (cr, x0, py);
      cairo_line_to (cr, x1, py);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
      g_autofree char *label = g_strdup_printf ("%g %%", round (v * 1000) / 10);
      show_text (cr, font, label, x0 - 4, py, 1.0, 0.5);
    }
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
  show_text (cr, font, _("score (higher: more similar)"), 0.5 * (x0 + x1), height - 2, 0.5, 1.0);
  show_text (cr, font, _("share of each class"), 4, 4, 0.0, 0.0);

  if (self->empty)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.5);
      show_text (cr, font, _("No pair scores"), 0.5 * (x0 + x1), 0.5 * (y0 + y1), 0.5, 0.5);
    }
  else
    {
      /* Impostors under, genuines over: the classes the paper's Fig. 8 tells apart. */
      double peak = top;
      draw_bins (cr, self->impostor, peak, x0, x1, y0, y1, IMPOSTOR_RGB);
      draw_bins (cr, self->genuine, peak, x0, x1, y0, y1, GENUINE_RGB);
    }
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
  cairo_rectangle (cr, round (x0) + 0.5, round (y1) + 0.5, round (x1 - x0), round (y0 - y1));
  cairo_stroke (cr);

  /* Legend: one row above the plot, right-aligned, out of the bars' way. */
  const struct
  {
    guint32 rgb;
    const char *label;
  } legend[] = { { IMPOSTOR_RGB, _("impostor (different persons)") },
                 { GENUINE_RGB, _("genuine (same person)") } };
  double lx = x1;
  for (int i = 0; i < 2; i++)
    {
      PangoLayout *layout = pango_cairo_create_layout (cr);
      pango_layout_set_font_description (layout, font);
      pango_layout_set_text (layout, legend[i].label, -1);
      int w, h;
      pango_layout_get_pixel_size (layout, &w, &h);
      lx -= w;
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
      cairo_move_to (cr, lx, 4);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
      lx -= 20;
      set_rgb (cr, legend[i].rgb, 0.5);
      cairo_rectangle (cr, lx + 0.5, 4 + (h - 10) / 2 + 0.5, 14, 10);
      cairo_fill_preserve (cr);
      set_rgb (cr, legend[i].rgb, 1.0);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
      lx -= 16;
    }

  /* The threshold: a line with a handle above the plot and its value inside it, on a veil of
   * the background, on the side with more room; what lies right of it is accepted. */
  if (!isnan (self->threshold) && !self->empty)
    {
      double px = round (lab_score_histogram_x_of_score (self, width, self->threshold)) + 0.5;
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.95);
      cairo_set_line_width (cr, self->dragging ? 3.0 : 2.0);
      cairo_move_to (cr, px, y1 - 2);
      cairo_line_to (cr, px, y0);
      cairo_stroke (cr);
      cairo_move_to (cr, px - 6, y1 - 9);
      cairo_line_to (cr, px + 6, y1 - 9);
      cairo_line_to (cr, px, y1 - 1);
      cairo_close_path (cr);
      cairo_fill (cr);
      g_autofree char *label = g_strdup_printf ("%.4f", self->threshold);
      PangoLayout *layout = pango_cairo_create_layout (cr);
      pango_layout_set_font_description (layout, font);
      pango_layout_set_text (layout, label, -1);
      int w, h;
      pango_layout_get_pixel_size (layout, &w, &h);
      gboolean left = px > 0.5 * (x0 + x1);
      double tx = left ? px - 6 - w : px + 6, ty = y1 + 4;
      GdkRGBA bg = { 1, 1, 1, 1 };
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "view_bg_color",
                                      &bg);
      G_GNUC_END_IGNORE_DEPRECATIONS
      cairo_set_source_rgba (cr, bg.red, bg.green, bg.blue, 0.85);
      cairo_rectangle (cr, tx - 3, ty - 1, w + 6, h + 2);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 1.0);
      cairo_move_to (cr, tx, ty);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
    }
  pango_font_description_free (font);
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
  if (self->dragging == dragging)
    return;
  self->dragging = dragging;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DRAGGING]);
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
  if (threshold == self->threshold || (isnan (threshold) && isnan (self->threshold)))
    return;
  self->threshold = threshold;
  if (!isnan (threshold))
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_VALUE_NOW,
                                    threshold, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THRESHOLD]);
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
