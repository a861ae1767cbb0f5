/* dropout.h — inverted dropout: kept units are scaled by 1/keep so inference is the identity. */
#pragma once

#include "core/rng.h"

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

/* mask[n] receives 0 or 1/keep; keep in (0, 1]. out may equal inp. */
void cari_dropout_forward (float *out, float *mask, const float *inp, size_t n, float keep,
                           CariRng *rng);
/* The same for rows [rows, cols] whose masks depend on the rows' identities alone: row i's from a
 * generator seeded by `seed` and row_ids[i] (first_id + i when row_ids is NULL). Ranks that each
 * hold a share of one batch, passing the same seed and each row's place in the whole batch, draw
 * the masks one process would. */
void cari_dropout_forward_rows (float *out, float *mask, const float *inp, int rows, int cols,
                                float keep, uint64_t seed, const int *row_ids, int first_id);
/* dinp += dout · mask */
void cari_dropout_backward (float *dinp, const float *dout, const float *mask, size_t n);

G_END_DECLS
