/* main.c — entry point of the carilab workbench
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "cari.h"

#include "lab-application.h"

/* Run from an installed tree wherever it is (a prefix off the system paths, a DESTDIR): its
 * compiled settings schema and its data (icons) are found beside the executable. Before GTK
 * and GSettings start, so the environment is read once, as set here. */
static void
find_installed_data (void)
{
  g_autofree char *data = cari_installed_datadir ();
  if (data == NULL)
    return;
  /* The app's own compiled schema, after any folder the user named. */
  g_autofree char *schemas = g_build_filename (data, "carilab", "schemas", NULL);
  const char *given = g_getenv ("GSETTINGS_SCHEMA_DIR");
  g_autofree char *search = given != NULL && given[0] != '\0'
                              ? g_strconcat (given, G_SEARCHPATH_SEPARATOR_S, schemas, NULL)
                              : g_strdup (schemas);
  g_setenv ("GSETTINGS_SCHEMA_DIR", search, TRUE);
  const char *dirs = g_getenv ("XDG_DATA_DIRS");
  g_auto (GStrv) list = g_strsplit (dirs != NULL && dirs[0] != '\0' ? dirs
                                                                    : "/usr/local/share:/usr/share",
                                    ":", -1);
  if (!g_strv_contains ((const char *const *) list, data))
    {
      g_autofree char *joined = g_strjoinv (":", list);
      g_autofree char *with = g_strconcat (data, ":", joined, NULL);
      g_setenv ("XDG_DATA_DIRS", with, TRUE);
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr(LabApplication) app = NULL;

  find_installed_data ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, cari_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  cari_init ();

  app = lab_application_new (APP_ID, G_APPLICATION_DEFAULT_FLAGS);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
