/* test-pages.c — the Runs page, the New Run dialog and the Data Sets page, each on a temporary
 * run database.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include <adwaita.h>

#include "cari.h"

#include "lab-datasets-page.h"
#include "lab-export-dialog.h"
#include "lab-import-dialog.h"
#include "lab-new-run-dialog.h"
#include "lab-run-list.h"
#include "lab-run-page.h"
#include "lab-runner.h"
#include "lab-runs-page.h"
#include "lab-window.h"
#include "ui-test-util.h"

/* ------------------------------------------------------------------------------ helpers */

static gboolean
property_false (gpointer object, const char *name)
{
  gboolean value = TRUE;
  g_object_get (object, name, &value, NULL);
  return !value;
}

static gboolean
not_loading (gpointer object)
{
  return property_false (object, "loading");
}

static gboolean
not_creating (gpointer object)
{
  return property_false (object, "creating");
}

static gboolean
not_importing (gpointer object)
{
  return property_false (object, "importing");
}

/* A refresh that read the store after now: one in flight may have read it before. */
static void
refresh_and_wait (LabRunList *runs)
{
  for (int round = 0; round < 2; round++)
    {
      gboolean done = FALSE;
      gulong id = g_signal_connect_swapped (runs, "refreshed", G_CALLBACK (ui_test_set_flag),
                                            &done);
      lab_run_list_refresh (runs);
      ui_test_wait_for (ui_test_is_true, &done, 20, "a refresh");
      g_signal_handler_disconnect (runs, id);
    }
}

static char *
temp_db (void)
{
  return ui_test_temp_db ("carilab-pages");
}

/* A run whose configuration is the defaults with `assignments` applied. */
static gint64
add_run (CariStore *store, const char *name, const char *const *assignments)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, &error);
  g_assert_no_error (error);
  g_autofree char *named = g_strdup_printf ("run.name=%s", name);
  g_assert_true (cari_run_config_set (cfg, named, &error));
  if (assignments != NULL)
    g_assert_true (cari_run_config_set_all (cfg, assignments, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *text = cari_run_config_to_text (cfg);
  gint64 run = cari_store_create_run (store, name, 0, text, cfg->seed, 0, &error);
  g_assert_no_error (error);
  return run;
}

/* Metric rows up to `step`, with the given cari weight. */
static void
add_metrics (CariStore *store, gint64 run, gint64 step, double weight_cari)
{
  g_autoptr (GError) error = NULL;
  CariMetric m[] = {
    { step, 1.0, "loss/cari", 1.0 / (double) step },
    { step, 1.0, "weight/cari", weight_cari },
  };
  g_assert_true (cari_store_append_metrics (store, run, m, G_N_ELEMENTS (m), &error));
  g_assert_no_error (error);
}

/* The names of the runs a model shows, in order, joined by spaces. */
static char *
shown_names (GListModel *model)
{
  g_autoptr (GString) names = g_string_new (NULL);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (LabRunItem) item = g_list_model_get_item (model, i);
      g_string_append_printf (names, "%s%s", i > 0 ? " " : "", lab_run_item_get_name (item));
    }
  return g_strdup (names->str);
}

/* The visible message dialog, or NULL. */
static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return GTK_WINDOW (window);
    }
  return NULL;
}

/* As a click on a response button does: the dialog closes, then says the response. */
static void
respond (AdwMessageDialog *dialog, const char *response)
{
  g_object_ref (dialog);
  gtk_window_close (GTK_WINDOW (dialog));
  adw_message_dialog_response (dialog, response);
  g_object_unref (dialog);
}

static gboolean
no_message_dialog (gpointer data)
{
  return find_message_dialog () == NULL;
}

/* --- a window that records what pages ask of it: win.open-run, win.toast, win.show-analysis */

typedef struct
{
  GtkWindow *window;
  gint64 opened;
  GPtrArray *toasts;           /* of char * */
  gint64 analysis_run, analysis_step;
} Host;

static void
on_open_run (GSimpleAction *action, GVariant *param, gpointer data)
{
  ((Host *) data)->opened = g_variant_get_int64 (param);
}

static void
on_toast (GSimpleAction *action, GVariant *param, gpointer data)
{
  g_ptr_array_add (((Host *) data)->toasts, g_variant_dup_string (param, NULL));
}

static void
on_show_analysis (GSimpleAction *action, GVariant *param, gpointer data)
{
  Host *host = data;
  g_variant_get (param, "(xx)", &host->analysis_run, &host->analysis_step);
}

static void
host_init (Host *host, GtkWidget *child)
{
  static const struct
  {
    const char *name, *type;
    GCallback activate;
  } actions[] = {
    { "open-run", "x", G_CALLBACK (on_open_run) },
    { "toast", "s", G_CALLBACK (on_toast) },
    { "show-analysis", "(xx)", G_CALLBACK (on_show_analysis) },
  };
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();
  for (size_t i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autoptr (GSimpleAction) action = g_simple_action_new (
        actions[i].name, G_VARIANT_TYPE (actions[i].type));
      g_signal_connect (action, "activate", actions[i].activate, host);
      g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
    }
  host->opened = 0;
  host->toasts = g_ptr_array_new_with_free_func (g_free);
  host->analysis_run = 0;
  host->analysis_step = -1;
  host->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (host->window, 1000, 600);
  gtk_widget_insert_action_group (GTK_WIDGET (host->window), "win", G_ACTION_GROUP (group));
  gtk_window_set_child (host->window, child);
  gtk_window_present (host->window);
}

static void
host_destroy (Host *host)
{
  ui_test_drain ();
  gtk_window_destroy (host->window);
  ui_test_drain ();
  g_clear_pointer (&host->toasts, g_ptr_array_unref);
}

/* The last toast, or "". */
static const char *
last_toast (Host *host)
{
  return host->toasts->len > 0 ? g_ptr_array_index (host->toasts, host->toasts->len - 1) : "";
}

static gboolean
has_toast (gpointer host)
{
  return ((Host *) host)->toasts->len > 0;
}

/* ------------------------------------------------------------------------------ Runs page */

typedef struct
{
  char *db;
  CariStore *store;
  LabStoreGateway *gateway;
  LabRunList *runs;
  LabRunner *runner;
  LabRunsPage *page;
  Host host;
  gint64 alpha, bravo, charlie;
} RunsFixture;

static void
runs_fixture_set_up (RunsFixture *f, gconstpointer data)
{
  const char *naive[] = { "strategy.name=naive", "data.dataset=toy", NULL };
  const char *stat[] = { "strategy.name=static", "strategy.weights=0.2;0.3;0.5", NULL };
  f->db = temp_db ();
  f->store = ui_test_open_store (f->db);
  /* Created in this order, so "newest first" is charlie, bravo, alpha. */
  f->alpha = add_run (f->store, "alpha", NULL);
  f->bravo = add_run (f->store, "bravo", naive);
  f->charlie = add_run (f->store, "charlie", stat);
  add_metrics (f->store, f->alpha, 30, 0.5);
  add_metrics (f->store, f->bravo, 10, 0.9);
  add_metrics (f->store, f->charlie, 20, 0.3);
  f->gateway = lab_store_gateway_new (f->db);
  f->runs = lab_run_list_new (f->gateway);
  f->runner = lab_runner_new (f->db);
  refresh_and_wait (f->runs);
  f->page = g_object_ref_sink (LAB_RUNS_PAGE (lab_runs_page_new (f->runs, f->runner)));
  host_init (&f->host, GTK_WIDGET (f->page));
  ui_test_drain ();
}

static void
runs_fixture_tear_down (RunsFixture *f, gconstpointer data)
{
  host_destroy (&f->host);
  g_assert_finalize_object (f->page);
  lab_runner_shutdown (f->runner);
  /* Its last notifications hold it until they run. */
  ui_test_drain ();
  g_assert_finalize_object (f->runner);
  g_assert_finalize_object (f->runs);
  g_assert_finalize_object (f->gateway);
  cari_store_close (f->store);
  ui_test_remove_db (f->db);
  g_free (f->db);
}

static GListModel *
runs_model (RunsFixture *f)
{
  GtkColumnView *view = ui_test_template_child (f->page, LAB_TYPE_RUNS_PAGE, "column_view");
  return G_LIST_MODEL (gtk_column_view_get_model (view));
}

static void
sort_by (RunsFixture *f, const char *column, GtkSortType order)
{
  GtkColumnView *view = ui_test_template_child (f->page, LAB_TYPE_RUNS_PAGE, "column_view");
  gtk_column_view_sort_by_column (
    view, ui_test_template_child (f->page, LAB_TYPE_RUNS_PAGE, column), order);
  ui_test_drain ();
}

static void
assert_shown (RunsFixture *f, const char *expected)
{
  g_autofree char *names = shown_names (runs_model (f));
  g_assert_cmpstr (names, ==, expected);
}

static void
test_runs_list_and_sort (RunsFixture *f, gconstpointer data)
{
  /* One row per run, newest first. */
  g_assert_cmpuint (g_list_model_get_n_items (runs_model (f)), ==, 3);
  assert_shown (f, "charlie bravo alpha");

  sort_by (f, "name_column", GTK_SORT_ASCENDING);
  assert_shown (f, "alpha bravo charlie");
  sort_by (f, "step_column", GTK_SORT_ASCENDING);
  assert_shown (f, "bravo charlie alpha");
  sort_by (f, "step_column", GTK_SORT_DESCENDING);
  assert_shown (f, "alpha charlie bravo");
  sort_by (f, "strategy_column", GTK_SORT_ASCENDING);
  assert_shown (f, "bravo alpha charlie");
  sort_by (f, "weights_column", GTK_SORT_ASCENDING);
  assert_shown (f, "charlie alpha bravo");

  /* A run without metrics sorts below every value. */
  gint64 delta = add_run (f->store, "delta", NULL);
  g_assert_cmpint (delta, >, 0);
  refresh_and_wait (f->runs);
  assert_shown (f, "delta charlie alpha bravo");

  /* A refresh that changes a sorted value moves the row. */
  add_metrics (f->store, f->alpha, 40, 0.1);
  refresh_and_wait (f->runs);
  assert_shown (f, "delta alpha charlie bravo");

  /* The cells show the step of the configured steps and the weights. */
  LabRunItem *charlie = lab_run_list_find (f->runs, f->charlie);
  g_assert_cmpint (lab_run_item_get_step (charlie), ==, 20);
  g_assert_cmpint (lab_run_item_get_steps (charlie), ==, 1000);
}

static gboolean
shown_count_is (gpointer data)
{
  RunsFixture *f = ((gpointer *) data)[0];
  guint n = GPOINTER_TO_UINT (((gpointer *) data)[1]);
  return g_list_model_get_n_items (runs_model (f)) == n;
}

static void
search (RunsFixture *f, const char *text, guint expected)
{
  GtkEditable *entry = ui_test_template_child (f->page, LAB_TYPE_RUNS_PAGE, "search_entry");
  gpointer data[] = { f, GUINT_TO_POINTER (expected) };
  gtk_editable_set_text (entry, text);
  /* search-changed comes after GtkSearchEntry's delay. */
  ui_test_wait_for (shown_count_is, data, 20, "shown count is");
}

static void
test_runs_search (RunsFixture *f, gconstpointer data)
{
  GtkStack *stack = ui_test_template_child (f->page, LAB_TYPE_RUNS_PAGE, "stack");
  search (f, "NAIVE", 1);
  assert_shown (f, "bravo");
  search (f, "toy br", 1);
  search (f, "static", 1);
  assert_shown (f, "charlie");
  search (f, "syncari", 2);
  search (f, "queued", 3);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");
  search (f, "nothing-like-this", 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  search (f, "", 3);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");
}

static void
test_runs_open (RunsFixture *f, gconstpointer data)
{
  GtkWidget *open = ui_test_template_child (f->page, LAB_TYPE_RUNS_PAGE, "open_button");
  g_assert_cmpint (lab_runs_page_get_selected_run (f->page), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (open));
  g_assert_true (lab_runs_page_select_run (f->page, f->bravo));
  g_assert_true (gtk_widget_get_sensitive (open));
  gtk_widget_activate_action (GTK_WIDGET (f->page), "runs.open", NULL);
  g_assert_cmpint (f->host.opened, ==, f->bravo);

  /* A row's activation (double click, Enter) opens it too. */
  GtkColumnView *view = ui_test_template_child (f->page, LAB_TYPE_RUNS_PAGE, "column_view");
  g_signal_emit_by_name (view, "activate", 0u);
  g_assert_cmpint (f->host.opened, ==, f->charlie);
}

static gboolean
run_named (gpointer data)
{
  RunsFixture *f = ((gpointer *) data)[0];
  gint64 found;
  return cari_store_find_run (f->store, ((gpointer *) data)[1], &found, NULL);
}

static void
test_runs_rename (RunsFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (lab_runs_page_select_run (f->page, f->alpha));
  gtk_widget_activate_action (GTK_WIDGET (f->page), "runs.rename", NULL);
  AdwMessageDialog *dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "alpha");

  /* Said as typed: a name that is taken, a number. */
  gtk_editable_set_text (entry, "bravo");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rename"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "bravo"));
  gtk_editable_set_text (entry, "42");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rename"));
  gtk_editable_set_text (entry, "  alpha-2 ");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "rename"));
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "");

  respond (dialog, "rename");
  /* Written on the store gateway's write lane. */
  gpointer renamed[] = { f, "alpha-2" };
  ui_test_wait_for (run_named, renamed, 20, "the run renamed in the store");
  gint64 found = 0;
  g_assert_true (cari_store_find_run (f->store, "alpha-2", &found, &error));
  g_assert_cmpint (found, ==, f->alpha);
  ui_test_wait_for (no_message_dialog, NULL, 20, "no message dialog");
  refresh_and_wait (f->runs);
  g_assert_cmpstr (lab_run_item_get_name (lab_run_list_find (f->runs, f->alpha)), ==, "alpha-2");
}

static gboolean
run_gone (gpointer data)
{
  RunsFixture *f = ((gpointer *) data)[0];
  gint64 run = *(gint64 *) ((gpointer *) data)[1];
  gint64 found;
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, run);
  return !cari_store_find_run (f->store, name, &found, NULL);
}

static gboolean
path_gone (gpointer path)
{
  return !g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_runs_delete (RunsFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  /* Two checkpoint files where the trainer writes them, recorded in the store. */
  g_autofree char *dir = cari_run_checkpoint_dir (f->store, f->alpha);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_autofree char *first = g_build_filename (dir, "step-10.ckpt", NULL);
  g_autofree char *second = g_build_filename (dir, "step-30.ckpt", NULL);
  g_assert_true (g_file_set_contents (first, "ck", -1, &error));
  g_assert_true (g_file_set_contents (second, "ck", -1, &error));
  g_assert_true (cari_store_add_checkpoint (f->store, f->alpha, 10, first, "x", &error));
  g_assert_true (cari_store_add_checkpoint (f->store, f->alpha, 30, second, "y", &error));

  /* Cancelling deletes nothing. */
  g_assert_true (lab_runs_page_select_run (f->page, f->alpha));
  gtk_widget_activate_action (GTK_WIDGET (f->page), "runs.delete", NULL);
  AdwMessageDialog *dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "alpha"));
  respond (dialog, "cancel");
  ui_test_wait_for (no_message_dialog, NULL, 20, "no message dialog");
  ui_test_drain ();
  gpointer gone_alpha[] = { f, &f->alpha };
  g_assert_false (run_gone (gone_alpha));

  /* Confirmed: the run, its checkpoint files and their folder go. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "runs.delete", NULL);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  respond (dialog, "delete");
  ui_test_wait_for (run_gone, gone_alpha, 20, "run gone");
  /* The files go after the rows, in the same worker. */
  ui_test_wait_for (path_gone, dir, 20, "path gone");
  ui_test_wait_for (no_message_dialog, NULL, 20, "no message dialog");
  refresh_and_wait (f->runs);
  g_assert_false (g_file_test (first, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (second, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_null (lab_run_list_find (f->runs, f->alpha));
  g_assert_cmpuint (g_list_model_get_n_items (runs_model (f)), ==, 2);

  /* A run that trains (here: in another process) is not deleted, even when it started after the
   * dialog opened. */
  GtkWidget *delete_button = ui_test_template_child (f->page, LAB_TYPE_RUNS_PAGE, "delete_button");
  g_assert_true (lab_runs_page_select_run (f->page, f->bravo));
  g_assert_true (gtk_widget_get_sensitive (delete_button));
  gtk_widget_activate_action (GTK_WIDGET (f->page), "runs.delete", NULL);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (cari_store_set_run_status (f->store, f->bravo, CARI_RUN_RUNNING, NULL, &error));
  refresh_and_wait (f->runs);
  g_assert_false (gtk_widget_get_sensitive (delete_button));
  respond (dialog, "delete");
  ui_test_wait_for (no_message_dialog, NULL, 20, "no message dialog");
  for (int i = 0; i < 50; i++)
    {
      ui_test_drain ();
      g_usleep (2000);
    }
  gpointer gone_bravo[] = { f, &f->bravo };
  g_assert_false (run_gone (gone_bravo));
}

static void
test_runs_resume (RunsFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GtkWidget *resume = ui_test_template_child (f->page, LAB_TYPE_RUNS_PAGE, "resume_button");
  /* Nothing trains in this test: the runner holds whatever it starts. */
  lab_runner_pause (f->runner);
  g_assert_true (cari_store_set_run_status (f->store, f->alpha, CARI_RUN_RUNNING, NULL, &error));
  g_assert_true (cari_store_set_run_status (f->store, f->alpha, CARI_RUN_FINISHED, NULL, &error));
  g_assert_true (cari_store_set_run_status (f->store, f->bravo, CARI_RUN_RUNNING, NULL, &error));
  g_assert_true (cari_store_set_run_status (f->store, f->bravo, CARI_RUN_CANCELLED, NULL,
                                            &error));
  refresh_and_wait (f->runs);

  g_assert_true (lab_runs_page_select_run (f->page, f->alpha));
  g_assert_false (gtk_widget_get_sensitive (resume));
  g_assert_true (lab_runs_page_select_run (f->page, f->bravo));
  g_assert_true (gtk_widget_get_sensitive (resume));
  gtk_widget_activate_action (GTK_WIDGET (f->page), "runs.resume", NULL);
  g_assert_true (lab_runner_is_queued (f->runner, f->bravo)
                 || lab_runner_get_active_run (f->runner) == f->bravo);
  /* Once is enough. */
  g_assert_false (gtk_widget_get_sensitive (resume));
}

/* "New run like this" opens the dialog on the run's configuration, under no name. */
static void
test_runs_new_from (RunsFixture *f, gconstpointer data)
{
  g_assert_true (lab_runs_page_select_run (f->page, f->charlie));
  gtk_widget_activate_action (GTK_WIDGET (f->page), "runs.new-from", NULL);
  LabNewRunDialog *dialog = LAB_NEW_RUN_DIALOG (find_toplevel (LAB_TYPE_NEW_RUN_DIALOG));
  g_assert_nonnull (dialog);
  g_object_ref (dialog);
  ui_test_wait_for (not_loading, dialog, 20, "not loading");
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (lab_new_run_dialog_get_config_text (dialog),
                                                       NULL);
  g_assert_nonnull (cfg);
  g_assert_cmpint (cfg->strategy, ==, CARI_STRATEGY_STATIC);
  g_assert_cmpfloat (cfg->weights[2], ==, 0.5);
  g_assert_cmpstr (cfg->name, ==, "");
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_drain ();
  g_assert_finalize_object (dialog);
}

/* --- the live page of a run */

static LabLineStyle
line_style (LabRunPage *page)
{
  LabChart *chart = ui_test_template_child (page, LAB_TYPE_RUN_PAGE, "weights_chart");
  LabChartModel *model = lab_chart_get_model (chart);
  LabSeries *series = model != NULL ? lab_chart_model_lookup (model, "weight/cari") : NULL;
  g_assert_nonnull (series);
  return lab_series_get_line_style (series);
}

static gboolean
drawn_dashed (gpointer page)
{
  return line_style (page) == LAB_LINE_STYLE_DASHED;
}

static gboolean
page_has_rows (gpointer page)
{
  return lab_run_page_get_n_rows (page) > 0;
}

/* What the run is comes from the run list (charlie's static strategy draws dotted at once), or,
 * for a run the list does not know yet, from a read off the main thread; a secondary click on a
 * chart asks the window for the analysis at that step (win.show-analysis); a chart exports to
 * the file chosen, and the window says so (win.toast). */
static void
test_run_page (RunsFixture *f, gconstpointer data)
{
  const char *naive[] = { "strategy.name=naive", NULL };
  gint64 echo = add_run (f->store, "echo", naive);
  LabRunPage *unlisted = g_object_ref_sink (
    LAB_RUN_PAGE (lab_run_page_new (f->gateway, echo, f->runner, f->runs, 0)));
  ui_test_wait_for (drawn_dashed, unlisted, 10, "the unlisted run's strategy");
  ui_test_settle ();
  g_assert_finalize_object (unlisted);

  Host host;
  LabRunPage *page = g_object_ref_sink (
    LAB_RUN_PAGE (lab_run_page_new (f->gateway, f->charlie, f->runner, f->runs, 0)));
  g_assert_cmpint (line_style (page), ==, LAB_LINE_STYLE_DOTTED);
  host_init (&host, GTK_WIDGET (page));
  ui_test_wait_for (page_has_rows, page, 10, "charlie's rows");
  GtkLabel *summary = ui_test_template_child (page, LAB_TYPE_RUN_PAGE, "summary_label");
  g_assert_nonnull (strstr (gtk_label_get_text (summary), "static weighting"));

  g_signal_emit_by_name (ui_test_template_child (page, LAB_TYPE_RUN_PAGE, "losses_chart"),
                         "step-activated", 19.6);
  g_assert_cmpint (host.analysis_run, ==, f->charlie);
  g_assert_cmpint (host.analysis_step, ==, 20);

  g_autofree char *dir = g_path_get_dirname (f->db);
  gtk_widget_activate_action (GTK_WIDGET (page), "page.export", "s", "weights.csv");
  ui_test_choose_file (dir, "charlie-weights.csv");
  ui_test_wait_for (has_toast, &host, 10, "the export's toast");
  g_autofree char *path = g_build_filename (dir, "charlie-weights.csv", NULL);
  g_autofree char *said = g_strdup_printf ("Saved %s", path);
  g_assert_cmpstr (last_toast (&host), ==, said);
  g_autofree char *csv = NULL;
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  g_assert_nonnull (strstr (csv, "weight/cari,20,"));

  host_destroy (&host);
  ui_test_settle ();
  g_assert_finalize_object (page);
}

/* --- the export dialog */

typedef struct
{
  char *path, *format;
  gboolean fail;
} Written;

static char *
write_export (GtkWidget *source, const char *path, const char *format, gpointer data,
              GError **error)
{
  Written *w = data;
  w->path = g_strdup (path);
  w->format = g_strdup (format);
  if (w->fail)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "the disk is full");
      return NULL;
    }
  return g_strdup_printf ("wrote %s", path);
}

/* To a folder: the page's writing gets the folder and the format, and its words are toasted;
 * to a file that cannot be written: the toast says why. */
static void
test_export_dialog (void)
{
  g_autofree char *db = ui_test_temp_db ("carilab-export");
  g_autofree char *dir = g_path_get_dirname (db);
  Host host;
  GtkWidget *label = g_object_ref_sink (gtk_label_new ("figure"));
  host_init (&host, label);

  Written w = { 0 };
  lab_export_dialog_run (label, "Export", "svg", NULL, write_export, &w, NULL);
  ui_test_choose_file (dir, NULL);
  ui_test_wait_for (has_toast, &host, 10, "the export's toast");
  g_assert_cmpstr (w.path, ==, dir);
  g_assert_cmpstr (w.format, ==, "svg");
  g_autofree char *said = g_strdup_printf ("wrote %s", dir);
  g_assert_cmpstr (last_toast (&host), ==, said);
  g_clear_pointer (&w.path, g_free);
  g_clear_pointer (&w.format, g_free);

  w.fail = TRUE;
  g_ptr_array_set_size (host.toasts, 0);
  lab_export_dialog_run (label, "Export", "png", "figure.png", write_export, &w, NULL);
  ui_test_choose_file (dir, "figure.png");
  ui_test_wait_for (has_toast, &host, 10, "the export's toast");
  g_autofree char *file = g_build_filename (dir, "figure.png", NULL);
  g_assert_cmpstr (w.path, ==, file);
  g_assert_cmpstr (last_toast (&host), ==, "Could not export: the disk is full");
  g_assert_cmpuint (host.toasts->len, ==, 1);
  g_clear_pointer (&w.path, g_free);
  g_clear_pointer (&w.format, g_free);

  host_destroy (&host);
  ui_test_settle ();
  g_assert_finalize_object (label);
  ui_test_remove_db (db);
}

/* ------------------------------------------------------------------------------ New Run */

typedef struct
{
  char *db;
  LabStoreGateway *gateway;
  LabRunner *runner;
  LabNewRunDialog *dialog;
} DialogFixture;

static void
dialog_open (DialogFixture *f, const char *text)
{
  f->dialog = g_object_ref (LAB_NEW_RUN_DIALOG (lab_new_run_dialog_new (NULL, f->gateway,
                                                                         f->runner, text)));
  gtk_window_present (GTK_WINDOW (f->dialog));
  ui_test_wait_for (not_loading, f->dialog, 20, "not loading");
}

static void
dialog_close (DialogFixture *f)
{
  ui_test_drain ();
  gtk_window_destroy (GTK_WINDOW (f->dialog));
  ui_test_drain ();
  g_assert_finalize_object (f->dialog);
  f->dialog = NULL;
}

static void
dialog_fixture_set_up (DialogFixture *f, gconstpointer data)
{
  f->db = temp_db ();
  g_autoptr (CariStore) store = ui_test_open_store (f->db);
  f->gateway = lab_store_gateway_new (f->db);
  f->runner = lab_runner_new (f->db);
  /* Nothing trains in these tests: the runner holds whatever it starts. */
  lab_runner_pause (f->runner);
}

static void
dialog_fixture_tear_down (DialogFixture *f, gconstpointer data)
{
  if (f->dialog != NULL)
    dialog_close (f);
  lab_runner_shutdown (f->runner);
  /* Its last notifications hold it until they run. */
  ui_test_drain ();
  g_assert_finalize_object (f->runner);
  g_assert_finalize_object (f->gateway);
  ui_test_remove_db (f->db);
  g_free (f->db);
}

static gpointer
child (DialogFixture *f, const char *name)
{
  return ui_test_template_child (f->dialog, LAB_TYPE_NEW_RUN_DIALOG, name);
}

static const char *
subtitle (DialogFixture *f, const char *row)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (child (f, row)));
}

static gboolean
can_create (DialogFixture *f)
{
  return gtk_widget_get_sensitive (child (f, "create_button"));
}

static char *
config_view_text (DialogFixture *f)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (child (f, "config_view"));
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
test_new_run_defaults (DialogFixture *f, gconstpointer data)
{
  dialog_open (f, NULL);
  g_autoptr (CariRunConfig) defaults = cari_run_config_new (NULL, NULL);
  g_autofree char *expected = cari_run_config_to_text (defaults);
  const char *text = lab_new_run_dialog_get_config_text (f->dialog);
  g_assert_nonnull (text);
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) parsed = cari_run_config_new (text, &error);
  g_assert_no_error (error);
  /* The controls' defaults are the engine's. */
  g_assert_cmpstr (text, ==, expected);
  g_assert_true (can_create (f));
  /* The Configuration view shows that text. */
  g_autofree char *shown = config_view_text (f);
  g_assert_cmpstr (shown, ==, expected);
  /* The paper preset brings its own sizes, not the demo's. */
  adw_combo_row_set_selected (child (f, "preset_row"), 1);
  g_autoptr (CariRunConfig) paper = cari_run_config_new (
    lab_new_run_dialog_get_config_text (f->dialog), &error);
  g_assert_no_error (error);
  g_assert_cmpint (paper->net.input_size, ==, 160);
  g_assert_cmpint (paper->net.embedding_size, ==, 128);
  adw_combo_row_set_selected (child (f, "preset_row"), 0);
  g_assert_cmpstr (lab_new_run_dialog_get_config_text (f->dialog), ==, expected);
  /* syncari, the default, has WebCaricature's protocols. */
  AdwComboRow *protocol = child (f, "protocol_row");
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (protocol)), ==, 4);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (protocol)));
}

static void
test_new_run_invalid (DialogFixture *f, gconstpointer data)
{
  dialog_open (f, NULL);
  const char *steps_default = subtitle (f, "steps_row");
  g_autofree char *steps_subtitle = g_strdup (steps_default);

  /* steps 0: the row says why, naming the key, and Create waits. */
  gtk_spin_button_set_value (child (f, "steps_spin"), 0);
  g_assert_null (lab_new_run_dialog_get_config_text (f->dialog));
  g_assert_false (can_create (f));
  g_assert_nonnull (strstr (subtitle (f, "steps_row"), "schedule.steps"));
  g_assert_true (gtk_widget_has_css_class (child (f, "steps_row"), "lab-invalid"));
  g_assert_true (gtk_widget_has_css_class (child (f, "steps_spin"), "error"));
  g_assert_false (lab_new_run_dialog_create (f->dialog));
  /* The Configuration view says what stands in the way, as comments. */
  g_autofree char *shown = config_view_text (f);
  g_assert_true (g_str_has_prefix (shown, "# "));
  g_assert_nonnull (strstr (shown, "schedule.steps"));

  /* A second bad setting is said at its own row, at the same time. */
  gtk_editable_set_text (child (f, "lr_entry"), "fast");
  g_assert_nonnull (strstr (subtitle (f, "lr_row"), "optim.lr"));
  g_assert_nonnull (strstr (subtitle (f, "steps_row"), "schedule.steps"));
  gtk_editable_set_text (child (f, "lr_entry"), "0.001");
  gtk_spin_button_set_value (child (f, "steps_spin"), 250);
  g_assert_true (can_create (f));
  g_assert_cmpstr (subtitle (f, "steps_row"), ==, steps_subtitle);
  g_assert_false (gtk_widget_has_css_class (child (f, "steps_row"), "lab-invalid"));
  g_assert_nonnull (strstr (lab_new_run_dialog_get_config_text (f->dialog), "steps=250\n"));

  /* Static weighting needs its weights: the row appears, and says so. */
  g_assert_false (gtk_widget_get_visible (child (f, "weights_row")));
  adw_combo_row_set_selected (child (f, "strategy_row"), CARI_STRATEGY_STATIC);
  g_assert_true (gtk_widget_get_visible (child (f, "weights_row")));
  g_assert_false (gtk_widget_get_visible (child (f, "r_row")));
  g_assert_false (can_create (f));
  g_assert_nonnull (strstr (subtitle (f, "weights_row"), "strategy.weights"));
  /* Said once, at the row, not again for the whole dialog. */
  g_assert_false (gtk_widget_get_visible (child (f, "error_group")));
  gtk_editable_set_text (child (f, "weights_entry"), "0.2;0.3;0.5");
  g_assert_true (can_create (f));
  g_assert_nonnull (strstr (lab_new_run_dialog_get_config_text (f->dialog),
                            "weights=0.2;0.3;0.5\n"));

  /* A setting valid alone, invalid with others: single on a task that is not trained. */
  adw_combo_row_set_selected (child (f, "strategy_row"), CARI_STRATEGY_SINGLE);
  adw_combo_row_set_selected (child (f, "task_row"), CARI_TASK_CARI);
  gtk_check_button_set_active (child (f, "cari_check"), FALSE);
  g_assert_false (can_create (f));
  g_assert_nonnull (strstr (subtitle (f, "task_row"), "strategy.task"));
  gtk_check_button_set_active (child (f, "cari_check"), TRUE);
  g_assert_true (can_create (f));

  /* No task at all. */
  gtk_check_button_set_active (child (f, "verif_check"), FALSE);
  gtk_check_button_set_active (child (f, "cari_check"), FALSE);
  gtk_check_button_set_active (child (f, "visual_check"), FALSE);
  g_assert_false (can_create (f));
  g_assert_nonnull (strstr (subtitle (f, "tasks_row"), "tasks.tasks"));
}

static void
test_new_run_round_trip (DialogFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, NULL);
  /* Settings of every kind: shown by a control, derived (module_lr), and shown by none
   * (lr_steps, center_rate, the model's sizes). */
  const char *settings[] = {
    "run.name=sweep-3", "run.seed=42", "model.preset=paper", "model.embedding_size=96",
    "tasks.tasks=cari;visual", "strategy.name=naive", "strategy.epsilon=0.02",
    "optim.name=adam", "optim.lr=0.001", "optim.module_lr=0.0001", "optim.lr_steps=100;200",
    "loss.center_rate=0.3", "batch.caricatures=8", "batch.balanced=true",
    "data.dataset=toy", "data.fold=3", "schedule.steps=77", "schedule.eval_every=5",
    "init.from=/nowhere/pretrain.ckpt", "init.branches_from_visual=true", NULL,
  };
  g_assert_true (cari_run_config_set_all (cfg, settings, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *text = cari_run_config_to_text (cfg);

  dialog_open (f, text);
  g_assert_cmpstr (lab_new_run_dialog_get_config_text (f->dialog), ==, text);
  g_assert_cmpstr (gtk_editable_get_text (child (f, "name_entry")), ==, "sweep-3");
  g_assert_false (gtk_check_button_get_active (child (f, "verif_check")));
  /* toy has no protocols. */
  g_assert_false (gtk_widget_get_sensitive (child (f, "protocol_row")));

  /* A new preset brings its own model sizes; what no control shows stays. */
  adw_combo_row_set_selected (child (f, "preset_row"), 0);
  g_autoptr (CariRunConfig) demo = cari_run_config_new (
    lab_new_run_dialog_get_config_text (f->dialog), &error);
  g_assert_no_error (error);
  g_assert_cmpint (demo->net.input_size, ==, 96);
  g_assert_cmpint (demo->net.embedding_size, ==, 64);
  g_assert_cmpint (demo->n_lr_steps, ==, 2);
  g_assert_cmpfloat (demo->center_rate, ==, 0.3);
  /* Every strategy takes the same r by default; "authors" follows the strategy, as --set does. */
  g_assert_cmpfloat (demo->r, ==, 2.0);
  gtk_editable_set_text (child (f, "r_entry"), "authors");
  g_autoptr (CariRunConfig) authors = cari_run_config_new (
    lab_new_run_dialog_get_config_text (f->dialog), &error);
  g_assert_cmpfloat (authors->r, ==, 0.5);
  adw_combo_row_set_selected (child (f, "strategy_row"), CARI_STRATEGY_PROPOSED);
  g_autoptr (CariRunConfig) proposed = cari_run_config_new (
    lab_new_run_dialog_get_config_text (f->dialog), &error);
  g_assert_cmpfloat (proposed->r, ==, 2.0);
  g_assert_true (proposed->r_authors);
}

static void
test_new_run_create (DialogFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = ui_test_open_store (f->db);
  g_assert_cmpint (add_run (store, "taken", NULL), >, 0);

  dialog_open (f, NULL);
  /* A name the store has: said at the name row. */
  gtk_editable_set_text (child (f, "name_entry"), "taken");
  g_assert_true (can_create (f));
  g_assert_true (lab_new_run_dialog_create (f->dialog));
  /* Off the main thread: Create waits for the store's answer. */
  g_assert_false (can_create (f));
  ui_test_wait_for (not_creating, f->dialog, 20, "not creating");
  g_assert_cmpint (lab_new_run_dialog_get_created (f->dialog), ==, 0);
  g_assert_nonnull (strstr (subtitle (f, "name_row"), "taken"));
  g_assert_false (can_create (f));

  gtk_editable_set_text (child (f, "name_entry"), "fresh");
  adw_combo_row_set_selected (child (f, "dataset_row"), 2); /* toy */
  gtk_spin_button_set_value (child (f, "steps_spin"), 5);
  g_assert_true (can_create (f));
  g_autofree char *text = g_strdup (lab_new_run_dialog_get_config_text (f->dialog));
  g_assert_nonnull (strstr (text, "dataset=toy\n"));
  g_assert_true (lab_new_run_dialog_create (f->dialog));
  ui_test_wait_for (not_creating, f->dialog, 20, "not creating");
  gint64 run = lab_new_run_dialog_get_created (f->dialog);
  g_assert_cmpint (run, >, 0);

  /* Queued in the store with exactly the dialog's text, and in the runner. */
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->name, ==, "fresh");
  g_assert_cmpstr (info->config, ==, text);
  g_assert_true (lab_runner_is_queued (f->runner, run)
                 || lab_runner_get_active_run (f->runner) == run);
}

/* ------------------------------------------------------------------------------ Data Sets */

typedef struct
{
  char *db;
  LabStoreGateway *gateway;
  LabRunner *runner;
  LabDatasetsPage *page;
  Host host;
  char *folder; /* a tiny data set on disk */
} DatasetsFixture;

static void
write_png (const char *dir, const char *name, double shade)
{
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 8, 8);
  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, shade, 0.5, 1 - shade);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

static void
datasets_fixture_set_up (DatasetsFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->db = temp_db ();
  g_autoptr (CariStore) store = ui_test_open_store (f->db);

  /* An index built here, with a protocol. */
  g_autoptr (CariDatasetIndex) index = cari_dataset_index_new ("mini", "webcari", "/data/mini");
  index->fingerprint = g_strdup ("mini-1");
  for (int p = 0; p < 3; p++)
    {
      g_autofree char *who = g_strdup_printf ("Person %d", p);
      g_autofree char *c = g_strdup_printf ("OriginalImages/%s/C1.jpg", who);
      g_autofree char *ph = g_strdup_printf ("OriginalImages/%s/P1.jpg", who);
      int id = cari_dataset_index_add_identity (index, who);
      int a = cari_dataset_index_add_image (index, id, CARI_MODALITY_CARICATURE, c, NULL, 0);
      int b = cari_dataset_index_add_image (index, id, CARI_MODALITY_PHOTO, ph, NULL, 0);
      cari_dataset_index_add_pair (index, "webcari.restricted", 1, 2, a, b, TRUE);
    }
  g_assert_cmpint (cari_store_import_dataset (store, index, &error), >, 0);
  g_assert_no_error (error);

  /* A folder of identities, one zero-byte image among them. */
  g_autofree char *dir = g_path_get_dirname (f->db);
  f->folder = g_build_filename (dir, "faces", NULL);
  const char *people[] = { "ann", "bob" };
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autofree char *photo = g_build_filename (f->folder, people[i], "photo", NULL);
      g_autofree char *cari = g_build_filename (f->folder, people[i], "caricature", NULL);
      write_png (photo, "1.png", 0.2 * i);
      write_png (photo, "2.png", 0.3 * i);
      write_png (cari, "1.png", 0.9 - 0.2 * i);
    }
  g_autofree char *empty = g_build_filename (f->folder, "bob", "caricature", "empty.png", NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, &error));

  f->gateway = lab_store_gateway_new (f->db);
  f->runner = lab_runner_new (f->db);
  f->page = g_object_ref_sink (LAB_DATASETS_PAGE (lab_datasets_page_new (f->gateway,
                                                                         f->runner)));
  host_init (&f->host, GTK_WIDGET (f->page));
  ui_test_wait_for (not_loading, f->page, 20, "not loading");
}

static void
datasets_fixture_tear_down (DatasetsFixture *f, gconstpointer data)
{
  ui_test_wait_for (not_loading, f->page, 20, "not loading");
  host_destroy (&f->host);
  g_assert_finalize_object (f->page);
  lab_runner_shutdown (f->runner);
  /* Its last notifications hold it until they run. */
  ui_test_drain ();
  g_assert_finalize_object (f->runner);
  g_assert_finalize_object (f->gateway);
  ui_test_remove_db (f->db);
  g_free (f->db);
  g_free (f->folder);
}

/* The list's row named `name` (see gtk_widget_set_name in the page), or NULL. */
static GtkWidget *
dataset_row (DatasetsFixture *f, const char *name)
{
  GtkWidget *list = ui_test_template_child (f->page, LAB_TYPE_DATASETS_PAGE, "list_box");
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (gtk_widget_get_name (row), name) == 0)
      return row;
  return NULL;
}

static void
test_datasets_list (DatasetsFixture *f, gconstpointer data)
{
  GtkWidget *list = ui_test_template_child (f->page, LAB_TYPE_DATASETS_PAGE, "list_box");
  /* SynCari first, not generated in this store; then the store's. */
  GtkWidget *first = gtk_widget_get_first_child (list);
  g_assert_cmpstr (gtk_widget_get_name (first), ==, "syncari-generate");
  GtkWidget *mini = dataset_row (f, "mini");
  g_assert_nonnull (mini);
  const char *about = adw_action_row_get_subtitle (ADW_ACTION_ROW (mini));
  g_assert_nonnull (strstr (about, "3 identities"));
  g_assert_nonnull (strstr (about, "3 caricatures"));
  g_assert_nonnull (strstr (about, "webcari.restricted"));
  g_assert_nonnull (strstr (about, "0 runs"));
}

static GtkWidget *
find_button (GtkWidget *root)
{
  GQueue queue = G_QUEUE_INIT;
  GtkWidget *button = NULL;
  g_queue_push_tail (&queue, root);
  while (!g_queue_is_empty (&queue))
    {
      GtkWidget *w = g_queue_pop_head (&queue);
      if (GTK_IS_BUTTON (w) && button == NULL)
        button = w;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
           c = gtk_widget_get_next_sibling (c))
        g_queue_push_tail (&queue, c);
    }
  return button;
}

static gboolean
generate_button_sensitive (gpointer data)
{
  DatasetsFixture *f = data;
  GtkWidget *row = dataset_row (f, "syncari-generate");
  return row != NULL && gtk_widget_get_sensitive (find_button (row));
}

/* Generate queues SynCari in the runner (XDG_CACHE_HOME is a temporary folder, see main), and
 * the button waits for it, even when the activity bar's Stop empties the queue. */
static void
test_datasets_generate (DatasetsFixture *f, gconstpointer data)
{
  GtkWidget *button = find_button (dataset_row (f, "syncari-generate"));
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  GtkWidget *waiting = find_button (dataset_row (f, "syncari-generate"));
  g_assert_false (gtk_widget_get_sensitive (waiting));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (waiting)), ==, "Generating…");
  g_assert_true (lab_runner_get_n_queued (f->runner) > 0
                 || lab_runner_get_state (f->runner) != LAB_RUNNER_IDLE);
  lab_runner_stop_all (f->runner);
  ui_test_wait_for (generate_button_sensitive, f, 20, "generate button sensitive");
}

static gboolean
has_warning_about (DatasetsFixture *f, const char *what)
{
  AdwExpanderRow *warnings = ui_test_template_child (f->page, LAB_TYPE_DATASETS_PAGE,
                                                     "warnings_row");
  if (!gtk_widget_get_visible (GTK_WIDGET (warnings)))
    return FALSE;
  /* The rows are labels inside the expander's list. */
  GQueue queue = G_QUEUE_INIT;
  g_queue_push_tail (&queue, warnings);
  gboolean found = FALSE;
  while (!g_queue_is_empty (&queue) && !found)
    {
      GtkWidget *w = g_queue_pop_head (&queue);
      if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "lab-warning"))
        found = strstr (gtk_label_get_text (GTK_LABEL (w)), what) != NULL;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
           c = gtk_widget_get_next_sibling (c))
        g_queue_push_tail (&queue, c);
    }
  g_queue_clear (&queue);
  return found;
}

static void
test_datasets_import (DatasetsFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) folder = g_file_new_for_path (f->folder);
  AdwActionRow *import_row = ui_test_template_child (f->page, LAB_TYPE_DATASETS_PAGE, "import_row");

  lab_datasets_page_import (f->page, "folder", folder, "faces");
  g_assert_true (gtk_widget_get_visible (
    ui_test_template_child (f->page, LAB_TYPE_DATASETS_PAGE, "import_group")));
  ui_test_wait_for (not_importing, f->page, 20, "not importing");
  ui_test_wait_for (not_loading, f->page, 20, "not loading");
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (import_row)),
                            "faces"));

  /* In the store, six images (the empty one skipped), and listed. */
  g_autoptr (CariStore) store = ui_test_open_store (f->db);
  gint64 id = 0;
  g_assert_true (cari_store_find_dataset (store, "faces", &id, &error));
  g_autoptr (CariDatasetIndex) stored = cari_store_load_dataset (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->images->len, ==, 6);
  GtkWidget *row = dataset_row (f, "faces");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "2 identities"));
  /* The importer's warning about the empty file, with its file. */
  g_assert_true (has_warning_about (f, "empty.png"));

  /* A folder that is not there: said, naming it. */
  g_autofree char *missing = g_build_filename (f->folder, "not-here", NULL);
  g_autoptr (GFile) nowhere = g_file_new_for_path (missing);
  lab_datasets_page_import (f->page, "cavi", nowhere, "nothing");
  ui_test_wait_for (not_importing, f->page, 20, "not importing");
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (import_row)),
                            "nothing"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (import_row), missing));
  g_assert_false (has_warning_about (f, "empty.png"));
  g_assert_false (cari_store_find_dataset (store, "nothing", &id, NULL));
}

static void
test_datasets_import_dialog (DatasetsFixture *f, gconstpointer data)
{
  const char *taken[] = { "faces", NULL };
  LabImportDialog *dialog = g_object_ref (LAB_IMPORT_DIALOG (lab_import_dialog_new (NULL,
                                                                                    taken)));
  g_autoptr (GFile) folder = g_file_new_for_path (f->folder);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog),
                                                           "import"));
  lab_import_dialog_set_kind (dialog, "webcari");
  lab_import_dialog_set_folder (dialog, folder);
  /* Its layout is a plain folder's; its name is taken. */
  g_assert_cmpstr (lab_import_dialog_get_kind (dialog), ==, "folder");
  g_assert_cmpstr (lab_import_dialog_get_name (dialog), ==, "faces");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog),
                                                           "import"));
  GtkEditable *name = ui_test_template_child (dialog, LAB_TYPE_IMPORT_DIALOG, "name_entry");
  gtk_editable_set_text (name, "faces-2");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog),
                                                          "import"));
  g_assert_true (g_file_equal (lab_import_dialog_get_folder (dialog), folder));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);
}

static gboolean
dataset_gone (gpointer data)
{
  DatasetsFixture *f = data;
  g_autoptr (CariStore) store = ui_test_open_store (f->db);
  gint64 id;
  return !cari_store_find_dataset (store, "mini", &id, NULL) && dataset_row (f, "mini") == NULL;
}

static void
test_datasets_delete (DatasetsFixture *f, gconstpointer data)
{
  GtkWidget *row = dataset_row (f, "mini");
  g_assert_nonnull (row);
  /* The row's trash button. */
  GtkWidget *button = find_button (row);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  AdwMessageDialog *dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "mini"));
  respond (dialog, "delete");
  ui_test_wait_for (dataset_gone, f, 20, "dataset gone");
  ui_test_wait_for (no_message_dialog, NULL, 20, "no message dialog");
}

/* ------------------------------------------------------------------------------ the window */

static gboolean
dialog_shown (gpointer data)
{
  return find_toplevel (LAB_TYPE_NEW_RUN_DIALOG) != NULL;
}

static void
test_window_pages (void)
{
  g_autofree char *db = temp_db ();
  LabWindow *window = g_object_ref (lab_window_new (NULL, db));
  AdwBin *runs_bin = ui_test_template_child (window, LAB_TYPE_WINDOW, "runs_bin");
  AdwBin *datasets_bin = ui_test_template_child (window, LAB_TYPE_WINDOW, "datasets_bin");
  g_assert_true (LAB_IS_RUNS_PAGE (adw_bin_get_child (runs_bin)));
  g_assert_true (LAB_IS_DATASETS_PAGE (adw_bin_get_child (datasets_bin)));
  GtkWidget *datasets = adw_bin_get_child (datasets_bin);

  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-run", NULL);
  ui_test_wait_for (dialog_shown, NULL, 20, "dialog shown");
  GtkWindow *dialog = g_object_ref (find_toplevel (LAB_TYPE_NEW_RUN_DIALOG));
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
  ui_test_wait_for (not_loading, dialog, 20, "not loading");
  ui_test_wait_for (not_loading, datasets, 20, "not loading");
  gtk_window_destroy (dialog);
  /* The gateway's lane lets go of the data sets' job in an idle. */
  ui_test_drain ();
  g_assert_finalize_object (dialog);

  ui_test_drain ();
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_drain ();
  g_assert_finalize_object (window);
  ui_test_remove_db (db);
}

int
main (int argc, char *argv[])
{
  /* SynCari, should a test start generating it, goes nowhere that lasts. */
  g_autofree char *cache = g_dir_make_tmp ("carilab-pages-cache-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);

  if (!ui_test_init (&argc, &argv))
    {
      ui_test_remove_tree (cache);
      return 0;
    }

#define RUNS_TEST(path, fn)                                                                       \
  g_test_add ("/pages/runs/" path, RunsFixture, NULL, runs_fixture_set_up, fn,                   \
              runs_fixture_tear_down)
#define DIALOG_TEST(path, fn)                                                                     \
  g_test_add ("/pages/new-run/" path, DialogFixture, NULL, dialog_fixture_set_up, fn,            \
              dialog_fixture_tear_down)
#define DATASETS_TEST(path, fn)                                                                   \
  g_test_add ("/pages/datasets/" path, DatasetsFixture, NULL, datasets_fixture_set_up, fn,       \
              datasets_fixture_tear_down)

  RUNS_TEST ("list-and-sort", test_runs_list_and_sort);
  RUNS_TEST ("search", test_runs_search);
  RUNS_TEST ("open", test_runs_open);
  RUNS_TEST ("rename", test_runs_rename);
  RUNS_TEST ("delete", test_runs_delete);
  RUNS_TEST ("resume", test_runs_resume);
  RUNS_TEST ("new-from", test_runs_new_from);
  RUNS_TEST ("run-page", test_run_page);
  DIALOG_TEST ("defaults", test_new_run_defaults);
  DIALOG_TEST ("invalid", test_new_run_invalid);
  DIALOG_TEST ("round-trip", test_new_run_round_trip);
  DIALOG_TEST ("create", test_new_run_create);
  DATASETS_TEST ("list", test_datasets_list);
  DATASETS_TEST ("generate", test_datasets_generate);
  DATASETS_TEST ("import", test_datasets_import);
  DATASETS_TEST ("import-dialog", test_datasets_import_dialog);
  DATASETS_TEST ("delete", test_datasets_delete);
  g_test_add_func ("/pages/export-dialog", test_export_dialog);
  g_test_add_func ("/pages/window", test_window_pages);

  int status = g_test_run ();
  ui_test_remove_tree (cache);
  return status;
}
