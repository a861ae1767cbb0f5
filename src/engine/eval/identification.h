/* identification.h — closed-set identification by nearest gallery embedding (WebCaricature's
 * C2P and P2C protocols) and by classifier argmax (the paper's Table 2 columns).
 *
 * Rank-k accuracy is the share of probes whose identity is among the k gallery identities most
 * similar to them (cosine of L2-normalised embeddings; a gallery identity's similarity is that of
 * its most similar image). The CMC curve is rank-k accuracy for k = 1 … K. Ties are broken at
 * random, in expectation: a probe whose identity ties with t others earns, at each rank, the
 * share of the t + 1 tied places the rank covers — so a collapsed model (all embeddings equal)
 * scores exactly k / K, the chance level, not 100 %.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* cmc[K]: cmc[k − 1] = rank-k accuracy, where K is the number of distinct gallery identities
 * (returned). Probes whose identity has no gallery image count as misses. embeddings are
 * [n, dim], L2-normalised. NULL with an error when there is no gallery or no probe. */
double *cari_identification_cmc (const float *gallery, const int *gallery_ids, int n_gallery,
                                 const float *probes, const int *probe_ids, int n_probes,
                                 int dim, int *n_ranks, GError **error);

/* Share of rows whose highest score [n, K] is at their label (labels < 0 are skipped); a label
 * tied at the top with t other classes counts 1 / (t + 1). */
double  cari_argmax_accuracy (const float *scores, const int *labels, int n, int K);

G_END_DECLS
