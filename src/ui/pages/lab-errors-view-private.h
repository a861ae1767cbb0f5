/* lab-errors-view-private.h — what lab-errors-view.c, lab-errors-view-load.c and
 * lab-errors-view-compare.c share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lab-errors-view.h"
#include "lab-score-histogram.h"
#include "lab-thumbnail-cache.h"

G_BEGIN_DECLS

#define N_ORIGIN_BUTTONS 4 /* every origin but DRAGGED */
#define N_DIFF_BUTTONS 3

struct _LabErrorsView
{
  AdwBin parent_instance;

  /* owned */
  LabStoreGateway *gateway;
  gint64 evaluation;
  GCancellable *cancellable;         /* the evaluation's load */
  CariEvalInfo *info;
  CariPairSet *set;
  LabDataset *dataset;               /* NULL when the evaluation has no data set */
  GPtrArray *comparable;             /* of CariEvalInfo * */
  GPtrArray *comparable_labels;      /* of char * */
  GListStore *items;                 /* of LabPairItem, every pair */
  GPtrArray *item_array;             /* the same items, for walking them without refs */
  GtkCustomFilter *filter;
  GtkCustomSorter *sorter;
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;
  LabThumbnailCache *thumbnails;
  GHashTable *tiles;                 /* the bound LabPairTile (borrowed) */
  CariImageSet *image_filter;
  guint verdicts;
  CariDiffClass diff_filter;
  CariPairOrder order;
  double threshold;
  CariThresholdOrigin origin;
  gboolean resort_pending;           /* the margin order is stale until the drag ends */
  gboolean updating;                 /* while the view sets its own buttons */
  /* the comparison */
  gint64 other_evaluation;
  GCancellable *compare_cancellable;
  CariPairSet *other;
  int *match;                        /* [n] index of each pair in other, or −1 */
  char *other_label;
  double far;
  double other_threshold;
  CariDiffCounts diff_counts;

  /* children made in init */
  GtkToggleButton *origin_buttons[N_ORIGIN_BUTTONS];
  GtkToggleButton *verdict_buttons[CARI_N_VERDICTS]; /* FP, FN, TP, TN */
  GtkToggleButton *diff_buttons[N_DIFF_BUTTONS];    /* fixed, broken, both wrong */
  GtkLabel *fmr_label, *fnmr_label, *fmr_detail, *fnmr_detail;
  GtkLabel *count_labels[CARI_N_VERDICTS];           /* FP, FN, TP, TN */

  /* template */
  GtkStack *stack;
  AdwStatusPage *empty_page;
  GtkSpinner *spinner;
  GtkBox *origin_box;
  GtkLabel *threshold_label;
  GtkMenuButton *compare_button;
  GtkLabel *compare_button_label;
  GtkPopover *compare_popover;
  GtkLabel *compare_title;
  GtkListBox *compare_list;
  GtkDropDown *far_dropdown;
  GtkStringList *far_names;
  GtkButton *stop_compare_button;
  LabScoreHistogram *histogram;
  GtkGrid *readout;
  GtkBox *verdict_box;
  GtkBox *compare_box;
  GtkBox *diff_box;
  GtkBox *image_filter_box;
  GtkLabel *image_filter_label;
  GtkLabel *count_label;
  GtkDropDown *order_dropdown;
  GtkStringList *order_names;
  GtkLabel *compare_label;
  GtkStack *gallery_stack;
  GtkGridView *grid;
};

/* lab-errors-view.c */
/* The threshold, the rates and the counts at it, the origin buttons. */
void        lab_errors_view_update_readout (LabErrorsView *self);
void        lab_errors_view_refilter (LabErrorsView *self);
/* Binds the shown tiles again (when the comparison starts or stops). */
void        lab_errors_view_rebind_tiles (LabErrorsView *self);
void        lab_errors_view_sync_filter_buttons (LabErrorsView *self);

/* lab-errors-view-compare.c */
void        lab_errors_view_init_comparison (LabErrorsView *self);
/* "FAR 0.1 %" or "FAR 1 %", and the origin of that threshold. */
const char *lab_errors_view_far_label (double far);
CariThresholdOrigin lab_errors_view_far_origin (double far);
void        lab_errors_view_sync_diff_buttons (LabErrorsView *self);
/* Shows whether and with what the view compares, and the classes of each pair. */
void        lab_errors_view_show_comparison (LabErrorsView *self);
void        lab_errors_view_stop_comparing (LabErrorsView *self);
/* The evaluations the popover offers. */
void        lab_errors_view_fill_compare_list (LabErrorsView *self);
void        lab_errors_view_on_stop_compare_clicked (LabErrorsView *self);

G_END_DECLS
