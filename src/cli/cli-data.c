/* cli-data.c — data sets for the CLI (launch/launch.h does the work): the toy set, SynCari
 * (generated and imported on first use, with progress on stderr), and data sets imported into
 * the run database. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>

static gboolean
on_progress (double fraction, const char *what, gpointer data)
{
  int *last = data;
  int percent = (int) (fraction * 100.0);
  if (percent / 10 != *last / 10)
    {
      fprintf (stderr, "%s: %d %%\n", what, percent);
      *last = percent;
    }
  return !cli_interrupted ();
}

char *
cli_syncari_root (gboolean pretrain)
{
  return cari_syncari_cache_root (pretrain);
}

CariDatasetIndex *
cli_dataset_index (CariStore *store, const char *name, GError **error)
{
  int last = -10;
  return cari_launch_dataset_index (store, name, on_progress, &last, error);
}

CariDataSource *
cli_open_dataset (const CariRunConfig *cfg, CariStore *store, GError **error)
{
  int last = -10;
  return cari_launch_source (store, cfg, on_progress, &last, error);
}

CariDataSource *
cli_open_loader (const CariRunConfig *cfg, const CariDatasetIndex *index, GError **error)
{
  return cari_launch_loader (cfg, index, error);
}
