/* curves.c — ROC, DET and CMC curves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include <glib/gi18n-lib.h>

#include "curves.h"
#include "scale.h"
#include "text.h"

#define MARGIN_LEFT 58
#define MARGIN_RIGHT 14
#define MARGIN_TOP 30
#define MARGIN_BOTTOM 40
#define LEGEND_ROW 16.0

/* Φ(x) = ½ erfc(−x / √2); its inverse by bisection, to 1e-12 in x. */
double
cari_plot_probit (double p)
{
  double lo = -40.0;
  double hi = 40.0;

  if (!(p > 0.0))
    return -INFINITY;
  if (!(p < 1.0))
    return INFINITY;
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
axis_unit (const CariPlotAxis *a, double v)
{
  double lo = a->min;
  double hi = a->max;

  switch (a->scale)
    {
    case CARI_PLOT_AXIS_LOG10:
      v = log10 (MAX (v, a->min));
      lo = log10 (a->min);
      hi = log10 (a->max);
      break;
    case CARI_PLOT_AXIS_PROBIT:
      v = cari_plot_probit (CLAMP (v, a->min, a->max));
      lo = cari_plot_probit (a->min);
      hi = cari_plot_probit (a->max);
      break;
    case CARI_PLOT_AXIS_LINEAR:
    default:
      break;
    }
  return hi > lo ? (v - lo) / (hi - lo) : 0.5;
}

/* Data to device coordinates in a plot of width × height. */
void
cari_plot_curves_map (const CariPlotCurves *plot, int width, int height, double x, double y,
                      double *px, double *py)
{
  double w = MAX (width - MARGIN_LEFT - MARGIN_RIGHT, 1);
  double h = MAX (height - MARGIN_TOP - MARGIN_BOTTOM, 1);

  *px = MARGIN_LEFT + axis_unit (&plot->x, x) * w;
  *py = MARGIN_TOP + (1.0 - axis_unit (&plot->y, y)) * h;
}

/* Tick values of an axis, with their labels. */
static void
axis_ticks (const CariPlotAxis *a, GArray *values, GPtrArray *labels)
{
  static const double probabilities[] = { 0.0001, 0.001, 0.01, 0.05, 0.1, 0.2, 0.4,
                                          0.6,    0.8,   0.9,  0.95, 0.99, 0.999 };
  CariPlotTicks ticks;

  switch (a->scale)
    {
    case CARI_PLOT_AXIS_LOG10:
      for (int e = (int) floor (log10 (a->min)); e <= (int) ceil (log10 (a->max)); e++)
        {
          double v = pow (10.0, e);

          if (v < a->min * 0.999 || v > a->max * 1.001)
            continue;
          g_array_append_val (values, v);
          /* Rates read as percentages, as the paper's VAL@FAR. */
          g_ptr_array_add (labels, g_strdup_printf ("%g %%", v * 100));
        }
      break;
    case CARI_PLOT_AXIS_PROBIT:
      for (size_t i = 0; i < G_N_ELEMENTS (probabilities); i++)
        if (probabilities[i] >= a->min && probabilities[i] <= a->max)
          {
            g_array_append_val (values, probabilities[i]);
            g_ptr_array_add (labels, g_strdup_printf ("%g %%", probabilities[i] * 100));
          }
      break;
    case CARI_PLOT_AXIS_LINEAR:
    default:
      cari_plot_simple_ticks (a->min, a->max, 5, &ticks);
      for (guint i = 0; i < ticks.n; i++)
        {
          g_array_append_val (values, ticks.values[i]);
          g_ptr_array_add (labels, g_strdup_printf ("%g", ticks.values[i]));
        }
      break;
    }
}

/* Grid lines, tick labels, the frame and the axis labels and title. */
static void
render_axes (CariPlotText *text, const CariPlotCurves *plot, int width, int height)
{
  cairo_t *cr = text->cr;
  const CariPlotStyle *style = text->style;
  const CariPlotRgba *fg = &style->foreground;
  double size = style->font_label;
  g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  double x0, y0, x1, y1;

  cari_plot_curves_map (plot, width, height, plot->x.min, plot->y.min, &x0, &y0);
  cari_plot_curves_map (plot, width, height, plot->x.max, plot->y.max, &x1, &y1);
  cairo_set_line_width (cr, 1.0);
  axis_ticks (&plot->x, values, labels);
  for (guint i = 0; i < values->len; i++)
    {
      double px, py;

      cari_plot_curves_map (plot, width, height, g_array_index (values, double, i), plot->y.min,
                            &px, &py);
      cari_plot_set_source (cr, fg, 0.12);
      cairo_move_to (cr, round (px) + 0.5, y1);
      cairo_line_to (cr, round (px) + 0.5, y0);
      cairo_stroke (cr);
      cari_plot_set_source (cr, fg, 0.8);
      cari_plot_text_show_aligned (text, g_ptr_array_index (labels, i), size, FALSE, px, y0 + 4,
                                   0.5, 0.0, NULL);
    }
  g_array_set_size (values, 0);
  g_ptr_array_set_size (labels, 0);
  axis_ticks (&plot->y, values, labels);
  for (guint i = 0; i < values->len; i++)
    {
      double px, py;

      cari_plot_curves_map (plot, width, height, plot->x.min, g_array_index (values, double, i),
                            &px, &py);
      cari_plot_set_source (cr, fg, 0.12);
      cairo_move_to (cr, x0, round (py) + 0.5);
      cairo_line_to (cr, x1, round (py) + 0.5);
      cairo_stroke (cr);
      cari_plot_set_source (cr, fg, 0.8);
      cari_plot_text_show_aligned (text, g_ptr_array_index (labels, i), size, FALSE, x0 - 4, py,
                                   1.0, 0.5, NULL);
    }
  cari_plot_set_source (cr, fg, 0.6);
  cairo_rectangle (cr, round (x0) + 0.5, round (y1) + 0.5, round (x1 - x0), round (y0 - y1));
  cairo_stroke (cr);

  cari_plot_set_source (cr, fg, 0.9);
  if (plot->x.label != NULL)
    cari_plot_text_show_aligned (text, plot->x.label, size, FALSE, 0.5 * (x0 + x1), height - 4,
                                 0.5, 1.0, NULL);
  if (plot->y.label != NULL)
    {
      cairo_save (cr);
      cairo_translate (cr, 4, 0.5 * (y0 + y1));
      cairo_rotate (cr, -G_PI / 2);
      cari_plot_text_show_aligned (text, plot->y.label, size, FALSE, 0, 0, 0.5, 0.0, NULL);
      cairo_restore (cr);
    }
  if (plot->title != NULL)
    cari_plot_text_show_aligned (text, plot->title, style->font_figure_title, TRUE, x0, 6, 0.0,
                                 0.0, NULL);
}

/* The legend: a box in the corner the curves leave empty (lower right for ROC and CMC, which
 * rise to the right; upper right for DET, which falls). */
static void
render_legend (CariPlotText *text, const CariPlotCurves *plot, double x0, double y0, double x1,
               double y1)
{
  cairo_t *cr = text->cr;
  const CariPlotStyle *style = text->style;
  double size = style->font_label;
  int n_labels = 0;
  int text_w = 0;
  double box_w, box_h, bx, by, ly;

  for (guint c = 0; c < plot->n_curves; c++)
    {
      int w, h;

      if (plot->curves[c].label == NULL)
        continue;
      cari_plot_text_set (text, plot->curves[c].label, size, FALSE, NULL, NULL);
      pango_layout_get_pixel_size (text->layout, &w, &h);
      text_w = MAX (text_w, w);
      n_labels++;
    }
  if (n_labels == 0)
    return;

  box_w = MIN (text_w + 40.0, x1 - x0 - 8);
  box_h = n_labels * LEGEND_ROW + 6;
  bx = x1 - box_w - 4;
  by = plot->legend_top ? y1 + 4 : y0 - box_h - 4;
  cairo_save (cr);
  cairo_rectangle (cr, bx, by, box_w, box_h);
  cari_plot_set_source (cr, &style->background, style->paper ? 0.85 : 0.8);
  cairo_fill_preserve (cr);
  cari_plot_set_source (cr, &style->foreground, 0.2);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  cairo_rectangle (cr, bx, by, box_w, box_h);
  cairo_clip (cr);
  ly = by + 3;
  for (guint c = 0; c < plot->n_curves; c++)
    {
      const CariPlotCurve *curve = &plot->curves[c];
      CariPlotRgba color;

      if (curve->label == NULL)
        continue;
      cari_plot_rgba_from_rgb (curve->rgb, &color);
      cari_plot_draw_sample (cr, &color, curve->line_style, bx + 6, ly + 8, 24);
      cari_plot_set_source (cr, &style->foreground, 0.9);
      cari_plot_text_show_aligned (text, curve->label, size, FALSE, bx + 36, ly, 0.0, 0.0, NULL);
      ly += LEGEND_ROW;
    }
  cairo_restore (cr);
}

/**
 * cari_plot_curves_render:
 *
 * Draws the plot: on a white page with a paper style, on what is there otherwise.
 */
void
cari_plot_curves_render (cairo_t *cr, const CariPlotStyle *style, const CariPlotCurves *plot,
                         int width, int height)
{
  CariPlotText text;
  double x0, y0, x1, y1;

  cari_plot_paint_paper (cr, style);
  cari_plot_text_init (&text, cr, style);
  cari_plot_curves_map (plot, width, height, plot->x.min, plot->y.min, &x0, &y0);
  cari_plot_curves_map (plot, width, height, plot->x.max, plot->y.max, &x1, &y1);
  render_axes (&text, plot, width, height);

  /* Curves, clipped to the plot. */
  cairo_save (cr);
  cairo_rectangle (cr, x0, y1, x1 - x0, y0 - y1);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint c = 0; c < plot->n_curves; c++)
    {
      const CariPlotCurve *curve = &plot->curves[c];

      cari_plot_set_line_style (cr, curve->line_style, 2.0);
      cari_plot_set_source_rgb (cr, curve->rgb, 1.0);
      for (int i = 0; i < curve->n; i++)
        {
          double px, py;

          cari_plot_curves_map (plot, width, height, curve->x[i], curve->y[i], &px, &py);
          if (i == 0)
            cairo_move_to (cr, px, py);
          else
            cairo_line_to (cr, px, py);
        }
      cairo_stroke (cr);
    }
  cairo_restore (cr);

  render_legend (&text, plot, x0, y0, x1, y1);
  if (plot->n_curves == 0)
    {
      cari_plot_set_source (cr, &style->foreground, 0.5);
      cari_plot_text_show_aligned (&text, _("No data"), style->font_label, FALSE,
                                   0.5 * (x0 + x1), 0.5 * (y0 + y1), 0.5, 0.5, NULL);
    }
  cari_plot_text_clear (&text);
}
