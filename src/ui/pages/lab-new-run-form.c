/* lab-new-run-form.c — the New Run dialog's form.
 *
 * The configuration is never held twice. The dialog keeps the text it was given (the base) and,
 * after every change, parses it and applies every shown control as "group.key=value" with
 * cari_run_config_set_all, the path of the CLI's --set. The engine says which assignment is at
 * fault, which leads to the row to mark; that setting is left out and the rest applied again,
 * so every bad row is marked at once. The valid result's canonical text is what Create queues
 * and what "Configuration" shows.
 *
 * Two settings derive from others in the engine, and the controls keep that: an empty "Logit
 * Scale r" is `auto` (re-derived from the strategy) and an empty "Module Learning Rate" is
 * `auto` (the network's rate). Changing the preset drops the base's model sizes, which the
 * preset sets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>
#include <stddef.h>

#include <glib/gi18n.h>

#include "lab-new-run-dialog-private.h"
#include "lab-page.h"

/* Config values of the fixed combo rows, by position (the .ui lists their labels). */
static const char *const preset_ids[] = { "demo", "paper" };
/* The strategy and task rows list the engine's names in their order; the optimiser row puts
 * the paper's RMSProp first. */
static const CariOptimizerKind optimizer_order[] = { CARI_OPTIMIZER_RMSPROP, CARI_OPTIMIZER_SGD,
                                                     CARI_OPTIMIZER_ADAM };

/* Protocols of the data sets CariLab knows without the store. SynCari is written in
 * WebCaricature's layout; its pretraining set is a plain folder, the toy set lives in memory. */
static const char *const webcari_protocols[] = { "webcari.restricted", "webcari.unrestricted",
                                                 "webcari.c2p", "webcari.p2c", NULL };

/* ------------------------------------------------------------------------------ helpers */

static guint
index_of (const char *const *ids, guint n, const char *id, guint fallback)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (ids[i], id) == 0)
      return i;
  return fallback;
}

static guint
ptr_index_of (GPtrArray *ids, const char *id)
{
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (ids, i), id) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static const char *
combo_id (AdwComboRow *row, const char *const *ids, guint n)
{
  guint i = adw_combo_row_get_selected (row);
  return i < n ? ids[i] : ids[0];
}

static char *
entry_text (GtkEntry *entry)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
}

const char *
lab_new_run_form_selected_dataset (LabNewRunDialog *self)
{
  guint i = adw_combo_row_get_selected (self->dataset_row);
  return i < self->dataset_ids->len ? g_ptr_array_index (self->dataset_ids, i) : "syncari";
}

/* The protocols of a data set (newly allocated, maybe empty); NULL when unknown (a data set of
 * the store not read yet). */
static GStrv
dataset_protocols (LabNewRunDialog *self, const char *name)
{
  const CariDatasetInfo *info = lab_page_find_dataset (self->datasets, name);
  if (info != NULL && info->protocols != NULL && info->protocols[0] != '\0')
    return g_strsplit (info->protocols, ";", -1);
  if (g_strcmp0 (name, "syncari") == 0)
    return g_strdupv ((GStrv) webcari_protocols);
  if (info != NULL || g_strcmp0 (name, "syncari-pretrain") == 0 || g_strcmp0 (name, "toy") == 0)
    return g_new0 (char *, 1);
  return NULL;
}

static char *
describe_dataset (LabNewRunDialog *self, const char *name)
{
  const CariDatasetInfo *info = lab_page_find_dataset (self->datasets, name);
  if (info != NULL && info->n_identities > 0)
    return g_strdup_printf (_("%s: %d identities, %d caricatures, %d photos"), info->kind,
                            info->n_identities, info->n_caricatures, info->n_photos);
  if (g_strcmp0 (name, "syncari") == 0)
    return g_strdup (_("Embedded: drawn by CariLab on first use"));
  if (g_strcmp0 (name, "syncari-pretrain") == 0)
    return g_strdup (_("SynCari's photo-only identities, for pretraining"));
  if (g_strcmp0 (name, "toy") == 0)
    return g_strdup (_("A small synthetic set in memory, for tests"));
  if (self->loading)
    return g_strdup (_("Reading the run database…"));
  return g_strdup (_("Not in the run database: import it on the Data Sets page"));
}

/* ------------------------------------------------------------------------------ row errors */

static void
set_row_subtitle (GtkWidget *row, const char *subtitle)
{
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL ? subtitle : "");
}

/* The control of a row, when it is one widget (entry, spin button). */
static GtkWidget *
row_control (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "lab-control");
}

static void
clear_marks (LabNewRunDialog *self)
{
  for (guint i = 0; i < self->marked->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->marked, i);
      gtk_widget_remove_css_class (row, "lab-invalid");
      if (row_control (row) != NULL)
        gtk_widget_remove_css_class (row_control (row), "error");
      set_row_subtitle (row, g_object_get_data (G_OBJECT (row), "lab-subtitle"));
    }
  g_ptr_array_set_size (self->marked, 0);
}

void
lab_new_run_form_mark_row (LabNewRunDialog *self, GtkWidget *row, const char *message)
{
  gtk_widget_add_css_class (row, "lab-invalid");
  if (row_control (row) != NULL)
    gtk_widget_add_css_class (row_control (row), "error");
  set_row_subtitle (row, message);
  g_ptr_array_add (self->marked, row);
  /* An error inside the collapsed Advanced rows must not hide. */
  if (gtk_widget_is_ancestor (row, GTK_WIDGET (self->advanced_row)))
    adw_expander_row_set_expanded (self->advanced_row, TRUE);
}

/* A row's own subtitle, which an error replaces for a while. */
static void
set_default_subtitle (GtkWidget *row, char *subtitle)
{
  g_object_set_data_full (G_OBJECT (row), "lab-subtitle", subtitle, g_free);
  if (!gtk_widget_has_css_class (row, "lab-invalid"))
    set_row_subtitle (row, subtitle);
}

/* ------------------------------------------------------------------------------ assignments */

typedef struct
{
  GPtrArray *rows;        /* of GtkWidget * */
  GPtrArray *assignments; /* of char *: "group.key=value" */
} Assignments;

static void
assign (Assignments *a, gpointer row, const char *key, const char *value)
{
  g_ptr_array_add (a->rows, row);
  g_ptr_array_add (a->assignments, g_strdup_printf ("%s=%s", key, value));
}

static void
assign_spin (Assignments *a, AdwActionRow *row, const char *key, GtkSpinButton *spin)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double value = gtk_spin_button_get_value (spin);
  if (gtk_widget_get_visible (GTK_WIDGET (row)))
    assign (a, row, key, g_ascii_formatd (buf, sizeof buf, "%.0f", value));
}

static void
assign_entry (Assignments *a, AdwActionRow *row, const char *key, GtkEntry *entry,
              const char *if_empty)
{
  g_autofree char *text = entry_text (entry);
  if (gtk_widget_get_visible (GTK_WIDGET (row)))
    assign (a, row, key, text[0] == '\0' && if_empty != NULL ? if_empty : text);
}

static void
assign_switch (Assignments *a, AdwActionRow *row, const char *key, GtkSwitch *sw)
{
  if (gtk_widget_get_visible (GTK_WIDGET (row)))
    assign (a, row, key, gtk_switch_get_active (sw) ? "true" : "false");
}

/* Every shown control as "group.key=value". */
static void
collect (LabNewRunDialog *self, Assignments *a)
{
  g_autofree char *name = entry_text (self->name_entry);
  assign (a, self->name_row, "run.name", name);
  assign (a, self->preset_row, "model.preset",
          combo_id (self->preset_row, preset_ids, G_N_ELEMENTS (preset_ids)));
  assign_spin (a, self->seed_row, "run.seed", self->seed_spin);

  assign (a, self->dataset_row, "data.dataset", lab_new_run_form_selected_dataset (self));
  guint p = adw_combo_row_get_selected (self->protocol_row);
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->protocol_row)) && p < self->protocol_ids->len)
    assign (a, self->protocol_row, "data.protocol", g_ptr_array_index (self->protocol_ids, p));
  assign_spin (a, self->fold_row, "data.fold", self->fold_spin);

  g_autoptr (GString) tasks = g_string_new (NULL);
  GtkCheckButton *checks[] = { self->verif_check, self->cari_check, self->visual_check };
  for (int t = 0; t < CARI_N_TASKS; t++)
    if (gtk_check_button_get_active (checks[t]))
      g_string_append_printf (tasks, "%s%s", tasks->len > 0 ? ";" : "", cari_task_names[t]);
  assign (a, self->tasks_row, "tasks.tasks", tasks->str);

  assign (a, self->strategy_row, "strategy.name",
          combo_id (self->strategy_row, cari_strategy_names, CARI_N_STRATEGIES));
  assign_entry (a, self->weights_row, "strategy.weights", self->weights_entry, NULL);
  if (gtk_widget_get_visible (GTK_WIDGET (self->task_row)))
    assign (a, self->task_row, "strategy.task",
            combo_id (self->task_row, cari_task_names, CARI_N_TASKS));
  /* Given even while hidden: an empty entry is the default scale, the same for every strategy
   * ("authors" asks for the authors' ½ for naive and 2 for proposed). */
  g_autofree char *r = entry_text (self->r_entry);
  assign (a, self->r_row, "strategy.r",
          r[0] != '\0' ? r : cari_run_config_key_default ("strategy", "r"));
  assign_entry (a, self->epsilon_row, "strategy.epsilon", self->epsilon_entry, NULL);
  assign_switch (a, self->detach_row, "strategy.detach", self->detach_switch);

  assign_spin (a, self->steps_row, "schedule.steps", self->steps_spin);
  assign_spin (a, self->caricatures_row, "batch.caricatures", self->caricatures_spin);
  assign_spin (a, self->photos_row, "batch.photos", self->photos_spin);
  guint optimizer = adw_combo_row_get_selected (self->optimizer_row);
  assign (a, self->optimizer_row, "optim.name",
          cari_optimizer_kind_to_string (optimizer < G_N_ELEMENTS (optimizer_order)
                                           ? optimizer_order[optimizer]
                                           : optimizer_order[0]));
  assign_entry (a, self->lr_row, "optim.lr", self->lr_entry, NULL);
  assign_entry (a, self->module_lr_row, "optim.module_lr", self->module_lr_entry,
                cari_run_config_key_default ("optim", "module_lr"));

  assign_entry (a, self->center_weight_row, "loss.center_weight", self->center_weight_entry,
                NULL);
  assign_entry (a, self->weight_decay_row, "optim.weight_decay", self->weight_decay_entry, NULL);
  assign_entry (a, self->clip_norm_row, "optim.clip_norm", self->clip_norm_entry, NULL);
  assign_switch (a, self->balanced_row, "batch.balanced", self->balanced_switch);
  assign_entry (a, self->validation_row, "data.validation_fraction", self->validation_entry,
                NULL);
  assign_switch (a, self->landmark_row, "data.landmark_crop", self->landmark_switch);
  assign_spin (a, self->eval_every_row, "schedule.eval_every", self->eval_every_spin);
  assign_spin (a, self->checkpoint_every_row, "schedule.checkpoint_every",
               self->checkpoint_every_spin);
  assign_entry (a, self->init_from_row, "init.from", self->init_from_entry, NULL);
  /* Shown for a safetensors file only; hidden, the base's value stays (false for a new run). */
  assign_switch (a, self->partial_row, "init.partial", self->partial_switch);
  assign_switch (a, self->branches_row, "init.branches_from_visual", self->branches_switch);
}

/* The base text, without its model sizes when the preset changed: the preset sets them. */
static char *
effective_base (LabNewRunDialog *self)
{
  const char *preset = combo_id (self->preset_row, preset_ids, G_N_ELEMENTS (preset_ids));
  if (g_strcmp0 (preset, self->base_preset) == 0)
    return g_strdup (self->base_text);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  if (!g_key_file_load_from_data (kf, self->base_text, -1, G_KEY_FILE_NONE, NULL))
    return g_strdup (self->base_text);
  g_auto (GStrv) keys = g_key_file_get_keys (kf, "model", NULL, NULL);
  for (int i = 0; keys != NULL && keys[i] != NULL; i++)
    g_key_file_remove_key (kf, "model", keys[i], NULL);
  /* Parsed with its own preset, the base would pin that preset's sizes. */
  g_key_file_set_value (kf, "model", "preset", preset);
  return g_key_file_to_data (kf, NULL, NULL);
}

static void
show_text (LabNewRunDialog *self, const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->config_view), text, -1);
}

void
lab_new_run_form_recompute (LabNewRunDialog *self)
{
  if (self->filling)
    return;
  g_autoptr (GError) error = NULL;
  g_autofree char *base = effective_base (self);
  g_autoptr (CariRunConfig) base_cfg = cari_run_config_new (base, &error);
  Assignments a = { g_ptr_array_new (), g_ptr_array_new_with_free_func (g_free) };
  g_autofree gboolean *left_out = NULL;
  g_autofree char *general = NULL;
  g_autoptr (CariRunConfig) cfg = NULL;

  clear_marks (self);
  g_clear_pointer (&self->text, g_free);
  collect (self, &a);
  left_out = g_new0 (gboolean, a.assignments->len + 1);
  if (base_cfg == NULL)
    general = g_strdup_printf (_("The configuration this run starts from is invalid: %s"),
                               error->message);
  /* Apply; leave out each setting the engine refuses, mark its row, and try again. */
  for (guint attempt = 0; base_cfg != NULL && attempt <= a.assignments->len; attempt++)
    {
      g_autoptr (GPtrArray) given = g_ptr_array_new ();
      g_autofree guint *origin = g_new (guint, a.assignments->len + 1);
      for (guint i = 0; i < a.assignments->len; i++)
        if (!left_out[i])
          {
            origin[given->len] = i;
            g_ptr_array_add (given, g_ptr_array_index (a.assignments, i));
          }
      g_ptr_array_add (given, NULL);
      g_clear_error (&error);
      g_clear_pointer (&cfg, cari_run_config_free);
      cfg = cari_run_config_copy (base_cfg);
      int failed = -1;
      if (cari_run_config_set_all (cfg, (const char *const *) given->pdata, &failed, &error))
        break;
      g_clear_pointer (&cfg, cari_run_config_free);
      /* With a marked row left out, the base's value may fail the same way (static weights
       * left empty): the row says so already; what remains shows once the rows are mended. */
      if (failed < 0 && self->marked->len > 0)
        break;
      if (failed < 0)
        {
          general = g_strdup (error->message);
          break;
        }
      int culprit = (int) origin[failed];
      left_out[culprit] = TRUE;
      lab_new_run_form_mark_row (self, g_ptr_array_index (a.rows, culprit), error->message);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->error_group), general != NULL);
  gtk_label_set_text (self->error_label, general != NULL ? general : "");
  gboolean valid = cfg != NULL && self->marked->len == 0 && general == NULL;
  if (valid)
    {
      self->text = cari_run_config_to_text (cfg);
      show_text (self, self->text);
    }
  else
    {
      /* No text yet: what stands in the way, as comments of the file it will be. */
      g_autoptr (GString) why = g_string_new (_("# Not valid yet:"));
      g_string_append_c (why, '\n');
      if (general != NULL)
        g_string_append_printf (why, "# %s\n", general);
      for (guint i = 0; i < self->marked->len; i++)
        g_string_append_printf (why, "# %s\n",
                                adw_action_row_get_subtitle (g_ptr_array_index (self->marked, i)));
      show_text (self, why->str);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-run.create", valid && !self->creating);

  g_ptr_array_unref (a.rows);
  g_ptr_array_unref (a.assignments);
}

/* ------------------------------------------------------------------------------ visibility */

void
lab_new_run_form_update_strategy_rows (LabNewRunDialog *self)
{
  static const char *descriptions[] = {
    N_ ("The paper's: the weight module learns from L4, the weights are constants for the "
        "network"),
    N_ ("Yin and Liu's: the weight module trains with the network on the weighted loss"),
    N_ ("Fixed weights, one per task"),
    N_ ("One task alone"),
    N_ ("1/T for each of the T tasks"),
  };
  guint s = MIN (adw_combo_row_get_selected (self->strategy_row), G_N_ELEMENTS (descriptions) - 1);
  gboolean module = s == CARI_STRATEGY_PROPOSED || s == CARI_STRATEGY_NAIVE;
  set_default_subtitle (GTK_WIDGET (self->strategy_row), g_strdup (_(descriptions[s])));
  gtk_widget_set_visible (GTK_WIDGET (self->weights_row), s == CARI_STRATEGY_STATIC);
  gtk_widget_set_visible (GTK_WIDGET (self->task_row), s == CARI_STRATEGY_SINGLE);
  gtk_widget_set_visible (GTK_WIDGET (self->module_lr_row), module);
  gtk_widget_set_visible (GTK_WIDGET (self->r_row), module);
  gtk_widget_set_visible (GTK_WIDGET (self->epsilon_row), s == CARI_STRATEGY_PROPOSED);
  gtk_widget_set_visible (GTK_WIDGET (self->detach_row), s == CARI_STRATEGY_PROPOSED);
}

void
lab_new_run_form_update_preset_subtitle (LabNewRunDialog *self)
{
  gboolean paper = adw_combo_row_get_selected (self->preset_row) == 1;
  set_default_subtitle (GTK_WIDGET (self->preset_row),
                        g_strdup (paper ? _("160×160 pixels, the paper's full network")
                                        : _("96×96 pixels, a quarter of the channels: minutes "
                                            "on a laptop")));
}

void
lab_new_run_form_update_init_rows (LabNewRunDialog *self)
{
  g_autofree char *from = entry_text (self->init_from_entry);
  /* The engine's test: a name that ends so is read as PyTorch's tensors. */
  gtk_widget_set_visible (GTK_WIDGET (self->partial_row), g_str_has_suffix (from, ".safetensors"));
}

/* Fills the protocol row with the protocols of the chosen data set, keeping `keep` selected
 * when it is one of them. */
void
lab_new_run_form_fill_protocols (LabNewRunDialog *self, const char *keep)
{
  g_auto (GStrv) protocols = dataset_protocols (self, lab_new_run_form_selected_dataset (self));
  g_autofree char *kept = g_strdup (keep);
  g_ptr_array_set_size (self->protocol_ids, 0);
  if (protocols == NULL)
    /* Not read yet: the one we have, so that nothing changes meanwhile. */
    g_ptr_array_add (self->protocol_ids, g_strdup (kept));
  else
    for (int i = 0; protocols[i] != NULL; i++)
      g_ptr_array_add (self->protocol_ids, g_strdup (protocols[i]));
  gboolean none = self->protocol_ids->len == 0;
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);
  if (none)
    gtk_string_list_append (model, C_("protocol", "None"));
  for (guint i = 0; i < self->protocol_ids->len; i++)
    gtk_string_list_append (model, g_ptr_array_index (self->protocol_ids, i));
  adw_combo_row_set_model (self->protocol_row, G_LIST_MODEL (model));
  guint at = ptr_index_of (self->protocol_ids, kept);
  adw_combo_row_set_selected (self->protocol_row, at != GTK_INVALID_LIST_POSITION ? at : 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->protocol_row), !none);
  gtk_widget_set_sensitive (GTK_WIDGET (self->fold_row), !none);
  set_default_subtitle (GTK_WIDGET (self->protocol_row),
                        g_strdup (none ? _("This data set has no protocols: no image is kept "
                                           "for testing")
                                       : _("The run never sees this protocol fold's test "
                                           "images")));
  g_autofree char *about = describe_dataset (self, lab_new_run_form_selected_dataset (self));
  set_default_subtitle (GTK_WIDGET (self->dataset_row), g_steal_pointer (&about));
}

const char *
lab_new_run_form_selected_protocol (LabNewRunDialog *self)
{
  guint p = adw_combo_row_get_selected (self->protocol_row);
  return p < self->protocol_ids->len ? g_ptr_array_index (self->protocol_ids, p) : NULL;
}

/* The data set row: the embedded ones, then the store's, then `keep` when it is none of them
 * (a configuration naming a data set this store lacks stays as it is). */
void
lab_new_run_form_fill_datasets (LabNewRunDialog *self, const char *keep)
{
  static const char *const builtin[] = { "syncari", "syncari-pretrain", "toy" };
  g_autofree char *kept = g_strdup (keep);
  g_ptr_array_set_size (self->dataset_ids, 0);
  for (guint i = 0; i < G_N_ELEMENTS (builtin); i++)
    g_ptr_array_add (self->dataset_ids, g_strdup (builtin[i]));
  for (guint i = 0; self->datasets != NULL && i < self->datasets->len; i++)
    {
      const CariDatasetInfo *info = g_ptr_array_index (self->datasets, i);
      if (ptr_index_of (self->dataset_ids, info->name) == GTK_INVALID_LIST_POSITION)
        g_ptr_array_add (self->dataset_ids, g_strdup (info->name));
    }
  if (kept != NULL && ptr_index_of (self->dataset_ids, kept) == GTK_INVALID_LIST_POSITION)
    g_ptr_array_add (self->dataset_ids, g_strdup (kept));
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);
  for (guint i = 0; i < self->dataset_ids->len; i++)
    gtk_string_list_append (model, g_ptr_array_index (self->dataset_ids, i));
  adw_combo_row_set_model (self->dataset_row, G_LIST_MODEL (model));
  guint at = ptr_index_of (self->dataset_ids, kept);
  adw_combo_row_set_selected (self->dataset_row, at != GTK_INVALID_LIST_POSITION ? at : 0);
}

/* ------------------------------------------------------------------------------ filling */

static void
set_entry (GtkEntry *entry, GKeyFile *kf, const char *group, const char *key)
{
  g_autofree char *value = g_key_file_get_value (kf, group, key, NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), value != NULL ? value : "");
}

/* Sets every control from `cfg` (the parsed base). */
void
lab_new_run_form_fill (LabNewRunDialog *self, const CariRunConfig *cfg)
{
  g_autofree char *canonical = cari_run_config_to_text (cfg);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_key_file_load_from_data (kf, canonical, -1, G_KEY_FILE_NONE, NULL);

  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), cfg->name != NULL ? cfg->name : "");
  adw_combo_row_set_selected (self->preset_row,
                              index_of (preset_ids, G_N_ELEMENTS (preset_ids), cfg->preset, 0));
  gtk_spin_button_set_value (self->seed_spin, (double) cfg->seed);

  lab_new_run_form_fill_datasets (self, cfg->dataset);
  lab_new_run_form_fill_protocols (self, cfg->protocol);
  gtk_spin_button_set_value (self->fold_spin, cfg->fold);

  gtk_check_button_set_active (self->verif_check, cfg->tasks & CARI_TASK_BIT (CARI_TASK_VERIF));
  gtk_check_button_set_active (self->cari_check, cfg->tasks & CARI_TASK_BIT (CARI_TASK_CARI));
  gtk_check_button_set_active (self->visual_check,
                               cfg->tasks & CARI_TASK_BIT (CARI_TASK_VISUAL));
  adw_combo_row_set_selected (self->strategy_row, cfg->strategy);
  set_entry (self->weights_entry, kf, "strategy", "weights");
  adw_combo_row_set_selected (self->task_row, cfg->strategy == CARI_STRATEGY_SINGLE
                                                ? (guint) cfg->single_task
                                                : 0);
  /* Empty when it is the default. */
  if (!cfg->r_authors
      && cfg->r == g_ascii_strtod (cari_run_config_key_default ("strategy", "r"), NULL))
    gtk_editable_set_text (GTK_EDITABLE (self->r_entry), "");
  else
    set_entry (self->r_entry, kf, "strategy", "r");
  set_entry (self->epsilon_entry, kf, "strategy", "epsilon");
  gtk_switch_set_active (self->detach_switch, cfg->detach);

  gtk_spin_button_set_value (self->steps_spin, cfg->steps);
  gtk_spin_button_set_value (self->caricatures_spin, cfg->caricatures);
  gtk_spin_button_set_value (self->photos_spin, cfg->photos);
  guint optimizer = 0;
  for (guint i = 0; i < G_N_ELEMENTS (optimizer_order); i++)
    if (optimizer_order[i] == cfg->optim.kind)
      optimizer = i;
  adw_combo_row_set_selected (self->optimizer_row, optimizer);
  set_entry (self->lr_entry, kf, "optim", "lr");
  if (cfg->module_lr < 0.0)
    gtk_editable_set_text (GTK_EDITABLE (self->module_lr_entry), "");
  else
    set_entry (self->module_lr_entry, kf, "optim", "module_lr");

  set_entry (self->center_weight_entry, kf, "loss", "center_weight");
  set_entry (self->weight_decay_entry, kf, "optim", "weight_decay");
  set_entry (self->clip_norm_entry, kf, "optim", "clip_norm");
  gtk_switch_set_active (self->balanced_switch, cfg->balanced);
  set_entry (self->validation_entry, kf, "data", "validation_fraction");
  gtk_switch_set_active (self->landmark_switch, cfg->landmark_crop);
  gtk_spin_button_set_value (self->eval_every_spin, cfg->eval_every);
  gtk_spin_button_set_value (self->checkpoint_every_spin, cfg->checkpoint_every);
  set_entry (self->init_from_entry, kf, "init", "from");
  gtk_switch_set_active (self->partial_switch, cfg->init_partial);
  gtk_switch_set_active (self->branches_switch, cfg->branches_from_visual);

  lab_new_run_form_update_strategy_rows (self);
  lab_new_run_form_update_preset_subtitle (self);
  lab_new_run_form_update_init_rows (self);
  self->filling = FALSE;
}

