/* lab-application.c — the CariLab application object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>

#include "cari.h"

#include "lab-application.h"
#include "lab-window.h"

struct _LabApplication
{
  AdwApplication parent_instance;

  /* owned: --db, or $CARILAB_DB; NULL for the default database */
  char *db_path;
  /* --demo: start the naive-versus-proposed demo in the first window */
  gboolean demo;
};

G_DEFINE_FINAL_TYPE (LabApplication, lab_application, ADW_TYPE_APPLICATION)

LabApplication *
lab_application_new (const char *application_id, GApplicationFlags flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (LAB_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       NULL);
}

static void
lab_application_activate (GApplication *app)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    {
      window = GTK_WINDOW (lab_window_new (GTK_APPLICATION (app), LAB_APPLICATION (app)->db_path));
      if (LAB_APPLICATION (app)->demo)
        gtk_widget_activate_action (GTK_WIDGET (window), "win.start-demo", NULL);
    }

  gtk_window_present (window);
}

/* SIGINT and SIGTERM close the windows as Quit does: the active run checkpoints first. */
static void lab_application_quit_action (GSimpleAction *action, GVariant *parameter,
                                         gpointer user_data);

static gboolean
on_quit_signal (gpointer app)
{
  lab_application_quit_action (NULL, NULL, app);
  return G_SOURCE_CONTINUE;
}

static void
lab_application_startup (GApplication *app)
{
  static const struct
  {
    const char *action;
    const char *accels[2];
  } shortcuts[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.about", { "F1", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  G_APPLICATION_CLASS (lab_application_parent_class)->startup (app);
  g_unix_signal_add (SIGINT, on_quit_signal, app);
  g_unix_signal_add (SIGTERM, on_quit_signal, app);

  for (gsize i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app),
                                           shortcuts[i].action,
                                           shortcuts[i].accels);
}

static int
lab_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  LabApplication *self = LAB_APPLICATION (app);
  g_autofree char *db = NULL;

  if (g_variant_dict_lookup (options, "db", "^ay", &db))
    {
      g_free (self->db_path);
      self->db_path = g_canonicalize_filename (db, NULL);
    }
  else if (g_getenv ("CARILAB_DB") != NULL)
    self->db_path = g_strdup (g_getenv ("CARILAB_DB"));
  self->demo = g_variant_dict_contains (options, "demo");
  return -1;
}

static void
lab_application_finalize (GObject *object)
{
  g_free (LAB_APPLICATION (object)->db_path);
  G_OBJECT_CLASS (lab_application_parent_class)->finalize (object);
}

static void
lab_application_class_init (LabApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = lab_application_finalize;
  app_class->handle_local_options = lab_application_handle_local_options;

  app_class->activate = lab_application_activate;
  app_class->startup = lab_application_startup;
}

/* Closes every window instead of calling g_application_quit(), so each one goes through
 * close-request (and saves its state, or refuses while it still has work to keep). The
 * application ends by itself once the last window is gone. */
static void
lab_application_quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows = NULL;

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    windows = g_list_prepend (windows, g_object_ref (l->data));

  for (const GList *l = windows; l != NULL; l = l->next)
    {
      /* Closing one window may already have destroyed another (a transient dialog). */
      if (g_list_find (gtk_application_get_windows (app), l->data) != NULL)
        gtk_window_close (GTK_WINDOW (l->data));
    }

  g_list_free_full (windows, g_object_unref);
}

static char *
lab_application_dup_debug_info (void)
{
  g_autofree char *blas = cari_blas_describe ();

  /* Not translated: this text goes into bug reports. */
  return g_strdup_printf ("CariLab %s\n"
                          "Engine (libcari) %s\n"
                          "Linear algebra: %s\n"
                          "GLib %u.%u.%u\n"
                          "GTK %u.%u.%u\n"
                          "libadwaita %u.%u.%u\n",
                          PACKAGE_VERSION,
                          cari_version (),
                          blas != NULL ? blas : "unknown",
                          glib_major_version, glib_minor_version, glib_micro_version,
                          gtk_get_major_version (), gtk_get_minor_version (),
                          gtk_get_micro_version (),
                          adw_get_major_version (), adw_get_minor_version (),
                          adw_get_micro_version ());
}

static void
lab_application_about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  g_autofree char *debug_info = lab_application_dup_debug_info ();
  const char *translators = _("translator-credits");
  AdwAboutWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        /* Translators: the application's name */
                        "application-name", _("CariLab"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The CariLab developers"),
                        "comments", _("A research workbench for caricature–visual face "
                                      "recognition with dynamic multi-task learning."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", _("© 2026 The CariLab developers"),
                        "website", "https://github.com/carilab/carilab",
                        "issue-url", "https://github.com/carilab/carilab/issues",
                        "debug-info", debug_info,
                        "debug-info-filename", "carilab-debug-info.txt",
                        NULL);

  /* AdwAboutWindow (unlike GtkAboutDialog) shows the untranslated msgid verbatim. */
  if (g_strcmp0 (translators, "translator-credits") != 0)
    adw_about_window_set_translator_credits (about, translators);

  gtk_window_present (GTK_WINDOW (about));
}

static void
lab_application_init (LabApplication *self)
{
  static const GActionEntry entries[] = {
    { .name = "quit", .activate = lab_application_quit_action },
    { .name = "about", .activate = lab_application_about_action },
  };

  static const GOptionEntry options[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Run database (default: ~/.local/share/carilab/carilab.db, or $CARILAB_DB)"),
      N_("FILE") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Start the naive-versus-proposed demo at once"), NULL },
    { NULL },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}
