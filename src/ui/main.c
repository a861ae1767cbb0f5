/* main.c — entry point of the carilab workbench
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "cari.h"

#include "lab-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LabApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  cari_init ();

  app = lab_application_new (APP_ID, G_APPLICATION_DEFAULT_FLAGS);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
