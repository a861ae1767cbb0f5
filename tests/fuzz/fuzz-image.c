/* fuzz-image.c — the PNG and JPEG decoders on arbitrary bytes. */
#include <cari.h>

#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* Small limits keep each input fast; the limit checks are part of what is fuzzed. */
  CariImageLimits limits = { 1 << 20, 1 << 20 };
  GError *error = NULL;
  CariImage *img = cari_image_decode (data, size, "fuzz", &limits, &error);
  /* Exactly one of an image and an error, and a decoded image within the limits. */
  g_assert ((img == NULL) != (error == NULL));
  if (img != NULL)
    g_assert ((gint64) img->width * img->height <= limits.max_pixels);
  if (img != NULL)
    {
      float *dst = g_new (float, 3 * 16 * 16);
      CariPreprocess p;
      cari_preprocess_init (&p, 16);
      cari_preprocess_image (img, NULL, 0, &p, NULL, dst, NULL);
      g_free (dst);
      cari_image_free (img);
    }
  g_clear_error (&error);
  return 0;
}
