/* pair-set.h — the scored pairs of one verification evaluation as the error-pair view reads
 * them: verdicts at a threshold, FMR and FNMR, where each threshold comes from (10-fold
 * selection, EER, a target FAR), the gallery's filters and orders, and the difference between two
 * runs' errors.
 *
 * A pair is accepted when its score ≥ the threshold (as cari_error_pairs decides): a genuine
 * (same-person) pair accepted is a true positive, rejected a false negative; an impostor
 * (different-person) pair accepted is a false positive, rejected a true negative.
 */

#pragma once

#include <glib.h>

#include "eval/evaluate.h"

G_BEGIN_DECLS

typedef enum
{
  CARI_VERDICT_TP,
  CARI_VERDICT_FP,
  CARI_VERDICT_TN,
  CARI_VERDICT_FN,
  CARI_N_VERDICTS,
} CariVerdict;

#define CARI_VERDICT_FLAG(v) (1u << (v))
#define CARI_VERDICT_ERRORS (CARI_VERDICT_FLAG (CARI_VERDICT_FP) | CARI_VERDICT_FLAG (CARI_VERDICT_FN))
#define CARI_VERDICT_ALL ((1u << CARI_N_VERDICTS) - 1)

/* "TP", "FP", "TN", "FN", translated (French: VP, FP, VN, FN). */
const char *cari_verdict_to_string (CariVerdict verdict);
/* "true positive", …, translated. */
const char *cari_verdict_describe (CariVerdict verdict);
gboolean    cari_verdict_is_error (CariVerdict verdict);
/* score ≥ threshold accepts; compared in double, as cari_error_pairs does. */
CariVerdict  cari_verdict_of (float score, gboolean same, double threshold);
/* How far a pair is from being decided the other way, signed: score − threshold for a genuine
 * pair, threshold − score for an impostor. ≤ 0 for errors (their negated |score − threshold|),
 * > 0 for correct pairs but true positives scored exactly at the threshold (0). Ascending, it
 * orders the hardest errors first, then the correct pairs nearest to the threshold. */
double      cari_pair_hardness (float score, gboolean same, double threshold);

typedef enum
{
  CARI_THRESHOLD_SELECTION, /* the stored metric "threshold": mean of the 10 folds' choices */
  CARI_THRESHOLD_EER,       /* where FAR = FRR over all pairs (cari_eer) */
  CARI_THRESHOLD_FAR_0_1,   /* FAR ≤ 0.1 % over all pairs */
  CARI_THRESHOLD_FAR_1,     /* FAR ≤ 1 % over all pairs */
  CARI_THRESHOLD_DRAGGED,   /* moved by hand */
  CARI_N_THRESHOLD_ORIGINS,
} CariThresholdOrigin;

/* Where a threshold comes from, translated: "10-fold selection", "EER", "FAR 0.1 %", "FAR 1 %",
 * "dragged". */
const char *cari_threshold_origin_label (CariThresholdOrigin origin);

typedef struct
{
  guint tp, fp, tn, fn;
  guint genuine, impostor;
  double fmr;  /* false match rate: impostors accepted / impostors (0 without impostors) */
  double fnmr; /* false non-match rate: genuines rejected / genuines (0 without genuines) */
} CariPairCounts;

/* The pairs of one evaluation, immutable once made, so that threads may share it (atomic
 * reference count). */
typedef struct _CariPairSet CariPairSet;

/* Copies the pairs. `selection` is the stored 10-fold threshold (NaN when unknown). */
CariPairSet          *cari_pair_set_new (const CariPairScore *pairs, int n, double selection);
CariPairSet          *cari_pair_set_ref (CariPairSet *set);
void                 cari_pair_set_unref (CariPairSet *set);
int                  cari_pair_set_get_n (const CariPairSet *set);
const CariPairScore *cari_pair_set_get_pairs (const CariPairSet *set);
/* The lowest and highest score (0, 0 without pairs). */
void                 cari_pair_set_get_range (const CariPairSet *set, double *lo, double *hi);

/* Counts at `threshold`, in O(log n) over the sorted scores. */
void   cari_pair_set_count (const CariPairSet *set, double threshold, CariPairCounts *out);
/* Each pair's verdict at `threshold` into verdicts [n] (guint8 CariVerdict). */
void   cari_pair_set_verdicts (const CariPairSet *set, double threshold, guint8 *verdicts);
/* The smallest threshold among the pairs' scores whose FAR (impostors ≥ it / impostors) is
 * ≤ `far`; the highest score + 1 when even that accepts too many, as the ROC's first point. */
double cari_pair_set_threshold_at_far (const CariPairSet *set, double far);
/* The threshold of an origin (NaN for DRAGGED, and for SELECTION when none was stored). */
double cari_pair_set_get_threshold (const CariPairSet *set, CariThresholdOrigin origin);
/* Shares of genuine and impostor pairs in `bins` equal bins over [lo, hi] (scores outside go to
 * the end bins); each class sums to 1 (or 0 when it has no pairs). */
void   cari_pair_set_histogram (const CariPairSet *set, double lo, double hi, int bins,
                               double *genuine, double *impostor);

/* --- filters and orders ------------------------------------------------------------------- */

/* A set of data-set image indices (the embeddings view's selection). */
typedef struct _CariImageSet CariImageSet;

/* NULL for no images. */
CariImageSet *cari_image_set_new (const int *images, int n);
void         cari_image_set_free (CariImageSet *set);
gboolean     cari_image_set_contains (const CariImageSet *set, int image);
int          cari_image_set_get_size (const CariImageSet *set);

typedef enum
{
  CARI_DIFF_UNMATCHED,  /* run B has no pair with the same two images */
  CARI_DIFF_BOTH_RIGHT,
  CARI_DIFF_FIXED,      /* wrong in A, right in B */
  CARI_DIFF_BROKEN,     /* right in A, wrong in B */
  CARI_DIFF_BOTH_WRONG,
  CARI_N_DIFF_CLASSES,
} CariDiffClass;

typedef struct
{
  guint verdicts;           /* CARI_VERDICT_FLAG bits shown (when diff is UNMATCHED) */
  CariDiffClass diff;        /* CARI_DIFF_UNMATCHED: by verdicts; else only pairs of this class */
  const CariImageSet *images; /* borrowed; NULL: any pair; else only pairs with an image in it */
} CariPairFilter;

gboolean cari_pair_filter_accepts (const CariPairFilter *filter, int a, int b, CariVerdict verdict,
                                  CariDiffClass diff);

typedef enum
{
  CARI_PAIR_ORDER_HARDEST, /* hardness ascending: the worst errors first */
  CARI_PAIR_ORDER_SCORE,   /* score descending */
} CariPairOrder;

/* qsort-style comparison of two pairs (ties by their index in the evaluation, ascending). */
int cari_pair_compare (CariPairOrder order, double hardness_x, float score_x, int index_x,
                      double hardness_y, float score_y, int index_y);

/* --- two runs ------------------------------------------------------------------------------ */

/* For each pair of `a`, the index of the pair of `b` with the same images (a, b), or −1 (also
 * when an image is unknown). Newly allocated [n_a]. */
int         *cari_pair_set_match (const CariPairSet *a, const CariPairSet *b);
CariDiffClass cari_diff_class (gboolean wrong_a, gboolean wrong_b);

typedef struct
{
  guint unmatched, both_right, fixed, broken, both_wrong;
} CariDiffCounts;

/* Each pair of `a` classified at `threshold_a` against its match in `b` at `threshold_b` into
 * classes [n_a] (guint8 CariDiffClass); counts may be NULL. */
void cari_pair_set_diff (const CariPairSet *a, double threshold_a, const CariPairSet *b,
                        double threshold_b, const int *match, guint8 *classes,
                        CariDiffCounts *counts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariPairSet, cari_pair_set_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariImageSet, cari_image_set_free)

G_END_DECLS
