/* lab-scatter-model.c — points, their grid, selection and the ranks of identities.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-scatter-model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GRID_SIDE 2048

struct _LabScatterLayout
{
  gatomicrefcount ref;
  int n;
  float *xy;       /* [n, 2] */
  guint8 *markers; /* [n] */
  double bounds[4];
  /* The grid: columns × rows cells of cw × ch from (bounds[0], bounds[1]); the points of cell
   * c are cell_points[cell_start[c] … cell_start[c + 1]) (a counting sort). */
  int columns, rows;
  double cw, ch;
  int *cell_start;
  int *cell_points;
};

static inline gboolean
point_is_finite (const float *xy, int i)
{
  return isfinite (xy[2 * i]) && isfinite (xy[2 * i + 1]);
}

static inline int
cell_of (double v, double origin, double size, int cells)
{
  double c = floor ((v - origin) / size);
  if (!(c >= 0))
    return 0;
  return c >= cells ? cells - 1 : (int) c;
}

static void
build_grid (LabScatterLayout *l)
{
  int finite = 0;
  double x_min = INFINITY, y_min = INFINITY, x_max = -INFINITY, y_max = -INFINITY;
  for (int i = 0; i < l->n; i++)
    if (point_is_finite (l->xy, i))
      {
        finite++;
        x_min = MIN (x_min, l->xy[2 * i]);
        x_max = MAX (x_max, l->xy[2 * i]);
        y_min = MIN (y_min, l->xy[2 * i + 1]);
        y_max = MAX (y_max, l->xy[2 * i + 1]);
      }
  if (finite == 0)
    {
      memset (l->bounds, 0, sizeof l->bounds);
      l->columns = l->rows = 0;
      l->cell_start = g_new0 (int, 1);
      l->cell_points = g_new0 (int, 1);
      return;
    }
  l->bounds[0] = x_min;
  l->bounds[1] = y_min;
  l->bounds[2] = x_max;
  l->bounds[3] = y_max;

  /* About two points a cell, square cells where both extents are non-zero. */
  double ex = x_max - x_min, ey = y_max - y_min, cells = MAX (finite / 2.0, 1.0);
  double side;
  if (ex > 0 && ey > 0)
    side = sqrt (ex * ey / cells);
  else
    side = MAX (ex, ey) / cells;
  l->columns = ex > 0 && side > 0 ? (int) CLAMP (ceil (ex / side), 1, MAX_GRID_SIDE) : 1;
  l->rows = ey > 0 && side > 0 ? (int) CLAMP (ceil (ey / side), 1, MAX_GRID_SIDE) : 1;
  l->cw = ex > 0 ? ex / l->columns : 1.0;
  l->ch = ey > 0 ? ey / l->rows : 1.0;

  int n_cells = l->columns * l->rows;
  l->cell_start = g_new0 (int, n_cells + 1);
  l->cell_points = g_new (int, MAX (finite, 1));
  g_autofree int *cell = g_new (int, MAX (l->n, 1));
  for (int i = 0; i < l->n; i++)
    {
      if (!point_is_finite (l->xy, i))
        {
          cell[i] = -1;
          continue;
        }
      int cx = cell_of (l->xy[2 * i], x_min, l->cw, l->columns);
      int cy = cell_of (l->xy[2 * i + 1], y_min, l->ch, l->rows);
      cell[i] = cy * l->columns + cx;
      l->cell_start[cell[i] + 1]++;
    }
  for (int c = 0; c < n_cells; c++)
    l->cell_start[c + 1] += l->cell_start[c];
  g_autofree int *fill = g_memdup2 (l->cell_start, sizeof (int) * n_cells);
  for (int i = 0; i < l->n; i++)
    if (cell[i] >= 0)
      l->cell_points[fill[cell[i]]++] = i;
}

LabScatterLayout *
lab_scatter_layout_new (const float *xy, const guint8 *markers, int n)
{
  g_return_val_if_fail (n >= 0 && (n == 0 || xy != NULL), NULL);
  LabScatterLayout *l = g_new0 (LabScatterLayout, 1);
  g_atomic_ref_count_init (&l->ref);
  l->n = n;
  l->xy = g_new (float, 2 * MAX (n, 1));
  if (n > 0)
    memcpy (l->xy, xy, sizeof (float) * 2 * n);
  l->markers = g_new0 (guint8, MAX (n, 1));
  if (markers != NULL && n > 0)
    memcpy (l->markers, markers, n);
  build_grid (l);
  return l;
}

LabScatterLayout *
lab_scatter_layout_ref (LabScatterLayout *layout)
{
  g_return_val_if_fail (layout != NULL, NULL);
  g_atomic_ref_count_inc (&layout->ref);
  return layout;
}

void
lab_scatter_layout_unref (LabScatterLayout *layout)
{
  if (layout == NULL || !g_atomic_ref_count_dec (&layout->ref))
    return;
  g_free (layout->xy);
  g_free (layout->markers);
  g_free (layout->cell_start);
  g_free (layout->cell_points);
  g_free (layout);
}

int
lab_scatter_layout_get_n (const LabScatterLayout *layout)
{
  return layout != NULL ? layout->n : 0;
}

const float *
lab_scatter_layout_get_xy (const LabScatterLayout *layout)
{
  return layout->xy;
}

LabMarker
lab_scatter_layout_get_marker (const LabScatterLayout *layout, int point)
{
  g_return_val_if_fail (point >= 0 && point < layout->n, LAB_MARKER_CIRCLE);
  return layout->markers[point];
}

gboolean
lab_scatter_layout_has_marker (const LabScatterLayout *layout, LabMarker marker)
{
  for (int i = 0; layout != NULL && i < layout->n; i++)
    if (layout->markers[i] == marker)
      return TRUE;
  return FALSE;
}

void
lab_scatter_layout_get_bounds (const LabScatterLayout *layout, double bounds[4])
{
  memcpy (bounds, layout->bounds, sizeof layout->bounds);
}

void
lab_scatter_layout_get_grid (const LabScatterLayout *layout, int *columns, int *rows)
{
  *columns = layout->columns;
  *rows = layout->rows;
}

/* ------------------------------------------------------------------------------ queries */

/* After the cells within Chebyshev distance r of (cx, cy) have been searched, the distance
 * below which no unsearched point can lie; INFINITY when every cell has been searched. The
 * slack covers a point that rounding put in the cell next to the border it lies on. */
static double
ring_bound (const LabScatterLayout *l, double x, double y, int cx, int cy, int r)
{
  double bound = INFINITY;
  if (cx - r > 0)
    bound = MIN (bound, x - (l->bounds[0] + (cx - r) * l->cw));
  if (cx + r < l->columns - 1)
    bound = MIN (bound, l->bounds[0] + (cx + r + 1) * l->cw - x);
  if (cy - r > 0)
    bound = MIN (bound, y - (l->bounds[1] + (cy - r) * l->ch));
  if (cy + r < l->rows - 1)
    bound = MIN (bound, l->bounds[1] + (cy + r + 1) * l->ch - y);
  return bound - 1e-7 * (l->cw + l->ch);
}

typedef void (*CellVisit) (const LabScatterLayout *l, int cell, gpointer data);

/* Visits the cells of the ring at Chebyshev distance r from (cx, cy) that lie in the grid. */
static void
visit_ring (const LabScatterLayout *l, int cx, int cy, int r, CellVisit visit, gpointer data)
{
  if (r == 0)
    {
      visit (l, cy * l->columns + cx, data);
      return;
    }
  int x0 = MAX (cx - r, 0), x1 = MIN (cx + r, l->columns - 1);
  for (int side = -1; side <= 1; side += 2)
    {
      int y = cy + side * r;
      if (y < 0 || y >= l->rows)
        continue;
      for (int x = x0; x <= x1; x++)
        visit (l, y * l->columns + x, data);
    }
  int y0 = MAX (cy - r + 1, 0), y1 = MIN (cy + r - 1, l->rows - 1);
  for (int side = -1; side <= 1; side += 2)
    {
      int x = cx + side * r;
      if (x < 0 || x >= l->columns)
        continue;
      for (int y = y0; y <= y1; y++)
        visit (l, y * l->columns + x, data);
    }
}

typedef struct
{
  double x, y;
  double limit2; /* squared max distance */
  double best2;
  int best;
} Nearest;

static void
visit_nearest (const LabScatterLayout *l, int cell, gpointer data)
{
  Nearest *q = data;
  for (int k = l->cell_start[cell]; k < l->cell_start[cell + 1]; k++)
    {
      int i = l->cell_points[k];
      double dx = l->xy[2 * i] - q->x, dy = l->xy[2 * i + 1] - q->y;
      double d2 = dx * dx + dy * dy;
      if (d2 <= q->limit2 && (d2 < q->best2 || (d2 == q->best2 && i < q->best)))
        {
          q->best2 = d2;
          q->best = i;
        }
    }
}

int
lab_scatter_layout_nearest (const LabScatterLayout *layout, double x, double y,
                            double max_distance)
{
  g_return_val_if_fail (layout != NULL, -1);
  const LabScatterLayout *l = layout;
  if (l->columns == 0 || !isfinite (x) || !isfinite (y))
    return -1;
  Nearest q = { x, y, max_distance < 0 ? INFINITY : max_distance * max_distance, INFINITY, -1 };
  int cx = cell_of (x, l->bounds[0], l->cw, l->columns);
  int cy = cell_of (y, l->bounds[1], l->ch, l->rows);
  for (int r = 0;; r++)
    {
      visit_ring (l, cx, cy, r, visit_nearest, &q);
      double bound = ring_bound (l, x, y, cx, cy, r);
      if (bound == INFINITY)
        break;
      if (bound > 0 && (q.best2 < bound * bound || q.limit2 < bound * bound))
        break;
    }
  return q.best;
}

typedef struct
{
  int self;
  int k, found;
  int *points;    /* [k], nearest first */
  double *dist2;  /* [k] */
  double x, y;
} KNearest;

static void
visit_k_nearest (const LabScatterLayout *l, int cell, gpointer data)
{
  KNearest *q = data;
  for (int c = l->cell_start[cell]; c < l->cell_start[cell + 1]; c++)
    {
      int i = l->cell_points[c];
      if (i == q->self)
        continue;
      double dx = l->xy[2 * i] - q->x, dy = l->xy[2 * i + 1] - q->y;
      double d2 = dx * dx + dy * dy;
      /* Insertion into the sorted k best (k is small). */
      int at = q->found;
      while (at > 0
             && (d2 < q->dist2[at - 1] || (d2 == q->dist2[at - 1] && i < q->points[at - 1])))
        at--;
      if (at >= q->k)
        continue;
      int last = MIN (q->found, q->k - 1);
      for (int m = last; m > at; m--)
        {
          q->points[m] = q->points[m - 1];
          q->dist2[m] = q->dist2[m - 1];
        }
      q->points[at] = i;
      q->dist2[at] = d2;
      q->found = MIN (q->found + 1, q->k);
    }
}

int
lab_scatter_layout_k_nearest (const LabScatterLayout *layout, int point, int k, int *out)
{
  g_return_val_if_fail (layout != NULL && point >= 0 && point < layout->n, 0);
  const LabScatterLayout *l = layout;
  if (k <= 0 || l->columns == 0 || !point_is_finite (l->xy, point))
    return 0;
  g_autofree double *dist2 = g_new (double, k);
  KNearest q = { point, k, 0, out, dist2, l->xy[2 * point], l->xy[2 * point + 1] };
  int cx = cell_of (q.x, l->bounds[0], l->cw, l->columns);
  int cy = cell_of (q.y, l->bounds[1], l->ch, l->rows);
  for (int r = 0;; r++)
    {
      visit_ring (l, cx, cy, r, visit_k_nearest, &q);
      double bound = ring_bound (l, q.x, q.y, cx, cy, r);
      if (bound == INFINITY)
        break;
      if (bound > 0 && q.found == k && dist2[k - 1] < bound * bound)
        break;
    }
  return q.found;
}

/* ------------------------------------------------------------------------------ selection */

GArray *
lab_scatter_layout_select_box (const LabScatterLayout *layout, double x0, double y0, double x1,
                               double y1)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
  double lx = MIN (x0, x1), hx = MAX (x0, x1), ly = MIN (y0, y1), hy = MAX (y0, y1);
  for (int i = 0; layout != NULL && i < layout->n; i++)
    {
      double x = layout->xy[2 * i], y = layout->xy[2 * i + 1];
      if (x >= lx && x <= hx && y >= ly && y <= hy)
        g_array_append_val (out, i);
    }
  return out;
}

gboolean
lab_point_in_polygon (const double *xy, int n_vertices, double x, double y)
{
  /* Crossings of a ray towards +x (W. R. Franklin's test): an edge counts when it straddles the
   * ray's height (half-open, so a vertex on it counts once) and crosses it right of the point. */
  gboolean inside = FALSE;
  for (int i = 0, j = n_vertices - 1; i < n_vertices; j = i++)
    {
      double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
        inside = !inside;
    }
  return inside;
}

GArray *
lab_scatter_layout_select_polygon (const LabScatterLayout *layout, const double *xy,
                                   int n_vertices)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
  if (layout == NULL || n_vertices < 3)
    return out;
  double lx = INFINITY, ly = INFINITY, hx = -INFINITY, hy = -INFINITY;
  for (int v = 0; v < n_vertices; v++)
    {
      lx = MIN (lx, xy[2 * v]);
      hx = MAX (hx, xy[2 * v]);
      ly = MIN (ly, xy[2 * v + 1]);
      hy = MAX (hy, xy[2 * v + 1]);
    }
  for (int i = 0; i < layout->n; i++)
    {
      double x = layout->xy[2 * i], y = layout->xy[2 * i + 1];
      if (x >= lx && x <= hx && y >= ly && y <= hy && lab_point_in_polygon (xy, n_vertices, x, y))
        g_array_append_val (out, i);
    }
  return out;
}

/* ------------------------------------------------------------------------------ colours */

typedef struct
{
  int identity, count;
} IdentityCount;

static int
by_count_then_index (const void *a, const void *b)
{
  const IdentityCount *x = a, *y = b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return (x->identity > y->identity) - (x->identity < y->identity);
}

int *
lab_identity_ranks (const int *identities, int n, int n_identities)
{
  g_autofree IdentityCount *counts = g_new0 (IdentityCount, MAX (n_identities, 1));
  for (int k = 0; k < n_identities; k++)
    counts[k].identity = k;
  for (int i = 0; i < n; i++)
    if (identities[i] >= 0 && identities[i] < n_identities)
      counts[identities[i]].count++;
  qsort (counts, n_identities, sizeof (IdentityCount), by_count_then_index);
  int *ranks = g_new (int, MAX (n_identities, 1));
  for (int r = 0; r < n_identities; r++)
    ranks[counts[r].identity] = r;
  return ranks;
}
