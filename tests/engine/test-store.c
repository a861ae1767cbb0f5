/* test-store.c — the run store: schema and migrations, runs, metrics, checkpoints, two
 * connections at once, and a clear CARI_ERROR naming the file for every way a database can fail
 * (locked, read-only, full, damaged, too new) — with nothing half-written after a failure. */
#include <cari.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "gradcheck.h"
#include "store/store-schema.h"

typedef struct
{
  char *dir;
  char *path; /* dir/sub/carilab.db: the store creates the folder */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("carilab-store-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "sub", "carilab.db", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static CariStore *
open_store (Fixture *f)
{
  GError *error = NULL;
  CariStore *store = cari_store_open (f->path, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static gint64
new_run (CariStore *store, const char *name)
{
  GError *error = NULL;
  gint64 id = cari_store_create_run (store, name, 0, "[model]\npreset=demo\n", 7, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* A raw connection beside the store's, for what the API must not offer. */
static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  return db;
}

static void
raw_exec (sqlite3 *db, const char *sql)
{
  char *msg = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
}

static gint64
raw_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  gint64 v;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return v;
}

/* One value of one SQL query on the file, through its own connection. */
static gint64
query_int (const char *path, const char *sql)
{
  sqlite3 *db = raw_open (path);
  gint64 v = raw_int (db, sql);
  sqlite3_close (db);
  return v;
}

static void
assert_error_names_file (GError *error, CariErrorCode code, const char *path)
{
  g_assert_error (error, CARI_ERROR, (int) code);
  if (strstr (error->message, path) == NULL)
    g_error ("“%s” does not name %s", error->message, path);
}

/* A batch of the 12 metrics of one step (what a trainer flushes per step). */
static void
fill_step (CariMetric m[12], gint64 step)
{
  static const char *const keys[12] = {
    "loss/verif",    "loss/cari", "loss/visual",  "loss/l4",      "loss/total",   "weight/verif",
    "weight/cari", "weight/visual", "lr", "images_per_s", "val/verif_acc", "val/cari_acc",
  };
  for (int i = 0; i < 12; i++)
    m[i] = (CariMetric){ .step = step, .wall_time = 1e9 + (double) step, .key = keys[i],
                         .value = (double) step + i / 100.0 };
}

static void
append_steps (CariStore *store, gint64 run, gint64 first, gint64 n)
{
  GError *error = NULL;
  for (gint64 step = first; step < first + n; step++)
    {
      CariMetric m[12];
      fill_step (m, step);
      g_assert_true (cari_store_append_metrics (store, run, m, 12, &error));
      g_assert_no_error (error);
    }
}

static gint64
count_metrics (CariStore *store, gint64 run)
{
  GError *error = NULL;
  GArray *rows = cari_store_metrics_since (store, run, 0, &error);
  gint64 n;
  g_assert_no_error (error);
  n = rows->len;
  g_array_unref (rows);
  return n;
}

/* ------------------------------------------------------------------------------ tests */

static void
test_schema (Fixture *f, gconstpointer data)
{
  static const char *const tables[] = {
    "datasets",    "images",  "protocol_pairs", "protocol_images", "protocol_subjects", "runs",
    "metrics", "checkpoints", "evaluations",    "eval_metrics",    "eval_scores",       "layouts",
    "store_checks", "experiments", "experiment_runs",
  };
  CariStore *store = open_store (f);
  sqlite3 *db;

  g_assert_cmpstr (cari_store_get_path (store), ==, f->path);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_IS_REGULAR));
  cari_store_close (store);
  /* A second open finds the schema and migrates nothing. */
  store = open_store (f);
  cari_store_close (store);
  cari_store_close (NULL);

  db = raw_open (f->path);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, CARI_STORE_SCHEMA_VERSION);
  g_assert_cmpint (CARI_STORE_SCHEMA_VERSION, ==, 6);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf (
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'", tables[i]);
      if (raw_int (db, sql) != 1)
        g_error ("table %s missing", tables[i]);
    }
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                "AND name NOT LIKE 'sqlite_%'"),
                   ==, G_N_ELEMENTS (tables));
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                "AND tbl_name = 'metrics' AND sql LIKE '%(run_id, step)%'"),
                   ==, 1);
  /* WAL is persistent in the file. */
  {
    sqlite3_stmt *st = NULL;
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &st, NULL), ==,
                     SQLITE_OK);
    g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (st, 0), ==, "wal");
    sqlite3_finalize (st);
  }
  sqlite3_close (db);
}

/* A store of schema 3 with a run and an evaluation: opened, it is migrated to the current schema
 * with its rows kept, the run owned by no one and the evaluation complete, in no experiment. */
static void
test_migrate_v3 (Fixture *f, gconstpointer data)
{
  sqlite3 *db = NULL;
  g_autofree char *sub = g_path_get_dirname (f->path);
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  for (int v = 0; v < 3; v++)
    raw_exec (db, cari_store_schema_migration (v));
  raw_exec (db, "PRAGMA user_version = 3;"
                "INSERT INTO runs (id, name, config, seed, status, heartbeat, created_at) "
                "VALUES (7, 'old', '[run]', 1, 'running', 1.0, 1.0);"
                "INSERT INTO evaluations (id, run_id, step, protocol, created_at) "
                "VALUES (3, 7, 10, 'cavi-verification', 2.0);");
  sqlite3_close (db);

  g_autoptr (CariStore) store = open_store (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->name, ==, "old");
  g_assert_null (info->owner);
  /* Its heartbeat is long stale: over, and free to be taken. */
  g_assert_cmpint (info->status, ==, CARI_RUN_INTERRUPTED);
  g_assert_true (cari_store_claim_run (store, 7, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->path, "PRAGMA user_version"), ==, CARI_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (f->path, "SELECT complete FROM evaluations WHERE id = 3"), ==, 1);
  gint64 experiment = -1;
  g_assert_true (cari_store_experiment_of_run (store, 7, &experiment, &error));
  g_assert_cmpint (experiment, ==, 0);
  g_autoptr (GPtrArray) experiments = cari_store_list_experiments (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (experiments->len, ==, 0);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM runs WHERE id = 7 AND "
                                       "status = 'running' AND owner IS NOT NULL"),
                   ==, 1);
}

/* v6 rebuilds the runs table (for the status "imported"): a v5 store keeps every run and every
 * row that references one (metrics, checkpoints, evaluations, experiment places, parent links),
 * takes the new status, and still has its foreign keys on afterwards (deleting a run cascades). */
static void
test_migrate_v5 (Fixture *f, gconstpointer data)
{
  sqlite3 *db = NULL;
  g_autofree char *sub = g_path_get_dirname (f->path);
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  for (int v = 0; v < 5; v++)
    raw_exec (db, cari_store_schema_migration (v));
  raw_exec (db, "PRAGMA user_version = 5;"
                "INSERT INTO runs (id, name, config, seed, status, created_at) "
                "VALUES (7, 'pre', '[run]', 1, 'finished', 1.0);"
                "INSERT INTO runs (id, name, config, seed, status, created_at, parent_run) "
                "VALUES (8, 'main', '[run]', 2, 'finished', 1.0, 7);"
                "INSERT INTO metrics (run_id, step, wall_time, key, value) "
                "VALUES (8, 1, 1.0, 'loss', 0.5);"
                "INSERT INTO metrics (run_id, step, wall_time, key, value) "
                "VALUES (8, 2, 1.0, 'loss', 0.4);"
                "INSERT INTO checkpoints (run_id, step, path, created_at) "
                "VALUES (8, 2, 'x.ckpt', 1.0);"
                "INSERT INTO experiments (id, name, definition, created_at) "
                "VALUES (1, 'e', '[experiment]', 1.0);"
                "INSERT INTO experiment_runs (experiment_id, position, run_id, cell, seed) "
                "VALUES (1, 0, 8, 'proposed', 2);");
  sqlite3_close (db);

  g_autoptr (CariStore) store = open_store (f);
  g_autoptr (GError) error = NULL;
  g_assert_cmpint (query_int (f->path, "PRAGMA user_version"), ==, CARI_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM runs"), ==, 2);
  g_assert_cmpint (query_int (f->path, "SELECT parent_run FROM runs WHERE id = 8"), ==, 7);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM metrics WHERE run_id = 8"), ==, 2);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM checkpoints"), ==, 1);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM experiment_runs"), ==, 1);
  g_assert_true (cari_store_set_run_status (store, 7, CARI_RUN_IMPORTED, NULL, &error));
  g_assert_no_error (error);
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->status, ==, CARI_RUN_IMPORTED);
  g_assert_true (cari_run_status_is_terminal (CARI_RUN_IMPORTED));
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'runs_v6'"),
                   ==, 0);
  /* The foreign keys are on again: a parent deleted leaves its child without the link, and a run
   * deleted takes its rows. */
  g_assert_true (cari_store_delete_run (store, 7, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->path, "SELECT parent_run IS NULL FROM runs WHERE id = 8"), ==, 1);
  g_assert_true (cari_store_delete_run (store, 8, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM metrics"), ==, 0);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM checkpoints"), ==, 0);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM experiment_runs"), ==, 0);
}

/* An experiment and its runs are written in one transaction: a clash on the last run's name
 * leaves nothing; otherwise the places, the parent links, the counts and evaluated steps read
 * back, and deleting a run removes its place. */
static void
test_experiments (Fixture *f, gconstpointer data)
{
  g_autoptr (CariStore) store = open_store (f);
  g_autoptr (GError) error = NULL;
  g_assert_cmpint (cari_store_create_run (store, "taken", 0, "[run]", 1, 0, &error), >, 0);
  CariExperimentRunSpec specs[] = {
    { "x/pretrain", "[run]\nname=x/pretrain\n", 1, "pretrain", -1 },
    { "x/a/seed-1", "[run]\n", 1, "a", 0 },
    { "taken", "[run]\n", 2, "a", 0 },
  };
  g_assert_cmpint (cari_store_create_experiment (store, "x", "[experiment]\n", specs, 3, &error),
                   ==, 0);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "taken"));
  g_clear_error (&error);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM runs"), ==, 1);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM experiments"), ==, 0);

  g_assert_cmpint (cari_store_create_experiment (store, "12", "", specs, 1, &error), ==, 0);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  specs[2].name = "x/a/seed-2";
  gint64 x = cari_store_create_experiment (store, "x", "[experiment]\n", specs, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (x, >, 0);
  g_assert_cmpint (cari_store_create_experiment (store, "x", "", specs, 0, &error), ==, 0);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  gint64 found = 0;
  g_assert_true (cari_store_find_experiment (store, "x", &found, &error));
  g_assert_cmpint (found, ==, x);
  g_assert_false (cari_store_find_experiment (store, "y", &found, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_autoptr (GArray) places = cari_store_list_experiment_runs (store, x, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (places->len, ==, 3);
  const CariExperimentRun *p = &g_array_index (places, CariExperimentRun, 2);
  g_assert_cmpint (p->position, ==, 2);
  g_assert_cmpstr (p->cell, ==, "a");
  g_assert_cmpuint (p->seed, ==, 2);
  g_assert_cmpint (p->evaluated_step, ==, -1);
  const gint64 last = p->run;
  g_autoptr (CariRunInfo) run = cari_store_get_run (store, last, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (run->name, ==, "x/a/seed-2");
  g_assert_cmpint (run->status, ==, CARI_RUN_QUEUED);
  g_assert_cmpint (run->parent_run, ==, g_array_index (places, CariExperimentRun, 0).run);
  gint64 of = 0;
  g_assert_true (cari_store_experiment_of_run (store, last, &of, &error));
  g_assert_cmpint (of, ==, x);

  g_assert_true (cari_store_set_experiment_evaluated (store, x, 1, 40, &error));
  g_assert_false (cari_store_set_experiment_evaluated (store, x, 9, 40, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (cari_store_set_run_status (store, last, CARI_RUN_FINISHED, NULL, &error));
  g_autoptr (CariExperimentInfo) info = cari_store_get_experiment (store, x, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->name, ==, "x");
  g_assert_cmpint (info->n_runs, ==, 3);
  g_assert_cmpint (info->n_finished, ==, 1);
  g_assert_cmpint (info->n_failed, ==, 0);
  g_array_unref (g_steal_pointer (&places));
  places = cari_store_list_experiment_runs (store, x, &error);
  g_assert_cmpint (g_array_index (places, CariExperimentRun, 1).evaluated_step, ==, 40);

  g_assert_true (cari_store_delete_run (store, last, &error));
  g_array_unref (g_steal_pointer (&places));
  places = cari_store_list_experiment_runs (store, x, &error);
  g_assert_cmpuint (places->len, ==, 2);
  g_assert_true (cari_store_delete_experiment (store, x, &error));
  g_assert_null (cari_store_list_experiment_runs (store, x, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* The runs stay. */
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM runs"), ==, 3);
}

/* A checkpoint recorded by a relative path (an older build's, from a store opened by a relative
 * path) is read back relative to the store's folder, whatever the reader's working folder; the
 * run's checkpoint folder is absolute however the store was opened. */
static void
test_relative_checkpoint (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *folder = g_path_get_dirname (f->path);
  g_autofree char *base = g_path_get_basename (f->path);
  g_autofree char *cwd = g_get_current_dir ();
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (g_chdir (folder), ==, 0);
  g_autoptr (CariStore) store = cari_store_open (base, CARI_STORE_READ_WRITE, &error);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_assert_no_error (error);
  gint64 run = new_run (store, "rel");
  g_autofree char *dir = cari_run_checkpoint_dir (store, run);
  g_assert_true (g_path_is_absolute (dir));
  g_autofree char *want_dir = g_strdup_printf ("%s.runs", f->path);
  g_assert_true (g_str_has_prefix (dir, want_dir));

  g_assert_true (cari_store_add_checkpoint (store, run, 10, "x.db.runs/1/step-10.ckpt", NULL,
                                            &error));
  g_autofree char *want = g_build_filename (folder, "x.db.runs", "1", "step-10.ckpt", NULL);
  g_autofree char *path = NULL;
  g_assert_true (cari_store_latest_checkpoint (store, run, -1, NULL, &path, &error));
  g_assert_cmpstr (path, ==, want);
  g_autoptr (GArray) rows = cari_store_list_checkpoints (store, run, &error);
  g_assert_cmpstr (g_array_index (rows, CariCheckpointRow, 0).path, ==, want);
  g_autoptr (GPtrArray) paths = cari_store_list_checkpoint_paths (store, run, &error);
  g_assert_cmpstr (paths->pdata[0], ==, want);
}

static void
test_default_path (void)
{
  g_autofree char *path = cari_store_default_path ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "carilab", "carilab.db",
                                                NULL);
  g_assert_cmpstr (path, ==, expected);
}

static void
test_status_strings (void)
{
  static const char *const names[] = { "queued",   "running",  "paused",    "finished",
                                       "failed",   "diverged", "cancelled", "interrupted" };
  for (int i = CARI_RUN_QUEUED; i <= CARI_RUN_INTERRUPTED; i++)
    {
      CariRunStatus back = CARI_RUN_QUEUED;
      g_assert_cmpstr (cari_run_status_to_string ((CariRunStatus) i), ==, names[i]);
      g_assert_true (cari_run_status_from_string (names[i], &back));
      g_assert_cmpint (back, ==, i);
    }
  g_assert_false (cari_run_status_from_string ("Running", NULL));
  g_assert_false (cari_run_status_from_string ("", NULL));
  g_assert_false (cari_run_status_from_string (NULL, NULL));
  g_assert_false (cari_run_status_is_terminal (CARI_RUN_PAUSED));
  g_assert_true (cari_run_status_is_terminal (CARI_RUN_DIVERGED));
}

static void
test_datasets (Fixture *f, gconstpointer data)
{
  g_autoptr (CariStore) store = open_store (f);
  GError *error = NULL;
  gint64 id, found = 0;

  id = cari_store_add_dataset (store, "syncari", "syncari", "/data/syncari", "abc123", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (cari_store_find_dataset (store, "syncari", &found, &error));
  g_assert_cmpint (found, ==, id);
  found = 0;
  g_assert_true (cari_store_find_dataset (store, "1", &found, &error));
  g_assert_no_error (error);
  g_assert_cmpint (found, ==, id);

  g_assert_cmpint (cari_store_add_dataset (store, "syncari", "folder", "/x", NULL, &error), ==,
                   0);
  assert_error_names_file (error, CARI_ERROR_INVALID_ARGUMENT, f->path);
  g_assert_nonnull (strstr (error->message, "syncari"));
  g_clear_error (&error);
  g_assert_cmpint (cari_store_add_dataset (store, "42", "folder", "/x", NULL, &error), ==, 0);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (cari_store_find_dataset (store, "cavi", &found, &error));
  assert_error_names_file (error, CARI_ERROR_NOT_FOUND, f->path);
  g_assert_nonnull (strstr (error->message, "cavi"));
  g_clear_error (&error);
  g_assert_false (cari_store_find_dataset (store, "99", &found, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_run_lifecycle (Fixture *f, gconstpointer data)
{
  g_autoptr (CariStore) store = open_store (f);
  GError *error = NULL;
  gint64 ds, a, b, c, found = 0;
  double before = (double) g_get_real_time () / 1e6, started;
  CariRunInfo *info;
  GPtrArray *runs;

  ds = cari_store_add_dataset (store, "syncari", "syncari", "/data", NULL, &error);
  g_assert_no_error (error);
  a = cari_store_create_run (store, "first", ds, "[strategy]\nname=proposed\n", G_MAXUINT64, 0,
                             &error);
  g_assert_no_error (error);
  g_assert_cmpint (a, >, 0);

  info = cari_store_get_run (store, a, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->id, ==, a);
  g_assert_cmpstr (info->name, ==, "first");
  g_assert_cmpint (info->dataset_id, ==, ds);
  g_assert_cmpstr (info->config, ==, "[strategy]\nname=proposed\n");
  g_assert_cmpuint (info->seed, ==, G_MAXUINT64);
  g_assert_cmpint (info->status, ==, CARI_RUN_QUEUED);
  g_assert_cmpfloat (info->created_at, >=, before - 1);
  g_assert_cmpfloat (info->created_at, <=, before + 60);
  g_assert_cmpfloat (info->started_at, ==, 0);
  g_assert_cmpfloat (info->finished_at, ==, 0);
  g_assert_cmpfloat (info->heartbeat, ==, 0);
  g_assert_cmpint (info->parent_run, ==, 0);
  g_assert_null (info->message);
  g_assert_cmpint (info->last_step, ==, -1);
  cari_run_info_free (info);

  /* running: started and heartbeat set */
  g_assert_true (cari_store_set_run_status (store, a, CARI_RUN_RUNNING, NULL, &error));
  g_assert_no_error (error);
  info = cari_store_get_run (store, a, &error);
  g_assert_cmpint (info->status, ==, CARI_RUN_RUNNING);
  g_assert_cmpfloat (info->started_at, >=, info->created_at);
  g_assert_cmpfloat (info->heartbeat, >=, info->started_at);
  g_assert_cmpfloat (info->finished_at, ==, 0);
  started = info->started_at;
  cari_run_info_free (info);

  /* paused then running again: started_at is the first start; the heartbeat moves */
  g_usleep (20000);
  g_assert_true (cari_store_set_run_status (store, a, CARI_RUN_PAUSED, "paused by user", &error));
  info = cari_store_get_run (store, a, &error);
  g_assert_cmpint (info->status, ==, CARI_RUN_PAUSED);
  g_assert_cmpstr (info->message, ==, "paused by user");
  cari_run_info_free (info);
  g_assert_true (cari_store_set_run_status (store, a, CARI_RUN_RUNNING, NULL, &error));
  info = cari_store_get_run (store, a, &error);
  g_assert_cmpfloat (info->started_at, ==, started);
  g_assert_cmpfloat (info->heartbeat, >, started);
  g_assert_null (info->message);
  cari_run_info_free (info);
  g_usleep (20000);
  {
    double hb;
    info = cari_store_get_run (store, a, &error);
    hb = info->heartbeat;
    cari_run_info_free (info);
    g_assert_true (cari_store_heartbeat (store, a, &error));
    g_assert_no_error (error);
    info = cari_store_get_run (store, a, &error);
    g_assert_cmpfloat (info->heartbeat, >, hb);
    cari_run_info_free (info);
  }

  /* a terminal state sets finished_at */
  g_assert_true (cari_store_set_run_status (store, a, CARI_RUN_DIVERGED, "loss/cari is NaN",
                                            &error));
  info = cari_store_get_run (store, a, &error);
  g_assert_cmpint (info->status, ==, CARI_RUN_DIVERGED);
  g_assert_cmpfloat (info->finished_at, >=, info->started_at);
  g_assert_cmpstr (info->message, ==, "loss/cari is NaN");
  cari_run_info_free (info);

  /* names: unique, renamable, found by name and by id; NULL names the run run-<id> */
  g_assert_cmpint (cari_store_create_run (store, "first", 0, "", 1, 0, &error), ==, 0);
  assert_error_names_file (error, CARI_ERROR_INVALID_ARGUMENT, f->path);
  g_assert_nonnull (strstr (error->message, "“first”"));
  g_clear_error (&error);
  g_assert_cmpint (cari_store_create_run (store, "12", 0, "", 1, 0, &error), ==, 0);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (cari_store_create_run (store, "orphan", 999, "", 1, 0, &error), ==, 0);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);

  b = cari_store_create_run (store, NULL, 0, "", 2, a, &error);
  g_assert_no_error (error);
  info = cari_store_get_run (store, b, &error);
  g_assert_cmpint (info->parent_run, ==, a);
  g_assert_cmpint (info->dataset_id, ==, 0);
  {
    g_autofree char *expected = g_strdup_printf ("run-%lld", (long long) b);
    g_assert_cmpstr (info->name, ==, expected);
  }
  cari_run_info_free (info);
  c = new_run (store, "third");

  g_assert_true (cari_store_rename_run (store, b, "second", &error));
  g_assert_no_error (error);
  g_assert_false (cari_store_rename_run (store, c, "second", &error));
  assert_error_names_file (error, CARI_ERROR_INVALID_ARGUMENT, f->path);
  g_assert_nonnull (strstr (error->message, "second"));
  g_clear_error (&error);
  g_assert_false (cari_store_rename_run (store, 999, "ninth", &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (cari_store_find_run (store, "second", &found, &error));
  g_assert_cmpint (found, ==, b);
  {
    g_autofree char *id_text = g_strdup_printf ("%lld", (long long) c);
    g_assert_true (cari_store_find_run (store, id_text, &found, &error));
    g_assert_cmpint (found, ==, c);
  }
  g_assert_false (cari_store_find_run (store, "nope", &found, &error));
  assert_error_names_file (error, CARI_ERROR_NOT_FOUND, f->path);
  g_clear_error (&error);
  g_assert_false (cari_store_find_run (store, "999", &found, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cari_store_set_run_status (store, 999, CARI_RUN_RUNNING, NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cari_store_heartbeat (store, 999, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);

  runs = cari_store_list_runs (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 3);
  g_assert_cmpint (((CariRunInfo *) runs->pdata[0])->id, ==, a);
  g_assert_cmpint (((CariRunInfo *) runs->pdata[1])->id, ==, b);
  g_assert_cmpstr (((CariRunInfo *) runs->pdata[1])->name, ==, "second");
  g_assert_cmpint (((CariRunInfo *) runs->pdata[2])->id, ==, c);
  g_ptr_array_unref (runs);

  /* delete cascades to the run's metrics and checkpoints, and unlinks its children */
  append_steps (store, a, 1, 3);
  append_steps (store, c, 1, 2);
  g_assert_true (cari_store_add_checkpoint (store, a, 3, "/runs/1/3.ckpt", "crc", &error));
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM metrics"), ==, 5 * 12);
  g_assert_true (cari_store_delete_run (store, a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM metrics"), ==, 2 * 12);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM checkpoints"), ==, 0);
  g_assert_cmpint (count_metrics (store, c), ==, 2 * 12);
  info = cari_store_get_run (store, b, &error);
  g_assert_cmpint (info->parent_run, ==, 0);
  cari_run_info_free (info);
  g_assert_null (cari_store_get_run (store, a, &error));
  assert_error_names_file (error, CARI_ERROR_NOT_FOUND, f->path);
  g_clear_error (&error);
  g_assert_false (cari_store_delete_run (store, a, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_metrics (Fixture *f, gconstpointer data)
{
  g_autoptr (CariStore) store = open_store (f);
  GError *error = NULL;
  gint64 run = new_run (store, "m"), other = new_run (store, "other");
  gint64 last = 0, max_before_delete;
  GArray *rows;
  GHashTable *latest;
  CariRunInfo *info;

  g_assert_true (cari_store_append_metrics (store, run, NULL, 0, &error));
  append_steps (store, run, 1, 2);
  append_steps (store, other, 1, 1);

  rows = cari_store_metrics_since (store, run, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 24);
  for (guint i = 0; i < rows->len; i++)
    {
      CariMetricRow *r = &g_array_index (rows, CariMetricRow, i);
      g_assert_cmpint (r->step, ==, 1 + i / 12);
      g_assert_cmpfloat (r->wall_time, ==, 1e9 + r->step);
      g_assert_cmpfloat_with_epsilon (r->value, r->step + (i % 12) / 100.0, 1e-12);
      if (i > 0)
        g_assert_cmpint (r->rowid, >, g_array_index (rows, CariMetricRow, i - 1).rowid);
    }
  g_assert_cmpstr (g_array_index (rows, CariMetricRow, 0).key, ==, "loss/verif");
  last = g_array_index (rows, CariMetricRow, rows->len - 1).rowid;
  g_array_unref (rows);

  /* polling: only what is new since the last row seen, and only this run's */
  rows = cari_store_metrics_since (store, run, last, &error);
  g_assert_cmpuint (rows->len, ==, 0);
  g_array_unref (rows);
  append_steps (store, other, 2, 1);
  append_steps (store, run, 3, 1);
  rows = cari_store_metrics_since (store, run, last, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 12);
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpint (g_array_index (rows, CariMetricRow, i).step, ==, 3);
  g_array_unref (rows);

  /* latest value of every key */
  latest = cari_store_latest_metrics (store, run, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (latest), ==, 12);
  g_assert_cmpfloat (*(double *) g_hash_table_lookup (latest, "loss/verif"), ==, 3.0);
  g_assert_cmpfloat_with_epsilon (*(double *) g_hash_table_lookup (latest, "val/cari_acc"),
                                  3.11, 1e-12);
  g_hash_table_unref (latest);
  info = cari_store_get_run (store, run, &error);
  g_assert_cmpint (info->last_step, ==, 3);
  cari_run_info_free (info);

  /* resuming from step 1: later rows go, and rowids are never reused */
  max_before_delete = query_int (f->path, "SELECT max(id) FROM metrics");
  g_assert_true (cari_store_delete_metrics_after (store, run, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_metrics (store, run), ==, 12);
  g_assert_cmpint (count_metrics (store, other), ==, 24);
  info = cari_store_get_run (store, run, &error);
  g_assert_cmpint (info->last_step, ==, 1);
  cari_run_info_free (info);
  {
    CariMetric m = { .step = 2, .wall_time = 5.0, .key = "loss/total", .value = NAN };
    g_assert_true (cari_store_append_metrics (store, run, &m, 1, &error));
    g_assert_no_error (error);
  }
  rows = cari_store_metrics_since (store, run, max_before_delete, &error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (g_array_index (rows, CariMetricRow, 0).key, ==, "loss/total");
  g_assert_true (isnan (g_array_index (rows, CariMetricRow, 0).value));
  g_array_unref (rows);
  latest = cari_store_latest_metrics (store, run, &error);
  g_assert_true (isnan (*(double *) g_hash_table_lookup (latest, "loss/total")));
  g_assert_cmpfloat (*(double *) g_hash_table_lookup (latest, "loss/verif"), ==, 1.0);
  g_hash_table_unref (latest);

  /* a batch for a run that does not exist writes nothing */
  {
    CariMetric m[12];
    fill_step (m, 9);
    g_assert_false (cari_store_append_metrics (store, 999, m, 12, &error));
    assert_error_names_file (error, CARI_ERROR_NOT_FOUND, f->path);
    g_clear_error (&error);
    g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM metrics"), ==, 12 + 1 + 24);
    /* and the failed transaction is over: the next batch goes in */
    g_assert_true (cari_store_append_metrics (store, run, m, 12, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM metrics"), ==, 12 + 1 + 24 + 12);
}

static void
test_metric_keys (Fixture *f, gconstpointer data)
{
  static const char *const bad[] = { "loss", "loss/foo", "val/", "weights/cari", "LR", "" };
  g_autoptr (CariStore) store = open_store (f);
  GError *error = NULL;
  gint64 run = new_run (store, "k");

  g_assert_true (cari_store_metric_key_is_valid ("val/c2p_rank1"));
  g_assert_true (cari_store_metric_key_is_valid ("images_per_s"));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      /* valid rows before the bad one are not written either */
      CariMetric m[3] = {
        { .step = 1, .key = "loss/cari", .value = 1 },
        { .step = 1, .key = "lr", .value = 0.1 },
        { .step = 1, .key = bad[i], .value = 2 },
      };
      g_assert_false (cari_store_metric_key_is_valid (bad[i]));
      g_assert_false (cari_store_append_metrics (store, run, m, 3, &error));
      g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
      if (bad[i][0] != '\0')
        g_assert_nonnull (strstr (error->message, bad[i]));
      g_clear_error (&error);
    }
  g_assert_cmpint (count_metrics (store, run), ==, 0);

  /* the per-task names: "loss/<task>", "weight/<task>" in task order, each accepted */
  for (CariTask t = 0; t < CARI_N_TASKS; t++)
    {
      g_autofree char *loss = g_strdup_printf ("loss/%s", cari_task_names[t]);
      g_autofree char *weight = g_strdup_printf ("weight/%s", cari_task_names[t]);
      g_assert_cmpstr (cari_metric_key_loss (t), ==, loss);
      g_assert_cmpstr (cari_metric_key_weight (t), ==, weight);
      g_assert_true (cari_store_metric_key_is_valid (cari_metric_key_loss (t)));
      g_assert_true (cari_store_metric_key_is_valid (cari_metric_key_weight (t)));
    }
  g_assert_null (cari_metric_key_loss (CARI_N_TASKS));
  g_assert_null (cari_metric_key_weight ((CariTask) -1));
  g_assert_cmpstr (CARI_METRIC_LOSS_L4, ==, "loss/l4");
  g_assert_cmpstr (CARI_METRIC_LOSS_TOTAL, ==, "loss/total");
  g_assert_cmpstr (CARI_METRIC_LR, ==, "lr");
  g_assert_cmpstr (CARI_METRIC_IMAGES_PER_S, ==, "images_per_s");
  g_assert_true (cari_store_metric_key_is_valid (CARI_METRIC_VAL_PREFIX "cari_acc"));
}

static void
test_stale_heartbeat (Fixture *f, gconstpointer data)
{
  g_autoptr (CariStore) store = open_store (f);
  g_autoptr (CariStore) reader = open_store (f);
  GError *error = NULL;
  gint64 run = new_run (store, "killed"), paused = new_run (store, "paused");
  CariRunInfo *info;
  GPtrArray *runs;

  g_assert_true (cari_store_set_run_status (store, run, CARI_RUN_RUNNING, NULL, &error));
  g_assert_true (cari_store_set_run_status (store, paused, CARI_RUN_PAUSED, NULL, &error));
  info = cari_store_get_run (reader, run, &error);
  g_assert_cmpint (info->status, ==, CARI_RUN_RUNNING); /* default: 60 s */
  cari_run_info_free (info);

  cari_store_set_stale_after (reader, 0.1);
  g_usleep (200000);
  info = cari_store_get_run (reader, run, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->status, ==, CARI_RUN_INTERRUPTED);
  cari_run_info_free (info);
  runs = cari_store_list_runs (reader, &error);
  g_assert_cmpint (((CariRunInfo *) runs->pdata[0])->status, ==, CARI_RUN_INTERRUPTED);
  g_assert_cmpint (((CariRunInfo *) runs->pdata[1])->status, ==, CARI_RUN_PAUSED);
  g_ptr_array_unref (runs);

  /* a heartbeat (here through a metrics flush) brings it back */
  append_steps (store, run, 1, 1);
  info = cari_store_get_run (reader, run, &error);
  g_assert_cmpint (info->status, ==, CARI_RUN_RUNNING);
  cari_run_info_free (info);
}

static void
test_checkpoints (Fixture *f, gconstpointer data)
{
  g_autoptr (CariStore) store = open_store (f);
  GError *error = NULL;
  gint64 run = new_run (store, "ck"), step = -1;
  char *path = NULL;
  GPtrArray *paths;

  g_assert_false (cari_store_latest_checkpoint (store, run, -1, &step, &path, &error));
  assert_error_names_file (error, CARI_ERROR_NOT_FOUND, f->path);
  g_clear_error (&error);

  g_assert_true (cari_store_add_checkpoint (store, run, 200, "/r/200.ckpt", "c2", &error));
  g_assert_true (cari_store_add_checkpoint (store, run, 100, "/r/100.ckpt", "c1", &error));
  g_assert_true (cari_store_add_checkpoint (store, run, 300, "/r/300.ckpt", NULL, &error));
  g_assert_no_error (error);

  g_assert_true (cari_store_latest_checkpoint (store, run, -1, &step, &path, &error));
  g_assert_cmpint (step, ==, 300);
  g_assert_cmpstr (path, ==, "/r/300.ckpt");
  g_clear_pointer (&path, g_free);
  g_assert_true (cari_store_latest_checkpoint (store, run, 250, &step, &path, &error));
  g_assert_cmpint (step, ==, 200);
  g_assert_cmpstr (path, ==, "/r/200.ckpt");
  g_clear_pointer (&path, g_free);
  g_assert_true (cari_store_latest_checkpoint (store, run, 100, &step, NULL, &error));
  g_assert_cmpint (step, ==, 100);
  g_assert_false (cari_store_latest_checkpoint (store, run, 99, &step, &path, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_assert_null (path);
  g_clear_error (&error);

  /* the same step again replaces the row */
  g_assert_true (cari_store_add_checkpoint (store, run, 200, "/r/200b.ckpt", "c2b", &error));
  paths = cari_store_list_checkpoint_paths (store, run, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (paths->len, ==, 3);
  g_assert_cmpstr (paths->pdata[0], ==, "/r/100.ckpt");
  g_assert_cmpstr (paths->pdata[1], ==, "/r/200b.ckpt");
  g_assert_cmpstr (paths->pdata[2], ==, "/r/300.ckpt");
  g_ptr_array_unref (paths);

  g_assert_false (cari_store_add_checkpoint (store, 999, 1, "/x", NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

/* WAL: a reader goes on, and sees what is committed, while another connection holds the write
 * lock with rows not yet committed. */
static void
test_concurrent_reader (Fixture *f, gconstpointer data)
{
  g_autoptr (CariStore) writer = open_store (f);
  g_autoptr (CariStore) reader = open_store (f);
  GError *error = NULL;
  gint64 run = new_run (writer, "live"), found = 0;
  sqlite3 *raw;
  GArray *rows;

  append_steps (writer, run, 1, 2);
  rows = cari_store_metrics_since (reader, run, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 24);
  g_array_unref (rows);

  raw = raw_open (f->path);
  raw_exec (raw, "BEGIN EXCLUSIVE");
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO metrics (run_id, step, wall_time, key, "
                                            "value) VALUES (%lld, 3, 0, 'lr', 1)",
                                            (long long) run);
    raw_exec (raw, sql);
  }
  cari_store_set_busy_timeout (reader, 50);
  rows = cari_store_metrics_since (reader, run, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 24);
  g_array_unref (rows);
  g_assert_true (cari_store_find_run (reader, "live", &found, &error));
  g_assert_no_error (error);
  raw_exec (raw, "COMMIT");
  sqlite3_close (raw);

  rows = cari_store_metrics_since (reader, run, 0, &error);
  g_assert_cmpuint (rows->len, ==, 25);
  g_array_unref (rows);
}

static void
test_locked (Fixture *f, gconstpointer data)
{
  g_autoptr (CariStore) store = open_store (f);
  GError *error = NULL;
  gint64 run = new_run (store, "locked");
  CariMetric m[12];
  sqlite3 *raw;
  gint64 t0;

  append_steps (store, run, 1, 1);
  raw = raw_open (f->path);
  raw_exec (raw, "BEGIN EXCLUSIVE");

  cari_store_set_busy_timeout (store, 50);
  fill_step (m, 2);
  t0 = g_get_monotonic_time ();
  g_assert_false (cari_store_append_metrics (store, run, m, 12, &error));
  /* it waited for the lock, 50 ms and not the default 5 s */
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 40000);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 2000000);
  assert_error_names_file (error, CARI_ERROR_LOCKED, f->path);
  g_clear_error (&error);
  g_assert_false (cari_store_set_run_status (store, run, CARI_RUN_RUNNING, NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_cmpint (count_metrics (store, run), ==, 12); /* reading still works */

  raw_exec (raw, "ROLLBACK");
  sqlite3_close (raw);
  g_assert_true (cari_store_append_metrics (store, run, m, 12, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_metrics (store, run), ==, 24);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM metrics WHERE step = 2"), ==, 12);
}

static void
check_read_only (Fixture *f, CariStore *ro, gint64 run)
{
  GError *error = NULL;
  CariMetric m[12];
  CariRunInfo *info;

  info = cari_store_get_run (ro, run, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->name, ==, "ro");
  cari_run_info_free (info);
  g_assert_cmpint (count_metrics (ro, run), ==, 12);

  fill_step (m, 2);
  g_assert_false (cari_store_append_metrics (ro, run, m, 12, &error));
  assert_error_names_file (error, CARI_ERROR_READ_ONLY, f->path);
  g_clear_error (&error);
  g_assert_cmpint (cari_store_create_run (ro, "new", 0, "", 1, 0, &error), ==, 0);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_false (cari_store_rename_run (ro, run, "renamed", &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_cmpint (count_metrics (ro, run), ==, 12);
}

static void
test_read_only (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  gint64 run;
  CariStore *ro;
  g_autofree char *uri = NULL;
  g_autofree char *missing = NULL;

  {
    g_autoptr (CariStore) store = open_store (f);
    run = new_run (store, "ro");
    append_steps (store, run, 1, 1);

    /* while a writer has the file open, through a URI */
    uri = g_strdup_printf ("file:%s?mode=ro", f->path);
    ro = cari_store_open (uri, CARI_STORE_READ_WRITE, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (cari_store_get_path (ro), ==, f->path);
    check_read_only (f, ro, run);
    cari_store_close (ro);
  }

  /* and alone, through the flag */
  ro = cari_store_open (f->path, CARI_STORE_READ_ONLY, &error);
  g_assert_no_error (error);
  check_read_only (f, ro, run);
  cari_store_close (ro);

  /* reading a file that is not there does not create it */
  missing = g_build_filename (f->dir, "missing", "none.db", NULL);
  g_assert_null (cari_store_open (missing, CARI_STORE_READ_ONLY, &error));
  assert_error_names_file (error, CARI_ERROR_IO, missing);
  g_clear_error (&error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  /* an empty file is said to be empty (not a schema to upgrade); a SQLite file of another
   * program's tables is not a run database */
  {
    g_autofree char *empty = g_build_filename (f->dir, "empty.db", NULL);
    g_assert_true (g_file_set_contents (empty, "", 0, NULL));
    g_assert_null (cari_store_open (empty, CARI_STORE_READ_ONLY, &error));
    assert_error_names_file (error, CARI_ERROR_NOT_FOUND, empty);
    g_assert_nonnull (strstr (error->message, "is empty"));
    g_clear_error (&error);

    g_autofree char *other = g_build_filename (f->dir, "other.db", NULL);
    sqlite3 *db = NULL;
    g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
    raw_exec (db, "CREATE TABLE notes (text TEXT)");
    sqlite3_close (db);
    g_assert_null (cari_store_open (other, CARI_STORE_READ_ONLY, &error));
    assert_error_names_file (error, CARI_ERROR_CORRUPT, other);
    g_assert_nonnull (strstr (error->message, "not a CariLab run database"));
    g_clear_error (&error);
  }
}

static void
test_full (Fixture *f, gconstpointer data)
{
  g_autoptr (CariStore) store = open_store (f);
  GError *error = NULL;
  gint64 run = new_run (store, "full"), pages, step = 2;
  CariMetric m[12];
  gboolean ok = TRUE;

  append_steps (store, run, 1, 1);
  g_assert_false (cari_store_set_max_pages (store, 0, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  pages = query_int (f->path, "PRAGMA page_count");
  g_assert_true (cari_store_set_max_pages (store, pages + 60, &error));
  g_assert_no_error (error);

  /* big batches, so that the one that fails has rows that fit and rows that do not */
  for (; ok && step < 1000; step++)
    {
      CariMetric batch[600];
      for (int i = 0; i < 50; i++)
        fill_step (batch + 12 * i, step);
      ok = cari_store_append_metrics (store, run, batch, G_N_ELEMENTS (batch), &error);
    }
  g_assert_false (ok);
  g_test_message ("full after %lld committed batches of 600 rows", (long long) (step - 3));
  g_assert_cmpint (step, >, 3); /* some batches fitted before the one that did not */
  assert_error_names_file (error, CARI_ERROR_FULL, f->path);
  g_clear_error (&error);
  /* every committed batch is whole, the failed one is not there at all */
  g_assert_cmpint (count_metrics (store, run), ==, 12 + 600 * (step - 3));
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM metrics WHERE step = "
                                       "(SELECT max(step) FROM metrics)"),
                   ==, step == 3 ? 12 : 600);

  /* with room again the store works on, and nothing of the failed batch turns up */
  g_assert_true (cari_store_set_max_pages (store, 1 << 30, &error));
  fill_step (m, 5000);
  g_assert_true (cari_store_append_metrics (store, run, m, 12, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_metrics (store, run), ==, 12 + 600 * (step - 3) + 12);
}

static void
test_corrupt (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  g_autofree char *garbage = g_build_filename (f->dir, "garbage.db", NULL);
  g_autofree char *newer = g_build_filename (f->dir, "newer.db", NULL);
  char bytes[8192];
  GRand *rand = g_rand_new_with_seed (5);
  sqlite3 *raw;

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = (char) g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  g_assert_true (g_file_set_contents (garbage, bytes, sizeof bytes, NULL));
  g_assert_null (cari_store_open (garbage, CARI_STORE_READ_WRITE, &error));
  assert_error_names_file (error, CARI_ERROR_CORRUPT, garbage);
  g_clear_error (&error);
  g_assert_null (cari_store_open (garbage, CARI_STORE_READ_ONLY, &error));
  assert_error_names_file (error, CARI_ERROR_CORRUPT, garbage);
  g_clear_error (&error);

  /* a database from a newer CariLab */
  g_assert_cmpint (sqlite3_open (newer, &raw), ==, SQLITE_OK);
  raw_exec (raw, "CREATE TABLE runs (id INTEGER PRIMARY KEY); PRAGMA user_version = 99");
  sqlite3_close (raw);
  g_assert_null (cari_store_open (newer, CARI_STORE_READ_WRITE, &error));
  assert_error_names_file (error, CARI_ERROR_VERSION, newer);
  g_assert_nonnull (strstr (error->message, "99"));
  g_clear_error (&error);
  g_assert_cmpint (query_int (newer, "PRAGMA user_version"), ==, 99);
}

/* Overwrites the root page of the index metrics_by_key of a closed store with garbage: the
 * header and the schema stay readable, so the file still opens. */
static void
damage_metrics_index (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;
  gint64 page_size = query_int (path, "PRAGMA page_size");
  gint64 root = query_int (path, "SELECT rootpage FROM sqlite_master "
                                 "WHERE name = 'metrics_by_key'");
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpint ((gint64) len, >=, root * page_size);
  memset (contents + (root - 1) * page_size, 0x5a, (gsize) page_size);
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
}

/* A valid header over a damaged page: opening does not read the whole file, so it opens; the
 * explicit check finds the damage, and so does any statement that reads the page. */
static void
test_check (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  CariStore *store = open_store (f);
  gint64 run = new_run (store, "d");
  GArray *rows;

  append_steps (store, run, 1, 50);
  g_assert_true (cari_store_check (store, &error));
  g_assert_no_error (error);
  /* a check that passed on a read-write connection is recorded */
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM store_checks"), ==, 1);
  cari_store_close (store); /* the last close checkpoints the WAL */
  damage_metrics_index (f->path);

  store = open_store (f);
  g_assert_false (cari_store_check (store, &error));
  assert_error_names_file (error, CARI_ERROR_CORRUPT, f->path);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  /* a statement that meets the page: CORRUPT, and the message points to the check */
  rows = cari_store_metrics_with_prefix (store, run, "loss/", &error);
  g_assert_null (rows);
  assert_error_names_file (error, CARI_ERROR_CORRUPT, f->path);
  g_assert_nonnull (strstr (error->message, "carilab-cli check"));
  g_clear_error (&error);
  cari_store_close (store);

  /* and through a read-only connection */
  store = cari_store_open (f->path, CARI_STORE_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_false (cari_store_check (store, &error));
  assert_error_names_file (error, CARI_ERROR_CORRUPT, f->path);
  g_clear_error (&error);
  cari_store_close (store);
}

/* A read-write open checks the file after an unclean stop (a running run whose heartbeat went
 * stale), once: the check that passed covers that stop. */
static void
test_check_on_open (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  CariStore *store = open_store (f);
  gint64 run = new_run (store, "killed");
  sqlite3 *raw;

  g_assert_true (cari_store_set_run_status (store, run, CARI_RUN_RUNNING, NULL, &error));
  append_steps (store, run, 1, 50);
  cari_store_close (store);
  /* the process died an hour ago */
  raw = raw_open (f->path);
  raw_exec (raw, "UPDATE runs SET heartbeat = heartbeat - 3600");
  sqlite3_close (raw);

  /* the first read-write open checks (and the file is sound) */
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM store_checks"), ==, 0);
  store = open_store (f);
  cari_store_close (store);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM store_checks"), ==, 1);

  /* damage after that check: the stop was already checked, so opening does not look again */
  damage_metrics_index (f->path);
  store = open_store (f);
  cari_store_close (store);

  /* a later unclean stop (here: the check made older than the stop) is checked on opening */
  raw = raw_open (f->path);
  raw_exec (raw, "UPDATE store_checks SET checked_at = checked_at - 7200");
  sqlite3_close (raw);
  store = cari_store_open (f->path, CARI_STORE_READ_ONLY, &error); /* only read-write checks */
  g_assert_no_error (error);
  cari_store_close (store);
  g_assert_null (cari_store_open (f->path, CARI_STORE_READ_WRITE, &error));
  assert_error_names_file (error, CARI_ERROR_CORRUPT, f->path);
  g_clear_error (&error);
}

/* What a trainer pays per flush: one transaction of the 12 metrics of a step. The median is
 * reported (docs/store.md quotes it against a 70 ms demo step), never asserted: speed is
 * measured, not tested. */
static void
test_append_timing (Fixture *f, gconstpointer data)
{
  enum { CALLS = 200 };
  g_autoptr (CariStore) store = open_store (f);
  GError *error = NULL;
  gint64 run = new_run (store, "timing");
  double us[CALLS], median;

  g_assert_true (cari_store_set_run_status (store, run, CARI_RUN_RUNNING, NULL, &error));
  append_steps (store, run, 0, 20); /* warm the statement cache and the file */
  for (int i = 0; i < CALLS; i++)
    {
      CariMetric m[12];
      gint64 t0;
      fill_step (m, 100 + i);
      t0 = g_get_monotonic_time ();
      g_assert_true (cari_store_append_metrics (store, run, m, 12, &error));
      us[i] = (double) (g_get_monotonic_time () - t0);
    }
  g_assert_no_error (error);
  g_assert_cmpint (count_metrics (store, run), ==, 12 * (20 + CALLS));
  for (int i = 1; i < CALLS; i++) /* insertion sort: 200 values */
    for (int j = i; j > 0 && us[j - 1] > us[j]; j--)
      {
        double t = us[j];
        us[j] = us[j - 1];
        us[j - 1] = t;
      }
  median = (us[CALLS / 2 - 1] + us[CALLS / 2]) / 2;
  g_test_message ("append_metrics, 12 rows in one transaction: median %.1f us, p90 %.1f us, "
                  "max %.1f us over %d calls",
                  median, us[CALLS * 9 / 10], us[CALLS - 1], CALLS);
}

int
main (int argc, char **argv)
{
  /* Debian's SQLite reads "file:" names as URIs by default; turn that off, so that the
   * read-only test shows that the store asks for URIs itself. */
  g_assert_cmpint (sqlite3_config (SQLITE_CONFIG_URI, 0), ==, SQLITE_OK);
  g_test_init (&argc, &argv, NULL);
  cari_init ();
#define ADD(name, fn) g_test_add ("/store/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("schema", test_schema);
  ADD ("migrate-v3", test_migrate_v3);
  ADD ("migrate-v5", test_migrate_v5);
  ADD ("experiments", test_experiments);
  ADD ("relative-checkpoint", test_relative_checkpoint);
  g_test_add_func ("/store/default-path", test_default_path);
  g_test_add_func ("/store/status-strings", test_status_strings);
  ADD ("datasets", test_datasets);
  ADD ("run-lifecycle", test_run_lifecycle);
  ADD ("metrics", test_metrics);
  ADD ("metric-keys", test_metric_keys);
  ADD ("stale-heartbeat", test_stale_heartbeat);
  ADD ("checkpoints", test_checkpoints);
  ADD ("concurrent-reader", test_concurrent_reader);
  ADD ("locked", test_locked);
  ADD ("read-only", test_read_only);
  ADD ("full", test_full);
  ADD ("corrupt", test_corrupt);
  ADD ("check", test_check);
  ADD ("check-on-open", test_check_on_open);
  ADD ("append-timing", test_append_timing);
#undef ADD
  return g_test_run ();
}
