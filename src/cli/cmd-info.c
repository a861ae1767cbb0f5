/* cmd-info.c — `carilab-cli info`: versions and the BLAS in use. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>

int
cmd_info (int argc, char **argv)
{
  int threads = 0;
  GOptionEntry entries[] = {
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads,
      N_("Number of BLAS threads to use (default: as configured)"), N_("N") },
    { NULL },
  };
  if (!cli_parse_command (&argc, &argv, _("Show the engine version and the linear-algebra backend."), entries))
    return CLI_EXIT_USAGE;
  if (threads < 0)
    {
      g_printerr (_("%s: --threads must be positive (got %d)\n"), argv[0], threads);
      return CLI_EXIT_USAGE;
    }

  cari_blas_set_threads (threads);
  g_autofree char *blas = cari_blas_describe ();
  printf (_("Engine: %s\n"), cari_version ());
  printf (_("Linear algebra: %s\n"), blas);
  return CLI_EXIT_OK;
}
