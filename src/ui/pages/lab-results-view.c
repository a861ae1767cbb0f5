/* lab-results-view.c — Tables 2–5, ROC, DET and CMC of a run's checkpoint, beside other runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lab-export-dialog.h"
#include "lab-page.h"
#include "lab-results-view.h"
#include "lab-run-summary.h"

/* One run's rows, as the loader thread reads them. */
typedef struct
{
  gint64 run;
  char *name;
  char *strategy;
  gint64 step;
  GPtrArray *results; /* of CariEvalResult * */
} RunResults;

static void
run_results_free (RunResults *r)
{
  g_free (r->name);
  g_free (r->strategy);
  g_clear_pointer (&r->results, g_ptr_array_unref);
  g_free (r);
}

struct _LabResultsView
{
  AdwBin parent_instance;

  /* owned */
  LabStoreGateway *gateway;
  gint64 run;
  gint64 step;
  GArray *others;       /* of gint64 */
  GPtrArray *loaded;    /* of RunResults *, the shown run first */
  GPtrArray *tables;    /* of CariTable * */
  GArray *val_rows;     /* of CariMetricRow: the shown run's val/ metrics */
  LabChartModel *val_model;
  GCancellable *cancellable;
  GCancellable *others_cancellable; /* the read of the runs the popover offers */

  /* children */
  GtkBox *tables_box;
  GtkLabel *note_label;
  LabCurvePlot *roc;
  LabCurvePlot *det;
  LabCurvePlot *cmc_c2p;
  LabCurvePlot *cmc_p2c;
  LabChart *val_chart;
  GtkMenuButton *compare_button;
  GtkListBox *compare_list;
};

G_DEFINE_FINAL_TYPE (LabResultsView, lab_results_view, ADW_TYPE_BIN)

enum
{
  SIGNAL_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------------ loading */

typedef struct
{
  gint64 run, step;
  GArray *others;
  /* results */
  GPtrArray *loaded;
  GArray *val_rows;
} Load;

static void
load_free (Load *l)
{
  g_array_unref (l->others);
  g_clear_pointer (&l->loaded, g_ptr_array_unref);
  g_clear_pointer (&l->val_rows, g_array_unref);
  g_free (l);
}

/* A run's evaluations at `step` (the latest evaluated step when step < 0). */
static RunResults *
read_run (CariStore *store, gint64 run, gint64 step, GError **error)
{
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, error);
  g_autoptr (GPtrArray) evals = info ? cari_store_list_evaluations (store, run, error) : NULL;
  if (evals == NULL)
    return NULL;
  if (step < 0)
    for (guint i = 0; i < evals->len; i++)
      step = MAX (step, ((CariEvalInfo *) g_ptr_array_index (evals, i))->step);
  RunResults *r = g_new0 (RunResults, 1);
  g_autoptr (LabRunSummary) summary = lab_run_summary_new (info->config);
  r->run = run;
  r->name = g_strdup (info->name);
  r->strategy = g_strdup (summary->strategy);
  r->step = step;
  r->results = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_eval_result_free);
  /* Newest first: an evaluation of the same protocol fold evaluated again replaces the older. */
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < evals->len; i++)
    {
      const CariEvalInfo *e = g_ptr_array_index (evals, i);
      g_autofree char *key = g_strdup_printf ("%s#%d", e->protocol, e->fold);
      if (e->step != step || g_hash_table_contains (seen, key))
        continue;
      g_hash_table_add (seen, g_steal_pointer (&key));
      CariEvalResult *result = cari_store_load_evaluation (store, e->id, error);
      if (result == NULL)
        {
          run_results_free (r);
          return NULL;
        }
      g_ptr_array_add (r->results, result);
    }
  return r;
}

/* Load lane: every pair score of the checkpoint's evaluations may be many. */
static void
load_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  Load *l = data;
  g_autoptr (GError) error = NULL;
  l->loaded = g_ptr_array_new_with_free_func ((GDestroyNotify) run_results_free);
  RunResults *main = read_run (store, l->run, l->step, &error);
  if (main == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_ptr_array_add (l->loaded, main);
  for (guint i = 0; i < l->others->len; i++)
    {
      gint64 other = g_array_index (l->others, gint64, i);
      RunResults *r = other != l->run ? read_run (store, other, -1, NULL) : NULL;
      if (r != NULL)
        g_ptr_array_add (l->loaded, r);
    }
  l->val_rows = cari_store_metrics_with_prefix (store, l->run, "val/", NULL);
  lab_store_job_return_boolean (task, TRUE, NULL);
}

/* ------------------------------------------------------------------------------ showing */

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/* The run's `verif` colour, darker for each further run of the same strategy. */
static guint32
shade (int index)
{
  static const guint32 blues[] = { 0x1f77b4, 0x0b3d66, 0x6baed6, 0x08306b };
  return blues[index % G_N_ELEMENTS (blues)];
}

static const CariEvalResult *
find_result (const RunResults *r, gboolean verification, const char *protocol)
{
  for (guint i = 0; i < r->results->len; i++)
    {
      const CariEvalResult *e = g_ptr_array_index (r->results, i);
      if (protocol != NULL ? g_strcmp0 (e->protocol, protocol) == 0
                           : verification && e->kind == CARI_PROTOCOL_VERIFICATION
                               && e->pairs->len > 0)
        return e;
    }
  return NULL;
}

static void
show_curves (LabResultsView *self)
{
  LabCurvePlot *plots[] = { self->roc, self->det, self->cmc_c2p, self->cmc_p2c };
  for (size_t i = 0; i < G_N_ELEMENTS (plots); i++)
    lab_curve_plot_clear (plots[i]);
  for (guint k = 0; k < self->loaded->len; k++)
    {
      const RunResults *r = g_ptr_array_index (self->loaded, k);
      const CariEvalResult *v = find_result (r, TRUE, NULL);
      if (v != NULL)
        {
          /* A curve of identities the run trained on says so, as the tables' † does. */
          g_autofree char *label = g_strdup_printf ("%s (%s)%s", r->name, r->strategy,
                                                    v->leaked > 0 ? " †" : "");
          const int n = (int) v->pairs->len;
          g_autofree float *scores = g_new (float, n);
          g_autofree guint8 *same = g_new (guint8, n);
          for (int i = 0; i < n; i++)
            {
              scores[i] = g_array_index (v->pairs, CariPairScore, i).score;
              same[i] = g_array_index (v->pairs, CariPairScore, i).same;
            }
          g_autoptr (GArray) roc = cari_roc (scores, same, n);
          g_autofree double *far = g_new (double, roc->len);
          g_autofree double *tar = g_new (double, roc->len);
          g_autofree double *frr = g_new (double, roc->len);
          for (guint i = 0; i < roc->len; i++)
            {
              const CariRocPoint *p = &g_array_index (roc, CariRocPoint, i);
              far[i] = p->far;
              tar[i] = p->tar;
              frr[i] = 1.0 - p->tar;
            }
          lab_curve_plot_add_curve (self->roc, label, far, tar, (int) roc->len, shade (k),
                                    cari_plot_line_style_for_strategy (r->strategy));
          lab_curve_plot_add_curve (self->det, label, far, frr, (int) roc->len, shade (k),
                                    cari_plot_line_style_for_strategy (r->strategy));
        }
      const char *protocols[] = { "webcari.c2p", "webcari.p2c" };
      for (int p = 0; p < 2; p++)
        {
          const CariEvalResult *c = find_result (r, FALSE, protocols[p]);
          if (c == NULL || c->cmc->len == 0)
            continue;
          g_autofree char *label = g_strdup_printf ("%s (%s)%s", r->name, r->strategy,
                                                    c->leaked > 0 ? " †" : "");
          g_autofree double *rank = g_new (double, c->cmc->len);
          for (guint i = 0; i < c->cmc->len; i++)
            rank[i] = i + 1;
          LabCurvePlot *plot = p == 0 ? self->cmc_c2p : self->cmc_p2c;
          lab_curve_plot_add_curve (plot, label, rank, (const double *) (void *) c->cmc->data,
                                    (int) c->cmc->len, shade (k),
                                    cari_plot_line_style_for_strategy (r->strategy));
          lab_curve_plot_set_x_axis (plot, _("rank"), LAB_AXIS_LINEAR, 1,
                                     MAX (c->cmc->len, 2));
        }
    }
}

static void
show_val (LabResultsView *self)
{
  g_clear_object (&self->val_model);
  self->val_model = lab_chart_model_new ();
  lab_page_add_validation_series (self->val_model);
  if (self->val_rows != NULL && self->val_rows->len > 0)
    {
      g_autofree LabMetricRow *rows = lab_page_chart_rows (self->val_rows);
      lab_chart_model_append_rows (self->val_model, rows, self->val_rows->len);
    }
  lab_chart_set_model (self->val_chart, self->val_model);
  lab_chart_reset_view (self->val_chart);
}

static void
show_loaded (LabResultsView *self)
{
  clear_box (self->tables_box);
  g_clear_pointer (&self->tables, g_ptr_array_unref);
  g_autofree CariTableRow *rows = g_new (CariTableRow, MAX (self->loaded->len, 1));
  gboolean on_validation = FALSE;
  for (guint i = 0; i < self->loaded->len; i++)
    {
      RunResults *r = g_ptr_array_index (self->loaded, i);
      rows[i] = (CariTableRow) { r->name, r->results };
      for (guint j = 0; j < r->results->len; j++)
        {
          const CariEvalMetric *m = cari_eval_result_get (g_ptr_array_index (r->results, j),
                                                          "id_on_validation");
          on_validation |= m != NULL && m->value > 0.5;
        }
    }
  self->tables = cari_paper_tables (rows, (int) self->loaded->len);
  gboolean identification = FALSE;
  for (guint t = 0; t < self->tables->len; t++)
    gtk_box_append (self->tables_box, lab_page_table_widget (g_ptr_array_index (self->tables, t)));
  for (guint i = 0; i < self->loaded->len; i++)
    {
      const RunResults *r = g_ptr_array_index (self->loaded, i);
      for (guint j = 0; j < r->results->len; j++)
        identification |= ((const CariEvalResult *) g_ptr_array_index (r->results, j))->kind
                          == CARI_PROTOCOL_IDENTIFICATION;
    }
  if (self->loaded->len > 0 && !identification)
    {
      /* Where Tables 4–5 would be, say why they are not and what would fill them. */
      GtkWidget *why = gtk_label_new (
        _("No Table 4 or 5: the data set has no C2P or P2C protocol, or the run trained on "
          "their test identities and their results were left out (on WebCaricature each "
          "protocol splits the subjects its own way). A run trained on webcari.c2p's own split "
          "(New Run, Protocol) fills them."));
      gtk_label_set_xalign (GTK_LABEL (why), 0);
      gtk_label_set_wrap (GTK_LABEL (why), TRUE);
      gtk_widget_add_css_class (why, "dim-label");
      gtk_box_append (self->tables_box, why);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), on_validation);
  show_curves (self);
  show_val (self);
}

static void
loaded (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabResultsView *self = source;
  Load *l = data;
  if (error != NULL)
    {
      lab_page_toast (GTK_WIDGET (self), error->message);
      return;
    }
  g_clear_pointer (&self->loaded, g_ptr_array_unref);
  g_clear_pointer (&self->val_rows, g_array_unref);
  self->loaded = g_steal_pointer (&l->loaded);
  self->val_rows = g_steal_pointer (&l->val_rows);
  show_loaded (self);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

static void
reload (LabResultsView *self)
{
  lab_store_job_cancel (&self->cancellable);
  if (self->run <= 0)
    return;
  Load *l = g_new0 (Load, 1);
  l->run = self->run;
  l->step = self->step;
  l->others = g_array_copy (self->others);
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_LOAD, load_job, l,
                           (GDestroyNotify) load_free, self,
                           lab_store_job_replace (&self->cancellable), loaded);
}

/* ------------------------------------------------------------------------------ compare */

static void
on_compare_toggled (GtkCheckButton *check, LabResultsView *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (check), "run-id"));
  if (gtk_check_button_get_active (check))
    g_array_append_val (self->others, id);
  else
    for (guint i = 0; i < self->others->len; i++)
      if (g_array_index (self->others, gint64, i) == id)
        g_array_remove_index (self->others, i--);
  reload (self);
}

/* Poll lane: the runs with evaluations, newest evaluated first, as (id, name) pairs. */
static void
evaluated_runs_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) evals = cari_store_list_evaluations (store, 0, &error);
  if (evals == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  GPtrArray *runs = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_run_info_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < evals->len; i++)
    {
      const CariEvalInfo *e = g_ptr_array_index (evals, i);
      if (e->run <= 0 || g_hash_table_contains (seen, &e->run))
        continue;
      g_hash_table_add (seen, g_memdup2 (&e->run, sizeof e->run));
      CariRunInfo *info = cari_store_get_run (store, e->run, NULL);
      if (info != NULL)
        g_ptr_array_add (runs, info);
    }
  g_task_return_pointer (task, runs, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_evaluated_runs (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabResultsView *self = source;
  g_autoptr (GPtrArray) runs = result;
  guint shown = 0;
  for (guint i = 0; runs != NULL && i < runs->len; i++)
    {
      const CariRunInfo *info = g_ptr_array_index (runs, i);
      if (info->id == self->run)
        continue;
      GtkWidget *check = gtk_check_button_new_with_label (info->name);
      g_object_set_data (G_OBJECT (check), "run-id", GSIZE_TO_POINTER ((gsize) info->id));
      for (guint k = 0; k < self->others->len; k++)
        if (g_array_index (self->others, gint64, k) == info->id)
          gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      g_signal_connect_object (check, "toggled", G_CALLBACK (on_compare_toggled), self, 0);
      gtk_list_box_append (self->compare_list, check);
      shown++;
    }
  if (shown == 0)
    gtk_list_box_append (self->compare_list, gtk_label_new (_("No other evaluated run")));
}

/* The runs with evaluations, listed when the popover opens. */
static void
on_compare_popover_show (GtkWidget *popover, LabResultsView *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->compare_list))) != NULL)
    gtk_list_box_remove (self->compare_list, child);
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_POLL, evaluated_runs_job, NULL, NULL,
                           self, lab_store_job_replace (&self->others_cancellable),
                           on_evaluated_runs);
}

/* ------------------------------------------------------------------------------ export */

/* Tables to the chosen file (csv, tex), curves to the chosen folder (png, svg, pdf). */
static char *
write_results (GtkWidget *source, const char *path, const char *format, gpointer data,
               GError **error)
{
  LabResultsView *self = LAB_RESULTS_VIEW (source);
  if (g_strcmp0 (format, "csv") == 0 || g_strcmp0 (format, "tex") == 0)
    {
      g_autofree char *text = lab_results_view_export_tables (
        self, g_strcmp0 (format, "csv") == 0 ? CARI_TABLE_CSV : CARI_TABLE_LATEX);
      if (!g_file_set_contents (path, text, -1, error))
        return NULL;
    }
  else
    {
      const struct
      {
        LabCurvePlot *plot;
        const char *name;
      } plots[] = { { self->roc, "roc" },
                    { self->det, "det" },
                    { self->cmc_c2p, "cmc-c2p" },
                    { self->cmc_p2c, "cmc-p2c" } };
      for (size_t i = 0; i < G_N_ELEMENTS (plots); i++)
        {
          g_autofree char *name = g_strdup_printf ("%s.%s", plots[i].name, format);
          g_autofree char *out = g_build_filename (path, name, NULL);
          if (!lab_curve_plot_export (plots[i].plot, out, lab_export_format (format), 640, 480,
                                      error))
            return NULL;
        }
    }
  return g_strdup_printf (_("Saved in %s"), path);
}

/* results.export: csv or latex (the tables), png, svg or pdf (the curves). */
static void
export_action (GtkWidget *widget, const char *action, GVariant *param)
{
  const char *target = g_variant_get_string (param, NULL);
  if (g_strcmp0 (target, "csv") == 0)
    lab_export_dialog_run (widget, _("Export the Tables"), "csv", "tables.csv", write_results,
                           NULL, NULL);
  else if (g_strcmp0 (target, "latex") == 0)
    lab_export_dialog_run (widget, _("Export the Tables"), "tex", "tables.tex", write_results,
                           NULL, NULL);
  else
    lab_export_dialog_run (widget, _("Export the Curves to a Folder"), target, NULL,
                           write_results, NULL, NULL);
}

/* ------------------------------------------------------------------------------ public */

GtkWidget *
lab_results_view_new (LabStoreGateway *gateway)
{
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (gateway), NULL);
  LabResultsView *self = g_object_new (LAB_TYPE_RESULTS_VIEW, NULL);
  self->gateway = g_object_ref (gateway);
  return GTK_WIDGET (self);
}

void
lab_results_view_set_run (LabResultsView *self, gint64 run, gint64 step)
{
  g_return_if_fail (LAB_IS_RESULTS_VIEW (self));
  self->run = run;
  self->step = step;
  reload (self);
}

void
lab_results_view_set_other_runs (LabResultsView *self, const gint64 *runs, int n)
{
  g_return_if_fail (LAB_IS_RESULTS_VIEW (self));
  g_array_set_size (self->others, 0);
  g_array_append_vals (self->others, runs, n);
  reload (self);
}

GPtrArray *
lab_results_view_get_tables (LabResultsView *self)
{
  g_return_val_if_fail (LAB_IS_RESULTS_VIEW (self), NULL);
  return self->tables;
}

char *
lab_results_view_export_tables (LabResultsView *self, CariTableFormat format)
{
  g_return_val_if_fail (LAB_IS_RESULTS_VIEW (self), NULL);
  g_autoptr (GString) out = g_string_new (NULL);
  for (guint t = 0; self->tables != NULL && t < self->tables->len; t++)
    {
      const CariTable *table = g_ptr_array_index (self->tables, t);
      g_autofree char *text = cari_table_format (table, format);
      if (t > 0)
        g_string_append (out, format == CARI_TABLE_CSV ? "\r\n" : "\n");
      if (format == CARI_TABLE_CSV)
        {
          /* A CSV file of several tables: each under its title line. */
          g_string_append_printf (out, "\"%s\"\r\n", cari_table_get_title (table));
        }
      g_string_append (out, text);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

LabCurvePlot *
lab_results_view_get_plot (LabResultsView *self, const char *which)
{
  g_return_val_if_fail (LAB_IS_RESULTS_VIEW (self), NULL);
  if (g_strcmp0 (which, "roc") == 0)
    return self->roc;
  if (g_strcmp0 (which, "det") == 0)
    return self->det;
  if (g_strcmp0 (which, "cmc-p2c") == 0)
    return self->cmc_p2c;
  return self->cmc_c2p;
}

/* ------------------------------------------------------------------------------ GObject */

static void
lab_results_view_dispose (GObject *object)
{
  LabResultsView *self = LAB_RESULTS_VIEW (object);
  lab_store_job_cancel (&self->cancellable);
  lab_store_job_cancel (&self->others_cancellable);
  adw_bin_set_child (ADW_BIN (self), NULL);
  g_clear_object (&self->val_model);
  g_clear_object (&self->gateway);
  G_OBJECT_CLASS (lab_results_view_parent_class)->dispose (object);
}

static void
lab_results_view_finalize (GObject *object)
{
  LabResultsView *self = LAB_RESULTS_VIEW (object);
  g_array_unref (self->others);
  g_clear_pointer (&self->loaded, g_ptr_array_unref);
  g_clear_pointer (&self->tables, g_ptr_array_unref);
  g_clear_pointer (&self->val_rows, g_array_unref);
  G_OBJECT_CLASS (lab_results_view_parent_class)->finalize (object);
}

static void
lab_results_view_class_init (LabResultsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = lab_results_view_dispose;
  object_class->finalize = lab_results_view_finalize;
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "results.export", "s",
                                   export_action);
}

static GtkWidget *
menu_button (const char *label, const char *const *items, const char *const *targets, int n)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  for (int i = 0; i < n; i++)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (items[i], NULL);
      g_menu_item_set_action_and_target (item, "results.export", "s", targets[i]);
      g_menu_append_item (menu, item);
    }
  GtkWidget *button = gtk_menu_button_new ();
  gtk_menu_button_set_label (GTK_MENU_BUTTON (button), label);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  return button;
}

static void
lab_results_view_init (LabResultsView *self)
{
  self->others = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->step = -1;

  GtkWidget *scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  lab_page_set_margins (box, 12, 18, 18, 18);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), box);
  adw_bin_set_child (ADW_BIN (self), scroll);

  /* Toolbar: other runs beside this one, exports. */
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->compare_button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_label (self->compare_button, _("Beside Other Runs"));
  GtkWidget *popover = gtk_popover_new ();
  self->compare_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->compare_list, GTK_SELECTION_NONE);
  gtk_popover_set_child (GTK_POPOVER (popover), GTK_WIDGET (self->compare_list));
  gtk_menu_button_set_popover (self->compare_button, popover);
  g_signal_connect_object (popover, "show", G_CALLBACK (on_compare_popover_show), self, 0);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->compare_button));
  GtkWidget *spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (bar), spacer);
  const char *const table_items[] = { _("As CSV…"), _("As LaTeX…") };
  const char *const table_targets[] = { "csv", "latex" };
  gtk_box_append (GTK_BOX (bar), menu_button (_("Export Tables"), table_items, table_targets, 2));
  const char *const curve_items[] = { _("As PNG Images…"), _("As SVG Drawings…"),
                                      _("As PDF Documents…") };
  const char *const curve_targets[] = { "png", "svg", "pdf" };
  gtk_box_append (GTK_BOX (bar), menu_button (_("Export Curves"), curve_items, curve_targets, 3));
  gtk_box_append (GTK_BOX (box), bar);

  self->tables_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->tables_box));
  self->note_label = GTK_LABEL (gtk_label_new (
    _("Visual-id, Cari-id, V2C and C2V are measured on the validation images of the training "
      "identities: the protocol’s test identities are unseen by the classifiers (open set).")));
  gtk_label_set_wrap (self->note_label, TRUE);
  gtk_label_set_xalign (self->note_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->note_label));

  GtkWidget *grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  self->roc = LAB_CURVE_PLOT (lab_curve_plot_new ());
  lab_curve_plot_set_title (self->roc, _("ROC"));
  lab_curve_plot_set_x_axis (self->roc, _("false accept rate"), LAB_AXIS_LOG10, 1e-4, 1.0);
  lab_curve_plot_set_y_axis (self->roc, _("true accept rate"), LAB_AXIS_LINEAR, 0.0, 1.0);
  self->det = LAB_CURVE_PLOT (lab_curve_plot_new ());
  lab_curve_plot_set_title (self->det, _("DET"));
  lab_curve_plot_set_x_axis (self->det, _("false accept rate"), LAB_AXIS_PROBIT, 1e-4, 0.9);
  lab_curve_plot_set_y_axis (self->det, _("false reject rate"), LAB_AXIS_PROBIT, 1e-3, 0.99);
  lab_curve_plot_set_legend_top (self->det, TRUE);
  self->cmc_c2p = LAB_CURVE_PLOT (lab_curve_plot_new ());
  lab_curve_plot_set_title (self->cmc_c2p, _("CMC, caricature to photo (C2P)"));
  lab_curve_plot_set_x_axis (self->cmc_c2p, _("rank"), LAB_AXIS_LINEAR, 1, 20);
  lab_curve_plot_set_y_axis (self->cmc_c2p, _("identification rate"), LAB_AXIS_LINEAR, 0, 1);
  self->cmc_p2c = LAB_CURVE_PLOT (lab_curve_plot_new ());
  lab_curve_plot_set_title (self->cmc_p2c, _("CMC, photo to caricature (P2C)"));
  lab_curve_plot_set_x_axis (self->cmc_p2c, _("rank"), LAB_AXIS_LINEAR, 1, 20);
  lab_curve_plot_set_y_axis (self->cmc_p2c, _("identification rate"), LAB_AXIS_LINEAR, 0, 1);
  LabCurvePlot *plots[] = { self->roc, self->det, self->cmc_c2p, self->cmc_p2c };
  for (int i = 0; i < 4; i++)
    {
      gtk_widget_set_size_request (GTK_WIDGET (plots[i]), 300, 260);
      gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (plots[i]), i % 2, i / 2, 1, 1);
    }
  gtk_box_append (GTK_BOX (box), grid);

  self->val_chart = LAB_CHART (lab_chart_new ());
  lab_chart_set_title (self->val_chart, _("Validation accuracy over training"));
  lab_chart_set_y_label (self->val_chart, _("accuracy"));
  lab_chart_set_smoothing (self->val_chart, 0.0);
  gtk_widget_set_size_request (GTK_WIDGET (self->val_chart), -1, 220);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->val_chart));
}
