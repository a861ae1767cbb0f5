/* stats.c — means with Student-t intervals, paired differences, Holm's adjustment, verdicts. */
#include "eval/stats.h"

#include "core/i18n.h"

#include <math.h>
#include <stdlib.h>

/* The regularised incomplete beta function I_x(a, b) by its continued fraction, evaluated with
 * the modified Lentz method; the fraction converges fast for x < (a + 1) / (a + b + 2), and the
 * symmetry I_x(a, b) = 1 − I_{1−x}(b, a) covers the rest. */
static double
beta_fraction (double x, double a, double b)
{
  const double tiny = 1e-300;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (fabs (d) < tiny)
    d = tiny;
  d = 1.0 / d;
  double f = d;
  for (int m = 1; m <= 500; m++)
    {
      /* The even term, then the odd one. */
      double num = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
      for (int odd = 0; odd < 2; odd++)
        {
          d = 1.0 + num * d;
          c = 1.0 + num / c;
          if (fabs (d) < tiny)
            d = tiny;
          if (fabs (c) < tiny)
            c = tiny;
          d = 1.0 / d;
          double step = c * d;
          f *= step;
          if (odd == 1 && fabs (step - 1.0) < 1e-15)
            return f;
          num = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        }
    }
  return f;
}

static double
incomplete_beta (double x, double a, double b)
{
  if (x <= 0.0)
    return 0.0;
  if (x >= 1.0)
    return 1.0;
  double log_front = lgamma (a + b) - lgamma (a) - lgamma (b) + a * log (x) + b * log1p (-x);
  if (x < (a + 1.0) / (a + b + 2.0))
    return exp (log_front) * beta_fraction (x, a, b) / a;
  return 1.0 - exp (log_front) * beta_fraction (1.0 - x, b, a) / b;
}

double
cari_stats_t_cdf (double t, double df)
{
  if (isnan (t) || !(df > 0.0))
    return NAN;
  if (isinf (t))
    return t > 0 ? 1.0 : 0.0;
  /* P(|T| > |t|) = I_{df / (df + t²)}(df / 2, 1 / 2). */
  double tail = 0.5 * incomplete_beta (df / (df + t * t), 0.5 * df, 0.5);
  return t > 0 ? 1.0 - tail : tail;
}

double
cari_stats_t_quantile (double p, double df)
{
  if (!(p > 0.0 && p < 1.0) || !(df > 0.0))
    return NAN;
  if (p == 0.5)
    return 0.0;
  if (p < 0.5)
    return -cari_stats_t_quantile (1.0 - p, df);
  /* Bracket, then bisect: the CDF is monotone, and 200 halvings reach double precision. */
  double lo = 0.0, hi = 1.0;
  while (cari_stats_t_cdf (hi, df) < p && hi < 1e300)
    {
      lo = hi;
      hi *= 2.0;
    }
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; i++)
    {
      double mid = 0.5 * (lo + hi);
      if (cari_stats_t_cdf (mid, df) < p)
        lo = mid;
      else
        hi = mid;
    }
  return 0.5 * (lo + hi);
}

void
cari_stats_interval (const double *x, int n, double level, CariInterval *out)
{
  double sum = 0.0;
  int k = 0;
  for (int i = 0; i < n; i++)
    if (!isnan (x[i]))
      {
        sum += x[i];
        k++;
      }
  out->n = k;
  out->level = level;
  out->mean = k > 0 ? sum / k : NAN;
  double ss = 0.0;
  for (int i = 0; i < n; i++)
    if (!isnan (x[i]))
      ss += (x[i] - out->mean) * (x[i] - out->mean);
  out->sd = k > 1 ? sqrt (ss / (k - 1)) : NAN;
  out->half_width = k > 1 ? cari_stats_t_quantile (0.5 + 0.5 * level, k - 1) * out->sd / sqrt (k)
                          : NAN;
  out->low = out->mean - out->half_width;
  out->high = out->mean + out->half_width;
}

/* Differences that are all equal leave a standard deviation of rounding error (about 1e-17),
 * not 0: below 1e-12 (figures are fractions, weights and accuracies alike) there is none. */
static gboolean
has_spread (const CariInterval *d)
{
  return d->sd > 1e-12;
}

void
cari_stats_paired (const double *a, const double *b, int n, int direction, double level,
                   CariPaired *out)
{
  g_autofree double *d = g_new (double, MAX (n, 1));
  out->agree = 0;
  for (int i = 0; i < n; i++)
    {
      d[i] = a[i] - b[i]; /* NaN when either is unknown */
      if (!isnan (d[i]) && d[i] * direction > 0)
        out->agree++;
    }
  cari_stats_interval (d, n, level, &out->diff);
  const CariInterval *c = &out->diff;
  if (c->n < 2)
    out->p_value = NAN;
  else if (!has_spread (c))
    out->p_value = NAN; /* no spread, no test: equal differences are no evidence either way */
  else
    {
      double t = c->mean / (c->sd / sqrt (c->n));
      out->p_value = 2.0 * cari_stats_t_cdf (-fabs (t), c->n - 1);
    }
}

typedef struct
{
  double p;
  int index;
} Ranked;

static int
compare_ranked (const void *a, const void *b)
{
  double x = ((const Ranked *) a)->p, y = ((const Ranked *) b)->p;
  return (x > y) - (x < y);
}

void
cari_stats_holm (const double *p, int m, double *adjusted)
{
  g_autofree Ranked *r = g_new (Ranked, MAX (m, 1));
  int known = 0;
  for (int i = 0; i < m; i++)
    {
      adjusted[i] = NAN;
      if (!isnan (p[i]))
        r[known++] = (Ranked) { p[i], i };
    }
  qsort (r, (size_t) known, sizeof *r, compare_ranked);
  /* The i-th smallest is multiplied by the number still in play, and an adjusted value never
   * falls below the one before it (the step-down stops at the first acceptance). */
  double running = 0.0;
  for (int i = 0; i < known; i++)
    {
      running = MAX (running, MIN (1.0, r[i].p * (known - i)));
      adjusted[r[i].index] = running;
    }
}

CariClaimVerdict
cari_stats_verdict (const CariInterval *diff, int direction, double margin)
{
  if (diff->n < CARI_STATS_MIN_SEEDS || !has_spread (diff) || isnan (diff->low)
      || isnan (diff->high))
    return CARI_CLAIM_INCONCLUSIVE;
  double low = direction > 0 ? diff->low : -diff->high;
  double high = direction > 0 ? diff->high : -diff->low;
  if (low > 0.0)
    return CARI_CLAIM_HOLDS;
  if (high < 0.0 || (low >= -margin && high <= margin))
    return CARI_CLAIM_DOES_NOT_HOLD;
  return CARI_CLAIM_INCONCLUSIVE;
}

CariClaimVerdict
cari_stats_verdict_adjusted (const CariPaired *pair, double p_adjusted, int direction,
                             double alpha, double margin)
{
  const CariInterval *d = &pair->diff;
  if (d->n < CARI_STATS_MIN_SEEDS || !has_spread (d) || isnan (p_adjusted))
    return CARI_CLAIM_INCONCLUSIVE;
  if (p_adjusted < alpha && d->mean * direction > 0)
    return CARI_CLAIM_HOLDS;
  if ((p_adjusted < alpha && d->mean * direction < 0)
      || (d->low >= -margin && d->high <= margin))
    return CARI_CLAIM_DOES_NOT_HOLD;
  return CARI_CLAIM_INCONCLUSIVE;
}

const char *
cari_claim_verdict_to_string (CariClaimVerdict verdict)
{
  switch (verdict)
    {
    case CARI_CLAIM_HOLDS: return _("holds");
    case CARI_CLAIM_DOES_NOT_HOLD: return _("does not hold");
    default: return _("inconclusive");
    }
}
