/* lab-runner.c — the workbench's run queue and its trainer thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>

#include "lab-runner.h"

/* The trainer thread's nice value: below the UI, so drawing stays smooth while the thread and
 * its pool use every core. */
#define TRAINER_NICE 10

typedef struct
{
  gint64 run;       /* > 0: a run to execute */
  char *dataset;    /* else, when not NULL: a data set to prepare (generate and import) */
  gboolean evaluate;/* once the run finishes, evaluate it (every protocol, Fig. 2's views) */
  gint64 experiment;/* else: an experiment to execute (its runs that are not finished) */
} Item;

struct _LabRunner
{
  GObject parent_instance;

  char *db_path; /* owned */

  GMutex mutex;
  GCond cond;
  /* Guarded by mutex: */
  GArray *queue;         /* of Item, owned */
  GThread *thread;       /* owned; started on the first item */
  gboolean quit;
  CariTrainer *trainer;  /* borrowed from the thread while a run executes */
  gint64 active;
  gint64 active_experiment;
  char *active_dataset;  /* owned */
  LabRunnerState state;
  gboolean pause_requested;
  gboolean stop_requested;
  LabRunnerProgress progress;
  double ips;            /* smoothed images per second */

  int progress_pending;  /* atomic: an idle "progress" is queued */

  /* The trainer thread's own, while an experiment executes: */
  gboolean announced;    /* "run-started" was said for the active run before its trainer */
  gint64 finishing;      /* a run of the experiment whose "run-finished" waits (0: none) ... */
  int finishing_status;  /* ... with its status ... */
  char *finishing_text;  /* ... and message (owned) */
};

G_DEFINE_FINAL_TYPE (LabRunner, lab_runner, G_TYPE_OBJECT)

enum
{
  SIGNAL_PROGRESS,
  SIGNAL_RUN_STARTED,
  SIGNAL_RUN_FINISHED,
  SIGNAL_DATASET_READY,
  SIGNAL_NOTICE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
item_clear (Item *item)
{
  g_clear_pointer (&item->dataset, g_free);
}

/* ------------------------------------------------------------ main-thread notifications */

static gboolean
progress_idle (gpointer data)
{
  LabRunner *self = data;
  g_atomic_int_set (&self->progress_pending, 0);
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0);
  return G_SOURCE_REMOVE;
}

/* Coalesced: at most one pending idle, which reads the latest state when it runs. */
static void
post_progress (LabRunner *self)
{
  if (g_atomic_int_compare_and_exchange (&self->progress_pending, 0, 1))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, progress_idle, g_object_ref (self), g_object_unref);
}

typedef struct
{
  LabRunner *self;    /* owned */
  guint signal;
  gint64 run;
  int status;
  char *text;         /* owned: message or data set name */
} Event;

static gboolean
event_idle (gpointer data)
{
  Event *e = data;
  if (e->signal == SIGNAL_RUN_STARTED)
    g_signal_emit (e->self, signals[SIGNAL_RUN_STARTED], 0, e->run);
  else if (e->signal == SIGNAL_RUN_FINISHED)
    g_signal_emit (e->self, signals[SIGNAL_RUN_FINISHED], 0, e->run, e->status, e->text);
  else if (e->signal == SIGNAL_NOTICE)
    g_signal_emit (e->self, signals[SIGNAL_NOTICE], 0, e->run, e->text);
  else
    g_signal_emit (e->self, signals[SIGNAL_DATASET_READY], 0, e->text, e->status);
  return G_SOURCE_REMOVE;
}

static void
event_free (gpointer data)
{
  Event *e = data;
  g_object_unref (e->self);
  g_free (e->text);
  g_free (e);
}

static void
post_event (LabRunner *self, guint signal, gint64 run, int status, const char *text)
{
  Event *e = g_new0 (Event, 1);
  e->self = g_object_ref (self);
  e->signal = signal;
  e->run = run;
  e->status = status;
  e->text = g_strdup (text);
  g_idle_add_full (G_PRIORITY_DEFAULT, event_idle, e, event_free);
}

/* ------------------------------------------------------------------ the trainer thread */

static gboolean
on_prepare_progress (double fraction, const char *what, gpointer data)
{
  LabRunner *self = data;
  g_mutex_lock (&self->mutex);
  g_free (self->progress.what);
  self->progress.what = g_strdup (what);
  self->progress.fraction = fraction;
  gboolean go_on = !self->stop_requested && !self->quit;
  g_mutex_unlock (&self->mutex);
  post_progress (self);
  return go_on;
}

static void
on_step (const CariStepStats *st, guint64 total, gpointer data)
{
  LabRunner *self = data;
  g_mutex_lock (&self->mutex);
  const CariRunConfig *cfg = self->trainer ? cari_trainer_get_config (self->trainer) : NULL;
  double images = cfg ? cfg->caricatures + cfg->photos : 0;
  if (st->seconds > 0 && images > 0)
    {
      double now = images / st->seconds;
      self->ips = self->ips > 0 ? 0.9 * self->ips + 0.1 * now : now;
    }
  self->progress.stats = *st;
  self->progress.total_steps = total;
  self->progress.images_per_s = self->ips;
  self->progress.eta_s = self->ips > 0 && images > 0
                           ? (double) (total - MIN (st->step, total)) * images / self->ips
                           : -1.0;
  self->progress.fraction = total > 0 ? (double) st->step / total : 0.0;
  g_mutex_unlock (&self->mutex);
  post_progress (self);
}

static void
set_state (LabRunner *self, LabRunnerState state)
{
  g_mutex_lock (&self->mutex);
  self->state = state;
  g_mutex_unlock (&self->mutex);
  post_progress (self);
}

static void
prepare_dataset (LabRunner *self, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = cari_store_open (self->db_path, CARI_STORE_READ_WRITE, &error);
  g_autoptr (CariDatasetIndex) index = store ? cari_launch_dataset_index (store, name,
                                                                         on_prepare_progress,
                                                                         self, &error)
                                             : NULL;
  post_event (self, SIGNAL_DATASET_READY, 0, index != NULL,
              index != NULL ? name : error->message);
}

static void
on_ready (const CariRunInfo *run, CariTrainer *trainer, guint64 step, gpointer data)
{
  LabRunner *self = data;
  const CariRunConfig *cfg = cari_trainer_get_config (trainer);
  if (!self->announced)
    post_event (self, SIGNAL_RUN_STARTED, run->id, 0, NULL);
  g_mutex_lock (&self->mutex);
  self->trainer = trainer;
  g_clear_pointer (&self->progress.what, g_free);
  self->progress.total_steps = (guint64) cfg->steps;
  self->progress.stats.step = step;
  self->progress.fraction = cfg->steps > 0 ? (double) step / cfg->steps : 0.0;
  if (self->pause_requested)
    cari_trainer_pause (trainer);
  if (self->stop_requested)
    cari_trainer_cancel (trainer);
  self->state = self->pause_requested ? LAB_RUNNER_PAUSED : LAB_RUNNER_RUNNING;
  g_mutex_unlock (&self->mutex);
  post_progress (self);
}

static void
on_notice (const char *text, gpointer data)
{
  LabRunner *self = data;
  g_mutex_lock (&self->mutex);
  gint64 run = self->active;
  g_mutex_unlock (&self->mutex);
  post_event (self, SIGNAL_NOTICE, run, 0, text);
}

/* Fig. 2's views of the evaluation, as the Analysis page lays them out. */
#define VIEWS_TOP 50

static void
execute_run (LabRunner *self, gint64 run, gboolean evaluate)
{
  g_autoptr (GError) error = NULL;
  CariRunReport report = { 0 };
  CariLaunchCallbacks callbacks = { on_prepare_progress, on_ready, { on_step, NULL, self, on_notice }, self };
  g_autoptr (CariStore) store = cari_store_open (self->db_path, CARI_STORE_READ_WRITE, &error);
  gboolean ok = store != NULL && cari_launch_execute (store, run, &callbacks, &report, &error);

  g_mutex_lock (&self->mutex);
  gboolean started = self->trainer != NULL;
  self->trainer = NULL;
  g_mutex_unlock (&self->mutex);
  if (!started)
    post_event (self, SIGNAL_RUN_STARTED, run, 0, NULL);
  /* Evaluated before it is said to be finished, so that its Analysis page opens ready. */
  if (ok && evaluate && report.status == CARI_RUN_FINISHED)
    {
      g_autoptr (GError) eval_error = NULL;
      set_state (self, LAB_RUNNER_PREPARING);
      if (!cari_launch_evaluate (store, run, -1, VIEWS_TOP, on_prepare_progress, self, NULL,
                                 &eval_error)
          && !g_error_matches (eval_error, CARI_ERROR, CARI_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("Could not evaluate run %lld: %s"),
                                                   (long long) run, eval_error->message);
          post_event (self, SIGNAL_NOTICE, run, 0, text);
        }
    }
  post_event (self, SIGNAL_RUN_FINISHED, run, store != NULL ? report.status : CARI_RUN_FAILED,
              ok ? NULL : error->message);
}

/* The progress of a new item (a run, or one of an experiment's), nothing known yet. */
static void
reset_progress (LabRunner *self)
{
  self->state = LAB_RUNNER_PREPARING;
  self->ips = 0.0;
  lab_runner_progress_clear (&self->progress);
  memset (&self->progress, 0, sizeof self->progress);
  self->progress.eta_s = -1.0;
}

/* "run-finished" for the experiment's run that waits for it, if any. */
static void
flush_finished (LabRunner *self)
{
  if (self->finishing > 0)
    post_event (self, SIGNAL_RUN_FINISHED, self->finishing, self->finishing_status,
                self->finishing_text);
  self->finishing = 0;
  g_clear_pointer (&self->finishing_text, g_free);
}

/* A run of the experiment starts training or evaluating: it becomes the active run. A run
 * trained and then evaluated is one run for the window: one "run-started", and "run-finished"
 * once it is evaluated. */
static void
on_experiment_run_started (const CariExperimentRun *place, const CariRunInfo *run, int index,
                           int n, gboolean training, gpointer data)
{
  LabRunner *self = data;
  gboolean same = self->finishing == run->id;
  if (!same)
    flush_finished (self);
  self->finishing = 0;
  g_clear_pointer (&self->finishing_text, g_free);
  g_mutex_lock (&self->mutex);
  self->active = run->id;
  reset_progress (self);
  g_mutex_unlock (&self->mutex);
  if (!same)
    post_event (self, SIGNAL_RUN_STARTED, run->id, 0, NULL);
  self->announced = TRUE;
  post_progress (self);
}

static void
on_experiment_run_done (const CariExperimentRun *place, CariRunStatus status,
                        const GError *error, gpointer data)
{
  LabRunner *self = data;
  g_mutex_lock (&self->mutex);
  self->trainer = NULL; /* gone with cari_launch_execute */
  g_mutex_unlock (&self->mutex);
  self->finishing = place->run;
  self->finishing_status = status;
  g_free (self->finishing_text);
  self->finishing_text = error != NULL ? g_strdup (error->message) : NULL;
}

static void
execute_experiment (LabRunner *self, gint64 experiment)
{
  g_autoptr (GError) error = NULL;
  CariExperimentReport report = { 0 };
  CariExperimentCallbacks callbacks = {
    { on_prepare_progress, on_ready, { on_step, NULL, self, on_notice }, self },
    on_experiment_run_started, on_experiment_run_done, self,
  };
  g_autoptr (CariStore) store = cari_store_open (self->db_path, CARI_STORE_READ_WRITE, &error);
  gboolean ok = store != NULL && cari_experiment_execute (store, experiment, &callbacks, &report,
                                                          &error);
  flush_finished (self);
  self->announced = FALSE;
  g_autoptr (CariExperimentInfo) info = store != NULL ? cari_store_get_experiment (store,
                                                                                  experiment,
                                                                                  NULL)
                                                      : NULL;
  g_autofree char *name = info != NULL ? g_strdup (info->name)
                                       : g_strdup_printf ("%lld", (long long) experiment);
  g_autofree char *text = NULL;
  if (ok)
    text = g_strdup_printf (_("Experiment “%s” is done: %d runs finished"), name,
                            report.n_finished);
  else if (report.cancelled)
    text = g_strdup_printf (_("Experiment “%s” stopped; resume it from the Experiments page"),
                            name);
  else
    text = g_strdup_printf (_("Experiment “%s” did not finish: %s"), name, error->message);
  post_event (self, SIGNAL_NOTICE, 0, 0, text);
}

static gpointer
thread_main (gpointer data)
{
  LabRunner *self = data;

  cari_parallel_set_nice (TRAINER_NICE);
  for (;;)
    {
      Item item = { 0 };
      g_mutex_lock (&self->mutex);
      while (!self->quit && self->queue->len == 0)
        g_cond_wait (&self->cond, &self->mutex);
      if (self->quit)
        {
          g_mutex_unlock (&self->mutex);
          break;
        }
      item = g_array_index (self->queue, Item, 0);
      g_array_index (self->queue, Item, 0).dataset = NULL; /* moved into item */
      g_array_remove_index (self->queue, 0);
      self->active = item.run;
      self->active_experiment = item.experiment;
      g_free (self->active_dataset);
      self->active_dataset = g_strdup (item.dataset);
      self->stop_requested = FALSE;
      reset_progress (self);
      g_mutex_unlock (&self->mutex);
      post_progress (self);

      if (item.run > 0)
        execute_run (self, item.run, item.evaluate);
      else if (item.dataset != NULL)
        prepare_dataset (self, item.dataset);
      else
        execute_experiment (self, item.experiment);
      item_clear (&item);

      g_mutex_lock (&self->mutex);
      self->active = 0;
      self->active_experiment = 0;
      g_clear_pointer (&self->active_dataset, g_free);
      g_mutex_unlock (&self->mutex);
      set_state (self, LAB_RUNNER_IDLE);
    }
  return NULL;
}

/* --------------------------------------------------------------------------- public API */

LabRunner *
lab_runner_new (const char *db_path)
{
  g_return_val_if_fail (db_path != NULL, NULL);
  LabRunner *self = g_object_new (LAB_TYPE_RUNNER, NULL);
  self->db_path = g_strdup (db_path);
  return self;
}

const char *
lab_runner_get_db_path (LabRunner *self)
{
  g_return_val_if_fail (LAB_IS_RUNNER (self), NULL);
  return self->db_path;
}

static void
push_item (LabRunner *self, gint64 run, const char *dataset, gboolean evaluate,
           gint64 experiment)
{
  Item item = { run, g_strdup (dataset), evaluate, experiment };
  g_mutex_lock (&self->mutex);
  g_array_append_val (self->queue, item);
  if (self->thread == NULL)
    self->thread = g_thread_new ("carilab-trainer", thread_main, self);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
  post_progress (self);
}

void
lab_runner_enqueue (LabRunner *self, gint64 run)
{
  g_return_if_fail (LAB_IS_RUNNER (self));
  g_return_if_fail (run > 0);
  push_item (self, run, NULL, FALSE, 0);
}

/**
 * lab_runner_enqueue_evaluated:
 *
 * As lab_runner_enqueue, and once the run finishes it is evaluated on every protocol of its data
 * set, with Fig. 2's views, before "run-finished" is emitted (the demo's runs, whose Analysis
 * page then opens ready). An evaluation that fails is said by a "notice".
 */
void
lab_runner_enqueue_evaluated (LabRunner *self, gint64 run)
{
  g_return_if_fail (LAB_IS_RUNNER (self));
  g_return_if_fail (run > 0);
  push_item (self, run, NULL, TRUE, 0);
}

/**
 * lab_runner_prepare_dataset:
 *
 * Queues the preparation of a data set by name (SynCari is generated and imported); the
 * "dataset-ready" signal says how it went.
 */
void
lab_runner_prepare_dataset (LabRunner *self, const char *name)
{
  g_return_if_fail (LAB_IS_RUNNER (self));
  g_return_if_fail (name != NULL);
  push_item (self, 0, name, FALSE, 0);
}

/**
 * lab_runner_enqueue_experiment:
 *
 * Queues the execution of an experiment of the store: its runs that are not finished, one after
 * another, each evaluated as it finishes (cari_experiment_execute). Each run is the active run
 * while it trains or is evaluated, with "run-started" and "run-finished" as for a run queued on
 * its own; pause and stop act on it (a stopped run stops the experiment). A "notice" says when
 * the experiment is done or why it stopped.
 */
void
lab_runner_enqueue_experiment (LabRunner *self, gint64 experiment)
{
  g_return_if_fail (LAB_IS_RUNNER (self));
  g_return_if_fail (experiment > 0);
  push_item (self, 0, NULL, FALSE, experiment);
}

gboolean
lab_runner_has_experiment (LabRunner *self, gint64 experiment)
{
  g_return_val_if_fail (LAB_IS_RUNNER (self), FALSE);
  g_mutex_lock (&self->mutex);
  gboolean found = self->active_experiment == experiment;
  for (guint i = 0; i < self->queue->len && !found; i++)
    {
      const Item *item = &g_array_index (self->queue, Item, i);
      found = item->run == 0 && item->dataset == NULL && item->experiment == experiment;
    }
  g_mutex_unlock (&self->mutex);
  return found;
}

/* Where `run` waits in the queue, or -1; the caller holds the mutex. */
static int
queued_at (LabRunner *self, gint64 run)
{
  for (guint i = 0; i < self->queue->len; i++)
    if (g_array_index (self->queue, Item, i).run == run)
      return (int) i;
  return -1;
}

gboolean
lab_runner_is_queued (LabRunner *self, gint64 run)
{
  g_return_val_if_fail (LAB_IS_RUNNER (self), FALSE);
  g_mutex_lock (&self->mutex);
  gboolean found = queued_at (self, run) >= 0;
  g_mutex_unlock (&self->mutex);
  return found;
}

gboolean
lab_runner_dequeue (LabRunner *self, gint64 run)
{
  g_return_val_if_fail (LAB_IS_RUNNER (self), FALSE);
  g_mutex_lock (&self->mutex);
  int at = queued_at (self, run);
  if (at >= 0)
    g_array_remove_index (self->queue, at);
  g_mutex_unlock (&self->mutex);
  if (at >= 0)
    post_progress (self);
  return at >= 0;
}

guint
lab_runner_get_n_queued (LabRunner *self)
{
  g_return_val_if_fail (LAB_IS_RUNNER (self), 0);
  g_mutex_lock (&self->mutex);
  guint n = self->queue->len;
  g_mutex_unlock (&self->mutex);
  return n;
}

LabRunnerState
lab_runner_get_state (LabRunner *self)
{
  g_return_val_if_fail (LAB_IS_RUNNER (self), LAB_RUNNER_IDLE);
  g_mutex_lock (&self->mutex);
  LabRunnerState state = self->state;
  g_mutex_unlock (&self->mutex);
  return state;
}

gint64
lab_runner_get_active_run (LabRunner *self)
{
  g_return_val_if_fail (LAB_IS_RUNNER (self), 0);
  g_mutex_lock (&self->mutex);
  gint64 run = self->active;
  g_mutex_unlock (&self->mutex);
  return run;
}

/* The active run paused or resumed, and the runs that start after it until told otherwise. */
static void
set_paused (LabRunner *self, gboolean paused)
{
  g_mutex_lock (&self->mutex);
  self->pause_requested = paused;
  if (self->trainer != NULL)
    {
      if (paused)
        cari_trainer_pause (self->trainer);
      else
        cari_trainer_resume (self->trainer);
      self->state = paused ? LAB_RUNNER_PAUSED : LAB_RUNNER_RUNNING;
    }
  g_mutex_unlock (&self->mutex);
  post_progress (self);
}

void
lab_runner_pause (LabRunner *self)
{
  g_return_if_fail (LAB_IS_RUNNER (self));
  set_paused (self, TRUE);
}

void
lab_runner_resume (LabRunner *self)
{
  g_return_if_fail (LAB_IS_RUNNER (self));
  set_paused (self, FALSE);
}

void
lab_runner_stop (LabRunner *self)
{
  g_return_if_fail (LAB_IS_RUNNER (self));
  g_mutex_lock (&self->mutex);
  if (self->active != 0 || self->active_dataset != NULL || self->active_experiment != 0)
    self->stop_requested = TRUE;
  if (self->trainer != NULL)
    cari_trainer_cancel (self->trainer);
  g_mutex_unlock (&self->mutex);
}

void
lab_runner_stop_all (LabRunner *self)
{
  g_return_if_fail (LAB_IS_RUNNER (self));
  g_mutex_lock (&self->mutex);
  g_array_set_size (self->queue, 0);
  g_mutex_unlock (&self->mutex);
  lab_runner_stop (self);
}

void
lab_runner_get_progress (LabRunner *self, LabRunnerProgress *out)
{
  g_return_if_fail (LAB_IS_RUNNER (self));
  g_mutex_lock (&self->mutex);
  *out = self->progress;
  out->what = g_strdup (self->progress.what);
  g_mutex_unlock (&self->mutex);
}

void
lab_runner_progress_clear (LabRunnerProgress *progress)
{
  g_clear_pointer (&progress->what, g_free);
}

void
lab_runner_shutdown (LabRunner *self)
{
  g_return_if_fail (LAB_IS_RUNNER (self));
  g_mutex_lock (&self->mutex);
  GThread *thread = g_steal_pointer (&self->thread);
  self->quit = TRUE;
  self->stop_requested = TRUE;
  if (self->trainer != NULL)
    cari_trainer_cancel (self->trainer);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
  if (thread != NULL)
    g_thread_join (thread);
}

/* ------------------------------------------------------------------------------ GObject */

static void
lab_runner_dispose (GObject *object)
{
  lab_runner_shutdown (LAB_RUNNER (object));
  G_OBJECT_CLASS (lab_runner_parent_class)->dispose (object);
}

static void
lab_runner_finalize (GObject *object)
{
  LabRunner *self = LAB_RUNNER (object);
  g_array_unref (self->queue);
  lab_runner_progress_clear (&self->progress);
  g_free (self->active_dataset);
  g_free (self->finishing_text);
  g_free (self->db_path);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (lab_runner_parent_class)->finalize (object);
}

static void
lab_runner_class_init (LabRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_runner_dispose;
  object_class->finalize = lab_runner_finalize;

  /**
   * LabRunner::progress:
   *
   * Something changed (a step, the state, the preparation); read it with
   * lab_runner_get_progress(). Coalesced.
   */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           0);
  signals[SIGNAL_RUN_STARTED] = g_signal_new ("run-started", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * LabRunner::run-finished:
   * @run: the run
   * @status: its #CariRunStatus
   * @message: (nullable): why it failed
   */
  signals[SIGNAL_RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT,
                                               G_TYPE_STRING);
  /**
   * LabRunner::dataset-ready:
   * @name_or_message: the data set's name, or why preparing it failed
   * @ok: whether it is ready
   */
  signals[SIGNAL_DATASET_READY] = g_signal_new ("dataset-ready", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
  /**
   * LabRunner::notice:
   * @run: the run
   * @text: something to tell the user that does not stop the run (a locked run database)
   */
  signals[SIGNAL_NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64,
                                         G_TYPE_STRING);
}

static void
lab_runner_init (LabRunner *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->queue = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->queue, (GDestroyNotify) item_clear);
  self->progress.eta_s = -1.0;
}
