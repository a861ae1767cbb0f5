/* conv.h — 2-D convolution by im2col + cari_sgemm, forward and backward; 3×3 stride-1 layers
 * go to Winograd's algorithm (nn/winograd.h) unless the algorithm is set to direct.
 *
 * Layouts: input [N, C, H, W], weight [OC, C, KH, KW] (read as a matrix OC × K, K = C·KH·KW),
 * bias [OC] or NULL, output [N, OC, OH, OW]. Padding follows TensorFlow: VALID uses none; SAME
 * gives OH = ceil(H / SH) and splits the padding as floor on the top/left, the rest on the
 * bottom/right, so stride-2 SAME on an even size pads only bottom/right.
 */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

typedef enum
{
  CARI_PADDING_VALID,
  CARI_PADDING_SAME,
} CariPadding;

typedef struct
{
  int in_c, in_h, in_w;
  int out_c, out_h, out_w;
  int kh, kw;
  int sh, sw;
  int pad_top, pad_left;
} CariConv2dShape;

/* How the convolutions are computed. Read once from the environment variable CARI_CONV_ALGO
 * (auto, direct, winograd, winograd2 or winograd-backward; unset, empty or not one of those
 * means auto), so that the ways can be compared on one build; cari_conv2d_set_algo overrides
 * it (tests, benchmarks). Winograd only ever takes 3×3 stride-1 layers; the rest run im2col. */
typedef enum
{
  CARI_CONV_ALGO_DIRECT,            /* im2col + gemm everywhere */
  CARI_CONV_ALGO_WINOGRAD,          /* F(4×4, 3×3), forward and backward, every eligible layer */
  CARI_CONV_ALGO_WINOGRAD2,         /* F(2×2, 3×3), forward and backward */
  CARI_CONV_ALGO_WINOGRAD_BACKWARD, /* F(4×4, 3×3) in the backward (∂input, ∂weight) only */
  CARI_CONV_ALGO_AUTO,              /* the default: winograd where input + output channels reach
                                     * CARI_CONV_AUTO_WINOGRAD_CHANNELS, im2col below that;
                                     * extraction's forward by F(6×6, 3×3) there where it pays */
} CariConvAlgo;

/* Below this many input + output channels a 3×3 layer's Winograd transforms cost more than the
 * products they save: the forwards of the demo preset's 8- to 16-channel stem layers ran 1.4×
 * faster by im2col, their backwards 1.06–1.09×; its 20→48 conv5 and every paper-preset layer
 * (32→32 and up) ran faster by Winograd. */
#define CARI_CONV_AUTO_WINOGRAD_CHANNELS 48

CariConvAlgo cari_conv2d_get_algo (void);
void         cari_conv2d_set_algo (CariConvAlgo algo);
/* The algorithm a name (CARI_CONV_ALGO's values) stands for; NULL or empty is the default.
 * FALSE for a name that is none of them. */
gboolean     cari_conv2d_algo_parse (const char *name, CariConvAlgo *algo);
const char  *cari_conv2d_algo_name (CariConvAlgo algo);
/* The Winograd tile side the current algorithm uses for `s` in the forward or the backward,
 * or 0 where that pass runs im2col. */
int          cari_conv2d_winograd_tile (const CariConv2dShape *s, gboolean forward);
/* The same for extraction's forward (cari_conv2d_forward_extract): auto takes F(6×6, 3×3)
 * there, whose rounding is too coarse for training's gradients but not for embeddings; the
 * other algorithms run their own forward. */
int          cari_conv2d_extract_tile (const CariConv2dShape *s);

/* Derive output size and padding; fails naming the parameter when the layer cannot exist. */
gboolean cari_conv2d_shape_init (CariConv2dShape *shape, int in_c, int in_h, int in_w, int out_c,
                                 int kh, int kw, int sh, int sw, CariPadding padding,
                                 GError **error);

/* Multiply-adds of the forward pass for one image (backward costs twice that). */
double cari_conv2d_flops (const CariConv2dShape *s);

/* How much workspace the images of a group take at most (beyond one image's worth, which is
 * always allowed): enough for the small late layers to run their whole batch as one wide gemm.
 * im2col groups no more even when the workspace is larger (sized for Winograd layers): wider
 * column matrices stop paying and start missing the cache. */
#define CARI_CONV_GROUP_FLOATS ((size_t) 4 << 20)

/* Floats of workspace needed to process `group` images per gemm, by whichever algorithm runs
 * (the largest need of those that can, since the algorithm may be switched after the
 * workspace is sized). The kernels choose the largest group that fits the workspace they are
 * given; one image's worth is the minimum. */
size_t cari_conv2d_workspace_floats (const CariConv2dShape *s, int group);

/* out = conv(inp, weight) + bias. */
void cari_conv2d_forward (float *out, const float *inp, const float *weight, const float *bias,
                          int N, const CariConv2dShape *s, float *workspace,
                          size_t workspace_floats);

/* cari_conv2d_forward as extraction runs it (cari_conv2d_extract_tile). */
void cari_conv2d_forward_extract (float *out, const float *inp, const float *weight,
                                  const float *bias, int N, const CariConv2dShape *s,
                                  float *workspace, size_t workspace_floats);

/* Accumulates: dinp += ∂L/∂inp (skipped when dinp is NULL), dweight += ∂L/∂weight,
 * dbias += ∂L/∂bias (skipped when NULL). */
void cari_conv2d_backward (float *dinp, float *dweight, float *dbias, const float *dout,
                           const float *inp, const float *weight, int N,
                           const CariConv2dShape *s, float *workspace, size_t workspace_floats);

/* Exposed for tests: unfold `group` images into col [K, group·OH·OW], and fold back (adding). */
void cari_im2col (float *col, const float *inp, int group, const CariConv2dShape *s);
void cari_col2im_add (float *dinp, const float *col, int group, const CariConv2dShape *s);

G_END_DECLS
