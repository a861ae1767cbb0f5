/* test-errors.c — the error-pair view (Fig. 8): verdicts, rates and threshold origins of hand-made
 * pairs, the same verdicts as cari_error_pairs on scores stored and loaded back, the gallery's
 * filters, orders and two-run differences, the thumbnail cache, and the view itself over a
 * temporary store (its gallery follows the threshold; a tile opens the pair full size).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cari.h"

#include "lab-errors-view.h"
#include "lab-pair-item.h"
#include "lab-pair-load.h"
#include "lab-pair-tile.h"
#include "lab-pair-window.h"
#include "lab-score-histogram.h"
#include "lab-thumbnail-cache.h"
#include "ui-test-util.h"

/* ------------------------------------------------------------------------------ hand-made */

/* 5 genuine and 8 impostor pairs, scores exact in binary. */
static const float genuine_scores[] = { 0.875f, 0.75f, 0.625f, 0.375f, 0.125f };
static const float impostor_scores[] = { 0.5f, 0.25f, 0.0f, -0.25f, -0.5f, -0.625f, -0.75f,
                                         -0.875f };

static GArray *
hand_pairs (void)
{
  GArray *pairs = g_array_new (FALSE, FALSE, sizeof (CariPairScore));
  /* Interleaved, so that the order of the evaluation is not the order of the scores. */
  for (int i = 0; i < 8; i++)
    {
      if (i < 5)
        {
          CariPairScore g = { 2 * i, 2 * i + 1, genuine_scores[i], 1, (guint8) (i % 2) };
          g_array_append_val (pairs, g);
        }
      CariPairScore m = { 100 + i, 200 + i, impostor_scores[i], 0, (guint8) (i % 2) };
      g_array_append_val (pairs, m);
    }
  return pairs;
}

static void
test_verdicts (void)
{
  /* score ≥ threshold accepts, exactly at it too. */
  g_assert_cmpint (cari_verdict_of (0.5f, TRUE, 0.5), ==, CARI_VERDICT_TP);
  g_assert_cmpint (cari_verdict_of (0.5f, FALSE, 0.5), ==, CARI_VERDICT_FP);
  g_assert_cmpint (cari_verdict_of (0.4f, TRUE, 0.5), ==, CARI_VERDICT_FN);
  g_assert_cmpint (cari_verdict_of (0.4f, FALSE, 0.5), ==, CARI_VERDICT_TN);
  g_assert_true (cari_verdict_is_error (CARI_VERDICT_FP) && cari_verdict_is_error (CARI_VERDICT_FN));
  g_assert_false (cari_verdict_is_error (CARI_VERDICT_TP) || cari_verdict_is_error (CARI_VERDICT_TN));

  g_autoptr (GArray) pairs = hand_pairs ();
  g_autoptr (CariPairSet) set = cari_pair_set_new ((CariPairScore *) (void *) pairs->data,
                                                 (int) pairs->len, 0.3);
  g_assert_cmpint (cari_pair_set_get_n (set), ==, 13);
  const struct
  {
    double t;
    guint tp, fp, tn, fn;
    double fmr, fnmr;
  } cases[] = {
    { 0.5, 3, 1, 7, 2, 1.0 / 8, 2.0 / 5 },  /* the impostor at 0.5 is accepted */
    { 0.375, 4, 1, 7, 1, 1.0 / 8, 1.0 / 5 },
    { 0.25, 4, 2, 6, 1, 2.0 / 8, 1.0 / 5 },
    { 0.3, 4, 1, 7, 1, 1.0 / 8, 1.0 / 5 },
    { 1.0, 0, 0, 8, 5, 0.0, 1.0 },
    { -1.0, 5, 8, 0, 0, 1.0, 0.0 },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      CariPairCounts c;
      cari_pair_set_count (set, cases[k].t, &c);
      g_assert_cmpuint (c.tp, ==, cases[k].tp);
      g_assert_cmpuint (c.fp, ==, cases[k].fp);
      g_assert_cmpuint (c.tn, ==, cases[k].tn);
      g_assert_cmpuint (c.fn, ==, cases[k].fn);
      g_assert_cmpuint (c.genuine, ==, 5);
      g_assert_cmpuint (c.impostor, ==, 8);
      g_assert_cmpfloat (c.fmr, ==, cases[k].fmr);
      g_assert_cmpfloat (c.fnmr, ==, cases[k].fnmr);
      /* The same from each pair's verdict. */
      g_autofree guint8 *v = g_new (guint8, pairs->len);
      cari_pair_set_verdicts (set, cases[k].t, v);
      guint n[CARI_N_VERDICTS] = { 0 };
      for (guint i = 0; i < pairs->len; i++)
        n[v[i]]++;
      g_assert_cmpuint (n[CARI_VERDICT_TP], ==, cases[k].tp);
      g_assert_cmpuint (n[CARI_VERDICT_FP], ==, cases[k].fp);
      g_assert_cmpuint (n[CARI_VERDICT_TN], ==, cases[k].tn);
      g_assert_cmpuint (n[CARI_VERDICT_FN], ==, cases[k].fn);
    }
  /* Hardness: errors ≤ 0, their |score − threshold| negated. */
  g_assert_cmpfloat (cari_pair_hardness (0.25f, TRUE, 0.5), ==, -0.25);
  g_assert_cmpfloat (cari_pair_hardness (0.75f, FALSE, 0.5), ==, -0.25);
  g_assert_cmpfloat (cari_pair_hardness (0.75f, TRUE, 0.5), ==, 0.25);
  g_assert_cmpfloat (cari_pair_hardness (0.25f, FALSE, 0.5), ==, 0.25);

  /* The histogram: each class sums to 1, scores fall in their bins. */
  double g[4], m[4];
  cari_pair_set_histogram (set, -1.0, 1.0, 4, g, m);
  g_assert_cmpfloat_with_epsilon (g[0] + g[1] + g[2] + g[3], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m[0] + m[1] + m[2] + m[3], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (g[2], 2.0 / 5, 1e-12); /* 0.125, 0.375 */
  g_assert_cmpfloat_with_epsilon (g[3], 3.0 / 5, 1e-12);
  g_assert_cmpfloat_with_epsilon (m[0], 3.0 / 8, 1e-12); /* −0.875, −0.75, −0.625 */
  g_assert_cmpfloat_with_epsilon (m[3], 1.0 / 8, 1e-12); /* 0.5 */
  double lo, hi;
  cari_pair_set_get_range (set, &lo, &hi);
  g_assert_cmpfloat (lo, ==, -0.875);
  g_assert_cmpfloat (hi, ==, 0.875);
}

/* The smallest pair score whose FAR is ≤ far, by brute force. */
static double
reference_threshold_at_far (const CariPairScore *p, int n, double far)
{
  int impostors = 0;
  for (int i = 0; i < n; i++)
    impostors += !p[i].same;
  double best = INFINITY, top = -INFINITY;
  for (int i = 0; i < n; i++)
    {
      top = MAX (top, (double) p[i].score);
      int fp = 0;
      for (int j = 0; j < n; j++)
        fp += !p[j].same && p[j].score >= p[i].score;
      if ((impostors == 0 || (double) fp / impostors <= far) && p[i].score < best)
        best = p[i].score;
    }
  return isinf (best) ? top + 1.0 : best;
}

static void
test_threshold_origins (void)
{
  /* 200 impostors at −1 + k/100 and a few genuines: FAR 1 % lets 2 impostors in. */
  g_autoptr (GArray) pairs = g_array_new (FALSE, FALSE, sizeof (CariPairScore));
  for (int k = 0; k < 200; k++)
    {
      CariPairScore p = { k, 1000 + k, (float) (-1.0 + k / 100.0), 0, 0 };
      g_array_append_val (pairs, p);
    }
  const float genuine[] = { 0.995f, 0.975f, 0.9f, 0.5f, 0.0f };
  for (int k = 0; k < 5; k++)
    {
      CariPairScore p = { 500 + k, 600 + k, genuine[k], 1, 0 };
      g_array_append_val (pairs, p);
    }
  const CariPairScore *p = (CariPairScore *) (void *) pairs->data;
  const int n = (int) pairs->len;
  g_autoptr (CariPairSet) set = cari_pair_set_new (p, n, 0.123);
  /* The highest impostors are 0.99, 0.98, 0.97: at most two accepted means above 0.97, and the
   * lowest score there is the genuine 0.975. At most 0 accepted: above 0.99, the genuine 0.995. */
  g_assert_cmpfloat (cari_pair_set_threshold_at_far (set, 1e-2), ==, (double) 0.975f);
  g_assert_cmpfloat (cari_pair_set_get_threshold (set, CARI_THRESHOLD_FAR_1), ==, (double) 0.975f);
  g_assert_cmpfloat (cari_pair_set_get_threshold (set, CARI_THRESHOLD_FAR_0_1), ==,
                     (double) 0.995f);
  CariPairCounts c;
  cari_pair_set_count (set, cari_pair_set_get_threshold (set, CARI_THRESHOLD_FAR_1), &c);
  g_assert_cmpuint (c.fp, ==, 2);
  g_assert_cmpfloat (c.fmr, <=, 1e-2);
  /* FAR 1.5 %: three impostors; the threshold is the third highest impostor itself. */
  g_assert_cmpfloat (cari_pair_set_threshold_at_far (set, 0.015), ==, (double) (float) (-1.0 + 1.97));
  /* Stored and EER thresholds. */
  g_assert_cmpfloat (cari_pair_set_get_threshold (set, CARI_THRESHOLD_SELECTION), ==, 0.123);
  g_autofree float *scores = g_new (float, n);
  g_autofree guint8 *same = g_new (guint8, n);
  for (int i = 0; i < n; i++)
    {
      scores[i] = p[i].score;
      same[i] = p[i].same;
    }
  double eer_threshold = NAN;
  cari_eer (scores, same, n, &eer_threshold);
  g_assert_cmpfloat (cari_pair_set_get_threshold (set, CARI_THRESHOLD_EER), ==, eer_threshold);
  g_assert_true (isnan (cari_pair_set_get_threshold (set, CARI_THRESHOLD_DRAGGED)));
  g_assert_cmpstr (cari_threshold_origin_label (CARI_THRESHOLD_DRAGGED), ==, "dragged");
  g_assert_cmpstr (cari_threshold_origin_label (CARI_THRESHOLD_SELECTION), ==, "10-fold selection");
  /* No threshold is low enough when the best pair is an impostor and nothing may pass. */
  g_autoptr (GArray) top = g_array_new (FALSE, FALSE, sizeof (CariPairScore));
  const CariPairScore t[] = { { 0, 1, 0.9f, 0, 0 }, { 2, 3, 0.5f, 1, 0 } };
  g_array_append_vals (top, t, 2);
  g_autoptr (CariPairSet) topset = cari_pair_set_new (t, 2, NAN);
  g_assert_cmpfloat (cari_pair_set_threshold_at_far (topset, 0.0), ==, (double) 0.9f + 1.0);
  g_assert_true (isnan (cari_pair_set_get_threshold (topset, CARI_THRESHOLD_SELECTION)));

  /* Random scores rounded to two decimals (many ties): the brute force agrees at every FAR. */
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (GArray) random = g_array_new (FALSE, FALSE, sizeof (CariPairScore));
  for (int i = 0; i < 700; i++)
    {
      gboolean s = g_rand_int_range (rand, 0, 4) == 0;
      double v = g_rand_double_range (rand, -1, 1) + (s ? 0.4 : 0.0);
      CariPairScore q = { i, i, (float) (round (v * 100) / 100), (guint8) s, 0 };
      g_array_append_val (random, q);
    }
  g_autoptr (CariPairSet) rset = cari_pair_set_new ((CariPairScore *) (void *) random->data,
                                                  (int) random->len, NAN);
  const double fars[] = { 0.0, 1e-3, 1e-2, 0.05, 0.1, 0.3, 0.5, 0.999, 1.0 };
  for (size_t k = 0; k < G_N_ELEMENTS (fars); k++)
    g_assert_cmpfloat (cari_pair_set_threshold_at_far (rset, fars[k]), ==,
                       reference_threshold_at_far ((CariPairScore *) (void *) random->data,
                                                   (int) random->len, fars[k]));
}

static void
test_filters_and_orders (void)
{
  const int chosen[] = { 7, 3, 3, 100 };
  g_autoptr (CariImageSet) images = cari_image_set_new (chosen, 4);
  g_assert_cmpint (cari_image_set_get_size (images), ==, 3);
  g_assert_true (cari_image_set_contains (images, 3) && cari_image_set_contains (images, 100));
  g_assert_false (cari_image_set_contains (images, 4));
  g_assert_null (cari_image_set_new (NULL, 0));
  g_assert_null (cari_image_set_new (chosen, 0));

  CariPairFilter f = { CARI_VERDICT_ERRORS, CARI_DIFF_UNMATCHED, NULL };
  g_assert_true (cari_pair_filter_accepts (&f, 1, 2, CARI_VERDICT_FP, CARI_DIFF_UNMATCHED));
  g_assert_true (cari_pair_filter_accepts (&f, 1, 2, CARI_VERDICT_FN, CARI_DIFF_UNMATCHED));
  g_assert_false (cari_pair_filter_accepts (&f, 1, 2, CARI_VERDICT_TP, CARI_DIFF_UNMATCHED));
  g_assert_false (cari_pair_filter_accepts (&f, 1, 2, CARI_VERDICT_TN, CARI_DIFF_UNMATCHED));
  f.verdicts = CARI_VERDICT_FLAG (CARI_VERDICT_TN);
  g_assert_true (cari_pair_filter_accepts (&f, 1, 2, CARI_VERDICT_TN, CARI_DIFF_FIXED));
  g_assert_false (cari_pair_filter_accepts (&f, 1, 2, CARI_VERDICT_FP, CARI_DIFF_FIXED));
  /* Images: either of the pair's two. */
  f.verdicts = CARI_VERDICT_ALL;
  f.images = images;
  g_assert_true (cari_pair_filter_accepts (&f, 3, 50, CARI_VERDICT_TP, CARI_DIFF_UNMATCHED));
  g_assert_true (cari_pair_filter_accepts (&f, 50, 7, CARI_VERDICT_TP, CARI_DIFF_UNMATCHED));
  g_assert_false (cari_pair_filter_accepts (&f, 50, 51, CARI_VERDICT_TP, CARI_DIFF_UNMATCHED));
  /* A difference class replaces the verdicts. */
  f.images = NULL;
  f.verdicts = 0;
  f.diff = CARI_DIFF_BROKEN;
  g_assert_true (cari_pair_filter_accepts (&f, 1, 2, CARI_VERDICT_TP, CARI_DIFF_BROKEN));
  g_assert_false (cari_pair_filter_accepts (&f, 1, 2, CARI_VERDICT_FP, CARI_DIFF_FIXED));

  /* Orders: hardest first (ascending hardness), then the index; by score descending. */
  g_assert_cmpint (cari_pair_compare (CARI_PAIR_ORDER_HARDEST, -0.5, 0.1f, 9, -0.2, 0.9f, 1), <, 0);
  g_assert_cmpint (cari_pair_compare (CARI_PAIR_ORDER_HARDEST, 0.3, 0.1f, 9, -0.2, 0.9f, 1), >, 0);
  g_assert_cmpint (cari_pair_compare (CARI_PAIR_ORDER_HARDEST, -0.2, 0.1f, 9, -0.2, 0.9f, 1), >, 0);
  g_assert_cmpint (cari_pair_compare (CARI_PAIR_ORDER_SCORE, -0.5, 0.1f, 1, -0.2, 0.9f, 9), >, 0);
  g_assert_cmpint (cari_pair_compare (CARI_PAIR_ORDER_SCORE, 0.5, 0.9f, 9, -0.2, 0.1f, 1), <, 0);
  g_assert_cmpint (cari_pair_compare (CARI_PAIR_ORDER_SCORE, 0.5, 0.5f, 1, -0.2, 0.5f, 2), <, 0);

  /* The hand-made pairs at 0.3, hardest first: FN 0.125 (−0.175), FP 0.5 (−0.2)… */
  g_autoptr (GArray) pairs = hand_pairs ();
  const CariPairScore *p = (CariPairScore *) (void *) pairs->data;
  const int n = (int) pairs->len;
  g_autofree int *order = g_new (int, n);
  for (int i = 0; i < n; i++)
    order[i] = i;
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0; j--)
      {
        int x = order[j - 1], y = order[j];
        if (cari_pair_compare (CARI_PAIR_ORDER_HARDEST, cari_pair_hardness (p[x].score, p[x].same, 0.3),
                              p[x].score, x, cari_pair_hardness (p[y].score, p[y].same, 0.3),
                              p[y].score, y)
            > 0)
          {
            order[j - 1] = y;
            order[j] = x;
          }
      }
  g_assert_cmpfloat (p[order[0]].score, ==, 0.5f);   /* impostor 0.2 over */
  g_assert_cmpfloat (p[order[1]].score, ==, 0.125f); /* genuine 0.175 under */
  g_assert_cmpfloat (p[order[2]].score, ==, 0.25f);  /* correct, 0.05 from the threshold */
  g_assert_cmpfloat (p[order[n - 1]].score, ==, -0.875f);
}

static void
test_diff (void)
{
  /* Run A and run B score the same six pairs (B lists them in another order), A has one pair B
   * lacks and one with an unknown image. At threshold 0.5 for both: */
  const CariPairScore a[] = {
    { 1, 2, 0.9f, 1, 0 },  /* right in both */
    { 3, 4, 0.2f, 1, 0 },  /* FN in A, TP in B: fixed */
    { 5, 6, 0.7f, 0, 0 },  /* FP in A, TN in B: fixed */
    { 7, 8, 0.1f, 0, 0 },  /* TN in A, FP in B: broken */
    { 9, 10, 0.3f, 1, 0 }, /* FN in A, FN in B: both wrong */
    { 11, 12, 0.8f, 0, 0 }, /* FP in both */
    { 13, 14, 0.6f, 1, 0 }, /* not in B */
    { -1, 15, 0.6f, 1, 0 }, /* unknown image */
  };
  const CariPairScore b[] = {
    { 11, 12, 0.55f, 0, 0 }, { 9, 10, 0.1f, 1, 0 }, { 7, 8, 0.6f, 0, 0 },
    { 5, 6, 0.4f, 0, 0 },    { 3, 4, 0.8f, 1, 0 },  { 1, 2, 0.95f, 1, 0 },
    { 14, 13, 0.6f, 1, 0 }, /* the same images the other way round: another pair */
    { -1, 15, 0.6f, 1, 0 },
  };
  g_autoptr (CariPairSet) sa = cari_pair_set_new (a, G_N_ELEMENTS (a), 0.5);
  g_autoptr (CariPairSet) sb = cari_pair_set_new (b, G_N_ELEMENTS (b), 0.5);
  g_autofree int *match = cari_pair_set_match (sa, sb);
  const int want_match[] = { 5, 4, 3, 2, 1, 0, -1, -1 };
  for (size_t i = 0; i < G_N_ELEMENTS (a); i++)
    g_assert_cmpint (match[i], ==, want_match[i]);
  guint8 classes[G_N_ELEMENTS (a)];
  CariDiffCounts c;
  cari_pair_set_diff (sa, 0.5, sb, 0.5, match, classes, &c);
  const CariDiffClass want[] = { CARI_DIFF_BOTH_RIGHT, CARI_DIFF_FIXED,      CARI_DIFF_FIXED,
                                CARI_DIFF_BROKEN,     CARI_DIFF_BOTH_WRONG, CARI_DIFF_BOTH_WRONG,
                                CARI_DIFF_UNMATCHED,  CARI_DIFF_UNMATCHED };
  for (size_t i = 0; i < G_N_ELEMENTS (a); i++)
    g_assert_cmpint (classes[i], ==, want[i]);
  g_assert_cmpuint (c.fixed, ==, 2);
  g_assert_cmpuint (c.broken, ==, 1);
  g_assert_cmpuint (c.both_wrong, ==, 2);
  g_assert_cmpuint (c.both_right, ==, 1);
  g_assert_cmpuint (c.unmatched, ==, 2);
  /* Each run at its own threshold: at 0.05 for B, B accepts everything, so it fixes A's false
   * negatives and breaks A's true negatives. */
  cari_pair_set_diff (sa, 0.5, sb, 0.05, match, classes, &c);
  g_assert_cmpint (classes[1], ==, CARI_DIFF_FIXED);
  g_assert_cmpint (classes[4], ==, CARI_DIFF_FIXED);
  g_assert_cmpint (classes[2], ==, CARI_DIFF_BOTH_WRONG);
  g_assert_cmpint (classes[3], ==, CARI_DIFF_BROKEN);
  g_assert_cmpint (cari_diff_class (TRUE, FALSE), ==, CARI_DIFF_FIXED);
  g_assert_cmpint (cari_diff_class (FALSE, TRUE), ==, CARI_DIFF_BROKEN);
}

/* ------------------------------------------------------------------------------ a store */

#define N_IDENTITIES 12
#define N_PAIRS 400

typedef struct
{
  char *dir, *db;
  gint64 dataset;
  gint64 runs[2];
  gint64 evaluations[2]; /* webcari.restricted fold 1 of each run */
  gint64 other_fold;     /* run 0's fold 2: not comparable */
} Store;

static gboolean
write_image (const char *path, float shade, GError **error)
{
  g_autoptr (CariImage) img = cari_image_new (40, 30);
  for (int i = 0; i < 3 * 40 * 30; i++)
    img->pixels[i] = shade;
  return cari_image_save_png (img, path, error);
}

static CariEvalResult *
verification_result (int fold)
{
  CariEvalResult *r = g_new0 (CariEvalResult, 1);
  r->protocol = g_strdup ("webcari.restricted");
  r->fold = fold;
  r->kind = CARI_PROTOCOL_VERIFICATION;
  r->metrics = g_array_new (FALSE, FALSE, sizeof (CariEvalMetric));
  r->pairs = g_array_new (FALSE, FALSE, sizeof (CariPairScore));
  r->cmc = g_array_new (FALSE, FALSE, sizeof (double));
  return r;
}

static void
store_setup (Store *s, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  s->dir = g_dir_make_tmp ("carilab-errors-XXXXXX", &error);
  g_assert_no_error (error);
  s->db = g_build_filename (s->dir, "runs.db", NULL);
  g_autoptr (CariStore) store = cari_store_open (s->db, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);

  /* A data set: a caricature and a photo per identity (only the first identity's files exist
   * on disk: the others cannot be decoded). */
  g_autoptr (CariDatasetIndex) index = cari_dataset_index_new ("errors-test", "folder", s->dir);
  for (int k = 0; k < N_IDENTITIES; k++)
    {
      g_autofree char *name = g_strdup_printf ("Person %02d", k);
      int id = cari_dataset_index_add_identity (index, name);
      g_autofree char *c = g_strdup_printf ("c%02d.png", k);
      g_autofree char *p = g_strdup_printf ("p%02d.png", k);
      cari_dataset_index_add_image (index, id, CARI_MODALITY_CARICATURE, c, NULL, 0);
      cari_dataset_index_add_image (index, id, CARI_MODALITY_PHOTO, p, NULL, 0);
    }
  g_autofree char *c0 = g_build_filename (s->dir, "c00.png", NULL);
  g_autofree char *p0 = g_build_filename (s->dir, "p00.png", NULL);
  g_assert_true (write_image (c0, 0.2f, &error));
  g_assert_true (write_image (p0, 0.8f, &error));
  s->dataset = cari_store_import_dataset (store, index, &error);
  g_assert_no_error (error);

  /* Two runs scoring the same N_PAIRS pairs: caricature 2i, photo 2j + 1 (the photo first for
   * every third pair), genuine when i == j; run 1 a little better. */
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  for (int k = 0; k < 2; k++)
    {
      g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, &error);
      g_autofree char *text = cari_run_config_to_text (cfg);
      g_autofree char *name = g_strdup_printf ("run%d", k);
      s->runs[k] = cari_store_create_run (store, name, s->dataset, text, 1, 0, &error);
      g_assert_no_error (error);
    }
  g_autoptr (CariEvalResult) r0 = verification_result (1);
  g_autoptr (CariEvalResult) r1 = verification_result (1);
  CariEvalResult *r[2] = { r0, r1 };
  for (int n = 0; n < N_PAIRS; n++)
    {
      int i = n % N_IDENTITIES, j = (n / N_IDENTITIES + i * (n % 3 == 0)) % N_IDENTITIES;
      gboolean same = n % 2 == 0;
      if (same)
        j = i;
      else if (j == i)
        j = (i + 1) % N_IDENTITIES;
      double base = g_rand_double_range (rand, -0.6, 0.6) + (same ? 0.35 : -0.05);
      for (int k = 0; k < 2; k++)
        {
          double noise = g_rand_double_range (rand, -0.2, 0.2) + (same ? 0.1 * k : -0.1 * k);
          /* Two decimals: ties on the threshold's grid. */
          float score = (float) (round ((base + noise) * 100) / 100);
          CariPairScore p = { 2 * i, 2 * j + 1, score, (guint8) same, (guint8) (n % 10) };
          if (n % 3 == 0)
            {
              p.a = 2 * j + 1;
              p.b = 2 * i;
            }
          g_array_append_val (r[k]->pairs, p);
        }
    }
  for (int k = 0; k < 2; k++)
    {
      CariEvalMetric m = { "threshold", 0.15 + 0.02 * k, -1 };
      g_array_append_val (r[k]->metrics, m);
      s->evaluations[k] = cari_store_save_evaluation (store, s->runs[k], 100, r[k], NULL, &error);
      g_assert_no_error (error);
    }
  /* Another fold of run 0: not among the comparable ones. */
  r[0]->fold = 2;
  s->other_fold = cari_store_save_evaluation (store, s->runs[0], 100, r[0], NULL, &error);
  g_assert_no_error (error);
}

static void
store_teardown (Store *s, gconstpointer data)
{
  ui_test_remove_tree (s->dir);
  g_free (s->db);
  g_free (s->dir);
}

/* The pairs of an evaluation as cari_error_pairs sees them. */
static CariEvalResult *
stored (Store *s, gint64 evaluation)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = cari_store_open (s->db, CARI_STORE_READ_ONLY, &error);
  g_assert_no_error (error);
  CariEvalResult *r = cari_store_load_evaluation (store, evaluation, &error);
  g_assert_no_error (error);
  return r;
}

/* The loader's pairs, moved through thresholds (on the scores' grid, between, the stored one),
 * give exactly cari_error_pairs' false positives and negatives, in its order. */
static void
test_loaded_like_error_pairs (Store *s, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = cari_store_open (s->db, CARI_STORE_READ_ONLY, &error);
  g_autoptr (LabPairLoad) load = lab_pair_load (store, s->evaluations[0], NULL, &error);
  g_assert_no_error (error);
  g_autoptr (CariEvalResult) r = stored (s, s->evaluations[0]);
  const CariPairScore *pairs = (CariPairScore *) (void *) r->pairs->data;
  const int n = (int) r->pairs->len;
  g_assert_cmpint (cari_pair_set_get_n (load->set), ==, n);
  g_assert_cmpint (n, ==, N_PAIRS);
  g_assert_cmpfloat (cari_pair_set_get_threshold (load->set, CARI_THRESHOLD_SELECTION), ==, 0.15);
  g_assert_nonnull (load->dataset);
  g_assert_cmpint (load->dataset->id, ==, s->dataset);
  g_assert_cmpstr (load->info->protocol, ==, "webcari.restricted");
  /* Comparable: run 1's fold 1, not run 0's fold 2. */
  g_assert_cmpuint (load->comparable->len, ==, 1);
  g_assert_cmpint (((CariEvalInfo *) g_ptr_array_index (load->comparable, 0))->id, ==,
                   s->evaluations[1]);
  g_assert_nonnull (strstr (g_ptr_array_index (load->labels, 0), "run1, step 100"));
  /* Paths and names from the data set; the photo-first pairs still know their caricature. */
  g_autofree char *path = lab_dataset_image_path (load->dataset, 0);
  g_autofree char *c0 = g_build_filename (s->dir, "c00.png", NULL);
  g_assert_cmpstr (path, ==, c0);
  g_assert_cmpstr (lab_dataset_image_name (load->dataset, 3), ==, "Person 01");
  g_assert_false (lab_dataset_image_is_caricature (load->dataset, 3));
  g_assert_true (lab_dataset_image_is_caricature (load->dataset, 2));
  g_assert_null (lab_dataset_image_path (load->dataset, -1));

  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  for (int i = 0; i < n; i++)
    g_ptr_array_add (items, lab_pair_item_new (i, &pairs[i], TRUE, NULL, NULL));
  g_autoptr (GArray) thresholds = g_array_new (FALSE, FALSE, sizeof (double));
  for (int k = -100; k <= 100; k += 5)
    {
      double t = k / 100.0;
      g_array_append_val (thresholds, t);
      t += 0.005;
      g_array_append_val (thresholds, t);
    }
  for (int i = 0; i < n; i += 37)
    {
      double t = pairs[i].score;
      g_array_append_val (thresholds, t);
    }
  double stored_threshold = r->threshold;
  g_array_append_val (thresholds, stored_threshold);
  for (guint k = 0; k < thresholds->len; k++)
    {
      double t = g_array_index (thresholds, double, k);
      GArray *fp_raw, *fn_raw;
      cari_error_pairs (pairs, n, t, &fp_raw, &fn_raw);
      g_autoptr (GArray) fp = fp_raw, fn = fn_raw;
      g_autofree guint8 *verdicts = g_new (guint8, n);
      cari_pair_set_verdicts (load->set, t, verdicts);
      g_autofree guint8 *expected = g_new0 (guint8, n);
      for (guint i = 0; i < fp->len; i++)
        expected[g_array_index (fp, int, i)] = 1;
      for (guint i = 0; i < fn->len; i++)
        expected[g_array_index (fn, int, i)] = 2;
      CariPairCounts c;
      cari_pair_set_count (load->set, t, &c);
      g_assert_cmpuint (c.fp, ==, fp->len);
      g_assert_cmpuint (c.fn, ==, fn->len);
      /* Errors, hardest first: the order of cari_error_pairs within each kind. */
      g_autoptr (GArray) errors = g_array_new (FALSE, FALSE, sizeof (int));
      for (int i = 0; i < n; i++)
        {
          LabPairItem *item = g_ptr_array_index (items, i);
          lab_pair_item_set_threshold (item, t);
          g_assert_cmpint (lab_pair_item_get_verdict (item), ==, verdicts[i]);
          int want = verdicts[i] == CARI_VERDICT_FP ? 1 : verdicts[i] == CARI_VERDICT_FN ? 2 : 0;
          g_assert_cmpint (want, ==, expected[i]);
          g_assert_cmpfloat (lab_pair_item_get_margin (item), ==, (double) pairs[i].score - t);
          if (want != 0)
            g_array_append_val (errors, i);
        }
      for (guint i = 1; i < errors->len; i++)
        for (guint j = i; j > 0; j--)
          {
            int x = g_array_index (errors, int, j - 1), y = g_array_index (errors, int, j);
            LabPairItem *ix = g_ptr_array_index (items, x), *iy = g_ptr_array_index (items, y);
            if (cari_pair_compare (CARI_PAIR_ORDER_HARDEST, lab_pair_item_get_hardness (ix),
                                  pairs[x].score, x, lab_pair_item_get_hardness (iy),
                                  pairs[y].score, y)
                > 0)
              {
                g_array_index (errors, int, j - 1) = y;
                g_array_index (errors, int, j) = x;
              }
          }
      guint next_fp = 0, next_fn = 0;
      for (guint i = 0; i < errors->len; i++)
        {
          int e = g_array_index (errors, int, i);
          if (pairs[e].same)
            g_assert_cmpint (e, ==, g_array_index (fn, int, next_fn++));
          else
            g_assert_cmpint (e, ==, g_array_index (fp, int, next_fp++));
        }
      g_assert_cmpuint (next_fp, ==, fp->len);
      g_assert_cmpuint (next_fn, ==, fn->len);
    }
}

/* ------------------------------------------------------------------------------ widgets */

static gboolean
cache_idle (gpointer data)
{
  return lab_thumbnail_cache_get_n_pending (data) == 0;
}

static void
test_thumbnail_cache (Store *s, gconstpointer data)
{
  LabThumbnailCache *cache = lab_thumbnail_cache_new (16, 2);
  g_autofree char *c0 = g_build_filename (s->dir, "c00.png", NULL);
  g_autofree char *p0 = g_build_filename (s->dir, "p00.png", NULL);
  g_autofree char *missing = g_build_filename (s->dir, "c05.png", NULL);
  gboolean failed = TRUE;
  g_assert_null (lab_thumbnail_cache_lookup (cache, c0, TRUE, &failed));
  g_assert_false (failed);
  g_assert_null (lab_thumbnail_cache_lookup (cache, c0, TRUE, NULL)); /* asked once */
  g_assert_cmpuint (lab_thumbnail_cache_get_n_pending (cache), ==, 1);
  g_assert_null (lab_thumbnail_cache_lookup (cache, missing, TRUE, NULL));
  ui_test_wait_for (cache_idle, cache, 20, "the thumbnails");
  GdkTexture *t = lab_thumbnail_cache_lookup (cache, c0, FALSE, &failed);
  g_assert_nonnull (t);
  g_assert_false (failed);
  /* 40 × 30 fitted into 16 × 16, the aspect kept. */
  g_assert_cmpint (gdk_texture_get_width (t), ==, 16);
  g_assert_cmpint (gdk_texture_get_height (t), ==, 12);
  g_assert_null (lab_thumbnail_cache_lookup (cache, missing, FALSE, &failed));
  g_assert_true (failed);
  /* Capacity 2: the least recently used goes. c0 was looked up last; p0 pushes out missing. */
  lab_thumbnail_cache_lookup (cache, c0, FALSE, NULL);
  lab_thumbnail_cache_lookup (cache, p0, TRUE, NULL);
  ui_test_wait_for (cache_idle, cache, 20, "the photo");
  g_assert_cmpuint (lab_thumbnail_cache_get_n_cached (cache), ==, 2);
  g_assert_nonnull (lab_thumbnail_cache_lookup (cache, c0, FALSE, NULL));
  g_assert_nonnull (lab_thumbnail_cache_lookup (cache, p0, FALSE, NULL));
  g_assert_null (lab_thumbnail_cache_lookup (cache, missing, FALSE, &failed));
  g_assert_false (failed);
  /* Requests still queued when the cache goes are dropped, not leaked. */
  for (int k = 1; k < N_IDENTITIES; k++)
    {
      g_autofree char *name = g_strdup_printf ("p%02d.png", k);
      g_autofree char *path = g_build_filename (s->dir, name, NULL);
      lab_thumbnail_cache_lookup (cache, path, TRUE, NULL);
    }
  ui_test_settle ();
  g_assert_finalize_object (cache);
}

static void
test_histogram (void)
{
  LabScoreHistogram *h = g_object_ref_sink (LAB_SCORE_HISTOGRAM (lab_score_histogram_new ()));
  g_autoptr (GArray) pairs = hand_pairs ();
  g_autoptr (CariPairSet) set = cari_pair_set_new ((CariPairScore *) (void *) pairs->data,
                                                 (int) pairs->len, 0.3);
  lab_score_histogram_set_pairs (h, set);
  /* Scores −0.875 … 0.875, 2 % padding each side: the plot spans x 52 … 386 of 400. */
  double lo = -0.875 - 0.035, hi = 0.875 + 0.035;
  g_assert_cmpfloat_with_epsilon (lab_score_histogram_x_of_score (h, 400, lo), 52.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_score_histogram_x_of_score (h, 400, hi), 386.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_score_histogram_x_of_score (h, 400, 0.0), 219.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_score_histogram_score_at (h, 400, 219.0), 0.0, 1e-9);
  /* Outside the plot, held at its ends. */
  g_assert_cmpfloat_with_epsilon (lab_score_histogram_score_at (h, 400, 0.0), lo, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_score_histogram_x_of_score (h, 400, 5.0), 386.0, 1e-9);
  gboolean notified = FALSE;
  g_signal_connect_swapped (h, "notify::threshold", G_CALLBACK (ui_test_set_flag), &notified);
  lab_score_histogram_set_threshold (h, 0.25);
  g_assert_true (notified);
  g_assert_cmpfloat (lab_score_histogram_get_threshold (h), ==, 0.25);
  notified = FALSE;
  lab_score_histogram_set_threshold (h, 0.25);
  g_assert_false (notified);
  g_assert_false (lab_score_histogram_get_dragging (h));
  g_assert_finalize_object (h);
}

typedef struct
{
  LabErrorsView *view;
  guint n;
} Expect;

static gboolean
model_holds (gpointer data)
{
  Expect *e = data;
  return g_list_model_get_n_items (lab_errors_view_get_model (e->view)) == e->n;
}

static guint
n_errors (Store *s, gint64 evaluation, double threshold)
{
  g_autoptr (CariEvalResult) r = stored (s, evaluation);
  GArray *fp, *fn;
  cari_error_pairs ((CariPairScore *) (void *) r->pairs->data, (int) r->pairs->len, threshold,
                    &fp, &fn);
  guint n = fp->len + fn->len;
  g_array_unref (fp);
  g_array_unref (fn);
  return n;
}

/* The gallery's items are in hardest-first order at the view's threshold. */
static void
assert_hardest_first (LabErrorsView *view)
{
  GListModel *model = lab_errors_view_get_model (view);
  guint n = g_list_model_get_n_items (model);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr (LabPairItem) x = g_list_model_get_item (model, i - 1);
      g_autoptr (LabPairItem) y = g_list_model_get_item (model, i);
      g_assert_cmpint (cari_pair_compare (CARI_PAIR_ORDER_HARDEST, lab_pair_item_get_hardness (x),
                                         lab_pair_item_get_score (x), lab_pair_item_get_index (x),
                                         lab_pair_item_get_hardness (y),
                                         lab_pair_item_get_score (y),
                                         lab_pair_item_get_index (y)),
                       <, 0);
    }
}

static gboolean
tile_with_thumbnails (GtkWidget *widget)
{
  if (LAB_IS_PAIR_TILE (widget) && lab_pair_tile_get_n_thumbnails (LAB_PAIR_TILE (widget)) == 2)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (tile_with_thumbnails (c))
      return TRUE;
  return FALSE;
}

static LabPairTile *
find_tile (GtkWidget *widget)
{
  if (LAB_IS_PAIR_TILE (widget) && gtk_widget_get_mapped (widget)
      && lab_pair_tile_get_item (LAB_PAIR_TILE (widget)) != NULL)
    return LAB_PAIR_TILE (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      LabPairTile *tile = find_tile (c);
      if (tile != NULL)
        return tile;
    }
  return NULL;
}

static gboolean
thumbnails_shown (gpointer data)
{
  return tile_with_thumbnails (data);
}

static gboolean
pair_images_shown (gpointer data)
{
  return lab_pair_window_get_n_images (data) == 2;
}

static void
test_view (Store *s, gconstpointer data)
{
  g_autoptr (LabStoreGateway) gateway = lab_store_gateway_new (s->db);
  LabErrorsView *view = g_object_ref_sink (LAB_ERRORS_VIEW (lab_errors_view_new (gateway)));
  gboolean loaded = FALSE;
  g_signal_connect_swapped (view, "loaded", G_CALLBACK (ui_test_set_flag), &loaded);
  lab_errors_view_set_evaluation (view, s->evaluations[0]);
  ui_test_wait_flag (&loaded, "the pairs");
  Expect e = { view, n_errors (s, s->evaluations[0], 0.15) };
  g_assert_cmpuint (e.n, >, 20);
  ui_test_wait_for (model_holds, &e, 20, "the false positives and negatives");
  g_assert_cmpuint (g_list_model_get_n_items (lab_errors_view_get_items (view)), ==, N_PAIRS);
  g_assert_cmpint (lab_errors_view_get_threshold_origin (view), ==, CARI_THRESHOLD_SELECTION);
  g_assert_cmpfloat (lab_errors_view_get_threshold (view), ==, 0.15);
  g_assert_cmpuint (lab_errors_view_get_verdicts (view), ==, CARI_VERDICT_ERRORS);
  assert_hardest_first (view);
  /* Photo-first pairs show their caricature on the left, with its identity. */
  g_autoptr (LabPairItem) third = NULL;
  GListModel *items = lab_errors_view_get_items (view);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (LabPairItem) item = g_list_model_get_item (items, i);
      if (lab_pair_item_get_index (item) == 3)
        third = g_object_ref (item);
      /* By score, highest first. */
      if (i > 0)
        {
          g_autoptr (LabPairItem) before = g_list_model_get_item (items, i - 1);
          g_assert_cmpfloat (lab_pair_item_get_score (before), >=, lab_pair_item_get_score (item));
        }
    }
  g_assert_nonnull (third);
  g_assert_cmpint (lab_pair_item_get_image_a (third) % 2, ==, 1);
  g_assert_cmpint (lab_pair_item_get_caricature (third) % 2, ==, 0);
  g_assert_cmpint (lab_pair_item_get_caricature (third), ==, lab_pair_item_get_image_b (third));
  g_assert_cmpstr (lab_pair_item_get_caricature_name (third), ==, "Person 03");

  /* Mapped in a window: tiles bind, thumbnails arrive from the pool. */
  GtkWidget *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 800);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  /* The genuine pairs of images 0 and 1 (the files on disk) first. */
  const int first_images[] = { 0, 1 };
  const guint genuine = CARI_VERDICT_FLAG (CARI_VERDICT_TP) | CARI_VERDICT_FLAG (CARI_VERDICT_FN);
  lab_errors_view_set_image_filter (view, first_images, 2);
  lab_errors_view_set_verdicts (view, genuine);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_wait_for (thumbnails_shown, window, 20, "a tile with both thumbnails");

  /* The image filter: only pairs of images 0 or 1, whatever their verdict. */
  guint with_images = 0;
  g_autoptr (CariEvalResult) r = stored (s, s->evaluations[0]);
  for (guint i = 0; i < r->pairs->len; i++)
    {
      const CariPairScore *p = &g_array_index (r->pairs, CariPairScore, i);
      with_images += p->a <= 1 || p->b <= 1;
    }
  lab_errors_view_set_verdicts (view, CARI_VERDICT_ALL);
  e.n = with_images;
  g_assert_cmpuint (e.n, >, 0);
  ui_test_wait_for (model_holds, &e, 20, "the pairs of two images");
  lab_errors_view_set_image_filter (view, NULL, 0);
  lab_errors_view_set_verdicts (view, CARI_VERDICT_ERRORS);

  /* Dragging: the count follows every move, the order once the drag ends. */
  double t1 = 0.4;
  lab_errors_view_move_threshold (view, t1, FALSE);
  g_assert_cmpint (lab_errors_view_get_threshold_origin (view), ==, CARI_THRESHOLD_DRAGGED);
  e.n = n_errors (s, s->evaluations[0], t1);
  g_assert_cmpuint (e.n, !=, n_errors (s, s->evaluations[0], 0.15));
  ui_test_wait_for (model_holds, &e, 20, "the errors at 0.4");
  lab_errors_view_move_threshold (view, t1, TRUE);
  assert_hardest_first (view);
  /* A tile on screen says its score and its margin at the new threshold. */
  ui_test_drain ();
  LabPairTile *tile = find_tile (window);
  g_assert_nonnull (tile);
  LabPairItem *on_tile = lab_pair_tile_get_item (tile);
  g_autofree char *line = lab_pair_tile_get_text (tile, 2);
  g_autofree char *want_line = g_strdup_printf ("score %.3f, margin %+.3f",
                                                lab_pair_item_get_score (on_tile),
                                                (double) lab_pair_item_get_score (on_tile) - t1);
  g_assert_cmpstr (line, ==, want_line);
  g_assert_true (cari_verdict_is_error (lab_pair_item_get_verdict (on_tile)));
  g_assert_null (lab_pair_tile_get_text (tile, 3));
  CariPairCounts c;
  lab_errors_view_get_counts (view, &c);
  g_assert_cmpuint (c.fp + c.fn, ==, e.n);
  /* The histogram's line reports a move as a drag does. */
  LabScoreHistogram *histogram = LAB_SCORE_HISTOGRAM (
    gtk_widget_get_template_child (GTK_WIDGET (view), LAB_TYPE_ERRORS_VIEW, "histogram"));
  g_signal_emit_by_name (histogram, "threshold-moved", -0.1);
  g_assert_cmpfloat (lab_errors_view_get_threshold (view), ==, -0.1);
  e.n = n_errors (s, s->evaluations[0], -0.1);
  ui_test_wait_for (model_holds, &e, 20, "the errors at −0.1");
  assert_hardest_first (view);

  /* Verdict toggles: true positives only. */
  lab_errors_view_set_verdicts (view, CARI_VERDICT_FLAG (CARI_VERDICT_TP));
  lab_errors_view_get_counts (view, &c);
  e.n = c.tp;
  ui_test_wait_for (model_holds, &e, 20, "the true positives");
  /* By score, highest first. */
  lab_errors_view_set_order (view, CARI_PAIR_ORDER_SCORE);
  g_autoptr (LabPairItem) top = g_list_model_get_item (lab_errors_view_get_model (view), 0);
  g_autoptr (LabPairItem) second = g_list_model_get_item (lab_errors_view_get_model (view), 1);
  g_assert_cmpfloat (lab_pair_item_get_score (top), >=, lab_pair_item_get_score (second));
  lab_errors_view_set_order (view, CARI_PAIR_ORDER_HARDEST);
  lab_errors_view_set_verdicts (view, CARI_VERDICT_ERRORS);

  /* Origins. */
  CariPairSet *set = lab_errors_view_get_pair_set (view);
  g_assert_true (lab_errors_view_snap_threshold (view, CARI_THRESHOLD_FAR_1));
  g_assert_cmpint (lab_errors_view_get_threshold_origin (view), ==, CARI_THRESHOLD_FAR_1);
  g_assert_cmpfloat (lab_errors_view_get_threshold (view), ==,
                     cari_pair_set_threshold_at_far (set, 1e-2));
  lab_errors_view_get_counts (view, &c);
  g_assert_cmpfloat (c.fmr, <=, 1e-2);
  g_assert_true (lab_errors_view_snap_threshold (view, CARI_THRESHOLD_EER));
  g_assert_false (lab_errors_view_snap_threshold (view, CARI_THRESHOLD_DRAGGED));
  g_assert_true (lab_errors_view_snap_threshold (view, CARI_THRESHOLD_SELECTION));
  e.n = n_errors (s, s->evaluations[0], 0.15);
  ui_test_wait_for (model_holds, &e, 20, "the errors at the selection threshold");

  /* Comparing with run 1 at FAR 1 %. */
  g_assert_cmpuint (lab_errors_view_get_comparable (view)->len, ==, 1);
  gboolean compared = FALSE;
  g_signal_connect_swapped (view, "compared", G_CALLBACK (ui_test_set_flag), &compared);
  lab_errors_view_compare_with (view, s->evaluations[1], 1e-2);
  ui_test_wait_flag (&compared, "the comparison");
  g_autoptr (CariStore) store = cari_store_open (s->db, CARI_STORE_READ_ONLY, NULL);
  g_autoptr (LabPairLoad) other = lab_pair_load (store, s->evaluations[1], NULL, NULL);
  g_autofree int *match = cari_pair_set_match (set, other->set);
  g_autofree guint8 *classes = g_new (guint8, N_PAIRS);
  CariDiffCounts want, got;
  cari_pair_set_diff (set, cari_pair_set_threshold_at_far (set, 1e-2), other->set,
                     cari_pair_set_threshold_at_far (other->set, 1e-2), match, classes, &want);
  lab_errors_view_get_diff_counts (view, &got);
  g_assert_cmpuint (want.unmatched, ==, 0);
  g_assert_cmpuint (got.fixed, ==, want.fixed);
  g_assert_cmpuint (got.broken, ==, want.broken);
  g_assert_cmpuint (got.both_wrong, ==, want.both_wrong);
  g_assert_cmpuint (want.fixed + want.broken, >, 0);
  /* The tiles show B's score and verdict, and where B's threshold comes from. */
  ui_test_drain ();
  tile = find_tile (window);
  g_assert_nonnull (tile);
  g_autofree char *other_line = lab_pair_tile_get_text (tile, 3);
  g_assert_nonnull (other_line);
  g_assert_true (g_str_has_suffix (other_line, " at FAR 1 %"));
  const CariDiffClass kinds[] = { CARI_DIFF_FIXED, CARI_DIFF_BROKEN, CARI_DIFF_BOTH_WRONG };
  const guint counts[] = { want.fixed, want.broken, want.both_wrong };
  for (int k = 0; k < 3; k++)
    {
      lab_errors_view_set_diff_filter (view, kinds[k]);
      /* This run's threshold moves to the comparison's FAR. */
      g_assert_cmpint (lab_errors_view_get_threshold_origin (view), ==, CARI_THRESHOLD_FAR_1);
      e.n = counts[k];
      ui_test_wait_for (model_holds, &e, 20, "a difference class");
      for (guint i = 0; i < e.n; i++)
        {
          g_autoptr (LabPairItem) item = g_list_model_get_item (lab_errors_view_get_model (view),
                                                                i);
          g_assert_cmpint (lab_pair_item_get_diff (item), ==, kinds[k]);
          g_assert_cmpint (classes[lab_pair_item_get_index (item)], ==, kinds[k]);
          const CariPairScore *b = &cari_pair_set_get_pairs (other->set)[match[lab_pair_item_get_index (item)]];
          g_assert_cmpfloat (lab_pair_item_get_other_score (item), ==, b->score);
        }
    }
  lab_errors_view_set_diff_filter (view, CARI_DIFF_UNMATCHED);
  lab_errors_view_compare_with (view, 0, 1e-2);
  lab_errors_view_get_diff_counts (view, &got);
  g_assert_cmpuint (got.fixed + got.broken + got.both_wrong, ==, 0);

  /* A tile opens its pair full size, both images decoded: a genuine pair of images 0 and 1. */
  lab_errors_view_set_image_filter (view, first_images, 1);
  lab_errors_view_set_verdicts (view, genuine);
  g_autoptr (LabPairItem) shown = g_list_model_get_item (lab_errors_view_get_model (view), 0);
  g_assert_nonnull (shown);
  g_assert_cmpint (lab_pair_item_get_caricature (shown), ==, 0);
  g_assert_cmpint (lab_pair_item_get_photo (shown), ==, 1);
  GtkWidget *pair = lab_errors_view_open_pair (view, 0);
  g_assert_true (LAB_IS_PAIR_WINDOW (pair));
  g_object_ref (pair);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (pair)));
  ui_test_wait_for (pair_images_shown, pair, 20, "the full-size pair");
  gtk_window_destroy (GTK_WINDOW (pair));
  ui_test_settle ();
  g_assert_finalize_object (pair);
  g_assert_null (lab_errors_view_open_pair (view, 100000));

  /* Clearing shows nothing. */
  lab_errors_view_set_evaluation (view, 0);
  g_assert_cmpuint (g_list_model_get_n_items (lab_errors_view_get_model (view)), ==, 0);

  ui_test_settle ();
  gtk_window_set_child (GTK_WINDOW (window), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_settle ();
  g_assert_finalize_object (view);
}

static void
count (gpointer counter)
{
  (*(int *) counter)++;
}

/* A second evaluation asked for while the first loads: only the second is shown; a view torn
 * down while it loads drops the load, and nothing leaks. */
static void
test_view_cancelled (Store *s, gconstpointer data)
{
  g_autoptr (LabStoreGateway) gateway = lab_store_gateway_new (s->db);
  LabErrorsView *view = g_object_ref_sink (LAB_ERRORS_VIEW (lab_errors_view_new (gateway)));
  int loads = 0;
  g_signal_connect_swapped (view, "loaded", G_CALLBACK (count), &loads);
  lab_errors_view_set_evaluation (view, s->evaluations[0]);
  lab_errors_view_set_evaluation (view, s->evaluations[1]);
  g_assert_cmpint (lab_errors_view_get_evaluation (view), ==, s->evaluations[1]);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (loads == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  /* Time for the first load to finish too, were it not cancelled. */
  for (int i = 0; i < 10; i++)
    ui_test_settle ();
  g_assert_cmpint (loads, ==, 1);
  g_assert_cmpfloat (lab_errors_view_get_threshold (view), ==, 0.15 + 0.02);
  lab_errors_view_set_evaluation (view, s->evaluations[0]);
  ui_test_settle ();
  g_assert_finalize_object (view);
}

int
main (int argc, char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;
  g_test_add_func ("/errors/verdicts", test_verdicts);
  g_test_add_func ("/errors/threshold-origins", test_threshold_origins);
  g_test_add_func ("/errors/filters-and-orders", test_filters_and_orders);
  g_test_add_func ("/errors/diff", test_diff);
  g_test_add_func ("/errors/histogram", test_histogram);
  g_test_add ("/errors/loaded-like-error-pairs", Store, NULL, store_setup,
              test_loaded_like_error_pairs, store_teardown);
  g_test_add ("/errors/thumbnail-cache", Store, NULL, store_setup, test_thumbnail_cache,
              store_teardown);
  g_test_add ("/errors/view", Store, NULL, store_setup, test_view, store_teardown);
  g_test_add ("/errors/view-cancelled", Store, NULL, store_setup, test_view_cancelled,
              store_teardown);
  return g_test_run ();
}
