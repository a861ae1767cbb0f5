/* test-experiments.c — the Experiments page and the New Experiment dialog on a temporary run
 * database, with the tiny SynCari and a tiny fig6 grid (2 seeds, 3 steps).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cari.h"

#include "lab-curve-plot.h"
#include "lab-experiments-page.h"
#include "lab-new-experiment-dialog.h"
#include "lab-run-list.h"
#include "lab-runner.h"
#include "ui-test-util.h"

/* fig6 with 2 seeds: the pretraining and 2 cells × 2 seeds. */
#define TINY_RUNS 5

typedef struct
{
  char *db;
  LabStoreGateway *gateway;
  LabRunList *runs;
  LabRunner *runner;
  GtkWidget *window;
  LabExperimentsPage *page;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = ui_test_temp_db ("carilab-experiments");
  f->gateway = lab_store_gateway_new (f->db);
  f->runs = lab_run_list_new (f->gateway);
  lab_run_list_set_auto_refresh (f->runs, 100);
  f->runner = lab_runner_new (f->db);
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1000, 700);
  f->page = LAB_EXPERIMENTS_PAGE (lab_experiments_page_new (f->gateway, f->runs, f->runner, 100));
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->page));
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  lab_runner_stop_all (f->runner);
  lab_runner_shutdown (f->runner);
  lab_run_list_set_auto_refresh (f->runs, 0);
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_settle ();
  g_object_unref (f->runner);
  g_object_unref (f->runs);
  g_object_unref (f->gateway);
  ui_test_settle ();
  ui_test_remove_db (f->db);
  g_free (f->db);
}

/* The tiny fig6 grid, recorded by a connection of the test's own (as the CLI would). */
static gint64
create_tiny (CariStore *store, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariExperimentDef) def = cari_experiment_def_new ("fig6", &error);
  const char *const keys[][2] = { { "seeds", "2" },          { "steps", "3" },
                                  { "pretrain_steps", "3" }, { "batch", "4" } };
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (cari_experiment_def_set (def, keys[i][0], keys[i][1], &error));
  gint64 id = cari_experiment_create (store, name, def, &error);
  g_assert_no_error (error);
  return id;
}

typedef struct
{
  Fixture *f;
  gint64 id;
  guint n;
} Want;

static gboolean
listed (gpointer data)
{
  Want *w = data;
  return lab_experiments_page_get_n_experiments (w->f->page) == w->n
         && lab_experiments_page_get_selected (w->f->page) == w->id;
}

static GtkColumnView *
grid_view (Fixture *f)
{
  return ui_test_template_child (f->page, LAB_TYPE_EXPERIMENTS_PAGE, "runs_view");
}

static guint
grid_rows (Fixture *f)
{
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (grid_view (f))));
}

static gboolean
grid_full (gpointer data)
{
  Want *w = data;
  return grid_rows (w->f) == w->n;
}

/* The run of grid row `i`. */
static LabRunItem *
grid_item (Fixture *f, guint i)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (grid_view (f)));
  LabRunItem *item = g_list_model_get_item (model, i);
  g_object_unref (item); /* the run list holds it */
  return item;
}

static gboolean
second_failed (gpointer data)
{
  Want *w = data;
  return grid_rows (w->f) == TINY_RUNS
         && lab_run_item_get_status (grid_item (w->f, 1)) == CARI_RUN_FAILED;
}

/* A label under `widget` whose text contains `text`. */
static gboolean
shows_text (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return gtk_widget_get_mapped (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (shows_text (c, text))
      return TRUE;
  return FALSE;
}

typedef struct
{
  GtkWidget *widget;
  const char *text;
} Shows;

static gboolean
page_shows (gpointer data)
{
  Shows *s = data;
  return shows_text (s->widget, s->text);
}

static gboolean
empty_shown (gpointer data)
{
  Fixture *f = data;
  GtkStack *stack = ui_test_template_child (f->page, LAB_TYPE_EXPERIMENTS_PAGE, "stack");
  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "empty") == 0;
}

/* An experiment another connection records shows within a few polls, selected, with one grid
 * row per run in execution order; a status set in the store shows in the grid and the list. */
static void
test_list_and_grid (Fixture *f, gconstpointer data)
{
  ui_test_wait_for (empty_shown, f, 20, "the empty state");
  g_assert_true (shows_text (GTK_WIDGET (f->page), "No Experiments Yet"));

  g_autoptr (CariStore) store = ui_test_open_store (f->db);
  Want want = { f, create_tiny (store, "watched"), 1 };
  ui_test_wait_for (listed, &want, 20, "the experiment listed and selected");
  g_assert_true (shows_text (GTK_WIDGET (f->page), "fig6 · 0 of 5 runs finished"));

  want.n = TINY_RUNS;
  ui_test_wait_for (grid_full, &want, 20, "a row per run");
  g_autoptr (GArray) places = cari_store_list_experiment_runs (store, want.id, NULL);
  for (guint i = 0; i < places->len; i++)
    {
      LabRunItem *item = grid_item (f, i);
      g_assert_cmpint (lab_run_item_get_id (item), ==,
                       g_array_index (places, CariExperimentRun, i).run);
      g_assert_cmpint (lab_run_item_get_status (item), ==, CARI_RUN_QUEUED);
    }
  g_assert_true (shows_text (GTK_WIDGET (grid_view (f)), "fig6/proposed"));
  g_assert_true (shows_text (GTK_WIDGET (grid_view (f)), "pretraining"));

  /* Another process's run fails: its row and the list's counts follow. */
  g_assert_true (cari_store_set_run_status (store, g_array_index (places, CariExperimentRun,
                                                                  1).run,
                                            CARI_RUN_FAILED, "broken", NULL));
  ui_test_wait_for (second_failed, &want, 20, "the failed run in the grid");
  Shows failed = { GTK_WIDGET (f->page), "· 1 failed" };
  ui_test_wait_for (page_shows, &failed, 20, "the failed count in the list");
}

/* After a tiny experiment executed by the engine (as the CLI would), the page shows its tables,
 * its claims with their verdicts, and the Fig. 6 weights. */
static gboolean
file_written (gpointer path)
{
  GStatBuf st;
  return g_stat (path, &st) == 0 && st.st_size > 0;
}

static void
test_results (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = ui_test_open_store (f->db);
  gint64 id = create_tiny (store, "done");
  CariExperimentReport report;
  g_assert_true (cari_experiment_execute (store, id, NULL, &report, &error));
  g_assert_no_error (error);

  Want want = { f, id, 1 };
  ui_test_wait_for (listed, &want, 20, "the experiment listed and selected");
  Shows done = { GTK_WIDGET (f->page), "5 of 5 runs finished · 4 evaluated" };
  ui_test_wait_for (page_shows, &done, 20, "the evaluated count");
  GtkWidget *results = ui_test_template_child (f->page, LAB_TYPE_EXPERIMENTS_PAGE,
                                               "results_box");
  /* Fig. 6's table, each cell the mean over 2 seeds. */
  g_assert_true (shows_text (results, "proposed (n=2)"));
  /* The claims, with a verdict each. */
  g_autoptr (CariExperimentSummary) summary = cari_experiment_summarize (store, id, &error);
  g_autoptr (GPtrArray) claims = cari_experiment_summary_claims (summary);
  g_assert_cmpuint (claims->len, ==, 3);
  for (guint i = 0; i < claims->len; i++)
    g_assert_true (shows_text (results, ((CariClaim *) claims->pdata[i])->text));
  g_assert_true (shows_text (results, "95 % interval"));
  g_assert_true (shows_text (results, "(primary)"));
  g_assert_true (shows_text (results,
                             cari_claim_verdict_to_string (((CariClaim *) claims->pdata[0])
                                                             ->verdict)));
  /* The weights of both strategies, one plot each. */
  g_assert_true (shows_text (results, "Task weights over training"));
  guint plots = 0;
  for (GtkWidget *w = gtk_widget_get_first_child (results); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_GRID (w))
      for (GtkWidget *p = gtk_widget_get_first_child (w); p != NULL;
           p = gtk_widget_get_next_sibling (p))
        plots += LAB_IS_CURVE_PLOT (p) && lab_curve_plot_get_n_curves (LAB_CURVE_PLOT (p)) >= 3;
  g_assert_cmpuint (plots, ==, 2);
  /* Nothing left to run: no Resume. */
  g_assert_false (gtk_widget_is_sensitive (
    ui_test_template_child (f->page, LAB_TYPE_EXPERIMENTS_PAGE, "resume_button")));

  /* Export Report: enabled, and the report is written in the background with its tables. */
  g_assert_true (gtk_widget_is_sensitive (
    ui_test_template_child (f->page, LAB_TYPE_EXPERIMENTS_PAGE, "report_button")));
  g_autofree char *dir = g_path_get_dirname (f->db);
  g_autofree char *pdf = g_build_filename (dir, "done report.pdf", NULL);
  g_autofree char *csv = g_build_filename (dir, "done report-table-1.csv", NULL);
  lab_experiments_page_export_report (f->page, id, pdf);
  ui_test_wait_for (file_written, csv, 60, "the report's first table");
  ui_test_wait_for (file_written, pdf, 60, "the report");
  g_autofree char *head = NULL;
  g_assert_true (g_file_get_contents (pdf, &head, NULL, NULL));
  g_assert_true (g_str_has_prefix (head, "%PDF"));
}

static gboolean
not_planning (gpointer dialog)
{
  gboolean planning = TRUE;
  g_object_get (dialog, "planning", &planning, NULL);
  return !planning;
}

static void
on_started (LabRunner *runner, gint64 run, gint64 *first)
{
  if (*first == 0)
    *first = run;
}

static gboolean
is_set (gpointer data)
{
  return *(gint64 *) data != 0;
}

/* New Experiment: the dry run's count and ETA before anything starts; Create records the
 * experiment, queues it in the runner, whose first run (the pretraining) starts, and the page
 * selects it. */
static void
test_new_experiment (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  LabNewExperimentDialog *dialog = LAB_NEW_EXPERIMENT_DIALOG (
    lab_new_experiment_dialog_new (GTK_WINDOW (f->window), f->gateway, f->runner));
  g_object_ref (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  ui_test_wait_for (not_planning, dialog, 20, "the default plan");
  /* fig6 by default: the pretraining and 11 seeds of proposed and naive. */
  g_assert_cmpint (lab_new_experiment_dialog_get_n_runs (dialog), ==, 23);
  g_assert_nonnull (strstr (lab_new_experiment_dialog_get_plan_text (dialog), "About "));
  const char *const keys[][2] = { { "seeds", "2" },          { "steps", "3" },
                                  { "pretrain_steps", "3" }, { "batch", "4" } };
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (lab_new_experiment_dialog_set_key (dialog, keys[i][0], keys[i][1], &error));
  lab_new_experiment_dialog_set_name (dialog, "made here");
  ui_test_wait_for (not_planning, dialog, 20, "the tiny plan");
  g_assert_cmpint (lab_new_experiment_dialog_get_n_runs (dialog), ==, TINY_RUNS);
  g_assert_nonnull (strstr (lab_new_experiment_dialog_get_plan_text (dialog), "5 runs"));

  gint64 first = 0;
  g_signal_connect (f->runner, "run-started", G_CALLBACK (on_started), &first);
  g_signal_connect_object (dialog, "created", G_CALLBACK (lab_experiments_page_select), f->page,
                           G_CONNECT_SWAPPED);
  g_assert_true (lab_new_experiment_dialog_create (dialog));
  ui_test_wait_for (is_set, &first, 60, "the first run started");

  g_autoptr (CariStore) store = ui_test_open_store (f->db);
  gint64 id = 0;
  g_assert_true (cari_store_find_experiment (store, "made here", &id, &error));
  g_autoptr (GArray) places = cari_store_list_experiment_runs (store, id, &error);
  g_assert_cmpuint (places->len, ==, TINY_RUNS);
  g_assert_cmpint (first, ==, g_array_index (places, CariExperimentRun, 0).run);
  g_assert_true (lab_runner_has_experiment (f->runner, id));
  Want want = { f, id, 1 };
  ui_test_wait_for (listed, &want, 20, "the new experiment selected");
  g_signal_handlers_disconnect_by_data (f->runner, &first);
  ui_test_drain ();
  g_assert_finalize_object (dialog);
}

int
main (int argc, char *argv[])
{
  g_autofree char *cache = g_dir_make_tmp ("carilab-experiments-cache-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("CARILAB_SYNCARI_TINY", "1", TRUE);
  if (!ui_test_init (&argc, &argv))
    {
      ui_test_remove_tree (cache);
      return 0;
    }
  g_test_add ("/experiments/list-and-grid", Fixture, NULL, fixture_set_up, test_list_and_grid,
              fixture_tear_down);
  g_test_add ("/experiments/results", Fixture, NULL, fixture_set_up, test_results,
              fixture_tear_down);
  g_test_add ("/experiments/new", Fixture, NULL, fixture_set_up, test_new_experiment,
              fixture_tear_down);
  int status = g_test_run ();
  ui_test_remove_tree (cache);
  return status;
}
