/* losses.c — center loss and L4. */
#include "train/losses.h"

#include "nn/softmax.h"

#include <string.h>

double
cari_center_loss_forward (const float *emb, const int *labels, const float *centers, int N,
                          int E)
{
  double total = 0.0;
  int count = 0;
  for (int i = 0; i < N; i++)
    {
      if (labels[i] < 0)
        continue;
      const float *e = emb + (size_t) i * E, *c = centers + (size_t) labels[i] * E;
      double d2 = 0.0;
      for (int k = 0; k < E; k++)
        d2 += ((double) e[k] - c[k]) * ((double) e[k] - c[k]);
      total += 0.5 * d2;
      count++;
    }
  return count > 0 ? total / count : 0.0;
}

void
cari_center_loss_backward (float *demb, const float *emb, const int *labels, const float *centers,
                           int N, int E, float dloss)
{
  const float scale = cari_masked_mean_scale (labels, N, dloss);
  for (int i = 0; i < N; i++)
    {
      if (labels[i] < 0)
        continue;
      const float *e = emb + (size_t) i * E, *c = centers + (size_t) labels[i] * E;
      float *d = demb + (size_t) i * E;
      for (int k = 0; k < E; k++)
        d[k] += scale * (e[k] - c[k]);
    }
}

void
cari_center_update (float *centers, const float *emb, const int *labels, int N, int E, int K,
                    float rate)
{
  /* Gather Σ (c_j − e_i) and n_j first, so every row sees the centers of before the update. */
  g_autofree float *delta = g_new0 (float, (size_t) K * E);
  g_autofree int *n = g_new0 (int, K);
  for (int i = 0; i < N; i++)
    {
      int j = labels[i];
      if (j < 0)
        continue;
      g_assert (j < K);
      n[j]++;
      for (int k = 0; k < E; k++)
        delta[(size_t) j * E + k] += centers[(size_t) j * E + k] - emb[(size_t) i * E + k];
    }
  for (int j = 0; j < K; j++)
    if (n[j] > 0)
      for (int k = 0; k < E; k++)
        centers[(size_t) j * E + k] -= rate * delta[(size_t) j * E + k] / (1.0f + (float) n[j]);
}

double
cari_l4_forward (const float *w, const float *losses, int T, double epsilon)
{
  double l4 = 0.0;
  for (int t = 0; t < T; t++)
    l4 += w[t] / ((double) losses[t] + epsilon);
  return l4;
}

void
cari_l4_backward (float *dw, const float *losses, int T, double epsilon)
{
  for (int t = 0; t < T; t++)
    dw[t] = (float) (1.0 / ((double) losses[t] + epsilon));
}
