/* sampler.h — composes each batch of caricatures and photos from the training role only.
 *
 * Plain mode walks a shuffled list of each modality and reshuffles when it runs out (every image
 * once per pass); balanced mode draws an identity uniformly, then one of its images, so rare
 * identities are seen as often as frequent ones. Deterministic for a seed; its whole position
 * fits in a checkpoint section.
 */
#pragma once

#include "data/source.h"

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CariSampler CariSampler;

CariSampler *cari_sampler_new (const CariDataSource *src, int n_caricatures, int n_photos,
                               gboolean balanced, guint64 seed, GError **error);
void         cari_sampler_free (CariSampler *sampler);
/* indices [n_caricatures + n_photos]: the caricatures first, then the photos. */
void         cari_sampler_next (CariSampler *sampler, int *indices);
/* The position, for a checkpoint; and back. Restoring checks it fits this data set. */
GBytes      *cari_sampler_save (const CariSampler *sampler);
gboolean     cari_sampler_restore (CariSampler *sampler, GBytes *state, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariSampler, cari_sampler_free)

G_END_DECLS
