/* lab-run-page.c — the live page of one run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>

#include "lab-export-dialog.h"
#include "lab-export-model-dialog.h"
#include "lab-page.h"
#include "lab-run-page.h"
#include "lab-run-watch.h"

struct _LabRunPage
{
  AdwBin parent_instance;

  /* owned */
  LabStoreGateway *gateway;
  GCancellable *cancellable; /* of the read of what the run is */
  gint64 run;
  char *name;
  LabRunSummary *summary; /* what the run is: strategy, data set, steps, batch */
  LabRunner *runner;      /* may be NULL */
  LabRunList *runs;       /* may be NULL */
  LabRunWatch *watch;
  LabChartModel *weights;
  LabChartModel *losses;
  LabChartModel *val;
  GSettings *settings;
  double time_origin;     /* wall time of the first row, 0 before */
  gint64 last_step;
  double images_per_s;
  guint64 n_rows;
  /* frame statistics ($CARILAB_FRAME_STATS): intervals between frame-clock ticks of the live
   * chart, written to the file when the page goes */
  char *frame_stats_path;
  GArray *frame_intervals; /* of gint64 µs */
  gint64 last_frame_time;
  guint tick_id;

  /* template */
  GtkLabel *summary_label;
  GtkLabel *detail_label;
  GtkProgressBar *progress_bar;
  GtkButton *pause_button;
  GtkButton *stop_button;
  GtkButton *resume_button;
  GtkAdjustment *smoothing_adjustment;
  GtkDropDown *x_axis_dropdown;
  GtkToggleButton *log_button;
  GtkToggleButton *l4_button;
  GtkToggleButton *total_button;
  GtkToggleButton *follow_button;
  LabChart *weights_chart;
  LabChart *losses_chart;
  LabChart *val_chart;
};

G_DEFINE_FINAL_TYPE (LabRunPage, lab_run_page, ADW_TYPE_BIN)

static void
build_models (LabRunPage *self)
{
  LabLineStyle style = cari_plot_line_style_for_strategy (self->summary->strategy);

  g_clear_object (&self->weights);
  g_clear_object (&self->losses);
  g_clear_object (&self->val);
  self->weights = lab_chart_model_new ();
  self->losses = lab_chart_model_new ();
  self->val = lab_chart_model_new ();
  for (CariTask t = 0; t < CARI_N_TASKS; t++)
    {
      const char *w = cari_metric_key_weight (t), *l = cari_metric_key_loss (t);
      const char *task = cari_task_names[t];
      lab_chart_model_add_series (self->weights, w, task, lab_series_role_for_key (w), style);
      lab_chart_model_add_series (self->losses, l, task, lab_series_role_for_key (l), style);
    }
  lab_chart_model_add_series (self->losses, CARI_METRIC_LOSS_L4, "L4", LAB_SERIES_ROLE_L4, style);
  lab_chart_model_add_series (self->losses, CARI_METRIC_LOSS_TOTAL, _("total"),
                              LAB_SERIES_ROLE_TOTAL, style);
  lab_page_add_validation_series (self->val);
  lab_chart_set_model (self->weights_chart, self->weights);
  lab_chart_set_model (self->losses_chart, self->losses);
  lab_chart_set_model (self->val_chart, self->val);
  lab_chart_set_series_visible (self->losses_chart, CARI_METRIC_LOSS_L4,
                                gtk_toggle_button_get_active (self->l4_button));
  lab_chart_set_series_visible (self->losses_chart, CARI_METRIC_LOSS_TOTAL,
                                gtk_toggle_button_get_active (self->total_button));
  self->time_origin = 0.0;
  self->last_step = -1;
}

static void
set_time_origin (LabChartModel *model, double origin)
{
  for (guint i = 0; i < lab_chart_model_get_n_series (model); i++)
    lab_series_set_time_origin (lab_chart_model_get_series (model, i), origin);
}

/* ------------------------------------------------------------------------------ status */

static void
update_status (LabRunPage *self)
{
  LabRunItem *item = self->runs ? lab_run_list_find (self->runs, self->run) : NULL;
  gboolean active = self->runner && lab_runner_get_active_run (self->runner) == self->run;
  gboolean queued = self->runner && lab_runner_is_queued (self->runner, self->run);
  CariRunStatus status = item ? lab_run_item_get_status (item) : CARI_RUN_QUEUED;
  g_autofree char *summary = NULL;
  g_autofree char *detail = NULL;
  double fraction = 0.0;

  const char *status_label = item ? lab_run_item_get_status_label (item) : "";
  if (active && lab_runner_get_state (self->runner) == LAB_RUNNER_PREPARING)
    status_label = _("Preparing");
  else if (active && lab_runner_get_state (self->runner) == LAB_RUNNER_PAUSED)
    status_label = C_("run status", "Paused");
  /* An imported run trained on nothing here: its configuration's data set and steps are only
   * defaults. */
  if (status == CARI_RUN_IMPORTED)
    summary = g_strdup_printf (_("Weights from a file · %s"), status_label);
  else
    summary = g_strdup_printf (_("%s weighting on %s · %s"), self->summary->strategy,
                               self->summary->dataset, status_label);

  if (active)
    {
      LabRunnerProgress p;
      lab_runner_get_progress (self->runner, &p);
      if (lab_runner_get_state (self->runner) == LAB_RUNNER_PREPARING)
        detail = g_strdup (p.what != NULL ? p.what : _("Preparing the data set…"));
      else
        {
          g_autofree char *eta = p.eta_s >= 0 ? lab_page_format_duration (p.eta_s) : g_strdup ("–");
          detail = g_strdup_printf (_("step %llu of %llu · %.0f images/s · %s left"),
                                    (unsigned long long) p.stats.step,
                                    (unsigned long long) p.total_steps, p.images_per_s, eta);
        }
      fraction = p.fraction;
      lab_runner_progress_clear (&p);
    }
  else if (queued)
    detail = g_strdup (_("Queued: starts when the runs before it are done"));
  else if (status == CARI_RUN_IMPORTED)
    detail = g_strdup (item != NULL && lab_run_item_get_message (item) != NULL
                         ? lab_run_item_get_message (item)
                         : "");
  else
    {
      gint64 step = MAX (self->last_step, 0);
      gint64 steps = self->summary->steps;
      int batch = self->summary->batch;
      fraction = steps > 0 ? (double) step / steps : 0.0;
      if (status == CARI_RUN_RUNNING && self->images_per_s > 0 && batch > 0)
        {
          /* A run another process writes: its own figures, from the store. */
          double left = steps > step ? (double) (steps - step) : 0.0;
          g_autofree char *eta = lab_page_format_duration (left * batch / self->images_per_s);
          detail = g_strdup_printf (_("step %lld of %lld · %.0f images/s · %s left · written by "
                                      "another process"),
                                    (long long) step, (long long) steps, self->images_per_s,
                                    eta);
        }
      else
        detail = g_strdup_printf (_("step %lld of %lld"), (long long) step, (long long) steps);
      if (item != NULL && lab_run_item_get_message (item) != NULL)
        {
          char *with = g_strdup_printf ("%s · %s", detail, lab_run_item_get_message (item));
          g_free (detail);
          detail = with;
        }
    }
  gtk_label_set_text (self->summary_label, summary);
  gtk_label_set_text (self->detail_label, detail);
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), status != CARI_RUN_IMPORTED);

  gboolean paused = active && lab_runner_get_state (self->runner) == LAB_RUNNER_PAUSED;
  gtk_widget_set_visible (GTK_WIDGET (self->pause_button), active);
  gtk_button_set_icon_name (self->pause_button, paused ? "media-playback-start-symbolic"
                                                       : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button),
                               paused ? _("Continue") : _("Pause"));
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), active || queued);
  /* Without the run list the page cannot tell; the export then says what is missing. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.export-model",
                                 item != NULL ? lab_run_item_get_checkpoint (item) >= 0
                                              : self->runs == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->resume_button),
                          self->runner != NULL && !active && !queued
                            && (status == CARI_RUN_CANCELLED || status == CARI_RUN_INTERRUPTED
                                || status == CARI_RUN_FAILED));
}

/* ------------------------------------------------------------------------------ data */

static void
on_rows (LabRunWatch *watch, GArray *rows, LabRunPage *self)
{
  if (rows->len == 0)
    return;
  if (self->time_origin == 0.0)
    {
      self->time_origin = g_array_index (rows, CariMetricRow, 0).wall_time;
      set_time_origin (self->weights, self->time_origin);
      set_time_origin (self->losses, self->time_origin);
      set_time_origin (self->val, self->time_origin);
    }
  g_autofree LabMetricRow *converted = lab_page_chart_rows (rows);
  for (guint i = 0; i < rows->len; i++)
    {
      const CariMetricRow *r = &g_array_index (rows, CariMetricRow, i);
      self->last_step = MAX (self->last_step, r->step);
      if (g_strcmp0 (r->key, CARI_METRIC_IMAGES_PER_S) == 0 && isfinite (r->value))
        self->images_per_s = self->images_per_s > 0 ? 0.9 * self->images_per_s + 0.1 * r->value
                                                    : r->value;
    }
  lab_chart_model_append_rows (self->weights, converted, rows->len);
  lab_chart_model_append_rows (self->losses, converted, rows->len);
  lab_chart_model_append_rows (self->val, converted, rows->len);
  self->n_rows += rows->len;
  update_status (self);
}

static void
on_reset (LabRunWatch *watch, gint64 from, LabRunPage *self)
{
  /* A resumed run rewrote steps: start the charts over. */
  build_models (self);
  self->n_rows = 0;
}

/* ------------------------------------------------------------------------------ controls */

static void
on_pause_clicked (LabRunPage *self)
{
  if (self->runner == NULL)
    return;
  if (lab_runner_get_state (self->runner) == LAB_RUNNER_PAUSED)
    lab_runner_resume (self->runner);
  else
    lab_runner_pause (self->runner);
  update_status (self);
}

static void
on_stop_clicked (LabRunPage *self)
{
  if (self->runner == NULL)
    return;
  if (!lab_runner_dequeue (self->runner, self->run))
    lab_runner_stop (self->runner);
  update_status (self);
}

static void
on_resume_clicked (LabRunPage *self)
{
  if (self->runner == NULL)
    return;
  lab_runner_enqueue (self->runner, self->run);
  update_status (self);
}

static void
on_reset_clicked (LabRunPage *self)
{
  lab_chart_reset_view (self->weights_chart);
  lab_chart_reset_view (self->losses_chart);
  lab_chart_reset_view (self->val_chart);
  gtk_toggle_button_set_active (self->follow_button, TRUE);
}

static void
on_smoothing_changed (GtkAdjustment *adjustment, LabRunPage *self)
{
  double s = gtk_adjustment_get_value (adjustment);
  lab_chart_set_smoothing (self->weights_chart, s);
  lab_chart_set_smoothing (self->losses_chart, s);
  lab_chart_set_smoothing (self->val_chart, s);
}

static void
on_x_axis_changed (GtkDropDown *dropdown, GParamSpec *pspec, LabRunPage *self)
{
  LabXAxis axis = gtk_drop_down_get_selected (dropdown) == 1 ? LAB_X_AXIS_WALL_TIME
                                                             : LAB_X_AXIS_STEP;
  lab_chart_set_x_axis (self->weights_chart, axis);
  lab_chart_set_x_axis (self->losses_chart, axis);
  lab_chart_set_x_axis (self->val_chart, axis);
  lab_chart_reset_view (self->weights_chart);
}

static void
on_toggles (GtkToggleButton *button, LabRunPage *self)
{
  lab_chart_set_log_y (self->losses_chart, gtk_toggle_button_get_active (self->log_button));
  lab_chart_set_series_visible (self->losses_chart, CARI_METRIC_LOSS_L4,
                                gtk_toggle_button_get_active (self->l4_button));
  lab_chart_set_series_visible (self->losses_chart, CARI_METRIC_LOSS_TOTAL,
                                gtk_toggle_button_get_active (self->total_button));
  gboolean follow = gtk_toggle_button_get_active (self->follow_button);
  lab_chart_set_follow (self->weights_chart, follow);
  lab_chart_set_follow (self->losses_chart, follow);
  lab_chart_set_follow (self->val_chart, follow);
}

/* A chart stopped following (the user zoomed or panned): say so on the toggle. */
static void
on_chart_follow (LabChart *chart, GParamSpec *pspec, LabRunPage *self)
{
  gboolean follow = lab_chart_get_follow (chart);
  if (gtk_toggle_button_get_active (self->follow_button) != follow)
    gtk_toggle_button_set_active (self->follow_button, follow);
}

static char *
write_chart (GtkWidget *source, const char *path, const char *format, gpointer chart,
             GError **error)
{
  gboolean ok = g_strcmp0 (format, "csv") == 0
                  ? lab_chart_export_csv (chart, path, error)
                  : lab_chart_export (chart, path, lab_export_format (format), 1200, 480, error);
  return ok ? g_strdup_printf (_("Saved %s"), path) : NULL;
}

/* page.export "<chart>.<format>": weights, losses or val; png, svg, pdf or csv. */
static void
export_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabRunPage *self = LAB_RUN_PAGE (widget);
  const char *target = g_variant_get_string (param, NULL);
  g_auto (GStrv) parts = g_strsplit (target, ".", 2);
  if (parts[0] == NULL || parts[1] == NULL)
    return;
  LabChart *chart = g_strcmp0 (parts[0], "weights") == 0  ? self->weights_chart
                    : g_strcmp0 (parts[0], "losses") == 0 ? self->losses_chart
                                                          : self->val_chart;
  g_autofree char *name = g_strdup_printf ("%s-%s.%s", self->name, parts[0], parts[1]);
  lab_export_dialog_run (widget, _("Export Chart"), parts[1], name, write_chart, chart, NULL);
}

/* page.export-model: the run's network for other tools. */
static void
export_model_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabRunPage *self = LAB_RUN_PAGE (widget);
  GtkWidget *dialog = lab_export_model_dialog_new (widget, self->gateway, self->run, self->name,
                                                   self->summary->tasks);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A secondary click on a chart: the analysis of the evaluated checkpoint nearest that step. */
static void
on_step_activated (LabChart *chart, double step, LabRunPage *self)
{
  lab_page_show_analysis (GTK_WIDGET (self), self->run, (gint64) llround (step));
}

/* ------------------------------------------------------------------------------ frames */

static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  LabRunPage *self = data;
  gint64 t = gdk_frame_clock_get_frame_time (clock);
  if (self->last_frame_time > 0)
    {
      gint64 dt = t - self->last_frame_time;
      g_array_append_val (self->frame_intervals, dt);
    }
  self->last_frame_time = t;
  /* Redraw every frame, as a chart being hovered or panned does. */
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
write_frame_stats (LabRunPage *self)
{
  if (self->frame_stats_path == NULL || self->frame_intervals->len == 0)
    return;
  g_autoptr (GString) out = g_string_new (NULL);
  for (guint i = 0; i < self->frame_intervals->len; i++)
    g_string_append_printf (out, "%" G_GINT64_FORMAT "\n",
                            g_array_index (self->frame_intervals, gint64, i));
  g_file_set_contents (self->frame_stats_path, out->str, (gssize) out->len, NULL);
}

/* ------------------------------------------------------------------------------ GObject */

static void
on_runner_progress (LabRunner *runner, LabRunPage *self)
{
  update_status (self);
}

static void
on_runs_refreshed (LabRunList *runs, LabRunPage *self)
{
  update_status (self);
}

/* Poll lane: the run's name and configuration. */
static void
read_run_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  CariRunInfo *info = cari_store_get_run (store, *(gint64 *) data, &error);
  lab_store_job_return (task, info, (GDestroyNotify) cari_run_info_free, error);
}

/* Takes `summary`. */
static void
set_run (LabRunPage *self, const char *name, LabRunSummary *summary)
{
  g_free (self->name);
  self->name = g_strdup (name);
  lab_run_summary_unref (self->summary);
  self->summary = summary;
}

static void
restyle (LabChartModel *model, LabLineStyle style)
{
  for (guint i = 0; i < lab_chart_model_get_n_series (model); i++)
    lab_series_set_line_style (lab_chart_model_get_series (model, i), style);
}

static void
on_run_read (gpointer source, gpointer data, gpointer result, const GError *error)
{
  g_autoptr (CariRunInfo) info = result;
  if (info == NULL)
    {
      g_debug ("run page: %s", error->message);
      return;
    }
  LabRunPage *self = source;
  set_run (self, info->name, lab_run_summary_new (info->config));
  /* The charts were made before the strategy was known. */
  LabLineStyle style = cari_plot_line_style_for_strategy (self->summary->strategy);
  restyle (self->weights, style);
  restyle (self->losses, style);
  update_status (self);
}

GtkWidget *
lab_run_page_new (LabStoreGateway *gateway, gint64 run, LabRunner *runner, LabRunList *runs,
                  guint interval_ms)
{
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (gateway), NULL);
  LabRunPage *self = g_object_new (LAB_TYPE_RUN_PAGE, NULL);
  self->gateway = g_object_ref (gateway);
  self->run = run;
  self->runner = runner ? g_object_ref (runner) : NULL;
  self->runs = runs ? g_object_ref (runs) : NULL;

  /* What the run is: the list's parsed configuration, or one quick read when the list does not
   * know the run yet (just created); then the rows as they come. */
  LabRunItem *item = runs != NULL ? lab_run_list_find (runs, run) : NULL;
  if (item != NULL)
    set_run (self, lab_run_item_get_name (item),
             lab_run_summary_ref (lab_run_item_get_summary (item)));
  else
    lab_store_gateway_start (gateway, LAB_STORE_LANE_POLL, read_run_job,
                             g_memdup2 (&run, sizeof run), g_free, self, self->cancellable,
                             on_run_read);
  build_models (self);
  self->watch = lab_run_watch_new (gateway, run, interval_ms);
  g_signal_connect_object (self->watch, "rows", G_CALLBACK (on_rows), self, 0);
  g_signal_connect_object (self->watch, "reset", G_CALLBACK (on_reset), self, 0);
  if (self->runner != NULL)
    g_signal_connect_object (self->runner, "progress", G_CALLBACK (on_runner_progress), self, 0);
  if (self->runs != NULL)
    g_signal_connect_object (self->runs, "refreshed", G_CALLBACK (on_runs_refreshed), self, 0);

  if (g_getenv ("CARILAB_FRAME_STATS") != NULL)
    {
      self->frame_stats_path = g_strdup (g_getenv ("CARILAB_FRAME_STATS"));
      self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->weights_chart), on_tick,
                                                    self, NULL);
    }
  update_status (self);
  return GTK_WIDGET (self);
}

gint64
lab_run_page_get_run (LabRunPage *self)
{
  g_return_val_if_fail (LAB_IS_RUN_PAGE (self), 0);
  return self->run;
}

guint64
lab_run_page_get_n_rows (LabRunPage *self)
{
  g_return_val_if_fail (LAB_IS_RUN_PAGE (self), 0);
  return self->n_rows;
}

static void
lab_run_page_dispose (GObject *object)
{
  LabRunPage *self = LAB_RUN_PAGE (object);

  write_frame_stats (self);
  g_clear_pointer (&self->frame_stats_path, g_free);
  if (self->tick_id != 0 && self->weights_chart != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->weights_chart), self->tick_id);
  self->tick_id = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->watch);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_RUN_PAGE);
  g_clear_object (&self->weights);
  g_clear_object (&self->losses);
  g_clear_object (&self->val);
  g_clear_object (&self->runner);
  g_clear_object (&self->runs);
  g_clear_object (&self->settings);
  g_clear_object (&self->gateway);

  G_OBJECT_CLASS (lab_run_page_parent_class)->dispose (object);
}

static void
lab_run_page_finalize (GObject *object)
{
  LabRunPage *self = LAB_RUN_PAGE (object);
  g_clear_object (&self->cancellable);
  g_free (self->name);
  lab_run_summary_unref (self->summary);
  g_array_unref (self->frame_intervals);
  G_OBJECT_CLASS (lab_run_page_parent_class)->finalize (object);
}

static void
lab_run_page_class_init (LabRunPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_run_page_dispose;
  object_class->finalize = lab_run_page_finalize;

  g_type_ensure (LAB_TYPE_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/carilab/CariLab/ui/lab-run-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, detail_label);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, stop_button);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, resume_button);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, smoothing_adjustment);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, x_axis_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, log_button);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, l4_button);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, total_button);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, follow_button);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, weights_chart);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, losses_chart);
  gtk_widget_class_bind_template_child (widget_class, LabRunPage, val_chart);
  gtk_widget_class_bind_template_callback (widget_class, on_pause_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_resume_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_reset_clicked);
  gtk_widget_class_install_action (widget_class, "page.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "page.export-model", NULL, export_model_action);
}

static void
lab_run_page_init (LabRunPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->frame_intervals = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->last_step = -1;
  self->cancellable = g_cancellable_new ();
  self->name = g_strdup ("");
  self->summary = lab_run_summary_new (NULL);

  lab_chart_set_title (self->weights_chart, _("Task weights"));
  lab_chart_set_y_label (self->weights_chart, _("weight"));
  lab_chart_set_title (self->losses_chart, _("Task losses"));
  lab_chart_set_y_label (self->losses_chart, _("loss"));
  lab_chart_set_title (self->val_chart, _("Validation accuracy"));
  lab_chart_set_y_label (self->val_chart, _("accuracy"));
  lab_chart_link_x (self->weights_chart, self->losses_chart);
  lab_chart_link_x (self->weights_chart, self->val_chart);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->smoothing_adjustment, "value-changed",
                           G_CALLBACK (on_smoothing_changed), self, 0);
  g_settings_bind (self->settings, "smoothing", self->smoothing_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "log-losses", self->log_button, "active",
                   G_SETTINGS_BIND_DEFAULT);
  on_smoothing_changed (self->smoothing_adjustment, self);
  g_signal_connect_object (self->x_axis_dropdown, "notify::selected",
                           G_CALLBACK (on_x_axis_changed), self, 0);
  GtkToggleButton *toggles[] = { self->log_button, self->l4_button, self->total_button,
                                 self->follow_button };
  for (size_t i = 0; i < G_N_ELEMENTS (toggles); i++)
    g_signal_connect_object (toggles[i], "toggled", G_CALLBACK (on_toggles), self, 0);
  on_toggles (NULL, self);
  LabChart *charts[] = { self->weights_chart, self->losses_chart, self->val_chart };
  for (size_t i = 0; i < G_N_ELEMENTS (charts); i++)
    {
      g_signal_connect_object (charts[i], "notify::follow", G_CALLBACK (on_chart_follow), self,
                               0);
      g_signal_connect_object (charts[i], "step-activated", G_CALLBACK (on_step_activated), self,
                               0);
    }
}
