/* lab-curve-plot.c — ROC, DET and CMC curves: the widget over carilab-plot's curve plot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include "lab-curve-plot.h"
#include "lab-figure.h"
#include "lab-property.h"

/* A curve and the copies its CariPlotCurve points into. */
typedef struct
{
  CariPlotCurve curve;
  char *label;
  double *x, *y;
} Curve;

struct _LabCurvePlot
{
  GtkWidget parent_instance;

  /* owned */
  char *title;
  char *x_label, *y_label;
  CariPlotAxis x, y; /* their labels are x_label and y_label */
  GPtrArray *curves; /* of Curve * */
  gboolean legend_top;
};

G_DEFINE_FINAL_TYPE (LabCurvePlot, lab_curve_plot, GTK_TYPE_WIDGET)

static void
curve_free (Curve *c)
{
  g_free (c->label);
  g_free (c->x);
  g_free (c->y);
  g_free (c);
}

/* What carilab-plot draws; the curves are copied into @curves (free it after drawing). */
static void
lab_curve_plot_describe (LabCurvePlot *self, CariPlotCurves *plot, CariPlotCurve **curves)
{
  *curves = g_new (CariPlotCurve, MAX (self->curves->len, 1));
  for (guint c = 0; c < self->curves->len; c++)
    (*curves)[c] = ((Curve *) g_ptr_array_index (self->curves, c))->curve;
  *plot = (CariPlotCurves) { self->title, self->x, self->y, *curves, self->curves->len,
                             self->legend_top };
}

void
lab_curve_plot_map (LabCurvePlot *self, int width, int height, double x, double y, double *px,
                    double *py)
{
  CariPlotCurves plot = { .x = self->x, .y = self->y };

  g_return_if_fail (LAB_IS_CURVE_PLOT (self));
  cari_plot_curves_map (&plot, width, height, x, y, px, py);
}

void
lab_curve_plot_draw (LabCurvePlot *self, cairo_t *cr, int width, int height,
                     gboolean for_export)
{
  CariPlotStyle style;
  CariPlotCurves plot;
  g_autofree CariPlotCurve *curves = NULL;

  g_return_if_fail (LAB_IS_CURVE_PLOT (self));
  if (for_export)
    cari_plot_style_init_paper (&style);
  else
    lab_figure_style_init (&style, GTK_WIDGET (self));
  lab_curve_plot_describe (self, &plot, &curves);
  cari_plot_curves_render (cr, &style, &plot, width, height);
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
  if (lab_property_set_string (self, &self->title, title, NULL))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
lab_curve_plot_get_title (LabCurvePlot *self)
{
  g_return_val_if_fail (LAB_IS_CURVE_PLOT (self), NULL);
  return self->title;
}

static void
set_axis (CariPlotAxis *a, char **label_copy, const char *label, LabAxisScale scale, double min,
          double max)
{
  g_free (*label_copy);
  *label_copy = g_strdup (label);
  *a = (CariPlotAxis) { *label_copy, scale, min, max };
}

void
lab_curve_plot_set_x_axis (LabCurvePlot *self, const char *label, LabAxisScale scale, double min,
                           double max)
{
  g_return_if_fail (LAB_IS_CURVE_PLOT (self));
  set_axis (&self->x, &self->x_label, label, scale, min, max);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_curve_plot_set_y_axis (LabCurvePlot *self, const char *label, LabAxisScale scale, double min,
                           double max)
{
  g_return_if_fail (LAB_IS_CURVE_PLOT (self));
  set_axis (&self->y, &self->y_label, label, scale, min, max);
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
  n = MAX (n, 0);
  c->label = g_strdup (label);
  c->x = g_memdup2 (x, n * sizeof (double));
  c->y = g_memdup2 (y, n * sizeof (double));
  c->curve = (CariPlotCurve) { c->label, c->x, c->y, n, rgb, style };
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
  g_free (self->x_label);
  g_free (self->y_label);
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
  self->x = (CariPlotAxis) { NULL, LAB_AXIS_LINEAR, 0.0, 1.0 };
  self->y = (CariPlotAxis) { NULL, LAB_AXIS_LINEAR, 0.0, 1.0 };
  gtk_widget_set_size_request (GTK_WIDGET (self), 260, 220);
}
