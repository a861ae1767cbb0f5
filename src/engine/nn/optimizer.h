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
} CariOptimizerKind;

typedef struct
{
  CariOptimizerKind kind;
  float momentum;            /* SGD, RMSProp; in [0, 1) */
  float decay;               /* RMSProp: mean-square decay; in [0, 1) */
  float epsilon;             /* RMSProp: added inside the square root; > 0 */
  float initial_mean_square; /* RMSProp: ≥ 0 */
} CariOptimizerConfig;

typedef struct _CariOptimizer CariOptimizer;

/* The authors' settings: RMSProp decay 0.9, momentum 0.9, epsilon 1.0, ms₀ = 1; SGD momentum
 * 0.9. */
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariOptimizer, cari_optimizer_free)

G_END_DECLS
