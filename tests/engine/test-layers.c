/* test-layers.c — batch norm, ReLU, pooling, concat, scaled residual, dense, dropout, softmax
 * cross-entropy and L2 normalisation: known values, and every backward against central finite
 * differences of the loss Σ r·out (r fixed random), accumulated in double.
 *
 * Tolerance: 2e-3 relative (norm-wise) with h = 1e-2 — a gradient scaled by 1.01 is 5× over it.
 * Inputs of the piecewise-linear ops (ReLU, max pool) are kept ≥ 4h from their kinks. */
#include <cari.h>
#include <math.h>
#include <string.h>

#include "gradcheck.h"

#define TOL 2e-3
#define H 1e-2f
#define COORDS 300

/* A layer under test: forward(ctx) fills ctx->out from the current inputs. */
typedef struct
{
  void (*forward) (gpointer self);
  float *out, *r;
  size_t n_out;
} Probe;

static double
probe_loss (gpointer data)
{
  Probe *p = data;
  p->forward (p);
  double l = 0.0;
  for (size_t i = 0; i < p->n_out; i++)
    l += (double) p->r[i] * p->out[i];
  return l;
}

/* ---------------------------------------------------------------- batch norm */

typedef struct
{
  Probe p;
  int N, C, HW;
  float *x, *gamma, *beta, *mean, *invstd;
  float scale[8], shift[8];
  gboolean relu;
} BnCase;

static void
bn_forward (gpointer self)
{
  BnCase *b = self;
  CariBatchNormState st = { b->gamma, b->beta, NULL, NULL, b->mean, b->invstd, b->scale,
                            b->shift };
  cari_batchnorm_forward (&st, b->p.out, 0, b->x, b->N, b->C, b->HW, TRUE, 0.9f, 1e-3f, b->relu);
}

static void
test_batchnorm_backward (void)
{
  for (int variant = 0; variant < 3; variant++)
    {
      /* 0: no gamma; 1: gamma; 2: gamma, fused ReLU with the in-place backward. */
      int with_gamma = variant > 0;
      BnCase b = { .N = 3, .C = 4, .HW = 5, .relu = variant == 2 };
      size_t n = (size_t) b.N * b.C * b.HW;
      b.x = g_new (float, n);
      b.gamma = with_gamma ? g_new (float, b.C) : NULL;
      b.beta = g_new (float, b.C);
      b.mean = g_new (float, b.C);
      b.invstd = g_new (float, b.C);
      b.p = (Probe) { bn_forward, g_new (float, n), g_new (float, n), n };
      fill_uniform (b.x, n, -2, 3, 1);
      if (b.gamma)
        fill_uniform (b.gamma, b.C, 0.5, 1.5, 2);
      fill_uniform (b.beta, b.C, -1, 1, 3);
      fill_uniform (b.p.r, n, -1, 1, 4);
      if (b.relu)
        {
          /* Each channel holds a shuffle of 0..14 (step 1/σ = 0.23 after normalisation) and β puts
           * the ReLU's kink halfway between two steps, ≥ 0.058 from any output. */
          GRand *rand = g_rand_new_with_seed (21);
          for (int c = 0; c < b.C; c++)
            {
              int order[15];
              for (int i = 0; i < 15; i++)
                order[i] = i;
              for (int i = 14; i > 0; i--)
                {
                  int j = g_rand_int_range (rand, 0, i + 1), t = order[i];
                  order[i] = order[j];
                  order[j] = t;
                }
              for (int k = 0; k < 15; k++)
                b.x[((size_t) (k / b.HW) * b.C + c) * b.HW + k % b.HW] = (float) order[k];
              b.beta[c] = b.gamma[c] * 0.5f / sqrtf (224.0f / 12.0f);
            }
          g_rand_free (rand);
        }

      g_autofree float *dx = g_new0 (float, n);
      g_autofree float *dg = g_new0 (float, b.C);
      g_autofree float *dbeta = g_new0 (float, b.C);
      bn_forward (&b);
      if (b.relu)
        {
          /* Keep BN outputs away from the ReLU kink: check it, else the fixture must change. */
          for (size_t i = 0; i < n; i++)
            g_assert_true (b.p.out[i] == 0.0f || b.p.out[i] > 4 * H);
          memcpy (dx, b.p.r, n * sizeof (float));
          cari_batchnorm_relu_backward_inplace (dx, dg, dbeta, b.x, b.gamma, b.mean, b.invstd,
                                                b.scale, b.shift, b.N, b.C, b.HW, NULL);
        }
      else
        cari_batchnorm_backward (dx, b.gamma ? dg : NULL, dbeta, b.p.r, b.x, b.gamma, b.mean,
                                 b.invstd, b.N, b.C, b.HW, NULL);
      assert_gradcheck (gradcheck (probe_loss, &b.p, b.x, dx, n, H, COORDS), TOL, "bn input");
      assert_gradcheck (gradcheck (probe_loss, &b.p, b.beta, dbeta, b.C, H, COORDS), TOL,
                        "bn beta");
      if (b.gamma)
        assert_gradcheck (gradcheck (probe_loss, &b.p, b.gamma, dg, b.C, H, COORDS), TOL,
                          "bn gamma");
      g_free (b.x);
      g_free (b.gamma);
      g_free (b.beta);
      g_free (b.mean);
      g_free (b.invstd);
      g_free (b.p.out);
      g_free (b.p.r);
    }
}

static void
test_batchnorm_statistics (void)
{
  /* One channel, values 1..4: mean 2.5, biased var 1.25, unbiased var 5/3. */
  float x[4] = { 1, 2, 3, 4 }, y[4], mean, invstd;
  float rm = 0.0f, rv = 1.0f, beta = 0.5f, gamma = 2.0f;
  cari_batchnorm_forward_train (y, &mean, &invstd, &rm, &rv, x, &gamma, &beta, 2, 1, 2, 0.9f,
                                1e-3f, FALSE);
  g_assert_cmpfloat_with_epsilon (mean, 2.5f, 1e-6);
  g_assert_cmpfloat_with_epsilon (invstd, 1.0f / sqrtf (1.25f + 1e-3f), 1e-6);
  g_assert_cmpfloat_with_epsilon (y[0], 2.0f * (1 - 2.5f) / sqrtf (1.251f) + 0.5f, 1e-5);
  g_assert_cmpfloat_with_epsilon (rm, 0.1f * 2.5f, 1e-6);
  g_assert_cmpfloat_with_epsilon (rv, 0.9f + 0.1f * (5.0f / 3.0f), 1e-6);

  /* Inference uses the running statistics. */
  cari_batchnorm_forward_infer (y, x, &gamma, &beta, &rm, &rv, 2, 1, 2, 1e-3f, FALSE);
  g_assert_cmpfloat_with_epsilon (y[3], 2.0f * (4 - rm) / sqrtf (rv + 1e-3f) + 0.5f, 1e-5);
  /* The fused ReLU clips what plain BN gives negative: 2·(−3 − 0.25)/1.033 + 0.5 < 0. */
  x[0] = -3.0f;
  cari_batchnorm_forward_infer (y, x, &gamma, &beta, &rm, &rv, 2, 1, 2, 1e-3f, TRUE);
  g_assert_cmpfloat (y[0], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (y[3], 2.0f * (4 - rm) / sqrtf (rv + 1e-3f) + 0.5f, 1e-5);
}

/* The output again from the input and the kept scale and shift, bit for bit, whether the
 * forward wrote it densely or into a slice of a wider tensor (a concat). */
static void
test_batchnorm_apply_recomputes (void)
{
  enum { N = 3, C = 5, HW = 37, WIDE = C + 3, OFF = 2 };
  for (int mode = 0; mode < 4; mode++)
    {
      const gboolean training = mode < 2, relu = mode % 2 == 0;
      float x[N * C * HW], wide[N * WIDE * HW], again[N * C * HW];
      float gamma[C], beta[C], rm[C], rv[C], mean[C], invstd[C], scale[C], shift[C];
      fill_uniform (x, G_N_ELEMENTS (x), -3, 2, 70 + mode);
      fill_uniform (gamma, C, 0.5f, 1.5f, 80);
      fill_uniform (beta, C, -0.5f, 0.5f, 81);
      fill_uniform (rm, C, -0.3f, 0.3f, 82);
      fill_uniform (rv, C, 0.5f, 2.0f, 83);
      for (size_t i = 0; i < G_N_ELEMENTS (wide); i++)
        wide[i] = 12345.0f;
      CariBatchNormState st = { gamma, beta, rm, rv, mean, invstd, scale, shift };
      cari_batchnorm_forward (&st, wide + OFF * HW, (size_t) WIDE * HW, x, N, C, HW, training,
                              0.9f, 1e-3f, relu);
      cari_batchnorm_apply (again, 0, x, scale, shift, N, C, HW, relu);
      size_t zeros = 0;
      for (int n = 0; n < N; n++)
        for (int c = 0; c < WIDE; c++)
          for (int i = 0; i < HW; i++)
            {
              float w = wide[((size_t) n * WIDE + c) * HW + i];
              if (c < OFF || c >= OFF + C)
                g_assert_cmpfloat (w, ==, 12345.0f); /* outside the slice: untouched */
              else
                {
                  float a = again[((size_t) n * C + c - OFF) * HW + i];
                  g_assert_cmpint (memcmp (&w, &a, sizeof w), ==, 0);
                  zeros += w == 0.0f;
                }
            }
      /* The ReLU cases clip a good part, so the mask is exercised. */
      if (relu)
        g_assert_cmpuint (zeros, >, N * C * HW / 8);
    }
}

/* ---------------------------------------------------------------- ReLU */

typedef struct
{
  Probe p;
  float *x;
} UnaryCase;

static void
relu_forward (gpointer self)
{
  UnaryCase *u = self;
  cari_relu_forward (u->p.out, u->x, u->p.n_out);
}

static void
keep_from_zero (float *x, size_t n, float margin)
{
  for (size_t i = 0; i < n; i++)
    x[i] = x[i] >= 0 ? x[i] + margin : x[i] - margin;
}

static void
test_relu (void)
{
  size_t n = 60;
  UnaryCase u = { { relu_forward, g_new (float, n), g_new (float, n), n }, g_new (float, n) };
  g_autofree float *dx = g_new0 (float, n);
  fill_uniform (u.x, n, -1, 1, 5);
  keep_from_zero (u.x, n, 4 * H);
  fill_uniform (u.p.r, n, -1, 1, 6);
  relu_forward (&u);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpfloat (u.p.out[i], ==, u.x[i] > 0 ? u.x[i] : 0.0f);
  cari_relu_backward (dx, u.p.r, u.p.out, n);
  assert_gradcheck (gradcheck (probe_loss, &u.p, u.x, dx, n, H, COORDS), TOL, "relu");
  g_free (u.x);
  g_free (u.p.out);
  g_free (u.p.r);
}

/* ---------------------------------------------------------------- pooling */

typedef struct
{
  Probe p;
  CariConv2dShape s;
  int N;
  float *x;
  int32_t *argmax;
  int kind; /* 0 max, 1 avg, 2 global avg */
} PoolCase;

static void
pool_forward (gpointer self)
{
  PoolCase *c = self;
  if (c->kind == 0)
    cari_maxpool_forward (c->p.out, c->argmax, c->x, c->N, &c->s);
  else if (c->kind == 1)
    cari_avgpool_forward (c->p.out, c->x, c->N, &c->s);
  else
    cari_global_avgpool_forward (c->p.out, c->x, c->N, c->s.in_c, c->s.in_h * c->s.in_w);
}

/* Distinct values 4h apart in a shuffled order, so no max is within reach of a tie. */
static void
fill_distinct (float *x, size_t n, guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  for (size_t i = 0; i < n; i++)
    x[i] = (float) i * 4 * H - (float) n * 2 * H;
  for (size_t i = n - 1; i > 0; i--)
    {
      size_t j = (size_t) g_rand_int_range (rand, 0, (gint32) i + 1);
      float t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  g_rand_free (rand);
}

static void
run_pool_case (int kind, int k, int stride, int h, int w, CariPadding pad, const char *what)
{
  PoolCase c = { .N = 2, .kind = kind };
  g_assert_true (cari_pool2d_shape_init (&c.s, 3, h, w, k, k, stride, stride, pad, NULL));
  size_t n_in = (size_t) c.N * 3 * h * w;
  size_t n_out = kind == 2 ? (size_t) c.N * 3 : (size_t) c.N * 3 * c.s.out_h * c.s.out_w;
  c.x = g_new (float, n_in);
  c.argmax = g_new (int32_t, n_out);
  c.p = (Probe) { pool_forward, g_new (float, n_out), g_new (float, n_out), n_out };
  fill_distinct (c.x, n_in, 7);
  fill_uniform (c.p.r, n_out, -1, 1, 8);

  g_autofree float *dx = g_new0 (float, n_in);
  pool_forward (&c);
  if (kind == 0)
    cari_maxpool_backward (dx, c.p.r, c.argmax, c.N, &c.s);
  else if (kind == 1)
    cari_avgpool_backward (dx, c.p.r, c.N, &c.s);
  else
    cari_global_avgpool_backward (dx, c.p.r, c.N, 3, h * w);
  assert_gradcheck (gradcheck (probe_loss, &c.p, c.x, dx, n_in, H, COORDS), TOL, what);
  g_free (c.x);
  g_free (c.argmax);
  g_free (c.p.out);
  g_free (c.p.r);
}

static void
test_pool_backward (void)
{
  run_pool_case (0, 3, 2, 9, 9, CARI_PADDING_VALID, "maxpool 3x3/2 valid");
  run_pool_case (0, 3, 2, 7, 8, CARI_PADDING_SAME, "maxpool 3x3/2 same odd");
  run_pool_case (1, 3, 1, 5, 6, CARI_PADDING_SAME, "avgpool 3x3/1 same");
  run_pool_case (1, 3, 2, 7, 7, CARI_PADDING_SAME, "avgpool 3x3/2 same odd");
  run_pool_case (2, 1, 1, 5, 4, CARI_PADDING_VALID, "global avgpool");
}

static void
test_pool_values (void)
{
  /* 3×3 input 1..9, 3×3 SAME stride 1: the corner averages only its 4 real neighbours. */
  float x[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, y[9];
  int32_t am[9];
  CariConv2dShape s;
  g_assert_true (cari_pool2d_shape_init (&s, 1, 3, 3, 3, 3, 1, 1, CARI_PADDING_SAME, NULL));
  cari_avgpool_forward (y, x, 1, &s);
  g_assert_cmpfloat_with_epsilon (y[0], (1 + 2 + 4 + 5) / 4.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (y[4], 5.0f, 1e-6);
  cari_maxpool_forward (y, am, x, 1, &s);
  g_assert_cmpfloat (y[0], ==, 5.0f);
  g_assert_cmpint (am[0], ==, 4);
  g_assert_cmpfloat (y[8], ==, 9.0f);
  /* Max pooling ignores SAME padding even when every real value is negative. */
  for (int i = 0; i < 9; i++)
    x[i] = -1.0f - (float) i;
  cari_maxpool_forward (y, am, x, 1, &s);
  g_assert_cmpfloat (y[0], ==, -1.0f);

  /* Into a slice of a concat: 2 images × 2 channels at channel 1 of 4; the same values and
   * winners as dense, nothing outside the slice written. */
  float x2[2 * 2 * 9], dense[2 * 2 * 9], wide[2 * 4 * 9];
  int32_t am_dense[2 * 2 * 9], am_wide[2 * 2 * 9];
  fill_uniform (x2, G_N_ELEMENTS (x2), -1, 1, 90);
  for (size_t i = 0; i < G_N_ELEMENTS (wide); i++)
    wide[i] = 7.0f;
  g_assert_true (cari_pool2d_shape_init (&s, 2, 3, 3, 3, 3, 1, 1, CARI_PADDING_SAME, NULL));
  cari_maxpool_forward (dense, am_dense, x2, 2, &s);
  cari_maxpool_forward_into (wide + 9, 4 * 9, am_wide, x2, 2, &s);
  for (int n = 0; n < 2; n++)
    for (int c = 0; c < 4; c++)
      for (int i = 0; i < 9; i++)
        {
          float w = wide[(n * 4 + c) * 9 + i];
          if (c == 0 || c == 3)
            g_assert_cmpfloat (w, ==, 7.0f);
          else
            g_assert_cmpfloat (w, ==, dense[(n * 2 + c - 1) * 9 + i]);
        }
  g_assert_cmpint (memcmp (am_dense, am_wide, sizeof am_dense), ==, 0);
}

/* ---------------------------------------------------------------- concat and residual */

typedef struct
{
  Probe p;
  float *a, *b;
  int N, HW;
  float scale;
  gboolean residual;
} JoinCase;

static void
join_forward (gpointer self)
{
  JoinCase *j = self;
  if (j->residual)
    cari_residual_forward (j->p.out, j->a, j->b, j->scale, j->p.n_out);
  else
    {
      const float *inputs[] = { j->a, j->b };
      const int channels[] = { 2, 3 };
      cari_concat_forward (j->p.out, inputs, channels, 2, j->N, j->HW);
    }
}

static void
test_concat_and_residual (void)
{
  for (int residual = 0; residual < 2; residual++)
    {
      JoinCase j = { .N = 2, .HW = 6, .scale = 0.17f, .residual = residual };
      size_t na = (size_t) j.N * (residual ? 5 : 2) * j.HW, nb = (size_t) j.N * (residual ? 5 : 3) * j.HW;
      size_t n_out = (size_t) j.N * 5 * j.HW;
      j.a = g_new (float, na);
      j.b = g_new (float, nb);
      j.p = (Probe) { join_forward, g_new (float, n_out), g_new (float, n_out), n_out };
      fill_uniform (j.a, na, -1, 1, 9);
      fill_uniform (j.b, nb, -1, 1, 10);
      fill_uniform (j.p.r, n_out, -1, 1, 11);
      g_autofree float *da = g_new0 (float, na);
      g_autofree float *db = g_new0 (float, nb);
      join_forward (&j);
      if (residual)
        {
          g_assert_cmpfloat_with_epsilon (j.p.out[7], j.a[7] + 0.17f * j.b[7], 1e-6);
          cari_residual_backward (da, db, j.p.r, j.scale, n_out);
        }
      else
        {
          /* Image 1, channel 2 is the first channel of b's image 1. */
          g_assert_cmpfloat (j.p.out[(1 * 5 + 2) * j.HW], ==, j.b[(1 * 3 + 0) * j.HW]);
          float *d[] = { da, db };
          const int channels[] = { 2, 3 };
          cari_concat_backward (d, j.p.r, channels, 2, j.N, j.HW);
        }
      assert_gradcheck (gradcheck (probe_loss, &j.p, j.a, da, na, H, COORDS), TOL,
                        residual ? "residual x" : "concat a");
      assert_gradcheck (gradcheck (probe_loss, &j.p, j.b, db, nb, H, COORDS), TOL,
                        residual ? "residual up" : "concat b");
      g_free (j.a);
      g_free (j.b);
      g_free (j.p.out);
      g_free (j.p.r);
    }
}

/* ---------------------------------------------------------------- dense */

typedef struct
{
  Probe p;
  float *x, *w, *b;
  int N, C, OC;
} DenseCase;

static void
dense_forward (gpointer self)
{
  DenseCase *d = self;
  cari_dense_forward (d->p.out, d->x, d->w, d->b, d->N, d->C, d->OC);
}

static void
test_dense (void)
{
  DenseCase d = { .N = 4, .C = 7, .OC = 5 };
  size_t nx = (size_t) d.N * d.C, nw = (size_t) d.OC * d.C, no = (size_t) d.N * d.OC;
  d.x = g_new (float, nx);
  d.w = g_new (float, nw);
  d.b = g_new (float, d.OC);
  d.p = (Probe) { dense_forward, g_new (float, no), g_new (float, no), no };
  fill_uniform (d.x, nx, -1, 1, 12);
  fill_uniform (d.w, nw, -1, 1, 13);
  fill_uniform (d.b, d.OC, -1, 1, 14);
  fill_uniform (d.p.r, no, -1, 1, 15);
  g_autofree float *dx = g_new0 (float, nx);
  g_autofree float *dw = g_new0 (float, nw);
  g_autofree float *db = g_new0 (float, d.OC);
  dense_forward (&d);
  /* out[1, 2] by hand */
  double want = d.b[2];
  for (int c = 0; c < d.C; c++)
    want += (double) d.x[1 * d.C + c] * d.w[2 * d.C + c];
  g_assert_cmpfloat_with_epsilon (d.p.out[1 * d.OC + 2], want, 1e-5);
  cari_dense_backward (dx, dw, db, d.p.r, d.x, d.w, d.N, d.C, d.OC);
  assert_gradcheck (gradcheck (probe_loss, &d.p, d.x, dx, nx, H, COORDS), TOL, "dense input");
  assert_gradcheck (gradcheck (probe_loss, &d.p, d.w, dw, nw, H, COORDS), TOL, "dense weight");
  assert_gradcheck (gradcheck (probe_loss, &d.p, d.b, db, d.OC, H, COORDS), TOL, "dense bias");
  g_free (d.x);
  g_free (d.w);
  g_free (d.b);
  g_free (d.p.out);
  g_free (d.p.r);
}

/* ---------------------------------------------------------------- dropout */

typedef struct
{
  Probe p;
  float *x, *mask;
  float keep;
} DropoutCase;

static void
dropout_forward (gpointer self)
{
  DropoutCase *d = self;
  CariRng rng;
  cari_rng_seed (&rng, 99); /* the same mask at every evaluation */
  cari_dropout_forward (d->p.out, d->mask, d->x, d->p.n_out, d->keep, &rng);
}

static void
test_dropout (void)
{
  size_t n = 4000;
  DropoutCase d = { { dropout_forward, g_new (float, n), g_new (float, n), n }, g_new (float, n),
                    g_new (float, n), 0.5f };
  g_autofree float *dx = g_new0 (float, n);
  fill_uniform (d.x, n, -1, 1, 16);
  fill_uniform (d.p.r, n, -1, 1, 17);
  dropout_forward (&d);
  size_t kept = 0;
  for (size_t i = 0; i < n; i++)
    {
      g_assert_true (d.mask[i] == 0.0f || d.mask[i] == 2.0f);
      kept += d.mask[i] != 0.0f;
      g_assert_cmpfloat (d.p.out[i], ==, d.x[i] * d.mask[i]);
    }
  /* Binomial(4000, 0.5): 5 standard deviations is ±158. */
  g_assert_cmpint (kept, >, 2000 - 158);
  g_assert_cmpint (kept, <, 2000 + 158);
  cari_dropout_backward (dx, d.p.r, d.mask, n);
  assert_gradcheck (gradcheck (probe_loss, &d.p, d.x, dx, n, H, COORDS), TOL, "dropout");
  g_free (d.x);
  g_free (d.mask);
  g_free (d.p.out);
  g_free (d.p.r);
}

/* ---------------------------------------------------------------- softmax cross-entropy */

typedef struct
{
  float *logits, *probs;
  const int *labels;
  int N, K;
} CeCase;

static double
ce_loss (gpointer data)
{
  CeCase *c = data;
  return cari_softmax_cross_entropy_forward (c->probs, c->logits, c->labels, c->N, c->K, NULL);
}

static void
test_cross_entropy_values (void)
{
  /* logits (0, ln 2): p = (1/3, 2/3); label 1 → −ln(2/3). A masked row does not count. */
  float logits[4] = { 0.0f, logf (2.0f), 5.0f, -5.0f }, probs[4];
  int labels[2] = { 1, -1 }, counted = -1;
  double l = cari_softmax_cross_entropy_forward (probs, logits, labels, 2, 2, &counted);
  g_assert_cmpint (counted, ==, 1);
  g_assert_cmpfloat_with_epsilon (l, -log (2.0 / 3.0), 1e-6);
  g_assert_cmpfloat_with_epsilon (probs[0], 1.0 / 3.0, 1e-6);

  /* Huge logits stay finite. */
  float big[2] = { 1000.0f, 0.0f };
  int lab = 1;
  l = cari_softmax_cross_entropy_forward (probs, big, &lab, 1, 2, NULL);
  g_assert_cmpfloat_with_epsilon (l, 1000.0, 1e-3);

  /* No counted row: zero loss, no gradient. */
  int none[1] = { -1 };
  float d[2] = { 0, 0 };
  g_assert_cmpfloat (cari_softmax_cross_entropy_forward (probs, big, none, 1, 2, NULL), ==, 0.0);
  cari_softmax_cross_entropy_backward (d, probs, none, 1, 2, 1.0f);
  g_assert_cmpfloat (d[0], ==, 0.0f);
}

static void
test_cross_entropy_backward (void)
{
  CeCase c = { .N = 5, .K = 4 };
  const int labels[5] = { 0, 3, -1, 2, 3 };
  c.labels = labels;
  c.logits = g_new (float, 20);
  c.probs = g_new (float, 20);
  fill_uniform (c.logits, 20, -2, 2, 18);
  g_autofree float *d = g_new0 (float, 20);
  ce_loss (&c);
  cari_softmax_cross_entropy_backward (d, c.probs, labels, c.N, c.K, 1.0f);
  for (int k = 0; k < c.K; k++)
    g_assert_cmpfloat (d[2 * c.K + k], ==, 0.0f); /* the masked row */
  assert_gradcheck (gradcheck (ce_loss, &c, c.logits, d, 20, H, COORDS), TOL, "cross-entropy");
  g_free (c.logits);
  g_free (c.probs);
}

/* ---------------------------------------------------------------- L2 normalisation */

typedef struct
{
  Probe p;
  float *x, *norms;
  int N, D;
} L2Case;

static void
l2_forward (gpointer self)
{
  L2Case *c = self;
  cari_l2norm_forward (c->p.out, c->norms, c->x, c->N, c->D, 1e-10f);
}

static void
test_l2norm (void)
{
  L2Case c = { .N = 3, .D = 6 };
  size_t n = 18;
  c.x = g_new (float, n);
  c.norms = g_new (float, c.N);
  c.p = (Probe) { l2_forward, g_new (float, n), g_new (float, n), n };
  fill_uniform (c.x, n, -1, 1, 19);
  fill_uniform (c.p.r, n, -1, 1, 20);
  g_autofree float *dx = g_new0 (float, n);
  l2_forward (&c);
  for (int i = 0; i < c.N; i++)
    {
      double ss = 0;
      for (int d = 0; d < c.D; d++)
        ss += c.p.out[i * c.D + d] * c.p.out[i * c.D + d];
      g_assert_cmpfloat_with_epsilon (ss, 1.0, 1e-5);
    }
  cari_l2norm_backward (dx, c.p.r, c.p.out, c.norms, c.N, c.D, 1e-10f);
  assert_gradcheck (gradcheck (probe_loss, &c.p, c.x, dx, n, 1e-3f, COORDS), TOL, "l2norm");
  g_free (c.x);
  g_free (c.norms);
  g_free (c.p.out);
  g_free (c.p.r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/batchnorm/statistics", test_batchnorm_statistics);
  g_test_add_func ("/batchnorm/backward", test_batchnorm_backward);
  g_test_add_func ("/batchnorm/apply-recomputes", test_batchnorm_apply_recomputes);
  g_test_add_func ("/relu/forward-backward", test_relu);
  g_test_add_func ("/pool/values", test_pool_values);
  g_test_add_func ("/pool/backward", test_pool_backward);
  g_test_add_func ("/combine/concat-residual", test_concat_and_residual);
  g_test_add_func ("/dense/forward-backward", test_dense);
  g_test_add_func ("/dropout/forward-backward", test_dropout);
  g_test_add_func ("/softmax/cross-entropy-values", test_cross_entropy_values);
  g_test_add_func ("/softmax/cross-entropy-backward", test_cross_entropy_backward);
  g_test_add_func ("/l2norm/forward-backward", test_l2norm);
  return g_test_run ();
}
