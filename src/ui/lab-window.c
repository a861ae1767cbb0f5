/* lab-window.c — the CariLab main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>

#include "cari.h"

#include "lab-window.h"

struct _LabWindow
{
  AdwApplicationWindow parent_instance;

  /* owned */
  GSettings *settings;

  /* template */
  AdwHeaderBar *header_bar;
  GtkMenuButton *primary_menu_button;
  AdwStatusPage *welcome_page;
  AdwPreferencesGroup *build_group;
  AdwActionRow *engine_row;
  AdwActionRow *blas_row;
};

G_DEFINE_FINAL_TYPE (LabWindow, lab_window, ADW_TYPE_APPLICATION_WINDOW)

/**
 * lab_window_new:
 * @application: (nullable): the application the window belongs to, or %NULL (tests)
 *
 * Returns: (transfer none): a new window, owned by GTK's list of toplevels until destroyed.
 */
LabWindow *
lab_window_new (GtkApplication *application)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (LAB_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

static void
lab_window_save_state (LabWindow *self)
{
  int width = 0;
  int height = 0;

  /* The default size is the unmaximized size, which is what a restore needs. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (self->settings);
}

static void
lab_window_restore_state (LabWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));

  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
lab_window_show_build_info (LabWindow *self)
{
  g_autofree char *blas = cari_blas_describe ();

  adw_action_row_set_subtitle (self->engine_row, cari_version ());
  adw_action_row_set_subtitle (self->blas_row,
                               blas != NULL && *blas != '\0' ? blas : _("Unknown"));
}

static gboolean
lab_window_close_request (GtkWindow *window)
{
  GtkWindowClass *parent_class = GTK_WINDOW_CLASS (lab_window_parent_class);

  lab_window_save_state (LAB_WINDOW (window));

  if (parent_class->close_request != NULL)
    return parent_class->close_request (window);

  return FALSE;
}

static void
lab_window_dispose (GObject *object)
{
  LabWindow *self = LAB_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lab_window_parent_class)->dispose (object);
}

static void
lab_window_class_init (LabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = lab_window_dispose;
  window_class->close_request = lab_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/carilab/CariLab/ui/lab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LabWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, build_group);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, engine_row);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, blas_row);
}

static void
lab_window_init (LabWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  lab_window_restore_state (self);
  lab_window_show_build_info (self);
}
