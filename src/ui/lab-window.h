/* lab-window.h — the CariLab main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lab-run-list.h"
#include "lab-runner.h"
#include "lab-store-gateway.h"

G_BEGIN_DECLS

#define LAB_TYPE_WINDOW (lab_window_get_type ())

G_DECLARE_FINAL_TYPE (LabWindow, lab_window, LAB, WINDOW, AdwApplicationWindow)

/* db_path NULL: the default run database. */
LabWindow  *lab_window_new (GtkApplication *application, const char *db_path);
const char *lab_window_get_db_path (LabWindow *self);
/* The window's lanes to the store: its pages and models read and write through them. */
LabStoreGateway *lab_window_get_store_gateway (LabWindow *self);
LabRunner  *lab_window_get_runner (LabWindow *self);
LabRunList *lab_window_get_run_list (LabWindow *self);
/* A short, non-blocking message (also the action win.toast, with a string). */
void        lab_window_toast (LabWindow *self, const char *message);
/* Shows the live page of a run. */
void        lab_window_open_run (LabWindow *self, gint64 run);
/* Shows the analysis of `run` at its evaluated checkpoint nearest to `step` (< 0: latest); also
 * the action win.show-analysis, with (run, step). */
void        lab_window_show_analysis (LabWindow *self, gint64 run, gint64 step);
/* Shows the Compare page with these runs. */
void        lab_window_show_comparison (LabWindow *self, const gint64 *runs, int n_runs);

G_END_DECLS
