/* gui-host.c — a measurement's host, not a test: the workbench's window (LabWindow, with its
 * store gateway, run list and pages) on a database, showing its home page, or the live page of
 * run RUN when it is given (a run that may not exist yet: the page waits for its rows, as it
 * does for a run another process is about to start). It runs until it is sent SIGTERM or SIGINT.
 * bench/gui-idle.sh measures its CPU time.
 *
 *   xvfb-run -a _build/bench/gui-host DB [RUN]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib-unix.h>
#include <stdlib.h>

#include <adwaita.h>

#include "cari.h"

#include "lab-window.h"

static gboolean
quit (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

int
main (int argc, char *argv[])
{
  if (argc < 2 || g_getenv ("DISPLAY") == NULL)
    {
      g_printerr ("usage: gui-host DB [RUN] (under xvfb-run)\n");
      return 2;
    }
  gtk_init ();
  adw_init ();
  cari_init ();

  gboolean done = FALSE;
  g_unix_signal_add (SIGTERM, quit, &done);
  g_unix_signal_add (SIGINT, quit, &done);
  LabWindow *window = lab_window_new (NULL, argv[1]);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  if (argc > 2)
    lab_window_open_run (window, g_ascii_strtoll (argv[2], NULL, 10));
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
