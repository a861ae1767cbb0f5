/* experiment-summary.c — an experiment's results over seeds: the per-seed figures of each cell,
 * the tables of means with their Student-t intervals, and the verdicts on the paper's claims
 * (docs/reproduction.md, docs/statistics.md). */
#include "launch/experiment.h"

#include "core/error.h"
#include "core/i18n.h"

#include <math.h>
#include <string.h>

#define LEVEL 0.95

/* Training figures a cell's runs give besides their evaluations: the mean weight of each task over
 * the first quarter of the steps ("train:weight/cari@early"). */
#define EARLY_PREFIX "train:"
#define EARLY_SUFFIX "@early"

typedef double TaskWeights[CARI_N_TASKS];

typedef struct
{
  int n;                /* seeds */
  gint64 *runs;         /* by seed index; 0 when none */
  gboolean *done;       /* finished and evaluated */
  GPtrArray **results;  /* of CariEvalResult *, per seed; NULL when not done */
  GArray **evaluations; /* of gint64, per seed; NULL when not done */
  TaskWeights *early;   /* per seed; NaN when unknown */
} CellRuns;

struct _CariExperimentSummary
{
  char *name;
  CariExperimentDef *def;
  GPtrArray *cells;
  gint64 pretrain_run;
  char *pretrain_name;
  int n_runs, n_done;
  GHashTable *by_cell; /* cell id -> CellRuns * */
  GHashTable *done;    /* run id (gint64 *) set */
};

static void
cell_runs_free (CellRuns *c)
{
  for (int s = 0; s < c->n; s++)
    {
      if (c->results[s] != NULL)
        g_ptr_array_unref (c->results[s]);
      if (c->evaluations[s] != NULL)
        g_array_unref (c->evaluations[s]);
    }
  g_free (c->runs);
  g_free (c->done);
  g_free (c->results);
  g_free (c->evaluations);
  g_free (c->early);
  g_free (c);
}

void
cari_experiment_summary_free (CariExperimentSummary *s)
{
  if (s == NULL)
    return;
  g_free (s->name);
  cari_experiment_def_free (s->def);
  g_ptr_array_unref (s->cells);
  g_free (s->pretrain_name);
  g_hash_table_unref (s->by_cell);
  g_hash_table_unref (s->done);
  g_free (s);
}

/* The saved evaluations of a run at `step`, their figures loaded (not their pair scores). */
static gboolean
load_results (CariStore *store, gint64 run, gint64 step, GPtrArray **results, GArray **ids,
              GError **error)
{
  g_autoptr (GPtrArray) infos = cari_store_list_evaluations (store, run, error);
  if (infos == NULL)
    return FALSE;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (
    (GDestroyNotify) cari_eval_result_free);
  g_autoptr (GArray) out_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  /* Newest first in the store: oldest first here, which is the order they were saved in. */
  for (guint i = infos->len; i-- > 0;)
    {
      const CariEvalInfo *e = infos->pdata[i];
      if (e->step != step)
        continue;
      CariEvalResult *r = cari_store_load_evaluation_metrics (store, e->id, error);
      if (r == NULL)
        return FALSE;
      g_ptr_array_add (out, r);
      g_array_append_val (out_ids, e->id);
    }
  *results = g_steal_pointer (&out);
  *ids = g_steal_pointer (&out_ids);
  return TRUE;
}

/* Each task's mean weight over the first quarter of a run's steps. */
static gboolean
load_early_weights (CariStore *store, gint64 run, int steps, double early[CARI_N_TASKS],
                    GError **error)
{
  g_autoptr (GArray) rows = cari_store_metrics_with_prefix (store, run, "weight/", error);
  if (rows == NULL)
    return FALSE;
  double sum[CARI_N_TASKS] = { 0 };
  int count[CARI_N_TASKS] = { 0 };
  for (guint i = 0; i < rows->len; i++)
    {
      const CariMetricRow *m = &g_array_index (rows, CariMetricRow, i);
      if (m->step > MAX (1, steps / 4) || !isfinite (m->value))
        continue;
      for (int t = 0; t < CARI_N_TASKS; t++)
        if (g_strcmp0 (m->key, cari_metric_key_weight ((CariTask) t)) == 0)
          {
            sum[t] += m->value;
            count[t]++;
          }
    }
  for (int t = 0; t < CARI_N_TASKS; t++)
    early[t] = count[t] > 0 ? sum[t] / count[t] : NAN;
  return TRUE;
}

CariExperimentSummary *
cari_experiment_summarize (CariStore *store, gint64 experiment, GError **error)
{
  g_autoptr (CariExperimentInfo) info = cari_store_get_experiment (store, experiment, error);
  if (info == NULL)
    return NULL;
  g_autoptr (CariExperimentDef) def = cari_experiment_def_from_text (info->definition, error);
  if (def == NULL)
    {
      g_prefix_error (error, _("Experiment “%s”: "), info->name);
      return NULL;
    }
  g_autoptr (GArray) places = cari_store_list_experiment_runs (store, experiment, error);
  if (places == NULL)
    return NULL;

  g_autoptr (CariExperimentSummary) s = g_new0 (CariExperimentSummary, 1);
  s->name = g_strdup (info->name);
  s->cells = cari_experiment_cells (def);
  s->def = g_steal_pointer (&def);
  s->by_cell = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) cell_runs_free);
  s->done = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint c = 0; c < s->cells->len; c++)
    {
      const CariExperimentCell *cell = s->cells->pdata[c];
      CellRuns *cr = g_new0 (CellRuns, 1);
      cr->n = cell->seeds;
      cr->runs = g_new0 (gint64, MAX (cr->n, 1));
      cr->done = g_new0 (gboolean, MAX (cr->n, 1));
      cr->results = g_new0 (GPtrArray *, MAX (cr->n, 1));
      cr->evaluations = g_new0 (GArray *, MAX (cr->n, 1));
      cr->early = g_new (TaskWeights, MAX (cr->n, 1));
      for (int k = 0; k < MAX (cr->n, 1); k++)
        for (int t = 0; t < CARI_N_TASKS; t++)
          cr->early[k][t] = NAN;
      g_hash_table_insert (s->by_cell, cell->id, cr);
    }

  s->n_runs = (int) places->len;
  for (guint i = 0; i < places->len; i++)
    {
      const CariExperimentRun *p = &g_array_index (places, CariExperimentRun, i);
      g_autoptr (CariRunInfo) run = cari_store_get_run (store, p->run, error);
      if (run == NULL)
        return NULL;
      if (g_strcmp0 (p->cell, CARI_EXPERIMENT_PRETRAIN) == 0)
        {
          s->pretrain_run = p->run;
          g_free (s->pretrain_name);
          s->pretrain_name = g_strdup (run->name);
          s->n_runs--;
          continue;
        }
      CellRuns *cr = g_hash_table_lookup (s->by_cell, p->cell);
      gint64 k = (gint64) (p->seed - s->def->first_seed);
      if (cr == NULL || k < 0 || k >= cr->n)
        continue; /* a place the definition does not have (edited by hand): left out */
      cr->runs[k] = p->run;
      if (run->status != CARI_RUN_FINISHED || p->evaluated_step < 0)
        continue;
      if (!load_results (store, p->run, p->evaluated_step, &cr->results[k], &cr->evaluations[k],
                         error)
          || !load_early_weights (store, p->run, s->def->steps, cr->early[k], error))
        return NULL;
      cr->done[k] = TRUE;
      s->n_done++;
      g_hash_table_add (s->done, g_memdup2 (&p->run, sizeof p->run));
    }
  return g_steal_pointer (&s);
}

const char *
cari_experiment_summary_get_name (const CariExperimentSummary *s)
{
  return s->name;
}

const CariExperimentDef *
cari_experiment_summary_get_def (const CariExperimentSummary *s)
{
  return s->def;
}

int
cari_experiment_summary_get_n_runs (const CariExperimentSummary *s)
{
  return s->n_runs;
}

int
cari_experiment_summary_get_n_done (const CariExperimentSummary *s)
{
  return s->n_done;
}

GPtrArray *
cari_experiment_summary_get_cells (const CariExperimentSummary *s)
{
  return s->cells;
}

gint64
cari_experiment_summary_get_pretrain_run (const CariExperimentSummary *s)
{
  return s->pretrain_run;
}

const gint64 *
cari_experiment_summary_get_runs (const CariExperimentSummary *s, const char *cell, int *n_seeds)
{
  CellRuns *cr = g_hash_table_lookup (s->by_cell, cell);
  if (n_seeds != NULL)
    *n_seeds = cr != NULL ? cr->n : 0;
  return cr != NULL ? cr->runs : NULL;
}

gboolean
cari_experiment_summary_run_done (const CariExperimentSummary *s, gint64 run)
{
  return g_hash_table_contains (s->done, &run);
}

GArray *
cari_experiment_summary_get_evaluations (const CariExperimentSummary *s, gint64 run)
{
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, s->by_cell);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      CellRuns *cr = value;
      for (int k = 0; k < cr->n; k++)
        if (cr->runs[k] == run && cr->evaluations[k] != NULL)
          return g_array_ref (cr->evaluations[k]);
    }
  return NULL;
}

/* One seed's figure: a metric of its evaluation of `protocol` (NULL: the first evaluation that
 * has it), or a training figure. */
static double
seed_value (const CellRuns *cr, int k, const char *protocol, const char *metric)
{
  if (!cr->done[k])
    return NAN;
  if (g_str_has_prefix (metric, EARLY_PREFIX "weight/") && g_str_has_suffix (metric, EARLY_SUFFIX))
    {
      g_autofree char *task = g_strndup (metric + strlen (EARLY_PREFIX "weight/"),
                                         strlen (metric) - strlen (EARLY_PREFIX "weight/")
                                           - strlen (EARLY_SUFFIX));
      CariTask t;
      return cari_task_from_string (task, &t, NULL) ? cr->early[k][t] : NAN;
    }
  for (guint i = 0; i < cr->results[k]->len; i++)
    {
      const CariEvalResult *r = cr->results[k]->pdata[i];
      if (protocol != NULL && g_strcmp0 (r->protocol, protocol) != 0)
        continue;
      const CariEvalMetric *m = cari_eval_result_get (r, metric);
      if (m != NULL)
        return m->value;
    }
  return NAN;
}

double *
cari_experiment_summary_values (const CariExperimentSummary *s, const char *cell,
                                const char *protocol, const char *metric, int *n_seeds)
{
  CellRuns *cr = g_hash_table_lookup (s->by_cell, cell);
  if (n_seeds != NULL)
    *n_seeds = cr != NULL ? cr->n : 0;
  if (cr == NULL)
    return NULL;
  double *v = g_new (double, MAX (cr->n, 1));
  for (int k = 0; k < cr->n; k++)
    v[k] = seed_value (cr, k, protocol, metric);
  return v;
}

/* ------------------------------------------------------------------------------ tables */

/* The mean over seeds ± the half-width of its interval; `n` the seeds behind it. */
static CariCell
seed_cell (const CariExperimentSummary *s, const char *cell, const char *protocol,
           const char *metric)
{
  CariCell c = { .std = -1.0 };
  int n = 0;
  g_autofree double *v = cari_experiment_summary_values (s, cell, protocol, metric, &n);
  if (v == NULL)
    return c;
  CariInterval iv;
  cari_stats_interval (v, n, LEVEL, &iv);
  if (iv.n == 0)
    return c;
  c.present = TRUE;
  c.value = iv.mean;
  c.std = isfinite (iv.half_width) ? iv.half_width : -1.0;
  c.n = iv.n;
  return c;
}

/* The first protocol of `kind` the experiment's evaluations have, its own protocol first. */
static const char *
first_protocol (const CariExperimentSummary *s, CariProtocolKind kind)
{
  CariProtocolKind own;
  if (cari_protocol_kind (s->def->protocol, &own) && own == kind)
    return s->def->protocol;
  for (int p = 0; p < CARI_N_PROTOCOLS; p++)
    {
      CariProtocolKind k;
      if (!cari_protocol_kind (cari_protocol_names[p], &k) || k != kind)
        continue;
      GHashTableIter it;
      gpointer value;
      g_hash_table_iter_init (&it, s->by_cell);
      while (g_hash_table_iter_next (&it, NULL, &value))
        {
          CellRuns *cr = value;
          for (int i = 0; i < cr->n; i++)
            if (cr->done[i])
              for (guint r = 0; r < cr->results[i]->len; r++)
                if (g_strcmp0 (((CariEvalResult *) cr->results[i]->pdata[r])->protocol,
                               cari_protocol_names[p])
                    == 0)
                  return cari_protocol_names[p];
        }
    }
  return NULL;
}

static void
add_common_notes (const CariExperimentSummary *s, CariTable *t)
{
  g_autofree char *note = g_strdup_printf (
    _("Each cell: the mean over seeds ± the half-width of its 95 %% Student-t interval (n − 1 "
      "degrees of freedom; no ± below two seeds). The seed is the unit of replication; the "
      "pretraining “%s” and the fold %s %d are held fixed."),
    s->pretrain_name != NULL ? s->pretrain_name : "–", s->def->protocol, s->def->fold);
  cari_table_add_note (t, note);
  g_autofree char *done = g_strdup_printf (_("%d of the grid's %d runs finished and evaluated."),
                                           s->n_done, s->n_runs);
  cari_table_add_note (t, done);
}

/* A table of the cells of `group` (in grid order). */
static CariTable *
group_table (const CariExperimentSummary *s, const char *title, const char *group,
             const char *protocol, const CariColumn *columns, const char *const *metrics,
             const char *const *chance, int n_columns)
{
  CariTable *t = cari_table_new (title, columns, n_columns);
  g_autofree CariCell *cells = g_new0 (CariCell, n_columns);
  const char *first_cell = NULL;
  for (guint c = 0; c < s->cells->len; c++)
    {
      const CariExperimentCell *cell = s->cells->pdata[c];
      if (!g_str_equal (cell->group, group))
        continue;
      first_cell = first_cell != NULL ? first_cell : cell->id;
      for (int k = 0; k < n_columns; k++)
        cells[k] = seed_cell (s, cell->id, protocol, metrics[k]);
      /* The seeds behind the row: all of them once done, "n=2 of 11" while some are not. */
      const CellRuns *cr = g_hash_table_lookup (s->by_cell, cell->id);
      int done = 0;
      for (int k = 0; k < cr->n; k++)
        done += cr->done[k];
      g_autofree char *label = done == cell->seeds
                                 ? g_strdup_printf ("%s (n=%d)", cell->label, cell->seeds)
                                 : g_strdup_printf (_("%s (n=%d of %d)"), cell->label, done,
                                                    cell->seeds);
      cari_table_add_row (t, label, cells);
    }
  if (chance != NULL)
    {
      gboolean any = FALSE;
      for (int k = 0; k < n_columns; k++)
        {
          cells[k] = (CariCell) { .std = -1.0 };
          for (guint c = 0; c < s->cells->len && chance[k] != NULL; c++)
            {
              const CariExperimentCell *cell = s->cells->pdata[c];
              if (!g_str_equal (cell->group, group))
                continue;
              CariCell got = seed_cell (s, cell->id, protocol, chance[k]);
              if (got.present)
                {
                  cells[k] = (CariCell) { .value = got.value, .std = -1.0, .present = TRUE };
                  any = TRUE;
                  break;
                }
            }
        }
      if (any)
        cari_table_add_row (t, _("chance"), cells);
    }
  add_common_notes (s, t);
  return t;
}

static gboolean
has_group (const CariExperimentSummary *s, const char *group)
{
  for (guint c = 0; c < s->cells->len; c++)
    if (g_str_equal (((CariExperimentCell *) s->cells->pdata[c])->group, group))
      return TRUE;
  return FALSE;
}

GPtrArray *
cari_experiment_summary_tables (const CariExperimentSummary *s)
{
  GPtrArray *tables = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_table_free);
  const char *verif = first_protocol (s, CARI_PROTOCOL_VERIFICATION);
  const char *main_group = has_group (s, "table2") ? "table2" : "fig6";
  if (has_group (s, main_group) && verif != NULL)
    {
      const CariColumn columns[] = {
        { _("Verification"), 100, 2 }, { _("Visual-id"), 100, 2 }, { _("Cari-id"), 100, 2 },
        { "V2C", 100, 2 },             { "C2V", 100, 2 },
      };
      const char *const metrics[] = { "accuracy", "visual_id", "cari_id", "v2c", "c2v" };
      const char *const chance[] = { NULL, "chance/visual_id", "chance/cari_id", "chance/v2c",
                                     "chance/c2v" };
      g_autofree char *title = g_strdup_printf (
        _("Table 2: verification and identification accuracy (%%) on %s, over seeds"), verif);
      CariTable *t = group_table (s, title, main_group, verif, columns, metrics, chance,
                                  G_N_ELEMENTS (columns));
      cari_table_add_note (t, _("Single-task rows fill the columns of their own branch: V2C "
                                "from the single visual model, C2V from the single caricature "
                                "model (as Fig. 2's caption has it)."));
      g_ptr_array_add (tables, t);

      const CariColumn roc[] = { { _("TAR@FAR=1% (ROC)"), 100, 2 },
                                 { _("VAL@FAR=1% (held out)"), 100, 2 },
                                 { "AUC", 1, 3 },
                                 { "EER (%)", 100, 2 } };
      const char *const roc_metrics[] = { "tar@far=1%", "val@far=1%", "auc", "eer" };
      g_autofree char *roc_title = g_strdup_printf (
        _("Table 3: verification on %s, over seeds"), verif);
      g_ptr_array_add (tables, group_table (s, roc_title, main_group, verif, roc,
                                            roc_metrics, NULL, G_N_ELEMENTS (roc)));
    }
  const struct
  {
    const char *protocol;
    const char *title;
  } ident[] = {
    { "webcari.c2p", N_("Table 4: caricature to photo identification (C2P), over seeds") },
    { "webcari.p2c", N_("Table 5: photo to caricature identification (P2C), over seeds") },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (ident) && has_group (s, main_group); i++)
    {
      const CariColumn columns[] = { { "Rank-1 (%)", 100, 2 }, { "Rank-10 (%)", 100, 2 } };
      const char *const metrics[] = { "rank1", "rank10" };
      const char *const chance[] = { "chance/rank1", "chance/rank10" };
      g_ptr_array_add (tables, group_table (s, _(ident[i].title), main_group, ident[i].protocol,
                                            columns, metrics, chance, G_N_ELEMENTS (columns)));
    }
  if (has_group (s, "fig6") && g_str_equal (main_group, "table2"))
    {
      const CariColumn columns[] = { { _("Cari-id"), 100, 2 }, { _("Visual-id"), 100, 2 } };
      const char *const metrics[] = { "cari_id", "visual_id" };
      g_ptr_array_add (tables, group_table (s, _("Fig. 6: two tasks (caricature and visual "
                                                 "identification), over seeds"),
                                            "fig6", NULL, columns, metrics, NULL,
                                            G_N_ELEMENTS (columns)));
    }
  if (has_group (s, "fig6") || has_group (s, "table2"))
    {
      /* Task names, as the configuration spells them. */
      const CariColumn columns[] = { { "verif", 1, 3 }, { "cari", 1, 3 }, { "visual", 1, 3 } };
      const char *const metrics[] = { EARLY_PREFIX "weight/verif" EARLY_SUFFIX,
                                      EARLY_PREFIX "weight/cari" EARLY_SUFFIX,
                                      EARLY_PREFIX "weight/visual" EARLY_SUFFIX };
      for (int g = 0; g < 2; g++)
        {
          const char *group = g == 0 ? "fig6" : "table2";
          if (!has_group (s, group))
            continue;
          g_autofree char *title = g_strdup_printf (
            _("Fig. %s: mean task weight over the first quarter of the steps (%s), over seeds"),
            g == 0 ? "6" : "7", group);
          g_ptr_array_add (tables, group_table (s, title, group, NULL, columns, metrics, NULL,
                                                G_N_ELEMENTS (columns)));
        }
    }
  if (has_group (s, "fig5"))
    {
      const CariColumn columns[] = { { _("Verification"), 100, 2 }, { _("Cari-id"), 100, 2 },
                                     { _("Visual-id"), 100, 2 } };
      const char *const metrics[] = { "accuracy", "cari_id", "visual_id" };
      g_autofree char *title = g_strdup_printf (
        _("Fig. 5: accuracy (%%) against the caricature task's static weight (the rest split "
          "equally), on %s, over seeds"),
        verif != NULL ? verif : s->def->protocol);
      g_ptr_array_add (tables, group_table (s, title, "fig5", verif, columns, metrics, NULL,
                                            G_N_ELEMENTS (columns)));
    }
  /* A table none of whose cells has a figure (Table 3 of two-task models, which have no
   * embedding to verify with; a protocol left out for leaking) says nothing: left out. */
  for (guint i = tables->len; i-- > 0;)
    {
      const CariTable *t = tables->pdata[i];
      gboolean any = FALSE;
      for (int r = 0; r < cari_table_get_n_rows (t) && !any; r++)
        for (int c = 0; c < cari_table_get_n_columns (t) && !any; c++)
          any = cari_table_get_cell (t, r, c)->present && cari_table_get_cell (t, r, c)->n > 0;
      if (!any)
        g_ptr_array_remove_index (tables, i);
    }
  return tables;
}

/* ------------------------------------------------------------------------------ claims */

void
cari_claim_free (CariClaim *claim)
{
  if (claim == NULL)
    return;
  g_free (claim->id);
  g_free (claim->text);
  g_free (claim);
}

/* Adds the claim "a − b has the sign `direction`" on metric (protocol NULL: the first evaluation
 * that has it) when both cells are in the grid; `b_cell` NULL compares a with 0. */
static void
add_claim (const CariExperimentSummary *s, GPtrArray *claims, const char *id, const char *text,
           gboolean primary, const char *a_cell, const char *a_metric, const char *b_cell,
           const char *b_metric, const char *protocol, int direction, double scale)
{
  int na = 0, nb = 0;
  g_autofree double *a = cari_experiment_summary_values (s, a_cell, protocol, a_metric, &na);
  g_autofree double *b = b_cell != NULL ? cari_experiment_summary_values (s, b_cell, protocol,
                                                                          b_metric, &nb)
                                        : g_new0 (double, MAX (na, 1));
  if (b_cell == NULL)
    nb = na;
  if (a == NULL || b == NULL)
    return;
  CariClaim *c = g_new0 (CariClaim, 1);
  c->id = g_strdup (id);
  c->text = g_strdup (text);
  c->primary = primary;
  c->direction = direction;
  c->scale = scale;
  cari_stats_paired (a, b, MIN (na, nb), direction, LEVEL, &c->pair);
  c->p_adjusted = c->pair.p_value;
  g_ptr_array_add (claims, c);
}

GPtrArray *
cari_experiment_summary_claims (const CariExperimentSummary *s)
{
  GPtrArray *claims = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_claim_free);
  const char *verif = first_protocol (s, CARI_PROTOCOL_VERIFICATION);
  gboolean table2 = has_group (s, "table2");
  const char *pair = table2 ? "table2" : "fig6";
  if (has_group (s, pair))
    {
      g_autofree char *a = g_strdup_printf ("%s/proposed", pair);
      g_autofree char *b = g_strdup_printf ("%s/naive", pair);
      add_claim (s, claims, "primary",
                 _("Proposed beats naive dynamic weighting on caricature identification "
                   "(primary)"),
                 TRUE, a, "cari_id", b, "cari_id", verif, +1, 100.0);
    }
  if (table2)
    {
      add_claim (s, claims, "proposed>single-cari",
                 _("Proposed beats the single caricature task on caricature identification"),
                 FALSE, "table2/proposed", "cari_id", "table2/single-cari", "cari_id", verif, +1,
                 100.0);
      add_claim (s, claims, "naive<single-cari",
                 _("Naive falls below the single caricature task on caricature identification"),
                 FALSE, "table2/naive", "cari_id", "table2/single-cari", "cari_id", verif, -1,
                 100.0);
      add_claim (s, claims, "v2c:multi>single",
                 _("Multi-task (proposed) V2C beats the single visual model's"), FALSE,
                 "table2/proposed", "v2c", "table2/single-visual", "v2c", verif, +1, 100.0);
      add_claim (s, claims, "c2v:multi>single",
                 _("Multi-task (proposed) C2V beats the single caricature model's"), FALSE,
                 "table2/proposed", "c2v", "table2/single-cari", "c2v", verif, +1, 100.0);
      add_claim (s, claims, "v2c>c2v", _("V2C beats C2V (proposed)"), FALSE, "table2/proposed",
                 "v2c", "table2/proposed", "c2v", verif, +1, 100.0);
    }
  if (has_group (s, "fig5"))
    add_claim (s, claims, "fig5:interior",
               _("Fig. 5: a caricature weight of 0.5 beats the single caricature task (weight 1) "
                 "on caricature identification"),
               FALSE, "fig5/0.5", "cari_id", "fig5/1.0", "cari_id", verif, +1, 100.0);
  if (has_group (s, "fig6"))
    {
      add_claim (s, claims, "fig6:proposed-weights",
                 _("Fig. 6: proposed gives the caricature task the larger weight early on"),
                 FALSE, "fig6/proposed", EARLY_PREFIX "weight/cari" EARLY_SUFFIX, "fig6/proposed",
                 EARLY_PREFIX "weight/visual" EARLY_SUFFIX, NULL, +1, 1.0);
      add_claim (s, claims, "fig6:naive-weights",
                 _("Fig. 6: naive gives the visual task the larger weight early on"), FALSE,
                 "fig6/naive", EARLY_PREFIX "weight/visual" EARLY_SUFFIX, "fig6/naive",
                 EARLY_PREFIX "weight/cari" EARLY_SUFFIX, NULL, +1, 1.0);
    }

  /* Holm over the secondary claims; verdicts at α = 0.05 with the definition's margin. */
  g_autofree double *p = g_new (double, MAX (claims->len, 1));
  g_autofree double *adjusted = g_new (double, MAX (claims->len, 1));
  int m = 0;
  for (guint i = 0; i < claims->len; i++)
    {
      const CariClaim *c = claims->pdata[i];
      if (!c->primary)
        p[m++] = c->pair.p_value;
    }
  cari_stats_holm (p, m, adjusted);
  m = 0;
  for (guint i = 0; i < claims->len; i++)
    {
      CariClaim *c = claims->pdata[i];
      /* Accuracies are fractions, the margin is in points; weights get a margin of 0.01. */
      double margin = c->scale == 100.0 ? s->def->margin / 100.0 : 0.01;
      if (c->primary)
        c->verdict = cari_stats_verdict (&c->pair.diff, c->direction, margin);
      else
        {
          c->p_adjusted = adjusted[m++];
          c->verdict = cari_stats_verdict_adjusted (&c->pair, c->p_adjusted, c->direction,
                                                    1.0 - LEVEL, margin);
        }
    }
  return claims;
}
