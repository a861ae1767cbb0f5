/* fuzz-safetensors.c — the safetensors reader on arbitrary bytes. What it accepts must be whole:
 * every tensor's data readable, and written out again, read back the same. */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "interop/safetensors.h"

#include "fuzz.h"

static void
assert_same (const CariSafetensors *a, const CariSafetensors *b)
{
  g_assert_cmpuint (cari_safetensors_n_tensors (a), ==, cari_safetensors_n_tensors (b));
  for (guint i = 0; i < cari_safetensors_n_tensors (a); i++)
    {
      const CariNamedTensor *s = cari_safetensors_tensor (a, i);
      const CariNamedTensor *t = cari_safetensors_tensor (b, i);
      g_assert_cmpstr (s->name, ==, t->name);
      g_assert_cmpint (s->ndim, ==, t->ndim);
      g_assert_cmpmem (s->shape, sizeof (gint64) * (size_t) s->ndim, t->shape,
                       sizeof (gint64) * (size_t) t->ndim);
      g_assert_cmpmem (s->data, s->n * sizeof (float), t->data, t->n * sizeof (float));
    }
  g_auto (GStrv) ka = cari_safetensors_metadata_keys (a);
  g_auto (GStrv) kb = cari_safetensors_metadata_keys (b);
  g_assert_cmpstrv (ka, kb);
  for (guint i = 0; ka[i] != NULL; i++)
    g_assert_cmpstr (cari_safetensors_get_metadata (a, ka[i]), ==,
                     cari_safetensors_get_metadata (b, ka[i]));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean started;
  if (!started)
    {
      /* json-glib must not complain about what it is given: a warning is a finding. */
      g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
      started = TRUE;
    }
  /* A copy of exactly `size` bytes, so that ASan sees any read past the end. */
  guint8 *copy = g_memdup2 (data, size);
  GError *error = NULL;
  CariSafetensors *st = cari_safetensors_parse (copy, size, "fuzz.safetensors", &error);
  g_assert ((st == NULL) != (error == NULL));
  g_assert (error == NULL || error->domain == CARI_ERROR);
  if (st != NULL)
    {
      guint32 bits = 0;
      for (guint i = 0; i < cari_safetensors_n_tensors (st); i++)
        {
          const CariNamedTensor *t = cari_safetensors_tensor (st, i);
          size_t n = 1;
          g_assert (t->name[0] != '\0');
          g_assert (cari_safetensors_lookup (st, t->name) == t);
          g_assert (t->ndim >= 0 && t->ndim <= CARI_SAFETENSORS_MAX_DIMS);
          for (int d = 0; d < t->ndim; d++)
            n *= (size_t) t->shape[d];
          g_assert_cmpuint (n, ==, t->n);
          for (size_t k = 0; k < t->n; k++)
            {
              guint32 u;
              memcpy (&u, t->data + k, 4);
              bits ^= u;
            }
        }
      g_auto (GStrv) keys = cari_safetensors_metadata_keys (st);
      for (guint i = 0; keys[i] != NULL; i++)
        g_assert (g_utf8_validate (cari_safetensors_get_metadata (st, keys[i]), -1, NULL));

      size_t len;
      guint8 *again = cari_safetensors_serialize (st, &len, &error);
      g_assert_no_error (error);
      CariSafetensors *back = cari_safetensors_parse (again, len, "again.safetensors", &error);
      g_assert_no_error (error);
      assert_same (st, back);
      /* The floats of both reads xored together: each cancels its twin. */
      for (guint i = 0; i < cari_safetensors_n_tensors (back); i++)
        {
          const CariNamedTensor *t = cari_safetensors_tensor (back, i);
          for (size_t k = 0; k < t->n; k++)
            {
              guint32 u;
              memcpy (&u, t->data + k, 4);
              bits ^= u;
            }
        }
      g_assert_cmpuint (bits, ==, 0);
      cari_safetensors_free (back);
      g_free (again);
      cari_safetensors_free (st);
    }
  g_clear_error (&error);
  g_free (copy);
  return 0;
}
