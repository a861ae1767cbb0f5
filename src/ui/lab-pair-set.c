/* lab-pair-set.c — verdicts, rates, threshold origins, filters and run differences of scored
 * pairs, without GTK.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "lab-pair-set.h"

struct _LabPairSet
{
  CariPairScore *pairs; /* [n], in the evaluation's order */
  int n;
  float *genuine;       /* [n_genuine] scores, ascending */
  float *impostor;      /* [n_impostor] scores, ascending */
  float *all;           /* [n] scores, ascending */
  int n_genuine, n_impostor;
  double thresholds[LAB_N_THRESHOLD_ORIGINS];
};

const char *
lab_verdict_to_string (LabVerdict verdict)
{
  switch (verdict)
    {
    case LAB_VERDICT_TP:
      return C_ ("verdict", "TP");
    case LAB_VERDICT_FP:
      return C_ ("verdict", "FP");
    case LAB_VERDICT_TN:
      return C_ ("verdict", "TN");
    case LAB_VERDICT_FN:
      return C_ ("verdict", "FN");
    case LAB_N_VERDICTS:
    default:
      return "";
    }
}

const char *
lab_verdict_describe (LabVerdict verdict)
{
  switch (verdict)
    {
    case LAB_VERDICT_TP:
      return _("true positive: same person, accepted");
    case LAB_VERDICT_FP:
      return _("false positive: different persons, accepted");
    case LAB_VERDICT_TN:
      return _("true negative: different persons, rejected");
    case LAB_VERDICT_FN:
      return _("false negative: same person, rejected");
    case LAB_N_VERDICTS:
    default:
      return "";
    }
}

gboolean
lab_verdict_is_error (LabVerdict verdict)
{
  return verdict == LAB_VERDICT_FP || verdict == LAB_VERDICT_FN;
}

LabVerdict
lab_verdict_of (float score, gboolean same, double threshold)
{
  gboolean accepted = score >= threshold;
  if (same)
    return accepted ? LAB_VERDICT_TP : LAB_VERDICT_FN;
  return accepted ? LAB_VERDICT_FP : LAB_VERDICT_TN;
}

double
lab_pair_hardness (float score, gboolean same, double threshold)
{
  return same ? (double) score - threshold : threshold - (double) score;
}

const char *
lab_threshold_origin_label (LabThresholdOrigin origin)
{
  switch (origin)
    {
    case LAB_THRESHOLD_SELECTION:
      /* TRANSLATORS: where the threshold comes from: chosen by 10-fold cross-validation */
      return _("10-fold selection");
    case LAB_THRESHOLD_EER:
      /* TRANSLATORS: the equal error rate's threshold */
      return _("EER");
    case LAB_THRESHOLD_FAR_0_1:
      /* TRANSLATORS: the threshold with a false accept rate of at most 0.1 % */
      return _("FAR 0.1 %");
    case LAB_THRESHOLD_FAR_1:
      return _("FAR 1 %");
    case LAB_THRESHOLD_DRAGGED:
      /* TRANSLATORS: the threshold was moved by hand */
      return _("dragged");
    case LAB_N_THRESHOLD_ORIGINS:
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
threshold_at_far (const LabPairSet *set, double far)
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

LabPairSet *
lab_pair_set_new (const CariPairScore *pairs, int n, double selection)
{
  LabPairSet *set = g_atomic_rc_box_new0 (LabPairSet);
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

  set->thresholds[LAB_THRESHOLD_SELECTION] = selection;
  double eer_threshold = NAN;
  if (set->n_genuine > 0 && set->n_impostor > 0)
    cari_eer (scores, same, set->n, &eer_threshold);
  set->thresholds[LAB_THRESHOLD_EER] = eer_threshold;
  set->thresholds[LAB_THRESHOLD_FAR_0_1] = set->n > 0 ? threshold_at_far (set, 1e-3) : NAN;
  set->thresholds[LAB_THRESHOLD_FAR_1] = set->n > 0 ? threshold_at_far (set, 1e-2) : NAN;
  set->thresholds[LAB_THRESHOLD_DRAGGED] = NAN;
  return set;
}

LabPairSet *
lab_pair_set_ref (LabPairSet *set)
{
  return g_atomic_rc_box_acquire (set);
}

static void
pair_set_clear (LabPairSet *set)
{
  g_free (set->pairs);
  g_free (set->genuine);
  g_free (set->impostor);
  g_free (set->all);
}

void
lab_pair_set_unref (LabPairSet *set)
{
  g_atomic_rc_box_release_full (set, (GDestroyNotify) pair_set_clear);
}

int
lab_pair_set_get_n (const LabPairSet *set)
{
  return set->n;
}

const CariPairScore *
lab_pair_set_get_pairs (const LabPairSet *set)
{
  return set->pairs;
}

void
lab_pair_set_get_range (const LabPairSet *set, double *lo, double *hi)
{
  *lo = set->n > 0 ? set->all[0] : 0.0;
  *hi = set->n > 0 ? set->all[set->n - 1] : 0.0;
}

void
lab_pair_set_count (const LabPairSet *set, double threshold, LabPairCounts *out)
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
lab_pair_set_verdicts (const LabPairSet *set, double threshold, guint8 *verdicts)
{
  for (int i = 0; i < set->n; i++)
    verdicts[i] = lab_verdict_of (set->pairs[i].score, set->pairs[i].same, threshold);
}

double
lab_pair_set_threshold_at_far (const LabPairSet *set, double far)
{
  return threshold_at_far (set, far);
}

double
lab_pair_set_get_threshold (const LabPairSet *set, LabThresholdOrigin origin)
{
  g_return_val_if_fail (origin < LAB_N_THRESHOLD_ORIGINS, NAN);
  return set->thresholds[origin];
}

void
lab_pair_set_histogram (const LabPairSet *set, double lo, double hi, int bins, double *genuine,
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

struct _LabImageSet
{
  int *images; /* sorted, unique */
  int n;
};

static int
by_int (const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

LabImageSet *
lab_image_set_new (const int *images, int n)
{
  if (images == NULL || n <= 0)
    return NULL;
  LabImageSet *set = g_new0 (LabImageSet, 1);
  set->images = g_memdup2 (images, sizeof (int) * n);
  qsort (set->images, n, sizeof (int), by_int);
  for (int i = 0; i < n; i++)
    if (set->n == 0 || set->images[set->n - 1] != set->images[i])
      set->images[set->n++] = set->images[i];
  return set;
}

void
lab_image_set_free (LabImageSet *set)
{
  if (set == NULL)
    return;
  g_free (set->images);
  g_free (set);
}

gboolean
lab_image_set_contains (const LabImageSet *set, int image)
{
  return set != NULL && bsearch (&image, set->images, set->n, sizeof (int), by_int) != NULL;
}

int
lab_image_set_get_size (const LabImageSet *set)
{
  return set != NULL ? set->n : 0;
}

gboolean
lab_pair_filter_accepts (const LabPairFilter *filter, int a, int b, LabVerdict verdict,
                         LabDiffClass diff)
{
  if (filter->images != NULL && !lab_image_set_contains (filter->images, a)
      && !lab_image_set_contains (filter->images, b))
    return FALSE;
  if (filter->diff != LAB_DIFF_UNMATCHED)
    return diff == filter->diff;
  return (filter->verdicts & LAB_VERDICT_FLAG (verdict)) != 0;
}

int
lab_pair_compare (LabPairOrder order, double hardness_x, float score_x, int index_x,
                  double hardness_y, float score_y, int index_y)
{
  if (order == LAB_PAIR_ORDER_SCORE)
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
lab_pair_set_match (const LabPairSet *a, const LabPairSet *b)
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

LabDiffClass
lab_diff_class (gboolean wrong_a, gboolean wrong_b)
{
  if (wrong_a)
    return wrong_b ? LAB_DIFF_BOTH_WRONG : LAB_DIFF_FIXED;
  return wrong_b ? LAB_DIFF_BROKEN : LAB_DIFF_BOTH_RIGHT;
}

void
lab_pair_set_diff (const LabPairSet *a, double threshold_a, const LabPairSet *b,
                   double threshold_b, const int *match, guint8 *classes, LabDiffCounts *counts)
{
  LabDiffCounts c = { 0 };
  for (int i = 0; i < a->n; i++)
    {
      LabDiffClass d = LAB_DIFF_UNMATCHED;
      if (match[i] >= 0 && match[i] < b->n)
        {
          const CariPairScore *pa = &a->pairs[i], *pb = &b->pairs[match[i]];
          d = lab_diff_class (lab_verdict_is_error (lab_verdict_of (pa->score, pa->same,
                                                                    threshold_a)),
                              lab_verdict_is_error (lab_verdict_of (pb->score, pb->same,
                                                                    threshold_b)));
        }
      classes[i] = d;
      switch (d)
        {
        case LAB_DIFF_UNMATCHED:
          c.unmatched++;
          break;
        case LAB_DIFF_BOTH_RIGHT:
          c.both_right++;
          break;
        case LAB_DIFF_FIXED:
          c.fixed++;
          break;
        case LAB_DIFF_BROKEN:
          c.broken++;
          break;
        case LAB_DIFF_BOTH_WRONG:
        case LAB_N_DIFF_CLASSES:
        default:
          c.both_wrong++;
          break;
        }
    }
  if (counts != NULL)
    *counts = c;
}

/* ------------------------------------------------------------------------------ loading */

static void
dataset_clear (LabDataset *dataset)
{
  cari_dataset_index_free (dataset->index);
}

LabDataset *
lab_dataset_new (gint64 id, CariDatasetIndex *index)
{
  LabDataset *dataset = g_atomic_rc_box_new0 (LabDataset);
  dataset->id = id;
  dataset->index = index;
  return dataset;
}

LabDataset *
lab_dataset_ref (LabDataset *dataset)
{
  return g_atomic_rc_box_acquire (dataset);
}

void
lab_dataset_unref (LabDataset *dataset)
{
  g_atomic_rc_box_release_full (dataset, (GDestroyNotify) dataset_clear);
}

static const CariIndexImage *
image_of (const LabDataset *dataset, int image)
{
  if (dataset == NULL || dataset->index == NULL || image < 0
      || image >= (int) dataset->index->images->len)
    return NULL;
  return &g_array_index (dataset->index->images, CariIndexImage, image);
}

char *
lab_dataset_image_path (const LabDataset *dataset, int image)
{
  const CariIndexImage *img = image_of (dataset, image);
  return img != NULL ? g_build_filename (dataset->index->root, img->path, NULL) : NULL;
}

const char *
lab_dataset_image_name (const LabDataset *dataset, int image)
{
  const CariIndexImage *img = image_of (dataset, image);
  if (img == NULL || img->identity < 0 || img->identity >= (int) dataset->index->identities->len)
    return NULL;
  return g_ptr_array_index (dataset->index->identities, img->identity);
}

gboolean
lab_dataset_image_is_caricature (const LabDataset *dataset, int image)
{
  const CariIndexImage *img = image_of (dataset, image);
  return img == NULL || img->modality != CARI_MODALITY_PHOTO;
}

void
lab_pair_load_free (LabPairLoad *load)
{
  if (load == NULL)
    return;
  g_clear_pointer (&load->info, cari_eval_info_free);
  g_clear_pointer (&load->set, lab_pair_set_unref);
  g_clear_pointer (&load->dataset, lab_dataset_unref);
  g_clear_pointer (&load->comparable, g_ptr_array_unref);
  g_clear_pointer (&load->labels, g_ptr_array_unref);
  g_free (load);
}

LabPairLoad *
lab_pair_load (const char *db_path, gint64 evaluation, LabDataset *known, GError **error)
{
  g_autoptr (CariStore) store = cari_store_open (db_path, CARI_STORE_READ_ONLY, error);
  if (store == NULL)
    return NULL;
  g_autoptr (LabPairLoad) load = g_new0 (LabPairLoad, 1);
  load->info = cari_store_get_evaluation (store, evaluation, error);
  if (load->info == NULL)
    return NULL;
  g_autoptr (CariEvalResult) result = cari_store_load_evaluation (store, evaluation, error);
  if (result == NULL)
    return NULL;
  double selection = result->threshold;
  const CariEvalMetric *m = cari_eval_result_get (result, "threshold");
  if (isnan (selection) && m != NULL)
    selection = m->value;
  load->set = lab_pair_set_new ((const CariPairScore *) (void *) result->pairs->data,
                                (int) result->pairs->len, selection);
  if (known != NULL && known->id == load->info->dataset)
    load->dataset = lab_dataset_ref (known);
  else if (load->info->dataset > 0)
    {
      CariDatasetIndex *index = cari_store_load_dataset (store, load->info->dataset, error);
      if (index == NULL)
        return NULL;
      load->dataset = lab_dataset_new (load->info->dataset, index);
    }

  load->comparable = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_eval_info_free);
  load->labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) all = cari_store_list_evaluations (store, 0, error);
  if (all == NULL)
    return NULL;
  g_autoptr (GHashTable) runs = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                       (GDestroyNotify) cari_run_info_free);
  for (guint i = 0; i < all->len; i++)
    {
      CariEvalInfo *e = g_ptr_array_index (all, i);
      if (e->id == evaluation || e->fold != load->info->fold || e->dataset != load->info->dataset
          || g_strcmp0 (e->protocol, load->info->protocol) != 0)
        continue;
      CariRunInfo *run = e->run > 0 ? g_hash_table_lookup (runs, &e->run) : NULL;
      if (run == NULL && e->run > 0)
        {
          run = cari_store_get_run (store, e->run, NULL);
          if (run != NULL)
            g_hash_table_insert (runs, &run->id, run);
        }
      char *label;
      if (run == NULL)
        label = g_strdup_printf (_("Score file, evaluation %lld"), (long long) e->id);
      else
        /* TRANSLATORS: a run's name, its checkpoint step and the evaluation's number */
        label = g_strdup_printf (_("%s, step %lld (evaluation %lld)"), run->name,
                                 (long long) e->step, (long long) e->id);
      g_ptr_array_add (load->labels, label);
      g_ptr_array_add (load->comparable, g_ptr_array_steal_index (all, i));
      i--; /* the next evaluation moved into this slot */
    }
  return g_steal_pointer (&load);
}
