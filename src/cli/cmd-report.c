/* cmd-report.c — `carilab-cli report`: an experiment's report (or one run's) as a multi-page
 * PDF drawn by carilab-report, its tables as CSV files beside it; progress on stderr. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>

#include "report.h"

static void
print_progress (const char *line, gpointer user_data)
{
  g_printerr ("%s: %s\n", (const char *) user_data, line);
}

int
cmd_report (int argc, char **argv)
{
  g_autofree char *db = NULL, *experiment = NULL, *run = NULL, *output = NULL, *seed = NULL;
  int views_top = 0;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "experiment", 'x', 0, G_OPTION_ARG_STRING, &experiment,
      N_("The experiment to report on (id or name)"), N_("NAME") },
    { "run", 'r', 0, G_OPTION_ARG_STRING, &run,
      N_("Report on one run instead (id or name)"), N_("RUN") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF file to write"),
      N_("FILE") },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed,
      N_("The seed of Fig. 2 and Fig. 8 (default: the experiment's first)"), N_("N") },
    { "views-top", 0, 0, G_OPTION_ARG_INT, &views_top,
      N_("Identities in Fig. 2's views when they must be laid out (default 50)"), N_("N") },
    { NULL },
  };
  g_autoptr (GError) error = NULL;

  if (!cli_parse_command (&argc, &argv,
                          _("Write an experiment's report as a PDF: its definition and "
                            "environment, the tables with intervals (also as CSV files "
                            "FILE-table-N.csv beside it), Fig. 5, the Fig. 6/7 grids, Fig. 2's "
                            "views, Fig. 8's hardest pairs and the paper's claims. With --run, "
                            "one run's definition, curves and tables."),
                          entries))
    return CLI_EXIT_USAGE;
  if ((experiment == NULL) == (run == NULL))
    {
      g_printerr (_("%s: give either --experiment or --run\n"), argv[0]);
      return CLI_EXIT_USAGE;
    }
  if (output == NULL || !g_str_has_suffix (output, ".pdf"))
    {
      g_printerr (_("%s: give the PDF file to write with --output (its name ending in .pdf)\n"),
                  argv[0]);
      return CLI_EXIT_USAGE;
    }
  CariReportOptions options = { .views_top = views_top, .progress = print_progress,
                                .user_data = argv[0] };
  if (seed != NULL)
    {
      char *end = NULL;
      options.seed = g_ascii_strtoull (seed, &end, 10);
      if (seed[0] < '0' || seed[0] > '9' || end == NULL || *end != '\0')
        {
          g_printerr (_("%s: --seed must be a whole number, not “%s”\n"), argv[0], seed);
          return CLI_EXIT_USAGE;
        }
      options.has_seed = TRUE;
    }
  if (views_top < 0)
    {
      g_printerr (_("%s: --views-top must be positive (got %d)\n"), argv[0], views_top);
      return CLI_EXIT_USAGE;
    }

  /* Read-write: Fig. 2's views are stored once laid out. */
  g_autoptr (CariStore) store = cli_open_store (db, FALSE, &error);
  if (store == NULL)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  int pages = 0, tables = 0;
  gboolean ok;
  if (experiment != NULL)
    {
      gint64 id;
      ok = cari_store_find_experiment (store, experiment, &id, &error)
           && cari_report_experiment (store, id, output, &options, &pages, &tables, &error);
    }
  else
    {
      gint64 id;
      ok = cari_store_find_run (store, run, &id, &error)
           && cari_report_run (store, id, output, &options, &pages, &tables, &error);
    }
  if (!ok)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "%s: %d page, ", "%s: %d pages, ", pages), argv[0],
              pages);
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "%d table as CSV\n", "%d tables as CSV\n", tables),
              tables);
  printf ("%s\n", output);
  return CLI_EXIT_OK;
}
