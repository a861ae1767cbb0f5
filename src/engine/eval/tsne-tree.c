/* tsne-tree.c — the quadtree of a 2-D layout and the Barnes–Hut repulsion it gives.
 *
 * Built top-down by partitioning the points in place (no per-point allocation): a cell's
 * non-empty quadrants are contiguous nodes, its points a contiguous run of the tree order, and a
 * cell with at most LEAF_SIZE points (or at MAX_DEPTH, for duplicates) is a leaf.
 * The repulsion walks the tree once per group — GROUP consecutive points of the tree order,
 * which lie close together — rather than once per point (Barnes 1990): a cell summarises its
 * points only if it looks small from all of the group, so the result is at least as accurate
 * as the point-by-point walk, the walk's cost is shared, and the interactions it gathers are
 * computed a lane per point.
 */
#include "eval/tsne-private.h"

#include "core/parallel.h"

#include <math.h>
#include <string.h>

#define LEAF_SIZE 32
#define GROUP CARI_QUADTREE_GROUP
#define MAX_DEPTH 40
#define BATCH 256

typedef struct
{
  double cx, cy; /* centre of mass */
  double w2;     /* squared side of the cell */
  int count;     /* points in the cell */
  int begin;     /* first of them in the tree order */
  int child;     /* first child node; −1 for a leaf */
  int n_child;   /* non-empty quadrants, contiguous from child */
} Node;

struct _CariQuadtree
{
  Node *nodes; /* owned */
  int n_nodes, cap_nodes;
  int *order;  /* owned: tree order → point */
  double *pos; /* owned: [n × 2] positions in the tree order */
  int n, cap_points;
};

CariQuadtree *
cari_quadtree_new (void)
{
  return g_new0 (CariQuadtree, 1);
}

void
cari_quadtree_free (CariQuadtree *tree)
{
  if (tree == NULL)
    return;
  g_free (tree->nodes);
  g_free (tree->order);
  g_free (tree->pos);
  g_free (tree);
}

int
cari_quadtree_point (const CariQuadtree *tree, int pos)
{
  return tree->order[pos];
}

static int
alloc_nodes (CariQuadtree *t, int count)
{
  if (t->n_nodes + count > t->cap_nodes)
    {
      t->cap_nodes = MAX (2 * t->cap_nodes, t->n_nodes + count + 64);
      t->nodes = g_renew (Node, t->nodes, t->cap_nodes);
    }
  t->n_nodes += count;
  return t->n_nodes - count;
}

/* Moves the points of [begin, end) whose coordinate `axis` is below `split` to the front;
 * returns where the others start. */
static int
partition (CariQuadtree *t, int begin, int end, int axis, double split)
{
  int i = begin, j = end - 1;
  while (i <= j)
    {
      if (t->pos[2 * i + axis] < split)
        i++;
      else
        {
          double x = t->pos[2 * i], y = t->pos[2 * i + 1];
          int o = t->order[i];
          t->pos[2 * i] = t->pos[2 * j];
          t->pos[2 * i + 1] = t->pos[2 * j + 1];
          t->order[i] = t->order[j];
          t->pos[2 * j] = x;
          t->pos[2 * j + 1] = y;
          t->order[j] = o;
          j--;
        }
    }
  return i;
}

/* Fills node `id`, the square of centre (mx, my) and half side `half`, over [begin, end). */
static void
fill (CariQuadtree *t, int id, int begin, int end, double mx, double my, double half, int depth)
{
  double sx = 0.0, sy = 0.0;
  for (int i = begin; i < end; i++)
    {
      sx += t->pos[2 * i];
      sy += t->pos[2 * i + 1];
    }
  int count = end - begin;
  Node nd = { sx / count, sy / count, 4.0 * half * half, count, begin, -1, 0 };
  if (count <= LEAF_SIZE || depth >= MAX_DEPTH)
    {
      t->nodes[id] = nd;
      return;
    }
  /* Quadrants in the order (x<, y<), (x≥, y<), (x<, y≥), (x≥, y≥). */
  int mid = partition (t, begin, end, 1, my);
  int cut[5] = { begin, partition (t, begin, mid, 0, mx), mid, partition (t, mid, end, 0, mx),
                 end };
  for (int q = 0; q < 4; q++)
    nd.n_child += cut[q + 1] > cut[q];
  nd.child = alloc_nodes (t, nd.n_child);
  t->nodes[id] = nd;
  double h = 0.5 * half;
  for (int q = 0, c = nd.child; q < 4; q++)
    if (cut[q + 1] > cut[q])
      fill (t, c++, cut[q], cut[q + 1], mx + (q & 1 ? h : -h), my + (q & 2 ? h : -h), h,
            depth + 1);
}

void
cari_quadtree_build (CariQuadtree *t, const double *y, int n)
{
  g_assert (n > 0);
  if (n > t->cap_points)
    {
      t->cap_points = n;
      t->order = g_renew (int, t->order, n);
      t->pos = g_renew (double, t->pos, 2 * (size_t) n);
    }
  t->n = n;
  double lo[2] = { y[0], y[1] }, hi[2] = { y[0], y[1] };
  for (int i = 0; i < n; i++)
    for (int a = 0; a < 2; a++)
      {
        lo[a] = MIN (lo[a], y[2 * i + a]);
        hi[a] = MAX (hi[a], y[2 * i + a]);
      }
  memcpy (t->pos, y, sizeof (double) * 2 * (size_t) n);
  for (int i = 0; i < n; i++)
    t->order[i] = i;
  /* A square a little larger than the points, so none sits on the outer edge. */
  double half = 0.5 * MAX (hi[0] - lo[0], hi[1] - lo[1]);
  half = half * (1.0 + 1e-6) + 1e-300;
  t->n_nodes = 0;
  alloc_nodes (t, 1);
  fill (t, 0, 0, n, 0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1]), half, 0);
}

/* The interactions gathered for a group, computed in batches from a fixed buffer: a cell's
 * centre of mass weighted by its point count, or a single point of an opened leaf. */
typedef struct
{
  double px[GROUP], py[GROUP];          /* the group's points (padded with copies) */
  double z[GROUP], fx[GROUP], fy[GROUP]; /* their sums */
  double cx[BATCH], cy[BATCH], cn[BATCH];
  int nb;
} Walk;

CARI_TSNE_CLONES static void
flush (Walk *w)
{
  /* One lane per point of the group: no sum crosses lanes, so the compiler vectorises this
   * without reassociating anything and each point's sum keeps a fixed order. */
  double px[GROUP], py[GROUP], z[GROUP], fx[GROUP], fy[GROUP];
  memcpy (px, w->px, sizeof px);
  memcpy (py, w->py, sizeof py);
  memcpy (z, w->z, sizeof z);
  memcpy (fx, w->fx, sizeof fx);
  memcpy (fy, w->fy, sizeof fy);
  for (int b = 0; b < w->nb; b++)
    {
      double cx = w->cx[b], cy = w->cy[b], cn = w->cn[b];
      for (int l = 0; l < GROUP; l++)
        {
          double dx = px[l] - cx, dy = py[l] - cy;
          double q = 1.0 / (1.0 + dx * dx + dy * dy), zc = cn * q;
          z[l] += zc;
          fx[l] += zc * q * dx;
          fy[l] += zc * q * dy;
        }
    }
  memcpy (w->z, z, sizeof z);
  memcpy (w->fx, fx, sizeof fx);
  memcpy (w->fy, fy, sizeof fy);
  w->nb = 0;
}

static inline void
add (Walk *w, double cx, double cy, double cn)
{
  if (w->nb == BATCH)
    flush (w);
  w->cx[w->nb] = cx;
  w->cy[w->nb] = cy;
  w->cn[w->nb++] = cn;
}

int
cari_quadtree_n_groups (const CariQuadtree *t)
{
  return (t->n + GROUP - 1) / GROUP;
}

int
cari_quadtree_group (const CariQuadtree *t, int g, int *begin)
{
  *begin = g * GROUP;
  return MIN (GROUP, t->n - g * GROUP);
}

/* cari_quadtree_repel_points's sums for group g: f [count × 2] and z [count] by its position
 * in the group. */
static void
repel_group (const CariQuadtree *t, int g, double theta, double *f, double *z)
{
  Walk w;
  int first, count = cari_quadtree_group (t, g, &first), last = first + count;
  double lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
  for (int l = 0; l < GROUP; l++)
    {
      int pos = first + MIN (l, count - 1);
      w.px[l] = t->pos[2 * pos];
      w.py[l] = t->pos[2 * pos + 1];
      w.z[l] = w.fx[l] = w.fy[l] = 0.0;
      lo[0] = MIN (lo[0], w.px[l]);
      hi[0] = MAX (hi[0], w.px[l]);
      lo[1] = MIN (lo[1], w.py[l]);
      hi[1] = MAX (hi[1], w.py[l]);
    }
  w.nb = 0;

  /* A cell stands for its points when it looks small (side < theta · distance) from every
   * point of the group: from the nearest point of the group's bounding box. Each visit pops
   * one node and pushes at most four, so the stack never holds more than 3 · MAX_DEPTH + 4. */
  int stack[3 * MAX_DEPTH + 8];
  int sp = 0;
  gboolean self[GROUP] = { FALSE };
  double theta2 = theta * theta;
  stack[sp++] = 0;
  while (sp > 0)
    {
      const Node *nd = &t->nodes[stack[--sp]];
      double ex = MAX (MAX (lo[0] - nd->cx, nd->cx - hi[0]), 0.0);
      double ey = MAX (MAX (lo[1] - nd->cy, nd->cy - hi[1]), 0.0);
      if (nd->w2 < theta2 * (ex * ex + ey * ey))
        add (&w, nd->cx, nd->cy, nd->count);
      else if (nd->child < 0)
        {
          /* Opened leaf: its points one by one. A point of the group in it meets itself, at
           * distance 0: w = 1 and no force, taken off below. */
          int end = nd->begin + nd->count;
          for (int j = MAX (nd->begin, first); j < MIN (end, last); j++)
            self[j - first] = TRUE;
          for (int j = nd->begin; j < end; j++)
            add (&w, t->pos[2 * j], t->pos[2 * j + 1], 1.0);
        }
      else
        for (int c = nd->n_child - 1; c >= 0; c--)
          stack[sp++] = nd->child + c;
    }
  flush (&w);
  for (int l = 0; l < count; l++)
    {
      z[l] = self[l] ? w.z[l] - 1.0 : w.z[l];
      f[2 * l] = w.fx[l];
      f[2 * l + 1] = w.fy[l];
    }
}

int
cari_quadtree_repel_points (const CariQuadtree *tree, int g, double theta, double *force,
                            double *z, int *begin)
{
  double f[2 * GROUP];
  int first, count = cari_quadtree_group (tree, g, &first);
  repel_group (tree, g, theta, f, z + first);
  for (int l = 0; l < count; l++)
    {
      int i = cari_quadtree_point (tree, first + l);
      force[2 * i] = f[2 * l];
      force[2 * i + 1] = f[2 * l + 1];
    }
  if (begin != NULL)
    *begin = first;
  return count;
}

typedef struct
{
  gint next; /* first position not yet taken */
  size_t n, chunk;
  void (*fn) (gpointer, size_t, size_t);
  gpointer data;
} Chunks;

static void
take_chunks (gpointer data, size_t begin, size_t end)
{
  Chunks *c = data;
  for (;;)
    {
      size_t b = (size_t) g_atomic_int_add (&c->next, (gint) c->chunk);
      if (b >= c->n)
        return;
      c->fn (c->data, b, MIN (b + c->chunk, c->n));
    }
}

void
cari_tsne_parallel_chunks (size_t n, size_t chunk, void (*fn) (gpointer, size_t, size_t),
                           gpointer data)
{
  g_assert (n < G_MAXINT / 2 && chunk > 0);
  Chunks c = { 0, n, chunk, fn, data };
  size_t workers = MIN ((size_t) cari_parallel_get_threads (), (n + chunk - 1) / chunk);
  cari_parallel_for (workers, 1, take_chunks, &c);
}

typedef struct
{
  const CariQuadtree *tree;
  double theta;
  double *force; /* by point */
  double *z;     /* by tree position, summed in order afterwards */
} Repulsion;

static void
repel_range (gpointer data, size_t begin, size_t end)
{
  Repulsion *r = data;
  for (size_t g = begin; g < end; g++)
    cari_quadtree_repel_points (r->tree, (int) g, r->theta, r->force, r->z, NULL);
}

double
cari_tsne_repulsion (const double *y, int n, double theta, double *force)
{
  g_autoptr (CariQuadtree) tree = cari_quadtree_new ();
  g_autofree double *z = g_new (double, n);
  cari_quadtree_build (tree, y, n);
  Repulsion r = { tree, theta, force, z };
  cari_tsne_parallel_chunks ((size_t) cari_quadtree_n_groups (tree), 8, repel_range, &r);
  double sum = 0.0;
  for (int i = 0; i < n; i++)
    sum += z[i];
  return sum;
}
