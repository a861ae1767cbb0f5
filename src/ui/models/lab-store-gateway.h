/* lab-store-gateway.h — the one way a window's models and pages reach the run store: jobs run
 * on worker threads that each keep one connection, opened once, and their results come back on
 * the main thread as GTask results.
 *
 * Three lanes, a thread and a connection each, so that no kind of job waits behind another:
 * - LAB_STORE_LANE_POLL (read-only): short reads that come back again and again — the run
 *   list's refresh, a watched run's new rows, a run's evaluations. A poll waits at most for the
 *   poll before it.
 * - LAB_STORE_LANE_LOAD (read-only): reads that may take long — an evaluation's pair scores (up
 *   to millions), a data set, the layouts of the embeddings, the data sets listed with their
 *   counts. Loading ten million scores does not hold a poll back.
 * - LAB_STORE_LANE_WRITE (read-write): writes — rename, delete, import, queue the demo. A write
 *   that waits for the trainer's write lock (busy timeout) holds no read back. The write lane
 *   opens first, at construction: it creates the database or migrates its schema, and the read
 *   lanes open (read-only) only after it tried.
 * Each lane runs its jobs one at a time, first in first out. Every statement of the store runs
 *   in autocommit mode and is reset after use, so a lane holds no read transaction between jobs
 *   (a reader kept open would stop WAL checkpoints and let the WAL file grow).
 *
 * The trainer's thread keeps a connection of its own (LabRunner); so do the long jobs that run a
 * network for minutes against the store (evaluate, lay out the embeddings:
 * lab_store_gateway_start_long).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cari.h"

G_BEGIN_DECLS

typedef enum
{
  LAB_STORE_LANE_POLL,
  LAB_STORE_LANE_LOAD,
  LAB_STORE_LANE_WRITE,
  LAB_STORE_N_LANES,
} LabStoreLane;

/* Runs on the lane's thread with its connection (borrowed: the lane keeps it for the next job)
 * and must return the task's result (g_task_return_*), as a GTaskThreadFunc does. */
typedef void (*LabStoreJobFunc) (GTask *task, CariStore *store, gpointer task_data,
                                 GCancellable *cancellable);

/* How a job ends: `result` (freed with `result_free` if nobody takes it) when it is not NULL,
 * else `error` (taken). */
void lab_store_job_return (GTask *task, gpointer result, GDestroyNotify result_free,
                           GError *error);
/* TRUE (as a pointer, GINT_TO_POINTER (TRUE)), or `error` (taken) when `ok` is FALSE. */
void lab_store_job_return_boolean (GTask *task, gboolean ok, GError *error);

/* How the one who started a job (lab_store_gateway_start) hears of its end, on the main thread,
 * unless the job was cancelled: then it hears nothing (it may be gone). `source`: what the job
 * was started for; `data`: the job's data; `result`: what the job returned (transfer full), NULL
 * when it failed; `error`: why it failed, NULL when it did not. */
typedef void (*LabStoreJobDone) (gpointer source, gpointer data, gpointer result,
                                 const GError *error);

/* Cancels the job `*cancellable` belongs to, if any, and drops the cancellable. */
void          lab_store_job_cancel (GCancellable **cancellable);
/* Cancels the job `*cancellable` belongs to, if any, and puts a new cancellable in its place
 * for the job that replaces it; returns it (borrowed). */
GCancellable *lab_store_job_replace (GCancellable **cancellable);

#define LAB_TYPE_STORE_GATEWAY (lab_store_gateway_get_type ())
G_DECLARE_FINAL_TYPE (LabStoreGateway, lab_store_gateway, LAB, STORE_GATEWAY, GObject)

/* Starts the write lane, which creates or migrates the database at `db_path`. */
LabStoreGateway *lab_store_gateway_new (const char *db_path);
const char      *lab_store_gateway_get_path (LabStoreGateway *self);
/* Queues `func` on `lane` for `task` (made with g_task_new on the main thread; its callback runs
 * there). A task whose cancellable is cancelled before its turn returns G_IO_ERROR_CANCELLED
 * without running; a lane that cannot open the store returns the error and tries again at the
 * next job. The last reference the lane holds on the task is dropped in the task's context, so
 * that its source object (a widget) is never finalized on a worker. */
void             lab_store_gateway_run (LabStoreGateway *self, LabStoreLane lane, GTask *task,
                                        LabStoreJobFunc func);
/* How the window's models and pages run a job: `func` on `lane` with `data` (freed with
 * `data_free` after `done`), for `source` (a GObject kept alive until then; NULL for none: what
 * goes away meanwhile is then not kept alive, and `done` gets NULL), cancelled with
 * `cancellable`. */
void             lab_store_gateway_start (LabStoreGateway *self, LabStoreLane lane,
                                          LabStoreJobFunc func, gpointer data,
                                          GDestroyNotify data_free, gpointer source,
                                          GCancellable *cancellable, LabStoreJobDone done);
/* The same on a thread of its own with a read-write connection of its own, opened for the job
 * (waiting up to 30 s for another writer's lock) and closed after: for the jobs that run a
 * network against the store for minutes (evaluate, lay out the embeddings), so that no lane
 * waits for them. */
void             lab_store_gateway_start_long (LabStoreGateway *self, LabStoreJobFunc func,
                                               gpointer data, GDestroyNotify data_free,
                                               gpointer source, LabStoreJobDone done);
/* Whether the database could be opened for writing (created or migrated): the write lane's
 * first job. */
void             lab_store_gateway_check_async (LabStoreGateway *self, GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer data);
gboolean         lab_store_gateway_check_finish (LabStoreGateway *self, GAsyncResult *result,
                                                 GError **error);

G_END_DECLS
