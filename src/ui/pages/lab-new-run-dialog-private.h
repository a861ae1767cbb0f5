/* lab-new-run-dialog-private.h — the New Run dialog's insides, shared by lab-new-run-dialog.c
 * (the window, its signals, loading data sets, Create) and lab-new-run-form.c (the form: controls
 * to assignments and back, the rows the engine refuses).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cari.h"
#include "lab-new-run-dialog.h"
#include "lab-store-gateway.h"

G_BEGIN_DECLS

struct _LabNewRunDialog
{
  AdwWindow parent_instance;

  /* owned */
  LabStoreGateway *gateway; /* owned */
  gboolean creating;        /* the run is being queued (a write job) */
  gint64 created;           /* the queued run, 0 until then */
  LabRunner *runner;
  char *base_text;          /* the text given, "" for the defaults */
  char *base_preset;        /* its model.preset */
  char *text;               /* the configuration now, NULL while invalid */
  GPtrArray *datasets;      /* of CariDatasetInfo *, from the store; NULL until read */
  GPtrArray *dataset_ids;   /* of char *: the data set of each dataset_row item */
  GPtrArray *protocol_ids;  /* of char *: the protocol of each protocol_row item */
  GPtrArray *marked;        /* of GtkWidget *: rows showing an error */
  GCancellable *cancellable;
  gboolean loading;
  guint reads;              /* reads of the store in flight: data sets, runs to start from */
  gboolean filling;         /* controls are being set from code: no recomputing */
  GtkFileChooserNative *init_chooser; /* the weights file's, while it is shown */

  /* template */
  AdwPreferencesPage *page;
  GtkButton *create_button;
  AdwPreferencesGroup *error_group;
  GtkLabel *error_label;
  AdwActionRow *name_row;
  GtkEntry *name_entry;
  AdwComboRow *preset_row;
  AdwActionRow *seed_row;
  GtkSpinButton *seed_spin;
  AdwComboRow *dataset_row;
  AdwComboRow *protocol_row;
  AdwActionRow *fold_row;
  GtkSpinButton *fold_spin;
  AdwActionRow *tasks_row;
  GtkCheckButton *verif_check;
  GtkCheckButton *cari_check;
  GtkCheckButton *visual_check;
  AdwComboRow *strategy_row;
  AdwActionRow *weights_row;
  GtkEntry *weights_entry;
  AdwComboRow *task_row;
  AdwActionRow *steps_row;
  GtkSpinButton *steps_spin;
  AdwActionRow *caricatures_row;
  GtkSpinButton *caricatures_spin;
  AdwActionRow *photos_row;
  GtkSpinButton *photos_spin;
  AdwComboRow *optimizer_row;
  AdwActionRow *lr_row;
  GtkEntry *lr_entry;
  AdwActionRow *module_lr_row;
  GtkEntry *module_lr_entry;
  AdwExpanderRow *advanced_row;
  AdwActionRow *r_row;
  GtkEntry *r_entry;
  AdwActionRow *epsilon_row;
  GtkEntry *epsilon_entry;
  AdwActionRow *detach_row;
  GtkSwitch *detach_switch;
  AdwActionRow *center_weight_row;
  GtkEntry *center_weight_entry;
  AdwActionRow *weight_decay_row;
  GtkEntry *weight_decay_entry;
  AdwActionRow *clip_norm_row;
  GtkEntry *clip_norm_entry;
  AdwActionRow *balanced_row;
  GtkSwitch *balanced_switch;
  AdwActionRow *validation_row;
  GtkEntry *validation_entry;
  AdwActionRow *landmark_row;
  GtkSwitch *landmark_switch;
  AdwActionRow *eval_every_row;
  GtkSpinButton *eval_every_spin;
  AdwActionRow *checkpoint_every_row;
  GtkSpinButton *checkpoint_every_spin;
  AdwActionRow *init_from_row;
  GtkEntry *init_from_entry;
  GtkMenuButton *init_runs_button;
  GtkButton *init_file_button;
  AdwActionRow *partial_row;
  GtkSwitch *partial_switch;
  AdwActionRow *branches_row;
  GtkSwitch *branches_switch;
  AdwExpanderRow *config_row;
  GtkTextView *config_view;
};

/* The data set row's name. */
const char *lab_new_run_form_selected_dataset (LabNewRunDialog *self);
/* Marks a row invalid with the engine's message (the control gets the error style). */
void lab_new_run_form_mark_row (LabNewRunDialog *self, GtkWidget *row, const char *message);
/* Applies every shown control to the base text and marks the rows the engine refuses; the
 * valid text is what Create queues. */
void lab_new_run_form_recompute (LabNewRunDialog *self);
/* Shows the rows the strategy uses. */
void lab_new_run_form_update_strategy_rows (LabNewRunDialog *self);
/* The preset row says what the preset sets. */
void lab_new_run_form_update_preset_subtitle (LabNewRunDialog *self);
/* The protocols of the selected data set, keeping `keep` selected when it is one. */
void lab_new_run_form_fill_protocols (LabNewRunDialog *self, const char *keep);
/* The protocol row's name. */
const char *lab_new_run_form_selected_protocol (LabNewRunDialog *self);
/* The data sets the store has and those CariLab generates, keeping `keep` selected. */
void lab_new_run_form_fill_datasets (LabNewRunDialog *self, const char *keep);
/* Shows the partial row when init.from names a safetensors file. */
void lab_new_run_form_update_init_rows (LabNewRunDialog *self);
/* Sets every control from `cfg`. */
void lab_new_run_form_fill (LabNewRunDialog *self, const CariRunConfig *cfg);

G_END_DECLS
