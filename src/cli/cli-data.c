/* cli-data.c — data sets for the CLI: the toy set, SynCari (generated and imported on first
 * use), and data sets imported into the run database. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

static gboolean
generation_progress (double fraction, gpointer data)
{
  int *last = data;
  int percent = (int) (fraction * 100.0);
  if (percent / 10 != *last / 10)
    {
      fprintf (stderr, _("generating SynCari: %d %%"), percent);
      fputc ('\n', stderr);
      *last = percent;
    }
  return TRUE;
}

char *
cli_syncari_root (gboolean pretrain)
{
  return g_build_filename (g_get_user_cache_dir (), "carilab",
                           pretrain ? "syncari-pretrain" : "syncari", NULL);
}

/* Generate SynCari into the cache unless a complete copy is there. */
static gboolean
ensure_syncari (GError **error)
{
  g_autofree char *root = cli_syncari_root (FALSE);
  g_autofree char *pretrain = cli_syncari_root (TRUE);
  g_autofree char *done = g_build_filename (root, ".complete", NULL);
  if (g_file_test (done, G_FILE_TEST_EXISTS))
    return TRUE;
  CariSynCariConfig cfg;
  int last = -10;
  cari_syncari_config_init (&cfg);
  fprintf (stderr, _("First use: generating SynCari into %s\n"), root);
  if (!cari_syncari_generate (&cfg, root, pretrain, generation_progress, &last, error))
    return FALSE;
  return g_file_set_contents (done, "", 0, error);
}

/* The index of a data set by name: in the store, or (for syncari and syncari-pretrain) imported
 * into it on first use. */
CariDatasetIndex *
cli_dataset_index (CariStore *store, const char *name, GError **error)
{
  gint64 id;
  gboolean syncari = strcmp (name, "syncari") == 0, pretrain = strcmp (name, "syncari-pretrain") == 0;

  if (cari_store_find_dataset (store, name, &id, NULL))
    return cari_store_load_dataset (store, id, error);
  if (!syncari && !pretrain)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("No data set “%s” (import one with “carilab-cli import”, or use syncari, "
                     "syncari-pretrain or toy)"),
                   name);
      return NULL;
    }
  if (!ensure_syncari (error))
    return NULL;
  g_autofree char *root = cli_syncari_root (pretrain);
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
cli_open_dataset (const CariRunConfig *cfg, CariStore *store, GError **error)
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
  g_autoptr (CariDatasetIndex) index = cli_dataset_index (store, name, error);
  if (index == NULL)
    return NULL;
  return cli_open_loader (cfg, index, error);
}

CariDataSource *
cli_open_loader (const CariRunConfig *cfg, const CariDatasetIndex *index, GError **error)
{
  CariLoaderConfig lc;
  cari_loader_config_init (&lc, cfg->net.input_size);
  lc.validation_fraction = cfg->validation_fraction;
  lc.landmark_crop = cfg->landmark_crop;
  lc.seed = cfg->seed;
  return cari_loader_new (index, cfg->protocol, cfg->fold, &lc, error);
}
