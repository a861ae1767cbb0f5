/* losses.h — the center loss (Wen et al.) and the paper's L4.
 *
 * Center loss over the rows with a label ≥ 0:  L_c = ½ · mean_i ‖e_i − c_{y_i}‖²
 * (the paper's Eq. 5 writes an unsquared norm; the authors' code and Wen et al. use the square).
 * After each step every center moves towards its rows:
 *   c_j ← c_j − α · Σ_{i: y_i = j} (c_j − e_i) / (1 + n_j)
 *
 * L4 = Σ_i w_i / (L_i + ε), minimised over the module alone with the L_i held constant, so
 * ∂L4/∂w_i = 1 / (L_i + ε): the larger a task's loss, the smaller that derivative and the more
 * weight the module moves to it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

double cari_center_loss_forward (const float *emb, const int *labels, const float *centers,
                                 int N, int E);
/* demb += dloss · (e_i − c_{y_i}) / count */
void   cari_center_loss_backward (float *demb, const float *emb, const int *labels,
                                  const float *centers, int N, int E, float dloss);
void   cari_center_update (float *centers, const float *emb, const int *labels, int N, int E,
                           int K, float rate);

double cari_l4_forward (const float *w, const float *losses, int T, double epsilon);
/* dw_i = 1 / (L_i + ε) */
void   cari_l4_backward (float *dw, const float *losses, int T, double epsilon);

G_END_DECLS
