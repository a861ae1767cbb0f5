/* softmax.c — softmax, cross-entropy and L2 normalisation. */
#include "nn/softmax.h"

#include <math.h>

void
cari_softmax_forward (float *probs, const float *logits, int N, int K)
{
  for (int n = 0; n < N; n++)
    {
      const float *z = logits + (size_t) n * K;
      float *p = probs + (size_t) n * K;
      float max = z[0];
      for (int k = 1; k < K; k++)
        max = MAX (max, z[k]);
      double sum = 0.0;
      for (int k = 0; k < K; k++)
        {
          p[k] = expf (z[k] - max);
          sum += p[k];
        }
      float inv = (float) (1.0 / sum);
      for (int k = 0; k < K; k++)
        p[k] *= inv;
    }
}

double
cari_softmax_cross_entropy_forward (float *probs, const float *logits, const int *labels, int N,
                                    int K, int *n_counted)
{
  double loss = 0.0;
  int count = 0;

  cari_softmax_forward (probs, logits, N, K);
  for (int n = 0; n < N; n++)
    {
      if (labels[n] < 0)
        continue;
      g_assert (labels[n] < K);
      /* log p computed from the logits, not the rounded probability, so it stays finite. */
      const float *z = logits + (size_t) n * K;
      float max = z[0];
      for (int k = 1; k < K; k++)
        max = MAX (max, z[k]);
      double sum = 0.0;
      for (int k = 0; k < K; k++)
        sum += exp ((double) z[k] - max);
      loss += log (sum) - ((double) z[labels[n]] - max);
      count++;
    }
  if (n_counted != NULL)
    *n_counted = count;
  return count > 0 ? loss / count : 0.0;
}

float
cari_masked_mean_scale (const int *labels, int N, float dloss)
{
  int count = 0;
  for (int n = 0; n < N; n++)
    count += labels[n] >= 0;
  return count > 0 ? dloss / (float) count : 0.0f;
}

void
cari_softmax_cross_entropy_backward (float *dlogits, const float *probs, const int *labels, int N,
                                     int K, float dloss)
{
  const float scale = cari_masked_mean_scale (labels, N, dloss);
  for (int n = 0; n < N; n++)
    {
      if (labels[n] < 0)
        continue;
      const float *p = probs + (size_t) n * K;
      float *d = dlogits + (size_t) n * K;
      for (int k = 0; k < K; k++)
        d[k] += scale * (p[k] - (k == labels[n] ? 1.0f : 0.0f));
    }
}

void
cari_l2norm_forward (float *out, float *norms, const float *inp, int N, int D, float eps)
{
  for (int n = 0; n < N; n++)
    {
      const float *x = inp + (size_t) n * D;
      float *y = out + (size_t) n * D;
      double ss = 0.0;
      for (int d = 0; d < D; d++)
        ss += (double) x[d] * x[d];
      float norm = (float) sqrt (MAX (ss, (double) eps));
      norms[n] = norm;
      float inv = 1.0f / norm;
      for (int d = 0; d < D; d++)
        y[d] = x[d] * inv;
    }
}

void
cari_l2norm_backward (float *dinp, const float *dout, const float *out, const float *norms, int N,
                      int D, float eps)
{
  const float clamp = sqrtf (eps);
  for (int n = 0; n < N; n++)
    {
      const float *y = out + (size_t) n * D;
      const float *dy = dout + (size_t) n * D;
      float *dx = dinp + (size_t) n * D;
      float inv = 1.0f / norms[n];
      if (norms[n] <= clamp)
        {
          for (int d = 0; d < D; d++)
            dx[d] += dy[d] * inv;
          continue;
        }
      double dot = 0.0;
      for (int d = 0; d < D; d++)
        dot += (double) y[d] * dy[d];
      for (int d = 0; d < D; d++)
        dx[d] += (dy[d] - y[d] * (float) dot) * inv;
    }
}
