/* image.c — images in memory: resizing, cropping, flipping, rotating, standardisation and the
 * preprocessing pipeline (decoding is in image-decode.c, saving in image-encode.c). */
#include "data/image-private.h"

#include "core/error.h"
#include "core/i18n.h"

#include <math.h>
#include <string.h>

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
CariImage *
cari_image_try_new (int width, int height)
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
  cari_standardize (img->pixels, dst, (gsize) 3 * img->width * img->height);
}

void
cari_standardize (const float *x, float *dst, gsize n)
{
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
