/* cmd-info.c — `carilab-cli info`: versions and the BLAS in use. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>
#include <string.h>

#ifdef CARI_HAVE_MPI
#include <mpi.h>
#endif

/* The MPI library carilab-cli was built with, for `mpirun -np N carilab-cli …`; NULL without. */
static char *
mpi_library (void)
{
#ifdef CARI_HAVE_MPI
  char version[MPI_MAX_LIBRARY_VERSION_STRING] = "";
  int len = 0;
  /* One of the few calls allowed before MPI_Init: "Open MPI v4.1.4, package: …". */
  MPI_Get_library_version (version, &len);
  version[strcspn (version, ",\n")] = '\0';
  return g_strdup (version[0] != '\0' ? version : "MPI");
#else
  return NULL;
#endif
}

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
  g_autofree char *mpi = mpi_library ();
  if (mpi != NULL)
    printf (_("MPI: %s (distributed experiments and data-parallel training under mpirun or "
              "srun)\n"),
            mpi);
  else
    printf (_("MPI: not built in (rebuild with Open MPI for mpirun or srun)\n"));
  return CLI_EXIT_OK;
}
