/* winograd.h — 3×3 stride-1 convolutions by Winograd's minimal filtering, forward and backward.
 *
 * F(m×m, 3×3) computes each m×m tile of the output from an α×α tile of the input (α = m + 2)
 * with α² products per channel pair instead of 9·m²: the input tile, the filter and the output
 * are carried through fixed transforms (Lavin & Gray's B, G and A), and the products of all
 * tiles at one of the α² transform points form one gemm, [OC × C] · [C × tiles]. m = 2 uses 16
 * points (2.25× fewer multiplications than direct), m = 4 uses 36 (4×), at some cost in rounding
 * since its transforms hold larger coefficients.
 *
 * The backward is the adjoint of that same computation (not a second convolution): the output
 * gradient is carried back through A into the points, where one gemm per point gives the
 * filter's gradient (Ŷ · Vᵀ, summed over tiles, then through G) and another the input's
 * (Uᵀ · Ŷ, then through B, added into the overlapping input tiles).
 *
 * Layouts and padding are conv.h's. Eligible shapes: kh = kw = 3, sh = sw = 1, any channel
 * counts, sizes and padding (VALID or SAME); the tiles past the output's edge are cut off.
 */
#pragma once

#include "nn/conv.h"

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

/* Output tile sides that are implemented. */
#define CARI_WINOGRAD_TILE_SMALL 2
#define CARI_WINOGRAD_TILE_LARGE 4
/* F(6×6, 3×3): 64 points, 5.06× fewer multiplications than direct, forward only (extraction),
 * its transforms' larger coefficients costing more rounding again. */
#define CARI_WINOGRAD_TILE_FORWARD 6

gboolean cari_winograd_eligible (const CariConv2dShape *s);

/* Floats of workspace for `group` images per gemm with output tiles of side `tile`: the
 * transformed filter and its gradient (all there is for group 0; F(6×6), forward only, has the
 * filter alone), and for each image the transformed input and output tiles. The kernels choose
 * the largest group that fits what they are given; one image is the minimum. */
size_t cari_winograd_workspace_floats (const CariConv2dShape *s, int tile, int group);

/* out = conv(inp, weight) + bias (bias may be NULL). */
void cari_winograd_forward (float *out, const float *inp, const float *weight, const float *bias,
                            int N, const CariConv2dShape *s, int tile, float *workspace,
                            size_t workspace_floats);

/* Tiles 2 and 4 only. Accumulates: dinp += ∂L/∂inp (skipped when dinp is NULL), dweight +=
 * ∂L/∂weight. The bias' gradient is the plain sum conv.c takes. */
void cari_winograd_backward (float *dinp, float *dweight, const float *dout, const float *inp,
                             const float *weight, int N, const CariConv2dShape *s, int tile,
                             float *workspace, size_t workspace_floats);

G_END_DECLS
