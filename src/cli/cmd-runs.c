/* cmd-runs.c — `carilab-cli runs` and `carilab-cli show`. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>
#include <string.h>

static char *
format_time (double t)
{
  if (t <= 0)
    return g_strdup ("-");
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local ((gint64) t);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

static char *
config_value (const char *config, const char *group, const char *key)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  if (config == NULL || !g_key_file_load_from_data (kf, config, -1, G_KEY_FILE_NONE, NULL))
    return g_strdup ("?");
  char *v = g_key_file_get_value (kf, group, key, NULL);
  return v != NULL ? v : g_strdup ("?");
}

int
cmd_runs (int argc, char **argv)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { NULL },
  };
  g_autoptr (GError) error = NULL;

  if (!cli_parse_command (&argc, &argv, _("List the runs of the run database."), entries))
    return CLI_EXIT_USAGE;
  g_autoptr (CariStore) store = cli_open_store (db, TRUE, &error);
  g_autoptr (GPtrArray) runs = store ? cari_store_list_runs (store, &error) : NULL;
  if (runs == NULL)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  printf ("%-5s %-24s %-9s %-12s %8s  %-16s\n", _("id"), _("name"), _("strategy"), _("status"),
          _("step"), _("started"));
  for (guint i = 0; i < runs->len; i++)
    {
      CariRunInfo *r = g_ptr_array_index (runs, i);
      g_autofree char *strategy = config_value (r->config, "strategy", "name");
      g_autofree char *started = format_time (r->started_at);
      printf ("%-5lld %-24s %-9s %-12s %8lld  %-16s\n", (long long) r->id, r->name, strategy,
              cari_run_status_to_string (r->status), (long long) MAX (r->last_step, 0),
              started);
    }
  return CLI_EXIT_OK;
}

static int
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

int
cmd_show (int argc, char **argv)
{
  g_autofree char *db = NULL, *run_arg = NULL;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "run", 'r', 0, G_OPTION_ARG_STRING, &run_arg, N_("The run (id or name)"), N_("RUN") },
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  gint64 run;
  int status;

  if (!cli_parse_command (&argc, &argv, _("Print a run's status, configuration and latest "
                                           "metrics."), entries))
    return CLI_EXIT_USAGE;
  g_autoptr (CariStore) store = cli_open_run (argv[0], db, run_arg, TRUE, &run, &status);
  if (store == NULL)
    return status;
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, &error);
  g_autoptr (GHashTable) latest = info ? cari_store_latest_metrics (store, run, &error) : NULL;
  if (latest == NULL)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  g_autofree char *started = format_time (info->started_at);
  g_autofree char *finished = format_time (info->finished_at);
  printf (_("run:      %lld “%s”\n"), (long long) info->id, info->name);
  printf (_("status:   %s%s%s\n"), cari_run_status_to_string (info->status),
          info->message ? " — " : "", info->message ? info->message : "");
  printf (_("step:     %lld\n"), (long long) MAX (info->last_step, 0));
  printf (_("started:  %s\nfinished: %s\n"), started, finished);
  printf (_("\nlatest metrics:\n"));
  g_autofree gpointer *keys = g_hash_table_get_keys_as_array (latest, NULL);
  guint n = g_hash_table_size (latest);
  qsort (keys, n, sizeof (gpointer), compare_keys);
  for (guint i = 0; i < n; i++)
    printf ("  %-16s %.9g\n", (const char *) keys[i],
            *(const double *) g_hash_table_lookup (latest, keys[i]));
  printf (_("\nconfiguration:\n%s"), info->config);
  return CLI_EXIT_OK;
}
