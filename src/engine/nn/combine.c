/* combine.c — concatenation and scaled residual. */
#include "nn/combine.h"

#include <string.h>

static int
total_channels (const int *channels, int n_inputs)
{
  int total = 0;
  for (int i = 0; i < n_inputs; i++)
    total += channels[i];
  return total;
}

void
cari_concat_forward (float *out, const float *const *inputs, const int *channels, int n_inputs,
                     int N, int HW)
{
  const int C = total_channels (channels, n_inputs);
  for (int n = 0; n < N; n++)
    {
      int offset = 0;
      for (int i = 0; i < n_inputs; i++)
        {
          size_t block = (size_t) channels[i] * HW;
          memcpy (out + ((size_t) n * C + offset) * HW, inputs[i] + (size_t) n * block,
                  block * sizeof (float));
          offset += channels[i];
        }
    }
}

void
cari_concat_backward (float *const *dinputs, const float *dout, const int *channels,
                      int n_inputs, int N, int HW)
{
  const int C = total_channels (channels, n_inputs);
  for (int n = 0; n < N; n++)
    {
      int offset = 0;
      for (int i = 0; i < n_inputs; i++)
        {
          size_t block = (size_t) channels[i] * HW;
          if (dinputs[i] != NULL)
            {
              float *d = dinputs[i] + (size_t) n * block;
              const float *g = dout + ((size_t) n * C + offset) * HW;
              for (size_t k = 0; k < block; k++)
                d[k] += g[k];
            }
          offset += channels[i];
        }
    }
}

void
cari_residual_forward (float *out, const float *x, const float *up, float scale, size_t n)
{
  for (size_t i = 0; i < n; i++)
    out[i] = x[i] + scale * up[i];
}

void
cari_residual_backward (float *dx, float *dup, const float *dout, float scale, size_t n)
{
  if (dx != NULL)
    for (size_t i = 0; i < n; i++)
      dx[i] += dout[i];
  if (dup != NULL)
    for (size_t i = 0; i < n; i++)
      dup[i] += scale * dout[i];
}
