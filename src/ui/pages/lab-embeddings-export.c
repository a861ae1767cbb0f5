/* lab-embeddings-export.c — the embedding views as files: the 2 × 2 figure or each view, PNG,
 * SVG or PDF, drawn by the views' own Cairo code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lab-embeddings-view-private.h"
#include "lab-window.h"

/* The 2×2 figure: V2V, V2C over C2C, C2V. */
static void
draw_figure (cairo_t *cr, int width, int height, gpointer data)
{
  LabEmbeddingsView *self = data;
  int w = width / 2, h = height / 2;
  for (int v = 0; v < CARI_N_VIEWS; v++)
    {
      cairo_save (cr);
      cairo_translate (cr, (v % 2) * w, (v / 2) * h);
      lab_scatter_draw (lab_embeddings_view_get_scatter (self, v), cr, w, h, TRUE);
      cairo_restore (cr);
    }
}

gboolean
lab_embeddings_view_export_figure (LabEmbeddingsView *self, const char *path,
                                   LabChartFormat format, int width, int height, GError **error)
{
  g_return_val_if_fail (LAB_IS_EMBEDDINGS_VIEW (self), FALSE);
  return lab_export_drawing (path, format, width, height, NULL, draw_figure, self, error);
}

typedef struct
{
  LabEmbeddingsView *self;       /* owned */
  char *target;                  /* "figure.png", "views.svg", … */
  GtkFileChooserNative *chooser; /* owned */
} Export;

static LabChartFormat
format_of (const char *ext)
{
  return g_strcmp0 (ext, "svg") == 0   ? LAB_CHART_FORMAT_SVG
         : g_strcmp0 (ext, "pdf") == 0 ? LAB_CHART_FORMAT_PDF
                                       : LAB_CHART_FORMAT_PNG;
}

static void
on_export_response (GtkNativeDialog *dialog, int response, Export *e)
{
  LabEmbeddingsView *self = e->self;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;
      const char *ext = strchr (e->target, '.') + 1;
      if (g_str_has_prefix (e->target, "figure"))
        lab_embeddings_view_export_figure (self, path, format_of (ext), 1200, 1100, &error);
      else
        for (int v = 0; v < CARI_N_VIEWS && error == NULL; v++)
          {
            g_autofree char *lower = g_ascii_strdown (cari_view_to_string (v), -1);
            g_autofree char *name = g_strdup_printf ("%s.%s", lower, ext);
            g_autofree char *out = g_build_filename (path, name, NULL);
            lab_scatter_export (lab_embeddings_view_get_scatter (self, v), out, format_of (ext),
                                600, 550, &error);
          }
      g_autofree char *text = error ? g_strdup_printf (_("Could not export: %s"), error->message)
                                    : g_strdup_printf (_("Saved in %s"), path);
      GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), LAB_TYPE_WINDOW);
      if (window != NULL)
        lab_window_toast (LAB_WINDOW (window), text);
    }
  g_object_unref (e->self);
  g_free (e->target);
  g_object_unref (e->chooser);
  g_free (e);
}

void
lab_embeddings_view_export_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabEmbeddingsView *self = LAB_EMBEDDINGS_VIEW (widget);
  Export *e = g_new0 (Export, 1);
  e->self = g_object_ref (self);
  e->target = g_variant_dup_string (param, NULL);
  gboolean figure = g_str_has_prefix (e->target, "figure");
  GtkRoot *root = gtk_widget_get_root (widget);
  e->chooser = gtk_file_chooser_native_new (
    figure ? _("Export the Figure") : _("Export the Views to a Folder"),
    GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
    figure ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Export"),
    _("_Cancel"));
  if (figure)
    {
      g_autofree char *name = g_strdup_printf ("embeddings.%s", strchr (e->target, '.') + 1);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (e->chooser), name);
    }
  g_signal_connect (e->chooser, "response", G_CALLBACK (on_export_response), e);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (e->chooser));
}
