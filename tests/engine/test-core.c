/* test-core.c — RNG determinism and ranges, tensor helpers, error codes. */
#include <cari.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static void
test_rng_deterministic (void)
{
  CariRng a, b, c;
  cari_rng_seed (&a, 42);
  cari_rng_seed (&b, 42);
  cari_rng_seed (&c, 43);
  gboolean differs = FALSE;
  for (int i = 0; i < 100; i++)
    {
      uint64_t x = cari_rng_next (&a);
      g_assert_cmpuint (x, ==, cari_rng_next (&b));
      differs |= x != cari_rng_next (&c);
    }
  g_assert_true (differs);

  /* Restoring a saved state continues the same stream (what checkpoints rely on). */
  CariRng saved = a;
  uint64_t next = cari_rng_next (&a);
  g_assert_cmpuint (cari_rng_next (&saved), ==, next);
}

static void
test_rng_ranges (void)
{
  CariRng r;
  double sum = 0, sumsq = 0;
  int counts[7] = { 0 };
  const int n = 70000;
  cari_rng_seed (&r, 7);
  for (int i = 0; i < n; i++)
    {
      float u = cari_rng_uniform (&r);
      g_assert_cmpfloat (u, >=, 0.0f);
      g_assert_cmpfloat (u, <, 1.0f);
      uint32_t k = cari_rng_below (&r, 7);
      g_assert_cmpuint (k, <, 7);
      counts[k]++;
      float z = cari_rng_normal (&r);
      g_assert_true (isfinite (z));
      sum += z;
      sumsq += (double) z * z;
    }
  /* Mean of 70k N(0,1) within 5σ = 0.019; variance within 0.03; each bin within 5σ ≈ 450. */
  g_assert_cmpfloat (fabs (sum / n), <, 0.019);
  g_assert_cmpfloat (fabs (sumsq / n - 1.0), <, 0.03);
  for (int k = 0; k < 7; k++)
    g_assert_cmpint (abs (counts[k] - n / 7), <, 450);
}

static void
test_tensor_helpers (void)
{
  float *data = cari_alloc_floats (24);
  g_assert_nonnull (data);
  g_assert_cmpuint ((uintptr_t) data % 64, ==, 0);
  CariTensor t = cari_tensor_view (data, 2, 3, 2, 2);
  g_assert_cmpuint (cari_tensor_size (&t), ==, 24);
  cari_tensor_fill (&t, 0.5f);
  g_assert_cmpfloat (cari_tensor_sum (&t), ==, 12.0f);
  g_assert_cmpfloat (cari_tensor_dot (&t, &t), ==, 6.0);
  g_assert_true (cari_tensor_all_finite (&t));
  data[5] = NAN;
  g_assert_false (cari_tensor_all_finite (&t));
  cari_tensor_zero (&t);
  g_assert_cmpfloat (cari_tensor_sum (&t), ==, 0.0f);
  cari_free_floats (data);
}

static void
test_error_codes (void)
{
  g_assert_cmpstr (cari_error_code_to_string (CARI_ERROR_CORRUPT), ==, "corrupt");
  g_assert_cmpstr (g_quark_to_string (CARI_ERROR), ==, "cari-error-quark");
  g_assert_cmpstr (cari_version (), ==, CARI_TEST_VERSION);
}

/* A shuffle is a permutation, the same for the same seed, and moves things. */
static void
test_rng_shuffle (void)
{
  int a[50], b[50];
  CariRng r1, r2;
  cari_rng_seed (&r1, 11);
  cari_rng_seed (&r2, 11);
  for (int i = 0; i < 50; i++)
    a[i] = b[i] = i;
  cari_rng_shuffle (&r1, a, 50);
  cari_rng_shuffle (&r2, b, 50);
  int moved = 0, sum = 0;
  for (int i = 0; i < 50; i++)
    {
      g_assert_cmpint (a[i], ==, b[i]);
      moved += a[i] != i;
      sum += a[i];
    }
  g_assert_cmpint (sum, ==, 49 * 50 / 2);
  g_assert_cmpint (moved, >, 40);
  gboolean seen[50] = { FALSE };
  for (int i = 0; i < 50; i++)
    {
      g_assert_false (seen[a[i]]);
      seen[a[i]] = TRUE;
    }
  cari_rng_shuffle (&r1, a, 0); /* nothing to do, no access */
}

/* The error domain's quark is made by whichever thread first sets an error: two threads doing so
 * at once (two pool threads meeting bad images) must agree, without a data race — the
 * ThreadSanitizer build of this test reported one while it was a plain static. It runs first, so
 * that no earlier test has made the quark already. */
static gint quark_go;

static gpointer
first_quark (gpointer data)
{
  while (!g_atomic_int_get (&quark_go))
    ;
  return GUINT_TO_POINTER (cari_error_quark ());
}

static void
test_error_quark_from_threads (void)
{
  GThread *a = g_thread_new ("a", first_quark, NULL);
  GThread *b = g_thread_new ("b", first_quark, NULL);
  g_atomic_int_set (&quark_go, 1);
  GQuark qa = GPOINTER_TO_UINT (g_thread_join (a));
  GQuark qb = GPOINTER_TO_UINT (g_thread_join (b));
  g_assert_cmpuint (qa, !=, 0);
  g_assert_cmpuint (qa, ==, qb);
  g_assert_cmpuint (qa, ==, g_quark_from_static_string ("cari-error-quark"));
}

/* ---------------------------------------------------------------- liveness plan */

static gboolean
lifetimes_overlap (const CariLifetime *a, const CariLifetime *b)
{
  return a->first <= b->last && b->first <= a->last;
}

static gboolean
bytes_overlap (const CariLifetime *a, const CariLifetime *b)
{
  return a->offset < b->offset + b->bytes && b->offset < a->offset + a->bytes;
}

static void
test_liveness_small (void)
{
  CariLiveness live;
  int a, b, c, d;

  /* Sizes are whole 64-byte lines: A and B never live together and share; C lives with both. */
  cari_liveness_init (&live);
  g_assert_null (cari_liveness_floats (&live, 64, 0, 2, &a));
  g_assert_null (cari_liveness_floats (&live, 64, 3, 5, &b));
  g_assert_null (cari_liveness_floats (&live, 16, 1, 4, &c));
  g_assert_null (cari_liveness_floats (&live, 16, 9, 9, &d));
  g_assert_true (cari_liveness_allocate (&live));
  g_assert_cmpuint (live.size, ==, 256 + 64);
  float *pa = cari_liveness_floats (&live, 64, 0, 2, NULL);
  float *pb = cari_liveness_floats (&live, 64, 3, 5, NULL);
  float *pc = cari_liveness_floats (&live, 16, 1, 4, NULL);
  float *pd = cari_liveness_floats (&live, 16, 9, 9, NULL);
  g_assert_true (pa == pb);
  g_assert_true (pc >= pa + 64 || pc + 16 <= pa);
  g_assert_true (pd == pa || pd == pc);
  g_assert_cmpuint ((uintptr_t) pc % CARI_ARENA_ALIGN, ==, 0);
  g_assert_cmpint (live.next, ==, 4);
  cari_liveness_clear (&live);

  /* Lengthening A's life to B's: they no longer share. */
  cari_liveness_init (&live);
  cari_liveness_floats (&live, 64, 0, 2, &a);
  cari_liveness_floats (&live, 64, 3, 5, &b);
  cari_liveness_extend (&live, a, 3);
  g_assert_true (cari_liveness_allocate (&live));
  g_assert_cmpuint (live.size, ==, 512);
  cari_liveness_clear (&live);
  (void) c;
  (void) d;
}

static void
test_liveness_random (void)
{
  GRand *rand = g_rand_new_with_seed (7);
  for (int round = 0; round < 20; round++)
    {
      CariLiveness live;
      const int n = g_rand_int_range (rand, 1, 120);
      size_t sum = 0, busiest = 0;
      cari_liveness_set_sharing (round != 0);
      cari_liveness_init (&live);
      for (int i = 0; i < n; i++)
        {
          int first = g_rand_int_range (rand, 0, 60), id;
          size_t count = (size_t) g_rand_int_range (rand, 1, 5000);
          cari_liveness_floats (&live, count, first, first + g_rand_int_range (rand, 0, 8), &id);
          g_assert_cmpint (id, ==, i);
          if (g_rand_boolean (rand))
            cari_liveness_extend (&live, g_rand_int_range (rand, 0, i + 1),
                                  g_rand_int_range (rand, 0, 70));
        }
      g_assert_true (cari_liveness_allocate (&live));
      const CariLifetime *t = (const CariLifetime *) (void *) live.tensors->data;
      for (int i = 0; i < n; i++)
        {
          sum += t[i].bytes;
          g_assert_cmpuint (t[i].offset % CARI_ARENA_ALIGN, ==, 0);
          g_assert_cmpuint (t[i].offset + t[i].bytes, <=, live.size);
          for (int j = 0; j < i; j++)
            if (round == 0 || lifetimes_overlap (&t[i], &t[j]))
              g_assert_false (bytes_overlap (&t[i], &t[j]));
        }
      /* No plan beats the busiest tick; sharing must do better than nothing shared when
       * lifetimes leave room (they do, over 70 ticks with at most 8 each, for these sizes). */
      for (int tick = 0; tick < 70; tick++)
        {
          size_t live_bytes = 0;
          for (int i = 0; i < n; i++)
            live_bytes += t[i].first <= tick && tick <= t[i].last ? t[i].bytes : 0;
          busiest = MAX (busiest, live_bytes);
        }
      g_assert_cmpuint (live.size, >=, busiest);
      if (round == 0)
        g_assert_cmpuint (live.size, ==, sum);
      else if (n > 40)
        g_assert_cmpuint (live.size, <, sum);
      cari_liveness_clear (&live);
    }
  cari_liveness_set_sharing (TRUE);
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/error/quark-from-threads", test_error_quark_from_threads);
  g_test_add_func ("/rng/deterministic", test_rng_deterministic);
  g_test_add_func ("/rng/ranges", test_rng_ranges);
  g_test_add_func ("/rng/shuffle", test_rng_shuffle);
  g_test_add_func ("/tensor/helpers", test_tensor_helpers);
  g_test_add_func ("/error/codes", test_error_codes);
  g_test_add_func ("/arena/liveness-small", test_liveness_small);
  g_test_add_func ("/arena/liveness-random", test_liveness_random);
  return g_test_run ();
}
