/* evaluate.c — a run's checkpoint on protocol folds and Fig. 2's views: the evaluation the CLI's
 * `eval` and the workbench's analysis page share. */
#include "launch/launch-private.h"

#include "core/error.h"
#include "core/i18n.h"
#include "nn/checkpoint.h"

#include <string.h>

CariNet *
cari_launch_load_net (CariStore *store, gint64 run, gint64 step, const CariRunConfig *cfg,
                      int n_classes, gint64 *checkpoint_step, GError **error)
{
  g_autofree char *path = NULL;
  if (!cari_store_latest_checkpoint (store, run, step, checkpoint_step, &path, error))
    return NULL;
  if (step >= 0 && *checkpoint_step != step)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("The run has no checkpoint at step %lld (the nearest before is step %lld)"),
                   (long long) step, (long long) *checkpoint_step);
      return NULL;
    }
  CariNetConfig ncfg;
  cari_run_config_net (cfg, n_classes, &ncfg);
  g_autoptr (CariNet) net = cari_net_new (&ncfg, cfg->seed, error);
  g_autoptr (CariCheckpoint) ck = net ? cari_checkpoint_read (path, error) : NULL;
  if (ck == NULL || !cari_checkpoint_restore_net (ck, net, error))
    return NULL;
  return g_steal_pointer (&net);
}

/* ------------------------------------------------------------------------------ sessions */

void
cari_eval_session_free (CariEvalSession *s)
{
  if (s == NULL)
    return;
  cari_evaluator_free (s->evaluator);
  cari_net_free (s->net);
  cari_data_source_free (s->source);
  cari_dataset_index_free (s->index);
  cari_run_config_free (s->config);
  cari_run_info_free (s->info);
  g_free (s);
}

CariEvalSession *
cari_eval_session_open (CariStore *store, gint64 run, gint64 step,
                        const CariEvalOptions *options, CariLaunchProgress progress,
                        gpointer user_data, GError **error)
{
  g_autoptr (CariEvalSession) s = g_new0 (CariEvalSession, 1);
  s->run = run;
  s->step = -1;
  if (options != NULL)
    s->options = *options;
  else
    cari_eval_options_init (&s->options);
  s->info = cari_store_get_run (store, run, error);
  s->config = s->info ? cari_run_config_new (s->info->config, error) : NULL;
  if (s->config == NULL)
    return NULL;
  if (g_strcmp0 (s->config->dataset, "toy") == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Run “%s” trained on the toy set, which has no evaluation protocols"),
                   s->info->name);
      return NULL;
    }
  s->index = cari_launch_dataset_index (store, cari_launch_dataset_name (s->config), progress,
                                        user_data, error);
  s->source = s->index ? cari_launch_loader (s->config, s->index, error) : NULL;
  s->net = s->source ? cari_launch_load_net (store, run, step, s->config,
                                             s->source->n_identities, &s->step, error)
                     : NULL;
  if (s->net == NULL)
    return NULL;
  s->evaluator = cari_evaluator_new (s->net, s->source, s->index, &s->options);
  s->progress = progress;
  s->progress_data = user_data;
  cari_evaluator_set_progress (s->evaluator, progress, user_data);
  return g_steal_pointer (&s);
}

/* The folds to evaluate `protocol` on: all of its test folds, one given, or by default the run's
 * fold when the protocol has it (else its first test fold). Empty when it has no test data. */
static GArray *
folds_for (CariEvalSession *s, const char *protocol, const char *fold_arg, GError **error)
{
  g_autoptr (GArray) have = cari_protocol_folds (s->index, protocol);
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (int));
  if (have->len == 0)
    return g_steal_pointer (&out);
  if (g_strcmp0 (fold_arg, "all") == 0)
    {
      /* Fold 0 is the development view; it counts only when it is the only one. */
      for (guint i = 0; i < have->len; i++)
        if (g_array_index (have, int, i) > 0 || have->len == 1)
          g_array_append_val (out, g_array_index (have, int, i));
      return g_steal_pointer (&out);
    }
  if (fold_arg != NULL)
    {
      char *end = NULL;
      gint64 v = g_ascii_strtoll (fold_arg, &end, 10);
      if (end == fold_arg || *end != '\0' || v < 0 || v > 1000)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("--fold: “%s” is not a fold number or “all”"), fold_arg);
          return NULL;
        }
      int want = (int) v;
      g_array_append_val (out, want); /* the evaluator names the folds there are */
      return g_steal_pointer (&out);
    }
  int fold = g_array_index (have, int, have->len > 1 ? 1 : 0);
  for (guint i = 0; i < have->len; i++)
    if (g_array_index (have, int, i) == s->config->fold)
      fold = s->config->fold;
  g_array_append_val (out, fold);
  return g_steal_pointer (&out);
}

GPtrArray *
cari_eval_session_run (CariEvalSession *s, CariStore *store, const CariEvalRequest *req,
                       CariEvalResultFunc on_result, gpointer user_data, GArray **saved,
                       GError **error)
{
  gboolean every = req->protocol == NULL || strcmp (req->protocol, "all") == 0;
  int left_out = 0;
  g_autoptr (GPtrArray) results
    = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_eval_result_free);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *opts = g_strdup_printf ("score=%s;folds=%d;seed=%llu",
                                           cari_score_kind_to_string (s->options.score),
                                           s->options.n_folds,
                                           (unsigned long long) s->options.seed);
  for (int p = 0; p < CARI_N_PROTOCOLS; p++)
    {
      const char *protocol = cari_protocol_names[p];
      if (!every && strcmp (req->protocol, protocol) != 0)
        continue;
      g_autoptr (GArray) folds = folds_for (s, protocol, req->fold, error);
      if (folds == NULL)
        return NULL;
      if (folds->len == 0 && !every)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                       _("Data set “%s” has no test data for protocol “%s”"), s->index->name,
                       protocol);
          return NULL;
        }
      for (guint f = 0; f < folds->len; f++)
        {
          g_autoptr (CariEvalResult) r = cari_evaluator_run (s->evaluator, protocol,
                                                             g_array_index (folds, int, f),
                                                             error);
          if (r == NULL)
            return NULL;
          if (r->leaked > 0 && !req->include_leaked)
            {
              /* Never in a table, a plot or a file unmarked: not kept at all by default. */
              left_out++;
              if (on_result != NULL)
                on_result (r, 0, TRUE, user_data);
              continue;
            }
          gint64 id = 0;
          if (req->save && (id = cari_store_save_evaluation (store, s->run, s->step, r, opts,
                                                             error)) <= 0)
            return NULL;
          g_array_append_val (ids, id);
          if (on_result != NULL)
            on_result (r, id, FALSE, user_data);
          g_ptr_array_add (results, g_steal_pointer (&r));
        }
    }
  if (results->len == 0 && left_out > 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("Every result was computed on identities or images run “%s” trained on, "
                     "and left out: evaluate it on the protocol fold it trained for, or train a "
                     "run on the protocol to evaluate (data.protocol)"),
                   s->info->name);
      return NULL;
    }
  if (results->len == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("Data set “%s” has none of the protocols asked for"), s->index->name);
      return NULL;
    }
  if (saved != NULL)
    *saved = g_steal_pointer (&ids);
  return g_steal_pointer (&results);
}

/* ------------------------------------------------------------------------------ views */

typedef struct
{
  CariLaunchProgress progress;
  gpointer user_data;
  gint *stop;       /* raised to stop the layout */
  const gint *host; /* the host's own flag (may be NULL) */
  int view;         /* the view being laid out, for the overall fraction */
} ViewRelay;

static void
on_view_progress (int iteration, int n_iter, double kl, gpointer data)
{
  ViewRelay *r = data;
  double fraction = (r->view + (double) iteration / MAX (n_iter, 1)) / CARI_N_VIEWS;
  if ((r->host != NULL && g_atomic_int_get (r->host))
      || (r->progress != NULL && !r->progress (fraction, _("t-SNE layout"), r->user_data)))
    g_atomic_int_set (r->stop, 1);
}

/* Relays the evaluator's progress (computing the embeddings) and the host's cancel flag. */
static gboolean
on_embed_progress (double fraction, const char *what, gpointer data)
{
  ViewRelay *r = data;
  if (r->host != NULL && g_atomic_int_get (r->host))
    return FALSE;
  return r->progress == NULL || r->progress (fraction, what, r->user_data);
}

gboolean
cari_eval_session_views (CariEvalSession *s, CariStore *store, gint64 evaluation, int top,
                         CariLaunchProgress progress, CariViewDone on_view, gpointer user_data,
                         const gint *cancel, GError **error)
{
  int n;
  g_autofree int *images = cari_views_pick_images (s->index, s->source, s->config->protocol,
                                                   s->config->fold, top, &n);
  CariTsneParams params;
  cari_tsne_params_init (&params);
  params.perplexity = 50.0; /* REFERENCE §4 */
  gint stop = 0;
  ViewRelay relay = { progress, user_data, &stop, cancel, 0 };
  cari_evaluator_set_progress (s->evaluator, on_embed_progress, &relay);
  gboolean ok = TRUE;
  for (int v = 0; v < CARI_N_VIEWS && ok; v++)
    {
      CariViewLayout layout;
      gint64 start = g_get_monotonic_time ();
      relay.view = v;
      /* A single-task model has the views of its own branch only (Fig. 2's top row: V2V and
       * V2C of the single visual model, C2C and C2V of the single caricature model). */
      if (!cari_net_has_task (s->net, cari_view_task ((CariView) v)))
        continue;
      if (cancel != NULL && g_atomic_int_get (cancel))
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_CANCELLED,
                       _("Laying out the views was cancelled"));
          ok = FALSE;
          break;
        }
      if (!cari_evaluator_view_layout (s->evaluator, v, images, n, &params, on_view_progress,
                                       &relay, &stop, &layout, error))
        {
          ok = FALSE;
          break;
        }
      ok = evaluation <= 0
           || cari_store_save_layout (store, evaluation, cari_view_to_string (v), layout.images,
                                      layout.xy, layout.n, error);
      if (ok && on_view != NULL)
        on_view (v, &layout, (double) (g_get_monotonic_time () - start) * 1e-6, user_data);
      cari_view_layout_clear (&layout);
    }
  cari_evaluator_set_progress (s->evaluator, s->progress, s->progress_data);
  return ok;
}

/* ------------------------------------------------------------------------------ workbench */

gboolean
cari_launch_evaluate (CariStore *store, gint64 run, gint64 step, int views_top,
                      CariLaunchProgress progress, gpointer user_data, GArray **evaluations,
                      GError **error)
{
  g_autoptr (CariEvalSession) s = cari_eval_session_open (store, run, step, NULL, progress,
                                                          user_data, error);
  if (s == NULL)
    return FALSE;
  const CariEvalRequest every = { NULL, NULL, TRUE, FALSE };
  g_autoptr (GArray) ids = NULL;
  g_autoptr (GPtrArray) results = cari_eval_session_run (s, store, &every, NULL, NULL, &ids,
                                                         error);
  if (results == NULL)
    return FALSE;
  if (views_top > 0
      && !cari_eval_session_views (s, store, g_array_index (ids, gint64, 0), views_top, progress,
                                   NULL, user_data, NULL, error))
    return FALSE;
  if (evaluations != NULL)
    *evaluations = g_steal_pointer (&ids);
  return TRUE;
}

gboolean
cari_launch_layouts (CariStore *store, gint64 evaluation, int views_top,
                     CariLaunchProgress progress, gpointer user_data, const gint *cancel,
                     GError **error)
{
  g_autoptr (CariEvalInfo) eval = cari_store_get_evaluation (store, evaluation, error);
  if (eval == NULL)
    return FALSE;
  if (eval->run <= 0 || eval->step < 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Evaluation %lld scored an external file: it has no network to lay out"),
                   (long long) evaluation);
      return FALSE;
    }
  ViewRelay relay = { progress, user_data, NULL, cancel, 0 };
  g_autoptr (CariEvalSession) s = cari_eval_session_open (store, eval->run, eval->step, NULL,
                                                          on_embed_progress, &relay, error);
  return s != NULL
         && cari_eval_session_views (s, store, evaluation, views_top, progress, NULL, user_data,
                                     cancel, error);
}
