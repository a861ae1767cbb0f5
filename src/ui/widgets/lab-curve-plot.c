/* lab-curve-plot.c — ROC, DET and CMC curves.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "lab-curve-plot.h"

typedef struct
{
  char *label;
  GArray *x, *y; /* of double */
  guint32 rgb;
  LabLineStyle style;
} Curve;

typedef struct
{
  char *label;
  LabAxisScale scale;
  double min, max;
} Axis;

struct _LabCurvePlot
{
  GtkWidget parent_instance;

  /* owned */
  char *title;
  Axis x, y;
  GPtrArray *curves; /* of Curve * */
  gboolean legend_top;
};

G_DEFINE_FINAL_TYPE (LabCurvePlot, lab_curve_plot, GTK_TYPE_WIDGET)

#define MARGIN_LEFT 58
#define MARGIN_RIGHT 14
#define MARGIN_TOP 30
#define MARGIN_BOTTOM 40

static void
curve_free (Curve *c)
{
  g_free (c->label);
  g_array_unref (c->x);
  g_array_unref (c->y);
  g_free (c);
}

/* Φ(x) = ½ erfc(−x / √2); its inverse by bisection, to 1e-12 in x. */
double
lab_probit (double p)
{
  if (!(p > 0.0))
    return -INFINITY;
  if (!(p < 1.0))
    return INFINITY;
  double lo = -40.0, hi = 40.0;
  for (int i = 0; i < 100 && hi - lo > 1e-12; i++)
    {
      double mid = 0.5 * (lo + hi);
      if (0.5 * erfc (-mid / G_SQRT2) < p)
        lo = mid;
      else
        hi = mid;
    }
  return 0.5 * (lo + hi);
}

/* The axis coordinate of a data value, in [0, 1] over the axis range. */
static double
axis_unit (const Axis *a, double v)
{
  double lo = a->min, hi = a->max;
  switch (a->scale)
    {
    case LAB_AXIS_LOG10:
      v = log10 (MAX (v, a->min));
      lo = log10 (a->min);
      hi = log10 (a->max);
      break;
    case LAB_AXIS_PROBIT:
      v = lab_probit (CLAMP (v, a->min, a->max));
      lo = lab_probit (a->min);
      hi = lab_probit (a->max);
      break;
    case LAB_AXIS_LINEAR:
    default:
      break;
    }
  return hi > lo ? (v - lo) / (hi - lo) : 0.5;
}

void
lab_curve_plot_map (LabCurvePlot *self, int width, int height, double x, double y, double *px,
                    double *py)
{
  double w = MAX (width - MARGIN_LEFT - MARGIN_RIGHT, 1);
  double h = MAX (height - MARGIN_TOP - MARGIN_BOTTOM, 1);
  *px = MARGIN_LEFT + axis_unit (&self->x, x) * w;
  *py = MARGIN_TOP + (1.0 - axis_unit (&self->y, y)) * h;
}

/* Tick values of an axis, with their labels. */
static void
axis_ticks (const Axis *a, GArray *values, GPtrArray *labels)
{
  if (a->scale == LAB_AXIS_LOG10)
    {
      for (int e = (int) floor (log10 (a->min)); e <= (int) ceil (log10 (a->max)); e++)
        {
          double v = pow (10.0, e);
          if (v < a->min * 0.999 || v > a->max * 1.001)
            continue;
          g_array_append_val (values, v);
          /* Rates read as percentages, as the paper's VAL@FAR. */
          g_ptr_array_add (labels, g_strdup_printf ("%g %%", v * 100));
        }
      return;
    }
  if (a->scale == LAB_AXIS_PROBIT)
    {
      static const double p[] = { 0.0001, 0.001, 0.01, 0.05, 0.1, 0.2, 0.4,
                                  0.6,    0.8,   0.9,  0.95, 0.99, 0.999 };
      for (size_t i = 0; i < G_N_ELEMENTS (p); i++)
        if (p[i] >= a->min && p[i] <= a->max)
          {
            g_array_append_val (values, p[i]);
            g_ptr_array_add (labels, g_strdup_printf ("%g %%", p[i] * 100));
          }
      return;
    }
  double span = a->max - a->min;
  double raw = span / 5.0, mag = pow (10.0, floor (log10 (raw))), step = mag;
  if (raw / mag >= 5)
    step = 5 * mag;
  else if (raw / mag >= 2)
    step = 2 * mag;
  for (double v = ceil (a->min / step) * step; v <= a->max + step * 1e-9; v += step)
    {
      double r = fabs (v) < step * 1e-9 ? 0.0 : v;
      g_array_append_val (values, r);
      g_ptr_array_add (labels, g_strdup_printf ("%g", r));
    }
}

static void
show_text (cairo_t *cr, PangoFontDescription *font, const char *text, double x, double y,
           double xalign, double yalign, gboolean vertical)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  if (vertical)
    cairo_rotate (cr, -G_PI / 2);
  cairo_move_to (cr, -xalign * w, -yalign * h);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  g_object_unref (layout);
}

static void
set_rgb (cairo_t *cr, guint32 rgb, double alpha)
{
  cairo_set_source_rgba (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0, alpha);
}

void
lab_curve_plot_draw (LabCurvePlot *self, cairo_t *cr, int width, int height,
                     gboolean for_export)
{
  GdkRGBA fg = { 0, 0, 0, 1 };
  if (!for_export)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
      G_GNUC_END_IGNORE_DEPRECATIONS
    }
  else
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
    }
  PangoFontDescription *font = pango_font_description_from_string ("Sans 9");
  PangoFontDescription *bold = pango_font_description_from_string ("Sans Bold 10");
  double x0, y0, x1, y1;
  lab_curve_plot_map (self, width, height, self->x.min, self->y.min, &x0, &y0);
  lab_curve_plot_map (self, width, height, self->x.max, self->y.max, &x1, &y1);

  /* Grid, ticks, labels. */
  g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  cairo_set_line_width (cr, 1.0);
  axis_ticks (&self->x, values, labels);
  for (guint i = 0; i < values->len; i++)
    {
      double px, py;
      lab_curve_plot_map (self, width, height, g_array_index (values, double, i), self->y.min,
                          &px, &py);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.12);
      cairo_move_to (cr, round (px) + 0.5, y1);
      cairo_line_to (cr, round (px) + 0.5, y0);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
      show_text (cr, font, g_ptr_array_index (labels, i), px, y0 + 4, 0.5, 0.0, FALSE);
    }
  g_array_set_size (values, 0);
  g_ptr_array_set_size (labels, 0);
  axis_ticks (&self->y, values, labels);
  for (guint i = 0; i < values->len; i++)
    {
      double px, py;
      lab_curve_plot_map (self, width, height, self->x.min, g_array_index (values, double, i),
                          &px, &py);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.12);
      cairo_move_to (cr, x0, round (py) + 0.5);
      cairo_line_to (cr, x1, round (py) + 0.5);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
      show_text (cr, font, g_ptr_array_index (labels, i), x0 - 4, py, 1.0, 0.5, FALSE);
    }
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
  cairo_rectangle (cr, round (x0) + 0.5, round (y1) + 0.5, round (x1 - x0), round (y0 - y1));
  cairo_stroke (cr);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
  if (self->x.label)
    show_text (cr, font, self->x.label, 0.5 * (x0 + x1), height - 4, 0.5, 1.0, FALSE);
  if (self->y.label)
    show_text (cr, font, self->y.label, 4, 0.5 * (y0 + y1), 0.5, 0.0, TRUE);
  if (self->title)
    show_text (cr, bold, self->title, x0, 6, 0.0, 0.0, FALSE);

  /* Curves, clipped to the plot. */
  cairo_save (cr);
  cairo_rectangle (cr, x0, y1, x1 - x0, y0 - y1);
  cairo_clip (cr);
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint c = 0; c < self->curves->len; c++)
    {
      const Curve *curve = g_ptr_array_index (self->curves, c);
      static const double dash[] = { 6.0, 4.0 }, dot[] = { 1.5, 3.0 };
      cairo_set_dash (cr, curve->style == LAB_LINE_STYLE_DASHED   ? dash
                          : curve->style == LAB_LINE_STYLE_DOTTED ? dot
                                                                  : NULL,
                      curve->style == LAB_LINE_STYLE_SOLID ? 0 : 2, 0);
      set_rgb (cr, curve->rgb, 1.0);
      for (guint i = 0; i < curve->x->len; i++)
        {
          double px, py;
          lab_curve_plot_map (self, width, height, g_array_index (curve->x, double, i),
                              g_array_index (curve->y, double, i), &px, &py);
          if (i == 0)
            cairo_move_to (cr, px, py);
          else
            cairo_line_to (cr, px, py);
        }
      cairo_stroke (cr);
    }
  cairo_restore (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  /* Legend: a box in the corner the curves leave empty (lower right for ROC and CMC, which
   * rise to the right; upper right for DET, which falls). */
  int n_labels = 0, text_w = 0;
  for (guint c = 0; c < self->curves->len; c++)
    {
      const Curve *curve = g_ptr_array_index (self->curves, c);
      if (curve->label == NULL)
        continue;
      PangoLayout *layout = pango_cairo_create_layout (cr);
      pango_layout_set_font_description (layout, font);
      pango_layout_set_text (layout, curve->label, -1);
      int w, h;
      pango_layout_get_pixel_size (layout, &w, &h);
      g_object_unref (layout);
      text_w = MAX (text_w, w);
      n_labels++;
    }
  if (n_labels > 0)
    {
      double box_w = MIN (text_w + 40.0, x1 - x0 - 8), box_h = n_labels * 16.0 + 6;
      double bx = x1 - box_w - 4;
      double by = self->legend_top ? y1 + 4 : y0 - box_h - 4;
      cairo_save (cr);
      cairo_rectangle (cr, bx, by, box_w, box_h);
      if (for_export)
        cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
      else
        cairo_set_source_rgba (cr, 1 - fg.red, 1 - fg.green, 1 - fg.blue, 0.8);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.2);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
      cairo_rectangle (cr, bx, by, box_w, box_h);
      cairo_clip (cr);
      double ly = by + 3;
      for (guint c = 0; c < self->curves->len; c++)
        {
          const Curve *curve = g_ptr_array_index (self->curves, c);
          if (curve->label == NULL)
            continue;
          static const double dash[] = { 6.0, 4.0 }, dot[] = { 1.5, 3.0 };
          cairo_set_dash (cr, curve->style == LAB_LINE_STYLE_DASHED   ? dash
                              : curve->style == LAB_LINE_STYLE_DOTTED ? dot
                                                                      : NULL,
                          curve->style == LAB_LINE_STYLE_SOLID ? 0 : 2, 0);
          set_rgb (cr, curve->rgb, 1.0);
          cairo_set_line_width (cr, 2.0);
          cairo_move_to (cr, bx + 6, ly + 8);
          cairo_line_to (cr, bx + 30, ly + 8);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
          show_text (cr, font, curve->label, bx + 36, ly, 0.0, 0.0, FALSE);
          ly += 16;
        }
      cairo_restore (cr);
    }
  if (self->curves->len == 0)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.5);
      show_text (cr, font, _("No data"), 0.5 * (x0 + x1), 0.5 * (y0 + y1), 0.5, 0.5, FALSE);
    }
  pango_font_description_free (font);
  pango_font_description_free (bold);
}

static void
lab_curve_plot_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  lab_curve_plot_draw (LAB_CURVE_PLOT (widget), cr, w, h, FALSE);
  cairo_destroy (cr);
}

static void
draw_for_export (cairo_t *cr, int width, int height, gpointer data)
{
  lab_curve_plot_draw (LAB_CURVE_PLOT (data), cr, width, height, TRUE);
}

gboolean
lab_curve_plot_export (LabCurvePlot *self, const char *path, LabChartFormat format, int width,
                       int height, GError **error)
{
  g_return_val_if_fail (LAB_IS_CURVE_PLOT (self), FALSE);
  return lab_export_drawing (path, format, width, height, self->title, draw_for_export, self,
                             error);
}

GtkWidget *
lab_curve_plot_new (void)
{
  return g_object_new (LAB_TYPE_CURVE_PLOT, NULL);
}

void
lab_curve_plot_set_title (LabCurvePlot *self, const char *title)
{
  g_return_if_fail (LAB_IS_CURVE_PLOT (self));
  g_free (self->title);
  self->title = g_strdup (title);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
lab_curve_plot_get_title (LabCurvePlot *self)
{
  g_return_val_if_fail (LAB_IS_CURVE_PLOT (self), NULL);
  return self->title;
}

static void
set_axis (Axis *a, const char *label, LabAxisScale scale, double min, double max)
{
  g_free (a->label);
  a->label = g_strdup (label);
  a->scale = scale;
  a->min = min;
  a->max = max;
}

void
lab_curve_plot_set_x_axis (LabCurvePlot *self, const char *label, LabAxisScale scale, double min,
                           double max)
{
  g_return_if_fail (LAB_IS_CURVE_PLOT (self));
  set_axis (&self->x, label, scale, min, max);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_curve_plot_set_y_axis (LabCurvePlot *self, const char *label, LabAxisScale scale, double min,
                           double max)
{
  g_return_if_fail (LAB_IS_CURVE_PLOT (self));
  set_axis (&self->y, label, scale, min, max);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_curve_plot_clear (LabCurvePlot *self)
{
  g_return_if_fail (LAB_IS_CURVE_PLOT (self));
  g_ptr_array_set_size (self->curves, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_curve_plot_add_curve (LabCurvePlot *self, const char *label, const double *x,
                          const double *y, int n, guint32 rgb, LabLineStyle style)
{
  g_return_if_fail (LAB_IS_CURVE_PLOT (self));
  Curve *c = g_new0 (Curve, 1);
  c->label = g_strdup (label);
  c->x = g_array_sized_new (FALSE, FALSE, sizeof (double), MAX (n, 1));
  c->y = g_array_sized_new (FALSE, FALSE, sizeof (double), MAX (n, 1));
  g_array_append_vals (c->x, x, n);
  g_array_append_vals (c->y, y, n);
  c->rgb = rgb;
  c->style = style;
  g_ptr_array_add (self->curves, c);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_curve_plot_set_legend_top (LabCurvePlot *self, gboolean top)
{
  g_return_if_fail (LAB_IS_CURVE_PLOT (self));
  self->legend_top = top;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
lab_curve_plot_get_n_curves (LabCurvePlot *self)
{
  g_return_val_if_fail (LAB_IS_CURVE_PLOT (self), 0);
  return self->curves->len;
}

static void
lab_curve_plot_finalize (GObject *object)
{
  LabCurvePlot *self = LAB_CURVE_PLOT (object);
  g_ptr_array_unref (self->curves);
  g_free (self->title);
  g_free (self->x.label);
  g_free (self->y.label);
  G_OBJECT_CLASS (lab_curve_plot_parent_class)->finalize (object);
}

static void
lab_curve_plot_class_init (LabCurvePlotClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_curve_plot_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = lab_curve_plot_snapshot;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "labcurveplot");
}

static void
lab_curve_plot_init (LabCurvePlot *self)
{
  self->curves = g_ptr_array_new_with_free_func ((GDestroyNotify) curve_free);
  self->x = (Axis) { NULL, LAB_AXIS_LINEAR, 0.0, 1.0 };
  self->y = (Axis) { NULL, LAB_AXIS_LINEAR, 0.0, 1.0 };
  gtk_widget_set_size_request (GTK_WIDGET (self), 260, 220);
}
