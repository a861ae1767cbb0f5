/* lab-embedding-detail.h — the side panel of the embedding views for one opened image: the
 * image, its identity, its nearest neighbours in the view's layout and every stored
 * verification pair that contains it (score, same or different person, the verdict at the
 * protocol's operating threshold). Everything it shows is copied in when it is shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cari.h"

#include "lab-thumbnails.h"

G_BEGIN_DECLS

/* One stored pair seen from the opened image. */
typedef struct
{
  int other;            /* the other image (data-set index) */
  float score;          /* higher = more similar */
  gboolean same;        /* same person */
  gboolean accepted;    /* score ≥ the protocol's operating threshold */
  const char *protocol; /* borrowed for the call */
} LabDetailPair;

#define LAB_TYPE_EMBEDDING_DETAIL (lab_embedding_detail_get_type ())
G_DECLARE_FINAL_TYPE (LabEmbeddingDetail, lab_embedding_detail, LAB, EMBEDDING_DETAIL, AdwBin)

GtkWidget *lab_embedding_detail_new (LabThumbnails *thumbnails);
/* Shows `image` of `index` as opened in the view titled `view_title`, with its neighbours in
 * the layout (nearest first) and its pairs (shown by decreasing score, the first 100). */
void       lab_embedding_detail_show (LabEmbeddingDetail *self, const CariDatasetIndex *index,
                                      int image, const char *view_title,
                                      const int *neighbours, int n_neighbours,
                                      const LabDetailPair *pairs, int n_pairs);
int        lab_embedding_detail_get_image (LabEmbeddingDetail *self);
guint      lab_embedding_detail_get_n_pair_rows (LabEmbeddingDetail *self);

/* Signals: "image-activated" (int image) — a neighbour or a pair's other image was chosen;
 * "closed" — the close button. */

G_END_DECLS
