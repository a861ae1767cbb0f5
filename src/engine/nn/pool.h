/* pool.h — max pooling, average pooling and global average pooling over NCHW tensors.
 *
 * Window geometry is a CariConv2dShape with out_c = in_c (padding as TensorFlow: SAME pads are
 * ignored by max pooling and excluded from the average's count).
 */
#pragma once

#include "nn/conv.h"

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

gboolean cari_pool2d_shape_init (CariConv2dShape *shape, int channels, int in_h, int in_w, int kh,
                                 int kw, int sh, int sw, CariPadding padding, GError **error);

/* argmax[N·C·OH·OW] records the winning input index within its plane, for backward. */
void cari_maxpool_forward (float *out, int32_t *argmax, const float *inp, int N,
                           const CariConv2dShape *s);
/* The same, image i's output at out + i·out_image_floats (0: C·OH·OW), e.g. a slice of a
 * concatenation; argmax stays dense. */
void cari_maxpool_forward_into (float *out, size_t out_image_floats, int32_t *argmax,
                                const float *inp, int N, const CariConv2dShape *s);
void cari_maxpool_backward (float *dinp, const float *dout, const int32_t *argmax, int N,
                            const CariConv2dShape *s);

void cari_avgpool_forward (float *out, const float *inp, int N, const CariConv2dShape *s);
void cari_avgpool_backward (float *dinp, const float *dout, int N, const CariConv2dShape *s);

/* out[N, C] = mean over the H·W plane. */
void cari_global_avgpool_forward (float *out, const float *inp, int N, int C, int HW);
void cari_global_avgpool_backward (float *dinp, const float *dout, int N, int C, int HW);

G_END_DECLS
