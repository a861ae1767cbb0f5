/* cmd-checkpoints.c — `carilab-cli checkpoints`: a run's checkpoints as the run database records
 * them, with what each file's header says; with --verify each file read in full, so a user sees
 * which checkpoints a resume can go on from (docs/checkpoints.md). */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

/* Why the checkpoint of `row` cannot be used, or NULL: it reads in full, holds the step its row
 * says, and its header's checksum is the one recorded, when one was. */
static char *
verify (const CariCheckpointRow *row, const CariCheckpointInfo *info)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariCheckpoint) ck = cari_checkpoint_read (row->path, &error);
  guint64 step = 0;
  if (ck == NULL || !cari_checkpoint_get_u64 (ck, "STEP", &step, &error))
    return g_strdup (error->message);
  if (step != (guint64) row->step)
    return g_strdup_printf (_("Checkpoint “%s” holds step %llu where the run database says %lld"),
                            row->path, (unsigned long long) step, (long long) row->step);
  g_autofree char *sum = g_strdup_printf ("%08x", info->checksum);
  if (row->checksum != NULL && g_ascii_strcasecmp (row->checksum, sum) != 0)
    return g_strdup_printf (_("Checkpoint “%s” has checksum %s where the run database recorded "
                              "%s"),
                            row->path, sum, row->checksum);
  return NULL;
}

int
cmd_checkpoints (int argc, char **argv)
{
  g_autofree char *db = NULL, *run_arg = NULL;
  gboolean check = FALSE;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "run", 'r', 0, G_OPTION_ARG_STRING, &run_arg, N_("The run (id or name)"), N_("RUN") },
    { "verify", 0, 0, G_OPTION_ARG_NONE, &check,
      N_("Read every checkpoint in full and say whether it can be resumed from"), NULL },
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  gint64 run;
  int status;

  if (!cli_parse_command (&argc, &argv,
                          _("List a run's checkpoints, newest first: step, size, date, the "
                            "checksum their header records, and file. With --verify, read each "
                            "in full: exit status 1 when any cannot be used."),
                          entries))
    return CLI_EXIT_USAGE;
  g_autoptr (CariStore) store = cli_open_run (argv[0], db, run_arg, TRUE, &run, &status);
  if (store == NULL)
    return status;
  g_autoptr (GArray) rows = cari_store_list_checkpoints (store, run, &error);
  if (rows == NULL)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  if (rows->len == 0)
    {
      g_printerr (_("%s: run %lld has no checkpoint\n"), argv[0], (long long) run);
      return CLI_EXIT_OK;
    }

  int bad = 0;
  printf ("%8s %10s  %-19s  %-8s  %s\n", _("step"), _("size"), _("date"), _("checksum"),
          _("file"));
  for (guint i = 0; i < rows->len; i++)
    {
      const CariCheckpointRow *row = &g_array_index (rows, CariCheckpointRow, i);
      g_autoptr (GError) header_error = NULL;
      CariCheckpointInfo info = { 0 };
      GStatBuf st;
      gboolean readable = cari_checkpoint_read_info (row->path, &info, &header_error);
      g_autofree char *size = g_stat (row->path, &st) == 0 ? g_format_size (st.st_size)
                                                           : g_strdup ("-");
      g_autoptr (GDateTime) when = g_date_time_new_from_unix_local ((gint64) row->created_at);
      g_autofree char *date = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S")
                                           : g_strdup ("-");
      g_autofree char *sum = readable ? g_strdup_printf ("%08x", info.checksum) : g_strdup ("-");
      printf ("%8lld %10s  %-19s  %-8s  %s", (long long) row->step, size, date, sum, row->path);
      if (!check)
        {
          printf ("\n");
          continue;
        }
      g_autofree char *why = readable ? verify (row, &info) : g_strdup (header_error->message);
      /* The verdict on stdout, the reason with the diagnostics. */
      printf ("  %s\n", why == NULL ? _("ok") : _("unusable"));
      if (why != NULL)
        {
          g_printerr ("%s: %s\n", argv[0], why);
          bad++;
        }
    }
  if (bad > 0)
    {
      fflush (stdout);
      g_printerr (_("%s: checkpoints that cannot be used: %d of %u\n"), argv[0], bad, rows->len);
      return CLI_EXIT_FAILURE;
    }
  return CLI_EXIT_OK;
}
