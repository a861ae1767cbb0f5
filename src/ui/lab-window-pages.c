/* lab-window-pages.c — the widgets of the window's pages: the one place where pages plug in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>

#include "lab-window-private.h"

void
lab_window_create_pages (LabWindow *self)
{
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

void
lab_window_new_run_action (GtkWidget *widget, const char *action, GVariant *param)
{
}
