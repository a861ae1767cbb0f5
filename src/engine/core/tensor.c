/* tensor.c — small whole-tensor helpers. */
#include "core/tensor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
cari_tensor_zero (CariTensor *t)
{
  memset (t->data, 0, cari_tensor_size (t) * sizeof (float));
}

void
cari_tensor_fill (CariTensor *t, float value)
{
  size_t n = cari_tensor_size (t);
  for (size_t i = 0; i < n; i++)
    t->data[i] = value;
}

void
cari_tensor_copy (CariTensor *dst, const CariTensor *src)
{
  g_assert (cari_tensor_size (dst) == cari_tensor_size (src));
  memmove (dst->data, src->data, cari_tensor_size (src) * sizeof (float));
}

float
cari_tensor_sum (const CariTensor *t)
{
  size_t n = cari_tensor_size (t);
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += t->data[i];
  return (float) s;
}

double
cari_tensor_dot (const CariTensor *a, const CariTensor *b)
{
  size_t n = cari_tensor_size (a);
  double s = 0.0;
  g_assert (n == cari_tensor_size (b));
  for (size_t i = 0; i < n; i++)
    s += (double) a->data[i] * (double) b->data[i];
  return s;
}

gboolean
cari_tensor_all_finite (const CariTensor *t)
{
  size_t n = cari_tensor_size (t);
  for (size_t i = 0; i < n; i++)
    if (!isfinite (t->data[i]))
      return FALSE;
  return TRUE;
}

gboolean
cari_tensor_same_shape (const CariTensor *a, const CariTensor *b)
{
  return a->n == b->n && a->c == b->c && a->h == b->h && a->w == b->w;
}

float *
cari_alloc_floats (size_t count)
{
  size_t bytes = count * sizeof (float);
  void *p = NULL;
  if (count == 0)
    bytes = 64;
  bytes = (bytes + 63) & ~(size_t) 63;
  p = aligned_alloc (64, bytes);
  if (p != NULL)
    memset (p, 0, bytes);
  return p;
}

void
cari_free_floats (float *p)
{
  free (p);
}
