/* lab-embeddings-export.c — the embedding views as files: the 2 × 2 figure or each view, PNG,
 * SVG or PDF, drawn by the views' own Cairo code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lab-embeddings-view-private.h"
#include "lab-export-dialog.h"

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

/* The figure to the chosen file, or each view to the chosen folder (v2v.png, v2c.png, …). */
static char *
write_views (GtkWidget *source, const char *path, const char *format, gpointer figure,
             GError **error)
{
  LabEmbeddingsView *self = LAB_EMBEDDINGS_VIEW (source);
  if (GPOINTER_TO_INT (figure))
    {
      if (!lab_embeddings_view_export_figure (self, path, lab_export_format (format), 1200, 1100,
                                              error))
        return NULL;
    }
  else
    for (int v = 0; v < CARI_N_VIEWS; v++)
      {
        g_autofree char *lower = g_ascii_strdown (cari_view_to_string (v), -1);
        g_autofree char *name = g_strdup_printf ("%s.%s", lower, format);
        g_autofree char *out = g_build_filename (path, name, NULL);
        if (!lab_scatter_export (lab_embeddings_view_get_scatter (self, v), out,
                                 lab_export_format (format), 600, 550, error))
          return NULL;
      }
  return g_strdup_printf (_("Saved in %s"), path);
}

void
lab_embeddings_view_export_action (GtkWidget *widget, const char *action, GVariant *param)
{
  const char *target = g_variant_get_string (param, NULL);
  const char *dot = strchr (target, '.');
  if (dot == NULL)
    return;
  gboolean figure = g_str_has_prefix (target, "figure");
  g_autofree char *name = figure ? g_strdup_printf ("embeddings%s", dot) : NULL;
  lab_export_dialog_run (widget,
                         figure ? _("Export the Figure") : _("Export the Views to a Folder"),
                         dot + 1, name, write_views, GINT_TO_POINTER (figure), NULL);
}
