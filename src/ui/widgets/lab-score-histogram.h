/* lab-score-histogram.h — genuine and impostor score distributions of a verification evaluation,
 * overlaid, with a threshold line the user drags (or moves with the arrow keys).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "cari.h"

G_BEGIN_DECLS

#define LAB_TYPE_SCORE_HISTOGRAM (lab_score_histogram_get_type ())
G_DECLARE_FINAL_TYPE (LabScoreHistogram, lab_score_histogram, LAB, SCORE_HISTOGRAM, GtkWidget)

GtkWidget *lab_score_histogram_new (void);
/* Bins the pairs' scores (the set is not kept); NULL clears. */
void       lab_score_histogram_set_pairs (LabScoreHistogram *self, const CariPairSet *set);
/* The line's position (property "threshold"); NaN hides it. */
void       lab_score_histogram_set_threshold (LabScoreHistogram *self, double threshold);
double     lab_score_histogram_get_threshold (LabScoreHistogram *self);
/* TRUE while the user drags the line (property "dragging"). */
gboolean   lab_score_histogram_get_dragging (LabScoreHistogram *self);
/* The horizontal position of a score in a histogram `width` pixels wide, and the score at a
 * position (scores outside the shown range are held at its ends). */
double     lab_score_histogram_x_of_score (LabScoreHistogram *self, int width, double score);
double     lab_score_histogram_score_at (LabScoreHistogram *self, int width, double x);

G_END_DECLS
