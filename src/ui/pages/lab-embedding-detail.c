/* lab-embedding-detail.c — one opened image: neighbours in the layout and stored pairs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "lab-embedding-detail.h"
#include "lab-page.h"

#define MAX_PAIR_ROWS 100
#define IMAGE_SIZE 220
#define NEIGHBOUR_SIZE 64
#define PAIR_SIZE 40

struct _LabEmbeddingDetail
{
  AdwBin parent_instance;

  /* owned */
  LabThumbnails *thumbnails;
  GCancellable *cancellable; /* the thumbnails of what is shown */
  int image;
  guint n_pair_rows;

  /* children */
  GtkLabel *title;
  GtkLabel *subtitle;
  GtkPicture *picture;
  GtkLabel *path;
  GtkLabel *neighbours_caption;
  GtkFlowBox *neighbours;
  GtkLabel *pairs_heading;
  GtkLabel *pairs_caption;
  GtkListBox *pairs;
};

G_DEFINE_FINAL_TYPE (LabEmbeddingDetail, lab_embedding_detail, ADW_TYPE_BIN)

enum
{
  SIGNAL_IMAGE_ACTIVATED,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
modality_name (guint8 modality)
{
  return modality == CARI_MODALITY_PHOTO ? _("photo") : _("caricature");
}

static void
on_thumbnail (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GtkPicture) picture = data;
  g_autoptr (GdkTexture) texture = lab_thumbnails_load_finish (LAB_THUMBNAILS (source), result,
                                                               NULL);
  if (texture != NULL)
    gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
}

/* A picture of `image` that fills in once decoded. */
static void
load_picture (LabEmbeddingDetail *self, GtkPicture *picture, const CariDatasetIndex *index,
              int image, int size)
{
  const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, image);
  g_autofree char *path = g_build_filename (index->root, im->path, NULL);
  g_autoptr (GdkTexture) cached = lab_thumbnails_lookup (self->thumbnails, path, size);
  if (cached != NULL)
    {
      gtk_picture_set_paintable (picture, GDK_PAINTABLE (cached));
      return;
    }
  lab_thumbnails_load_async (self->thumbnails, path, size, self->cancellable, on_thumbnail,
                             g_object_ref (picture));
}

static GtkWidget *
new_picture (int size)
{
  GtkWidget *picture = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_size_request (picture, size, size);
  return picture;
}

static const char *
identity_name (const CariDatasetIndex *index, int image)
{
  int id = g_array_index (index->images, CariIndexImage, image).identity;
  return id >= 0 && (guint) id < index->identities->len ? g_ptr_array_index (index->identities, id)
                                                          : "?";
}

static int
by_score_desc (const void *a, const void *b)
{
  const LabDetailPair *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return (x->other > y->other) - (x->other < y->other);
}

static void
on_neighbour_activated (GtkFlowBox *box, GtkFlowBoxChild *child, LabEmbeddingDetail *self)
{
  int image = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (child), "image"));
  g_signal_emit (self, signals[SIGNAL_IMAGE_ACTIVATED], 0, image);
}

static void
on_pair_activated (GtkListBox *box, GtkListBoxRow *row, LabEmbeddingDetail *self)
{
  int image = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "image"));
  if (image >= 0)
    g_signal_emit (self, signals[SIGNAL_IMAGE_ACTIVATED], 0, image);
}

static void
on_close_clicked (LabEmbeddingDetail *self)
{
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

static GtkWidget *
small_label (const char *text, gboolean dim)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "caption");
  if (dim)
    gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static GtkWidget *
pair_row (LabEmbeddingDetail *self, const CariDatasetIndex *index, const LabDetailPair *p)
{
  GtkWidget *row = gtk_list_box_row_new ();
  g_object_set_data (G_OBJECT (row), "image", GINT_TO_POINTER (p->other));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  lab_page_set_margins (box, 4, 6, 4, 6);
  GtkWidget *picture = new_picture (PAIR_SIZE);
  load_picture (self, GTK_PICTURE (picture), index, p->other, PAIR_SIZE * 2);
  gtk_box_append (GTK_BOX (box), picture);

  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (text, TRUE);
  GtkWidget *name = gtk_label_new (identity_name (index, p->other));
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (text), name);
  /* TRANSLATORS: a verification pair: its protocol, then "same person" or "different people" */
  g_autofree char *what = g_strdup_printf (_("%s · %s"), p->protocol,
                                           p->same ? _("same person") : _("different people"));
  GtkWidget *what_label = small_label (what, TRUE);
  gtk_label_set_wrap (GTK_LABEL (what_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (what_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_ellipsize (GTK_LABEL (what_label), PANGO_ELLIPSIZE_NONE);
  gtk_box_append (GTK_BOX (text), what_label);
  gtk_box_append (GTK_BOX (box), text);

  GtkWidget *right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autofree char *score = g_strdup_printf ("%.3f", p->score);
  GtkWidget *score_label = gtk_label_new (score);
  gtk_label_set_xalign (GTK_LABEL (score_label), 1);
  gtk_widget_add_css_class (score_label, "numeric");
  gtk_box_append (GTK_BOX (right), score_label);
  const char *verdict = p->accepted == p->same ? _("correct")
                        : p->accepted          ? _("false positive")
                                               : _("false negative");
  GtkWidget *verdict_label = small_label (verdict, FALSE);
  gtk_label_set_xalign (GTK_LABEL (verdict_label), 1);
  gtk_widget_add_css_class (verdict_label, p->accepted == p->same ? "success" : "error");
  gtk_box_append (GTK_BOX (right), verdict_label);
  gtk_box_append (GTK_BOX (box), right);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

void
lab_embedding_detail_show (LabEmbeddingDetail *self, const CariDatasetIndex *index, int image,
                           const char *view_title, const int *neighbours, int n_neighbours,
                           const LabDetailPair *pairs, int n_pairs)
{
  g_return_if_fail (LAB_IS_EMBEDDING_DETAIL (self));
  g_return_if_fail (image >= 0 && (guint) image < index->images->len);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->image = image;
  const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, image);

  gtk_label_set_label (self->title, identity_name (index, image));
  /* TRANSLATORS: the opened image's modality ("photo", "caricature") and the view it was opened
   * in ("V2V: visual branch on photos") */
  g_autofree char *sub = g_strdup_printf (_("%s, opened in %s"), modality_name (im->modality),
                                          view_title);
  gtk_label_set_label (self->subtitle, sub);
  gtk_picture_set_paintable (self->picture, NULL);
  load_picture (self, self->picture, index, image, IMAGE_SIZE);
  gtk_label_set_label (self->path, im->path);

  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->neighbours))) != NULL)
    gtk_flow_box_remove (self->neighbours, child);
  g_autofree char *caption = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE,
                 "The nearest point in this view’s 2-D t-SNE layout (where the map puts it, not "
                 "a distance in the embedding); ✓ the same identity.",
                 "The %d nearest points in this view’s 2-D t-SNE layout (where the map puts "
                 "them, not distances in the embedding); ✓ the same identity.",
                 n_neighbours),
    n_neighbours);
  gtk_label_set_label (self->neighbours_caption, caption);
  for (int k = 0; k < n_neighbours; k++)
    {
      int other = neighbours[k];
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *picture = new_picture (NEIGHBOUR_SIZE);
      load_picture (self, GTK_PICTURE (picture), index, other, NEIGHBOUR_SIZE * 2);
      gtk_box_append (GTK_BOX (box), picture);
      gboolean same = g_array_index (index->images, CariIndexImage, other).identity
                      == im->identity;
      g_autofree char *name = g_strdup_printf ("%s%s", same ? "✓ " : "",
                                               identity_name (index, other));
      GtkWidget *label = small_label (name, !same);
      /* "Person 0136" fits a tile on two lines. */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_lines (GTK_LABEL (label), 2);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
      gtk_label_set_xalign (GTK_LABEL (label), 0.5);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 8);
      gtk_box_append (GTK_BOX (box), label);
      GtkWidget *fb_child = gtk_flow_box_child_new ();
      gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (fb_child), box);
      g_object_set_data (G_OBJECT (fb_child), "image", GINT_TO_POINTER (other));
      gtk_widget_set_tooltip_text (fb_child, g_array_index (index->images, CariIndexImage,
                                                            other).path);
      gtk_flow_box_append (self->neighbours, fb_child);
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->pairs))) != NULL)
    gtk_list_box_remove (self->pairs, child);
  g_autofree LabDetailPair *sorted = g_new (LabDetailPair, MAX (n_pairs, 1));
  if (n_pairs > 0)
    {
      memcpy (sorted, pairs, sizeof (LabDetailPair) * n_pairs);
      qsort (sorted, n_pairs, sizeof (LabDetailPair), by_score_desc);
    }
  self->n_pair_rows = 0;
  int errors = 0;
  for (int k = 0; k < n_pairs; k++)
    errors += sorted[k].accepted != sorted[k].same;
  for (int k = 0; k < n_pairs && k < MAX_PAIR_ROWS; k++, self->n_pair_rows++)
    gtk_list_box_append (self->pairs, pair_row (self, index, &sorted[k]));
  if (n_pairs > MAX_PAIR_ROWS)
    {
      g_autofree char *more = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "and %d more pair", "and %d more pairs",
                     n_pairs - MAX_PAIR_ROWS),
        n_pairs - MAX_PAIR_ROWS);
      GtkWidget *row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), small_label (more, TRUE));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      g_object_set_data (G_OBJECT (row), "image", GINT_TO_POINTER (-1));
      gtk_list_box_append (self->pairs, row);
    }
  g_autofree char *heading = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "%d Stored Pair", "%d Stored Pairs", n_pairs), n_pairs);
  gtk_label_set_label (self->pairs_heading, heading);
  g_autofree char *pairs_caption
    = n_pairs == 0
        ? g_strdup (_("No verification pair of this checkpoint contains the image."))
        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Cosine scores, highest first; %d error at the "
                                        "protocol’s operating threshold.",
                                        "Cosine scores, highest first; %d errors at the "
                                        "protocol’s operating threshold.",
                                        errors),
                           errors);
  gtk_label_set_label (self->pairs_caption, pairs_caption);
  gtk_widget_set_visible (GTK_WIDGET (self->pairs), n_pairs > 0);
}

int
lab_embedding_detail_get_image (LabEmbeddingDetail *self)
{
  g_return_val_if_fail (LAB_IS_EMBEDDING_DETAIL (self), -1);
  return self->image;
}

guint
lab_embedding_detail_get_n_pair_rows (LabEmbeddingDetail *self)
{
  g_return_val_if_fail (LAB_IS_EMBEDDING_DETAIL (self), 0);
  return self->n_pair_rows;
}

GtkWidget *
lab_embedding_detail_new (LabThumbnails *thumbnails)
{
  g_return_val_if_fail (LAB_IS_THUMBNAILS (thumbnails), NULL);
  LabEmbeddingDetail *self = g_object_new (LAB_TYPE_EMBEDDING_DETAIL, NULL);
  self->thumbnails = g_object_ref (thumbnails);
  return GTK_WIDGET (self);
}

static void
lab_embedding_detail_dispose (GObject *object)
{
  LabEmbeddingDetail *self = LAB_EMBEDDING_DETAIL (object);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->thumbnails);
  G_OBJECT_CLASS (lab_embedding_detail_parent_class)->dispose (object);
}

static void
lab_embedding_detail_class_init (LabEmbeddingDetailClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lab_embedding_detail_dispose;
  signals[SIGNAL_IMAGE_ACTIVATED] = g_signal_new ("image-activated", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

/* An empty dim caption that wraps, at the end of `box`. */
static GtkLabel *
append_caption (GtkWidget *box)
{
  GtkLabel *label = GTK_LABEL (small_label ("", TRUE));
  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_NONE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (label));
  return label;
}

/* A section's heading at the end of `box`. */
static GtkLabel *
append_section (GtkWidget *box, const char *text)
{
  GtkWidget *label = heading (text);
  gtk_widget_set_margin_top (label, 12);
  gtk_box_append (GTK_BOX (box), label);
  return GTK_LABEL (label);
}

static void
lab_embedding_detail_init (LabEmbeddingDetail *self)
{
  self->image = -1;
  GtkWidget *scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (scroll, 300, -1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  lab_page_set_margins (box, 6, 12, 12, 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), box);
  adw_bin_set_child (ADW_BIN (self), scroll);

  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (titles, TRUE);
  self->title = GTK_LABEL (heading (""));
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "title-3");
  gtk_label_set_ellipsize (self->title, PANGO_ELLIPSIZE_END);
  gtk_label_set_selectable (self->title, TRUE);
  gtk_box_append (GTK_BOX (titles), GTK_WIDGET (self->title));
  self->subtitle = append_caption (titles);
  gtk_box_append (GTK_BOX (top), titles);
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_widget_set_valign (close, GTK_ALIGN_START);
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_set_tooltip_text (close, _("Close the Image"));
  g_signal_connect_swapped (close, "clicked", G_CALLBACK (on_close_clicked), self);
  gtk_box_append (GTK_BOX (top), close);
  gtk_box_append (GTK_BOX (box), top);

  self->picture = GTK_PICTURE (new_picture (IMAGE_SIZE));
  gtk_widget_set_halign (GTK_WIDGET (self->picture), GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (GTK_WIDGET (self->picture), 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->picture));
  self->path = GTK_LABEL (small_label ("", TRUE));
  gtk_label_set_ellipsize (self->path, PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_selectable (self->path, TRUE);
  gtk_label_set_xalign (self->path, 0.5);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->path));

  append_section (box, _("Nearest in the Layout"));
  self->neighbours_caption = append_caption (box);
  self->neighbours = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (self->neighbours, GTK_SELECTION_NONE);
  gtk_flow_box_set_min_children_per_line (self->neighbours, 4);
  gtk_flow_box_set_max_children_per_line (self->neighbours, 4);
  gtk_flow_box_set_homogeneous (self->neighbours, TRUE);
  gtk_flow_box_set_activate_on_single_click (self->neighbours, TRUE);
  g_signal_connect_object (self->neighbours, "child-activated",
                           G_CALLBACK (on_neighbour_activated), self, 0);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->neighbours));

  self->pairs_heading = append_section (box, "");
  self->pairs_caption = append_caption (box);
  self->pairs = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->pairs, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->pairs), "boxed-list");
  g_signal_connect_object (self->pairs, "row-activated", G_CALLBACK (on_pair_activated), self,
                           0);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->pairs));
}
