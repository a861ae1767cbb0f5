/* strategy.c — the weighting strategies (see strategy.h). */
#include "train/strategy.h"

#include "train/losses.h"

#include <string.h>

gboolean
cari_strategy_apply (const CariRunConfig *cfg, const CariTask *order, int T,
                     const float *module_w, const float *losses, float *w, float *dw_module,
                     float *dw_trunk)
{
  gboolean to_trunk = FALSE;

  switch (cfg->strategy)
    {
    case CARI_STRATEGY_PROPOSED:
      /* Eq. 12–13: Θ minimises Σ w_i·L_i with w constant; Ψ minimises L4 with L_i constant. */
      memcpy (w, module_w, sizeof (float) * T);
      cari_l4_backward (dw_module, losses, T, cfg->epsilon);
      if (!cfg->detach)
        {
          /* The authors' code: Σ w_i·L_i also reaches the trunk through w(Z). */
          memcpy (dw_trunk, losses, sizeof (float) * T);
          to_trunk = TRUE;
        }
      break;
    case CARI_STRATEGY_NAIVE:
      /* Yin & Liu: one loss Σ w_i·L_i for everything, module included. */
      memcpy (w, module_w, sizeof (float) * T);
      memcpy (dw_module, losses, sizeof (float) * T);
      memcpy (dw_trunk, losses, sizeof (float) * T);
      to_trunk = TRUE;
      break;
    case CARI_STRATEGY_STATIC:
      for (int s = 0; s < T; s++)
        w[s] = (float) cfg->weights[s];
      break;
    case CARI_STRATEGY_SINGLE:
      for (int s = 0; s < T; s++)
        w[s] = order[s] == cfg->single_task ? 1.0f : 0.0f;
      break;
    case CARI_STRATEGY_UNIFORM:
      for (int s = 0; s < T; s++)
        w[s] = 1.0f / (float) T;
      break;
    default:
      g_assert_not_reached ();
    }
  return to_trunk;
}
