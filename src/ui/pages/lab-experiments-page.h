/* lab-experiments-page.h — the Experiments page: the store's experiments, polled like the runs
 * (an experiment the CLI executes in another process moves here as it runs); the selected one's
 * runs (cell × seed, with their status and step), its tables, claims and figures; New Experiment
 * and Resume, executed by the window's runner.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lab-run-list.h"
#include "lab-runner.h"
#include "lab-store-gateway.h"

G_BEGIN_DECLS

#define LAB_TYPE_EXPERIMENTS_PAGE (lab_experiments_page_get_type ())
G_DECLARE_FINAL_TYPE (LabExperimentsPage, lab_experiments_page, LAB, EXPERIMENTS_PAGE, AdwBin)

/* Polls the store every `poll_ms` milliseconds; `runs` is the window's run list (its items show
 * in the grid), `runner` executes what New Experiment and Resume start. */
GtkWidget *lab_experiments_page_new (LabStoreGateway *gateway, LabRunList *runs,
                                     LabRunner *runner, guint poll_ms);
/* Selects `experiment` as soon as the list has it. */
void       lab_experiments_page_select (LabExperimentsPage *self, gint64 experiment);
gint64     lab_experiments_page_get_selected (LabExperimentsPage *self);
/* Experiments listed now. */
guint      lab_experiments_page_get_n_experiments (LabExperimentsPage *self);
/* Writes the report of `experiment` to `path` in the background; a toast says how it went. */
void       lab_experiments_page_export_report (LabExperimentsPage *self, gint64 experiment,
                                               const char *path);
/* Whether the selected experiment's results are shown (loaded since its places last changed). */
gboolean   lab_experiments_page_has_results (LabExperimentsPage *self);

G_END_DECLS
