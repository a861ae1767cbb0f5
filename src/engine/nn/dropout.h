/* dropout.h — inverted dropout: kept units are scaled by 1/keep so inference is the identity. */
#pragma once

#include "core/rng.h"

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

/* mask[n] receives 0 or 1/keep; keep in (0, 1]. out may equal inp. */
void cari_dropout_forward (float *out, float *mask, const float *inp, size_t n, float keep,
                           CariRng *rng);
/* dinp += dout · mask */
void cari_dropout_backward (float *dinp, const float *dout, const float *mask, size_t n);

G_END_DECLS
