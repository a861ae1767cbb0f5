/* image-decode.c — PNG and JPEG decoding, by content, within limits.
 *
 * libpng and libjpeg report errors by longjmp. Each codec runs in a `*_run` function that calls
 * setjmp first and keeps every resource in a struct owned by its caller, so that after a longjmp
 * it only returns FALSE and the caller frees whatever was allocated: no local of the setjmp
 * frame is read after the jump, and nothing leaks. */
#include "data/image-private.h"

#include "core/error.h"
#include "core/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* More SOS markers than any real progressive JPEG has (libjpeg-turbo's fuzzers stop at 500):
 * a file made of thousands of tiny scans is a denial of service, not an image. */
#define MAX_JPEG_SCANS 1000

static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
static const guint8 jpeg_magic[3] = { 0xff, 0xd8, 0xff };

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

/* One pixel of `channels` 8- or 16-bit samples (gray, gray + alpha, RGB, RGBA) added to img at
 * i; alpha is composited on white. Decoders write into a zeroed image, so at full size (one
 * pixel per output pixel) the sum is the pixel itself; reduced, it is divided by the block's
 * pixel count at the end (divide_blocks). */
static inline void
add_pixel (CariImage *img, gsize i, const guint8 *src, int channels, gboolean sixteen)
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
  img->pixels[i] += r;
  img->pixels[plane + i] += g;
  img->pixels[2 * plane + i] += b;
}

/* Sums over the blocks of `reduction` × `reduction` pixels of a width × height image into their
 * means (blocks at the right and bottom edges may be smaller). */
static void
divide_blocks (CariImage *img, int width, int height, int reduction)
{
  gsize plane = (gsize) img->width * img->height;
  for (int by = 0; by < img->height; by++)
    for (int bx = 0; bx < img->width; bx++)
      {
        int cw = MIN (reduction, width - bx * reduction);
        int ch = MIN (reduction, height - by * reduction);
        float scale = 1.0f / (float) (cw * ch);
        gsize i = (gsize) by * img->width + bx;
        for (int c = 0; c < 3; c++)
          img->pixels[c * plane + i] *= scale;
      }
}

int
cari_image_reduction_for (const CariImageTarget *target, int width, int height)
{
  if (target == NULL || target->side <= 0)
    return 1;
  double w = target->region_width > 0 ? MIN (target->region_width, width) : width;
  double h = target->region_height > 0 ? MIN (target->region_height, height) : height;
  int r = 8;
  while (r > 1 && (w / r < target->side || h / r < target->side))
    r /= 2;
  return r;
}

typedef struct
{
  const guint8 *data;
  gsize len, pos;
  const char *name;
  gint64 max_pixels;
  const CariImageTarget *target;
  int reduction;
  /* Owned; freed by png_decode whether png_decode_run succeeds or not. */
  png_structp png;
  png_infop info;
  guint8 *row;
  CariImage *img;
  GError *error;    /* set by png_decode_run itself (limits, memory) */
  gboolean truncated;
  CariPngMessage message;
} PngDecode;

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
  /* Interlaced images are read pass by pass, each pass's pixels put where they belong: libpng's
   * interlace handling would need every row of the image at once. */
  png_read_update_info (d->png, d->info);

  int channels = png_get_channels (d->png, d->info);
  gboolean sixteen = png_get_bit_depth (d->png, d->info) == 16;
  size_t rowbytes = png_get_rowbytes (d->png, d->info);
  g_assert (channels >= 1 && channels <= 4 && rowbytes >= (size_t) w * channels);

  const int r = d->reduction = cari_image_reduction_for (d->target, (int) w, (int) h);
  const int ow = (int) ((w + r - 1) / r), oh = (int) ((h + r - 1) / r);
  d->row = g_try_malloc (rowbytes);
  d->img = cari_image_try_new (ow, oh);
  if (d->row == NULL || d->img == NULL)
    {
      set_no_memory (&d->error, d->name, ow, oh);
      return FALSE;
    }
  gboolean interlaced = png_get_interlace_type (d->png, d->info) == PNG_INTERLACE_ADAM7;
  const size_t pixel_bytes = (size_t) channels * (sixteen ? 2 : 1);
  for (int pass = 0; pass < (interlaced ? 7 : 1); pass++)
    {
      png_uint_32 cols = interlaced ? PNG_PASS_COLS (w, pass) : w;
      png_uint_32 rows = interlaced ? PNG_PASS_ROWS (h, pass) : h;
      if (cols == 0 || rows == 0)
        continue; /* an empty pass has no data */
      for (png_uint_32 j = 0; j < rows; j++)
        {
          png_read_row (d->png, d->row, NULL);
          png_uint_32 y = interlaced ? PNG_ROW_FROM_PASS_ROW (j, pass) : j;
          for (png_uint_32 i = 0; i < cols; i++)
            {
              png_uint_32 x = interlaced ? PNG_COL_FROM_PASS_COL (i, pass) : i;
              add_pixel (d->img, (gsize) (y / r) * ow + x / r, d->row + i * pixel_bytes,
                         channels, sixteen);
            }
        }
    }
  if (r > 1)
    divide_blocks (d->img, (int) w, (int) h, r);
  return TRUE;
}

static CariImage *
png_decode (const guint8 *data, gsize len, const char *name, gint64 max_pixels,
            const CariImageTarget *target, int *reduction, GError **error)
{
  PngDecode d = { .data = data, .len = len, .name = name, .max_pixels = max_pixels,
                  .target = target, .reduction = 1 };
  CariImage *img = NULL;

  d.png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &d.message, cari_png_on_error,
                                  cari_png_on_warning);
  if (d.png != NULL)
    d.info = png_create_info_struct (d.png);
  if (d.png == NULL || d.info == NULL)
    set_no_memory (error, name, 0, 0);
  else if (png_decode_run (&d))
    {
      img = g_steal_pointer (&d.img);
      *reduction = d.reduction;
    }
  else if (d.error != NULL)
    g_propagate_error (error, g_steal_pointer (&d.error));
  else if (d.truncated)
    set_truncated (error, name);
  else
    set_corrupt (error, name, d.message.text);

  png_destroy_read_struct (d.png != NULL ? &d.png : NULL, d.info != NULL ? &d.info : NULL, NULL);
  g_free (d.row);
  cari_image_free (d.img);
  return img;
}

static void
jpeg_on_progress (j_common_ptr cinfo)
{
  if (cinfo->is_decompressor && ((j_decompress_ptr) cinfo)->input_scan_number > MAX_JPEG_SCANS)
    {
      CariJpegErrors *e = (CariJpegErrors *) cinfo->err;
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
  const CariImageTarget *target;
  int reduction;
  /* Owned; freed by jpeg_decode whether jpeg_decode_run succeeds or not. */
  struct jpeg_decompress_struct cinfo;
  CariJpegErrors err;
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
  /* Reduced by the DCT (libjpeg-turbo scales by 1/2, 1/4 and 1/8 while it transforms):
   * baseline JPEGs are then decoded with buffers of the reduced size only. */
  d->reduction = cari_image_reduction_for (d->target, (int) cinfo->image_width,
                                           (int) cinfo->image_height);
  cinfo->scale_num = 1;
  cinfo->scale_denom = (unsigned) d->reduction;
  jpeg_start_decompress (cinfo);

  int w = (int) cinfo->output_width, h = (int) cinfo->output_height;
  int channels = cinfo->output_components;
  g_assert (channels == 1 || channels == 3 || channels == 4);
  d->row = g_try_malloc_n (w, channels);
  d->img = cari_image_try_new (w, h);
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
              add_pixel (d->img, i, s, channels, FALSE);
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
jpeg_decode (const guint8 *data, gsize len, const char *name, gint64 max_pixels,
             const CariImageTarget *target, int *reduction, GError **error)
{
  JpegDecode d = { .data = data, .len = len, .name = name, .max_pixels = max_pixels,
                   .target = target, .reduction = 1 };
  CariImage *img = NULL;

  cari_jpeg_errors_init (&d.err);
  if (jpeg_decode_run (&d))
    {
      img = g_steal_pointer (&d.img);
      *reduction = d.reduction;
    }
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
  return cari_image_decode_reduced (data, len, name, limits, NULL, NULL, error);
}

CariImage *
cari_image_decode_reduced (const guint8 *data, gsize len, const char *name,
                           const CariImageLimits *limits, const CariImageTarget *target,
                           int *reduction, GError **error)
{
  gsize max_bytes;
  gint64 max_pixels;
  int unused;

  if (reduction == NULL)
    reduction = &unused;
  *reduction = 1;
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
      return png_decode (data, len, name, max_pixels, target, reduction, error);
    }
  if (starts_like (data, len, jpeg_magic, sizeof jpeg_magic))
    {
      if (len <= sizeof jpeg_magic)
        {
          set_truncated (error, name);
          return NULL;
        }
      return jpeg_decode (data, len, name, max_pixels, target, reduction, error);
    }
  g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT, _("“%s” is not a PNG or JPEG image"), name);
  return NULL;
}

CariImage *
cari_image_load (const char *path, const CariImageLimits *limits, GError **error)
{
  return cari_image_load_reduced (path, limits, NULL, NULL, error);
}

CariImage *
cari_image_load_reduced (const char *path, const CariImageLimits *limits,
                         const CariImageTarget *target, int *reduction, GError **error)
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
  return cari_image_decode_reduced (data, got, path, limits, target, reduction, error);

io_error:
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot read image “%s”: %s"), path,
               g_strerror (saved));
  return NULL;
}

