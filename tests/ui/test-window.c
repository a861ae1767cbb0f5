/* test-window.c — LabWindow: welcome page, build information, primary menu, saved size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <adwaita.h>

#include "cari.h"

#include "lab-window.h"

/* Runs the main loop until @widget is mapped, or fails after a few seconds. */
static void
wait_until_mapped (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (widget))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* Lets pending idles and frame callbacks, which may hold references, run out. */
static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gpointer
template_child (LabWindow  *window,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), LAB_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return child;
}

static gboolean
menu_has_action (GMenuModel *model,
                 const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuModel) section = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &name)
          && g_strcmp0 (name, action) == 0)
        return TRUE;

      section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      if (section != NULL && menu_has_action (section, action))
        return TRUE;
    }

  return FALSE;
}

/* A fresh temporary run database for each window. */
static char *
temp_db (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("carilab-window-XXXXXX", &error);
  g_assert_no_error (error);
  return g_build_filename (dir, "runs.db", NULL);
}

static void
remove_db (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_remove (wal);
  g_remove (shm);
  g_remove (path);
  g_rmdir (dir);
}

static LabWindow *
new_window (const char *db)
{
  /* GTK owns toplevels; our reference lets g_assert_finalize_object() prove the window dies. */
  return g_object_ref (lab_window_new (NULL, db));
}

static void
close_window (LabWindow *window)
{
  drain_main_context ();
  gtk_window_destroy (GTK_WINDOW (window));
  drain_main_context ();
  g_assert_finalize_object (window);
}

static void
set_flag (gpointer flag)
{
  *(gboolean *) flag = TRUE;
}

/* Runs the main loop until the run list has refreshed once. */
static void
wait_refreshed (LabWindow *window)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect_swapped (lab_window_get_run_list (window), "refreshed",
                                        G_CALLBACK (set_flag), &done);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (lab_window_get_run_list (window), id);
}

static void
test_window_welcome (void)
{
  g_autofree char *db = temp_db ();
  LabWindow *window = new_window (db);
  AdwStatusPage *welcome_page;
  GtkStack *runs_stack;

  gtk_window_present (GTK_WINDOW (window));
  wait_until_mapped (GTK_WIDGET (window));
  /* The window created the database; an empty one shows the welcome page and the demo. */
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
  wait_refreshed (window);
  runs_stack = template_child (window, "runs_stack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (runs_stack), ==, "welcome");
  welcome_page = template_child (window, "welcome_page");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (welcome_page)));
  g_assert_nonnull (strstr (adw_status_page_get_description (welcome_page), "SynCari"));
  g_assert_true (gtk_widget_get_visible (template_child (window, "demo_button")));
  g_assert_cmpstr (lab_window_get_db_path (window), ==, db);

  /* A run in the store: the list replaces the welcome page. */
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = cari_store_open (db, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cari_store_create_run (store, "r", 0, "", 1, 0, &error), >, 0);
  lab_run_list_refresh (lab_window_get_run_list (window));
  wait_refreshed (window);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (runs_stack), ==, "list");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lab_window_get_run_list (window))), ==,
                    1);

  close_window (window);
  remove_db (db);
}

/* An unusable database path (a file where a folder should be) is said on the welcome page. */
static void
test_window_bad_database (void)
{
  g_autofree char *db = temp_db ();
  g_assert_true (g_file_set_contents (db, "x", 1, NULL));
  g_autofree char *bad = g_build_filename (db, "runs.db", NULL);
  LabWindow *window = new_window (bad);
  AdwStatusPage *welcome_page = template_child (window, "welcome_page");
  /* The message names the file that stands where the folder should be. */
  g_assert_nonnull (strstr (adw_status_page_get_description (welcome_page), db));
  g_assert_false (gtk_widget_get_visible (template_child (window, "demo_button")));
  close_window (window);
  remove_db (db);
}

static void
test_window_primary_menu (void)
{
  LabWindow *window;
  GtkMenuButton *button;
  GMenuModel *model;
  GtkPopover *popover;

  g_autofree char *db = temp_db ();
  window = new_window (db);
  gtk_window_present (GTK_WINDOW (window));
  wait_until_mapped (GTK_WIDGET (window));

  button = template_child (window, "primary_menu_button");
  g_assert_true (gtk_menu_button_get_primary (button));

  model = gtk_menu_button_get_menu_model (button);
  g_assert_nonnull (model);
  g_assert_true (menu_has_action (model, "app.about"));
  g_assert_true (menu_has_action (model, "app.quit"));
  g_assert_true (menu_has_action (model, "win.show-help-overlay"));
  g_assert_true (menu_has_action (model, "win.start-demo"));
  g_assert_true (menu_has_action (model, "win.new-run"));

  popover = gtk_menu_button_get_popover (button);
  g_assert_nonnull (popover);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));

  gtk_menu_button_popup (button);
  wait_until_mapped (GTK_WIDGET (popover));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));

  gtk_menu_button_popdown (button);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));

  close_window (window);
  remove_db (db);
}

static void
test_window_size_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  LabWindow *window;
  int width = 0;
  int height = 0;

  g_autofree char *db = temp_db ();

  /* The schema's defaults. */
  window = new_window (db);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1100);
  g_assert_cmpint (height, ==, 720);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);

  /* A saved size is restored... */
  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 600);
  window = new_window (db);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 600);

  /* ...and closing the window saves the current one. gtk_window_close() ignores a window
   * that was never shown. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 650);
  gtk_window_present (GTK_WINDOW (window));
  wait_until_mapped (GTK_WIDGET (window));
  drain_main_context ();
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 650);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  drain_main_context ();
  g_assert_finalize_object (window);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "window-maximized");
  remove_db (db);
}

int
main (int   argc,
      char *argv[])
{
  /* gtk_test_init() aborts without a display; say why instead. */
  if (g_getenv ("DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display: run the UI tests under xvfb-run\n");
      return 0;
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window/welcome", test_window_welcome);
  g_test_add_func ("/window/bad-database", test_window_bad_database);
  g_test_add_func ("/window/primary-menu", test_window_primary_menu);
  g_test_add_func ("/window/size-settings", test_window_size_settings);

  return g_test_run ();
}
