/* activation.c — ReLU. */
#include "nn/activation.h"

void
cari_relu_forward (float *out, const float *inp, size_t n)
{
  for (size_t i = 0; i < n; i++)
    out[i] = inp[i] > 0.0f ? inp[i] : 0.0f;
}

void
cari_relu_backward (float *dinp, const float *dout, const float *out, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (out[i] > 0.0f)
      dinp[i] += dout[i];
}
