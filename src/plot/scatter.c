/* scatter.c — a scatter view: the plot's geometry, markers batched by colour (stamped on
 * screen, vector paths in files), the title and the legend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include <glib/gi18n-lib.h>

#include "scatter.h"
#include "text.h"

#define PAD 8.0
#define TITLE_H 20.0
#define SUBTITLE_H 16.0
#define LEGEND_H 22.0
#define PHASES 4 /* sprite offsets per device pixel and axis */

/* ------------------------------------------------------------------------------ transform */

/* The transform that fits @bounds (x_min, y_min, x_max, y_max) centred in the rectangle
 * (left, top, width, height) with one scale for both axes. A zero extent on both axes (one
 * point, or none) maps the point to the centre at scale 1. */
void
cari_plot_scatter_transform_fit (CariPlotScatterTransform *t, const double bounds[4], double left,
                                 double top, double width, double height)
{
  double ex = bounds[2] - bounds[0], ey = bounds[3] - bounds[1];
  double cx = 0.5 * (bounds[0] + bounds[2]), cy = 0.5 * (bounds[1] + bounds[3]);

  width = MAX (width, 1.0);
  height = MAX (height, 1.0);
  if (ex > 0 && ey > 0)
    t->scale = MIN (width / ex, height / ey);
  else if (ex > 0)
    t->scale = width / ex;
  else if (ey > 0)
    t->scale = height / ey;
  else
    t->scale = 1.0;
  t->x0 = left + 0.5 * width - cx * t->scale;
  t->y0 = top + 0.5 * height + cy * t->scale;
}

void
cari_plot_scatter_transform_to_px (const CariPlotScatterTransform *t, double x, double y,
                                   double *px, double *py)
{
  *px = t->x0 + x * t->scale;
  *py = t->y0 - y * t->scale;
}

void
cari_plot_scatter_transform_from_px (const CariPlotScatterTransform *t, double px, double py,
                                     double *x, double *y)
{
  *x = (px - t->x0) / t->scale;
  *y = (t->y0 - py) / t->scale;
}

/* ------------------------------------------------------------------------------ geometry */

/* The radius of a marker (device units) in a view of n points. */
double
cari_plot_scatter_marker_radius (int n)
{
  /* Large markers for Fig. 2's few hundred points, small ones at 20k. */
  return CLAMP (4.5 * sqrt (400.0 / MAX (n, 1)), 1.6, 4.5);
}

/* The plot's frame inside a width × height view. */
void
cari_plot_scatter_plot_rect (const CariPlotScatter *scatter, int width, int height,
                             CariPlotRect *rect)
{
  double top = PAD + TITLE_H + (scatter->subtitle != NULL ? SUBTITLE_H : 0.0);

  rect->x = PAD;
  rect->y = top;
  rect->width = MAX (width - 2 * PAD, 1.0);
  rect->height = MAX (height - top - LEGEND_H - PAD, 1.0);
}

/* The transform of the plot in a width × height view. */
void
cari_plot_scatter_transform (const CariPlotScatter *scatter, int width, int height,
                             CariPlotScatterTransform *t)
{
  CariPlotRect r;
  /* Keep whole markers inside the frame. */
  double inset = cari_plot_scatter_marker_radius (scatter->n) * 1.3 + 3.0;

  cari_plot_scatter_plot_rect (scatter, width, height, &r);
  cari_plot_scatter_transform_fit (t, scatter->bounds, r.x + inset, r.y + inset,
                                   r.width - 2 * inset, r.height - 2 * inset);
}

/* ------------------------------------------------------------------------------ drawing */

static void
append_marker (cairo_t *cr, CariPlotMarker marker, double x, double y, double r)
{
  if (marker == CARI_PLOT_MARKER_TRIANGLE)
    {
      double t = r * 1.3;

      cairo_move_to (cr, x, y - t);
      cairo_line_to (cr, x + t * 0.866, y + t * 0.5);
      cairo_line_to (cr, x - t * 0.866, y + t * 0.5);
      cairo_close_path (cr);
    }
  else
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      cairo_close_path (cr);
    }
}

/* Fills (and for selected points strokes) the current path in the group's colours. */
static void
paint_group (cairo_t *cr, const CariPlotScatterGroup *group, const CariPlotStyle *style,
             double line_width)
{
  gboolean colored = group->color != CARI_PLOT_NO_COLOR;
  guint32 rgb = colored ? group->color : style->dark ? 0x5e5e5e : 0xc4c4c4;

  cari_plot_set_source_rgb (cr, rgb, group->faded ? (colored ? 0.25 : 0.35) : 0.92);
  if (group->selected)
    {
      cairo_fill_preserve (cr);
      cari_plot_set_source (cr, &style->foreground, 0.85);
      cairo_set_line_width (cr, line_width);
      cairo_stroke (cr);
    }
  else
    cairo_fill (cr);
}

/* The group's marker rendered once per quarter-pixel offset (on demand) and painted at every
 * point at whole device pixels, where Cairo blits instead of rasterising a path: at 20k points
 * several times faster than one path of 20k arcs (bench/README.md). Needs a transform without
 * rotation or skew; the marker is the same append_marker () shape the files get. */
static void
stamp_group (cairo_t *cr, const CariPlotScatter *scatter, const CariPlotScatterGroup *group,
             const CariPlotScatterTransform *t, double r, const CariPlotStyle *style)
{
  cairo_matrix_t m;
  cairo_surface_t *sprites[PHASES * PHASES] = { NULL };
  double s;
  int half, size;

  cairo_get_matrix (cr, &m);
  s = m.xx;
  half = (int) ceil (r * 1.3 * s + s + 1);
  size = 2 * half + 2;
  cairo_save (cr);
  cairo_identity_matrix (cr);
  for (int k = group->start; k < group->start + group->count; k++)
    {
      int i = scatter->order[k];
      double px, py, dx, dy, ix, iy;
      int fx, fy;
      cairo_surface_t **sprite;

      cari_plot_scatter_transform_to_px (t, scatter->xy[2 * i], scatter->xy[2 * i + 1], &px,
                                         &py);
      dx = m.xx * px + m.x0;
      dy = m.yy * py + m.y0;
      if (!(fabs (dx) < 1e6 && fabs (dy) < 1e6))
        continue;
      ix = floor (dx);
      iy = floor (dy);
      fx = MIN ((int) ((dx - ix) * PHASES), PHASES - 1);
      fy = MIN ((int) ((dy - iy) * PHASES), PHASES - 1);
      sprite = &sprites[fy * PHASES + fx];
      if (*sprite == NULL)
        {
          cairo_t *sc;

          *sprite = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
          sc = cairo_create (*sprite);
          append_marker (sc, group->marker, half + (double) fx / PHASES,
                         half + (double) fy / PHASES, r * s);
          paint_group (sc, group, style, s);
          cairo_destroy (sc);
        }
      cairo_set_source_surface (cr, *sprite, ix - half, iy - half);
      cairo_paint (cr);
    }
  cairo_restore (cr);
  for (int p = 0; p < PHASES * PHASES; p++)
    if (sprites[p] != NULL)
      cairo_surface_destroy (sprites[p]);
}

/* The points, group by group: stamped, or one vector path per group. */
static void
draw_points (cairo_t *cr, const CariPlotStyle *style, const CariPlotScatter *scatter, int width,
             int height, gboolean vector)
{
  CariPlotScatterTransform t;
  cairo_matrix_t m;
  double r = cari_plot_scatter_marker_radius (scatter->n);

  if (scatter->n == 0)
    return;
  cari_plot_scatter_transform (scatter, width, height, &t);
  cairo_get_matrix (cr, &m);
  if (m.xy != 0 || m.yx != 0 || m.xx != m.yy || m.xx <= 0)
    vector = TRUE;
  for (guint g = 0; g < scatter->n_groups; g++)
    {
      const CariPlotScatterGroup *group = &scatter->groups[g];

      if (!vector)
        {
          stamp_group (cr, scatter, group, &t, r, style);
          continue;
        }
      cairo_new_path (cr);
      for (int k = group->start; k < group->start + group->count; k++)
        {
          int i = scatter->order[k];
          double px, py;

          cari_plot_scatter_transform_to_px (&t, scatter->xy[2 * i], scatter->xy[2 * i + 1],
                                             &px, &py);
          if (isfinite (px) && isfinite (py))
            append_marker (cr, group->marker, px, py, r);
        }
      paint_group (cr, group, style, 1.0);
    }
}

/* Legend: the markers this view has. */
static void
render_legend (CariPlotText *text, const CariPlotScatter *scatter, const CariPlotRect *r)
{
  cairo_t *cr = text->cr;
  const struct
  {
    CariPlotMarker marker;
    const char *label;
  } items[] = { { CARI_PLOT_MARKER_CIRCLE, _("photo") },
                { CARI_PLOT_MARKER_TRIANGLE, _("caricature") } };
  double x = PAD + 6, y = r->y + r->height + 5;

  for (size_t m = 0; m < G_N_ELEMENTS (items); m++)
    {
      double w = 0;

      if (!scatter->has_marker[items[m].marker])
        continue;
      cari_plot_set_source (cr, &text->style->foreground, 0.7);
      cairo_new_path (cr);
      append_marker (cr, items[m].marker, x, y + 7.5, 4.0);
      cairo_fill (cr);
      cari_plot_text_show_aligned (text, items[m].label, text->style->font_label, FALSE, x + 8,
                                   y, 0.0, 0.0, &w);
      x += w + 28;
    }
}

/**
 * cari_plot_scatter_render:
 * @vector: the points as one vector path per group (files); else each group's marker is
 *   rendered once per quarter-pixel offset and stamped at the points (screen, PNG)
 *
 * Draws the whole view (title, frame, points, legend) into a width × height area of @cr; with
 * a paper style on a white rectangle.
 */
void
cari_plot_scatter_render (cairo_t *cr, const CariPlotStyle *style, const CariPlotScatter *scatter,
                          int width, int height, gboolean vector)
{
  const CariPlotRgba *fg = &style->foreground;
  CariPlotText text;
  CariPlotRect r;

  if (style->paper)
    {
      /* Only the view's own rectangle: a figure of several views draws them side by side. */
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }
  cari_plot_text_init (&text, cr, style);
  cari_plot_scatter_plot_rect (scatter, width, height, &r);
  cari_plot_set_source (cr, fg, 0.95);
  if (scatter->title != NULL)
    cari_plot_text_show_aligned (&text, scatter->title, style->font_figure_title, TRUE, PAD, PAD,
                                 0.0, 0.0, NULL);
  if (scatter->subtitle != NULL)
    {
      cari_plot_set_source (cr, fg, 0.6);
      cari_plot_text_show_aligned (&text, scatter->subtitle, style->font_label, FALSE, PAD,
                                   PAD + TITLE_H, 0.0, 0.0, NULL);
    }
  cari_plot_set_source (cr, fg, 0.22);
  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, round (r.x) + 0.5, round (r.y) + 0.5, round (r.width) - 1,
                   round (r.height) - 1);
  cairo_stroke (cr);

  cairo_save (cr);
  cairo_rectangle (cr, r.x, r.y, r.width, r.height);
  cairo_clip (cr);
  draw_points (cr, style, scatter, width, height, vector);
  cairo_restore (cr);

  render_legend (&text, scatter, &r);
  if (scatter->n == 0)
    {
      cari_plot_set_source (cr, fg, 0.5);
      cari_plot_text_show_aligned (&text, _("No points"), style->font_label, FALSE,
                                   r.x + r.width / 2, r.y + r.height / 2 - 7, 0.5, 0.0, NULL);
    }
  cari_plot_text_clear (&text);
}
