/* lab-store-gateway.c — the window's lanes to the run store: a thread, a queue and one
 * connection each.
 *
 * A lane's thread owns the lane (its queue reference and its connection) and frees it when it
 * pops the stop mark, which the gateway pushes when it goes; jobs queued before it still run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include "lab-store-gateway.h"

/* What the lanes of one gateway share (atomic reference count). */
typedef struct
{
  char *path;
  GMutex mutex;
  GCond cond;
  gboolean tried; /* the write lane tried to open the store: the read lanes may open it */
} Core;

static void
core_clear (Core *core)
{
  g_free (core->path);
  g_mutex_clear (&core->mutex);
  g_cond_clear (&core->cond);
}

static void
core_unref (Core *core)
{
  g_atomic_rc_box_release_full (core, (GDestroyNotify) core_clear);
}

typedef struct
{
  Core *core;          /* owned (a reference) */
  LabStoreLane kind;
  GAsyncQueue *queue;  /* owned (a reference): of Job *, then the stop mark */
  CariStore *store;    /* owned; NULL until opened */
} Lane;

typedef struct
{
  GTask *task;         /* owned */
  LabStoreJobFunc func;
} Job;

/* Pushed last: the lane's thread closes its connection and ends. */
static Job stop_mark;

struct _LabStoreGateway
{
  GObject parent_instance;

  Core *core;                              /* owned */
  GAsyncQueue *queues[LAB_STORE_N_LANES];  /* owned; NULL until the lane's first job */
};

G_DEFINE_FINAL_TYPE (LabStoreGateway, lab_store_gateway, G_TYPE_OBJECT)

/* ------------------------------------------------------------------------------ lane thread */

static gboolean
lane_open (Lane *lane, GError **error)
{
  Core *core = lane->core;
  if (lane->store != NULL)
    return TRUE;
  if (lane->kind == LAB_STORE_LANE_WRITE)
    {
      lane->store = cari_store_open (core->path, CARI_STORE_READ_WRITE, error);
      g_mutex_lock (&core->mutex);
      core->tried = TRUE;
      g_cond_broadcast (&core->cond);
      g_mutex_unlock (&core->mutex);
    }
  else
    {
      /* A read-only connection cannot create the file or migrate its schema: the write lane
       * does, first. */
      g_mutex_lock (&core->mutex);
      while (!core->tried)
        g_cond_wait (&core->cond, &core->mutex);
      g_mutex_unlock (&core->mutex);
      lane->store = cari_store_open (core->path, CARI_STORE_READ_ONLY, error);
    }
  return lane->store != NULL;
}

static gboolean
unref_in_context (gpointer task)
{
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
lane_run (Lane *lane, Job *job)
{
  GTask *task = job->task;
  GError *error = NULL;
  if (g_task_return_error_if_cancelled (task))
    ;
  else if (!lane_open (lane, &error))
    g_task_return_error (task, error);
  else
    job->func (task, lane->store, g_task_get_task_data (task), g_task_get_cancellable (task));
  /* The task may hold the last reference to a widget: let it go where the widget lives. */
  GSource *source = g_idle_source_new ();
  g_source_set_callback (source, unref_in_context, task, NULL);
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
  g_free (job);
}

static gpointer
lane_main (gpointer data)
{
  Lane *lane = data;
  /* The write lane opens at once: it creates or migrates the database before anyone reads it (a
   * failure is said to the first job, which tries again). */
  if (lane->kind == LAB_STORE_LANE_WRITE)
    lane_open (lane, NULL);
  for (;;)
    {
      Job *job = g_async_queue_pop (lane->queue);
      if (job == &stop_mark)
        break;
      lane_run (lane, job);
    }
  cari_store_close (lane->store);
  g_async_queue_unref (lane->queue);
  core_unref (lane->core);
  g_free (lane);
  return NULL;
}

static GAsyncQueue *
lane_start (LabStoreGateway *self, LabStoreLane kind)
{
  static const char *const names[LAB_STORE_N_LANES] = { "store-poll", "store-load",
                                                        "store-write" };
  Lane *lane = g_new0 (Lane, 1);
  lane->core = g_atomic_rc_box_acquire (self->core);
  lane->kind = kind;
  lane->queue = g_async_queue_new ();
  self->queues[kind] = g_async_queue_ref (lane->queue);
  g_thread_unref (g_thread_new (names[kind], lane_main, lane));
  return self->queues[kind];
}

/* ------------------------------------------------------------------------------ public */

void
lab_store_job_return (GTask *task, gpointer result, GDestroyNotify result_free, GError *error)
{
  if (result != NULL)
    {
      g_clear_error (&error);
      g_task_return_pointer (task, result, result_free);
    }
  else
    g_task_return_error (task, error);
}

void
lab_store_job_return_boolean (GTask *task, gboolean ok, GError *error)
{
  lab_store_job_return (task, ok ? GINT_TO_POINTER (TRUE) : NULL, NULL, error);
}

typedef struct
{
  LabStoreJobDone done;
} JobDone;

/* The task's callback: the job's result or error to `done`, but for a cancelled job. */
static void
job_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  JobDone *d = user_data;
  g_autoptr (GError) error = NULL;
  gpointer out = g_task_propagate_pointer (G_TASK (result), &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    d->done (source, g_task_get_task_data (G_TASK (result)), out, error);
  g_free (d);
}

/* A job's task, `done` to hear of its end. */
static GTask *
job_task_new (gpointer data, GDestroyNotify data_free, gpointer source,
              GCancellable *cancellable, LabStoreJobDone done)
{
  JobDone *d = g_new (JobDone, 1);
  d->done = done;
  GTask *task = g_task_new (source, cancellable, job_done, d);
  g_task_set_task_data (task, data, data_free);
  return task;
}

void
lab_store_gateway_run (LabStoreGateway *self, LabStoreLane lane, GTask *task,
                       LabStoreJobFunc func)
{
  g_return_if_fail (LAB_IS_STORE_GATEWAY (self));
  g_return_if_fail (lane < LAB_STORE_N_LANES);
  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);
  GAsyncQueue *queue = self->queues[lane] != NULL ? self->queues[lane] : lane_start (self, lane);
  Job *job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->func = func;
  g_async_queue_push (queue, job);
}

void
lab_store_gateway_start (LabStoreGateway *self, LabStoreLane lane, LabStoreJobFunc func,
                         gpointer data, GDestroyNotify data_free, gpointer source,
                         GCancellable *cancellable, LabStoreJobDone done)
{
  g_autoptr (GTask) task = job_task_new (data, data_free, source, cancellable, done);
  lab_store_gateway_run (self, lane, task, func);
}

void
lab_store_job_cancel (GCancellable **cancellable)
{
  g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
}

GCancellable *
lab_store_job_replace (GCancellable **cancellable)
{
  lab_store_job_cancel (cancellable);
  *cancellable = g_cancellable_new ();
  return *cancellable;
}

typedef struct
{
  char *path;
  LabStoreJobFunc func;
} LongJob;

static void
long_job_free (LongJob *job)
{
  g_free (job->path);
  g_free (job);
}

static void
long_job_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  LongJob *job = g_object_get_data (G_OBJECT (task), "lab-long-job");
  GError *error = NULL;
  g_autoptr (CariStore) store = cari_store_open (job->path, CARI_STORE_READ_WRITE, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  cari_store_set_busy_timeout (store, 30000);
  job->func (task, store, data, cancellable);
}

void
lab_store_gateway_start_long (LabStoreGateway *self, LabStoreJobFunc func, gpointer data,
                              GDestroyNotify data_free, gpointer source, LabStoreJobDone done)
{
  g_return_if_fail (LAB_IS_STORE_GATEWAY (self));
  g_autoptr (GTask) task = job_task_new (data, data_free, source, NULL, done);
  LongJob *job = g_new0 (LongJob, 1);
  job->path = g_strdup (self->core->path);
  job->func = func;
  g_object_set_data_full (G_OBJECT (task), "lab-long-job", job, (GDestroyNotify) long_job_free);
  g_task_run_in_thread (task, long_job_thread);
}

static void
check_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  g_task_return_boolean (task, TRUE);
}

void
lab_store_gateway_check_async (LabStoreGateway *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer data)
{
  g_return_if_fail (LAB_IS_STORE_GATEWAY (self));
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, data);
  g_task_set_source_tag (task, lab_store_gateway_check_async);
  lab_store_gateway_run (self, LAB_STORE_LANE_WRITE, task, check_job);
}

gboolean
lab_store_gateway_check_finish (LabStoreGateway *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

LabStoreGateway *
lab_store_gateway_new (const char *db_path)
{
  g_return_val_if_fail (db_path != NULL, NULL);
  LabStoreGateway *self = g_object_new (LAB_TYPE_STORE_GATEWAY, NULL);
  self->core = g_atomic_rc_box_new0 (Core);
  self->core->path = g_strdup (db_path);
  g_mutex_init (&self->core->mutex);
  g_cond_init (&self->core->cond);
  lane_start (self, LAB_STORE_LANE_WRITE);
  return self;
}

const char *
lab_store_gateway_get_path (LabStoreGateway *self)
{
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (self), NULL);
  return self->core->path;
}

static void
lab_store_gateway_finalize (GObject *object)
{
  LabStoreGateway *self = LAB_STORE_GATEWAY (object);
  for (int l = 0; l < LAB_STORE_N_LANES; l++)
    if (self->queues[l] != NULL)
      {
        g_async_queue_push (self->queues[l], &stop_mark);
        g_async_queue_unref (self->queues[l]);
      }
  core_unref (self->core);
  G_OBJECT_CLASS (lab_store_gateway_parent_class)->finalize (object);
}

static void
lab_store_gateway_class_init (LabStoreGatewayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_store_gateway_finalize;
}

static void
lab_store_gateway_init (LabStoreGateway *self)
{
}
