/* image-encode.c — saving images as PNG and JPEG (with the same longjmp discipline as
 * image-decode.c: every resource in a struct its caller owns). */
#include "data/image-private.h"

#include "core/error.h"
#include "core/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>

/* ---------------------------------------------------------------------------- saving */

static guint8
to_byte (float v)
{
  if (!(v > 0.0f)) /* and NaN */
    return 0;
  if (v >= 1.0f)
    return 255;
  return (guint8) (v * 255.0f + 0.5f);
}

/* Row y of img as 8-bit interleaved RGB. */
static void
row_to_rgb8 (const CariImage *img, int y, guint8 *out)
{
  gsize plane = (gsize) img->width * img->height;
  const float *p = img->pixels + (gsize) y * img->width;
  for (int x = 0; x < img->width; x++)
    for (int c = 0; c < 3; c++)
      out[3 * x + c] = to_byte (p[c * plane + x]);
}

static gboolean
write_file (const char *path, const guint8 *data, gsize len, GError **error)
{
  FILE *f = g_fopen (path, "wb");
  int saved;
  if (f == NULL)
    {
      saved = errno;
      goto fail;
    }
  if (fwrite (data, 1, len, f) != len)
    {
      saved = errno;
      fclose (f);
      goto fail;
    }
  if (fclose (f) != 0)
    {
      saved = errno;
      goto fail;
    }
  return TRUE;

fail:
  g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write image “%s”: %s"), path,
               g_strerror (saved));
  return FALSE;
}

static void
set_encode_error (GError **error, const char *path, const char *why)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot encode image “%s”: %s"), path, why);
}

typedef struct
{
  const CariImage *img;
  /* Owned; freed by cari_image_save_png whether png_encode_run succeeds or not. */
  png_structp png;
  png_infop info;
  guint8 *row;
  GByteArray *bytes;
  CariPngMessage message;
} PngEncode;

static void
png_write_memory (png_structp png, png_bytep data, size_t n)
{
  PngEncode *e = png_get_io_ptr (png);
  g_byte_array_append (e->bytes, data, (guint) n);
}

static void
png_flush_memory (png_structp png)
{
}

static gboolean
png_encode_run (PngEncode *e)
{
  if (setjmp (png_jmpbuf (e->png)))
    return FALSE;
  png_set_write_fn (e->png, e, png_write_memory, png_flush_memory);
  png_set_IHDR (e->png, e->info, (png_uint_32) e->img->width, (png_uint_32) e->img->height, 8,
                PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                PNG_FILTER_TYPE_DEFAULT);
  png_write_info (e->png, e->info);
  for (int y = 0; y < e->img->height; y++)
    {
      row_to_rgb8 (e->img, y, e->row);
      png_write_row (e->png, e->row);
    }
  png_write_end (e->png, NULL);
  return TRUE;
}

gboolean
cari_image_save_png (const CariImage *img, const char *path, GError **error)
{
  PngEncode e = { .img = img };
  gboolean ok = FALSE;

  g_return_val_if_fail (img != NULL && path != NULL, FALSE);
  e.row = g_new (guint8, (gsize) 3 * img->width);
  e.bytes = g_byte_array_new ();
  e.png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &e.message, cari_png_on_error,
                                   cari_png_on_warning);
  if (e.png != NULL)
    e.info = png_create_info_struct (e.png);
  if (e.png == NULL || e.info == NULL)
    set_encode_error (error, path, _("out of memory"));
  else if (!png_encode_run (&e))
    set_encode_error (error, path, e.message.text);
  else
    ok = write_file (path, e.bytes->data, e.bytes->len, error);

  png_destroy_write_struct (e.png != NULL ? &e.png : NULL, e.info != NULL ? &e.info : NULL);
  g_byte_array_unref (e.bytes);
  g_free (e.row);
  return ok;
}

/* A libjpeg destination that appends to a GByteArray (jpeg_mem_dest leaks its buffer when
 * compression fails half-way). */
typedef struct
{
  struct jpeg_destination_mgr pub; /* first */
  GByteArray *bytes;
  guint8 buffer[16384];
} JpegSink;

static void
jpeg_sink_init (j_compress_ptr cinfo)
{
  JpegSink *s = (JpegSink *) cinfo->dest;
  s->pub.next_output_byte = s->buffer;
  s->pub.free_in_buffer = sizeof s->buffer;
}

static boolean
jpeg_sink_empty (j_compress_ptr cinfo)
{
  JpegSink *s = (JpegSink *) cinfo->dest;
  g_byte_array_append (s->bytes, s->buffer, sizeof s->buffer);
  jpeg_sink_init (cinfo);
  return TRUE;
}

static void
jpeg_sink_term (j_compress_ptr cinfo)
{
  JpegSink *s = (JpegSink *) cinfo->dest;
  g_byte_array_append (s->bytes, s->buffer, (guint) (sizeof s->buffer - s->pub.free_in_buffer));
}

typedef struct
{
  const CariImage *img;
  int quality;
  /* Owned; freed by cari_image_save_jpeg whether jpeg_encode_run succeeds or not. */
  struct jpeg_compress_struct cinfo;
  CariJpegErrors err;
  JpegSink sink;
  guint8 *row;
} JpegEncode;

static gboolean
jpeg_encode_run (JpegEncode *e)
{
  j_compress_ptr cinfo = &e->cinfo; /* not modified after setjmp */

  cinfo->err = &e->err.pub;
  if (setjmp (e->err.jump))
    return FALSE;
  jpeg_create_compress (cinfo);
  e->sink.pub.init_destination = jpeg_sink_init;
  e->sink.pub.empty_output_buffer = jpeg_sink_empty;
  e->sink.pub.term_destination = jpeg_sink_term;
  cinfo->dest = &e->sink.pub;
  cinfo->image_width = (JDIMENSION) e->img->width;
  cinfo->image_height = (JDIMENSION) e->img->height;
  cinfo->input_components = 3;
  cinfo->in_color_space = JCS_RGB;
  jpeg_set_defaults (cinfo);
  jpeg_set_quality (cinfo, e->quality, TRUE);
  for (int c = 0; c < cinfo->num_components; c++)
    cinfo->comp_info[c].h_samp_factor = cinfo->comp_info[c].v_samp_factor = 1; /* 4:4:4 */
  jpeg_start_compress (cinfo, TRUE);
  while (cinfo->next_scanline < cinfo->image_height)
    {
      JSAMPROW rows[1] = { e->row };
      row_to_rgb8 (e->img, (int) cinfo->next_scanline, e->row);
      jpeg_write_scanlines (cinfo, rows, 1);
    }
  jpeg_finish_compress (cinfo);
  return TRUE;
}

gboolean
cari_image_save_jpeg (const CariImage *img, const char *path, int quality, GError **error)
{
  JpegEncode e = { .img = img, .quality = quality };
  gboolean ok = FALSE;

  g_return_val_if_fail (img != NULL && path != NULL, FALSE);
  if (quality < 1 || quality > 100)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Cannot write image “%s”: JPEG quality must be between 1 and 100, not %d"),
                   path, quality);
      return FALSE;
    }
  e.row = g_new (guint8, (gsize) 3 * img->width);
  e.sink.bytes = g_byte_array_new ();
  cari_jpeg_errors_init (&e.err);
  if (!jpeg_encode_run (&e))
    set_encode_error (error, path, e.err.message);
  else
    ok = write_file (path, e.sink.bytes->data, e.sink.bytes->len, error);

  jpeg_destroy_compress (&e.cinfo);
  g_byte_array_unref (e.sink.bytes);
  g_free (e.row);
  return ok;
}

