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

int cmd_info (int argc, char **argv);
int cmd_bench (int argc, char **argv);
int cmd_train (int argc, char **argv);
int cmd_resume (int argc, char **argv);
int cmd_runs (int argc, char **argv);
int cmd_show (int argc, char **argv);
int cmd_generate (int argc, char **argv);
int cmd_import (int argc, char **argv);
int cmd_dataset (int argc, char **argv);
int cmd_eval (int argc, char **argv);
int cmd_eval_scores (int argc, char **argv);
int cmd_tsne (int argc, char **argv);
int cmd_plot (int argc, char **argv);

/* cli-run.c */
typedef struct _CariStore CariStore;
typedef struct _CariDataSource CariDataSource;
typedef struct _CariTrainer CariTrainer;
CariStore      *cli_open_store (const char *db, gboolean read_only, GError **error);
typedef struct _CariRunConfigFwd CariRunConfigFwd;
int             cli_execute_run (CariTrainer *trainer, CariStore *store, gint64 run,
                                 const char *prog);
void            cli_catch_interrupts (void);
/* TRUE once Ctrl-C or SIGTERM arrived (after cli_catch_interrupts). */
gboolean        cli_interrupted (void);
/* cli-data.c */
CariDataSource   *cli_open_dataset (const CariRunConfig *cfg, CariStore *store, GError **error);
CariDatasetIndex *cli_dataset_index (CariStore *store, const char *name, GError **error);
/* The run's loader over `index`: its protocol fold's roles, input size and validation split. */
CariDataSource   *cli_open_loader (const CariRunConfig *cfg, const CariDatasetIndex *index,
                                   GError **error);
char             *cli_syncari_root (gboolean pretrain);

G_END_DECLS
