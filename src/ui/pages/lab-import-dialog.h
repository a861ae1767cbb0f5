/* lab-import-dialog.h — asks what to import as a new data set: its kind (WebCaricature, CaVI or
 * a plain folder), its folder and its name. Answers "import" or "cancel" (AdwMessageDialog's
 * "response"); the Data Sets page does the import.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LAB_TYPE_IMPORT_DIALOG (lab_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LabImportDialog, lab_import_dialog, LAB, IMPORT_DIALOG, AdwMessageDialog)

/* `taken`: the names of the store's data sets, which a new one cannot have (may be NULL). */
GtkWidget  *lab_import_dialog_new (GtkWindow *parent, const char *const *taken);
/* What the folder chooser sets: the folder, the kind guessed from its layout, and its name as
 * the default name (unless one was typed). */
void        lab_import_dialog_set_folder (LabImportDialog *self, GFile *folder);
GFile      *lab_import_dialog_get_folder (LabImportDialog *self);
/* "webcari", "cavi" or "folder". */
const char *lab_import_dialog_get_kind (LabImportDialog *self);
void        lab_import_dialog_set_kind (LabImportDialog *self, const char *kind);
/* The name typed, trimmed. */
const char *lab_import_dialog_get_name (LabImportDialog *self);

G_END_DECLS
