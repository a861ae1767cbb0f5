/* lab-pair-tile.c — a tile of the error-pair gallery, drawn in one widget.
 *
 * GTK 4.8's grid view keeps a few hundred tiles bound and measures them whenever the list
 * changes, which it does at every motion event of a threshold drag. A tile of a dozen boxes and
 * labels made each event cost tens of milliseconds in layout and text shaping; one widget of a
 * fixed size that draws its pictures and text in snapshot costs nothing to measure and shapes
 * text only when it is on screen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "lab-pair-tile.h"

#define THUMB 96
#define PAD 8
#define EDGE 4
#define GAP 6
#define LINE 17
#define BADGE_H 18
#define WIDTH (EDGE + PAD + THUMB + GAP + THUMB + PAD)
#define BASE_HEIGHT (PAD + BADGE_H + 4 + THUMB + 3 + LINE + 2 + LINE + PAD)

struct _LabPairTile
{
  GtkWidget parent_instance;

  /* owned */
  LabThumbnailCache *thumbnails;
  LabPairItem *item;       /* while bound */
  char *paths[2];          /* caricature, photo */
  GdkTexture *textures[2]; /* NULL until decoded */
  gboolean failed[2];      /* the file could not be read */
  gboolean comparing;
  char *comparing_at;      /* where B's threshold comes from ("FAR 1 %") */
};

G_DEFINE_FINAL_TYPE (LabPairTile, lab_pair_tile, GTK_TYPE_WIDGET)

guint32
lab_verdict_rgb (CariVerdict verdict)
{
  switch (verdict)
    {
    case CARI_VERDICT_FP:
      return 0xd62728;
    case CARI_VERDICT_FN:
      return 0x9467bd;
    case CARI_VERDICT_TP:
      return 0x2ca02c;
    case CARI_VERDICT_TN:
    case CARI_N_VERDICTS:
    default:
      return 0x8c8c8c;
    }
}

static void
set_rgb (cairo_t *cr, guint32 rgb, double alpha)
{
  cairo_set_source_rgba (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0, alpha);
}

static void
rounded (cairo_t *cr, double x, double y, double w, double h, double r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* ------------------------------------------------------------------------------ contents */

static void
fetch_thumbnails (LabPairTile *self)
{
  for (int i = 0; i < 2; i++)
    {
      GdkTexture *texture = self->item != NULL
                              ? lab_thumbnail_cache_lookup (self->thumbnails, self->paths[i],
                                                            TRUE, &self->failed[i])
                              : NULL;
      g_set_object (&self->textures[i], texture);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_thumbnail_ready (LabThumbnailCache *cache, const char *path, LabPairTile *self)
{
  if (self->item != NULL
      && (g_strcmp0 (path, self->paths[0]) == 0 || g_strcmp0 (path, self->paths[1]) == 0))
    fetch_thumbnails (self);
}

static void
on_item_notify (LabPairItem *item, GParamSpec *pspec, LabPairTile *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lab_pair_tile_bind (LabPairTile *self, LabPairItem *item, const char *caricature_path,
                    const char *photo_path, const char *comparing_at)
{
  gboolean comparing = comparing_at != NULL;
  g_return_if_fail (LAB_IS_PAIR_TILE (self));
  lab_pair_tile_unbind (self);
  self->item = g_object_ref (item);
  self->paths[0] = g_strdup (caricature_path);
  self->paths[1] = g_strdup (photo_path);
  g_free (self->comparing_at);
  self->comparing_at = g_strdup (comparing_at);
  if (comparing != self->comparing)
    {
      self->comparing = comparing;
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }
  g_signal_connect_object (item, "notify", G_CALLBACK (on_item_notify), self, 0);
  g_autofree char *c = lab_pair_tile_get_text (self, 0);
  g_autofree char *p = lab_pair_tile_get_text (self, 1);
  /* TRANSLATORS: the accessible name of a pair: its number, caricature's and photo's identity */
  g_autofree char *label = g_strdup_printf (_("Pair %d: %s and %s"),
                                            lab_pair_item_get_index (item) + 1, c, p);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  fetch_thumbnails (self);
}

void
lab_pair_tile_unbind (LabPairTile *self)
{
  g_return_if_fail (LAB_IS_PAIR_TILE (self));
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, on_item_notify, self);
  g_clear_object (&self->item);
  for (int i = 0; i < 2; i++)
    {
      g_clear_pointer (&self->paths[i], g_free);
      g_clear_object (&self->textures[i]);
      self->failed[i] = FALSE;
    }
}

void
lab_pair_tile_refresh (LabPairTile *self)
{
  g_return_if_fail (LAB_IS_PAIR_TILE (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

LabPairItem *
lab_pair_tile_get_item (LabPairTile *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_TILE (self), NULL);
  return self->item;
}

int
lab_pair_tile_get_n_thumbnails (LabPairTile *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_TILE (self), 0);
  return (self->textures[0] != NULL) + (self->textures[1] != NULL);
}

/* The lines of text a tile shows: index 0 caricature name, 1 photo name, 2 the score line, 3 the
 * compared run's line (NULL when not comparing). */
char *
lab_pair_tile_get_text (LabPairTile *self, int line)
{
  g_return_val_if_fail (LAB_IS_PAIR_TILE (self), NULL);
  LabPairItem *item = self->item;
  if (item == NULL)
    return NULL;
  switch (line)
    {
    case 0:
    case 1:
      {
        const char *name = line == 0 ? lab_pair_item_get_caricature_name (item)
                                     : lab_pair_item_get_photo_name (item);
        return g_strdup (name ? name : _("Unknown identity"));
      }
    case 2:
      /* TRANSLATORS: a pair's score and its margin to the threshold (signed) */
      return g_strdup_printf (_("score %.3f, margin %+.3f"), lab_pair_item_get_score (item),
                              lab_pair_item_get_margin (item));
    case 3:
      if (!self->comparing)
        return NULL;
      if (isnan (lab_pair_item_get_other_score (item)))
        return g_strdup (_("B: no such pair"));
      /* TRANSLATORS: the compared run B's score and its verdict at the comparison's threshold,
       * e.g. "B: 0.512, TP at FAR 1 %" */
      return g_strdup_printf (_("B: %.3f, %s at %s"), lab_pair_item_get_other_score (item),
                              cari_verdict_to_string (lab_pair_item_get_other_verdict (item)),
                              self->comparing_at ? self->comparing_at : "");
    default:
      return NULL;
    }
}

/* ------------------------------------------------------------------------------ drawing */

static void
draw_text (LabPairTile *self, cairo_t *cr, const char *text, double x, double y, int width,
           gboolean bold, double xalign)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  if (bold)
    {
      PangoAttrList *attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x + xalign * (width - w), y + (LINE - h) / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
lab_pair_tile_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LabPairTile *self = LAB_PAIR_TILE (widget);
  LabPairItem *item = self->item;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  if (item == NULL)
    return;
  GdkRGBA fg = { 0, 0, 0, 1 };
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  CariVerdict verdict = lab_pair_item_get_verdict (item);
  guint32 rgb = lab_verdict_rgb (verdict);

  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* The card and its verdict edge. */
  rounded (cr, 0, 0, width, height, 8);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.05);
  cairo_fill_preserve (cr);
  cairo_clip (cr);
  set_rgb (cr, rgb, 1.0);
  cairo_rectangle (cr, 0, 0, EDGE, height);
  cairo_fill (cr);
  cairo_reset_clip (cr);

  double x0 = EDGE + PAD, y = PAD;
  /* The badge and the pair's number. */
  const char *badge = cari_verdict_to_string (verdict);
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, badge);
  PangoAttrList *attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  int bw, bh;
  pango_layout_get_pixel_size (layout, &bw, &bh);
  rounded (cr, x0, y, bw + 12, BADGE_H, 4);
  set_rgb (cr, rgb, 1.0);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, x0 + 6, y + (BADGE_H - bh) / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
  g_autofree char *number = g_strdup_printf (_("pair %d"), lab_pair_item_get_index (item) + 1);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
  draw_text (self, cr, number, x0 + bw + 16, y, 2 * THUMB + GAP - bw - 16, FALSE, 1.0);
  y += BADGE_H + 4;

  /* The caricature and the photo, each over its identity. */
  for (int i = 0; i < 2; i++)
    {
      double x = x0 + i * (THUMB + GAP);
      rounded (cr, x, y, THUMB, THUMB, 4);
      if (self->failed[i])
        cairo_set_source_rgba (cr, 0.85, 0.15, 0.15, 0.15);
      else
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.08);
      cairo_fill (cr);
      g_autofree char *name = lab_pair_tile_get_text (self, i);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
      draw_text (self, cr, name, x, y + THUMB + 3, THUMB, FALSE, 0.0);
    }
  double yt = y;
  y += THUMB + 3 + LINE + 2;
  g_autofree char *score = lab_pair_tile_get_text (self, 2);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
  draw_text (self, cr, score, x0, y, 2 * THUMB + GAP, FALSE, 0.0);
  g_autofree char *other = lab_pair_tile_get_text (self, 3);
  if (other != NULL)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      draw_text (self, cr, other, x0, y + LINE, 2 * THUMB + GAP, FALSE, 0.0);
    }
  cairo_destroy (cr);

  /* The pictures, fitted into their squares. */
  for (int i = 0; i < 2; i++)
    {
      if (self->textures[i] == NULL)
        continue;
      double tw = gdk_texture_get_width (self->textures[i]);
      double th = gdk_texture_get_height (self->textures[i]);
      double scale = MIN (THUMB / tw, THUMB / th);
      double x = x0 + i * (THUMB + GAP) + (THUMB - tw * scale) / 2;
      gtk_snapshot_append_texture (snapshot, self->textures[i],
                                   &GRAPHENE_RECT_INIT (x, yt + (THUMB - th * scale) / 2,
                                                        tw * scale, th * scale));
    }
}

static void
lab_pair_tile_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                       int *natural, int *minimum_baseline, int *natural_baseline)
{
  LabPairTile *self = LAB_PAIR_TILE (widget);
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL
                          ? WIDTH
                          : BASE_HEIGHT + (self->comparing ? LINE : 0);
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  gpointer data)
{
  LabPairTile *self = LAB_PAIR_TILE (widget);
  if (self->item == NULL)
    return FALSE;
  g_autofree char *c = lab_pair_tile_get_text (self, 0);
  g_autofree char *p = lab_pair_tile_get_text (self, 1);
  /* TRANSLATORS: a verdict, then the caricature's and the photo's identities */
  g_autofree char *text = g_strdup_printf (
    _("%s\nCaricature: %s\nPhoto: %s%s"),
    cari_verdict_describe (lab_pair_item_get_verdict (self->item)), c, p,
    self->failed[0] || self->failed[1] ? _("\nAn image could not be read") : "");
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

GtkWidget *
lab_pair_tile_new (LabThumbnailCache *thumbnails)
{
  g_return_val_if_fail (LAB_IS_THUMBNAIL_CACHE (thumbnails), NULL);
  LabPairTile *self = g_object_new (LAB_TYPE_PAIR_TILE, NULL);
  self->thumbnails = g_object_ref (thumbnails);
  g_signal_connect_object (thumbnails, "ready", G_CALLBACK (on_thumbnail_ready), self, 0);
  return GTK_WIDGET (self);
}

static void
lab_pair_tile_dispose (GObject *object)
{
  LabPairTile *self = LAB_PAIR_TILE (object);
  lab_pair_tile_unbind (self);
  g_clear_object (&self->thumbnails);
  g_clear_pointer (&self->comparing_at, g_free);
  G_OBJECT_CLASS (lab_pair_tile_parent_class)->dispose (object);
}

static void
lab_pair_tile_class_init (LabPairTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = lab_pair_tile_dispose;
  widget_class->snapshot = lab_pair_tile_snapshot;
  widget_class->measure = lab_pair_tile_measure;
  gtk_widget_class_set_css_name (widget_class, "labpairtile");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_pair_tile_init (LabPairTile *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
}
