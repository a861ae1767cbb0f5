/* syncari-face.c — SynCari's faces: identities sampled around a mean face, drawn with Cairo as
 * photos or caricatures (exaggerated, in one of the styles), then warped, blurred and noised. */
#include "data/syncari-private.h"

#include "core/rng.h"

#include <cairo.h>
#include <math.h>
#include <string.h>

/* ---------------------------------------------------------------------------- identities */


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


void
cari_syncari_identity_sample (CariSynIdentity *id, guint64 seed, int index)
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
param (const CariSynIdentity *id, int p, double k)
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

/* Landmark k of the drawing, in face units. */
static void
set_landmark (Drawing *d, int k, double x, double y)
{
  d->landmarks[k][0] = x;
  d->landmarks[k][1] = y;
}

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
draw_face (cairo_t *cr, const CariSynIdentity *id, Drawing *d)
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
      set_landmark (d, side < 0 ? 1 : 3, side * (W + ear * 0.45) + fx * (side > 0 ? -0.5 : 0.5),
                    ey + 0.08);
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
  set_landmark (d, 2, 0, C);
  set_landmark (d, 0, fx * 0.5, -H * hl);

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
      set_landmark (d, o, outer, ey);
      set_landmark (d, in, inner, ey);

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
      set_landmark (d, bo, bo_x, bo_y);
      set_landmark (d, bi, bi_x, bi_y);
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
  set_landmark (d, 12, tip_x, ny + 0.02);

  /* Mouth: corners lift with the smile. */
  double cx = fx * 0.8, lift = d->smile * 0.04;
  cairo_new_path (cr);
  cairo_move_to (cr, cx - mw / 2, my - lift);
  cairo_curve_to (cr, cx - mw / 4, my - lip, cx + mw / 4, my - lip, cx + mw / 2, my - lift);
  cairo_curve_to (cr, cx + mw / 4, my + lip * 1.2 + lift, cx - mw / 4, my + lip * 1.2 + lift,
                  cx - mw / 2, my - lift);
  cairo_close_path (cr);
  paint (cr, d, lips, TRUE, 0.8);
  set_landmark (d, 13, cx, my - lip * 0.75);
  set_landmark (d, 14, cx - mw / 2, my - lift);
  set_landmark (d, 15, cx, my + lip * 0.9 + lift * 0.75);
  set_landmark (d, 16, cx + mw / 2, my - lift);

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

/* How far a drawing's pose and expression vary: yaw, roll, dx and dy are drawn in ± their value,
 * scale, smile and open in [first, first + second). */
typedef struct
{
  double yaw, roll;
  double scale[2];
  double dx, dy;
  double smile[2], open[2];
} PoseSpread;

static const PoseSpread photo_pose = {
  0.35, 0.2, { 0.85, 0.25 }, 0.06, 0.05, { -0.3, 1.3 }, { 0.6, 0.5 },
};
static const PoseSpread caricature_pose = {
  0.15, 0.1, { 0.8, 0.15 }, 0.03, 0.03, { -0.2, 1.5 }, { 0.8, 0.4 },
};

static void
draw_pose (Drawing *d, const PoseSpread *p, CariRng *rng)
{
  d->yaw = p->yaw * (2 * cari_rng_uniform (rng) - 1);
  d->roll = p->roll * (2 * cari_rng_uniform (rng) - 1);
  d->scale = p->scale[0] + p->scale[1] * cari_rng_uniform (rng);
  d->dx = p->dx * (2 * cari_rng_uniform (rng) - 1);
  d->dy = p->dy * (2 * cari_rng_uniform (rng) - 1);
  d->smile = p->smile[0] + p->smile[1] * cari_rng_uniform (rng);
  d->open = p->open[0] + p->open[1] * cari_rng_uniform (rng);
}

void
cari_syncari_render (const CariSynIdentity *id, gboolean photo, guint64 seed, int index, int j, int S, CariSynRendered *r)
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
      draw_pose (&d, &photo_pose, &rng);
      d.line = 0.012;
      for (int c = 0; c < 3; c++)
        d.bg[c] = 0.15 + 0.8 * cari_rng_uniform (&rng);
    }
  else
    {
      d.style = (Style) (1 + cari_rng_below (&rng, N_STYLES - 1));
      d.k = 1.6 + 1.2 * cari_rng_uniform (&rng);
      draw_pose (&d, &caricature_pose, &rng);
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
