/* tensor.h — NCHW float32 tensors.
 *
 * A CariTensor is a view: a shape and a pointer into memory owned elsewhere (an arena, or the
 * caller). Rank 2 data such as dense activations use n × c with h = w = 1. Gradients live in
 * tensors of their own with the same shape, conventionally named d<thing>.
 */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

typedef struct
{
  float *data; /* borrowed */
  int    n, c, h, w;
} CariTensor;

static inline size_t
cari_tensor_size (const CariTensor *t)
{
  return (size_t) t->n * (size_t) t->c * (size_t) t->h * (size_t) t->w;
}

static inline CariTensor
cari_tensor_view (float *data, int n, int c, int h, int w)
{
  CariTensor t = { data, n, c, h, w };
  return t;
}

void   cari_tensor_zero (CariTensor *t);
void   cari_tensor_fill (CariTensor *t, float value);
void   cari_tensor_copy (CariTensor *dst, const CariTensor *src);
float  cari_tensor_sum (const CariTensor *t);
double cari_tensor_dot (const CariTensor *a, const CariTensor *b);
gboolean cari_tensor_all_finite (const CariTensor *t);
gboolean cari_tensor_same_shape (const CariTensor *a, const CariTensor *b);

/* Memory for tensors, 64-byte aligned, freed as one block. */
float *cari_alloc_floats (size_t count);
void   cari_free_floats (float *p);

G_END_DECLS
