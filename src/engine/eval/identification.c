/* identification.c — rank-k, CMC and argmax accuracy. */
#include "eval/identification.h"

#include "core/error.h"
#include "core/gemm.h"
#include "core/i18n.h"

#include <float.h>

double *
cari_identification_cmc (const float *gallery, const int *gallery_ids, int n_gallery,
                         const float *probes, const int *probe_ids, int n_probes, int dim,
                         int *n_ranks, GError **error)
{
  if (n_gallery < 1 || n_probes < 1 || dim < 1)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Identification needs a gallery and probes (got %d gallery images, %d "
                     "probes)"),
                   n_gallery, n_probes);
      return NULL;
    }
  /* Dense gallery identities. */
  g_autoptr (GHashTable) slot = g_hash_table_new (NULL, NULL);
  g_autofree int *gslot = g_new (int, n_gallery);
  for (int i = 0; i < n_gallery; i++)
    {
      gpointer key = GINT_TO_POINTER (gallery_ids[i] + 1), value;
      if (!g_hash_table_lookup_extended (slot, key, NULL, &value))
        {
          value = GINT_TO_POINTER (g_hash_table_size (slot));
          g_hash_table_insert (slot, key, value);
        }
      gslot[i] = GPOINTER_TO_INT (value);
    }
  const int K = (int) g_hash_table_size (slot);

  /* Similarities [n_probes, n_gallery] in one product. */
  g_autofree float *sim = g_new (float, (size_t) n_probes * n_gallery);
  cari_sgemm (FALSE, TRUE, n_probes, n_gallery, dim, 1.0f, probes, dim, gallery, dim, 0.0f, sim,
              n_gallery);

  double *cmc = g_new0 (double, K);
  g_autofree int *hits = g_new0 (int, K); /* probes found at rank k + 1 or better */
  g_autofree float *best = g_new (float, K);
  for (int p = 0; p < n_probes; p++)
    {
      for (int k = 0; k < K; k++)
        best[k] = -FLT_MAX;
      for (int g = 0; g < n_gallery; g++)
        best[gslot[g]] = MAX (best[gslot[g]], sim[(size_t) p * n_gallery + g]);
      gpointer value;
      if (!g_hash_table_lookup_extended (slot, GINT_TO_POINTER (probe_ids[p] + 1), NULL, &value))
        continue;
      float mine = best[GPOINTER_TO_INT (value)];
      /* Rank = 1 + identities strictly more similar (ties in the probe's favour). */
      int rank = 1;
      for (int k = 0; k < K; k++)
        rank += best[k] > mine;
      for (int r = rank - 1; r < K; r++)
        hits[r]++;
    }
  for (int r = 0; r < K; r++)
    cmc[r] = (double) hits[r] / n_probes;
  *n_ranks = K;
  return cmc;
}

double
cari_argmax_accuracy (const float *scores, const int *labels, int n, int K)
{
  int right = 0, counted = 0;
  for (int i = 0; i < n; i++)
    {
      if (labels[i] < 0)
        continue;
      const float *s = scores + (size_t) i * K;
      int best = 0;
      for (int k = 1; k < K; k++)
        if (s[k] > s[best])
          best = k;
      right += best == labels[i];
      counted++;
    }
  return counted > 0 ? (double) right / counted : 0.0;
}
