/* dense.c — fully connected layer over cari_sgemm. */
#include "nn/dense.h"

#include "core/gemm.h"

void
cari_dense_forward (float *out, const float *inp, const float *weight, const float *bias, int N,
                    int C, int OC)
{
  cari_sgemm (FALSE, TRUE, N, OC, C, 1.0f, inp, C, weight, C, 0.0f, out, OC);
  if (bias != NULL)
    for (int n = 0; n < N; n++)
      for (int o = 0; o < OC; o++)
        out[(size_t) n * OC + o] += bias[o];
}

void
cari_dense_backward (float *dinp, float *dweight, float *dbias, const float *dout,
                     const float *inp, const float *weight, int N, int C, int OC)
{
  /* dW[OC×C] += doutᵀ[OC×N] · inp[N×C] */
  cari_sgemm (TRUE, FALSE, OC, C, N, 1.0f, dout, OC, inp, C, 1.0f, dweight, C);
  /* dinp[N×C] += dout[N×OC] · W[OC×C] */
  if (dinp != NULL)
    cari_sgemm (FALSE, FALSE, N, C, OC, 1.0f, dout, OC, weight, C, 1.0f, dinp, C);
  if (dbias != NULL)
    for (int n = 0; n < N; n++)
      for (int o = 0; o < OC; o++)
        dbias[o] += dout[(size_t) n * OC + o];
}
