/* gradcheck.h — central finite differences against analytic gradients, for the engine tests. */
#pragma once

#include <glib.h>
#include <stddef.h>

/* Runs the forward pass at the current inputs and returns the scalar loss (in double). */
typedef double (*GradcheckLossFn) (gpointer user_data);

typedef struct
{
  double rel_error; /* ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖) over the checked coords */
  double max_abs;   /* largest single difference */
  size_t checked;
} GradcheckResult;

/* Perturbs x[i] by ±h for up to max_coords coordinates (all when n ≤ max_coords, else a fixed
 * pseudo-random sample), restoring x afterwards. */
GradcheckResult gradcheck (GradcheckLossFn loss, gpointer user_data, float *x,
                           const float *analytic, size_t n, float h, size_t max_coords);

/* Directional check: compares ∇·v with (L(x + h·v) − L(x − h·v)) / 2h for a fixed random
 * direction v of ±1 entries. Summing over the whole tensor lifts the signal far above float32
 * rounding even where single coordinates have tiny gradients. rel_error is
 * |analytic − numeric| / max(|analytic|, |numeric|); max_abs is |analytic − numeric|. */
GradcheckResult gradcheck_direction (GradcheckLossFn loss, gpointer user_data, float *x,
                                     const float *analytic, size_t n, float h, guint32 seed,
                                     double *analytic_out, double *numeric_out);

/* For networks with many ReLU and max-pool kinks: checks the k coordinates with the largest
 * analytic gradient and k random ones, skipping a coordinate when its one-sided differences
 * disagree (a kink lies within ±h). `floor` is the numeric derivative's float32
 * rounding noise: it is allowed as slack in both the kink test and the error.  *skipped receives how many were skipped. */
GradcheckResult gradcheck_smooth (GradcheckLossFn loss, gpointer user_data, float *x,
                                  const float *analytic, size_t n, float h, size_t k,
                                  double floor, size_t *skipped);

/* Delete a file, or a folder and everything in it (test scratch space). */
void test_remove_tree (const char *path);

/* Sets RLIMIT_AS to the address space in use now (VmSize) plus `bytes`: what a memory-bounded
 * test may still allocate. Not under ASan, which reserves far more address space. */
void test_limit_address_space (gsize bytes);

/* Fills with uniform values in [lo, hi) from a fixed seed. */
void fill_uniform (float *x, size_t n, float lo, float hi, guint32 seed);

/* Asserts rel_error ≤ tol, printing which tensor failed. */
#define assert_gradcheck(res, tol, what)                                                       \
  G_STMT_START                                                                                 \
  {                                                                                            \
    GradcheckResult _r = (res);                                                                \
    if (g_test_verbose ())                                                                     \
      g_test_message ("%s: rel error %.3g, max abs %.3g over %zu coords", (what),             \
                      _r.rel_error, _r.max_abs, _r.checked);                                   \
    if (!(_r.rel_error <= (tol)))                                                              \
      g_error ("gradient check of %s failed: rel error %.4g > %.4g (max abs %.4g, %zu coords)", \
               (what), _r.rel_error, (double) (tol), _r.max_abs, _r.checked);                  \
  }                                                                                            \
  G_STMT_END
