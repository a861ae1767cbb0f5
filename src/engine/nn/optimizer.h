/* optimizer.h — optimisers behind one interface, their state in one float block.
 *
 * An optimiser updates one contiguous parameter block from the matching gradient block. Several
 * parameter groups (e.g. the weight module with its own learning rate) use several optimisers.
 * The state (momentum, mean squares) is a single float array so a checkpoint saves it as is.
 *
 * RMSProp follows the authors' framework (TensorFlow 1.x):
 *   ms  ← decay·ms + (1 − decay)·g²
 *   mom ← momentum·mom + lr·g / sqrt(ms + epsilon)
 *   θ   ← θ − mom
 * with ms starting at `initial_mean_square` (1 in TensorFlow 1.x). SGD with momentum:
 *   v ← momentum·v + g ;  θ ← θ − lr·v
 * Adam (Kingma & Ba), with the bias correction folded into the step size:
 *   m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g² ;
 *   θ ← θ − lr·sqrt(1 − β2ᵗ)/(1 − β1ᵗ) · m / (sqrt(v) + epsilon)
 * Weight decay adds weight_decay·θ to every gradient first (an L2 penalty ½·wd·‖θ‖²).
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef enum
{
  CARI_OPTIMIZER_SGD,
  CARI_OPTIMIZER_RMSPROP,
  CARI_OPTIMIZER_ADAM,
  CARI_N_OPTIMIZERS,
} CariOptimizerKind;

/* "sgd", "rmsprop", "adam", in the order of CariOptimizerKind. */
extern const char *const cari_optimizer_names[CARI_N_OPTIMIZERS];

typedef struct
{
  CariOptimizerKind kind;
  float momentum;            /* SGD, RMSProp; in [0, 1) */
  float decay;               /* RMSProp: mean-square decay; in [0, 1) */
  float epsilon;             /* RMSProp: added inside the square root; > 0 */
  float initial_mean_square; /* RMSProp: ≥ 0 */
  float beta1, beta2;        /* Adam; in [0, 1) */
  float weight_decay;        /* all: L2 coefficient, ≥ 0 */
} CariOptimizerConfig;

typedef struct _CariOptimizer CariOptimizer;

/* The authors' settings: RMSProp decay 0.9, momentum 0.9, epsilon 1.0, ms₀ = 1; SGD momentum
 * 0.9; Adam β1 0.9, β2 0.999, epsilon 1e-8; no weight decay. */
void           cari_optimizer_config_init (CariOptimizerConfig *cfg, CariOptimizerKind kind);
const char    *cari_optimizer_kind_to_string (CariOptimizerKind kind);
gboolean       cari_optimizer_kind_from_string (const char *name, CariOptimizerKind *kind,
                                                GError **error);

CariOptimizer *cari_optimizer_new (const CariOptimizerConfig *cfg, size_t n_params,
                                   GError **error);
void           cari_optimizer_free (CariOptimizer *opt);

/* One update of params[n_params] from grads[n_params]. */
void           cari_optimizer_step (CariOptimizer *opt, float *params, const float *grads,
                                    float lr);
/* Return the state to its value at creation (zero momentum, initial mean squares). */
void           cari_optimizer_reset (CariOptimizer *opt);

const CariOptimizerConfig *cari_optimizer_get_config (const CariOptimizer *opt);
size_t         cari_optimizer_get_n_params (const CariOptimizer *opt);
uint64_t       cari_optimizer_get_step_count (const CariOptimizer *opt);
void           cari_optimizer_set_step_count (CariOptimizer *opt, uint64_t steps);
/* The state block (for checkpoints): *n_floats receives its length. */
float         *cari_optimizer_get_state (CariOptimizer *opt, size_t *n_floats);

/* Scale the gradient blocks together so that their global L2 norm is at most max_norm
 * (TensorFlow's clip_by_global_norm); returns the norm before clipping. max_norm ≤ 0 only
 * measures. */
double         cari_clip_global_norm (float *const *grads, const size_t *sizes, int n_blocks,
                                      double max_norm);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariOptimizer, cari_optimizer_free)

G_END_DECLS
