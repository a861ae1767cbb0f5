/* lab-compare-page.h — two or more runs on the same axes: colour = task, line style = strategy
 * (proposed solid, naive dashed, static dotted), for task weights and losses; the paper's
 * Fig. 6 (a)–(d) grid as a one-click layout; the difference of two runs on their common steps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lab-chart.h"
#include "lab-run-list.h"

G_BEGIN_DECLS

typedef enum
{
  LAB_COMPARE_OVERLAY,
  LAB_COMPARE_GRID, /* Fig. 6: (a) weights of the first run, (b) of the second, (c), (d) losses */
} LabCompareLayout;

#define LAB_TYPE_COMPARE_PAGE (lab_compare_page_get_type ())
G_DECLARE_FINAL_TYPE (LabComparePage, lab_compare_page, LAB, COMPARE_PAGE, AdwBin)

GtkWidget       *lab_compare_page_new (LabStoreGateway *gateway, LabRunList *runs,
                                       guint interval_ms);
/* The runs compared, in this order (the difference is the second minus the first). */
void             lab_compare_page_set_runs (LabComparePage *self, const gint64 *runs, int n);
/* Of gint64. */
GArray          *lab_compare_page_get_runs (LabComparePage *self);
void             lab_compare_page_set_layout (LabComparePage *self, LabCompareLayout layout);
LabCompareLayout lab_compare_page_get_layout (LabComparePage *self);
void             lab_compare_page_set_difference (LabComparePage *self, gboolean shown);

/* The overlay's charts (weights, losses, difference) and the grid's (0 … 3 = (a) … (d)). */
LabChart        *lab_compare_page_get_overlay_chart (LabComparePage *self, int which);
LabChart        *lab_compare_page_get_grid_chart (LabComparePage *self, int which);
/* Recomputes the difference now (it is otherwise recomputed after new rows, once per second). */
void             lab_compare_page_update_difference (LabComparePage *self);

G_END_DECLS
