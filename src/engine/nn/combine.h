/* combine.h — joining branches: channel concatenation and the scaled residual add of the
 * Inception-ResNet blocks. */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

/* out[N, Σc_i, HW] = concat over channels of inputs[i][N, c_i, HW]. */
void cari_concat_forward (float *out, const float *const *inputs, const int *channels,
                          int n_inputs, int N, int HW);
/* dinputs[i] += the matching channel slice of dout (a NULL entry is skipped). */
void cari_concat_backward (float *const *dinputs, const float *dout, const int *channels,
                           int n_inputs, int N, int HW);

/* out = x + scale · up; out may equal x. */
void cari_residual_forward (float *out, const float *x, const float *up, float scale, size_t n);
/* dx += dout, dup += scale · dout (either may be NULL). */
void cari_residual_backward (float *dx, float *dup, const float *dout, float scale, size_t n);

G_END_DECLS
