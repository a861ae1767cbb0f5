/* image.c — PNG and JPEG decoding and saving, resizing, cropping, flipping, rotating,
 * standardisation and the preprocessing pipeline.
 *
 * libpng and libjpeg report errors by longjmp. Each codec runs in a `*_run` function that calls
 * setjmp first and keeps every resource in a struct owned by its caller, so that after a longjmp
 * it only returns FALSE and the caller frees whatever was allocated: no local of the setjmp
 * frame is read after the jump, and nothing leaks. */
#include "data/image.h"

#include "core/error.h"
#include "core/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

/* More SOS markers than any real progressive JPEG has (libjpeg-turbo's fuzzers stop at 500):
 * a file made of thousands of tiny scans is a denial of service, not an image. */
#define MAX_JPEG_SCANS 1000

static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
static const guint8 jpeg_magic[3] = { 0xff, 0xd8, 0xff };

CariImage *
cari_image_new (int width, int height)
{
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  CariImage *img = g_new0 (CariImage, 1);
  img->width = width;
  img->height = height;
  img->pixels = g_new0 (float, (gsize) 3 * width * height);
  return img;
}

/* As cari_image_new, but NULL when the pixels cannot be allocated (decoded sizes come from
 * files, so running out of memory is an error to report, not a reason to abort). */
static CariImage *
image_try_new (int width, int height)
{
  float *pixels = g_try_malloc0_n ((gsize) 3 * width * height, sizeof (float));
  if (pixels == NULL)
    return NULL;
  CariImage *img = g_new0 (CariImage, 1);
  img->width = width;
  img->height = height;
  img->pixels = pixels;
  return img;
}

void
cari_image_free (CariImage *img)
{
  if (img == NULL)
    return;
  g_free (img->pixels);
  g_free (img);
}

/* ---------------------------------------------------------------------------- decoding */

/* Whether `data` starts like `magic` (all of it, or all of data when shorter). */
static gboolean
starts_like (const guint8 *data, gsize len, const guint8 *magic, gsize magic_len)
{
  return memcmp (data, magic, MIN (len, magic_len)) == 0;
}

static void
set_too_large (GError **error, const char *name, gint64 width, gint64 height, gint64 max_pixels)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("Image “%s” is too large: %lld × %lld pixels, the limit is %lld pixels"), name,
               (long long) width, (long long) height, (long long) max_pixels);
}

static void
set_no_memory (GError **error, const char *name, int width, int height)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_NO_MEMORY,
               _("Not enough memory to decode image “%s” (%d × %d pixels)"), name, width, height);
}

static void
set_truncated (GError **error, const char *name)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT, _("Image “%s” is truncated"), name);
}

static void
set_corrupt (GError **error, const char *name, const char *why)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT, _("Image “%s” is corrupt: %s"), name, why);
}

/* One pixel of `channels` 8- or 16-bit samples (gray, gray + alpha, RGB, RGBA) into img at i;
 * alpha is composited on white. */
static inline void
put_pixel (CariImage *img, gsize i, const guint8 *src, int channels, gboolean sixteen)
{
  gsize plane = (gsize) img->width * img->height;
  float v[4];
  for (int c = 0; c < channels; c++)
    {
      if (sixteen)
        {
          guint16 s;
          memcpy (&s, src + 2 * c, 2);
          v[c] = s / 65535.0f;
        }
      else
        v[c] = src[c] / 255.0f;
    }
  float r, g, b;
  switch (channels)
    {
      case 1:
        r = g = b = v[0];
        break;
      case 2:
        r = g = b = v[0] * v[1] + (1.0f - v[1]);
        break;
      case 3:
        r = v[0], g = v[1], b = v[2];
        break;
      default:
        r = v[0] * v[3] + (1.0f - v[3]);
        g = v[1] * v[3] + (1.0f - v[3]);
        b = v[2] * v[3] + (1.0f - v[3]);
        break;
    }
  img->pixels[i] = r;
  img->pixels[plane + i] = g;
  img->pixels[2 * plane + i] = b;
}

typedef struct
{
  const guint8 *data;
  gsize len, pos;
  const char *name;
  gint64 max_pixels;
  /* Owned; freed by png_decode whether png_decode_run succeeds or not. */
  png_structp png;
  png_infop info;
  guint8 *raw;
  png_bytep *rows;
  CariImage *img;
  GError *error;    /* set by png_decode_run itself (limits, memory) */
  gboolean truncated;
  char message[256]; /* libpng's last error */
} PngDecode;

static void
png_on_error (png_structp png, png_const_charp msg)
{
  PngDecode *d = png_get_error_ptr (png);
  g_strlcpy (d->message, msg, sizeof d->message);
  png_longjmp (png, 1);
}

static void
png_on_warning (png_structp png, png_const_charp msg)
{
  /* Warnings (a bad ancillary chunk, an unknown profile) do not stop decoding and are not for the
   * engine to print. */
}

static void
png_read_memory (png_structp png, png_bytep out, size_t n)
{
  PngDecode *d = png_get_io_ptr (png);
  if (n > d->len - d->pos)
    {
      d->truncated = TRUE;
      png_error (png, "unexpected end of data");
    }
  memcpy (out, d->data + d->pos, n);
  d->pos += n;
}

static gboolean
png_decode_run (PngDecode *d)
{
  if (setjmp (png_jmpbuf (d->png)))
    return FALSE;

  png_set_read_fn (d->png, d, png_read_memory);
  /* Our pixel limit decides, with its own message; libpng's default 1e6 × 1e6 would not. */
  png_set_user_limits (d->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
  png_read_info (d->png, d->info);

  /* The header's dimensions are checked before anything is allocated for the pixels. */
  png_uint_32 w = png_get_image_width (d->png, d->info);
  png_uint_32 h = png_get_image_height (d->png, d->info);
  if ((gint64) w * h > d->max_pixels)
    {
      set_too_large (&d->error, d->name, w, h, d->max_pixels);
      return FALSE;
    }

  int color_type = png_get_color_type (d->png, d->info);
  int depth = png_get_bit_depth (d->png, d->info);
  if (color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (d->png);
  if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8)
    png_set_expand_gray_1_2_4_to_8 (d->png);
  if (png_get_valid (d->png, d->info, PNG_INFO_tRNS))
    png_set_tRNS_to_alpha (d->png);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  if (depth == 16)
    png_set_swap (d->png); /* 16-bit samples in host order */
#endif
  png_set_interlace_handling (d->png);
  png_read_update_info (d->png, d->info);

  int channels = png_get_channels (d->png, d->info);
  gboolean sixteen = png_get_bit_depth (d->png, d->info) == 16;
  size_t rowbytes = png_get_rowbytes (d->png, d->info);
  g_assert (channels >= 1 && channels <= 4 && rowbytes >= (size_t) w * channels);

  d->raw = g_try_malloc_n (h, rowbytes);
  d->rows = g_try_new (png_bytep, h);
  d->img = image_try_new ((int) w, (int) h);
  if (d->raw == NULL || d->rows == NULL || d->img == NULL)
    {
      set_no_memory (&d->error, d->name, (int) w, (int) h);
      return FALSE;
    }
  for (png_uint_32 y = 0; y < h; y++)
    d->rows[y] = d->raw + (gsize) y * rowbytes;
  png_read_image (d->png, d->rows);

  for (png_uint_32 y = 0; y < h; y++)
    for (png_uint_32 x = 0; x < w; x++)
      put_pixel (d->img, (gsize) y * w + x, d->rows[y] + (gsize) x * channels * (sixteen ? 2 : 1),
                 channels, sixteen);
  return TRUE;
}

static CariImage *
png_decode (const guint8 *data, gsize len, const char *name, gint64 max_pixels, GError **error)
{
  PngDecode d = { .data = data, .len = len, .name = name, .max_pixels = max_pixels };
  CariImage *img = NULL;

  d.png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &d, png_on_error, png_on_warning);
  if (d.png != NULL)
    d.info = png_create_info_struct (d.png);
  if (d.png == NULL || d.info == NULL)
    set_no_memory (error, name, 0, 0);
  else if (png_decode_run (&d))
    img = g_steal_pointer (&d.img);
  else if (d.error != NULL)
    g_propagate_error (error, g_steal_pointer (&d.error));
  else if (d.truncated)
    set_truncated (error, name);
  else
    set_corrupt (error, name, d.message);

  png_destroy_read_struct (d.png != NULL ? &d.png : NULL, d.info != NULL ? &d.info : NULL, NULL);
  g_free (d.raw);
  g_free (d.rows);
  cari_image_free (d.img);
  return img;
}

typedef struct
{
  struct jpeg_error_mgr pub; /* first: libjpeg sees only this */
  jmp_buf jump;
  gboolean truncated;
  gboolean too_many_scans;
  char message[JMSG_LENGTH_MAX];
} JpegErrors;

static void
jpeg_on_error (j_common_ptr cinfo)
{
  JpegErrors *e = (JpegErrors *) cinfo->err;
  (*cinfo->err->format_message) (cinfo, e->message);
  longjmp (e->jump, 1);
}

static void
jpeg_on_message (j_common_ptr cinfo, int level)
{
  JpegErrors *e = (JpegErrors *) cinfo->err;
  if (level >= 0)
    return; /* trace messages */
  cinfo->err->num_warnings++;
  /* The memory source pads a short file with an end marker and only warns: the rest of the
   * image would be made up, so a truncated file is an error. Other warnings (extraneous bytes,
   * a damaged restart interval) leave a usable image, as in most decoders. */
  if (cinfo->err->msg_code == JWRN_JPEG_EOF)
    {
      e->truncated = TRUE;
      longjmp (e->jump, 1);
    }
}

static void
jpeg_on_output (j_common_ptr cinfo)
{
  /* libjpeg would print to stderr; the engine never prints. */
}

static void
jpeg_errors_init (JpegErrors *e)
{
  jpeg_std_error (&e->pub);
  e->pub.error_exit = jpeg_on_error;
  e->pub.emit_message = jpeg_on_message;
  e->pub.output_message = jpeg_on_output;
}

static void
jpeg_on_progress (j_common_ptr cinfo)
{
  if (cinfo->is_decompressor && ((j_decompress_ptr) cinfo)->input_scan_number > MAX_JPEG_SCANS)
    {
      JpegErrors *e = (JpegErrors *) cinfo->err;
      e->too_many_scans = TRUE;
      longjmp (e->jump, 1);
    }
}

typedef struct
{
  const guint8 *data;
  gsize len;
  const char *name;
  gint64 max_pixels;
  /* Owned; freed by jpeg_decode whether jpeg_decode_run succeeds or not. */
  struct jpeg_decompress_struct cinfo;
  JpegErrors err;
  struct jpeg_progress_mgr progress;
  guint8 *row;
  CariImage *img;
  GError *error;
} JpegDecode;

static gboolean
jpeg_decode_run (JpegDecode *d)
{
  j_decompress_ptr cinfo = &d->cinfo; /* not modified after setjmp */

  cinfo->err = &d->err.pub;
  if (setjmp (d->err.jump))
    return FALSE;

  jpeg_create_decompress (cinfo);
  d->progress.progress_monitor = jpeg_on_progress;
  cinfo->progress = &d->progress;
  jpeg_mem_src (cinfo, d->data, d->len);
  jpeg_read_header (cinfo, TRUE);

  /* The header's dimensions are checked before anything is allocated for the pixels. */
  if ((gint64) cinfo->image_width * cinfo->image_height > d->max_pixels)
    {
      set_too_large (&d->error, d->name, cinfo->image_width, cinfo->image_height, d->max_pixels);
      return FALSE;
    }
  switch (cinfo->jpeg_color_space)
    {
      case JCS_GRAYSCALE:
        cinfo->out_color_space = JCS_GRAYSCALE;
        break;
      case JCS_CMYK:
      case JCS_YCCK:
        cinfo->out_color_space = JCS_CMYK;
        break;
      default:
        cinfo->out_color_space = JCS_RGB;
        break;
    }
  jpeg_start_decompress (cinfo);

  int w = (int) cinfo->output_width, h = (int) cinfo->output_height;
  int channels = cinfo->output_components;
  g_assert (channels == 1 || channels == 3 || channels == 4);
  d->row = g_try_malloc_n (w, channels);
  d->img = image_try_new (w, h);
  if (d->row == NULL || d->img == NULL)
    {
      set_no_memory (&d->error, d->name, w, h);
      return FALSE;
    }
  gsize plane = (gsize) w * h;
  /* Adobe's CMYK JPEGs (the only common kind) store inverted inks. */
  gboolean inverted = cinfo->saw_Adobe_marker;
  while (cinfo->output_scanline < cinfo->output_height)
    {
      gsize y = cinfo->output_scanline;
      JSAMPROW rows[1] = { d->row };
      jpeg_read_scanlines (cinfo, rows, 1);
      for (int x = 0; x < w; x++)
        {
          const guint8 *s = d->row + (gsize) x * channels;
          gsize i = y * w + x;
          if (channels != 4)
            {
              put_pixel (d->img, i, s, channels, FALSE);
              continue;
            }
          float k = inverted ? s[3] / 255.0f : 1.0f - s[3] / 255.0f;
          for (int c = 0; c < 3; c++)
            {
              float ink = inverted ? s[c] / 255.0f : 1.0f - s[c] / 255.0f;
              d->img->pixels[c * plane + i] = ink * k;
            }
        }
    }
  if (cinfo->err->num_warnings > 0)
    g_debug ("%s: %ld JPEG warnings (damaged data, decoded anyway)", d->name,
             cinfo->err->num_warnings);
  /* The end marker is not read (jpeg_finish_decompress): the pixels are all there. */
  return TRUE;
}

static CariImage *
jpeg_decode (const guint8 *data, gsize len, const char *name, gint64 max_pixels, GError **error)
{
  JpegDecode d = { .data = data, .len = len, .name = name, .max_pixels = max_pixels };
  CariImage *img = NULL;

  jpeg_errors_init (&d.err);
  if (jpeg_decode_run (&d))
    img = g_steal_pointer (&d.img);
  else if (d.error != NULL)
    g_propagate_error (error, g_steal_pointer (&d.error));
  else if (d.err.truncated)
    set_truncated (error, name);
  else if (d.err.too_many_scans)
    g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                 _("Image “%s” is corrupt: more than %d progressive scans"), name, MAX_JPEG_SCANS);
  else
    set_corrupt (error, name, d.err.message);

  jpeg_destroy_decompress (&d.cinfo); /* safe on a struct jpeg_create_decompress never set up */
  g_free (d.row);
  cari_image_free (d.img);
  return img;
}

static void
resolve_limits (const CariImageLimits *limits, gsize *max_bytes, gint64 *max_pixels)
{
  *max_bytes = limits != NULL && limits->max_bytes > 0 ? limits->max_bytes
                                                        : CARI_IMAGE_DEFAULT_MAX_BYTES;
  *max_pixels = limits != NULL && limits->max_pixels > 0 ? limits->max_pixels
                                                          : CARI_IMAGE_DEFAULT_MAX_PIXELS;
}

static void
set_file_too_large (GError **error, const char *name, guint64 size, gsize max_bytes)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("Image file “%s” is too large: %llu bytes, the limit is %llu bytes"), name,
               (unsigned long long) size, (unsigned long long) max_bytes);
}

CariImage *
cari_image_decode (const guint8 *data, gsize len, const char *name, const CariImageLimits *limits,
                   GError **error)
{
  gsize max_bytes;
  gint64 max_pixels;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  resolve_limits (limits, &max_bytes, &max_pixels);

  if (len == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT, _("Image “%s” is empty"), name);
      return NULL;
    }
  if (len > max_bytes)
    {
      set_file_too_large (error, name, len, max_bytes);
      return NULL;
    }
  if (starts_like (data, len, png_magic, sizeof png_magic))
    {
      if (len <= sizeof png_magic)
        {
          set_truncated (error, name);
          return NULL;
        }
      return png_decode (data, len, name, max_pixels, error);
    }
  if (starts_like (data, len, jpeg_magic, sizeof jpeg_magic))
    {
      if (len <= sizeof jpeg_magic)
        {
          set_truncated (error, name);
          return NULL;
        }
      return jpeg_decode (data, len, name, max_pixels, error);
    }
  g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT, _("“%s” is not a PNG or JPEG image"), name);
  return NULL;
}

CariImage *
cari_image_load (const char *path, const CariImageLimits *limits, GError **error)
{
  gsize max_bytes;
  gint64 max_pixels;
  struct stat st;
  g_autofree guint8 *data = NULL;
  gsize size, got = 0;
  int saved;

  g_return_val_if_fail (path != NULL, NULL);
  resolve_limits (limits, &max_bytes, &max_pixels);

  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    goto io_error;
  if (fstat (fd, &st) < 0)
    goto io_error;
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot read image “%s”: %s"), path,
                   _("not a regular file"));
      return NULL;
    }
  if ((guint64) st.st_size > max_bytes)
    {
      close (fd);
      set_file_too_large (error, path, (guint64) st.st_size, max_bytes);
      return NULL;
    }

  size = (gsize) st.st_size;
  data = g_try_malloc (MAX (size, 1));
  if (data == NULL)
    {
      close (fd);
      g_set_error (error, CARI_ERROR, CARI_ERROR_NO_MEMORY,
                   _("Not enough memory to read image “%s” (%llu bytes)"), path,
                   (unsigned long long) size);
      return NULL;
    }
  while (got < size)
    {
      ssize_t r = read (fd, data + got, size - got);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        goto io_error;
      if (r == 0)
        break; /* shrank since fstat: decode what is there */
      got += (gsize) r;
    }
  close (fd);
  return cari_image_decode (data, got, path, limits, error);

io_error:
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot read image “%s”: %s"), path,
               g_strerror (saved));
  return NULL;
}

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
  char message[256];
} PngEncode;

static void
png_encode_on_error (png_structp png, png_const_charp msg)
{
  PngEncode *e = png_get_error_ptr (png);
  g_strlcpy (e->message, msg, sizeof e->message);
  png_longjmp (png, 1);
}

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
  e.png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &e, png_encode_on_error, png_on_warning);
  if (e.png != NULL)
    e.info = png_create_info_struct (e.png);
  if (e.png == NULL || e.info == NULL)
    set_encode_error (error, path, _("out of memory"));
  else if (!png_encode_run (&e))
    set_encode_error (error, path, e.message);
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
  JpegErrors err;
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
  jpeg_errors_init (&e.err);
  if (!jpeg_encode_run (&e))
    set_encode_error (error, path, e.err.message);
  else
    ok = write_file (path, e.sink.bytes->data, e.sink.bytes->len, error);

  jpeg_destroy_compress (&e.cinfo);
  g_byte_array_unref (e.sink.bytes);
  g_free (e.row);
  return ok;
}

/* ---------------------------------------------------------------------------- geometry */

/* A 1-D resampling: output o = Σ weight[k] · in[index[k]] for k in [start[o], start[o + 1]). */
typedef struct
{
  int *start;
  int *index;
  float *weight;
} Taps;

static void
taps_clear (Taps *t)
{
  g_free (t->start);
  g_free (t->index);
  g_free (t->weight);
}

/* Taps from n_in source samples to n_out. */
static void
taps_init (Taps *t, int n_in, int n_out, CariResizeMode mode)
{
  double scale = (double) n_in / n_out;
  int per_out = mode == CARI_RESIZE_BILINEAR ? 2 : (int) ceil (scale) + 2;
  int k = 0;

  t->start = g_new (int, n_out + 1);
  t->index = g_new (int, (gsize) n_out * per_out);
  t->weight = g_new (float, (gsize) n_out * per_out);
  for (int o = 0; o < n_out; o++)
    {
      t->start[o] = k;
      if (mode == CARI_RESIZE_BILINEAR)
        {
          /* Half-pixel centres: output centre o + ½ sits at source (o + ½)·scale − ½. */
          double s = MAX ((o + 0.5) * scale - 0.5, 0.0);
          int i0 = MIN ((int) s, n_in - 1);
          int i1 = MIN (i0 + 1, n_in - 1);
          double f = i0 == n_in - 1 ? 0.0 : s - i0;
          t->index[k] = i0;
          t->weight[k++] = (float) (1.0 - f);
          t->index[k] = i1;
          t->weight[k++] = (float) f;
        }
      else
        {
          /* The output pixel covers [lo, hi) of the source; each source pixel weighs its
           * overlap. Normalised so that a constant stays constant. */
          double lo = o * scale, hi = (o + 1) * scale, sum = 0;
          int first = k;
          for (int i = (int) floor (lo); i < n_in && i < hi; i++)
            {
              double overlap = MIN (hi, i + 1.0) - MAX (lo, (double) i);
              if (overlap <= 0)
                continue;
              g_assert (k - first < per_out);
              t->index[k] = i;
              t->weight[k++] = (float) overlap;
              sum += overlap;
            }
          for (int j = first; j < k; j++)
            t->weight[j] = (float) (t->weight[j] / sum);
        }
    }
  t->start[n_out] = k;
}

/* The region box = { x, y, w, h } (inside img) resampled to width × height. */
static CariImage *
resize_box (const CariImage *img, const int box[4], int width, int height, CariResizeMode mode)
{
  Taps tx, ty;
  taps_init (&tx, box[2], width, mode);
  taps_init (&ty, box[3], height, mode);
  CariImage *out = cari_image_new (width, height);
  gsize in_plane = (gsize) img->width * img->height, out_plane = (gsize) width * height;
  g_autofree float *tmp = g_new (float, (gsize) box[3] * width); /* one channel, rows resampled */

  for (int c = 0; c < 3; c++)
    {
      for (int y = 0; y < box[3]; y++)
        {
          const float *src
            = img->pixels + c * in_plane + (gsize) (box[1] + y) * img->width + box[0];
          float *dst = tmp + (gsize) y * width;
          for (int x = 0; x < width; x++)
            {
              float v = 0;
              for (int k = tx.start[x]; k < tx.start[x + 1]; k++)
                v += tx.weight[k] * src[tx.index[k]];
              dst[x] = v;
            }
        }
      for (int y = 0; y < height; y++)
        {
          float *dst = out->pixels + c * out_plane + (gsize) y * width;
          for (int k = ty.start[y]; k < ty.start[y + 1]; k++)
            {
              const float *src = tmp + (gsize) ty.index[k] * width;
              float w = ty.weight[k];
              for (int x = 0; x < width; x++)
                dst[x] += w * src[x];
            }
        }
    }
  taps_clear (&tx);
  taps_clear (&ty);
  return out;
}

CariImage *
cari_image_resize (const CariImage *img, int width, int height, CariResizeMode mode)
{
  g_return_val_if_fail (img != NULL && width > 0 && height > 0, NULL);
  int box[4] = { 0, 0, img->width, img->height };
  return resize_box (img, box, width, height, mode);
}

CariImage *
cari_image_crop (const CariImage *img, int x, int y, int width, int height)
{
  g_return_val_if_fail (img != NULL && width > 0 && height > 0, NULL);
  CariImage *out = cari_image_new (width, height);
  gsize in_plane = (gsize) img->width * img->height, out_plane = (gsize) width * height;
  /* The overlap of [x, x + width) × [y, y + height) with the image, in 64 bits: x + width may
   * not fit an int. */
  gint64 x0 = MAX (x, 0), x1 = MIN ((gint64) x + width, img->width);
  gint64 y0 = MAX (y, 0), y1 = MIN ((gint64) y + height, img->height);
  if (x0 >= x1 || y0 >= y1)
    return out;
  for (int c = 0; c < 3; c++)
    for (gint64 sy = y0; sy < y1; sy++)
      memcpy (out->pixels + c * out_plane + (sy - y) * width + (x0 - x),
              img->pixels + c * in_plane + sy * img->width + x0,
              (gsize) (x1 - x0) * sizeof (float));
  return out;
}

void
cari_image_flip_horizontal (CariImage *img)
{
  g_return_if_fail (img != NULL);
  for (gsize r = 0; r < (gsize) 3 * img->height; r++)
    {
      float *row = img->pixels + r * img->width;
      for (int a = 0, b = img->width - 1; a < b; a++, b--)
        {
          float t = row[a];
          row[a] = row[b];
          row[b] = t;
        }
    }
}

CariImage *
cari_image_rotate (const CariImage *img, float degrees)
{
  g_return_val_if_fail (img != NULL, NULL);
  int W = img->width, H = img->height;
  CariImage *out = cari_image_new (W, H);
  gsize plane = (gsize) W * H;
  double rad = degrees * G_PI / 180.0, cs = cos (rad), sn = sin (rad);
  double cx = (W - 1) / 2.0, cy = (H - 1) / 2.0;

  /* Each output pixel samples the source at its position rotated back (y points down, so a
   * counter-clockwise turn on screen maps source offset (dx, dy) to (dx·cos + dy·sin,
   * −dx·sin + dy·cos)). */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        double dx = x - cx, dy = y - cy;
        double sx = cx + dx * cs - dy * sn, sy = cy + dx * sn + dy * cs;
        double fx0 = floor (sx), fy0 = floor (sy);
        if (fx0 < -1 || fx0 > W - 1 || fy0 < -1 || fy0 > H - 1)
          continue; /* all four neighbours outside */
        int x0 = (int) fx0, y0 = (int) fy0;
        float fx = (float) (sx - fx0), fy = (float) (sy - fy0);
        float wts[4] = { (1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy };
        int xs[4] = { x0, x0 + 1, x0, x0 + 1 }, ys[4] = { y0, y0, y0 + 1, y0 + 1 };
        for (int k = 0; k < 4; k++)
          {
            if (xs[k] < 0 || xs[k] >= W || ys[k] < 0 || ys[k] >= H || wts[k] == 0.0f)
              continue;
            gsize i = (gsize) ys[k] * W + xs[k];
            for (int c = 0; c < 3; c++)
              out->pixels[c * plane + (gsize) y * W + x] += wts[k] * img->pixels[c * plane + i];
          }
      }
  return out;
}

/* ---------------------------------------------------------------------------- preprocessing */

void
cari_image_standardize (const CariImage *img, float *dst)
{
  gsize n = (gsize) 3 * img->width * img->height;
  const float *x = img->pixels;
  double sum = 0, sumsq = 0;
  for (gsize i = 0; i < n; i++)
    sum += x[i];
  double mean = sum / n;
  for (gsize i = 0; i < n; i++)
    sumsq += (x[i] - mean) * (x[i] - mean);
  double sd = MAX (sqrt (sumsq / n), 1.0 / sqrt ((double) n));
  for (gsize i = 0; i < n; i++)
    dst[i] = (float) ((x[i] - mean) / sd);
}

gboolean
cari_landmark_crop_box (const float *xy, int n_points, int img_width, int img_height, int box[4])
{
  if (xy == NULL || n_points < 2)
    return FALSE;
  double x_min = INFINITY, x_max = -INFINITY, y_min = INFINITY, y_max = -INFINITY;
  for (int i = 0; i < n_points; i++)
    {
      double x = xy[2 * i], y = xy[2 * i + 1];
      if (!isfinite (x) || !isfinite (y))
        return FALSE;
      x_min = MIN (x_min, x), x_max = MAX (x_max, x);
      y_min = MIN (y_min, y), y_max = MAX (y_max, y);
    }
  double cx = (x_min + x_max) / 2, cy = (y_min + y_max) / 2;
  double half_w = (x_max - x_min) * 1.5 / 2, half_h = (y_max - y_min) * 1.2 / 2;
  double x0 = MAX (round (cx - half_w), 0.0), x1 = MIN (round (cx + half_w), (double) img_width);
  double y0 = MAX (round (cy - half_h), 0.0), y1 = MIN (round (cy + half_h), (double) img_height);
  if (!(x1 > x0 && y1 > y0))
    return FALSE;
  box[0] = (int) x0;
  box[1] = (int) y0;
  box[2] = (int) (x1 - x0);
  box[3] = (int) (y1 - y0);
  return TRUE;
}

void
cari_preprocess_init (CariPreprocess *p, int size)
{
  memset (p, 0, sizeof *p);
  p->size = size;
  p->standardize = TRUE;
  for (int c = 0; c < 3; c++)
    {
      p->mean[c] = 0.5f;
      p->std[c] = 0.5f;
    }
}

/* Sides beyond this are a mistake, and keep size + random_crop and the buffers far from
 * overflowing. */
#define MAX_PREPROCESS_SIDE 16384

static gboolean
preprocess_check (const CariPreprocess *p, CariRng *rng, GError **error)
{
  if (p->size < 1 || p->size > MAX_PREPROCESS_SIDE)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Preprocessing size must be between 1 and %d, not %d"), MAX_PREPROCESS_SIDE,
                   p->size);
      return FALSE;
    }
  if (p->random_crop < 0 || p->random_crop > MAX_PREPROCESS_SIDE)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Preprocessing random crop must be between 0 and %d, not %d"),
                   MAX_PREPROCESS_SIDE, p->random_crop);
      return FALSE;
    }
  if (!(p->rotate_degrees >= 0.0f && p->rotate_degrees <= 180.0f))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Preprocessing rotation must be between 0 and 180 degrees, not %g"),
                   (double) p->rotate_degrees);
      return FALSE;
    }
  for (int c = 0; c < 3 && !p->standardize; c++)
    if (!(p->std[c] > 0.0f && isfinite (p->std[c]) && isfinite (p->mean[c])))
      {
        g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("Preprocessing mean and standard deviation of channel %d must be finite "
                       "and the deviation positive, not %g and %g"),
                     c, (double) p->mean[c], (double) p->std[c]);
        return FALSE;
      }
  if ((p->flip || p->random_crop > 0 || p->rotate_degrees > 0.0f) && rng == NULL)
    {
      g_set_error_literal (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                           _("Preprocessing with augmentation needs a random generator"));
      return FALSE;
    }
  return TRUE;
}

gboolean
cari_preprocess_image (const CariImage *img, const float *landmarks, int n_landmarks,
                       const CariPreprocess *p, CariRng *rng, float *dst, GError **error)
{
  g_return_val_if_fail (img != NULL && p != NULL && dst != NULL, FALSE);
  if (!preprocess_check (p, rng, error))
    return FALSE;

  int box[4] = { 0, 0, img->width, img->height };
  if (p->landmark_crop && landmarks != NULL
      && !cari_landmark_crop_box (landmarks, n_landmarks, img->width, img->height, box))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The %d landmarks do not give a face box inside the %d × %d image"),
                   n_landmarks, img->width, img->height);
      return FALSE;
    }

  /* The augmentations draw from rng in a fixed order, each only when it is on. */
  int side = p->size + p->random_crop;
  g_autoptr (CariImage) work = resize_box (img, box, side, side, CARI_RESIZE_BILINEAR);
  if (p->rotate_degrees > 0.0f)
    {
      float angle = (2.0f * cari_rng_uniform (rng) - 1.0f) * p->rotate_degrees;
      CariImage *rotated = cari_image_rotate (work, angle);
      cari_image_free (work);
      work = rotated;
    }
  if (p->random_crop > 0)
    {
      int ox = (int) cari_rng_below (rng, (uint32_t) p->random_crop + 1);
      int oy = (int) cari_rng_below (rng, (uint32_t) p->random_crop + 1);
      CariImage *cropped = cari_image_crop (work, ox, oy, p->size, p->size);
      cari_image_free (work);
      work = cropped;
    }
  if (p->flip && cari_rng_uniform (rng) < 0.5f)
    cari_image_flip_horizontal (work);

  if (p->standardize)
    cari_image_standardize (work, dst);
  else
    {
      gsize plane = (gsize) p->size * p->size;
      for (int c = 0; c < 3; c++)
        for (gsize i = 0; i < plane; i++)
          dst[c * plane + i] = (work->pixels[c * plane + i] - p->mean[c]) / p->std[c];
    }
  return TRUE;
}
