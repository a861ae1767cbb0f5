/* ui-test-util.c — what every UI test needs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gstdio.h>

#include <adwaita.h>

#include "ui-test-util.h"

gboolean
ui_test_init (int *argc, char ***argv)
{
  /* gtk_test_init() aborts without a display; say why instead. */
  if (g_getenv ("DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display: run the UI tests under xvfb-run\n");
      return FALSE;
    }
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  cari_init ();
  return TRUE;
}

void
ui_test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
ui_test_settle (void)
{
  for (int i = 0; i < 40; i++)
    {
      ui_test_drain ();
      g_usleep (5000);
    }
}

void
ui_test_wait_for (UiTestCondition condition, gpointer data, int seconds, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out after %d s waiting for %s", seconds, what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

void
ui_test_set_flag (gpointer flag)
{
  *(gboolean *) flag = TRUE;
}

gboolean
ui_test_is_true (gpointer flag)
{
  return *(gboolean *) flag;
}

void
ui_test_wait_flag (gboolean *flag, const char *what)
{
  ui_test_wait_for (ui_test_is_true, flag, 20, what);
}

char *
ui_test_temp_db (const char *prefix)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pattern = g_strdup_printf ("%s-XXXXXX", prefix);
  g_autofree char *dir = g_dir_make_tmp (pattern, &error);
  g_assert_no_error (error);
  return g_build_filename (dir, "runs.db", NULL);
}

void
ui_test_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          ui_test_remove_tree (child);
        }
      g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_remove (path);
}

void
ui_test_remove_db (const char *db)
{
  g_autofree char *dir = g_path_get_dirname (db);
  ui_test_remove_tree (dir);
}

CariStore *
ui_test_open_store (const char *db)
{
  g_autoptr (GError) error = NULL;
  CariStore *store = cari_store_open (db, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  return store;
}

gpointer
ui_test_template_child (gpointer widget, GType type, const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);
  g_assert_nonnull (child);
  return child;
}
