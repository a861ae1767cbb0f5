/* lab-results-view.h — a run's evaluated checkpoint as the paper reports it: Tables 2–5 (with
 * other runs side by side), ROC (log FAR), DET and CMC curves, and the validation accuracies over
 * the training steps. Tables export as CSV and LaTeX, curves as PNG, SVG and PDF.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cari.h"
#include "lab-curve-plot.h"
#include "lab-store-gateway.h"

G_BEGIN_DECLS

#define LAB_TYPE_RESULTS_VIEW (lab_results_view_get_type ())
G_DECLARE_FINAL_TYPE (LabResultsView, lab_results_view, LAB, RESULTS_VIEW, AdwBin)

GtkWidget *lab_results_view_new (LabStoreGateway *gateway);
/* Shows `run` at checkpoint `step` (run 0: nothing). Loads in the background; "loaded" is
 * emitted when the tables and curves are in. */
void       lab_results_view_set_run (LabResultsView *self, gint64 run, gint64 step);
/* Other runs shown as rows beside it (their latest evaluated checkpoint). */
void       lab_results_view_set_other_runs (LabResultsView *self, const gint64 *runs, int n);
/* The tables shown (of CariTable *), for tests and export. */
GPtrArray *lab_results_view_get_tables (LabResultsView *self);
/* The whole set of tables as CSV or LaTeX text. */
char      *lab_results_view_export_tables (LabResultsView *self, CariTableFormat format);
LabCurvePlot *lab_results_view_get_plot (LabResultsView *self, const char *which /* roc, det, cmc */);

G_END_DECLS
