/* lab-scatter-render.c — LabScatter's drawing: the plot's geometry, markers batched by colour
 * (stamped on screen, vector paths in files), the cached texture, the overlay and export.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "lab-scatter-private.h"

#define PAD 8.0
#define TITLE_H 20.0
#define SUBTITLE_H 16.0
#define LEGEND_H 22.0
#define CARD_THUMB 96.0

/* ------------------------------------------------------------------------------ geometry */

double
lab_scatter_marker_radius (int n)
{
  /* Large markers for Fig. 2's few hundred points, small ones at 20k. */
  return CLAMP (4.5 * sqrt (400.0 / MAX (n, 1)), 1.6, 4.5);
}

static double
header_height (LabScatter *self)
{
  return TITLE_H + (self->subtitle != NULL ? SUBTITLE_H : 0.0);
}

/* The plot's frame inside a width × height view. */
void
lab_scatter_plot_rect (LabScatter *self, int width, int height, graphene_rect_t *r)
{
  double top = PAD + header_height (self);
  r->origin.x = PAD;
  r->origin.y = top;
  r->size.width = MAX (width - 2 * PAD, 1.0);
  r->size.height = MAX (height - top - LEGEND_H - PAD, 1.0);
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
  graphene_rect_t r;
  lab_scatter_plot_rect (self, width, height, &r);
  double bounds[4] = { 0, 0, 0, 0 };
  if (self->layout != NULL)
    lab_scatter_layout_get_bounds (self->layout, bounds);
  /* Keep whole markers inside the frame. */
  double inset = lab_scatter_marker_radius (lab_scatter_layout_get_n (self->layout)) * 1.3 + 3.0;
  lab_scatter_transform_fit (t, bounds, r.origin.x + inset, r.origin.y + inset,
                             r.size.width - 2 * inset, r.size.height - 2 * inset);
}

/* ------------------------------------------------------------------------------ drawing */

static void
append_marker (cairo_t *cr, LabMarker marker, double x, double y, double r)
{
  if (marker == LAB_MARKER_TRIANGLE)
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

static void
set_rgb (cairo_t *cr, guint32 rgb, double alpha)
{
  cairo_set_source_rgba (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0, alpha);
}

static void
show_text (cairo_t *cr, const char *font, const char *text, double x, double y, double xalign,
           double *width_out)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - xalign * w, y);
  pango_cairo_show_layout (cr, layout);
  if (width_out != NULL)
    *width_out = w;
  pango_font_description_free (desc);
  g_object_unref (layout);
}

/* Fills (and for selected points strokes) the current path in the group's colours. */
static void
paint_group (cairo_t *cr, const Group *group, gboolean dark, const GdkRGBA *fg, double line_width)
{
  gboolean colored = group->color != LAB_SCATTER_NO_COLOR;
  guint32 rgb = colored ? group->color : dark ? 0x5e5e5e : 0xc4c4c4;
  set_rgb (cr, rgb, group->faded ? (colored ? 0.25 : 0.35) : 0.92);
  if (group->selected)
    {
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.85);
      cairo_set_line_width (cr, line_width);
      cairo_stroke (cr);
    }
  else
    cairo_fill (cr);
}

#define PHASES 4 /* sprite offsets per device pixel and axis */

/* The group's marker rendered once per quarter-pixel offset (on demand) and painted at every
 * point at whole device pixels, where Cairo blits instead of rasterising a path: at 20k points
 * several times faster than one path of 20k arcs (bench/README.md). Needs a transform without
 * rotation or skew; the marker is the same append_marker () shape the files get. */
static void
stamp_group (LabScatter *self, cairo_t *cr, const Group *group, const LabScatterTransform *t,
             double r, gboolean dark, const GdkRGBA *fg)
{
  cairo_matrix_t m;
  cairo_get_matrix (cr, &m);
  double s = m.xx;
  int half = (int) ceil (r * 1.3 * s + s + 1);
  int size = 2 * half + 2;
  cairo_surface_t *sprites[PHASES * PHASES] = { NULL };
  const float *xy = lab_scatter_layout_get_xy (self->layout);
  cairo_save (cr);
  cairo_identity_matrix (cr);
  for (int k = group->start; k < group->start + group->count; k++)
    {
      int i = self->order[k];
      double px, py;
      lab_scatter_transform_to_px (t, xy[2 * i], xy[2 * i + 1], &px, &py);
      double dx = m.xx * px + m.x0, dy = m.yy * py + m.y0;
      if (!(fabs (dx) < 1e6 && fabs (dy) < 1e6))
        continue;
      double ix = floor (dx), iy = floor (dy);
      int fx = MIN ((int) ((dx - ix) * PHASES), PHASES - 1);
      int fy = MIN ((int) ((dy - iy) * PHASES), PHASES - 1);
      cairo_surface_t **sprite = &sprites[fy * PHASES + fx];
      if (*sprite == NULL)
        {
          *sprite = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
          cairo_t *sc = cairo_create (*sprite);
          append_marker (sc, group->marker, half + (double) fx / PHASES,
                         half + (double) fy / PHASES, r * s);
          paint_group (sc, group, dark, fg, s);
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

/* The points, group by group: on screen stamped, in files one vector path per group. */
static void
draw_points (LabScatter *self, cairo_t *cr, int width, int height, gboolean dark,
             const GdkRGBA *fg, gboolean vector)
{
  int n = lab_scatter_layout_get_n (self->layout);
  if (n == 0)
    return;
  LabScatterTransform t;
  lab_scatter_get_transform (self, width, height, &t);
  const float *xy = lab_scatter_layout_get_xy (self->layout);
  double r = lab_scatter_marker_radius (n);
  cairo_matrix_t m;
  cairo_get_matrix (cr, &m);
  if (m.xy != 0 || m.yx != 0 || m.xx != m.yy || m.xx <= 0)
    vector = TRUE;
  for (guint g = 0; g < self->groups->len; g++)
    {
      const Group *group = &g_array_index (self->groups, Group, g);
      if (!vector)
        {
          stamp_group (self, cr, group, &t, r, dark, fg);
          continue;
        }
      cairo_new_path (cr);
      for (int k = group->start; k < group->start + group->count; k++)
        {
          int i = self->order[k];
          double px, py;
          lab_scatter_transform_to_px (&t, xy[2 * i], xy[2 * i + 1], &px, &py);
          if (isfinite (px) && isfinite (py))
            append_marker (cr, group->marker, px, py, r);
        }
      paint_group (cr, group, dark, fg, 1.0);
    }
}

/* Title, frame, legend and the points. */
static void
draw_view (LabScatter *self, cairo_t *cr, int width, int height, gboolean dark,
           const GdkRGBA *fg, gboolean vector)
{
  graphene_rect_t r;
  lab_scatter_plot_rect (self, width, height, &r);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.95);
  if (self->title != NULL)
    show_text (cr, "Sans Bold 10", self->title, PAD, PAD, 0.0, NULL);
  if (self->subtitle != NULL)
    {
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.6);
      show_text (cr, "Sans 9", self->subtitle, PAD, PAD + TITLE_H, 0.0, NULL);
    }
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.22);
  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, round (r.origin.x) + 0.5, round (r.origin.y) + 0.5,
                   round (r.size.width) - 1, round (r.size.height) - 1);
  cairo_stroke (cr);

  cairo_save (cr);
  cairo_rectangle (cr, r.origin.x, r.origin.y, r.size.width, r.size.height);
  cairo_clip (cr);
  draw_points (self, cr, width, height, dark, fg, vector);
  cairo_restore (cr);

  /* Legend: the markers this view has. */
  double x = PAD + 6, y = r.origin.y + r.size.height + 5;
  const struct
  {
    LabMarker marker;
    const char *label;
  } items[] = { { LAB_MARKER_CIRCLE, _("photo") }, { LAB_MARKER_TRIANGLE, _("caricature") } };
  for (size_t m = 0; m < G_N_ELEMENTS (items); m++)
    {
      if (!lab_scatter_layout_has_marker (self->layout, items[m].marker))
        continue;
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
      cairo_new_path (cr);
      append_marker (cr, items[m].marker, x, y + 7.5, 4.0);
      cairo_fill (cr);
      double w = 0;
      show_text (cr, "Sans 9", items[m].label, x + 8, y, 0.0, &w);
      x += w + 28;
    }
  if (lab_scatter_layout_get_n (self->layout) == 0)
    {
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.5);
      show_text (cr, "Sans 9", _("No points"), r.origin.x + r.size.width / 2,
                 r.origin.y + r.size.height / 2 - 7, 0.5, NULL);
    }
}

void
lab_scatter_draw (LabScatter *self, cairo_t *cr, int width, int height, gboolean for_export)
{
  g_return_if_fail (LAB_IS_SCATTER (self));
  GdkRGBA fg = { 0, 0, 0, 1 };
  gboolean dark = FALSE;
  if (for_export)
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }
  else
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
      G_GNUC_END_IGNORE_DEPRECATIONS
      dark = 0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue > 0.5;
    }
  draw_view (self, cr, width, height, dark, &fg, for_export);
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
  gboolean dark = 0.299 * fg->red + 0.587 * fg->green + 0.114 * fg->blue > 0.5;
  draw_view (self, cr, width, height, dark, fg, FALSE);
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
  double rad = 6;
  cairo_arc (cr, x + w - rad, y + rad, rad, -G_PI / 2, 0);
  cairo_arc (cr, x + w - rad, y + h - rad, rad, 0, G_PI / 2);
  cairo_arc (cr, x + rad, y + h - rad, rad, G_PI / 2, G_PI);
  cairo_arc (cr, x + rad, y + rad, rad, G_PI, 1.5 * G_PI);
  cairo_close_path (cr);
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
