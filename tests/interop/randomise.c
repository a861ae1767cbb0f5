/* randomise.c — what the interop dump tools share (randomise.h). */
#include "randomise.h"

#include "core/rng.h"

#include <glib.h>

static float
uniform (CariRng *rng, float lo, float hi)
{
  return lo + (hi - lo) * cari_rng_uniform (rng);
}

void
interop_randomise_statistics (CariNet *net, uint64_t seed)
{
  CariRng rng;
  size_t n;
  const CariParamInfo *infos = cari_net_param_infos (net, &n);

  cari_rng_seed (&rng, seed ^ 0xb1a5b1a5ULL);
  for (size_t i = 0; i < n; i++)
    {
      const CariParamInfo *p = &infos[i];
      float lo, hi;
      if (g_str_has_suffix (p->name, "/running_var"))
        lo = 0.5f, hi = 1.5f;
      else if (g_str_has_suffix (p->name, "/running_mean") || g_str_has_suffix (p->name, "/beta")
               || g_str_has_suffix (p->name, "/bias"))
        lo = -0.2f, hi = 0.2f;
      else
        continue;
      for (size_t k = 0; k < p->size; k++)
        p->param[k] = uniform (&rng, lo, hi);
    }
}
