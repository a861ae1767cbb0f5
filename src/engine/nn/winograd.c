/* winograd.c — F(2×2, 3×3), F(4×4, 3×3) and (forward only) F(6×6, 3×3) convolution:
 * transforms, one gemm per point.
 *
 * The transformed tiles are laid out point-major, [α²][channels][tiles], so that each point's
 * gemm reads and writes plain row-major matrices, and the tiles of `group` images sit side by
 * side in a row as conv.c's columns do.
 */
#include "nn/winograd.h"

#include "core/cpu.h"
#include "core/gemm.h"
#include "core/parallel.h"

#include <string.h>

#define MAX_A (CARI_WINOGRAD_TILE_FORWARD + 2)

typedef struct
{
  int m, a;          /* output tile side, input tile side α = m + 2 */
  int th, tw, tiles; /* tiles down, across, per image */
  const CariConv2dShape *s;
} Geom;

static void
geom_init (Geom *g, const CariConv2dShape *s, int tile)
{
  g_assert (tile == CARI_WINOGRAD_TILE_SMALL || tile == CARI_WINOGRAD_TILE_LARGE
            || tile == CARI_WINOGRAD_TILE_FORWARD);
  g->m = tile;
  g->a = tile + 2;
  g->th = (s->out_h + tile - 1) / tile;
  g->tw = (s->out_w + tile - 1) / tile;
  g->tiles = g->th * g->tw;
  g->s = s;
}

gboolean
cari_winograd_eligible (const CariConv2dShape *s)
{
  /* Any padding: the tiles read zeros outside the image. */
  return s->kh == 3 && s->kw == 3 && s->sh == 1 && s->sw == 1;
}

static size_t
filter_floats (const Geom *g)
{
  return (size_t) g->a * g->a * g->s->out_c * g->s->in_c;
}

/* The transformed filter and its gradient; F(6×6) has no backward, so only the filter. */
static size_t
filters_floats (const Geom *g)
{
  return (g->m == CARI_WINOGRAD_TILE_FORWARD ? 1 : 2) * filter_floats (g);
}

static size_t
image_floats (const Geom *g)
{
  return (size_t) g->a * g->a * (g->s->in_c + g->s->out_c) * g->tiles;
}

size_t
cari_winograd_workspace_floats (const CariConv2dShape *s, int tile, int group)
{
  Geom g;
  geom_init (&g, s, tile);
  /* U (the transformed filter) and its gradient (F(6×6): U alone), then the group's tiles. */
  return filters_floats (&g) + image_floats (&g) * (size_t) MAX (group, 0);
}

static int
pick_group (const Geom *g, int N, size_t workspace_floats)
{
  g_assert (workspace_floats >= filters_floats (g) + image_floats (g));
  size_t n = (workspace_floats - filters_floats (g)) / image_floats (g);
  return (int) MIN (n, (size_t) N);
}

/* ------------------------------------------------------------------ the 1-D transforms
 *
 * F(2, 3):  Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],  Aᵀ = [1 1 1 0; 0 1 -1 -1],
 *           G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1].
 * F(4, 3):  Bᵀ = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0;
 *                 0 4 0 -5 0 1],
 *           Aᵀ = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1],
 *           G = [¼ 0 0; -⅙ -⅙ -⅙; -⅙ ⅙ -⅙; 1/24 1/12 ⅙; 1/24 -1/12 ⅙; 0 0 1].
 * F(6, 3), at the points 0, ±1, ±2, ±½ and ∞ (the forward only: no adjoints):
 *           Bᵀ = [1 0 -21/4 0 21/4 0 -1 0; 0 1 1 -17/4 -17/4 1 1 0; 0 -1 1 17/4 -17/4 -1 1 0;
 *                 0 ½ ¼ -5/2 -5/4 2 1 0; 0 -½ ¼ 5/2 -5/4 -2 1 0; 0 2 4 -5/2 -5 ½ 1 0;
 *                 0 -2 4 5/2 -5 -½ 1 0; 0 -1 0 21/4 0 -21/4 0 1],
 *           Aᵀ = [1 1 1 1 1 1 1 0; 0 1 -1 2 -2 ½ -½ 0; 0 1 1 4 4 ¼ ¼ 0; 0 1 -1 8 -8 ⅛ -⅛ 0;
 *                 0 1 1 16 16 1/16 1/16 0; 0 1 -1 32 -32 1/32 -1/32 1],
 *           G = [1 0 0; -2/9 -2/9 -2/9; -2/9 2/9 -2/9; 1/90 1/45 2/45; 1/90 -1/45 2/45;
 *                32/45 16/45 8/45; 32/45 -16/45 8/45; 0 0 1].
 * Written out rather than looped over the tables: the zeros and ones then cost nothing. Each is
 * called with a constant m, so the switch folds away. */

/* v = Bᵀ·d (α values). */
static G_ALWAYS_INLINE inline void
bt_apply (int m, const float *d, float *v)
{
  if (m == 2)
    {
      v[0] = d[0] - d[2];
      v[1] = d[1] + d[2];
      v[2] = d[2] - d[1];
      v[3] = d[1] - d[3];
      return;
    }
  if (m == 6)
    {
      float t1 = d[2] + d[6] - 4.25f * d[4], t2 = d[1] + d[5] - 4.25f * d[3];
      float u1 = d[6] + 0.25f * d[2] - 1.25f * d[4], u2 = 0.5f * d[1] - 2.5f * d[3] + 2.0f * d[5];
      float w1 = d[6] + 4.0f * d[2] - 5.0f * d[4], w2 = 2.0f * d[1] - 2.5f * d[3] + 0.5f * d[5];
      v[0] = d[0] - d[6] + 5.25f * (d[4] - d[2]);
      v[1] = t1 + t2;
      v[2] = t1 - t2;
      v[3] = u1 + u2;
      v[4] = u1 - u2;
      v[5] = w1 + w2;
      v[6] = w1 - w2;
      v[7] = d[7] - d[1] + 5.25f * (d[3] - d[5]);
      return;
    }
  float p = d[4] - 4.0f * d[2], q = d[3] - 4.0f * d[1];
  float r = d[4] - d[2], t = 2.0f * (d[3] - d[1]);
  v[0] = 4.0f * d[0] - 5.0f * d[2] + d[4];
  v[1] = p + q;
  v[2] = p - q;
  v[3] = r + t;
  v[4] = r - t;
  v[5] = 4.0f * d[1] - 5.0f * d[3] + d[5];
}

/* d = B·v, the adjoint of bt_apply. */
static G_ALWAYS_INLINE inline void
bt_adjoint (int m, const float *v, float *d)
{
  if (m == 2)
    {
      d[0] = v[0];
      d[1] = v[1] - v[2] + v[3];
      d[2] = v[1] + v[2] - v[0];
      d[3] = -v[3];
      return;
    }
  float s12 = v[1] + v[2], d12 = v[2] - v[1], s34 = v[3] + v[4], d34 = v[3] - v[4];
  d[0] = 4.0f * v[0];
  d[1] = 4.0f * (d12 + v[5]) - 2.0f * d34;
  d[2] = -5.0f * v[0] - 4.0f * s12 - s34;
  d[3] = 2.0f * d34 - d12 - 5.0f * v[5];
  d[4] = v[0] + s12 + s34;
  d[5] = v[5];
}

/* y = Aᵀ·v (m values from α). */
static G_ALWAYS_INLINE inline void
at_apply (int m, const float *v, float *y)
{
  if (m == 2)
    {
      y[0] = v[0] + v[1] + v[2];
      y[1] = v[1] - v[2] - v[3];
      return;
    }
  if (m == 6)
    {
      float s12 = v[1] + v[2], d12 = v[1] - v[2], s34 = v[3] + v[4], d34 = v[3] - v[4];
      float s56 = v[5] + v[6], d56 = v[5] - v[6];
      y[0] = v[0] + s12 + s34 + s56;
      y[1] = d12 + 2.0f * d34 + 0.5f * d56;
      y[2] = s12 + 4.0f * s34 + 0.25f * s56;
      y[3] = d12 + 8.0f * d34 + 0.125f * d56;
      y[4] = s12 + 16.0f * s34 + 0.0625f * s56;
      y[5] = d12 + 32.0f * d34 + 0.03125f * d56 + v[7];
      return;
    }
  float s12 = v[1] + v[2], d12 = v[1] - v[2], s34 = v[3] + v[4], d34 = v[3] - v[4];
  y[0] = v[0] + s12 + s34;
  y[1] = d12 + 2.0f * d34;
  y[2] = s12 + 4.0f * s34;
  y[3] = d12 + 8.0f * d34 + v[5];
}

/* v = A·y, the adjoint of at_apply (α values from m). */
static G_ALWAYS_INLINE inline void
at_adjoint (int m, const float *y, float *v)
{
  if (m == 2)
    {
      v[0] = y[0];
      v[1] = y[0] + y[1];
      v[2] = y[0] - y[1];
      v[3] = -y[1];
      return;
    }
  float e = y[0] + y[2], o = y[1] + y[3], e4 = y[0] + 4.0f * y[2], o4 = 2.0f * y[1] + 8.0f * y[3];
  v[0] = y[0];
  v[1] = e + o;
  v[2] = e - o;
  v[3] = e4 + o4;
  v[4] = e4 - o4;
  v[5] = y[3];
}

/* G's rows, in double: the filter transforms run once per call and their rounding should not
 * add to the tiles'. */
static const double G2[4][3] = {
  { 1.0, 0.0, 0.0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0.0, 0.0, 1.0 },
};
static const double G4[6][3] = {
  { 1.0 / 4, 0.0, 0.0 },
  { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
  { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
  { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
  { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
  { 0.0, 0.0, 1.0 },
};

static const double G6[8][3] = {
  { 1.0, 0.0, 0.0 },
  { -2.0 / 9, -2.0 / 9, -2.0 / 9 },
  { -2.0 / 9, 2.0 / 9, -2.0 / 9 },
  { 1.0 / 90, 1.0 / 45, 2.0 / 45 },
  { 1.0 / 90, -1.0 / 45, 2.0 / 45 },
  { 32.0 / 45, 16.0 / 45, 8.0 / 45 },
  { 32.0 / 45, -16.0 / 45, 8.0 / 45 },
  { 0.0, 0.0, 1.0 },
};

static const double *
g_rows (int m)
{
  return m == 2 ? &G2[0][0] : m == 4 ? &G4[0][0] : &G6[0][0];
}

/* ------------------------------------------------------------------ filter transforms */

typedef struct
{
  const Geom *g;
  const float *weight;
  float *dweight;
  float *U;
  const float *dU;
} FilterArgs;

/* U[ξ][oc][c] = (G·w[oc][c]·Gᵀ)[ξ], CB input channels at a time so that every step runs
 * across them (the writes of a point are then contiguous runs, not one float per point). */
#define CB 16

static G_ALWAYS_INLINE inline void
filter_transform_body (const FilterArgs *f, size_t o0, size_t o1)
{
  const int a = f->g->a, C = f->g->s->in_c, OC = f->g->s->out_c;
  const double *G = g_rows (f->g->m);
  const size_t point = (size_t) OC * C;

  for (size_t oc = o0; oc < o1; oc++)
    for (int c0 = 0; c0 < C; c0 += CB)
      {
        const int n = MIN (CB, C - c0);
        const float *w = f->weight + (oc * C + c0) * 9;
        double wk[9][CB], t[MAX_A][3][CB];
        for (int k = 0; k < 9; k++)
          for (int c = 0; c < n; c++)
            wk[k][c] = w[c * 9 + k];
        for (int i = 0; i < a; i++)
          for (int kx = 0; kx < 3; kx++)
            for (int c = 0; c < n; c++)
              t[i][kx][c] = G[i * 3] * wk[kx][c] + G[i * 3 + 1] * wk[3 + kx][c]
                            + G[i * 3 + 2] * wk[6 + kx][c];
        for (int i = 0; i < a; i++)
          for (int j = 0; j < a; j++)
            {
              float *u = f->U + (size_t) (i * a + j) * point + oc * C + c0;
              for (int c = 0; c < n; c++)
                u[c] = (float) (t[i][0][c] * G[j * 3] + t[i][1][c] * G[j * 3 + 1]
                                + t[i][2][c] * G[j * 3 + 2]);
            }
      }
}

typedef void (*FilterFn) (const FilterArgs *f, size_t o0, size_t o1);
CARI_ISA_VARIANTS (FilterFn, filter_transform, filter_transform_body,
                   (const FilterArgs *f, size_t o0, size_t o1), (f, o0, o1));

static void
filter_transform_range (gpointer data, size_t o0, size_t o1)
{
  filter_transform_isa[cari_cpu_isa ()](data, o0, o1);
}

/* dw[oc][c] += Gᵀ·dU[·][oc][c]·G, the adjoint of the above. */
static void
filter_adjoint_range (gpointer data, size_t o0, size_t o1)
{
  const FilterArgs *f = data;
  const int a = f->g->a, C = f->g->s->in_c, OC = f->g->s->out_c;
  const double *G = g_rows (f->g->m);
  const size_t point = (size_t) OC * C;

  for (size_t oc = o0; oc < o1; oc++)
    for (int c = 0; c < C; c++)
      {
        double t[MAX_A][3] = { { 0 } };
        for (int i = 0; i < a; i++)
          for (int j = 0; j < a; j++)
            {
              double u = f->dU[(size_t) (i * a + j) * point + oc * C + c];
              for (int kx = 0; kx < 3; kx++)
                t[i][kx] += u * G[j * 3 + kx];
            }
        float *dw = f->dweight + (oc * C + c) * 9;
        for (int ky = 0; ky < 3; ky++)
          for (int kx = 0; kx < 3; kx++)
            {
              double acc = 0.0;
              for (int i = 0; i < a; i++)
                acc += G[i * 3 + ky] * t[i][kx];
              dw[ky * 3 + kx] += (float) acc;
            }
      }
}

static size_t
filter_grain (const Geom *g)
{
  return MAX ((size_t) 1, (size_t) 16384 / MAX ((size_t) g->s->in_c * g->a * g->a, 1));
}

/* ------------------------------------------------------------------ tile transforms
 *
 * One channel's tiles of all the group's images lie side by side in a row of the point-major
 * matrices, so a part of the work is a range of channels and each channel's row is taken KC
 * tiles at a time: gathered into α² arrays of KC floats (structure of arrays), transformed
 * there with every operation running across the KC tiles (what the compiler vectorises), and
 * written out as α² contiguous runs. */

#define KC 64

typedef enum
{
  BT,     /* Bᵀ·x */
  BT_ADJ, /* B·x */
  AT,     /* Aᵀ·x */
  AT_ADJ, /* A·x */
} Transform;

static G_ALWAYS_INLINE inline void
transform_1d (Transform kind, int m, const float *x, float *y)
{
  switch (kind)
    {
    case BT:
      bt_apply (m, x, y);
      break;
    case BT_ADJ:
      bt_adjoint (m, x, y);
      break;
    case AT:
      at_apply (m, x, y);
      break;
    case AT_ADJ:
      at_adjoint (m, x, y);
      break;
    }
}

/* out[o + j·os][k] = kind(in[i + s·is][k])_j for every lane k: one line (a row or a column) of
 * KC tiles at once. */
static G_ALWAYS_INLINE inline void
sweep (Transform kind, int m, int n_in, int n_out, float (*in)[KC], int i, int is,
       float (*out)[KC], int o, int os)
{
  for (int k = 0; k < KC; k++)
    {
      float x[MAX_A], y[MAX_A];
      for (int s = 0; s < n_in; s++)
        x[s] = in[i + s * is][k];
      transform_1d (kind, m, x, y);
      for (int j = 0; j < n_out; j++)
        out[o + j * os][k] = y[j];
    }
}

/* A square n_in × n_in tile per lane through the 1-D transform along its rows, then its
 * columns: out (n_out × n_out) = T·in·Tᵀ, with tmp (n_in × n_out) between. */
static G_ALWAYS_INLINE inline void
transform_2d (Transform kind, int m, int n_in, int n_out, float (*in)[KC], float (*tmp)[KC],
              float (*out)[KC])
{
  for (int r = 0; r < n_in; r++)
    sweep (kind, m, n_in, n_out, in, r * n_in, 1, tmp, r * n_out, 1);
  for (int j = 0; j < n_out; j++)
    sweep (kind, m, n_in, n_out, tmp, j, n_out, out, j, n_out);
}

typedef struct
{
  const Geom *g;
  size_t ld;         /* tiles in a row of the transformed matrices: group · tiles, or a
                      * chunk's where each chunk has matrices of its own */
  size_t col0;       /* the tile in column 0 of those matrices */
  size_t tb, te;     /* the tiles of the row that are processed */
  const float *src;  /* the group's images read (input or output gradient) */
  float *dst;        /* the group's images written or added to */
  float *T;          /* transformed tiles written */
  const float *cT;   /* transformed tiles read */
  const float *bias; /* forward only; may be NULL */
} TileArgs;

/* Where the tiles of a row lie, walked in order: tile `t` is tile (ty, tx) of image `img`, so
 * that the lanes of a run take one division, not two each. */
typedef struct
{
  size_t img;
  int ty, tx;
} TileCursor;

static G_ALWAYS_INLINE inline TileCursor
cursor_at (const Geom *g, size_t t)
{
  size_t in_img = t % (size_t) g->tiles;
  return (TileCursor) { .img = t / (size_t) g->tiles, .ty = (int) (in_img / (size_t) g->tw),
                        .tx = (int) (in_img % (size_t) g->tw) };
}

static G_ALWAYS_INLINE inline void
cursor_next (const Geom *g, TileCursor *c)
{
  if (++c->tx < g->tw)
    return;
  c->tx = 0;
  if (++c->ty < g->th)
    return;
  c->ty = 0;
  c->img++;
}

/* The tile's image plane of `channel` (of `channels`), and its output tile's top left corner. */
static G_ALWAYS_INLINE inline size_t
cursor_place (const Geom *g, const TileCursor *c, int channel, int channels, size_t plane_floats,
              int *oy, int *ox)
{
  *oy = c->ty * g->m;
  *ox = c->tx * g->m;
  return (c->img * (size_t) channels + (size_t) channel) * plane_floats;
}

static G_ALWAYS_INLINE inline void
load_lanes (float (*v)[KC], const float *T, int points, size_t rows, size_t row, size_t ld,
            size_t t0, int nt)
{
  /* A whole run of KC lanes is copied by a constant size, which the compiler inlines. */
  for (int p = 0; p < points; p++)
    if (nt == KC)
      memcpy (v[p], T + ((size_t) p * rows + row) * ld + t0, sizeof (float) * KC);
    else
      {
        memcpy (v[p], T + ((size_t) p * rows + row) * ld + t0, sizeof (float) * (size_t) nt);
        memset (v[p] + nt, 0, sizeof (float) * (size_t) (KC - nt));
      }
}

static G_ALWAYS_INLINE inline void
store_lanes (float *T, float (*v)[KC], int points, size_t rows, size_t row, size_t ld, size_t t0,
             int nt)
{
  for (int p = 0; p < points; p++)
    if (nt == KC)
      memcpy (T + ((size_t) p * rows + row) * ld + t0, v[p], sizeof (float) * KC);
    else
      memcpy (T + ((size_t) p * rows + row) * ld + t0, v[p], sizeof (float) * (size_t) nt);
}

/* Lanes [0, KC) of d: for tile t0 + k (k < nt) of `channel` of `channels` in src, the side ×
 * side window of its H × W plane whose corner is the tile's origin shifted by (dy, dx), zero
 * outside the plane; lanes past nt zero. */
static G_ALWAYS_INLINE inline void
gather_windows (const TileArgs *ta, float (*d)[KC], size_t t0, int nt, int channel, int channels,
                int H, int W, int dy, int dx, int side)
{
  const size_t plane = (size_t) H * W;
  TileCursor cur = cursor_at (ta->g, t0);
  for (int k = 0; k < KC; k++, cursor_next (ta->g, &cur))
    {
      if (k >= nt)
        {
          for (int p = 0; p < side * side; p++)
            d[p][k] = 0.0f;
          continue;
        }
      int oy, ox;
      const float *img = ta->src + cursor_place (ta->g, &cur, channel, channels, plane, &oy, &ox);
      const int y0 = oy + dy, x0 = ox + dx;
      if (y0 >= 0 && x0 >= 0 && y0 + side <= H && x0 + side <= W)
        for (int r = 0; r < side; r++)
          for (int q = 0; q < side; q++)
            d[r * side + q][k] = img[(size_t) (y0 + r) * W + x0 + q];
      else
        for (int r = 0; r < side; r++)
          for (int q = 0; q < side; q++)
            {
              int y = y0 + r, x = x0 + q;
              d[r * side + q][k]
                = y >= 0 && y < H && x >= 0 && x < W ? img[(size_t) y * W + x] : 0.0f;
            }
    }
}

/* V[ξ][c][t] = (Bᵀ·d·B)[ξ] for the α × α input tiles d of channel c (zero past the edges). */
static G_ALWAYS_INLINE inline void
input_transform_channel (const TileArgs *ta, int m, int c)
{
  const CariConv2dShape *s = ta->g->s;
  const int a = m + 2;
  float d[MAX_A * MAX_A][KC], tmp[MAX_A * MAX_A][KC], v[MAX_A * MAX_A][KC];

  for (size_t t0 = ta->tb; t0 < ta->te; t0 += KC)
    {
      const int nt = (int) MIN ((size_t) KC, ta->te - t0);
      gather_windows (ta, d, t0, nt, c, s->in_c, s->in_h, s->in_w, -s->pad_top, -s->pad_left, a);
      transform_2d (BT, m, a, a, d, tmp, v);
      store_lanes (ta->T, v, a * a, s->in_c, c, ta->ld, t0 - ta->col0, nt);
    }
}

/* out = (Aᵀ·M·A) + bias for output channel oc, cut at the image's edge. */
static G_ALWAYS_INLINE inline void
output_transform_channel (const TileArgs *ta, int m, int oc)
{
  const Geom *g = ta->g;
  const CariConv2dShape *s = g->s;
  const int a = m + 2, OH = s->out_h, OW = s->out_w;
  const size_t plane = (size_t) OH * OW;
  const float b = ta->bias != NULL ? ta->bias[oc] : 0.0f;
  float v[MAX_A * MAX_A][KC], tmp[MAX_A * MAX_A][KC], y[MAX_A * MAX_A][KC];

  for (size_t t0 = ta->tb; t0 < ta->te; t0 += KC)
    {
      const int nt = (int) MIN ((size_t) KC, ta->te - t0);
      load_lanes (v, ta->cT, a * a, s->out_c, oc, ta->ld, t0 - ta->col0, nt);
      transform_2d (AT, m, a, m, v, tmp, y);
      TileCursor cur = cursor_at (g, t0);
      for (int k = 0; k < nt; k++, cursor_next (g, &cur))
        {
          int oy, ox;
          float *img = ta->dst + cursor_place (g, &cur, oc, s->out_c, plane, &oy, &ox);
          float *o = img + (size_t) oy * OW + ox;
          const int rows = MIN (m, OH - oy), cols = MIN (m, OW - ox);
          if (rows == m && cols == m)
            /* A whole tile: constant bounds, unrolled. */
            for (int p = 0; p < m; p++)
              for (int q = 0; q < m; q++)
                o[(size_t) p * OW + q] = y[p * m + q][k] + b;
          else
            for (int p = 0; p < rows; p++)
              for (int q = 0; q < cols; q++)
                o[(size_t) p * OW + q] = y[p * m + q][k] + b;
        }
    }
}

/* Ŷ[ξ][oc][t] = (A·dY·Aᵀ)[ξ], the adjoint of the output transform (dY zero past the edge). */
static G_ALWAYS_INLINE inline void
output_adjoint_channel (const TileArgs *ta, int m, int oc)
{
  const CariConv2dShape *s = ta->g->s;
  const int a = m + 2;
  float dy[MAX_A * MAX_A][KC], tmp[MAX_A * MAX_A][KC], v[MAX_A * MAX_A][KC];

  for (size_t t0 = ta->tb; t0 < ta->te; t0 += KC)
    {
      const int nt = (int) MIN ((size_t) KC, ta->te - t0);
      gather_windows (ta, dy, t0, nt, oc, s->out_c, s->out_h, s->out_w, 0, 0, m);
      transform_2d (AT_ADJ, m, m, a, dy, tmp, v);
      store_lanes (ta->T, v, a * a, s->out_c, oc, ta->ld, t0 - ta->col0, nt);
    }
}

/* dinp += B·dV·Bᵀ over the overlapping input tiles of channel c: the adjoint of the input
 * transform. One channel's tiles are added in turn, so channels run in parallel without
 * races. */
static G_ALWAYS_INLINE inline void
input_adjoint_channel (const TileArgs *ta, int m, int c)
{
  const Geom *g = ta->g;
  const CariConv2dShape *s = g->s;
  const int a = m + 2, H = s->in_h, W = s->in_w;
  const size_t plane = (size_t) H * W;
  float v[MAX_A * MAX_A][KC], tmp[MAX_A * MAX_A][KC], d[MAX_A * MAX_A][KC];

  for (size_t t0 = ta->tb; t0 < ta->te; t0 += KC)
    {
      const int nt = (int) MIN ((size_t) KC, ta->te - t0);
      load_lanes (v, ta->cT, a * a, s->in_c, c, ta->ld, t0 - ta->col0, nt);
      transform_2d (BT_ADJ, m, a, a, v, tmp, d);
      TileCursor cur = cursor_at (g, t0);
      for (int k = 0; k < nt; k++, cursor_next (g, &cur))
        {
          int oy, ox;
          float *img = ta->dst + cursor_place (g, &cur, c, s->in_c, plane, &oy, &ox);
          const int y0 = oy - s->pad_top, x0 = ox - s->pad_left;
          const int r0 = MAX (0, -y0), r1 = MIN (a, H - y0);
          const int q0 = MAX (0, -x0), q1 = MIN (a, W - x0);
          for (int r = r0; r < r1; r++)
            for (int q = q0; q < q1; q++)
              img[(size_t) (y0 + r) * W + x0 + q] += d[r * a + q][k];
        }
    }
}

/* Channels [c0, c1) of one transform and tile size, so that m is a constant in each; compiled
 * once per instruction set (core/cpu.h). */
typedef void (*TileFn) (const TileArgs *ta, int c0, int c1);

#define TILE_CHANNELS(name, one, m)                                                           \
  static G_ALWAYS_INLINE inline void name##_body (const TileArgs *ta, int c0, int c1)         \
  {                                                                                           \
    for (int c = c0; c < c1; c++)                                                             \
      one (ta, m, c);                                                                         \
  }                                                                                           \
  CARI_ISA_VARIANTS (TileFn, name, name##_body, (const TileArgs *ta, int c0, int c1),         \
                     (ta, c0, c1));

TILE_CHANNELS (input_transform_2, input_transform_channel, 2)
TILE_CHANNELS (input_transform_4, input_transform_channel, 4)
TILE_CHANNELS (output_transform_2, output_transform_channel, 2)
TILE_CHANNELS (output_transform_4, output_transform_channel, 4)
TILE_CHANNELS (output_adjoint_2, output_adjoint_channel, 2)
TILE_CHANNELS (output_adjoint_4, output_adjoint_channel, 4)
TILE_CHANNELS (input_adjoint_2, input_adjoint_channel, 2)
TILE_CHANNELS (input_adjoint_4, input_adjoint_channel, 4)
TILE_CHANNELS (input_transform_6, input_transform_channel, 6)
TILE_CHANNELS (output_transform_6, output_transform_channel, 6)

/* [transform][m / 2 - 1][isa]; F(6×6, 3×3) has no backward. */
static const TileFn *const tile_fns[4][3] = {
  [BT] = { input_transform_2_isa, input_transform_4_isa, input_transform_6_isa },
  [BT_ADJ] = { input_adjoint_2_isa, input_adjoint_4_isa, NULL },
  [AT] = { output_transform_2_isa, output_transform_4_isa, output_transform_6_isa },
  [AT_ADJ] = { output_adjoint_2_isa, output_adjoint_4_isa, NULL },
};

static void
tile_channels (Transform kind, const TileArgs *ta, int c0, int c1)
{
  tile_fns[kind][ta->g->m / 2 - 1][cari_cpu_isa ()](ta, c0, c1);
}

/* ------------------------------------------------------------------ passes
 *
 * The forward runs fused: each part takes a chunk of the row's tiles through the input
 * transform, the α² products and the output transform while they are in cache, one fork-join
 * for all (the products of a chunk are single-threaded gemms, cari_parallel_for running inline
 * inside a part). The backward's products sum over all tiles: the tiles are transformed by
 * chunks, then each part takes whole points (both products of a point, single-threaded), then
 * the input adjoint runs over channels (tiles of one image overlap, channels do not). */

/* Tiles per chunk: multiples of KC, the chunk's transformed tiles of every point (input and
 * output channels) within about 128k floats, at least KC. */
static size_t
chunk_tiles (const Geom *g)
{
  size_t per_tile = (size_t) g->a * g->a * (size_t) (g->s->in_c + g->s->out_c);
  return KC * MAX ((size_t) 1, ((size_t) 1 << 17) / (per_tile * KC));
}

typedef struct
{
  const Geom *g;
  size_t ld, chunk;
  const float *inp, *dout, *U;
  float *out, *V, *M, *dU;
  const float *bias;
  gboolean first, with_dinp;
} PassArgs;

static void
forward_chunks (gpointer data, size_t k0, size_t k1)
{
  const PassArgs *pa = data;
  const Geom *g = pa->g;
  const size_t C = g->s->in_c, OC = g->s->out_c, points = (size_t) g->a * g->a;

  for (size_t k = k0; k < k1; k++)
    {
      /* The chunk's own matrices, [α²][C][len] then [α²][OC][len], where the group's would
       * have its columns: contiguous, so the transforms' runs land on few pages. */
      const size_t tb = k * pa->chunk, te = MIN (pa->ld, tb + pa->chunk), len = te - tb;
      float *V = pa->V + tb * points * (C + OC), *M = V + points * C * len;
      TileArgs t = { .g = g, .ld = len, .col0 = tb, .tb = tb, .te = te, .src = pa->inp, .T = V };
      tile_channels (BT, &t, 0, (int) C);
      /* M_ξ[OC × len] = U_ξ[OC × C] · V_ξ[C × len] */
      for (size_t p = 0; p < points; p++)
        cari_sgemm (FALSE, FALSE, (int) OC, (int) len, (int) C, 1.0f, pa->U + p * OC * C,
                    (int) C, V + p * C * len, (int) len, 0.0f, M + p * OC * len, (int) len);
      TileArgs o = { .g = g, .ld = len, .col0 = tb, .tb = tb, .te = te, .dst = pa->out, .cT = M,
                     .bias = pa->bias };
      tile_channels (AT, &o, 0, (int) OC);
    }
}

/* The forward in three phases, for layers whose chunks would hold too few tiles to pay for
 * their products: the input transform by chunks, the products parallel over points (each a
 * single-threaded gemm over every tile of the group), the output transform by chunks. */
static void
forward_input_chunks (gpointer data, size_t k0, size_t k1)
{
  const PassArgs *pa = data;
  for (size_t k = k0; k < k1; k++)
    {
      const size_t tb = k * pa->chunk, te = MIN (pa->ld, tb + pa->chunk);
      TileArgs t = { .g = pa->g, .ld = pa->ld, .tb = tb, .te = te, .src = pa->inp, .T = pa->V };
      tile_channels (BT, &t, 0, pa->g->s->in_c);
    }
}

static void
forward_points (gpointer data, size_t p0, size_t p1)
{
  const PassArgs *pa = data;
  const size_t C = pa->g->s->in_c, OC = pa->g->s->out_c, ld = pa->ld;
  for (size_t p = p0; p < p1; p++)
    cari_sgemm (FALSE, FALSE, (int) OC, (int) ld, (int) C, 1.0f, pa->U + p * OC * C, (int) C,
                pa->V + p * C * ld, (int) ld, 0.0f, pa->M + p * OC * ld, (int) ld);
}

static void
forward_output_chunks (gpointer data, size_t k0, size_t k1)
{
  const PassArgs *pa = data;
  for (size_t k = k0; k < k1; k++)
    {
      const size_t tb = k * pa->chunk, te = MIN (pa->ld, tb + pa->chunk);
      TileArgs o = { .g = pa->g, .ld = pa->ld, .tb = tb, .te = te, .dst = pa->out,
                     .cT = pa->M, .bias = pa->bias };
      tile_channels (AT, &o, 0, pa->g->s->out_c);
    }
}

/* Fused while a chunk's transformed tiles of both sides stay near the cache they were chosen
 * for: past that (conv5, the reduction blocks' 192- and 256-channel layers) the fused form ran
 * 5–12 % slower than the three phases at the paper preset. */
#define FUSED_MAX_CHANNELS 288

static void
backward_chunks (gpointer data, size_t k0, size_t k1)
{
  const PassArgs *pa = data;
  const Geom *g = pa->g;
  for (size_t k = k0; k < k1; k++)
    {
      const size_t tb = k * pa->chunk, te = MIN (pa->ld, tb + pa->chunk);
      TileArgs ty = { .g = g, .ld = pa->ld, .tb = tb, .te = te, .src = pa->dout, .T = pa->M };
      tile_channels (AT_ADJ, &ty, 0, g->s->out_c);
      TileArgs tv = { .g = g, .ld = pa->ld, .tb = tb, .te = te, .src = pa->inp, .T = pa->V };
      tile_channels (BT, &tv, 0, g->s->in_c);
    }
}

/* Point by point, so that Ŷ_ξ is still in cache for the second product:
 *   dU_ξ[OC × C] (+)= Ŷ_ξ[OC × tiles] · V_ξᵀ[tiles × C]   (from zero in the first group)
 *   dV_ξ[C × tiles] = U_ξᵀ[C × OC] · Ŷ_ξ[OC × tiles]     (over V_ξ, which dU_ξ has read) */
static void
backward_points (gpointer data, size_t p0, size_t p1)
{
  const PassArgs *pa = data;
  const size_t C = pa->g->s->in_c, OC = pa->g->s->out_c, ld = pa->ld;
  for (size_t p = p0; p < p1; p++)
    {
      const float *Yp = pa->M + p * OC * ld;
      float *Vp = pa->V + p * C * ld;
      cari_sgemm (FALSE, TRUE, (int) OC, (int) C, (int) ld, 1.0f, Yp, (int) ld, Vp, (int) ld,
                  pa->first ? 0.0f : 1.0f, pa->dU + p * OC * C, (int) C);
      if (pa->with_dinp)
        cari_sgemm (TRUE, FALSE, (int) C, (int) ld, (int) OC, 1.0f, pa->U + p * OC * C, (int) C,
                    Yp, (int) ld, 0.0f, Vp, (int) ld);
    }
}

static void
input_adjoint_range (gpointer data, size_t c0, size_t c1)
{
  tile_channels (BT_ADJ, data, (int) c0, (int) c1);
}

/* Channels per part: about 64k transformed floats each. */
static size_t
tile_grain (const Geom *g, size_t ld)
{
  return MAX ((size_t) 1, (size_t) 65536 / MAX (ld * g->a * g->a, 1));
}

void
cari_winograd_forward (float *out, const float *inp, const float *weight, const float *bias,
                       int N, const CariConv2dShape *s, int tile, float *workspace,
                       size_t workspace_floats)
{
  Geom g;
  geom_init (&g, s, tile);
  const int group = pick_group (&g, N, workspace_floats);
  const size_t in_img = (size_t) s->in_c * s->in_h * s->in_w;
  const size_t out_img = (size_t) s->out_c * s->out_h * s->out_w;
  const size_t C = s->in_c;
  float *U = workspace;
  float *tiles = workspace + filters_floats (&g);

  FilterArgs f = { .g = &g, .weight = weight, .U = U };
  cari_parallel_for ((size_t) s->out_c, filter_grain (&g), filter_transform_range, &f);

  for (int n0 = 0; n0 < N; n0 += group)
    {
      const int gn = MIN (group, N - n0);
      const size_t ld = (size_t) gn * g.tiles;
      PassArgs pa = { .g = &g, .ld = ld, .chunk = chunk_tiles (&g), .inp = inp + n0 * in_img,
                      .out = out + n0 * out_img, .U = U, .V = tiles,
                      .M = tiles + g.a * g.a * C * ld, .bias = bias };
      const size_t n_chunks = (ld + pa.chunk - 1) / pa.chunk;
      if (C + (size_t) s->out_c <= FUSED_MAX_CHANNELS)
        {
          cari_parallel_for (n_chunks, 1, forward_chunks, &pa);
          continue;
        }
      cari_parallel_for (n_chunks, 1, forward_input_chunks, &pa);
      cari_parallel_for ((size_t) g.a * g.a, 1, forward_points, &pa);
      cari_parallel_for (n_chunks, 1, forward_output_chunks, &pa);
    }
}

void
cari_winograd_backward (float *dinp, float *dweight, const float *dout, const float *inp,
                        const float *weight, int N, const CariConv2dShape *s, int tile,
                        float *workspace, size_t workspace_floats)
{
  g_return_if_fail (tile != CARI_WINOGRAD_TILE_FORWARD);
  /* No images, no gradient: the filter adjoint below would fold a ∂U never written. */
  if (N <= 0)
    return;
  Geom g;
  geom_init (&g, s, tile);
  const int group = pick_group (&g, N, workspace_floats);
  const size_t in_img = (size_t) s->in_c * s->in_h * s->in_w;
  const size_t out_img = (size_t) s->out_c * s->out_h * s->out_w;
  const size_t C = s->in_c, OC = s->out_c;
  float *U = workspace, *dU = workspace + filter_floats (&g);
  float *tiles = workspace + filters_floats (&g);

  if (dinp != NULL)
    {
      FilterArgs f = { .g = &g, .weight = weight, .U = U };
      cari_parallel_for (OC, filter_grain (&g), filter_transform_range, &f);
    }

  for (int n0 = 0; n0 < N; n0 += group)
    {
      const int gn = MIN (group, N - n0);
      const size_t ld = (size_t) gn * g.tiles;
      PassArgs pa = { .g = &g, .ld = ld, .chunk = chunk_tiles (&g),
                      .inp = inp + n0 * in_img, .dout = dout + n0 * out_img, .U = U,
                      .M = tiles, .V = tiles + g.a * g.a * OC * ld, .dU = dU,
                      .first = n0 == 0, .with_dinp = dinp != NULL };
      cari_parallel_for ((ld + pa.chunk - 1) / pa.chunk, 1, backward_chunks, &pa);
      cari_parallel_for ((size_t) g.a * g.a, 1, backward_points, &pa);
      if (dinp == NULL)
        continue;
      TileArgs ti = { .g = &g, .ld = ld, .tb = 0, .te = ld, .dst = dinp + n0 * in_img,
                      .cT = pa.V };
      cari_parallel_for (C, tile_grain (&g, ld), input_adjoint_range, &ti);
    }

  FilterArgs f = { .g = &g, .dweight = dweight, .dU = dU };
  cari_parallel_for (OC, filter_grain (&g), filter_adjoint_range, &f);
}
