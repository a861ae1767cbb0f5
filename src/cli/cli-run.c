/* cli-run.c — what train and resume share: the store, the data set, progress, Ctrl-C. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

GOptionEntry
cli_db_option (char **db)
{
  return (GOptionEntry) { "db", 0, 0, G_OPTION_ARG_FILENAME, db,
                          N_("Run database (default: ~/.local/share/carilab/carilab.db)"),
                          N_("FILE") };
}

CariStore *
cli_open_store (const char *db, gboolean read_only, GError **error)
{
  g_autofree char *def = NULL;
  if (db == NULL)
    db = def = cari_store_default_path ();
  return cari_store_open (db, read_only ? CARI_STORE_READ_ONLY : CARI_STORE_READ_WRITE, error);
}

CariStore *
cli_open_run (const char *prog, const char *db, const char *run_arg, gboolean read_only,
              gint64 *run, int *status)
{
  g_autoptr (GError) error = NULL;
  if (run_arg == NULL)
    {
      g_printerr (_("%s: give the run with --run\n"), prog);
      *status = CLI_EXIT_USAGE;
      return NULL;
    }
  g_autoptr (CariStore) store = cli_open_store (db, read_only, &error);
  if (store == NULL || !cari_store_find_run (store, run_arg, run, &error))
    {
      *status = cli_report (prog, error, CLI_EXIT_FAILURE);
      return NULL;
    }
  return g_steal_pointer (&store);
}

/* ------------------------------------------------------------------------------ Ctrl-C */

static volatile sig_atomic_t interrupted;

static void
on_signal (int sig)
{
  interrupted = 1;
}

void
cli_catch_interrupts (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
}

gboolean
cli_interrupted (void)
{
  return interrupted != 0;
}

/* ------------------------------------------------------------------------------ progress */

typedef struct
{
  const char *prog;
  const char *db;
  gboolean resuming;
  CariTrainer *trainer; /* borrowed once ready */
  gboolean tty;
  gint64 start_us;
  guint64 first_step;
  gint64 last_line_us;
  double images_per_step;
  int last_percent;     /* of the preparation */
} Progress;

static gboolean
on_preparing (double fraction, const char *what, gpointer data)
{
  Progress *p = data;
  cli_print_progress (fraction, what, &p->last_percent);
  return !interrupted;
}

static void
on_ready (const CariRunInfo *run, CariTrainer *trainer, guint64 step, gpointer data)
{
  Progress *p = data;
  const CariRunConfig *cfg = cari_trainer_get_config (trainer);
  p->trainer = trainer;
  p->first_step = step;
  p->start_us = g_get_monotonic_time ();
  p->images_per_step = cfg->caricatures + cfg->photos;
  if (p->resuming)
    fprintf (stderr, _("Resuming run %lld “%s” at step %lld\n"), (long long) run->id, run->name,
             (long long) step);
  else
    fprintf (stderr, _("Run %lld “%s” on %s: %s weighting, %d steps, database %s\n"),
             (long long) run->id, run->name, cfg->dataset,
             cari_strategy_to_string (cfg->strategy), cfg->steps, p->db);
  if (interrupted)
    cari_trainer_cancel (trainer);
}

void
cli_format_duration (char *buf, size_t size, double seconds)
{
  if (seconds < 0 || seconds > 1e7)
    g_strlcpy (buf, "--:--", size);
  else if (seconds >= 3600)
    g_snprintf (buf, size, "%d:%02d:%02d", (int) seconds / 3600, (int) seconds / 60 % 60,
                (int) seconds % 60);
  else
    g_snprintf (buf, size, "%02d:%02d", (int) seconds / 60, (int) seconds % 60);
}

static void
on_progress (const CariStepStats *st, guint64 total, gpointer data)
{
  Progress *p = data;
  gint64 now = g_get_monotonic_time ();
  double elapsed = (double) (now - p->start_us) * 1e-6;
  guint64 done = st->step - p->first_step;
  double per_step = done > 0 ? elapsed / done : 0.0;
  char eta[32];

  if (interrupted)
    cari_trainer_cancel (p->trainer);
  cli_format_duration (eta, sizeof eta, per_step * (double) (total - st->step));
  GString *weights = g_string_new (NULL);
  for (int t = 0; t < CARI_N_TASKS; t++)
    if (st->present[t])
      g_string_append_printf (weights, " %s %.3f/%.2f", cari_task_to_string (t), st->loss[t],
                              st->weight[t]);
  double ips = per_step > 0 ? p->images_per_step / per_step : 0.0;

  if (p->tty)
    {
      int width = 24, filled = (int) (width * (double) st->step / MAX (total, 1));
      char bar[32];
      for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
      bar[width] = '\0';
      /* One line redrawn in place. */
      fprintf (stderr, "\r[%s] %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "%s  %.0f img/s  "
               "ETA %s\033[K", bar, st->step, total, weights->str, ips, eta);
      if (st->step == total)
        fputc ('\n', stderr);
    }
  else if (now - p->last_line_us >= 5 * G_USEC_PER_SEC || st->step == total || done == 1)
    {
      fprintf (stderr, _("step %llu/%llu (loss/weight)%s, %.0f images/s, ETA %s\n"),
               (unsigned long long) st->step, (unsigned long long) total, weights->str, ips, eta);
      p->last_line_us = now;
    }
  g_string_free (weights, TRUE);
}

static void
on_evaluated (guint64 step, GHashTable *results, gpointer data)
{
  Progress *p = data;
  GHashTableIter it;
  gpointer k, v;
  GString *s = g_string_new (NULL);
  g_hash_table_iter_init (&it, results);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_string_append_printf (s, " %s %.3f", (const char *) k, *(double *) v);
  fprintf (stderr, "%s", p->tty ? "\r\033[K" : "");
  fprintf (stderr, _("step %llu: validation%s\n"), (unsigned long long) step, s->str);
  g_string_free (s, TRUE);
}

static void
on_notice (const char *text, gpointer data)
{
  Progress *p = data;
  fprintf (stderr, "%s%s: %s\n", p->tty ? "\r\033[K" : "", p->prog, text);
}

int
cli_execute_run (CariStore *store, gint64 run, gboolean resuming, const char *prog)
{
  return cli_execute_run_group (store, run, resuming, NULL, prog);
}

static void
on_follower_ready (const CariRunInfo *run, CariTrainer *trainer, guint64 step, gpointer data)
{
  *(CariTrainer **) data = trainer;
  if (interrupted)
    cari_trainer_cancel (trainer);
}

static void
on_follower_step (const CariStepStats *st, guint64 total, gpointer data)
{
  if (interrupted)
    cari_trainer_cancel (*(CariTrainer **) data);
}

int
cli_follow_run (CariComm *comm, const char *prog)
{
  CariTrainer *trainer = NULL;
  CariLaunchCallbacks cb = { NULL, on_follower_ready, { on_follower_step, NULL, &trainer, NULL },
                             &trainer };
  g_autoptr (GError) error = NULL;

  cli_catch_interrupts ();
  if (cari_launch_follow (comm, &cb, &error))
    return CLI_EXIT_OK;
  /* Rank 0 reports a cancellation; every rank reports a failure, its own included. */
  if (g_error_matches (error, CARI_ERROR, CARI_ERROR_CANCELLED))
    return CLI_EXIT_FAILURE;
  return cli_report (prog, error, CLI_EXIT_FAILURE);
}

int
cli_execute_run_group (CariStore *store, gint64 run, gboolean resuming, CariComm *comm,
                       const char *prog)
{
  Progress p = { prog, cari_store_get_path (store), resuming, NULL, isatty (STDERR_FILENO), g_get_monotonic_time (), 0, 0, 0.0,
                 -10 };
  CariLaunchCallbacks cb = { on_preparing, on_ready, { on_progress, on_evaluated, &p, on_notice }, &p };
  CariRunReport report;
  g_autoptr (GError) error = NULL;

  cli_catch_interrupts ();
  gboolean ok = comm != NULL ? cari_launch_execute_group (store, run, comm, &cb, &report, &error)
                             : cari_launch_execute (store, run, &cb, &report, &error);
  if (p.tty && p.trainer != NULL)
    fputc ('\n', stderr);
  if (p.trainer != NULL)
    {
      double share = report.train_seconds > 0 ? 100.0 * report.store_seconds
                                                  / (report.train_seconds + report.store_seconds)
                                              : 0.0;
      fprintf (stderr,
               _("%llu steps in %.1f s; the store took %.3f s (%.2f %% of the time), checkpoints "
                 "%.2f s\n"),
               (unsigned long long) report.steps_done, report.train_seconds,
               report.store_seconds, share, report.checkpoint_seconds);
    }
  if (!ok)
    return cli_report (prog, error, CLI_EXIT_FAILURE);
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, NULL);
  gint64 step = info != NULL ? MAX (info->last_step, 0) : 0;
  if (report.status == CARI_RUN_CANCELLED)
    {
      printf (_("Run %lld stopped at step %llu (status cancelled) and checkpointed; continue "
                "it with “carilab-cli resume --run %lld”.\n"),
              (long long) run, (unsigned long long) step, (long long) run);
      return CLI_EXIT_FAILURE;
    }
  printf (_("Run %lld finished at step %llu.\n"), (long long) run, (unsigned long long) step);
  return CLI_EXIT_OK;
}
