/* lab-new-run-dialog.h — the New Run dialog: the run configuration as controls, which write the
 * same text the CLI reads (docs/config.md), with each invalid setting said at its row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lab-runner.h"
#include "lab-store-gateway.h"

G_BEGIN_DECLS

#define LAB_TYPE_NEW_RUN_DIALOG (lab_new_run_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LabNewRunDialog, lab_new_run_dialog, LAB, NEW_RUN_DIALOG, AdwWindow)

/* A modal dialog over `parent` (may be NULL) that queues the run in the store (through
 * `gateway`'s write lane) and in `runner`, then activates "win.open-run" on `parent` and closes.
 * `config_text` (may be NULL: every default) fills the controls; what no control shows is kept
 * as it is. Its "loading" property is TRUE until the store's data sets are read. */
GtkWidget  *lab_new_run_dialog_new (GtkWindow *parent, LabStoreGateway *gateway,
                                    LabRunner *runner, const char *config_text);
/* The configuration text the controls make now, or NULL while a setting is invalid. */
const char *lab_new_run_dialog_get_config_text (LabNewRunDialog *self);
/* Queues the run, as the Create button does, off the main thread: FALSE when the configuration
 * is invalid (nothing started). The "creating" property is TRUE until the store answered; then
 * the "created" property holds the new run's id, or 0 with the reason said in the dialog (a name
 * that is taken at the name row). */
gboolean    lab_new_run_dialog_create (LabNewRunDialog *self);
/* The run Create queued, 0 before (or when it failed). */
gint64      lab_new_run_dialog_get_created (LabNewRunDialog *self);

G_END_DECLS
