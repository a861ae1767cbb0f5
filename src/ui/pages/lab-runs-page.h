/* lab-runs-page.h — the Runs page: every run of the store in a sortable, searchable table, with
 * the actions on the selected run (open, resume, new run like it, rename, delete).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lab-run-list.h"
#include "lab-runner.h"

G_BEGIN_DECLS

#define LAB_TYPE_RUNS_PAGE (lab_runs_page_get_type ())
G_DECLARE_FINAL_TYPE (LabRunsPage, lab_runs_page, LAB, RUNS_PAGE, AdwBin)

/* Shows `runs` (the window's list; its store is where the page writes) and drives `runner`. */
GtkWidget *lab_runs_page_new (LabRunList *runs, LabRunner *runner);
/* Selects `run` if it is shown; FALSE when the search hides it or there is no such run. */
gboolean   lab_runs_page_select_run (LabRunsPage *self, gint64 run);
/* The selected run, 0 when none. */
gint64     lab_runs_page_get_selected_run (LabRunsPage *self);

G_END_DECLS
