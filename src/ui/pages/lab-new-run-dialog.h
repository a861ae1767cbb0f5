/* lab-new-run-dialog.h — the New Run dialog: the run configuration as controls, which write the
 * same text the CLI reads (docs/config.md), with each invalid setting said at its row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lab-runner.h"

G_BEGIN_DECLS

#define LAB_TYPE_NEW_RUN_DIALOG (lab_new_run_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LabNewRunDialog, lab_new_run_dialog, LAB, NEW_RUN_DIALOG, AdwWindow)

/* A modal dialog over `parent` (may be NULL) that queues the run in the store at `db_path` and
 * in `runner`, then activates "win.open-run" on `parent`. `config_text` (may be NULL: every
 * default) fills the controls; what no control shows is kept as it is. */
GtkWidget  *lab_new_run_dialog_new (GtkWindow *parent, const char *db_path, LabRunner *runner,
                                    const char *config_text);
/* The configuration text the controls make now, or NULL while a setting is invalid. */
const char *lab_new_run_dialog_get_config_text (LabNewRunDialog *self);
/* Queues the run, as the Create button does; the new run's id, or 0 (said in the dialog). */
gint64      lab_new_run_dialog_create (LabNewRunDialog *self);

G_END_DECLS
