/* test-stats.c — Student-t quantiles and intervals, paired differences, Holm, verdicts. */
#include <cari.h>
#include <math.h>

/* Quantiles of Student's t: the roots of SciPy 1.10's CDF (scipy.special.stdtr, by brentq to
 * 1e-15; its t.ppf is good to about 1e-9 only). The 0.975 ones are the two-sided 95 % critical
 * values of the tables (12.706, 4.303, 3.182, …). */
static void
test_t_quantiles (void)
{
  static const struct
  {
    double df, p, t;
  } table[] = {
    { 1, 0.975, 12.706204736174698 },  { 2, 0.975, 4.302652729749461 },
    { 3, 0.975, 3.1824463052837095 },  { 4, 0.975, 2.776445105197794 },
    { 5, 0.975, 2.570581835636312 },   { 10, 0.975, 2.2281388519862753 },
    { 30, 0.975, 2.042272456301239 },  { 100, 0.975, 1.9839715185235527 },
    { 1, 0.995, 63.65674116287074 },   { 10, 0.995, 3.169272672616944 },
    { 2, 0.9, 1.885618083164126 },     { 1000, 0.975, 1.9623390808264074 },
    { 2.5, 0.975, 3.5746548420036826 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      double t = cari_stats_t_quantile (table[i].p, table[i].df);
      g_test_message ("t(%g, %g) = %.15g, table %.15g", table[i].p, table[i].df, t, table[i].t);
      g_assert_cmpfloat (fabs (t - table[i].t), <, 1e-9 * table[i].t);
      g_assert_cmpfloat (fabs (cari_stats_t_quantile (1.0 - table[i].p, table[i].df) + t), <,
                         1e-9 * t);
      g_assert_cmpfloat (fabs (cari_stats_t_cdf (t, table[i].df) - table[i].p), <, 1e-12);
    }
  /* One degree of freedom is Cauchy: P(T ≤ 1) = 3/4. */
  g_assert_cmpfloat (fabs (cari_stats_t_cdf (1.0, 1.0) - 0.75), <, 1e-14);
  g_assert_cmpfloat (cari_stats_t_cdf (0.0, 7.0), ==, 0.5);
  g_assert_cmpfloat (cari_stats_t_quantile (0.5, 3.0), ==, 0.0);
  g_assert_true (isnan (cari_stats_t_quantile (1.0, 3.0)));
  g_assert_true (isnan (cari_stats_t_quantile (0.5, 0.0)));
}

static void
test_interval (void)
{
  const double x[] = { 1, 2, 3, 4, 5 };
  CariInterval c;
  cari_stats_interval (x, 5, 0.95, &c);
  g_assert_cmpint (c.n, ==, 5);
  g_assert_cmpfloat (c.mean, ==, 3.0);
  g_assert_cmpfloat (fabs (c.sd - sqrt (2.5)), <, 1e-15);
  /* t(0.975, 4) · √2.5 / √5 */
  g_assert_cmpfloat (fabs (c.half_width - 2.7764451051977987 * sqrt (0.5)), <, 1e-9);
  g_assert_cmpfloat (fabs (c.low - (3.0 - c.half_width)), <, 1e-15);

  /* Unknown values are left out; one value has no interval. */
  const double y[] = { NAN, 7.0, NAN };
  cari_stats_interval (y, 3, 0.95, &c);
  g_assert_cmpint (c.n, ==, 1);
  g_assert_cmpfloat (c.mean, ==, 7.0);
  g_assert_true (isnan (c.half_width) && isnan (c.low) && isnan (c.sd));
}

static void
test_paired (void)
{
  /* Proposed against naive over five seeds: differences 2, 1, 3, −1, 5. */
  const double proposed[] = { 14, 12, 17, 10, 20 }, naive[] = { 12, 11, 14, 11, 15 };
  CariPaired p;
  cari_stats_paired (proposed, naive, 5, +1, 0.95, &p);
  g_assert_cmpint (p.diff.n, ==, 5);
  g_assert_cmpint (p.agree, ==, 4);
  g_assert_cmpfloat (p.diff.mean, ==, 2.0);
  /* sd of (2, 1, 3, −1, 5) is √5; t = 2 / (√5/√5) = 2 on 4 df: p = 2·P(T ≤ −2)
   * (SciPy: 2 * t.cdf(-2, 4) = 0.1161165235168155). */
  g_assert_cmpfloat (fabs (p.diff.sd - sqrt (5.0)), <, 1e-12);
  g_assert_cmpfloat (fabs (p.p_value - 0.11611652351681556), <, 1e-10);
  g_assert_cmpint (cari_stats_verdict (&p.diff, +1, 0.5), ==, CARI_CLAIM_INCONCLUSIVE);

  /* A seed where one side is unknown is left out of the pairs. */
  const double a[] = { 3, NAN, 5, 4 }, b[] = { 1, 2, 2, 2 };
  cari_stats_paired (a, b, 4, -1, 0.95, &p);
  g_assert_cmpint (p.diff.n, ==, 3);
  g_assert_cmpint (p.agree, ==, 0);
  g_assert_cmpfloat (p.diff.mean, ==, (2.0 + 3.0 + 2.0) / 3.0);
  /* Claimed a < b, found a > b beyond doubt: does not hold. */
  g_assert_cmpint (cari_stats_verdict (&p.diff, -1, 0.0), ==, CARI_CLAIM_DOES_NOT_HOLD);
  g_assert_cmpint (cari_stats_verdict (&p.diff, +1, 0.0), ==, CARI_CLAIM_HOLDS);
}

static void
test_holm (void)
{
  const double p[] = { 0.01, 0.04, 0.03, 0.005, NAN };
  double adj[5];
  cari_stats_holm (p, 5, adj);
  /* Sorted 0.005·4, 0.01·3, 0.03·2, 0.04·1 → 0.02, 0.03, 0.06, max(0.06, 0.04). */
  g_assert_cmpfloat (fabs (adj[3] - 0.02), <, 1e-15);
  g_assert_cmpfloat (fabs (adj[0] - 0.03), <, 1e-15);
  g_assert_cmpfloat (fabs (adj[2] - 0.06), <, 1e-15);
  g_assert_cmpfloat (fabs (adj[1] - 0.06), <, 1e-15);
  g_assert_true (isnan (adj[4]));
  const double big[] = { 0.6, 0.7 };
  cari_stats_holm (big, 2, adj);
  g_assert_cmpfloat (adj[0], ==, 1.0);
  g_assert_cmpfloat (adj[1], ==, 1.0);
}

static void
test_verdicts (void)
{
  CariInterval c = { 5, 3.0, 1.0, 0.95, 1.0, 2.0, 4.0 };
  g_assert_cmpint (cari_stats_verdict (&c, +1, 1.0), ==, CARI_CLAIM_HOLDS);
  g_assert_cmpint (cari_stats_verdict (&c, -1, 1.0), ==, CARI_CLAIM_DOES_NOT_HOLD);
  /* Within the margin of 0 both ways: no effect worth the name, so the claim does not hold. */
  c = (CariInterval) { 5, 0.1, 1.0, 0.95, 0.5, -0.4, 0.6 };
  g_assert_cmpint (cari_stats_verdict (&c, +1, 1.0), ==, CARI_CLAIM_DOES_NOT_HOLD);
  g_assert_cmpint (cari_stats_verdict (&c, +1, 0.5), ==, CARI_CLAIM_INCONCLUSIVE);
  c.n = 1;
  g_assert_cmpint (cari_stats_verdict (&c, +1, 1.0), ==, CARI_CLAIM_INCONCLUSIVE);
  /* Two seeds whose differences are equal: an interval of zero width, p = 0, and still no
   * evidence; nor is a difference without spread over more seeds. */
  const double two_a[] = { 0.10, 0.20 }, two_b[] = { 0.08, 0.18 };
  CariPaired two;
  cari_stats_paired (two_a, two_b, 2, +1, 0.95, &two);
  g_assert_cmpfloat (two.diff.sd, <, 1e-12);
  g_assert_true (isnan (two.p_value));
  g_assert_cmpint (cari_stats_verdict (&two.diff, +1, 0.0), ==, CARI_CLAIM_INCONCLUSIVE);
  g_assert_cmpint (cari_stats_verdict_adjusted (&two, two.p_value, +1, 0.05, 0.0), ==,
                   CARI_CLAIM_INCONCLUSIVE);
  c = (CariInterval) { 5, 2.0, 0.0, 0.95, 0.0, 2.0, 2.0 };
  g_assert_cmpint (cari_stats_verdict (&c, +1, 1.0), ==, CARI_CLAIM_INCONCLUSIVE);
  c = (CariInterval) { 2, 3.0, 0.1, 0.95, 0.9, 2.1, 3.9 };
  g_assert_cmpint (cari_stats_verdict (&c, +1, 1.0), ==, CARI_CLAIM_INCONCLUSIVE);

  /* Secondary: by the adjusted p-value and the sign of the mean. */
  CariPaired pair = { { 5, 2.0, 1.0, 0.95, 1.2, 0.8, 3.2 }, 5, 0.01 };
  g_assert_cmpint (cari_stats_verdict_adjusted (&pair, 0.03, +1, 0.05, 0.5), ==,
                   CARI_CLAIM_HOLDS);
  g_assert_cmpint (cari_stats_verdict_adjusted (&pair, 0.03, -1, 0.05, 0.5), ==,
                   CARI_CLAIM_DOES_NOT_HOLD);
  g_assert_cmpint (cari_stats_verdict_adjusted (&pair, 0.08, +1, 0.05, 0.5), ==,
                   CARI_CLAIM_INCONCLUSIVE);
  g_assert_cmpstr (cari_claim_verdict_to_string (CARI_CLAIM_HOLDS), ==, "holds");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stats/t-quantiles", test_t_quantiles);
  g_test_add_func ("/stats/interval", test_interval);
  g_test_add_func ("/stats/paired", test_paired);
  g_test_add_func ("/stats/holm", test_holm);
  g_test_add_func ("/stats/verdicts", test_verdicts);
  return g_test_run ();
}
