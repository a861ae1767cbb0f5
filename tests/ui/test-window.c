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
#include "ui-test-util.h"

static gboolean
mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

/* Runs the main loop until @widget is mapped, or fails after a few seconds. */
static void
wait_until_mapped (GtkWidget *widget)
{
  ui_test_wait_for (mapped, widget, 5, "a widget on screen");
}

static gpointer
template_child (LabWindow  *window,
                const char *name)
{
  return ui_test_template_child (window, LAB_TYPE_WINDOW, name);
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
  return ui_test_temp_db ("carilab-window");
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
  ui_test_drain ();
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_drain ();
  g_assert_finalize_object (window);
}

/* Runs the main loop until the run list has refreshed once. */
static void
wait_refreshed (LabWindow *window)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect_swapped (lab_window_get_run_list (window), "refreshed",
                                        G_CALLBACK (ui_test_set_flag), &done);
  ui_test_wait_for (ui_test_is_true, &done, 10, "a refresh of the run list");
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
  /* The window created the database (its store gateway, before the list is read); an empty one
   * shows the welcome page and the demo. */
  wait_refreshed (window);
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
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
  ui_test_remove_db (db);
}

static gboolean
says_no_database (gpointer page)
{
  return g_strcmp0 (adw_status_page_get_title (page), "No Run Database") == 0;
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
  /* Said once the store gateway tried; the message names the file that stands where the folder
   * should be. */
  ui_test_wait_for (says_no_database, welcome_page, 10, "the welcome page's error");
  g_assert_nonnull (strstr (adw_status_page_get_description (welcome_page), db));
  g_assert_false (gtk_widget_get_visible (template_child (window, "demo_button")));
  close_window (window);
  ui_test_remove_db (db);
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
  ui_test_remove_db (db);
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
  ui_test_drain ();
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 650);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  ui_test_drain ();
  g_assert_finalize_object (window);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "window-maximized");
  ui_test_remove_db (db);
}

int
main (int   argc,
      char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;

  g_test_add_func ("/window/welcome", test_window_welcome);
  g_test_add_func ("/window/bad-database", test_window_bad_database);
  g_test_add_func ("/window/primary-menu", test_window_primary_menu);
  g_test_add_func ("/window/size-settings", test_window_size_settings);

  return g_test_run ();
}
