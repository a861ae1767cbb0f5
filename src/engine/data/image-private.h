/* image-private.h — what image.c, image-decode.c and image-encode.c share. */
#pragma once

#include "data/image.h"

#include <setjmp.h>
#include <stdio.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

G_BEGIN_DECLS

/* As cari_image_new, but NULL when the pixels cannot be allocated (decoded sizes come from
 * files, so running out of memory is an error to report, not a reason to abort). */
CariImage *cari_image_try_new (int width, int height);

typedef struct
{
  struct jpeg_error_mgr pub; /* first: libjpeg sees only this */
  jmp_buf jump;
  gboolean truncated;
  gboolean too_many_scans;
  char message[JMSG_LENGTH_MAX];
} CariJpegErrors;

/* libjpeg's standard error manager with errors that longjmp to e->jump (keeping the message),
 * a truncated file (libjpeg only warns) that does too, and nothing printed. */
void cari_jpeg_errors_init (CariJpegErrors *e);
/* libpng's last error, where cari_png_on_error keeps it: a codec's error pointer. */
typedef struct
{
  char text[256];
} CariPngMessage;

/* libpng's error handler: the message into the CariPngMessage that is the error pointer, then
 * a longjmp to the codec's setjmp. */
void cari_png_on_error (png_structp png, png_const_charp msg);
/* libpng's warning handler: warnings do not stop a codec and are not printed. */
void cari_png_on_warning (png_structp png, png_const_charp msg);

G_END_DECLS
