/* experiment.c — experiments: their definition, the presets' grids, the planned runs, recording
 * them, and executing them (training, then evaluating every finished run). The summary over seeds
 * is in experiment-summary.c. */
#include "launch/experiment.h"
#include "launch/launch-private.h"

#include "core/error.h"
#include "core/i18n.h"

#include "core/compare.h"

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

  g_autoptr (GArray) places = cari_store_list_experiment_runs (store, experiment, error);
  if (places == NULL)
    return FALSE;
  report->n_runs = (int) places->len;
  GError *first = NULL;
  for (guint i = 0; i < places->len; i++)
    {
      const CariExperimentRun *place = &g_array_index (places, CariExperimentRun, i);
      g_autoptr (GError) local = NULL;
      g_autoptr (CariRunInfo) info = cari_store_get_run (store, place->run, &local);
      if (info == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          g_clear_error (&first);
          return FALSE;
        }
      CariRunStatus status = info->status;
      gboolean evaluated = FALSE;
      if (status == CARI_RUN_DIVERGED)
        {
          /* Diverging again from the same seed is certain: left as it is, and said. */
          report->n_failed++;
          if (first == NULL)
            g_set_error (&first, CARI_ERROR, CARI_ERROR_DIVERGED,
                         _("Run “%s” diverged: %s"), info->name,
                         info->message != NULL ? info->message : "");
          if (i == 0)
            break;
          continue;
        }
      if (status != CARI_RUN_FINISHED)
        {
          if (cb->run_started != NULL)
            cb->run_started (place, info, (int) i, (int) places->len, TRUE, cb->user_data);
          CariRunReport run_report;
          cari_launch_execute (store, place->run, &cb->launch, &run_report, &local);
          status = run_report.status;
          /* Another live process executes this run, so this experiment too: two executions
           * would interleave the rest of it. Stop, saying who holds it. */
          if (g_error_matches (local, CARI_ERROR, CARI_ERROR_BUSY))
            {
              if (cb->run_done != NULL)
                cb->run_done (place, status, local, cb->user_data);
              g_clear_error (&first);
              g_propagate_prefixed_error (error, g_steal_pointer (&local),
                                          _("Another process is executing this experiment: "));
              return FALSE;
            }
          if (status == CARI_RUN_FINISHED)
            report->n_trained++;
          if (cb->run_done != NULL)
            cb->run_done (place, status, local, cb->user_data);
          if (status == CARI_RUN_CANCELLED)
            {
              report->cancelled = TRUE;
              g_clear_error (&first);
              if (local != NULL)
                g_propagate_error (error, g_steal_pointer (&local));
              else
                g_set_error (error, CARI_ERROR, CARI_ERROR_CANCELLED,
                             _("Run “%s” was cancelled"), info->name);
              return FALSE;
            }
          if (status != CARI_RUN_FINISHED)
            {
              report->n_failed++;
              if (first == NULL && local != NULL)
                first = g_steal_pointer (&local);
              else if (first == NULL)
                g_set_error (&first, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT, _("Run “%s” did not finish"),
                             info->name);
              /* Nothing else can start without the shared pretraining. */
              if (i == 0)
                break;
              continue;
            }
        }
      /* The pretraining is not evaluated: it trains on another data set. */
      if (i > 0)
        {
          if (!is_evaluated (store, place, &evaluated, error))
            {
              g_clear_error (&first);
              return FALSE;
            }
          if (!evaluated)
            {
              if (cb->run_started != NULL)
                cb->run_started (place, info, (int) i, (int) places->len, FALSE,
                                 cb->user_data);
              if (!evaluate_run (store, experiment, place, cb, &local))
                {
                  gboolean cancelled = g_error_matches (local, CARI_ERROR, CARI_ERROR_CANCELLED);
                  if (cb->run_done != NULL)
                    cb->run_done (place, cancelled ? CARI_RUN_CANCELLED : CARI_RUN_FAILED,
                                  local, cb->user_data);
                  g_prefix_error (&local, _("Evaluating run “%s”: "), info->name);
                  if (cancelled)
                    {
                      report->cancelled = TRUE;
                      g_clear_error (&first);
                      g_propagate_error (error, g_steal_pointer (&local));
                      return FALSE;
                    }
                  report->n_failed++;
                  if (first == NULL)
                    first = g_steal_pointer (&local);
                  continue;
                }
              report->n_evaluated++;
              if (cb->run_done != NULL)
                cb->run_done (place, CARI_RUN_FINISHED, NULL, cb->user_data);
            }
        }
      report->n_finished++;
    }
  if (first != NULL)
    {
      g_propagate_error (error, first);
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
