/* launch.c — data sets by name, new runs and resumed runs, for the CLI and the workbench. */
#include "launch/launch.h"

#include "core/error.h"
#include "core/i18n.h"
#include "data/folder.h"
#include "data/loader.h"
#include "data/syncari.h"
#include "data/webcari.h"
#include "eval/views.h"
#include "nn/checkpoint.h"
#include "launch/run.h"

#include <string.h>

char *
cari_syncari_cache_root (gboolean pretrain)
{
  return g_build_filename (g_get_user_cache_dir (), "carilab",
                           pretrain ? "syncari-pretrain" : "syncari", NULL);
}

typedef struct
{
  CariLaunchProgress progress;
  gpointer user_data;
  const char *what;
} Relay;

static gboolean
relay_progress (double fraction, gpointer data)
{
  Relay *r = data;
  return r->progress == NULL || r->progress (fraction, r->what, r->user_data);
}

/* Generate SynCari into the cache unless a complete copy is there. */
static gboolean
ensure_syncari (CariLaunchProgress progress, gpointer user_data, GError **error)
{
  g_autofree char *root = cari_syncari_cache_root (FALSE);
  g_autofree char *pretrain = cari_syncari_cache_root (TRUE);
  g_autofree char *done = g_build_filename (root, ".complete", NULL);
  if (g_file_test (done, G_FILE_TEST_EXISTS))
    return TRUE;
  CariSynCariConfig cfg;
  /* $CARILAB_SYNCARI_TINY: the tiny set, for tests that must not spend 20 s generating. */
  if (g_getenv ("CARILAB_SYNCARI_TINY") != NULL)
    cari_syncari_config_init_tiny (&cfg);
  else
    cari_syncari_config_init (&cfg);
  g_autofree char *what = g_strdup_printf (_("Generating SynCari into %s"), root);
  Relay relay = { progress, user_data, what };
  if (!relay_progress (0.0, &relay))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_CANCELLED, _("Generating SynCari was cancelled"));
      return FALSE;
    }
  if (!cari_syncari_generate (&cfg, root, pretrain, relay_progress, &relay, error))
    return FALSE;
  return g_file_set_contents (done, "", 0, error);
}

CariDatasetIndex *
cari_launch_dataset_index (CariStore *store, const char *name, CariLaunchProgress progress,
                           gpointer user_data, GError **error)
{
  gint64 id;
  gboolean syncari = g_strcmp0 (name, "syncari") == 0;
  gboolean pretrain = g_strcmp0 (name, "syncari-pretrain") == 0;

  if (cari_store_find_dataset (store, name, &id, NULL))
    {
      CariDatasetIndex *stored = cari_store_load_dataset (store, id, error);
      /* A run queued before SynCari was generated named it with an empty row: generate it now,
       * and the import fills that row in. */
      if (stored == NULL || stored->images->len > 0 || (!syncari && !pretrain))
        return stored;
      cari_dataset_index_free (stored);
    }
  if (!syncari && !pretrain)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("No data set “%s” (import one with “carilab-cli import”, or use syncari, "
                     "syncari-pretrain or toy)"),
                   name ? name : "");
      return NULL;
    }
  if (!ensure_syncari (progress, user_data, error))
    return NULL;
  g_autofree char *root = cari_syncari_cache_root (pretrain);
  if (progress != NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Importing %s"), name);
      if (!progress (1.0, what, user_data))
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_CANCELLED, _("The import was cancelled"));
          return NULL;
        }
    }
  g_autoptr (CariDatasetIndex) index = pretrain ? cari_folder_import (root, error)
                                                : cari_webcari_import (root, error);
  if (index == NULL)
    return NULL;
  g_free (index->name);
  index->name = g_strdup (name);
  if (cari_store_import_dataset (store, index, error) <= 0)
    return NULL;
  return g_steal_pointer (&index);
}

CariDataSource *
cari_launch_loader (const CariRunConfig *cfg, const CariDatasetIndex *index, GError **error)
{
  CariLoaderConfig lc;
  cari_loader_config_init (&lc, cfg->net.input_size);
  lc.validation_fraction = cfg->validation_fraction;
  lc.landmark_crop = cfg->landmark_crop;
  lc.seed = cfg->seed;
  return cari_loader_new (index, cfg->protocol, cfg->fold, &lc, error);
}

CariDataSource *
cari_launch_source (CariStore *store, const CariRunConfig *cfg, CariLaunchProgress progress,
                    gpointer user_data, GError **error)
{
  const char *name = cfg->dataset != NULL && cfg->dataset[0] != '\0' ? cfg->dataset : "syncari";
  if (strcmp (name, "toy") == 0)
    {
      CariToyConfig tc;
      cari_toy_config_init (&tc);
      tc.size = cfg->net.input_size;
      tc.seed = cfg->seed;
      return cari_toy_source_new (&tc, error);
    }
  g_autoptr (CariDatasetIndex) index = cari_launch_dataset_index (store, name, progress,
                                                                  user_data, error);
  return index ? cari_launch_loader (cfg, index, error) : NULL;
}

/* init.from: the checkpoint file it names, or the latest checkpoint of the run it names (then
 * *parent is that run). */
static char *
resolve_init (CariStore *store, const CariRunConfig *cfg, gint64 *parent, GError **error)
{
  *parent = 0;
  if (g_file_test (cfg->init_from, G_FILE_TEST_EXISTS)
      || !cari_store_find_run (store, cfg->init_from, parent, NULL))
    return g_strdup (cfg->init_from);
  char *path = NULL;
  if (!cari_store_latest_checkpoint (store, *parent, -1, NULL, &path, error))
    {
      g_prefix_error (error, "init.from: ");
      return NULL;
    }
  return path;
}

static gboolean
apply_init (CariStore *store, const CariRunConfig *cfg, CariTrainer *trainer, gint64 *parent,
            GError **error)
{
  *parent = 0;
  if (cfg->init_from == NULL || cfg->init_from[0] == '\0')
    return TRUE;
  g_autofree char *from = resolve_init (store, cfg, parent, error);
  g_autoptr (CariCheckpoint) ck = from ? cari_checkpoint_read (from, error) : NULL;
  if (ck == NULL || !cari_trainer_init_from (trainer, ck, cfg->branches_from_visual, error))
    {
      if (from != NULL)
        g_prefix_error (error, "init.from: ");
      return FALSE;
    }
  return TRUE;
}

/* The run's data set row once the data set is prepared (the source exists): the imported one,
 * or a row of its own for the toy set. */
static gint64
dataset_row (CariStore *store, const CariRunConfig *cfg, GError **error)
{
  const char *name = cfg->dataset != NULL && cfg->dataset[0] != '\0' ? cfg->dataset : "syncari";
  gint64 id = 0;
  if (cari_store_find_dataset (store, name, &id, NULL))
    return id;
  if (strcmp (name, "toy") != 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND, _("No data set “%s” in the run database"),
                   name);
      return 0;
    }
  return cari_store_add_dataset (store, name, "synthetic", "", "", error);
}

static char *
run_name (const CariRunConfig *cfg)
{
  if (cfg->name != NULL && cfg->name[0] != '\0')
    return g_strdup (cfg->name);
  return g_strdup_printf ("%s-%lld", cari_strategy_to_string (cfg->strategy),
                          (long long) (g_get_real_time () / 1000));
}

CariTrainer *
cari_launch_new_run (CariStore *store, const CariRunConfig *cfg, CariDataSource *source,
                     gint64 *run, GError **error)
{
  gint64 parent = 0;
  g_autoptr (CariTrainer) trainer = cari_trainer_new (cfg, source, error);
  if (trainer == NULL || !apply_init (store, cfg, trainer, &parent, error))
    return NULL;
  gint64 dataset = dataset_row (store, cfg, error);
  if (dataset <= 0)
    return NULL;
  g_autofree char *text = cari_run_config_to_text (cfg);
  g_autofree char *name = run_name (cfg);
  *run = cari_store_create_run (store, name, dataset, text, cfg->seed, parent, error);
  return *run > 0 ? g_steal_pointer (&trainer) : NULL;
}

gint64
cari_launch_queue_run (CariStore *store, const CariRunConfig *cfg, GError **error)
{
  gint64 parent = 0;
  if (cfg->init_from != NULL && cfg->init_from[0] != '\0'
      && !g_file_test (cfg->init_from, G_FILE_TEST_EXISTS))
    cari_store_find_run (store, cfg->init_from, &parent, NULL);
  /* The data set row is set when the run starts: it may not be prepared yet. */
  gint64 dataset = 0;
  const char *data_name = cfg->dataset != NULL && cfg->dataset[0] != '\0' ? cfg->dataset
                                                                          : "syncari";
  cari_store_find_dataset (store, data_name, &dataset, NULL);
  g_autofree char *text = cari_run_config_to_text (cfg);
  g_autofree char *name = run_name (cfg);
  return cari_store_create_run (store, name, dataset, text, cfg->seed, parent, error);
}

CariTrainer *
cari_launch_run (CariStore *store, gint64 run, CariDataSource *source, gint64 *step,
                 GError **error)
{
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, error);
  g_autoptr (CariRunConfig) cfg = info ? cari_run_config_new (info->config, error) : NULL;
  if (cfg == NULL)
    return NULL;
  g_autoptr (CariTrainer) trainer = cari_trainer_new (cfg, source, error);
  if (trainer == NULL)
    return NULL;
  if (info->dataset_id <= 0)
    {
      gint64 dataset = dataset_row (store, cfg, error);
      if (dataset <= 0 || !cari_store_set_run_dataset (store, run, dataset, error))
        return NULL;
    }
  gint64 latest = -1;
  gboolean has_checkpoint = cari_store_latest_checkpoint (store, run, -1, &latest, NULL, NULL);
  *step = 0;
  if (!has_checkpoint)
    {
      /* From the start: nothing recorded before counts. */
      gint64 parent;
      if (!cari_store_delete_metrics_after (store, run, -1, error)
          || !apply_init (store, cfg, trainer, &parent, error))
        return NULL;
      return g_steal_pointer (&trainer);
    }
  g_autofree char *path = NULL;
  if (!cari_run_prepare_resume (store, run, &path, step, error))
    return NULL;
  g_autoptr (CariCheckpoint) ck = cari_checkpoint_read (path, error);
  if (ck == NULL || !cari_trainer_restore (trainer, ck, error))
    return NULL;
  return g_steal_pointer (&trainer);
}

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

typedef struct
{
  CariEvalProgress progress;
  gpointer user_data;
  gint *cancel;        /* raised to stop the layout */
  const gint *host;    /* the host's own flag (may be NULL) */
  int view;            /* the view being laid out, for the overall fraction */
} ViewRelay;

static void
on_view_progress (int iteration, int n_iter, double kl, gpointer data)
{
  ViewRelay *r = data;
  double fraction = (r->view + (double) iteration / MAX (n_iter, 1)) / CARI_N_VIEWS;
  if ((r->host != NULL && g_atomic_int_get (r->host))
      || (r->progress != NULL && !r->progress (fraction, _("t-SNE layout"), r->user_data)))
    g_atomic_int_set (r->cancel, 1);
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

/* Fig. 2's four views of the `top` identities with the most unseen images, perplexity 50,
 * stored with `evaluation`. */
static gboolean
lay_out_views (CariStore *store, CariEvaluator *ev, const CariDatasetIndex *index,
               const CariDataSource *source, const CariRunConfig *cfg, gint64 evaluation, int top,
               CariEvalProgress progress, gpointer user_data, const gint *host_cancel,
               GError **error)
{
  int n;
  g_autofree int *images = cari_views_pick_images (index, source, cfg->protocol, cfg->fold, top,
                                                   &n);
  CariTsneParams params;
  cari_tsne_params_init (&params);
  params.perplexity = 50.0;
  gint cancel = 0;
  ViewRelay relay = { progress, user_data, &cancel, host_cancel, 0 };
  for (int v = 0; v < CARI_N_VIEWS; v++)
    {
      CariViewLayout layout;
      relay.view = v;
      if (host_cancel != NULL && g_atomic_int_get (host_cancel))
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_CANCELLED,
                       _("Laying out the views was cancelled"));
          return FALSE;
        }
      if (!cari_evaluator_view_layout (ev, v, images, n, &params, on_view_progress, &relay,
                                       &cancel, &layout, error))
        return FALSE;
      gboolean ok = cari_store_save_layout (store, evaluation, cari_view_to_string (v),
                                            layout.images, layout.xy, layout.n, error);
      cari_view_layout_clear (&layout);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

gboolean
cari_launch_evaluate (CariStore *store, gint64 run, gint64 step, int views_top,
                      CariEvalProgress progress, gpointer user_data, GArray **evaluations,
                      GError **error)
{
  static const char *const protocols[] = {
    "webcari.restricted", "webcari.unrestricted", "webcari.c2p", "webcari.p2c", "cavi.pairs",
  };
  gint64 ck_step = -1;
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, error);
  g_autoptr (CariRunConfig) cfg = info ? cari_run_config_new (info->config, error) : NULL;
  if (cfg == NULL)
    return FALSE;
  if (g_strcmp0 (cfg->dataset, "toy") == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Run “%s” trained on the toy set, which has no evaluation protocols"),
                   info->name);
      return FALSE;
    }
  g_autoptr (CariDatasetIndex) index = cari_launch_dataset_index (store, cfg->dataset, NULL, NULL,
                                                                  error);
  g_autoptr (CariDataSource) source = index ? cari_launch_loader (cfg, index, error) : NULL;
  g_autoptr (CariNet) net = source ? cari_launch_load_net (store, run, step, cfg,
                                                           source->n_identities, &ck_step, error)
                                   : NULL;
  if (net == NULL)
    return FALSE;
  CariEvalOptions options;
  cari_eval_options_init (&options);
  g_autoptr (CariEvaluator) ev = cari_evaluator_new (net, source, index, &options);
  cari_evaluator_set_progress (ev, progress, user_data);
  g_autofree char *opts = g_strdup_printf ("score=%s;folds=%d;seed=%llu",
                                           cari_score_kind_to_string (options.score),
                                           options.n_folds, (unsigned long long) options.seed);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (size_t p = 0; p < G_N_ELEMENTS (protocols); p++)
    {
      g_autoptr (GArray) folds = cari_protocol_folds (index, protocols[p]);
      if (folds->len == 0)
        continue;
      int fold = g_array_index (folds, int, folds->len > 1 ? 1 : 0);
      for (guint f = 0; f < folds->len; f++)
        if (g_array_index (folds, int, f) == cfg->fold)
          fold = cfg->fold;
      g_autoptr (CariEvalResult) r = cari_evaluator_run (ev, protocols[p], fold, error);
      gint64 id = r ? cari_store_save_evaluation (store, run, ck_step, r, opts, error) : 0;
      if (id <= 0)
        return FALSE;
      g_array_append_val (ids, id);
    }
  if (ids->len == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("Data set “%s” has no evaluation protocol"), index->name);
      return FALSE;
    }
  if (views_top > 0
      && !lay_out_views (store, ev, index, source, cfg, g_array_index (ids, gint64, 0), views_top,
                         progress, user_data, NULL, error))
    return FALSE;
  if (evaluations != NULL)
    *evaluations = g_steal_pointer (&ids);
  return TRUE;
}

gboolean
cari_launch_layouts (CariStore *store, gint64 evaluation, int views_top,
                     CariEvalProgress progress, gpointer user_data, const gint *cancel,
                     GError **error)
{
  gint64 ck_step = -1;
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
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, eval->run, error);
  g_autoptr (CariRunConfig) cfg = info ? cari_run_config_new (info->config, error) : NULL;
  if (cfg == NULL)
    return FALSE;
  g_autoptr (CariDatasetIndex) index = cari_launch_dataset_index (store, cfg->dataset, progress,
                                                                  user_data, error);
  g_autoptr (CariDataSource) source = index ? cari_launch_loader (cfg, index, error) : NULL;
  g_autoptr (CariNet) net = source ? cari_launch_load_net (store, eval->run, eval->step, cfg,
                                                           source->n_identities, &ck_step, error)
                                   : NULL;
  if (net == NULL)
    return FALSE;
  CariEvalOptions options;
  cari_eval_options_init (&options);
  g_autoptr (CariEvaluator) ev = cari_evaluator_new (net, source, index, &options);
  ViewRelay embed = { progress, user_data, NULL, cancel, 0 };
  cari_evaluator_set_progress (ev, on_embed_progress, &embed);
  return lay_out_views (store, ev, index, source, cfg, evaluation, views_top, progress, user_data,
                        cancel, error);
}
