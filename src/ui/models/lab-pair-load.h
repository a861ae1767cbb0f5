/* lab-pair-load.h — what the error-pair view reads of an evaluation, in one go on a worker
 * thread: its scored pairs (a CariPairSet), its run's data set and the evaluations it can be
 * compared with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "cari.h"

G_BEGIN_DECLS

/* A data set's index, shared between threads (read-only once made; atomic reference count). */
typedef struct
{
  gint64 id;
  CariDatasetIndex *index; /* owned */
} LabDataset;

LabDataset *lab_dataset_new (gint64 id, CariDatasetIndex *index /* taken */);
LabDataset *lab_dataset_ref (LabDataset *dataset);
void        lab_dataset_unref (LabDataset *dataset);
/* An image's file (absolute; NULL for an unknown image) and identity name (NULL when unknown). */
char       *lab_dataset_image_path (const LabDataset *dataset, int image);
const char *lab_dataset_image_name (const LabDataset *dataset, int image);
/* FALSE only for an image known to be a photo. */
gboolean    lab_dataset_image_is_caricature (const LabDataset *dataset, int image);

/* What the error-pair view reads of an evaluation, in one go on a worker thread. */
typedef struct
{
  CariEvalInfo *info;
  CariPairSet *set;
  LabDataset *dataset;      /* the run's data set; NULL when it has none */
  GPtrArray *comparable;    /* of CariEvalInfo *: the other evaluations of the same protocol fold
                             * and data set, newest first */
  GPtrArray *labels;        /* of char *: a label for each of them ("run, step 800 …") */
} LabPairLoad;

/* Reads evaluation `evaluation` (its pairs and the threshold stored with it), its run's data set
 * (`known` is reused when it is that one; may be NULL), and the evaluations it can be compared
 * with, from `store` (a job of the gateway's load lane). Errors name the evaluation or the
 * file. */
LabPairLoad *lab_pair_load (CariStore *store, gint64 evaluation, LabDataset *known,
                            GError **error);
void         lab_pair_load_free (LabPairLoad *load);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabPairLoad, lab_pair_load_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabDataset, lab_dataset_unref)

G_END_DECLS
