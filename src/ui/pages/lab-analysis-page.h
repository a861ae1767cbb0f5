/* lab-analysis-page.h — the analysis of one run's evaluated checkpoint: results tables and
 * curves (Tables 2–5, ROC, DET, CMC), the embedding views (Fig. 2) and the error-pair gallery
 * (Fig. 8). A run and one of its evaluated checkpoints are chosen at the top; "Evaluate" runs the
 * latest checkpoint through every protocol in the background (with the t-SNE views).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lab-run-list.h"

G_BEGIN_DECLS

#define LAB_TYPE_ANALYSIS_PAGE (lab_analysis_page_get_type ())
G_DECLARE_FINAL_TYPE (LabAnalysisPage, lab_analysis_page, LAB, ANALYSIS_PAGE, AdwBin)

GtkWidget *lab_analysis_page_new (LabStoreGateway *gateway, LabRunList *runs);
/* Shows `run` at its evaluated checkpoint nearest to `step` (the latest when step < 0), once its
 * evaluations are read (off the main thread): "shown" is emitted then. */
void       lab_analysis_page_show (LabAnalysisPage *self, gint64 run, gint64 step);
gint64     lab_analysis_page_get_run (LabAnalysisPage *self);
/* The checkpoint step shown, −1 when none. */
gint64     lab_analysis_page_get_step (LabAnalysisPage *self);
/* Starts evaluating the run's latest checkpoint (as the Evaluate button does). */
void       lab_analysis_page_evaluate (LabAnalysisPage *self);
/* The evaluation the error gallery and the embedding views read at the shown step: with
 * `verification`, the first verification protocol's (its pair scores); otherwise the first
 * evaluation of the step (the t-SNE layouts are stored with it). 0 when none. */
gint64     lab_analysis_page_get_evaluation (LabAnalysisPage *self, gboolean verification);
/* Its evaluations at the shown step (of gint64 ids). */
GArray    *lab_analysis_page_get_evaluations (LabAnalysisPage *self);

G_END_DECLS
