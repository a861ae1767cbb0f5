/* conv.c — im2col + gemm convolution.
 *
 * Several images share one gemm (their columns side by side) so that the small spatial sizes at
 * the end of the network still give BLAS wide matrices; the group size adapts to the workspace.
 */
#include "nn/conv.h"

#include "core/cpu.h"
#include "core/error.h"
#include "core/gemm.h"
#include "core/i18n.h"
#include "core/parallel.h"
#include "nn/winograd.h"

#include <string.h>

/* ------------------------------------------------------------------ algorithm choice */

static const struct
{
  const char *name;
  CariConvAlgo algo;
  int tile;         /* 0: im2col */
  gboolean forward; /* Winograd in the forward too, not only in the backward */
  int extract_tile; /* the forward of extraction (cari_conv2d_forward_extract); 0: im2col */
} algos[] = {
  { "direct", CARI_CONV_ALGO_DIRECT, 0, FALSE, 0 },
  { "winograd", CARI_CONV_ALGO_WINOGRAD, CARI_WINOGRAD_TILE_LARGE, TRUE,
    CARI_WINOGRAD_TILE_LARGE },
  { "winograd2", CARI_CONV_ALGO_WINOGRAD2, CARI_WINOGRAD_TILE_SMALL, TRUE,
    CARI_WINOGRAD_TILE_SMALL },
  { "winograd-backward", CARI_CONV_ALGO_WINOGRAD_BACKWARD, CARI_WINOGRAD_TILE_LARGE, FALSE, 0 },
  { "auto", CARI_CONV_ALGO_AUTO, CARI_WINOGRAD_TILE_LARGE, TRUE, CARI_WINOGRAD_TILE_FORWARD },
};

#define DEFAULT_ALGO CARI_CONV_ALGO_AUTO

static gint algo_override = -1;

gboolean
cari_conv2d_algo_parse (const char *name, CariConvAlgo *algo)
{
  if (name == NULL || *name == '\0')
    {
      *algo = DEFAULT_ALGO;
      return TRUE;
    }
  for (size_t i = 0; i < G_N_ELEMENTS (algos); i++)
    if (g_ascii_strcasecmp (name, algos[i].name) == 0)
      {
        *algo = algos[i].algo;
        return TRUE;
      }
  return FALSE;
}

const char *
cari_conv2d_algo_name (CariConvAlgo algo)
{
  g_return_val_if_fail ((size_t) algo < G_N_ELEMENTS (algos), "?");
  return algos[algo].name;
}

static CariConvAlgo
algo_from_environment (void)
{
  CariConvAlgo algo;
  /* A value that is not a name leaves the default: the CLI says so (cari_conv2d_algo_parse). */
  if (!cari_conv2d_algo_parse (g_getenv ("CARI_CONV_ALGO"), &algo))
    algo = DEFAULT_ALGO;
  return algo;
}

CariConvAlgo
cari_conv2d_get_algo (void)
{
  static gsize from_environment = 0;
  if (g_once_init_enter (&from_environment))
    g_once_init_leave (&from_environment, (gsize) algo_from_environment () + 1);
  gint set = g_atomic_int_get (&algo_override);
  return set >= 0 ? (CariConvAlgo) set : (CariConvAlgo) (from_environment - 1);
}

void
cari_conv2d_set_algo (CariConvAlgo algo)
{
  g_return_if_fail ((size_t) algo < G_N_ELEMENTS (algos));
  g_atomic_int_set (&algo_override, (gint) algo);
}

int
cari_conv2d_winograd_tile (const CariConv2dShape *s, gboolean forward)
{
  CariConvAlgo algo = cari_conv2d_get_algo ();
  if (!cari_winograd_eligible (s) || (forward && !algos[algo].forward))
    return 0;
  if (algo == CARI_CONV_ALGO_AUTO && s->in_c + s->out_c < CARI_CONV_AUTO_WINOGRAD_CHANNELS)
    return 0;
  return algos[algo].tile;
}

/* Products of one channel pair over an image's tiles of side m. */
static size_t
products (const CariConv2dShape *s, int m)
{
  size_t th = (size_t) (s->out_h + m - 1) / m, tw = (size_t) (s->out_w + m - 1) / m;
  return th * tw * (size_t) (m + 2) * (m + 2);
}

int
cari_conv2d_extract_tile (const CariConv2dShape *s)
{
  CariConvAlgo algo = cari_conv2d_get_algo ();
  if (!cari_winograd_eligible (s))
    return 0;
  if (algo == CARI_CONV_ALGO_AUTO && s->in_c + s->out_c < CARI_CONV_AUTO_WINOGRAD_CHANNELS)
    return 0;
  int tile = algos[algo].extract_tile;
  /* F(6×6) only where its tiles take fewer products than F(4×4)'s: a small output wastes
   * more of the larger tiles (8×8 takes 4 · 64 against 4 · 36). */
  if (tile == CARI_WINOGRAD_TILE_FORWARD
      && products (s, CARI_WINOGRAD_TILE_FORWARD) >= products (s, CARI_WINOGRAD_TILE_LARGE))
    tile = CARI_WINOGRAD_TILE_LARGE;
  return tile;
}

/* ------------------------------------------------------------------ shapes */

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

static size_t
direct_workspace_floats (const CariConv2dShape *s, int group)
{
  return (col_rows (s) + (size_t) s->out_c) * out_plane (s) * (size_t) MAX (group, 1);
}

size_t
cari_conv2d_workspace_floats (const CariConv2dShape *s, int group)
{
  size_t floats = direct_workspace_floats (s, group);
  if (cari_winograd_eligible (s))
    {
      floats = MAX (floats, cari_winograd_workspace_floats (s, CARI_WINOGRAD_TILE_SMALL, group));
      floats = MAX (floats, cari_winograd_workspace_floats (s, CARI_WINOGRAD_TILE_LARGE, group));
      floats = MAX (floats, cari_winograd_workspace_floats (s, CARI_WINOGRAD_TILE_FORWARD, group));
    }
  return floats;
}

static int
pick_group (const CariConv2dShape *s, int N, size_t workspace_floats)
{
  size_t one = direct_workspace_floats (s, 1);
  g_assert (workspace_floats >= one);
  size_t g = MIN (workspace_floats, MAX (one, CARI_CONV_GROUP_FLOATS)) / one;
  return (int) MIN (g, (size_t) N);
}

typedef struct
{
  float *col, *dinp, *out, *tmp;
  const float *inp, *ccol, *bias, *dout;
  int group, N;
  const CariConv2dShape *s;
} ConvArgs;

/* The rows of the columns and of the images they come from: for each input channel c in
 * [c0, c1), tap (ky, kx), image g and output row oy, `row` is called with that row of the
 * columns [out_w] and the input row iy of image g's channel c, or NULL where iy falls in the
 * padding. im2col gathers along it, col2im scatters back: inlined into each, so `row` is
 * known and called directly. Where the rows of a tap follow each other in the image as in the
 * columns (kw = 1, stride 1, no padding across: the 1×1 and 7×1 layers), `run` is called once
 * for each run of rows instead, with their floats. */
typedef void (*ColumnRowFunc) (float *col_row, float *img_row, int kx, const CariConv2dShape *s);
typedef void (*ColumnRunFunc) (float *col, float *img, size_t n);

static G_ALWAYS_INLINE inline void
walk_columns (float *cols, float *images, int group, const CariConv2dShape *s, size_t c0,
              size_t c1, ColumnRowFunc row_fn, ColumnRunFunc run_fn)
{
  const size_t P = out_plane (s);
  const size_t ld = P * (size_t) group;
  const size_t in_plane = (size_t) s->in_h * s->in_w;
  const gboolean runs = s->kw == 1 && s->sw == 1 && s->sh == 1 && s->pad_left == 0
                        && s->out_w == s->in_w;

  for (size_t c = c0; c < c1; c++)
    for (int ky = 0; ky < s->kh; ky++)
      for (int kx = 0; kx < s->kw; kx++)
        {
          size_t row = (c * s->kh + ky) * s->kw + kx;
          for (int g = 0; g < group; g++)
            {
              float *plane = images + ((size_t) g * s->in_c + c) * in_plane;
              float *col = cols + row * ld + (size_t) g * P;
              if (runs)
                {
                  /* Output rows [y0, y1) read input rows y0 + ky - pad_top on. */
                  const int dy = ky - s->pad_top;
                  const int y0 = CLAMP (-dy, 0, s->out_h), y1 = CLAMP (s->in_h - dy, y0, s->out_h);
                  const size_t w = (size_t) s->out_w;
                  run_fn (col, NULL, (size_t) y0 * w);
                  run_fn (col + (size_t) y0 * w, plane + (size_t) (y0 + dy) * w,
                          (size_t) (y1 - y0) * w);
                  run_fn (col + (size_t) y1 * w, NULL, (size_t) (s->out_h - y1) * w);
                  continue;
                }
              for (int oy = 0; oy < s->out_h; oy++)
                {
                  int iy = oy * s->sh + ky - s->pad_top;
                  float *img = iy >= 0 && iy < s->in_h ? plane + (size_t) iy * s->in_w : NULL;
                  row_fn (col + (size_t) oy * s->out_w, img, kx, s);
                }
            }
        }
}

/* The output columns [lo, hi) whose input column ox·sw + x0 falls inside the image. */
static G_ALWAYS_INLINE inline void
inside_columns (int x0, const CariConv2dShape *s, int *lo, int *hi)
{
  const int sw = s->sw;
  int l = x0 >= 0 ? 0 : (-x0 + sw - 1) / sw;
  int h = s->in_w - 1 - x0 < 0 ? 0 : (s->in_w - 1 - x0) / sw + 1;
  *lo = MIN (l, s->out_w);
  *hi = CLAMP (h, *lo, s->out_w);
}

/* Short rows are copied by loops rather than memcpy calls: most rows of the late layers are 1
 * to 22 floats, where a call costs more than the copy. Stride 1 and 2 get their own loops so
 * that the compiler vectorises them. */
static G_ALWAYS_INLINE inline void
gather_row (float *d, float *src, int kx, const CariConv2dShape *s)
{
  const int ow = s->out_w;
  if (src == NULL)
    {
      for (int ox = 0; ox < ow; ox++)
        d[ox] = 0.0f;
      return;
    }
  const int x0 = kx - s->pad_left;
  int lo, hi;
  inside_columns (x0, s, &lo, &hi);
  for (int ox = 0; ox < lo; ox++)
    d[ox] = 0.0f;
  if (s->sw == 1)
    for (int ox = lo; ox < hi; ox++)
      d[ox] = src[ox + x0];
  else if (s->sw == 2)
    for (int ox = lo; ox < hi; ox++)
      d[ox] = src[2 * ox + x0];
  else
    for (int ox = lo; ox < hi; ox++)
      d[ox] = src[ox * s->sw + x0];
  for (int ox = hi; ox < ow; ox++)
    d[ox] = 0.0f;
}

static G_ALWAYS_INLINE inline void
gather_run (float *d, float *src, size_t n)
{
  if (src == NULL)
    for (size_t i = 0; i < n; i++)
      d[i] = 0.0f;
  else
    for (size_t i = 0; i < n; i++)
      d[i] = src[i];
}

static G_ALWAYS_INLINE inline void
scatter_row (float *src, float *d, int kx, const CariConv2dShape *s)
{
  if (d == NULL)
    return;
  const int x0 = kx - s->pad_left;
  int lo, hi;
  inside_columns (x0, s, &lo, &hi);
  if (s->sw == 1)
    for (int ox = lo; ox < hi; ox++)
      d[ox + x0] += src[ox];
  else if (s->sw == 2)
    for (int ox = lo; ox < hi; ox++)
      d[2 * ox + x0] += src[ox];
  else
    for (int ox = lo; ox < hi; ox++)
      d[ox * s->sw + x0] += src[ox];
}

static G_ALWAYS_INLINE inline void
scatter_run (float *src, float *d, size_t n)
{
  if (d != NULL)
    for (size_t i = 0; i < n; i++)
      d[i] += src[i];
}

typedef void (*ChannelsFn) (const ConvArgs *a, size_t c0, size_t c1);

static G_ALWAYS_INLINE inline void
im2col_body (const ConvArgs *a, size_t c0, size_t c1)
{
  /* The images are only read: gather_row and gather_run never write through them. */
  walk_columns (a->col, (float *) a->inp, a->group, a->s, c0, c1, gather_row, gather_run);
}

/* Each input channel only receives from its own rows of the columns: parallel over channels
 * without races. */
static G_ALWAYS_INLINE inline void
col2im_body (const ConvArgs *a, size_t c0, size_t c1)
{
  /* The columns are only read: scatter_row and scatter_run never write through them. */
  walk_columns ((float *) a->ccol, a->dinp, a->group, a->s, c0, c1, scatter_row, scatter_run);
}

CARI_ISA_VARIANTS (ChannelsFn, im2col_channels, im2col_body,
                   (const ConvArgs *a, size_t c0, size_t c1), (a, c0, c1));
CARI_ISA_VARIANTS (ChannelsFn, col2im_channels, col2im_body,
                   (const ConvArgs *a, size_t c0, size_t c1), (a, c0, c1));

static void
im2col_range (gpointer data, size_t c0, size_t c1)
{
  im2col_channels_isa[cari_cpu_isa ()](data, c0, c1);
}

static void
col2im_range (gpointer data, size_t c0, size_t c1)
{
  col2im_channels_isa[cari_cpu_isa ()](data, c0, c1);
}

/* Channels per part: about 64k floats of columns each. */
static size_t
channel_grain (const CariConv2dShape *s, int group)
{
  size_t per_channel = (size_t) s->kh * s->kw * out_plane (s) * (size_t) group;
  return MAX ((size_t) 1, (size_t) 65536 / MAX (per_channel, 1));
}

void
cari_im2col (float *col, const float *inp, int group, const CariConv2dShape *s)
{
  ConvArgs a = { .col = col, .inp = inp, .group = group, .s = s };
  cari_parallel_for (s->in_c, channel_grain (s, group), im2col_range, &a);
}

void
cari_col2im_add (float *dinp, const float *col, int group, const CariConv2dShape *s)
{
  ConvArgs a = { .dinp = dinp, .ccol = col, .group = group, .s = s };
  cari_parallel_for (s->in_c, channel_grain (s, group), col2im_range, &a);
}

/* Grouped gemm output [OC, g·P] → NCHW images, adding the bias; parallel over channels. */
static void
scatter_range (gpointer data, size_t o0, size_t o1)
{
  const ConvArgs *a = data;
  const CariConv2dShape *s = a->s;
  const size_t P = out_plane (s), out_img = (size_t) s->out_c * P;
  for (size_t oc = o0; oc < o1; oc++)
    for (int i = 0; i < a->group; i++)
      {
        float *d = a->out + (size_t) i * out_img + oc * P;
        const float *t = a->tmp + oc * P * a->group + (size_t) i * P;
        float b = a->bias != NULL ? a->bias[oc] : 0.0f;
        for (size_t p = 0; p < P; p++)
          d[p] = t[p] + b;
      }
}

/* NCHW gradient images → [OC, g·P] for the grouped gemm; parallel over channels. */
static void
gather_range (gpointer data, size_t o0, size_t o1)
{
  const ConvArgs *a = data;
  const CariConv2dShape *s = a->s;
  const size_t P = out_plane (s), out_img = (size_t) s->out_c * P;
  for (size_t oc = o0; oc < o1; oc++)
    for (int i = 0; i < a->group; i++)
      memcpy (a->tmp + oc * P * a->group + (size_t) i * P, a->dout + (size_t) i * out_img + oc * P,
              sizeof (float) * P);
}

static size_t
out_channel_grain (const CariConv2dShape *s, int group)
{
  return MAX ((size_t) 1, (size_t) 65536 / MAX (out_plane (s) * (size_t) group, 1));
}

static gboolean
is_pointwise (const CariConv2dShape *s)
{
  return s->kh == 1 && s->kw == 1 && s->sh == 1 && s->sw == 1;
}

/* ------------------------------------------------------------------ image by image
 *
 * Where the output plane is large enough for a gemm of its own, each part of the work takes
 * whole images: unfolds one into its own columns, multiplies straight into the NCHW output
 * (or, backward, into its own ∂W and the image's ∂input) while the columns are in cache. One
 * fork-join per layer, no copies between [OC, g·P] and NCHW, and every thread busy even where
 * a single product is too small to split. The parts' ∂W are summed at the end. */

#define PER_IMAGE_MIN_PLANE 64

typedef struct
{
  const CariConv2dShape *s;
  const float *inp, *weight, *bias, *dout;
  float *out, *dinp, *workspace;
  size_t part_floats;
  int N, parts;
} ImageArgs;

/* The part's columns: K × P floats, then (backward) its ∂W, OC × K. */
static size_t
image_part_floats (const CariConv2dShape *s, gboolean backward)
{
  return col_rows (s) * out_plane (s) + (backward ? (size_t) s->out_c * col_rows (s) : 0);
}

/* Parts to run image by image with, or 0 where the grouped gemm is the better way. */
static int
image_parts (const CariConv2dShape *s, int N, size_t workspace_floats, gboolean backward)
{
  if (out_plane (s) < PER_IMAGE_MIN_PLANE)
    return 0;
  size_t fit = workspace_floats / image_part_floats (s, backward);
  return (int) MIN (MIN (fit, (size_t) N), (size_t) cari_parallel_get_threads ());
}

/* The columns of image `img` (itself for a 1×1 stride-1 layer). */
static const float *
image_columns (float *col, const float *img, const CariConv2dShape *s)
{
  if (is_pointwise (s))
    return img;
  ConvArgs c = { .col = col, .inp = img, .group = 1, .s = s };
  im2col_range (&c, 0, (size_t) s->in_c);
  return col;
}

static void
forward_images (gpointer data, size_t p0, size_t p1)
{
  const ImageArgs *a = data;
  const CariConv2dShape *s = a->s;
  const int K = (int) col_rows (s), P = (int) out_plane (s);
  const size_t in_img = (size_t) s->in_c * s->in_h * s->in_w, out_img = (size_t) s->out_c * P;
  for (size_t p = p0; p < p1; p++)
    {
      float *col = a->workspace + p * a->part_floats;
      for (size_t i = p * a->N / a->parts; i < (p + 1) * a->N / a->parts; i++)
        {
          const float *B = image_columns (col, a->inp + i * in_img, s);
          float *dst = a->out + i * out_img;
          cari_sgemm (FALSE, FALSE, s->out_c, P, K, 1.0f, a->weight, K, B, P, 0.0f, dst, P);
          if (a->bias != NULL)
            for (int oc = 0; oc < s->out_c; oc++)
              for (int q = 0; q < P; q++)
                dst[(size_t) oc * P + q] += a->bias[oc];
        }
    }
}

static void
backward_images (gpointer data, size_t p0, size_t p1)
{
  const ImageArgs *a = data;
  const CariConv2dShape *s = a->s;
  const int K = (int) col_rows (s), P = (int) out_plane (s);
  const size_t in_img = (size_t) s->in_c * s->in_h * s->in_w, out_img = (size_t) s->out_c * P;
  for (size_t p = p0; p < p1; p++)
    {
      float *col = a->workspace + p * a->part_floats;
      float *dw = col + (size_t) K * P;
      gboolean first = TRUE;
      for (size_t i = p * a->N / a->parts; i < (p + 1) * a->N / a->parts; i++)
        {
          const float *cols = image_columns (col, a->inp + i * in_img, s);
          const float *dout = a->dout + i * out_img;
          /* dW[OC×K] (+)= dout[OC×P] · colsᵀ[P×K] */
          cari_sgemm (FALSE, TRUE, s->out_c, K, P, 1.0f, dout, P, cols, P, first ? 0.0f : 1.0f,
                      dw, K);
          first = FALSE;
          if (a->dinp == NULL)
            continue;
          float *dst = a->dinp + i * in_img;
          if (is_pointwise (s))
            cari_sgemm (TRUE, FALSE, K, P, s->out_c, 1.0f, a->weight, K, dout, P, 1.0f, dst, P);
          else
            {
              /* dcol[K×P] = Wᵀ · dout over the columns, which dW has read, then fold back. */
              cari_sgemm (TRUE, FALSE, K, P, s->out_c, 1.0f, a->weight, K, dout, P, 0.0f, col, P);
              ConvArgs c = { .dinp = dst, .ccol = col, .group = 1, .s = s };
              col2im_range (&c, 0, (size_t) s->in_c);
            }
        }
    }
}

static void
forward_by (int tile, float *out, const float *inp, const float *weight, const float *bias, int N,
            const CariConv2dShape *s, float *workspace, size_t workspace_floats)
{
  const int K = (int) col_rows (s);
  const int P = (int) out_plane (s);
  const size_t in_img = (size_t) s->in_c * s->in_h * s->in_w;
  const size_t out_img = (size_t) s->out_c * P;

  if (tile > 0)
    {
      cari_winograd_forward (out, inp, weight, bias, N, s, tile, workspace, workspace_floats);
      return;
    }

  const int parts = image_parts (s, N, workspace_floats, FALSE);
  if (parts > 0)
    {
      ImageArgs a = { .s = s, .inp = inp, .weight = weight, .bias = bias, .out = out,
                      .workspace = workspace, .part_floats = image_part_floats (s, FALSE),
                      .N = N, .parts = parts };
      cari_parallel_for ((size_t) parts, 1, forward_images, &a);
      return;
    }

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
          ConvArgs a = { .out = dst, .tmp = tmp, .bias = bias, .group = g, .s = s };
          cari_parallel_for (s->out_c, out_channel_grain (s, g), scatter_range, &a);
          continue;
        }
      if (bias != NULL)
        for (int oc = 0; oc < s->out_c; oc++)
          {
            float *d = dst + (size_t) oc * P;
            for (int p = 0; p < P; p++)
              d[p] += bias[oc];
          }
    }
}

void
cari_conv2d_forward (float *out, const float *inp, const float *weight, const float *bias, int N,
                     const CariConv2dShape *s, float *workspace, size_t workspace_floats)
{
  forward_by (cari_conv2d_winograd_tile (s, TRUE), out, inp, weight, bias, N, s, workspace,
              workspace_floats);
}

void
cari_conv2d_forward_extract (float *out, const float *inp, const float *weight,
                             const float *bias, int N, const CariConv2dShape *s,
                             float *workspace, size_t workspace_floats)
{
  forward_by (cari_conv2d_extract_tile (s), out, inp, weight, bias, N, s, workspace,
              workspace_floats);
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
  const int tile = cari_conv2d_winograd_tile (s, FALSE);

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

  if (tile > 0)
    {
      cari_winograd_backward (dinp, dweight, dout, inp, weight, N, s, tile, workspace,
                              workspace_floats);
      return;
    }

  const int parts = image_parts (s, N, workspace_floats, TRUE);
  if (parts > 0)
    {
      ImageArgs a = { .s = s, .inp = inp, .weight = weight, .dout = dout, .dinp = dinp,
                      .workspace = workspace, .part_floats = image_part_floats (s, TRUE),
                      .N = N, .parts = parts };
      cari_parallel_for ((size_t) parts, 1, backward_images, &a);
      for (int p = 0; p < parts; p++)
        {
          const float *dw = workspace + (size_t) p * a.part_floats + (size_t) K * P;
          for (size_t j = 0; j < (size_t) s->out_c * K; j++)
            dweight[j] += dw[j];
        }
      return;
    }

  const int group = pick_group (s, N, workspace_floats);
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
          ConvArgs a = { .tmp = tmp, .dout = dsrc, .group = g, .s = s };
          cari_parallel_for (s->out_c, out_channel_grain (s, g), gather_range, &a);
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
