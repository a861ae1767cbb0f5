/* lab-pair-set.h — the scored pairs of one verification evaluation as the error-pair view reads
 * them: verdicts at a threshold, FMR and FNMR, where each threshold comes from (10-fold
 * selection, EER, a target FAR), the gallery's filters and orders, and the difference between two
 * runs' errors. Plain C over GLib and the engine, no GTK: the tests run it without a display.
 *
 * A pair is accepted when its score ≥ the threshold (as cari_error_pairs decides): a genuine
 * (same-person) pair accepted is a true positive, rejected a false negative; an impostor
 * (different-person) pair accepted is a false positive, rejected a true negative.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "cari.h"

G_BEGIN_DECLS

typedef enum
{
  LAB_VERDICT_TP,
  LAB_VERDICT_FP,
  LAB_VERDICT_TN,
  LAB_VERDICT_FN,
  LAB_N_VERDICTS,
} LabVerdict;

#define LAB_VERDICT_FLAG(v) (1u << (v))
#define LAB_VERDICT_ERRORS (LAB_VERDICT_FLAG (LAB_VERDICT_FP) | LAB_VERDICT_FLAG (LAB_VERDICT_FN))
#define LAB_VERDICT_ALL ((1u << LAB_N_VERDICTS) - 1)

/* "TP", "FP", "TN", "FN", translated (French: VP, FP, VN, FN). */
const char *lab_verdict_to_string (LabVerdict verdict);
/* "true positive", …, translated. */
const char *lab_verdict_describe (LabVerdict verdict);
gboolean    lab_verdict_is_error (LabVerdict verdict);
/* score ≥ threshold accepts; compared in double, as cari_error_pairs does. */
LabVerdict  lab_verdict_of (float score, gboolean same, double threshold);
/* How far a pair is from being decided the other way, signed: score − threshold for a genuine
 * pair, threshold − score for an impostor. ≤ 0 for errors (their negated |score − threshold|),
 * > 0 for correct pairs but true positives scored exactly at the threshold (0). Ascending, it
 * orders the hardest errors first, then the correct pairs nearest to the threshold. */
double      lab_pair_hardness (float score, gboolean same, double threshold);

typedef enum
{
  LAB_THRESHOLD_SELECTION, /* the stored metric "threshold": mean of the 10 folds' choices */
  LAB_THRESHOLD_EER,       /* where FAR = FRR over all pairs (cari_eer) */
  LAB_THRESHOLD_FAR_0_1,   /* FAR ≤ 0.1 % over all pairs */
  LAB_THRESHOLD_FAR_1,     /* FAR ≤ 1 % over all pairs */
  LAB_THRESHOLD_DRAGGED,   /* moved by hand */
  LAB_N_THRESHOLD_ORIGINS,
} LabThresholdOrigin;

/* Where a threshold comes from, translated: "10-fold selection", "EER", "FAR 0.1 %", "FAR 1 %",
 * "dragged". */
const char *lab_threshold_origin_label (LabThresholdOrigin origin);

typedef struct
{
  guint tp, fp, tn, fn;
  guint genuine, impostor;
  double fmr;  /* false match rate: impostors accepted / impostors (0 without impostors) */
  double fnmr; /* false non-match rate: genuines rejected / genuines (0 without genuines) */
} LabPairCounts;

/* The pairs of one evaluation, immutable once made, so that threads may share it (atomic
 * reference count). */
typedef struct _LabPairSet LabPairSet;

/* Copies the pairs. `selection` is the stored 10-fold threshold (NaN when unknown). */
LabPairSet          *lab_pair_set_new (const CariPairScore *pairs, int n, double selection);
LabPairSet          *lab_pair_set_ref (LabPairSet *set);
void                 lab_pair_set_unref (LabPairSet *set);
int                  lab_pair_set_get_n (const LabPairSet *set);
const CariPairScore *lab_pair_set_get_pairs (const LabPairSet *set);
/* The lowest and highest score (0, 0 without pairs). */
void                 lab_pair_set_get_range (const LabPairSet *set, double *lo, double *hi);

/* Counts at `threshold`, in O(log n) over the sorted scores. */
void   lab_pair_set_count (const LabPairSet *set, double threshold, LabPairCounts *out);
/* Each pair's verdict at `threshold` into verdicts [n] (guint8 LabVerdict). */
void   lab_pair_set_verdicts (const LabPairSet *set, double threshold, guint8 *verdicts);
/* The smallest threshold among the pairs' scores whose FAR (impostors ≥ it / impostors) is
 * ≤ `far`; the highest score + 1 when even that accepts too many, as the ROC's first point. */
double lab_pair_set_threshold_at_far (const LabPairSet *set, double far);
/* The threshold of an origin (NaN for DRAGGED, and for SELECTION when none was stored). */
double lab_pair_set_get_threshold (const LabPairSet *set, LabThresholdOrigin origin);
/* Shares of genuine and impostor pairs in `bins` equal bins over [lo, hi] (scores outside go to
 * the end bins); each class sums to 1 (or 0 when it has no pairs). */
void   lab_pair_set_histogram (const LabPairSet *set, double lo, double hi, int bins,
                               double *genuine, double *impostor);

/* --- filters and orders ------------------------------------------------------------------- */

/* A set of data-set image indices (the embeddings view's selection). */
typedef struct _LabImageSet LabImageSet;

/* NULL for no images. */
LabImageSet *lab_image_set_new (const int *images, int n);
void         lab_image_set_free (LabImageSet *set);
gboolean     lab_image_set_contains (const LabImageSet *set, int image);
int          lab_image_set_get_size (const LabImageSet *set);

typedef enum
{
  LAB_DIFF_UNMATCHED,  /* run B has no pair with the same two images */
  LAB_DIFF_BOTH_RIGHT,
  LAB_DIFF_FIXED,      /* wrong in A, right in B */
  LAB_DIFF_BROKEN,     /* right in A, wrong in B */
  LAB_DIFF_BOTH_WRONG,
  LAB_N_DIFF_CLASSES,
} LabDiffClass;

typedef struct
{
  guint verdicts;           /* LAB_VERDICT_FLAG bits shown (when diff is UNMATCHED) */
  LabDiffClass diff;        /* LAB_DIFF_UNMATCHED: by verdicts; else only pairs of this class */
  const LabImageSet *images; /* borrowed; NULL: any pair; else only pairs with an image in it */
} LabPairFilter;

gboolean lab_pair_filter_accepts (const LabPairFilter *filter, int a, int b, LabVerdict verdict,
                                  LabDiffClass diff);

typedef enum
{
  LAB_PAIR_ORDER_HARDEST, /* hardness ascending: the worst errors first */
  LAB_PAIR_ORDER_SCORE,   /* score descending */
} LabPairOrder;

/* qsort-style comparison of two pairs (ties by their index in the evaluation, ascending). */
int lab_pair_compare (LabPairOrder order, double hardness_x, float score_x, int index_x,
                      double hardness_y, float score_y, int index_y);

/* --- two runs ------------------------------------------------------------------------------ */

/* For each pair of `a`, the index of the pair of `b` with the same images (a, b), or −1 (also
 * when an image is unknown). Newly allocated [n_a]. */
int         *lab_pair_set_match (const LabPairSet *a, const LabPairSet *b);
LabDiffClass lab_diff_class (gboolean wrong_a, gboolean wrong_b);

typedef struct
{
  guint unmatched, both_right, fixed, broken, both_wrong;
} LabDiffCounts;

/* Each pair of `a` classified at `threshold_a` against its match in `b` at `threshold_b` into
 * classes [n_a] (guint8 LabDiffClass); counts may be NULL. */
void lab_pair_set_diff (const LabPairSet *a, double threshold_a, const LabPairSet *b,
                        double threshold_b, const int *match, guint8 *classes,
                        LabDiffCounts *counts);

/* --- loading -------------------------------------------------------------------------------- */

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
  LabPairSet *set;
  LabDataset *dataset;      /* the run's data set; NULL when it has none */
  GPtrArray *comparable;    /* of CariEvalInfo *: the other evaluations of the same protocol fold
                             * and data set, newest first */
  GPtrArray *labels;        /* of char *: a label for each of them ("run, step 800 …") */
} LabPairLoad;

/* Opens `db_path` read-only and reads evaluation `evaluation` (its pairs and the threshold
 * stored with it), its run's data set (`known` is reused when it is that one; may be NULL), and
 * the evaluations it can be compared with. Errors name the evaluation or the file. */
LabPairLoad *lab_pair_load (const char *db_path, gint64 evaluation, LabDataset *known,
                            GError **error);
void         lab_pair_load_free (LabPairLoad *load);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabPairLoad, lab_pair_load_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabDataset, lab_dataset_unref)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabPairSet, lab_pair_set_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabImageSet, lab_image_set_free)

G_END_DECLS
