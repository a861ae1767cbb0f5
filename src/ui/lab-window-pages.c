/* lab-window-pages.c — the widgets of the window's pages: the one place where pages plug in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>

#include "lab-analysis-page.h"
#include "lab-compare-page.h"
#include "lab-datasets-page.h"
#include "lab-experiments-page.h"
#include "lab-new-run-dialog.h"
#include "lab-run-page.h"
#include "lab-runs-page.h"
#include "lab-window-private.h"

void
lab_window_create_pages (LabWindow *self)
{
  adw_bin_set_child (self->runs_bin, lab_runs_page_new (self->runs, self->runner));
  adw_bin_set_child (self->datasets_bin, lab_datasets_page_new (self->gateway, self->runner));
  adw_bin_set_child (self->compare_bin, lab_compare_page_new (self->gateway, self->runs, 1000));
  adw_bin_set_child (self->analysis_bin, lab_analysis_page_new (self->gateway, self->runs));
  /* Polled once a second, as the run list. */
  adw_bin_set_child (self->experiments_bin, lab_experiments_page_new (self->gateway, self->runs,
                                                                      self->runner, 1000));
}

GtkWidget *
lab_window_create_run_page (LabWindow *self, gint64 run)
{
  /* Polled twice a second: a chart updates at least once a second without the store being
   * read more than needed. */
  return lab_run_page_new (self->gateway, run, self->runner, self->runs, 500);
}

void
lab_window_show_comparison (LabWindow *self, const gint64 *runs, int n_runs)
{
  LabComparePage *page = LAB_COMPARE_PAGE (adw_bin_get_child (self->compare_bin));
  lab_compare_page_set_runs (page, runs, n_runs);
  lab_compare_page_set_layout (page, LAB_COMPARE_OVERLAY);
  lab_compare_page_set_difference (page, n_runs == 2);
  adw_view_stack_set_visible_child_name (self->view_stack, "compare");
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "home") != 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.go-back", NULL);
}

/* win.show-analysis (run, step): a page's way to the analysis. */
void
lab_window_show_analysis_action (GtkWidget *widget, const char *action, GVariant *param)
{
  gint64 run = 0, step = -1;
  g_variant_get (param, "(xx)", &run, &step);
  lab_window_show_analysis (LAB_WINDOW (widget), run, step);
}

/* win.new-run (Ctrl+N): the New Run dialog with every default. */
void
lab_window_new_run_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabWindow *self = LAB_WINDOW (widget);
  GtkWidget *dialog = lab_new_run_dialog_new (GTK_WINDOW (self), self->gateway, self->runner,
                                              NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
lab_window_show_analysis (LabWindow *self, gint64 run, gint64 step)
{
  lab_analysis_page_show (LAB_ANALYSIS_PAGE (adw_bin_get_child (self->analysis_bin)), run, step);
  adw_view_stack_set_visible_child_name (self->view_stack, "analysis");
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "home") != 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.go-back", NULL);
}
