/* cmd-export.c — `carilab-cli export` (a run's network as safetensors or ONNX) and
 * `carilab-cli import-weights` (a safetensors file as a run others can start from). See
 * docs/interop.md. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>

static gboolean
parse_format (const char *text, const char *output, CariExportFormat *format)
{
  if (text == NULL)
    {
      /* From the output's extension. */
      if (output != NULL && g_str_has_suffix (output, ".onnx"))
        text = "onnx";
      else if (output != NULL && g_str_has_suffix (output, ".safetensors"))
        text = "safetensors";
      else
        return FALSE;
    }
  if (g_strcmp0 (text, "safetensors") == 0)
    *format = CARI_EXPORT_SAFETENSORS;
  else if (g_strcmp0 (text, "onnx") == 0)
    *format = CARI_EXPORT_ONNX;
  else
    return FALSE;
  return TRUE;
}

int
cmd_export (int argc, char **argv)
{
  g_autofree char *db = NULL, *run_arg = NULL, *format_arg = NULL, *branch_arg = NULL;
  g_autofree char *output = NULL;
  gint64 step = -1;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "run", 'r', 0, G_OPTION_ARG_STRING, &run_arg, N_("The run (id or name)"), N_("RUN") },
    { "step", 0, 0, G_OPTION_ARG_INT64, &step,
      N_("The checkpoint's step (default: the latest)"), N_("N") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_arg,
      N_("safetensors (every tensor, PyTorch's names) or onnx (one branch's inference graph); "
         "default: from the output's extension"),
      N_("FORMAT") },
    { "branch", 'b', 0, G_OPTION_ARG_STRING, &branch_arg,
      N_("The ONNX graph's branch: visual, cari or verif (default visual)"), N_("BRANCH") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The file to write"), N_("FILE") },
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  CariExportFormat format;
  CariTask branch = CARI_TASK_VISUAL;
  gint64 run, at = -1;
  int status;

  if (!cli_parse_command (&argc, &argv,
                          _("Write a run's network for other tools: safetensors with the tensor "
                            "names of bench/torch_net.py (PyTorch's state_dict), or ONNX (opset "
                            "13) of the trunk and one branch, from standardised images to the "
                            "L2-normalised embedding. The metadata says how to feed it."),
                          entries))
    return CLI_EXIT_USAGE;
  if (output == NULL)
    {
      g_printerr (_("%s: give the file to write with --output\n"), argv[0]);
      return CLI_EXIT_USAGE;
    }
  if (!parse_format (format_arg, output, &format))
    {
      g_printerr (_("%s: --format must be safetensors or onnx (or the output end in "
                    ".safetensors or .onnx)\n"),
                  argv[0]);
      return CLI_EXIT_USAGE;
    }
  if (branch_arg != NULL && !cari_task_from_string (branch_arg, &branch, &error))
    {
      g_printerr ("%s: --branch: %s\n", argv[0], error->message);
      return CLI_EXIT_USAGE;
    }
  g_autoptr (CariStore) store = cli_open_run (argv[0], db, run_arg, TRUE, &run, &status);
  if (store == NULL)
    return status;
  if (!cari_launch_export (store, run, step, format, branch, output, &at, &error))
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  if (format == CARI_EXPORT_ONNX)
    g_printerr (_("%s: run %lld, step %lld, branch %s → %s\n"), argv[0], (long long) run,
                (long long) at, cari_task_to_string (branch), output);
  else
    g_printerr (_("%s: run %lld, step %lld → %s\n"), argv[0], (long long) run, (long long) at,
                output);
  return CLI_EXIT_OK;
}

int
cmd_import_weights (int argc, char **argv)
{
  g_autofree char *db = NULL, *name = NULL;
  gboolean partial = FALSE;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name,
      N_("The run's name (default: the file's name without its extension)"), N_("NAME") },
    { "partial", 0, 0, G_OPTION_ARG_NONE, &partial,
      N_("Take the tensors that fit and keep the others as initialised, instead of refusing a "
         "file that lacks some or has them in another shape"),
      NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (_("FILE.safetensors"));
  g_option_context_set_summary (
      context, _("Record a safetensors file's weights (PyTorch's names, as `export` writes them "
                 "and bench/torch_net.py saves them) as a run of status imported, which a new "
                 "run can start from with init.from = its name. The file's metadata must give "
                 "the architecture (carilab.architecture)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!cli_parse_options (context, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc != 2)
    {
      g_printerr (_("%s: give one safetensors file\n"), argv[0]);
      return CLI_EXIT_USAGE;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = cli_open_store (db, FALSE, &error);
  if (store == NULL)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  g_autofree char *report = NULL;
  gint64 run = cari_launch_import_weights (store, argv[1], name, partial, &report, &error);
  if (run == 0)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, &error);
  g_printerr ("%s: %s\n", argv[0], report);
  printf (_("imported run %lld (%s)\n"), (long long) run, info != NULL ? info->name : "");
  return CLI_EXIT_OK;
}
