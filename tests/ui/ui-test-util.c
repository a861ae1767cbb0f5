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
  /* GIO (2.74) settles its MIME folders on the first call that asks for them and then has its
   * MIME data read again, losing what it had read with its defaults for LeakSanitizer to report;
   * the icon a file chooser shows reads that data first and a file's details ask for the folders
   * later. Asked for first, they are settled before anything is read. */
  g_content_type_get_mime_dirs ();
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

GtkWindow *
ui_test_find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);
      if (GTK_IS_FILE_CHOOSER (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }
  return NULL;
}

static gboolean
file_chooser_shown (gpointer data)
{
  return ui_test_find_file_chooser () != NULL;
}

typedef struct
{
  GtkFileChooser *chooser;
  GFile *file;
} Chosen;

/* The chooser shows the folder `file`. */
static gboolean
chooser_in_folder (gpointer data)
{
  Chosen *in = data;
  g_autoptr (GFile) current = gtk_file_chooser_get_current_folder (in->chooser);
  return current != NULL && g_file_equal (current, in->file);
}

/* The chooser's answer would be `file`. */
static gboolean
chooser_has_file (gpointer data)
{
  Chosen *in = data;
  g_autoptr (GFile) chosen = gtk_file_chooser_get_file (in->chooser);
  return chosen != NULL && g_file_equal (chosen, in->file);
}

void
ui_test_choose_file (const char *folder, const char *name)
{
  ui_test_wait_for (file_chooser_shown, NULL, 10, "a file chooser");
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (ui_test_find_file_chooser ());
  g_autoptr (GFile) dir = g_file_new_for_path (folder);
  /* It loads its first folder in the background: one set before that is in would be replaced
   * by it. */
  for (int i = 0; i < 30; i++)
    {
      ui_test_drain ();
      g_usleep (10000);
    }
  g_assert_true (gtk_file_chooser_set_current_folder (chooser, dir, NULL));
  ui_test_wait_for (chooser_in_folder, &(Chosen) { chooser, dir }, 10, "the folder chosen");
  g_autoptr (GFile) want = name != NULL ? g_file_get_child (dir, name) : g_object_ref (dir);
  if (name != NULL && gtk_file_chooser_get_action (chooser) == GTK_FILE_CHOOSER_ACTION_SAVE)
    gtk_file_chooser_set_current_name (chooser, name);
  else if (name != NULL)
    g_assert_true (gtk_file_chooser_set_file (chooser, want, NULL));
  ui_test_wait_for (chooser_has_file, &(Chosen) { chooser, want }, 10, "the file chosen");
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
}
