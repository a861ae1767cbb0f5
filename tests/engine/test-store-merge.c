/* test-store-merge.c — a rank's copy of the run store and merging it back: the copy keeps only
 * its places; what the rank writes there (status, metrics, checkpoints with their files,
 * evaluations with their metrics, pair scores and layouts, the evaluated step) arrives in the
 * main store under ids that do not collide with what the main store wrote meanwhile, and the
 * copy goes; a copy that cannot be merged is kept and merges once what was wrong is put right;
 * a copy a live process still writes is refused. */
#include <cari.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "gradcheck.h"

static gint64
query_int (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  gint64 v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return v;
}

static void
exec_sql (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *msg = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (db);
}

/* Where the test says checkpoint files go: "<store>.runs/<run>", as the launch layer does. */
static char *
run_folder (CariStore *store, gint64 run)
{
  return g_strdup_printf ("%s.runs/%" G_GINT64_FORMAT, cari_store_get_absolute_path (store), run);
}

static void
append (CariStore *store, gint64 run, gint64 step, double loss)
{
  g_autoptr (GError) error = NULL;
  CariMetric m[2] = { { step, 100.0 + (double) step, CARI_METRIC_LOSS_TOTAL, loss },
                      { step, 100.0 + (double) step, CARI_METRIC_LR, 0.001 } };
  g_assert_true (cari_store_append_metrics (store, run, m, 2, &error));
  g_assert_no_error (error);
}

/* A verification result over the data set's first images, `value` its accuracy. */
static CariEvalResult *
result_new (double value)
{
  CariEvalResult *r = g_new0 (CariEvalResult, 1);
  r->protocol = g_strdup ("webcari.restricted");
  r->fold = 1;
  r->kind = CARI_PROTOCOL_VERIFICATION;
  r->metrics = g_array_new (FALSE, TRUE, sizeof (CariEvalMetric));
  r->pairs = g_array_new (FALSE, TRUE, sizeof (CariPairScore));
  r->cmc = g_array_new (FALSE, TRUE, sizeof (double));
  CariEvalMetric m = { "accuracy", value, 0.01 };
  g_array_append_val (r->metrics, m);
  for (int i = 0; i < 3; i++)
    {
      CariPairScore p = { i, i + 1, (float) value - 0.1f * (float) i, (guint8) (i % 2), 0 };
      g_array_append_val (r->pairs, p);
    }
  return r;
}

static gint64
save_evaluation (CariStore *store, gint64 run, gint64 step, double value)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariEvalResult) r = result_new (value);
  gint64 id = cari_store_save_evaluation (store, run, step, r, "score=cosine", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
write_file (const char *path, const char *text)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
test_merge (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("carilab-merge-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "main.db", NULL);
  g_autofree char *copy_path = g_strconcat (path, ".experiment1.rank1", NULL);
  g_autoptr (CariStore) store = cari_store_open (path, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);

  /* A data set of six images, and an experiment of three runs. */
  g_autoptr (CariDatasetIndex) index = cari_dataset_index_new ("set", "webcaricature", dir);
  for (int i = 0; i < 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("person-%d", i / 2);
      g_autofree char *file = g_strdup_printf ("img-%d.png", i);
      cari_dataset_index_add_image (index, cari_dataset_index_add_identity (index, name),
                                    (guint8) (i % 2), file, NULL, 0);
    }
  gint64 dataset = cari_store_import_dataset (store, index, &error);
  g_assert_no_error (error);
  const CariExperimentRunSpec specs[] = {
    { "x/pretrain", "[run]\n", 1, "pretrain", -1 },
    { "x/a/seed-1", "[run]\n", 1, "a", 0 },
    { "x/b/seed-1", "[run]\n", 1, "b", 0 },
  };
  gint64 x = cari_store_create_experiment (store, "x", "[experiment]\n", specs, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (x, ==, 1);
  g_autoptr (GArray) places = cari_store_list_experiment_runs (store, x, &error);
  gint64 pre = g_array_index (places, CariExperimentRun, 0).run;
  gint64 a = g_array_index (places, CariExperimentRun, 1).run; /* the rank's */
  gint64 b = g_array_index (places, CariExperimentRun, 2).run; /* the main store's */
  g_assert_true (cari_store_set_run_dataset (store, a, dataset, &error));
  /* Run a was tried before the copy: a metric row and an old evaluation the rank replaces. */
  append (store, a, 0, 9.0);
  gint64 kept_metric = query_int (path, "SELECT max(id) FROM metrics");
  gint64 old_eval = save_evaluation (store, a, 0, 0.1);
  g_autofree char *pre_ck = g_build_filename (dir, "pretrain.ckpt", NULL);
  g_assert_true (cari_store_add_checkpoint (store, pre, 4, pre_ck, "00000001", &error));

  /* The copy, keeping place 1 only. */
  g_assert_true (cari_store_copy_to (store, copy_path, &error));
  g_assert_no_error (error);
  g_assert_false (cari_store_copy_to (store, copy_path, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_autoptr (CariStore) copy = cari_store_open (copy_path, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  const int keep[] = { 1 };
  g_assert_true (cari_store_keep_experiment_places (copy, x, keep, 1, &error));
  g_autoptr (GArray) copy_places = cari_store_list_experiment_runs (copy, x, &error);
  g_assert_cmpuint (copy_places->len, ==, 1);
  g_assert_cmpint (g_array_index (copy_places, CariExperimentRun, 0).run, ==, a);

  /* The main store goes on with run b: rows whose ids the copy's new rows will also take. */
  append (store, b, 1, 5.0);
  append (store, b, 2, 4.0);
  gint64 b_eval = save_evaluation (store, b, 2, 0.7);

  /* The rank executes run a in its copy: from its start again, two checkpoints, evaluated. */
  g_assert_true (cari_store_claim_run (copy, a, &error));
  g_assert_true (cari_store_delete_metrics_after (copy, a, 0, &error));
  append (copy, a, 1, 3.0);
  append (copy, a, 2, 2.0);
  g_autofree char *folder = run_folder (copy, a);
  g_autofree char *ck1 = g_build_filename (folder, "step-00000001.ckpt", NULL);
  g_autofree char *ck2 = g_build_filename (folder, "step-00000002.ckpt", NULL);
  write_file (ck1, "one");
  write_file (ck2, "two");
  g_assert_true (cari_store_add_checkpoint (copy, a, 1, ck1, "00000011", &error));
  g_assert_true (cari_store_add_checkpoint (copy, a, 2, ck2, "00000022", &error));
  g_assert_true (cari_store_set_run_status (copy, a, CARI_RUN_FINISHED, NULL, &error));
  g_assert_true (cari_store_delete_evaluation (copy, old_eval, &error));
  /* Evaluation ids are reused once deleted: the first new one takes the id of the one it
   * replaces, the second the id of run b's in the main store. */
  gint64 new_eval = save_evaluation (copy, a, 2, 0.9);
  gint64 other_eval = save_evaluation (copy, a, 2, 0.8);
  g_assert_cmpint (new_eval, ==, old_eval);
  g_assert_cmpint (other_eval, ==, b_eval);
  const int images[2] = { 0, 3 };
  const float xy[4] = { 0.5f, 1.5f, -2.0f, 3.0f };
  g_assert_true (cari_store_save_layout (copy, new_eval, "V2C", images, xy, 2, &error));
  g_assert_true (cari_store_set_experiment_evaluated (copy, x, 1, 2, &error));
  /* Run b in the copy is not the rank's: nothing of it comes back. */
  g_assert_true (cari_store_set_run_status (copy, b, CARI_RUN_FAILED, "not mine", &error));
  g_assert_no_error (error);
  /* A data set the rank imported itself: the main store does not hold it under that id. */
  gint64 own = cari_store_add_dataset (copy, "own", "folder", dir, NULL, &error);
  g_assert_true (cari_store_set_run_dataset (copy, a, own, &error));
  g_assert_no_error (error);
  g_autoptr (CariRunInfo) done = cari_store_get_run (copy, a, &error);
  cari_store_close (g_steal_pointer (&copy));

  /* Refused, the copy kept, its files already moved; put right, merged, the files found where
   * they went. */
  int n_merged = -1;
  g_assert_false (cari_store_merge (store, copy_path, run_folder, FALSE, &n_merged, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, copy_path));
  g_assert_nonnull (strstr (error->message, "x/a/seed-1"));
  g_clear_error (&error);
  g_assert_true (g_file_test (copy_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM checkpoints"), ==, 1);
  g_autofree char *fix = g_strdup_printf ("UPDATE runs SET dataset_id = %" G_GINT64_FORMAT
                                          " WHERE id = %" G_GINT64_FORMAT,
                                          dataset, a);
  exec_sql (copy_path, fix);
  g_assert_true (cari_store_merge (store, copy_path, run_folder, FALSE, &n_merged, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_merged, ==, 1);

  /* The copy and its folder are gone. */
  g_assert_false (g_file_test (copy_path, G_FILE_TEST_EXISTS));
  g_autofree char *copy_runs = g_strconcat (copy_path, ".runs", NULL);
  g_assert_false (g_file_test (copy_runs, G_FILE_TEST_EXISTS));

  /* Run a as the rank left it. */
  g_autoptr (CariRunInfo) merged = cari_store_get_run (store, a, &error);
  g_assert_cmpint (merged->status, ==, CARI_RUN_FINISHED);
  g_assert_cmpfloat (merged->finished_at, ==, done->finished_at);
  g_assert_cmpfloat (merged->heartbeat, ==, done->heartbeat);
  g_assert_cmpstr (merged->owner, ==, done->owner);
  g_assert_cmpint (merged->dataset_id, ==, dataset);
  g_assert_cmpint (merged->last_step, ==, 2);
  g_autoptr (GArray) rows = cari_store_metrics_since (store, a, 0, &error);
  g_assert_cmpuint (rows->len, ==, 6);
  g_assert_cmpint (g_array_index (rows, CariMetricRow, 1).rowid, ==, kept_metric);
  const double want[] = { 9.0, 3.0, 2.0 };
  for (int i = 0; i < 3; i++)
    {
      const CariMetricRow *row = &g_array_index (rows, CariMetricRow, 2 * i);
      g_assert_cmpint (row->step, ==, i);
      g_assert_cmpstr (row->key, ==, CARI_METRIC_LOSS_TOTAL);
      g_assert_cmpfloat (row->value, ==, want[i]);
    }
  /* Its checkpoints in the main store's folder, with their files. */
  g_autoptr (GArray) cks = cari_store_list_checkpoints (store, a, &error);
  g_assert_cmpuint (cks->len, ==, 2);
  g_autofree char *main_folder = run_folder (store, a);
  for (guint i = 0; i < 2; i++)
    {
      const CariCheckpointRow *c = &g_array_index (cks, CariCheckpointRow, i);
      g_autofree char *text = NULL;
      g_assert_true (g_str_has_prefix (c->path, main_folder));
      g_assert_true (g_file_get_contents (c->path, &text, NULL, NULL));
      g_assert_cmpstr (text, ==, c->step == 2 ? "two" : "one");
      g_assert_cmpstr (c->checksum, ==, c->step == 2 ? "00000022" : "00000011");
    }
  /* Its evaluations under new ids, with their rows; the one they replaced gone. */
  g_autoptr (GPtrArray) evals = cari_store_list_evaluations (store, a, &error);
  g_assert_cmpuint (evals->len, ==, 2);
  const CariEvalInfo *e = evals->pdata[1]; /* newest first */
  const CariEvalInfo *e2 = evals->pdata[0];
  g_assert_cmpint (e->id, >, b_eval);
  g_assert_cmpint (e2->id, >, e->id);
  g_autoptr (CariEvalResult) back2 = cari_store_load_evaluation (store, e2->id, &error);
  g_assert_cmpfloat (cari_eval_result_get (back2, "accuracy")->value, ==, 0.8);
  g_assert_cmpint (e->step, ==, 2);
  g_assert_cmpstr (e->options, ==, "score=cosine");
  g_autoptr (CariEvalResult) back = cari_store_load_evaluation (store, e->id, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (cari_eval_result_get (back, "accuracy")->value, ==, 0.9);
  g_assert_cmpuint (back->pairs->len, ==, 3);
  for (int i = 0; i < 3; i++)
    {
      const CariPairScore *p = &g_array_index (back->pairs, CariPairScore, i);
      g_assert_cmpint (p->a, ==, i);
      g_assert_cmpint (p->b, ==, i + 1);
    }
  int *pts = NULL, n = 0;
  float *got = NULL;
  g_assert_true (cari_store_load_layout (store, e->id, "V2C", &pts, &got, &n, &error));
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpint (pts[1], ==, 3);
  g_assert_cmpfloat (got[2], ==, -2.0f);
  g_free (pts);
  g_free (got);
  g_autoptr (GArray) after = cari_store_list_experiment_runs (store, x, &error);
  g_assert_cmpint (g_array_index (after, CariExperimentRun, 1).evaluated_step, ==, 2);
  g_assert_cmpint (g_array_index (after, CariExperimentRun, 2).evaluated_step, ==, -1);

  /* Run b as the main store wrote it. */
  g_autoptr (CariRunInfo) b_info = cari_store_get_run (store, b, &error);
  g_assert_cmpint (b_info->status, ==, CARI_RUN_QUEUED);
  g_assert_null (b_info->message);
  g_autoptr (GArray) b_rows = cari_store_metrics_since (store, b, 0, &error);
  g_assert_cmpuint (b_rows->len, ==, 4);
  g_autoptr (GPtrArray) b_evals = cari_store_list_evaluations (store, b, &error);
  g_assert_cmpuint (b_evals->len, ==, 1);
  g_assert_cmpint (((CariEvalInfo *) b_evals->pdata[0])->id, ==, b_eval);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);

  /* A copy that a live process (this one's parent) wrote: refused and kept while its writer
   * may still be at it — between two runs (owner) or in one (running, fresh heartbeat) —, even
   * when the caller knows its writers closed it for the second; merged once its run is over. */
  g_assert_true (cari_store_copy_to (store, copy_path, &error));
  g_autofree char *owned = g_strdup_printf ("UPDATE runs SET owner = '%s:%d', message = 'again' "
                                            "WHERE id = %" G_GINT64_FORMAT,
                                            g_get_host_name (), (int) getppid (), a);
  exec_sql (copy_path, owned);
  g_assert_false (cari_store_merge (store, copy_path, run_folder, FALSE, NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, copy_path));
  g_clear_error (&error);
  g_autofree char *running = g_strdup_printf ("UPDATE runs SET status = 'running', heartbeat = "
                                              "%f WHERE id = %" G_GINT64_FORMAT,
                                              (double) g_get_real_time () / 1e6, a);
  exec_sql (copy_path, running);
  g_assert_false (cari_store_merge (store, copy_path, run_folder, TRUE, NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (g_file_test (copy_path, G_FILE_TEST_EXISTS));
  g_autoptr (CariRunInfo) still = cari_store_get_run (store, a, &error);
  g_assert_cmpint (still->status, ==, CARI_RUN_FINISHED);
  g_assert_null (still->message);
  g_autofree char *over = g_strdup_printf ("UPDATE runs SET status = 'failed' WHERE id = "
                                           "%" G_GINT64_FORMAT, a);
  exec_sql (copy_path, over);
  g_assert_true (cari_store_merge (store, copy_path, run_folder, TRUE, &n_merged, &error));
  g_assert_no_error (error);
  g_autoptr (CariRunInfo) last = cari_store_get_run (store, a, &error);
  g_assert_cmpint (last->status, ==, CARI_RUN_FAILED);
  g_assert_cmpstr (last->message, ==, "again");
  g_assert_false (g_file_test (copy_path, G_FILE_TEST_EXISTS));

  g_assert_false (cari_store_merge (store, "/nonexistent/rank1", run_folder, TRUE, NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);

  cari_store_close (g_steal_pointer (&store));
  test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-merge/merge", test_merge);
  return g_test_run ();
}
