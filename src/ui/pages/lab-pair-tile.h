/* lab-pair-tile.h — one tile of the error-pair gallery: the caricature beside the photo, both
 * identities, the score and its margin to the threshold, a coloured verdict marker and, while
 * another run is compared, that run's score and verdict. One widget that draws it all.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lab-pair-item.h"
#include "lab-thumbnail-cache.h"

G_BEGIN_DECLS

#define LAB_TYPE_PAIR_TILE (lab_pair_tile_get_type ())
G_DECLARE_FINAL_TYPE (LabPairTile, lab_pair_tile, LAB, PAIR_TILE, GtkWidget)

/* Thumbnails come from `thumbnails` (kept). */
GtkWidget   *lab_pair_tile_new (LabThumbnailCache *thumbnails);
/* Shows `item` (kept until unbound) and follows its changes; the paths are the caricature's and
 * the photo's files (NULL when unknown). `comparing_at`: while another run is compared, where
 * its threshold comes from ("FAR 1 %"), and the tile shows that run's line; else NULL. */
void         lab_pair_tile_bind (LabPairTile *self, LabPairItem *item, const char *caricature_path,
                                 const char *photo_path, const char *comparing_at);
void         lab_pair_tile_unbind (LabPairTile *self);
/* Shows the bound item again (its margin after a threshold change). */
void         lab_pair_tile_refresh (LabPairTile *self);
LabPairItem *lab_pair_tile_get_item (LabPairTile *self);
/* The thumbnails shown (0, 1 or 2), for tests. */
int          lab_pair_tile_get_n_thumbnails (LabPairTile *self);
/* A line of text the tile shows: 0 the caricature's identity, 1 the photo's, 2 the score and
 * margin, 3 the compared run's score and verdict (NULL when not comparing). Newly allocated. */
char        *lab_pair_tile_get_text (LabPairTile *self, int line);

/* The colour of a verdict's marker (0xRRGGBB): FP red, FN purple, TP green, TN grey. */
guint32      lab_verdict_rgb (CariVerdict verdict);

G_END_DECLS
