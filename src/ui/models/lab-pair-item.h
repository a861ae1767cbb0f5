/* lab-pair-item.h — one scored pair in the error-pair gallery's list model: its images (the
 * caricature first), identity names and score, and what it is at the view's threshold (verdict,
 * margin, hardness) and against a compared run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "lab-pair-load.h"

G_BEGIN_DECLS

#define LAB_TYPE_PAIR_ITEM (lab_pair_item_get_type ())
G_DECLARE_FINAL_TYPE (LabPairItem, lab_pair_item, LAB, PAIR_ITEM, GObject)

/* `index`: the pair's position in the evaluation; `pair` its images and score; the names may be
 * NULL (unknown). `caricature_first`: FALSE when `pair->b` is the caricature, so that the item's
 * caricature is `pair->b`. */
LabPairItem *lab_pair_item_new (int index, const CariPairScore *pair, gboolean caricature_first,
                                const char *caricature_name, const char *photo_name);

int          lab_pair_item_get_index (LabPairItem *self);
int          lab_pair_item_get_image_a (LabPairItem *self);
int          lab_pair_item_get_image_b (LabPairItem *self);
/* The pair's caricature and photo (data-set image indices, −1 when unknown). */
int          lab_pair_item_get_caricature (LabPairItem *self);
int          lab_pair_item_get_photo (LabPairItem *self);
const char  *lab_pair_item_get_caricature_name (LabPairItem *self);
const char  *lab_pair_item_get_photo_name (LabPairItem *self);
float        lab_pair_item_get_score (LabPairItem *self);
gboolean     lab_pair_item_get_same (LabPairItem *self);

/* Re-derives the verdict, the margin (score − threshold) and the hardness. Notifies "verdict"
 * when it changes and returns TRUE then. The margin and hardness move with every threshold, for
 * every pair: they are plain getters, not notified (40,000 notifications a drag event cost more
 * than the rest of it); whoever shows them re-reads them after a threshold change. */
gboolean     lab_pair_item_set_threshold (LabPairItem *self, double threshold);
CariVerdict   lab_pair_item_get_verdict (LabPairItem *self);
double       lab_pair_item_get_margin (LabPairItem *self);
double       lab_pair_item_get_hardness (LabPairItem *self);

/* Against a compared run B: the class, B's score and verdict (score NaN when unmatched). */
void         lab_pair_item_set_diff (LabPairItem *self, CariDiffClass diff, double other_score,
                                     CariVerdict other_verdict);
CariDiffClass lab_pair_item_get_diff (LabPairItem *self);
/* cari_pair_filter_accepts on the item's images, verdict and class (one call for the filter). */
gboolean     lab_pair_item_matches (LabPairItem *self, const CariPairFilter *filter);
/* The hardness the gallery orders by: the hardness when it last sorted. It changes only through
 * this call, so that pairs entering a sorted list while the threshold is dragged are compared
 * with keys that hold still (a sort whose keys move under it is no order at all). */
void         lab_pair_item_keep_order_key (LabPairItem *self);
double       lab_pair_item_get_order_key (LabPairItem *self);
/* cari_pair_compare of two items by their order keys (one call for the sorter). */
int          lab_pair_item_compare (LabPairItem *x, LabPairItem *y, CariPairOrder order);
double       lab_pair_item_get_other_score (LabPairItem *self);
CariVerdict   lab_pair_item_get_other_verdict (LabPairItem *self);

G_END_DECLS
