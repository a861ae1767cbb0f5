/* test-verification.c — AUC against pair counting, EER and VAL@FAR by hand, 10-fold threshold
 * selection that never looks at the held-out fold, stratified folds, and bad inputs. */
#include <cari.h>
#include <math.h>
#include <string.h>

static void
test_auc_counts_pairs (void)
{
  /* AUC = P(score of a same pair > score of a different pair), ties counting one half. */
  const int n = 300;
  float scores[300];
  guint8 same[300];
  GRand *rand = g_rand_new_with_seed (3);
  for (int i = 0; i < n; i++)
    {
      same[i] = g_rand_boolean (rand);
      /* Coarse scores, so there are many ties. */
      scores[i] = (float) g_rand_int_range (rand, 0, 20) / 20.0f + (same[i] ? 0.2f : 0.0f);
    }
  g_rand_free (rand);
  double wins = 0;
  long pairs = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      if (same[i] && !same[j])
        {
          wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
          pairs++;
        }
  g_assert_cmpfloat_with_epsilon (cari_auc (scores, same, n), wins / pairs, 1e-12);

  /* Perfectly separated: 1; reversed: 0. */
  float s2[4] = { 0.9f, 0.8f, 0.2f, 0.1f };
  guint8 y2[4] = { 1, 1, 0, 0 }, r2[4] = { 0, 0, 1, 1 };
  g_assert_cmpfloat (cari_auc (s2, y2, 4), ==, 1.0);
  g_assert_cmpfloat (cari_auc (s2, r2, 4), ==, 0.0);
}

static void
test_eer_by_hand (void)
{
  /* Same pairs 0.9, 0.8, 0.4; different pairs 0.7, 0.3, 0.2. Accepting ≥ 0.7: FAR 1/3 and
   * FRR 1/3 — the equal error rate. */
  float s[6] = { 0.9f, 0.8f, 0.4f, 0.7f, 0.3f, 0.2f };
  guint8 y[6] = { 1, 1, 1, 0, 0, 0 };
  double thr;
  g_assert_cmpfloat_with_epsilon (cari_eer (s, y, 6, &thr), 1.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (thr, 0.7, 1e-6);
  g_autoptr (GArray) roc = cari_roc (s, y, 6);
  g_assert_cmpuint (roc->len, ==, 7);
  const CariRocPoint *last = &g_array_index (roc, CariRocPoint, roc->len - 1);
  g_assert_cmpfloat (last->far, ==, 1.0);
  g_assert_cmpfloat (last->tar, ==, 1.0);
}

static void
test_threshold_from_other_folds (void)
{
  /* Fold 1: same 0.6, different 0.5. Fold 2: same 0.4, different 0.3. A threshold learnt on
   * fold 2 (0.35) accepts both pairs of fold 1; one learnt on fold 1 (0.55) rejects both of
   * fold 2: accuracy 1/2 on each. Choosing on all pairs would do better: the held-out fold must
   * not be looked at. */
  float s[4] = { 0.6f, 0.5f, 0.4f, 0.3f };
  guint8 y[4] = { 1, 0, 1, 0 };
  int folds[4] = { 0, 0, 1, 1 };
  CariVerification v;
  g_autoptr (GError) error = NULL;
  g_assert_true (cari_verification_evaluate (s, y, folds, 4, 2, 1, &v, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (v.accuracy.mean, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (v.accuracy.std, 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (v.threshold, (0.35 + 0.55) / 2, 1e-6);
  g_assert_cmpfloat (v.auc.mean, ==, 1.0); /* each fold alone is separable */
}

static void
test_val_at_far (void)
{
  /* Two folds alike: 1000 different pairs at i/1000 and 10 same pairs at 0.9985. FAR 0.1 %
   * needs a threshold of 0.999, above the same pairs: VAL 0. FAR 1 % needs 0.99: VAL 1. */
  const int per = 1010, n = 2 * per;
  g_autofree float *s = g_new (float, n);
  g_autofree guint8 *y = g_new (guint8, n);
  g_autofree int *folds = g_new (int, n);
  for (int k = 0; k < 2; k++)
    for (int i = 0; i < per; i++)
      {
        int j = k * per + i;
        folds[j] = k;
        y[j] = i >= 1000;
        s[j] = i < 1000 ? (float) i / 1000.0f : 0.9985f;
      }
  CariVerification v;
  g_assert_true (cari_verification_evaluate (s, y, folds, n, 2, 1, &v, NULL));
  g_assert_cmpfloat (v.far_targets[0], ==, 1e-3);
  g_assert_cmpfloat_with_epsilon (v.val_at_far[0].mean, 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (v.val_at_far[1].mean, 1.0, 1e-12);
  /* One different pair (0.999) scores above every same pair: EER 1/1000. */
  g_assert_cmpfloat_with_epsilon (v.eer.mean, 0.001, 1e-9);
}

static void
test_stratified_folds (void)
{
  /* CaVI-style list: all same pairs first. Every fold still gets both classes. */
  guint8 y[100];
  for (int i = 0; i < 100; i++)
    y[i] = i < 30;
  g_autofree int *a = cari_verification_folds (y, 100, 10, 5);
  g_autofree int *b = cari_verification_folds (y, 100, 10, 5);
  g_assert_cmpmem (a, sizeof (int) * 100, b, sizeof (int) * 100);
  for (int k = 0; k < 10; k++)
    {
      int pos = 0, all = 0;
      for (int i = 0; i < 100; i++)
        if (a[i] == k)
          {
            all++;
            pos += y[i];
          }
      g_assert_cmpint (pos, ==, 3);
      g_assert_cmpint (all, ==, 10);
    }
}

static void
test_bad_input (void)
{
  float s[4] = { 0.6f, 0.5f, 0.4f, 0.3f };
  guint8 y[4] = { 1, 1, 0, 0 };
  int folds[4] = { 0, 0, 1, 1 }, wild[4] = { 0, 1, 7, 1 };
  CariVerification v;
  g_autoptr (GError) error = NULL;
  g_assert_false (cari_verification_evaluate (s, y, folds, 4, 2, 1, &v, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "Fold 1"));
  g_clear_error (&error);
  g_assert_false (cari_verification_evaluate (s, y, wild, 4, 2, 1, &v, &error));
  g_assert_nonnull (strstr (error->message, "fold 8"));
  g_clear_error (&error);
  g_assert_false (cari_verification_evaluate (s, y, NULL, 1, 2, 1, &v, &error));
}

/* TAR at a FAR read off the ROC of the pairs themselves: the most accepting threshold whose
 * FAR is within the target. */
static void
test_tar_at_far_from_roc (void)
{
  const float s[] = { 0.9f, 0.8f, 0.7f, 0.4f, 0.85f, 0.3f, 0.2f, 0.1f };
  const guint8 y[] = { 1, 1, 1, 1, 0, 0, 0, 0 };
  double t;
  g_assert_cmpfloat_with_epsilon (cari_tar_at_far (s, y, 8, 0.0, &t), 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (t, 0.9, 1e-6);
  g_assert_cmpfloat_with_epsilon (cari_tar_at_far (s, y, 8, 0.1, &t), 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (cari_tar_at_far (s, y, 8, 0.25, &t), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (t, 0.4, 1e-6);
  g_assert_cmpfloat_with_epsilon (cari_tar_at_far (s, y, 8, 0.49, &t), 1.0, 1e-12);
}

static void
test_cmc_by_hand (void)
{
  /* Gallery: identity 7 at (1, 0), identity 9 at (0, 1) and (0.6, 0.8), identity 4 at (−1, 0).
   * Probe A (identity 9) at (0.8, 0.6): its own identity scores 0.96 through its second image
   * (an identity counts with its best image), above 7's 0.8: rank 1. Probe B (identity 4) at (0.6, 0.8): 9 first,
   * then 7, then 4: rank 3. Probe C (identity 5, not in the gallery): a miss at every rank. */
  const float gallery[] = { 1, 0, 0, 1, 0.6f, 0.8f, -1, 0 };
  const int gids[] = { 7, 9, 9, 4 };
  const float probes[] = { 0.8f, 0.6f, 0.6f, 0.8f, 0, 1 };
  const int pids[] = { 9, 4, 5 };
  int K;
  g_autoptr (GError) error = NULL;
  g_autofree double *cmc = cari_identification_cmc (gallery, gids, 4, probes, pids, 3, 2, &K,
                                                    &error);
  g_assert_no_error (error);
  g_assert_cmpint (K, ==, 3);
  g_assert_cmpfloat_with_epsilon (cmc[0], 1.0 / 3.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (cmc[1], 1.0 / 3.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (cmc[2], 2.0 / 3.0, 1e-9);
  g_assert_null (cari_identification_cmc (gallery, gids, 0, probes, pids, 3, 2, &K, &error) );

  /* Argmax accuracy skips unlabelled rows. */
  const float scores[] = { 0.1f, 0.9f, 0.8f, 0.2f, 0.5f, 0.5f };
  const int labels[] = { 1, 1, -1 };
  g_assert_cmpfloat (cari_argmax_accuracy (scores, labels, 3, 2), ==, 0.5);
}

/* Ties are broken at random, in expectation: a collapsed model, whose embeddings are all equal,
 * scores rank-k = k / G for a gallery of G identities (chance), not 100 %; argmax likewise. */
static void
test_ties_earn_their_share (void)
{
  enum { G = 8, PROBES = 5, DIM = 3 };
  float gallery[G * DIM], probes[PROBES * DIM];
  int gids[G], pids[PROBES];
  for (int i = 0; i < G * DIM; i++)
    gallery[i] = 0.5f;
  for (int i = 0; i < PROBES * DIM; i++)
    probes[i] = 0.5f;
  for (int g = 0; g < G; g++)
    gids[g] = 100 + g;
  for (int p = 0; p < PROBES; p++)
    pids[p] = 100 + (p * 3) % G;
  int K;
  g_autoptr (GError) error = NULL;
  g_autofree double *cmc = cari_identification_cmc (gallery, gids, G, probes, pids, PROBES, DIM,
                                                    &K, &error);
  g_assert_no_error (error);
  g_assert_cmpint (K, ==, G);
  for (int k = 1; k <= G; k++)
    g_assert_cmpfloat_with_epsilon (cmc[k - 1], (double) k / G, 1e-12);

  /* Two identities tied above a third: the probe of one of them is at rank 1 or 2. */
  const float g2[] = { 1, 0, 1, 0, 0, 1 };
  const int gid2[] = { 1, 2, 3 };
  const float p2[] = { 1, 0 };
  const int pid2[] = { 2 };
  g_autofree double *c2 = cari_identification_cmc (g2, gid2, 3, p2, pid2, 1, 2, &K, &error);
  g_assert_cmpfloat_with_epsilon (c2[0], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (c2[1], 1.0, 1e-12);

  /* Four classes all scored alike: a quarter right. */
  const float flat[] = { 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f };
  const int labels[] = { 0, 3 };
  g_assert_cmpfloat_with_epsilon (cari_argmax_accuracy (flat, labels, 2, 4), 0.25, 1e-12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/verification/auc-counts-pairs", test_auc_counts_pairs);
  g_test_add_func ("/verification/eer-by-hand", test_eer_by_hand);
  g_test_add_func ("/verification/threshold-from-other-folds", test_threshold_from_other_folds);
  g_test_add_func ("/verification/val-at-far", test_val_at_far);
  g_test_add_func ("/verification/stratified-folds", test_stratified_folds);
  g_test_add_func ("/verification/bad-input", test_bad_input);
  g_test_add_func ("/verification/tar-at-far-from-roc", test_tar_at_far_from_roc);
  g_test_add_func ("/identification/cmc-by-hand", test_cmc_by_hand);
  g_test_add_func ("/identification/ties-earn-their-share", test_ties_earn_their_share);
  return g_test_run ();
}
