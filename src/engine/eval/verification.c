/* verification.c — ROC, AUC, EER, 10-fold accuracy and VAL@FAR. */
#include "eval/verification.h"

#include "core/error.h"
#include "core/i18n.h"
#include "core/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  float score;
  guint8 same;
} Pair;

static int
by_score_desc (const void *a, const void *b)
{
  float x = ((const Pair *) a)->score, y = ((const Pair *) b)->score;
  return (x < y) - (x > y);
}

static Pair *
sorted_pairs (const float *scores, const guint8 *same, const int *folds, int fold, gboolean keep,
              int n, int *m)
{
  Pair *p = g_new (Pair, MAX (n, 1));
  *m = 0;
  for (int i = 0; i < n; i++)
    if (folds == NULL || (folds[i] == fold) == keep)
      p[(*m)++] = (Pair) { scores[i], same[i] ? 1 : 0 };
  qsort (p, *m, sizeof (Pair), by_score_desc);
  return p;
}

/* ROC of sorted pairs: one point per distinct score, plus (0, 0). */
static GArray *
roc_of (const Pair *p, int m)
{
  GArray *roc = g_array_new (FALSE, FALSE, sizeof (CariRocPoint));
  int pos = 0, neg = 0, tp = 0, fp = 0;
  for (int i = 0; i < m; i++)
    p[i].same ? pos++ : neg++;
  CariRocPoint start = { m > 0 ? (double) p[0].score + 1.0 : 1.0, 0.0, 0.0 };
  g_array_append_val (roc, start);
  for (int i = 0; i < m;)
    {
      float s = p[i].score;
      while (i < m && p[i].score == s)
        {
          p[i].same ? tp++ : fp++;
          i++;
        }
      CariRocPoint pt = { s, neg ? (double) fp / neg : 0.0, pos ? (double) tp / pos : 0.0 };
      g_array_append_val (roc, pt);
    }
  return roc;
}

GArray *
cari_roc (const float *scores, const guint8 *same, int n)
{
  int m;
  g_autofree Pair *p = sorted_pairs (scores, same, NULL, 0, TRUE, n, &m);
  return roc_of (p, m);
}

static double
auc_of (GArray *roc)
{
  double auc = 0.0;
  for (guint i = 1; i < roc->len; i++)
    {
      const CariRocPoint *a = &g_array_index (roc, CariRocPoint, i - 1);
      const CariRocPoint *b = &g_array_index (roc, CariRocPoint, i);
      auc += (b->far - a->far) * (a->tar + b->tar) / 2.0;
    }
  return auc;
}

double
cari_auc (const float *scores, const guint8 *same, int n)
{
  g_autoptr (GArray) roc = cari_roc (scores, same, n);
  return auc_of (roc);
}

double
cari_tar_at_far (const float *scores, const guint8 *same, int n, double far, double *threshold)
{
  g_autoptr (GArray) roc = cari_roc (scores, same, n);
  double tar = 0.0;
  if (threshold != NULL)
    *threshold = INFINITY;
  /* The ROC's points are thresholds at the pairs' scores, FAR rising: the last one within the
   * target is the most accepting threshold that keeps to it (a step, not interpolated). */
  for (guint i = 0; i < roc->len; i++)
    {
      const CariRocPoint *pt = &g_array_index (roc, CariRocPoint, i);
      if (pt->far > far)
        break;
      tar = pt->tar;
      if (threshold != NULL)
        *threshold = pt->threshold;
    }
  return tar;
}

static double
eer_of (GArray *roc, double *threshold)
{
  /* FRR = 1 − TAR falls and FAR rises along the curve: find where they cross. */
  for (guint i = 1; i < roc->len; i++)
    {
      const CariRocPoint *a = &g_array_index (roc, CariRocPoint, i - 1);
      const CariRocPoint *b = &g_array_index (roc, CariRocPoint, i);
      double da = (1.0 - a->tar) - a->far, db = (1.0 - b->tar) - b->far;
      if (da >= 0.0 && db <= 0.0)
        {
          double t = da == db ? 0.0 : da / (da - db);
          if (threshold != NULL)
            *threshold = a->threshold + t * (b->threshold - a->threshold);
          return a->far + t * (b->far - a->far);
        }
    }
  return 0.0;
}

double
cari_eer (const float *scores, const guint8 *same, int n, double *threshold)
{
  g_autoptr (GArray) roc = cari_roc (scores, same, n);
  return eer_of (roc, threshold);
}

int *
cari_verification_folds (const guint8 *same, int n, int n_folds, guint64 seed)
{
  int *folds = g_new (int, MAX (n, 1));
  CariRng rng;
  cari_rng_seed (&rng, seed);
  for (int label = 0; label < 2; label++)
    {
      /* Shuffle each class, then deal it round-robin: every fold gets both classes. */
      g_autofree int *idx = g_new (int, MAX (n, 1));
      int m = 0;
      for (int i = 0; i < n; i++)
        if ((same[i] != 0) == label)
          idx[m++] = i;
      for (int i = m - 1; i > 0; i--)
        {
          int j = (int) cari_rng_below (&rng, (uint32_t) i + 1), t = idx[i];
          idx[i] = idx[j];
          idx[j] = t;
        }
      for (int i = 0; i < m; i++)
        folds[idx[i]] = (i + label) % n_folds;
    }
  return folds;
}

/* The threshold with the best accuracy on sorted pairs: midway between consecutive distinct
 * scores (or beyond either end). */
static double
best_threshold (const Pair *p, int m)
{
  int pos = 0, tp = 0, fp = 0;
  for (int i = 0; i < m; i++)
    pos += p[i].same;
  int neg = m - pos;
  /* Accept nothing: correct = neg. */
  int best = neg;
  double thr = m > 0 ? (double) p[0].score + 1.0 : 0.0;
  for (int i = 0; i < m;)
    {
      float s = p[i].score;
      while (i < m && p[i].score == s)
        {
          p[i].same ? tp++ : fp++;
          i++;
        }
      int correct = tp + (neg - fp);
      if (correct > best)
        {
          best = correct;
          thr = i < m ? 0.5 * ((double) s + p[i].score) : (double) s - 1.0;
        }
    }
  return thr;
}

/* The threshold at which the false-accept rate of sorted pairs is `far`, interpolated between
 * ROC points. */
static double
threshold_at_far (const Pair *p, int m, double far)
{
  g_autoptr (GArray) roc = roc_of (p, m);
  for (guint i = 1; i < roc->len; i++)
    {
      const CariRocPoint *a = &g_array_index (roc, CariRocPoint, i - 1);
      const CariRocPoint *b = &g_array_index (roc, CariRocPoint, i);
      if (b->far >= far)
        {
          double t = b->far == a->far ? 0.0 : (far - a->far) / (b->far - a->far);
          return a->threshold + t * (b->threshold - a->threshold);
        }
    }
  return g_array_index (roc, CariRocPoint, roc->len - 1).threshold;
}

static CariStat
stat_of (const double *v, int n)
{
  CariStat st = { 0, 0 };
  for (int i = 0; i < n; i++)
    st.mean += v[i] / n;
  for (int i = 0; i < n; i++)
    st.std += (v[i] - st.mean) * (v[i] - st.mean) / n;
  st.std = sqrt (st.std);
  return st;
}

gboolean
cari_verification_evaluate (const float *scores, const guint8 *same, const int *folds, int n,
                            int n_folds, guint64 seed, CariVerification *out, GError **error)
{
  g_autofree int *own = NULL;
  if (n < 2 || n_folds < 2)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Verification needs at least two pairs and two folds (got %d pairs, %d "
                     "folds)"),
                   n, n_folds);
      return FALSE;
    }
  if (folds == NULL)
    folds = own = cari_verification_folds (same, n, n_folds, seed);
  for (int i = 0; i < n; i++)
    if (folds[i] < 0 || folds[i] >= n_folds)
      {
        g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("Pair %d is in fold %d, outside 1 to %d"), i + 1, folds[i] + 1, n_folds);
        return FALSE;
      }

  memset (out, 0, sizeof *out);
  out->n_folds = n_folds;
  out->far_targets[0] = 1e-3;
  out->far_targets[1] = 1e-2;
  g_autofree double *acc = g_new (double, n_folds), *auc = g_new (double, n_folds);
  g_autofree double *eer = g_new (double, n_folds);
  g_autofree double *val0 = g_new (double, n_folds), *val1 = g_new (double, n_folds);
  for (int k = 0; k < n_folds; k++)
    {
      int m_train, m_test, pos = 0;
      g_autofree Pair *train = sorted_pairs (scores, same, folds, k, FALSE, n, &m_train);
      g_autofree Pair *test = sorted_pairs (scores, same, folds, k, TRUE, n, &m_test);
      for (int i = 0; i < m_test; i++)
        pos += test[i].same;
      if (pos == 0 || pos == m_test)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Fold %d has only %s pairs: each fold needs both classes"), k + 1,
                       pos == 0 ? _("different-person") : _("same-person"));
          return FALSE;
        }
      /* Thresholds come from the nine other folds only. */
      double thr = best_threshold (train, m_train);
      int correct = 0;
      for (int i = 0; i < m_test; i++)
        correct += (test[i].score >= thr) == test[i].same;
      acc[k] = (double) correct / m_test;
      out->threshold += thr / n_folds;

      g_autoptr (GArray) roc = roc_of (test, m_test);
      auc[k] = auc_of (roc);
      eer[k] = eer_of (roc, NULL);

      double *vals[2] = { val0, val1 };
      for (int f = 0; f < 2; f++)
        {
          double t = threshold_at_far (train, m_train, out->far_targets[f]);
          int tp = 0;
          for (int i = 0; i < m_test; i++)
            tp += test[i].same && test[i].score >= t;
          vals[f][k] = (double) tp / pos;
        }
    }
  out->accuracy = stat_of (acc, n_folds);
  out->auc = stat_of (auc, n_folds);
  out->eer = stat_of (eer, n_folds);
  out->val_at_far[0] = stat_of (val0, n_folds);
  out->val_at_far[1] = stat_of (val1, n_folds);
  return TRUE;
}
