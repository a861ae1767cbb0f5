/* test-experiment.c — experiments: the definition's keys and their errors, the presets' grids and
 * planned runs, one transaction for an experiment and its runs, execution that trains and
 * evaluates every run and, executed again, redoes nothing finished (an evaluation cut short is
 * redone whole), and the summary's tables and claims over seeds. */
#include <cari.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "gradcheck.h"

static char *cache;

static void
test_definition (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_null (cari_experiment_def_new ("fig7", &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "fig7"));
  g_clear_error (&error);

  g_autoptr (CariExperimentDef) def = cari_experiment_def_new ("paper", &error);
  g_assert_no_error (error);
  g_assert_cmpint (def->seeds, ==, 11);
  const struct
  {
    const char *key, *value;
  } bad[] = {
    { "seeds", "0" },       { "seeds", "x" },        { "steps", "-3" },
    { "model", "huge" },    { "protocol", "nope" },  { "validation_fraction", "1.5" },
    { "batch", "0" },       { "dataset", "" },       { "dataset", "a\nb" },
    { "preset", "fig7" },   { "margin", "nan" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (cari_experiment_def_set (def, bad[i].key, bad[i].value, &error));
      g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, bad[i].key));
      g_clear_error (&error);
    }
  g_assert_false (cari_experiment_def_set (def, "sedes", "3", &error));
  g_assert_nonnull (strstr (error->message, "sedes"));
  g_clear_error (&error);

  g_assert_true (cari_experiment_def_set (def, "seeds", "7", &error));
  g_assert_true (cari_experiment_def_set (def, "validation_fraction", "0.25", &error));
  g_assert_true (cari_experiment_def_set (def, "protocol", "webcari.c2p", &error));
  g_assert_true (cari_experiment_def_set (def, "dataset", "my set", &error));
  g_assert_no_error (error);
  g_autofree char *text = cari_experiment_def_to_text (def);
  g_autoptr (CariExperimentDef) back = cari_experiment_def_from_text (text, &error);
  g_assert_no_error (error);
  g_autofree char *again = cari_experiment_def_to_text (back);
  g_assert_cmpstr (text, ==, again);
  g_assert_cmpint (back->seeds, ==, 7);
  g_assert_cmpfloat (back->validation_fraction, ==, 0.25);
  g_assert_cmpstr (back->dataset, ==, "my set");
  g_assert_nonnull (strstr (text, "validation_fraction=0.25\n"));
  g_assert_nonnull (strstr (text, "margin=1\n"));

  g_assert_null (cari_experiment_def_from_text ("[experiment]\npreset=fig6\nsteps=zero\n",
                                                &error));
  g_assert_nonnull (strstr (error->message, "steps"));
  g_clear_error (&error);
}

/* The paper preset: Table 2's six cells, Fig. 6's two, Fig. 5's eleven weights summing to 1;
 * the primary pair runs `seeds`, the others `secondary_seeds`; the plan starts with the
 * pretraining and goes seed by seed, and every run's configuration is valid. */
static void
test_grid (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariExperimentDef) def = cari_experiment_def_new ("paper", &error);
  cari_experiment_def_set (def, "seeds", "3", &error);
  cari_experiment_def_set (def, "secondary_seeds", "2", &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) cells = cari_experiment_cells (def);
  g_assert_cmpuint (cells->len, ==, 6 + 2 + 11);
  int primary = 0, expected_runs = 1;
  for (guint i = 0; i < cells->len; i++)
    {
      const CariExperimentCell *c = cells->pdata[i];
      primary += c->primary;
      g_assert_cmpint (c->seeds, ==, c->primary ? 3 : 2);
      expected_runs += c->seeds;
      if (g_str_equal (c->group, "fig5"))
        {
          double w[3];
          g_assert_cmpint (sscanf (c->weights, "%lf;%lf;%lf", &w[0], &w[1], &w[2]), ==, 3);
          g_assert_cmpfloat (fabs (w[0] + w[1] + w[2] - 1.0), <, 1e-6);
          g_assert_cmpfloat (fabs (w[1] - c->cari_weight), <, 1e-9);
          g_assert_cmpfloat (w[0], ==, w[2]);
        }
    }
  g_assert_cmpint (primary, ==, 2);
  g_assert_nonnull (cari_experiment_cells_find (cells, "table2/single-cari"));
  g_assert_nonnull (cari_experiment_cells_find (cells, "fig5/0.3"));
  g_assert_null (cari_experiment_cells_find (cells, "fig5/0.35"));

  g_autoptr (GPtrArray) plan = cari_experiment_plan (def, "p", &error);
  g_assert_no_error (error);
  g_assert_cmpint ((int) plan->len, ==, expected_runs);
  const CariExperimentPlanned *first = plan->pdata[0];
  g_assert_cmpstr (first->cell, ==, CARI_EXPERIMENT_PRETRAIN);
  g_assert_cmpstr (first->name, ==, "p/pretrain");
  const CariExperimentPlanned *second = plan->pdata[1];
  g_assert_cmpstr (second->name, ==, "p/table2/proposed/seed-1");
  /* Seed by seed: every seed-1 run comes before any seed-2 run. */
  gboolean seen_two = FALSE;
  for (guint i = 1; i < plan->len; i++)
    {
      const CariExperimentPlanned *p = plan->pdata[i];
      if (p->seed == 2)
        seen_two = TRUE;
      else
        g_assert_true (p->seed == 1 || p->seed == 3 || !seen_two);
      g_autoptr (CariRunConfig) cfg = cari_run_config_new (p->config, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (cfg->seed, ==, p->seed);
      g_assert_cmpstr (cfg->init_from, ==, "p/pretrain");
      g_assert_cmpint (cfg->fold, ==, def->fold);
    }
  /* The single visual model trains on photos only. */
  for (guint i = 1; i < plan->len; i++)
    {
      const CariExperimentPlanned *p = plan->pdata[i];
      if (!g_str_equal (p->cell, "table2/single-visual"))
        continue;
      g_autoptr (CariRunConfig) cfg = cari_run_config_new (p->config, &error);
      g_assert_cmpint (cfg->caricatures, ==, 0);
      g_assert_cmpint (cfg->photos, ==, def->batch);
    }
}

typedef struct
{
  int started, trained_started, done;
} Seen;

static void
on_started (const CariExperimentRun *place, const CariRunInfo *run, int index, int n,
            gboolean training, gpointer data)
{
  Seen *s = data;
  s->started++;
  s->trained_started += training;
}

static void
on_done (const CariExperimentRun *place, CariRunStatus status, const GError *error, gpointer data)
{
  Seen *s = data;
  g_assert_no_error ((GError *) error);
  s->done++;
}

static char *
tables_text (CariStore *store, gint64 x)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariExperimentSummary) s = cari_experiment_summarize (store, x, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) tables = cari_experiment_summary_tables (s);
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < tables->len; i++)
    {
      g_autofree char *t = cari_table_format (tables->pdata[i], CARI_TABLE_TEXT);
      g_string_append (out, t);
    }
  return g_string_free (out, FALSE);
}

/* A tiny fig6 experiment with two seeds on the tiny SynCari: executed, every run is finished
 * and evaluated; executed again, nothing is redone; an evaluation marked unfinished is redone
 * whole, with the same tables. */
static void
test_execute (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("carilab-experiment-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "runs.db", NULL);
  g_autoptr (CariStore) store = cari_store_open (path, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  g_autoptr (CariExperimentDef) def = cari_experiment_def_new ("fig6", &error);
  const char *const keys[][2] = { { "seeds", "2" },          { "steps", "3" },
                                  { "pretrain_steps", "3" }, { "batch", "4" } };
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (cari_experiment_def_set (def, keys[i][0], keys[i][1], &error));
  gint64 x = cari_experiment_create (store, "tiny", def, &error);
  g_assert_no_error (error);
  g_assert_cmpint (x, >, 0);
  /* The same name again: refused, nothing added. */
  g_assert_cmpint (cari_experiment_create (store, "tiny", def, &error), ==, 0);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  Seen seen = { 0 };
  CariExperimentCallbacks cb = { .run_started = on_started, .run_done = on_done,
                                 .user_data = &seen };
  CariExperimentReport report;
  g_assert_true (cari_experiment_execute (store, x, &cb, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_runs, ==, 5);
  g_assert_cmpint (report.n_trained, ==, 5);
  g_assert_cmpint (report.n_evaluated, ==, 4);
  g_assert_cmpint (report.n_finished, ==, 5);
  g_assert_cmpint (seen.trained_started, ==, 5);

  g_autofree char *before = tables_text (store, x);
  g_assert_nonnull (strstr (before, "proposed (n=2)"));
  /* Two-task models have Table 2's closed-set columns, and no embedding to verify with: no
   * Table 3 of empty cells. */
  g_assert_nonnull (strstr (before, "Table 2"));
  g_assert_null (strstr (before, "Table 3"));
  {
    g_autoptr (CariExperimentSummary) s = cari_experiment_summarize (store, x, &error);
    /* The grid's four runs; the pretraining is not one of them. */
    g_assert_cmpint (cari_experiment_summary_get_n_runs (s), ==, 4);
    g_assert_cmpint (cari_experiment_summary_get_n_done (s), ==, 4);
    int n = 0;
    g_autofree double *v = cari_experiment_summary_values (s, "fig6/proposed", NULL, "cari_id",
                                                           &n);
    g_assert_cmpint (n, ==, 2);
    g_assert_true (isfinite (v[0]) && isfinite (v[1]));
    g_autoptr (GPtrArray) claims = cari_experiment_summary_claims (s);
    g_assert_cmpuint (claims->len, ==, 3);
    const CariClaim *primary = claims->pdata[0];
    g_assert_true (primary->primary);
    g_assert_cmpint (primary->pair.diff.n, ==, 2);
    /* The weights' claim pairs each seed's early cari weight with its visual weight. */
    const CariClaim *w = claims->pdata[1];
    g_assert_cmpint (w->pair.diff.n, ==, 2);
    g_assert_true (isfinite (w->pair.diff.mean));
  }

  /* Again: nothing to do. */
  memset (&seen, 0, sizeof seen);
  g_assert_true (cari_experiment_execute (store, x, &cb, &report, &error));
  g_assert_cmpint (report.n_trained + report.n_evaluated + seen.started, ==, 0);
  g_assert_cmpint (report.n_finished, ==, 5);

  /* An evaluation cut short: redone whole, same tables. */
  g_autoptr (GArray) places = cari_store_list_experiment_runs (store, x, &error);
  g_assert_true (cari_store_set_experiment_evaluated (store, x, 2, -1, &error));
  g_assert_true (cari_experiment_execute (store, x, &cb, &report, &error));
  g_assert_cmpint (report.n_trained, ==, 0);
  g_assert_cmpint (report.n_evaluated, ==, 1);
  g_autoptr (GPtrArray) evals = cari_store_list_evaluations (
    store, g_array_index (places, CariExperimentRun, 2).run, &error);
  g_autoptr (GPtrArray) evals1 = cari_store_list_evaluations (
    store, g_array_index (places, CariExperimentRun, 1).run, &error);
  g_assert_cmpuint (evals->len, ==, evals1->len);
  g_autofree char *after = tables_text (store, x);
  g_assert_cmpstr (before, ==, after);

  cari_store_close (g_steal_pointer (&store));
  test_remove_tree (dir);
}

/* Table 2's grid, one seed: the single-task rows fill their own branch's columns (V2C from the
 * single visual model, C2V from the single caricature model), and each single-task model lays
 * out its own branch's two views of Fig. 2. */
static void
test_single_task (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("carilab-experiment-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "runs.db", NULL);
  g_autoptr (CariStore) store = cari_store_open (path, CARI_STORE_READ_WRITE, &error);
  g_autoptr (CariExperimentDef) def = cari_experiment_def_new ("table2", &error);
  const char *const keys[][2] = { { "seeds", "1" },          { "secondary_seeds", "1" },
                                  { "steps", "2" },          { "pretrain_steps", "2" },
                                  { "batch", "4" } };
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (cari_experiment_def_set (def, keys[i][0], keys[i][1], &error));
  gint64 x = cari_experiment_create (store, "t2", def, &error);
  g_assert_no_error (error);
  g_assert_true (cari_experiment_execute (store, x, NULL, NULL, &error));
  g_assert_no_error (error);

  g_autoptr (CariExperimentSummary) s = cari_experiment_summarize (store, x, &error);
  g_assert_no_error (error);
  const struct
  {
    const char *cell;
    const char *has[2], *lacks[2];
  } singles[] = {
    { "table2/single-visual", { "v2c", "visual_id" }, { "c2v", "cari_id" } },
    { "table2/single-cari", { "c2v", "cari_id" }, { "v2c", "visual_id" } },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (singles); i++)
    {
      for (int k = 0; k < 2; k++)
        {
          int n = 0;
          g_autofree double *has = cari_experiment_summary_values (s, singles[i].cell, NULL,
                                                                   singles[i].has[k], &n);
          g_autofree double *lacks = cari_experiment_summary_values (s, singles[i].cell, NULL,
                                                                     singles[i].lacks[k], &n);
          g_assert_true (isfinite (has[0]));
          g_assert_true (isnan (lacks[0]));
        }
      int n = 0;
      const gint64 *runs = cari_experiment_summary_get_runs (s, singles[i].cell, &n);
      g_assert_cmpint (n, ==, 1);
      g_autoptr (GArray) evals = cari_experiment_summary_get_evaluations (s, runs[0]);
      g_assert_nonnull (evals);
      gint64 evaluation = g_array_index (evals, gint64, 0);
      g_assert_true (cari_launch_layouts (store, evaluation, 10, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      gboolean visual = strstr (singles[i].cell, "visual") != NULL;
      const char *const views[] = { "V2V", "V2C", "C2C", "C2V" };
      for (int v = 0; v < 4; v++)
        {
          int *images = NULL, count = 0;
          float *xy = NULL;
          gboolean found = cari_store_load_layout (store, evaluation, views[v], &images, &xy,
                                                   &count, NULL);
          g_assert_cmpint (found, ==, (v < 2) == visual);
          g_free (images);
          g_free (xy);
        }
    }
  cari_store_close (g_steal_pointer (&store));
  test_remove_tree (dir);
}

/* Sets a run's status and owner behind the store's back, as another process would. */
static void
set_holder (const char *path, gint64 run, const char *status, const char *owner)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "UPDATE runs SET status = ?2, owner = ?3, heartbeat = ?4 "
                                       "WHERE id = ?1",
                                       -1, &st, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (st, 1, run);
  sqlite3_bind_text (st, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, owner, -1, SQLITE_STATIC);
  sqlite3_bind_double (st, 4, (double) g_get_real_time () * 1e-6);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
  sqlite3_finalize (st);
  sqlite3_close (db);
}

/* A run another live process executes: that process executes the experiment, so this one stops
 * there (BUSY, naming the holder) instead of going on to the next runs; once the run is free
 * again, the experiment goes on. */
static void
test_held_elsewhere (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("carilab-experiment-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "runs.db", NULL);
  g_autoptr (CariStore) store = cari_store_open (path, CARI_STORE_READ_WRITE, &error);
  g_autoptr (CariExperimentDef) def = cari_experiment_def_new ("fig6", &error);
  const char *const keys[][2] = { { "seeds", "1" }, { "steps", "2" }, { "pretrain_steps", "2" },
                                  { "batch", "4" } };
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (cari_experiment_def_set (def, keys[i][0], keys[i][1], &error));
  gint64 x = cari_experiment_create (store, "held", def, &error);
  g_assert_no_error (error);
  g_autoptr (GArray) places = cari_store_list_experiment_runs (store, x, &error);
  g_assert_cmpuint (places->len, ==, 3);
  gint64 held = g_array_index (places, CariExperimentRun, 1).run;
  gint64 after = g_array_index (places, CariExperimentRun, 2).run;
  set_holder (path, held, "running", "another-host.invalid:4242");

  CariExperimentReport report;
  g_assert_false (cari_experiment_execute (store, x, NULL, &report, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "another-host.invalid"));
  g_clear_error (&error);
  g_assert_cmpint (report.n_trained, ==, 1);
  g_autoptr (CariRunInfo) next = cari_store_get_run (store, after, &error);
  g_assert_cmpint (next->status, ==, CARI_RUN_QUEUED);

  set_holder (path, held, "queued", NULL);
  g_assert_true (cari_experiment_execute (store, x, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_trained, ==, 2);
  cari_store_close (g_steal_pointer (&store));
  test_remove_tree (dir);
}

/* One rank of a local group, on its own thread. */
typedef struct
{
  CariComm *comm;
  CariStore *store; /* rank 0's; NULL on the others */
  gint64 experiment;
  gboolean ok;
  GError *error;
  CariExperimentReport report;
  int trained;      /* runs this rank trained */
  int imports;      /* data sets this rank imported */
} Rank;

static void
on_rank_started (const CariExperimentRun *place, const CariRunInfo *run, int index, int n,
                 gboolean training, gpointer data)
{
  ((Rank *) data)->trained += training;
}

static gboolean
on_rank_preparing (double fraction, const char *what, gpointer data)
{
  ((Rank *) data)->imports += g_str_has_prefix (what, "Importing") && fraction == 1.0;
  return TRUE;
}

static gpointer
rank_main (gpointer data)
{
  Rank *r = data;
  CariExperimentCallbacks cb = { .launch = { .preparing = on_rank_preparing, .user_data = r },
                                 .run_started = on_rank_started,
                                 .user_data = r };
  r->ok = cari_experiment_execute_group (r->store, r->experiment, r->comm, &cb, &r->report,
                                         &r->error);
  return NULL;
}

/* Executes experiment `x` of `store` over `n` ranks, threads of this process. */
static void
execute_ranks (CariStore *store, gint64 x, int n, Rank *ranks)
{
  CariComm *comms[4];
  GThread *threads[4];
  g_assert_cmpint (n, <=, 4);
  cari_comm_local_group_new (n, comms);
  for (int r = 0; r < n; r++)
    {
      ranks[r] = (Rank) { comms[r], r == 0 ? store : NULL, r == 0 ? x : -1, FALSE, NULL, { 0 },
                          0, 0 };
      threads[r] = g_thread_new ("rank", rank_main, &ranks[r]);
    }
  for (int r = 0; r < n; r++)
    {
      g_thread_join (threads[r]);
      cari_comm_free (comms[r]);
    }
}

static CariExperimentDef *
tiny_fig6 (void)
{
  g_autoptr (GError) error = NULL;
  CariExperimentDef *def = cari_experiment_def_new ("fig6", &error);
  const char *const keys[][2] = { { "seeds", "2" },          { "steps", "3" },
                                  { "pretrain_steps", "3" }, { "batch", "4" } };
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (cari_experiment_def_set (def, keys[i][0], keys[i][1], &error));
  return def;
}

/* Files of `dir` whose name has `part`. */
static int
count_files (const char *dir, const char *part)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  int n = 0;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    n += strstr (name, part) != NULL;
  return n;
}

static void
raw_exec (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *msg = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (db);
}

/* The tiny fig6 experiment over two ranks (threads, one BLAS thread each): the same tables as
 * one process, every run finished in the main store with its checkpoints beside it, no rank
 * store left. Then a rank store a killed job left is merged before anything runs again; and a
 * run that fails on rank 1 fails the experiment on both ranks, naming rank 1, while the others
 * finish. */
static void
test_ranks (void)
{
  g_autoptr (GError) error = NULL;
  cari_blas_set_threads (1);
  g_autoptr (CariExperimentDef) def = tiny_fig6 ();
  g_autofree char *dir = g_dir_make_tmp ("carilab-experiment-XXXXXX", &error);
  g_autofree char *one_path = g_build_filename (dir, "one.db", NULL);
  g_autofree char *path = g_build_filename (dir, "ranks.db", NULL);

  g_autoptr (CariStore) one = cari_store_open (one_path, CARI_STORE_READ_WRITE, &error);
  gint64 x1 = cari_experiment_create (one, "tiny", def, &error);
  g_assert_true (cari_experiment_execute (one, x1, NULL, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *want = tables_text (one, x1);

  g_autoptr (CariStore) store = cari_store_open (path, CARI_STORE_READ_WRITE, &error);
  gint64 x = cari_experiment_create (store, "tiny", def, &error);
  g_assert_no_error (error);
  Rank ranks[2];
  execute_ranks (store, x, 2, ranks);
  for (int r = 0; r < 2; r++)
    {
      g_assert_no_error (ranks[r].error);
      g_assert_true (ranks[r].ok);
      g_assert_cmpint (ranks[r].report.n_runs, ==, 5);
      g_assert_cmpint (ranks[r].report.n_trained, ==, 5);
      g_assert_cmpint (ranks[r].report.n_evaluated, ==, 4);
      g_assert_cmpint (ranks[r].report.n_finished, ==, 5);
    }
  /* Rank 0 the pretraining and places 1 and 3, rank 1 places 2 and 4; only rank 0 imports
   * the data sets (SynCari's pretraining set, then SynCari before the copy). */
  g_assert_cmpint (ranks[0].trained, ==, 3);
  g_assert_cmpint (ranks[1].trained, ==, 2);
  g_assert_cmpint (ranks[0].imports, ==, 2);
  g_assert_cmpint (ranks[1].imports, ==, 0);
  g_autofree char *got = tables_text (store, x);
  g_assert_cmpstr (got, ==, want);
  g_assert_cmpint (count_files (dir, ".rank"), ==, 0);
  g_autofree char *beside = g_strconcat (cari_store_get_absolute_path (store), ".runs", NULL);
  g_autoptr (GArray) places = cari_store_list_experiment_runs (store, x, &error);
  for (guint i = 0; i < places->len; i++)
    {
      const CariExperimentRun *place = &g_array_index (places, CariExperimentRun, i);
      g_autoptr (CariRunInfo) info = cari_store_get_run (store, place->run, &error);
      g_assert_cmpint (info->status, ==, CARI_RUN_FINISHED);
      g_assert_cmpint (info->last_step, ==, 3);
      g_assert_cmpint (place->evaluated_step, ==, i > 0 ? 3 : -1);
      g_autoptr (GPtrArray) paths = cari_store_list_checkpoint_paths (store, place->run, &error);
      g_assert_cmpuint (paths->len, >, 0);
      for (guint k = 0; k < paths->len; k++)
        {
          g_assert_true (g_str_has_prefix (paths->pdata[k], beside));
          g_assert_true (g_file_test (paths->pdata[k], G_FILE_TEST_IS_REGULAR));
        }
    }

  /* A killed job's rank store: place 2 finished there, not yet in the main store. Executed in
   * one process, it is merged first, and nothing is trained or evaluated again. */
  gint64 run2 = g_array_index (places, CariExperimentRun, 2).run;
  g_autofree char *leftover = g_strdup_printf ("%s.experiment%" G_GINT64_FORMAT ".rank1", path,
                                               x);
  g_assert_true (cari_store_copy_to (store, leftover, &error));
  g_autofree char *forget = g_strdup_printf (
    "DELETE FROM metrics WHERE run_id = %1$" G_GINT64_FORMAT "; DELETE FROM checkpoints WHERE "
    "run_id = %1$" G_GINT64_FORMAT "; DELETE FROM evaluations WHERE run_id = %1$" G_GINT64_FORMAT
    "; UPDATE runs SET status = 'queued' WHERE id = %1$" G_GINT64_FORMAT "; UPDATE "
    "experiment_runs SET evaluated_step = NULL WHERE run_id = %1$" G_GINT64_FORMAT,
    run2);
  raw_exec (path, forget);
  CariExperimentReport report;
  g_assert_true (cari_experiment_execute (store, x, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_trained + report.n_evaluated, ==, 0);
  g_assert_cmpint (report.n_finished, ==, 5);
  g_autofree char *again = tables_text (store, x);
  g_assert_cmpstr (again, ==, want);
  g_assert_false (g_file_test (leftover, G_FILE_TEST_EXISTS));

  /* A run that cannot go on (diverged) on rank 1: both ranks fail naming rank 1; rank 1's
   * other run and rank 0's finish and are in the main store. */
  g_autoptr (CariExperimentDef) def3 = tiny_fig6 ();
  g_assert_true (cari_experiment_def_set (def3, "seeds", "3", &error));
  gint64 y = cari_experiment_create (store, "three", def3, &error);
  g_autoptr (GArray) yplaces = cari_store_list_experiment_runs (store, y, &error);
  g_assert_cmpuint (yplaces->len, ==, 7);
  gint64 stuck = g_array_index (yplaces, CariExperimentRun, 2).run;
  g_assert_true (cari_store_set_run_status (store, stuck, CARI_RUN_DIVERGED, "loss is NaN",
                                            &error));
  execute_ranks (store, y, 2, ranks);
  for (int r = 0; r < 2; r++)
    {
      g_assert_false (ranks[r].ok);
      g_assert_error (ranks[r].error, CARI_ERROR, CARI_ERROR_DIVERGED);
      g_assert_true (g_str_has_prefix (ranks[r].error->message, "Rank 1: "));
      g_assert_nonnull (strstr (ranks[r].error->message, "loss is NaN"));
      g_assert_cmpint (ranks[r].report.n_failed, ==, 1);
      g_assert_cmpint (ranks[r].report.n_finished, ==, 6);
      g_clear_error (&ranks[r].error);
    }
  g_clear_pointer (&yplaces, g_array_unref);
  yplaces = cari_store_list_experiment_runs (store, y, &error);
  for (guint i = 0; i < yplaces->len; i++)
    {
      const CariExperimentRun *place = &g_array_index (yplaces, CariExperimentRun, i);
      g_autoptr (CariRunInfo) info = cari_store_get_run (store, place->run, &error);
      g_assert_cmpint (info->status, ==, i == 2 ? CARI_RUN_DIVERGED : CARI_RUN_FINISHED);
      g_assert_cmpint (place->evaluated_step, ==, i == 0 || i == 2 ? -1 : 3);
    }
  g_assert_cmpint (count_files (dir, ".rank"), ==, 0);

  cari_store_close (g_steal_pointer (&one));
  cari_store_close (g_steal_pointer (&store));
  test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  cache = g_dir_make_tmp ("carilab-experiment-cache-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("CARILAB_SYNCARI_TINY", "1", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/experiment/definition", test_definition);
  g_test_add_func ("/experiment/grid", test_grid);
  g_test_add_func ("/experiment/execute", test_execute);
  g_test_add_func ("/experiment/single-task", test_single_task);
  g_test_add_func ("/experiment/held-elsewhere", test_held_elsewhere);
  g_test_add_func ("/experiment/ranks", test_ranks);
  int status = g_test_run ();
  test_remove_tree (cache);
  g_free (cache);
  return status;
}
