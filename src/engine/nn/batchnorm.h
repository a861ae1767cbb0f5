/* batchnorm.h — batch normalisation over N, H, W for each channel of an NCHW tensor.
 *
 * Training normalises with the batch's mean and biased variance and folds them into running
 * statistics: running = decay · running + (1 − decay) · batch, with the unbiased variance (as
 * TensorFlow's fused kernel and PyTorch do). Inference uses the running statistics. gamma may be
 * NULL (a BN without scale, as the authors' slim network has) and then counts as 1.
 */
#pragma once

#include "core/comm.h"

#include <glib.h>

G_BEGIN_DECLS

/* A batch norm's per-channel state [C] as a conv unit keeps it. scale and shift receive the map
 * the forward applied, out = inp·scale + shift (then ReLU), so that cari_batchnorm_apply can
 * give the same output again, bit for bit, from the input alone. */
typedef struct
{
  const float *gamma, *beta;         /* NULL: 1 and 0 */
  float *running_mean, *running_var; /* updated by training */
  float *save_mean, *save_invstd;    /* the batch's, for backward (training) */
  float *scale, *shift;              /* what the last forward applied */
  /* Training with a group of several ranks: the statistics of the batch of every rank (the
   * ranks' shares of one batch), summed over the group; NULL: this batch's own. */
  CariComm *comm;
} CariBatchNormState;

/* Normalise with the batch's statistics (training) or the running ones, keeping scale and
 * shift in st. Image i's channel c goes to out + i·out_image_floats + c·HW (0: C·HW), so that
 * a branch can write into its slice of a concatenation. */
void cari_batchnorm_forward (const CariBatchNormState *st, float *out, size_t out_image_floats,
                             const float *inp, int N, int C, int HW, gboolean training,
                             float decay, float eps, gboolean relu);

/* out = inp·scale + shift (then ReLU) per channel: the forward's output again from its input. */
void cari_batchnorm_apply (float *out, size_t out_image_floats, const float *inp,
                           const float *scale, const float *shift, int N, int C, int HW,
                           gboolean relu);

/* save_mean[C], save_invstd[C] keep what backward needs; running_* are updated in place
 * (skipped when NULL). With relu, out = max(BN(inp), 0) in the same pass. */
void cari_batchnorm_forward_train (float *out, float *save_mean, float *save_invstd,
                                   float *running_mean, float *running_var, const float *inp,
                                   const float *gamma, const float *beta, int N, int C, int HW,
                                   float decay, float eps, gboolean relu);

void cari_batchnorm_forward_infer (float *out, const float *inp, const float *gamma,
                                   const float *beta, const float *running_mean,
                                   const float *running_var, int N, int C, int HW, float eps,
                                   gboolean relu);

/* Accumulates dinp, dgamma (skipped when NULL), dbeta (skipped when NULL). With a group of
 * several ranks (comm, as the forward had), dinp takes the sums of every rank's share while
 * dgamma and dbeta take this rank's alone (its part of the gradient the ranks sum). */
void cari_batchnorm_backward (float *dinp, float *dgamma, float *dbeta, const float *dout,
                              const float *inp, const float *gamma, const float *save_mean,
                              const float *save_invstd, int N, int C, int HW, CariComm *comm);

/* Backward of out = max(BN(inp), 0) in place: d holds ∂L/∂out on entry and ∂L/∂inp on exit
 * (not accumulated). The ReLU's mask is inp·scale + shift > 0 with the forward's scale and shift
 * (exactly where its output was positive), so the output need not be kept; dgamma, dbeta
 * accumulate (NULL skips). */
void cari_batchnorm_relu_backward_inplace (float *d, float *dgamma, float *dbeta,
                                           const float *inp, const float *gamma,
                                           const float *save_mean, const float *save_invstd,
                                           const float *scale, const float *shift, int N, int C,
                                           int HW, CariComm *comm);

G_END_DECLS
