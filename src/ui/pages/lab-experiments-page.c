/* lab-experiments-page.c — the Experiments page.
 *
 * Three store reads, all through the window's gateway: every `poll_ms` the experiments with
 * their counts (poll lane), then the selected one's places (poll lane); when those change
 * (a run finished, failed or was evaluated) its results (load lane: the summary's tables and
 * claims, Fig. 5, the task weights). The grid of runs shows the window's LabRunItems (the run
 * list refreshes them in place, so a running run's step moves), in the experiment's order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>

#include "lab-experiment-data.h"
#include "lab-experiment-results.h"
#include "lab-experiments-page.h"
#include "lab-export-dialog.h"
#include "lab-new-experiment-dialog.h"
#include "lab-page.h"
#include "lab-run-columns.h"
#include "report.h"

struct _LabExperimentsPage
{
  AdwBin parent_instance;

  LabStoreGateway *gateway; /* owned */
  LabRunList *runs;         /* owned */
  LabRunner *runner;        /* owned */
  guint timer;
  GCancellable *list_job;   /* owned: the jobs in flight */
  GCancellable *places_job;
  GCancellable *results_job;
  gboolean listing;
  gboolean placing;
  gboolean loading;         /* results */
  gboolean reload;          /* the results changed while they loaded */
  gboolean disposed;        /* the template is going: no selection to follow */

  GPtrArray *infos;         /* of CariExperimentInfo *, the last listing */
  gint64 selected;
  gint64 pending_select;    /* to select once listed */
  GArray *places;           /* of CariExperimentRun: the selected one's, or NULL */
  GHashTable *place_of_run; /* run id → CariExperimentRun * in places */
  char *signature;          /* of the places the results were loaded for */
  LabExperimentResults *results;
  GListStore *grid;         /* of LabRunItem */
  GtkSingleSelection *grid_selection;

  /* Template children */
  GtkStack *stack;
  GtkListBox *experiments_list;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkProgressBar *progress_bar;
  GtkButton *resume_button;
  GtkButton *report_button;
  GtkColumnView *runs_view;
  GtkColumnViewColumn *cell_column;
  GtkColumnViewColumn *seed_column;
  GtkColumnViewColumn *status_column;
  GtkColumnViewColumn *step_column;
  GtkColumnViewColumn *weights_column;
  GtkColumnViewColumn *duration_column;
  GtkBox *results_box;
};

G_DEFINE_FINAL_TYPE (LabExperimentsPage, lab_experiments_page, ADW_TYPE_BIN)

static void load_places (LabExperimentsPage *self);

static const CariExperimentInfo *
selected_info (LabExperimentsPage *self)
{
  for (guint i = 0; self->infos != NULL && i < self->infos->len; i++)
    if (((CariExperimentInfo *) self->infos->pdata[i])->id == self->selected)
      return self->infos->pdata[i];
  return NULL;
}

static gint64
row_experiment (GtkListBoxRow *row)
{
  gint64 *id = row != NULL ? g_object_get_data (G_OBJECT (row), "lab-experiment") : NULL;
  return id != NULL ? *id : 0;
}

static GtkListBoxRow *
find_row (LabExperimentsPage *self, gint64 experiment)
{
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (self->experiments_list));
       w != NULL; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_LIST_BOX_ROW (w) && row_experiment (GTK_LIST_BOX_ROW (w)) == experiment)
      return GTK_LIST_BOX_ROW (w);
  return NULL;
}

/* "fig6 · 3 of 9 finished · 1 failed" */
static char *
counts_text (const CariExperimentInfo *info)
{
  g_autofree char *preset = lab_experiment_preset_of (info->definition);
  g_autofree char *done = g_strdup_printf (ngettext ("%d of %d run finished",
                                                     "%d of %d runs finished", info->n_runs),
                                           info->n_finished, info->n_runs);
  if (info->n_failed == 0)
    return g_strdup_printf ("%s · %s", preset != NULL ? preset : "?", done);
  g_autofree char *failed = g_strdup_printf (ngettext ("%d failed", "%d failed", info->n_failed),
                                             info->n_failed);
  return g_strdup_printf ("%s · %s · %s", preset != NULL ? preset : "?", done, failed);
}

static GtkWidget *
new_row (const CariExperimentInfo *info)
{
  GtkWidget *row = gtk_list_box_row_new ();
  g_object_set_data_full (G_OBJECT (row), "lab-experiment", g_memdup2 (&info->id, sizeof info->id),
                          g_free);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  lab_page_set_margins (box, 6, 6, 6, 6);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *counts = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (counts), 0);
  gtk_label_set_wrap (GTK_LABEL (counts), TRUE);
  gtk_widget_add_css_class (counts, "dim-label");
  gtk_widget_add_css_class (counts, "caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), counts);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "lab-name", name);
  g_object_set_data (G_OBJECT (row), "lab-counts", counts);
  return row;
}

static void
update_row (GtkListBoxRow *row, const CariExperimentInfo *info)
{
  g_autofree char *counts = counts_text (info);
  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "lab-name"), info->name);
  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "lab-counts"), counts);
}

/* ------------------------------------------------------------------------------ header */

static gboolean
experiment_done (LabExperimentsPage *self, const CariExperimentInfo *info)
{
  if (info->n_finished < info->n_runs)
    return FALSE;
  return self->results != NULL && self->results->experiment == info->id
         && self->results->n_done >= self->results->n_runs;
}

static void
update_actions (LabExperimentsPage *self)
{
  const CariExperimentInfo *info = selected_info (self);
  gboolean can_resume = info != NULL && !experiment_done (self, info)
                        && !lab_runner_has_experiment (self->runner, info->id);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "experiments.resume", can_resume);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "experiments.report", info != NULL);
}

static void
update_header (LabExperimentsPage *self)
{
  const CariExperimentInfo *info = selected_info (self);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->results_box)), info != NULL);
  if (info == NULL)
    return;
  g_autofree char *counts = counts_text (info);
  g_autofree char *text = NULL;
  if (self->results != NULL && self->results->experiment == info->id)
    text = g_strdup_printf (ngettext ("%s · %d evaluated", "%s · %d evaluated",
                                      self->results->n_done),
                            counts, self->results->n_done);
  gtk_label_set_text (self->title_label, info->name);
  gtk_label_set_text (self->subtitle_label, text != NULL ? text : counts);
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 info->n_runs > 0 ? (double) info->n_finished / info->n_runs
                                                  : 0.0);
  update_actions (self);
}

/* ------------------------------------------------------------------------------ the grid */

/* The grid as the places and the run list have it, rebuilt only when its runs change. */
static void
update_grid (LabExperimentsPage *self)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  for (guint i = 0; self->places != NULL && i < self->places->len; i++)
    {
      LabRunItem *item = lab_run_list_find (self->runs,
                                            g_array_index (self->places, CariExperimentRun,
                                                           i).run);
      if (item != NULL)
        g_ptr_array_add (items, item);
    }
  GListModel *model = G_LIST_MODEL (self->grid);
  gboolean same = g_list_model_get_n_items (model) == items->len;
  for (guint i = 0; same && i < items->len; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, i);
      same = item == items->pdata[i];
    }
  if (!same)
    g_list_store_splice (self->grid, 0, g_list_model_get_n_items (model), items->pdata,
                         items->len);
}

static void
place_setup (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (list_item, label);
}

/* The cell (data NULL) or the seed of the place of the item's run. */
static void
place_bind (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer data)
{
  LabExperimentsPage *self = g_object_get_data (G_OBJECT (factory), "lab-page");
  LabRunItem *item = gtk_list_item_get_item (list_item);
  gint64 run = lab_run_item_get_id (item);
  const CariExperimentRun *place = self->place_of_run != NULL
                                     ? g_hash_table_lookup (self->place_of_run, &run)
                                     : NULL;
  g_autofree char *text = NULL;
  if (place == NULL)
    text = g_strdup ("–");
  else if (data == NULL)
    text = g_strcmp0 (place->cell, CARI_EXPERIMENT_PRETRAIN) == 0 ? g_strdup (_("pretraining"))
                                                                   : g_strdup (place->cell);
  else
    text = g_strdup_printf ("%" G_GUINT64_FORMAT, place->seed);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
setup_place_column (LabExperimentsPage *self, GtkColumnViewColumn *column, gboolean seed)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_object_set_data (G_OBJECT (factory), "lab-page", self);
  g_signal_connect (factory, "setup", G_CALLBACK (place_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (place_bind), seed ? GINT_TO_POINTER (1) : NULL);
  gtk_column_view_column_set_factory (column, factory);
  g_object_unref (factory);
}

static void
on_run_activate (LabExperimentsPage *self, guint position)
{
  g_autoptr (LabRunItem) item = g_list_model_get_item (G_LIST_MODEL (self->grid), position);
  if (item != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.open-run", "x",
                                lab_run_item_get_id (item));
}

/* ------------------------------------------------------------------------------ reads */

static void
on_results (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabExperimentsPage *self = source;
  LabExperimentResults *results = result;
  self->loading = FALSE;
  if (results != NULL && results->experiment == self->selected)
    {
      lab_experiment_results_free (self->results);
      self->results = results;
      lab_experiment_results_show (self->results_box, results);
      update_header (self);
    }
  else
    {
      lab_experiment_results_free (results);
      if (error != NULL)
        g_debug ("experiment results: %s", error->message);
    }
  if (self->reload)
    {
      self->reload = FALSE;
      self->loading = TRUE;
      lab_store_gateway_start (self->gateway, LAB_STORE_LANE_LOAD, lab_experiment_results_job,
                               g_memdup2 (&self->selected, sizeof (gint64)), g_free, self,
                               lab_store_job_replace (&self->results_job), on_results);
    }
}

static void
load_results (LabExperimentsPage *self)
{
  if (self->loading)
    {
      self->reload = TRUE;
      return;
    }
  self->reload = TRUE;
  on_results (self, NULL, NULL, NULL);
}

/* What the results depend on: each run's status and evaluated step. */
static char *
places_signature (LabExperimentsPage *self)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < self->places->len; i++)
    {
      const CariExperimentRun *p = &g_array_index (self->places, CariExperimentRun, i);
      LabRunItem *item = lab_run_list_find (self->runs, p->run);
      g_string_append_printf (s, "%d:%" G_GINT64_FORMAT ";", item != NULL
                                                              ? (int) lab_run_item_get_status (item)
                                                              : -1,
                              p->evaluated_step);
    }
  return g_string_free (s, FALSE);
}

static void
on_places (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabExperimentsPage *self = source;
  GArray *places = result;
  self->placing = FALSE;
  if (places == NULL || *(gint64 *) data != self->selected)
    {
      g_clear_pointer (&places, g_array_unref);
      return;
    }
  g_clear_pointer (&self->places, g_array_unref);
  self->places = places;
  g_hash_table_remove_all (self->place_of_run);
  for (guint i = 0; i < places->len; i++)
    {
      CariExperimentRun *p = &g_array_index (places, CariExperimentRun, i);
      g_hash_table_insert (self->place_of_run, &p->run, p);
    }
  update_grid (self);
  g_autofree char *signature = places_signature (self);
  if (self->results == NULL || g_strcmp0 (signature, self->signature) != 0)
    {
      g_free (self->signature);
      self->signature = g_steal_pointer (&signature);
      load_results (self);
    }
}

static void
load_places (LabExperimentsPage *self)
{
  if (self->selected <= 0 || self->placing)
    return;
  self->placing = TRUE;
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_POLL, lab_experiment_runs_job,
                           g_memdup2 (&self->selected, sizeof (gint64)), g_free, self,
                           lab_store_job_replace (&self->places_job), on_places);
}

static void
on_listed (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabExperimentsPage *self = source;
  GPtrArray *infos = result;
  self->listing = FALSE;
  if (infos == NULL)
    return;
  g_clear_pointer (&self->infos, g_ptr_array_unref);
  self->infos = infos;

  /* Rows updated in place (selection and focus kept), new ones appended, gone ones removed. */
  g_autoptr (GHashTable) listed = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < infos->len; i++)
    {
      const CariExperimentInfo *info = infos->pdata[i];
      g_hash_table_add (listed, (gpointer) &info->id);
      GtkListBoxRow *row = find_row (self, info->id);
      if (row == NULL)
        {
          row = GTK_LIST_BOX_ROW (new_row (info));
          gtk_list_box_append (self->experiments_list, GTK_WIDGET (row));
        }
      update_row (row, info);
    }
  GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (self->experiments_list));
  while (w != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (w);
      gint64 id = GTK_IS_LIST_BOX_ROW (w) ? row_experiment (GTK_LIST_BOX_ROW (w)) : 0;
      if (GTK_IS_LIST_BOX_ROW (w) && !g_hash_table_contains (listed, &id))
        gtk_list_box_remove (self->experiments_list, w);
      w = next;
    }
  gtk_stack_set_visible_child_name (self->stack, infos->len > 0 ? "list" : "empty");

  GtkListBoxRow *pending = self->pending_select > 0 ? find_row (self, self->pending_select)
                                                    : NULL;
  if (pending == NULL && gtk_list_box_get_selected_row (self->experiments_list) == NULL)
    pending = gtk_list_box_get_row_at_index (self->experiments_list, 0);
  if (pending != NULL)
    {
      self->pending_select = 0;
      gtk_list_box_select_row (self->experiments_list, pending);
    }
  update_header (self);
  load_places (self);
}

static gboolean
poll (gpointer data)
{
  LabExperimentsPage *self = data;
  if (!self->listing)
    {
      self->listing = TRUE;
      lab_store_gateway_start (self->gateway, LAB_STORE_LANE_POLL, lab_experiment_list_job, NULL,
                               NULL, self, lab_store_job_replace (&self->list_job), on_listed);
    }
  return G_SOURCE_CONTINUE;
}

static void
on_row_selected (LabExperimentsPage *self, GtkListBoxRow *row)
{
  gint64 id = row_experiment (row);
  if (id == self->selected || self->disposed)
    return;
  self->selected = id;
  lab_store_job_cancel (&self->places_job);
  lab_store_job_cancel (&self->results_job);
  self->placing = self->loading = self->reload = FALSE;
  g_clear_pointer (&self->places, g_array_unref);
  g_hash_table_remove_all (self->place_of_run);
  g_clear_pointer (&self->signature, g_free);
  g_clear_pointer (&self->results, lab_experiment_results_free);
  update_grid (self);
  lab_experiment_results_show (self->results_box, NULL);
  update_header (self);
  load_places (self);
}

/* ------------------------------------------------------------------------------ actions */

static void
on_created (LabExperimentsPage *self, gint64 experiment)
{
  lab_experiments_page_select (self, experiment);
}

static void
new_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabExperimentsPage *self = LAB_EXPERIMENTS_PAGE (widget);
  GtkWidget *dialog = lab_new_experiment_dialog_new (lab_page_get_window (widget), self->gateway,
                                                     self->runner);
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_created), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
resume_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabExperimentsPage *self = LAB_EXPERIMENTS_PAGE (widget);
  if (self->selected <= 0)
    return;
  lab_runner_enqueue_experiment (self->runner, self->selected);
  update_actions (self);
}

/* ------------------------------------------------------------------------------ report */

typedef struct
{
  gint64 experiment;
  char *path;
  int pages, tables;
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_free (job->path);
  g_free (job);
}

/* Its own connection, on a thread of its own: laying out Fig. 2's views may take minutes. */
static void
report_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  ReportJob *job = data;
  GError *error = NULL;
  if (!cari_report_experiment (store, job->experiment, job->path, NULL, &job->pages,
                               &job->tables, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
report_written (gpointer source, gpointer data, gpointer result, const GError *error)
{
  ReportJob *job = data;
  if (source == NULL)
    return;
  if (error != NULL)
    lab_page_toast_printf (GTK_WIDGET (source), _("Could not write the report: %s"),
                           error->message);
  else
    lab_page_toast_printf (GTK_WIDGET (source),
                           _("Report written: %d pages in “%s”, %d tables as CSV beside it"),
                           job->pages, job->path, job->tables);
}

/**
 * lab_experiments_page_export_report:
 *
 * Writes the report of `experiment` to `path` (a PDF, its tables as CSV beside it) on a thread
 * of its own; a toast says when it is written, or why not.
 */
void
lab_experiments_page_export_report (LabExperimentsPage *self, gint64 experiment,
                                    const char *path)
{
  g_return_if_fail (LAB_IS_EXPERIMENTS_PAGE (self));
  g_return_if_fail (path != NULL);
  ReportJob *job = g_new0 (ReportJob, 1);
  job->experiment = experiment;
  job->path = g_strdup (path);
  lab_store_gateway_start_long (self->gateway, report_job, job, (GDestroyNotify) report_job_free,
                                self, report_written);
}

static char *
write_report (GtkWidget *source, const char *path, const char *format, gpointer data,
              GError **error)
{
  lab_experiments_page_export_report (LAB_EXPERIMENTS_PAGE (source), *(gint64 *) data, path);
  return g_strdup_printf (_("Writing the report to “%s”…"), path);
}

static void
report_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabExperimentsPage *self = LAB_EXPERIMENTS_PAGE (widget);
  const CariExperimentInfo *info = selected_info (self);
  if (info == NULL)
    return;
  g_autofree char *file_name = g_strdup_printf ("%s.pdf", info->name);
  g_strdelimit (file_name, "/\\", '-');
  lab_export_dialog_run (widget, _("Export Report"), "pdf", file_name, write_report,
                         g_memdup2 (&info->id, sizeof info->id), g_free);
}

/* ------------------------------------------------------------------------------ public API */

GtkWidget *
lab_experiments_page_new (LabStoreGateway *gateway, LabRunList *runs, LabRunner *runner,
                          guint poll_ms)
{
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (gateway), NULL);
  g_return_val_if_fail (LAB_IS_RUN_LIST (runs), NULL);
  g_return_val_if_fail (LAB_IS_RUNNER (runner), NULL);
  LabExperimentsPage *self = g_object_new (LAB_TYPE_EXPERIMENTS_PAGE, NULL);
  self->gateway = g_object_ref (gateway);
  self->runs = g_object_ref (runs);
  self->runner = g_object_ref (runner);
  g_signal_connect_object (runs, "refreshed", G_CALLBACK (update_grid), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (runner, "progress", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  self->timer = g_timeout_add (MAX (poll_ms, 50), poll, self);
  poll (self);
  update_header (self);
  return GTK_WIDGET (self);
}

void
lab_experiments_page_select (LabExperimentsPage *self, gint64 experiment)
{
  g_return_if_fail (LAB_IS_EXPERIMENTS_PAGE (self));
  GtkListBoxRow *row = find_row (self, experiment);
  if (row != NULL)
    gtk_list_box_select_row (self->experiments_list, row);
  else
    self->pending_select = experiment;
  poll (self);
}

gint64
lab_experiments_page_get_selected (LabExperimentsPage *self)
{
  g_return_val_if_fail (LAB_IS_EXPERIMENTS_PAGE (self), 0);
  return self->selected;
}

guint
lab_experiments_page_get_n_experiments (LabExperimentsPage *self)
{
  g_return_val_if_fail (LAB_IS_EXPERIMENTS_PAGE (self), 0);
  return self->infos != NULL ? self->infos->len : 0;
}

gboolean
lab_experiments_page_has_results (LabExperimentsPage *self)
{
  g_return_val_if_fail (LAB_IS_EXPERIMENTS_PAGE (self), FALSE);
  return self->results != NULL && !self->loading;
}

/* ------------------------------------------------------------------------------ GObject */

static void
lab_experiments_page_dispose (GObject *object)
{
  LabExperimentsPage *self = LAB_EXPERIMENTS_PAGE (object);
  self->disposed = TRUE;
  g_clear_handle_id (&self->timer, g_source_remove);
  lab_store_job_cancel (&self->list_job);
  lab_store_job_cancel (&self->places_job);
  lab_store_job_cancel (&self->results_job);
  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_EXPERIMENTS_PAGE);
  g_clear_object (&self->grid_selection);
  g_clear_object (&self->grid);
  g_clear_object (&self->runner);
  g_clear_object (&self->runs);
  g_clear_object (&self->gateway);
  G_OBJECT_CLASS (lab_experiments_page_parent_class)->dispose (object);
}

static void
lab_experiments_page_finalize (GObject *object)
{
  LabExperimentsPage *self = LAB_EXPERIMENTS_PAGE (object);
  g_clear_pointer (&self->infos, g_ptr_array_unref);
  g_clear_pointer (&self->places, g_array_unref);
  g_hash_table_unref (self->place_of_run);
  g_free (self->signature);
  lab_experiment_results_free (self->results);
  G_OBJECT_CLASS (lab_experiments_page_parent_class)->finalize (object);
}

static void
lab_experiments_page_class_init (LabExperimentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_experiments_page_dispose;
  object_class->finalize = lab_experiments_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/carilab/CariLab/ui/"
                                               "lab-experiments-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, experiments_list);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, resume_button);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, report_button);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, runs_view);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, cell_column);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, seed_column);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, status_column);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, step_column);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, weights_column);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, duration_column);
  gtk_widget_class_bind_template_child (widget_class, LabExperimentsPage, results_box);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_run_activate);
  gtk_widget_class_install_action (widget_class, "experiments.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "experiments.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "experiments.report", NULL, report_action);
}

static void
lab_experiments_page_init (LabExperimentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->place_of_run = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->grid = g_list_store_new (LAB_TYPE_RUN_ITEM);
  self->grid_selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->grid)));
  gtk_single_selection_set_autoselect (self->grid_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->grid_selection, TRUE);
  gtk_column_view_set_model (self->runs_view, GTK_SELECTION_MODEL (self->grid_selection));
  setup_place_column (self, self->cell_column, FALSE);
  setup_place_column (self, self->seed_column, TRUE);
  lab_run_column_setup (self->status_column, LAB_RUN_COLUMN_STATUS);
  lab_run_column_setup (self->step_column, LAB_RUN_COLUMN_STEP);
  lab_run_column_setup (self->weights_column, LAB_RUN_COLUMN_WEIGHTS);
  lab_run_column_setup (self->duration_column, LAB_RUN_COLUMN_DURATION);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "experiments.resume", FALSE);
}
