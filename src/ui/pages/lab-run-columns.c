/* lab-run-columns.c — the cells and sorters of the Runs page's columns.
 *
 * A cell follows its item's "notify" while bound, so a running run's step, losses and weights
 * change in place without rebuilding rows. Losses and weights are three labels in task order,
 * coloured with the tasks' CSS classes (resources/style.css: the colours of the paper's Fig. 7).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "cari.h"

#include "lab-run-columns.h"
#include "lab-run-list.h"

static const char *const task_classes[CARI_N_TASKS] = { "lab-task-verif", "lab-task-cari",
                                                        "lab-task-visual" };
static const char *const loss_props[CARI_N_TASKS] = { "loss-verif", "loss-cari", "loss-visual" };
static const char *const weight_props[CARI_N_TASKS] = { "weight-verif", "weight-cari",
                                                        "weight-visual" };

/* ------------------------------------------------------------------------------ cells */

static double
item_double (LabRunItem *item, const char *property)
{
  double v = NAN;
  g_object_get (item, property, &v, NULL);
  return v;
}

static char *
format_started (double started)
{
  if (started <= 0)
    return g_strdup ("—");
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local ((gint64) started);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *hm = g_date_time_format (dt, "%H:%M");
  int days = g_date_time_get_day_of_year (now) - g_date_time_get_day_of_year (dt);
  if (g_date_time_get_year (dt) != g_date_time_get_year (now))
    days = 1000;
  if (days == 0)
    return g_strdup_printf (C_("run started", "Today, %s"), hm);
  if (days == 1)
    return g_strdup_printf (C_("run started", "Yesterday, %s"), hm);
  if (days > 1 && days < 7)
    return g_date_time_format (dt, "%a %H:%M");
  return g_date_time_format (dt, "%x");
}

static char *
format_duration (double seconds)
{
  if (seconds <= 0)
    return g_strdup ("—");
  int s = (int) (seconds + 0.5);
  if (s < 60)
    return g_strdup_printf (C_("duration", "%d s"), s);
  if (s < 3600)
    return g_strdup_printf ("%d:%02d", s / 60, s % 60);
  return g_strdup_printf ("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
}

/* An imported run trained on nothing here: its configuration's data set and number of steps
 * are defaults, not what it is. */
static gboolean
is_imported (LabRunItem *item)
{
  return lab_run_item_get_status (item) == CARI_RUN_IMPORTED;
}

static char *
format_step (LabRunItem *item)
{
  if (is_imported (item))
    return g_strdup ("—");
  gint64 step = lab_run_item_get_step (item);
  gint64 steps = lab_run_item_get_steps (item);
  g_autofree char *done = step >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, step) : g_strdup ("–");
  if (steps <= 0)
    return g_steal_pointer (&done);
  return g_strdup_printf ("%s / %" G_GINT64_FORMAT, done, steps);
}

typedef enum
{
  CELL_LABEL,
  CELL_TASKS, /* three labels in task order, in the tasks' colours */
} CellKind;

typedef struct _Column Column;
struct _Column
{
  CellKind kind;
  float xalign;
  int width_chars;          /* the least a label shows before it ellipsizes */
  void (*update) (GtkWidget *cell, LabRunItem *item, const Column *column);
  const char *const *props; /* CELL_TASKS: the three properties */
  gboolean weights;         /* CELL_TASKS: weights (two decimals) rather than losses */
};

static void
update_name (GtkWidget *cell, LabRunItem *item, const Column *column)
{
  const char *name = lab_run_item_get_name (item);
  gtk_label_set_text (GTK_LABEL (cell), name);
  /* For the names the column may ellipsize. */
  gtk_widget_set_tooltip_text (cell, g_utf8_strlen (name, -1) > 16 ? name : NULL);
}

static void
update_dataset (GtkWidget *cell, LabRunItem *item, const Column *column)
{
  g_autofree char *protocol = NULL;
  const char *p = lab_run_item_get_protocol (item);
  if (is_imported (item))
    {
      gtk_label_set_text (GTK_LABEL (cell), "—");
      gtk_widget_set_tooltip_text (cell, _("Weights from a file: trained elsewhere"));
      return;
    }
  gtk_label_set_text (GTK_LABEL (cell), lab_run_item_get_dataset (item));
  if (p != NULL && p[0] != '\0')
    protocol = g_strdup_printf (_("%s, protocol %s, fold %d"), lab_run_item_get_dataset (item), p,
                                lab_run_item_get_fold (item));
  gtk_widget_set_tooltip_text (cell, protocol);
}

static void
update_strategy (GtkWidget *cell, LabRunItem *item, const Column *column)
{
  gtk_label_set_text (GTK_LABEL (cell), lab_run_item_get_strategy (item));
}

static void
update_status (GtkWidget *cell, LabRunItem *item, const Column *column)
{
  const char *css = NULL;
  switch (lab_run_item_get_status (item))
    {
    case CARI_RUN_RUNNING:
      css = "accent";
      break;
    case CARI_RUN_PAUSED:
    case CARI_RUN_INTERRUPTED:
      css = "warning";
      break;
    case CARI_RUN_FAILED:
    case CARI_RUN_DIVERGED:
      css = "error";
      break;
    default:
      break;
    }
  const char *classes[] = { css, NULL };
  gtk_label_set_text (GTK_LABEL (cell), lab_run_item_get_status_label (item));
  gtk_widget_set_css_classes (cell, classes);
  gtk_widget_set_tooltip_text (cell, lab_run_item_get_message (item));
}

static void
update_step (GtkWidget *cell, LabRunItem *item, const Column *column)
{
  g_autofree char *text = format_step (item);
  gtk_label_set_text (GTK_LABEL (cell), text);
}

static void
update_tasks (GtkWidget *cell, LabRunItem *item, const Column *column)
{
  GtkWidget *label = gtk_widget_get_first_child (cell);
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      double v = item_double (item, column->props[t]);
      g_autofree char *text = isnan (v)         ? g_strdup ("–")
                              : column->weights ? g_strdup_printf ("%.2f", v)
                                                : g_strdup_printf ("%.3f", v);
      gtk_label_set_text (GTK_LABEL (label), text);
      /* skip the separator */
      label = gtk_widget_get_next_sibling (label);
      if (label != NULL)
        label = gtk_widget_get_next_sibling (label);
    }
}

static void
update_started (GtkWidget *cell, LabRunItem *item, const Column *column)
{
  g_autofree char *text = format_started (lab_run_item_get_started (item));
  g_autoptr (GDateTime) created = g_date_time_new_from_unix_local (
    (gint64) lab_run_item_get_created (item));
  g_autofree char *when = created ? g_date_time_format (created, "%c") : NULL;
  g_autofree char *tooltip = when ? g_strdup_printf (_("Created %s"), when) : NULL;
  gtk_label_set_text (GTK_LABEL (cell), text);
  gtk_widget_set_tooltip_text (cell, tooltip);
}

static void
update_duration (GtkWidget *cell, LabRunItem *item, const Column *column)
{
  g_autofree char *text = format_duration (lab_run_item_get_duration (item));
  gtk_label_set_text (GTK_LABEL (cell), text);
}

static const Column name_cells = { CELL_LABEL, 0.0f, 14, update_name };
static const Column dataset_cells = { CELL_LABEL, 0.0f, 8, update_dataset };
static const Column strategy_cells = { CELL_LABEL, 0.0f, 0, update_strategy };
static const Column status_cells = { CELL_LABEL, 0.0f, 0, update_status };
static const Column step_cells = { CELL_LABEL, 1.0f, 0, update_step };
static const Column loss_cells = { CELL_TASKS, 1.0f, 0, update_tasks, loss_props, FALSE };
static const Column weight_cells = { CELL_TASKS, 1.0f, 0, update_tasks, weight_props, TRUE };
static const Column started_cells = { CELL_LABEL, 0.0f, 0, update_started };
static const Column duration_cells = { CELL_LABEL, 1.0f, 0, update_duration };

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, const Column *column)
{
  GtkWidget *cell;
  if (column->kind == CELL_TASKS)
    {
      cell = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      gtk_widget_set_halign (cell, GTK_ALIGN_END);
      for (int t = 0; t < CARI_N_TASKS; t++)
        {
          if (t > 0)
            {
              GtkWidget *slash = gtk_label_new ("/");
              gtk_widget_add_css_class (slash, "dim-label");
              gtk_box_append (GTK_BOX (cell), slash);
            }
          GtkWidget *value = gtk_label_new (NULL);
          gtk_label_set_width_chars (GTK_LABEL (value), 5);
          gtk_label_set_xalign (GTK_LABEL (value), 1.0f);
          gtk_widget_add_css_class (value, task_classes[t]);
          gtk_box_append (GTK_BOX (cell), value);
        }
    }
  else
    {
      cell = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (cell), column->xalign);
      gtk_label_set_ellipsize (GTK_LABEL (cell), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (cell), column->width_chars);
    }
  if (column->xalign > 0.5f)
    gtk_widget_add_css_class (cell, "numeric");
  /* So that a right click on a cell finds its row (lab_run_column_find_list_item). */
  g_object_set_data (G_OBJECT (cell), "lab-list-item", list_item);
  gtk_list_item_set_child (list_item, cell);
}

static void
on_item_notify (LabRunItem *item, GParamSpec *pspec, GtkListItem *list_item)
{
  const Column *column = g_object_get_data (G_OBJECT (list_item), "lab-column");
  column->update (gtk_list_item_get_child (list_item), item, column);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, const Column *column)
{
  LabRunItem *item = gtk_list_item_get_item (list_item);
  column->update (gtk_list_item_get_child (list_item), item, column);
  g_object_set_data (G_OBJECT (list_item), "lab-column", (gpointer) column);
  gulong id = g_signal_connect (item, "notify", G_CALLBACK (on_item_notify), list_item);
  g_object_set_data (G_OBJECT (list_item), "lab-notify", GSIZE_TO_POINTER ((gsize) id));
}

static void
unbind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, const Column *column)
{
  LabRunItem *item = gtk_list_item_get_item (list_item);
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "lab-notify"));
  if (item != NULL && id != 0)
    g_signal_handler_disconnect (item, id);
  g_object_set_data (G_OBJECT (list_item), "lab-notify", NULL);
}

static void
set_cells (GtkColumnViewColumn *view_column, const Column *column)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), (gpointer) column);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), (gpointer) column);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), (gpointer) column);
  gtk_column_view_column_set_factory (view_column, factory);
}

/* ------------------------------------------------------------------------------ sorting */

static GtkSorter *
string_sorter (const char *property)
{
  return GTK_SORTER (gtk_string_sorter_new (
    gtk_property_expression_new (LAB_TYPE_RUN_ITEM, NULL, property)));
}

static GtkSorter *
numeric_sorter (const char *property)
{
  return GTK_SORTER (gtk_numeric_sorter_new (
    gtk_property_expression_new (LAB_TYPE_RUN_ITEM, NULL, property)));
}

/* A metric: a run without it (NaN) sorts below every value, so that GtkNumericSorter's "NaN
 * equals everything" cannot scramble the order. */
static int
compare_metric (gconstpointer a, gconstpointer b, gpointer property)
{
  double x = item_double ((LabRunItem *) a, property);
  double y = item_double ((LabRunItem *) b, property);
  if (isnan (x) || isnan (y))
    return isnan (x) && isnan (y) ? GTK_ORDERING_EQUAL
           : isnan (x)            ? GTK_ORDERING_SMALLER
                                  : GTK_ORDERING_LARGER;
  return x < y ? GTK_ORDERING_SMALLER : x > y ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static void
set_sorter (GtkColumnViewColumn *column, GtkSorter *sorter)
{
  gtk_column_view_column_set_sorter (column, sorter);
  g_object_unref (sorter);
}

static const struct
{
  const Column *cells;
  const char *sort_by; /* a LabRunItem property */
  enum { SORT_STRING, SORT_NUMBER, SORT_METRIC } sort;
} columns[] = {
  [LAB_RUN_COLUMN_NAME] = { &name_cells, "name", SORT_STRING },
  [LAB_RUN_COLUMN_DATASET] = { &dataset_cells, "dataset", SORT_STRING },
  [LAB_RUN_COLUMN_STRATEGY] = { &strategy_cells, "strategy", SORT_STRING },
  [LAB_RUN_COLUMN_STATUS] = { &status_cells, "status-label", SORT_STRING },
  [LAB_RUN_COLUMN_STEP] = { &step_cells, "step", SORT_NUMBER },
  /* The compact task columns sort by the caricature task, the one Fig. 5 and 7 follow. */
  [LAB_RUN_COLUMN_LOSSES] = { &loss_cells, "loss-cari", SORT_METRIC },
  [LAB_RUN_COLUMN_WEIGHTS] = { &weight_cells, "weight-cari", SORT_METRIC },
  [LAB_RUN_COLUMN_STARTED] = { &started_cells, "created", SORT_NUMBER },
  [LAB_RUN_COLUMN_DURATION] = { &duration_cells, "duration", SORT_NUMBER },
};

void
lab_run_column_setup (GtkColumnViewColumn *column, LabRunColumn which)
{
  g_return_if_fail (GTK_IS_COLUMN_VIEW_COLUMN (column));
  g_return_if_fail ((guint) which < G_N_ELEMENTS (columns));
  set_cells (column, columns[which].cells);
  const char *property = columns[which].sort_by;
  switch (columns[which].sort)
    {
    case SORT_STRING:
      set_sorter (column, string_sorter (property));
      break;
    case SORT_NUMBER:
      set_sorter (column, numeric_sorter (property));
      break;
    case SORT_METRIC:
      set_sorter (column, GTK_SORTER (gtk_custom_sorter_new (compare_metric, (gpointer) property,
                                                             NULL)));
      break;
    default:
      g_assert_not_reached ();
    }
}

GtkListItem *
lab_run_column_find_list_item (GtkWidget *widget, GtkWidget *view)
{
  for (GtkWidget *w = widget; w != NULL && w != view; w = gtk_widget_get_parent (w))
    {
      GtkListItem *list_item = g_object_get_data (G_OBJECT (w), "lab-list-item");
      if (list_item != NULL)
        return list_item;
    }
  return NULL;
}
