/* dataset.c — data sets by name for the launch layer: SynCari generated into the cache and
 * imported on first use, data sets imported in the store, and the toy set. */
#include "launch/launch-private.h"

#include "core/error.h"
#include "core/i18n.h"
#include "data/folder.h"
#include "data/loader.h"
#include "data/syncari.h"
#include "data/webcari.h"

#include <string.h>

const char *
cari_launch_dataset_name (const CariRunConfig *cfg)
{
  return cfg->dataset != NULL && cfg->dataset[0] != '\0' ? cfg->dataset : "syncari";
}

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
  const char *name = cari_launch_dataset_name (cfg);
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

/* The run's data set row once the data set is prepared (the source exists): the imported one,
 * or a row of its own for the toy set. */
gint64
cari_launch_dataset_row (CariStore *store, const CariRunConfig *cfg, GError **error)
{
  const char *name = cari_launch_dataset_name (cfg);
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
