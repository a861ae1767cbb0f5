/* test-winograd.c — Winograd's 3×3 stride-1 convolution against im2col and against a
 * double-precision reference: outputs, input and weight gradients, both tile sizes, on shapes
 * with 1 to 64 channels, sides 5 to 40, SAME and VALID, odd and even output sizes (edge tiles
 * cut off), one image per gemm and several. Also: which shapes are eligible, the algorithm
 * switch, and that the workspace conv.c asks for is enough for either algorithm.
 *
 * The error measure is normwise, ‖ŷ − y‖∞ / ‖y‖∞ with y in double: a float32 sum of n products
 * is within about √n·ε of its value relative to the sum of the products' magnitudes (random
 * rounding, ε = 2⁻²⁴ ≈ 6e-8; n·ε at worst), and these sums are of the order of ‖y‖∞: for the
 * forward and ∂input n = 9·C ≤ 576, √n·ε ≈ 1.4e-6 (∂weight sums over pixels, n ≤ 4,800, of terms
 * of random sign, and measures no worse). Winograd adds the rounding of its transforms, whose
 * coefficients grow with the tile: F(2×2) has 0, ±1 and ½ (a few ε more), F(4×4) up to 8 in Aᵀ
 * and 5 in Bᵀ with ⅙ and 1/24 in G, which amplify the rounding about tenfold. Asserted: 5e-6 for
 * im2col and F(2×2) (3.5 × √n·ε; the worst measured are 6.4e-7 and 8.9e-7), 5e-5 for F(4×4)
 * (tenfold; measured 5.8e-6), printed with --verbose. F(6×6, 3×3), extraction's forward only,
 * has up to 32 in Aᵀ, 21/4 in Bᵀ and 1/90 in G: 1e-4 (measured 1.2e-5). A wrong coefficient,
 * sign or misplaced tile gives errors of order 1 (bench/README.md has the figures).
 */
#include <cari.h>
#include <math.h>
#include <string.h>

#include "gradcheck.h"
#include "nn/winograd.h"

typedef struct
{
  int c, h, w, oc;
  CariPadding pad;
} Shape;

static const Shape shapes[] = {
  { 1, 5, 5, 1, CARI_PADDING_VALID },    /* 3 × 3 out: one F(4) tile, cut */
  { 1, 5, 6, 3, CARI_PADDING_SAME },     /* 5 × 6 out */
  { 3, 7, 9, 4, CARI_PADDING_SAME },     /* odd × odd */
  { 2, 6, 6, 2, CARI_PADDING_VALID },    /* 4 × 4 out: exact F(4) and F(2) tiles */
  { 8, 12, 11, 16, CARI_PADDING_VALID }, /* 10 × 9 */
  { 16, 17, 17, 16, CARI_PADDING_SAME }, /* the paper's block35 at 160 px */
  { 32, 20, 21, 8, CARI_PADDING_VALID },
  { 64, 9, 8, 64, CARI_PADDING_SAME },   /* reduction_b's size */
  { 24, 40, 40, 12, CARI_PADDING_SAME },
  { 5, 33, 38, 7, CARI_PADDING_VALID },  /* 31 × 36 */
  { 64, 23, 19, 32, CARI_PADDING_VALID },
  { 48, 10, 40, 40, CARI_PADDING_SAME }, /* wide and low */
  { 160, 9, 10, 144, CARI_PADDING_SAME }, /* channels past the fused forward: three phases */
};

static const double bound[] = {
  [CARI_WINOGRAD_TILE_SMALL] = 5e-6,
  [CARI_WINOGRAD_TILE_LARGE] = 5e-5,
  [CARI_WINOGRAD_TILE_FORWARD] = 1e-4,
};

typedef struct
{
  CariConv2dShape s;
  int N;
  size_t n_in, n_w, n_out;
  float *inp, *weight, *bias, *dout;
  double *ref_out, *ref_dinp, *ref_dw;
} Case;

static void
case_init (Case *k, const Shape *sh, int N, guint32 seed)
{
  g_autoptr (GError) error = NULL;
  const CariConv2dShape *s = &k->s;

  memset (k, 0, sizeof *k);
  g_assert_true (cari_conv2d_shape_init (&k->s, sh->c, sh->h, sh->w, sh->oc, 3, 3, 1, 1, sh->pad,
                                         &error));
  g_assert_no_error (error);
  k->N = N;
  k->n_in = (size_t) N * s->in_c * s->in_h * s->in_w;
  k->n_w = (size_t) s->out_c * s->in_c * 9;
  k->n_out = (size_t) N * s->out_c * s->out_h * s->out_w;
  k->inp = g_new (float, k->n_in);
  k->weight = g_new (float, k->n_w);
  k->bias = g_new (float, s->out_c);
  k->dout = g_new (float, k->n_out);
  fill_uniform (k->inp, k->n_in, -1, 1, seed);
  fill_uniform (k->weight, k->n_w, -1, 1, seed + 1);
  fill_uniform (k->bias, s->out_c, -1, 1, seed + 2);
  fill_uniform (k->dout, k->n_out, -1, 1, seed + 3);

  /* The convolution, ∂input and ∂weight in double, one loop nest: every (output, input, tap)
   * triple adds its product to all three. */
  k->ref_out = g_new0 (double, k->n_out);
  k->ref_dinp = g_new0 (double, k->n_in);
  k->ref_dw = g_new0 (double, k->n_w);
  for (int n = 0; n < N; n++)
    for (int o = 0; o < s->out_c; o++)
      for (int y = 0; y < s->out_h; y++)
        for (int x = 0; x < s->out_w; x++)
          {
            size_t oi = (((size_t) n * s->out_c + o) * s->out_h + y) * s->out_w + x;
            double acc = k->bias[o], g = k->dout[oi];
            for (int c = 0; c < s->in_c; c++)
              for (int ky = 0; ky < 3; ky++)
                for (int kx = 0; kx < 3; kx++)
                  {
                    int iy = y + ky - s->pad_top, ix = x + kx - s->pad_left;
                    if (iy < 0 || iy >= s->in_h || ix < 0 || ix >= s->in_w)
                      continue;
                    size_t wi = (((size_t) o * s->in_c + c) * 3 + ky) * 3 + kx;
                    size_t ii = (((size_t) n * s->in_c + c) * s->in_h + iy) * s->in_w + ix;
                    acc += (double) k->weight[wi] * k->inp[ii];
                    k->ref_dinp[ii] += g * k->weight[wi];
                    k->ref_dw[wi] += g * k->inp[ii];
                  }
            k->ref_out[oi] = acc;
          }
}

static void
case_clear (Case *k)
{
  g_free (k->inp);
  g_free (k->weight);
  g_free (k->bias);
  g_free (k->dout);
  g_free (k->ref_out);
  g_free (k->ref_dinp);
  g_free (k->ref_dw);
}

/* ‖got − (want + offset)‖∞ / ‖want‖∞; infinite where any value is not finite (MAX would drop a
 * NaN, and a NaN compares false against every bound), e.g. read from the NaN-filled workspace
 * before being written. */
static double
normwise_error (const float *got, const double *want, size_t n, float offset)
{
  double diff = 0.0, scale = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      if (!isfinite (got[i]))
        return INFINITY;
      diff = MAX (diff, fabs ((double) got[i] - offset - want[i]));
      scale = MAX (scale, fabs (want[i]));
    }
  return diff / MAX (scale, 1e-30);
}

typedef struct
{
  double out, dinp, dw;
} Errors;

/* Forward and backward by the algorithm in force, with a workspace for `group` images; the
 * gradients start from 0.5 to check that they accumulate. */
static Errors
run_case (const Case *k, int group)
{
  const CariConv2dShape *s = &k->s;
  size_t ws_floats = cari_conv2d_workspace_floats (s, group);
  g_autofree float *ws = g_new (float, ws_floats);
  g_autofree float *out = g_new (float, k->n_out);
  g_autofree float *dinp = g_new (float, k->n_in);
  g_autofree float *dw = g_new (float, k->n_w);
  g_autofree float *db = g_new0 (float, s->out_c);
  Errors e;

  /* NaNs in the workspace: nothing may read it before writing it. */
  for (size_t i = 0; i < ws_floats; i++)
    ws[i] = NAN;
  for (size_t i = 0; i < k->n_in; i++)
    dinp[i] = 0.5f;
  for (size_t i = 0; i < k->n_w; i++)
    dw[i] = 0.5f;
  cari_conv2d_forward (out, k->inp, k->weight, k->bias, k->N, s, ws, ws_floats);
  cari_conv2d_backward (dinp, dw, db, k->dout, k->inp, k->weight, k->N, s, ws, ws_floats);
  e.out = normwise_error (out, k->ref_out, k->n_out, 0.0f);
  e.dinp = normwise_error (dinp, k->ref_dinp, k->n_in, 0.5f);
  e.dw = normwise_error (dw, k->ref_dw, k->n_w, 0.5f);
  return e;
}

static void
test_eligible (void)
{
  CariConv2dShape s;
  g_assert_true (cari_conv2d_shape_init (&s, 4, 9, 9, 4, 3, 3, 1, 1, CARI_PADDING_SAME, NULL));
  g_assert_true (cari_winograd_eligible (&s));
  g_assert_true (cari_conv2d_shape_init (&s, 4, 9, 9, 4, 3, 3, 1, 1, CARI_PADDING_VALID, NULL));
  g_assert_true (cari_winograd_eligible (&s));
  g_assert_true (cari_conv2d_shape_init (&s, 4, 9, 9, 4, 3, 3, 2, 2, CARI_PADDING_VALID, NULL));
  g_assert_false (cari_winograd_eligible (&s));
  g_assert_true (cari_conv2d_shape_init (&s, 4, 9, 9, 4, 1, 3, 1, 1, CARI_PADDING_SAME, NULL));
  g_assert_false (cari_winograd_eligible (&s));
  g_assert_true (cari_conv2d_shape_init (&s, 4, 9, 9, 4, 1, 1, 1, 1, CARI_PADDING_SAME, NULL));
  g_assert_false (cari_winograd_eligible (&s));

  /* The switch: direct turns Winograd off, the others say which tile and which passes. */
  const struct
  {
    CariConvAlgo algo;
    int forward, backward;
  } sw[] = {
    { CARI_CONV_ALGO_DIRECT, 0, 0 },
    { CARI_CONV_ALGO_WINOGRAD, 4, 4 },
    { CARI_CONV_ALGO_WINOGRAD2, 2, 2 },
    { CARI_CONV_ALGO_WINOGRAD_BACKWARD, 0, 4 },
  };
  CariConv2dShape strided;
  g_assert_true (cari_conv2d_shape_init (&s, 4, 9, 9, 4, 3, 3, 1, 1, CARI_PADDING_SAME, NULL));
  g_assert_true (cari_conv2d_shape_init (&strided, 4, 9, 9, 4, 3, 3, 2, 2, CARI_PADDING_SAME,
                                         NULL));
  for (size_t i = 0; i < G_N_ELEMENTS (sw); i++)
    {
      cari_conv2d_set_algo (sw[i].algo);
      g_assert_cmpint (cari_conv2d_get_algo (), ==, sw[i].algo);
      g_assert_cmpint (cari_conv2d_winograd_tile (&s, TRUE), ==, sw[i].forward);
      g_assert_cmpint (cari_conv2d_winograd_tile (&s, FALSE), ==, sw[i].backward);
      g_assert_cmpint (cari_conv2d_winograd_tile (&strided, FALSE), ==, 0);
    }
  /* auto: im2col below CARI_CONV_AUTO_WINOGRAD_CHANNELS input + output channels, F(4×4) from
   * there on, both passes. */
  CariConv2dShape narrow, wide;
  const int half = CARI_CONV_AUTO_WINOGRAD_CHANNELS / 2;
  g_assert_true (cari_conv2d_shape_init (&narrow, half, 9, 9, half - 1, 3, 3, 1, 1,
                                         CARI_PADDING_SAME, NULL));
  g_assert_true (cari_conv2d_shape_init (&wide, half, 9, 9, half, 3, 3, 1, 1, CARI_PADDING_SAME,
                                         NULL));
  cari_conv2d_set_algo (CARI_CONV_ALGO_AUTO);
  g_assert_cmpint (cari_conv2d_get_algo (), ==, CARI_CONV_ALGO_AUTO);
  for (int forward = 0; forward <= 1; forward++)
    {
      g_assert_cmpint (cari_conv2d_winograd_tile (&narrow, forward), ==, 0);
      g_assert_cmpint (cari_conv2d_winograd_tile (&wide, forward), ==, 4);
    }
  g_assert_cmpstr (cari_conv2d_algo_name (CARI_CONV_ALGO_AUTO), ==, "auto");
  CariConvAlgo parsed;
  g_assert_true (cari_conv2d_algo_parse (NULL, &parsed));
  g_assert_cmpint (parsed, ==, CARI_CONV_ALGO_AUTO);
  g_assert_true (cari_conv2d_algo_parse ("winograd", &parsed));
  g_assert_cmpint (parsed, ==, CARI_CONV_ALGO_WINOGRAD);
  g_assert_false (cari_conv2d_algo_parse ("fast", &parsed));
  cari_conv2d_set_algo (CARI_CONV_ALGO_WINOGRAD);
}

static void
test_against_reference (void)
{
  const CariConvAlgo algos[] = { CARI_CONV_ALGO_DIRECT, CARI_CONV_ALGO_WINOGRAD2,
                                 CARI_CONV_ALGO_WINOGRAD };
  const int tiles[] = { 0, CARI_WINOGRAD_TILE_SMALL, CARI_WINOGRAD_TILE_LARGE };
  Errors worst[G_N_ELEMENTS (algos)] = { { 0 } };
  const int N = 3;

  for (size_t i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      Case k;
      case_init (&k, &shapes[i], N, 100 + 10 * (guint32) i);
      for (size_t a = 0; a < G_N_ELEMENTS (algos); a++)
        for (int group = 1; group <= N; group += N - 1)
          {
            cari_conv2d_set_algo (algos[a]);
            g_assert_cmpint (cari_conv2d_winograd_tile (&k.s, TRUE), ==, tiles[a]);
            g_assert_cmpint (cari_conv2d_winograd_tile (&k.s, FALSE), ==, tiles[a]);
            Errors e = run_case (&k, group);
            g_test_message ("%dx%dx%d -> %dx%dx%d, tile %d, group %d: out %.2e, dinp %.2e, "
                            "dw %.2e", k.s.in_c, k.s.in_h, k.s.in_w, k.s.out_c, k.s.out_h,
                            k.s.out_w, tiles[a], group, e.out, e.dinp, e.dw);
            worst[a].out = MAX (worst[a].out, e.out);
            worst[a].dinp = MAX (worst[a].dinp, e.dinp);
            worst[a].dw = MAX (worst[a].dw, e.dw);
            /* im2col is held to the F(2×2) bound: it has no transforms to round. */
            double b = bound[a == 0 ? CARI_WINOGRAD_TILE_SMALL : tiles[a]];
            if (!(e.out <= b && e.dinp <= b && e.dw <= b))
              g_error ("%dx%dx%d -> %dx%dx%d, tile %d, group %d: errors %.2e %.2e %.2e past %.0e",
                       k.s.in_c, k.s.in_h, k.s.in_w, k.s.out_c, k.s.out_h, k.s.out_w, tiles[a],
                       group, e.out, e.dinp, e.dw, b);
          }
      case_clear (&k);
    }
  for (size_t a = 0; a < G_N_ELEMENTS (algos); a++)
    g_test_message ("worst, tile %d: out %.2e, dinp %.2e, dw %.2e", tiles[a], worst[a].out,
                    worst[a].dinp, worst[a].dw);
  cari_conv2d_set_algo (CARI_CONV_ALGO_WINOGRAD);
}

static void
test_against_im2col (void)
{
  /* Winograd and im2col on the same float inputs, normwise, through the public entry points
   * only (what the network sees): the difference is the sum of both errors. */
  for (size_t i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      Case k;
      const CariConv2dShape *s = &k.s;
      case_init (&k, &shapes[i], 2, 7 + (guint32) i);
      size_t ws_floats = cari_conv2d_workspace_floats (s, 2);
      g_autofree float *ws = g_new (float, ws_floats);
      float *res[2][3];
      for (int a = 0; a < 2; a++)
        {
          cari_conv2d_set_algo (a == 0 ? CARI_CONV_ALGO_DIRECT : CARI_CONV_ALGO_WINOGRAD);
          res[a][0] = g_new (float, k.n_out);
          res[a][1] = g_new0 (float, k.n_in);
          res[a][2] = g_new0 (float, k.n_w);
          cari_conv2d_forward (res[a][0], k.inp, k.weight, NULL, 2, s, ws, ws_floats);
          cari_conv2d_backward (res[a][1], res[a][2], NULL, k.dout, k.inp, k.weight, 2, s, ws,
                                ws_floats);
        }
      const size_t n[3] = { k.n_out, k.n_in, k.n_w };
      for (int t = 0; t < 3; t++)
        {
          double diff = 0.0, scale = 0.0;
          for (size_t j = 0; j < n[t]; j++)
            {
              g_assert_true (isfinite (res[0][t][j]) && isfinite (res[1][t][j]));
              diff = MAX (diff, fabsf (res[1][t][j] - res[0][t][j]));
              scale = MAX (scale, fabsf (res[0][t][j]));
            }
          g_assert_cmpfloat (diff / scale, <=, bound[CARI_WINOGRAD_TILE_LARGE]);
          g_free (res[0][t]);
          g_free (res[1][t]);
        }
      case_clear (&k);
    }
  cari_conv2d_set_algo (CARI_CONV_ALGO_WINOGRAD);
}

/* Extraction's forward: F(6×6, 3×3) on every shape (called directly, whatever the products
 * rule would pick), one image per gemm and several, against the double reference; and the
 * tile that cari_conv2d_extract_tile picks under each algorithm. */
static void
test_extract_forward (void)
{
  const int N = 3;
  double worst = 0.0;
  for (size_t i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      Case k;
      const CariConv2dShape *s = &k.s;
      case_init (&k, &shapes[i], N, 300 + 10 * (guint32) i);
      g_autofree float *out = g_new (float, k.n_out);
      for (int group = 1; group <= N; group += N - 1)
        {
          size_t ws_floats = cari_winograd_workspace_floats (s, CARI_WINOGRAD_TILE_FORWARD, group);
          g_autofree float *ws = g_new (float, ws_floats);
          for (size_t j = 0; j < ws_floats; j++)
            ws[j] = NAN;
          for (size_t j = 0; j < k.n_out; j++)
            out[j] = NAN;
          cari_winograd_forward (out, k.inp, k.weight, k.bias, N, s, CARI_WINOGRAD_TILE_FORWARD,
                                 ws, ws_floats);
          double e = normwise_error (out, k.ref_out, k.n_out, 0.0f);
          g_test_message ("%dx%dx%d -> %dx%dx%d, tile 6, group %d: out %.2e", s->in_c, s->in_h,
                          s->in_w, s->out_c, s->out_h, s->out_w, group, e);
          worst = MAX (worst, e);
          if (!(e <= bound[CARI_WINOGRAD_TILE_FORWARD]))
            g_error ("%dx%dx%d -> %dx%dx%d, tile 6, group %d: error %.2e past %.0e", s->in_c,
                     s->in_h, s->in_w, s->out_c, s->out_h, s->out_w, group, e,
                     bound[CARI_WINOGRAD_TILE_FORWARD]);
        }

      /* What extraction runs, through the public entry point: the same bound. */
      cari_conv2d_set_algo (CARI_CONV_ALGO_AUTO);
      size_t ws_floats = cari_conv2d_workspace_floats (s, N);
      g_autofree float *ws = g_new (float, ws_floats);
      for (size_t j = 0; j < ws_floats; j++)
        ws[j] = NAN;
      for (size_t j = 0; j < k.n_out; j++)
        out[j] = NAN;
      cari_conv2d_forward_extract (out, k.inp, k.weight, k.bias, N, s, ws, ws_floats);
      g_assert_cmpfloat (normwise_error (out, k.ref_out, k.n_out, 0.0f), <=,
                         bound[CARI_WINOGRAD_TILE_FORWARD]);
      case_clear (&k);
    }
  g_test_message ("worst, tile 6: out %.2e", worst);

  /* The choice: auto takes F(6×6) where its tiles need fewer products than F(4×4)'s (a 17 × 17
   * output: 9 · 64 against 25 · 36), F(4×4) where not (8 × 8: 4 · 64 against 4 · 36), im2col
   * below the channel threshold as training does; the other algorithms keep their forward's
   * tile, and the backward-only one im2col. */
  CariConv2dShape big, small, narrow;
  g_assert_true (cari_conv2d_shape_init (&big, 32, 17, 17, 32, 3, 3, 1, 1, CARI_PADDING_SAME,
                                         NULL));
  g_assert_true (cari_conv2d_shape_init (&small, 32, 8, 8, 32, 3, 3, 1, 1, CARI_PADDING_SAME,
                                         NULL));
  g_assert_true (cari_conv2d_shape_init (&narrow, 8, 17, 17, 16, 3, 3, 1, 1, CARI_PADDING_SAME,
                                         NULL));
  cari_conv2d_set_algo (CARI_CONV_ALGO_AUTO);
  g_assert_cmpint (cari_conv2d_extract_tile (&big), ==, CARI_WINOGRAD_TILE_FORWARD);
  g_assert_cmpint (cari_conv2d_extract_tile (&small), ==, CARI_WINOGRAD_TILE_LARGE);
  g_assert_cmpint (cari_conv2d_extract_tile (&narrow), ==, 0);
  const struct
  {
    CariConvAlgo algo;
    int tile;
  } sw[] = {
    { CARI_CONV_ALGO_DIRECT, 0 },
    { CARI_CONV_ALGO_WINOGRAD, CARI_WINOGRAD_TILE_LARGE },
    { CARI_CONV_ALGO_WINOGRAD2, CARI_WINOGRAD_TILE_SMALL },
    { CARI_CONV_ALGO_WINOGRAD_BACKWARD, 0 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (sw); i++)
    {
      cari_conv2d_set_algo (sw[i].algo);
      g_assert_cmpint (cari_conv2d_extract_tile (&big), ==, sw[i].tile);
      g_assert_cmpint (cari_conv2d_extract_tile (&small), ==, sw[i].tile);
    }
  cari_conv2d_set_algo (CARI_CONV_ALGO_WINOGRAD);
}

static void
test_workspace (void)
{
  /* What conv.c asks for covers both algorithms for one image and for the group; Winograd
   * asks for its filter transforms and their gradient once, then per image. */
  CariConv2dShape s;
  g_assert_true (cari_conv2d_shape_init (&s, 8, 10, 10, 16, 3, 3, 1, 1, CARI_PADDING_SAME, NULL));
  for (int tile = 2; tile <= 4; tile += 2)
    {
      size_t a2 = (size_t) (tile + 2) * (tile + 2);
      size_t tiles = (size_t) ((10 + tile - 1) / tile) * ((10 + tile - 1) / tile);
      size_t one = cari_winograd_workspace_floats (&s, tile, 1);
      g_assert_cmpuint (one, ==, 2 * a2 * 8 * 16 + a2 * (8 + 16) * tiles);
      g_assert_cmpuint (cari_winograd_workspace_floats (&s, tile, 3) - one, ==,
                        2 * a2 * (8 + 16) * tiles);
      g_assert_cmpuint (cari_conv2d_workspace_floats (&s, 3), >=,
                        cari_winograd_workspace_floats (&s, tile, 3));
    }
  /* F(6×6) has no backward: the transformed filter once, no room for its gradient. */
  const size_t a2 = 64, tiles = 2 * 2;
  g_assert_cmpuint (cari_winograd_workspace_floats (&s, CARI_WINOGRAD_TILE_FORWARD, 1), ==,
                    a2 * 8 * 16 + a2 * (8 + 16) * tiles);
  g_assert_cmpuint (cari_conv2d_workspace_floats (&s, 3), >=,
                    cari_winograd_workspace_floats (&s, CARI_WINOGRAD_TILE_FORWARD, 3));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/winograd/eligible", test_eligible);
  g_test_add_func ("/winograd/workspace", test_workspace);
  g_test_add_func ("/winograd/against-double-reference", test_against_reference);
  g_test_add_func ("/winograd/against-im2col", test_against_im2col);
  g_test_add_func ("/winograd/extract-forward", test_extract_forward);
  return g_test_run ();
}
