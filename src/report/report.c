/* report.c — the report of an experiment or of one run: the document's order, its first page
 * (what was run, what is held fixed, on what machine) and its tables. */
#include "report-private.h"
#include "report-vcs.h"

#include <glib/gi18n.h>
#include <string.h>

static const CariReportOptions default_options = { 0 };

char *
cari_report_table_path (const char *output, int number)
{
  g_autofree char *stem = g_str_has_suffix (output, ".pdf") || g_str_has_suffix (output, ".PDF")
                            ? g_strndup (output, strlen (output) - 4)
                            : g_strdup (output);
  return g_strdup_printf ("%s-table-%d.csv", stem, number);
}

/* The processor's model name, as /proc/cpuinfo gives it (NULL when it does not). */
static char *
cpu_model (void)
{
  g_autofree char *info = NULL;
  if (!g_file_get_contents ("/proc/cpuinfo", &info, NULL, NULL))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (info, "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "model name"))
      {
        const char *colon = strchr (lines[i], ':');
        if (colon != NULL)
          return g_strstrip (g_strdup (colon + 1));
      }
  return NULL;
}

/* The data set's fingerprint as the store has it, or why there is none. */
static char *
dataset_fingerprint (CariStore *store, const char *name)
{
  g_autoptr (GPtrArray) sets = cari_store_list_datasets (store, NULL);
  for (guint i = 0; sets != NULL && i < sets->len; i++)
    {
      const CariDatasetInfo *d = g_ptr_array_index (sets, i);
      if (g_strcmp0 (d->name, name) == 0)
        return d->fingerprint != NULL ? g_strdup_printf ("%s (%s)", d->fingerprint, name)
                                      : g_strdup_printf (_("none recorded (%s)"), name);
    }
  return g_strdup_printf (_("“%s” is not imported yet"), name);
}

/* The machine and the build the report was made with. */
static void
environment (ReportDoc *doc, CariStore *store, const char *dataset)
{
  g_autofree char *cpu = cpu_model ();
  g_autofree char *blas = cari_blas_describe ();
  g_autofree char *threads = g_strdup_printf ("%d", cari_parallel_get_threads ());
  g_autofree char *fingerprint = dataset != NULL ? dataset_fingerprint (store, dataset) : NULL;
  const char *keys[] = { _("CariLab"), _("Git commit"), _("Processor"), _("Linear algebra"),
                         _("Threads"), _("Data set fingerprint") };
  const char *values[] = { cari_version (),
                           strcmp (CARI_REPORT_VCS, "unknown") != 0
                             ? CARI_REPORT_VCS
                             : _("not known to this build"),
                           cpu != NULL ? cpu : _("not known"), blas, threads,
                           fingerprint != NULL ? fingerprint : _("no data set") };
  report_doc_paragraph (doc, _("Environment"), 11, TRUE, 0);
  report_doc_pairs (doc, keys, values, G_N_ELEMENTS (keys));
}

/* A configuration or definition text's "key = value" lines as rows, each key "group.key" when
 * `qualify` (a run's configuration has a name in two groups). */
static void
key_values (ReportDoc *doc, const char *text, gboolean qualify)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *group = NULL;
  for (int i = 0; lines[i] != NULL; i++)
    {
      const char *eq = strchr (lines[i], '=');
      if (lines[i][0] == '[' && qualify)
        {
          g_free (group);
          group = g_strndup (lines[i] + 1, strcspn (lines[i] + 1, "]"));
        }
      if (eq == NULL || lines[i][0] == '#' || lines[i][0] == '[')
        continue;
      g_autofree char *key = g_strstrip (g_strndup (lines[i], (gsize) (eq - lines[i])));
      g_ptr_array_add (keys, group != NULL ? g_strconcat (group, ".", key, NULL)
                                           : g_steal_pointer (&key));
      g_ptr_array_add (values, g_strstrip (g_strdup (eq + 1)));
    }
  report_doc_pairs (doc, (const char *const *) keys->pdata, (const char *const *) values->pdata,
                    (int) keys->len);
}

int
report_seed_index (ReportDoc *doc, const CariExperimentSummary *summary)
{
  const CariExperimentDef *def = cari_experiment_summary_get_def (summary);
  if (!doc->options->has_seed)
    return 0;
  if (doc->options->seed < def->first_seed)
    return -1;
  guint64 index = doc->options->seed - def->first_seed;
  return index < (guint64) MAX (def->seeds, def->secondary_seeds) ? (int) index : -1;
}

const CariExperimentCell *
report_find_cell (const CariExperimentSummary *summary, const char *strategy, const char *task)
{
  GPtrArray *cells = cari_experiment_summary_get_cells (summary);
  const CariExperimentCell *found = NULL;
  for (guint i = 0; i < cells->len; i++)
    {
      const CariExperimentCell *c = g_ptr_array_index (cells, i);
      if (g_strcmp0 (c->strategy, strategy) != 0 || (task != NULL && g_strcmp0 (c->task, task)))
        continue;
      if (g_strcmp0 (c->group, "table2") == 0)
        return c;
      if (found == NULL)
        found = c;
    }
  return found;
}

/* Page 1: the experiment, its definition, what is held fixed, the environment. */
static void
definition_page (ReportDoc *doc, CariStore *store, const CariExperimentSummary *summary)
{
  const CariExperimentDef *def = cari_experiment_summary_get_def (summary);
  g_autofree char *title = g_strdup_printf (_("Experiment “%s”"),
                                            cari_experiment_summary_get_name (summary));
  report_doc_page (doc, title);

  g_autoptr (CariRunInfo) pretrain = cari_store_get_run (
    store, cari_experiment_summary_get_pretrain_run (summary), NULL);
  g_autofree char *runs = g_strdup_printf (_("%d of %d finished and evaluated"),
                                           cari_experiment_summary_get_n_done (summary),
                                           cari_experiment_summary_get_n_runs (summary));
  g_autofree char *seeds = g_strdup_printf (
    _("%d for proposed and naive, %d for every other cell, from seed %llu"),
    def->seeds, def->secondary_seeds, (unsigned long long) def->first_seed);
  g_autofree char *fixed = g_strdup_printf (
    _("the shared pretraining run “%s”, the data set “%s”, protocol %s fold %d; the seed is the "
      "unit of replication"),
    pretrain != NULL ? pretrain->name : "–", def->dataset, def->protocol, def->fold);
  const char *keys[] = { _("Preset"), _("Runs"), _("Seeds"), _("Held fixed") };
  const char *values[] = { def->preset, runs, seeds, fixed };
  report_doc_pairs (doc, keys, values, G_N_ELEMENTS (keys));

  report_doc_paragraph (doc, _("Definition"), 11, TRUE, 0);
  g_autofree char *text = cari_experiment_def_to_text (def);
  key_values (doc, text, FALSE);
  environment (doc, store, def->dataset);
}

/* The tables, each on the page while it fits; none yet is said. */
static gboolean
tables_pages (ReportDoc *doc, GPtrArray *tables, GError **error)
{
  report_doc_page (doc, _("Tables"));
  if (tables == NULL || tables->len == 0)
    {
      report_doc_missing (doc, _("No table yet: no run of the experiment is finished and "
                                 "evaluated."));
      return TRUE;
    }
  for (guint i = 0; i < tables->len; i++)
    if (!report_doc_table (doc, g_ptr_array_index (tables, i), error))
      return FALSE;
  g_autofree char *where = cari_report_table_path (doc->output, 1);
  g_autofree char *said
    = tables->len == 1
        ? g_strdup_printf (_("This table is also written as CSV: %s."), where)
        /* TRANSLATORS: the number of tables, and the first one's file */
        : g_strdup_printf (_("These %u tables are also written as CSV: %s and the files "
                             "numbered after it."),
                           tables->len, where);
  report_doc_missing (doc, said);
  return TRUE;
}

static gboolean
experiment_pages (ReportDoc *doc, CariStore *store, const CariExperimentSummary *summary,
                  GError **error)
{
  report_progress (doc, _("Page 1: the definition and the environment"));
  definition_page (doc, store, summary);
  report_progress (doc, _("The tables"));
  g_autoptr (GPtrArray) tables = cari_experiment_summary_tables (summary);
  if (!tables_pages (doc, tables, error))
    return FALSE;
  report_progress (doc, _("Fig. 5"));
  if (!report_fig5 (doc, summary))
    return FALSE;
  report_progress (doc, _("Fig. 6 and 7: task weights and losses per strategy"));
  if (!report_training_grids (doc, store, summary, error))
    return FALSE;
  report_progress (doc, _("Fig. 2: the t-SNE views"));
  report_fig2 (doc, store, summary);
  report_progress (doc, _("Fig. 8: the hardest error pairs"));
  if (!report_fig8 (doc, store, summary, error))
    return FALSE;
  report_progress (doc, _("The claims"));
  report_claims (doc, summary);
  return TRUE;
}

gboolean
cari_report_experiment (CariStore *store, gint64 experiment, const char *output,
                        const CariReportOptions *options, int *n_pages, int *n_tables,
                        GError **error)
{
  if (options == NULL)
    options = &default_options;
  g_autoptr (CariExperimentSummary) summary = cari_experiment_summarize (store, experiment, error);
  if (summary == NULL)
    return FALSE;
  const char *name = cari_experiment_summary_get_name (summary);
  g_autofree char *title = g_strdup_printf (_("CariLab report: experiment %s"), name);
  ReportDoc doc;
  if (!report_doc_open (&doc, output, title, title, options, error))
    return FALSE;
  gboolean ok = experiment_pages (&doc, store, summary, error);
  return report_doc_close (&doc, ok, n_pages, n_tables, ok ? error : NULL);
}

/* The tables of a run's evaluations at their newest step. */
static gboolean
run_tables (ReportDoc *doc, CariStore *store, const CariRunInfo *info, GError **error)
{
  g_autoptr (GPtrArray) evaluations = cari_store_list_evaluations (store, info->id, error);
  if (evaluations == NULL)
    return FALSE;
  gint64 step = -1;
  for (guint i = 0; i < evaluations->len; i++)
    step = MAX (step, ((CariEvalInfo *) g_ptr_array_index (evaluations, i))->step);
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func (
    (GDestroyNotify) cari_eval_result_free);
  for (guint i = 0; i < evaluations->len; i++)
    {
      const CariEvalInfo *e = g_ptr_array_index (evaluations, i);
      if (e->step != step)
        continue;
      CariEvalResult *result = cari_store_load_evaluation (store, e->id, error);
      if (result == NULL)
        return FALSE;
      g_ptr_array_add (results, result);
    }
  CariTableRow row = { info->name, results };
  g_autoptr (GPtrArray) tables = results->len > 0 ? cari_paper_tables (&row, 1) : NULL;
  return tables_pages (doc, tables, error);
}

gboolean
cari_report_run (CariStore *store, gint64 run, const char *output,
                 const CariReportOptions *options, int *n_pages, int *n_tables, GError **error)
{
  if (options == NULL)
    options = &default_options;
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, error);
  if (info == NULL)
    return FALSE;
  g_autoptr (CariRunConfig) config = cari_run_config_new (info->config, error);
  if (config == NULL)
    return FALSE;
  g_autofree char *title = g_strdup_printf (_("CariLab report: run %s"), info->name);
  ReportDoc doc;
  if (!report_doc_open (&doc, output, title, title, options, error))
    return FALSE;

  report_progress (&doc, _("Page 1: the run's definition and the environment"));
  g_autofree char *heading = g_strdup_printf (_("Run “%s”"), info->name);
  report_doc_page (&doc, heading);
  g_autofree char *steps = g_strdup_printf ("%" G_GINT64_FORMAT, info->last_step);
  const char *keys[] = { _("Status"), _("Last step"), _("Seed") };
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, info->seed);
  const char *values[] = { cari_run_status_to_string (info->status),
                           info->last_step >= 0 ? steps : "–", seed };
  report_doc_pairs (&doc, keys, values, G_N_ELEMENTS (keys));
  report_doc_paragraph (&doc, _("Configuration"), 11, TRUE, 0);
  key_values (&doc, info->config, TRUE);
  environment (&doc, store, config->dataset);

  report_progress (&doc, _("The task weights and losses"));
  gboolean ok = report_run_curves (&doc, store, run, error);
  if (ok)
    {
      report_progress (&doc, _("The tables"));
      ok = run_tables (&doc, store, info, error);
    }
  return report_doc_close (&doc, ok, n_pages, n_tables, ok ? error : NULL);
}
