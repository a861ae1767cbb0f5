/* conv.c — im2col + gemm convolution.
 *
 * Several images share one gemm (their columns side by side) so that the small spatial sizes at
 * the end of the network still give BLAS wide matrices; the group size adapts to the workspace.
 */
#include "nn/conv.h"

#include "core/error.h"
#include "core/gemm.h"
#include "core/i18n.h"

#include <string.h>

static int
same_out (int in, int stride)
{
  return (in + stride - 1) / stride;
}

gboolean
cari_conv2d_shape_init (CariConv2dShape *s, int in_c, int in_h, int in_w, int out_c, int kh,
                        int kw, int sh, int sw, CariPadding padding, GError **error)
{
  const struct
  {
    const char *name;
    int value;
  } positive[] = {
    { "in_channels", in_c }, { "in_height", in_h }, { "in_width", in_w },
    { "out_channels", out_c }, { "kernel_height", kh }, { "kernel_width", kw },
    { "stride_height", sh }, { "stride_width", sw },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (positive); i++)
    if (positive[i].value <= 0)
      {
        g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("Convolution parameter “%s” must be positive (got %d)"), positive[i].name,
                     positive[i].value);
        return FALSE;
      }

  memset (s, 0, sizeof *s);
  s->in_c = in_c;
  s->in_h = in_h;
  s->in_w = in_w;
  s->out_c = out_c;
  s->kh = kh;
  s->kw = kw;
  s->sh = sh;
  s->sw = sw;

  if (padding == CARI_PADDING_SAME)
    {
      s->out_h = same_out (in_h, sh);
      s->out_w = same_out (in_w, sw);
      s->pad_top = MAX ((s->out_h - 1) * sh + kh - in_h, 0) / 2;
      s->pad_left = MAX ((s->out_w - 1) * sw + kw - in_w, 0) / 2;
    }
  else
    {
      if (in_h < kh || in_w < kw)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Convolution input %d×%d is smaller than its %d×%d kernel with VALID "
                         "padding"),
                       in_h, in_w, kh, kw);
          return FALSE;
        }
      s->out_h = (in_h - kh) / sh + 1;
      s->out_w = (in_w - kw) / sw + 1;
    }
  return TRUE;
}

double
cari_conv2d_flops (const CariConv2dShape *s)
{
  return (double) s->out_c * s->out_h * s->out_w * s->in_c * s->kh * s->kw;
}

static size_t
col_rows (const CariConv2dShape *s)
{
  return (size_t) s->in_c * s->kh * s->kw;
}

static size_t
out_plane (const CariConv2dShape *s)
{
  return (size_t) s->out_h * s->out_w;
}

size_t
cari_conv2d_workspace_floats (const CariConv2dShape *s, int group)
{
  return (col_rows (s) + (size_t) s->out_c) * out_plane (s) * (size_t) MAX (group, 1);
}

static int
pick_group (const CariConv2dShape *s, int N, size_t workspace_floats)
{
  size_t one = cari_conv2d_workspace_floats (s, 1);
  size_t g = workspace_floats / one;
  g_assert (g >= 1);
  return (int) MIN (g, (size_t) N);
}

void
cari_im2col (float *col, const float *inp, int group, const CariConv2dShape *s)
{
  const size_t P = out_plane (s);
  const size_t ld = P * (size_t) group;
  const size_t in_plane = (size_t) s->in_h * s->in_w;

  for (int c = 0; c < s->in_c; c++)
    for (int ky = 0; ky < s->kh; ky++)
      for (int kx = 0; kx < s->kw; kx++)
        {
          size_t row = ((size_t) c * s->kh + ky) * s->kw + kx;
          for (int g = 0; g < group; g++)
            {
              const float *plane = inp + ((size_t) g * s->in_c + c) * in_plane;
              float *dst = col + row * ld + (size_t) g * P;
              for (int oy = 0; oy < s->out_h; oy++)
                {
                  int iy = oy * s->sh + ky - s->pad_top;
                  float *d = dst + (size_t) oy * s->out_w;
                  if (iy < 0 || iy >= s->in_h)
                    {
                      memset (d, 0, sizeof (float) * s->out_w);
                      continue;
                    }
                  const float *src = plane + (size_t) iy * s->in_w;
                  if (s->sw == 1)
                    {
                      /* Contiguous run: zeros, a copy, zeros. */
                      int x0 = kx - s->pad_left;
                      int lo = MAX (0, -x0);
                      int hi = MIN (s->out_w, s->in_w - x0);
                      for (int ox = 0; ox < MIN (lo, s->out_w); ox++)
                        d[ox] = 0.0f;
                      if (hi > lo)
                        memcpy (d + lo, src + x0 + lo, sizeof (float) * (size_t) (hi - lo));
                      for (int ox = MAX (hi, lo); ox < s->out_w; ox++)
                        d[ox] = 0.0f;
                    }
                  else
                    {
                      for (int ox = 0; ox < s->out_w; ox++)
                        {
                          int ix = ox * s->sw + kx - s->pad_left;
                          d[ox] = (ix >= 0 && ix < s->in_w) ? src[ix] : 0.0f;
                        }
                    }
                }
            }
        }
}

void
cari_col2im_add (float *dinp, const float *col, int group, const CariConv2dShape *s)
{
  const size_t P = out_plane (s);
  const size_t ld = P * (size_t) group;
  const size_t in_plane = (size_t) s->in_h * s->in_w;

  for (int c = 0; c < s->in_c; c++)
    for (int ky = 0; ky < s->kh; ky++)
      for (int kx = 0; kx < s->kw; kx++)
        {
          size_t row = ((size_t) c * s->kh + ky) * s->kw + kx;
          for (int g = 0; g < group; g++)
            {
              float *plane = dinp + ((size_t) g * s->in_c + c) * in_plane;
              const float *srcrow = col + row * ld + (size_t) g * P;
              for (int oy = 0; oy < s->out_h; oy++)
                {
                  int iy = oy * s->sh + ky - s->pad_top;
                  if (iy < 0 || iy >= s->in_h)
                    continue;
                  float *d = plane + (size_t) iy * s->in_w;
                  const float *src = srcrow + (size_t) oy * s->out_w;
                  for (int ox = 0; ox < s->out_w; ox++)
                    {
                      int ix = ox * s->sw + kx - s->pad_left;
                      if (ix >= 0 && ix < s->in_w)
                        d[ix] += src[ox];
                    }
                }
            }
        }
}

static gboolean
is_pointwise (const CariConv2dShape *s)
{
  return s->kh == 1 && s->kw == 1 && s->sh == 1 && s->sw == 1;
}

void
cari_conv2d_forward (float *out, const float *inp, const float *weight, const float *bias, int N,
                     const CariConv2dShape *s, float *workspace, size_t workspace_floats)
{
  const int K = (int) col_rows (s);
  const int P = (int) out_plane (s);
  const size_t in_img = (size_t) s->in_c * s->in_h * s->in_w;
  const size_t out_img = (size_t) s->out_c * P;
  const int group = pick_group (s, N, workspace_floats);

  for (int n0 = 0; n0 < N; n0 += group)
    {
      int g = MIN (group, N - n0);
      const float *src = inp + (size_t) n0 * in_img;
      float *dst = out + (size_t) n0 * out_img;

      if (g == 1)
        {
          /* One image: the gemm writes NCHW directly; a 1×1 stride-1 conv needs no unfolding. */
          const float *B = src;
          if (!is_pointwise (s))
            {
              cari_im2col (workspace, src, 1, s);
              B = workspace;
            }
          cari_sgemm (FALSE, FALSE, s->out_c, P, K, 1.0f, weight, K, B, P, 0.0f, dst, P);
        }
      else
        {
          float *col = workspace;
          float *tmp = workspace + (size_t) K * P * g;
          cari_im2col (col, src, g, s);
          cari_sgemm (FALSE, FALSE, s->out_c, P * g, K, 1.0f, weight, K, col, P * g, 0.0f, tmp,
                      P * g);
          for (int i = 0; i < g; i++)
            for (int oc = 0; oc < s->out_c; oc++)
              memcpy (dst + (size_t) i * out_img + (size_t) oc * P,
                      tmp + (size_t) oc * P * g + (size_t) i * P, sizeof (float) * (size_t) P);
        }
    }

  if (bias != NULL)
    for (int n = 0; n < N; n++)
      for (int oc = 0; oc < s->out_c; oc++)
        {
          float *d = out + (size_t) n * out_img + (size_t) oc * P;
          float b = bias[oc];
          for (int p = 0; p < P; p++)
            d[p] += b;
        }
}

void
cari_conv2d_backward (float *dinp, float *dweight, float *dbias, const float *dout,
                      const float *inp, const float *weight, int N, const CariConv2dShape *s,
                      float *workspace, size_t workspace_floats)
{
  const int K = (int) col_rows (s);
  const int P = (int) out_plane (s);
  const size_t in_img = (size_t) s->in_c * s->in_h * s->in_w;
  const size_t out_img = (size_t) s->out_c * P;
  const int group = pick_group (s, N, workspace_floats);

  if (dbias != NULL)
    for (int n = 0; n < N; n++)
      for (int oc = 0; oc < s->out_c; oc++)
        {
          const float *d = dout + (size_t) n * out_img + (size_t) oc * P;
          double acc = 0.0;
          for (int p = 0; p < P; p++)
            acc += d[p];
          dbias[oc] += (float) acc;
        }

  for (int n0 = 0; n0 < N; n0 += group)
    {
      int g = MIN (group, N - n0);
      const float *src = inp + (size_t) n0 * in_img;
      const float *dsrc = dout + (size_t) n0 * out_img;
      float *col = workspace;
      const float *dmat = dsrc; /* dout of the group as an OC × (g·P) matrix */
      const float *cols = src;  /* columns of the group as a K × (g·P) matrix */

      if (g > 1)
        {
          float *tmp = workspace + (size_t) K * P * g;
          for (int i = 0; i < g; i++)
            for (int oc = 0; oc < s->out_c; oc++)
              memcpy (tmp + (size_t) oc * P * g + (size_t) i * P,
                      dsrc + (size_t) i * out_img + (size_t) oc * P, sizeof (float) * (size_t) P);
          dmat = tmp;
        }
      if (g > 1 || !is_pointwise (s))
        {
          cari_im2col (col, src, g, s);
          cols = col;
        }

      /* dW[OC×K] += dout[OC×gP] · colsᵀ[gP×K] */
      cari_sgemm (FALSE, TRUE, s->out_c, K, P * g, 1.0f, dmat, P * g, cols, P * g, 1.0f, dweight,
                  K);

      if (dinp == NULL)
        continue;
      float *dst = dinp + (size_t) n0 * in_img;
      if (g == 1 && is_pointwise (s))
        {
          /* dinp[C×P] += Wᵀ[C×OC] · dout[OC×P], straight into the image. */
          cari_sgemm (TRUE, FALSE, K, P, s->out_c, 1.0f, weight, K, dmat, P, 1.0f, dst, P);
        }
      else
        {
          /* dcol[K×gP] = Wᵀ · dout, reusing the column buffer, then fold back. */
          cari_sgemm (TRUE, FALSE, K, P * g, s->out_c, 1.0f, weight, K, dmat, P * g, 0.0f, col,
                      P * g);
          cari_col2im_add (dst, col, g, s);
        }
    }
}
