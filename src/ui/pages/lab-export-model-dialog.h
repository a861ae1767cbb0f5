/* lab-export-model-dialog.h — Export Model…: a run's network for other tools. The dialog asks
 * for the format (safetensors: every weight under PyTorch's names; ONNX: one branch's inference
 * graph), the branch of an ONNX graph (among the tasks the run trains) and the checkpoint; its
 * "export" response asks for the file, and the export runs on a thread of its own with a store
 * connection of its own. A toast on the page it was opened from says where the file went or why
 * it did not (win.toast).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "cari.h"

#include "lab-store-gateway.h"

G_BEGIN_DECLS

#define LAB_TYPE_EXPORT_MODEL_DIALOG (lab_export_model_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LabExportModelDialog, lab_export_model_dialog, LAB, EXPORT_MODEL_DIALOG,
                      AdwMessageDialog)

/* The dialog for `run`, called `name`, whose configuration trains `tasks` (CARI_TASK_BIT bits:
 * the branches an ONNX graph may take), over the window of `source` (the page that toasts). Its
 * checkpoints are read on `gateway`'s poll lane ("loading" until then). Not presented yet. */
GtkWidget       *lab_export_model_dialog_new (GtkWidget *source, LabStoreGateway *gateway,
                                              gint64 run, const char *name, guint tasks);

CariExportFormat lab_export_model_dialog_get_format (LabExportModelDialog *self);
void             lab_export_model_dialog_set_format (LabExportModelDialog *self,
                                                     CariExportFormat format);
/* The ONNX graph's branch; FALSE when the run does not train `branch`. */
CariTask         lab_export_model_dialog_get_branch (LabExportModelDialog *self);
gboolean         lab_export_model_dialog_set_branch (LabExportModelDialog *self, CariTask branch);
/* The checkpoint's step, −1 for the latest; FALSE when the run has no checkpoint at `step`. */
gint64           lab_export_model_dialog_get_step (LabExportModelDialog *self);
gboolean         lab_export_model_dialog_set_step (LabExportModelDialog *self, gint64 step);
/* The steps of the run's checkpoints, newest first (borrowed; empty until read). */
GArray          *lab_export_model_dialog_get_steps (LabExportModelDialog *self);
/* The name the file chooser offers: "<run>.safetensors" or "<run>-<branch>.onnx". */
char            *lab_export_model_dialog_get_file_name (LabExportModelDialog *self);

/* Writes the network of `run` at checkpoint `step` (−1: the latest) to `path` off the main
 * thread, then toasts on `source` (kept alive until then): "Model exported to …", or why not,
 * naming the file. What the dialog's file chooser does when it is answered. */
void             lab_export_model_write (GtkWidget *source, LabStoreGateway *gateway, gint64 run,
                                         gint64 step, CariExportFormat format, CariTask branch,
                                         const char *path);

G_END_DECLS
