/* syncari.c — the SynCari generator: faces, styles, post-processing, files and protocols. */
#include "data/syncari.h"

#include "core/error.h"
#include "core/i18n.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "data/image.h"

#include <cairo.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------------- identities */

enum
{
  P_HEAD_W, P_HEAD_H, P_JAW, P_CHIN, P_EYE_Y, P_EYE_DX, P_EYE_W, P_EYE_H, P_BROW_Y, P_BROW_TILT,
  P_BROW_THICK, P_NOSE_LEN, P_NOSE_W, P_MOUTH_Y, P_MOUTH_W, P_LIP, P_EAR, P_HAIR_VOL,
  P_HAIRLINE, N_PARAMS
};

/* Mean face and spread of each parameter, in units of half the face height. */
static const struct
{
  double mean, sd, lo, hi;
} params[N_PARAMS] = {
  [P_HEAD_W] = { 0.70, 0.05, 0.45, 0.95 },    [P_HEAD_H] = { 0.95, 0.04, 0.75, 1.15 },
  [P_JAW] = { 0.78, 0.07, 0.45, 1.05 },       [P_CHIN] = { 0.10, 0.04, -0.05, 0.30 },
  [P_EYE_Y] = { -0.05, 0.04, -0.25, 0.12 },   [P_EYE_DX] = { 0.27, 0.03, 0.16, 0.40 },
  [P_EYE_W] = { 0.12, 0.015, 0.06, 0.20 },    [P_EYE_H] = { 0.05, 0.008, 0.025, 0.09 },
  [P_BROW_Y] = { 0.11, 0.02, 0.05, 0.20 },    [P_BROW_TILT] = { 0.0, 0.12, -0.45, 0.45 },
  [P_BROW_THICK] = { 0.025, 0.007, 0.008, 0.06 }, [P_NOSE_LEN] = { 0.25, 0.035, 0.12, 0.42 },
  [P_NOSE_W] = { 0.10, 0.018, 0.05, 0.20 },   [P_MOUTH_Y] = { 0.45, 0.035, 0.30, 0.62 },
  [P_MOUTH_W] = { 0.23, 0.03, 0.12, 0.40 },   [P_LIP] = { 0.035, 0.008, 0.012, 0.07 },
  [P_EAR] = { 0.16, 0.025, 0.08, 0.28 },      [P_HAIR_VOL] = { 0.12, 0.05, 0.0, 0.35 },
  [P_HAIRLINE] = { 0.62, 0.06, 0.40, 0.85 },
};

typedef struct
{
  double z[N_PARAMS]; /* deviation from the mean face, in standard deviations */
  int hair_style;     /* 0 short, 1 long, 2 receding, 3 curly */
  double hair[3], skin[3], iris[3];
  gboolean glasses, beard;
} Identity;

static void
identity_sample (Identity *id, guint64 seed, int index)
{
  static const double skins[][3] = { { 0.96, 0.80, 0.69 }, { 0.88, 0.67, 0.52 },
                                     { 0.76, 0.55, 0.40 }, { 0.55, 0.38, 0.26 },
                                     { 0.40, 0.27, 0.19 } };
  static const double hairs[][3] = { { 0.08, 0.06, 0.05 }, { 0.30, 0.18, 0.10 },
                                     { 0.80, 0.65, 0.35 }, { 0.60, 0.25, 0.10 },
                                     { 0.65, 0.65, 0.65 } };
  static const double irises[][3] = { { 0.30, 0.20, 0.10 }, { 0.20, 0.40, 0.65 },
                                      { 0.25, 0.45, 0.25 } };
  CariRng rng;
  cari_rng_seed (&rng, seed * 0x9e3779b97f4a7c15ULL + (guint64) index * 7919 + 1);
  for (int p = 0; p < N_PARAMS; p++)
    id->z[p] = CLAMP (cari_rng_normal (&rng), -2.5, 2.5);
  id->hair_style = (int) cari_rng_below (&rng, 4);
  const double *s = skins[cari_rng_below (&rng, G_N_ELEMENTS (skins))];
  const double *h = hairs[cari_rng_below (&rng, G_N_ELEMENTS (hairs))];
  const double *e = irises[cari_rng_below (&rng, G_N_ELEMENTS (irises))];
  for (int c = 0; c < 3; c++)
    {
      id->skin[c] = CLAMP (s[c] + 0.04 * cari_rng_normal (&rng), 0.0, 1.0);
      id->hair[c] = CLAMP (h[c] + 0.05 * cari_rng_normal (&rng), 0.0, 1.0);
      id->iris[c] = e[c];
    }
  id->glasses = cari_rng_uniform (&rng) < 0.25f;
  id->beard = cari_rng_uniform (&rng) < 0.25f;
}

/* A parameter's value with the deviation exaggerated by k (1 for photos). */
static double
param (const Identity *id, int p, double k)
{
  return CLAMP (params[p].mean + k * params[p].sd * id->z[p], params[p].lo, params[p].hi);
}

/* ---------------------------------------------------------------------------- drawing */

typedef enum
{
  STYLE_PHOTO,
  STYLE_LINE,   /* black strokes on paper */
  STYLE_FLAT,   /* flat colours with thick outlines */
  STYLE_SKETCH, /* pencil: jittered grey strokes and hatching */
  N_STYLES
} Style;

typedef struct
{
  Style style;
  double k;                 /* exaggeration */
  double yaw, roll, scale, dx, dy;
  double smile, open;       /* expression */
  double line;              /* stroke width (face units) */
  double paper[3], bg[3];
  CariRng *rng;
  double landmarks[17][2];  /* face units, filled while drawing */
} Drawing;

static void
set_rgb (cairo_t *cr, const double *c, double scale)
{
  cairo_set_source_rgb (cr, CLAMP (c[0] * scale, 0, 1), CLAMP (c[1] * scale, 0, 1),
                        CLAMP (c[2] * scale, 0, 1));
}

/* Fill and/or stroke the current path as the style draws it. */
static void
paint (cairo_t *cr, const Drawing *d, const double *colour, gboolean closed, double weight)
{
  switch (d->style)
    {
    case STYLE_PHOTO:
      if (closed && colour != NULL)
        {
          set_rgb (cr, colour, 1.0);
          cairo_fill_preserve (cr);
          set_rgb (cr, colour, 0.75);
          cairo_set_line_width (cr, d->line * 0.5 * weight);
        }
      else
        {
          set_rgb (cr, colour != NULL ? colour : (const double[]) { 0.2, 0.15, 0.12 }, 0.8);
          cairo_set_line_width (cr, d->line * weight);
        }
      cairo_stroke (cr);
      break;
    case STYLE_LINE:
      cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
      cairo_set_line_width (cr, d->line * weight);
      cairo_stroke (cr);
      break;
    case STYLE_FLAT:
      if (closed && colour != NULL)
        {
          /* Posterised, more saturated colour. */
          double m = (colour[0] + colour[1] + colour[2]) / 3.0, c[3];
          for (int i = 0; i < 3; i++)
            c[i] = CLAMP (m + 1.6 * (colour[i] - m), 0.0, 1.0);
          set_rgb (cr, c, 1.0);
          cairo_fill_preserve (cr);
        }
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_set_line_width (cr, d->line * 1.6 * weight);
      cairo_stroke (cr);
      break;
    case STYLE_SKETCH:
      {
        /* Two or three light passes, each slightly offset. */
        cairo_path_t *path = cairo_copy_path (cr);
        cairo_new_path (cr);
        for (int pass = 0; pass < 3; pass++)
          {
            cairo_save (cr);
            cairo_translate (cr, 0.012 * cari_rng_normal (d->rng), 0.012 * cari_rng_normal (d->rng));
            cairo_append_path (cr, path);
            cairo_set_source_rgba (cr, 0.15, 0.15, 0.18, 0.45);
            cairo_set_line_width (cr, d->line * 0.7 * weight);
            cairo_stroke (cr);
            cairo_restore (cr);
          }
        cairo_path_destroy (path);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
ellipse_path (cairo_t *cr, double x, double y, double rx, double ry)
{
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, MAX (rx, 1e-4), MAX (ry, 1e-4));
  cairo_new_sub_path (cr);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
}

/* The head outline: forehead, cheeks, jaw and chin, symmetric. */
static void
head_path (cairo_t *cr, double W, double H, double J, double C)
{
  cairo_move_to (cr, 0, -H);
  cairo_curve_to (cr, W * 0.62, -H, W, -H * 0.6, W, -H * 0.1);
  cairo_curve_to (cr, W, H * 0.3, J * W * 1.05, H * 0.55, J * W * 0.6, H * 0.78);
  cairo_curve_to (cr, J * W * 0.35, C * 0.97, W * 0.18, C, 0, C);
  cairo_curve_to (cr, -W * 0.18, C, -J * W * 0.35, C * 0.97, -J * W * 0.6, H * 0.78);
  cairo_curve_to (cr, -J * W * 1.05, H * 0.55, -W, H * 0.3, -W, -H * 0.1);
  cairo_curve_to (cr, -W, -H * 0.6, -W * 0.62, -H, 0, -H);
  cairo_close_path (cr);
}

static void
draw_face (cairo_t *cr, const Identity *id, Drawing *d)
{
  const double k = d->k;
  const double W = param (id, P_HEAD_W, k), H = param (id, P_HEAD_H, k);
  const double J = param (id, P_JAW, k), C = H + param (id, P_CHIN, k);
  const double ey = param (id, P_EYE_Y, k), edx = param (id, P_EYE_DX, k);
  const double ew = param (id, P_EYE_W, k), eh = param (id, P_EYE_H, k) * d->open;
  const double by = ey - param (id, P_BROW_Y, k), tilt = param (id, P_BROW_TILT, k);
  const double bt = param (id, P_BROW_THICK, k);
  const double nl = param (id, P_NOSE_LEN, k), nw = param (id, P_NOSE_W, k);
  const double my = param (id, P_MOUTH_Y, k), mw = param (id, P_MOUTH_W, k);
  const double lip = param (id, P_LIP, k), ear = param (id, P_EAR, k);
  const double vol = param (id, P_HAIR_VOL, k), hl = param (id, P_HAIRLINE, k);
  /* Yaw moves the features sideways, the nose most; the far ear hides a little. */
  const double fx = d->yaw * 0.25, nx = d->yaw * 0.4;
  const double black[3] = { 0.1, 0.1, 0.1 }, white[3] = { 0.97, 0.97, 0.97 };
  const double lips[3] = { MIN (id->skin[0] * 1.0, 0.85), id->skin[1] * 0.55, id->skin[2] * 0.55 };

  /* Long hair behind the head. */
  if (id->hair_style == 1)
    {
      cairo_new_path (cr);
      cairo_move_to (cr, -W - vol, -H * 0.3);
      cairo_curve_to (cr, -W - vol, H * 0.8, -W * 0.8, H * 1.3, -W * 0.6, H * 1.35);
      cairo_line_to (cr, W * 0.6, H * 1.35);
      cairo_curve_to (cr, W * 0.8, H * 1.3, W + vol, H * 0.8, W + vol, -H * 0.3);
      cairo_close_path (cr);
      paint (cr, d, id->hair, TRUE, 1.0);
    }
  /* Neck and shoulders (photos only: caricatures are heads). */
  if (d->style == STYLE_PHOTO)
    {
      double shirt[3] = { 0.2 + 0.6 * cari_rng_uniform (d->rng), 0.2 + 0.6 * cari_rng_uniform (d->rng),
                          0.2 + 0.6 * cari_rng_uniform (d->rng) };
      cairo_new_path (cr);
      cairo_rectangle (cr, -W * 0.35, C * 0.8, W * 0.7, 0.5);
      paint (cr, d, id->skin, TRUE, 0.5);
      cairo_new_path (cr);
      cairo_move_to (cr, -W * 2.2, 2.0);
      cairo_curve_to (cr, -W * 2.0, C + 0.25, -W * 0.8, C + 0.2, 0, C + 0.22);
      cairo_curve_to (cr, W * 0.8, C + 0.2, W * 2.0, C + 0.25, W * 2.2, 2.0);
      cairo_close_path (cr);
      paint (cr, d, shirt, TRUE, 1.0);
    }
  /* Ears. */
  for (int side = -1; side <= 1; side += 2)
    {
      double ex = side * (W + ear * 0.25) + fx * (side > 0 ? -0.5 : 0.5);
      cairo_new_path (cr);
      ellipse_path (cr, ex, ey + 0.08, ear * 0.45, ear);
      paint (cr, d, id->skin, TRUE, 1.0);
      d->landmarks[side < 0 ? 1 : 3][0] = side * (W + ear * 0.45) + fx * (side > 0 ? -0.5 : 0.5);
      d->landmarks[side < 0 ? 1 : 3][1] = ey + 0.08;
    }
  /* The head, shaded for photos. */
  cairo_new_path (cr);
  head_path (cr, W, H, J, C);
  if (d->style == STYLE_PHOTO)
    {
      cairo_pattern_t *g = cairo_pattern_create_radial (-0.2 + fx, -0.3, 0.1, 0, 0, 1.3);
      cairo_pattern_add_color_stop_rgb (g, 0, MIN (id->skin[0] * 1.1, 1), MIN (id->skin[1] * 1.1, 1),
                                        MIN (id->skin[2] * 1.1, 1));
      cairo_pattern_add_color_stop_rgb (g, 1, id->skin[0] * 0.7, id->skin[1] * 0.7,
                                        id->skin[2] * 0.7);
      cairo_set_source (cr, g);
      cairo_fill_preserve (cr);
      cairo_pattern_destroy (g);
      set_rgb (cr, id->skin, 0.6);
      cairo_set_line_width (cr, d->line * 0.4);
      cairo_stroke (cr);
    }
  else
    paint (cr, d, id->skin, TRUE, 1.2);
  d->landmarks[2][0] = 0;
  d->landmarks[2][1] = C;
  d->landmarks[0][0] = fx * 0.5;
  d->landmarks[0][1] = -H * hl;

  /* Sketch shading: hatching on the shadow side of the face. */
  if (d->style == STYLE_SKETCH)
    {
      cairo_save (cr);
      cairo_new_path (cr);
      head_path (cr, W, H, J, C);
      cairo_clip (cr);
      cairo_set_source_rgba (cr, 0.2, 0.2, 0.25, 0.35);
      cairo_set_line_width (cr, d->line * 0.4);
      for (double t = -1.5; t < 1.5; t += 0.07)
        {
          cairo_move_to (cr, W * 0.35 + t * 0.3, -H);
          cairo_line_to (cr, W * 0.35 + t * 0.3 + 0.8, C);
        }
      cairo_stroke (cr);
      cairo_restore (cr);
    }

  /* Beard. */
  if (id->beard)
    {
      cairo_new_path (cr);
      cairo_move_to (cr, -J * W * 0.95, H * 0.35);
      cairo_curve_to (cr, -J * W * 0.9, C * 0.9, -W * 0.3, C + 0.06, 0, C + 0.06);
      cairo_curve_to (cr, W * 0.3, C + 0.06, J * W * 0.9, C * 0.9, J * W * 0.95, H * 0.35);
      cairo_curve_to (cr, J * W * 0.6, my + 0.02, -J * W * 0.6, my + 0.02, -J * W * 0.95, H * 0.35);
      cairo_close_path (cr);
      paint (cr, d, id->hair, TRUE, 0.8);
    }

  /* Eyes. */
  for (int side = -1; side <= 1; side += 2)
    {
      double x = side * edx + fx, outer = x + side * ew, inner = x - side * ew;
      cairo_new_path (cr);
      cairo_move_to (cr, outer, ey);
      cairo_curve_to (cr, x + side * ew * 0.5, ey - eh * 1.3, x - side * ew * 0.5, ey - eh * 1.3,
                      inner, ey);
      cairo_curve_to (cr, x - side * ew * 0.5, ey + eh * 1.1, x + side * ew * 0.5, ey + eh * 1.1,
                      outer, ey);
      cairo_close_path (cr);
      paint (cr, d, white, TRUE, 0.8);
      cairo_new_path (cr);
      ellipse_path (cr, x + d->yaw * 0.03, ey, MIN (eh, ew * 0.45), MIN (eh, ew * 0.45));
      paint (cr, d, d->style == STYLE_LINE || d->style == STYLE_SKETCH ? NULL : id->iris, TRUE,
             0.6);
      if (d->style != STYLE_SKETCH)
        {
          cairo_new_path (cr);
          ellipse_path (cr, x + d->yaw * 0.03, ey, eh * 0.35, eh * 0.35);
          set_rgb (cr, black, 1.0);
          cairo_fill (cr);
        }
      int o = side < 0 ? 8 : 11, in = side < 0 ? 9 : 10;
      d->landmarks[o][0] = outer;
      d->landmarks[o][1] = ey;
      d->landmarks[in][0] = inner;
      d->landmarks[in][1] = ey;

      /* Brow: outer end raised by the tilt. */
      double bo_x = x + side * ew * 1.15, bi_x = x - side * ew * 0.9;
      double bo_y = by - tilt * 0.08, bi_y = by + tilt * 0.08;
      cairo_new_path (cr);
      cairo_move_to (cr, bi_x, bi_y);
      cairo_curve_to (cr, x, by - 0.03, x + side * ew * 0.6, by - 0.03, bo_x, bo_y);
      cairo_save (cr);
      if (d->style == STYLE_LINE || d->style == STYLE_SKETCH)
        paint (cr, d, NULL, FALSE, 1.2 + bt * 40);
      else
        {
          set_rgb (cr, id->hair, d->style == STYLE_FLAT ? 0.6 : 0.8);
          cairo_set_line_width (cr, bt);
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
          cairo_stroke (cr);
        }
      cairo_restore (cr);
      int bo = side < 0 ? 4 : 7, bi = side < 0 ? 5 : 6;
      d->landmarks[bo][0] = bo_x;
      d->landmarks[bo][1] = bo_y;
      d->landmarks[bi][0] = bi_x;
      d->landmarks[bi][1] = bi_y;
    }

  /* Nose: bridge line and the nostril curve. */
  double ny = ey + nl, tip_x = nx;
  cairo_new_path (cr);
  cairo_move_to (cr, fx + 0.02, ey + 0.06);
  cairo_curve_to (cr, tip_x + nw * 0.3, ey + nl * 0.6, tip_x + nw * 0.6, ny - 0.02, tip_x + nw * 0.4,
                  ny + 0.02);
  cairo_curve_to (cr, tip_x + nw * 0.2, ny + 0.05, tip_x - nw * 0.2, ny + 0.05, tip_x - nw * 0.5,
                  ny + 0.015);
  paint (cr, d, NULL, FALSE, 0.8);
  d->landmarks[12][0] = tip_x;
  d->landmarks[12][1] = ny + 0.02;

  /* Mouth: corners lift with the smile. */
  double cx = fx * 0.8, lift = d->smile * 0.04;
  cairo_new_path (cr);
  cairo_move_to (cr, cx - mw / 2, my - lift);
  cairo_curve_to (cr, cx - mw / 4, my - lip, cx + mw / 4, my - lip, cx + mw / 2, my - lift);
  cairo_curve_to (cr, cx + mw / 4, my + lip * 1.2 + lift, cx - mw / 4, my + lip * 1.2 + lift,
                  cx - mw / 2, my - lift);
  cairo_close_path (cr);
  paint (cr, d, lips, TRUE, 0.8);
  d->landmarks[13][0] = cx;
  d->landmarks[13][1] = my - lip * 0.75;
  d->landmarks[14][0] = cx - mw / 2;
  d->landmarks[14][1] = my - lift;
  d->landmarks[15][0] = cx;
  d->landmarks[15][1] = my + lip * 0.9 + lift * 0.75;
  d->landmarks[16][0] = cx + mw / 2;
  d->landmarks[16][1] = my - lift;

  /* Hair on top. */
  cairo_new_path (cr);
  switch (id->hair_style)
    {
    case 2: /* receding: tufts above the ears */
      for (int side = -1; side <= 1; side += 2)
        {
          cairo_new_sub_path (cr);
          ellipse_path (cr, side * W * 0.92, -H * 0.35, 0.09 + vol * 0.3, 0.22);
        }
      break;
    case 3: /* curly: a crown of circles */
      for (int i = 0; i <= 8; i++)
        {
          double a = G_PI * (1.05 + 0.9 * i / 8.0);
          cairo_new_sub_path (cr);
          cairo_arc (cr, (W + vol * 0.5) * cos (a), -H * 0.45 + (H * 0.75 + vol * 0.5) * sin (a),
                     0.12 + vol * 0.4, 0, 2 * G_PI);
        }
      break;
    default: /* short or long: a cap down to the hairline */
      cairo_move_to (cr, -W * 1.03, -H * 0.15);
      cairo_curve_to (cr, -W - vol, -H - vol * 1.5, W + vol, -H - vol * 1.5, W * 1.03, -H * 0.15);
      cairo_curve_to (cr, W * 0.8, -H * hl * 0.9, W * 0.3, -H * hl, fx * 0.5, -H * hl);
      cairo_curve_to (cr, -W * 0.3, -H * hl, -W * 0.8, -H * hl * 0.9, -W * 1.03, -H * 0.15);
      cairo_close_path (cr);
      break;
    }
  paint (cr, d, id->hair, TRUE, 1.0);

  /* Glasses. */
  if (id->glasses)
    {
      cairo_new_path (cr);
      for (int side = -1; side <= 1; side += 2)
        {
          cairo_new_sub_path (cr);
          ellipse_path (cr, side * edx + fx, ey, ew * 1.5, ew * 1.1);
        }
      cairo_move_to (cr, -edx + ew * 1.5 + fx, ey);
      cairo_line_to (cr, edx - ew * 1.5 + fx, ey);
      cairo_save (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_set_line_width (cr, d->line * (d->style == STYLE_FLAT ? 1.6 : 1.0));
      cairo_stroke (cr);
      cairo_restore (cr);
    }
}

/* ---------------------------------------------------------------------------- rendering */

typedef struct
{
  int size;
  guint8 *rgb;          /* [size, size, 3] */
  double points[17][2]; /* pixels */
} Rendered;

static double
gauss_bump (double x, double y, double cx, double cy, double r)
{
  return exp (-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * r * r));
}

/* The displacement of a smooth warp made of three Gaussian bumps. */
typedef struct
{
  double cx[3], cy[3], r[3], ax[3], ay[3];
} Warp;

static void
warp_at (const Warp *w, double x, double y, double *dx, double *dy)
{
  *dx = *dy = 0;
  for (int i = 0; i < 3; i++)
    {
      double g = gauss_bump (x, y, w->cx[i], w->cy[i], w->r[i]);
      *dx += w->ax[i] * g;
      *dy += w->ay[i] * g;
    }
}

static void
box_blur (guint8 *rgb, int S, int radius)
{
  if (radius <= 0)
    return;
  g_autofree int *tmp = g_new (int, (size_t) S * S * 3);
  for (int pass = 0; pass < 2; pass++)
    {
      for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++)
          for (int c = 0; c < 3; c++)
            {
              int acc = 0, n = 0;
              for (int t = -radius; t <= radius; t++)
                {
                  int xx = pass == 0 ? CLAMP (x + t, 0, S - 1) : x;
                  int yy = pass == 1 ? CLAMP (y + t, 0, S - 1) : y;
                  acc += rgb[((size_t) yy * S + xx) * 3 + c];
                  n++;
                }
              tmp[((size_t) y * S + x) * 3 + c] = acc / n;
            }
      for (size_t i = 0; i < (size_t) S * S * 3; i++)
        rgb[i] = (guint8) tmp[i];
    }
}

/* Draw image `j` of identity `id` (a photo when photo is TRUE) into r. */
static void
render (const Identity *id, gboolean photo, guint64 seed, int index, int j, int S, Rendered *r)
{
  CariRng rng;
  Drawing d;
  cari_rng_seed (&rng, seed ^ ((guint64) index * 1000003u + (guint64) j * 7919u
                               + (photo ? 0x51ULL : 0xC4ULL) * 0x100000001b3ULL));
  memset (&d, 0, sizeof d);
  d.rng = &rng;
  if (photo)
    {
      d.style = STYLE_PHOTO;
      d.k = 1.0;
      d.yaw = 0.35 * (2 * cari_rng_uniform (&rng) - 1);
      d.roll = 0.2 * (2 * cari_rng_uniform (&rng) - 1);
      d.scale = 0.85 + 0.25 * cari_rng_uniform (&rng);
      d.dx = 0.06 * (2 * cari_rng_uniform (&rng) - 1);
      d.dy = 0.05 * (2 * cari_rng_uniform (&rng) - 1);
      d.smile = -0.3 + 1.3 * cari_rng_uniform (&rng);
      d.open = 0.6 + 0.5 * cari_rng_uniform (&rng);
      d.line = 0.012;
      for (int c = 0; c < 3; c++)
        d.bg[c] = 0.15 + 0.8 * cari_rng_uniform (&rng);
    }
  else
    {
      d.style = (Style) (1 + cari_rng_below (&rng, N_STYLES - 1));
      d.k = 1.6 + 1.2 * cari_rng_uniform (&rng);
      d.yaw = 0.15 * (2 * cari_rng_uniform (&rng) - 1);
      d.roll = 0.1 * (2 * cari_rng_uniform (&rng) - 1);
      d.scale = 0.8 + 0.15 * cari_rng_uniform (&rng);
      d.dx = 0.03 * (2 * cari_rng_uniform (&rng) - 1);
      d.dy = 0.03 * (2 * cari_rng_uniform (&rng) - 1);
      d.smile = -0.2 + 1.5 * cari_rng_uniform (&rng);
      d.open = 0.8 + 0.4 * cari_rng_uniform (&rng);
      d.line = 0.015 + 0.012 * cari_rng_uniform (&rng);
      double paper = 0.9 + 0.1 * cari_rng_uniform (&rng);
      for (int c = 0; c < 3; c++)
        d.bg[c] = d.style == STYLE_FLAT ? 0.3 + 0.7 * cari_rng_uniform (&rng)
                                        : paper - (c == 2 ? 0.05 : 0.0);
    }

  cairo_surface_t *surf = cairo_image_surface_create (CAIRO_FORMAT_RGB24, S, S);
  cairo_t *cr = cairo_create (surf);
  set_rgb (cr, d.bg, 1.0);
  cairo_paint (cr);
  if (photo)
    {
      /* A soft background gradient. */
      cairo_pattern_t *g = cairo_pattern_create_linear (0, 0, S, S);
      cairo_pattern_add_color_stop_rgba (g, 0, 1, 1, 1, 0.25);
      cairo_pattern_add_color_stop_rgba (g, 1, 0, 0, 0, 0.25);
      cairo_set_source (cr, g);
      cairo_paint (cr);
      cairo_pattern_destroy (g);
    }
  cairo_translate (cr, S * (0.5 + d.dx), S * (0.5 + d.dy));
  cairo_rotate (cr, d.roll);
  cairo_scale (cr, S * 0.36 * d.scale, S * 0.36 * d.scale);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  draw_face (cr, id, &d);
  for (int p = 0; p < 17; p++)
    {
      double x = d.landmarks[p][0], y = d.landmarks[p][1];
      cairo_user_to_device (cr, &x, &y);
      r->points[p][0] = x;
      r->points[p][1] = y;
    }
  cairo_identity_matrix (cr);
  if (photo)
    {
      /* Directional light. */
      double a = 2 * G_PI * cari_rng_uniform (&rng), s = 0.35 * cari_rng_uniform (&rng);
      cairo_pattern_t *g = cairo_pattern_create_linear (S / 2 + S * cos (a), S / 2 + S * sin (a),
                                                        S / 2 - S * cos (a), S / 2 - S * sin (a));
      cairo_pattern_add_color_stop_rgba (g, 0, 1, 1, 0.95, s);
      cairo_pattern_add_color_stop_rgba (g, 1, 0, 0, 0.05, s);
      cairo_set_source (cr, g);
      cairo_paint (cr);
      cairo_pattern_destroy (g);
    }
  cairo_destroy (cr);
  cairo_surface_flush (surf);

  const guint8 *data = cairo_image_surface_get_data (surf);
  int stride = cairo_image_surface_get_stride (surf);
  r->size = S;
  r->rgb = g_new (guint8, (size_t) S * S * 3);

  Warp w = { { 0 } };
  if (!photo)
    for (int i = 0; i < 3; i++)
      {
        w.cx[i] = S * (0.25 + 0.5 * cari_rng_uniform (&rng));
        w.cy[i] = S * (0.25 + 0.5 * cari_rng_uniform (&rng));
        w.r[i] = S * (0.12 + 0.12 * cari_rng_uniform (&rng));
        w.ax[i] = S * 0.06 * (2 * cari_rng_uniform (&rng) - 1);
        w.ay[i] = S * 0.06 * (2 * cari_rng_uniform (&rng) - 1);
      }
  for (int y = 0; y < S; y++)
    for (int x = 0; x < S; x++)
      {
        /* Backward warp: out(x) = in(x + d(x)), sampled bilinearly. */
        double dx = 0, dy = 0;
        if (!photo)
          warp_at (&w, x, y, &dx, &dy);
        double sx = CLAMP (x + dx, 0, S - 1.001), sy = CLAMP (y + dy, 0, S - 1.001);
        int x0 = (int) sx, y0 = (int) sy;
        double fx = sx - x0, fy = sy - y0;
        for (int c = 0; c < 3; c++)
          {
            int sh = 16 - 8 * c; /* RGB24 is xRGB in native 32-bit words */
            const guint32 *row0 = (const guint32 *) (const void *) (data + (size_t) y0 * stride);
            const guint32 *row1 = (const guint32 *) (const void *) (data + (size_t) (y0 + 1) * stride);
            double v = (1 - fy) * ((1 - fx) * ((row0[x0] >> sh) & 0xff) + fx * ((row0[x0 + 1] >> sh) & 0xff))
                       + fy * ((1 - fx) * ((row1[x0] >> sh) & 0xff) + fx * ((row1[x0 + 1] >> sh) & 0xff));
            r->rgb[((size_t) y * S + x) * 3 + c] = (guint8) CLAMP (v + 0.5, 0, 255);
          }
      }
  cairo_surface_destroy (surf);

  /* Landmarks follow the warp: solve q + d(q) = p by a few fixed-point steps. */
  if (!photo)
    for (int p = 0; p < 17; p++)
      {
        double qx = r->points[p][0], qy = r->points[p][1];
        for (int it = 0; it < 8; it++)
          {
            double dx, dy;
            warp_at (&w, qx, qy, &dx, &dy);
            qx = r->points[p][0] - dx;
            qy = r->points[p][1] - dy;
          }
        r->points[p][0] = qx;
        r->points[p][1] = qy;
      }

  if (photo)
    {
      box_blur (r->rgb, S, (int) (cari_rng_uniform (&rng) * 1.8));
      double noise = 6.0 * cari_rng_uniform (&rng);
      for (size_t i = 0; i < (size_t) S * S * 3; i++)
        r->rgb[i] = (guint8) CLAMP (r->rgb[i] + noise * cari_rng_normal (&rng) + 0.5, 0, 255);
    }
}

/* ---------------------------------------------------------------------------- files */

static gboolean
write_jpeg (const char *path, const guint8 *rgb, int S, int quality, GError **error)
{
  g_autoptr (CariImage) img = cari_image_new (S, S);
  const size_t plane = (size_t) S * S;
  for (size_t i = 0; i < plane; i++)
    for (int c = 0; c < 3; c++)
      img->pixels[c * plane + i] = rgb[i * 3 + c] / 255.0f;
  return cari_image_save_jpeg (img, path, quality, error);
}

static gboolean
write_text (const char *path, const char *text, GError **error)
{
  g_autoptr (GError) local = NULL;
  if (!g_file_set_contents (path, text, -1, &local))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write “%s”: %s"), path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_dir (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot create the folder “%s”: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

char *
cari_syncari_identity_name (int identity)
{
  return g_strdup_printf ("Person %03d", identity + 1);
}

void
cari_syncari_config_init (CariSynCariConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->identities = 200;
  cfg->photos_per_identity = 10;
  cfg->caricatures_per_identity = 10;
  cfg->size = 128;
  cfg->pretrain_identities = 200;
  cfg->pretrain_photos = 10;
  cfg->pairs_per_fold = 1000;
  cfg->seed = 1;
}

void
cari_syncari_config_init_tiny (CariSynCariConfig *cfg)
{
  cari_syncari_config_init (cfg);
  cfg->identities = 20;
  cfg->photos_per_identity = 3;
  cfg->caricatures_per_identity = 3;
  cfg->size = 64;
  cfg->pretrain_identities = 3;
  cfg->pretrain_photos = 2;
  cfg->pairs_per_fold = 6;
}

/* ---------------------------------------------------------------------------- generation */

typedef struct
{
  const CariSynCariConfig *cfg;
  const char *root, *pretrain_root;
  GMutex mutex;
  GError *error;      /* the first one */
  gint done, total;
  gboolean cancelled;
  CariSynCariProgress progress;
  gpointer user_data;
} Job;

static gboolean
job_failed (Job *job)
{
  gboolean failed;
  g_mutex_lock (&job->mutex);
  failed = job->error != NULL || job->cancelled;
  g_mutex_unlock (&job->mutex);
  return failed;
}

static void
job_set_error (Job *job, GError *error)
{
  g_mutex_lock (&job->mutex);
  if (job->error == NULL)
    job->error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&job->mutex);
}

/* One identity of the main set: its images, landmark files and file lists. */
static gboolean
write_identity (Job *job, int index, GError **error)
{
  const CariSynCariConfig *cfg = job->cfg;
  g_autofree char *name = cari_syncari_identity_name (index);
  g_autofree char *img_dir = g_build_filename (job->root, "OriginalImages", name, NULL);
  g_autofree char *pts_dir = g_build_filename (job->root, "FacialPoints", name, NULL);
  g_autofree char *lst_dir = g_build_filename (job->root, "Filenames", name, NULL);
  g_autoptr (GString) list_c = g_string_new (NULL), list_p = g_string_new (NULL);
  Identity id;

  if (!make_dir (img_dir, error) || !make_dir (pts_dir, error) || !make_dir (lst_dir, error))
    return FALSE;
  identity_sample (&id, cfg->seed, index);
  for (int modality = 0; modality < 2; modality++)
    {
      gboolean photo = modality == 1;
      int n = photo ? cfg->photos_per_identity : cfg->caricatures_per_identity;
      for (int j = 0; j < n; j++)
        {
          Rendered r;
          char file[32];
          g_snprintf (file, sizeof file, "%c%05d", photo ? 'P' : 'C', j + 1);
          render (&id, photo, cfg->seed, index, j, cfg->size, &r);
          g_autofree char *jpg = g_strdup_printf ("%s/%s.jpg", img_dir, file);
          CariRng q;
          cari_rng_seed (&q, cfg->seed + (guint64) index * 31 + (guint64) j);
          int quality = photo ? 55 + (int) cari_rng_below (&q, 41) : 92;
          gboolean ok = write_jpeg (jpg, r.rgb, cfg->size, quality, error);
          g_free (r.rgb);
          if (!ok)
            return FALSE;
          GString *pts = g_string_new (NULL);
          for (int p = 0; p < 17; p++)
            g_string_append_printf (pts, "%.4f %.4f\n", r.points[p][0], r.points[p][1]);
          g_autofree char *txt = g_strdup_printf ("%s/%s.txt", pts_dir, file);
          ok = write_text (txt, pts->str, error);
          g_string_free (pts, TRUE);
          if (!ok)
            return FALSE;
          g_string_append_printf (photo ? list_p : list_c, "%s.jpg\n", file);
        }
    }
  g_autofree char *fc = g_build_filename (lst_dir, "file_c.txt", NULL);
  g_autofree char *fp = g_build_filename (lst_dir, "file_p.txt", NULL);
  return write_text (fc, list_c->str, error) && write_text (fp, list_p->str, error);
}

static gboolean
write_pretrain_identity (Job *job, int index, GError **error)
{
  const CariSynCariConfig *cfg = job->cfg;
  /* Identities of their own: seeds far from the main set's. */
  int global = 1000000 + index;
  g_autofree char *name = g_strdup_printf ("Pretrain %04d", index + 1);
  g_autofree char *dir = g_build_filename (job->pretrain_root, name, "photo", NULL);
  Identity id;
  if (!make_dir (dir, error))
    return FALSE;
  identity_sample (&id, cfg->seed, global);
  for (int j = 0; j < cfg->pretrain_photos; j++)
    {
      Rendered r;
      render (&id, TRUE, cfg->seed, global, j, cfg->size, &r);
      g_autofree char *jpg = g_strdup_printf ("%s/%05d.jpg", dir, j + 1);
      gboolean ok = write_jpeg (jpg, r.rgb, cfg->size, 85, error);
      g_free (r.rgb);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static void
generate_range (gpointer data, size_t begin, size_t end)
{
  Job *job = data;
  const int main_ids = job->cfg->identities;
  for (size_t i = begin; i < end; i++)
    {
      GError *error = NULL;
      if (job_failed (job))
        return;
      gboolean ok = (int) i < main_ids ? write_identity (job, (int) i, &error)
                                       : write_pretrain_identity (job, (int) i - main_ids, &error);
      if (!ok)
        {
          job_set_error (job, error);
          return;
        }
      int done = g_atomic_int_add (&job->done, 1) + 1;
      /* Progress from the first worker's thread only would skew; any thread may report, under
       * the mutex so the callback never runs twice at once. */
      if (job->progress != NULL)
        {
          g_mutex_lock (&job->mutex);
          if (!job->progress ((double) done / job->total, job->user_data))
            job->cancelled = TRUE;
          g_mutex_unlock (&job->mutex);
        }
    }
}

/* ---------------------------------------------------------------------------- protocols */

static void
shuffle_ints (int *a, int n, CariRng *rng)
{
  for (int i = n - 1; i > 0; i--)
    {
      int j = (int) cari_rng_below (rng, (uint32_t) i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
}

/* Matched and mismatched pairs among `ids` (n of them), caricature first. Matched pairs are
 * drawn without repetition (as many as exist, at most `count`); the count line says how many. */
static void
append_pairs (GString *out, const CariSynCariConfig *cfg, const int *ids, int n, int count,
              CariRng *rng)
{
  const int nc = cfg->caricatures_per_identity, np = cfg->photos_per_identity;
  const int all = n * nc * np;
  g_autofree int *combos = g_new (int, all);
  for (int i = 0; i < all; i++)
    combos[i] = i;
  shuffle_ints (combos, all, rng);
  count = MIN (count, all);
  g_string_append_printf (out, "%d\n", count);
  for (int i = 0; i < count; i++)
    {
      int c = combos[i], a = ids[c / (nc * np)];
      g_autofree char *name = cari_syncari_identity_name (a);
      g_string_append_printf (out, "%s\tC%05d\tP%05d\n", name, 1 + c / np % nc, 1 + c % np);
    }
  for (int i = 0; i < count; i++)
    {
      int a = ids[cari_rng_below (rng, (uint32_t) n)], b;
      do
        b = ids[cari_rng_below (rng, (uint32_t) n)];
      while (b == a);
      g_autofree char *na = cari_syncari_identity_name (a);
      g_autofree char *nb = cari_syncari_identity_name (b);
      g_string_append_printf (out, "%s\tC%05d\t%s\tP%05d\n", na,
                              1 + (int) cari_rng_below (rng, cfg->caricatures_per_identity), nb,
                              1 + (int) cari_rng_below (rng, cfg->photos_per_identity));
    }
}

static void
append_subjects (GString *out, const CariSynCariConfig *cfg, const int *ids, int n)
{
  g_string_append_printf (out, "%d\n", n);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *name = cari_syncari_identity_name (ids[i]);
      g_string_append_printf (out, "%s\t%d\t%d\n", name, cfg->caricatures_per_identity,
                              cfg->photos_per_identity);
    }
}

/* Gallery (one image per subject of the gallery modality) or probe (all images of the probe
 * modality) lines: a header line, then Name<TAB>index<TAB>ImageId. */
static void
append_id_list (GString *out, const CariSynCariConfig *cfg, const int *ids, int n, char modality,
                gboolean gallery, CariRng *rng)
{
  int per = modality == 'C' ? cfg->caricatures_per_identity : cfg->photos_per_identity;
  int count = gallery ? n : n * per, line = 0;
  g_string_append_printf (out, "%d\n", count);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *name = cari_syncari_identity_name (ids[i]);
      if (gallery)
        g_string_append_printf (out, "%s\t%d\t%c%05d\n", name, ++line, modality,
                                1 + (int) cari_rng_below (rng, (uint32_t) per));
      else
        for (int j = 0; j < per; j++)
          g_string_append_printf (out, "%s\t%d\t%c%05d\n", name, ++line, modality, j + 1);
    }
}

static gboolean
write_protocols (const CariSynCariConfig *cfg, const char *root, GError **error)
{
  const int K = cfg->identities;
  g_autofree int *order = g_new (int, K);
  CariRng rng;
  cari_rng_seed (&rng, cfg->seed ^ 0x70726f746fULL);
  for (int i = 0; i < K; i++)
    order[i] = i;
  shuffle_ints (order, K, &rng);
  /* Fold f (0-based) holds identities order[f], order[f + 10], … */
  g_autofree int *fold_ids = g_new (int, K);
  int fold_start[11] = { 0 };
  for (int f = 0, n = 0; f < 10; f++)
    {
      fold_start[f] = n;
      for (int i = f; i < K; i += 10)
        fold_ids[n++] = order[i];
      fold_start[f + 1] = n;
    }
  g_autofree char *ver = g_build_filename (root, "EvaluationProtocols", "FaceVerification", NULL);
  g_autofree char *res = g_build_filename (ver, "Restricted", NULL);
  g_autofree char *unr = g_build_filename (ver, "UnRestricted", NULL);
  g_autofree char *ide = g_build_filename (root, "EvaluationProtocols", "FaceIdentification",
                                           NULL);
  g_autofree char *c2p = g_build_filename (ide, "C2P", NULL);
  g_autofree char *p2c = g_build_filename (ide, "P2C", NULL);
  if (!make_dir (res, error) || !make_dir (unr, error) || !make_dir (c2p, error)
      || !make_dir (p2c, error))
    return FALSE;

  /* Restricted: View1 (development: folds 1–5 to train, 6–10 to test), View2 (10 folds). */
  int half = fold_start[5];
  g_autoptr (GString) dev_train = g_string_new (NULL), dev_test = g_string_new (NULL);
  append_pairs (dev_train, cfg, fold_ids, half, cfg->pairs_per_fold / 2, &rng);
  append_pairs (dev_test, cfg, fold_ids + half, K - half, cfg->pairs_per_fold / 2, &rng);
  g_autoptr (GString) view2 = g_string_new (NULL);
  for (int f = 0; f < 10; f++)
    append_pairs (view2, cfg, fold_ids + fold_start[f], fold_start[f + 1] - fold_start[f],
                  cfg->pairs_per_fold, &rng);
  /* Unrestricted: subject lists. */
  g_autoptr (GString) u_train = g_string_new (NULL), u_test = g_string_new (NULL);
  append_subjects (u_train, cfg, fold_ids, half);
  append_subjects (u_test, cfg, fold_ids + half, K - half);
  g_autoptr (GString) u_view2 = g_string_new (NULL);
  for (int f = 0; f < 10; f++)
    append_subjects (u_view2, cfg, fold_ids + fold_start[f], fold_start[f + 1] - fold_start[f]);

  struct
  {
    const char *dir, *file;
    GString *text;
  } files[] = {
    { res, "RestrictedView1_DevTrain.txt", dev_train }, { res, "RestrictedView1_DevTest.txt", dev_test },
    { res, "RestrictedView2.txt", view2 },
    { unr, "UnRestrictedView1_DevTrain.txt", u_train }, { unr, "UnRestrictedView1_DevTest.txt", u_test },
    { unr, "UnRestrictedView2.txt", u_view2 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (files[i].dir, files[i].file, NULL);
      if (!write_text (path, files[i].text->str, error))
        return FALSE;
    }

  /* Identification: for fold k, the training subjects are the other folds', the gallery and
   * probes are fold k's subjects ("dev" uses fold 1's split). */
  for (int k = 0; k <= 10; k++)
    {
      int f = k == 0 ? 0 : k - 1;
      g_autofree char *suffix = k == 0 ? g_strdup ("_dev") : g_strdup_printf ("%d", k);
      g_autofree int *train = g_new (int, K);
      int n_train = 0;
      for (int i = 0; i < K; i++)
        if (i < fold_start[f] || i >= fold_start[f + 1])
          train[n_train++] = fold_ids[i];
      const int *test = fold_ids + fold_start[f];
      int n_test = fold_start[f + 1] - fold_start[f];
      g_autoptr (GString) tr = g_string_new (NULL);
      append_subjects (tr, cfg, train, n_train);
      /* The count line is not part of FR_Train files: drop it. */
      g_string_erase (tr, 0, (gssize) (strchr (tr->str, '\n') - tr->str + 1));
      g_autoptr (GString) g1 = g_string_new (NULL), p1 = g_string_new (NULL);
      g_autoptr (GString) g2 = g_string_new (NULL), p2 = g_string_new (NULL);
      append_id_list (g1, cfg, test, n_test, 'P', TRUE, &rng);
      append_id_list (p1, cfg, test, n_test, 'C', FALSE, &rng);
      append_id_list (g2, cfg, test, n_test, 'C', TRUE, &rng);
      append_id_list (p2, cfg, test, n_test, 'P', FALSE, &rng);
      g_autofree char *ftr = g_strdup_printf ("%s/FR_Train%s.txt", ide, suffix);
      g_autofree char *fg1 = g_strdup_printf ("%s/FR_Gallery_C2P%s.txt", c2p, suffix);
      g_autofree char *fp1 = g_strdup_printf ("%s/FR_Probe_C2P%s.txt", c2p, suffix);
      g_autofree char *fg2 = g_strdup_printf ("%s/FR_Gallery_P2C%s.txt", p2c, suffix);
      g_autofree char *fp2 = g_strdup_printf ("%s/FR_Probe_P2C%s.txt", p2c, suffix);
      if (!write_text (ftr, tr->str, error) || !write_text (fg1, g1->str, error)
          || !write_text (fp1, p1->str, error) || !write_text (fg2, g2->str, error)
          || !write_text (fp2, p2->str, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
cari_syncari_generate (const CariSynCariConfig *cfg, const char *root, const char *pretrain_root,
                       CariSynCariProgress progress, gpointer user_data, GError **error)
{
  if (cfg->identities < 20 || cfg->photos_per_identity < 1 || cfg->caricatures_per_identity < 1
      || cfg->size < 32 || cfg->size > 1024 || cfg->pairs_per_fold < 1
      || cfg->pretrain_identities < 0 || cfg->pretrain_photos < 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("SynCari needs at least 20 identities (two per fold), an image of each "
                     "modality per identity, a size from 32 to 1024 pixels and at least one pair "
                     "per fold"));
      return FALSE;
    }
  if (!make_dir (root, error) || !write_protocols (cfg, root, error))
    return FALSE;

  Job job = { cfg, root, pretrain_root };
  int pre = pretrain_root != NULL ? cfg->pretrain_identities : 0;
  g_mutex_init (&job.mutex);
  job.total = cfg->identities + pre;
  job.progress = progress;
  job.user_data = user_data;
  cari_parallel_for ((size_t) job.total, 1, generate_range, &job);
  g_mutex_clear (&job.mutex);
  if (job.error != NULL)
    {
      g_propagate_error (error, job.error);
      return FALSE;
    }
  if (job.cancelled)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_CANCELLED, _("Generating SynCari was cancelled"));
      return FALSE;
    }
  return TRUE;
}

gboolean
cari_syncari_contact_sheet (const CariSynCariConfig *cfg, int identities, int per_modality,
                            const char *png_path, GError **error)
{
  const int S = cfg->size, cols = 2 * per_modality, gap = 4;
  cairo_surface_t *sheet = cairo_image_surface_create (CAIRO_FORMAT_RGB24, cols * (S + gap) + gap,
                                                       identities * (S + gap) + gap);
  cairo_t *cr = cairo_create (sheet);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  for (int i = 0; i < identities; i++)
    {
      Identity id;
      identity_sample (&id, cfg->seed, i);
      for (int c = 0; c < cols; c++)
        {
          gboolean photo = c < per_modality;
          Rendered r;
          render (&id, photo, cfg->seed, i, photo ? c : c - per_modality, S, &r);
          cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, S, S);
          cairo_surface_flush (img);
          guint8 *data = cairo_image_surface_get_data (img);
          int stride = cairo_image_surface_get_stride (img);
          for (int y = 0; y < S; y++)
            for (int x = 0; x < S; x++)
              {
                const guint8 *p = r.rgb + ((size_t) y * S + x) * 3;
                ((guint32 *) (void *) (data + (size_t) y * stride))[x]
                  = ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
              }
          cairo_surface_mark_dirty (img);
          cairo_set_source_surface (cr, img, gap + c * (S + gap), gap + i * (S + gap));
          cairo_paint (cr);

          cairo_surface_destroy (img);
          g_free (r.rgb);
        }
    }
  cairo_destroy (cr);
  cairo_status_t st = cairo_surface_write_to_png (sheet, png_path);
  cairo_surface_destroy (sheet);
  if (st != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write “%s”: %s"), png_path,
                   cairo_status_to_string (st));
      return FALSE;
    }
  return TRUE;
}
