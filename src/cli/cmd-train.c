/* cmd-train.c — `carilab-cli train` and `carilab-cli resume`. */
#include "cli.h"
#include "cli-mpi.h"

#include <cari.h>
#include <glib/gi18n.h>

/* A configuration from --config FILE and --set overrides; NULL after printing why. */
static CariRunConfig *
load_config (const char *prog, const char *file, char **sets, const char *dataset)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  if (file != NULL && !g_file_get_contents (file, &text, NULL, &error))
    {
      g_printerr ("%s: %s\n", prog, error->message);
      return NULL;
    }
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (text, &error);
  if (cfg == NULL)
    {
      g_printerr ("%s: %s%s%s\n", prog, file ? file : "", file ? ": " : "", error->message);
      return NULL;
    }
  if (sets != NULL && !cari_run_config_set_all (cfg, (const char *const *) sets, NULL, &error))
    {
      g_printerr ("%s: --set: %s\n", prog, error->message);
      return NULL;
    }
  if (dataset != NULL)
    {
      g_autofree char *assign = g_strdup_printf ("data.dataset=%s", dataset);
      if (!cari_run_config_set (cfg, assign, &error))
        {
          g_printerr ("%s: --dataset: %s\n", prog, error->message);
          return NULL;
        }
    }
  return g_steal_pointer (&cfg);
}

int
cmd_train (int argc, char **argv)
{
  g_autofree char *db = NULL, *config = NULL, *dataset = NULL, *name = NULL;
  g_auto (GStrv) sets = NULL;
  gboolean print_config = FALSE;
  int threads = 0;
  CariComm *comm = NULL;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, N_("Threads per process (default: as configured; under mpirun, the node's cores divided between its ranks)"), N_("N") },
    { "dataset", 'd', 0, G_OPTION_ARG_STRING, &dataset, N_("Data set to train on (default: syncari)"), N_("NAME") },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config, N_("Run configuration file (.ini, see docs/config.md)"), N_("FILE") },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, N_("Override one key, e.g. --set strategy.name=naive (repeatable)"), N_("GROUP.KEY=VALUE") },
    { "name", 'n', 0, G_OPTION_ARG_FILENAME, &name, N_("Name of the run (default: strategy and number)"), N_("NAME") },
    { "print-config", 0, 0, G_OPTION_ARG_NONE, &print_config, N_("Print the complete configuration and exit"), NULL },
    { NULL },
  };
  g_autoptr (GError) error = NULL;

  if (!cli_parse_command (&argc, &argv,
                          _("Train a network and record the run in the run database. Ctrl-C "
                            "checkpoints and stops; “carilab-cli resume” continues. Under "
                            "mpirun or srun, the ranks train it data-parallel: each takes its "
                            "share of every batch, and rank 0 records the run."),
                          entries))
    return CLI_EXIT_USAGE;
  if (threads < 0)
    {
      g_printerr (_("%s: --threads must be positive (got %d)\n"), argv[0], threads);
      return CLI_EXIT_USAGE;
    }
  if (!print_config && !cli_mpi_start_ranks (argv[0], threads, &comm))
    return cli_mpi_finish (CLI_EXIT_FAILURE);
  if (cari_comm_rank (comm) > 0)
    return cli_mpi_finish (cli_follow_run (comm, argv[0]));
  g_autoptr (CariRunConfig) cfg = load_config (argv[0], config, sets, dataset);
  if (cfg == NULL)
    return CLI_EXIT_USAGE;
  g_autofree char *assign_name = name != NULL ? g_strdup_printf ("run.name=%s", name) : NULL;
  if (assign_name != NULL && !cari_run_config_set (cfg, assign_name, &error))
    return cli_report (argv[0], error, CLI_EXIT_USAGE);
  if (print_config)
    {
      g_autofree char *text = cari_run_config_to_text (cfg);
      fputs (text, stdout);
      return CLI_EXIT_OK;
    }

  g_autoptr (CariStore) store = cli_open_store (db, FALSE, &error);
  gint64 run = store != NULL ? cari_launch_queue_run (store, cfg, &error) : 0;
  if (run <= 0)
    {
      /* The other ranks wait for the run: tell them why there is none. */
      g_autoptr (GError) copy = g_error_copy (error);
      cari_comm_agree (comm, &copy);
      return cli_mpi_finish (cli_report (argv[0], error, CLI_EXIT_FAILURE));
    }
  return cli_mpi_finish (cli_execute_run_group (store, run, FALSE, comm, argv[0]));
}

int
cmd_resume (int argc, char **argv)
{
  g_autofree char *db = NULL, *run_arg = NULL;
  int threads = 0;
  CariComm *comm = NULL;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, N_("Threads per process (default: as configured; under mpirun, the node's cores divided between its ranks)"), N_("N") },
    { "run", 'r', 0, G_OPTION_ARG_STRING, &run_arg, N_("The run to continue (id or name)"), N_("RUN") },
    { NULL },
  };
  gint64 run;
  int status;

  if (!cli_parse_command (&argc, &argv,
                          _("Continue a run from the newest of its checkpoints that loads (saying "
                            "which, and why newer ones were skipped); metrics recorded after that "
                            "checkpoint are replaced. Under mpirun or srun, the ranks go on "
                            "data-parallel, whatever their number when it was checkpointed."),
                          entries))
    return CLI_EXIT_USAGE;
  if (threads < 0)
    {
      g_printerr (_("%s: --threads must be positive (got %d)\n"), argv[0], threads);
      return CLI_EXIT_USAGE;
    }
  if (!cli_mpi_start_ranks (argv[0], threads, &comm))
    return cli_mpi_finish (CLI_EXIT_FAILURE);
  if (cari_comm_rank (comm) > 0)
    return cli_mpi_finish (cli_follow_run (comm, argv[0]));
  g_autoptr (CariStore) store = cli_open_run (argv[0], db, run_arg, FALSE, &run, &status);
  if (store == NULL)
    {
      g_autoptr (GError) why = g_error_new (CARI_ERROR, CARI_ERROR_NOT_FOUND,
                                            _("Rank 0 cannot open the run"));
      cari_comm_agree (comm, &why);
      return cli_mpi_finish (status);
    }
  return cli_mpi_finish (cli_execute_run_group (store, run, TRUE, comm, argv[0]));
}
