/* launch.c — data sets by name, new runs and resumed runs, for the CLI and the workbench. */
#include "train/launch.h"

#include "core/error.h"
#include "core/i18n.h"
#include "data/folder.h"
#include "data/loader.h"
#include "data/syncari.h"
#include "data/webcari.h"
#include "nn/checkpoint.h"
#include "train/run.h"

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

static gint64
dataset_row (CariStore *store, const CariRunConfig *cfg, GError **error)
{
  const char *name = cfg->dataset != NULL && cfg->dataset[0] != '\0' ? cfg->dataset : "syncari";
  gint64 id = 0;
  if (cari_store_find_dataset (store, name, &id, NULL))
    return id;
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
  gint64 dataset = dataset_row (store, cfg, error);
  if (dataset <= 0)
    return 0;
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
