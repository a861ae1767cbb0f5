/* lab-export-dialog.h — every export of the pages goes this way: a file chooser over the page's
 * window (a file with a filter for its format, or a folder), then the page's own writing, then
 * a toast that says where it went or why it did not (win.toast).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lab-chart.h"

G_BEGIN_DECLS

/* Writes the export to `path` — the chosen file, or the chosen folder — in `format`. Returns
 * what the toast says (newly allocated), or NULL with `error` set. */
typedef char *(*LabExportFunc) (GtkWidget *source, const char *path, const char *format,
                                gpointer data, GError **error);

/* Asks where to export: a file named `file_name` (offered with a filter for `format`: png,
 * svg, pdf, csv or tex), or a folder when `file_name` is NULL. On acceptance, calls `write`
 * and toasts its message, or "Could not export: …". `source` is kept alive until the chooser
 * has answered; `destroy` frees `data` then. */
void           lab_export_dialog_run (GtkWidget *source, const char *title, const char *format,
                                      const char *file_name, LabExportFunc write, gpointer data,
                                      GDestroyNotify destroy);
/* "svg" and "pdf" as such, PNG for anything else. */
LabChartFormat lab_export_format (const char *format);

G_END_DECLS
