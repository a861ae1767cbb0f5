/* report-figures.c — the report's line figures: Fig. 5 (accuracy against the caricature task's
 * weight) and the Fig. 6 and 7 grids (each strategy's task weights and losses over steps), each
 * line the mean over seeds with its 95 % Student-t band. */
#include "report-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* A task's line takes its task's colour. */
G_STATIC_ASSERT ((int) CARI_PLOT_ROLE_VERIF == CARI_TASK_VERIF
                 && (int) CARI_PLOT_ROLE_CARI == CARI_TASK_CARI
                 && (int) CARI_PLOT_ROLE_VISUAL == CARI_TASK_VISUAL);

/* A mean over seeds and its interval, point by point. */
typedef struct
{
  CariPlotSeries *mean, *low, *high;
} Banded;

static void
banded_init (Banded *b)
{
  b->mean = cari_plot_series_new (NULL);
  b->low = cari_plot_series_new (NULL);
  b->high = cari_plot_series_new (NULL);
}

static void
banded_clear (Banded *b)
{
  g_clear_pointer (&b->mean, cari_plot_series_free);
  g_clear_pointer (&b->low, cari_plot_series_free);
  g_clear_pointer (&b->high, cari_plot_series_free);
}

/* Appends the mean of the n values (NaN left out) at x, with its interval's ends. */
static void
banded_add (Banded *b, double x, const double *values, int n, double scale)
{
  CariInterval ci;
  cari_stats_interval (values, n, 0.95, &ci);
  if (ci.n == 0)
    return;
  CariPlotPoint mean = { x, x, ci.mean * scale };
  CariPlotPoint low = { x, x, ci.low * scale };
  CariPlotPoint high = { x, x, ci.high * scale };
  cari_plot_series_append (b->mean, &mean, 1);
  cari_plot_series_append (b->low, &low, 1);
  cari_plot_series_append (b->high, &high, 1);
}

static CariPlotLine
banded_line (const Banded *b, const char *label, CariPlotRole role, const CariPlotStyle *style)
{
  CariPlotLine line = { b->mean, label, { 0 }, CARI_PLOT_LINE_STYLE_SOLID, 0, b->low, b->high };
  cari_plot_style_series_color (style, role, 0, &line.color);
  return line;
}

/* --- Fig. 5 ----------------------------------------------------------------------------------- */

static int
compare_weight (gconstpointer a, gconstpointer b)
{
  const CariExperimentCell *x = *(const CariExperimentCell *const *) a;
  const CariExperimentCell *y = *(const CariExperimentCell *const *) b;
  return (x->cari_weight > y->cari_weight) - (x->cari_weight < y->cari_weight);
}

/* The protocol whose evaluations carry `metric` for any of `cells`: the experiment's own first,
 * then the others in table order; NULL when none has a value yet. */
static const char *
protocol_with (const CariExperimentSummary *summary, GPtrArray *cells, const char *metric)
{
  const CariExperimentDef *def = cari_experiment_summary_get_def (summary);
  for (int p = -1; p < CARI_N_PROTOCOLS; p++)
    {
      const char *protocol = p < 0 ? def->protocol : cari_protocol_names[p];
      for (guint c = 0; c < cells->len; c++)
        {
          const CariExperimentCell *cell = g_ptr_array_index (cells, c);
          int n = 0;
          g_autofree double *v = cari_experiment_summary_values (summary, cell->id, protocol,
                                                                 metric, &n);
          for (int s = 0; v != NULL && s < n; s++)
            if (isfinite (v[s]))
              return protocol;
        }
    }
  return NULL;
}

typedef struct
{
  CariPlotChart chart;
  CariPlotLine lines[CARI_N_TASKS];
  Banded banded[CARI_N_TASKS];
} Figure;

static void
figure_clear (Figure *f)
{
  for (int t = 0; t < CARI_N_TASKS; t++)
    banded_clear (&f->banded[t]);
}

gboolean
report_fig5 (ReportDoc *doc, const CariExperimentSummary *summary)
{
  const char *title = _("Fig. 5: accuracy against the caricature task's weight");
  report_doc_page (doc, title);
  GPtrArray *all = cari_experiment_summary_get_cells (summary);
  g_autoptr (GPtrArray) cells = g_ptr_array_new ();
  for (guint i = 0; i < all->len; i++)
    {
      const CariExperimentCell *c = g_ptr_array_index (all, i);
      if (g_strcmp0 (c->group, "fig5") == 0 && isfinite (c->cari_weight))
        g_ptr_array_add (cells, (gpointer) c);
    }
  if (cells->len == 0)
    {
      report_doc_missing (doc, _("This experiment's preset has no Fig. 5 sweep (the fig5 and "
                                 "paper presets have)."));
      return TRUE;
    }
  g_ptr_array_sort (cells, compare_weight);

  /* Per task, its closed-set accuracy on its own modality; verification's accuracy for verif. */
  static const char *const metrics[CARI_N_TASKS] = { "accuracy", "cari_id", "visual_id" };
  const char *labels[CARI_N_TASKS] = { _("verification accuracy"),
                                       _("caricature identification"),
                                       _("photo identification") };
  Figure f = { 0 };
  guint n_lines = 0;
  const char *protocols[CARI_N_TASKS] = { NULL };
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      protocols[t] = protocol_with (summary, cells, metrics[t]);
      if (protocols[t] == NULL)
        continue;
      banded_init (&f.banded[t]);
      for (guint c = 0; c < cells->len; c++)
        {
          const CariExperimentCell *cell = g_ptr_array_index (cells, c);
          int n = 0;
          g_autofree double *v = cari_experiment_summary_values (summary, cell->id, protocols[t],
                                                                 metrics[t], &n);
          if (v != NULL)
            banded_add (&f.banded[t], cell->cari_weight, v, n, 100);
        }
      f.lines[n_lines++] = banded_line (&f.banded[t], labels[t], (CariPlotRole) t, &doc->style);
    }
  if (n_lines == 0)
    {
      report_doc_missing (doc, _("No run of the Fig. 5 sweep is finished and evaluated yet."));
      figure_clear (&f);
      return TRUE;
    }
  g_autofree char *caption = g_strdup_printf (
    _("Each point is the mean over seeds of a static-weight run with the caricature task's "
      "weight on the x axis (the rest split equally between the other tasks; 1 is the single "
      "caricature task); the band is its 95 %% Student-t interval. Closed-set accuracies on the "
      "validation images of the training identities (protocol %s)."),
    protocols[CARI_TASK_CARI] != NULL ? protocols[CARI_TASK_CARI] : protocols[0]);
  report_doc_paragraph (doc, caption, 0, FALSE, 0);
  f.chart = (CariPlotChart) { .y_label = _("accuracy (%)"), .x_axis = CARI_PLOT_X_AXIS_STEP,
                              .x_label = _("weight of the caricature task"),
                              .lines = f.lines, .n_lines = n_lines, .device_scale = 1,
                              .x_lower = 0, .x_upper = 1 };
  double rect[4];
  report_doc_cell_rect (doc, 1, 1, 0, rect);
  report_doc_chart (doc, &f.chart, rect);
  figure_clear (&f);
  return TRUE;
}

/* --- Fig. 6 and 7 ----------------------------------------------------------------------------- */

static int
compare_step (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

/* For each task that has its metric under `prefix`, the mean and band over `runs` at each
 * step. */
static gboolean
seed_means (CariStore *store, const gint64 *runs, int n_runs, const char *prefix, Figure *f,
            GError **error)
{
  gboolean ok = TRUE;
  /* step → values by seed, per task */
  GHashTable *by_step[CARI_N_TASKS];
  for (int t = 0; t < CARI_N_TASKS; t++)
    by_step[t] = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  for (int s = 0; ok && s < n_runs; s++)
    {
      if (runs[s] <= 0)
        continue;
      g_autoptr (GArray) rows = cari_store_metrics_with_prefix (store, runs[s], prefix, error);
      ok = rows != NULL;
      for (guint i = 0; ok && i < rows->len; i++)
        {
          const CariMetricRow *row = &g_array_index (rows, CariMetricRow, i);
          CariTask task;
          if (!cari_task_from_string (row->key + strlen (prefix), &task, NULL))
            continue;
          double *values = g_hash_table_lookup (by_step[task], &row->step);
          if (values == NULL)
            {
              values = g_new (double, n_runs);
              for (int k = 0; k < n_runs; k++)
                values[k] = NAN;
              g_hash_table_insert (by_step[task], g_memdup2 (&row->step, sizeof row->step),
                                   values);
            }
          values[s] = row->value;
        }
    }
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      guint n = 0;
      g_autofree gpointer *keys = g_hash_table_get_keys_as_array (by_step[t], &n);
      if (n == 0)
        continue;
      gint64 *steps = g_new (gint64, n);
      for (guint i = 0; i < n; i++)
        steps[i] = *(gint64 *) keys[i];
      qsort (steps, n, sizeof *steps, compare_step);
      banded_init (&f->banded[t]);
      for (guint i = 0; i < n; i++)
        banded_add (&f->banded[t], (double) steps[i],
                    g_hash_table_lookup (by_step[t], &steps[i]), n_runs, 1);
      g_free (steps);
    }
  for (int t = 0; t < CARI_N_TASKS; t++)
    g_hash_table_unref (by_step[t]);
  return ok;
}

/* One panel: the tasks' metric under `prefix` over steps, mean over `runs` with bands. */
static gboolean
training_panel (ReportDoc *doc, CariStore *store, const gint64 *runs, int n_runs,
                const char *title, gboolean losses, const double rect[4], GError **error)
{
  Figure f = { 0 };
  guint n_lines = 0;
  if (!seed_means (store, runs, n_runs, losses ? "loss/" : "weight/", &f, error))
    {
      figure_clear (&f);
      return FALSE;
    }
  for (int t = 0; t < CARI_N_TASKS; t++)
    if (f.banded[t].mean != NULL)
      f.lines[n_lines++] = banded_line (&f.banded[t], cari_task_names[t], (CariPlotRole) t,
                                        &doc->style);
  f.chart = (CariPlotChart) { .title = title, .y_label = losses ? _("loss") : _("weight"),
                              .x_axis = CARI_PLOT_X_AXIS_STEP, .lines = f.lines,
                              .n_lines = n_lines, .device_scale = 1 };
  if (!cari_plot_chart_x_range (f.lines, n_lines, CARI_PLOT_X_AXIS_STEP, &f.chart.x_lower,
                                &f.chart.x_upper))
    f.chart.x_upper = 1;
  if (f.chart.x_upper <= f.chart.x_lower)
    f.chart.x_upper = f.chart.x_lower + 1;
  report_doc_chart (doc, &f.chart, rect);
  figure_clear (&f);
  return TRUE;
}

/* One group's grid: a row of weights panels and a row of losses panels, one column per cell
 * (three columns at most; a group of more cells takes a page for each kind). */
static gboolean
group_grid (ReportDoc *doc, CariStore *store, const CariExperimentSummary *summary,
            const char *group, GPtrArray *cells, GError **error)
{
  int columns = MIN ((int) cells->len, 3);
  int rows_per_kind = ((int) cells->len + columns - 1) / columns;
  gboolean one_page = rows_per_kind == 1;
  /* TRANSLATORS: a report page's title; %s is the grid's group (fig6 or table2) */
  g_autofree char *title = g_strdup_printf (_("Fig. 6/7 (%s): task weights and losses per "
                                              "strategy"), group);
  for (int kind = 0; kind < 2; kind++)
    {
      if (kind == 0 || !one_page)
        {
          report_doc_page (doc, title);
          /* xgettext:no-c-format */
          report_doc_paragraph (doc, _("Each line is a task's mean over the seeds at each step; "
                                       "the band is its 95 % Student-t interval (none where "
                                       "fewer than two seeds have the step)."),
                                0, FALSE, 0);
        }
      for (guint c = 0; c < cells->len; c++)
        {
          const CariExperimentCell *cell = g_ptr_array_index (cells, c);
          int n_seeds = 0;
          const gint64 *runs = cari_experiment_summary_get_runs (summary, cell->id, &n_seeds);
          int index = (int) c + (one_page ? kind * columns : 0);
          double rect[4];
          report_doc_cell_rect (doc, columns, one_page ? 2 : rows_per_kind, index, rect);
          g_autofree char *panel = g_strdup_printf ("%s — %s", cell->label,
                                                    kind == 0 ? _("weights") : _("losses"));
          if (!training_panel (doc, store, runs, n_seeds, panel, kind == 1, rect, error))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
report_training_grids (ReportDoc *doc, CariStore *store, const CariExperimentSummary *summary,
                       GError **error)
{
  static const char *const groups[] = { "fig6", "table2" };
  GPtrArray *all = cari_experiment_summary_get_cells (summary);
  gboolean any = FALSE;
  for (size_t g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      g_autoptr (GPtrArray) cells = g_ptr_array_new ();
      for (guint i = 0; i < all->len; i++)
        {
          const CariExperimentCell *c = g_ptr_array_index (all, i);
          if (g_strcmp0 (c->group, groups[g]) == 0)
            g_ptr_array_add (cells, (gpointer) c);
        }
      if (cells->len == 0)
        continue;
      any = TRUE;
      report_progress (doc, _("Reading the task weights and losses of group %s"), groups[g]);
      if (!group_grid (doc, store, summary, groups[g], cells, error))
        return FALSE;
    }
  if (!any)
    {
      report_doc_page (doc, _("Fig. 6/7: task weights and losses per strategy"));
      report_doc_missing (doc, _("This experiment's preset has no strategies to compare over "
                                 "steps (the fig6, table2 and paper presets have)."));
    }
  return TRUE;
}

gboolean
report_run_curves (ReportDoc *doc, CariStore *store, gint64 run, GError **error)
{
  report_doc_page (doc, _("Task weights and losses"));
  for (int kind = 0; kind < 2; kind++)
    {
      double rect[4];
      report_doc_cell_rect (doc, 1, 2, kind, rect);
      if (!training_panel (doc, store, &run, 1, kind == 0 ? _("Task weights") : _("Task losses"),
                           kind == 1, rect, error))
        return FALSE;
    }
  return TRUE;
}
