/* ui-test-util.h — what every UI test needs: its start under Xvfb, the main loop run until
 * something holds (with a deadline), temporary run databases, file choosers answered, and
 * template children.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "cari.h"

G_BEGIN_DECLS

/* gtk_test_init, adw_init and cari_init; FALSE (having printed the TAP skip line) when there is
 * no display, for main to return 0. */
gboolean    ui_test_init (int *argc, char ***argv);

/* Runs whatever the main loop has ready, until nothing is. */
void        ui_test_drain (void);
/* Lets worker threads drop their last references to finished tasks (and so to the widgets that
 * own them) before a finalize assertion: drains, sleeping a little, for about 200 ms. */
void        ui_test_settle (void);

typedef gboolean (*UiTestCondition) (gpointer data);
/* Runs the main loop until `condition (data)` holds; fails naming `what` after `seconds`. */
void        ui_test_wait_for (UiTestCondition condition, gpointer data, int seconds,
                              const char *what);
/* ui_test_wait_for with 20 s, until *flag is TRUE. */
void        ui_test_wait_flag (gboolean *flag, const char *what);
/* Sets *(gboolean *) flag: a signal handler for ui_test_wait_flag. */
void        ui_test_set_flag (gpointer flag);
/* TRUE when *(gboolean *) flag is. */
gboolean    ui_test_is_true (gpointer flag);

/* A new temporary folder (named after `prefix`) and "runs.db" in it, not created yet. */
char       *ui_test_temp_db (const char *prefix);
/* Removes `path` and everything below it. */
void        ui_test_remove_tree (const char *path);
/* Removes the folder of a ui_test_temp_db database. */
void        ui_test_remove_db (const char *db);
/* A read-write connection of the test's own (creating the database). */
CariStore  *ui_test_open_store (const char *db);

/* The file chooser a GtkFileChooserNative shows (its own dialog, without a portal), or NULL. */
GtkWindow  *ui_test_find_file_chooser (void);
/* Waits for that chooser and answers it: the file `name` in `folder` (typed into a Save
 * chooser, selected in an Open one), or `folder` itself (name NULL). */
void        ui_test_choose_file (const char *folder, const char *name);

/* A template child of `widget` that must be there. */
gpointer    ui_test_template_child (gpointer widget, GType type, const char *name);

G_END_DECLS
