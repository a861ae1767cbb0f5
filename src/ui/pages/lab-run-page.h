/* lab-run-page.h — the live page of one run: task weights over task losses (the paper's
 * Fig. 6/7, sharing the step axis), periodic validation accuracies, progress, and the controls of
 * a run this process hosts. A run that another process (carilab-cli train) writes is followed
 * read-only through the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lab-chart.h"
#include "lab-run-list.h"
#include "lab-runner.h"

G_BEGIN_DECLS

#define LAB_TYPE_RUN_PAGE (lab_run_page_get_type ())
G_DECLARE_FINAL_TYPE (LabRunPage, lab_run_page, LAB, RUN_PAGE, AdwBin)

/* runner may be NULL (read-only). The page polls the store every `interval_ms`. */
GtkWidget     *lab_run_page_new (LabStoreGateway *gateway, gint64 run, LabRunner *runner,
                                 LabRunList *runs, guint interval_ms);
gint64         lab_run_page_get_run (LabRunPage *self);
/* Metric rows received from the store so far. */
guint64        lab_run_page_get_n_rows (LabRunPage *self);

G_END_DECLS
