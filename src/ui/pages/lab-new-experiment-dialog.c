/* lab-new-experiment-dialog.c — the New Experiment dialog.
 *
 * The definition lives in a CariExperimentDef that the controls write; after each change the dry
 * run (cari_experiment_plan, cari_experiment_estimate_seconds) runs on the gateway's poll lane and
 * its count and ETA show under the controls. Create records the experiment on the write lane
 * (cari_experiment_create: one transaction), queues it in the runner and closes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>

#include "lab-new-experiment-dialog.h"
#include "lab-page.h"
#include "lab-property.h"

static const char *const presets[] = { "fig6", "table2", "fig5", "paper", NULL };

struct _LabNewExperimentDialog
{
  AdwWindow parent_instance;

  LabStoreGateway *gateway; /* owned */
  LabRunner *runner;        /* owned */
  GCancellable *plan_job;   /* owned */
  GCancellable *cancellable;/* owned: of the creation */
  CariExperimentDef *def;   /* owned: what the controls say */
  GHashTable *extra;        /* key → value set through set_key, kept across presets */
  char *default_name;       /* owned: the name the entry had from us */
  gboolean syncing;         /* the controls are set from def: no handler writes back */
  gboolean planning;
  gboolean creating;
  int n_runs;
  char *plan_text;          /* owned */

  AdwEntryRow *name_row;
  AdwComboRow *preset_row;
  GtkSpinButton *seeds;
  GtkSpinButton *secondary_seeds;
  GtkSpinButton *steps;
  GtkLabel *plan_label;
};

G_DEFINE_FINAL_TYPE (LabNewExperimentDialog, lab_new_experiment_dialog, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_PLANNING,
  PROP_CREATING,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

enum
{
  SIGNAL_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char *definition;
  char *name;
  int n_runs;
  double seconds;
  gboolean measured;
  gint64 experiment;
} Job;

static void
job_free (Job *job)
{
  g_free (job->definition);
  g_free (job->name);
  g_free (job);
}

static const char *
current_name (LabNewExperimentDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  return text != NULL && text[0] != '\0' ? text : self->default_name;
}

static void
set_plan_text (LabNewExperimentDialog *self, const char *text, gboolean error)
{
  g_free (self->plan_text);
  self->plan_text = g_strdup (text);
  gtk_label_set_text (self->plan_label, text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->plan_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->plan_label), "error");
}

static void
update_create (LabNewExperimentDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-experiment.create",
                                 !self->creating && !self->planning && self->n_runs > 0);
}

/* ------------------------------------------------------------------------------ the plan */

static void
plan_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  g_autoptr (CariExperimentDef) def = cari_experiment_def_from_text (job->definition, &error);
  g_autoptr (GPtrArray) plan = def != NULL ? cari_experiment_plan (def, job->name, &error) : NULL;
  if (plan != NULL)
    {
      job->n_runs = (int) plan->len;
      job->seconds = cari_experiment_estimate_seconds (store, def, &job->measured);
    }
  lab_store_job_return_boolean (task, plan != NULL, error);
}

static void
on_planned (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabNewExperimentDialog *self = source;
  Job *job = data;
  self->n_runs = error == NULL ? job->n_runs : 0;
  if (error != NULL)
    set_plan_text (self, error->message, TRUE);
  else
    {
      g_autofree char *eta = lab_page_format_duration (job->seconds);
      g_autofree char *runs = g_strdup_printf (ngettext ("%d run: the shared pretraining, then "
                                                         "%d trained and evaluated, seed by seed",
                                                         "%d runs: the shared pretraining, then "
                                                         "%d trained and evaluated, seed by seed",
                                                         job->n_runs),
                                               job->n_runs, job->n_runs - 1);
      g_autofree char *text = g_strdup_printf (
        job->measured ? _("%s.\nAbout %s on this machine (from this database's finished runs).")
                      : _("%s.\nAbout %s (a default estimate: no finished run of this model "
                          "yet)."),
        runs, eta);
      set_plan_text (self, text, FALSE);
    }
  lab_property_set_boolean (self, &self->planning, FALSE, props[PROP_PLANNING]);
  update_create (self);
}

static void
replan (LabNewExperimentDialog *self)
{
  Job *job = g_new0 (Job, 1);
  job->definition = cari_experiment_def_to_text (self->def);
  job->name = g_strdup (current_name (self));
  lab_property_set_boolean (self, &self->planning, TRUE, props[PROP_PLANNING]);
  update_create (self);
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_POLL, plan_job, job,
                           (GDestroyNotify) job_free, self, lab_store_job_replace (&self->plan_job),
                           on_planned);
}

/* ------------------------------------------------------------------------------ controls */

static void
sync_controls (LabNewExperimentDialog *self)
{
  self->syncing = TRUE;
  gtk_spin_button_set_value (self->seeds, self->def->seeds);
  gtk_spin_button_set_value (self->secondary_seeds, self->def->secondary_seeds);
  gtk_spin_button_set_value (self->steps, self->def->steps);
  for (guint i = 0; presets[i] != NULL; i++)
    if (g_str_equal (presets[i], self->def->preset))
      adw_combo_row_set_selected (self->preset_row, i);
  self->syncing = FALSE;
}

static char *
make_default_name (const char *preset)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%Y%m%d-%H%M%S");
  return g_strdup_printf ("%s-%s", preset, when);
}

/* A new definition from `preset`'s defaults, with the keys set through set_key again. */
static gboolean
use_preset (LabNewExperimentDialog *self, const char *preset, GError **error)
{
  g_autoptr (CariExperimentDef) def = cari_experiment_def_new (preset, error);
  if (def == NULL)
    return FALSE;
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, self->extra);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!cari_experiment_def_set (def, key, value, error))
      return FALSE;
  cari_experiment_def_free (self->def);
  self->def = g_steal_pointer (&def);
  g_free (self->default_name);
  self->default_name = make_default_name (preset);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_row), NULL);
  sync_controls (self);
  return TRUE;
}

static void
on_preset (LabNewExperimentDialog *self)
{
  guint i = adw_combo_row_get_selected (self->preset_row);
  if (self->syncing || i >= G_N_ELEMENTS (presets) - 1)
    return;
  g_autoptr (GError) error = NULL;
  if (!use_preset (self, presets[i], &error))
    set_plan_text (self, error->message, TRUE);
  g_autofree char *placeholder = g_strdup_printf (_("Name (empty: %s)"), self->default_name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), placeholder);
  replan (self);
}

static void
on_spin (GtkSpinButton *spin, LabNewExperimentDialog *self)
{
  if (self->syncing)
    return;
  const char *key = g_object_get_data (G_OBJECT (spin), "lab-key");
  g_autofree char *text = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (spin));
  g_autoptr (GError) error = NULL;
  if (!cari_experiment_def_set (self->def, key, text, &error))
    set_plan_text (self, error->message, TRUE);
  replan (self);
}

static GtkSpinButton *
add_spin_row (LabNewExperimentDialog *self, GtkWidget *group, const char *title,
              const char *subtitle, const char *key, double min, double max)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, 1);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_object_set_data (G_OBJECT (spin), "lab-key", (gpointer) key);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return GTK_SPIN_BUTTON (spin);
}

/* ------------------------------------------------------------------------------ create */

static void
create_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  g_autoptr (CariExperimentDef) def = cari_experiment_def_from_text (job->definition, &error);
  job->experiment = def != NULL ? cari_experiment_create (store, job->name, def, &error) : 0;
  lab_store_job_return_boolean (task, job->experiment > 0, error);
}

static void
set_creating (LabNewExperimentDialog *self, gboolean creating)
{
  lab_property_set_boolean (self, &self->creating, creating, props[PROP_CREATING]);
  update_create (self);
}

static void
on_created (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabNewExperimentDialog *self = source;
  Job *job = data;
  set_creating (self, FALSE);
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not create the experiment: %s"),
                                               error->message);
      set_plan_text (self, text, TRUE);
      return;
    }
  lab_runner_enqueue_experiment (self->runner, job->experiment);
  g_signal_emit (self, signals[SIGNAL_CREATED], 0, job->experiment);
  gtk_window_close (GTK_WINDOW (self));
}

gboolean
lab_new_experiment_dialog_create (LabNewExperimentDialog *self)
{
  g_return_val_if_fail (LAB_IS_NEW_EXPERIMENT_DIALOG (self), FALSE);
  if (self->creating || self->n_runs <= 0)
    return FALSE;
  Job *job = g_new0 (Job, 1);
  job->definition = cari_experiment_def_to_text (self->def);
  job->name = g_strdup (current_name (self));
  set_creating (self, TRUE);
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_WRITE, create_job, job,
                           (GDestroyNotify) job_free, self, self->cancellable, on_created);
  return TRUE;
}

static void
create_action (GtkWidget *widget, const char *action, GVariant *param)
{
  lab_new_experiment_dialog_create (LAB_NEW_EXPERIMENT_DIALOG (widget));
}

static void
cancel_action (GtkWidget *widget, const char *action, GVariant *param)
{
  gtk_window_close (GTK_WINDOW (widget));
}

/* ------------------------------------------------------------------------------ public API */

static void
build (LabNewExperimentDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "new-experiment.cancel");
  GtkWidget *create = gtk_button_new_with_mnemonic (_("C_reate"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (create), "new-experiment.create");
  gtk_widget_add_css_class (create, "suggested-action");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), create);
  gtk_box_append (GTK_BOX (box), header);
  gtk_window_set_default_widget (GTK_WINDOW (self), create);

  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  lab_page_set_margins (content, 12, 12, 18, 12);
  GtkWidget *group = adw_preferences_group_new ();
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("A grid of runs sharing one pretraining, on SynCari; "
                                           "the seed is the unit of replication."));
  self->preset_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->preset_row), _("Preset"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->preset_row),
                               _("fig6: proposed and naive on two tasks; table2: Table 2 and Fig. "
                                 "7's strategies and single-task models; fig5: static caricature "
                                 "weights; paper: all of them"));
  GtkStringList *names = gtk_string_list_new ((const char *const *) presets);
  adw_combo_row_set_model (self->preset_row, G_LIST_MODEL (names));
  g_object_unref (names);
  g_signal_connect_swapped (self->preset_row, "notify::selected", G_CALLBACK (on_preset), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->preset_row));
  self->name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_entry_row_set_activates_default (self->name_row, TRUE);
  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (replan), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->name_row));
  self->seeds = add_spin_row (self, group, _("Seeds"),
                              _("of the primary pair, proposed and naive"), "seeds", 1, 1000);
  self->secondary_seeds = add_spin_row (self, group, _("Secondary seeds"),
                                        _("of every other cell"), "secondary_seeds", 0, 1000);
  self->steps = add_spin_row (self, group, _("Steps"), _("of every run of the grid"), "steps", 1,
                              1000000);
  gtk_box_append (GTK_BOX (content), group);
  self->plan_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->plan_label, 0);
  gtk_label_set_wrap (self->plan_label, TRUE);
  gtk_label_set_selectable (self->plan_label, TRUE);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->plan_label));
  gtk_box_append (GTK_BOX (box), content);
  adw_window_set_content (ADW_WINDOW (self), box);
}

GtkWidget *
lab_new_experiment_dialog_new (GtkWindow *parent, LabStoreGateway *gateway, LabRunner *runner)
{
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (gateway), NULL);
  g_return_val_if_fail (LAB_IS_RUNNER (runner), NULL);
  LabNewExperimentDialog *self = g_object_new (LAB_TYPE_NEW_EXPERIMENT_DIALOG,
                                               "modal", parent != NULL, "transient-for", parent,
                                               "title", _("New Experiment"), "default-width", 520,
                                               NULL);
  self->gateway = g_object_ref (gateway);
  self->runner = g_object_ref (runner);
  build (self);
  use_preset (self, presets[0], NULL);
  on_preset (self);
  return GTK_WIDGET (self);
}

gboolean
lab_new_experiment_dialog_set_key (LabNewExperimentDialog *self, const char *key,
                                   const char *value, GError **error)
{
  g_return_val_if_fail (LAB_IS_NEW_EXPERIMENT_DIALOG (self), FALSE);
  if (g_str_equal (key, "preset"))
    {
      if (!use_preset (self, value, error))
        return FALSE;
      on_preset (self);
      return TRUE;
    }
  if (!cari_experiment_def_set (self->def, key, value, error))
    return FALSE;
  g_hash_table_insert (self->extra, g_strdup (key), g_strdup (value));
  sync_controls (self);
  replan (self);
  return TRUE;
}

void
lab_new_experiment_dialog_set_name (LabNewExperimentDialog *self, const char *name)
{
  g_return_if_fail (LAB_IS_NEW_EXPERIMENT_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
}

int
lab_new_experiment_dialog_get_n_runs (LabNewExperimentDialog *self)
{
  g_return_val_if_fail (LAB_IS_NEW_EXPERIMENT_DIALOG (self), 0);
  return self->planning ? 0 : self->n_runs;
}

const char *
lab_new_experiment_dialog_get_plan_text (LabNewExperimentDialog *self)
{
  g_return_val_if_fail (LAB_IS_NEW_EXPERIMENT_DIALOG (self), NULL);
  return self->plan_text;
}

/* ------------------------------------------------------------------------------ GObject */

static void
lab_new_experiment_dialog_get_property (GObject *object, guint id, GValue *value,
                                        GParamSpec *pspec)
{
  LabNewExperimentDialog *self = LAB_NEW_EXPERIMENT_DIALOG (object);
  switch (id)
    {
    case PROP_PLANNING:
      g_value_set_boolean (value, self->planning);
      break;
    case PROP_CREATING:
      g_value_set_boolean (value, self->creating);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
lab_new_experiment_dialog_dispose (GObject *object)
{
  LabNewExperimentDialog *self = LAB_NEW_EXPERIMENT_DIALOG (object);
  lab_store_job_cancel (&self->plan_job);
  lab_store_job_cancel (&self->cancellable);
  g_clear_object (&self->gateway);
  g_clear_object (&self->runner);
  G_OBJECT_CLASS (lab_new_experiment_dialog_parent_class)->dispose (object);
}

static void
lab_new_experiment_dialog_finalize (GObject *object)
{
  LabNewExperimentDialog *self = LAB_NEW_EXPERIMENT_DIALOG (object);
  cari_experiment_def_free (self->def);
  g_hash_table_unref (self->extra);
  g_free (self->default_name);
  g_free (self->plan_text);
  G_OBJECT_CLASS (lab_new_experiment_dialog_parent_class)->finalize (object);
}

static void
lab_new_experiment_dialog_class_init (LabNewExperimentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->get_property = lab_new_experiment_dialog_get_property;
  object_class->dispose = lab_new_experiment_dialog_dispose;
  object_class->finalize = lab_new_experiment_dialog_finalize;

  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  props[PROP_PLANNING] = g_param_spec_boolean ("planning", NULL, NULL, FALSE, flags);
  props[PROP_CREATING] = g_param_spec_boolean ("creating", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
  /**
   * LabNewExperimentDialog::created:
   * @experiment: the experiment recorded and queued
   */
  signals[SIGNAL_CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  gtk_widget_class_install_action (widget_class, "new-experiment.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "new-experiment.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "new-experiment.cancel",
                                       NULL);
}

static void
lab_new_experiment_dialog_init (LabNewExperimentDialog *self)
{
  self->extra = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cancellable = g_cancellable_new ();
}
