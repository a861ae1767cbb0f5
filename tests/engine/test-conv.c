/* test-conv.c — convolution: shapes and padding, forward against a direct loop, and every
 * gradient against central finite differences, for the one-image, the grouped gemm and the
 * image-by-image paths, and for the 3×3 stride-1 cases also by Winograd (test-winograd.c measures its error on
 * larger shapes). */
#include <cari.h>
#include <math.h>
#include <string.h>

#include "gradcheck.h"

typedef struct
{
  const char *name;
  int c, h, w, oc, kh, kw, sh, sw;
  CariPadding pad;
} ConvCase;

/* Every case runs under each algorithm; only 3×3 stride-1 ones differ between them. */
static const CariConvAlgo algos[] = { CARI_CONV_ALGO_DIRECT, CARI_CONV_ALGO_WINOGRAD2,
                                      CARI_CONV_ALGO_WINOGRAD };

static const ConvCase cases[] = {
  { "3x3 s1 same", 3, 6, 5, 4, 3, 3, 1, 1, CARI_PADDING_SAME },
  { "3x3 s1 valid odd", 2, 9, 7, 3, 3, 3, 1, 1, CARI_PADDING_VALID },
  { "3x3 s1 valid even", 2, 8, 10, 3, 3, 3, 1, 1, CARI_PADDING_VALID },
  { "3x3 s2 same odd", 2, 7, 7, 3, 3, 3, 2, 2, CARI_PADDING_SAME },
  { "3x3 s2 same even", 2, 8, 6, 3, 3, 3, 2, 2, CARI_PADDING_SAME },
  { "3x3 s2 valid odd", 2, 9, 7, 3, 3, 3, 2, 2, CARI_PADDING_VALID },
  { "1x7 same", 3, 5, 9, 2, 1, 7, 1, 1, CARI_PADDING_SAME },
  { "7x1 same", 3, 9, 5, 2, 7, 1, 1, 1, CARI_PADDING_SAME },
  { "1x3 same", 4, 5, 5, 3, 1, 3, 1, 1, CARI_PADDING_SAME },
  { "3x1 same", 4, 5, 5, 3, 3, 1, 1, 1, CARI_PADDING_SAME },
  { "1x1 pointwise", 5, 4, 3, 6, 1, 1, 1, 1, CARI_PADDING_SAME },
  { "1x1 s2 valid", 3, 5, 5, 2, 1, 1, 2, 2, CARI_PADDING_VALID },
  { "5x3 s(2,1) same odd", 2, 7, 6, 3, 5, 3, 2, 1, CARI_PADDING_SAME },
  /* Planes of 64 pixels or more run image by image (columns and ∂W per part). */
  { "3x3 s2 valid plane 81", 2, 19, 19, 3, 3, 3, 2, 2, CARI_PADDING_VALID },
  { "1x1 pointwise plane 72", 3, 9, 8, 4, 1, 1, 1, 1, CARI_PADDING_SAME },
  { "7x1 same plane 80", 2, 10, 8, 3, 7, 1, 1, 1, CARI_PADDING_SAME },
  { "3x3 s1 same plane 64", 2, 8, 8, 3, 3, 3, 1, 1, CARI_PADDING_SAME },
};

/* out[n, o, y, x] = b[o] + Σ w[o, c, ky, kx] · in[n, c, y·sh + ky − pt, x·sw + kx − pl] */
static void
conv_direct (float *out, const float *inp, const float *weight, const float *bias, int N,
             const CariConv2dShape *s)
{
  for (int n = 0; n < N; n++)
    for (int o = 0; o < s->out_c; o++)
      for (int y = 0; y < s->out_h; y++)
        for (int x = 0; x < s->out_w; x++)
          {
            double acc = bias != NULL ? bias[o] : 0.0;
            for (int c = 0; c < s->in_c; c++)
              for (int ky = 0; ky < s->kh; ky++)
                for (int kx = 0; kx < s->kw; kx++)
                  {
                    int iy = y * s->sh + ky - s->pad_top, ix = x * s->sw + kx - s->pad_left;
                    if (iy < 0 || iy >= s->in_h || ix < 0 || ix >= s->in_w)
                      continue;
                    acc += (double) weight[((o * s->in_c + c) * s->kh + ky) * s->kw + kx]
                           * inp[((n * s->in_c + c) * s->in_h + iy) * s->in_w + ix];
                  }
            out[((n * s->out_c + o) * s->out_h + y) * s->out_w + x] = (float) acc;
          }
}

typedef struct
{
  CariConv2dShape s;
  int N;
  float *inp, *weight, *bias, *out, *r, *ws;
  size_t ws_floats, n_in, n_w, n_out;
} ConvFixture;

static double
conv_loss (gpointer data)
{
  ConvFixture *f = data;
  cari_conv2d_forward (f->out, f->inp, f->weight, f->bias, f->N, &f->s, f->ws, f->ws_floats);
  double l = 0.0;
  for (size_t i = 0; i < f->n_out; i++)
    l += (double) f->r[i] * f->out[i];
  return l;
}

static void
fixture_init (ConvFixture *f, const ConvCase *c, int N, int group)
{
  g_autoptr (GError) error = NULL;
  memset (f, 0, sizeof *f);
  g_assert_true (cari_conv2d_shape_init (&f->s, c->c, c->h, c->w, c->oc, c->kh, c->kw, c->sh,
                                         c->sw, c->pad, &error));
  g_assert_no_error (error);
  f->N = N;
  f->n_in = (size_t) N * c->c * c->h * c->w;
  f->n_w = (size_t) c->oc * c->c * c->kh * c->kw;
  f->n_out = (size_t) N * c->oc * f->s.out_h * f->s.out_w;
  f->inp = g_new (float, f->n_in);
  f->weight = g_new (float, f->n_w);
  f->bias = g_new (float, c->oc);
  f->out = g_new (float, f->n_out);
  f->r = g_new (float, f->n_out);
  f->ws_floats = cari_conv2d_workspace_floats (&f->s, group);
  f->ws = g_new0 (float, f->ws_floats);
  fill_uniform (f->inp, f->n_in, -1, 1, 11);
  fill_uniform (f->weight, f->n_w, -1, 1, 12);
  fill_uniform (f->bias, c->oc, -1, 1, 13);
  fill_uniform (f->r, f->n_out, -1, 1, 14);
}

static void
fixture_clear (ConvFixture *f)
{
  g_free (f->inp);
  g_free (f->weight);
  g_free (f->bias);
  g_free (f->out);
  g_free (f->r);
  g_free (f->ws);
}

static void
test_conv_shapes (void)
{
  CariConv2dShape s;
  g_autoptr (GError) error = NULL;

  /* The authors' stem at 160: conv1 3×3/2 VALID → 79, conv2 VALID → 77. */
  g_assert_true (cari_conv2d_shape_init (&s, 3, 160, 160, 32, 3, 3, 2, 2, CARI_PADDING_VALID,
                                         NULL));
  g_assert_cmpint (s.out_h, ==, 79);
  /* SAME stride 2 on 7: out 4, total pad 2 → 1 on top; on 8: out 4, total pad 1 → 0 on top. */
  g_assert_true (cari_conv2d_shape_init (&s, 1, 7, 8, 1, 3, 3, 2, 2, CARI_PADDING_SAME, NULL));
  g_assert_cmpint (s.out_h, ==, 4);
  g_assert_cmpint (s.out_w, ==, 4);
  g_assert_cmpint (s.pad_top, ==, 1);
  g_assert_cmpint (s.pad_left, ==, 0);
  /* 1×7 SAME pads 3 on the left only along the width. */
  g_assert_true (cari_conv2d_shape_init (&s, 1, 5, 9, 1, 1, 7, 1, 1, CARI_PADDING_SAME, NULL));
  g_assert_cmpint (s.pad_top, ==, 0);
  g_assert_cmpint (s.pad_left, ==, 3);

  g_assert_false (cari_conv2d_shape_init (&s, 3, 2, 2, 4, 3, 3, 1, 1, CARI_PADDING_VALID, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (cari_conv2d_shape_init (&s, 0, 5, 5, 4, 3, 3, 1, 1, CARI_PADDING_SAME, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "in_channels"));
  g_clear_error (&error);
  g_assert_false (cari_conv2d_shape_init (&s, 1, 5, 5, 4, 3, 3, 0, 1, CARI_PADDING_SAME, &error));
  g_assert_nonnull (strstr (error->message, "stride_height"));
}

static void
forward_cases (CariConvAlgo algo)
{
  cari_conv2d_set_algo (algo);
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    for (int group = 1; group <= 3; group += 2)
      {
        ConvFixture f;
        fixture_init (&f, &cases[k], 3, group);
        g_autofree float *want = g_new (float, f.n_out);
        cari_conv2d_forward (f.out, f.inp, f.weight, f.bias, f.N, &f.s, f.ws, f.ws_floats);
        conv_direct (want, f.inp, f.weight, f.bias, f.N, &f.s);
        for (size_t i = 0; i < f.n_out; i++)
          if (fabsf (f.out[i] - want[i]) > 1e-4f)
            g_error ("conv %s (group %d, algorithm %d): out[%zu] = %g, direct loop %g",
                     cases[k].name, group, (int) algo, i, f.out[i], want[i]);
        fixture_clear (&f);
      }
}

static void
test_conv_forward_direct (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (algos); i++)
    forward_cases (algos[i]);
  cari_conv2d_set_algo (CARI_CONV_ALGO_WINOGRAD);
}

static void
backward_cases (CariConvAlgo algo)
{
  /* Float32 central differences with h = 1e-2 on a loss Σ r·out: the conv is linear in each
   * argument, so only rounding remains; 1e-3 is 10× below a gradient scaled by 1.01. */
  const double tol = 1e-3;
  cari_conv2d_set_algo (algo);
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    for (int group = 1; group <= 3; group += 2)
      {
        ConvFixture f;
        fixture_init (&f, &cases[k], 3, group);
        g_autofree float *dinp = g_new0 (float, f.n_in);
        g_autofree float *dw = g_new0 (float, f.n_w);
        g_autofree float *db = g_new0 (float, f.s.out_c);
        g_autofree char *what = NULL;

        /* Accumulation: start from a known non-zero gradient and subtract it afterwards. */
        for (size_t i = 0; i < f.n_in; i++)
          dinp[i] = 0.5f;
        cari_conv2d_backward (dinp, dw, db, f.r, f.inp, f.weight, f.N, &f.s, f.ws, f.ws_floats);
        for (size_t i = 0; i < f.n_in; i++)
          dinp[i] -= 0.5f;

        what = g_strdup_printf ("conv %s group %d algorithm %d: input", cases[k].name, group,
                                (int) algo);
        assert_gradcheck (gradcheck (conv_loss, &f, f.inp, dinp, f.n_in, 1e-2f, 400), tol, what);
        g_free (what);
        what = g_strdup_printf ("conv %s group %d algorithm %d: weight", cases[k].name, group,
                                (int) algo);
        assert_gradcheck (gradcheck (conv_loss, &f, f.weight, dw, f.n_w, 1e-2f, 400), tol, what);
        g_free (what);
        what = g_strdup_printf ("conv %s group %d algorithm %d: bias", cases[k].name, group,
                                (int) algo);
        assert_gradcheck (gradcheck (conv_loss, &f, f.bias, db, f.s.out_c, 1e-2f, 400), tol, what);
        fixture_clear (&f);
      }
}

static void
test_conv_backward (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (algos); i++)
    backward_cases (algos[i]);
  cari_conv2d_set_algo (CARI_CONV_ALGO_WINOGRAD);
}

static void
test_im2col_col2im_adjoint (void)
{
  /* col2im is the adjoint of im2col: <im2col(x), y> = <x, col2im(y)>. */
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      CariConv2dShape s;
      const ConvCase *c = &cases[k];
      g_assert_true (cari_conv2d_shape_init (&s, c->c, c->h, c->w, c->oc, c->kh, c->kw, c->sh,
                                             c->sw, c->pad, NULL));
      int G = 2;
      size_t n_in = (size_t) G * c->c * c->h * c->w;
      size_t n_col = (size_t) c->c * c->kh * c->kw * s.out_h * s.out_w * G;
      g_autofree float *x = g_new (float, n_in);
      g_autofree float *y = g_new (float, n_col);
      g_autofree float *col = g_new (float, n_col);
      g_autofree float *back = g_new0 (float, n_in);
      fill_uniform (x, n_in, -1, 1, 5);
      fill_uniform (y, n_col, -1, 1, 6);
      cari_im2col (col, x, G, &s);
      cari_col2im_add (back, y, G, &s);
      double lhs = 0, rhs = 0;
      for (size_t i = 0; i < n_col; i++)
        lhs += (double) col[i] * y[i];
      for (size_t i = 0; i < n_in; i++)
        rhs += (double) x[i] * back[i];
      g_assert_cmpfloat_with_epsilon (lhs, rhs, 1e-4 * (1 + fabs (lhs)));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/conv/shapes", test_conv_shapes);
  g_test_add_func ("/conv/forward-direct-loop", test_conv_forward_direct);
  g_test_add_func ("/conv/im2col-adjoint", test_im2col_col2im_adjoint);
  g_test_add_func ("/conv/backward-finite-differences", test_conv_backward);
  return g_test_run ();
}
