/* cli.h — what the subcommands of carilab-cli share. */
#pragma once

#include <cari.h>
#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

/* Exit statuses of every command. */
enum
{
  CLI_EXIT_OK = 0,
  CLI_EXIT_FAILURE = 1,
  CLI_EXIT_USAGE = 2,
};

typedef struct
{
  const char *name;
  const char *summary; /* translatable, marked with N_() */
  int (*run) (int argc, char **argv);
} CliCommand;

/* Parse a command's options; on bad usage prints the error and a hint on stderr and returns
 * FALSE. */
gboolean cli_parse_options (GOptionContext *context, int *argc, char ***argv);
/* Parse a command's options (a summary, its entries, no positional argument); FALSE after
 * printing why on bad usage. */
gboolean cli_parse_command (int *argc, char ***argv, const char *summary,
                            const GOptionEntry *entries);
/* Prints "PROG: MESSAGE" of @error on stderr and returns @status, for
 * `return cli_report (argv[0], error, CLI_EXIT_FAILURE);`. */
int cli_report (const char *prog, const GError *error, int status);

/* The fastest cari_sgemm of a few products shaped like the network's, in GFLOP/s, and the shape
 * that gave it (cli-roofline.c). */
double cli_sgemm_peak (int *best_m, int *best_n, int *best_k);

int cmd_info (int argc, char **argv);
int cmd_bench (int argc, char **argv);
int cmd_train (int argc, char **argv);
int cmd_resume (int argc, char **argv);
int cmd_checkpoints (int argc, char **argv);
int cmd_runs (int argc, char **argv);
int cmd_show (int argc, char **argv);
int cmd_generate (int argc, char **argv);
int cmd_import (int argc, char **argv);
int cmd_dataset (int argc, char **argv);
int cmd_check (int argc, char **argv);
int cmd_eval (int argc, char **argv);
int cmd_eval_scores (int argc, char **argv);
int cmd_tsne (int argc, char **argv);
int cmd_plot (int argc, char **argv);
int cmd_experiment (int argc, char **argv);
int cmd_report (int argc, char **argv);
int cmd_export (int argc, char **argv);
int cmd_import_weights (int argc, char **argv);
int cmd_embed (int argc, char **argv);

/* cli-run.c */
/* The --db option of the commands that use the run database: its file into @db. */
GOptionEntry      cli_db_option (char **db);
CariStore        *cli_open_store (const char *db, gboolean read_only, GError **error);
/* The run database at `db` and in it the run that `run_arg` names (id or name, from --run) into
 * *run; NULL after printing why, with the exit status to return in *status. */
CariStore        *cli_open_run (const char *prog, const char *db, const char *run_arg,
                                gboolean read_only, gint64 *run, int *status);
/* Executes a stored run (started or resumed) with progress on stderr and Ctrl-C checkpointing;
 * the exit status. */
int               cli_execute_run (CariStore *store, gint64 run, gboolean resuming,
                                   const char *prog);
/* The same as rank 0 of a data-parallel run (comm may be NULL: cli_execute_run). */
int               cli_execute_run_group (CariStore *store, gint64 run, gboolean resuming,
                                         CariComm *comm, const char *prog);
/* A rank > 0 of a data-parallel run: follows rank 0 silently (errors only); the exit status. */
int               cli_follow_run (CariComm *comm, const char *prog);
void              cli_catch_interrupts (void);
/* TRUE once Ctrl-C or SIGTERM arrived (after cli_catch_interrupts). */
gboolean          cli_interrupted (void);
/* "mm:ss" or "h:mm:ss" of `seconds`; "--:--" when unknown (< 0). */
void              cli_format_duration (char *buf, size_t size, double seconds);
/* cmd-experiment-show.c */
/* Prints how far the experiment is, its tables over seeds and its claims in `format`; the exit
 * status. */
int               cli_print_experiment (CariStore *store, gint64 experiment,
                                        CariTableFormat format, const char *prog);
/* cli-data.c */
/* "what: N %" on stderr each time a tenth more is done. */
void              cli_print_progress (double fraction, const char *what, int *last_percent);
/* A progress callback that prints so (data: an int, −10 at first) and cancels on Ctrl-C. */
gboolean          cli_progress (double fraction, const char *what, gpointer data);
CariDataSource   *cli_open_dataset (const CariRunConfig *cfg, CariStore *store, GError **error);
CariDatasetIndex *cli_dataset_index (CariStore *store, const char *name, GError **error);

G_END_DECLS
