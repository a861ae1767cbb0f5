/* stats.h — the statistics an experiment over seeds reports: a mean with its Student-t
 * confidence interval, the paired per-seed difference of two strategies, Holm's adjustment of
 * secondary comparisons, and the verdict on a claim (docs/statistics.md).
 *
 * The seed is the unit of replication: each value is one seed's figure (an accuracy, an AUC),
 * and a paired difference compares two strategies run with the same seed. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int n;             /* values */
  double mean;
  double sd;         /* sample standard deviation (n − 1); NaN for fewer than two values */
  double level;      /* e.g. 0.95 */
  double half_width; /* t(level, n − 1) · sd / √n; NaN for fewer than two values */
  double low, high;  /* mean ∓ half_width */
} CariInterval;

/* The mean of `x` with its two-sided Student-t interval at `level` (0 < level < 1). NaN values
 * are left out; with fewer than two values left the interval is NaN (unknown), not zero. */
void   cari_stats_interval (const double *x, int n, double level, CariInterval *out);

/* Student's t distribution with `df` > 0 degrees of freedom: P(T ≤ t), and its inverse for
 * 0 < p < 1. */
double cari_stats_t_cdf (double t, double df);
double cari_stats_t_quantile (double p, double df);

typedef struct
{
  CariInterval diff; /* of a[i] − b[i] over the seeds where both are known */
  int agree;         /* seeds whose difference has the claimed sign (> 0 for direction +1) */
  double p_value;    /* two-sided paired t test of a mean difference of 0; NaN below 2 pairs
                      * and for differences without spread */
} CariPaired;

/* a − b paired by index (seed). `direction` is the claimed sign: +1 "a > b", −1 "a < b". */
void   cari_stats_paired (const double *a, const double *b, int n, int direction, double level,
                          CariPaired *out);

/* Holm's step-down adjustment of `m` p-values (NaN stays NaN and counts for nothing):
 * adjusted[i] is the smallest family-wise level at which hypothesis i is rejected. */
void   cari_stats_holm (const double *p, int m, double *adjusted);

/* The fewest seeds a verdict other than inconclusive rests on: with two, t(0.975, 1) = 12.7 and
 * two seeds whose differences happen to be equal (accuracies are counts of images, so they can)
 * give an interval of zero width and a p-value of 0. A difference of zero spread says nothing
 * either, whatever the seeds. */
#define CARI_STATS_MIN_SEEDS 3

typedef enum
{
  CARI_CLAIM_HOLDS,         /* the interval excludes 0 in the claimed direction */
  CARI_CLAIM_DOES_NOT_HOLD, /* it excludes 0 the other way, or lies within ±margin of 0 */
  CARI_CLAIM_INCONCLUSIVE,  /* otherwise, or unknown: fewer than CARI_STATS_MIN_SEEDS seeds, or
                             * differences without spread */
} CariClaimVerdict;

/* The verdict on "the difference has the sign `direction`" from its interval. */
CariClaimVerdict cari_stats_verdict (const CariInterval *diff, int direction, double margin);
/* The same for a secondary comparison, from its Holm-adjusted p-value: holds when
 * p_adjusted < alpha with the mean difference of the claimed sign; does not hold when
 * p_adjusted < alpha the other way, or when its interval lies within ±margin of 0. With
 * alpha = 1 − level and one comparison this agrees with cari_stats_verdict. */
CariClaimVerdict cari_stats_verdict_adjusted (const CariPaired *pair, double p_adjusted,
                                         int direction, double alpha, double margin);
/* "holds", "does not hold", "inconclusive", translated. */
const char *cari_claim_verdict_to_string (CariClaimVerdict verdict);

G_END_DECLS
