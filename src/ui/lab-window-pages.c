/* lab-window-pages.c — the widgets of the window's pages: the one place where pages plug in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>

#include "lab-datasets-page.h"
#include "lab-new-run-dialog.h"
#include "lab-runs-page.h"
#include "lab-window-private.h"

void
lab_window_create_pages (LabWindow *self)
{
  adw_bin_set_child (self->runs_bin, lab_runs_page_new (self->runs, self->runner));
  adw_bin_set_child (self->datasets_bin, lab_datasets_page_new (self->db_path, self->runner));
}

GtkWidget *
lab_window_create_run_page (LabWindow *self, gint64 run)
{
  return NULL;
}

void
lab_window_show_comparison (LabWindow *self, const gint64 *runs, int n_runs)
{
  adw_view_stack_set_visible_child_name (self->view_stack, "compare");
}

/* win.new-run (Ctrl+N): the New Run dialog with every default. */
void
lab_window_new_run_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabWindow *self = LAB_WINDOW (widget);
  GtkWidget *dialog = lab_new_run_dialog_new (GTK_WINDOW (self), self->db_path, self->runner,
                                              NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}
