/* dense.h — fully connected layer: out[N, OC] = inp[N, C] · weight[OC, C]ᵀ + bias[OC]. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void cari_dense_forward (float *out, const float *inp, const float *weight, const float *bias,
                         int N, int C, int OC);
/* Accumulates; dinp and dbias may be NULL. */
void cari_dense_backward (float *dinp, float *dweight, float *dbias, const float *dout,
                          const float *inp, const float *weight, int N, int C, int OC);

G_END_DECLS
