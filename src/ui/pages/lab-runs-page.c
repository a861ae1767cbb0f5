/* lab-runs-page.c — the Runs page: a GtkColumnView over the window's LabRunList, filtered by a
 * search and sorted by any column, with the actions on the selected run.
 *
 * Models, bottom up: LabRunList (refreshed off the main thread, items updated in place) →
 * GtkFilterListModel (the search) → GtkSortListModel (the column view's sorter) →
 * GtkSingleSelection → the column view, whose cells and sorters are lab-run-columns.c's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cari.h"

#include "lab-export-model-dialog.h"
#include "lab-new-run-dialog.h"
#include "lab-page.h"
#include "lab-run-columns.h"
#include "lab-runs-page.h"

struct _LabRunsPage
{
  AdwBin parent_instance;

  /* owned */
  LabRunList *runs;
  LabRunner *runner;
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;
  GtkSingleSelection *selection;
  GStrv search_words;     /* casefolded; NULL when the search is empty */
  GArray *deleting;       /* of gint64: runs whose deletion is in flight */
  GtkWidget *context_menu; /* a GtkPopoverMenu parented to the page */

  /* template */
  GtkSearchEntry *search_entry;
  GtkStack *stack;
  GtkColumnView *column_view;
  AdwStatusPage *empty_page;
  GtkActionBar *action_bar;
  GtkButton *open_button;
  GtkButton *resume_button;
  GtkButton *new_from_button;
  GtkButton *export_model_button;
  GtkButton *rename_button;
  GtkButton *delete_button;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *dataset_column;
  GtkColumnViewColumn *strategy_column;
  GtkColumnViewColumn *status_column;
  GtkColumnViewColumn *step_column;
  GtkColumnViewColumn *losses_column;
  GtkColumnViewColumn *weights_column;
  GtkColumnViewColumn *started_column;
  GtkColumnViewColumn *duration_column;
  GMenuModel *context_menu_model;
};

G_DEFINE_FINAL_TYPE (LabRunsPage, lab_runs_page, ADW_TYPE_BIN)

/* ------------------------------------------------------------------------------ search */

static gboolean
match_run (gpointer object, gpointer data)
{
  LabRunsPage *self = data;
  LabRunItem *item = object;
  if (self->search_words == NULL)
    return TRUE;
  const char *fields[] = { lab_run_item_get_name (item), lab_run_item_get_dataset (item),
                           lab_run_item_get_strategy (item),
                           lab_run_item_get_status_label (item) };
  char *folded[G_N_ELEMENTS (fields)];
  gboolean match = TRUE;
  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    folded[f] = g_utf8_casefold (fields[f] != NULL ? fields[f] : "", -1);
  /* Every word is somewhere. */
  for (int w = 0; self->search_words[w] != NULL && match; w++)
    {
      gboolean found = FALSE;
      for (guint f = 0; f < G_N_ELEMENTS (fields) && !found; f++)
        found = strstr (folded[f], self->search_words[w]) != NULL;
      match = found;
    }
  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    g_free (folded[f]);
  return match;
}

static void
update_empty (LabRunsPage *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0
                   && self->search_words != NULL;
  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void
on_search_changed (LabRunsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_clear_pointer (&self->search_words, g_strfreev);
  g_auto (GStrv) words = g_strsplit_set (g_strstrip (folded), " \t", -1);
  GPtrArray *kept = g_ptr_array_new ();
  for (int i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (kept, g_strdup (words[i]));
  if (kept->len > 0)
    {
      g_ptr_array_add (kept, NULL);
      self->search_words = (GStrv) g_ptr_array_free (kept, FALSE);
    }
  else
    g_ptr_array_free (kept, TRUE);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_empty (self);
}

static void
on_stop_search (LabRunsPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* ------------------------------------------------------------------------------ actions */

static LabRunItem *
selected_item (LabRunsPage *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static gboolean
is_deleting (LabRunsPage *self, gint64 run)
{
  for (guint i = 0; i < self->deleting->len; i++)
    if (g_array_index (self->deleting, gint64, i) == run)
      return TRUE;
  return FALSE;
}

/* Whether this workbench or another process trains `item` now. */
static gboolean
is_busy (LabRunsPage *self, LabRunItem *item)
{
  gint64 id = lab_run_item_get_id (item);
  return lab_runner_get_active_run (self->runner) == id
         || lab_run_item_get_status (item) == CARI_RUN_RUNNING
         || lab_run_item_get_status (item) == CARI_RUN_PAUSED;
}

static gboolean
can_resume (LabRunsPage *self, LabRunItem *item)
{
  gint64 id = lab_run_item_get_id (item);
  if (is_busy (self, item) || lab_runner_is_queued (self->runner, id) || is_deleting (self, id))
    return FALSE;
  switch (lab_run_item_get_status (item))
    {
    case CARI_RUN_CANCELLED:
    case CARI_RUN_INTERRUPTED:
    case CARI_RUN_FAILED:
    /* queued in the store by a window that has closed since: nothing else will start it */
    case CARI_RUN_QUEUED:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
update_actions (LabRunsPage *self)
{
  if (self->selection == NULL)
    return; /* disposed */
  LabRunItem *item = selected_item (self);
  gboolean deleting = item != NULL && is_deleting (self, lab_run_item_get_id (item));
  const char *config = item != NULL ? lab_run_item_get_config (item) : NULL;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "runs.open", item != NULL && !deleting);
  gtk_widget_action_set_enabled (widget, "runs.resume", item != NULL && can_resume (self, item));
  gtk_widget_action_set_enabled (widget, "runs.new-from", config != NULL && config[0] != '\0');
  gtk_widget_action_set_enabled (widget, "runs.export-model",
                                 item != NULL && !deleting
                                   && lab_run_item_get_checkpoint (item) >= 0);
  gtk_widget_action_set_enabled (widget, "runs.rename", item != NULL && !deleting);
  gtk_widget_action_set_enabled (widget, "runs.delete",
                                 item != NULL && !deleting && !is_busy (self, item));
}

static void
open_run (LabRunsPage *self, LabRunItem *item)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-run", "x", lab_run_item_get_id (item));
}

static void
on_activate (LabRunsPage *self, guint position)
{
  g_autoptr (LabRunItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  if (item != NULL)
    open_run (self, item);
}

static void
open_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabRunsPage *self = LAB_RUNS_PAGE (widget);
  LabRunItem *item = selected_item (self);
  if (item != NULL)
    open_run (self, item);
}

static void
resume_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabRunsPage *self = LAB_RUNS_PAGE (widget);
  LabRunItem *item = selected_item (self);
  if (item == NULL || !can_resume (self, item))
    return;
  lab_runner_enqueue (self->runner, lab_run_item_get_id (item));
  update_actions (self);
}

static void
new_from_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabRunsPage *self = LAB_RUNS_PAGE (widget);
  LabRunItem *item = selected_item (self);
  if (item == NULL)
    return;
  /* The same configuration under a name of its own: names are unique. */
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *text = NULL;
  if (g_key_file_load_from_data (kf, lab_run_item_get_config (item), -1, G_KEY_FILE_NONE, NULL))
    {
      g_key_file_remove_key (kf, "run", "name", NULL);
      text = g_key_file_to_data (kf, NULL, NULL);
    }
  else
    text = g_strdup (lab_run_item_get_config (item));
  GtkWidget *dialog = lab_new_run_dialog_new (lab_page_get_window (widget),
                                              lab_run_list_get_gateway (self->runs), self->runner,
                                              text);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Export Model…: the run's network for other tools, from any of its checkpoints. */
static void
export_model_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabRunsPage *self = LAB_RUNS_PAGE (widget);
  LabRunItem *item = selected_item (self);
  if (item == NULL || lab_run_item_get_checkpoint (item) < 0)
    return;
  GtkWidget *dialog = lab_export_model_dialog_new (
    widget, lab_run_list_get_gateway (self->runs), lab_run_item_get_id (item),
    lab_run_item_get_name (item), lab_run_item_get_summary (item)->tasks);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- rename */

/* Why `name` cannot name `run` (newly allocated), or NULL when it can. The store's own rules
 * (not empty, not a number, unique), checked as the user types since a message dialog closes on
 * its response. */
static char *
check_new_name (LabRunsPage *self, gint64 run, const char *name)
{
  if (name[0] == '\0')
    return g_strdup (_("A run needs a name."));
  gboolean number = TRUE;
  for (const char *p = name; *p != '\0'; p++)
    number &= g_ascii_isdigit (*p) != 0;
  if (number)
    return g_strdup (_("A name cannot be a number: numbers are run ids."));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->runs));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LabRunItem) other = g_list_model_get_item (G_LIST_MODEL (self->runs), i);
      if (lab_run_item_get_id (other) != run
          && g_strcmp0 (lab_run_item_get_name (other), name) == 0)
        return g_strdup_printf (_("Another run is called “%s”."), name);
    }
  return NULL;
}

static void
on_rename_changed (GtkEditable *entry, AdwMessageDialog *dialog)
{
  LabRunsPage *self = g_object_get_data (G_OBJECT (dialog), "lab-page");
  gint64 run = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "lab-run");
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autofree char *why = check_new_name (self, run, name);
  adw_message_dialog_set_body (dialog, why != NULL ? why : "");
  adw_message_dialog_set_response_enabled (dialog, "rename", why == NULL);
  if (why != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
}

typedef struct
{
  gint64 run;
  char *name;
} RunJob;

static void
run_job_free (RunJob *job)
{
  g_free (job->name);
  g_free (job);
}

/* Runs `func` on the write lane for `run`, then `done` on the page. */
static void
write_run (LabRunsPage *self, gint64 run, const char *name, LabStoreJobFunc func,
           LabStoreJobDone done)
{
  RunJob *job = g_new0 (RunJob, 1);
  job->run = run;
  job->name = g_strdup (name);
  lab_store_gateway_start (lab_run_list_get_gateway (self->runs), LAB_STORE_LANE_WRITE, func, job,
                           (GDestroyNotify) run_job_free, self, NULL, done);
}

/* Write lane. */
static void
rename_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  RunJob *job = data;
  GError *error = NULL;
  gboolean ok = cari_store_rename_run (store, job->run, job->name, &error);
  lab_store_job_return_boolean (task, ok, error);
}

static void
on_run_renamed (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabRunsPage *self = source;
  if (error != NULL)
    lab_page_toast_printf (GTK_WIDGET (self), _("Could not rename the run: %s"), error->message);
  else
    lab_run_list_refresh (self->runs);
}

static void
on_rename_response (AdwMessageDialog *dialog, const char *response, LabRunsPage *self)
{
  gint64 run = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "lab-run");
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  write_run (self, run, name, rename_job, on_run_renamed);
}

static void
rename_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabRunsPage *self = LAB_RUNS_PAGE (widget);
  LabRunItem *item = selected_item (self);
  if (item == NULL)
    return;
  AdwMessageDialog *dialog = lab_page_ask (widget, _("Rename Run"), NULL, "rename", _("_Rename"),
                                           ADW_RESPONSE_SUGGESTED,
                                           G_CALLBACK (on_rename_response), self);
  GtkWidget *entry = gtk_entry_new ();
  gint64 *run = g_new (gint64, 1);
  *run = lab_run_item_get_id (item);
  g_object_set_data_full (G_OBJECT (dialog), "lab-run", run, g_free);
  g_object_set_data (G_OBJECT (dialog), "lab-page", self);
  gtk_editable_set_text (GTK_EDITABLE (entry), lab_run_item_get_name (item));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (dialog, entry);
  g_signal_connect_object (entry, "changed", G_CALLBACK (on_rename_changed), dialog, 0);
  on_rename_changed (GTK_EDITABLE (entry), dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* --- delete */

/* Write lane: the run's rows (one transaction), then its checkpoint files and their folder. The
 * rows go first: should that fail, the run stays whole; files that cannot be removed afterwards
 * are only litter. */
static void
delete_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  RunJob *job = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) paths = cari_store_list_checkpoint_paths (store, job->run, &error);
  if (paths == NULL || !cari_store_delete_run (store, job->run, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_autofree char *dir = cari_run_checkpoint_dir (store, job->run);
  guint failed = 0;
  g_autofree char *first = NULL;
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      if (g_remove (path) != 0 && errno != ENOENT)
        {
          int saved = errno;
          if (failed++ == 0)
            first = g_strdup_printf ("%s: %s", path, g_strerror (saved));
        }
    }
  /* Only when empty: a folder that holds anything else is not ours to remove. */
  g_rmdir (dir);
  if (failed > 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               ngettext ("the run is deleted, but %u checkpoint file could "
                                         "not be removed (%s)",
                                         "the run is deleted, but %u checkpoint files could "
                                         "not be removed (%s)",
                                         failed),
                               failed, first);
      return;
    }
  lab_store_job_return_boolean (task, TRUE, NULL);
}

static void
on_run_deleted (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabRunsPage *self = source;
  RunJob *job = data;
  for (guint i = 0; i < self->deleting->len; i++)
    if (g_array_index (self->deleting, gint64, i) == job->run)
      {
        g_array_remove_index_fast (self->deleting, i);
        break;
      }
  if (error != NULL)
    lab_page_toast_printf (GTK_WIDGET (self), _("Could not delete “%s”: %s"), job->name,
                           error->message);
  else
    lab_page_toast_printf (GTK_WIDGET (self), _("“%s” deleted"), job->name);
  lab_run_list_refresh (self->runs);
  update_actions (self);
}

static void
on_delete_response (AdwMessageDialog *dialog, const char *response, LabRunsPage *self)
{
  gint64 run = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "lab-run");
  LabRunItem *item = lab_run_list_find (self->runs, run);
  if (item == NULL || is_deleting (self, run))
    return;
  /* It may have started while the dialog was open. */
  if (is_busy (self, item))
    {
      lab_page_toast_printf (GTK_WIDGET (self), _("“%s” is training: stop it before deleting it"),
                             lab_run_item_get_name (item));
      return;
    }
  /* Waiting in this workbench's queue: it leaves the queue first, so it cannot start. */
  lab_runner_dequeue (self->runner, run);

  g_array_append_val (self->deleting, run);
  update_actions (self);
  write_run (self, run, lab_run_item_get_name (item), delete_job, on_run_deleted);
}

static void
delete_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabRunsPage *self = LAB_RUNS_PAGE (widget);
  LabRunItem *item = selected_item (self);
  if (item == NULL)
    return;
  g_autofree char *heading = g_strdup_printf (_("Delete “%s”?"), lab_run_item_get_name (item));
  AdwMessageDialog *dialog = lab_page_ask (
    widget, heading,
    _("Its metrics, evaluations and checkpoint files will be deleted. This cannot be undone."),
    "delete", _("_Delete"), ADW_RESPONSE_DESTRUCTIVE, G_CALLBACK (on_delete_response), self);
  gint64 *run = g_new (gint64, 1);
  *run = lab_run_item_get_id (item);
  g_object_set_data_full (G_OBJECT (dialog), "lab-run", run, g_free);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- context menu and search */

static void
popup_context_menu (LabRunsPage *self, GtkWidget *at, double x, double y)
{
  double px = 0, py = 0;
  if (!gtk_widget_translate_coordinates (at, GTK_WIDGET (self), x, y, &px, &py))
    px = py = 0;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle){ (int) px, (int) py, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
on_secondary_click (GtkGestureClick *gesture, int n_press, double x, double y, LabRunsPage *self)
{
  GtkWidget *view = GTK_WIDGET (self->column_view);
  GtkWidget *picked = gtk_widget_pick (view, x, y, GTK_PICK_DEFAULT);
  GtkListItem *list_item = lab_run_column_find_list_item (picked, view);
  if (list_item == NULL)
    return; /* a header, or below the rows */
  gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (list_item));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_context_menu (self, view, x, y);
}

static void
context_menu_action (GtkWidget *widget, const char *action, GVariant *param)
{
  LabRunsPage *self = LAB_RUNS_PAGE (widget);
  if (selected_item (self) == NULL)
    return;
  /* From the keyboard: at the focused cell when there is one. */
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->column_view)))
    popup_context_menu (self, focus, gtk_widget_get_width (focus) / 2.0,
                        gtk_widget_get_height (focus) / 2.0);
  else
    popup_context_menu (self, GTK_WIDGET (self->column_view),
                        gtk_widget_get_width (GTK_WIDGET (self->column_view)) / 2.0, 48);
}

static void
search_action (GtkWidget *widget, const char *action, GVariant *param)
{
  gtk_widget_grab_focus (GTK_WIDGET (LAB_RUNS_PAGE (widget)->search_entry));
}

/* After a refresh: items changed in place, and the filter and the sorter only look again when
 * told. */
static void
on_runs_refreshed (LabRunsPage *self)
{
  if (self->search_words != NULL)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_sorter_changed (gtk_column_view_get_sorter (self->column_view), GTK_SORTER_CHANGE_DIFFERENT);
  update_actions (self);
}

/* ------------------------------------------------------------------------------ public API */

GtkWidget *
lab_runs_page_new (LabRunList *runs, LabRunner *runner)
{
  g_return_val_if_fail (LAB_IS_RUN_LIST (runs), NULL);
  g_return_val_if_fail (LAB_IS_RUNNER (runner), NULL);
  LabRunsPage *self = g_object_new (LAB_TYPE_RUNS_PAGE, NULL);
  self->runs = g_object_ref (runs);
  self->runner = g_object_ref (runner);

  self->filter = gtk_custom_filter_new (match_run, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (runs)),
                                              GTK_FILTER (g_object_ref (self->filter)));
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filtered)),
                                          g_object_ref (sorter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  /* Autoselection picked the first run already: actions wait for the user's choice. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_empty), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (runs, "refreshed", G_CALLBACK (on_runs_refreshed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (runner, "progress", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);

  /* Newest first. */
  gtk_column_view_sort_by_column (self->column_view, self->started_column, GTK_SORT_DESCENDING);
  update_actions (self);
  update_empty (self);
  return GTK_WIDGET (self);
}

gboolean
lab_runs_page_select_run (LabRunsPage *self, gint64 run)
{
  g_return_val_if_fail (LAB_IS_RUNS_PAGE (self), FALSE);
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LabRunItem) item = g_list_model_get_item (model, i);
      if (lab_run_item_get_id (item) == run)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }
  return FALSE;
}

gint64
lab_runs_page_get_selected_run (LabRunsPage *self)
{
  g_return_val_if_fail (LAB_IS_RUNS_PAGE (self), 0);
  LabRunItem *item = selected_item (self);
  return item != NULL ? lab_run_item_get_id (item) : 0;
}

/* ------------------------------------------------------------------------------ GObject */

static void
lab_runs_page_dispose (GObject *object)
{
  LabRunsPage *self = LAB_RUNS_PAGE (object);

  /* The list and the runner outlive the page. */
  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_RUNS_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->runner);
  g_clear_object (&self->runs);

  G_OBJECT_CLASS (lab_runs_page_parent_class)->dispose (object);
}

static void
lab_runs_page_finalize (GObject *object)
{
  LabRunsPage *self = LAB_RUNS_PAGE (object);
  g_strfreev (self->search_words);
  g_array_unref (self->deleting);
  G_OBJECT_CLASS (lab_runs_page_parent_class)->finalize (object);
}

static void
lab_runs_page_class_init (LabRunsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_runs_page_dispose;
  object_class->finalize = lab_runs_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/carilab/CariLab/ui/lab-runs-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, action_bar);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, open_button);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, resume_button);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, new_from_button);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, export_model_button);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, rename_button);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, delete_button);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, name_column);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, dataset_column);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, strategy_column);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, status_column);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, step_column);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, losses_column);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, weights_column);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, started_column);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, duration_column);
  gtk_widget_class_bind_template_child (widget_class, LabRunsPage, context_menu_model);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);

  gtk_widget_class_install_action (widget_class, "runs.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "runs.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "runs.new-from", NULL, new_from_action);
  gtk_widget_class_install_action (widget_class, "runs.export-model", NULL,
                                   export_model_action);
  gtk_widget_class_install_action (widget_class, "runs.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "runs.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "runs.context-menu", NULL, context_menu_action);
  gtk_widget_class_install_action (widget_class, "runs.search", NULL, search_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "runs.rename", NULL);
  /* The last binding of an action is the one menus show. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "runs.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "runs.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "runs.new-from", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "runs.search",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "runs.context-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK,
                                       "runs.context-menu", NULL);
}

static void
lab_runs_page_init (LabRunsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->deleting = g_array_new (FALSE, FALSE, sizeof (gint64));

  lab_run_column_setup (self->name_column, LAB_RUN_COLUMN_NAME);
  lab_run_column_setup (self->dataset_column, LAB_RUN_COLUMN_DATASET);
  lab_run_column_setup (self->strategy_column, LAB_RUN_COLUMN_STRATEGY);
  lab_run_column_setup (self->status_column, LAB_RUN_COLUMN_STATUS);
  lab_run_column_setup (self->step_column, LAB_RUN_COLUMN_STEP);
  lab_run_column_setup (self->losses_column, LAB_RUN_COLUMN_LOSSES);
  lab_run_column_setup (self->weights_column, LAB_RUN_COLUMN_WEIGHTS);
  lab_run_column_setup (self->started_column, LAB_RUN_COLUMN_STARTED);
  lab_run_column_setup (self->duration_column, LAB_RUN_COLUMN_DURATION);

  self->context_menu = gtk_popover_menu_new_from_model (self->context_menu_model);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));

  GtkGesture *click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (on_secondary_click), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (click));

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
}
