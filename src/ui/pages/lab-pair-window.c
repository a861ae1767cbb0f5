/* lab-pair-window.c — a pair of the error gallery at full size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lab-page.h"
#include "lab-pair-window.h"
#include "lab-thumbnail-cache.h"

#define IMAGE_SIZE 360

struct _LabPairWindow
{
  AdwWindow parent_instance;

  /* owned */
  LabThumbnailCache *images;
  char *paths[2];
  /* children */
  GtkPicture *pictures[2];
  GtkStack *stacks[2];
};

G_DEFINE_FINAL_TYPE (LabPairWindow, lab_pair_window, ADW_TYPE_WINDOW)

static void
show_image (LabPairWindow *self, int i)
{
  gboolean failed = FALSE;
  GdkTexture *texture = lab_thumbnail_cache_lookup (self->images, self->paths[i], TRUE, &failed);
  if (texture != NULL)
    {
      gtk_picture_set_paintable (self->pictures[i], GDK_PAINTABLE (texture));
      gtk_stack_set_visible_child_name (self->stacks[i], "image");
    }
  else
    gtk_stack_set_visible_child_name (self->stacks[i], failed ? "missing" : "loading");
}

static void
on_image_ready (LabThumbnailCache *cache, const char *path, LabPairWindow *self)
{
  for (int i = 0; i < 2; i++)
    if (g_strcmp0 (path, self->paths[i]) == 0)
      show_image (self, i);
}

int
lab_pair_window_get_n_images (LabPairWindow *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_WINDOW (self), 0);
  int n = 0;
  for (int i = 0; i < 2; i++)
    n += gtk_picture_get_paintable (self->pictures[i]) != NULL;
  return n;
}

static GtkWidget *
side (LabPairWindow *self, int i, const char *what, const char *name, const char *path)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *kind = gtk_label_new (what);
  gtk_widget_add_css_class (kind, "caption-heading");
  gtk_widget_add_css_class (kind, "dim-label");
  gtk_box_append (GTK_BOX (box), kind);

  self->stacks[i] = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->stacks[i]), IMAGE_SIZE, IMAGE_SIZE);
  GtkWidget *spinner = gtk_spinner_new ();
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_halign (spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (spinner, GTK_ALIGN_CENTER);
  gtk_stack_add_named (self->stacks[i], spinner, "loading");
  GtkWidget *missing = gtk_image_new_from_icon_name ("image-missing-symbolic");
  gtk_image_set_pixel_size (GTK_IMAGE (missing), 64);
  gtk_widget_add_css_class (missing, "dim-label");
  gtk_widget_set_tooltip_text (missing, _("The image could not be read"));
  gtk_stack_add_named (self->stacks[i], missing, "missing");
  self->pictures[i] = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->pictures[i], TRUE);
  gtk_stack_add_named (self->stacks[i], GTK_WIDGET (self->pictures[i]), "image");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stacks[i]));

  GtkWidget *label = gtk_label_new (name ? name : _("Unknown identity"));
  gtk_widget_add_css_class (label, "title-4");
  gtk_box_append (GTK_BOX (box), label);
  /* The file, and a button that copies its path (a selectable label would take the window's
   * first focus and show itself all selected). */
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_set_halign (row, GTK_ALIGN_CENTER);
  GtkWidget *file = gtk_label_new (path ? path : _("No image file"));
  gtk_label_set_ellipsize (GTK_LABEL (file), PANGO_ELLIPSIZE_START);
  gtk_label_set_max_width_chars (GTK_LABEL (file), 40);
  gtk_widget_set_tooltip_text (file, path);
  gtk_widget_add_css_class (file, "dim-label");
  gtk_widget_add_css_class (file, "caption");
  gtk_box_append (GTK_BOX (row), file);
  if (path != NULL)
    {
      GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
      gtk_widget_add_css_class (copy, "flat");
      gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (copy, _("Copy the File’s Path"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "pair.copy-path");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (copy), "i", i);
      gtk_box_append (GTK_BOX (row), copy);
    }
  gtk_box_append (GTK_BOX (box), row);
  self->paths[i] = g_strdup (path);
  return box;
}

static void
add_row (GtkGrid *grid, int row, const char *key, const char *value)
{
  GtkWidget *k = gtk_label_new (key);
  gtk_label_set_xalign (GTK_LABEL (k), 1.0);
  gtk_widget_add_css_class (k, "dim-label");
  GtkWidget *v = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (v), 0.0);
  gtk_grid_attach (grid, k, 0, row, 1, 1);
  gtk_grid_attach (grid, v, 1, row, 1, 1);
}

GtkWidget *
lab_pair_window_new (GtkWindow *parent, const LabPairDetails *d)
{
  g_return_val_if_fail (d != NULL, NULL);
  LabPairWindow *self = g_object_new (LAB_TYPE_PAIR_WINDOW, "modal", TRUE, "transient-for",
                                      parent, "destroy-with-parent", TRUE, NULL);
  CariVerdict verdict = cari_verdict_of (d->score, d->same, d->threshold);
  g_autofree char *title = g_strdup_printf (_("Pair %d"), d->index + 1);
  gtk_window_set_title (GTK_WINDOW (self), title);

  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (title, cari_verdict_describe (verdict)));
  gtk_box_append (GTK_BOX (content), header);
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  lab_page_set_margins (body, 18, 24, 24, 24);
  gtk_box_append (GTK_BOX (content), body);

  GtkWidget *images = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  gtk_widget_set_halign (images, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (images), side (self, 0, _("Caricature"), d->caricature_name,
                                          d->caricature_path));
  gtk_box_append (GTK_BOX (images), side (self, 1, _("Photo"), d->photo_name, d->photo_path));
  gtk_box_append (GTK_BOX (body), images);

  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (grid, 6);
  gtk_grid_set_column_spacing (grid, 12);
  gtk_widget_set_halign (GTK_WIDGET (grid), GTK_ALIGN_CENTER);
  int row = 0;
  g_autofree char *score = g_strdup_printf ("%.4f", d->score);
  add_row (grid, row++, _("Score"), score);
  g_autofree char *threshold = g_strdup_printf ("%.4f (%s)", d->threshold, d->origin);
  add_row (grid, row++, _("Threshold"), threshold);
  g_autofree char *margin = g_strdup_printf ("%+.4f", (double) d->score - d->threshold);
  add_row (grid, row++, _("Margin"), margin);
  add_row (grid, row++, _("Verdict"), cari_verdict_describe (verdict));
  if (d->other_label != NULL)
    {
      g_autofree char *other = NULL;
      if (isnan (d->other_score))
        other = g_strdup (_("no such pair"));
      else
        other = g_strdup_printf (
          /* TRANSLATORS: a score, a threshold and a verdict */
          _("%.4f at threshold %.4f: %s"), d->other_score, d->other_threshold,
          cari_verdict_describe (cari_verdict_of ((float) d->other_score, d->same,
                                                d->other_threshold)));
      add_row (grid, row++, d->other_label, other);
    }
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (grid));
  adw_window_set_content (ADW_WINDOW (self), content);

  for (int i = 0; i < 2; i++)
    show_image (self, i);
  return GTK_WIDGET (self);
}

static void
copy_path (GtkWidget *widget, const char *action, GVariant *param)
{
  LabPairWindow *self = LAB_PAIR_WINDOW (widget);
  int i = g_variant_get_int32 (param);
  if (i < 0 || i > 1 || self->paths[i] == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->paths[i]);
}

static void
lab_pair_window_dispose (GObject *object)
{
  LabPairWindow *self = LAB_PAIR_WINDOW (object);
  g_clear_object (&self->images);
  G_OBJECT_CLASS (lab_pair_window_parent_class)->dispose (object);
}

static void
lab_pair_window_finalize (GObject *object)
{
  LabPairWindow *self = LAB_PAIR_WINDOW (object);
  for (int i = 0; i < 2; i++)
    g_free (self->paths[i]);
  G_OBJECT_CLASS (lab_pair_window_parent_class)->finalize (object);
}

static void
lab_pair_window_class_init (LabPairWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = lab_pair_window_dispose;
  object_class->finalize = lab_pair_window_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_install_action (widget_class, "pair.copy-path", "i", copy_path);
}

static void
lab_pair_window_init (LabPairWindow *self)
{
  self->images = lab_thumbnail_cache_new (IMAGE_SIZE, 4);
  g_signal_connect_object (self->images, "ready", G_CALLBACK (on_image_ready), self, 0);
  gtk_window_set_default_size (GTK_WINDOW (self), 2 * IMAGE_SIZE + 96, -1);
}
