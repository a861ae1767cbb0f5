/* lab-errors-view.h — the paper's Fig. 8 made interactive: the genuine and impostor score
 * histograms of a verification evaluation with a draggable threshold (FMR, FNMR and the four
 * counts at it; snaps to the 10-fold selection, EER, FAR 0.1 % and FAR 1 % thresholds), over a
 * gallery of its pairs (false positives and negatives by default, hardest first), and the
 * difference of errors against another run's evaluation of the same protocol fold.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lab-pair-load.h"
#include "lab-store-gateway.h"

G_BEGIN_DECLS

#define LAB_TYPE_ERRORS_VIEW (lab_errors_view_get_type ())
G_DECLARE_FINAL_TYPE (LabErrorsView, lab_errors_view, LAB, ERRORS_VIEW, AdwBin)

GtkWidget *lab_errors_view_new (LabStoreGateway *gateway);
/* Shows an evaluation's pairs (0: none), loaded in the background; "loaded" is emitted when they
 * are in. The same evaluation again changes nothing. */
void       lab_errors_view_set_evaluation (LabErrorsView *self, gint64 evaluation);
gint64     lab_errors_view_get_evaluation (LabErrorsView *self);
/* NULL/0 clears: only pairs with an image in the set are shown (the embeddings view's box/lasso
 * selection feeds this). */
void       lab_errors_view_set_image_filter (LabErrorsView *self, const int *images, int n);

/* --- for tests and scripting: what the controls do ------------------------------------------- */

/* The gallery's model (of LabPairItem, filtered and sorted as shown). */
GListModel *lab_errors_view_get_model (LabErrorsView *self);
/* Every pair of the evaluation (of LabPairItem, by score, highest first). */
GListModel *lab_errors_view_get_items (LabErrorsView *self);
/* The pairs shown, NULL before they are loaded. */
CariPairSet *lab_errors_view_get_pair_set (LabErrorsView *self);
double      lab_errors_view_get_threshold (LabErrorsView *self);
CariThresholdOrigin lab_errors_view_get_threshold_origin (LabErrorsView *self);
/* As a drag of the line to `threshold` would; `done` FALSE while it is still moving (the
 * gallery then re-sorts when the drag ends). */
void        lab_errors_view_move_threshold (LabErrorsView *self, double threshold, gboolean done);
/* Snaps to an origin's threshold (not DRAGGED); FALSE when it has none. */
gboolean    lab_errors_view_snap_threshold (LabErrorsView *self, CariThresholdOrigin origin);
void        lab_errors_view_get_counts (LabErrorsView *self, CariPairCounts *counts);
/* CARI_VERDICT_FLAG bits of the verdicts shown (default FP and FN). */
void        lab_errors_view_set_verdicts (LabErrorsView *self, guint verdicts);
guint       lab_errors_view_get_verdicts (LabErrorsView *self);
void        lab_errors_view_set_order (LabErrorsView *self, CariPairOrder order);
/* Compares with another evaluation of the same protocol fold (0 stops), its threshold and this
 * one's at the same FAR (1e-3 or 1e-2); "compared" is emitted when its pairs are in. */
void        lab_errors_view_compare_with (LabErrorsView *self, gint64 evaluation, double far);
/* Shows only the pairs of a difference class (FIXED, BROKEN, BOTH_WRONG); UNMATCHED goes back to
 * the verdicts. Choosing a class moves the threshold to the comparison's FAR. */
void        lab_errors_view_set_diff_filter (LabErrorsView *self, CariDiffClass diff);
void        lab_errors_view_get_diff_counts (LabErrorsView *self, CariDiffCounts *counts);
/* The other evaluations of the same protocol fold it can be compared with (of CariEvalInfo *). */
GPtrArray  *lab_errors_view_get_comparable (LabErrorsView *self);
/* Opens the full-size window of the gallery's pair at `position`; returns it. */
GtkWidget  *lab_errors_view_open_pair (LabErrorsView *self, guint position);

G_END_DECLS
