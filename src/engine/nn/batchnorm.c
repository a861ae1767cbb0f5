/* batchnorm.c — per-channel batch normalisation, parallel over channels. Sums run in double:
 * a channel of a 60-image batch at 79×79 is 370k values. */
#include "nn/batchnorm.h"

#include "core/comm.h"
#include "core/parallel.h"

#include <math.h>

/* Channels per part: enough values that a part outweighs handing it to a thread. */
static size_t
channel_grain (int N, int HW)
{
  return MAX ((size_t) 1, (size_t) 32768 / MAX ((size_t) N * HW, 1));
}

/* Sums of (x − k) and (x − k)² over n values. Eight independent lanes: a single accumulator is
 * a serial chain the compiler may not reorder (IEEE addition is not associative), while lanes
 * vectorise. */
#define LANES 8

static inline void
shifted_moments (const float *x, int n, float k, float *sum, float *sumsq)
{
  float s[LANES] = { 0 }, q[LANES] = { 0 };
  int i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int j = 0; j < LANES; j++)
      {
        float d = x[i + j] - k;
        s[j] += d;
        q[j] += d * d;
      }
  for (; i < n; i++)
    {
      float d = x[i] - k;
      s[0] += d;
      q[0] += d * d;
    }
  float ts = 0.0f, tq = 0.0f;
  for (int j = 0; j < LANES; j++)
    {
      ts += s[j];
      tq += q[j];
    }
  *sum = ts;
  *sumsq = tq;
}

/* The map a forward applies: one expression, so that the output, its recomputation and the
 * ReLU mask of the backward round alike (ISO C mode: no contraction into a fused multiply-add). */
static inline float
affine (float x, float scale, float shift)
{
  return x * scale + shift;
}

/* Σ g and Σ g·(x − mean) over n values, where g = dy, masked (and written back to dy) where
 * relu and x·scale + shift ≤ 0, i.e. where the forward's ReLU output was 0. */
static inline void
grad_moments (float *dy, gboolean relu, float scale, float shift, const float *x, int n,
              float mean, float *sum, float *sumx)
{
  float s[LANES] = { 0 }, q[LANES] = { 0 };
  int i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int j = 0; j < LANES; j++)
      {
        float g = dy[i + j];
        if (relu)
          {
            g = affine (x[i + j], scale, shift) > 0.0f ? g : 0.0f;
            dy[i + j] = g;
          }
        s[j] += g;
        q[j] += g * (x[i + j] - mean);
      }
  for (; i < n; i++)
    {
      float g = dy[i];
      if (relu)
        {
          g = affine (x[i], scale, shift) > 0.0f ? g : 0.0f;
          dy[i] = g;
        }
      s[0] += g;
      q[0] += g * (x[i] - mean);
    }
  float ts = 0.0f, tq = 0.0f;
  for (int j = 0; j < LANES; j++)
    {
      ts += s[j];
      tq += q[j];
    }
  *sum = ts;
  *sumx = tq;
}

typedef struct
{
  float *out, *save_mean, *save_invstd, *running_mean, *running_var;
  const float *inp, *gamma, *beta, *running_mean_c, *running_var_c;
  float *d, *dgamma, *dbeta;
  const float *dout;
  float *scale, *shift;             /* kept by the forward (may be NULL), read by apply */
  size_t out_image;                 /* floats from one image's output to the next */
  CariComm *comm;                   /* synchronised statistics over its ranks; NULL: this batch's */
  double *stats;                    /* [2C + 1]: per-channel sums, then the count (synchronised) */
  int N, C, HW;
  float decay, eps;
  gboolean relu;
} BnArgs;

/* y = x·scale + shift (then ReLU when asked) over channel c of every image. */
static inline void
normalize_channel (const BnArgs *a, size_t c, float scale, float shift)
{
  const int N = a->N, C = a->C, HW = a->HW;
  for (int n = 0; n < N; n++)
    {
      const float *x = a->inp + ((size_t) n * C + c) * HW;
      float *y = a->out + (size_t) n * a->out_image + c * HW;
      if (a->relu)
        for (int i = 0; i < HW; i++)
          y[i] = MAX (affine (x[i], scale, shift), 0.0f);
      else
        for (int i = 0; i < HW; i++)
          y[i] = affine (x[i], scale, shift);
    }
}

/* Channel c normalised with the moments of its M values, kept for backward and folded into the
 * running statistics. */
static void
finish_channel (const BnArgs *a, size_t c, double mean, double var, double M)
{
  float invstd = (float) (1.0 / sqrt (var + a->eps));
  float g = a->gamma != NULL ? a->gamma[c] : 1.0f;
  float b = a->beta != NULL ? a->beta[c] : 0.0f;
  float scale = g * invstd;
  float shift = b - (float) mean * scale;

  normalize_channel (a, c, scale, shift);
  if (a->scale != NULL)
    {
      a->scale[c] = scale;
      a->shift[c] = shift;
    }
  a->save_mean[c] = (float) mean;
  a->save_invstd[c] = invstd;
  if (a->running_mean != NULL)
    a->running_mean[c] = a->decay * a->running_mean[c] + (1.0f - a->decay) * (float) mean;
  if (a->running_var != NULL)
    {
      double unbiased = M > 1 ? var * M / (M - 1) : var;
      a->running_var[c] = a->decay * a->running_var[c] + (1.0f - a->decay) * (float) unbiased;
    }
}

/* Σ (x − k) and Σ (x − k)² over channel c of every image, shifted by its first value k so that
 * the difference of squares does not cancel when the mean is large against the spread. */
static double
channel_moments (const BnArgs *a, size_t c, double *sum, double *sumsq)
{
  const int N = a->N, C = a->C, HW = a->HW;
  const float k = a->inp[c * HW];
  *sum = 0.0;
  *sumsq = 0.0;
  for (int n = 0; n < N; n++)
    {
      float s, ss;
      shifted_moments (a->inp + ((size_t) n * C + c) * HW, HW, k, &s, &ss);
      *sum += s;
      *sumsq += ss;
    }
  return k;
}

static void
forward_train_range (gpointer data, size_t c0, size_t c1)
{
  const BnArgs *a = data;
  const double M = (double) a->N * a->HW;

  for (size_t c = c0; c < c1; c++)
    {
      double sum, sumsq;
      double k = channel_moments (a, c, &sum, &sumsq);
      double mean_shifted = sum / M;
      double var = MAX (sumsq / M - mean_shifted * mean_shifted, 0.0);
      finish_channel (a, c, mean_shifted + k, var, M);
    }
}

/* Synchronised: each rank's Σ x and Σ x² (unshifted, in double) into stats, to be summed over
 * the ranks. */
static void
sync_moments_range (gpointer data, size_t c0, size_t c1)
{
  const BnArgs *a = data;
  const double M = (double) a->N * a->HW;
  for (size_t c = c0; c < c1; c++)
    {
      double sum, sumsq;
      double k = channel_moments (a, c, &sum, &sumsq);
      a->stats[2 * c] = sum + M * k;
      a->stats[2 * c + 1] = sumsq + 2.0 * k * sum + M * k * k;
    }
}

static void
sync_finish_range (gpointer data, size_t c0, size_t c1)
{
  const BnArgs *a = data;
  const double M = a->stats[2 * (size_t) a->C];
  for (size_t c = c0; c < c1; c++)
    {
      double mean = a->stats[2 * c] / M;
      double var = MAX (a->stats[2 * c + 1] / M - mean * mean, 0.0);
      finish_channel (a, c, mean, var, M);
    }
}

/* The synchronised passes of a group of several ranks: `sums` puts this rank's per-channel sums
 * in a->stats, which are summed over the group with the count of values, then `finish` (may be
 * NULL) reads them. */
static void
over_group (BnArgs *a, CariRangeFn sums, CariRangeFn finish)
{
  const size_t grain = channel_grain (a->N, a->HW), n = 2 * (size_t) a->C + 1;
  g_autofree double *stats = g_new (double, n);
  a->stats = stats;
  cari_parallel_for (a->C, grain, sums, a);
  stats[n - 1] = (double) a->N * a->HW;
  cari_comm_allreduce_sum (a->comm, stats, n, CARI_COMM_DOUBLE);
  if (finish != NULL)
    cari_parallel_for (a->C, grain, finish, a);
  a->stats = NULL;
}

/* Training's forward over channels: with a group of several ranks, in two passes around the sum
 * of every rank's moments. */
static void
forward_train (BnArgs *a)
{
  if (cari_comm_size (a->comm) > 1)
    over_group (a, sync_moments_range, sync_finish_range);
  else
    cari_parallel_for (a->C, channel_grain (a->N, a->HW), forward_train_range, a);
}

void
cari_batchnorm_forward_train (float *out, float *save_mean, float *save_invstd,
                              float *running_mean, float *running_var, const float *inp,
                              const float *gamma, const float *beta, int N, int C, int HW,
                              float decay, float eps, gboolean relu)
{
  BnArgs a = { .out = out, .save_mean = save_mean, .save_invstd = save_invstd,
               .running_mean = running_mean, .running_var = running_var, .inp = inp,
               .gamma = gamma, .beta = beta, .out_image = (size_t) C * HW, .N = N, .C = C,
               .HW = HW, .decay = decay, .eps = eps, .relu = relu };
  forward_train (&a);
}

static void
forward_infer_range (gpointer data, size_t c0, size_t c1)
{
  const BnArgs *a = data;
  for (size_t c = c0; c < c1; c++)
    {
      float g = a->gamma != NULL ? a->gamma[c] : 1.0f;
      float b = a->beta != NULL ? a->beta[c] : 0.0f;
      float scale = g / sqrtf (a->running_var_c[c] + a->eps);
      float shift = b - a->running_mean_c[c] * scale;
      normalize_channel (a, c, scale, shift);
      if (a->scale != NULL)
        {
          a->scale[c] = scale;
          a->shift[c] = shift;
        }
    }
}

void
cari_batchnorm_forward_infer (float *out, const float *inp, const float *gamma, const float *beta,
                              const float *running_mean, const float *running_var, int N, int C,
                              int HW, float eps, gboolean relu)
{
  BnArgs a = { .out = out, .inp = inp, .gamma = gamma, .beta = beta,
               .running_mean_c = running_mean, .running_var_c = running_var,
               .out_image = (size_t) C * HW, .N = N, .C = C, .HW = HW, .eps = eps, .relu = relu };
  cari_parallel_for (C, channel_grain (N, HW), forward_infer_range, &a);
}

void
cari_batchnorm_forward (const CariBatchNormState *st, float *out, size_t out_image_floats,
                        const float *inp, int N, int C, int HW, gboolean training, float decay,
                        float eps, gboolean relu)
{
  BnArgs a = { .out = out, .save_mean = st->save_mean, .save_invstd = st->save_invstd,
               .running_mean = st->running_mean, .running_var = st->running_var, .inp = inp,
               .gamma = st->gamma, .beta = st->beta, .running_mean_c = st->running_mean,
               .running_var_c = st->running_var, .scale = st->scale, .shift = st->shift,
               .out_image = out_image_floats > 0 ? out_image_floats : (size_t) C * HW, .N = N,
               .C = C, .HW = HW, .decay = decay, .eps = eps, .relu = relu, .comm = st->comm };
  g_assert ((st->scale == NULL) == (st->shift == NULL));
  if (training)
    forward_train (&a);
  else
    cari_parallel_for (C, channel_grain (N, HW), forward_infer_range, &a);
}

static void
apply_range (gpointer data, size_t c0, size_t c1)
{
  const BnArgs *a = data;
  for (size_t c = c0; c < c1; c++)
    normalize_channel (a, c, a->scale[c], a->shift[c]);
}

void
cari_batchnorm_apply (float *out, size_t out_image_floats, const float *inp, const float *scale,
                      const float *shift, int N, int C, int HW, gboolean relu)
{
  BnArgs a = { .out = out, .inp = inp, .scale = (float *) scale, .shift = (float *) shift,
               .out_image = out_image_floats > 0 ? out_image_floats : (size_t) C * HW, .N = N,
               .C = C, .HW = HW, .relu = relu };
  cari_parallel_for (C, channel_grain (N, HW), apply_range, &a);
}

/* Σ dy and Σ dy·x̂ of channel c over every image (the ReLU's mask applied to d first when
 * inplace and relu), accumulated into dbeta and dgamma. */
static void
grad_sums (const BnArgs *a, size_t c, double *sum_dy, double *sum_dy_xhat)
{
  const int N = a->N, C = a->C, HW = a->HW;
  const gboolean inplace = a->dout == NULL;
  const float mean = a->save_mean[c];
  const float invstd = a->save_invstd[c];

  *sum_dy = 0.0;
  *sum_dy_xhat = 0.0;
  for (int n = 0; n < N; n++)
    {
      const size_t off = ((size_t) n * C + c) * HW;
      float s, sx;
      if (inplace)
        grad_moments (a->d + off, a->relu, a->relu ? a->scale[c] : 0.0f,
                      a->relu ? a->shift[c] : 0.0f, a->inp + off, HW, mean, &s, &sx);
      else
        grad_moments ((float *) a->dout + off, FALSE, 0.0f, 0.0f, a->inp + off, HW, mean, &s,
                      &sx);
      *sum_dy += s;
      *sum_dy_xhat += (double) sx * invstd;
    }
  if (a->dbeta != NULL)
    a->dbeta[c] += (float) *sum_dy;
  if (a->dgamma != NULL)
    a->dgamma[c] += (float) *sum_dy_xhat;
}

/* dx = γ·invstd · (dy − mean(dy) − x̂ · mean(dy·x̂)) over channel c, the means over M values.
 * With `inplace`, d holds ∂L/∂out and receives ∂L/∂inp; otherwise d accumulates from dout. */
static void
dx_channel (const BnArgs *a, size_t c, double sum_dy, double sum_dy_xhat, double M)
{
  const int N = a->N, C = a->C, HW = a->HW;
  const gboolean inplace = a->dout == NULL;
  const float mean = a->save_mean[c];
  const float invstd = a->save_invstd[c];
  const float g = a->gamma != NULL ? a->gamma[c] : 1.0f;
  const float k = g * invstd;
  const float mean_dy = (float) (sum_dy / M);
  const float coef = (float) (sum_dy_xhat / M) * invstd;
  for (int n = 0; n < N; n++)
    {
      const size_t off = ((size_t) n * C + c) * HW;
      const float *x = a->inp + off;
      float *dx = a->d + off;
      const float *dy = inplace ? dx : a->dout + off;
      if (inplace)
        for (int i = 0; i < HW; i++)
          dx[i] = k * (dy[i] - mean_dy - (x[i] - mean) * coef);
      else
        for (int i = 0; i < HW; i++)
          dx[i] += k * (dy[i] - mean_dy - (x[i] - mean) * coef);
    }
}

static void
backward_range (gpointer data, size_t c0, size_t c1)
{
  const BnArgs *a = data;
  const double M = (double) a->N * a->HW;
  for (size_t c = c0; c < c1; c++)
    {
      double sum_dy, sum_dy_xhat;
      grad_sums (a, c, &sum_dy, &sum_dy_xhat);
      if (a->d != NULL)
        dx_channel (a, c, sum_dy, sum_dy_xhat, M);
    }
}

/* Synchronised: this rank's sums into stats (its parameter gradients take only its own share:
 * the host sums those over the ranks), then dx with the sums of every rank. */
static void
sync_grad_sums_range (gpointer data, size_t c0, size_t c1)
{
  const BnArgs *a = data;
  for (size_t c = c0; c < c1; c++)
    grad_sums (a, c, &a->stats[2 * c], &a->stats[2 * c + 1]);
}

static void
sync_dx_range (gpointer data, size_t c0, size_t c1)
{
  const BnArgs *a = data;
  const double M = a->stats[2 * (size_t) a->C];
  for (size_t c = c0; c < c1; c++)
    dx_channel (a, c, a->stats[2 * c], a->stats[2 * c + 1], M);
}

static void
backward (BnArgs *a)
{
  if (cari_comm_size (a->comm) > 1)
    over_group (a, sync_grad_sums_range, a->d != NULL ? sync_dx_range : NULL);
  else
    cari_parallel_for (a->C, channel_grain (a->N, a->HW), backward_range, a);
}

void
cari_batchnorm_backward (float *dinp, float *dgamma, float *dbeta, const float *dout,
                         const float *inp, const float *gamma, const float *save_mean,
                         const float *save_invstd, int N, int C, int HW, CariComm *comm)
{
  BnArgs a = { .d = dinp, .dgamma = dgamma, .dbeta = dbeta, .dout = dout, .inp = inp,
               .gamma = gamma, .save_mean = (float *) save_mean,
               .save_invstd = (float *) save_invstd, .N = N, .C = C, .HW = HW, .comm = comm };
  backward (&a);
}

void
cari_batchnorm_relu_backward_inplace (float *d, float *dgamma, float *dbeta, const float *inp,
                                      const float *gamma, const float *save_mean,
                                      const float *save_invstd, const float *scale,
                                      const float *shift, int N, int C, int HW,
                                      CariComm *comm)
{
  BnArgs a = { .d = d, .dgamma = dgamma, .dbeta = dbeta, .inp = inp, .gamma = gamma,
               .save_mean = (float *) save_mean, .save_invstd = (float *) save_invstd,
               .scale = (float *) scale, .shift = (float *) shift, .N = N, .C = C, .HW = HW,
               .relu = TRUE, .comm = comm };
  backward (&a);
}
