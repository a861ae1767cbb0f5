/* lab-run-columns.h — how a run shows in each column of the Runs page's table: its cells (which
 * follow their LabRunItem as it changes) and the column's sorter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  LAB_RUN_COLUMN_NAME,
  LAB_RUN_COLUMN_DATASET,
  LAB_RUN_COLUMN_STRATEGY,
  LAB_RUN_COLUMN_STATUS,
  LAB_RUN_COLUMN_STEP,     /* step / steps */
  LAB_RUN_COLUMN_LOSSES,   /* verif / cari / visual, in the tasks' colours */
  LAB_RUN_COLUMN_WEIGHTS,  /* the same */
  LAB_RUN_COLUMN_STARTED,  /* sorts by creation, so queued runs sit with the newest */
  LAB_RUN_COLUMN_DURATION,
} LabRunColumn;

/* Gives `column` (of a GtkColumnView over LabRunItem) the factory and the sorter of `which`. */
void         lab_run_column_setup (GtkColumnViewColumn *column, LabRunColumn which);
/* The list item of the cell that holds `widget` (a widget picked inside the column view),
 * or NULL when it is in no cell (a header). Stops at `view`. */
GtkListItem *lab_run_column_find_list_item (GtkWidget *widget, GtkWidget *view);

G_END_DECLS
