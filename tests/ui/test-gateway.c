/* test-gateway.c — the window's store gateway: jobs on its lanes (a worker's connection, the
 * result on the main thread, cancelled before their turn), jobs started with a callback of their
 * own (silent when cancelled), a long load that holds no poll back,
 * the write lane creating the database before any read, a watched run and the run list polled
 * many times over connections opened once, no read transaction left open between polls, and the
 * run list's parsed configurations kept from refresh to refresh.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <sqlite3.h>
#include <string.h>

#include <adwaita.h>

#include "cari.h"

#include "lab-run-list.h"
#include "lab-run-watch.h"
#include "lab-store-gateway.h"
#include "ui-test-util.h"

/* ------------------------------------------------------------------------------ jobs */

typedef struct
{
  GThread *thread;    /* where the job ran */
  CariStore *store;   /* the connection it was given (compared, never used) */
  gboolean done;      /* the callback ran */
  GThread *callback;  /* where the callback ran */
  GError *error;
} Ran;

static void
record_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  Ran *ran = data;
  ran->thread = g_thread_self ();
  ran->store = store;
  g_task_return_boolean (task, TRUE);
}

static void
on_ran (GObject *source, GAsyncResult *result, gpointer data)
{
  Ran *ran = data;
  g_task_propagate_boolean (G_TASK (result), &ran->error);
  ran->callback = g_thread_self ();
  ran->done = TRUE;
}

static void
run_recorded (LabStoreGateway *gateway, LabStoreLane lane, Ran *ran, GCancellable *cancellable)
{
  memset (ran, 0, sizeof *ran);
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, on_ran, ran);
  g_task_set_task_data (task, ran, NULL);
  lab_store_gateway_run (gateway, lane, task, record_job);
}

static void
test_jobs (void)
{
  g_autofree char *db = ui_test_temp_db ("carilab-gateway");
  LabStoreGateway *gateway = lab_store_gateway_new (db);
  Ran first[LAB_STORE_N_LANES], again;
  for (int lane = 0; lane < LAB_STORE_N_LANES; lane++)
    {
      run_recorded (gateway, lane, &first[lane], NULL);
      ui_test_wait_flag (&first[lane].done, "a job");
      g_assert_no_error (first[lane].error);
      /* On a worker with a connection; the result on the main thread. */
      g_assert_nonnull (first[lane].store);
      g_assert_true (first[lane].thread != g_thread_self ());
      g_assert_true (first[lane].callback == g_thread_self ());
    }
  /* A connection of its own for each lane, kept for the lane's next job. */
  g_assert_true (first[LAB_STORE_LANE_POLL].store != first[LAB_STORE_LANE_LOAD].store);
  g_assert_true (first[LAB_STORE_LANE_POLL].store != first[LAB_STORE_LANE_WRITE].store);
  guint opened = cari_store_open_count ();
  for (int lane = 0; lane < LAB_STORE_N_LANES; lane++)
    {
      run_recorded (gateway, lane, &again, NULL);
      ui_test_wait_flag (&again.done, "the job again");
      g_assert_true (again.store == first[lane].store);
    }
  g_assert_cmpuint (cari_store_open_count (), ==, opened);

  /* Cancelled before its turn: it says so and does not run. */
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  run_recorded (gateway, LAB_STORE_LANE_POLL, &again, cancellable);
  ui_test_wait_flag (&again.done, "the cancelled job");
  g_assert_error (again.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (again.thread);
  g_clear_error (&again.error);

  g_assert_finalize_object (gateway);
  ui_test_settle ();
  ui_test_remove_db (db);
}

/* --- a load that blocks until the test lets it go */

typedef struct
{
  GMutex mutex;
  GCond cond;
  gboolean started, released;
} Gate;

static void
blocking_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  Gate *gate = data;
  g_mutex_lock (&gate->mutex);
  gate->started = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->mutex);
  g_mutex_unlock (&gate->mutex);
  g_task_return_boolean (task, TRUE);
}

static gboolean
gate_started (gpointer data)
{
  Gate *gate = data;
  g_mutex_lock (&gate->mutex);
  gboolean started = gate->started;
  g_mutex_unlock (&gate->mutex);
  return started;
}

static void
set_done (GObject *source, GAsyncResult *result, gpointer done)
{
  *(gboolean *) done = TRUE;
}

/* A load that takes minutes (here: until released) holds no poll back; the load lane's next job
 * waits for it. */
static void
test_lanes (void)
{
  g_autofree char *db = ui_test_temp_db ("carilab-gateway");
  LabStoreGateway *gateway = lab_store_gateway_new (db);
  Gate gate = { 0 };
  g_mutex_init (&gate.mutex);
  g_cond_init (&gate.cond);
  gboolean load_done = FALSE;
  g_autoptr (GTask) load = g_task_new (NULL, NULL, set_done, &load_done);
  g_task_set_task_data (load, &gate, NULL);
  lab_store_gateway_run (gateway, LAB_STORE_LANE_LOAD, load, blocking_job);
  ui_test_wait_for (gate_started, &gate, 20, "the long load");

  Ran poll, behind;
  run_recorded (gateway, LAB_STORE_LANE_POLL, &poll, NULL);
  run_recorded (gateway, LAB_STORE_LANE_LOAD, &behind, NULL);
  ui_test_wait_flag (&poll.done, "a poll while the load goes on");
  g_assert_no_error (poll.error);
  ui_test_settle ();
  g_assert_false (load_done);
  g_assert_false (behind.done);

  g_mutex_lock (&gate.mutex);
  gate.released = TRUE;
  g_cond_broadcast (&gate.cond);
  g_mutex_unlock (&gate.mutex);
  ui_test_wait_flag (&load_done, "the long load's end");
  ui_test_wait_flag (&behind.done, "the load queued behind it");

  ui_test_settle ();
  g_assert_finalize_object (gateway);
  g_mutex_clear (&gate.mutex);
  g_cond_clear (&gate.cond);
  ui_test_remove_db (db);
}

static void
on_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  Ran *ran = data;
  lab_store_gateway_check_finish (LAB_STORE_GATEWAY (source), result, &ran->error);
  ran->done = TRUE;
}

/* The write lane creates the database before the read lanes open it read-only; a path that
 * cannot hold one is said by the check and by every job. */
static void
test_write_first (void)
{
  g_autofree char *db = ui_test_temp_db ("carilab-gateway");
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  LabStoreGateway *gateway = lab_store_gateway_new (db);
  Ran ran;
  run_recorded (gateway, LAB_STORE_LANE_POLL, &ran, NULL);
  ui_test_wait_flag (&ran.done, "a read of a new database");
  g_assert_no_error (ran.error);
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
  g_assert_finalize_object (gateway);

  /* A file where the folder should be. */
  g_autofree char *bad = g_build_filename (db, "runs.db", NULL);
  gateway = lab_store_gateway_new (bad);
  memset (&ran, 0, sizeof ran);
  lab_store_gateway_check_async (gateway, NULL, on_checked, &ran);
  ui_test_wait_flag (&ran.done, "the check");
  g_assert_nonnull (ran.error);
  g_assert_nonnull (strstr (ran.error->message, db));
  g_clear_error (&ran.error);
  run_recorded (gateway, LAB_STORE_LANE_POLL, &ran, NULL);
  ui_test_wait_flag (&ran.done, "a read");
  g_assert_nonnull (ran.error);
  g_assert_null (ran.thread);
  g_clear_error (&ran.error);
  ui_test_settle ();
  g_assert_finalize_object (gateway);
  ui_test_settle ();
  ui_test_remove_db (db);
}

/* --- jobs started with a callback of their own (lab_store_gateway_start) */

typedef struct
{
  const char *answer; /* what the job returns; NULL: it fails */
  int calls;          /* the callback's */
  gpointer source;    /* what the callback was given */
  char *result;
  GError *error;
  GThread *thread;    /* where the callback ran */
  gboolean freed;     /* the job's data was freed */
} Started;

static void
answer_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  Started *s = data;
  GError *error = s->answer == NULL ? g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "no answer")
                                    : NULL;
  lab_store_job_return (task, g_strdup (s->answer), g_free, error);
}

static void
on_answer (gpointer source, gpointer data, gpointer result, const GError *error)
{
  Started *s = data;
  s->calls++;
  s->source = source;
  s->result = result;
  s->error = error != NULL ? g_error_copy (error) : NULL;
  s->thread = g_thread_self ();
}

static void
started_freed (gpointer data)
{
  ((Started *) data)->freed = TRUE;
}

static gboolean
started_done (gpointer data)
{
  Started *s = data;
  return s->calls > 0 && s->freed;
}

/* The callback gets the source, the job's data and its result (or its error) on the main thread,
 * then the data is freed; a job cancelled says nothing, even when it ran. */
static void
test_started (void)
{
  g_autofree char *db = ui_test_temp_db ("carilab-gateway");
  LabStoreGateway *gateway = lab_store_gateway_new (db);
  GObject *source = g_object_new (G_TYPE_OBJECT, NULL);

  Started ok = { .answer = "42" };
  lab_store_gateway_start (gateway, LAB_STORE_LANE_LOAD, answer_job, &ok, started_freed, source,
                           NULL, on_answer);
  ui_test_wait_for (started_done, &ok, 20, "a job's callback");
  g_assert_cmpint (ok.calls, ==, 1);
  g_assert_true (ok.source == source);
  g_assert_true (ok.thread == g_thread_self ());
  g_assert_no_error (ok.error);
  g_assert_cmpstr (ok.result, ==, "42");
  g_free (ok.result);

  Started failed = { .answer = NULL };
  lab_store_gateway_start_long (gateway, answer_job, &failed, started_freed, source, on_answer);
  ui_test_wait_for (started_done, &failed, 20, "a long job's callback");
  g_assert_cmpint (failed.calls, ==, 1);
  g_assert_error (failed.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_null (failed.result);
  g_clear_error (&failed.error);

  /* Cancelled before its turn, and cancelled once queued (it may run): neither says a word. */
  g_autoptr (GCancellable) before = g_cancellable_new ();
  g_cancellable_cancel (before);
  Started early = { .answer = "early" }, late = { .answer = "late" }, after = { .answer = "" };
  lab_store_gateway_start (gateway, LAB_STORE_LANE_POLL, answer_job, &early, started_freed, NULL,
                           before, on_answer);
  g_autoptr (GCancellable) during = g_cancellable_new ();
  lab_store_gateway_start (gateway, LAB_STORE_LANE_POLL, answer_job, &late, started_freed, NULL,
                           during, on_answer);
  g_cancellable_cancel (during);
  lab_store_gateway_start (gateway, LAB_STORE_LANE_POLL, answer_job, &after, started_freed, NULL,
                           NULL, on_answer);
  ui_test_wait_for (started_done, &after, 20, "the job queued behind the cancelled ones");
  g_free (after.result);
  ui_test_settle ();
  g_assert_cmpint (early.calls, ==, 0);
  g_assert_cmpint (late.calls, ==, 0);
  g_assert_true (early.freed);
  g_assert_true (late.freed);

  g_assert_finalize_object (source);
  g_assert_finalize_object (gateway);
  ui_test_settle ();
  ui_test_remove_db (db);
}

/* ------------------------------------------------------------------------------ polls */

#define N_POLLS 40

static gint64
add_run (CariStore *store, const char *name, const char *strategy)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, &error);
  g_autofree char *set = g_strdup_printf ("strategy.name=%s", strategy);
  g_assert_true (cari_run_config_set (cfg, set, &error));
  g_autofree char *text = cari_run_config_to_text (cfg);
  gint64 run = cari_store_create_run (store, name, 0, text, 1, 0, &error);
  g_assert_no_error (error);
  return run;
}

static void
add_value (CariStore *store, gint64 run, gint64 step, double value)
{
  g_autoptr (GError) error = NULL;
  CariMetric m = { step, 1000.0 + step, "weight/cari", value };
  g_assert_true (cari_store_append_metrics (store, run, &m, 1, &error));
}

static void
add_row (CariStore *store, gint64 run, gint64 step)
{
  add_value (store, run, step, 0.5);
}

typedef struct
{
  LabRunWatch *watch;
  guint64 want;
} Rows;

static gboolean
rows_reached (gpointer data)
{
  Rows *r = data;
  return lab_run_watch_get_n_rows (r->watch) >= r->want;
}

static void
refresh_and_wait (LabRunList *runs)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect_swapped (runs, "refreshed", G_CALLBACK (ui_test_set_flag), &done);
  lab_run_list_refresh (runs);
  ui_test_wait_flag (&done, "a refresh");
  g_signal_handler_disconnect (runs, id);
}

/* Lets go of a test's store: its gateway (which nothing holds any more), the writer's connection
 * and the files. */
static void
drop_store (LabStoreGateway *gateway, CariStore *writer, const char *db)
{
  ui_test_settle ();
  g_assert_finalize_object (gateway);
  cari_store_close (writer);
  ui_test_settle ();
  ui_test_remove_db (db);
}

/* A checkpoint of the whole WAL by another connection, as SQLite's own would: it completes only
 * when no reader holds an older snapshot. TRUE when it did. */
static gboolean
checkpoint_completes (const char *db)
{
  sqlite3 *raw = NULL;
  g_assert_cmpint (sqlite3_open_v2 (db, &raw, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  /* A connection knows the database is in WAL mode once it has read it. */
  g_assert_cmpint (sqlite3_exec (raw, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  int log = -1, done = -1;
  int rc = sqlite3_wal_checkpoint_v2 (raw, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
  sqlite3_close (raw);
  return rc == SQLITE_OK;
}

/* A watched run polled N_POLLS times, and the run list refreshed N_POLLS times, while another
 * connection writes: no connection opened for any of them after the first. */
static void
test_polls_open_once (void)
{
  g_autofree char *db = ui_test_temp_db ("carilab-gateway");
  CariStore *writer = ui_test_open_store (db);
  gint64 run = add_run (writer, "watched", "proposed");
  add_row (writer, run, 1);
  LabStoreGateway *gateway = lab_store_gateway_new (db);
  LabRunWatch *watch = lab_run_watch_new (gateway, run, 0);
  LabRunList *runs = lab_run_list_new (gateway);
  Rows r = { watch, 1 };
  ui_test_wait_for (rows_reached, &r, 20, "the first poll");
  refresh_and_wait (runs);

  guint before = cari_store_open_count ();
  for (int i = 0; i < N_POLLS; i++)
    {
      add_row (writer, run, 2 + i);
      lab_run_watch_poll (watch);
      r.want = 2 + i;
      ui_test_wait_for (rows_reached, &r, 20, "a poll's new row");
      refresh_and_wait (runs);
    }
  guint after = cari_store_open_count ();
  g_test_message ("%d polls and %d refreshes opened %u connections", N_POLLS, N_POLLS,
                  after - before);
  g_assert_cmpuint (after - before, ==, 0);
  g_assert_cmpint (lab_run_item_get_step (lab_run_list_find (runs, run)), ==, N_POLLS + 1);

  /* No read transaction outlives a poll: the writer's WAL can be checkpointed whole. And the
   * check can fail: a reader that keeps its transaction open stops it. */
  g_assert_true (checkpoint_completes (db));
  sqlite3 *reader = NULL;
  g_assert_cmpint (sqlite3_open_v2 (db, &reader, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (reader, "BEGIN; SELECT count(*) FROM metrics;", NULL, NULL,
                                 NULL),
                   ==, SQLITE_OK);
  add_row (writer, run, 1000);
  g_assert_false (checkpoint_completes (db));
  sqlite3_close (reader);
  g_assert_true (checkpoint_completes (db));

  ui_test_settle ();
  g_assert_finalize_object (watch);
  g_assert_finalize_object (runs);
  drop_store (gateway, writer, db);
}

/* Each run's configuration is parsed once: the list keeps its summary from refresh to refresh,
 * and a new run gets its own. */
static void
test_summaries_kept (void)
{
  g_autofree char *db = ui_test_temp_db ("carilab-gateway");
  CariStore *writer = ui_test_open_store (db);
  gint64 naive = add_run (writer, "n", "naive");
  LabStoreGateway *gateway = lab_store_gateway_new (db);
  LabRunList *runs = lab_run_list_new (gateway);
  refresh_and_wait (runs);
  LabRunItem *item = lab_run_list_find (runs, naive);
  g_assert_nonnull (item);
  LabRunSummary *summary = lab_run_item_get_summary (item);
  g_assert_true (summary->valid);
  g_assert_cmpstr (summary->strategy, ==, "naive");
  g_assert_cmpstr (lab_run_item_get_strategy (item), ==, "naive");
  g_assert_cmpint (summary->steps, ==, 1000);

  gint64 proposed = add_run (writer, "p", "proposed");
  for (int i = 0; i < 5; i++)
    {
      add_row (writer, naive, 1 + i);
      refresh_and_wait (runs);
      g_assert_true (lab_run_list_find (runs, naive) == item);
      g_assert_true (lab_run_item_get_summary (item) == summary);
    }
  LabRunSummary *other = lab_run_item_get_summary (lab_run_list_find (runs, proposed));
  g_assert_true (other != summary);
  g_assert_cmpstr (other->strategy, ==, "proposed");
  /* The same text parses to a summary the list may keep; another text does not. */
  g_autoptr (LabRunSummary) same = lab_run_summary_update (summary, summary->config);
  g_assert_true (same == summary);
  g_autoptr (LabRunSummary) changed = lab_run_summary_update (summary, other->config);
  g_assert_true (changed != summary);
  g_assert_cmpstr (changed->strategy, ==, "proposed");

  ui_test_settle ();
  g_assert_finalize_object (runs);
  drop_store (gateway, writer, db);
}

/* A run's latest metrics are read again when its last step (or status) moved, not on every
 * refresh: on a large store that read goes through all of the run's rows. A value rewritten at
 * the same step shows only once the run moves on. */
static void
test_latest_metrics_on_change (void)
{
  g_autofree char *db = ui_test_temp_db ("carilab-gateway");
  CariStore *writer = ui_test_open_store (db);
  gint64 run = add_run (writer, "r", "proposed");
  add_value (writer, run, 1, 0.25);
  LabStoreGateway *gateway = lab_store_gateway_new (db);
  LabRunList *runs = lab_run_list_new (gateway);
  refresh_and_wait (runs);
  LabRunItem *item = lab_run_list_find (runs, run);
  g_assert_cmpfloat (lab_run_item_get_metric (item, "weight/cari"), ==, 0.25);

  add_value (writer, run, 1, 0.5); /* the same step: not read again */
  refresh_and_wait (runs);
  g_assert_cmpfloat (lab_run_item_get_metric (item, "weight/cari"), ==, 0.25);
  add_value (writer, run, 2, 0.75); /* a new step: read */
  refresh_and_wait (runs);
  g_assert_cmpint (lab_run_item_get_step (item), ==, 2);
  g_assert_cmpfloat (lab_run_item_get_metric (item, "weight/cari"), ==, 0.75);
  add_value (writer, run, 2, 0.125);
  g_assert_true (cari_store_set_run_status (writer, run, CARI_RUN_FINISHED, NULL, NULL));
  refresh_and_wait (runs); /* a new status: read */
  g_assert_cmpfloat (lab_run_item_get_metric (item, "weight/cari"), ==, 0.125);

  ui_test_settle ();
  g_assert_finalize_object (runs);
  drop_store (gateway, writer, db);
}

int
main (int argc, char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;
  g_test_add_func ("/gateway/jobs", test_jobs);
  g_test_add_func ("/gateway/lanes", test_lanes);
  g_test_add_func ("/gateway/started", test_started);
  g_test_add_func ("/gateway/write-first", test_write_first);
  g_test_add_func ("/gateway/polls-open-once", test_polls_open_once);
  g_test_add_func ("/gateway/summaries-kept", test_summaries_kept);
  g_test_add_func ("/gateway/latest-metrics-on-change", test_latest_metrics_on_change);
  return g_test_run ();
}
