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
  g_autofree double *hits = g_new0 (double, K); /* credit for finding it at rank k + 1 or better */
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
      /* Identities strictly more similar, and others as similar: with ties broken at random the
       * rank is uniform over [above + 1, above + tied + 1], so rank k earns the share of those
       * places it covers (a model whose embeddings are all equal scores k / K, chance). */
      int above = 0, tied = 0;
      for (int k = 0; k < K; k++)
        {
          above += best[k] > mine;
          tied += best[k] == mine;
        }
      tied -= 1; /* not itself */
      for (int r = above; r < K; r++)
        hits[r] += MIN ((double) (r + 1 - above) / (tied + 1), 1.0);
    }
  for (int r = 0; r < K; r++)
    cmc[r] = hits[r] / n_probes;
  *n_ranks = K;
  return cmc;
}

double
cari_argmax_accuracy (const float *scores, const int *labels, int n, int K)
{
  double right = 0.0;
  int counted = 0;
  for (int i = 0; i < n; i++)
    {
      if (labels[i] < 0)
        continue;
      const float *s = scores + (size_t) i * K;
      float top = s[0];
      for (int k = 1; k < K; k++)
        top = MAX (top, s[k]);
      /* A label among several classes tied at the top earns its share, as a random pick. */
      int tied = 0;
      for (int k = 0; k < K; k++)
        tied += s[k] == top;
      if (s[labels[i]] == top)
        right += 1.0 / tied;
      counted++;
    }
  return counted > 0 ? right / counted : 0.0;
}
