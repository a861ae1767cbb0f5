/* pair-set.c — verdicts, rates, threshold origins, filters and run differences of scored
 * pairs: what the error-pair view reads of a verification evaluation.
 */

#include "eval/pair-set.h"

#include "core/compare.h"
#include "core/i18n.h"

#include <math.h>
#include <stdlib.h>

struct _CariPairSet
{
  CariPairScore *pairs; /* [n], in the evaluation's order */
  int n;
  float *genuine;       /* [n_genuine] scores, ascending */
  float *impostor;      /* [n_impostor] scores, ascending */
  float *all;           /* [n] scores, ascending */
  int n_genuine, n_impostor;
  double thresholds[CARI_N_THRESHOLD_ORIGINS];
};

const char *
cari_verdict_to_string (CariVerdict verdict)
{
  switch (verdict)
    {
    case CARI_VERDICT_TP:
      return C_ ("verdict", "TP");
    case CARI_VERDICT_FP:
      return C_ ("verdict", "FP");
    case CARI_VERDICT_TN:
      return C_ ("verdict", "TN");
    case CARI_VERDICT_FN:
      return C_ ("verdict", "FN");
    case CARI_N_VERDICTS:
    default:
      return "";
    }
}

const char *
cari_verdict_describe (CariVerdict verdict)
{
  switch (verdict)
    {
    case CARI_VERDICT_TP:
      return _("true positive: same person, accepted");
    case CARI_VERDICT_FP:
      return _("false positive: different persons, accepted");
    case CARI_VERDICT_TN:
      return _("true negative: different persons, rejected");
    case CARI_VERDICT_FN:
      return _("false negative: same person, rejected");
    case CARI_N_VERDICTS:
    default:
      return "";
    }
}

gboolean
cari_verdict_is_error (CariVerdict verdict)
{
  return verdict == CARI_VERDICT_FP || verdict == CARI_VERDICT_FN;
}

CariVerdict
cari_verdict_of (float score, gboolean same, double threshold)
{
  gboolean accepted = score >= threshold;
  if (same)
    return accepted ? CARI_VERDICT_TP : CARI_VERDICT_FN;
  return accepted ? CARI_VERDICT_FP : CARI_VERDICT_TN;
}

double
cari_pair_hardness (float score, gboolean same, double threshold)
{
  return same ? (double) score - threshold : threshold - (double) score;
}

const char *
cari_threshold_origin_label (CariThresholdOrigin origin)
{
  switch (origin)
    {
    case CARI_THRESHOLD_SELECTION:
      /* TRANSLATORS: where the threshold comes from: chosen by 10-fold cross-validation */
      return _("10-fold selection");
    case CARI_THRESHOLD_EER:
      /* TRANSLATORS: the equal error rate's threshold */
      return _("EER");
    case CARI_THRESHOLD_FAR_0_1:
      /* TRANSLATORS: the threshold with a false accept rate of at most 0.1 % */
      return _("FAR 0.1 %");
    case CARI_THRESHOLD_FAR_1:
      return _("FAR 1 %");
    case CARI_THRESHOLD_DRAGGED:
      /* TRANSLATORS: the threshold was moved by hand */
      return _("dragged");
    case CARI_N_THRESHOLD_ORIGINS:
    default:
      return "";
    }
}

/* ------------------------------------------------------------------------------ the set */

static int
by_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

/* How many of the ascending values are < t. */
static int
count_below (const float *v, int n, double t)
{
  int lo = 0, hi = n;
  while (lo < hi)
    {
      int mid = lo + (hi - lo) / 2;
      if (v[mid] < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static double
threshold_at_far (const CariPairSet *set, double far)
{
  if (set->n == 0)
    return 0.0;
  /* Impostors accepted only fall as the threshold rises: the first candidate (ascending) whose
   * FAR is low enough is the smallest. */
  int lo = 0, hi = set->n;
  while (lo < hi)
    {
      int mid = lo + (hi - lo) / 2;
      double t = set->all[mid];
      int fp = set->n_impostor - count_below (set->impostor, set->n_impostor, t);
      gboolean ok = set->n_impostor == 0 || (double) fp / set->n_impostor <= far;
      if (ok)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo < set->n ? (double) set->all[lo] : (double) set->all[set->n - 1] + 1.0;
}

CariPairSet *
cari_pair_set_new (const CariPairScore *pairs, int n, double selection)
{
  CariPairSet *set = g_atomic_rc_box_new0 (CariPairSet);
  set->n = MAX (n, 0);
  set->pairs = g_new (CariPairScore, MAX (set->n, 1));
  set->genuine = g_new (float, MAX (set->n, 1));
  set->impostor = g_new (float, MAX (set->n, 1));
  set->all = g_new (float, MAX (set->n, 1));
  g_autofree float *scores = g_new (float, MAX (set->n, 1));
  g_autofree guint8 *same = g_new (guint8, MAX (set->n, 1));
  for (int i = 0; i < set->n; i++)
    {
      set->pairs[i] = pairs[i];
      scores[i] = set->all[i] = pairs[i].score;
      same[i] = pairs[i].same != 0;
      if (pairs[i].same)
        set->genuine[set->n_genuine++] = pairs[i].score;
      else
        set->impostor[set->n_impostor++] = pairs[i].score;
    }
  qsort (set->genuine, set->n_genuine, sizeof (float), by_float);
  qsort (set->impostor, set->n_impostor, sizeof (float), by_float);
  qsort (set->all, set->n, sizeof (float), by_float);

  set->thresholds[CARI_THRESHOLD_SELECTION] = selection;
  double eer_threshold = NAN;
  if (set->n_genuine > 0 && set->n_impostor > 0)
    cari_eer (scores, same, set->n, &eer_threshold);
  set->thresholds[CARI_THRESHOLD_EER] = eer_threshold;
  set->thresholds[CARI_THRESHOLD_FAR_0_1] = set->n > 0 ? threshold_at_far (set, 1e-3) : NAN;
  set->thresholds[CARI_THRESHOLD_FAR_1] = set->n > 0 ? threshold_at_far (set, 1e-2) : NAN;
  set->thresholds[CARI_THRESHOLD_DRAGGED] = NAN;
  return set;
}

CariPairSet *
cari_pair_set_ref (CariPairSet *set)
{
  return g_atomic_rc_box_acquire (set);
}

static void
pair_set_clear (CariPairSet *set)
{
  g_free (set->pairs);
  g_free (set->genuine);
  g_free (set->impostor);
  g_free (set->all);
}

void
cari_pair_set_unref (CariPairSet *set)
{
  g_atomic_rc_box_release_full (set, (GDestroyNotify) pair_set_clear);
}

int
cari_pair_set_get_n (const CariPairSet *set)
{
  return set->n;
}

const CariPairScore *
cari_pair_set_get_pairs (const CariPairSet *set)
{
  return set->pairs;
}

void
cari_pair_set_get_range (const CariPairSet *set, double *lo, double *hi)
{
  *lo = set->n > 0 ? set->all[0] : 0.0;
  *hi = set->n > 0 ? set->all[set->n - 1] : 0.0;
}

void
cari_pair_set_count (const CariPairSet *set, double threshold, CariPairCounts *out)
{
  out->genuine = set->n_genuine;
  out->impostor = set->n_impostor;
  out->fn = count_below (set->genuine, set->n_genuine, threshold);
  out->tp = set->n_genuine - out->fn;
  out->tn = count_below (set->impostor, set->n_impostor, threshold);
  out->fp = set->n_impostor - out->tn;
  out->fmr = set->n_impostor > 0 ? (double) out->fp / set->n_impostor : 0.0;
  out->fnmr = set->n_genuine > 0 ? (double) out->fn / set->n_genuine : 0.0;
}

void
cari_pair_set_verdicts (const CariPairSet *set, double threshold, guint8 *verdicts)
{
  for (int i = 0; i < set->n; i++)
    verdicts[i] = cari_verdict_of (set->pairs[i].score, set->pairs[i].same, threshold);
}

double
cari_pair_set_threshold_at_far (const CariPairSet *set, double far)
{
  return threshold_at_far (set, far);
}

double
cari_pair_set_get_threshold (const CariPairSet *set, CariThresholdOrigin origin)
{
  g_return_val_if_fail (origin < CARI_N_THRESHOLD_ORIGINS, NAN);
  return set->thresholds[origin];
}

void
cari_pair_set_histogram (const CariPairSet *set, double lo, double hi, int bins, double *genuine,
                        double *impostor)
{
  for (int k = 0; k < bins; k++)
    genuine[k] = impostor[k] = 0.0;
  if (bins <= 0)
    return;
  double width = hi > lo ? (hi - lo) / bins : 1.0;
  for (int i = 0; i < set->n; i++)
    {
      int k = (int) floor ((set->pairs[i].score - lo) / width);
      k = CLAMP (k, 0, bins - 1);
      if (set->pairs[i].same)
        genuine[k] += 1.0 / set->n_genuine;
      else
        impostor[k] += 1.0 / set->n_impostor;
    }
}

/* ------------------------------------------------------------------------------ filters */

struct _CariImageSet
{
  int *images; /* sorted, unique */
  int n;
};

CariImageSet *
cari_image_set_new (const int *images, int n)
{
  if (images == NULL || n <= 0)
    return NULL;
  CariImageSet *set = g_new0 (CariImageSet, 1);
  set->images = g_memdup2 (images, sizeof (int) * n);
  qsort (set->images, n, sizeof (int), cari_compare_int);
  for (int i = 0; i < n; i++)
    if (set->n == 0 || set->images[set->n - 1] != set->images[i])
      set->images[set->n++] = set->images[i];
  return set;
}

void
cari_image_set_free (CariImageSet *set)
{
  if (set == NULL)
    return;
  g_free (set->images);
  g_free (set);
}

gboolean
cari_image_set_contains (const CariImageSet *set, int image)
{
  return set != NULL
         && bsearch (&image, set->images, set->n, sizeof (int), cari_compare_int) != NULL;
}

int
cari_image_set_get_size (const CariImageSet *set)
{
  return set != NULL ? set->n : 0;
}

gboolean
cari_pair_filter_accepts (const CariPairFilter *filter, int a, int b, CariVerdict verdict,
                         CariDiffClass diff)
{
  if (filter->images != NULL && !cari_image_set_contains (filter->images, a)
      && !cari_image_set_contains (filter->images, b))
    return FALSE;
  if (filter->diff != CARI_DIFF_UNMATCHED)
    return diff == filter->diff;
  return (filter->verdicts & CARI_VERDICT_FLAG (verdict)) != 0;
}

int
cari_pair_compare (CariPairOrder order, double hardness_x, float score_x, int index_x,
                  double hardness_y, float score_y, int index_y)
{
  if (order == CARI_PAIR_ORDER_SCORE)
    {
      if (score_x != score_y)
        return score_x > score_y ? -1 : 1;
    }
  else if (hardness_x != hardness_y)
    return hardness_x < hardness_y ? -1 : 1;
  return (index_x > index_y) - (index_x < index_y);
}

/* ------------------------------------------------------------------------------ two runs */

static gint64
pair_key (const CariPairScore *p)
{
  /* Unsigned: an unknown image (−1) must not be shifted as a negative number. */
  return (gint64) (((guint64) (guint32) p->a << 32) | (guint32) p->b);
}

int *
cari_pair_set_match (const CariPairSet *a, const CariPairSet *b)
{
  int *match = g_new (int, MAX (a->n, 1));
  g_autoptr (GHashTable) where = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        NULL);
  for (int j = 0; j < b->n; j++)
    {
      const CariPairScore *p = &b->pairs[j];
      if (p->a < 0 || p->b < 0)
        continue;
      gint64 *key = g_new (gint64, 1);
      *key = pair_key (p);
      /* The first of duplicates, as the evaluation listed them. */
      if (!g_hash_table_contains (where, key))
        g_hash_table_insert (where, key, GINT_TO_POINTER (j + 1));
      else
        g_free (key);
    }
  for (int i = 0; i < a->n; i++)
    {
      const CariPairScore *p = &a->pairs[i];
      gint64 key = pair_key (p);
      match[i] = p->a < 0 || p->b < 0 ? -1
                                      : GPOINTER_TO_INT (g_hash_table_lookup (where, &key)) - 1;
    }
  return match;
}

CariDiffClass
cari_diff_class (gboolean wrong_a, gboolean wrong_b)
{
  if (wrong_a)
    return wrong_b ? CARI_DIFF_BOTH_WRONG : CARI_DIFF_FIXED;
  return wrong_b ? CARI_DIFF_BROKEN : CARI_DIFF_BOTH_RIGHT;
}

void
cari_pair_set_diff (const CariPairSet *a, double threshold_a, const CariPairSet *b,
                   double threshold_b, const int *match, guint8 *classes, CariDiffCounts *counts)
{
  CariDiffCounts c = { 0 };
  for (int i = 0; i < a->n; i++)
    {
      CariDiffClass d = CARI_DIFF_UNMATCHED;
      if (match[i] >= 0 && match[i] < b->n)
        {
          const CariPairScore *pa = &a->pairs[i], *pb = &b->pairs[match[i]];
          d = cari_diff_class (cari_verdict_is_error (cari_verdict_of (pa->score, pa->same,
                                                                    threshold_a)),
                              cari_verdict_is_error (cari_verdict_of (pb->score, pb->same,
                                                                    threshold_b)));
        }
      classes[i] = d;
      switch (d)
        {
        case CARI_DIFF_UNMATCHED:
          c.unmatched++;
          break;
        case CARI_DIFF_BOTH_RIGHT:
          c.both_right++;
          break;
        case CARI_DIFF_FIXED:
          c.fixed++;
          break;
        case CARI_DIFF_BROKEN:
          c.broken++;
          break;
        case CARI_DIFF_BOTH_WRONG:
        case CARI_N_DIFF_CLASSES:
        default:
          c.both_wrong++;
          break;
        }
    }
  if (counts != NULL)
    *counts = c;
}

