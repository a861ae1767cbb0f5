/* main.c — carilab-cli: the headless front end of the CariLab engine. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

static const CliCommand commands[] = {
  { "info", N_("Show the engine version and the linear-algebra backend"), cmd_info },
  { "train", N_("Train a network and record the run"), cmd_train },
  { "resume", N_("Continue a run from the newest of its checkpoints that loads"), cmd_resume },
  { "checkpoints", N_("List a run's checkpoints and verify them"), cmd_checkpoints },
  { "runs", N_("List the recorded runs"), cmd_runs },
  { "show", N_("Print a run's configuration and latest metrics"), cmd_show },
  { "generate", N_("Generate SynCari, the embedded data set"), cmd_generate },
  { "import", N_("Import a CaVI, WebCaricature or folder data set"), cmd_import },
  { "dataset", N_("Describe an imported data set (dataset info)"), cmd_dataset },
  { "check", N_("Check that a run database is sound"), cmd_check },
  { "eval", N_("Evaluate runs on their data set's protocols (the paper's Tables 2–5)"), cmd_eval },
  { "eval-scores", N_("Evaluate an external file of verification scores"), cmd_eval_scores },
  { "tsne", N_("Lay out embedding vectors in 2-D with t-SNE"), cmd_tsne },
  { "plot", N_("Draw runs' task weights or losses into a PNG, SVG or PDF file"), cmd_plot },
  { "experiment", N_("Run, resume, list and show experiments: grids of runs over seeds"),
    cmd_experiment },
  { "report", N_("Write an experiment's or a run's report as a PDF"), cmd_report },
  { "export", N_("Write a run's network as safetensors (PyTorch's names) or ONNX"), cmd_export },
  { "import-weights", N_("Record a safetensors file's weights as a run to start from"),
    cmd_import_weights },
  { "embed", N_("Write a run's embeddings of images or of a tensor as .npy or TSV"), cmd_embed },
  { "bench", N_("Time training steps of the network and report throughput and memory"),
    cmd_bench },
};

gboolean
cli_parse_options (GOptionContext *context, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("carilab-cli: %s\n", error->message);
      g_printerr (_("Try “%s --help”.\n"), (*argv)[0]);
      return FALSE;
    }
  return TRUE;
}

gboolean
cli_parse_command (int *argc, char ***argv, const char *summary, const GOptionEntry *entries)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!cli_parse_options (context, argc, argv))
    return FALSE;
  if (*argc > 1)
    {
      g_printerr (_("%s: unexpected argument “%s”\n"), (*argv)[0], (*argv)[1]);
      return FALSE;
    }
  return TRUE;
}

int
cli_report (const char *prog, const GError *error, int status)
{
  g_printerr ("%s: %s\n", prog, error->message);
  return status;
}

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: carilab-cli COMMAND [OPTIONS…]"));
  fprintf (out, "%s\n", _("Commands:"));
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run “carilab-cli COMMAND --help” for the options of a command."));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, cari_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  cari_init ();

  /* The engine reads CARI_CONV_ALGO on its own and falls back on the default for a value it
   * does not know; the CLI says so rather than measure something else than was asked. */
  CariConvAlgo algo;
  const char *algo_name = g_getenv ("CARI_CONV_ALGO");
  if (!cari_conv2d_algo_parse (algo_name, &algo))
    {
      g_printerr (_("carilab-cli: CARI_CONV_ALGO=%s is not one of auto, direct, winograd, "
                    "winograd2, winograd-backward\n"),
                  algo_name);
      return CLI_EXIT_USAGE;
    }
  CariIsa isa;
  const char *isa_name = g_getenv ("CARI_ISA");
  if (!cari_cpu_isa_parse (isa_name, &isa))
    {
      g_printerr (_("carilab-cli: CARI_ISA=%s is not one of avx512, avx2, baseline\n"),
                  isa_name);
      return CLI_EXIT_USAGE;
    }

  if (argc < 2)
    {
      print_usage (stderr);
      return CLI_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("carilab-cli %s\n", cari_version ());
      return CLI_EXIT_OK;
    }
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        /* The command sees itself as argv[0], "carilab-cli info". */
        g_autofree char *prog = g_strdup_printf ("carilab-cli %s", commands[i].name);
        argv[1] = prog;
        return commands[i].run (argc - 1, argv + 1);
      }

  g_printerr (_("carilab-cli: unknown command “%s”\n"), argv[1]);
  print_usage (stderr);
  return CLI_EXIT_USAGE;
}
