/* test-image.c — PNG/JPEG decoding of every pixel format, a clear error naming the file for every
 * kind of bad file, and the geometry and preprocessing against values worked out by hand. */
#include <cari.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include <jpeglib.h>
#include <png.h>

#include "gradcheck.h"

static char *tmpdir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
write_bytes (const char *path, const void *data, gsize len)
{
  GError *error = NULL;
  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

static float
px (const CariImage *img, int c, int x, int y)
{
  return img->pixels[((gsize) c * img->height + y) * img->width + x];
}

static void
set_px (CariImage *img, int c, int x, int y, float v)
{
  img->pixels[((gsize) c * img->height + y) * img->width + x] = v;
}

/* A w × h image with distinct, smooth-ish values in [0, 1]. */
static CariImage *
pattern_image (int w, int h, guint seed)
{
  CariImage *img = cari_image_new (w, h);
  CariRng rng;
  cari_rng_seed (&rng, seed);
  for (gsize i = 0; i < (gsize) 3 * w * h; i++)
    img->pixels[i] = cari_rng_uniform (&rng);
  return img;
}

/* ---------------------------------------------------------------------------- encoders */

static void
png_sink (png_structp png, png_bytep data, size_t n)
{
  g_byte_array_append (png_get_io_ptr (png), data, (guint) n);
}

static void
png_no_flush (png_structp png)
{
}

/* A PNG from raw samples laid out as in the file (16-bit big-endian, low depths packed). */
static GBytes *
make_png (int w, int h, int color_type, int depth, const guint8 *raw, const png_color *palette,
          int n_palette, const guint8 *trns, int n_trns, const png_color_16 *key,
          gboolean interlaced)
{
  GByteArray *bytes = g_byte_array_new ();
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  png_bytep rows[64];
  int channels = color_type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2
                 : color_type == PNG_COLOR_TYPE_RGB      ? 3
                 : color_type == PNG_COLOR_TYPE_RGBA     ? 4
                                                         : 1;
  size_t rowbytes = ((size_t) w * channels * depth + 7) / 8;

  g_assert_cmpint (h, <=, 64);
  if (setjmp (png_jmpbuf (png)))
    g_error ("libpng failed to write a test image");
  png_set_write_fn (png, bytes, png_sink, png_no_flush);
  png_set_IHDR (png, info, w, h, depth, color_type,
                interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                PNG_FILTER_TYPE_DEFAULT);
  if (palette != NULL)
    png_set_PLTE (png, info, palette, n_palette);
  if (trns != NULL || key != NULL)
    png_set_tRNS (png, info, trns, n_trns, key);
  png_write_info (png, info);
  for (int y = 0; y < h; y++)
    rows[y] = (png_bytep) raw + y * rowbytes;
  png_write_image (png, rows);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  return g_byte_array_free_to_bytes (bytes);
}

static CariImage *
decode_ok (GBytes *bytes)
{
  GError *error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  CariImage *img = cari_image_decode (data, len, "test.png", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (img);
  return img;
}

/* A JPEG of 1 (gray) or 4 (CMYK, with Adobe's marker) components written by libjpeg itself, for
 * the decoder paths cari_image_save_jpeg never produces. */
static GBytes *
make_jpeg (int w, int h, int components, const guint8 *raw)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  unsigned char *out = NULL;
  unsigned long out_len = 0;

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &out, &out_len);
  cinfo.image_width = w;
  cinfo.image_height = h;
  cinfo.input_components = components;
  cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_CMYK;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 100, TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = (JSAMPROW) raw + (gsize) cinfo.next_scanline * w * components;
      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  GBytes *bytes = g_bytes_new (out, out_len);
  free (out);
  return bytes;
}

/* ---------------------------------------------------------------------------- PNG formats */

static void
test_png_gray (void)
{
  const guint8 raw[] = { 0, 1, 2, 128, 254, 255 };
  g_autoptr (GBytes) bytes
    = make_png (3, 2, PNG_COLOR_TYPE_GRAY, 8, raw, NULL, 0, NULL, 0, NULL, FALSE);
  g_autoptr (CariImage) img = decode_ok (bytes);
  g_assert_cmpint (img->width, ==, 3);
  g_assert_cmpint (img->height, ==, 2);
  for (int i = 0; i < 6; i++)
    for (int c = 0; c < 3; c++)
      g_assert_cmpfloat (px (img, c, i % 3, i / 3), ==, raw[i] / 255.0f);
}

static void
test_png_gray_2bit (void)
{
  /* 4 pixels of 2 bits in one byte: 0, 1, 2, 3 → 0, 85, 170, 255. */
  const guint8 raw[] = { 0x1b };
  g_autoptr (GBytes) bytes
    = make_png (4, 1, PNG_COLOR_TYPE_GRAY, 2, raw, NULL, 0, NULL, 0, NULL, FALSE);
  g_autoptr (CariImage) img = decode_ok (bytes);
  for (int x = 0; x < 4; x++)
    g_assert_cmpfloat (px (img, 1, x, 0), ==, 85 * x / 255.0f);
}

/* Alpha composited on white: v·a + (1 − a). */
static float
on_white (guint8 v, guint8 a)
{
  return (v / 255.0f) * (a / 255.0f) + (1.0f - a / 255.0f);
}

static void
test_png_gray_alpha (void)
{
  const guint8 raw[] = { 10, 255, 10, 0, 100, 128, 200, 51 }; /* (gray, alpha) × 4 */
  g_autoptr (GBytes) bytes = make_png (2, 2, PNG_COLOR_TYPE_GRAY_ALPHA, 8, raw, NULL, 0, NULL, 0,
                                       NULL, FALSE);
  g_autoptr (CariImage) img = decode_ok (bytes);
  g_assert_cmpfloat (px (img, 0, 0, 0), ==, 10 / 255.0f); /* opaque */
  g_assert_cmpfloat (px (img, 2, 1, 0), ==, 1.0f);        /* transparent → white */
  for (int i = 0; i < 4; i++)
    for (int c = 0; c < 3; c++)
      g_assert_cmpfloat_with_epsilon (px (img, c, i % 2, i / 2),
                                      on_white (raw[2 * i], raw[2 * i + 1]), 1e-6);
}

static void
test_png_rgb (void)
{
  const guint8 raw[] = { 255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3 };
  g_autoptr (GBytes) bytes
    = make_png (2, 2, PNG_COLOR_TYPE_RGB, 8, raw, NULL, 0, NULL, 0, NULL, FALSE);
  g_autoptr (CariImage) img = decode_ok (bytes);
  for (int i = 0; i < 4; i++)
    for (int c = 0; c < 3; c++)
      g_assert_cmpfloat (px (img, c, i % 2, i / 2), ==, raw[3 * i + c] / 255.0f);
}

/* A colour key (tRNS in an RGB image): pixels of exactly that colour are transparent. */
static void
test_png_rgb_key (void)
{
  const guint8 raw[] = { 10, 20, 30, 10, 20, 31, 10, 20, 30 };
  const png_color_16 key = { .red = 10, .green = 20, .blue = 30 };
  g_autoptr (GBytes) bytes = make_png (3, 1, PNG_COLOR_TYPE_RGB, 8, raw, NULL, 0, NULL, 0, &key,
                                       FALSE);
  g_autoptr (CariImage) img = decode_ok (bytes);
  for (int c = 0; c < 3; c++)
    {
      g_assert_cmpfloat (px (img, c, 0, 0), ==, 1.0f);
      g_assert_cmpfloat (px (img, c, 1, 0), ==, raw[3 + c] / 255.0f);
      g_assert_cmpfloat (px (img, c, 2, 0), ==, 1.0f);
    }
}

static void
test_png_rgba (void)
{
  const guint8 raw[] = { 255, 0, 0, 255, 0, 255, 0, 0, 0, 0, 255, 128, 40, 80, 120, 200 };
  g_autoptr (GBytes) bytes
    = make_png (2, 2, PNG_COLOR_TYPE_RGBA, 8, raw, NULL, 0, NULL, 0, NULL, FALSE);
  g_autoptr (CariImage) img = decode_ok (bytes);
  g_assert_cmpfloat (px (img, 0, 0, 0), ==, 1.0f);
  g_assert_cmpfloat (px (img, 1, 0, 0), ==, 0.0f);
  g_assert_cmpfloat (px (img, 0, 1, 0), ==, 1.0f); /* transparent green → white */
  g_assert_cmpfloat (px (img, 1, 1, 0), ==, 1.0f);
  g_assert_cmpfloat (px (img, 2, 1, 0), ==, 1.0f);
  for (int i = 0; i < 4; i++)
    for (int c = 0; c < 3; c++)
      g_assert_cmpfloat_with_epsilon (px (img, c, i % 2, i / 2),
                                      on_white (raw[4 * i + c], raw[4 * i + 3]), 1e-6);
}

static void
test_png_palette (void)
{
  const png_color palette[3] = { { 255, 0, 0 }, { 0, 128, 255 }, { 10, 20, 30 } };
  const guint8 trns[3] = { 255, 255, 0 }; /* entry 2 transparent */
  const guint8 raw[] = { 0, 1, 2, 1 };
  g_autoptr (GBytes) bytes = make_png (2, 2, PNG_COLOR_TYPE_PALETTE, 8, raw, palette, 3, trns, 3,
                                       NULL, FALSE);
  g_autoptr (CariImage) img = decode_ok (bytes);
  for (int i = 0; i < 4; i++)
    {
      if (raw[i] == 2)
        {
          for (int c = 0; c < 3; c++)
            g_assert_cmpfloat (px (img, c, i % 2, i / 2), ==, 1.0f);
          continue;
        }
      const png_color *e = &palette[raw[i]];
      g_assert_cmpfloat (px (img, 0, i % 2, i / 2), ==, e->red / 255.0f);
      g_assert_cmpfloat (px (img, 1, i % 2, i / 2), ==, e->green / 255.0f);
      g_assert_cmpfloat (px (img, 2, i % 2, i / 2), ==, e->blue / 255.0f);
    }
}

static void
test_png_16bit (void)
{
  /* 2 × 1 RGB, 16-bit big-endian samples whose high and low bytes differ. */
  const guint16 v[6] = { 0x1234, 0xffff, 0x0001, 0x8000, 0x00ff, 0xff00 };
  guint8 raw[12];
  for (int i = 0; i < 6; i++)
    raw[2 * i] = v[i] >> 8, raw[2 * i + 1] = v[i] & 0xff;
  g_autoptr (GBytes) bytes
    = make_png (2, 1, PNG_COLOR_TYPE_RGB, 16, raw, NULL, 0, NULL, 0, NULL, FALSE);
  g_autoptr (CariImage) img = decode_ok (bytes);
  for (int i = 0; i < 2; i++)
    for (int c = 0; c < 3; c++)
      g_assert_cmpfloat (px (img, c, i, 0), ==, v[3 * i + c] / 65535.0f);
}

static void
test_png_interlaced (void)
{
  guint8 raw[9 * 7 * 3];
  for (gsize i = 0; i < sizeof raw; i++)
    raw[i] = (guint8) (i * 37 + 11);
  g_autoptr (GBytes) bytes
    = make_png (9, 7, PNG_COLOR_TYPE_RGB, 8, raw, NULL, 0, NULL, 0, NULL, TRUE);
  g_autoptr (CariImage) img = decode_ok (bytes);
  for (int y = 0; y < 7; y++)
    for (int x = 0; x < 9; x++)
      for (int c = 0; c < 3; c++)
        g_assert_cmpfloat (px (img, c, x, y), ==, raw[(y * 9 + x) * 3 + c] / 255.0f);
}

/* ---------------------------------------------------------------------------- JPEG */

static void
test_jpeg_rgb (void)
{
  g_autofree char *path = tmp_path ("rgb.jpg");
  g_autoptr (CariImage) img = cari_image_new (16, 12);
  GError *error = NULL;
  for (int y = 0; y < 12; y++)
    for (int x = 0; x < 16; x++)
      {
        set_px (img, 0, x, y, x / 15.0f);
        set_px (img, 1, x, y, y / 11.0f);
        set_px (img, 2, x, y, 0.25f + 0.5f * ((x + y) % 2 == 0));
      }
  g_assert_true (cari_image_save_jpeg (img, path, 100, &error));
  g_assert_no_error (error);
  g_autoptr (CariImage) back = cari_image_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->width, ==, 16);
  g_assert_cmpint (back->height, ==, 12);
  /* Quality 100 with 4:4:4 chroma: a few levels of 255 at most, even for the checkerboard. */
  for (gsize i = 0; i < (gsize) 3 * 16 * 12; i++)
    g_assert_cmpfloat_with_epsilon (back->pixels[i], img->pixels[i], 4.0 / 255);
  g_remove (path);
}

static void
test_jpeg_gray (void)
{
  /* A gray image through cari_image_save_jpeg (RGB channels equal)... */
  g_autofree char *path = tmp_path ("gray.jpg");
  g_autoptr (CariImage) img = cari_image_new (8, 8);
  GError *error = NULL;
  for (int y = 0; y < 8; y++)
    for (int x = 0; x < 8; x++)
      for (int c = 0; c < 3; c++)
        set_px (img, c, x, y, (x * 8 + y) / 63.0f);
  g_assert_true (cari_image_save_jpeg (img, path, 100, &error));
  g_assert_no_error (error);
  g_autoptr (CariImage) back = cari_image_load (path, NULL, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < (gsize) 3 * 64; i++)
    g_assert_cmpfloat_with_epsilon (back->pixels[i], img->pixels[i], 3.0 / 255);
  g_remove (path);

  /* ...and a one-component JPEG, the grayscale kind datasets contain. */
  guint8 raw[8 * 8];
  for (int i = 0; i < 64; i++)
    raw[i] = (guint8) (i * 4);
  g_autoptr (GBytes) bytes = make_jpeg (8, 8, 1, raw);
  g_autoptr (CariImage) gray = decode_ok (bytes);
  for (int i = 0; i < 64; i++)
    for (int c = 0; c < 3; c++)
      g_assert_cmpfloat_with_epsilon (px (gray, c, i % 8, i / 8), raw[i] / 255.0f, 3.0 / 255);
}

static void
test_jpeg_cmyk (void)
{
  /* Adobe CMYK stores inverted inks: 255 = no ink. Pixel 0 white, 1 cyan (no red), 2 black. */
  guint8 raw[8 * 8 * 4];
  for (int i = 0; i < 64; i++)
    {
      guint8 *p = raw + 4 * i;
      int kind = (i % 8) / 3; /* columns 0-2 white, 3-5 cyan, 6-7 black */
      p[0] = kind == 1 ? 0 : 255;
      p[1] = p[2] = 255;
      p[3] = kind == 2 ? 0 : 255;
    }
  g_autoptr (GBytes) bytes = make_jpeg (8, 8, 4, raw);
  g_autoptr (CariImage) img = decode_ok (bytes);
  const float want[3][3] = { { 1, 1, 1 }, { 0, 1, 1 }, { 0, 0, 0 } };
  for (int y = 0; y < 8; y++)
    for (int x = 0; x < 8; x++)
      for (int c = 0; c < 3; c++)
        g_assert_cmpfloat_with_epsilon (px (img, c, x, y), want[x / 3][c], 0.05);
}

/* ---------------------------------------------------------------------------- bad files */

static GBytes *
small_png (int w, int h)
{
  g_autofree guint8 *raw = g_new (guint8, (gsize) w * h * 3);
  for (gsize i = 0; i < (gsize) w * h * 3; i++)
    raw[i] = (guint8) (i * 7919 % 251);
  return make_png (w, h, PNG_COLOR_TYPE_RGB, 8, raw, NULL, 0, NULL, 0, NULL, FALSE);
}

static GBytes *
small_jpeg (int w, int h)
{
  g_autofree char *path = tmp_path ("small.jpg");
  g_autoptr (CariImage) img = pattern_image (w, h, 3);
  char *data;
  gsize len;
  g_assert_true (cari_image_save_jpeg (img, path, 90, NULL));
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_remove (path);
  return g_bytes_new_take (data, len);
}

/* Decoding `len` bytes of `data` as `name` fails with `code` and a message naming the file and
 * containing `what`. */
static void
assert_decode_fails (const guint8 *data, gsize len, const char *name,
                     const CariImageLimits *limits, int code, const char *what)
{
  GError *error = NULL;
  CariImage *img = cari_image_decode (data, len, name, limits, &error);
  g_assert_null (img);
  g_assert_error (error, CARI_ERROR, code);
  g_test_message ("%s", error->message);
  if (strstr (error->message, name) == NULL || strstr (error->message, what) == NULL)
    g_error ("“%s” should name “%s” and say “%s”", error->message, name, what);
  g_error_free (error);
}

static void
assert_load_fails (const char *path, const CariImageLimits *limits, int code, const char *what)
{
  GError *error = NULL;
  CariImage *img = cari_image_load (path, limits, &error);
  g_assert_null (img);
  g_assert_error (error, CARI_ERROR, code);
  g_test_message ("%s", error->message);
  if (strstr (error->message, path) == NULL || strstr (error->message, what) == NULL)
    g_error ("“%s” should name “%s” and say “%s”", error->message, path, what);
  g_error_free (error);
}

static void
test_png_bytes_named_jpg (void)
{
  g_autofree char *path = tmp_path ("face.jpg");
  g_autoptr (GBytes) bytes = small_png (5, 4);
  GError *error = NULL;
  write_bytes (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr (CariImage) img = cari_image_load (path, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (CariImage) direct = decode_ok (bytes);
  g_assert_cmpint (img->width, ==, 5);
  g_assert_cmpmem (img->pixels, 3 * 5 * 4 * sizeof (float), direct->pixels,
                   3 * 5 * 4 * sizeof (float));
  g_remove (path);
}

static void
test_error_empty_and_text (void)
{
  g_autofree char *empty = tmp_path ("zero.png");
  g_autofree char *text = tmp_path ("notes.jpg");
  g_autofree char *missing = tmp_path ("missing.png");
  const char *words = "Name\tC00001\tP00001\n";
  write_bytes (empty, "", 0);
  write_bytes (text, words, strlen (words));
  assert_load_fails (empty, NULL, CARI_ERROR_CORRUPT, "empty");
  assert_load_fails (text, NULL, CARI_ERROR_CORRUPT, "not a PNG or JPEG");
  assert_load_fails (missing, NULL, CARI_ERROR_IO, "No such file");
  assert_load_fails (tmpdir, NULL, CARI_ERROR_IO, "not a regular file");
  g_remove (empty);
  g_remove (text);
}

static void
test_error_truncated (void)
{
  g_autoptr (GBytes) png = small_png (16, 16);
  g_autoptr (GBytes) jpeg = small_jpeg (32, 32);
  gsize png_len, jpeg_len;
  const guint8 *p = g_bytes_get_data (png, &png_len);
  const guint8 *j = g_bytes_get_data (jpeg, &jpeg_len);

  /* Cut in the pixel data, in the header, and inside the magic bytes. */
  assert_decode_fails (p, png_len / 2, "cut.png", NULL, CARI_ERROR_CORRUPT, "truncated");
  assert_decode_fails (p, 20, "cut.png", NULL, CARI_ERROR_CORRUPT, "truncated");
  assert_decode_fails (p, 4, "cut.png", NULL, CARI_ERROR_CORRUPT, "truncated");
  assert_decode_fails (j, jpeg_len / 2, "cut.jpg", NULL, CARI_ERROR_CORRUPT, "truncated");
  assert_decode_fails (j, 40, "cut.jpg", NULL, CARI_ERROR_CORRUPT, "truncated");
  assert_decode_fails (j, 2, "cut.jpg", NULL, CARI_ERROR_CORRUPT, "truncated");

  /* And through a file: the message names the path. */
  g_autofree char *path = tmp_path ("cut.jpg");
  write_bytes (path, j, jpeg_len - 100);
  assert_load_fails (path, NULL, CARI_ERROR_CORRUPT, "truncated");
  g_remove (path);
}

static gsize
find_bytes (const guint8 *data, gsize len, const void *what, gsize what_len)
{
  for (gsize i = 0; i + what_len <= len; i++)
    if (memcmp (data + i, what, what_len) == 0)
      return i;
  g_assert_not_reached ();
}

static void
test_error_corrupt (void)
{
  g_autoptr (GBytes) png = small_png (16, 16);
  g_autoptr (GBytes) jpeg = small_jpeg (16, 16);
  gsize png_len = g_bytes_get_size (png), jpeg_len = g_bytes_get_size (jpeg);
  g_autofree guint8 *p = g_memdup2 (g_bytes_get_data (png, NULL), png_len);
  g_autofree guint8 *j = g_memdup2 (g_bytes_get_data (jpeg, NULL), jpeg_len);

  /* Bytes in the middle of the PNG's compressed pixels. */
  gsize idat = find_bytes (p, png_len, "IDAT", 4);
  for (gsize i = idat + 40; i < idat + 50; i++)
    p[i] ^= 0x5a;
  assert_decode_fails (p, png_len, "bad.png", NULL, CARI_ERROR_CORRUPT, "corrupt");

  /* The JPEG's Huffman table segment given an impossible length. */
  gsize dht = find_bytes (j, jpeg_len, "\xff\xc4", 2);
  j[dht + 2] = 0;
  j[dht + 3] = 1;
  assert_decode_fails (j, jpeg_len, "bad.jpg", NULL, CARI_ERROR_CORRUPT, "corrupt");
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

/* A PNG signature, an IHDR declaring w × h 8-bit RGB, and an empty IDAT: a header and no
 * pixels, as a decompression bomb starts. */
static GBytes *
png_header_only (guint32 w, guint32 h)
{
  static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 buf[8 + 25 + 12];
  memcpy (buf, sig, 8);
  guint8 *ihdr = buf + 8;
  put_be32 (ihdr, 13);
  memcpy (ihdr + 4, "IHDR", 4);
  put_be32 (ihdr + 8, w);
  put_be32 (ihdr + 12, h);
  ihdr[16] = 8, ihdr[17] = 2, ihdr[18] = 0, ihdr[19] = 0, ihdr[20] = 0;
  put_be32 (ihdr + 21, (guint32) crc32 (0, ihdr + 4, 17));
  guint8 *idat = ihdr + 25;
  put_be32 (idat, 0);
  memcpy (idat + 4, "IDAT", 4);
  put_be32 (idat + 8, (guint32) crc32 (0, idat + 4, 4));
  return g_bytes_new (buf, sizeof buf);
}

static void
test_error_too_large (void)
{
  /* 10^10 pixels: allocating them (120 GB of floats) would abort the test or fail as "Not
   * enough memory"; the header check refuses them first, with its own message. */
  g_autoptr (GBytes) bomb = png_header_only (100000, 100000);
  gsize len;
  const guint8 *b = g_bytes_get_data (bomb, &len);
  assert_decode_fails (b, len, "bomb.png", NULL, CARI_ERROR_INVALID_ARGUMENT,
                       "100000 × 100000 pixels");
  g_autofree char *path = tmp_path ("bomb.jpg");
  write_bytes (path, b, len);
  assert_load_fails (path, NULL, CARI_ERROR_INVALID_ARGUMENT, "too large");
  g_remove (path);

  /* Within the default limit, the same kind of file is only truncated: the check is the limit's. */
  g_autoptr (GBytes) modest = png_header_only (1000, 1000);
  b = g_bytes_get_data (modest, &len);
  assert_decode_fails (b, len, "modest.png", NULL, CARI_ERROR_CORRUPT, "truncated");

  /* A tight pixel limit, exactly at the boundary, for both formats. */
  CariImageLimits tight = { .max_pixels = 4 * 4 - 1 };
  CariImageLimits enough = { .max_pixels = 4 * 4 };
  g_autoptr (GBytes) png = small_png (4, 4);
  g_autoptr (GBytes) jpeg = small_jpeg (4, 4);
  GBytes *both[2] = { png, jpeg };
  for (int k = 0; k < 2; k++)
    {
      GError *error = NULL;
      const guint8 *d = g_bytes_get_data (both[k], &len);
      assert_decode_fails (d, len, "tight", &tight, CARI_ERROR_INVALID_ARGUMENT, "too large");
      CariImage *img = cari_image_decode (d, len, "tight", &enough, &error);
      g_assert_no_error (error);
      cari_image_free (img);
    }

  /* A JPEG whose frame header claims 60000 × 60000. */
  len = g_bytes_get_size (jpeg);
  g_autofree guint8 *j = g_memdup2 (g_bytes_get_data (jpeg, NULL), len);
  gsize sof = find_bytes (j, len, "\xff\xc0", 2);
  j[sof + 5] = j[sof + 7] = 60000 >> 8;
  j[sof + 6] = j[sof + 8] = 60000 & 0xff;
  assert_decode_fails (j, len, "bomb.jpg", NULL, CARI_ERROR_INVALID_ARGUMENT,
                       "60000 × 60000 pixels");

  /* A byte limit: checked on the buffer, and on the file before reading it. */
  CariImageLimits few_bytes = { .max_bytes = len - 1 };
  assert_decode_fails (j, len, "big.jpg", &few_bytes, CARI_ERROR_INVALID_ARGUMENT, "bytes");
  g_autofree char *big = tmp_path ("big.jpg");
  write_bytes (big, j, len);
  assert_load_fails (big, &few_bytes, CARI_ERROR_INVALID_ARGUMENT, "too large");
  g_remove (big);
}

/* A file larger than max_bytes is refused from its size, before it is read: in a child whose
 * address space cannot hold the file, reading it first would fail as "Not enough memory". */
static void
test_error_big_file_unread (void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  g_test_skip ("ASan and TSan reserve more address space than the RLIMIT_AS this test sets");
#else
  if (g_test_subprocess ())
    {
      g_autofree char *path = tmp_path ("sparse.png");
      const gint64 size = (gint64) 4 << 30;
      struct rlimit lim = { (rlim_t) 1 << 30, (rlim_t) 1 << 30 };
      int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      g_assert_cmpint (fd, >=, 0);
      g_assert_cmpint (ftruncate (fd, size), ==, 0); /* sparse: no disk used */
      close (fd);
      g_assert_cmpint (setrlimit (RLIMIT_AS, &lim), ==, 0);
      GError *error = NULL;
      g_assert_null (cari_image_load (path, NULL, &error));
      g_remove (path);
      g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "4294967296 bytes"));
      g_error_free (error);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
#endif
}

static void
test_save_png_round_trip (void)
{
  g_autofree char *path = tmp_path ("round.png");
  g_autoptr (CariImage) img = cari_image_new (5, 3);
  GError *error = NULL;
  for (gsize i = 0; i < 45; i++)
    img->pixels[i] = (float) ((i * 53) % 256) / 255.0f;
  img->pixels[0] = -0.5f; /* clamped */
  img->pixels[1] = 7.0f;
  g_assert_true (cari_image_save_png (img, path, &error));
  g_assert_no_error (error);
  g_autoptr (CariImage) back = cari_image_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (back->pixels[0], ==, 0.0f);
  g_assert_cmpfloat (back->pixels[1], ==, 1.0f);
  for (gsize i = 2; i < 45; i++)
    g_assert_cmpfloat (back->pixels[i], ==, img->pixels[i]);
  g_remove (path);

  /* Unwritable places and bad quality are errors that name the file. */
  g_autofree char *nowhere = g_build_filename (tmpdir, "no-such-dir", "x.png", NULL);
  g_assert_false (cari_image_save_png (img, nowhere, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_IO);
  g_assert_nonnull (strstr (error->message, nowhere));
  g_clear_error (&error);
  g_assert_false (cari_image_save_jpeg (img, path, 101, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
}

/* ---------------------------------------------------------------------------- geometry */

static void
test_resize_constant (void)
{
  g_autoptr (CariImage) img = cari_image_new (7, 5);
  for (gsize i = 0; i < 3 * 35; i++)
    img->pixels[i] = 0.3f + 0.2f * (i / 35);
  const int sizes[][2] = { { 3, 2 }, { 16, 11 }, { 7, 5 }, { 2, 9 } };
  for (int mode = CARI_RESIZE_BILINEAR; mode <= CARI_RESIZE_AREA; mode++)
    for (int s = 0; s < 4; s++)
      {
        g_autoptr (CariImage) out = cari_image_resize (img, sizes[s][0], sizes[s][1], mode);
        g_assert_cmpint (out->width, ==, sizes[s][0]);
        g_assert_cmpint (out->height, ==, sizes[s][1]);
        for (int c = 0; c < 3; c++)
          for (int i = 0; i < out->width * out->height; i++)
            g_assert_cmpfloat_with_epsilon (out->pixels[c * out->width * out->height + i],
                                            0.3f + 0.2f * c, 1e-6);
      }
}

static void
test_resize_area (void)
{
  /* 4 × 4 → 2 × 2: each output is the mean of its 2 × 2 block (values exact in binary). */
  g_autoptr (CariImage) img = cari_image_new (4, 4);
  for (gsize i = 0; i < 48; i++)
    img->pixels[i] = (float) ((i * 7) % 16) / 16.0f;
  g_autoptr (CariImage) out = cari_image_resize (img, 2, 2, CARI_RESIZE_AREA);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < 2; y++)
      for (int x = 0; x < 2; x++)
        {
          float want = (px (img, c, 2 * x, 2 * y) + px (img, c, 2 * x + 1, 2 * y)
                        + px (img, c, 2 * x, 2 * y + 1) + px (img, c, 2 * x + 1, 2 * y + 1))
                       / 4;
          g_assert_cmpfloat (px (out, c, x, y), ==, want);
        }

  /* 3 → 2 covers fractions: output 0 = (a + b/2) / 1.5. */
  g_autoptr (CariImage) row = cari_image_new (3, 1);
  for (int c = 0; c < 3; c++)
    for (int x = 0; x < 3; x++)
      set_px (row, c, x, 0, (float) (x + 1)); /* 1, 2, 3 */
  g_autoptr (CariImage) two = cari_image_resize (row, 2, 1, CARI_RESIZE_AREA);
  g_assert_cmpfloat_with_epsilon (px (two, 0, 0, 0), (1 + 2 * 0.5) / 1.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (px (two, 0, 1, 0), (2 * 0.5 + 3) / 1.5, 1e-6);
}

static void
test_resize_bilinear (void)
{
  /* 2 × 2 [[a, b], [c, d]] → 4 × 4 with half-pixel centres: output x = 0..3 samples source
   * −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1), so a row is
   * a, ¾a + ¼b, ¼a + ¾b, b. */
  const float a = 0.0f, b = 1.0f, c = 0.5f, d = 0.25f;
  g_autoptr (CariImage) img = cari_image_new (2, 2);
  for (int ch = 0; ch < 3; ch++)
    {
      set_px (img, ch, 0, 0, a), set_px (img, ch, 1, 0, b);
      set_px (img, ch, 0, 1, c), set_px (img, ch, 1, 1, d);
    }
  const float wx[4] = { 0, 0.25f, 0.75f, 1 }; /* weight of the right (bottom) neighbour */
  g_autoptr (CariImage) out = cari_image_resize (img, 4, 4, CARI_RESIZE_BILINEAR);
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 4; x++)
      {
        float top = a + wx[x] * (b - a), bottom = c + wx[x] * (d - c);
        float want = top + wx[y] * (bottom - top);
        g_assert_cmpfloat_with_epsilon (px (out, 1, x, y), want, 1e-6);
      }
  /* Hand values of the corners and one inner point. */
  g_assert_cmpfloat_with_epsilon (px (out, 0, 0, 0), a, 1e-6);
  g_assert_cmpfloat_with_epsilon (px (out, 0, 3, 3), d, 1e-6);
  g_assert_cmpfloat_with_epsilon (px (out, 0, 1, 1), 0.5625f * a + 0.1875f * b + 0.1875f * c
                                                       + 0.0625f * d, 1e-6);

  /* 4 → 2 averages pixel pairs (sample points 0.5 and 2.5), unlike align_corners (0 and 3). */
  g_autoptr (CariImage) row = cari_image_new (4, 1);
  for (int x = 0; x < 4; x++)
    set_px (row, 0, x, 0, (float) x);
  g_autoptr (CariImage) half = cari_image_resize (row, 2, 1, CARI_RESIZE_BILINEAR);
  g_assert_cmpfloat_with_epsilon (px (half, 0, 0, 0), 0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (px (half, 0, 1, 0), 2.5, 1e-6);
}

static void
test_crop (void)
{
  g_autoptr (CariImage) img = cari_image_new (4, 3);
  for (gsize i = 0; i < 36; i++)
    img->pixels[i] = (float) (i + 1);
  /* 3 × 3 at (−1, 1): the first column and the last row lie outside. */
  g_autoptr (CariImage) out = cari_image_crop (img, -1, 1, 3, 3);
  g_assert_cmpint (out->width, ==, 3);
  g_assert_cmpint (out->height, ==, 3);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < 3; y++)
      for (int x = 0; x < 3; x++)
        {
          int sx = x - 1, sy = y + 1;
          float want = sx >= 0 && sy < 3 ? px (img, c, sx, sy) : 0.0f;
          g_assert_cmpfloat (px (out, c, x, y), ==, want);
        }
  /* Entirely outside: all zero. */
  g_autoptr (CariImage) away = cari_image_crop (img, 10, -20, 2, 2);
  for (int i = 0; i < 12; i++)
    g_assert_cmpfloat (away->pixels[i], ==, 0.0f);
}

static void
test_flip (void)
{
  g_autoptr (CariImage) img = pattern_image (5, 3, 1);
  g_autoptr (CariImage) copy = cari_image_crop (img, 0, 0, 5, 3);
  cari_image_flip_horizontal (img);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < 3; y++)
      for (int x = 0; x < 5; x++)
        g_assert_cmpfloat (px (img, c, x, y), ==, px (copy, c, 4 - x, y));
  cari_image_flip_horizontal (img);
  g_assert_cmpmem (img->pixels, 45 * sizeof (float), copy->pixels, 45 * sizeof (float));
}

static void
argmax (const CariImage *img, int c, int *bx, int *by)
{
  float best = -1;
  for (int y = 0; y < img->height; y++)
    for (int x = 0; x < img->width; x++)
      if (px (img, c, x, y) > best)
        best = px (img, c, x, y), *bx = x, *by = y;
}

static void
test_rotate (void)
{
  g_autoptr (CariImage) img = pattern_image (6, 4, 2);
  g_autoptr (CariImage) same = cari_image_rotate (img, 0.0f);
  g_assert_cmpmem (same->pixels, 72 * sizeof (float), img->pixels, 72 * sizeof (float));

  /* A marked pixel at (6, 1) of an 8 × 8 square, near the top right: 90° counter-clockwise
   * about (3.5, 3.5) takes it to (1, 0), near the top left; −90° to (6, 6). */
  g_autoptr (CariImage) mark = cari_image_new (8, 8);
  set_px (mark, 0, 6, 1, 1.0f);
  int x = -9, y = -9;
  g_autoptr (CariImage) ccw = cari_image_rotate (mark, 90.0f);
  argmax (ccw, 0, &x, &y);
  g_assert_cmpint (ABS (x - 1), <=, 1);
  g_assert_cmpint (ABS (y - 0), <=, 1);
  g_assert_cmpfloat (px (ccw, 0, x, y), >, 0.5f);
  g_autoptr (CariImage) cw = cari_image_rotate (mark, -90.0f);
  argmax (cw, 0, &x, &y);
  g_assert_cmpint (ABS (x - 6), <=, 1);
  g_assert_cmpint (ABS (y - 6), <=, 1);

  /* What comes from outside the image is 0: a constant image loses its corners at 45°. */
  g_autoptr (CariImage) ones = cari_image_new (8, 8);
  for (int i = 0; i < 192; i++)
    ones->pixels[i] = 1.0f;
  g_autoptr (CariImage) diamond = cari_image_rotate (ones, 45.0f);
  g_assert_cmpfloat (px (diamond, 0, 0, 0), ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (px (diamond, 0, 3, 4), 1.0f, 1e-5);
  /* (1, 1) samples the source at (3.5, −0.035): 3.5 % of its weight lies outside. */
  g_assert_cmpfloat_with_epsilon (px (diamond, 0, 1, 1), 1.0 - (2.5 * sqrt (2.0) - 3.5), 1e-4);
}

/* ---------------------------------------------------------------------------- standardisation */

static void
assert_standardized (const float *x, gsize n)
{
  double sum = 0, sumsq = 0;
  for (gsize i = 0; i < n; i++)
    {
      g_assert_true (isfinite (x[i]));
      sum += x[i];
      sumsq += (double) x[i] * x[i];
    }
  g_assert_cmpfloat (fabs (sum / n), <, 1e-5);
  g_assert_cmpfloat (fabs (sqrt (sumsq / n) - 1.0), <, 1e-4);
}

static void
test_standardize (void)
{
  g_autoptr (CariImage) img = pattern_image (9, 7, 4);
  g_autofree float *out = g_new (float, 3 * 63);
  cari_image_standardize (img, out);
  assert_standardized (out, 3 * 63);

  /* Constant: the max(std, 1/sqrt(N)) guard gives zeros, not NaN. */
  for (int i = 0; i < 3 * 63; i++)
    img->pixels[i] = 0.7f;
  cari_image_standardize (img, out);
  for (int i = 0; i < 3 * 63; i++)
    g_assert_cmpfloat (out[i], ==, 0.0f);

  /* Nearly constant: std is far below 1/sqrt(N), so values stay tiny instead of reaching
   * ±sqrt(N). */
  img->pixels[5] = 0.7f + 1e-4f;
  cari_image_standardize (img, out);
  for (int i = 0; i < 3 * 63; i++)
    g_assert_cmpfloat (fabsf (out[i]), <, 0.01f);
  g_assert_cmpfloat (out[5], >, 0.0f);
}

static void
test_landmark_box (void)
{
  int box[4] = { -1, -1, -1, -1 };
  /* Points (10, 10) and (30, 50): bbox 20 × 40 about (20, 30) → 30 × 48 → (5, 6, 30, 48). */
  const float two[] = { 10, 10, 30, 50 };
  g_assert_true (cari_landmark_crop_box (two, 2, 100, 100, box));
  g_assert_cmpint (box[0], ==, 5);
  g_assert_cmpint (box[1], ==, 6);
  g_assert_cmpint (box[2], ==, 30);
  g_assert_cmpint (box[3], ==, 48);

  /* Inner points do not change the box. */
  const float three[] = { 10, 10, 20, 20, 30, 50 };
  g_assert_true (cari_landmark_crop_box (three, 3, 100, 100, box));
  g_assert_cmpint (box[2], ==, 30);

  /* Clipped at the border: (0, 0), (40, 40) → x [−10, 50), y [−4, 44) → (0, 0, 50, 44). */
  const float corner[] = { 0, 0, 40, 40 };
  g_assert_true (cari_landmark_crop_box (corner, 2, 50, 50, box));
  g_assert_cmpint (box[0], ==, 0);
  g_assert_cmpint (box[1], ==, 0);
  g_assert_cmpint (box[2], ==, 50);
  g_assert_cmpint (box[3], ==, 44);

  /* No box: one point, coincident points, outside the image, NaN. */
  const float same[] = { 5, 5, 5, 5 };
  const float outside[] = { 200, 200, 210, 220 };
  const float nan_pt[] = { 10, 10, NAN, 50 };
  box[0] = 77;
  g_assert_false (cari_landmark_crop_box (two, 1, 100, 100, box));
  g_assert_false (cari_landmark_crop_box (same, 2, 100, 100, box));
  g_assert_false (cari_landmark_crop_box (outside, 2, 100, 100, box));
  g_assert_false (cari_landmark_crop_box (nan_pt, 2, 100, 100, box));
  g_assert_cmpint (box[0], ==, 77);
}

/* ---------------------------------------------------------------------------- preprocessing */

static void
test_preprocess_authors (void)
{
  g_autoptr (CariImage) img = pattern_image (13, 11, 5);
  CariPreprocess p;
  GError *error = NULL;
  cari_preprocess_init (&p, 8);
  g_assert_cmpint (p.size, ==, 8);
  g_assert_true (p.standardize);
  g_assert_false (p.flip || p.landmark_crop || p.random_crop != 0 || p.rotate_degrees != 0);

  g_autofree float *out = g_new (float, 3 * 64);
  g_assert_true (cari_preprocess_image (img, NULL, 0, &p, NULL, out, &error));
  g_assert_no_error (error);
  assert_standardized (out, 3 * 64);

  /* Exactly: whole image, bilinear to 8 × 8, standardised. */
  g_autoptr (CariImage) small = cari_image_resize (img, 8, 8, CARI_RESIZE_BILINEAR);
  g_autofree float *want = g_new (float, 3 * 64);
  cari_image_standardize (small, want);
  g_assert_cmpmem (out, 3 * 64 * sizeof (float), want, 3 * 64 * sizeof (float));

  /* landmark_crop without landmarks is ignored. */
  p.landmark_crop = TRUE;
  g_assert_true (cari_preprocess_image (img, NULL, 0, &p, NULL, out, &error));
  g_assert_cmpmem (out, 3 * 64 * sizeof (float), want, 3 * 64 * sizeof (float));

  /* Fixed mean and std per channel instead. */
  p.standardize = FALSE;
  p.mean[1] = 0.25f;
  p.std[1] = 2.0f;
  g_assert_true (cari_preprocess_image (img, NULL, 0, &p, NULL, out, &error));
  g_assert_cmpfloat_with_epsilon (out[0], (px (small, 0, 0, 0) - 0.5f) / 0.5f, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[64 + 9], (px (small, 1, 1, 1) - 0.25f) / 2.0f, 1e-6);
}

static void
test_preprocess_landmarks (void)
{
  g_autoptr (CariImage) img = pattern_image (40, 30, 6);
  const float pts[] = { 10, 8, 20, 18, 16, 12 }; /* box (8, 7, 15, 12) */
  CariPreprocess p;
  GError *error = NULL;
  int box[4];
  cari_preprocess_init (&p, 6);
  p.landmark_crop = TRUE;
  g_autofree float *out = g_new (float, 3 * 36);
  g_assert_true (cari_preprocess_image (img, pts, 3, &p, NULL, out, &error));
  g_assert_no_error (error);

  g_assert_true (cari_landmark_crop_box (pts, 3, 40, 30, box));
  g_assert_cmpint (box[0], ==, 8);
  g_assert_cmpint (box[3], ==, 12);
  g_autoptr (CariImage) face = cari_image_crop (img, box[0], box[1], box[2], box[3]);
  g_autoptr (CariImage) small = cari_image_resize (face, 6, 6, CARI_RESIZE_BILINEAR);
  g_autofree float *want = g_new (float, 3 * 36);
  cari_image_standardize (small, want);
  for (int i = 0; i < 3 * 36; i++)
    g_assert_cmpfloat_with_epsilon (out[i], want[i], 1e-5);

  /* Landmarks that give no box are an error, not a silent whole-image fallback. */
  const float bad[] = { 5, 5, 5, 5 };
  g_assert_false (cari_preprocess_image (img, bad, 2, &p, NULL, out, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
}

static void
test_preprocess_augment (void)
{
  g_autoptr (CariImage) img = pattern_image (20, 24, 7);
  CariPreprocess p;
  GError *error = NULL;
  CariRng r1, r2, r3;
  cari_preprocess_init (&p, 10);
  p.flip = TRUE;
  p.random_crop = 4;
  p.rotate_degrees = 15.0f;
  g_autofree float *a = g_new (float, 300);
  g_autofree float *b = g_new (float, 300);
  cari_rng_seed (&r1, 9);
  cari_rng_seed (&r2, 9);
  cari_rng_seed (&r3, 10);
  gboolean differs = FALSE;
  for (int k = 0; k < 5; k++)
    {
      g_assert_true (cari_preprocess_image (img, NULL, 0, &p, &r1, a, &error));
      g_assert_no_error (error);
      assert_standardized (a, 300);
      g_assert_true (cari_preprocess_image (img, NULL, 0, &p, &r2, b, &error));
      g_assert_cmpmem (a, 300 * sizeof (float), b, 300 * sizeof (float));
      g_assert_true (cari_preprocess_image (img, NULL, 0, &p, &r3, b, &error));
      differs |= memcmp (a, b, 300 * sizeof (float)) != 0;
    }
  g_assert_true (differs);

  /* Flip alone: over a few draws both the plain and the mirrored image appear. */
  cari_preprocess_init (&p, 10);
  p.flip = TRUE;
  g_autoptr (CariImage) small = cari_image_resize (img, 10, 10, CARI_RESIZE_BILINEAR);
  g_autofree float *plain = g_new (float, 300);
  cari_image_standardize (small, plain);
  cari_image_flip_horizontal (small);
  g_autofree float *mirrored = g_new (float, 300);
  cari_image_standardize (small, mirrored);
  int n_plain = 0, n_mirrored = 0;
  for (int k = 0; k < 20; k++)
    {
      g_assert_true (cari_preprocess_image (img, NULL, 0, &p, &r1, a, &error));
      n_plain += memcmp (a, plain, sizeof (float) * 300) == 0;
      n_mirrored += memcmp (a, mirrored, sizeof (float) * 300) == 0;
    }
  g_assert_cmpint (n_plain + n_mirrored, ==, 20);
  g_assert_cmpint (n_plain, >, 0);
  g_assert_cmpint (n_mirrored, >, 0);
}

static void
test_preprocess_invalid (void)
{
  g_autoptr (CariImage) img = pattern_image (4, 4, 8);
  CariPreprocess p;
  GError *error = NULL;
  float out[3 * 16];
  cari_preprocess_init (&p, 0);
  g_assert_false (cari_preprocess_image (img, NULL, 0, &p, NULL, out, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  cari_preprocess_init (&p, 4);
  p.flip = TRUE; /* augmentation without a generator */
  g_assert_false (cari_preprocess_image (img, NULL, 0, &p, NULL, out, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  cari_preprocess_init (&p, 4);
  p.standardize = FALSE;
  p.std[2] = 0.0f;
  g_assert_false (cari_preprocess_image (img, NULL, 0, &p, NULL, out, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
}

/* ---------------------------------------------------------------------------- reduced */

static void
test_reduction_for (void)
{
  const CariImageTarget whole = { 224, 0, 0 }, face = { 75, 300, 400 };
  g_assert_cmpint (cari_image_reduction_for (NULL, 7000, 7000), ==, 1);
  g_assert_cmpint (cari_image_reduction_for (&whole, 7000, 7000), ==, 8);
  g_assert_cmpint (cari_image_reduction_for (&whole, 7000, 1000), ==, 4);
  g_assert_cmpint (cari_image_reduction_for (&whole, 447, 447), ==, 1); /* < twice: whole */
  g_assert_cmpint (cari_image_reduction_for (&whole, 448, 448), ==, 2);
  g_assert_cmpint (cari_image_reduction_for (&whole, 128, 128), ==, 1); /* upsampled later */
  g_assert_cmpint (cari_image_reduction_for (&face, 7000, 7000), ==, 4);
  g_assert_cmpint (cari_image_reduction_for (&face, 7000, 160), ==, 2); /* region clipped */
}

/* A reduced PNG is the mean of each block of the full one (the edge blocks smaller), whether the
 * file is interlaced or not. */
static void
test_reduced_png (void)
{
  enum { W = 37, H = 29 };
  guint8 raw[W * H * 3];
  CariRng rng;
  cari_rng_seed (&rng, 5);
  for (gsize i = 0; i < sizeof raw; i++)
    raw[i] = (guint8) (cari_rng_uniform (&rng) * 255.0f);
  const CariImageTarget target = { 4, 0, 0 }; /* 29 / 8 < 4: reduced by 4 */
  g_autoptr (GBytes) plain = make_png (W, H, PNG_COLOR_TYPE_RGB, 8, raw, NULL, 0, NULL, 0, NULL,
                                       FALSE);
  g_autoptr (GBytes) interlaced = make_png (W, H, PNG_COLOR_TYPE_RGB, 8, raw, NULL, 0, NULL, 0,
                                            NULL, TRUE);
  g_autoptr (CariImage) full = decode_ok (plain);
  CariImage *reduced[2];
  for (int k = 0; k < 2; k++)
    {
      GError *error = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (k == 0 ? plain : interlaced, &len);
      int r = 0;
      reduced[k] = cari_image_decode_reduced (data, len, "r.png", NULL, &target, &r, &error);
      g_assert_no_error (error);
      g_assert_cmpint (r, ==, 4);
      g_assert_cmpint (reduced[k]->width, ==, 10); /* ⌈37 / 4⌉ */
      g_assert_cmpint (reduced[k]->height, ==, 8); /* ⌈29 / 4⌉ */
    }
  for (int by = 0; by < 8; by++)
    for (int bx = 0; bx < 10; bx++)
      for (int c = 0; c < 3; c++)
        {
          double sum = 0;
          int n = 0;
          for (int y = 4 * by; y < MIN (H, 4 * by + 4); y++)
            for (int x = 4 * bx; x < MIN (W, 4 * bx + 4); x++, n++)
              sum += px (full, c, x, y);
          g_assert_cmpfloat_with_epsilon (px (reduced[0], c, bx, by), sum / n, 1e-6);
          /* The same sums, in the passes' order. */
          g_assert_cmpfloat_with_epsilon (px (reduced[1], c, bx, by), sum / n, 1e-6);
        }
  cari_image_free (reduced[0]);
  cari_image_free (reduced[1]);
}

/* A reduced JPEG (libjpeg's DCT scaling) has ⌈w / r⌉ × ⌈h / r⌉ pixels close to the full image's
 * block means. */
static void
test_reduced_jpeg (void)
{
  g_autofree char *path = tmp_path ("reduced.jpg");
  g_autoptr (CariImage) img = cari_image_new (67, 50);
  GError *error = NULL;
  for (int y = 0; y < 50; y++)
    for (int x = 0; x < 67; x++)
      for (int c = 0; c < 3; c++)
        set_px (img, c, x, y, (float) (0.5 + 0.4 * sin (0.05 * (x + 2 * c) + 0.07 * y)));
  g_assert_true (cari_image_save_jpeg (img, path, 95, &error));
  const CariImageTarget target = { 6, 0, 0 };
  int r = 0;
  g_autoptr (CariImage) full = cari_image_load (path, NULL, &error);
  g_autoptr (CariImage) reduced = cari_image_load_reduced (path, NULL, &target, &r, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r, ==, 8);
  g_assert_cmpint (reduced->width, ==, 9);
  g_assert_cmpint (reduced->height, ==, 7);
  for (int by = 0; by < 6; by++) /* whole blocks */
    for (int bx = 0; bx < 8; bx++)
      for (int c = 0; c < 3; c++)
        {
          double sum = 0;
          for (int y = 8 * by; y < 8 * by + 8; y++)
            for (int x = 8 * bx; x < 8 * bx + 8; x++)
              sum += px (full, c, x, y);
          g_assert_cmpfloat_with_epsilon (px (reduced, c, bx, by), sum / 64, 0.03);
        }
}

/* A 7000 × 7000 PNG (a few hundred KB) and JPEG decoded for a 224-pixel input within 64 MiB more
 * address space: at full size each would take 588 MB of float pixels. */
#if !defined(__SANITIZE_ADDRESS__)
static void
write_large_png (const char *path, int side)
{
  FILE *f = fopen (path, "wb");
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  g_autofree guint8 *row = g_malloc ((gsize) 3 * side);
  g_assert_nonnull (f);
  if (setjmp (png_jmpbuf (png)))
    g_error ("libpng failed to write a test image");
  png_init_io (png, f);
  png_set_compression_level (png, 1);
  png_set_IHDR (png, info, side, side, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  for (int y = 0; y < side; y++)
    {
      for (int i = 0; i < 3 * side; i++)
        row[i] = (guint8) (y / 28 + i / 84);
      png_write_row (png, row);
    }
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  fclose (f);
}

static void
write_large_jpeg (const char *path, int side)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  FILE *f = fopen (path, "wb");
  g_autofree guint8 *row = g_malloc ((gsize) 3 * side);
  g_assert_nonnull (f);
  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_stdio_dest (&cinfo, f);
  cinfo.image_width = side;
  cinfo.image_height = side;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      for (int i = 0; i < 3 * side; i++)
        row[i] = (guint8) (cinfo.next_scanline / 28 + i / 84);
      JSAMPROW rows[1] = { row };
      jpeg_write_scanlines (&cinfo, rows, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  fclose (f);
}

#endif

static void
test_reduced_memory_bounded (void)
{
#if defined(__SANITIZE_ADDRESS__)
  g_test_skip ("ASan reserves more address space than the RLIMIT_AS this test sets");
#else
  if (g_test_subprocess ())
    {
      g_autofree char *png = tmp_path ("huge.png");
      g_autofree char *jpeg = tmp_path ("huge.jpg");
      const CariImageTarget target = { 224, 0, 0 };
      write_large_png (png, 7000);
      write_large_jpeg (jpeg, 7000);
      test_limit_address_space ((gsize) 64 << 20);
      for (int k = 0; k < 2; k++)
        {
          GError *error = NULL;
          int r = 0;
          CariImage *img = cari_image_load_reduced (k == 0 ? png : jpeg, NULL, &target, &r,
                                                    &error);
          g_assert_no_error (error);
          g_assert_cmpint (r, ==, 8);
          g_assert_cmpint (img->width, ==, 875);
          /* The pattern's mean survives the reduction. */
          double centre = (3500 / 28 + 3 * 3500 / 84) / 255.0;
          g_assert_cmpfloat_with_epsilon (px (img, 0, 437, 437), centre, 0.02);
          cari_image_free (img);
        }
      g_remove (png);
      g_remove (jpeg);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
#endif
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("carilab-image-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/image/png/gray", test_png_gray);
  g_test_add_func ("/image/png/gray-2bit", test_png_gray_2bit);
  g_test_add_func ("/image/png/gray-alpha", test_png_gray_alpha);
  g_test_add_func ("/image/png/rgb", test_png_rgb);
  g_test_add_func ("/image/png/rgb-colour-key", test_png_rgb_key);
  g_test_add_func ("/image/png/rgba", test_png_rgba);
  g_test_add_func ("/image/png/palette", test_png_palette);
  g_test_add_func ("/image/png/16bit", test_png_16bit);
  g_test_add_func ("/image/png/interlaced", test_png_interlaced);
  g_test_add_func ("/image/jpeg/rgb", test_jpeg_rgb);
  g_test_add_func ("/image/jpeg/gray", test_jpeg_gray);
  g_test_add_func ("/image/jpeg/cmyk", test_jpeg_cmyk);
  g_test_add_func ("/image/load/png-bytes-named-jpg", test_png_bytes_named_jpg);
  g_test_add_func ("/image/error/empty-text-missing", test_error_empty_and_text);
  g_test_add_func ("/image/error/truncated", test_error_truncated);
  g_test_add_func ("/image/error/corrupt", test_error_corrupt);
  g_test_add_func ("/image/error/too-large", test_error_too_large);
  g_test_add_func ("/image/error/big-file-unread", test_error_big_file_unread);
  g_test_add_func ("/image/reduced/reduction-for", test_reduction_for);
  g_test_add_func ("/image/reduced/png-block-means", test_reduced_png);
  g_test_add_func ("/image/reduced/jpeg-scaled", test_reduced_jpeg);
  g_test_add_func ("/image/reduced/7000px-memory-bounded", test_reduced_memory_bounded);
  g_test_add_func ("/image/save/png-round-trip", test_save_png_round_trip);
  g_test_add_func ("/image/resize/constant", test_resize_constant);
  g_test_add_func ("/image/resize/area", test_resize_area);
  g_test_add_func ("/image/resize/bilinear", test_resize_bilinear);
  g_test_add_func ("/image/crop", test_crop);
  g_test_add_func ("/image/flip", test_flip);
  g_test_add_func ("/image/rotate", test_rotate);
  g_test_add_func ("/image/standardize", test_standardize);
  g_test_add_func ("/image/landmark-box", test_landmark_box);
  g_test_add_func ("/image/preprocess/authors", test_preprocess_authors);
  g_test_add_func ("/image/preprocess/landmarks", test_preprocess_landmarks);
  g_test_add_func ("/image/preprocess/augment", test_preprocess_augment);
  g_test_add_func ("/image/preprocess/invalid", test_preprocess_invalid);

  status = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return status;
}
