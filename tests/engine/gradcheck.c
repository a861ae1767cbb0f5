/* gradcheck.c — finite-difference gradient checks. */
#include "gradcheck.h"

#include <math.h>

GradcheckResult
gradcheck (GradcheckLossFn loss, gpointer user_data, float *x, const float *analytic, size_t n,
           float h, size_t max_coords)
{
  GradcheckResult res = { 0 };
  double diff2 = 0.0, a2 = 0.0, n2 = 0.0;
  GRand *rand = g_rand_new_with_seed (1234);

  for (size_t k = 0; k < MIN (n, max_coords); k++)
    {
      size_t i = n <= max_coords ? k : (size_t) g_rand_int_range (rand, 0, (gint32) n);
      float saved = x[i];
      x[i] = saved + h;
      double lp = loss (user_data);
      x[i] = saved - h;
      double lm = loss (user_data);
      x[i] = saved;
      /* The actual step is what float rounding made of ±h. */
      double step = (double) (saved + h) - (double) (saved - h);
      double numeric = (lp - lm) / step;
      double d = analytic[i] - numeric;
      diff2 += d * d;
      a2 += (double) analytic[i] * analytic[i];
      n2 += numeric * numeric;
      res.max_abs = MAX (res.max_abs, fabs (d));
      res.checked++;
    }
  loss (user_data); /* leave the forward state as it was at x */
  g_rand_free (rand);
  res.rel_error = sqrt (diff2) / MAX (sqrt (MAX (a2, n2)), 1e-12);
  return res;
}

void
fill_uniform (float *x, size_t n, float lo, float hi, guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  for (size_t i = 0; i < n; i++)
    x[i] = (float) g_rand_double_range (rand, lo, hi);
  g_rand_free (rand);
}
