/* strategy.h — the weighting strategies: the task weights w a step uses, and the gradients of
 * the weight module's own loss with respect to w.
 *
 * - proposed (the paper, Eq. 12–13): Θ minimises Σ w_i·L_i with w constant; the module Ψ
 *   minimises L4 = Σ w_i / (L_i + ε) with the L_i constant, so the hard task gets the weight;
 * - naive (Yin & Liu): one loss Σ w_i·L_i for the network and the module alike;
 * - static: the configured weights; single: 1 for one task, 0 for the others; uniform: 1/T.
 */
#pragma once

#include "core/task.h"
#include "train/config.h"

#include <glib.h>

G_BEGIN_DECLS

/* For the T present tasks (`order`: slot → task): w [T] from the module's output `module_w`
 * [T] (NULL without a module) or the configuration; dw_module [T], the gradient of the module's
 * loss with respect to w (for Ψ); and, when that loss also reaches the trunk through w(Z), the
 * same for Θ in dw_trunk [T]. Returns whether it does. */
gboolean cari_strategy_apply (const CariRunConfig *cfg, const CariTask *order, int T,
                              const float *module_w, const float *losses, float *w,
                              float *dw_module, float *dw_trunk);

G_END_DECLS
