/* lab-experiment-data.c — the Experiments page's reads of the store (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-experiment-data.h"
#include "lab-store-gateway.h"

#define LEVEL 0.95

static void
seed_line_clear (LabSeedLine *line)
{
  g_free (line->x);
  g_free (line->mean);
  g_free (line->low);
  g_free (line->high);
  memset (line, 0, sizeof *line);
}

static void
seed_line_alloc (LabSeedLine *line, int n)
{
  line->n = n;
  line->x = g_new0 (double, MAX (n, 1));
  line->mean = g_new0 (double, MAX (n, 1));
  line->low = g_new0 (double, MAX (n, 1));
  line->high = g_new0 (double, MAX (n, 1));
}

/* Point i of `line`: x and the interval of the n values (NaN ones left out). */
static void
seed_line_set (LabSeedLine *line, int i, double x, const double *values, int n, double scale)
{
  CariInterval in;
  cari_stats_interval (values, n, LEVEL, &in);
  line->x[i] = x;
  line->mean[i] = in.mean * scale;
  line->low[i] = in.low * scale;
  line->high[i] = in.high * scale;
}

static void
weights_free (LabExperimentWeights *w)
{
  g_free (w->cell);
  g_free (w->title);
  for (int t = 0; t < CARI_N_TASKS; t++)
    seed_line_clear (&w->tasks[t]);
  g_free (w);
}

void
lab_experiment_results_free (LabExperimentResults *results)
{
  if (results == NULL)
    return;
  g_free (results->name);
  g_free (results->preset);
  g_clear_pointer (&results->tables, g_ptr_array_unref);
  g_clear_pointer (&results->claims, g_ptr_array_unref);
  g_clear_pointer (&results->weights, g_ptr_array_unref);
  seed_line_clear (&results->fig5);
  g_free (results);
}

char *
lab_experiment_preset_of (const char *definition)
{
  g_autoptr (CariExperimentDef) def = definition != NULL
                                        ? cari_experiment_def_from_text (definition, NULL)
                                        : NULL;
  return def != NULL ? g_strdup (def->preset) : NULL;
}

/* ------------------------------------------------------------------------------ jobs */

void
lab_experiment_list_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *list = cari_store_list_experiments (store, &error);
  lab_store_job_return (task, list, (GDestroyNotify) g_ptr_array_unref, error);
}

void
lab_experiment_runs_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GArray *runs = cari_store_list_experiment_runs (store, *(gint64 *) data, &error);
  lab_store_job_return (task, runs, (GDestroyNotify) g_array_unref, error);
}

/* Fig. 5: the caricature identification accuracy of each static weight, over seeds. */
static void
read_fig5 (const CariExperimentSummary *summary, LabSeedLine *line)
{
  GPtrArray *cells = cari_experiment_summary_get_cells (summary);
  int n = 0;
  for (guint i = 0; i < cells->len; i++)
    n += g_str_equal (((CariExperimentCell *) cells->pdata[i])->group, "fig5");
  if (n == 0)
    return;
  seed_line_alloc (line, n);
  int k = 0;
  for (guint i = 0; i < cells->len; i++)
    {
      const CariExperimentCell *cell = cells->pdata[i];
      if (!g_str_equal (cell->group, "fig5"))
        continue;
      int n_seeds = 0;
      g_autofree double *v = cari_experiment_summary_values (summary, cell->id, NULL, "cari_id",
                                                             &n_seeds);
      seed_line_set (line, k++, cell->cari_weight, v, n_seeds, 100.0);
    }
}

/* One task's weight of each seed's run, by step (NaN where a seed has none). Returns the seeds
 * that have any (a run still training included). */
static int
read_weights (CariStore *store, const gint64 *runs, int n_seeds, LabExperimentWeights *w)
{
  int with_rows = 0;
  g_autoptr (GPtrArray) by_seed = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  gint64 last = -1;
  for (int k = 0; k < n_seeds; k++)
    {
      GArray *rows = runs[k] > 0 ? cari_store_metrics_with_prefix (store, runs[k], "weight/",
                                                                   NULL)
                                 : NULL;
      g_ptr_array_add (by_seed, rows != NULL ? rows : g_array_new (FALSE, FALSE, 1));
      with_rows += rows != NULL && rows->len > 0;
      for (guint r = 0; rows != NULL && r < rows->len; r++)
        last = MAX (last, g_array_index (rows, CariMetricRow, r).step);
    }
  if (last < 0)
    return with_rows;
  /* values[(task * (last + 1) + step) * n_seeds + seed] */
  gsize n_steps = (gsize) last + 1;
  g_autofree double *values = g_new (double, CARI_N_TASKS * n_steps * n_seeds);
  for (gsize i = 0; i < CARI_N_TASKS * n_steps * n_seeds; i++)
    values[i] = NAN;
  gboolean has[CARI_N_TASKS] = { FALSE };
  g_autofree gboolean *seen = g_new0 (gboolean, n_steps);
  for (int k = 0; k < n_seeds; k++)
    {
      GArray *rows = by_seed->pdata[k];
      for (guint r = 0; rows->len > 0 && r < rows->len; r++)
        {
          const CariMetricRow *row = &g_array_index (rows, CariMetricRow, r);
          for (int t = 0; t < CARI_N_TASKS; t++)
            if (row->step >= 0 && g_str_equal (row->key, cari_metric_key_weight (t)))
              {
                values[((gsize) t * n_steps + (gsize) row->step) * n_seeds + k] = row->value;
                has[t] = TRUE;
                seen[row->step] = TRUE;
              }
        }
    }
  int n = 0;
  for (gsize s = 0; s < n_steps; s++)
    n += seen[s];
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      if (!has[t])
        continue;
      seed_line_alloc (&w->tasks[t], n);
      int i = 0;
      for (gsize s = 0; s < n_steps; s++)
        if (seen[s])
          seed_line_set (&w->tasks[t], i++, (double) s,
                         values + ((gsize) t * n_steps + s) * n_seeds, n_seeds, 1.0);
    }
  return with_rows;
}

/* Fig. 6 and Fig. 7: the task weights of each multi-task cell that learns them. */
static GPtrArray *
read_all_weights (CariStore *store, const CariExperimentSummary *summary)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) weights_free);
  GPtrArray *cells = cari_experiment_summary_get_cells (summary);
  for (guint i = 0; i < cells->len; i++)
    {
      const CariExperimentCell *cell = cells->pdata[i];
      if (!g_str_equal (cell->strategy, "proposed") && !g_str_equal (cell->strategy, "naive"))
        continue;
      int n_seeds = 0;
      const gint64 *runs = cari_experiment_summary_get_runs (summary, cell->id, &n_seeds);
      LabExperimentWeights *w = g_new0 (LabExperimentWeights, 1);
      w->cell = g_strdup (cell->id);
      const char *figure = g_str_equal (cell->group, "fig6") ? _("Fig. 6") : _("Fig. 7");
      /* The seeds drawn: those whose runs have weights yet ("4 of 11 seeds" until all do). */
      int drawn = runs != NULL ? read_weights (store, runs, n_seeds, w) : 0;
      w->title = drawn == n_seeds
                   ? g_strdup_printf (ngettext ("%s — %s (%d seed)", "%s — %s (%d seeds)",
                                                n_seeds),
                                      figure, cell->label, n_seeds)
                   : g_strdup_printf (ngettext ("%s — %s (%d of %d seed)",
                                                "%s — %s (%d of %d seeds)", n_seeds),
                                      figure, cell->label, drawn, n_seeds);
      g_ptr_array_add (out, w);
    }
  return out;
}

void
lab_experiment_results_job (GTask *task, CariStore *store, gpointer data,
                            GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr (CariExperimentSummary) summary = cari_experiment_summarize (store, *(gint64 *) data,
                                                                         &error);
  if (summary == NULL)
    {
      lab_store_job_return (task, NULL, NULL, error);
      return;
    }
  LabExperimentResults *r = g_new0 (LabExperimentResults, 1);
  r->experiment = *(gint64 *) data;
  r->name = g_strdup (cari_experiment_summary_get_name (summary));
  r->preset = g_strdup (cari_experiment_summary_get_def (summary)->preset);
  r->n_runs = cari_experiment_summary_get_n_runs (summary);
  r->n_done = cari_experiment_summary_get_n_done (summary);
  r->tables = cari_experiment_summary_tables (summary);
  r->claims = cari_experiment_summary_claims (summary);
  read_fig5 (summary, &r->fig5);
  r->weights = read_all_weights (store, summary);
  lab_store_job_return (task, r, (GDestroyNotify) lab_experiment_results_free, NULL);
}
