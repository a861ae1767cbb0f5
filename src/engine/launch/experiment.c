/* experiment.c — experiments: their definition, the presets' grids, the planned runs, recording
 * them, and executing them (training, then evaluating every finished run). The summary over seeds
 * is in experiment-summary.c. */
#include "launch/experiment.h"
#include "launch/launch-private.h"

#include "core/error.h"
#include "core/i18n.h"

#include "core/compare.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------------------ definition */

static const char *const preset_names[] = { "fig6", "table2", "fig5", "paper" };

static gboolean
is_preset (const char *name)
{
  for (size_t i = 0; i < G_N_ELEMENTS (preset_names); i++)
    if (g_strcmp0 (name, preset_names[i]) == 0)
      return TRUE;
  return FALSE;
}

CariExperimentDef *
cari_experiment_def_new (const char *preset, GError **error)
{
  if (!is_preset (preset))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Unknown experiment preset “%s” (fig6, table2, fig5 or paper)"),
                   preset != NULL ? preset : "");
      return NULL;
    }
  CariExperimentDef *def = g_new0 (CariExperimentDef, 1);
  def->preset = g_strdup (preset);
  /* docs/reproduction.md: 11 seeds give the primary pair about ±3 points at the spread measured
   * on SynCari; the secondary cells make do with fewer. */
  def->seeds = g_str_equal (preset, "fig5") ? 4 : 11;
  def->secondary_seeds = 4;
  def->first_seed = 1;
  def->steps = 400;
  def->pretrain_steps = 500;
  def->model = g_strdup ("demo");
  def->dataset = g_strdup ("syncari");
  def->pretrain_dataset = g_strdup ("syncari-pretrain");
  def->protocol = g_strdup ("webcari.restricted");
  def->fold = 1;
  def->validation_fraction = 0.3;
  def->batch = 16;
  def->margin = 1.0;
  return def;
}

void
cari_experiment_def_free (CariExperimentDef *def)
{
  if (def == NULL)
    return;
  g_free (def->preset);
  g_free (def->model);
  g_free (def->dataset);
  g_free (def->pretrain_dataset);
  g_free (def->protocol);
  g_free (def);
}

static gboolean
bad_value (const char *key, const char *value, const char *range, GError **error)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("experiment.%s: “%s” is not valid (%s)"), key, value, range);
  return FALSE;
}

static gboolean
parse_int (const char *key, const char *value, gint64 min, gint64 max, gint64 *out,
           GError **error)
{
  gint64 v;
  if (!g_ascii_string_to_signed (value, 10, min, max, &v, NULL))
    {
      g_autofree char *range = g_strdup_printf (_("a whole number from %lld to %lld"),
                                                (long long) min, (long long) max);
      return bad_value (key, value, range, error);
    }
  *out = v;
  return TRUE;
}

static gboolean
parse_double (const char *key, const char *value, double min, double max, double *out,
              GError **error)
{
  char *end = NULL;
  double v = g_ascii_strtod (value, &end);
  if (value[0] == '\0' || end == NULL || *end != '\0' || !isfinite (v) || v < min || v > max)
    {
      g_autofree char *range = g_strdup_printf (_("a number from %g to %g"), min, max);
      return bad_value (key, value, range, error);
    }
  *out = v;
  return TRUE;
}

static gboolean
set_text (char **field, const char *key, const char *value, GError **error)
{
  if (value[0] == '\0' || !g_utf8_validate (value, -1, NULL) || strchr (value, '\n') != NULL)
    return bad_value (key, value, _("a name on one line"), error);
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

gboolean
cari_experiment_def_set (CariExperimentDef *def, const char *key, const char *value,
                         GError **error)
{
  g_return_val_if_fail (def != NULL && key != NULL && value != NULL, FALSE);
  gint64 i;
  if (g_str_equal (key, "preset"))
    {
      if (!is_preset (value))
        return bad_value (key, value, _("fig6, table2, fig5 or paper"), error);
      return set_text (&def->preset, key, value, error);
    }
  if (g_str_equal (key, "seeds") || g_str_equal (key, "secondary_seeds"))
    {
      if (!parse_int (key, value, g_str_equal (key, "seeds") ? 1 : 0, 1000, &i, error))
        return FALSE;
      *(g_str_equal (key, "seeds") ? &def->seeds : &def->secondary_seeds) = (int) i;
      return TRUE;
    }
  if (g_str_equal (key, "first_seed"))
    {
      if (!parse_int (key, value, 0, G_MAXINT32, &i, error))
        return FALSE;
      def->first_seed = (guint64) i;
      return TRUE;
    }
  if (g_str_equal (key, "steps") || g_str_equal (key, "pretrain_steps"))
    {
      if (!parse_int (key, value, 1, 100000000, &i, error))
        return FALSE;
      *(g_str_equal (key, "steps") ? &def->steps : &def->pretrain_steps) = (int) i;
      return TRUE;
    }
  if (g_str_equal (key, "fold"))
    {
      if (!parse_int (key, value, 0, 1000, &i, error))
        return FALSE;
      def->fold = (int) i;
      return TRUE;
    }
  if (g_str_equal (key, "batch"))
    {
      if (!parse_int (key, value, 1, 4096, &i, error))
        return FALSE;
      def->batch = (int) i;
      return TRUE;
    }
  if (g_str_equal (key, "validation_fraction"))
    return parse_double (key, value, 0.01, 0.9, &def->validation_fraction, error);
  if (g_str_equal (key, "margin"))
    return parse_double (key, value, 0.0, 100.0, &def->margin, error);
  if (g_str_equal (key, "model"))
    {
      if (!g_str_equal (value, "demo") && !g_str_equal (value, "paper"))
        return bad_value (key, value, _("demo or paper"), error);
      return set_text (&def->model, key, value, error);
    }
  if (g_str_equal (key, "dataset"))
    return set_text (&def->dataset, key, value, error);
  if (g_str_equal (key, "pretrain_dataset"))
    return set_text (&def->pretrain_dataset, key, value, error);
  if (g_str_equal (key, "protocol"))
    {
      CariProtocolKind kind;
      if (!cari_protocol_kind (value, &kind))
        return bad_value (key, value, _("a protocol such as webcari.restricted or webcari.c2p"),
                          error);
      return set_text (&def->protocol, key, value, error);
    }
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("Unknown experiment key “%s” (preset, seeds, secondary_seeds, first_seed, "
                 "steps, pretrain_steps, model, dataset, pretrain_dataset, protocol, fold, "
                 "validation_fraction, batch, margin)"),
               key);
  return FALSE;
}

char *
cari_experiment_def_to_text (const CariExperimentDef *def)
{
  /* Ten significant digits: 0.3 reads 0.3, and every value the keys accept reads back as set
   * to the precision anyone types. */
  char vf[G_ASCII_DTOSTR_BUF_SIZE], margin[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (vf, sizeof vf, "%.10g", def->validation_fraction);
  g_ascii_formatd (margin, sizeof margin, "%.10g", def->margin);
  return g_strdup_printf ("[experiment]\npreset=%s\nseeds=%d\nsecondary_seeds=%d\n"
                          "first_seed=%" G_GUINT64_FORMAT "\nsteps=%d\npretrain_steps=%d\n"
                          "model=%s\ndataset=%s\npretrain_dataset=%s\nprotocol=%s\nfold=%d\n"
                          "validation_fraction=%s\nbatch=%d\nmargin=%s\n",
                          def->preset, def->seeds, def->secondary_seeds, def->first_seed,
                          def->steps, def->pretrain_steps, def->model, def->dataset,
                          def->pretrain_dataset, def->protocol, def->fold, vf, def->batch,
                          margin);
}

CariExperimentDef *
cari_experiment_def_from_text (const char *text, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;
  if (!g_key_file_load_from_data (kf, text != NULL ? text : "", -1, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("An experiment's definition cannot be read: %s"), local->message);
      return NULL;
    }
  g_autofree char *preset = g_key_file_get_value (kf, "experiment", "preset", NULL);
  g_autoptr (CariExperimentDef) def = cari_experiment_def_new (preset, error);
  if (def == NULL)
    return NULL;
  gsize n = 0;
  g_auto (GStrv) keys = g_key_file_get_keys (kf, "experiment", &n, NULL);
  for (gsize k = 0; k < n; k++)
    {
      g_autofree char *value = g_key_file_get_value (kf, "experiment", keys[k], NULL);
      if (!cari_experiment_def_set (def, keys[k], value != NULL ? value : "", error))
        return NULL;
    }
  return g_steal_pointer (&def);
}

/* ------------------------------------------------------------------------------ the grid */

static void
cell_free (CariExperimentCell *cell)
{
  g_free (cell->id);
  g_free (cell->group);
  g_free (cell->label);
  g_free (cell->strategy);
  g_free (cell->tasks);
  g_free (cell->task);
  g_free (cell->weights);
  g_free (cell);
}

static CariExperimentCell *
add_cell (GPtrArray *cells, const char *group, const char *name, const char *label,
          const char *strategy, const char *tasks)
{
  CariExperimentCell *c = g_new0 (CariExperimentCell, 1);
  c->id = g_strdup_printf ("%s/%s", group, name);
  c->group = g_strdup (group);
  c->label = g_strdup (label);
  c->strategy = g_strdup (strategy);
  c->tasks = g_strdup (tasks);
  c->cari_weight = NAN;
  g_ptr_array_add (cells, c);
  return c;
}

GPtrArray *
cari_experiment_cells (const CariExperimentDef *def)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func ((GDestroyNotify) cell_free);
  const gboolean paper = g_str_equal (def->preset, "paper");
  const gboolean table2 = paper || g_str_equal (def->preset, "table2");
  const gboolean fig6 = paper || g_str_equal (def->preset, "fig6");
  const gboolean fig5 = paper || g_str_equal (def->preset, "fig5");
  if (table2)
    {
      static const char *const three = "verif;cari;visual";
      add_cell (cells, "table2", "proposed", "proposed", "proposed", three)->primary = TRUE;
      add_cell (cells, "table2", "naive", "naive", "naive", three)->primary = TRUE;
      add_cell (cells, "table2", "uniform", "uniform", "uniform", three);
      static const char *const single[] = { "verif", "cari", "visual" };
      for (size_t t = 0; t < G_N_ELEMENTS (single); t++)
        {
          g_autofree char *name = g_strdup_printf ("single-%s", single[t]);
          g_autofree char *label = g_strdup_printf (_("single (%s)"), single[t]);
          CariExperimentCell *c = add_cell (cells, "table2", name, label, "single", single[t]);
          c->task = g_strdup (single[t]);
        }
    }
  if (fig6)
    {
      /* The paper's two-task toy (§5.3): the primary pair when there is no Table 2. */
      add_cell (cells, "fig6", "proposed", "proposed", "proposed", "cari;visual")->primary
        = !table2;
      add_cell (cells, "fig6", "naive", "naive", "naive", "cari;visual")->primary = !table2;
    }
  if (fig5)
    for (int k = 0; k <= 10; k++)
      {
        /* The caricature task's weight; the rest split equally, in task order verif;cari;visual.
         * The weights are written with enough digits to sum to 1 within 1e-6. */
        double w = k / 10.0, rest = (1.0 - w) / 2.0;
        char name[G_ASCII_DTOSTR_BUF_SIZE], a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
        g_ascii_formatd (name, sizeof name, "%.1f", w);
        CariExperimentCell *c = add_cell (cells, "fig5", name, name, "static",
                                          "verif;cari;visual");
        c->cari_weight = w;
        g_ascii_formatd (a, sizeof a, "%.8f", rest);
        g_ascii_formatd (b, sizeof b, "%.8f", w);
        c->weights = g_strdup_printf ("%s;%s;%s", a, b, a);
      }
  gboolean any_primary = FALSE;
  for (guint i = 0; i < cells->len; i++)
    any_primary |= ((CariExperimentCell *) cells->pdata[i])->primary;
  for (guint i = 0; i < cells->len; i++)
    {
      CariExperimentCell *c = cells->pdata[i];
      c->seeds = c->primary || !any_primary ? def->seeds : def->secondary_seeds;
    }
  return cells;
}

const CariExperimentCell *
cari_experiment_cells_find (GPtrArray *cells, const char *id)
{
  for (guint i = 0; i < cells->len; i++)
    if (g_strcmp0 (((CariExperimentCell *) cells->pdata[i])->id, id) == 0)
      return cells->pdata[i];
  return NULL;
}

static void
planned_free (CariExperimentPlanned *p)
{
  g_free (p->name);
  g_free (p->cell);
  g_free (p->config);
  g_free (p);
}

/* A run's configuration from the demo's settings (Adam, the module's rate a tenth of the
 * network's, no center loss) and the experiment's. */
static char *
run_config (const CariExperimentDef *def, const CariExperimentCell *cell, const char *name,
            const char *pretrain, guint64 seed, GError **error)
{
  g_autoptr (GPtrArray) a = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (a, g_strdup_printf ("run.name=%s", name));
  g_ptr_array_add (a, g_strdup_printf ("run.seed=%" G_GUINT64_FORMAT, seed));
  g_ptr_array_add (a, g_strdup_printf ("model.preset=%s", def->model));
  g_ptr_array_add (a, g_strdup ("optim.name=adam"));
  g_ptr_array_add (a, g_strdup ("optim.lr=0.001"));
  g_ptr_array_add (a, g_strdup ("optim.epsilon=1e-8"));
  g_ptr_array_add (a, g_strdup ("optim.module_lr=0.0001"));
  int steps = cell != NULL ? def->steps : def->pretrain_steps;
  g_ptr_array_add (a, g_strdup_printf ("schedule.steps=%d", steps));
  g_ptr_array_add (a, g_strdup ("schedule.eval_every=0"));
  /* Four checkpoints a run: a kill loses at most a quarter of it. */
  g_ptr_array_add (a, g_strdup_printf ("schedule.checkpoint_every=%d", MAX (1, steps / 4)));
  g_ptr_array_add (a, g_strdup_printf ("data.dataset=%s",
                                       cell != NULL ? def->dataset : def->pretrain_dataset));
  g_ptr_array_add (a, g_strdup_printf ("data.protocol=%s", def->protocol));
  g_ptr_array_add (a, g_strdup_printf ("data.fold=%d", def->fold));
  char vf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ptr_array_add (a, g_strdup_printf ("data.validation_fraction=%s",
                                       g_ascii_formatd (vf, sizeof vf, "%.10g",
                                                        def->validation_fraction)));
  if (cell == NULL)
    {
      g_ptr_array_add (a, g_strdup ("tasks.tasks=visual"));
      g_ptr_array_add (a, g_strdup ("strategy.name=single"));
      g_ptr_array_add (a, g_strdup ("strategy.task=visual"));
      g_ptr_array_add (a, g_strdup ("batch.caricatures=0"));
      g_ptr_array_add (a, g_strdup_printf ("batch.photos=%d", 2 * def->batch));
    }
  else
    {
      g_ptr_array_add (a, g_strdup_printf ("tasks.tasks=%s", cell->tasks));
      g_ptr_array_add (a, g_strdup_printf ("strategy.name=%s", cell->strategy));
      if (cell->task != NULL)
        g_ptr_array_add (a, g_strdup_printf ("strategy.task=%s", cell->task));
      if (cell->weights != NULL)
        g_ptr_array_add (a, g_strdup_printf ("strategy.weights=%s", cell->weights));
      g_ptr_array_add (a, g_strdup ("loss.center_weight=0"));
      g_ptr_array_add (a, g_strdup_printf ("init.from=%s", pretrain));
      g_ptr_array_add (a, g_strdup ("init.branches_from_visual=true"));
      /* A single-task model of visual trains on photos only, of cari on caricatures only. */
      gboolean photos = cell->task == NULL || !g_str_equal (cell->task, "cari");
      gboolean caricatures = cell->task == NULL || !g_str_equal (cell->task, "visual");
      g_ptr_array_add (a, g_strdup_printf ("batch.caricatures=%d",
                                           caricatures ? def->batch : 0));
      g_ptr_array_add (a, g_strdup_printf ("batch.photos=%d", photos ? def->batch : 0));
    }
  g_ptr_array_add (a, NULL);
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, error);
  if (cfg == NULL
      || !cari_run_config_set_all (cfg, (const char *const *) a->pdata, NULL, error))
    {
      g_prefix_error (error, _("Experiment cell “%s”: "), cell != NULL ? cell->id : "pretrain");
      return NULL;
    }
  return cari_run_config_to_text (cfg);
}

GPtrArray *
cari_experiment_plan (const CariExperimentDef *def, const char *name, GError **error)
{
  g_autoptr (GPtrArray) plan = g_ptr_array_new_with_free_func ((GDestroyNotify) planned_free);
  g_autoptr (GPtrArray) cells = cari_experiment_cells (def);
  g_autofree char *pretrain = g_strdup_printf ("%s/pretrain", name);
  CariExperimentPlanned *p = g_new0 (CariExperimentPlanned, 1);
  p->name = g_strdup (pretrain);
  p->cell = g_strdup (CARI_EXPERIMENT_PRETRAIN);
  p->seed = def->first_seed;
  g_ptr_array_add (plan, p);
  if ((p->config = run_config (def, NULL, pretrain, NULL, def->first_seed, error)) == NULL)
    return NULL;

  int most = 0;
  for (guint c = 0; c < cells->len; c++)
    most = MAX (most, ((CariExperimentCell *) cells->pdata[c])->seeds);
  for (int s = 0; s < most; s++)
    for (guint c = 0; c < cells->len; c++)
      {
        const CariExperimentCell *cell = cells->pdata[c];
        if (s >= cell->seeds)
          continue;
        p = g_new0 (CariExperimentPlanned, 1);
        p->seed = def->first_seed + (guint64) s;
        p->name = g_strdup_printf ("%s/%s/seed-%" G_GUINT64_FORMAT, name, cell->id, p->seed);
        p->cell = g_strdup (cell->id);
        g_ptr_array_add (plan, p);
        if ((p->config = run_config (def, cell, p->name, pretrain, p->seed, error)) == NULL)
          return NULL;
      }
  return g_steal_pointer (&plan);
}

gint64
cari_experiment_create (CariStore *store, const char *name, const CariExperimentDef *def,
                        GError **error)
{
  g_autoptr (GPtrArray) plan = cari_experiment_plan (def, name, error);
  if (plan == NULL)
    return 0;
  g_autofree CariExperimentRunSpec *specs = g_new0 (CariExperimentRunSpec, plan->len);
  for (guint i = 0; i < plan->len; i++)
    {
      const CariExperimentPlanned *p = plan->pdata[i];
      specs[i] = (CariExperimentRunSpec) { p->name, p->config, p->seed, p->cell, i > 0 ? 0 : -1 };
    }
  g_autofree char *text = cari_experiment_def_to_text (def);
  return cari_store_create_experiment (store, name, text, specs, (int) plan->len, error);
}

/* ------------------------------------------------------------------------------ execution */

/* Saves every evaluation of a finished run at its latest checkpoint, replacing what an earlier,
 * interrupted attempt saved at that step, and records the step as evaluated. */
static gboolean
evaluate_run (CariStore *store, gint64 experiment, const CariExperimentRun *place,
              const CariExperimentCallbacks *cb, GError **error)
{
  gint64 step = -1;
  if (!cari_store_latest_checkpoint (store, place->run, -1, &step, NULL, error))
    return FALSE;
  g_autoptr (GPtrArray) old = cari_store_list_evaluations (store, place->run, error);
  if (old == NULL)
    return FALSE;
  for (guint i = 0; i < old->len; i++)
    {
      const CariEvalInfo *e = old->pdata[i];
      if (e->step == step && !cari_store_delete_evaluation (store, e->id, error))
        return FALSE;
    }
  return cari_launch_evaluate (store, place->run, step, 0, cb->launch.preparing,
                               cb->launch.user_data, NULL, error)
         && cari_store_set_experiment_evaluated (store, experiment, place->position, step,
                                                 error);
}

static gboolean
is_evaluated (CariStore *store, const CariExperimentRun *place, gboolean *evaluated,
              GError **error)
{
  gint64 step = -1;
  *evaluated = FALSE;
  if (place->evaluated_step < 0)
    return TRUE;
  if (!cari_store_latest_checkpoint (store, place->run, -1, &step, NULL, error))
    return FALSE;
  *evaluated = step == place->evaluated_step;
  return TRUE;
}

/* What executing one place came to. */
typedef enum
{
  PLACE_DONE,   /* finished and evaluated */
  PLACE_FAILED, /* failed, diverged, or its evaluation failed: counted, *first set; go on */
  PLACE_STOP,   /* cancelled, held by another process, or the store failed: `error` set */
} PlaceOutcome;

/* Trains the run of `place` unless it is finished (resuming it from its newest checkpoint),
 * then evaluates it unless its evaluations are complete at its last checkpoint (the
 * pretraining, position 0, is not evaluated: it trains on another data set). `index` of `n` is
 * what the callbacks hear. The report counts what happened; the first failure that does not
 * stop the experiment goes to *first when that is still empty. */
static PlaceOutcome
execute_place (CariStore *store, gint64 experiment, const CariExperimentRun *place, int index,
               int n, const CariExperimentCallbacks *cb, CariExperimentReport *report,
               GError **first, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, place->run, error);
  if (info == NULL)
    return PLACE_STOP;
  CariRunStatus status = info->status;
  if (status == CARI_RUN_DIVERGED)
    {
      /* Diverging again from the same seed is certain: left as it is, and said. */
      report->n_failed++;
      if (*first == NULL)
        g_set_error (first, CARI_ERROR, CARI_ERROR_DIVERGED, _("Run “%s” diverged: %s"),
                     info->name, info->message != NULL ? info->message : "");
      return PLACE_FAILED;
    }
  if (status != CARI_RUN_FINISHED)
    {
      if (cb->run_started != NULL)
        cb->run_started (place, info, index, n, TRUE, cb->user_data);
      CariRunReport run_report;
      cari_launch_execute (store, place->run, &cb->launch, &run_report, &local);
      status = run_report.status;
      /* Another live process executes this run, so this experiment too: two executions would
       * interleave the rest of it. Stop, saying who holds it. */
      if (g_error_matches (local, CARI_ERROR, CARI_ERROR_BUSY))
        {
          if (cb->run_done != NULL)
            cb->run_done (place, status, local, cb->user_data);
          g_propagate_prefixed_error (error, g_steal_pointer (&local),
                                      _("Another process is executing this experiment: "));
          return PLACE_STOP;
        }
      if (status == CARI_RUN_FINISHED)
        report->n_trained++;
      if (cb->run_done != NULL)
        cb->run_done (place, status, local, cb->user_data);
      if (status == CARI_RUN_CANCELLED)
        {
          report->cancelled = TRUE;
          if (local != NULL)
            g_propagate_error (error, g_steal_pointer (&local));
          else
            g_set_error (error, CARI_ERROR, CARI_ERROR_CANCELLED, _("Run “%s” was cancelled"),
                         info->name);
          return PLACE_STOP;
        }
      if (status != CARI_RUN_FINISHED)
        {
          report->n_failed++;
          if (*first == NULL && local != NULL)
            *first = g_steal_pointer (&local);
          else if (*first == NULL)
            g_set_error (first, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                         _("Run “%s” did not finish"), info->name);
          return PLACE_FAILED;
        }
    }
  if (place->position > 0)
    {
      gboolean evaluated = FALSE;
      if (!is_evaluated (store, place, &evaluated, error))
        return PLACE_STOP;
      if (!evaluated)
        {
          if (cb->run_started != NULL)
            cb->run_started (place, info, index, n, FALSE, cb->user_data);
          if (!evaluate_run (store, experiment, place, cb, &local))
            {
              gboolean cancelled = g_error_matches (local, CARI_ERROR, CARI_ERROR_CANCELLED);
              if (cb->run_done != NULL)
                cb->run_done (place, cancelled ? CARI_RUN_CANCELLED : CARI_RUN_FAILED, local,
                              cb->user_data);
              g_prefix_error (&local, _("Evaluating run “%s”: "), info->name);
              if (cancelled)
                {
                  report->cancelled = TRUE;
                  g_propagate_error (error, g_steal_pointer (&local));
                  return PLACE_STOP;
                }
              report->n_failed++;
              if (*first == NULL)
                *first = g_steal_pointer (&local);
              return PLACE_FAILED;
            }
          report->n_evaluated++;
          if (cb->run_done != NULL)
            cb->run_done (place, CARI_RUN_FINISHED, NULL, cb->user_data);
        }
    }
  report->n_finished++;
  return PLACE_DONE;
}

/* The shared pretraining (`place`, position 0), executed before any run of the grid, which all
 * start from it: nothing else runs unless it is PLACE_DONE. One process executes it (rank 0 of
 * a group); a data-parallel pretraining would call it on every rank. */
static PlaceOutcome
execute_pretraining (CariStore *store, gint64 experiment, const CariExperimentRun *place, int n,
                     const CariExperimentCallbacks *cb, CariExperimentReport *report,
                     GError **first, GError **error)
{
  return execute_place (store, experiment, place, 0, n, cb, report, first, error);
}

/* ------------------------------------------------------------------------------ ranks */

/* The store rank `rank` of a group writes while it executes `experiment`, beside the main
 * store (`main_path`, absolute): "<db>.experiment<id>.rank<r>". The experiment's id in the name
 * lets two experiments of one database run as two jobs at once. */
static char *
rank_store_path (const char *main_path, gint64 experiment, int rank)
{
  return g_strdup_printf ("%s.experiment%" G_GINT64_FORMAT ".rank%d", main_path, experiment,
                          rank);
}

/* The rank that executes the place at `position` (≥ 1) in a group of `size`. */
static int
rank_of_position (int position, int size)
{
  return (position - 1) % size;
}

static gint
compare_rank_files (gconstpointer a, gconstpointer b)
{
  const char *x = *(const char *const *) a, *y = *(const char *const *) b;
  const char *rx = strrchr (x, 'k'), *ry = strrchr (y, 'k'); /* "…rank<r>" */
  return (int) (g_ascii_strtoll (rx + 1, NULL, 10) - g_ascii_strtoll (ry + 1, NULL, 10));
}

/* Merges the rank stores of `experiment` that an earlier job left (killed before it merged
 * them, or whose merge failed) into `store`, so that no run finished there is lost or executed
 * again. Nothing to do, and no file read, when there are none. A store a live rank of a job
 * still executing the experiment may write is refused (BUSY), as its runs would be. */
static gboolean
merge_leftovers (CariStore *store, gint64 experiment, GError **error)
{
  const char *main_path = cari_store_get_absolute_path (store);
  g_autofree char *dir = g_path_get_dirname (main_path);
  g_autofree char *base = g_path_get_basename (main_path);
  g_autofree char *prefix = g_strdup_printf ("%s.experiment%" G_GINT64_FORMAT ".rank", base,
                                             experiment);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      if (!g_str_has_prefix (name, prefix))
        continue;
      const char *digits = name + strlen (prefix);
      guint64 rank;
      /* Only the stores themselves: not their -wal, .runs or a .tmp copy cut short. */
      if (g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT, &rank, NULL))
        g_ptr_array_add (found, g_build_filename (dir, name, NULL));
    }
  g_ptr_array_sort (found, compare_rank_files);
  for (guint i = 0; i < found->len; i++)
    if (!cari_store_merge (store, found->pdata[i], cari_run_checkpoint_dir, FALSE, NULL, error))
      return FALSE;
  return TRUE;
}

/* Imports every data set the grid's runs use, so that each rank's copy holds it under the same
 * id (two ranks importing one would give it two). */
static gboolean
prepare_datasets (CariStore *store, GArray *places, const CariExperimentCallbacks *cb,
                  GError **error)
{
  g_autoptr (GHashTable) done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < places->len; i++)
    {
      const CariExperimentRun *place = &g_array_index (places, CariExperimentRun, i);
      if (place->position == 0)
        continue;
      g_autoptr (CariRunInfo) info = cari_store_get_run (store, place->run, error);
      g_autoptr (CariRunConfig) cfg = info != NULL ? cari_run_config_new (info->config, error)
                                                   : NULL;
      if (cfg == NULL)
        return FALSE;
      const char *name = cari_launch_dataset_name (cfg);
      if (g_hash_table_contains (done, name))
        continue;
      if (strcmp (name, "toy") == 0)
        {
          if (cari_launch_dataset_row (store, cfg, error) <= 0)
            return FALSE;
        }
      else
        {
          g_autoptr (CariDatasetIndex) index
            = cari_launch_dataset_index (store, name, cb->launch.preparing, cb->launch.user_data,
                                         error);
          if (index == NULL)
            return FALSE;
        }
      g_hash_table_add (done, g_strdup (name));
    }
  return TRUE;
}

static void
remove_store_files (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  for (size_t i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_remove (file);
    }
}

/* Rank `rank`'s store: a copy of `store` that keeps the places the rank executes, written under
 * a temporary name and renamed once complete, so that a copy cut short is never taken for a
 * rank store. */
static gboolean
write_rank_store (CariStore *store, gint64 experiment, GArray *places, int rank, int size,
                  GError **error)
{
  g_autofree char *path = rank_store_path (cari_store_get_absolute_path (store), experiment,
                                           rank);
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  g_autoptr (GArray) positions = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < places->len; i++)
    {
      int position = g_array_index (places, CariExperimentRun, i).position;
      if (position > 0 && rank_of_position (position, size) == rank)
        g_array_append_val (positions, position);
    }
  remove_store_files (tmp);
  /* A store left there was merged (merge_leftovers) or stopped everything: never replaced. */
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO,
                   _("Cannot copy the run database to “%s”: that file exists"), path);
      return FALSE;
    }
  /* A stale log beside a new database would be replayed into it. */
  remove_store_files (path);
  if (!cari_store_copy_to (store, tmp, error))
    return FALSE;
  g_autoptr (CariStore) copy = cari_store_open (tmp, CARI_STORE_READ_WRITE, error);
  if (copy == NULL
      || !cari_store_keep_experiment_places (copy, experiment, (const int *) positions->data,
                                             (int) positions->len, error))
    {
      g_clear_pointer (&copy, cari_store_close);
      remove_store_files (tmp);
      return FALSE;
    }
  cari_store_close (g_steal_pointer (&copy));
  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot rename “%s” to “%s”: %s"), tmp,
                   path, g_strerror (saved));
      remove_store_files (tmp);
      return FALSE;
    }
  return TRUE;
}

/* Whether rank `rank` of `size` has places of the grid (of n_places places in all). */
static gboolean
rank_has_places (int rank, int size, int n_places)
{
  return n_places - 1 > rank;
}

/* The experiment's places, once the runs a killed distributed job finished in a rank's store
 * are merged (they count as finished here too); their count into report->n_runs. */
static GArray *
list_places (CariStore *store, gint64 experiment, CariExperimentReport *report, GError **error)
{
  if (!merge_leftovers (store, experiment, error))
    return NULL;
  GArray *places = cari_store_list_experiment_runs (store, experiment, error);
  if (places != NULL)
    report->n_runs = (int) places->len;
  return places;
}

/* Rank 0 before the grid: the leftovers of an earlier job merged, the pretraining, the data
 * sets, then a store for each other rank that has places. */
static gboolean
prepare_ranks (CariStore *store, gint64 experiment, int size, const CariExperimentCallbacks *cb,
               CariExperimentReport *report, int *n_places, GError **error)
{
  g_autoptr (GError) first = NULL;
  g_autoptr (GArray) places = list_places (store, experiment, report, error);
  if (places == NULL)
    return FALSE;
  *n_places = (int) places->len;
  if (places->len > 0)
    {
      const CariExperimentRun *pretrain = &g_array_index (places, CariExperimentRun, 0);
      PlaceOutcome o = execute_pretraining (store, experiment, pretrain, (int) places->len, cb,
                                            report, &first, error);
      if (o == PLACE_STOP)
        return FALSE;
      if (o == PLACE_FAILED)
        {
          g_propagate_error (error, g_steal_pointer (&first));
          return FALSE;
        }
    }
  if (!prepare_datasets (store, places, cb, error))
    return FALSE;
  for (int r = 1; r < size; r++)
    if (rank_has_places (r, size, *n_places)
        && !write_rank_store (store, experiment, places, r, size, error))
      {
        for (int k = 1; k < r; k++)
          {
            g_autofree char *made = rank_store_path (cari_store_get_absolute_path (store),
                                                     experiment, k);
            remove_store_files (made);
          }
        return FALSE;
      }
  return TRUE;
}

/* Rank 0 after the grid: every rank store merged, each in one transaction; the first failure
 * in `error` (its store kept). */
static gboolean
merge_ranks (CariStore *store, gint64 experiment, int size, GError **error)
{
  gboolean ok = TRUE;
  for (int r = 1; r < size; r++)
    {
      g_autofree char *path = rank_store_path (cari_store_get_absolute_path (store), experiment,
                                               r);
      g_autoptr (GError) local = NULL;
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      /* Every rank closed its store before the agreement that led here. */
      if (!cari_store_merge (store, path, cari_run_checkpoint_dir, TRUE, NULL, &local))
        {
          if (ok)
            g_propagate_error (error, g_steal_pointer (&local));
          ok = FALSE;
        }
    }
  return ok;
}

/* `later`'s message after `*error`'s, or `later` alone. */
static void
add_error (GError **error, GError *later)
{
  if (later == NULL)
    return;
  if (*error == NULL)
    {
      *error = later;
      return;
    }
  GError *both = g_error_new ((*error)->domain, (*error)->code, "%s\n%s", (*error)->message,
                              later->message);
  g_error_free (*error);
  g_error_free (later);
  *error = both;
}

gboolean
cari_experiment_execute_group (CariStore *store, gint64 experiment, CariComm *comm,
                               const CariExperimentCallbacks *callbacks,
                               CariExperimentReport *report, GError **error)
{
  static const CariExperimentCallbacks none = { 0 };
  const int size = cari_comm_size (comm), rank = cari_comm_rank (comm);
  if (size <= 1)
    return cari_experiment_execute (store, experiment, callbacks, report, error);
  const CariExperimentCallbacks *cb = callbacks != NULL ? callbacks : &none;
  CariExperimentReport local_report;
  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);
  g_autoptr (GError) local = NULL;

  /* 1. Rank 0 alone: leftovers, the pretraining, the data sets, the ranks' stores. */
  gint64 head[2] = { experiment, 0 }; /* the experiment, its places */
  g_autoptr (GBytes) main_path = NULL;
  if (rank == 0)
    {
      int n_places = 0;
      if (store == NULL)
        g_set_error (&local, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("Rank 0 of a distributed experiment has no run database"));
      else
        {
          prepare_ranks (store, experiment, size, cb, report, &n_places, &local);
          const char *path = cari_store_get_absolute_path (store);
          main_path = g_bytes_new (path, strlen (path) + 1);
        }
      head[1] = n_places;
    }
  cari_comm_broadcast (comm, head, sizeof head, 0);
  cari_comm_broadcast_bytes (comm, &main_path, 0);
  experiment = head[0];
  const int n_places = (int) head[1];
  gboolean ok = cari_comm_agree (comm, &local);

  /* 2. Every rank opens its store: rank 0 the main one, the others their copies. */
  g_autoptr (CariStore) own = NULL;
  CariStore *mine = rank == 0 ? store : NULL;
  if (ok && rank > 0 && rank_has_places (rank, size, n_places))
    {
      g_autofree char *path = rank_store_path (g_bytes_get_data (main_path, NULL), experiment,
                                               rank);
      own = cari_store_open (path, CARI_STORE_READ_WRITE, &local);
      mine = own;
    }
  if (ok)
    ok = cari_comm_agree (comm, &local);

  /* 3. Each rank its places, in order; a failed run does not stop the others. */
  if (ok && mine != NULL)
    {
      g_autoptr (GError) first = NULL;
      g_autoptr (GArray) places = cari_store_list_experiment_runs (mine, experiment, &local);
      for (guint i = 0; places != NULL && i < places->len; i++)
        {
          const CariExperimentRun *place = &g_array_index (places, CariExperimentRun, i);
          if (place->position == 0 || rank_of_position (place->position, size) != rank)
            continue;
          if (execute_place (mine, experiment, place, place->position, n_places, cb, report,
                             &first, &local)
              == PLACE_STOP)
            break;
        }
      if (local == NULL && first != NULL)
        local = g_steal_pointer (&first);
    }
  /* Closed before rank 0 reads it. */
  g_clear_pointer (&own, cari_store_close);
  if (ok)
    ok = cari_comm_agree (comm, &local);

  /* 4. What each rank did, summed; rank 0 merges the ranks' stores and says how it went. */
  int counts[5] = { report->n_finished, report->n_trained, report->n_evaluated,
                    report->n_failed, report->cancelled ? 1 : 0 };
  cari_comm_allreduce_sum (comm, counts, G_N_ELEMENTS (counts), CARI_COMM_INT);
  report->n_runs = n_places;
  report->n_finished = counts[0];
  report->n_trained = counts[1];
  report->n_evaluated = counts[2];
  report->n_failed = counts[3];
  report->cancelled = counts[4] > 0;
  GError *merged = NULL;
  if (rank == 0 && store != NULL)
    merge_ranks (store, experiment, size, &merged);
  if (!cari_comm_agree (comm, &merged))
    add_error (&local, merged);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------ one process */

gboolean
cari_experiment_execute (CariStore *store, gint64 experiment,
                         const CariExperimentCallbacks *callbacks, CariExperimentReport *report,
                         GError **error)
{
  static const CariExperimentCallbacks none = { 0 };
  const CariExperimentCallbacks *cb = callbacks != NULL ? callbacks : &none;
  CariExperimentReport local_report;
  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);

  g_autoptr (GArray) places = list_places (store, experiment, report, error);
  if (places == NULL)
    return FALSE;
  g_autoptr (GError) first = NULL;
  for (guint i = 0; i < places->len; i++)
    {
      const CariExperimentRun *place = &g_array_index (places, CariExperimentRun, i);
      PlaceOutcome o = place->position == 0
                         ? execute_pretraining (store, experiment, place, (int) places->len, cb,
                                                report, &first, error)
                         : execute_place (store, experiment, place, (int) i, (int) places->len,
                                          cb, report, &first, error);
      if (o == PLACE_STOP)
        return FALSE;
      /* Nothing else can start without the shared pretraining. */
      if (o == PLACE_FAILED && place->position == 0)
        break;
    }
  if (first != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------ estimate */

double
cari_experiment_estimate_seconds (CariStore *store, const CariExperimentDef *def,
                                  gboolean *measured)
{
  /* Images per second of the model preset: the median of the finished runs' last throughput
   * figures in the store, else a default measured on two cores (demo ≈ 400, paper ≈ 20). */
  double ips = g_str_equal (def->model, "paper") ? 20.0 : 400.0;
  gboolean found = FALSE;
  g_autoptr (GPtrArray) runs = store != NULL ? cari_store_list_runs (store, NULL) : NULL;
  g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; runs != NULL && i < runs->len; i++)
    {
      const CariRunInfo *r = runs->pdata[i];
      if (r->status != CARI_RUN_FINISHED)
        continue;
      g_autoptr (CariRunConfig) cfg = cari_run_config_new (r->config, NULL);
      if (cfg == NULL || g_strcmp0 (cfg->preset, def->model) != 0)
        continue;
      g_autoptr (GHashTable) latest = cari_store_latest_metrics (store, r->id, NULL);
      const double *v = latest != NULL ? g_hash_table_lookup (latest, CARI_METRIC_IMAGES_PER_S)
                                       : NULL;
      if (v != NULL && isfinite (*v) && *v > 0)
        g_array_append_val (seen, *v);
    }
  if (seen->len > 0)
    {
      g_array_sort (seen, cari_compare_double);
      ips = g_array_index (seen, double, seen->len / 2);
      found = TRUE;
    }
  if (measured != NULL)
    *measured = found;

  g_autoptr (GPtrArray) cells = cari_experiment_cells (def);
  double images = (double) def->pretrain_steps * 2 * def->batch;
  int runs_n = 0;
  for (guint c = 0; c < cells->len; c++)
    {
      const CariExperimentCell *cell = cells->pdata[c];
      double per_step = cell->task != NULL ? def->batch : 2.0 * def->batch;
      images += (double) cell->seeds * def->steps * per_step;
      runs_n += cell->seeds;
    }
  /* Preparing a run (loading its data set) and evaluating it take a few seconds each. */
  return images / ips + runs_n * 6.0;
}
