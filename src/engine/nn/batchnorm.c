/* batchnorm.c — per-channel batch normalisation. Sums run in double: a channel of a 60-image
 * batch at 79×79 is 370k values. */
#include "nn/batchnorm.h"

#include <math.h>

void
cari_batchnorm_forward_train (float *out, float *save_mean, float *save_invstd,
                              float *running_mean, float *running_var, const float *inp,
                              const float *gamma, const float *beta, int N, int C, int HW,
                              float decay, float eps, gboolean relu)
{
  const size_t M = (size_t) N * HW;

  for (int c = 0; c < C; c++)
    {
      double sum = 0.0, sumsq = 0.0;
      for (int n = 0; n < N; n++)
        {
          const float *x = inp + ((size_t) n * C + c) * HW;
          for (int i = 0; i < HW; i++)
            sum += x[i];
        }
      double mean = sum / (double) M;
      for (int n = 0; n < N; n++)
        {
          const float *x = inp + ((size_t) n * C + c) * HW;
          for (int i = 0; i < HW; i++)
            {
              double d = x[i] - mean;
              sumsq += d * d;
            }
        }
      double var = sumsq / (double) M;
      float invstd = (float) (1.0 / sqrt (var + eps));
      float g = gamma != NULL ? gamma[c] : 1.0f;
      float b = beta != NULL ? beta[c] : 0.0f;
      float scale = g * invstd;
      float shift = b - (float) mean * scale;

      for (int n = 0; n < N; n++)
        {
          const float *x = inp + ((size_t) n * C + c) * HW;
          float *y = out + ((size_t) n * C + c) * HW;
          if (relu)
            for (int i = 0; i < HW; i++)
              y[i] = MAX (x[i] * scale + shift, 0.0f);
          else
            for (int i = 0; i < HW; i++)
              y[i] = x[i] * scale + shift;
        }

      save_mean[c] = (float) mean;
      save_invstd[c] = invstd;
      if (running_mean != NULL)
        running_mean[c] = decay * running_mean[c] + (1.0f - decay) * (float) mean;
      if (running_var != NULL)
        {
          double unbiased = M > 1 ? sumsq / (double) (M - 1) : var;
          running_var[c] = decay * running_var[c] + (1.0f - decay) * (float) unbiased;
        }
    }
}

void
cari_batchnorm_forward_infer (float *out, const float *inp, const float *gamma, const float *beta,
                              const float *running_mean, const float *running_var, int N, int C,
                              int HW, float eps, gboolean relu)
{
  for (int c = 0; c < C; c++)
    {
      float g = gamma != NULL ? gamma[c] : 1.0f;
      float b = beta != NULL ? beta[c] : 0.0f;
      float scale = g / sqrtf (running_var[c] + eps);
      float shift = b - running_mean[c] * scale;
      for (int n = 0; n < N; n++)
        {
          const float *x = inp + ((size_t) n * C + c) * HW;
          float *y = out + ((size_t) n * C + c) * HW;
          if (relu)
            for (int i = 0; i < HW; i++)
              y[i] = MAX (x[i] * scale + shift, 0.0f);
          else
            for (int i = 0; i < HW; i++)
              y[i] = x[i] * scale + shift;
        }
    }
}

void
cari_batchnorm_backward (float *dinp, float *dgamma, float *dbeta, const float *dout,
                         const float *inp, const float *gamma, const float *save_mean,
                         const float *save_invstd, int N, int C, int HW)
{
  const double M = (double) N * HW;

  for (int c = 0; c < C; c++)
    {
      const float mean = save_mean[c];
      const float invstd = save_invstd[c];
      double sum_dy = 0.0, sum_dy_xhat = 0.0;

      for (int n = 0; n < N; n++)
        {
          const float *x = inp + ((size_t) n * C + c) * HW;
          const float *dy = dout + ((size_t) n * C + c) * HW;
          for (int i = 0; i < HW; i++)
            {
              sum_dy += dy[i];
              sum_dy_xhat += (double) dy[i] * (double) ((x[i] - mean) * invstd);
            }
        }
      if (dbeta != NULL)
        dbeta[c] += (float) sum_dy;
      if (dgamma != NULL)
        dgamma[c] += (float) sum_dy_xhat;
      if (dinp == NULL)
        continue;

      /* dx = γ·invstd · (dy − mean(dy) − x̂ · mean(dy·x̂)) */
      const float g = gamma != NULL ? gamma[c] : 1.0f;
      const float k = g * invstd;
      const float mean_dy = (float) (sum_dy / M);
      const float mean_dy_xhat = (float) (sum_dy_xhat / M);
      for (int n = 0; n < N; n++)
        {
          const float *x = inp + ((size_t) n * C + c) * HW;
          const float *dy = dout + ((size_t) n * C + c) * HW;
          float *dx = dinp + ((size_t) n * C + c) * HW;
          for (int i = 0; i < HW; i++)
            {
              float xhat = (x[i] - mean) * invstd;
              dx[i] += k * (dy[i] - mean_dy - xhat * mean_dy_xhat);
            }
        }
    }
}

void
cari_batchnorm_relu_backward_inplace (float *d, float *dgamma, float *dbeta, const float *out,
                                      const float *inp, const float *gamma,
                                      const float *save_mean, const float *save_invstd, int N,
                                      int C, int HW)
{
  const double M = (double) N * HW;

  for (int c = 0; c < C; c++)
    {
      const float mean = save_mean[c];
      const float invstd = save_invstd[c];
      double sum_dy = 0.0, sum_dy_xhat = 0.0;

      /* First pass: apply the ReLU mask in place and gather the two sums. */
      for (int n = 0; n < N; n++)
        {
          const size_t off = ((size_t) n * C + c) * HW;
          const float *x = inp + off, *y = out + off;
          float *dy = d + off;
          for (int i = 0; i < HW; i++)
            {
              float g = y[i] > 0.0f ? dy[i] : 0.0f;
              dy[i] = g;
              sum_dy += g;
              sum_dy_xhat += (double) g * (double) ((x[i] - mean) * invstd);
            }
        }
      if (dbeta != NULL)
        dbeta[c] += (float) sum_dy;
      if (dgamma != NULL)
        dgamma[c] += (float) sum_dy_xhat;

      const float g = gamma != NULL ? gamma[c] : 1.0f;
      const float k = g * invstd;
      const float mean_dy = (float) (sum_dy / M);
      const float mean_dy_xhat = (float) (sum_dy_xhat / M);
      for (int n = 0; n < N; n++)
        {
          const size_t off = ((size_t) n * C + c) * HW;
          const float *x = inp + off;
          float *dy = d + off;
          for (int i = 0; i < HW; i++)
            {
              float xhat = (x[i] - mean) * invstd;
              dy[i] = k * (dy[i] - mean_dy - xhat * mean_dy_xhat);
            }
        }
    }
}
