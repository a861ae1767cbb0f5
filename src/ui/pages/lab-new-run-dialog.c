/* lab-new-run-dialog.c — the New Run dialog: its window, signals, the data sets read off the
 * main thread, and Create (the form itself is lab-new-run-form.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>
#include <stddef.h>

#include <glib/gi18n.h>

#include "cari.h"

#include "lab-new-run-dialog-private.h"
#include "lab-page.h"
#include "lab-property.h"


G_DEFINE_FINAL_TYPE (LabNewRunDialog, lab_new_run_dialog, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_LOADING,
  PROP_CREATING,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

/* ------------------------------------------------------------------------------ signals */

static void
on_control_changed (LabNewRunDialog *self)
{
  lab_new_run_form_recompute (self);
}

static void
on_strategy_changed (LabNewRunDialog *self)
{
  if (self->filling)
    return;
  /* r stays: the same for every strategy (and "authors" follows it by itself). */
  lab_new_run_form_update_strategy_rows (self);
  lab_new_run_form_recompute (self);
}

static void
on_preset_changed (LabNewRunDialog *self)
{
  if (self->filling)
    return;
  lab_new_run_form_update_preset_subtitle (self);
  lab_new_run_form_recompute (self);
}

static void
on_dataset_changed (LabNewRunDialog *self)
{
  if (self->filling)
    return;
  self->filling = TRUE;
  lab_new_run_form_fill_protocols (self, lab_new_run_form_selected_protocol (self));
  self->filling = FALSE;
  lab_new_run_form_recompute (self);
}

static void
on_init_from_changed (LabNewRunDialog *self)
{
  lab_new_run_form_update_init_rows (self);
  lab_new_run_form_recompute (self);
}

/* --- a weights file to start from */

static void
on_init_chooser_response (GtkNativeDialog *chooser, int response, LabNewRunDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->init_from_entry), path);
    }
  g_clear_object (&self->init_chooser);
}

static void
add_filter (GtkFileChooser *chooser, const char *name, const char *pattern)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static void
on_init_file_clicked (LabNewRunDialog *self)
{
  if (self->init_chooser != NULL)
    return;
  self->init_chooser = gtk_file_chooser_native_new (_("Start From a Weights File"),
                                                    GTK_WINDOW (self),
                                                    GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                                    _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->init_chooser), TRUE);
  /* What another tool or Export Model… wrote first; CariLab's own checkpoints load too. */
  add_filter (GTK_FILE_CHOOSER (self->init_chooser), _("Safetensors Weights"), "*.safetensors");
  add_filter (GTK_FILE_CHOOSER (self->init_chooser), _("CariLab Checkpoints"), "*.ckpt");
  g_autofree char *from = g_strstrip (
    g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->init_from_entry))));
  if (g_path_is_absolute (from))
    {
      g_autoptr (GFile) file = g_file_new_for_path (from);
      gtk_file_chooser_set_file (GTK_FILE_CHOOSER (self->init_chooser), file, NULL);
    }
  g_signal_connect_object (self->init_chooser, "response", G_CALLBACK (on_init_chooser_response),
                           self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->init_chooser));
}

/* --- reads of the store, on the gateway's load lane */

static void
read_done (LabNewRunDialog *self)
{
  if (--self->reads == 0)
    lab_property_set_boolean (self, &self->loading, FALSE, props[PROP_LOADING]);
}

/* A run another one can start from: it has a checkpoint. */
typedef struct
{
  char *name;
  CariRunStatus status;
  gint64 step; /* its latest checkpoint's */
} InitRun;

static void
init_run_free (InitRun *r)
{
  g_free (r->name);
  g_free (r);
}

/* At most this many, the newest: a menu, not a run list. */
#define MAX_INIT_RUNS 30

/* Load lane: the runs with a checkpoint, newest first (of InitRun *). */
static void
list_init_runs_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) infos = cari_store_list_runs (store, &error);
  if (infos == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  GPtrArray *runs = g_ptr_array_new_with_free_func ((GDestroyNotify) init_run_free);
  for (guint i = infos->len; i-- > 0 && runs->len < MAX_INIT_RUNS;)
    {
      const CariRunInfo *info = g_ptr_array_index (infos, i);
      gint64 step = -1;
      if (!cari_store_latest_checkpoint (store, info->id, -1, &step, NULL, NULL))
        continue;
      InitRun *r = g_new0 (InitRun, 1);
      r->name = g_strdup (info->name);
      r->status = info->status;
      r->step = step;
      g_ptr_array_add (runs, r);
    }
  g_task_return_pointer (task, runs, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_init_runs_read (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabNewRunDialog *self = source;
  g_autoptr (GPtrArray) runs = result;
  g_autoptr (GMenu) menu = g_menu_new ();
  if (error != NULL)
    g_debug ("new run: runs to start from: %s", error->message);
  for (guint i = 0; runs != NULL && i < runs->len; i++)
    {
      const InitRun *r = g_ptr_array_index (runs, i);
      /* Menus read "_" as a mnemonic: a name's own are doubled. */
      g_auto (GStrv) parts = g_strsplit (r->name, "_", -1);
      g_autofree char *name = g_strjoinv ("__", parts);
      g_autofree char *label = r->status == CARI_RUN_IMPORTED
                                 ? g_strdup_printf (_("%s · imported weights"), name)
                                 : g_strdup_printf (_("%s · step %lld"), name,
                                                    (long long) r->step);
      /* Names are unique and never numbers: init.from takes them as they are. */
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "new-run.init-from",
                                               g_variant_new_string (r->name));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (self->init_runs_button, G_MENU_MODEL (menu));
  gtk_widget_set_sensitive (GTK_WIDGET (self->init_runs_button),
                            g_menu_model_get_n_items (G_MENU_MODEL (menu)) > 0);
  read_done (self);
}

static void
init_from_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabNewRunDialog *self = LAB_NEW_RUN_DIALOG (widget);
  gtk_editable_set_text (GTK_EDITABLE (self->init_from_entry), g_variant_get_string (param, NULL));
}

static void
on_datasets_read (gpointer source, gpointer data, gpointer infos, const GError *error)
{
  LabNewRunDialog *self = source;
  self->datasets = infos != NULL ? infos : g_ptr_array_new ();
  if (error != NULL)
    g_debug ("new run: data sets: %s", error->message);
  g_autofree char *dataset = g_strdup (lab_new_run_form_selected_dataset (self));
  g_autofree char *protocol = g_strdup (lab_new_run_form_selected_protocol (self));
  self->filling = TRUE;
  lab_new_run_form_fill_datasets (self, dataset);
  lab_new_run_form_fill_protocols (self, protocol);
  self->filling = FALSE;
  lab_new_run_form_recompute (self);
  read_done (self);
}

/* --- create: the run queued on the gateway's write lane */

typedef struct
{
  char *text;     /* the configuration */
  gint64 run;     /* out: the queued run */
  char *name_why; /* out: why the name cannot be used, or NULL */
} Create;

static void
create_free (Create *c)
{
  g_free (c->text);
  g_free (c->name_why);
  g_free (c);
}

static void
queue_run (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  Create *c = data;
  GError *error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (c->text, &error);
  gint64 existing = 0;
  if (cfg != NULL && cfg->name != NULL && cfg->name[0] != '\0')
    {
      gboolean number = TRUE;
      for (const char *p = cfg->name; *p != '\0'; p++)
        number &= g_ascii_isdigit (*p) != 0;
      if (number)
        c->name_why = g_strdup (_("A name cannot be a number: numbers are run ids"));
      else if (cari_store_find_run (store, cfg->name, &existing, NULL))
        c->name_why = g_strdup_printf (_("Another run is called “%s”"), cfg->name);
    }
  if (cfg != NULL && c->name_why == NULL)
    c->run = cari_launch_queue_run (store, cfg, &error);
  lab_store_job_return_boolean (task, error == NULL, error);
}

static void
set_creating (LabNewRunDialog *self, gboolean creating)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-run.create",
                                 !creating && self->text != NULL);
  lab_property_set_boolean (self, &self->creating, creating, props[PROP_CREATING]);
}

static void
on_queued (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabNewRunDialog *self = source;
  Create *c = data;
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not queue the run: %s"), error->message);
      gtk_label_set_text (self->error_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->error_group), TRUE);
      set_creating (self, FALSE);
      return;
    }
  if (c->name_why != NULL)
    {
      set_creating (self, FALSE);
      lab_new_run_form_mark_row (self, GTK_WIDGET (self->name_row), c->name_why);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-run.create", FALSE);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
      return;
    }
  self->created = c->run;
  lab_runner_enqueue (self->runner, c->run);
  set_creating (self, FALSE);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.open-run", "x", c->run);
  gtk_window_close (GTK_WINDOW (self));
}

gboolean
lab_new_run_dialog_create (LabNewRunDialog *self)
{
  g_return_val_if_fail (LAB_IS_NEW_RUN_DIALOG (self), FALSE);
  if (self->text == NULL || self->creating)
    return FALSE;
  Create *c = g_new0 (Create, 1);
  c->text = g_strdup (self->text);
  set_creating (self, TRUE);
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_WRITE, queue_run, c,
                           (GDestroyNotify) create_free, self, self->cancellable, on_queued);
  return TRUE;
}

gint64
lab_new_run_dialog_get_created (LabNewRunDialog *self)
{
  g_return_val_if_fail (LAB_IS_NEW_RUN_DIALOG (self), 0);
  return self->created;
}

static void
create_action (GtkWidget *widget, const char *action, GVariant *param)
{
  lab_new_run_dialog_create (LAB_NEW_RUN_DIALOG (widget));
}

/* ------------------------------------------------------------------------------ public API */

GtkWidget *
lab_new_run_dialog_new (GtkWindow *parent, LabStoreGateway *gateway, LabRunner *runner,
                        const char *config_text)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (gateway), NULL);
  g_return_val_if_fail (LAB_IS_RUNNER (runner), NULL);

  LabNewRunDialog *self = g_object_new (LAB_TYPE_NEW_RUN_DIALOG,
                                        "transient-for", parent,
                                        NULL);
  self->gateway = g_object_ref (gateway);
  self->runner = g_object_ref (runner);
  self->base_text = g_strdup (config_text != NULL ? config_text : "");

  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (self->base_text, &error);
  if (cfg == NULL)
    {
      /* The controls start from the defaults; the error says why. */
      g_autoptr (CariRunConfig) defaults = cari_run_config_new (NULL, NULL);
      self->base_preset = g_strdup (defaults->preset);
      lab_new_run_form_fill (self, defaults);
    }
  else
    {
      self->base_preset = g_strdup (cfg->preset);
      lab_new_run_form_fill (self, cfg);
    }

  self->loading = TRUE;
  self->reads = 2;
  lab_store_gateway_start (gateway, LAB_STORE_LANE_LOAD, lab_page_list_datasets_job, NULL, NULL,
                           self, self->cancellable, on_datasets_read);
  lab_store_gateway_start (gateway, LAB_STORE_LANE_LOAD, list_init_runs_job, NULL, NULL, self,
                           self->cancellable, on_init_runs_read);

  lab_new_run_form_recompute (self);
  return GTK_WIDGET (self);
}

const char *
lab_new_run_dialog_get_config_text (LabNewRunDialog *self)
{
  g_return_val_if_fail (LAB_IS_NEW_RUN_DIALOG (self), NULL);
  return self->text;
}

/* ------------------------------------------------------------------------------ GObject */

static void
lab_new_run_dialog_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  LabNewRunDialog *self = LAB_NEW_RUN_DIALOG (object);
  switch (id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_CREATING:
      g_value_set_boolean (value, self->creating);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
lab_new_run_dialog_dispose (GObject *object)
{
  LabNewRunDialog *self = LAB_NEW_RUN_DIALOG (object);

  lab_store_job_cancel (&self->cancellable);
  if (self->init_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->init_chooser));
  g_clear_object (&self->init_chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_NEW_RUN_DIALOG);
  g_clear_object (&self->runner);
  g_clear_object (&self->gateway);

  G_OBJECT_CLASS (lab_new_run_dialog_parent_class)->dispose (object);
}

static void
lab_new_run_dialog_finalize (GObject *object)
{
  LabNewRunDialog *self = LAB_NEW_RUN_DIALOG (object);
  g_free (self->base_text);
  g_free (self->base_preset);
  g_free (self->text);
  g_clear_pointer (&self->datasets, g_ptr_array_unref);
  g_ptr_array_unref (self->dataset_ids);
  g_ptr_array_unref (self->protocol_ids);
  g_ptr_array_unref (self->marked);
  G_OBJECT_CLASS (lab_new_run_dialog_parent_class)->finalize (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, LabNewRunDialog, name)

static void
lab_new_run_dialog_class_init (LabNewRunDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lab_new_run_dialog_get_property;
  object_class->dispose = lab_new_run_dialog_dispose;
  object_class->finalize = lab_new_run_dialog_finalize;

  /* TRUE until the store's data sets are read (their protocols fill the protocol row). */
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  props[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, flags);
  /* TRUE while Create waits for the store. */
  props[PROP_CREATING] = g_param_spec_boolean ("creating", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/carilab/CariLab/ui/lab-new-run-dialog.ui");
  BIND (page);
  BIND (create_button);
  BIND (error_group);
  BIND (error_label);
  BIND (name_row);
  BIND (name_entry);
  BIND (preset_row);
  BIND (seed_row);
  BIND (seed_spin);
  BIND (dataset_row);
  BIND (protocol_row);
  BIND (fold_row);
  BIND (fold_spin);
  BIND (tasks_row);
  BIND (verif_check);
  BIND (cari_check);
  BIND (visual_check);
  BIND (strategy_row);
  BIND (weights_row);
  BIND (weights_entry);
  BIND (task_row);
  BIND (steps_row);
  BIND (steps_spin);
  BIND (caricatures_row);
  BIND (caricatures_spin);
  BIND (photos_row);
  BIND (photos_spin);
  BIND (optimizer_row);
  BIND (lr_row);
  BIND (lr_entry);
  BIND (module_lr_row);
  BIND (module_lr_entry);
  BIND (advanced_row);
  BIND (r_row);
  BIND (r_entry);
  BIND (epsilon_row);
  BIND (epsilon_entry);
  BIND (detach_row);
  BIND (detach_switch);
  BIND (center_weight_row);
  BIND (center_weight_entry);
  BIND (weight_decay_row);
  BIND (weight_decay_entry);
  BIND (clip_norm_row);
  BIND (clip_norm_entry);
  BIND (balanced_row);
  BIND (balanced_switch);
  BIND (validation_row);
  BIND (validation_entry);
  BIND (landmark_row);
  BIND (landmark_switch);
  BIND (eval_every_row);
  BIND (eval_every_spin);
  BIND (checkpoint_every_row);
  BIND (checkpoint_every_spin);
  BIND (init_from_row);
  BIND (init_from_entry);
  BIND (init_runs_button);
  BIND (init_file_button);
  BIND (partial_row);
  BIND (partial_switch);
  BIND (branches_row);
  BIND (branches_switch);
  BIND (config_row);
  BIND (config_view);
  gtk_widget_class_bind_template_callback (widget_class, on_control_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_strategy_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_preset_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_dataset_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_init_from_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_init_file_clicked);

  gtk_widget_class_install_action (widget_class, "new-run.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "new-run.init-from", "s", init_from_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "new-run.create", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "new-run.create", NULL);
}

#undef BIND

static void
lab_new_run_dialog_init (LabNewRunDialog *self)
{
  /* lab_new_run_dialog_new() fills the controls; until then changes mean nothing. */
  self->filling = TRUE;
  self->cancellable = g_cancellable_new ();
  self->dataset_ids = g_ptr_array_new_with_free_func (g_free);
  self->protocol_ids = g_ptr_array_new_with_free_func (g_free);
  self->marked = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  g_autoptr (GtkStringList) tasks = gtk_string_list_new (NULL);
  for (int t = 0; t < CARI_N_TASKS; t++)
    gtk_string_list_append (tasks, cari_task_names[t]);
  adw_combo_row_set_model (self->task_row, G_LIST_MODEL (tasks));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->create_button));

  /* Each row's subtitle from the template is its default, which an error replaces. */
  struct
  {
    gpointer row, control;
  } rows[] = {
    { self->name_row, self->name_entry },
    { self->preset_row, NULL },
    { self->seed_row, self->seed_spin },
    { self->dataset_row, NULL },
    { self->protocol_row, NULL },
    { self->fold_row, self->fold_spin },
    { self->tasks_row, NULL },
    { self->strategy_row, NULL },
    { self->weights_row, self->weights_entry },
    { self->task_row, NULL },
    { self->steps_row, self->steps_spin },
    { self->caricatures_row, self->caricatures_spin },
    { self->photos_row, self->photos_spin },
    { self->optimizer_row, NULL },
    { self->lr_row, self->lr_entry },
    { self->module_lr_row, self->module_lr_entry },
    { self->r_row, self->r_entry },
    { self->epsilon_row, self->epsilon_entry },
    { self->detach_row, NULL },
    { self->center_weight_row, self->center_weight_entry },
    { self->weight_decay_row, self->weight_decay_entry },
    { self->clip_norm_row, self->clip_norm_entry },
    { self->balanced_row, NULL },
    { self->validation_row, self->validation_entry },
    { self->landmark_row, NULL },
    { self->eval_every_row, self->eval_every_spin },
    { self->checkpoint_every_row, self->checkpoint_every_spin },
    { self->init_from_row, self->init_from_entry },
    { self->partial_row, NULL },
    { self->branches_row, NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const char *subtitle = adw_action_row_get_subtitle (rows[i].row);
      g_object_set_data_full (rows[i].row, "lab-subtitle", g_strdup (subtitle), g_free);
      g_object_set_data (rows[i].row, "lab-control", rows[i].control);
      /* Errors quote what was typed: plain text. */
      adw_preferences_row_set_use_markup (rows[i].row, FALSE);
    }
}
