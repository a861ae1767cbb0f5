/* lab-experiment-results.h — an experiment's results as the Experiments page shows them: the
 * aggregated tables, the claims with their verdicts, Fig. 5's sweep and the Fig. 6/7 grid of task
 * weights, drawn by carilab-plot (the 95 % interval as two thin dotted lines in the curve's
 * colour: the curve plot has no filled band).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lab-experiment-data.h"

G_BEGIN_DECLS

/* Fills `box` (emptied first) with the sections of `results`. */
void lab_experiment_results_show (GtkBox *box, const LabExperimentResults *results);
/* A claim's verdict, how the page words and colours it. */
const char *lab_experiment_verdict_css (CariClaimVerdict verdict);

G_END_DECLS
