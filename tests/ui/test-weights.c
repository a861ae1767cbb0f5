/* test-weights.c — weights in and out of the workbench, on a temporary store with a tiny trained
 * run, a run without checkpoints and an imported one: Export Model… from the Runs page and from
 * a run's page (safetensors read back tensor by tensor, a branch's ONNX graph), when it is
 * offered, what it says when it fails; the New Run dialog's weights file, init.partial and the
 * runs it can start from.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <adwaita.h>

#include "cari.h"

#include "lab-export-model-dialog.h"
#include "lab-new-run-dialog.h"
#include "lab-run-list.h"
#include "lab-run-page.h"
#include "lab-runner.h"
#include "lab-runs-page.h"
#include "ui-test-util.h"

/* ------------------------------------------------------------------------------ the store */

/* The tiny network of the brief's example: seconds to train on the toy set. */
static const char *const tiny_settings[] = {
  "data.dataset=toy",        "model.input_size=75",  "model.width=0.0625",
  "model.embedding_size=8",  "batch.caricatures=4",  "batch.photos=4",
  "schedule.steps=6",        NULL,
};

static gint64
queue_run (CariStore *store, const char *name, const char *const *extra)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, &error);
  g_assert_no_error (error);
  g_autofree char *named = g_strdup_printf ("run.name=%s", name);
  g_assert_true (cari_run_config_set (cfg, named, &error));
  g_assert_true (cari_run_config_set_all (cfg, tiny_settings, NULL, &error));
  if (extra != NULL)
    g_assert_true (cari_run_config_set_all (cfg, extra, NULL, &error));
  g_assert_no_error (error);
  gint64 run = cari_launch_queue_run (store, cfg, &error);
  g_assert_no_error (error);
  return run;
}

typedef struct
{
  char *db, *dir;
  CariStore *store;
  gint64 tiny;     /* trained: a checkpoint at step 6 */
  gint64 fresh;    /* queued, never started: no checkpoint; tasks cari and visual */
  gint64 imported; /* tiny's weights brought back as a run of status imported */
  char *weights;   /* tiny's weights, written by the engine */
  LabStoreGateway *gateway;
  LabRunList *runs;
  LabRunner *runner;
  GPtrArray *toasts; /* of char *: what the pages said (win.toast) */
} Fixture;

static void
on_toast (GSimpleAction *action, GVariant *param, gpointer data)
{
  Fixture *f = data;
  g_ptr_array_add (f->toasts, g_variant_dup_string (param, NULL));
}

static gboolean
has_toast (gpointer data)
{
  return ((Fixture *) data)->toasts->len > 0;
}

static const char *
last_toast (Fixture *f)
{
  return f->toasts->len > 0 ? g_ptr_array_index (f->toasts, f->toasts->len - 1) : "";
}

/* A window that takes the pages' toasts, showing `child`. */
static GtkWindow *
host_new (Fixture *f, GtkWidget *child)
{
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr (GSimpleAction) toast = g_simple_action_new ("toast", G_VARIANT_TYPE_STRING);
  g_signal_connect (toast, "activate", G_CALLBACK (on_toast), f);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (toast));
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1000, 600);
  gtk_widget_insert_action_group (GTK_WIDGET (window), "win", G_ACTION_GROUP (group));
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  return window;
}

static void
host_destroy (GtkWindow *window)
{
  ui_test_drain ();
  gtk_window_destroy (window);
  ui_test_drain ();
}

/* A refresh that read the store after now. */
static void
refresh_and_wait (LabRunList *runs)
{
  for (int round = 0; round < 2; round++)
    {
      gboolean done = FALSE;
      gulong id = g_signal_connect_swapped (runs, "refreshed", G_CALLBACK (ui_test_set_flag),
                                            &done);
      lab_run_list_refresh (runs);
      ui_test_wait_flag (&done, "a refresh");
      g_signal_handler_disconnect (runs, id);
    }
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->db = ui_test_temp_db ("carilab-weights");
  f->dir = g_path_get_dirname (f->db);
  f->store = ui_test_open_store (f->db);
  f->tiny = queue_run (f->store, "tiny", NULL);
  g_assert_true (cari_launch_execute (f->store, f->tiny, NULL, NULL, &error));
  g_assert_no_error (error);
  const char *two_tasks[] = { "tasks.tasks=cari;visual", NULL };
  f->fresh = queue_run (f->store, "fresh", two_tasks);
  f->weights = g_build_filename (f->dir, "from-tiny.safetensors", NULL);
  g_assert_true (cari_launch_export (f->store, f->tiny, -1, CARI_EXPORT_SAFETENSORS,
                                     CARI_TASK_VISUAL, f->weights, NULL, &error));
  f->imported = cari_launch_import_weights (f->store, f->weights, "out_side", FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->imported, >, 0);

  f->gateway = lab_store_gateway_new (f->db);
  f->runs = lab_run_list_new (f->gateway);
  f->runner = lab_runner_new (f->db);
  /* Nothing trains in these tests: the runner holds whatever it starts. */
  lab_runner_pause (f->runner);
  f->toasts = g_ptr_array_new_with_free_func (g_free);
  refresh_and_wait (f->runs);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  lab_runner_shutdown (f->runner);
  /* Its last notifications hold it until they run. */
  ui_test_drain ();
  g_assert_finalize_object (f->runner);
  g_assert_finalize_object (f->runs);
  ui_test_settle ();
  g_assert_finalize_object (f->gateway);
  cari_store_close (f->store);
  ui_test_remove_db (f->db);
  g_ptr_array_unref (f->toasts);
  g_free (f->weights);
  g_free (f->dir);
  g_free (f->db);
}

/* ------------------------------------------------------------------------------ helpers */

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }
  return NULL;
}

static gboolean
not_loading (gpointer object)
{
  gboolean loading = TRUE;
  g_object_get (object, "loading", &loading, NULL);
  return !loading;
}

/* The Export Model dialog an action opened, its checkpoints read. */
static LabExportModelDialog *
opened_export_dialog (void)
{
  LabExportModelDialog *dialog = LAB_EXPORT_MODEL_DIALOG (
    find_toplevel (LAB_TYPE_EXPORT_MODEL_DIALOG));
  g_assert_nonnull (dialog);
  ui_test_wait_for (not_loading, dialog, 20, "the run's checkpoints");
  return dialog;
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

/* Whether `data` occurs in the `len` bytes at `bytes`. */
static gboolean
contains (const char *bytes, gsize len, const char *data)
{
  gsize n = strlen (data);
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (bytes + i, data, n) == 0)
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------------ export */

/* The network tiny's latest checkpoint holds, as the file should carry it. */
static CariSafetensors *
tiny_tensors (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariNet) net = cari_launch_open_net (f->store, f->tiny, -1, NULL, NULL, &error);
  g_assert_no_error (error);
  return cari_weights_export (net, NULL);
}

static void
assert_same_tensors (const CariSafetensors *want, const CariSafetensors *got)
{
  g_assert_cmpuint (cari_safetensors_n_tensors (got), ==, cari_safetensors_n_tensors (want));
  for (guint i = 0; i < cari_safetensors_n_tensors (want); i++)
    {
      const CariNamedTensor *w = cari_safetensors_tensor (want, i);
      const CariNamedTensor *g = cari_safetensors_lookup (got, w->name);
      g_assert_nonnull (g);
      g_assert_cmpint (g->ndim, ==, w->ndim);
      g_assert_cmpmem (g->shape, sizeof (g->shape[0]) * g->ndim, w->shape,
                       sizeof (w->shape[0]) * w->ndim);
      g_assert_cmpuint (g->n, ==, w->n);
      g_assert_cmpmem (g->data, g->n * sizeof (float), w->data, w->n * sizeof (float));
    }
}

/* Runs page → Export Model… → safetensors at the latest checkpoint → the file chosen: the
 * toast names the file, which holds every tensor of the run's network, bit for bit. */
static void
test_export_safetensors (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  LabRunsPage *page = g_object_ref_sink (LAB_RUNS_PAGE (lab_runs_page_new (f->runs, f->runner)));
  GtkWindow *window = host_new (f, GTK_WIDGET (page));
  GtkWidget *button = ui_test_template_child (page, LAB_TYPE_RUNS_PAGE, "export_model_button");
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_true (lab_runs_page_select_run (page, f->tiny));
  g_assert_true (gtk_widget_get_sensitive (button));
  gtk_widget_activate_action (GTK_WIDGET (page), "runs.export-model", NULL);

  LabExportModelDialog *dialog = opened_export_dialog ();
  g_assert_cmpint (lab_export_model_dialog_get_format (dialog), ==, CARI_EXPORT_SAFETENSORS);
  GArray *steps = lab_export_model_dialog_get_steps (dialog);
  g_assert_cmpuint (steps->len, ==, 1);
  g_assert_cmpint (g_array_index (steps, gint64, 0), ==, 6);
  g_assert_cmpint (lab_export_model_dialog_get_step (dialog), ==, -1);
  g_assert_true (lab_export_model_dialog_set_step (dialog, 6));
  g_assert_false (lab_export_model_dialog_set_step (dialog, 5));
  g_autofree char *name = lab_export_model_dialog_get_file_name (dialog);
  g_assert_cmpstr (name, ==, "tiny.safetensors");
  respond (ADW_MESSAGE_DIALOG (dialog), "export");

  ui_test_choose_file (f->dir, "tiny.safetensors");
  ui_test_wait_for (has_toast, f, 60, "the export's toast");
  g_autofree char *path = g_build_filename (f->dir, "tiny.safetensors", NULL);
  g_autofree char *said = g_strdup_printf ("Model exported to %s", path);
  g_assert_cmpstr (last_toast (f), ==, said);

  g_autoptr (CariSafetensors) st = cari_safetensors_read (path, &error);
  g_assert_no_error (error);
  /* The demo layout's 198 tensors, whatever its widths. */
  g_assert_cmpuint (cari_safetensors_n_tensors (st), ==, 198);
  g_autoptr (CariSafetensors) want = tiny_tensors (f);
  assert_same_tensors (want, st);
  g_assert_cmpstr (cari_safetensors_get_metadata (st, "carilab.run"), ==, "tiny");
  g_assert_cmpstr (cari_safetensors_get_metadata (st, "carilab.step"), ==, "6");

  host_destroy (window);
  ui_test_settle ();
  g_assert_finalize_object (page);
}

/* A run's page → Export Model… → ONNX of the cari branch: a file named after the run and the
 * branch, with the graph and its metadata in it. */
static void
test_export_onnx (Fixture *f, gconstpointer data)
{
  LabRunPage *page = g_object_ref_sink (
    LAB_RUN_PAGE (lab_run_page_new (f->gateway, f->tiny, f->runner, f->runs, 0)));
  GtkWindow *window = host_new (f, GTK_WIDGET (page));
  gtk_widget_activate_action (GTK_WIDGET (page), "page.export-model", NULL);

  LabExportModelDialog *dialog = opened_export_dialog ();
  GtkWidget *branch_row = ui_test_template_child (dialog, LAB_TYPE_EXPORT_MODEL_DIALOG,
                                                  "branch_row");
  /* The branch is asked for ONNX only; visual by default. */
  g_assert_false (gtk_widget_get_visible (branch_row));
  lab_export_model_dialog_set_format (dialog, CARI_EXPORT_ONNX);
  g_assert_true (gtk_widget_get_visible (branch_row));
  g_assert_cmpint (lab_export_model_dialog_get_branch (dialog), ==, CARI_TASK_VISUAL);
  g_autofree char *visual = lab_export_model_dialog_get_file_name (dialog);
  g_assert_cmpstr (visual, ==, "tiny-visual.onnx");
  g_assert_true (lab_export_model_dialog_set_branch (dialog, CARI_TASK_CARI));
  g_autofree char *name = lab_export_model_dialog_get_file_name (dialog);
  g_assert_cmpstr (name, ==, "tiny-cari.onnx");
  respond (ADW_MESSAGE_DIALOG (dialog), "export");

  ui_test_choose_file (f->dir, "tiny-cari.onnx");
  ui_test_wait_for (has_toast, f, 60, "the export's toast");
  g_autofree char *path = g_build_filename (f->dir, "tiny-cari.onnx", NULL);
  g_autofree char *said = g_strdup_printf ("Model exported to %s", path);
  g_assert_cmpstr (last_toast (f), ==, said);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  g_assert_cmpuint (len, >, 1000);
  /* Its metadata names the run and the branch: protobuf keeps strings as they are, a key
   * (field 1) then its value (field 2, tag 0x12) of four bytes. */
  g_assert_true (contains (bytes, len, "tiny"));
  g_assert_true (contains (bytes, len, "carilab.branch\x12\x04" "cari"));

  host_destroy (window);
  ui_test_settle ();
  g_assert_finalize_object (page);
}

/* Export Model… waits for a checkpoint: not for a run that never ran, on the Runs page or its
 * own; an imported run has one. The branches offered are the run's tasks. */
static void
test_export_offered (Fixture *f, gconstpointer data)
{
  LabRunItem *fresh = lab_run_list_find (f->runs, f->fresh);
  LabRunItem *imported = lab_run_list_find (f->runs, f->imported);
  g_assert_cmpint (lab_run_item_get_checkpoint (fresh), ==, -1);
  g_assert_cmpint (lab_run_item_get_checkpoint (lab_run_list_find (f->runs, f->tiny)), ==, 6);
  g_assert_cmpint (lab_run_item_get_checkpoint (imported), ==, 0);
  g_assert_cmpint (lab_run_item_get_status (imported), ==, CARI_RUN_IMPORTED);
  g_assert_cmpstr (lab_run_item_get_status_label (imported), ==, "Imported");

  LabRunsPage *page = g_object_ref_sink (LAB_RUNS_PAGE (lab_runs_page_new (f->runs, f->runner)));
  GtkWindow *window = host_new (f, GTK_WIDGET (page));
  GtkWidget *button = ui_test_template_child (page, LAB_TYPE_RUNS_PAGE, "export_model_button");
  g_assert_true (lab_runs_page_select_run (page, f->fresh));
  g_assert_false (gtk_widget_get_sensitive (button));
  gtk_widget_activate_action (GTK_WIDGET (page), "runs.export-model", NULL);
  ui_test_drain ();
  g_assert_null (find_toplevel (LAB_TYPE_EXPORT_MODEL_DIALOG));
  g_assert_true (lab_runs_page_select_run (page, f->imported));
  g_assert_true (gtk_widget_get_sensitive (button));
  host_destroy (window);
  ui_test_settle ();
  g_assert_finalize_object (page);

  LabRunPage *run_page = g_object_ref_sink (
    LAB_RUN_PAGE (lab_run_page_new (f->gateway, f->fresh, f->runner, f->runs, 0)));
  window = host_new (f, GTK_WIDGET (run_page));
  /* A disabled action does not run. */
  gtk_widget_activate_action (GTK_WIDGET (run_page), "page.export-model", NULL);
  ui_test_drain ();
  g_assert_null (find_toplevel (LAB_TYPE_EXPORT_MODEL_DIALOG));
  host_destroy (window);
  ui_test_settle ();
  g_assert_finalize_object (run_page);

  /* An imported run trained on nothing here: its page says where its weights came from rather
   * than its configuration's default data set. */
  run_page = g_object_ref_sink (
    LAB_RUN_PAGE (lab_run_page_new (f->gateway, f->imported, f->runner, f->runs, 0)));
  window = host_new (f, GTK_WIDGET (run_page));
  GtkLabel *summary = ui_test_template_child (run_page, LAB_TYPE_RUN_PAGE, "summary_label");
  GtkLabel *detail = ui_test_template_child (run_page, LAB_TYPE_RUN_PAGE, "detail_label");
  g_assert_cmpstr (gtk_label_get_text (summary), ==, "Weights from a file · Imported");
  g_autofree char *from = g_strdup_printf ("Weights imported from %s", f->weights);
  g_assert_cmpstr (gtk_label_get_text (detail), ==, from);
  host_destroy (window);
  ui_test_settle ();
  g_assert_finalize_object (run_page);

  /* fresh trains cari and visual: its graph may be either, never verif's. */
  GtkWidget *label = g_object_ref_sink (gtk_label_new ("source"));
  window = host_new (f, label);
  LabExportModelDialog *dialog = g_object_ref (LAB_EXPORT_MODEL_DIALOG (
    lab_export_model_dialog_new (label, f->gateway, f->fresh, "fresh",
                                 lab_run_item_get_summary (fresh)->tasks)));
  ui_test_wait_for (not_loading, dialog, 20, "the run's checkpoints");
  g_assert_cmpuint (lab_export_model_dialog_get_steps (dialog)->len, ==, 0);
  AdwComboRow *branch_row = ui_test_template_child (dialog, LAB_TYPE_EXPORT_MODEL_DIALOG,
                                                    "branch_row");
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (branch_row)), ==, 2);
  g_assert_cmpint (lab_export_model_dialog_get_branch (dialog), ==, CARI_TASK_VISUAL);
  g_assert_false (lab_export_model_dialog_set_branch (dialog, CARI_TASK_VERIF));
  g_assert_true (lab_export_model_dialog_set_branch (dialog, CARI_TASK_CARI));
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_settle ();
  g_assert_finalize_object (dialog);
  host_destroy (window);
  g_assert_finalize_object (label);
}

/* An export that fails says so, naming the file, and leaves nothing. */
static void
test_export_error (Fixture *f, gconstpointer data)
{
  GtkWidget *label = g_object_ref_sink (gtk_label_new ("source"));
  GtkWindow *window = host_new (f, label);
  g_autofree char *path = g_build_filename (f->dir, "no-such-folder", "tiny.safetensors", NULL);
  lab_export_model_write (label, f->gateway, f->tiny, -1, CARI_EXPORT_SAFETENSORS,
                          CARI_TASK_VISUAL, path);
  ui_test_wait_for (has_toast, f, 60, "the export's toast");
  g_assert_true (g_str_has_prefix (last_toast (f), "Could not export “tiny.safetensors”: "));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* A checkpoint the run does not have: the run's name and the step say why. */
  g_ptr_array_set_size (f->toasts, 0);
  g_autofree char *other = g_build_filename (f->dir, "tiny-3.safetensors", NULL);
  lab_export_model_write (label, f->gateway, f->tiny, 3, CARI_EXPORT_SAFETENSORS,
                          CARI_TASK_VISUAL, other);
  ui_test_wait_for (has_toast, f, 60, "the export's toast");
  g_assert_nonnull (strstr (last_toast (f), "tiny-3.safetensors"));
  g_assert_nonnull (strstr (last_toast (f), "step 3"));
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));

  host_destroy (window);
  ui_test_settle ();
  g_assert_finalize_object (label);
}

/* ------------------------------------------------------------------------------ New Run */

static LabNewRunDialog *
new_run_dialog (Fixture *f, const char *text)
{
  LabNewRunDialog *dialog = g_object_ref (
    LAB_NEW_RUN_DIALOG (lab_new_run_dialog_new (NULL, f->gateway, f->runner, text)));
  gtk_window_present (GTK_WINDOW (dialog));
  ui_test_wait_for (not_loading, dialog, 20, "the dialog's reads");
  return dialog;
}

static void
new_run_dialog_close (LabNewRunDialog *dialog)
{
  ui_test_drain ();
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_settle ();
  g_assert_finalize_object (dialog);
}

static CariRunConfig *
dialog_config (LabNewRunDialog *dialog)
{
  g_autoptr (GError) error = NULL;
  const char *text = lab_new_run_dialog_get_config_text (dialog);
  g_assert_nonnull (text);
  CariRunConfig *cfg = cari_run_config_new (text, &error);
  g_assert_no_error (error);
  return cfg;
}

/* init.from a safetensors file with init.partial: read back from a run's configuration as it
 * was, written as the switch says, the switch shown for such a file only. */
static void
test_new_run_partial (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, NULL);
  g_autofree char *from = g_strdup_printf ("init.from=%s", f->weights);
  const char *settings[] = { "run.name=warm", from, "init.partial=true", NULL };
  g_assert_true (cari_run_config_set_all (cfg, settings, NULL, &error));
  g_autofree char *text = cari_run_config_to_text (cfg);
  g_assert_nonnull (strstr (text, "partial=true"));

  LabNewRunDialog *dialog = new_run_dialog (f, text);
  GtkWidget *partial_row = ui_test_template_child (dialog, LAB_TYPE_NEW_RUN_DIALOG, "partial_row");
  GtkSwitch *partial = ui_test_template_child (dialog, LAB_TYPE_NEW_RUN_DIALOG, "partial_switch");
  GtkEditable *entry = ui_test_template_child (dialog, LAB_TYPE_NEW_RUN_DIALOG, "init_from_entry");
  g_assert_cmpstr (lab_new_run_dialog_get_config_text (dialog), ==, text);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, f->weights);
  g_assert_true (gtk_widget_get_visible (partial_row));
  g_assert_true (gtk_switch_get_active (partial));

  gtk_switch_set_active (partial, FALSE);
  g_autoptr (CariRunConfig) whole = dialog_config (dialog);
  g_assert_false (whole->init_partial);
  g_assert_cmpstr (whole->init_from, ==, f->weights);
  gtk_switch_set_active (partial, TRUE);
  g_autoptr (CariRunConfig) again = dialog_config (dialog);
  g_assert_true (again->init_partial);

  /* A run to start from: no tensors to pick, no switch. */
  gtk_editable_set_text (entry, "out_side");
  g_assert_false (gtk_widget_get_visible (partial_row));
  g_autoptr (CariRunConfig) by_name = dialog_config (dialog);
  g_assert_cmpstr (by_name->init_from, ==, "out_side");
  new_run_dialog_close (dialog);

  /* A new run's switch starts off, and is written once shown. */
  dialog = new_run_dialog (f, NULL);
  partial_row = ui_test_template_child (dialog, LAB_TYPE_NEW_RUN_DIALOG, "partial_row");
  partial = ui_test_template_child (dialog, LAB_TYPE_NEW_RUN_DIALOG, "partial_switch");
  entry = ui_test_template_child (dialog, LAB_TYPE_NEW_RUN_DIALOG, "init_from_entry");
  g_assert_false (gtk_widget_get_visible (partial_row));
  gtk_editable_set_text (entry, f->weights);
  g_assert_true (gtk_widget_get_visible (partial_row));
  g_assert_false (gtk_switch_get_active (partial));
  gtk_switch_set_active (partial, TRUE);
  g_autoptr (CariRunConfig) set = dialog_config (dialog);
  g_assert_true (set->init_partial);
  g_assert_cmpstr (set->init_from, ==, f->weights);
  new_run_dialog_close (dialog);
}

/* The file button fills init.from with the file chosen; the runs menu offers the runs with a
 * checkpoint, the imported one among them, by name. */
static void
test_new_run_choose (Fixture *f, gconstpointer data)
{
  LabNewRunDialog *dialog = new_run_dialog (f, NULL);
  GtkEditable *entry = ui_test_template_child (dialog, LAB_TYPE_NEW_RUN_DIALOG, "init_from_entry");
  GtkWidget *partial_row = ui_test_template_child (dialog, LAB_TYPE_NEW_RUN_DIALOG, "partial_row");
  GtkWidget *file_button = ui_test_template_child (dialog, LAB_TYPE_NEW_RUN_DIALOG,
                                                   "init_file_button");
  g_signal_emit_by_name (file_button, "clicked");
  ui_test_choose_file (f->dir, "from-tiny.safetensors");
  ui_test_drain ();
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, f->weights);
  g_assert_true (gtk_widget_get_visible (partial_row));
  g_autoptr (CariRunConfig) cfg = dialog_config (dialog);
  g_assert_cmpstr (cfg->init_from, ==, f->weights);

  GtkMenuButton *runs = ui_test_template_child (dialog, LAB_TYPE_NEW_RUN_DIALOG,
                                                "init_runs_button");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (runs)));
  GMenuModel *menu = gtk_menu_button_get_menu_model (runs);
  /* Newest first: the imported run, then tiny; fresh has no checkpoint. The imported run's
   * underscore is doubled in its label, which a menu would read as a mnemonic. */
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2);
  const char *want[][2] = { { "out_side", "out__side · imported weights" },
                            { "tiny", "tiny · step 6" } };
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *label = NULL, *action = NULL;
      g_autoptr (GVariant) target = g_menu_model_get_item_attribute_value (
        menu, i, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_STRING);
      g_assert_true (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s",
                                                      &label));
      g_assert_true (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s",
                                                      &action));
      g_assert_cmpstr (label, ==, want[i][1]);
      g_assert_cmpstr (g_variant_get_string (target, NULL), ==, want[i][0]);
      g_assert_cmpstr (action, ==, "new-run.init-from");
    }
  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-run.init-from", "s", "out_side");
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "out_side");
  g_assert_false (gtk_widget_get_visible (partial_row));
  g_autoptr (CariRunConfig) by_name = dialog_config (dialog);
  g_assert_cmpstr (by_name->init_from, ==, "out_side");
  new_run_dialog_close (dialog);
}

int
main (int argc, char *argv[])
{
  /* An accepted file chooser adds its file to the recent files: to a temporary folder, not to
   * the user's. */
  g_autofree char *data_home = g_dir_make_tmp ("carilab-weights-data-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  if (!ui_test_init (&argc, &argv))
    {
      ui_test_remove_tree (data_home);
      return 0;
    }

#define WEIGHTS_TEST(path, fn)                                                                    \
  g_test_add ("/weights/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

  WEIGHTS_TEST ("export-safetensors", test_export_safetensors);
  WEIGHTS_TEST ("export-onnx", test_export_onnx);
  WEIGHTS_TEST ("export-offered", test_export_offered);
  WEIGHTS_TEST ("export-error", test_export_error);
  WEIGHTS_TEST ("new-run-partial", test_new_run_partial);
  WEIGHTS_TEST ("new-run-choose", test_new_run_choose);

  int status = g_test_run ();
  ui_test_remove_tree (data_home);
  return status;
}
