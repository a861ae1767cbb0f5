/* test-launch.c — the launch layer the CLI and the workbench share: a queued run executed to its
 * end through one function, a run that cannot start recorded as failed (or cancelled) with why,
 * resuming from the latest checkpoint (or from the newest that loads, deleting nothing before),
 * a list of runs that skips the finished ones, and a run another live process holds left
 * alone. */
#include <cari.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gradcheck.h"

typedef struct
{
  char *dir;
  CariStore *store;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("carilab-launch-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (f->dir, "runs.db", NULL);
  f->store = cari_store_open (path, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  cari_store_close (f->store);
  test_remove_tree (f->dir);
  g_free (f->dir);
}

/* A small run on the toy set, `steps` long, checkpointed every 4 steps. */
static gint64
queue (Fixture *f, const char *name, int steps, const char *extra)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strdup_printf (
    "[run]\nname=%s\n[model]\ninput_size=75\nwidth=0.0625\nembedding_size=8\n"
    "[batch]\ncaricatures=4\nphotos=4\n[data]\ndataset=toy\n"
    "[schedule]\nsteps=%d\ncheckpoint_every=4\nflush_every=2\n%s",
    name, steps, extra != NULL ? extra : "");
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (text, &error);
  g_assert_no_error (error);
  gint64 run = cari_launch_queue_run (f->store, cfg, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run, >, 0);
  return run;
}

typedef struct
{
  int readies, preparing, steps;
  gint64 run;
  guint64 from;
  gboolean cancel_preparing;
  CariTrainer *trainer;
  guint64 cancel_at;
  char *notice; /* owned */
} Seen;

static gboolean
on_preparing (double fraction, const char *what, gpointer data)
{
  Seen *s = data;
  s->preparing++;
  return !s->cancel_preparing;
}

static void
on_ready (const CariRunInfo *run, CariTrainer *trainer, guint64 step, gpointer data)
{
  Seen *s = data;
  s->readies++;
  s->run = run->id;
  s->from = step;
  s->trainer = trainer;
}

static void
on_step (const CariStepStats *st, guint64 total, gpointer data)
{
  Seen *s = data;
  s->steps++;
  if (s->cancel_at > 0 && st->step == s->cancel_at)
    cari_trainer_cancel (s->trainer);
}

static void
on_notice (const char *message, gpointer data)
{
  Seen *s = data;
  g_assert_null (s->notice);
  s->notice = g_strdup (message);
}

static CariRunStatus
status_of (Fixture *f, gint64 run, char **message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunInfo) info = cari_store_get_run (f->store, run, &error);
  g_assert_no_error (error);
  if (message != NULL)
    *message = g_strdup (info->message);
  return info->status;
}

static void
test_execute_queued_run (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 run = queue (f, "first", 6, NULL);
  g_assert_cmpint (status_of (f, run, NULL), ==, CARI_RUN_QUEUED);
  Seen seen = { 0 };
  CariLaunchCallbacks cb = { on_preparing, on_ready, { on_step, NULL, &seen }, &seen };
  CariRunReport report;
  g_assert_true (cari_launch_execute (f->store, run, &cb, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.status, ==, CARI_RUN_FINISHED);
  g_assert_cmpint (seen.readies, ==, 1);
  g_assert_cmpint (seen.run, ==, run);
  g_assert_cmpuint (seen.from, ==, 0);
  g_assert_cmpint (seen.steps, ==, 6);
  g_assert_cmpint (status_of (f, run, NULL), ==, CARI_RUN_FINISHED);
  /* The run's row names the data set it was prepared on. */
  g_autoptr (CariRunInfo) info = cari_store_get_run (f->store, run, &error);
  g_assert_cmpint (info->dataset_id, >, 0);
  g_assert_cmpint (info->last_step, ==, 6);
  /* The module's scheduled rate is recorded beside the network's ("auto": the same). */
  g_autoptr (GHashTable) latest = cari_store_latest_metrics (f->store, run, &error);
  g_assert_no_error (error);
  const double *lr = g_hash_table_lookup (latest, CARI_METRIC_LR);
  const double *module_lr = g_hash_table_lookup (latest, CARI_METRIC_MODULE_LR);
  g_assert_nonnull (lr);
  g_assert_nonnull (module_lr);
  g_assert_cmpfloat (*lr, >, 0.0);
  g_assert_cmpfloat (*module_lr, ==, *lr);
}

/* A module rate of its own is scheduled like the network's: the ratio stays. */
static void
test_module_rate_is_scheduled (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 run = queue (f, "rates", 6,
                      "[optim]\nlr=0.01\nmodule_lr=0.002\nlr_steps=3\nlr_factor=0.1\n");
  g_assert_true (cari_launch_execute (f->store, run, NULL, NULL, &error));
  g_assert_no_error (error);
  g_autoptr (GArray) rows = cari_store_metrics_since (f->store, run, 0, &error);
  int seen = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      const CariMetricRow *m = &g_array_index (rows, CariMetricRow, i);
      if (strcmp (m->key, CARI_METRIC_MODULE_LR) != 0)
        continue;
      double want = m->step <= 3 ? 0.002 : 0.0002;
      g_assert_cmpfloat_with_epsilon (m->value, want, 1e-9);
      seen++;
    }
  g_assert_cmpint (seen, ==, 6);
}

/* Whatever the front end, a run that cannot start says why in the store. */
static void
test_failed_preparation_is_recorded (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 missing = queue (f, "nowhere", 4, "[init]\nfrom=/nonexistent/start.ckpt\n");
  Seen seen = { 0 };
  CariLaunchCallbacks cb = { on_preparing, on_ready, { on_step, NULL, &seen }, &seen };
  CariRunReport report;
  g_assert_false (cari_launch_execute (f->store, missing, &cb, &report, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "init.from"));
  g_assert_cmpint (report.status, ==, CARI_RUN_FAILED);
  g_assert_cmpint (seen.readies, ==, 0);
  g_autofree char *message = NULL;
  g_assert_cmpint (status_of (f, missing, &message), ==, CARI_RUN_FAILED);
  g_assert_cmpstr (message, ==, error->message);
  g_clear_error (&error);

  /* A data set that is not there. */
  gint64 unknown = queue (f, "unknown-data", 4, "[data]\ndataset=nowhere\n");
  g_assert_false (cari_launch_execute (f->store, unknown, NULL, NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_assert_cmpint (status_of (f, unknown, &message), ==, CARI_RUN_FAILED);
  g_assert_nonnull (strstr (message, "nowhere"));
}

/* Cancelled while its data set is prepared (SynCari generated): cancelled, not failed. */
static void
test_cancelled_preparation (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 run = queue (f, "stopped", 4, "[data]\ndataset=syncari\n");
  Seen seen = { .cancel_preparing = TRUE };
  CariLaunchCallbacks cb = { on_preparing, on_ready, { on_step, NULL, &seen }, &seen };
  CariRunReport report;
  g_assert_false (cari_launch_execute (f->store, run, &cb, &report, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_CANCELLED);
  g_assert_cmpint (seen.preparing, >, 0);
  g_assert_cmpint (report.status, ==, CARI_RUN_CANCELLED);
  g_assert_cmpint (status_of (f, run, NULL), ==, CARI_RUN_CANCELLED);
}

/* Stopped, then executed again: it goes on from its latest checkpoint. */
static void
test_resume_from_checkpoint (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 run = queue (f, "twice", 8, NULL);
  Seen seen = { .cancel_at = 5 };
  CariLaunchCallbacks cb = { NULL, on_ready, { on_step, NULL, &seen }, &seen };
  CariRunReport report;
  g_assert_true (cari_launch_execute (f->store, run, &cb, &report, &error));
  g_assert_cmpint (report.status, ==, CARI_RUN_CANCELLED);
  g_assert_cmpint (status_of (f, run, NULL), ==, CARI_RUN_CANCELLED);

  Seen again = { 0 };
  CariLaunchCallbacks cb2 = { NULL, on_ready, { on_step, NULL, &again }, &again };
  g_assert_true (cari_launch_execute (f->store, run, &cb2, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (again.from, ==, 5);
  g_assert_cmpint (again.steps, ==, 3);
  g_assert_cmpint (status_of (f, run, NULL), ==, CARI_RUN_FINISHED);
}

/* A bit flipped in the middle of a file. */
static void
damage (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  contents[len / 2] ^= 0x04;
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
}

/* The rows of `key` at each step (index = step), and their number in all. */
static guint
count_rows (Fixture *f, gint64 run, const char *key, guint per_step[16])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) rows = cari_store_metrics_since (f->store, run, 0, &error);
  g_assert_no_error (error);
  memset (per_step, 0, 16 * sizeof (guint));
  for (guint i = 0; i < rows->len; i++)
    {
      const CariMetricRow *m = &g_array_index (rows, CariMetricRow, i);
      g_assert_cmpint (m->step, <, 16);
      if (strcmp (m->key, key) == 0)
        per_step[m->step]++;
    }
  return rows->len;
}

/* Killed at step 13 of 14 (its metrics flushed, the checkpoint of step 13 not written), with
 * checkpoints at 12, 8 and 4: their rows, newest first. */
static GArray *
stopped_run (Fixture *f, const char *name, gint64 *run)
{
  g_autoptr (GError) error = NULL;
  *run = queue (f, name, 14, NULL);
  Seen seen = { .cancel_at = 13 };
  CariLaunchCallbacks cb = { NULL, on_ready, { on_step, NULL, &seen }, &seen };
  CariRunReport report;
  g_assert_true (cari_launch_execute (f->store, *run, &cb, &report, &error));
  g_assert_cmpint (report.status, ==, CARI_RUN_CANCELLED);
  /* The kill: no checkpoint at 13. */
  g_autofree char *db = g_build_filename (f->dir, "runs.db", NULL);
  sqlite3 *sql = NULL;
  g_assert_cmpint (sqlite3_open (db, &sql), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (sql, "DELETE FROM checkpoints WHERE step = 13", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (sql);
  GArray *rows = cari_store_list_checkpoints (f->store, *run, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpint (g_array_index (rows, CariCheckpointRow, 0).step, ==, 12);
  g_assert_cmpint (g_array_index (rows, CariCheckpointRow, 1).step, ==, 8);
  g_assert_cmpint (g_array_index (rows, CariCheckpointRow, 2).step, ==, 4);
  return rows;
}

/* The latest checkpoint damaged: the run goes on from the one before, says so, and its metrics
 * after that step are written once, again. The temporary file the kill left is removed. */
static void
test_resume_falls_back (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 run;
  g_autoptr (GArray) ckpts = stopped_run (f, "fallback", &run);
  const char *latest = g_array_index (ckpts, CariCheckpointRow, 0).path;
  const char *before = g_array_index (ckpts, CariCheckpointRow, 1).path;
  guint per_step[16];
  guint rows_before = count_rows (f, run, CARI_METRIC_LOSS_TOTAL, per_step);
  g_assert_cmpuint (per_step[13], ==, 1);
  damage (latest);
  g_autofree char *dir = g_path_get_dirname (latest);
  g_autofree char *tmp = g_build_filename (dir, "step-00000013.ckpt.tmp-Ab12Cd", NULL);
  g_assert_true (g_file_set_contents (tmp, "half a checkpoint", -1, NULL));

  Seen again = { 0 };
  CariLaunchCallbacks cb = { NULL, on_ready, { on_step, NULL, &again, on_notice }, &again };
  CariRunReport report;
  g_assert_true (cari_launch_execute (f->store, run, &cb, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (again.from, ==, 8);
  g_assert_cmpint (again.steps, ==, 6);
  g_assert_cmpint (status_of (f, run, NULL), ==, CARI_RUN_FINISHED);
  /* Which checkpoint, and why the newer one was skipped. */
  g_assert_nonnull (again.notice);
  if (strstr (again.notice, "step 8") == NULL || strstr (again.notice, before) == NULL
      || strstr (again.notice, latest) == NULL || strstr (again.notice, "damaged") == NULL)
    g_error ("the notice “%s” should name step 8, %s and the damaged %s", again.notice, before,
             latest);
  g_test_message ("%s", again.notice);
  g_free (again.notice);
  /* Steps 9 to 13 were deleted once step 8 loaded, and written again: once each. */
  guint rows_after = count_rows (f, run, CARI_METRIC_LOSS_TOTAL, per_step);
  for (int step = 1; step <= 14; step++)
    g_assert_cmpuint (per_step[step], ==, 1);
  g_assert_cmpuint (rows_after, >, rows_before);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
}

/* Every checkpoint unusable (two damaged, one gone): resuming fails naming each file and its
 * error, and deletes no metric. */
static void
test_resume_with_no_usable_checkpoint (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 run;
  g_autoptr (GArray) ckpts = stopped_run (f, "all-bad", &run);
  guint per_step[16];
  guint rows_before = count_rows (f, run, CARI_METRIC_LOSS_TOTAL, per_step);
  damage (g_array_index (ckpts, CariCheckpointRow, 0).path);
  damage (g_array_index (ckpts, CariCheckpointRow, 1).path);
  g_assert_cmpint (g_unlink (g_array_index (ckpts, CariCheckpointRow, 2).path), ==, 0);

  Seen again = { 0 };
  CariLaunchCallbacks cb = { NULL, on_ready, { on_step, NULL, &again, on_notice }, &again };
  CariRunReport report;
  g_assert_false (cari_launch_execute (f->store, run, &cb, &report, &error));
  g_assert_nonnull (error);
  for (guint i = 0; i < ckpts->len; i++)
    if (strstr (error->message, g_array_index (ckpts, CariCheckpointRow, i).path) == NULL)
      g_error ("“%s” should name %s", error->message,
               g_array_index (ckpts, CariCheckpointRow, i).path);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_assert_cmpint (again.readies, ==, 0);
  g_assert_null (again.notice);
  g_assert_cmpint (report.status, ==, CARI_RUN_FAILED);
  g_autofree char *message = NULL;
  g_assert_cmpint (status_of (f, run, &message), ==, CARI_RUN_FAILED);
  g_assert_cmpstr (message, ==, error->message);
  /* Step 13's rows, after the newest checkpoint, too. */
  g_assert_cmpuint (count_rows (f, run, CARI_METRIC_LOSS_TOTAL, per_step), ==, rows_before);
  g_assert_cmpuint (per_step[13], ==, 1);
}

/* A list of runs: the finished one is skipped, a failing one counted, the rest run. */
static void
test_execute_all (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 runs[3] = { queue (f, "done", 4, NULL),
                     queue (f, "broken", 4, "[init]\nfrom=/nonexistent/x.ckpt\n"),
                     queue (f, "fresh", 4, NULL) };
  g_assert_true (cari_launch_execute (f->store, runs[0], NULL, NULL, &error));
  Seen seen = { 0 };
  CariLaunchCallbacks cb = { NULL, on_ready, { on_step, NULL, &seen }, &seen };
  g_assert_cmpint (cari_launch_execute_all (f->store, runs, 3, &cb, &error), ==, 1);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "init.from"));
  g_assert_cmpint (seen.readies, ==, 1);
  g_assert_cmpint (seen.run, ==, runs[2]);
  g_assert_cmpint (status_of (f, runs[1], NULL), ==, CARI_RUN_FAILED);
  g_assert_cmpint (status_of (f, runs[2], NULL), ==, CARI_RUN_FINISHED);
}

/* Writing the run's row as if process `owner` held it, `status`, its heartbeat `age` s old. */
static void
hold (Fixture *f, gint64 run, const char *owner, const char *status, double age)
{
  g_autofree char *path = g_build_filename (f->dir, "runs.db", NULL);
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "UPDATE runs SET owner = ?2, status = ?3, "
                                       "heartbeat = ?4 WHERE id = ?1",
                                       -1, &st, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (st, 1, run);
  sqlite3_bind_text (st, 2, owner, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, status, -1, SQLITE_STATIC);
  sqlite3_bind_double (st, 4, (double) g_get_real_time () * 1e-6 - age);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
  sqlite3_finalize (st);
  sqlite3_close (db);
}

/* A run another process of this machine executes is refused, untouched, with who holds it;
 * once that process is gone (killed: it never said so) the run is taken over at once; a run of
 * another machine is held while its heartbeat is fresh. */
static void
test_live_run_is_left_alone (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 run = queue (f, "held", 4, NULL);

  /* A live process of this machine: a child that waits to be killed. */
  pid_t child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      /* Out of the test's output, and gone on its own should the test fail before killing it. */
      close (STDOUT_FILENO);
      close (STDERR_FILENO);
      alarm (60);
      pause ();
      _exit (0);
    }
  g_autofree char *owner = g_strdup_printf ("%s:%d", g_get_host_name (), (int) child);
  hold (f, run, owner, "running", 1.0);
  Seen seen = { 0 };
  CariLaunchCallbacks cb = { NULL, on_ready, { on_step, NULL, &seen }, &seen };
  CariRunReport report;
  g_assert_false (cari_launch_execute (f->store, run, &cb, &report, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, owner));
  g_assert_nonnull (strstr (error->message, "held"));
  g_clear_error (&error);
  g_assert_cmpint (report.status, ==, CARI_RUN_RUNNING);
  g_assert_cmpint (seen.readies, ==, 0);
  g_autoptr (CariRunInfo) info = cari_store_get_run (f->store, run, &error);
  g_assert_cmpint (info->status, ==, CARI_RUN_RUNNING);
  g_assert_cmpstr (info->owner, ==, owner);
  g_assert_cmpint (info->last_step, ==, -1);

  /* Paused there: still held, though a paused run does not beat. */
  hold (f, run, owner, "paused", 3600.0);
  g_assert_false (cari_launch_execute (f->store, run, &cb, &report, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_BUSY);
  g_clear_error (&error);

  /* Running with a late heartbeat (a process stopped in a debugger): alive, so still held. */
  hold (f, run, owner, "running", 3600.0);
  g_assert_false (cari_launch_execute (f->store, run, &cb, &report, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_BUSY);
  g_clear_error (&error);

  /* Killed: the process is gone, the heartbeat still fresh; the run is taken over. */
  kill (child, SIGKILL);
  g_assert_cmpint (waitpid (child, NULL, 0), ==, child);
  hold (f, run, owner, "running", 1.0);
  g_assert_true (cari_launch_execute (f->store, run, &cb, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.status, ==, CARI_RUN_FINISHED);
  g_assert_cmpint (seen.readies, ==, 1);
  g_clear_pointer (&info, cari_run_info_free);
  info = cari_store_get_run (f->store, run, &error);
  g_assert_cmpstr (info->owner, ==, cari_store_owner_self ());

  /* Another machine's: held while its heartbeat is fresh, free once it is stale. */
  gint64 other = queue (f, "elsewhere", 4, NULL);
  hold (f, other, "another-host.invalid:12345", "running", 1.0);
  g_assert_false (cari_launch_execute (f->store, other, NULL, &report, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "another-host.invalid:12345"));
  g_clear_error (&error);
  hold (f, other, "another-host.invalid:12345", "running", 1e6);
  g_assert_true (cari_launch_execute (f->store, other, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.status, ==, CARI_RUN_FINISHED);
}

int
main (int argc, char **argv)
{
  /* SynCari (tiny) would be generated in a cache of the test's own, before any thread starts. */
  g_autofree char *cache = g_dir_make_tmp ("carilab-launch-cache-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("CARILAB_SYNCARI_TINY", "1", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/launch/execute-queued-run", Fixture, NULL, fixture_set_up,
              test_execute_queued_run, fixture_tear_down);
  g_test_add ("/launch/module-rate-is-scheduled", Fixture, NULL, fixture_set_up,
              test_module_rate_is_scheduled, fixture_tear_down);
  g_test_add ("/launch/failed-preparation-is-recorded", Fixture, NULL, fixture_set_up,
              test_failed_preparation_is_recorded, fixture_tear_down);
  g_test_add ("/launch/cancelled-preparation", Fixture, NULL, fixture_set_up,
              test_cancelled_preparation, fixture_tear_down);
  g_test_add ("/launch/resume-from-checkpoint", Fixture, NULL, fixture_set_up,
              test_resume_from_checkpoint, fixture_tear_down);
  g_test_add ("/launch/resume-falls-back", Fixture, NULL, fixture_set_up,
              test_resume_falls_back, fixture_tear_down);
  g_test_add ("/launch/resume-with-no-usable-checkpoint", Fixture, NULL, fixture_set_up,
              test_resume_with_no_usable_checkpoint, fixture_tear_down);
  g_test_add ("/launch/execute-all", Fixture, NULL, fixture_set_up, test_execute_all,
              fixture_tear_down);
  g_test_add ("/launch/live-run-is-left-alone", Fixture, NULL, fixture_set_up,
              test_live_run_is_left_alone, fixture_tear_down);
  int status = g_test_run ();
  test_remove_tree (cache);
  return status;
}
