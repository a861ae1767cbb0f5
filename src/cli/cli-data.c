/* cli-data.c — data sets for the CLI (launch/launch.h does the work): the toy set, SynCari
 * (generated and imported on first use, with progress on stderr), and data sets imported into
 * the run database. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>

void
cli_print_progress (double fraction, const char *what, int *last_percent)
{
  int percent = (int) (fraction * 100.0);
  if (percent / 10 != *last_percent / 10)
    {
      fprintf (stderr, "%s: %d %%\n", what, percent);
      *last_percent = percent;
    }
}

gboolean
cli_progress (double fraction, const char *what, gpointer data)
{
  cli_print_progress (fraction, what, data);
  return !cli_interrupted ();
}

CariDatasetIndex *
cli_dataset_index (CariStore *store, const char *name, GError **error)
{
  int last = -10;
  return cari_launch_dataset_index (store, name, cli_progress, &last, error);
}

CariDataSource *
cli_open_dataset (const CariRunConfig *cfg, CariStore *store, GError **error)
{
  int last = -10;
  return cari_launch_source (store, cfg, cli_progress, &last, error);
}
