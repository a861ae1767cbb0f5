/* image.h — decoding and saving PNG and JPEG images, the geometric operations the data pipeline
 * needs, and the preprocessing that turns a decoded image into a network input.
 *
 * An image is planar float RGB in [0, 1]: pixels [3, height, width], the layout of one NCHW
 * sample. Decoding recognises the format by content, never by file name, refuses images whose
 * header declares more pixels than the limits allow before allocating anything for them, and
 * reports every bad file as an error that names it (never a crash, never an exit).
 */
#pragma once

#include "core/rng.h"

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int width, height;
  float *pixels; /* [3, height, width], RGB in [0, 1], owned */
} CariImage;

/* Limits against hostile or broken files; a 0 field takes its default. */
typedef struct
{
  gsize max_bytes;   /* largest encoded file (bytes) accepted; default 256 MiB */
  gint64 max_pixels; /* largest width × height accepted; default 50 Mpx */
} CariImageLimits;

#define CARI_IMAGE_DEFAULT_MAX_BYTES ((gsize) 256 << 20)
#define CARI_IMAGE_DEFAULT_MAX_PIXELS ((gint64) 50000000)

/* A zeroed width × height image (both > 0). */
CariImage *cari_image_new (int width, int height);
void       cari_image_free (CariImage *img);

/* PNG or JPEG, recognised by its magic bytes (some datasets store PNG bytes in .jpg files).
 * Gray, gray + alpha, RGB, RGBA, palette (with transparency), 1- to 16-bit PNGs and gray, RGB or
 * CMYK JPEGs become RGB floats; alpha is composited on white. `name` (the file's path) is only
 * used in messages. Errors (CARI_ERROR domain):
 *   CARI_ERROR_CORRUPT    empty, not a PNG or JPEG, truncated, or damaged data;
 *   CARI_ERROR_INVALID_ARGUMENT  larger than `limits` (from the header, before decoding);
 *   CARI_ERROR_NO_MEMORY  the pixels could not be allocated.
 * `limits` may be NULL (defaults). */
CariImage *cari_image_decode (const guint8 *data, gsize len, const char *name,
                              const CariImageLimits *limits, GError **error);
/* Reads `path` (CARI_ERROR_IO when it cannot; a file over max_bytes is refused before reading)
 * and decodes it. */
CariImage *cari_image_load (const char *path, const CariImageLimits *limits, GError **error);

/* What a consumer needs of an image, so that a large one can be decoded reduced: `side` pixels
 * across a region of `region_width` × `region_height` of the original's pixels (≤ 0: the whole
 * image; a region larger than the image counts as the image), in each direction. */
typedef struct
{
  int side;             /* ≤ 0: the image at full size */
  double region_width;  /* ≤ 0: the image's width */
  double region_height; /* ≤ 0: the image's height */
} CariImageTarget;

/* The reduction an image of width × height is decoded at for `target` (NULL: full size): the
 * largest of 1, 2, 4 and 8 that still leaves `side` pixels across the region, so an image less
 * than twice the size needed is decoded whole. */
int cari_image_reduction_for (const CariImageTarget *target, int width, int height);

/* As cari_image_decode / cari_image_load, reduced by r = cari_image_reduction_for (target, …)
 * in each direction: ⌈width / r⌉ × ⌈height / r⌉ pixels. A JPEG is reduced by libjpeg-turbo's
 * DCT scaling, a PNG row by row (each output pixel the mean of the r × r block it covers), so no
 * full-size pixel buffer is ever held; every byte of the file is still decoded, so a damaged file
 * fails whatever the reduction. `limits` apply to the file and the size its header declares.
 * `reduction` (may be NULL) receives r. */
CariImage *cari_image_decode_reduced (const guint8 *data, gsize len, const char *name,
                                      const CariImageLimits *limits,
                                      const CariImageTarget *target, int *reduction,
                                      GError **error);
CariImage *cari_image_load_reduced (const char *path, const CariImageLimits *limits,
                                    const CariImageTarget *target, int *reduction,
                                    GError **error);

/* 8-bit RGB; values are clamped to [0, 1] and rounded. JPEG uses 4:4:4 chroma (no subsampling)
 * and quality 1..100. CARI_ERROR_IO when the file cannot be written. */
gboolean cari_image_save_png (const CariImage *img, const char *path, GError **error);
gboolean cari_image_save_jpeg (const CariImage *img, const char *path, int quality,
                               GError **error);

typedef enum
{
  CARI_RESIZE_BILINEAR, /* half-pixel centres (align_corners = false), edges clamped */
  CARI_RESIZE_AREA,     /* each output pixel = exact average of the source area it covers */
} CariResizeMode;

/* A new width × height image (both > 0). */
CariImage *cari_image_resize (const CariImage *img, int width, int height, CariResizeMode mode);
/* The width × height window at (x, y); the part of it outside the image is 0. */
CariImage *cari_image_crop (const CariImage *img, int x, int y, int width, int height);
void       cari_image_flip_horizontal (CariImage *img);
/* Rotated about the centre by `degrees` (positive = counter-clockwise as displayed), bilinear,
 * same size; what comes from outside the image is 0. */
CariImage *cari_image_rotate (const CariImage *img, float degrees);

/* The authors' per-image standardisation: (x − mean) / max(std, 1/sqrt(N)) with the mean and
 * std over all N = 3·H·W values, written into dst [3, H, W] (may be img->pixels). */
void cari_image_standardize (const CariImage *img, float *dst);
/* The same over the n values of x, into dst (may be x). */
void cari_standardize (const float *x, float *dst, gsize n);

/* The authors' landmark face crop (REFERENCE §5): the bounding box of the points xy [n_points, 2]
 * (pixel coordinates), about the same centre, width × 1.5 and height × 1.2, edges rounded to the
 * nearest pixel and clipped to the image. box = { x, y, w, h }. FALSE when n_points < 2, a point is
 * not finite, or the box is empty (then box is untouched). */
gboolean cari_landmark_crop_box (const float *xy, int n_points, int img_width, int img_height,
                                 int box[4]);

typedef struct
{
  int size;               /* output side (square) */
  gboolean landmark_crop; /* crop to the landmark box first (needs landmarks) */
  gboolean standardize;   /* per-image standardisation (default TRUE);
                           * else (x − mean[c]) / std[c] */
  float mean[3], std[3];  /* default 0.5 and 0.5 (maps [0, 1] to [−1, 1]) */
  gboolean flip;          /* augmentation: random horizontal flip (p = 0.5) */
  int random_crop;        /* augmentation: resize to size + random_crop, then a random size × size
                           * crop; 0 = off */
  float rotate_degrees;   /* augmentation: uniform random rotation in [−d, d]; 0 = off */
} CariPreprocess;

/* The authors': whole image resized (bilinear) to size × size, standardised, no augmentation. */
void     cari_preprocess_init (CariPreprocess *p, int size);
/* img → dst [3, size, size]: landmark crop (when asked and landmarks [n_landmarks, 2] are given;
 * an empty box is an error), bilinear resize to size + random_crop, rotation, random crop, flip,
 * then standardisation. rng is used only by the augmentations, always in that order, so a seed
 * gives the same output. CARI_ERROR_INVALID_ARGUMENT for bad parameters or landmarks. */
gboolean cari_preprocess_image (const CariImage *img, const float *landmarks, int n_landmarks,
                                const CariPreprocess *p, CariRng *rng, float *dst,
                                GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariImage, cari_image_free)

G_END_DECLS
