/* lab-analysis-page.c — one run's evaluated checkpoints: results, embeddings, error pairs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>

#include "lab-analysis-page.h"
#include "lab-embeddings-view.h"
#include "lab-errors-view.h"
#include "lab-page.h"
#include "lab-results-view.h"

typedef struct
{
  GMutex mutex;
  double fraction;
  char *what;        /* owned */
  gboolean cancelled;
} EvalProgress;

struct _LabAnalysisPage
{
  AdwBin parent_instance;

  /* owned */
  LabStoreGateway *gateway;
  LabRunList *runs;
  GCancellable *steps_cancellable; /* the read of the run's evaluations in flight */
  GCancellable *pick_cancellable;  /* the read of the run evaluated last, in flight */
  GArray *run_ids;          /* of gint64, the run dropdown's order */
  GArray *steps;            /* of gint64, the step dropdown's order (evaluated checkpoints) */
  GPtrArray *evaluations;   /* of CariEvalInfo *, the run's, newest first */
  gint64 run;
  gint64 step;
  gboolean updating;
  gboolean auto_pick;       /* no run chosen by the user yet */
  EvalProgress *progress;   /* shared with the evaluation thread while it runs */
  guint progress_timer;
  GtkWidget *results;       /* LabResultsView */
  GtkWidget *embeddings;    /* LabEmbeddingsView, or NULL */
  GArray *embeddings_selection; /* of int data-set images selected in the embeddings, or NULL */
  GtkWidget *errors;        /* LabErrorsView, or NULL */

  /* template */
  GtkDropDown *run_dropdown;
  GtkStringList *run_names;
  GtkDropDown *step_dropdown;
  GtkStringList *step_names;
  GtkButton *evaluate_button;
  GtkBox *progress_box;
  GtkProgressBar *progress_bar;
  GtkStack *outer_stack;
  GtkStack *stack;
  AdwBin *results_bin;
  AdwBin *embeddings_bin;
  AdwBin *errors_bin;
};

G_DEFINE_FINAL_TYPE (LabAnalysisPage, lab_analysis_page, ADW_TYPE_BIN)

enum
{
  SIGNAL_SHOWN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void on_pick_read (gpointer source, gpointer data, gpointer result, const GError *error);

/* ------------------------------------------------------------------------------ sub-views */

gint64
lab_analysis_page_get_evaluation (LabAnalysisPage *self, gboolean verification)
{
  g_return_val_if_fail (LAB_IS_ANALYSIS_PAGE (self), 0);
  gint64 first = 0;
  for (int i = (int) self->evaluations->len - 1; i >= 0; i--)
    {
      const CariEvalInfo *e = g_ptr_array_index (self->evaluations, i);
      CariProtocolKind kind;
      if (e->step != self->step)
        continue;
      if (!verification)
        return e->id;
      if (cari_protocol_kind (e->protocol, &kind) && kind == CARI_PROTOCOL_VERIFICATION
          && first == 0)
        first = e->id;
    }
  return first;
}

static void
update_views (LabAnalysisPage *self)
{
  gboolean any = self->run > 0 && self->step >= 0;
  gtk_stack_set_visible_child_name (self->outer_stack, any ? "views" : "empty");
  lab_results_view_set_run (LAB_RESULTS_VIEW (self->results), any ? self->run : 0, self->step);
  lab_embeddings_view_set_evaluation (LAB_EMBEDDINGS_VIEW (self->embeddings),
                                      any ? lab_analysis_page_get_evaluation (self, FALSE) : 0);
  lab_errors_view_set_evaluation (LAB_ERRORS_VIEW (self->errors),
                                  lab_analysis_page_get_evaluation (self, TRUE));
}

/* The images selected in the embedding views (NULL: none) filter the error gallery. */
static void
on_embeddings_selection_changed (LabEmbeddingsView *view, GArray *images, LabAnalysisPage *self)
{
  g_clear_pointer (&self->embeddings_selection, g_array_unref);
  if (images != NULL)
    self->embeddings_selection = g_array_ref (images);
  lab_errors_view_set_image_filter (LAB_ERRORS_VIEW (self->errors),
                                    images ? (const int *) (void *) images->data : NULL,
                                    images ? (int) images->len : 0);
}

/* ------------------------------------------------------------------------------ choosers */

/* Poll lane: a run's evaluations (run > 0), or every run's (run 0), newest first. */
static void
list_evaluations_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *evaluations = cari_store_list_evaluations (store, *(gint64 *) data, &error);
  lab_store_job_return (task, evaluations, (GDestroyNotify) g_ptr_array_unref, error);
}

/* Reads `run`'s evaluations (0: every run's) on the poll lane; `done` gets them. Cancels the read
 * `*cancellable` had in flight. */
static void
list_evaluations (LabAnalysisPage *self, gint64 run, GCancellable **cancellable,
                  LabStoreJobDone done, gint64 want_step)
{
  gint64 *args = g_new (gint64, 2);
  args[0] = run;
  args[1] = want_step;
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_POLL, list_evaluations_job, args, g_free,
                           self, lab_store_job_replace (cancellable), done);
}

/* The evaluated steps of the run's evaluations; the one nearest `want_step` shown (< 0: the
 * latest). */
static void
show_steps (LabAnalysisPage *self, GPtrArray *evaluations, gint64 want_step)
{
  g_clear_pointer (&self->evaluations, g_ptr_array_unref);
  g_array_set_size (self->steps, 0);
  self->evaluations = evaluations != NULL
                        ? evaluations
                        : g_ptr_array_new_with_free_func ((GDestroyNotify) cari_eval_info_free);
  for (guint i = 0; i < self->evaluations->len; i++)
    {
      const CariEvalInfo *e = g_ptr_array_index (self->evaluations, i);
      gboolean seen = FALSE;
      for (guint j = 0; j < self->steps->len; j++)
        seen |= g_array_index (self->steps, gint64, j) == e->step;
      if (!seen)
        g_array_append_val (self->steps, e->step);
    }
  self->updating = TRUE;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->step_names));
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  guint chosen = 0;
  gint64 best = G_MAXINT64;
  for (guint j = 0; j < self->steps->len; j++)
    {
      gint64 s = g_array_index (self->steps, gint64, j);
      g_ptr_array_add (labels, g_strdup_printf (_("Step %lld"), (long long) s));
      gint64 d = want_step < 0 ? -s : ABS (s - want_step);
      if (d < best)
        {
          best = d;
          chosen = j;
        }
    }
  g_ptr_array_add (labels, NULL);
  gtk_string_list_splice (self->step_names, 0, n, (const char *const *) labels->pdata);
  self->step = self->steps->len > 0 ? g_array_index (self->steps, gint64, chosen) : -1;
  if (self->steps->len > 0)
    gtk_drop_down_set_selected (self->step_dropdown, chosen);
  self->updating = FALSE;
  update_views (self);
}

static void
on_steps_read (gpointer source, gpointer data, gpointer evaluations, const GError *error)
{
  LabAnalysisPage *self = source;
  if (error != NULL)
    g_debug ("analysis: %s", error->message);
  show_steps (self, evaluations, ((gint64 *) data)[1]);
  g_signal_emit (self, signals[SIGNAL_SHOWN], 0);
}

/* Reads the run's evaluations again, then shows the step nearest `want_step` ("shown"). */
static void
reload_steps (LabAnalysisPage *self, gint64 want_step)
{
  if (self->run > 0)
    {
      list_evaluations (self, self->run, &self->steps_cancellable, on_steps_read, want_step);
      return;
    }
  g_cancellable_cancel (self->steps_cancellable);
  show_steps (self, NULL, want_step);
  g_signal_emit (self, signals[SIGNAL_SHOWN], 0);
}

static void
on_step_selected (GtkDropDown *dropdown, GParamSpec *pspec, LabAnalysisPage *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);
  if (self->updating || i >= self->steps->len)
    return;
  self->step = g_array_index (self->steps, gint64, i);
  update_views (self);
}

static void
rebuild_runs (LabAnalysisPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->runs));
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->run_names));
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  guint chosen = GTK_INVALID_LIST_POSITION;
  g_array_set_size (self->run_ids, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LabRunItem) item = g_list_model_get_item (G_LIST_MODEL (self->runs), i);
      gint64 id = lab_run_item_get_id (item);
      g_array_append_val (self->run_ids, id);
      g_ptr_array_add (labels, g_strdup (lab_run_item_get_name (item)));
      if (id == self->run)
        chosen = i;
    }
  g_ptr_array_add (labels, NULL);
  self->updating = TRUE;
  gtk_string_list_splice (self->run_names, 0, old, (const char *const *) labels->pdata);
  gtk_drop_down_set_selected (self->run_dropdown, chosen);
  self->updating = FALSE;
  /* Until the user chooses: the run evaluated last, else the newest run. */
  if (self->auto_pick && n > 0)
    list_evaluations (self, 0, &self->pick_cancellable, on_pick_read, -1);
}

static void
on_pick_read (gpointer source, gpointer data, gpointer result, const GError *error)
{
  g_autoptr (GPtrArray) evals = result;
  LabAnalysisPage *self = source;
  guint n = self->run_ids->len;
  if (!self->auto_pick || n == 0)
    return;
  gint64 want = evals && evals->len > 0 ? ((CariEvalInfo *) g_ptr_array_index (evals, 0))->run
                                        : 0;
  guint chosen = n - 1;
  for (guint i = 0; i < n; i++)
    if (g_array_index (self->run_ids, gint64, i) == want)
      chosen = i;
  if (g_array_index (self->run_ids, gint64, chosen) == self->run)
    return;
  self->run = g_array_index (self->run_ids, gint64, chosen);
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->run_dropdown, chosen);
  self->updating = FALSE;
  reload_steps (self, -1);
}

static void
on_runs_changed (GListModel *model, guint position, guint removed, guint added,
                 LabAnalysisPage *self)
{
  rebuild_runs (self);
}

static void
on_run_selected (GtkDropDown *dropdown, GParamSpec *pspec, LabAnalysisPage *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);
  if (self->updating || i >= self->run_ids->len)
    return;
  self->auto_pick = FALSE;
  self->run = g_array_index (self->run_ids, gint64, i);
  reload_steps (self, -1);
}

/* ------------------------------------------------------------------------------ evaluate */

static gboolean
on_eval_progress (double fraction, const char *what, gpointer data)
{
  EvalProgress *p = data;
  g_mutex_lock (&p->mutex);
  p->fraction = fraction;
  g_free (p->what);
  p->what = g_strdup (what);
  gboolean go_on = !p->cancelled;
  g_mutex_unlock (&p->mutex);
  return go_on;
}

static void
eval_progress_free (EvalProgress *p)
{
  g_mutex_clear (&p->mutex);
  g_free (p->what);
  g_free (p);
}

typedef struct
{
  gint64 run;
  EvalProgress *progress; /* borrowed: freed by the page after the task */
} EvalJob;

/* A long job (its own thread and connection): an evaluation runs the network for minutes. */
static void
evaluate_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  EvalJob *job = data;
  GError *error = NULL;
  GArray *ids = NULL;
  if (!cari_launch_evaluate (store, job->run, -1, 50, on_eval_progress, job->progress, &ids,
                             &error))
    g_clear_pointer (&ids, g_array_unref);
  lab_store_job_return (task, ids, (GDestroyNotify) g_array_unref, error);
}

static gboolean
on_progress_timer (gpointer data)
{
  LabAnalysisPage *self = data;
  EvalProgress *p = self->progress;
  if (p == NULL)
    return G_SOURCE_CONTINUE;
  g_mutex_lock (&p->mutex);
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (p->fraction, 0.0, 1.0));
  gtk_progress_bar_set_text (self->progress_bar, p->what ? p->what : _("Loading the network…"));
  g_mutex_unlock (&p->mutex);
  return G_SOURCE_CONTINUE;
}

static void
evaluated (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabAnalysisPage *self = source;
  g_autoptr (GArray) ids = result;
  g_clear_handle_id (&self->progress_timer, g_source_remove);
  g_clear_pointer (&self->progress, eval_progress_free);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->evaluate_button), TRUE);
  if (ids == NULL)
    {
      if (!g_error_matches (error, CARI_ERROR, CARI_ERROR_CANCELLED))
        lab_page_toast_printf (GTK_WIDGET (self), _("Could not evaluate: %s"), error->message);
      return;
    }
  reload_steps (self, -1);
}

void
lab_analysis_page_evaluate (LabAnalysisPage *self)
{
  g_return_if_fail (LAB_IS_ANALYSIS_PAGE (self));
  if (self->run <= 0 || self->progress != NULL)
    return;
  EvalJob *job = g_new0 (EvalJob, 1);
  job->run = self->run;
  self->progress = g_new0 (EvalProgress, 1);
  g_mutex_init (&self->progress->mutex);
  job->progress = self->progress;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->evaluate_button), FALSE);
  self->progress_timer = g_timeout_add (100, on_progress_timer, self);
  lab_store_gateway_start_long (self->gateway, evaluate_job, job, g_free, self, evaluated);
}

static void
on_evaluate_clicked (LabAnalysisPage *self)
{
  lab_analysis_page_evaluate (self);
}

static void
on_cancel_clicked (LabAnalysisPage *self)
{
  if (self->progress == NULL)
    return;
  g_mutex_lock (&self->progress->mutex);
  self->progress->cancelled = TRUE;
  g_mutex_unlock (&self->progress->mutex);
}

/* ------------------------------------------------------------------------------ public */

GtkWidget *
lab_analysis_page_new (LabStoreGateway *gateway, LabRunList *runs)
{
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (gateway), NULL);
  g_return_val_if_fail (LAB_IS_RUN_LIST (runs), NULL);
  LabAnalysisPage *self = g_object_new (LAB_TYPE_ANALYSIS_PAGE, NULL);
  self->gateway = g_object_ref (gateway);
  self->runs = g_object_ref (runs);
  g_signal_connect_object (runs, "items-changed", G_CALLBACK (on_runs_changed), self, 0);
  self->results = lab_results_view_new (gateway);
  adw_bin_set_child (self->results_bin, self->results);
  self->errors = lab_errors_view_new (gateway);
  adw_bin_set_child (self->errors_bin, self->errors);
  self->embeddings = lab_embeddings_view_new (gateway);
  adw_bin_set_child (self->embeddings_bin, self->embeddings);
  g_signal_connect_object (self->embeddings, "selection-changed",
                           G_CALLBACK (on_embeddings_selection_changed), self, 0);
  rebuild_runs (self);
  update_views (self);
  return GTK_WIDGET (self);
}

void
lab_analysis_page_show (LabAnalysisPage *self, gint64 run, gint64 step)
{
  g_return_if_fail (LAB_IS_ANALYSIS_PAGE (self));
  self->auto_pick = FALSE;
  self->run = run;
  rebuild_runs (self);
  reload_steps (self, step);
}

gint64
lab_analysis_page_get_run (LabAnalysisPage *self)
{
  g_return_val_if_fail (LAB_IS_ANALYSIS_PAGE (self), 0);
  return self->run;
}

gint64
lab_analysis_page_get_step (LabAnalysisPage *self)
{
  g_return_val_if_fail (LAB_IS_ANALYSIS_PAGE (self), -1);
  return self->step;
}

GArray *
lab_analysis_page_get_evaluations (LabAnalysisPage *self)
{
  g_return_val_if_fail (LAB_IS_ANALYSIS_PAGE (self), NULL);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; self->evaluations != NULL && i < self->evaluations->len; i++)
    {
      const CariEvalInfo *e = g_ptr_array_index (self->evaluations, i);
      if (e->step == self->step)
        g_array_append_val (ids, e->id);
    }
  return ids;
}

/* ------------------------------------------------------------------------------ GObject */

static void
lab_analysis_page_dispose (GObject *object)
{
  LabAnalysisPage *self = LAB_ANALYSIS_PAGE (object);
  if (self->progress != NULL)
    on_cancel_clicked (self);
  g_cancellable_cancel (self->steps_cancellable);
  g_cancellable_cancel (self->pick_cancellable);
  g_clear_handle_id (&self->progress_timer, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_ANALYSIS_PAGE);
  g_clear_object (&self->runs);
  g_clear_object (&self->gateway);
  G_OBJECT_CLASS (lab_analysis_page_parent_class)->dispose (object);
}

static void
lab_analysis_page_finalize (GObject *object)
{
  LabAnalysisPage *self = LAB_ANALYSIS_PAGE (object);
  g_clear_object (&self->steps_cancellable);
  g_clear_object (&self->pick_cancellable);
  g_array_unref (self->run_ids);
  g_array_unref (self->steps);
  g_clear_pointer (&self->evaluations, g_ptr_array_unref);
  g_clear_pointer (&self->embeddings_selection, g_array_unref);
  G_OBJECT_CLASS (lab_analysis_page_parent_class)->finalize (object);
}

static void
lab_analysis_page_class_init (LabAnalysisPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_analysis_page_dispose;
  object_class->finalize = lab_analysis_page_finalize;
  signals[SIGNAL_SHOWN] = g_signal_new ("shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/carilab/CariLab/ui/lab-analysis-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LabAnalysisPage, run_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabAnalysisPage, run_names);
  gtk_widget_class_bind_template_child (widget_class, LabAnalysisPage, step_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabAnalysisPage, step_names);
  gtk_widget_class_bind_template_child (widget_class, LabAnalysisPage, evaluate_button);
  gtk_widget_class_bind_template_child (widget_class, LabAnalysisPage, progress_box);
  gtk_widget_class_bind_template_child (widget_class, LabAnalysisPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabAnalysisPage, outer_stack);
  gtk_widget_class_bind_template_child (widget_class, LabAnalysisPage, stack);
  gtk_widget_class_bind_template_child (widget_class, LabAnalysisPage, results_bin);
  gtk_widget_class_bind_template_child (widget_class, LabAnalysisPage, embeddings_bin);
  gtk_widget_class_bind_template_child (widget_class, LabAnalysisPage, errors_bin);
  gtk_widget_class_bind_template_callback (widget_class, on_evaluate_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
}

static void
lab_analysis_page_init (LabAnalysisPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->run_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->evaluations = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_eval_info_free);
  self->step = -1;
  self->auto_pick = TRUE;
  g_signal_connect_object (self->run_dropdown, "notify::selected",
                           G_CALLBACK (on_run_selected), self, 0);
  g_signal_connect_object (self->step_dropdown, "notify::selected",
                           G_CALLBACK (on_step_selected), self, 0);
}
