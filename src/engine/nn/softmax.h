/* softmax.h — softmax, softmax cross-entropy with optional masking, and L2 normalisation. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* probs[N, K] = softmax of each row of logits (max-subtracted, so large logits are safe). */
void cari_softmax_forward (float *probs, const float *logits, int N, int K);

/* Mean cross-entropy over the rows whose label is ≥ 0 (a label of −1 masks the row out, e.g. a
 * photo in the caricature branch). Fills probs[N, K]; writes the number of counted rows to
 * *n_counted (may be NULL). Returns 0 when no row counts. */
double cari_softmax_cross_entropy_forward (float *probs, const float *logits, const int *labels,
                                           int N, int K, int *n_counted);
/* The weight of each counted row (label ≥ 0) in the gradient of a mean over those rows:
 * dloss / n_counted, 0 when no row counts. */
float  cari_masked_mean_scale (const int *labels, int N, float dloss);
/* dlogits += dloss · (probs − onehot(label)) / n_counted for counted rows. */
void   cari_softmax_cross_entropy_backward (float *dlogits, const float *probs,
                                            const int *labels, int N, int K, float dloss);

/* out[N, D] = inp / sqrt(max(‖inp‖², eps)) row by row; norms[N] keeps the divisor. */
void cari_l2norm_forward (float *out, float *norms, const float *inp, int N, int D, float eps);
/* dinp += (dout − out·(out·dout)) / norm; where the norm was clamped at sqrt(eps) the map is
 * linear and dinp += dout / norm. */
void cari_l2norm_backward (float *dinp, const float *dout, const float *out, const float *norms,
                           int N, int D, float eps);

G_END_DECLS
