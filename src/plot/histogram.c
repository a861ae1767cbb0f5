/* histogram.c — overlaid genuine and impostor histograms with a threshold line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The genuine pairs take the verif task's colour, the impostors the cari task's neutral grey.
 */

#include <math.h>

#include <glib/gi18n-lib.h>

#include "histogram.h"
#include "scale.h"
#include "text.h"

#define MARGIN_LEFT 52
#define MARGIN_RIGHT 14
#define MARGIN_TOP 26
#define MARGIN_BOTTOM 34

/* The horizontal position of a score in a histogram @width pixels wide (scores outside the
 * shown range are held at its ends). */
double
cari_plot_histogram_x_of_score (const CariPlotHistogram *histogram, int width, double score)
{
  double w = MAX (width - MARGIN_LEFT - MARGIN_RIGHT, 1);
  double u = histogram->hi > histogram->lo
               ? (score - histogram->lo) / (histogram->hi - histogram->lo)
               : 0.5;

  return MARGIN_LEFT + CLAMP (u, 0.0, 1.0) * w;
}

/* The score at a position (held at the ends of the shown range). */
double
cari_plot_histogram_score_at (const CariPlotHistogram *histogram, int width, double x)
{
  double w = MAX (width - MARGIN_LEFT - MARGIN_RIGHT, 1);
  double u = CLAMP ((x - MARGIN_LEFT) / w, 0.0, 1.0);

  return histogram->lo + u * (histogram->hi - histogram->lo);
}

/* One class as a step outline over the bins, filled translucent. */
static void
draw_bins (cairo_t *cr, const double *share, int n_bins, double peak, double x0, double x1,
           double y0, double y1, const CariPlotRgba *color)
{
  double bw = (x1 - x0) / n_bins;

  cairo_move_to (cr, x0, y0);
  for (int k = 0; k < n_bins; k++)
    {
      double y = y0 - (peak > 0 ? share[k] / peak : 0.0) * (y0 - y1);

      cairo_line_to (cr, x0 + k * bw, y);
      cairo_line_to (cr, x0 + (k + 1) * bw, y);
    }
  cairo_line_to (cr, x1, y0);
  cairo_close_path (cr);
  cari_plot_set_source (cr, color, 0.35);
  cairo_fill_preserve (cr);
  cari_plot_set_source (cr, color, 0.95);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
}

/* Ticks: scores below, shares of each class on the left, with their grid lines. */
static void
render_ticks (CariPlotText *text, const CariPlotHistogram *histogram, int width, double x0,
              double x1, double y0, double y1, double top)
{
  cairo_t *cr = text->cr;
  const CariPlotRgba *fg = &text->style->foreground;
  double size = text->style->font_label;
  CariPlotTicks ticks;
  double ystep = top > 0.2 ? 0.1 : top > 0.1 ? 0.05 : top > 0.04 ? 0.02 : 0.01;

  cairo_set_line_width (cr, 1.0);
  cari_plot_simple_ticks (histogram->lo, histogram->hi, 6, &ticks);
  for (guint i = 0; i < ticks.n; i++)
    {
      double px = round (cari_plot_histogram_x_of_score (histogram, width, ticks.values[i])) + 0.5;
      g_autofree char *label = g_strdup_printf ("%g", ticks.values[i]);

      cari_plot_set_source (cr, fg, 0.10);
      cairo_move_to (cr, px, y1);
      cairo_line_to (cr, px, y0);
      cairo_stroke (cr);
      cari_plot_set_source (cr, fg, 0.8);
      cari_plot_text_show_aligned (text, label, size, FALSE, px, y0 + 3, 0.5, 0.0, NULL);
    }
  for (double v = 0; v <= top; v += ystep)
    {
      double py = round (y0 - v / top * (y0 - y1)) + 0.5;
      g_autofree char *label = g_strdup_printf ("%g %%", round (v * 1000) / 10);

      cari_plot_set_source (cr, fg, 0.10);
      cairo_move_to (cr, x0, py);
      cairo_line_to (cr, x1, py);
      cairo_stroke (cr);
      cari_plot_set_source (cr, fg, 0.8);
      cari_plot_text_show_aligned (text, label, size, FALSE, x0 - 4, py, 1.0, 0.5, NULL);
    }
}

/* The legend: one row above the plot, right-aligned, out of the bars' way. */
static void
render_legend (CariPlotText *text, const CariPlotRgba *genuine, const CariPlotRgba *impostor,
               double x1)
{
  cairo_t *cr = text->cr;
  const struct
  {
    const CariPlotRgba *color;
    const char *label;
  } legend[] = { { impostor, _("impostor (different persons)") },
                 { genuine, _("genuine (same person)") } };
  double lx = x1;

  for (guint i = 0; i < G_N_ELEMENTS (legend); i++)
    {
      int w, h;

      cari_plot_text_set (text, legend[i].label, text->style->font_label, FALSE, NULL, NULL);
      pango_layout_get_pixel_size (text->layout, &w, &h);
      lx -= w;
      cari_plot_set_source (cr, &text->style->foreground, 0.9);
      cari_plot_text_show (text, lx, 4);
      lx -= 20;
      cari_plot_set_source (cr, legend[i].color, 0.5);
      cairo_rectangle (cr, lx + 0.5, 4 + (h - 10) / 2 + 0.5, 14, 10);
      cairo_fill_preserve (cr);
      cari_plot_set_source (cr, legend[i].color, 1.0);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
      lx -= 16;
    }
}

/* The threshold: a line with a handle above the plot and its value inside it, on a veil of
 * the background, on the side with more room; what lies right of it is accepted. */
static void
render_threshold (CariPlotText *text, const CariPlotHistogram *histogram, int width, double x0,
                  double x1, double y0, double y1)
{
  cairo_t *cr = text->cr;
  const CariPlotStyle *style = text->style;
  double px = round (cari_plot_histogram_x_of_score (histogram, width, histogram->threshold))
              + 0.5;
  g_autofree char *label = g_strdup_printf ("%.4f", histogram->threshold);
  gboolean left = px > 0.5 * (x0 + x1);
  double tx, ty;
  int w, h;

  cari_plot_set_source (cr, &style->foreground, 0.95);
  cairo_set_line_width (cr, histogram->dragging ? 3.0 : 2.0);
  cairo_move_to (cr, px, y1 - 2);
  cairo_line_to (cr, px, y0);
  cairo_stroke (cr);
  cairo_move_to (cr, px - 6, y1 - 9);
  cairo_line_to (cr, px + 6, y1 - 9);
  cairo_line_to (cr, px, y1 - 1);
  cairo_close_path (cr);
  cairo_fill (cr);

  cari_plot_text_set (text, label, style->font_label, FALSE, NULL, NULL);
  pango_layout_get_pixel_size (text->layout, &w, &h);
  tx = left ? px - 6 - w : px + 6;
  ty = y1 + 4;
  cari_plot_set_source (cr, &style->background, 0.85);
  cairo_rectangle (cr, tx - 3, ty - 1, w + 6, h + 2);
  cairo_fill (cr);
  cari_plot_set_source (cr, &style->foreground, 1.0);
  cari_plot_text_show (text, tx, ty);
}

/**
 * cari_plot_histogram_render:
 *
 * Draws the histogram: on a white page with a paper style, on what is there otherwise.
 */
void
cari_plot_histogram_render (cairo_t *cr, const CariPlotStyle *style,
                            const CariPlotHistogram *histogram, int width, int height)
{
  const CariPlotRgba *fg = &style->foreground;
  const CariPlotRgba *genuine = &style->roles[CARI_PLOT_ROLE_VERIF];
  const CariPlotRgba *impostor = &style->roles[CARI_PLOT_ROLE_CARI];
  double size = style->font_label;
  double x0 = MARGIN_LEFT, x1 = MAX (width - MARGIN_RIGHT, x0 + 1);
  double y1 = MARGIN_TOP, y0 = MAX (height - MARGIN_BOTTOM, y1 + 1);
  double top = histogram->peak > 0 ? histogram->peak * 1.15 : 1.0;
  CariPlotText text;

  cari_plot_paint_paper (cr, style);
  cari_plot_text_init (&text, cr, style);
  render_ticks (&text, histogram, width, x0, x1, y0, y1, top);
  cari_plot_set_source (cr, fg, 0.9);
  cari_plot_text_show_aligned (&text, _("score (higher: more similar)"), size, FALSE,
                               0.5 * (x0 + x1), height - 2, 0.5, 1.0, NULL);
  cari_plot_text_show_aligned (&text, _("share of each class"), size, FALSE, 4, 4, 0.0, 0.0,
                               NULL);

  if (histogram->empty)
    {
      cari_plot_set_source (cr, fg, 0.5);
      cari_plot_text_show_aligned (&text, _("No pair scores"), size, FALSE, 0.5 * (x0 + x1),
                                   0.5 * (y0 + y1), 0.5, 0.5, NULL);
    }
  else
    {
      /* Impostors under, genuines over: the classes the paper's Fig. 8 tells apart. */
      draw_bins (cr, histogram->impostor, histogram->n_bins, top, x0, x1, y0, y1, impostor);
      draw_bins (cr, histogram->genuine, histogram->n_bins, top, x0, x1, y0, y1, genuine);
    }
  cari_plot_set_source (cr, fg, 0.6);
  cairo_rectangle (cr, round (x0) + 0.5, round (y1) + 0.5, round (x1 - x0), round (y0 - y1));
  cairo_stroke (cr);

  render_legend (&text, genuine, impostor, x1);
  if (!isnan (histogram->threshold) && !histogram->empty)
    render_threshold (&text, histogram, width, x0, x1, y0, y1);
  cari_plot_text_clear (&text);
}
