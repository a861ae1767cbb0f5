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
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Show the engine version and the linear-algebra backend."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!cli_parse_options (context, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 1)
    {
      g_printerr (_("%s: unexpected argument “%s”\n"), argv[0], argv[1]);
      return CLI_EXIT_USAGE;
    }
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
