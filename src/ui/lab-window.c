/* lab-window.c — the CariLab main window: the Runs, Compare and Data Sets pages, the live page of
 * one run, the runner's activity bar, and the demo.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cari.h"

#include "lab-demo.h"
#include "lab-page.h"
#include "lab-run-list.h"
#include "lab-runner.h"
#include "lab-window-private.h"

G_DEFINE_FINAL_TYPE (LabWindow, lab_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_DB_PATH,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

/**
 * lab_window_new:
 * @application: (nullable): the application the window belongs to, or %NULL (tests)
 * @db_path: (nullable): the run database, or %NULL for the default one
 *
 * Returns: (transfer none): a new window, owned by GTK's list of toplevels until destroyed.
 */
LabWindow *
lab_window_new (GtkApplication *application, const char *db_path)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (LAB_TYPE_WINDOW,
                       "application", application,
                       "db-path", db_path,
                       NULL);
}

const char *
lab_window_get_db_path (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);
  return self->db_path;
}

LabStoreGateway *
lab_window_get_store_gateway (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);
  return self->gateway;
}

LabRunner *
lab_window_get_runner (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);
  return self->runner;
}

LabRunList *
lab_window_get_run_list (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);
  return self->runs;
}

void
lab_window_toast (LabWindow *self, const char *message)
{
  g_return_if_fail (LAB_IS_WINDOW (self));
  AdwToast *toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* win.toast: how the pages, which know nothing of the window, say something. */
static void
toast_action (GtkWidget *widget, const char *action, GVariant *param)
{
  lab_window_toast (LAB_WINDOW (widget), g_variant_get_string (param, NULL));
}

/* ------------------------------------------------------------------------------ navigation */

static void
update_header (LabWindow *self)
{
  gboolean on_run = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "run") == 0;
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), on_run);
  gtk_widget_set_visible (GTK_WIDGET (self->switcher_title), !on_run);
  if (on_run)
    {
      LabRunItem *item = lab_run_list_find (self->runs, self->shown_run);
      g_autofree char *title = item ? g_strdup (lab_run_item_get_name (item))
                                    : g_strdup_printf (_("Run %lld"), (long long) self->shown_run);
      adw_header_bar_set_title_widget (self->header_bar, adw_window_title_new (title, NULL));
    }
  else
    adw_header_bar_set_title_widget (self->header_bar, GTK_WIDGET (self->switcher_title));
}

/**
 * lab_window_open_run:
 *
 * Shows the live page of @run (it follows the run while it trains, here or in another process).
 */
void
lab_window_open_run (LabWindow *self, gint64 run)
{
  g_return_if_fail (LAB_IS_WINDOW (self));
  self->shown_run = run;
  /* The live page (LabRunPage) is created per run; until it exists the bin says which run. */
  g_autofree char *text = g_strdup_printf (_("Run %lld"), (long long) run);
  GtkWidget *page = lab_window_create_run_page (self, run);
  adw_bin_set_child (self->run_bin, page != NULL ? page : gtk_label_new (text));
  gtk_stack_set_visible_child_name (self->main_stack, "run");
  update_header (self);
}

static void
go_back (GtkWidget *widget, const char *action, GVariant *param)
{
  LabWindow *self = LAB_WINDOW (widget);
  self->follow_active = FALSE;
  gtk_stack_set_visible_child_name (self->main_stack, "home");
  update_header (self);
  lab_run_list_refresh (self->runs);
}

static void
show_active_run (GtkWidget *widget, const char *action, GVariant *param)
{
  LabWindow *self = LAB_WINDOW (widget);
  gint64 run = lab_runner_get_active_run (self->runner);
  if (run > 0)
    lab_window_open_run (self, run);
}

static void
open_run_action (GtkWidget *widget, const char *action, GVariant *param)
{
  lab_window_open_run (LAB_WINDOW (widget), g_variant_get_int64 (param));
}

/* ------------------------------------------------------------------------------ runner */

static void
on_runner_progress (LabRunner *runner, LabWindow *self)
{
  LabRunnerProgress p;
  LabRunnerState state = lab_runner_get_state (runner);
  gint64 run = lab_runner_get_active_run (runner);
  guint queued = lab_runner_get_n_queued (runner);

  lab_runner_get_progress (runner, &p);
  gtk_revealer_set_reveal_child (self->activity_revealer, state != LAB_RUNNER_IDLE);
  if (state == LAB_RUNNER_IDLE)
    {
      lab_runner_progress_clear (&p);
      return;
    }
  LabRunItem *item = run > 0 ? lab_run_list_find (self->runs, run) : NULL;
  g_autofree char *name = item ? g_strdup (lab_run_item_get_name (item))
                               : g_strdup_printf (_("Run %lld"), (long long) run);
  g_autofree char *text = NULL;
  g_autofree char *more = queued > 0 ? g_strdup_printf (ngettext (" (%u more queued)",
                                                                  " (%u more queued)", queued),
                                                        queued)
                                     : g_strdup ("");
  if (state == LAB_RUNNER_PREPARING)
    text = g_strdup_printf ("%s%s", p.what != NULL ? p.what : _("Preparing…"), more);
  else
    {
      g_autofree char *eta = p.eta_s >= 0 ? lab_page_format_duration (p.eta_s) : g_strdup ("–");
      text = g_strdup_printf (_("%s: step %llu of %llu, %.0f images/s, %s left%s%s"), name,
                              (unsigned long long) p.stats.step,
                              (unsigned long long) p.total_steps, p.images_per_s, eta,
                              state == LAB_RUNNER_PAUSED ? _(" — paused") : "", more);
    }
  gtk_label_set_text (self->activity_label, text);
  gtk_progress_bar_set_fraction (self->activity_bar, CLAMP (p.fraction, 0.0, 1.0));
  gtk_toggle_button_set_active (self->activity_pause_button, state == LAB_RUNNER_PAUSED);
  lab_runner_progress_clear (&p);
}

static void
on_run_started (LabRunner *runner, gint64 run, LabWindow *self)
{
  lab_run_list_refresh (self->runs);
  if (self->follow_active && g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack),
                                        "run") == 0)
    lab_window_open_run (self, run);
}

static void
on_run_finished (LabRunner *runner, gint64 run, int status, const char *message,
                 LabWindow *self)
{
  lab_run_list_refresh (self->runs);
  LabRunItem *item = lab_run_list_find (self->runs, run);
  g_autofree char *name = item ? g_strdup (lab_run_item_get_name (item))
                               : g_strdup_printf (_("Run %lld"), (long long) run);
  g_autofree char *text = NULL;
  switch (status)
    {
    case CARI_RUN_FINISHED:
      text = g_strdup_printf (_("“%s” finished"), name);
      break;
    case CARI_RUN_CANCELLED:
      text = g_strdup_printf (_("“%s” stopped; resume it from the Runs page"), name);
      break;
    case CARI_RUN_DIVERGED:
      text = g_strdup_printf (_("“%s” diverged: %s"), name, message ? message : "");
      break;
    case CARI_RUN_RUNNING:
    case CARI_RUN_PAUSED:
      /* Left as it was: another process holds it. */
      text = g_strdup_printf (_("“%s” was not started: %s"), name, message ? message : "");
      break;
    default:
      text = g_strdup_printf (_("“%s” failed: %s"), name, message ? message : "");
      break;
    }
  lab_window_toast (self, text);
  if (run == self->demo_runs[LAB_DEMO_PROPOSED] && status == CARI_RUN_FINISHED)
    {
      self->follow_active = FALSE;
      AdwToast *toast = adw_toast_new (_("The demo is done: naive and proposed weighting side by "
                                         "side"));
      adw_toast_set_button_label (toast, _("_Compare"));
      adw_toast_set_action_name (toast, "win.compare-demo");
      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
}

static void
on_runner_notice (LabRunner *runner, gint64 run, const char *text, LabWindow *self)
{
  /* A notice makes the one before it stale ("locked", then "writes again"): it replaces it
   * instead of queueing behind it. */
  if (self->notice_toast != NULL)
    adw_toast_dismiss (self->notice_toast);
  AdwToast *toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 6);
  self->notice_toast = toast;
  g_object_add_weak_pointer (G_OBJECT (toast), (gpointer *) &self->notice_toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_dataset_ready (LabRunner *runner, const char *name_or_message, int ok, LabWindow *self)
{
  if (!ok)
    {
      g_autofree char *text = g_strdup_printf (_("Could not prepare the data set: %s"),
                                               name_or_message);
      lab_window_toast (self, text);
    }
}

static void
pause_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabWindow *self = LAB_WINDOW (widget);
  if (lab_runner_get_state (self->runner) == LAB_RUNNER_PAUSED)
    lab_runner_resume (self->runner);
  else
    lab_runner_pause (self->runner);
}

static void
stop_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabWindow *self = LAB_WINDOW (widget);
  self->follow_active = FALSE;
  lab_runner_stop_all (self->runner);
}

/* ------------------------------------------------------------------------------ demo */

/* Write lane: the demo's three runs, queued in the store. */
static void
queue_demo_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean ok = lab_demo_queue (store, data, &error);
  lab_store_job_return_boolean (task, ok, error);
}

static void
on_demo_queued (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabWindow *self = source;
  if (error != NULL)
    {
      lab_window_toast (self, error->message);
      return;
    }
  memcpy (self->demo_runs, data, sizeof self->demo_runs);
  /* The multi-task runs are evaluated as they finish: the Analysis page opens ready. */
  for (int i = 0; i < LAB_DEMO_N_RUNS; i++)
    if (i == LAB_DEMO_PRETRAIN)
      lab_runner_enqueue (self->runner, self->demo_runs[i]);
    else
      lab_runner_enqueue_evaluated (self->runner, self->demo_runs[i]);
  self->follow_active = TRUE;
  lab_run_list_refresh (self->runs);
  lab_window_open_run (self, self->demo_runs[LAB_DEMO_PRETRAIN]);
}

static void
start_demo (GtkWidget *widget, const char *action, GVariant *param)
{
  LabWindow *self = LAB_WINDOW (widget);
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_WRITE, queue_demo_job,
                           g_new0 (gint64, LAB_DEMO_N_RUNS), g_free, self, self->cancellable,
                           on_demo_queued);
}

static void
compare_demo (GtkWidget *widget, const char *action, GVariant *param)
{
  LabWindow *self = LAB_WINDOW (widget);
  if (self->demo_runs[LAB_DEMO_NAIVE] > 0)
    lab_window_show_comparison (self, self->demo_runs + LAB_DEMO_NAIVE, 2);
}

/* ------------------------------------------------------------------------------ runs */

static void
on_runs_refreshed (LabRunList *runs, LabWindow *self)
{
  const char *error = lab_run_list_get_error (runs);
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (runs)) == 0;
  gtk_stack_set_visible_child_name (self->runs_stack, empty ? "welcome" : "list");
  /* A run opened before the list knew it is titled "Run N" until now. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "run") == 0)
    {
      LabRunItem *item = lab_run_list_find (self->runs, self->shown_run);
      GtkWidget *title = adw_header_bar_get_title_widget (self->header_bar);
      if (item != NULL && ADW_IS_WINDOW_TITLE (title)
          && g_strcmp0 (adw_window_title_get_title (ADW_WINDOW_TITLE (title)),
                        lab_run_item_get_name (item)) != 0)
        adw_window_title_set_title (ADW_WINDOW_TITLE (title), lab_run_item_get_name (item));
    }
  if (error != NULL)
    g_debug ("runs: %s", error);
}

/* ------------------------------------------------------------------------------ state */

static void
lab_window_save_state (LabWindow *self)
{
  int width = 0;
  int height = 0;

  /* The default size is the unmaximized size, which is what a restore needs. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_set_string (self->settings, "page",
                         adw_view_stack_get_visible_child_name (self->view_stack));
  g_settings_apply (self->settings);
}

static void
lab_window_restore_state (LabWindow *self)
{
  g_autofree char *page = g_settings_get_string (self->settings, "page");
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));

  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  if (adw_view_stack_get_child_by_name (self->view_stack, page) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, page);
}

static gboolean
lab_window_close_request (GtkWindow *window)
{
  GtkWindowClass *parent_class = GTK_WINDOW_CLASS (lab_window_parent_class);
  LabWindow *self = LAB_WINDOW (window);

  lab_window_save_state (self);
  /* The active run checkpoints and reads "cancelled"; resume it later from the Runs page. */
  if (self->runner != NULL)
    lab_runner_shutdown (self->runner);

  if (parent_class->close_request != NULL)
    return parent_class->close_request (window);

  return FALSE;
}

/* The database could not be created or migrated: said on the welcome page. */
static void
on_store_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  if (lab_store_gateway_check_finish (LAB_STORE_GATEWAY (source), result, &error)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  LabWindow *self = data; /* alive: its dispose cancels the check */
  g_autofree char *text = g_strdup_printf (_("Cannot open the run database: %s"),
                                           error->message);
  adw_status_page_set_title (self->welcome_page, _("No Run Database"));
  adw_status_page_set_description (self->welcome_page, text);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_button), FALSE);
}

static void
lab_window_constructed (GObject *object)
{
  LabWindow *self = LAB_WINDOW (object);

  G_OBJECT_CLASS (lab_window_parent_class)->constructed (object);

  if (self->db_path == NULL)
    self->db_path = cari_store_default_path ();
  /* The gateway creates or migrates the database first, so readers find the schema. */
  self->gateway = lab_store_gateway_new (self->db_path);
  self->cancellable = g_cancellable_new ();
  lab_store_gateway_check_async (self->gateway, self->cancellable, on_store_checked, self);

  self->runner = lab_runner_new (self->db_path);
  g_signal_connect_object (self->runner, "progress", G_CALLBACK (on_runner_progress), self, 0);
  g_signal_connect_object (self->runner, "run-started", G_CALLBACK (on_run_started), self, 0);
  g_signal_connect_object (self->runner, "run-finished", G_CALLBACK (on_run_finished), self, 0);
  g_signal_connect_object (self->runner, "notice", G_CALLBACK (on_runner_notice), self, 0);
  g_signal_connect_object (self->runner, "dataset-ready", G_CALLBACK (on_dataset_ready), self,
                           0);
  self->runs = lab_run_list_new (self->gateway);
  g_signal_connect_object (self->runs, "refreshed", G_CALLBACK (on_runs_refreshed), self, 0);
  lab_run_list_refresh (self->runs);
  lab_run_list_set_auto_refresh (self->runs, 1000);

  lab_window_create_pages (self);
}

static void
lab_window_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  LabWindow *self = LAB_WINDOW (object);
  switch (id)
    {
    case PROP_DB_PATH:
      g_free (self->db_path);
      self->db_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
lab_window_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  LabWindow *self = LAB_WINDOW (object);
  switch (id)
    {
    case PROP_DB_PATH:
      g_value_set_string (value, self->db_path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
lab_window_dispose (GObject *object)
{
  LabWindow *self = LAB_WINDOW (object);

  lab_store_job_cancel (&self->cancellable);
  if (self->notice_toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->notice_toast),
                                  (gpointer *) &self->notice_toast);
  self->notice_toast = NULL;
  if (self->runner != NULL)
    lab_runner_shutdown (self->runner);
  if (self->runs != NULL)
    lab_run_list_set_auto_refresh (self->runs, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_WINDOW);
  g_clear_object (&self->switcher_title);
  g_clear_object (&self->settings);
  g_clear_object (&self->runs);
  g_clear_object (&self->runner);
  g_clear_object (&self->gateway);

  G_OBJECT_CLASS (lab_window_parent_class)->dispose (object);
}

static void
lab_window_finalize (GObject *object)
{
  g_free (LAB_WINDOW (object)->db_path);
  G_OBJECT_CLASS (lab_window_parent_class)->finalize (object);
}

static void
lab_window_class_init (LabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = lab_window_constructed;
  object_class->set_property = lab_window_set_property;
  object_class->get_property = lab_window_get_property;
  object_class->dispose = lab_window_dispose;
  object_class->finalize = lab_window_finalize;
  window_class->close_request = lab_window_close_request;

  props[PROP_DB_PATH] = g_param_spec_string ("db-path", NULL, NULL, NULL,
                                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY
                                               | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/carilab/CariLab/ui/lab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LabWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, new_run_button);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, runs_stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, demo_button);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, runs_bin);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, compare_bin);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, analysis_bin);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, experiments_bin);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, datasets_bin);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, run_bin);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, activity_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, activity_label);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, activity_bar);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, activity_pause_button);

  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back);
  gtk_widget_class_install_action (widget_class, "win.show-active-run", NULL, show_active_run);
  gtk_widget_class_install_action (widget_class, "win.open-run", "x", open_run_action);
  gtk_widget_class_install_action (widget_class, "win.start-demo", NULL, start_demo);
  gtk_widget_class_install_action (widget_class, "win.compare-demo", NULL, compare_demo);
  gtk_widget_class_install_action (widget_class, "win.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.new-run", NULL, lab_window_new_run_action);
  /* What the pages ask of the window: they do not include it. */
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.show-analysis", "(xx)",
                                   lab_window_show_analysis_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.go-back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-run",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, GDK_CONTROL_MASK,
                                       "win.pause", NULL);
}

static void
lab_window_init (LabWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The header bar shows it or a run's title: keep it across the swaps. */
  g_object_ref (self->switcher_title);

  self->settings = g_settings_new (APP_ID);
  lab_window_restore_state (self);
}
