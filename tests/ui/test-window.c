/* test-window.c — LabWindow: welcome page, build information, primary menu, saved size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <string.h>

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

static void
test_window_welcome (void)
{
  LabWindow *window;
  AdwStatusPage *welcome_page;
  AdwActionRow *engine_row;
  AdwActionRow *blas_row;
  g_autofree char *blas = cari_blas_describe ();

  /* GTK owns toplevels; our reference lets g_assert_finalize_object() prove the window dies. */
  window = g_object_ref (lab_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  wait_until_mapped (GTK_WIDGET (window));

  welcome_page = template_child (window, "welcome_page");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (welcome_page)));
  g_assert_cmpstr (adw_status_page_get_title (welcome_page), ==, "CariLab");
  g_assert_nonnull (strstr (adw_status_page_get_description (welcome_page), "caricature"));

  engine_row = template_child (window, "engine_row");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (engine_row)), ==,
                   "Engine");
  g_assert_cmpstr (adw_action_row_get_subtitle (engine_row), ==, cari_version ());

  blas_row = template_child (window, "blas_row");
  g_assert_nonnull (blas);
  g_assert_cmpstr (adw_action_row_get_subtitle (blas_row), ==, blas);

  drain_main_context ();
  gtk_window_destroy (GTK_WINDOW (window));
  drain_main_context ();
  g_assert_finalize_object (window);
}

static void
test_window_primary_menu (void)
{
  LabWindow *window;
  GtkMenuButton *button;
  GMenuModel *model;
  GtkPopover *popover;

  window = g_object_ref (lab_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  wait_until_mapped (GTK_WIDGET (window));

  button = template_child (window, "primary_menu_button");
  g_assert_true (gtk_menu_button_get_primary (button));

  model = gtk_menu_button_get_menu_model (button);
  g_assert_nonnull (model);
  g_assert_true (menu_has_action (model, "app.about"));
  g_assert_true (menu_has_action (model, "app.quit"));
  g_assert_true (menu_has_action (model, "win.show-help-overlay"));

  popover = gtk_menu_button_get_popover (button);
  g_assert_nonnull (popover);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));

  gtk_menu_button_popup (button);
  wait_until_mapped (GTK_WIDGET (popover));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));

  gtk_menu_button_popdown (button);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));

  drain_main_context ();
  gtk_window_destroy (GTK_WINDOW (window));
  drain_main_context ();
  g_assert_finalize_object (window);
}

static void
test_window_size_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  LabWindow *window;
  int width = 0;
  int height = 0;

  /* The schema's defaults. */
  window = g_object_ref (lab_window_new (NULL));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1100);
  g_assert_cmpint (height, ==, 720);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);

  /* A saved size is restored... */
  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 600);
  window = g_object_ref (lab_window_new (NULL));
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
  g_test_add_func ("/window/primary-menu", test_window_primary_menu);
  g_test_add_func ("/window/size-settings", test_window_size_settings);

  return g_test_run ();
}
