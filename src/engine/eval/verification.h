/* verification.h — verification metrics from pair scores (higher = more similar), computed the
 * way face-recognition benchmarks do (REFERENCE.md §4, without the authors' bugs):
 *
 * - ROC and DET: true- and false-accept rates at every distinct score threshold;
 * - AUC (trapezoids over the ROC, ties handled exactly) and EER (where FAR = FRR, interpolated);
 * - accuracy with 10-fold threshold selection: the best-accuracy threshold of nine folds is
 *   applied to the tenth;
 * - VAL (TAR) at a target FAR: the threshold reaching that FAR on the nine training folds
 *   (interpolated), VAL measured on the held-out fold — not on the training folds;
 * - every figure as mean ± standard deviation over the folds.
 * Pair lists without folds (CaVI's testing_1) get shuffled, stratified folds from a seed, so no
 * fold is single-class.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double mean, std;
} CariStat;

typedef struct
{
  int      n_folds;
  CariStat accuracy;
  CariStat auc;
  CariStat eer;
  CariStat val_at_far[2];   /* at far_targets[0] and [1] */
  double   far_targets[2];  /* 1e-3 and 1e-2 */
  double   threshold;       /* mean of the folds' accuracy thresholds */
} CariVerification;

/* One point of a ROC curve: at scores ≥ threshold a pair is accepted. */
typedef struct
{
  double threshold, far, tar;
} CariRocPoint;

/* ROC over all pairs (sorted by decreasing threshold, from (0, 0) to (1, 1)); the array owns its
 * points. AUC of the same pairs. */
GArray  *cari_roc (const float *scores, const guint8 *same, int n);
double   cari_auc (const float *scores, const guint8 *same, int n);
/* The true accept rate at `far` read off the ROC of all the pairs — the threshold set on the
 * very pairs it is measured on, as WebCaricature's baselines report it (not held out: see
 * cari_verification_evaluate's VAL) — with its threshold (+∞ when even the strictest accepts
 * too many impostors). With I impostor pairs the figure rests on ⌊far·I⌋ false accepts. */
double   cari_tar_at_far (const float *scores, const guint8 *same, int n, double far,
                          double *threshold);
/* EER and the threshold where it holds. */
double   cari_eer (const float *scores, const guint8 *same, int n, double *threshold);

/* Fold of every pair: the given folds (values 0 … n_folds − 1), or, when folds is NULL,
 * shuffled folds stratified by label from `seed`. */
int     *cari_verification_folds (const guint8 *same, int n, int n_folds, guint64 seed);

/* The protocol's figures. folds may be NULL (then n_folds stratified folds from seed). Errors name
 * what is wrong: no pairs, a fold without both classes, fold numbers out of range. */
gboolean cari_verification_evaluate (const float *scores, const guint8 *same, const int *folds,
                                     int n, int n_folds, guint64 seed, CariVerification *out,
                                     GError **error);

G_END_DECLS
