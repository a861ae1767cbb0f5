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
