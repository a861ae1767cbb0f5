/* activation.h — ReLU. */
#pragma once

#include <stddef.h>
#include <glib.h>

G_BEGIN_DECLS

/* out = max(inp, 0); out may equal inp. */
void cari_relu_forward (float *out, const float *inp, size_t n);
/* dinp += dout where out > 0. Uses the output, so an in-place forward is fine. */
void cari_relu_backward (float *dinp, const float *dout, const float *out, size_t n);

G_END_DECLS
