/* dropout.c — inverted dropout. */
#include "nn/dropout.h"

void
cari_dropout_forward (float *out, float *mask, const float *inp, size_t n, float keep,
                      CariRng *rng)
{
  const float scale = 1.0f / keep;
  g_assert (keep > 0.0f && keep <= 1.0f);
  for (size_t i = 0; i < n; i++)
    {
      mask[i] = cari_rng_uniform (rng) < keep ? scale : 0.0f;
      out[i] = inp[i] * mask[i];
    }
}

void
cari_dropout_backward (float *dinp, const float *dout, const float *mask, size_t n)
{
  for (size_t i = 0; i < n; i++)
    dinp[i] += dout[i] * mask[i];
}
