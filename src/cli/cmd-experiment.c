/* cmd-experiment.c — `carilab-cli experiment run|resume|list|show`: a named grid of runs sharing
 * one pretraining (launch/experiment.h does the work), executed with progress on stderr and
 * Ctrl-C stopping it cleanly; `show` (cmd-experiment-show.c) prints its tables and claims.
 * Started by mpirun or srun, `run` and `resume` spread the grid's runs over the ranks
 * (docs/distributed-experiments.md): rank 0 alone reads the run database and prints; the other
 * ranks print only their errors. */
#include "cli.h"
#include "cli-mpi.h"

#include "launch/experiment.h"

#include <cari.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------------------ progress */

typedef struct
{
  const CariExperimentDef *def; /* borrowed */
  gboolean tty;
  CariTrainer *trainer;         /* borrowed from `ready` until the run is done */
  int index, n;                 /* the current run (from 0) of n */
  gboolean training;            /* it is trained (else only evaluated) */
  char *run_name;               /* owned */
  guint64 first_step;           /* where the current run went on from */
  guint64 last_step;
  gint64 run_start_us;          /* its first step's time */
  double images_per_step;
  int last_tenth;               /* of the current run, for plain lines */
  gint64 last_draw_us;          /* of the line redrawn on a terminal */
  int prep_percent;             /* of what it prepares, for plain lines */
  gint64 start_us;              /* the first trained step of this call; 0: none yet */
  guint64 steps_before;         /* steps trained by this call before the current run */
  int rank, ranks;              /* of the group executing the experiment (0 of 1 alone) */
} Watch;

/* "[k/n] name" in front of every line. */
static void
print_place (const Watch *w)
{
  fprintf (stderr, "%s[%d/%d] %s", w->tty ? "\r\033[K" : "", w->index + 1, w->n,
           w->run_name ? w->run_name : "");
}

static void
on_run_started (const CariExperimentRun *place, const CariRunInfo *run, int index, int n,
                gboolean training, gpointer data)
{
  Watch *w = data;
  w->index = index;
  w->n = n;
  w->training = training;
  g_free (w->run_name);
  w->run_name = g_strdup (run->name);
  w->trainer = NULL;
  w->prep_percent = -10;
  if (w->rank > 0)
    return;
  print_place (w);
  fprintf (stderr, training ? _(" (%s, seed %llu): training") : _(" (%s, seed %llu): evaluating"),
           place->cell, (unsigned long long) place->seed);
  fputs (w->tty ? "\033[K" : "\n", stderr);
}

static void
on_run_done (const CariExperimentRun *place, CariRunStatus status, const GError *error,
             gpointer data)
{
  Watch *w = data;
  w->steps_before += w->last_step - w->first_step;
  w->first_step = w->last_step = 0;
  w->trainer = NULL;
  if (w->rank > 0)
    {
      /* The other ranks say only what went wrong with their runs (rank 0 says that the
       * experiment stopped). */
      if ((error != NULL || status != CARI_RUN_FINISHED) && status != CARI_RUN_CANCELLED)
        fprintf (stderr, _("Rank %d: [%d/%d] %s: %s%s%s\n"), w->rank, w->index + 1, w->n,
                 w->run_name ? w->run_name : "", cari_run_status_to_string (status),
                 error ? " — " : "", error ? error->message : "");
      return;
    }
  if (w->tty && error == NULL && status == CARI_RUN_FINISHED)
    return; /* the next run's line replaces it */
  print_place (w);
  if (status == CARI_RUN_FINISHED)
    fprintf (stderr, "%s\n", w->training ? _(": trained") : _(": evaluated"));
  else
    fprintf (stderr, ": %s%s%s\n", cari_run_status_to_string (status), error ? " — " : "",
             error ? error->message : "");
}

static gboolean
on_preparing (double fraction, const char *what, gpointer data)
{
  Watch *w = data;
  if (w->rank > 0)
    ;
  else if (w->tty)
    {
      print_place (w);
      fprintf (stderr, ": %s %d %%\033[K", what, (int) (fraction * 100.0));
    }
  else
    cli_print_progress (fraction, what, &w->prep_percent);
  return !cli_interrupted ();
}

static void
on_ready (const CariRunInfo *run, CariTrainer *trainer, guint64 step, gpointer data)
{
  Watch *w = data;
  const CariRunConfig *cfg = cari_trainer_get_config (trainer);
  w->trainer = trainer;
  w->first_step = w->last_step = step;
  w->run_start_us = g_get_monotonic_time ();
  if (w->start_us == 0)
    w->start_us = w->run_start_us;
  w->images_per_step = cfg->caricatures + cfg->photos;
  w->last_tenth = cfg->steps > 0 ? (int) (10 * step / (guint64) cfg->steps) : 0;
  if (cli_interrupted ())
    cari_trainer_cancel (trainer);
}

/* Seconds left in the whole experiment: the steps left in this run and in the runs after it
 * (shared between the ranks), at the rate of this call so far (evaluations and preparations
 * included); < 0 when unknown. */
static double
experiment_eta (const Watch *w, guint64 step, guint64 total, gint64 now)
{
  guint64 done = w->steps_before + (step - w->first_step);
  if (w->start_us == 0 || done == 0)
    return -1.0;
  double per_step = (double) (now - w->start_us) * 1e-6 / (double) done;
  double left = (double) (total - MIN (step, total))
                + (double) MAX (w->n - w->index - 1, 0) * w->def->steps / MAX (w->ranks, 1);
  return per_step * left;
}

static void
on_step (const CariStepStats *st, guint64 total, gpointer data)
{
  Watch *w = data;
  gint64 now = g_get_monotonic_time ();
  if (cli_interrupted () && w->trainer != NULL)
    cari_trainer_cancel (w->trainer);
  w->last_step = st->step;
  if (w->rank > 0)
    return;
  /* Plain lines: one per tenth of the run; a terminal: redrawn ten times a second at most. */
  int tenth = total > 0 ? (int) (10 * st->step / total) : 10;
  if (w->tty ? now - w->last_draw_us < G_USEC_PER_SEC / 10 && st->step < total
             : tenth <= w->last_tenth)
    return;
  w->last_tenth = tenth;
  w->last_draw_us = now;
  guint64 done = st->step - w->first_step;
  double seconds = (double) (now - w->run_start_us) * 1e-6;
  double ips = done > 0 && seconds > 0 ? w->images_per_step * (double) done / seconds : 0.0;
  char eta[32];
  cli_format_duration (eta, sizeof eta, experiment_eta (w, st->step, total, now));
  print_place (w);
  fprintf (stderr, _(": step %llu/%llu, %.0f images/s, experiment ETA %s"),
           (unsigned long long) st->step, (unsigned long long) total, ips, eta);
  fputs (w->tty ? "\033[K" : "\n", stderr);
}

static void
on_notice (const char *text, gpointer data)
{
  Watch *w = data;
  if (w->rank > 0)
    return;
  print_place (w);
  fprintf (stderr, ": %s\n", text);
}

/* Executes the runs of `experiment` not yet done, then prints its tables and claims; the exit
 * status. Every rank of `comm` calls it, rank 0 with the store, the others with NULL (and
 * nothing else that they use). */
static int
execute (CariStore *store, gint64 experiment, const char *name, const CariExperimentDef *def,
         const char *prog, CariComm *comm)
{
  Watch w = { .def = def, .tty = isatty (STDERR_FILENO), .prep_percent = -10,
              .rank = cari_comm_rank (comm), .ranks = cari_comm_size (comm) };
  CariExperimentCallbacks cb = {
    .launch = { on_preparing, on_ready, { on_step, NULL, &w, on_notice }, &w },
    .run_started = on_run_started,
    .run_done = on_run_done,
    .user_data = &w,
  };
  CariExperimentReport report = { 0 };
  g_autoptr (GError) error = NULL;

  cli_catch_interrupts ();
  gboolean ok = cari_experiment_execute_group (store, experiment, comm, &cb, &report, &error);
  g_free (w.run_name);
  /* Rank 0 says how it went for all of them (the error names the rank it came from). */
  if (w.rank > 0)
    return ok ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
  if (w.tty)
    fputs ("\r\033[K", stderr);
  fprintf (stderr, _("This call trained %d runs and evaluated %d; %d of %d runs are finished "
                     "and evaluated, %d failed.\n"),
           report.n_trained, report.n_evaluated, report.n_finished, report.n_runs,
           report.n_failed);
  if (report.cancelled || (error != NULL && g_error_matches (error, CARI_ERROR,
                                                             CARI_ERROR_CANCELLED)))
    {
      printf (_("Experiment “%s” stopped (the current run is checkpointed); continue it with "
                "“carilab-cli experiment resume %s”.\n"),
              name, name);
      return CLI_EXIT_FAILURE;
    }
  if (!ok)
    {
      cli_report (prog, error, CLI_EXIT_FAILURE);
      g_printerr (_("%s: “carilab-cli experiment resume %s” goes on with the runs left.\n"), prog,
                  name);
      return CLI_EXIT_FAILURE;
    }
  return cli_print_experiment (store, experiment, CARI_TABLE_TEXT, prog);
}

/* ------------------------------------------------------------------------------ run */

/* The preset's name, or with "-2", "-3", … the first that no experiment of `store` has. */
static char *
unique_name (CariStore *store, const char *preset)
{
  g_autoptr (GPtrArray) list = store ? cari_store_list_experiments (store, NULL) : NULL;
  for (int k = 1;; k++)
    {
      char *name = k == 1 ? g_strdup (preset) : g_strdup_printf ("%s-%d", preset, k);
      gboolean taken = FALSE;
      for (guint i = 0; list != NULL && i < list->len && !taken; i++)
        taken = strcmp (((CariExperimentInfo *) g_ptr_array_index (list, i))->name, name) == 0;
      if (!taken)
        return name;
      g_free (name);
    }
}

/* The definition of --preset with the shortcuts and --set applied; NULL after printing why. */
static CariExperimentDef *
build_def (const char *prog, const char *preset, const char *const shortcuts[][2], int n_shortcuts,
           char **sets)
{
  g_autoptr (GError) error = NULL;
  if (preset == NULL)
    {
      g_printerr (_("%s: give the preset with --preset (fig6, table2, fig5 or paper)\n"), prog);
      return NULL;
    }
  g_autoptr (CariExperimentDef) def = cari_experiment_def_new (preset, &error);
  for (int i = 0; def != NULL && i < n_shortcuts; i++)
    if (shortcuts[i][1] != NULL && !cari_experiment_def_set (def, shortcuts[i][0], shortcuts[i][1],
                                                             &error))
      g_clear_pointer (&def, cari_experiment_def_free);
  for (int i = 0; def != NULL && sets != NULL && sets[i] != NULL; i++)
    {
      g_auto (GStrv) kv = g_strsplit (sets[i], "=", 2);
      if (kv[0] == NULL || kv[1] == NULL)
        g_set_error (&error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("--set “%s”: expected KEY=VALUE"), sets[i]);
      if (error != NULL || !cari_experiment_def_set (def, g_strstrip (kv[0]), kv[1], &error))
        g_clear_pointer (&def, cari_experiment_def_free);
    }
  if (def == NULL)
    cli_report (prog, error, CLI_EXIT_USAGE);
  return g_steal_pointer (&def);
}

/* What --dry-run prints: the definition, what is held fixed, the runs and an ETA. */
static int
dry_run (CariStore *store, const char *name, const CariExperimentDef *def, const char *prog)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) plan = cari_experiment_plan (def, name, &error);
  if (plan == NULL)
    return cli_report (prog, error, CLI_EXIT_USAGE);
  g_autofree char *text = cari_experiment_def_to_text (def);
  printf (_("Experiment “%s” (dry run: nothing is created)\n\n%s\n"), name, text);
  printf (_("Held fixed across the grid: the shared pretraining (%d steps on %s), the data set "
            "%s and the protocol fold %s fold %d. The seed is the unit of replication.\n\n"),
          def->pretrain_steps, def->pretrain_dataset, def->dataset, def->protocol, def->fold);
  printf ("%-4s %-40s %-20s %s\n", _("pos"), _("name"), _("cell"), _("seed"));
  for (guint i = 0; i < plan->len; i++)
    {
      const CariExperimentPlanned *p = g_ptr_array_index (plan, i);
      printf ("%-4u %-40s %-20s %llu\n", i, p->name, p->cell, (unsigned long long) p->seed);
    }
  gboolean measured = FALSE;
  char eta[32];
  cli_format_duration (eta, sizeof eta, cari_experiment_estimate_seconds (store, def, &measured));
  printf (measured ? _("\n%u runs; estimated time %s, from the throughput of finished runs of "
                       "model %s in this database.\n")
                   : _("\n%u runs; estimated time %s, a default guess: this database has no "
                       "finished run of model %s to measure.\n"),
          plan->len, eta, def->model);
  return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------------ ranks */

/* FALSE after printing why --threads is refused. */
static gboolean
check_threads (const char *prog, int threads)
{
  if (threads >= 0)
    return TRUE;
  g_printerr (_("%s: --threads must be positive (got %d)\n"), prog, threads);
  return FALSE;
}

#define THREADS_OPTION(threads)                                                                 \
  { "threads", 't', 0, G_OPTION_ARG_INT, (threads),                                             \
    N_("BLAS threads of each process (default: the cores, shared between the ranks a launcher " \
       "starts on one machine)"),                                                               \
    N_("N") }

/* ------------------------------------------------------------------------------ run */

/* Rank 0 creates the experiment (or, for a dry run, only shows it) and every rank executes it;
 * the exit status. */
static int
create_and_execute (const char *prog, const char *db, const char *name,
                    const CariExperimentDef *def, gboolean dry, CariComm *comm)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = NULL;
  g_autofree char *chosen = NULL;
  gint64 experiment = 0;
  if (cari_comm_rank (comm) > 0 && dry)
    return CLI_EXIT_OK;
  if (cari_comm_rank (comm) == 0)
    {
      /* A dry run reads the database when there is one, and never creates it. */
      g_autofree char *path = db ? g_strdup (db) : cari_store_default_path ();
      if (!dry || g_file_test (path, G_FILE_TEST_EXISTS))
        store = cli_open_store (path, dry, &error);
      if (error == NULL)
        {
          chosen = name ? g_strdup (name) : unique_name (store, def->preset);
          if (dry)
            return dry_run (store, chosen, def, prog);
          experiment = cari_experiment_create (store, chosen, def, &error);
        }
      if (error != NULL)
        cli_report (prog, error, CLI_EXIT_FAILURE);
      else
        {
          g_autoptr (CariExperimentInfo) info = cari_store_get_experiment (store, experiment,
                                                                           NULL);
          fprintf (stderr, _("Experiment “%s” (%s) created with %d runs in %s\n"), chosen,
                   def->preset, info ? info->n_runs : 0, cari_store_get_path (store));
        }
    }
  /* The other ranks go on only once rank 0 has its experiment. */
  if (!cari_comm_agree (comm, &error))
    return CLI_EXIT_FAILURE;
  return execute (store, experiment, chosen, def, prog, comm);
}

static int
experiment_run (int argc, char **argv)
{
  g_autofree char *db = NULL, *preset = NULL, *name = NULL, *seeds = NULL, *secondary = NULL,
                  *steps = NULL, *pretrain_steps = NULL;
  g_auto (GStrv) sets = NULL;
  gboolean dry = FALSE;
  int threads = 0;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset, N_("fig6, table2, fig5 or paper"), N_("NAME") },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, N_("Name of the experiment (default: the preset's, made unique)"), N_("NAME") },
    { "seeds", 0, 0, G_OPTION_ARG_STRING, &seeds, N_("Seeds of the primary pair, proposed and naive (--set seeds=N)"), N_("N") },
    { "secondary-seeds", 0, 0, G_OPTION_ARG_STRING, &secondary, N_("Seeds of every other cell (--set secondary_seeds=N)"), N_("N") },
    { "steps", 0, 0, G_OPTION_ARG_STRING, &steps, N_("Steps of every run of the grid (--set steps=N)"), N_("N") },
    { "pretrain-steps", 0, 0, G_OPTION_ARG_STRING, &pretrain_steps, N_("Steps of the shared pretraining (--set pretrain_steps=N)"), N_("N") },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, N_("Set one key of the definition, e.g. --set dataset=syncari (repeatable)"), N_("KEY=VALUE") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry, N_("Print the definition, the runs and an estimated time; create nothing"), NULL },
    THREADS_OPTION (&threads),
    { NULL },
  };

  if (!cli_parse_command (&argc, &argv,
                          _("Create an experiment from a preset and execute it: the shared "
                            "pretraining, then every run of the grid, each evaluated on every "
                            "protocol as it finishes. Ctrl-C stops it; “carilab-cli experiment "
                            "resume” goes on."),
                          entries))
    return CLI_EXIT_USAGE;
  const char *const shortcuts[][2] = {
    { "seeds", seeds },
    { "secondary_seeds", secondary },
    { "steps", steps },
    { "pretrain_steps", pretrain_steps },
  };
  g_autoptr (CariExperimentDef) def = build_def (argv[0], preset, shortcuts,
                                                 G_N_ELEMENTS (shortcuts), sets);
  if (def == NULL || !check_threads (argv[0], threads))
    return CLI_EXIT_USAGE;
  CariComm *comm = NULL;
  if (!cli_mpi_start_ranks (argv[0], threads, &comm))
    return CLI_EXIT_FAILURE;
  return cli_mpi_finish (create_and_execute (argv[0], db, name, def, dry, comm));
}

/* ------------------------------------------------------------------------------ resume, list */

/* The database and in it the experiment named by the one positional argument; NULL after
 * printing why, with the exit status in *status. */
static CariStore *
open_experiment (const char *prog, const char *db, char **names, gboolean read_only,
                 CariExperimentInfo **info, int *status)
{
  g_autoptr (GError) error = NULL;
  gint64 experiment;
  if (names == NULL || names[0] == NULL || names[1] != NULL)
    {
      g_printerr (_("%s: give one experiment (name or id)\n"), prog);
      *status = CLI_EXIT_USAGE;
      return NULL;
    }
  g_autoptr (CariStore) store = cli_open_store (db, read_only, &error);
  if (store == NULL || !cari_store_find_experiment (store, names[0], &experiment, &error)
      || (*info = cari_store_get_experiment (store, experiment, &error)) == NULL)
    {
      *status = cli_report (prog, error, CLI_EXIT_FAILURE);
      return NULL;
    }
  return g_steal_pointer (&store);
}

/* Rank 0 finds the experiment and every rank executes what is left of it; the exit status. */
static int
resume_and_execute (const char *prog, const char *db, const char *name, CariComm *comm)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = NULL;
  g_autoptr (CariExperimentInfo) info = NULL;
  g_autoptr (CariExperimentDef) def = NULL;
  gint64 experiment = 0;
  if (cari_comm_rank (comm) == 0)
    {
      store = cli_open_store (db, FALSE, &error);
      if (store != NULL && cari_store_find_experiment (store, name, &experiment, &error)
          && (info = cari_store_get_experiment (store, experiment, &error)) != NULL)
        def = cari_experiment_def_from_text (info->definition, &error);
      if (error != NULL)
        cli_report (prog, error, CLI_EXIT_FAILURE);
      else
        fprintf (stderr, _("Resuming experiment “%s”: %d of %d runs finished\n"), info->name,
                 info->n_finished, info->n_runs);
    }
  if (!cari_comm_agree (comm, &error))
    return CLI_EXIT_FAILURE;
  return execute (store, experiment, info != NULL ? info->name : NULL, def, prog, comm);
}

static int
experiment_resume (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_auto (GStrv) names = NULL;
  int threads = 0;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    THREADS_OPTION (&threads),
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &names, NULL, N_("NAME") },
    { NULL },
  };

  if (!cli_parse_command (&argc, &argv,
                          _("Go on with an experiment: the runs not finished are executed (an "
                            "interrupted one from its newest checkpoint), those finished but not "
                            "evaluated are evaluated; nothing finished is run again."),
                          entries))
    return CLI_EXIT_USAGE;
  if (names == NULL || names[0] == NULL || names[1] != NULL)
    {
      g_printerr (_("%s: give one experiment (name or id)\n"), argv[0]);
      return CLI_EXIT_USAGE;
    }
  if (!check_threads (argv[0], threads))
    return CLI_EXIT_USAGE;
  CariComm *comm = NULL;
  if (!cli_mpi_start_ranks (argv[0], threads, &comm))
    return CLI_EXIT_FAILURE;
  return cli_mpi_finish (resume_and_execute (argv[0], db, names[0], comm));
}

static int
experiment_list (int argc, char **argv)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { NULL },
  };
  g_autoptr (GError) error = NULL;

  if (!cli_parse_command (&argc, &argv, _("List the experiments of the run database."), entries))
    return CLI_EXIT_USAGE;
  g_autoptr (CariStore) store = cli_open_store (db, TRUE, &error);
  g_autoptr (GPtrArray) list = store ? cari_store_list_experiments (store, &error) : NULL;
  if (list == NULL)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  printf ("%-5s %-24s %-8s %9s %7s\n", _("id"), _("name"), _("preset"), _("finished"),
          _("failed"));
  for (guint i = 0; i < list->len; i++)
    {
      const CariExperimentInfo *e = g_ptr_array_index (list, i);
      g_autoptr (CariExperimentDef) def = cari_experiment_def_from_text (e->definition, NULL);
      g_autofree char *runs = g_strdup_printf ("%d/%d", e->n_finished, e->n_runs);
      printf ("%-5lld %-24s %-8s %9s %7d\n", (long long) e->id, e->name,
              def ? def->preset : "?", runs, e->n_failed);
    }
  return CLI_EXIT_OK;
}

static int
experiment_show (int argc, char **argv)
{
  g_autofree char *db = NULL, *format = NULL;
  g_auto (GStrv) names = NULL;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("Tables as text, csv or latex (default: text)"), N_("FORMAT") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &names, NULL, N_("NAME") },
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CariExperimentInfo) info = NULL;
  CariTableFormat table_format = CARI_TABLE_TEXT;
  int status;

  if (!cli_parse_command (&argc, &argv,
                          /* xgettext:no-c-format */
                          _("Print an experiment's tables (the mean over seeds with its 95 % "
                            "interval) and the paper's claims with their verdicts."),
                          entries))
    return CLI_EXIT_USAGE;
  if (format != NULL && !cari_table_format_from_string (format, &table_format, &error))
    return cli_report (argv[0], error, CLI_EXIT_USAGE);
  g_autoptr (CariStore) store = open_experiment (argv[0], db, names, TRUE, &info, &status);
  if (store == NULL)
    return status;
  return cli_print_experiment (store, info->id, table_format, argv[0]);
}

/* ------------------------------------------------------------------------------ dispatch */

static const CliCommand subcommands[] = {
  { "run", N_("Create an experiment from a preset and execute it (--dry-run: only show it)"),
    experiment_run },
  { "resume", N_("Go on with an experiment; nothing finished is run again"), experiment_resume },
  { "list", N_("List the experiments"), experiment_list },
  { "show", N_("Print an experiment's tables and claims (text, csv or latex)"), experiment_show },
};

int
cmd_experiment (int argc, char **argv)
{
  const char *sub = argc > 1 ? argv[1] : NULL;
  for (size_t i = 0; sub != NULL && i < G_N_ELEMENTS (subcommands); i++)
    if (strcmp (sub, subcommands[i].name) == 0)
      {
        g_autofree char *prog = g_strdup_printf ("%s %s", argv[0], sub);
        argv[1] = prog;
        return subcommands[i].run (argc - 1, argv + 1);
      }
  gboolean help = sub != NULL && (strcmp (sub, "--help") == 0 || strcmp (sub, "-h") == 0);
  FILE *out = help ? stdout : stderr;
  if (sub != NULL && !help)
    fprintf (out, _("%s: unknown subcommand “%s”\n"), argv[0], sub);
  fprintf (out, _("Usage: %s run|resume|list|show [OPTIONS…]\n"), argv[0]);
  for (size_t i = 0; i < G_N_ELEMENTS (subcommands); i++)
    fprintf (out, "  %-8s %s\n", subcommands[i].name, _(subcommands[i].summary));
  return help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}
