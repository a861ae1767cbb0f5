/* fuzz-npy.c — the .npy reader, as floats and as integers, on arbitrary bytes. */
#include <glib.h>
#include <string.h>

#include "fuzz.h"
#include "interop/npy.h"

/* Every value read lands here, so that a short allocation shows under ASan. */
static volatile unsigned sink;

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  CariArray *a = cari_npy_parse (data, size, "fuzz.npy", &error);
  g_assert ((a == NULL) != (error == NULL));
  if (a != NULL)
    {
      size_t n = 1;
      for (int i = 0; i < a->ndim; i++)
        n *= (size_t) a->shape[i];
      g_assert (n == a->n);
      for (size_t i = 0; i < a->n; i++)
        {
          guint32 bits;
          memcpy (&bits, &a->data[i], sizeof bits);
          sink += bits;
        }
      cari_array_free (a);
    }
  g_clear_error (&error);

  int *values = NULL;
  int ndim = -1;
  gint64 shape[CARI_NPY_MAX_DIMS];
  size_t n = 0;
  gboolean ok = cari_npy_parse_ints (data, size, "fuzz.npy", &values, &ndim, shape, &n, &error);
  g_assert (ok == (error == NULL));
  g_assert (ok || values == NULL);
  if (ok)
    {
      g_assert (ndim >= 0 && ndim <= CARI_NPY_MAX_DIMS);
      for (size_t i = 0; i < n; i++)
        sink += (unsigned) values[i];
    }
  g_free (values);
  g_clear_error (&error);
  return 0;
}
