/* lab-new-experiment-dialog.h — the New Experiment dialog: a preset (fig6, table2, fig5, paper),
 * a name, the seeds and the steps, with the dry run's count of runs and its ETA shown before
 * anything starts; Create records the experiment (the gateway's write lane) and queues its
 * execution in the window's runner.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lab-runner.h"
#include "lab-store-gateway.h"

G_BEGIN_DECLS

#define LAB_TYPE_NEW_EXPERIMENT_DIALOG (lab_new_experiment_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LabNewExperimentDialog, lab_new_experiment_dialog, LAB,
                      NEW_EXPERIMENT_DIALOG, AdwWindow)

/* A modal dialog over `parent` (may be NULL). Its "planning" property is TRUE while the plan and
 * its ETA are computed; "created" (gint64) is emitted with the new experiment before it closes. */
GtkWidget *lab_new_experiment_dialog_new (GtkWindow *parent, LabStoreGateway *gateway,
                                          LabRunner *runner);
/* Sets a key of the definition the controls do not show (pretrain_steps, batch, …) or do
 * (preset, seeds, secondary_seeds, steps), as the text the CLI takes; FALSE with the reason. */
gboolean   lab_new_experiment_dialog_set_key (LabNewExperimentDialog *self, const char *key,
                                              const char *value, GError **error);
void       lab_new_experiment_dialog_set_name (LabNewExperimentDialog *self, const char *name);
/* The plan's count of runs, 0 while unknown or invalid; its text. */
int        lab_new_experiment_dialog_get_n_runs (LabNewExperimentDialog *self);
const char *lab_new_experiment_dialog_get_plan_text (LabNewExperimentDialog *self);
/* Records and starts the experiment as the Create button does: FALSE when nothing could start. */
gboolean   lab_new_experiment_dialog_create (LabNewExperimentDialog *self);

G_END_DECLS
