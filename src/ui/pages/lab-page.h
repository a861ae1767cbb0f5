/* lab-page.h — what the pages share: they reach the window they are in only through its actions
 * (win.toast, win.show-analysis, win.open-run), put their dialogs over it, ask before they do
 * what cannot be undone, and draw a run's strategy and its validation accuracies alike
 * everywhere; they read the data sets with one job.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cari.h"

#include "lab-chart-model.h"
#include "lab-series.h"
#include "lab-store-gateway.h"

G_BEGIN_DECLS

/* A short, non-blocking message (win.toast); said with g_message when no window takes it. */
void              lab_page_toast (GtkWidget *page, const char *text);
void              lab_page_toast_printf (GtkWidget *page, const char *format, ...)
  G_GNUC_PRINTF (2, 3);
/* The analysis of `run` at its evaluated checkpoint nearest `step` (win.show-analysis). */
void              lab_page_show_analysis (GtkWidget *page, gint64 run, gint64 step);
/* The window the page is in, for its dialogs; NULL when none. */
GtkWindow        *lab_page_get_window (GtkWidget *page);
/* A message dialog over the page's window: Cancel, and `response` labelled `label` with
 * `appearance`; the default response is Cancel for a destructive one, else `response`.
 * `on_response` (void (AdwMessageDialog *, const char *response, gpointer data)) is connected to
 * "response::<response>" for as long as `data` (a GObject) lives. Not presented yet. */
AdwMessageDialog *lab_page_ask (GtkWidget *page, const char *heading, const char *body,
                                const char *response, const char *label,
                                AdwResponseAppearance appearance, GCallback on_response,
                                gpointer data);
/* The validation accuracies as every chart of a run shows them: the classifiers on their own
 * modality (solid) and on the other (dotted). */
void              lab_page_add_validation_series (LabChartModel *model);
/* A widget's margins, in CSS's order. */
void              lab_page_set_margins (GtkWidget *widget, int top, int end, int bottom,
                                        int start);
/* A store's metric rows (of CariMetricRow) as a chart's, their keys borrowed from `rows`. */
LabMetricRow     *lab_page_chart_rows (GArray *rows);
/* The job that reads the store's data sets with their counts (cari_store_list_datasets: a
 * GPtrArray of CariDatasetInfo *), for the load lane. */
void              lab_page_list_datasets_job (GTask *task, CariStore *store, gpointer data,
                                              GCancellable *cancellable);
/* The data set called `name` in `datasets` (such a list, or NULL), or NULL. */
const CariDatasetInfo *lab_page_find_dataset (GPtrArray *datasets, const char *name);
/* A table as the pages show it: its title, its aligned text ("mean ± …" columns) in monospace,
 * selectable, and its notes wrapped under it. */
GtkWidget        *lab_page_table_widget (const CariTable *table);
/* "m:ss", or "h:mm:ss" from an hour on. */
char             *lab_page_format_duration (double seconds);

G_END_DECLS
