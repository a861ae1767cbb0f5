/* pool.c — pooling kernels. */
#include "nn/pool.h"

#include "core/parallel.h"

#include <float.h>

gboolean
cari_pool2d_shape_init (CariConv2dShape *s, int channels, int in_h, int in_w, int kh, int kw,
                        int sh, int sw, CariPadding padding, GError **error)
{
  return cari_conv2d_shape_init (s, channels, in_h, in_w, channels, kh, kw, sh, sw, padding,
                                 error);
}

typedef struct
{
  float *out, *dinp;
  int32_t *argmax;
  const float *inp, *dout;
  const int32_t *cargmax;
  const CariConv2dShape *s;
  size_t out_image; /* floats from one image's output to the next */
} PoolArgs;

static size_t
plane_grain (const CariConv2dShape *s)
{
  return MAX ((size_t) 1, (size_t) 32768 / MAX ((size_t) s->in_h * s->in_w, 1));
}

static void
maxpool_forward_range (gpointer data, size_t p0, size_t p1)
{
  const PoolArgs *a = data;
  const CariConv2dShape *s = a->s;
  const size_t in_plane = (size_t) s->in_h * s->in_w;
  const size_t out_plane = (size_t) s->out_h * s->out_w;
  const float *inp = a->inp;
  float *out = a->out;
  int32_t *argmax = a->argmax;

  for (size_t plane = p0; plane < p1; plane++)
    {
      const float *x = inp + plane * in_plane;
      float *y = out + plane / s->in_c * a->out_image + plane % s->in_c * out_plane;
      int32_t *am = argmax + plane * out_plane;
      for (int oy = 0; oy < s->out_h; oy++)
        for (int ox = 0; ox < s->out_w; ox++)
          {
            float best = -FLT_MAX;
            int32_t best_i = -1;
            for (int ky = 0; ky < s->kh; ky++)
              {
                int iy = oy * s->sh + ky - s->pad_top;
                if (iy < 0 || iy >= s->in_h)
                  continue;
                for (int kx = 0; kx < s->kw; kx++)
                  {
                    int ix = ox * s->sw + kx - s->pad_left;
                    if (ix < 0 || ix >= s->in_w)
                      continue;
                    float v = x[iy * s->in_w + ix];
                    if (best_i < 0 || v > best)
                      {
                        best = v;
                        best_i = iy * s->in_w + ix;
                      }
                  }
              }
            y[oy * s->out_w + ox] = best;
            am[oy * s->out_w + ox] = best_i;
          }
    }
}

void
cari_maxpool_forward (float *out, int32_t *argmax, const float *inp, int N,
                      const CariConv2dShape *s)
{
  cari_maxpool_forward_into (out, 0, argmax, inp, N, s);
}

void
cari_maxpool_forward_into (float *out, size_t out_image_floats, int32_t *argmax,
                           const float *inp, int N, const CariConv2dShape *s)
{
  const size_t own = (size_t) s->in_c * s->out_h * s->out_w;
  PoolArgs a = { .out = out, .argmax = argmax, .inp = inp, .s = s,
                 .out_image = out_image_floats > 0 ? out_image_floats : own };
  cari_parallel_for ((size_t) N * s->in_c, plane_grain (s), maxpool_forward_range, &a);
}

static void
maxpool_backward_range (gpointer data, size_t p0, size_t p1)
{
  const PoolArgs *a = data;
  const CariConv2dShape *s = a->s;
  const size_t in_plane = (size_t) s->in_h * s->in_w;
  const size_t out_plane = (size_t) s->out_h * s->out_w;
  float *dinp = a->dinp;
  const float *dout = a->dout;
  const int32_t *argmax = a->cargmax;

  for (size_t plane = p0; plane < p1; plane++)
    {
      float *dx = dinp + plane * in_plane;
      const float *dy = dout + plane * out_plane;
      const int32_t *am = argmax + plane * out_plane;
      for (size_t o = 0; o < out_plane; o++)
        if (am[o] >= 0)
          dx[am[o]] += dy[o];
    }
}

void
cari_maxpool_backward (float *dinp, const float *dout, const int32_t *argmax, int N,
                       const CariConv2dShape *s)
{
  PoolArgs a = { .dinp = dinp, .dout = dout, .cargmax = argmax, .s = s };
  cari_parallel_for ((size_t) N * s->in_c, plane_grain (s), maxpool_backward_range, &a);
}

/* Number of window positions inside the input (padding excluded, as TensorFlow counts). */
static int
window_count (const CariConv2dShape *s, int oy, int ox)
{
  int y0 = oy * s->sh - s->pad_top, x0 = ox * s->sw - s->pad_left;
  int h = MIN (y0 + s->kh, s->in_h) - MAX (y0, 0);
  int w = MIN (x0 + s->kw, s->in_w) - MAX (x0, 0);
  return MAX (h, 0) * MAX (w, 0);
}

void
cari_avgpool_forward (float *out, const float *inp, int N, const CariConv2dShape *s)
{
  const size_t in_plane = (size_t) s->in_h * s->in_w;
  const size_t out_plane = (size_t) s->out_h * s->out_w;

  for (size_t plane = 0; plane < (size_t) N * s->in_c; plane++)
    {
      const float *x = inp + plane * in_plane;
      float *y = out + plane * out_plane;
      for (int oy = 0; oy < s->out_h; oy++)
        for (int ox = 0; ox < s->out_w; ox++)
          {
            int y0 = oy * s->sh - s->pad_top, x0 = ox * s->sw - s->pad_left;
            float acc = 0.0f;
            for (int iy = MAX (y0, 0); iy < MIN (y0 + s->kh, s->in_h); iy++)
              for (int ix = MAX (x0, 0); ix < MIN (x0 + s->kw, s->in_w); ix++)
                acc += x[iy * s->in_w + ix];
            int count = window_count (s, oy, ox);
            y[oy * s->out_w + ox] = count > 0 ? acc / (float) count : 0.0f;
          }
    }
}

void
cari_avgpool_backward (float *dinp, const float *dout, int N, const CariConv2dShape *s)
{
  const size_t in_plane = (size_t) s->in_h * s->in_w;
  const size_t out_plane = (size_t) s->out_h * s->out_w;

  for (size_t plane = 0; plane < (size_t) N * s->in_c; plane++)
    {
      float *dx = dinp + plane * in_plane;
      const float *dy = dout + plane * out_plane;
      for (int oy = 0; oy < s->out_h; oy++)
        for (int ox = 0; ox < s->out_w; ox++)
          {
            int count = window_count (s, oy, ox);
            if (count == 0)
              continue;
            float g = dy[oy * s->out_w + ox] / (float) count;
            int y0 = oy * s->sh - s->pad_top, x0 = ox * s->sw - s->pad_left;
            for (int iy = MAX (y0, 0); iy < MIN (y0 + s->kh, s->in_h); iy++)
              for (int ix = MAX (x0, 0); ix < MIN (x0 + s->kw, s->in_w); ix++)
                dx[iy * s->in_w + ix] += g;
          }
    }
}

void
cari_global_avgpool_forward (float *out, const float *inp, int N, int C, int HW)
{
  for (size_t plane = 0; plane < (size_t) N * C; plane++)
    {
      const float *x = inp + plane * HW;
      double acc = 0.0;
      for (int i = 0; i < HW; i++)
        acc += x[i];
      out[plane] = (float) (acc / HW);
    }
}

void
cari_global_avgpool_backward (float *dinp, const float *dout, int N, int C, int HW)
{
  for (size_t plane = 0; plane < (size_t) N * C; plane++)
    {
      float *dx = dinp + plane * HW;
      float g = dout[plane] / (float) HW;
      for (int i = 0; i < HW; i++)
        dx[i] += g;
    }
}
