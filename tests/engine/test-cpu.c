/* test-cpu.c — the CARI_ISA switch: names, clamping to what the processor has, and each
 * instruction-set variant of the dispatched kernels (im2col, col2im, Winograd's transforms in
 * both tile sizes, forward and backward) against the baseline one on the same inputs. */
#include <cari.h>
#include <math.h>
#include <string.h>

#include "core/cpu.h"
#include "gradcheck.h"

static void
test_cpu_names (void)
{
  CariIsa isa;
  for (int i = 0; i < CARI_ISA_N; i++)
    {
      g_assert_true (cari_cpu_isa_parse (cari_cpu_isa_name ((CariIsa) i), &isa));
      g_assert_cmpint (isa, ==, i);
    }
  g_assert_true (cari_cpu_isa_parse ("AVX2", &isa));
  g_assert_cmpint (isa, ==, CARI_ISA_AVX2);
  g_assert_true (cari_cpu_isa_parse ("", &isa));
  g_assert_cmpint (isa, ==, cari_cpu_isa_best ());
  g_assert_false (cari_cpu_isa_parse ("sse9", &isa));

  /* Never above what the processor has; the baseline always. */
  g_assert_true (cari_cpu_isa_supported (CARI_ISA_BASELINE));
  g_assert_cmpint (cari_cpu_isa (), <=, cari_cpu_isa_best ());
  g_assert_cmpint (cari_cpu_set_isa (CARI_ISA_AVX512), ==, cari_cpu_isa_best ());
  g_assert_cmpint (cari_cpu_isa (), ==, cari_cpu_isa_best ());
  g_assert_cmpint (cari_cpu_set_isa (CARI_ISA_BASELINE), ==, CARI_ISA_BASELINE);
  g_assert_cmpint (cari_cpu_isa (), ==, CARI_ISA_BASELINE);
  cari_cpu_set_isa (cari_cpu_isa_best ());
}

typedef struct
{
  int c, h, w, oc, kh, kw, sh, sw;
  CariPadding pad;
} Shape;

static const Shape shapes[] = {
  { 3, 17, 15, 5, 3, 3, 1, 1, CARI_PADDING_SAME },   /* Winograd, edge tiles */
  { 4, 12, 12, 3, 3, 3, 1, 1, CARI_PADDING_VALID },  /* Winograd, exact tiles */
  { 3, 19, 19, 4, 3, 3, 2, 2, CARI_PADDING_VALID },  /* im2col stride 2, image by image */
  { 2, 9, 7, 3, 3, 3, 2, 2, CARI_PADDING_SAME },     /* stride 2, padded, grouped */
  { 3, 6, 11, 2, 1, 7, 1, 1, CARI_PADDING_SAME },    /* 1×7 rows */
  { 3, 11, 6, 2, 7, 1, 1, 1, CARI_PADDING_SAME },    /* 7×1 runs */
  { 5, 4, 3, 6, 1, 1, 1, 1, CARI_PADDING_SAME },     /* 1×1 runs */
  { 2, 7, 13, 3, 5, 3, 3, 1, CARI_PADDING_SAME },    /* any stride */
};

typedef struct
{
  float *col, *back, *out, *dinp, *dw;
} Results;

/* Runs every dispatched kernel on shape `sh` with the current ISA and conv algorithm. */
static void
run_kernels (const Shape *sh, Results *r)
{
  CariConv2dShape s;
  g_assert_true (cari_conv2d_shape_init (&s, sh->c, sh->h, sh->w, sh->oc, sh->kh, sh->kw, sh->sh,
                                         sh->sw, sh->pad, NULL));
  const int N = 3;
  const size_t n_in = (size_t) N * sh->c * sh->h * sh->w;
  const size_t n_w = (size_t) sh->oc * sh->c * sh->kh * sh->kw;
  const size_t n_out = (size_t) N * sh->oc * s.out_h * s.out_w;
  const size_t n_col = (size_t) sh->c * sh->kh * sh->kw * s.out_h * s.out_w * N;
  const size_t ws_floats = cari_conv2d_workspace_floats (&s, 2);
  g_autofree float *x = g_new (float, n_in);
  g_autofree float *y = g_new (float, n_col);
  g_autofree float *w = g_new (float, n_w);
  g_autofree float *b = g_new (float, sh->oc);
  g_autofree float *dout = g_new (float, n_out);
  g_autofree float *ws = g_new0 (float, ws_floats);
  g_autofree float *db = g_new0 (float, sh->oc);
  fill_uniform (x, n_in, -1, 1, 21);
  fill_uniform (y, n_col, -1, 1, 22);
  fill_uniform (w, n_w, -1, 1, 23);
  fill_uniform (b, sh->oc, -1, 1, 24);
  fill_uniform (dout, n_out, -1, 1, 25);

  r->col = g_new (float, n_col);
  r->back = g_new0 (float, n_in);
  r->out = g_new (float, n_out);
  r->dinp = g_new0 (float, n_in);
  r->dw = g_new0 (float, n_w);
  cari_im2col (r->col, x, N, &s);
  cari_col2im_add (r->back, y, N, &s);
  cari_conv2d_forward (r->out, x, w, b, N, &s, ws, ws_floats);
  cari_conv2d_backward (r->dinp, r->dw, db, dout, x, w, N, &s, ws, ws_floats);
}

static void
results_clear (Results *r)
{
  g_free (r->col);
  g_free (r->back);
  g_free (r->out);
  g_free (r->dinp);
  g_free (r->dw);
}

static void
assert_close (const float *got, const float *want, size_t n, float tol, const char *what,
              CariIsa isa, size_t shape)
{
  for (size_t i = 0; i < n; i++)
    if (!(fabsf (got[i] - want[i]) <= tol * (1.0f + fabsf (want[i]))))
      g_error ("%s, ISA %s, shape %zu: [%zu] = %.9g, baseline %.9g", what,
               cari_cpu_isa_name (isa), shape, i, got[i], want[i]);
}

static void
test_cpu_variants (void)
{
  const CariConvAlgo algos[] = { CARI_CONV_ALGO_WINOGRAD, CARI_CONV_ALGO_WINOGRAD2,
                                 CARI_CONV_ALGO_DIRECT };
  int compared = 0;
  for (size_t a = 0; a < G_N_ELEMENTS (algos); a++)
    for (size_t k = 0; k < G_N_ELEMENTS (shapes); k++)
      {
        CariConv2dShape s;
        const Shape *sh = &shapes[k];
        g_assert_true (cari_conv2d_shape_init (&s, sh->c, sh->h, sh->w, sh->oc, sh->kh, sh->kw,
                                               sh->sh, sh->sw, sh->pad, NULL));
        const size_t n_in = (size_t) 3 * sh->c * sh->h * sh->w;
        const size_t n_w = (size_t) sh->oc * sh->c * sh->kh * sh->kw;
        const size_t n_out = (size_t) 3 * sh->oc * s.out_h * s.out_w;
        const size_t n_col = (size_t) sh->c * sh->kh * sh->kw * s.out_h * s.out_w * 3;
        Results base;
        cari_conv2d_set_algo (algos[a]);
        cari_cpu_set_isa (CARI_ISA_BASELINE);
        run_kernels (sh, &base);
        for (int isa = CARI_ISA_BASELINE + 1; isa < CARI_ISA_N; isa++)
          {
            if (!cari_cpu_isa_supported ((CariIsa) isa))
              {
                g_test_message ("%s not supported here", cari_cpu_isa_name ((CariIsa) isa));
                continue;
              }
            g_assert_cmpint (cari_cpu_set_isa ((CariIsa) isa), ==, isa);
            Results r;
            run_kernels (sh, &r);
            /* Copies and sums in the same order: exact. The transforms' variants may round
             * differently only through the products' order, which is the same body; allow a
             * few ulps all the same. */
            assert_close (r.col, base.col, n_col, 0.0f, "im2col", (CariIsa) isa, k);
            assert_close (r.back, base.back, n_in, 0.0f, "col2im", (CariIsa) isa, k);
            assert_close (r.out, base.out, n_out, 1e-5f, "forward", (CariIsa) isa, k);
            assert_close (r.dinp, base.dinp, n_in, 1e-5f, "∂input", (CariIsa) isa, k);
            assert_close (r.dw, base.dw, n_w, 1e-5f, "∂weight", (CariIsa) isa, k);
            results_clear (&r);
            compared++;
          }
        results_clear (&base);
      }
  g_test_message ("%d variant runs compared with the baseline", compared);
  cari_cpu_set_isa (cari_cpu_isa_best ());
  cari_conv2d_set_algo (CARI_CONV_ALGO_WINOGRAD);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cpu/names", test_cpu_names);
  g_test_add_func ("/cpu/variants-match-baseline", test_cpu_variants);
  return g_test_run ();
}
