/* lab-export-dialog.c — the file chooser, its answer and the toast of every export.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>

#include "lab-export-dialog.h"
#include "lab-page.h"

typedef struct
{
  GtkWidget *source;             /* owned */
  char *format;
  LabExportFunc write;
  gpointer data;
  GDestroyNotify destroy;
  GtkFileChooserNative *chooser; /* owned */
} Export;

static void
export_free (Export *e)
{
  if (e->destroy != NULL)
    e->destroy (e->data);
  g_object_unref (e->source);
  g_free (e->format);
  g_object_unref (e->chooser);
  g_free (e);
}

LabChartFormat
lab_export_format (const char *format)
{
  return g_strcmp0 (format, "svg") == 0   ? LAB_CHART_FORMAT_SVG
         : g_strcmp0 (format, "pdf") == 0 ? LAB_CHART_FORMAT_PDF
                                          : LAB_CHART_FORMAT_PNG;
}

static void
add_filter (GtkFileChooser *chooser, const char *format)
{
  static const struct
  {
    const char *format, *name;
  } kinds[] = {
    { "png", N_("PNG Images") },    { "svg", N_("SVG Drawings") }, { "pdf", N_("PDF Documents") },
    { "csv", N_("CSV Tables") },    { "tex", N_("LaTeX Tables") },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i].format, format) == 0)
      {
        GtkFileFilter *filter = gtk_file_filter_new ();
        g_autofree char *pattern = g_strdup_printf ("*.%s", format);
        gtk_file_filter_set_name (filter, _(kinds[i].name));
        gtk_file_filter_add_pattern (filter, pattern);
        gtk_file_chooser_add_filter (chooser, filter);
        g_object_unref (filter);
      }
}

static void
on_response (GtkNativeDialog *dialog, int response, Export *e)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *said = NULL;
      if (path == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("Only local files can be written"));
      else
        said = e->write (e->source, path, e->format, e->data, &error);
      g_autofree char *text = said != NULL ? g_steal_pointer (&said)
                                           : g_strdup_printf (_("Could not export: %s"),
                                                              error->message);
      lab_page_toast (e->source, text);
    }
  export_free (e);
}

void
lab_export_dialog_run (GtkWidget *source, const char *title, const char *format,
                       const char *file_name, LabExportFunc write, gpointer data,
                       GDestroyNotify destroy)
{
  g_return_if_fail (GTK_IS_WIDGET (source));
  g_return_if_fail (write != NULL);
  Export *e = g_new0 (Export, 1);
  e->source = g_object_ref (source);
  e->format = g_strdup (format);
  e->write = write;
  e->data = data;
  e->destroy = destroy;
  e->chooser = gtk_file_chooser_native_new (title, lab_page_get_window (source),
                                            file_name != NULL
                                              ? GTK_FILE_CHOOSER_ACTION_SAVE
                                              : GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                            _("_Export"), _("_Cancel"));
  if (file_name != NULL)
    {
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (e->chooser), file_name);
      add_filter (GTK_FILE_CHOOSER (e->chooser), format);
    }
  g_signal_connect (e->chooser, "response", G_CALLBACK (on_response), e);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (e->chooser));
}
