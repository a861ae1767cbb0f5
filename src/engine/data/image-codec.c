/* image-codec.c — what the PNG and JPEG decoders and encoders share: libjpeg's error manager
 * (errors longjmp back to the codec's `*_run` function; nothing is printed) and libpng's
 * error and warning handlers (errors likewise). */
#include "data/image-private.h"

void
cari_png_on_error (png_structp png, png_const_charp msg)
{
  CariPngMessage *message = png_get_error_ptr (png);
  g_strlcpy (message->text, msg, sizeof message->text);
  png_longjmp (png, 1);
}

void
cari_png_on_warning (png_structp png, png_const_charp msg)
{
  /* Warnings (a bad ancillary chunk, an unknown profile) do not stop decoding and are not for the
   * engine to print. */
}

static void
jpeg_on_error (j_common_ptr cinfo)
{
  CariJpegErrors *e = (CariJpegErrors *) cinfo->err;
  (*cinfo->err->format_message) (cinfo, e->message);
  longjmp (e->jump, 1);
}

static void
jpeg_on_message (j_common_ptr cinfo, int level)
{
  CariJpegErrors *e = (CariJpegErrors *) cinfo->err;
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

void
cari_jpeg_errors_init (CariJpegErrors *e)
{
  jpeg_std_error (&e->pub);
  e->pub.error_exit = jpeg_on_error;
  e->pub.emit_message = jpeg_on_message;
  e->pub.output_message = jpeg_on_output;
}
