/* lab-datasets-page.c — the Data Sets page.
 *
 * The list is read on the store gateway's load lane (cari_store_list_datasets counts images and
 * protocols); an import reads its folder in a GTask, then writes the index on the write lane,
 * as a deletion does. SynCari is listed
 * first: until it is generated its row offers to generate it in the runner's queue, whose
 * progress shows in the window's activity bar.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>

#include "cari.h"

#include "lab-datasets-page.h"
#include "lab-import-dialog.h"
#include "lab-page.h"
#include "lab-property.h"

/* Warnings listed after an import; the rest are counted. */
#define MAX_WARNING_ROWS 200

struct _LabDatasetsPage
{
  AdwBin parent_instance;

  /* owned */
  LabStoreGateway *gateway;
  LabRunner *runner;
  GPtrArray *datasets;   /* of CariDatasetInfo *, as last read; NULL before */
  GPtrArray *warning_rows; /* of GtkWidget *, in warnings_row */
  GCancellable *cancellable;
  gboolean loading;
  gboolean reload;       /* a refresh was asked for while one was in flight */
  gboolean importing;
  gboolean reading;      /* the import's first step (the folder, every image decoded) runs */
  int generating;        /* data sets the runner still prepares for the Generate button */

  /* template */
  AdwPreferencesGroup *import_group;
  AdwActionRow *import_row;
  GtkStack *import_icon_stack;
  GtkSpinner *import_spinner;
  GtkButton *import_dismiss_button;
  AdwExpanderRow *warnings_row;
  AdwPreferencesGroup *datasets_group;
  GtkButton *add_button;
  GtkListBox *list_box;
};

G_DEFINE_FINAL_TYPE (LabDatasetsPage, lab_datasets_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_LOADING,
  PROP_IMPORTING,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static gboolean
has_images (const CariDatasetInfo *info)
{
  return info != NULL && info->n_caricatures + info->n_photos > 0;
}

static gboolean
is_syncari (const char *name)
{
  return g_strcmp0 (name, "syncari") == 0 || g_strcmp0 (name, "syncari-pretrain") == 0;
}

static const char *
kind_label (const CariDatasetInfo *info)
{
  if (is_syncari (info->name))
    return _("SynCari (embedded)");
  if (g_strcmp0 (info->kind, "webcari") == 0)
    return C_ ("data set kind", "WebCaricature");
  if (g_strcmp0 (info->kind, "cavi") == 0)
    return C_ ("data set kind", "CaVI");
  if (g_strcmp0 (info->kind, "folder") == 0)
    return C_ ("data set kind", "Plain Folder");
  return info->kind;
}

/* ------------------------------------------------------------------------------ rows */

static void on_delete_clicked (GtkButton *button, LabDatasetsPage *self);
static void on_generate_clicked (LabDatasetsPage *self);

static GtkWidget *
dataset_row (LabDatasetsPage *self, const CariDatasetInfo *info)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->name);

  g_autofree char *counts = g_strdup_printf (
    _("%s · %d identities · %d caricatures · %d photos"), kind_label (info), info->n_identities,
    info->n_caricatures, info->n_photos);
  g_autofree char *protocols = NULL;
  if (info->protocols != NULL && info->protocols[0] != '\0')
    {
      g_auto (GStrv) list = g_strsplit (info->protocols, ";", -1);
      g_autofree char *joined = g_strjoinv (", ", list);
      protocols = g_strdup_printf (_("Protocols: %s"), joined);
    }
  else
    protocols = g_strdup (_("No protocols"));
  g_autofree char *runs = g_strdup_printf (ngettext ("used by %d run", "used by %d runs",
                                                    info->n_runs),
                                           info->n_runs);
  g_autofree char *subtitle = g_strdup_printf ("%s\n%s · %s", counts, protocols, runs);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (info->root != NULL && info->root[0] != '\0')
    gtk_widget_set_tooltip_text (row, info->root);

  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _("Delete Data Set…"));
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data_full (G_OBJECT (remove), "lab-dataset", g_strdup (info->name), g_free);
  g_object_set_data (G_OBJECT (remove), "lab-dataset-id", GSIZE_TO_POINTER ((gsize) info->id));
  g_signal_connect_object (remove, "clicked", G_CALLBACK (on_delete_clicked), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  gtk_widget_set_name (row, info->name);
  return row;
}

static GtkWidget *
syncari_row (LabDatasetsPage *self)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("SynCari (embedded) — not "
                                                              "generated yet"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("A caricature–photo data set CariLab draws itself, in "
                                 "WebCaricature's layout, with a photo-only set for "
                                 "pretraining. A run that needs it generates it, or do it now "
                                 "(a few minutes)."));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  GtkWidget *button = gtk_button_new_with_mnemonic (self->generating > 0 ? _("Generating…")
                                                                         : _("_Generate"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (button, self->generating == 0);
  gtk_widget_add_css_class (button, "suggested-action");
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_generate_clicked), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  gtk_widget_set_name (row, "syncari-generate");
  return row;
}

static void
rebuild_rows (LabDatasetsPage *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  /* SynCari first. A run queued before it was generated leaves an empty row of its name. */
  const CariDatasetInfo *syncari = lab_page_find_dataset (self->datasets, "syncari");
  const CariDatasetInfo *pretrain = lab_page_find_dataset (self->datasets, "syncari-pretrain");
  if (!has_images (syncari))
    gtk_list_box_append (self->list_box, syncari_row (self));
  else
    gtk_list_box_append (self->list_box, dataset_row (self, syncari));
  if (has_images (pretrain))
    gtk_list_box_append (self->list_box, dataset_row (self, pretrain));

  for (guint i = 0; self->datasets != NULL && i < self->datasets->len; i++)
    {
      const CariDatasetInfo *info = g_ptr_array_index (self->datasets, i);
      /* Runs on the in-memory toy set name a row without images: nothing to show. */
      if (is_syncari (info->name) || !has_images (info))
        continue;
      gtk_list_box_append (self->list_box, dataset_row (self, info));
    }
}

/* ------------------------------------------------------------------------------ the list */

static void
set_loading (LabDatasetsPage *self, gboolean loading)
{
  lab_property_set_boolean (self, &self->loading, loading, props[PROP_LOADING]);
}

static void
on_datasets_read (gpointer source, gpointer data, gpointer infos, const GError *error)
{
  LabDatasetsPage *self = source;
  if (infos != NULL)
    {
      g_clear_pointer (&self->datasets, g_ptr_array_unref);
      self->datasets = infos;
    }
  else
    lab_page_toast_printf (GTK_WIDGET (self), _("Could not read the data sets: %s"),
                           error->message);
  rebuild_rows (self);
  if (self->reload)
    {
      self->reload = FALSE;
      self->loading = FALSE;
      lab_datasets_page_refresh (self);
      return;
    }
  set_loading (self, FALSE);
}

void
lab_datasets_page_refresh (LabDatasetsPage *self)
{
  g_return_if_fail (LAB_IS_DATASETS_PAGE (self));
  if (self->loading)
    {
      self->reload = TRUE;
      return;
    }
  set_loading (self, TRUE);
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_LOAD, lab_page_list_datasets_job, NULL,
                           NULL, self, self->cancellable, on_datasets_read);
}

/* ------------------------------------------------------------------------------ SynCari */

static void
on_generate_clicked (LabDatasetsPage *self)
{
  if (self->generating > 0)
    return;
  self->generating = 2;
  lab_runner_prepare_dataset (self->runner, "syncari");
  lab_runner_prepare_dataset (self->runner, "syncari-pretrain");
  rebuild_rows (self);
}

static void
on_dataset_ready (LabRunner *runner, const char *name_or_message, int ok, LabDatasetsPage *self)
{
  /* A failure is toasted by the window. */
  if (self->generating > 0)
    self->generating--;
  lab_datasets_page_refresh (self);
}

/* Stopped from the activity bar, the queue is emptied without a word for what it held. */
static void
on_runner_progress (LabRunner *runner, LabDatasetsPage *self)
{
  if (self->generating > 0 && lab_runner_get_state (runner) == LAB_RUNNER_IDLE
      && lab_runner_get_n_queued (runner) == 0)
    {
      self->generating = 0;
      rebuild_rows (self);
    }
}

/* ------------------------------------------------------------------------------ import */

/* Shared by the two steps of an import (atomic reference count). */
typedef struct
{
  char *kind, *root, *name;
  CariDatasetIndex *index; /* read from the folder, then written to the store */
} ImportJob;

static void
import_job_clear (ImportJob *job)
{
  g_free (job->kind);
  g_free (job->root);
  g_free (job->name);
  cari_dataset_index_free (job->index);
}

static void
import_job_unref (ImportJob *job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify) import_job_clear);
}

/* The import's progress, from its thread to the page's row. */
typedef struct
{
  LabDatasetsPage *page; /* owned */
  char *text;
} ReadProgress;

static void
read_progress_free (gpointer data)
{
  ReadProgress *p = data;
  g_object_unref (p->page);
  g_free (p->text);
  g_free (p);
}

static gboolean
show_read_progress (gpointer data)
{
  ReadProgress *p = data;
  if (p->page->reading)
    adw_action_row_set_subtitle (p->page->import_row, p->text);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  LabDatasetsPage *page;
  int percent;
} ReadState;

static gboolean
on_read_progress (double fraction, const char *what, gpointer data)
{
  ReadState *state = data;
  int percent = (int) (fraction * 100.0);
  if (percent != state->percent)
    {
      state->percent = percent;
      ReadProgress *p = g_new0 (ReadProgress, 1);
      p->page = g_object_ref (state->page);
      /* TRANSLATORS: what the import does (e.g. checking images), then how far it is. */
      p->text = g_strdup_printf (_("%s: %d %%"), what, percent);
      g_idle_add_full (G_PRIORITY_DEFAULT, show_read_progress, p, read_progress_free);
    }
  return TRUE;
}

/* A GTask thread: reading a data set's folder (every image decoded once, so that a bad file is
 * named now and never reached by a run) needs no store. */
static void
import_read_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ImportJob *job = data;
  GError *error = NULL;
  ReadState state = { source, -1 };
  if (g_strcmp0 (job->kind, "webcari") == 0)
    job->index = cari_webcari_import_with_progress (job->root, on_read_progress, &state, &error);
  else if (g_strcmp0 (job->kind, "cavi") == 0)
    job->index = cari_cavi_import_with_progress (job->root, on_read_progress, &state, &error);
  else
    job->index = cari_folder_import_with_progress (job->root, on_read_progress, &state, &error);
  if (job->index == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_free (job->index->name);
  job->index->name = g_strdup (job->name);
  g_task_return_boolean (task, TRUE);
}

/* Write lane: the whole index in one transaction. */
static void
import_write_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  ImportJob *job = data;
  GError *error = NULL;
  gboolean ok = cari_store_import_dataset (store, job->index, &error) > 0;
  lab_store_job_return_boolean (task, ok, error);
}

static void
set_importing (LabDatasetsPage *self, gboolean importing)
{
  gtk_spinner_set_spinning (self->import_spinner, importing);
  gtk_widget_set_visible (GTK_WIDGET (self->import_dismiss_button), !importing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "datasets.add", !importing);
  lab_property_set_boolean (self, &self->importing, importing, props[PROP_IMPORTING]);
}

static void
clear_warnings (LabDatasetsPage *self)
{
  for (guint i = 0; i < self->warning_rows->len; i++)
    adw_expander_row_remove (self->warnings_row, g_ptr_array_index (self->warning_rows, i));
  g_ptr_array_set_size (self->warning_rows, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_row), FALSE);
}

static void
add_warning_row (LabDatasetsPage *self, const char *text)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  lab_page_set_margins (label, 6, 12, 6, 12);
  gtk_widget_add_css_class (label, "lab-warning");
  /* A row of our own: the expander would wrap a bare label in one it cannot remove. */
  GtkWidget *row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  adw_expander_row_add_row (self->warnings_row, row);
  g_ptr_array_add (self->warning_rows, row);
}

static void
show_warnings (LabDatasetsPage *self, GArray *warnings)
{
  clear_warnings (self);
  if (warnings == NULL || warnings->len == 0)
    return;
  g_autofree char *title = g_strdup_printf (ngettext ("%u Warning", "%u Warnings",
                                                     warnings->len),
                                            warnings->len);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->warnings_row), title);
  for (guint i = 0; i < warnings->len && i < MAX_WARNING_ROWS; i++)
    {
      const CariIndexWarning *w = &g_array_index (warnings, CariIndexWarning, i);
      g_autofree char *text = w->line > 0
                                ? g_strdup_printf ("%s:%d: %s", w->file, w->line, w->message)
                                : g_strdup_printf ("%s: %s", w->file, w->message);
      add_warning_row (self, text);
    }
  if (warnings->len > MAX_WARNING_ROWS)
    {
      guint more = warnings->len - MAX_WARNING_ROWS;
      g_autofree char *text = g_strdup_printf (ngettext ("… and %u more", "… and %u more",
                                                         more),
                                               more);
      add_warning_row (self, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_row), TRUE);
}

static void
on_imported (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabDatasetsPage *self = source;
  ImportJob *job = data;
  const CariDatasetIndex *index = job->index;
  if (error != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Could not import “%s”"), job->name);
      g_autofree char *text = g_strdup_printf (_("%s: %s"), job->root, error->message);
      g_autofree char *toast = g_strdup_printf (_("Could not import %s"), job->root);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->import_row), title);
      adw_action_row_set_subtitle (self->import_row, text);
      gtk_stack_set_visible_child_name (self->import_icon_stack, "failed");
      lab_page_toast (GTK_WIDGET (self), toast);
    }
  else
    {
      int caricatures = 0;
      for (guint i = 0; i < index->images->len; i++)
        caricatures += g_array_index (index->images, CariIndexImage, i).modality
                       == CARI_MODALITY_CARICATURE;
      g_autofree char *title = g_strdup_printf (_("Imported “%s”"), job->name);
      g_autofree char *text = g_strdup_printf (
        _("%s: %u identities, %d caricatures, %d photos"), job->root, index->identities->len,
        caricatures, (int) index->images->len - caricatures);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->import_row), title);
      adw_action_row_set_subtitle (self->import_row, text);
      gtk_stack_set_visible_child_name (self->import_icon_stack, "done");
      show_warnings (self, index->warnings);
    }
  set_importing (self, FALSE);
  lab_datasets_page_refresh (self);
}

/* The folder is read: its index goes to the store, or its error is said. */
static void
on_import_read (GObject *source, GAsyncResult *result, gpointer data)
{
  LabDatasetsPage *self = LAB_DATASETS_PAGE (source);
  ImportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  self->reading = FALSE;
  adw_action_row_set_subtitle (self->import_row, job->root);
  if (g_task_propagate_boolean (G_TASK (result), &error))
    lab_store_gateway_start (self->gateway, LAB_STORE_LANE_WRITE, import_write_job,
                             g_atomic_rc_box_acquire (job), (GDestroyNotify) import_job_unref,
                             self, NULL, on_imported);
  else
    on_imported (self, job, NULL, error);
}

void
lab_datasets_page_import (LabDatasetsPage *self, const char *kind, GFile *folder,
                          const char *name)
{
  g_return_if_fail (LAB_IS_DATASETS_PAGE (self));
  g_return_if_fail (G_IS_FILE (folder));
  g_return_if_fail (name != NULL);
  if (self->importing)
    {
      lab_page_toast (GTK_WIDGET (self), _("Another import is running: wait for it to finish"));
      return;
    }
  g_autofree char *root = g_file_get_path (folder);
  if (root == NULL)
    {
      lab_page_toast (GTK_WIDGET (self), _("Only local folders can be imported"));
      return;
    }
  ImportJob *job = g_atomic_rc_box_new0 (ImportJob);
  job->kind = g_strdup (kind);
  job->root = g_strdup (root);
  job->name = g_strdup (name);

  g_autofree char *title = g_strdup_printf (_("Importing “%s”…"), name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->import_row), title);
  adw_action_row_set_subtitle (self->import_row, root);
  gtk_stack_set_visible_child_name (self->import_icon_stack, "busy");
  clear_warnings (self);
  gtk_widget_set_visible (GTK_WIDGET (self->import_group), TRUE);
  set_importing (self, TRUE);
  self->reading = TRUE;

  g_autoptr (GTask) task = g_task_new (self, NULL, on_import_read, NULL);
  g_task_set_source_tag (task, lab_datasets_page_import);
  g_task_set_task_data (task, job, (GDestroyNotify) import_job_unref);
  g_task_run_in_thread (task, import_read_thread);
}

static void
on_import_dismiss (LabDatasetsPage *self)
{
  clear_warnings (self);
  gtk_widget_set_visible (GTK_WIDGET (self->import_group), FALSE);
}

static void
on_import_response (LabImportDialog *dialog, const char *response, LabDatasetsPage *self)
{
  lab_datasets_page_import (self, lab_import_dialog_get_kind (dialog),
                            lab_import_dialog_get_folder (dialog),
                            lab_import_dialog_get_name (dialog));
}

static void
add_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabDatasetsPage *self = LAB_DATASETS_PAGE (widget);
  g_autoptr (GPtrArray) taken = g_ptr_array_new ();
  for (guint i = 0; self->datasets != NULL && i < self->datasets->len; i++)
    g_ptr_array_add (taken, ((CariDatasetInfo *) g_ptr_array_index (self->datasets, i))->name);
  g_ptr_array_add (taken, NULL);
  GtkWidget *dialog = lab_import_dialog_new (lab_page_get_window (GTK_WIDGET (self)),
                                             (const char *const *) taken->pdata);
  g_signal_connect_object (dialog, "response::import", G_CALLBACK (on_import_response), self,
                           0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------------ delete */

typedef struct
{
  char *name;
  gint64 id;
} DeleteJob;

static void
delete_job_free (DeleteJob *job)
{
  g_free (job->name);
  g_free (job);
}

/* Write lane: a data set's rows are many (images, protocols). */
static void
delete_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  DeleteJob *job = data;
  GError *error = NULL;
  gboolean ok = cari_store_delete_dataset (store, job->id, &error);
  lab_store_job_return_boolean (task, ok, error);
}

static void
on_dataset_deleted (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabDatasetsPage *self = source;
  DeleteJob *job = data;
  if (error != NULL)
    lab_page_toast_printf (GTK_WIDGET (self), _("Could not delete “%s”: %s"), job->name,
                           error->message);
  lab_datasets_page_refresh (self);
}

static void
on_delete_response (AdwMessageDialog *dialog, const char *response, LabDatasetsPage *self)
{
  DeleteJob *job = g_new0 (DeleteJob, 1);
  job->name = g_strdup (g_object_get_data (G_OBJECT (dialog), "lab-dataset"));
  job->id = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "lab-dataset-id"));
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_WRITE, delete_job, job,
                           (GDestroyNotify) delete_job_free, self, NULL, on_dataset_deleted);
}

static void
on_delete_clicked (GtkButton *button, LabDatasetsPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "lab-dataset");
  const CariDatasetInfo *info = lab_page_find_dataset (self->datasets, name);
  g_autofree char *runs = info != NULL && info->n_runs > 0
                            ? g_strdup_printf (ngettext (" %d run trained on it: it keeps its "
                                                         "metrics.",
                                                         " %d runs trained on it: they keep "
                                                         "their metrics.",
                                                         info->n_runs),
                                               info->n_runs)
                            : g_strdup ("");
  g_autofree char *heading = g_strdup_printf (_("Delete “%s”?"), name);
  g_autofree char *body = g_strdup_printf (_("Its images and protocols leave the run database; "
                                             "the files on disk stay.%s"),
                                           runs);
  AdwMessageDialog *dialog = lab_page_ask (GTK_WIDGET (self), heading, body, "delete",
                                           _("_Delete"), ADW_RESPONSE_DESTRUCTIVE,
                                           G_CALLBACK (on_delete_response), self);
  g_object_set_data_full (G_OBJECT (dialog), "lab-dataset", g_strdup (name), g_free);
  g_object_set_data (G_OBJECT (dialog), "lab-dataset-id",
                     g_object_get_data (G_OBJECT (button), "lab-dataset-id"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------------ GObject */

GtkWidget *
lab_datasets_page_new (LabStoreGateway *gateway, LabRunner *runner)
{
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (gateway), NULL);
  g_return_val_if_fail (LAB_IS_RUNNER (runner), NULL);
  LabDatasetsPage *self = g_object_new (LAB_TYPE_DATASETS_PAGE, NULL);
  self->gateway = g_object_ref (gateway);
  self->runner = g_object_ref (runner);
  g_signal_connect_object (runner, "dataset-ready", G_CALLBACK (on_dataset_ready), self, 0);
  g_signal_connect_object (runner, "progress", G_CALLBACK (on_runner_progress), self, 0);
  /* Shown again: a CLI import may have happened meanwhile. */
  g_signal_connect (self, "map", G_CALLBACK (lab_datasets_page_refresh), NULL);
  rebuild_rows (self);
  lab_datasets_page_refresh (self);
  return GTK_WIDGET (self);
}

static void
lab_datasets_page_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  LabDatasetsPage *self = LAB_DATASETS_PAGE (object);
  switch (id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_IMPORTING:
      g_value_set_boolean (value, self->importing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
lab_datasets_page_dispose (GObject *object)
{
  LabDatasetsPage *self = LAB_DATASETS_PAGE (object);
  lab_store_job_cancel (&self->cancellable);
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_DATASETS_PAGE);
  g_clear_object (&self->runner);
  g_clear_object (&self->gateway);
  G_OBJECT_CLASS (lab_datasets_page_parent_class)->dispose (object);
}

static void
lab_datasets_page_finalize (GObject *object)
{
  LabDatasetsPage *self = LAB_DATASETS_PAGE (object);
  g_clear_pointer (&self->datasets, g_ptr_array_unref);
  g_ptr_array_unref (self->warning_rows);
  G_OBJECT_CLASS (lab_datasets_page_parent_class)->finalize (object);
}

static void
lab_datasets_page_class_init (LabDatasetsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lab_datasets_page_get_property;
  object_class->dispose = lab_datasets_page_dispose;
  object_class->finalize = lab_datasets_page_finalize;

  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  /* A read of the list is in flight. */
  props[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, flags);
  /* An import is in flight. */
  props[PROP_IMPORTING] = g_param_spec_boolean ("importing", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/carilab/CariLab/ui/lab-datasets-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LabDatasetsPage, import_group);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetsPage, import_row);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetsPage, import_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetsPage, import_spinner);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetsPage, import_dismiss_button);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetsPage, warnings_row);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetsPage, datasets_group);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetsPage, add_button);
  gtk_widget_class_bind_template_child (widget_class, LabDatasetsPage, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_import_dismiss);

  gtk_widget_class_install_action (widget_class, "datasets.add", NULL, add_action);
}

static void
lab_datasets_page_init (LabDatasetsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->warning_rows = g_ptr_array_new ();
}
