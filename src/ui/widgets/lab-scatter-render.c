/* lab-scatter-render.c — LabScatter's drawing over carilab-plot's scatter view (plot/scatter.c:
 * the geometry, markers batched by colour, stamped on screen and vector paths in files): the
 * cached texture, the overlay and export.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>

#include "lab-figure.h"
#include "lab-scatter-private.h"

#define CARD_THUMB 96.0

/* ------------------------------------------------------------------------------ geometry */

/* What carilab-plot draws. */
static CariPlotScatter
lab_scatter_describe (LabScatter *self)
{
  CariPlotScatter scatter = {
    .title = self->title,
    .subtitle = self->subtitle,
    .n = lab_scatter_layout_get_n (self->layout),
    .order = self->order,
    .groups = (const Group *) (gconstpointer) self->groups->data,
    .n_groups = self->groups->len,
  };

  if (self->layout != NULL)
    {
      scatter.xy = lab_scatter_layout_get_xy (self->layout);
      lab_scatter_layout_get_bounds (self->layout, scatter.bounds);
      scatter.has_marker[LAB_MARKER_CIRCLE]
        = lab_scatter_layout_has_marker (self->layout, LAB_MARKER_CIRCLE);
      scatter.has_marker[LAB_MARKER_TRIANGLE]
        = lab_scatter_layout_has_marker (self->layout, LAB_MARKER_TRIANGLE);
    }
  return scatter;
}

/* The plot's frame inside a width × height view. */
void
lab_scatter_plot_rect (LabScatter *self, int width, int height, graphene_rect_t *r)
{
  CariPlotScatter scatter = lab_scatter_describe (self);
  CariPlotRect rect;

  cari_plot_scatter_plot_rect (&scatter, width, height, &rect);
  graphene_rect_init (r, rect.x, rect.y, rect.width, rect.height);
}

void
lab_scatter_get_transform (LabScatter *self, int width, int height, LabScatterTransform *t)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  if (width < 0)
    {
      width = gtk_widget_get_width (GTK_WIDGET (self));
      height = gtk_widget_get_height (GTK_WIDGET (self));
    }
  CariPlotScatter scatter = lab_scatter_describe (self);
  cari_plot_scatter_transform (&scatter, width, height, t);
}

/* ------------------------------------------------------------------------------ drawing */

void
lab_scatter_draw (LabScatter *self, cairo_t *cr, int width, int height, gboolean for_export)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  CariPlotScatter scatter = lab_scatter_describe (self);
  CariPlotStyle style;
  if (for_export)
    cari_plot_style_init_paper (&style);
  else
    lab_figure_style_init (&style, GTK_WIDGET (self));
  cari_plot_scatter_render (cr, &style, &scatter, width, height, for_export);
}

/* ------------------------------------------------------------------------------ screen */

/* Renders the view into the cached texture when what it shows or its size changed. */
void
lab_scatter_render_texture (LabScatter *self, int width, int height, int scale,
                            const GdkRGBA *fg)
{
  if (self->texture != NULL && self->texture_width == width && self->texture_height == height
      && self->texture_scale == scale && gdk_rgba_equal (&self->texture_fg, fg))
    return;
  g_clear_pointer (&self->texture, g_object_unref);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale,
                                                         height * scale);
  cairo_t *cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  lab_scatter_draw (self, cr, width, height, FALSE);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  int stride = cairo_image_surface_get_stride (surface);
  g_autoptr (GBytes) bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                                          (gsize) stride * height * scale);
  self->texture = gdk_memory_texture_new (width * scale, height * scale, GDK_MEMORY_DEFAULT,
                                          bytes, stride);
  cairo_surface_destroy (surface);
  self->texture_width = width;
  self->texture_height = height;
  self->texture_scale = scale;
  self->texture_fg = *fg;
  self->render_count++;
}

void
lab_scatter_snapshot_marks (LabScatter *self, GtkSnapshot *snapshot, const LabScatterTransform *t,
                            const graphene_rect_t *plot, const GdkRGBA *fg)
{
  const float *xy = lab_scatter_layout_get_xy (self->layout);
  double r = lab_scatter_marker_radius (lab_scatter_layout_get_n (self->layout)) + 3.0;
  gboolean any = self->marked->len > 0 || self->hover >= 0 || self->dragging;
  if (!any)
    return;
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, plot);
  cairo_rectangle (cr, plot->origin.x, plot->origin.y, plot->size.width, plot->size.height);
  cairo_clip (cr);
  /* The opened point and its neighbours. */
  for (guint k = 0; k < self->marked->len; k++)
    {
      int i = g_array_index (self->marked, int, k);
      double px, py;
      lab_scatter_transform_to_px (t, xy[2 * i], xy[2 * i + 1], &px, &py);
      cairo_new_path (cr);
      cairo_arc (cr, px, py, k == 0 ? r + 2 : r, 0, 2 * G_PI);
      if (k == 0)
        cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.95);
      else
        cairo_set_source_rgba (cr, 0.2, 0.52, 0.89, 0.9);
      cairo_set_line_width (cr, k == 0 ? 2.5 : 1.5);
      cairo_stroke (cr);
    }
  if (self->hover >= 0)
    {
      double px, py;
      lab_scatter_transform_to_px (t, xy[2 * self->hover], xy[2 * self->hover + 1], &px, &py);
      cairo_new_path (cr);
      cairo_arc (cr, px, py, r, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.9);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
    }
  if (self->dragging)
    {
      cairo_new_path (cr);
      if (self->drag_lasso)
        {
          for (guint v = 0; v < self->lasso->len / 2; v++)
            cairo_line_to (cr, g_array_index (self->lasso, double, 2 * v),
                           g_array_index (self->lasso, double, 2 * v + 1));
          cairo_close_path (cr);
        }
      else
        cairo_rectangle (cr, MIN (self->drag_x0, self->drag_x1),
                         MIN (self->drag_y0, self->drag_y1),
                         fabs (self->drag_x1 - self->drag_x0),
                         fabs (self->drag_y1 - self->drag_y0));
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.15);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.9);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

/* The hovered point's card: its thumbnail and a line of text, beside it and inside the view. */
void
lab_scatter_snapshot_card (LabScatter *self, GtkSnapshot *snapshot, const LabScatterTransform *t,
                           int width, int height, const GdkRGBA *fg)
{
  if (self->hover < 0 || self->card_point != self->hover || self->card_text == NULL)
    return;
  const float *xy = lab_scatter_layout_get_xy (self->layout);
  double px, py;
  lab_scatter_transform_to_px (t, xy[2 * self->hover], xy[2 * self->hover + 1], &px, &py);
  PangoLayout *text = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->card_text);
  pango_layout_set_width (text, (int) (CARD_THUMB * 1.6) * PANGO_SCALE);
  pango_layout_set_ellipsize (text, PANGO_ELLIPSIZE_END);
  int tw, th;
  pango_layout_get_pixel_size (text, &tw, &th);
  double thumb_w = CARD_THUMB, thumb_h = CARD_THUMB;
  if (self->card_thumbnail != NULL)
    {
      double aw = gdk_texture_get_width (self->card_thumbnail);
      double ah = gdk_texture_get_height (self->card_thumbnail);
      double s = CARD_THUMB / MAX (aw, ah);
      thumb_w = aw * s;
      thumb_h = ah * s;
    }
  double w = MAX (thumb_w, tw) + 12, h = thumb_h + th + 16;
  double x = px + 12, y = py + 12;
  if (x + w > width)
    x = px - 12 - w;
  if (y + h > height)
    y = py - 12 - h;
  x = MAX (x, 0);
  y = MAX (y, 0);
  gboolean dark = 0.299 * fg->red + 0.587 * fg->green + 0.114 * fg->blue > 0.5;
  graphene_rect_t box = GRAPHENE_RECT_INIT (x, y, w, h);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &box);
  cairo_new_path (cr);
  cari_plot_rounded_rectangle (cr, x, y, w, h, 6);
  if (dark)
    cairo_set_source_rgba (cr, 0.16, 0.16, 0.16, 0.97);
  else
    cairo_set_source_rgba (cr, 1, 1, 1, 0.97);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  cairo_move_to (cr, x + 6, y + 10 + thumb_h);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 1);
  pango_cairo_show_layout (cr, text);
  if (self->card_thumbnail == NULL)
    {
      /* Still decoding: a placeholder. */
      cairo_rectangle (cr, x + 6, y + 6, thumb_w, thumb_h);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.08);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  if (self->card_thumbnail != NULL)
    gtk_snapshot_append_texture (snapshot, self->card_thumbnail,
                                 &GRAPHENE_RECT_INIT (x + 6 + (w - 12 - thumb_w) / 2, y + 6,
                                                      thumb_w, thumb_h));
  g_object_unref (text);
}

/* ------------------------------------------------------------------------------ files */

static void
draw_for_export (cairo_t *cr, int width, int height, gpointer data)
{
  lab_scatter_draw (LAB_SCATTER (data), cr, width, height, TRUE);
}

gboolean
lab_scatter_export (LabScatter *self, const char *path, LabChartFormat format, int width,
                    int height, GError **error)
{
  g_return_val_if_fail (LAB_IS_SCATTER (self), FALSE);
  return lab_export_drawing (path, format, width, height, NULL, draw_for_export, self, error);
}
