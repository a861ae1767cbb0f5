/* image-peak.c — the peak memory of the loader decoding one image, for docs/import.md.
 *
 *   image-peak make-png FILE SIDE            a SIDE × SIDE RGB PNG (smooth pattern, small file)
 *   image-peak make-jpeg FILE SIDE [progressive]   the same as a JPEG (quality 90)
 *   image-peak load FILE [INPUT]             a one-image index over FILE, a loader for an
 *                                            INPUT-pixel network (default 224), one image loaded;
 *                                            prints the time and the process's peak resident set
 *
 * Run each step as its own process (bench/image-peak.sh does), so that making the file does not
 * count in the peak. Only the engine's public API is used, so the same file builds against an
 * older libcari to measure "before". */
#include <cari.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <jpeglib.h>
#include <png.h>

/* A smooth pattern that compresses well, as a flat scan of a drawing does. */
static void
pattern_row (guint8 *row, int side, int y)
{
  for (int i = 0; i < 3 * side; i++)
    row[i] = (guint8) (y / 28 + i / 84);
}

static int
make_png (const char *path, int side)
{
  FILE *f = fopen (path, "wb");
  if (f == NULL)
    return 1;
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  g_autofree guint8 *row = g_malloc ((gsize) 3 * side);
  if (setjmp (png_jmpbuf (png)))
    return 1;
  png_init_io (png, f);
  png_set_compression_level (png, 9);
  png_set_IHDR (png, info, side, side, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  for (int y = 0; y < side; y++)
    {
      pattern_row (row, side, y);
      png_write_row (png, row);
    }
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  return fclose (f) != 0;
}

static int
make_jpeg (const char *path, int side, gboolean progressive)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  FILE *f = fopen (path, "wb");
  if (f == NULL)
    return 1;
  g_autofree guint8 *row = g_malloc ((gsize) 3 * side);
  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_stdio_dest (&cinfo, f);
  cinfo.image_width = side;
  cinfo.image_height = side;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 90, TRUE);
  if (progressive)
    jpeg_simple_progression (&cinfo);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW rows[1] = { row };
      pattern_row (row, side, (int) cinfo.next_scanline);
      jpeg_write_scanlines (&cinfo, rows, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  return fclose (f) != 0;
}

static int
load (const char *path, int input)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr (CariDatasetIndex) index = cari_dataset_index_new ("one", "folder", dir);
  int identity = cari_dataset_index_add_identity (index, "someone");
  cari_dataset_index_add_image (index, identity, CARI_MODALITY_PHOTO, base, NULL, 0);
  CariLoaderConfig lc;
  cari_loader_config_init (&lc, input);
  lc.threads = 1;
  lc.validation_fraction = 0;
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (CariDataSource) src = cari_loader_new (index, "none", 0, &lc, &error);
  g_autofree float *dst = g_new (float, (gsize) 3 * input * input);
  const int which = 0;
  if (src == NULL || !cari_data_source_load (src, &which, 1, dst, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  double seconds = (double) (g_get_monotonic_time () - t0) * 1e-6;
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  printf ("%s\t%.1f MB peak\t%.2f s\n", base, ru.ru_maxrss / 1024.0, seconds);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc >= 4 && strcmp (argv[1], "make-png") == 0)
    return make_png (argv[2], atoi (argv[3]));
  if (argc >= 4 && strcmp (argv[1], "make-jpeg") == 0)
    return make_jpeg (argv[2], atoi (argv[3]), argc > 4 && strcmp (argv[4], "progressive") == 0);
  if (argc >= 3 && strcmp (argv[1], "load") == 0)
    return load (argv[2], argc > 3 ? atoi (argv[3]) : 224);
  fprintf (stderr, "usage: %s make-png|make-jpeg FILE SIDE [progressive] | load FILE [INPUT]\n",
           argv[0]);
  return 2;
}
