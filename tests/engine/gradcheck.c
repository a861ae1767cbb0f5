/* gradcheck.c — finite-difference gradient checks. */
#include "gradcheck.h"

#include <glib/gstdio.h>
#include <malloc.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>

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
      if (g_getenv ("GRADCHECK_DEBUG"))
        g_printerr ("  [%zu] analytic %.6g numeric %.6g\n", i, analytic[i], numeric);
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

GradcheckResult
gradcheck_direction (GradcheckLossFn loss, gpointer user_data, float *x, const float *analytic,
                     size_t n, float h, guint32 seed, double *analytic_out, double *numeric_out)
{
  GradcheckResult res = { 0 };
  float *saved = g_memdup2 (x, n * sizeof (float));
  gint8 *v = g_new (gint8, n);
  GRand *rand = g_rand_new_with_seed (seed);
  double ana = 0.0;

  for (size_t i = 0; i < n; i++)
    {
      v[i] = g_rand_boolean (rand) ? 1 : -1;
      ana += (double) analytic[i] * v[i];
    }
  for (size_t i = 0; i < n; i++)
    x[i] = saved[i] + h * v[i];
  double lp = loss (user_data);
  for (size_t i = 0; i < n; i++)
    x[i] = saved[i] - h * v[i];
  double lm = loss (user_data);
  memcpy (x, saved, n * sizeof (float));
  loss (user_data);

  double numeric = (lp - lm) / (2.0 * h);
  res.max_abs = fabs (ana - numeric);
  res.rel_error = res.max_abs / MAX (MAX (fabs (ana), fabs (numeric)), 1e-30);
  res.checked = n;
  if (analytic_out)
    *analytic_out = ana;
  if (numeric_out)
    *numeric_out = numeric;
  g_rand_free (rand);
  g_free (v);
  g_free (saved);
  return res;
}

static double
check_one (GradcheckLossFn loss, gpointer user_data, float *x, size_t i, float h, double l0,
           double floor, gboolean *smooth)
{
  float saved = x[i];
  x[i] = saved + h;
  double step_p = (double) x[i] - saved;
  double lp = loss (user_data);
  x[i] = saved - h;
  double step_m = (double) saved - x[i];
  double lm = loss (user_data);
  x[i] = saved;
  double dp = (lp - l0) / step_p, dm = (l0 - lm) / step_m;
  *smooth = fabs (dp - dm) <= 0.05 * MAX (fabs (dp), fabs (dm)) + floor;
  return (lp - lm) / (step_p + step_m);
}

GradcheckResult
gradcheck_smooth (GradcheckLossFn loss, gpointer user_data, float *x, const float *analytic,
                  size_t n, float h, size_t k, double floor, size_t *skipped)
{
  GradcheckResult res = { 0 };
  double diff2 = 0.0, a2 = 0.0, n2 = 0.0;
  size_t *order = g_new (size_t, n);
  GRand *rand = g_rand_new_with_seed (4321);
  double l0 = loss (user_data);

  /* The k largest |analytic| first (a partial selection), then k random others. */
  for (size_t i = 0; i < n; i++)
    order[i] = i;
  size_t top = MIN (k, n);
  for (size_t a = 0; a < top; a++)
    {
      size_t best = a;
      for (size_t b = a + 1; b < n; b++)
        if (fabsf (analytic[order[b]]) > fabsf (analytic[order[best]]))
          best = b;
      size_t t = order[a];
      order[a] = order[best];
      order[best] = t;
    }
  size_t total = MIN (2 * k, n);
  for (size_t a = top; a < total; a++)
    {
      size_t b = a + (size_t) g_rand_int_range (rand, 0, (gint32) (n - a));
      size_t t = order[a];
      order[a] = order[b];
      order[b] = t;
    }

  *skipped = 0;
  for (size_t a = 0; a < total; a++)
    {
      size_t i = order[a];
      gboolean smooth;
      double numeric = check_one (loss, user_data, x, i, h, l0, floor, &smooth);
      if (g_getenv ("GRADCHECK_DEBUG"))
        g_printerr ("  [%zu] analytic %.6g numeric %.6g%s\n", i, analytic[i], numeric,
                    smooth ? "" : " (kink, skipped)");
      if (!smooth)
        {
          (*skipped)++;
          continue;
        }
      /* What rounding alone can explain is not counted as error. */
      double d = MAX (fabs (analytic[i] - numeric) - floor, 0.0);
      diff2 += d * d;
      a2 += (double) analytic[i] * analytic[i];
      n2 += numeric * numeric;
      res.max_abs = MAX (res.max_abs, d);
      res.checked++;
    }
  loss (user_data);
  res.rel_error = res.checked ? sqrt (diff2) / MAX (sqrt (MAX (a2, n2)), 1e-12) : 0.0;
  g_rand_free (rand);
  g_free (order);
  return res;
}

void
test_remove_tree (const char *path)
{
  /* A folder (not a link to one) is emptied first; anything else is removed as it is. */
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          test_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_remove (path);
}

void
test_limit_address_space (gsize bytes)
{
  g_autofree char *status = NULL;
  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  const char *line = strstr (status, "VmSize:");
  g_assert_nonnull (line);
  rlim_t limit = (rlim_t) g_ascii_strtoull (line + strlen ("VmSize:"), NULL, 10) * 1024 + bytes;
  /* glibc gives a thread that meets contention an arena of its own, reserving 64 MiB of address
   * space at once: a pool thread doing so under the limit failed the test now and then. One
   * arena for the rest of the process keeps the limit about the data. */
  g_assert_cmpint (mallopt (M_ARENA_MAX, 1), ==, 1);
  struct rlimit lim = { limit, limit };
  g_assert_cmpint (setrlimit (RLIMIT_AS, &lim), ==, 0);
}
