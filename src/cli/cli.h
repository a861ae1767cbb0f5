/* cli.h — what the subcommands of carilab-cli share. */
#pragma once

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

int cmd_info (int argc, char **argv);
int cmd_bench (int argc, char **argv);

G_END_DECLS
