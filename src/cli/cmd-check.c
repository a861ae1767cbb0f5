/* cmd-check.c — `carilab-cli check`: reads a whole run database and says whether it is sound
 * (cari_store_check). Opening no longer reads the whole file, so this is how a user checks a
 * store copied from a server or kept after a crash. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>

int
cmd_check (int argc, char **argv)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = NULL;

  if (!cli_parse_command (&argc, &argv,
                          _("Check that a run database is sound: read every page of the file "
                            "and check its structure. Exit status 0 when it is, 1 when it is "
                            "damaged or cannot be read."),
                          entries))
    return CLI_EXIT_USAGE;
  /* Read-only: a check never creates, upgrades or changes the file. */
  store = cli_open_store (db, TRUE, &error);
  if (store != NULL && cari_store_check (store, &error))
    {
      printf (_("%s: ok\n"), cari_store_get_path (store));
      return CLI_EXIT_OK;
    }
  if (g_error_matches (error, CARI_ERROR, CARI_ERROR_CORRUPT))
    {
      g_autofree char *path = db != NULL ? g_strdup (db) : cari_store_default_path ();
      printf (_("%s: damaged\n"), path);
    }
  g_printerr ("%s: %s\n", argv[0], error->message);
  return CLI_EXIT_FAILURE;
}
