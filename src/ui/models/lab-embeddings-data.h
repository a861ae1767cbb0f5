/* lab-embeddings-data.h — what the embedding views read from the store for one evaluation, in a
 * worker thread: the data set's index, the four layouts (as LabScatterLayouts, their grids built
 * there), the identities ranked by the images shown, and the step's stored verification pairs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cari.h"

#include "lab-scatter-model.h"

G_BEGIN_DECLS

/* One stored verification pair. */
typedef struct
{
  int a, b;
  float score;
  guint8 same;
  guint8 protocol; /* into LabEmbeddingData.protocols */
} LabStoredPair;

/* What a load reads, in a worker thread; immutable once handed to the view. */
typedef struct
{
  gint64 evaluation;        /* asked for */
  gint64 layout_evaluation; /* the one holding the layouts; 0 when none has any */
  gint64 run, step;
  CariDatasetIndex *index;
  int n[CARI_N_VIEWS];
  int *images[CARI_N_VIEWS]; /* data-set image of each point */
  LabScatterLayout *layouts[CARI_N_VIEWS];
  int *ranks;               /* [identities] by images shown, most first */
  GArray *pairs;            /* of LabStoredPair */
  GPtrArray *protocols;     /* of char * */
  GArray *thresholds;       /* of double, per protocol */
} LabEmbeddingData;

void              lab_embedding_data_free (LabEmbeddingData *d);
/* Reads from `store` (a job of the gateway's load lane) `evaluation`'s layouts —
 * or, when it has none, those of the newest evaluation of the same run and step that has them
 * (layout_evaluation 0 when none has) — and the step's verification pairs: of each protocol
 * fold, its newest evaluation. NULL with an error naming what is missing. */
LabEmbeddingData *lab_embedding_data_read (CariStore *store, gint64 evaluation,
                                           GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabEmbeddingData, lab_embedding_data_free)

G_END_DECLS
