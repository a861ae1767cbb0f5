/* test-embeddings.c — the embedding views (Fig. 2): the scatter's grid against brute force
 * (random points up to 20k, points on cell borders, empty and degenerate layouts), k nearest,
 * box and lasso selection (concave outlines), identity colours, the data-to-pixel mapping, the
 * cached rendering, and LabEmbeddingsView over a temporary store (layouts, colours, linked
 * selection and "selection-changed", the opened image's pairs, export).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cari.h"

#include "lab-embedding-detail.h"
#include "lab-embeddings-view.h"
#include "lab-scatter.h"
#include "ui-test-util.h"

/* ------------------------------------------------------------------------------ brute force */

/* The nearest point within `limit` (< 0: any), lowest index on ties. */
static int
brute_nearest (const float *xy, int n, double x, double y, double limit)
{
  int best = -1;
  double best2 = INFINITY, limit2 = limit < 0 ? INFINITY : limit * limit;
  for (int i = 0; i < n; i++)
    {
      if (!isfinite (xy[2 * i]) || !isfinite (xy[2 * i + 1]))
        continue;
      double dx = xy[2 * i] - x, dy = xy[2 * i + 1] - y, d2 = dx * dx + dy * dy;
      if (d2 <= limit2 && d2 < best2)
        {
          best2 = d2;
          best = i;
        }
    }
  return best;
}

static double
dist2 (const float *xy, int i, double x, double y)
{
  double dx = xy[2 * i] - x, dy = xy[2 * i + 1] - y;
  return dx * dx + dy * dy;
}

static float *
random_points (GRand *rand, int n, gboolean clustered)
{
  float *xy = g_new (float, 2 * MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      if (clustered)
        {
          /* t-SNE-like: tight clusters of very different sizes, with outliers. */
          int c = g_rand_int_range (rand, 0, 50);
          double cx = (c % 7) * 13.0 - 40, cy = (c / 7) * 11.0 - 35;
          double s = 0.2 + (c % 5) * 0.8;
          xy[2 * i] = cx + s * (g_rand_double (rand) - 0.5) * 2;
          xy[2 * i + 1] = cy + s * (g_rand_double (rand) - 0.5) * 2;
          if (i % 97 == 0)
            xy[2 * i] *= 3;
        }
      else
        {
          xy[2 * i] = g_rand_double_range (rand, -50, 50);
          xy[2 * i + 1] = g_rand_double_range (rand, -20, 20);
        }
    }
  return xy;
}

static void
check_against_brute (const LabScatterLayout *layout, GRand *rand, int queries)
{
  int n = lab_scatter_layout_get_n (layout);
  const float *xy = lab_scatter_layout_get_xy (layout);
  double b[4];
  lab_scatter_layout_get_bounds (layout, b);
  double ex = MAX (b[2] - b[0], 1.0), ey = MAX (b[3] - b[1], 1.0);
  for (int q = 0; q < queries; q++)
    {
      /* Inside the points' box and well outside it. */
      double x = g_rand_double_range (rand, b[0] - 0.5 * ex, b[2] + 0.5 * ex);
      double y = g_rand_double_range (rand, b[1] - 0.5 * ey, b[3] + 0.5 * ey);
      int got = lab_scatter_layout_nearest (layout, x, y, -1);
      int want = brute_nearest (xy, n, x, y, -1);
      g_assert_cmpint (got, ==, want);
      /* With a hover radius: the same point when it is close enough, else none. */
      double limit = (q % 3 + 1) * 0.01 * ex;
      g_assert_cmpint (lab_scatter_layout_nearest (layout, x, y, limit), ==,
                       brute_nearest (xy, n, x, y, limit));
    }
}

static void
test_nearest_random (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  const int sizes[] = { 1, 2, 7, 100, 1000, 20000 };
  for (size_t s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (int clustered = 0; clustered < 2; clustered++)
      {
        int n = sizes[s];
        g_autofree float *xy = random_points (rand, n, clustered);
        g_autoptr (LabScatterLayout) layout = lab_scatter_layout_new (xy, NULL, n);
        g_assert_cmpint (lab_scatter_layout_get_n (layout), ==, n);
        int columns, rows;
        lab_scatter_layout_get_grid (layout, &columns, &rows);
        /* About two points a cell: a grid, not one cell searched linearly. */
        if (n >= 1000)
          g_assert_cmpint (columns * rows, >=, n / 8);
        check_against_brute (layout, rand, n >= 20000 ? 3000 : 500);
      }
}

static void
test_nearest_borders (void)
{
  /* Points on a lattice of step 1/8 over [0, 1]²: with 81 points the grid is 7 × 7 cells of
   * 1/7, and with more points on multiples of the cell size too; queries on the lattice and
   * half-way (ties everywhere: the lowest index must win, as brute force's). */
  for (int variant = 0; variant < 2; variant++)
    {
      g_autoptr (GArray) pts = g_array_new (FALSE, FALSE, sizeof (float));
      int steps = variant == 0 ? 8 : 14;
      for (int j = 0; j <= steps; j++)
        for (int i = 0; i <= steps; i++)
          {
            float p[2] = { (float) i / steps, (float) j / steps };
            g_array_append_vals (pts, p, 2);
          }
      /* Duplicates. */
      float dup[4] = { 0.5f, 0.5f, 0.5f, 0.5f };
      g_array_append_vals (pts, dup, 4);
      int n = pts->len / 2;
      const float *xy = (const float *) (gpointer) pts->data;
      g_autoptr (LabScatterLayout) layout = lab_scatter_layout_new (xy, NULL, n);
      int columns, rows;
      lab_scatter_layout_get_grid (layout, &columns, &rows);
      double cw = 1.0 / columns, ch = 1.0 / rows;
      for (int j = -2; j <= 2 * steps + 2; j++)
        for (int i = -2; i <= 2 * steps + 2; i++)
          {
            double x = i / (2.0 * steps), y = j / (2.0 * steps);
            g_assert_cmpint (lab_scatter_layout_nearest (layout, x, y, -1), ==,
                             brute_nearest (xy, n, x, y, -1));
          }
      /* Queries exactly on the grid's cell borders. */
      for (int cy = 0; cy <= rows; cy++)
        for (int cx = 0; cx <= columns; cx++)
          {
            double x = cx * cw, y = cy * ch;
            g_assert_cmpint (lab_scatter_layout_nearest (layout, x, y, -1), ==,
                             brute_nearest (xy, n, x, y, -1));
            g_assert_cmpint (lab_scatter_layout_nearest (layout, x, y, 0.05), ==,
                             brute_nearest (xy, n, x, y, 0.05));
          }
      /* A point exactly on a border is found from either side. */
      g_assert_cmpint (lab_scatter_layout_nearest (layout, 0.5, 0.5, 0), ==,
                       brute_nearest (xy, n, 0.5, 0.5, 0));
    }
}

static void
test_nearest_degenerate (void)
{
  /* Empty. */
  g_autoptr (LabScatterLayout) empty = lab_scatter_layout_new (NULL, NULL, 0);
  g_assert_cmpint (lab_scatter_layout_nearest (empty, 0, 0, -1), ==, -1);
  g_autoptr (GArray) none = lab_scatter_layout_select_box (empty, -1, -1, 1, 1);
  g_assert_cmpuint (none->len, ==, 0);
  double b[4] = { 1, 1, 1, 1 };
  lab_scatter_layout_get_bounds (empty, b);
  g_assert_cmpfloat (b[0], ==, 0);
  g_assert_cmpfloat (b[3], ==, 0);

  /* One point; the same point many times; a line (zero extent on one axis). */
  const float one[2] = { 3, 4 };
  g_autoptr (LabScatterLayout) single = lab_scatter_layout_new (one, NULL, 1);
  g_assert_cmpint (lab_scatter_layout_nearest (single, -100, 100, -1), ==, 0);
  g_assert_cmpint (lab_scatter_layout_nearest (single, 3, 5.5, 1), ==, -1);
  int out[4];
  g_assert_cmpint (lab_scatter_layout_k_nearest (single, 0, 4, out), ==, 0);
  float same[20], line[40];
  for (int i = 0; i < 10; i++)
    {
      same[2 * i] = 1;
      same[2 * i + 1] = 1;
    }
  for (int i = 0; i < 20; i++)
    {
      line[2 * i] = i * 0.5f;
      line[2 * i + 1] = 2;
    }
  g_autoptr (LabScatterLayout) stack = lab_scatter_layout_new (same, NULL, 10);
  g_assert_cmpint (lab_scatter_layout_nearest (stack, 5, 5, -1), ==, 0);
  g_autoptr (LabScatterLayout) flat = lab_scatter_layout_new (line, NULL, 20);
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  check_against_brute (flat, rand, 200);

  /* A non-finite point is never found, and does not stretch the box. */
  float nan_pts[8] = { 0, 0, NAN, 1, 2, 2, 1, INFINITY };
  g_autoptr (LabScatterLayout) with_nan = lab_scatter_layout_new (nan_pts, NULL, 4);
  lab_scatter_layout_get_bounds (with_nan, b);
  g_assert_cmpfloat (b[0], ==, 0);
  g_assert_cmpfloat (b[1], ==, 0);
  g_assert_cmpfloat (b[2], ==, 2);
  g_assert_cmpfloat (b[3], ==, 2);
  g_assert_cmpint (lab_scatter_layout_nearest (with_nan, 0.2, 1, -1), ==, 0);
  g_assert_cmpint (lab_scatter_layout_nearest (with_nan, 1.8, 1.9, -1), ==, 2);
  g_assert_cmpint (lab_scatter_layout_nearest (with_nan, 1, 100, -1), ==, 2);
}

static void
test_k_nearest (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  const int n = 2000, k = 8;
  g_autofree float *xy = random_points (rand, n, TRUE);
  g_autoptr (LabScatterLayout) layout = lab_scatter_layout_new (xy, NULL, n);
  for (int q = 0; q < 200; q++)
    {
      int p = g_rand_int_range (rand, 0, n);
      int got[8];
      g_assert_cmpint (lab_scatter_layout_k_nearest (layout, p, k, got), ==, k);
      /* Brute force: the k smallest distances, in order; the k-th distance bounds the rest. */
      for (int j = 0; j < k; j++)
        {
          g_assert_cmpint (got[j], !=, p);
          if (j > 0)
            g_assert_cmpfloat (dist2 (xy, got[j - 1], xy[2 * p], xy[2 * p + 1]), <=,
                               dist2 (xy, got[j], xy[2 * p], xy[2 * p + 1]));
        }
      double kth = dist2 (xy, got[k - 1], xy[2 * p], xy[2 * p + 1]);
      int closer = 0;
      for (int i = 0; i < n; i++)
        if (i != p && dist2 (xy, i, xy[2 * p], xy[2 * p + 1]) < kth)
          closer++;
      g_assert_cmpint (closer, <=, k - 1);
    }
  /* Fewer points than asked for. */
  const float three[6] = { 0, 0, 1, 0, 5, 0 };
  g_autoptr (LabScatterLayout) small = lab_scatter_layout_new (three, NULL, 3);
  int got[8];
  g_assert_cmpint (lab_scatter_layout_k_nearest (small, 0, 8, got), ==, 2);
  g_assert_cmpint (got[0], ==, 1);
  g_assert_cmpint (got[1], ==, 2);
}

/* ------------------------------------------------------------------------------ selection */

static void
test_select_box (void)
{
  const float xy[] = { 0, 0, 1, 1, 2, 2, 3, 3, 1, 3, 3, 1 };
  g_autoptr (LabScatterLayout) layout = lab_scatter_layout_new (xy, NULL, 6);
  /* Corners in any order, edges inclusive. */
  g_autoptr (GArray) a = lab_scatter_layout_select_box (layout, 2, 2, 1, 1);
  g_assert_cmpuint (a->len, ==, 2);
  g_assert_cmpint (g_array_index (a, int, 0), ==, 1);
  g_assert_cmpint (g_array_index (a, int, 1), ==, 2);
  g_autoptr (GArray) b = lab_scatter_layout_select_box (layout, 0.5, 0.5, 3.5, 3.5);
  g_assert_cmpuint (b->len, ==, 5);
  g_autoptr (GArray) c = lab_scatter_layout_select_box (layout, 10, 10, 11, 11);
  g_assert_cmpuint (c->len, ==, 0);
}

static void
test_point_in_polygon (void)
{
  /* A U: the notch (1 < x < 2, y > 1) is outside. */
  const double u[] = { 0, 0, 3, 0, 3, 3, 2, 3, 2, 1, 1, 1, 1, 3, 0, 3 };
  g_assert_true (lab_point_in_polygon (u, 8, 0.5, 2));
  g_assert_true (lab_point_in_polygon (u, 8, 2.5, 2.5));
  g_assert_true (lab_point_in_polygon (u, 8, 1.5, 0.5));
  g_assert_false (lab_point_in_polygon (u, 8, 1.5, 2));
  g_assert_false (lab_point_in_polygon (u, 8, 1.5, 1.2));
  g_assert_false (lab_point_in_polygon (u, 8, 4, 1));
  g_assert_false (lab_point_in_polygon (u, 8, -1, 1));
  g_assert_false (lab_point_in_polygon (u, 8, 1.5, 3.5));
  /* The same U traced the other way round. */
  double r[16];
  for (int v = 0; v < 8; v++)
    {
      r[2 * v] = u[2 * (7 - v)];
      r[2 * v + 1] = u[2 * (7 - v) + 1];
    }
  g_assert_true (lab_point_in_polygon (r, 8, 0.5, 2));
  g_assert_false (lab_point_in_polygon (r, 8, 1.5, 2));
  /* A pentagram (self-crossing): its centre is outside by the even-odd rule, a tip inside. */
  double star[10];
  for (int v = 0; v < 5; v++)
    {
      double a = G_PI / 2 + v * 4 * G_PI / 5;
      star[2 * v] = cos (a);
      star[2 * v + 1] = sin (a);
    }
  g_assert_false (lab_point_in_polygon (star, 5, 0, 0));
  g_assert_true (lab_point_in_polygon (star, 5, 0, 0.8));
  /* Fewer than three vertices select nothing. */
  const float xy[] = { 0.5f, 2, 1.5f, 2, 2.5f, 2.5f, 1.5f, 0.5f, 5, 5 };
  g_autoptr (LabScatterLayout) layout = lab_scatter_layout_new (xy, NULL, 5);
  g_autoptr (GArray) two = lab_scatter_layout_select_polygon (layout, u, 2);
  g_assert_cmpuint (two->len, ==, 0);
  g_autoptr (GArray) in_u = lab_scatter_layout_select_polygon (layout, u, 8);
  g_assert_cmpuint (in_u->len, ==, 3);
  g_assert_cmpint (g_array_index (in_u, int, 0), ==, 0);
  g_assert_cmpint (g_array_index (in_u, int, 1), ==, 2);
  g_assert_cmpint (g_array_index (in_u, int, 2), ==, 3);
}

/* ------------------------------------------------------------------------------ colours */

static void
test_identity_ranks (void)
{
  /* Counts: 0 → 1, 1 → 2, 2 → 2, 3 → 3, 4 → 0. Ties (1 and 2) go to the lower index. */
  const int ids[] = { 2, 2, 1, 3, 1, 0, 3, 3 };
  g_autofree int *ranks = lab_identity_ranks (ids, G_N_ELEMENTS (ids), 5);
  g_assert_cmpint (ranks[3], ==, 0);
  g_assert_cmpint (ranks[1], ==, 1);
  g_assert_cmpint (ranks[2], ==, 2);
  g_assert_cmpint (ranks[0], ==, 3);
  g_assert_cmpint (ranks[4], ==, 4);
  /* The order of the input does not matter. */
  const int shuffled[] = { 3, 1, 0, 2, 3, 2, 1, 3 };
  g_autofree int *again = lab_identity_ranks (shuffled, G_N_ELEMENTS (shuffled), 5);
  g_assert_cmpmem (ranks, 5 * sizeof (int), again, 5 * sizeof (int));
  /* The palette: distinct colours, none of them grey. */
  for (int i = 0; i < LAB_SCATTER_PALETTE_SIZE; i++)
    {
      guint32 c = lab_scatter_palette (i);
      int r = (c >> 16) & 0xff, g = (c >> 8) & 0xff, b = c & 0xff;
      g_assert_false (r == g && g == b);
      for (int j = 0; j < i; j++)
        g_assert_cmpuint (lab_scatter_palette (j), !=, c);
    }
}

/* ------------------------------------------------------------------------------ mapping */

static void
test_transform (void)
{
  LabScatterTransform t;
  const double bounds[4] = { 0, 0, 10, 5 };
  /* 10 × 5 into 200 × 200 at (10, 20): scale 20, centred vertically, y up. */
  lab_scatter_transform_fit (&t, bounds, 10, 20, 200, 200);
  g_assert_cmpfloat (t.scale, ==, 20);
  double px, py, x, y;
  lab_scatter_transform_to_px (&t, 0, 0, &px, &py);
  g_assert_cmpfloat (px, ==, 10);
  g_assert_cmpfloat (py, ==, 170);
  lab_scatter_transform_to_px (&t, 10, 5, &px, &py);
  g_assert_cmpfloat (px, ==, 210);
  g_assert_cmpfloat (py, ==, 70);
  lab_scatter_transform_to_px (&t, 5, 2.5, &px, &py);
  g_assert_cmpfloat (px, ==, 110);
  g_assert_cmpfloat (py, ==, 120);
  lab_scatter_transform_from_px (&t, 60, 145, &x, &y);
  g_assert_cmpfloat (x, ==, 2.5);
  g_assert_cmpfloat (y, ==, 1.25);
  /* Tall: the height decides. */
  const double tall[4] = { -1, -4, 1, 4 };
  lab_scatter_transform_fit (&t, tall, 0, 0, 300, 80);
  g_assert_cmpfloat (t.scale, ==, 10);
  lab_scatter_transform_to_px (&t, -1, 4, &px, &py);
  g_assert_cmpfloat (px, ==, 140);
  g_assert_cmpfloat (py, ==, 0);
  /* One point: the centre. */
  const double dot[4] = { 3, 3, 3, 3 };
  lab_scatter_transform_fit (&t, dot, 0, 0, 100, 50);
  lab_scatter_transform_to_px (&t, 3, 3, &px, &py);
  g_assert_cmpfloat (px, ==, 50);
  g_assert_cmpfloat (py, ==, 25);
}

/* ------------------------------------------------------------------------------ widget */

typedef struct
{
  GArray *points;
  gboolean add;
  int emitted;
  int hover;
  int activated;
} Received;

static void
on_points_selected (LabScatter *scatter, GArray *points, gboolean add, Received *r)
{
  g_clear_pointer (&r->points, g_array_unref);
  r->points = g_array_ref (points);
  r->add = add;
  r->emitted++;
}

static void
on_hover (LabScatter *scatter, int point, Received *r)
{
  r->hover = point;
}

static gboolean
rendered (gpointer scatter)
{
  return lab_scatter_get_render_count (scatter) > 0;
}

static void
frames (GtkWidget *widget, int n)
{
  for (int i = 0; i < n; i++)
    {
      gtk_widget_queue_draw (widget);
      gint64 until = g_get_monotonic_time () + 30000;
      while (g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, FALSE);
    }
}

/* The colour (unpremultiplied 0xRRGGBB) and alpha of a pixel of an ARGB32 surface. */
static guint32
pixel_at (cairo_surface_t *surface, double x, double y, int *alpha)
{
  cairo_surface_flush (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 argb = *(const guint32 *) (gconstpointer) (data + (int) y * stride + 4 * (int) x);
  int a = argb >> 24;
  *alpha = a;
  if (a == 0)
    return 0;
  guint32 r = ((argb >> 16) & 0xff) * 255 / a, g = ((argb >> 8) & 0xff) * 255 / a,
          b = (argb & 0xff) * 255 / a;
  return (r << 16) | (g << 8) | b;
}

static gboolean
close_colour (guint32 a, guint32 b, int tolerance)
{
  for (int shift = 0; shift <= 16; shift += 8)
    if (ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)) > tolerance)
      return FALSE;
  return TRUE;
}

static void
test_scatter_widget (void)
{
  /* Four clusters of a U-shaped data set. */
  const float xy[] = { 0, 0, 1, 0, 0, 1, 1, 1, 10, 0, 11, 0, 10, 1, 11, 1, 5, 5 };
  const guint8 markers[] = { 0, 0, 0, 0, 1, 1, 1, 1, 0 };
  g_autoptr (LabScatterLayout) layout = lab_scatter_layout_new (xy, markers, 9);
  GtkWidget *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 420, 320);
  LabScatter *scatter = g_object_ref (LAB_SCATTER (lab_scatter_new ()));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (scatter));
  lab_scatter_set_title (scatter, "V2V");
  lab_scatter_set_layout (scatter, layout);
  Received r = { NULL, FALSE, 0, -1, -1 };
  g_signal_connect (scatter, "points-selected", G_CALLBACK (on_points_selected), &r);
  g_signal_connect (scatter, "hover-changed", G_CALLBACK (on_hover), &r);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_wait_for (rendered, scatter, 20, "the first frame");

  /* The mapping fits the layout in the plot with one scale: x spans more, so it decides. */
  int w = gtk_widget_get_width (GTK_WIDGET (scatter));
  int h = gtk_widget_get_height (GTK_WIDGET (scatter));
  LabScatterTransform t;
  lab_scatter_get_transform (scatter, -1, -1, &t);
  double x0, y0, x1, y1;
  lab_scatter_transform_to_px (&t, 0, 0, &x0, &y0);
  lab_scatter_transform_to_px (&t, 11, 5, &x1, &y1);
  g_assert_cmpfloat (x0, >, 0);
  g_assert_cmpfloat (x1, <, w);
  g_assert_cmpfloat_with_epsilon (x0 + x1, w, 1e-9); /* centred */
  g_assert_cmpfloat (y1, <, y0);                      /* y up */
  g_assert_cmpfloat_with_epsilon ((y0 - y1) / (x1 - x0), 5.0 / 11.0, 1e-9);

  /* Hover: the point under the pointer, or none a little way off. */
  double px, py;
  lab_scatter_transform_to_px (&t, 10, 1, &px, &py);
  lab_scatter_hover_at (scatter, px + 2, py - 1);
  g_assert_cmpint (lab_scatter_get_hover (scatter), ==, 6);
  g_assert_cmpint (r.hover, ==, 6);
  g_assert_cmpint (lab_scatter_pick (scatter, px - 100, py), ==, -1);

  /* Hover redraws only what lies on top of the cached points. */
  guint before = lab_scatter_get_render_count (scatter);
  lab_scatter_hover_at (scatter, px + 1, py + 1);
  lab_scatter_set_card (scatter, 6, NULL, "id 6");
  frames (GTK_WIDGET (scatter), 3);
  lab_scatter_hover_at (scatter, -1, -1);
  g_assert_cmpint (r.hover, ==, -1);
  frames (GTK_WIDGET (scatter), 2);
  g_assert_cmpuint (lab_scatter_get_render_count (scatter), ==, before);
  /* Colours change what is cached. */
  guint32 colors[9];
  for (int i = 0; i < 9; i++)
    colors[i] = i < 4 ? 0x1f77b4 : LAB_SCATTER_NO_COLOR;
  lab_scatter_set_colors (scatter, colors);
  g_assert_cmpuint (lab_scatter_get_color (scatter, 0), ==, 0x1f77b4);
  g_assert_cmpuint (lab_scatter_get_color (scatter, 5), ==, LAB_SCATTER_NO_COLOR);
  frames (GTK_WIDGET (scatter), 2);
  g_assert_cmpuint (lab_scatter_get_render_count (scatter), ==, before + 1);

  /* The screen's stamped markers and the files' vector paths put the same colour at the same
   * place: inside each marker its colour, just outside nothing. Point 0 is coloured (a circle),
   * point 4 grey (a triangle, its centroid a little below the point). */
  for (int for_export = 0; for_export < 2; for_export++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
      cairo_t *cr = cairo_create (surface);
      lab_scatter_draw (scatter, cr, w, h, for_export);
      cairo_destroy (cr);
      double cx, cy;
      int alpha;
      lab_scatter_transform_to_px (&t, 0, 0, &cx, &cy);
      const double inside[][2] = { { 0, 0 }, { -2.5, 0 }, { 2.5, 0 }, { 0, -2.5 }, { 0, 2.5 } };
      for (size_t k = 0; k < G_N_ELEMENTS (inside); k++)
        {
          guint32 c = pixel_at (surface, cx + inside[k][0], cy + inside[k][1], &alpha);
          g_assert_cmpint (alpha, >, 200);
          g_assert_true (close_colour (c, 0x1f77b4, 24));
        }
      const double outside[][2] = { { -7, 0 }, { 7, 0 }, { 0, -7 }, { 0, 7 } };
      for (size_t k = 0; k < G_N_ELEMENTS (outside); k++)
        {
          guint32 c = pixel_at (surface, cx + outside[k][0], cy + outside[k][1], &alpha);
          /* Transparent on screen, the white page in a file. */
          g_assert_true (for_export ? c == 0xffffff : alpha == 0);
        }
      lab_scatter_transform_to_px (&t, 10, 0, &cx, &cy);
      guint32 grey = pixel_at (surface, cx, cy + 1, &alpha);
      g_assert_cmpint (alpha, >, 200);
      g_assert_cmpuint ((grey >> 16) & 0xff, ==, (grey >> 8) & 0xff);
      g_assert_cmpuint ((grey >> 8) & 0xff, ==, grey & 0xff);
      cairo_surface_destroy (surface);
    }

  /* A box around the left cluster, in pixels. */
  double ax, ay, bx, by;
  lab_scatter_transform_to_px (&t, -0.5, -0.5, &ax, &ay);
  lab_scatter_transform_to_px (&t, 1.5, 1.5, &bx, &by);
  lab_scatter_select_rect (scatter, bx, by, ax, ay, FALSE);
  g_assert_cmpint (r.emitted, ==, 1);
  g_assert_false (r.add);
  g_assert_cmpuint (r.points->len, ==, 4);
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (g_array_index (r.points, int, i), ==, i);

  /* A concave lasso (a U over both clusters, open at the top): the centre point (5, 5) lies
   * in its notch and is left out. */
  const double u[] = { -1, -1, 12, -1, 12, 6, 9, 6, 9, 2, 2, 2, 2, 6, -1, 6 };
  double upx[16];
  for (int v = 0; v < 8; v++)
    lab_scatter_transform_to_px (&t, u[2 * v], u[2 * v + 1], &upx[2 * v], &upx[2 * v + 1]);
  lab_scatter_select_lasso (scatter, upx, 8, TRUE);
  g_assert_cmpint (r.emitted, ==, 2);
  g_assert_true (r.add);
  g_assert_cmpuint (r.points->len, ==, 8);
  for (guint k = 0; k < r.points->len; k++)
    g_assert_cmpint (g_array_index (r.points, int, k), !=, 8);

  /* Showing a selection. */
  const guint8 sel[9] = { 1, 0, 0, 0, 0, 0, 0, 0, 1 };
  lab_scatter_set_selection (scatter, sel);
  g_assert_cmpint (lab_scatter_get_n_selected (scatter), ==, 2);

  /* Export through the same drawing. */
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("carilab-scatter-XXXXXX", &error);
  g_autofree char *svg = g_build_filename (dir, "v2v.svg", NULL);
  g_assert_true (lab_scatter_export (scatter, svg, LAB_CHART_FORMAT_SVG, 400, 300, &error));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "<svg"));
  g_remove (svg);
  g_rmdir (dir);

  g_clear_pointer (&r.points, g_array_unref);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_settle ();
  g_assert_finalize_object (scatter);
}

/* ------------------------------------------------------------------------------ the view */

typedef struct
{
  char *dir, *db;
  gint64 evaluation, sibling, other_step;
  int photos[5][3], caricatures[5][3];
} Store;

static CariEvalResult *
result (const char *protocol)
{
  CariEvalResult *r = g_new0 (CariEvalResult, 1);
  r->protocol = g_strdup (protocol);
  r->fold = 1;
  cari_protocol_kind (protocol, &r->kind);
  r->metrics = g_array_new (FALSE, FALSE, sizeof (CariEvalMetric));
  r->pairs = g_array_new (FALSE, FALSE, sizeof (CariPairScore));
  r->cmc = g_array_new (FALSE, FALSE, sizeof (double));
  CariEvalMetric m = { "threshold", 0.5, -1 };
  g_array_append_val (r->metrics, m);
  return r;
}

/* Identities 0 … 4 with 3, 2, 2, 1, 1 photos and 3, 2, 2, 1, 0 caricatures: shown images
 * 6, 4, 4, 2, 1 (1 and 2 tie). Photo j of identity i lies at (10 i + j, j), caricature j at
 * (10 i + j, 5 + j). */
static const int n_photos[5] = { 3, 2, 2, 1, 1 }, n_caricatures[5] = { 3, 2, 2, 1, 0 };

static void
store_setup (Store *s, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  s->dir = g_dir_make_tmp ("carilab-embeddings-XXXXXX", &error);
  s->db = g_build_filename (s->dir, "runs.db", NULL);
  g_autoptr (CariStore) store = cari_store_open (s->db, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  g_autoptr (CariDatasetIndex) index = cari_dataset_index_new ("tiny", "folder", s->dir);
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("person-%d", i);
      int id = cari_dataset_index_add_identity (index, name);
      for (int j = 0; j < 3; j++)
        {
          g_autofree char *p = g_strdup_printf ("%s/photo-%d.png", name, j);
          g_autofree char *c = g_strdup_printf ("%s/caricature-%d.png", name, j);
          s->photos[i][j] = j < n_photos[i] ? cari_dataset_index_add_image (index, id,
                                                                            CARI_MODALITY_PHOTO,
                                                                            p, NULL, 0)
                                            : -1;
          s->caricatures[i][j] = j < n_caricatures[i]
                                   ? cari_dataset_index_add_image (index, id,
                                                                   CARI_MODALITY_CARICATURE, c,
                                                                   NULL, 0)
                                   : -1;
        }
    }
  gint64 dataset = cari_store_import_dataset (store, index, &error);
  g_assert_no_error (error);
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, &error);
  g_autofree char *text = cari_run_config_to_text (cfg);
  gint64 run = cari_store_create_run (store, "r", dataset, text, 1, 0, &error);
  g_assert_no_error (error);

  /* Step 100: a verification evaluation with pairs, then a C2P one that holds the layouts
   * (so the view must find them beside the one it is given). Step 200: nothing laid out. */
  g_autoptr (CariEvalResult) v = result ("webcari.restricted");
  const CariPairScore pairs[] = {
    { s->photos[0][0], s->caricatures[0][0], 0.9f, 1, 0 },  /* correct */
    { s->photos[0][0], s->caricatures[1][0], 0.7f, 0, 1 },  /* false positive */
    { s->caricatures[0][1], s->photos[0][0], 0.2f, 1, 2 },  /* false negative */
    { s->photos[1][0], s->caricatures[1][1], 0.8f, 1, 3 },
  };
  g_array_append_vals (v->pairs, pairs, G_N_ELEMENTS (pairs));
  s->evaluation = cari_store_save_evaluation (store, run, 100, v, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (CariEvalResult) c = result ("webcari.c2p");
  s->sibling = cari_store_save_evaluation (store, run, 100, c, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (CariEvalResult) later = result ("webcari.c2p");
  s->other_step = cari_store_save_evaluation (store, run, 200, later, NULL, &error);
  g_assert_no_error (error);

  for (int view = 0; view < CARI_N_VIEWS; view++)
    {
      gboolean photo = cari_view_modality (view) == CARI_MODALITY_PHOTO;
      g_autoptr (GArray) images = g_array_new (FALSE, FALSE, sizeof (int));
      g_autoptr (GArray) xy = g_array_new (FALSE, FALSE, sizeof (float));
      for (int i = 0; i < 5; i++)
        for (int j = 0; j < 3; j++)
          {
            int image = photo ? s->photos[i][j] : s->caricatures[i][j];
            if (image < 0)
              continue;
            float p[2] = { 10.0f * i + j, (photo ? 0.0f : 5.0f) + j };
            g_array_append_val (images, image);
            g_array_append_vals (xy, p, 2);
          }
      g_assert_true (cari_store_save_layout (store, s->sibling, cari_view_to_string (view),
                                             (const int *) (gpointer) images->data,
                                             (const float *) (gpointer) xy->data, images->len,
                                             &error));
    }
}

static void
store_teardown (Store *s, gconstpointer data)
{
  ui_test_remove_tree (s->dir);
  g_free (s->db);
  g_free (s->dir);
}

static void
count_loaded (gpointer counter)
{
  (*(int *) counter)++;
}

typedef struct
{
  int *counter;
  int want;
} Waiting;

static gboolean
counter_reached (gpointer data)
{
  Waiting *w = data;
  return *w->counter >= w->want;
}

static void
on_selection_changed (LabEmbeddingsView *view, GArray *images, Received *r)
{
  g_clear_pointer (&r->points, g_array_unref);
  if (images != NULL)
    r->points = g_array_ref (images);
  r->emitted++;
}

static void
test_view_store (Store *s, gconstpointer data)
{
  GtkWidget *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 800);
  g_autoptr (LabStoreGateway) gateway = lab_store_gateway_new (s->db);
  LabEmbeddingsView *view = g_object_ref (LAB_EMBEDDINGS_VIEW (lab_embeddings_view_new (gateway)));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  int loads = 0;
  g_signal_connect_swapped (view, "loaded", G_CALLBACK (count_loaded), &loads);
  Received r = { NULL, FALSE, 0, -1, -1 };
  g_signal_connect (view, "selection-changed", G_CALLBACK (on_selection_changed), &r);
  g_assert_cmpstr (lab_embeddings_view_get_state (view), ==, "empty");

  /* The verification evaluation has no layouts; its sibling at the same step has them. */
  lab_embeddings_view_set_evaluation (view, s->evaluation);
  g_assert_cmpstr (lab_embeddings_view_get_state (view), ==, "loading");
  ui_test_wait_for (counter_reached, &(Waiting) { &loads, 1 }, 20, "the layouts");
  g_assert_cmpstr (lab_embeddings_view_get_state (view), ==, "views");
  int n;
  const int *images = lab_embeddings_view_get_images (view, CARI_VIEW_V2V, &n);
  g_assert_cmpint (n, ==, 9);
  g_assert_cmpint (images[0], ==, s->photos[0][0]);
  images = lab_embeddings_view_get_images (view, CARI_VIEW_C2C, &n);
  g_assert_cmpint (n, ==, 8);
  g_assert_cmpint (images[7], ==, s->caricatures[3][0]);
  LabScatter *v2v = lab_embeddings_view_get_scatter (view, CARI_VIEW_V2V);
  LabScatter *c2v = lab_embeddings_view_get_scatter (view, CARI_VIEW_C2V);
  LabScatter *v2c = lab_embeddings_view_get_scatter (view, CARI_VIEW_V2C);
  g_assert_cmpint (lab_scatter_layout_get_n (lab_scatter_get_layout (v2v)), ==, 9);
  g_assert_true (lab_scatter_layout_has_marker (lab_scatter_get_layout (v2v), LAB_MARKER_CIRCLE));
  g_assert_false (lab_scatter_layout_has_marker (lab_scatter_get_layout (v2v),
                                                 LAB_MARKER_TRIANGLE));
  g_assert_true (lab_scatter_layout_has_marker (lab_scatter_get_layout (v2c),
                                                LAB_MARKER_TRIANGLE));
  g_assert_cmpstr (lab_scatter_get_title (v2v), ==, "V2V: visual branch on photos");
  lab_embeddings_view_set_evaluation (view, s->evaluation);
  ui_test_drain ();
  g_assert_cmpint (loads, ==, 1);

  /* Colours: 50 by default colours all five; two colour identities 0 and 1 (1 wins its tie
   * with 2 by index), the rest grey. V2V's points: identity 0 at 0–2, 1 at 3–4, 2 at 5–6. */
  g_assert_cmpint (lab_embeddings_view_get_coloured (view), ==, 50);
  g_assert_cmpuint (lab_scatter_get_color (v2v, 8), ==, lab_scatter_palette (4));
  lab_embeddings_view_set_coloured (view, 2);
  g_assert_cmpuint (lab_scatter_get_color (v2v, 0), ==, lab_scatter_palette (0));
  g_assert_cmpuint (lab_scatter_get_color (v2v, 2), ==, lab_scatter_palette (0));
  g_assert_cmpuint (lab_scatter_get_color (v2v, 3), ==, lab_scatter_palette (1));
  g_assert_cmpuint (lab_scatter_get_color (v2v, 5), ==, LAB_SCATTER_NO_COLOR);
  g_assert_cmpuint (lab_scatter_get_color (v2v, 8), ==, LAB_SCATTER_NO_COLOR);
  lab_embeddings_view_set_coloured (view, 0);
  g_assert_cmpuint (lab_scatter_get_color (v2v, 0), ==, LAB_SCATTER_NO_COLOR);
  lab_embeddings_view_set_coloured (view, 50);

  /* Selecting identity 0's photos in V2V selects them in C2V too, and tells the page. */
  ui_test_wait_for (rendered, v2v, 20, "the views drawn");
  LabScatterTransform t;
  lab_scatter_get_transform (v2v, -1, -1, &t);
  double ax, ay, bx, by;
  lab_scatter_transform_to_px (&t, -0.5, -0.5, &ax, &ay);
  lab_scatter_transform_to_px (&t, 2.5, 2.5, &bx, &by);
  lab_scatter_select_rect (v2v, ax, ay, bx, by, FALSE);
  g_assert_cmpint (r.emitted, ==, 1);
  g_assert_nonnull (r.points);
  g_assert_cmpuint (r.points->len, ==, 3);
  for (int j = 0; j < 3; j++)
    g_assert_cmpint (g_array_index (r.points, int, j), ==, s->photos[0][j]);
  g_assert_cmpint (lab_scatter_get_n_selected (v2v), ==, 3);
  g_assert_cmpint (lab_scatter_get_n_selected (c2v), ==, 3);
  g_assert_cmpint (lab_scatter_get_n_selected (v2c), ==, 0);

  /* Shift adds identity 1's caricatures from V2C: the union, ascending. */
  lab_scatter_get_transform (v2c, -1, -1, &t);
  lab_scatter_transform_to_px (&t, 9.5, 4.5, &ax, &ay);
  lab_scatter_transform_to_px (&t, 11.5, 6.5, &bx, &by);
  lab_scatter_select_rect (v2c, ax, ay, bx, by, TRUE);
  g_assert_cmpint (r.emitted, ==, 2);
  g_assert_cmpuint (r.points->len, ==, 5);
  const int expected[] = { s->photos[0][0], s->photos[0][1], s->photos[0][2],
                           s->caricatures[1][0], s->caricatures[1][1] };
  g_autoptr (GArray) got = lab_embeddings_view_get_selection (view);
  g_assert_cmpmem (got->data, got->len * sizeof (int), r.points->data,
                   r.points->len * sizeof (int));
  for (int k = 0; k < 5; k++)
    {
      gboolean found = FALSE;
      for (guint j = 0; j < got->len; j++)
        found |= g_array_index (got, int, j) == expected[k];
      g_assert_true (found);
      if (k > 0)
        g_assert_cmpint (g_array_index (got, int, k - 1), <, g_array_index (got, int, k));
    }
  g_assert_cmpint (lab_scatter_get_n_selected (lab_embeddings_view_get_scatter (view,
                                                                               CARI_VIEW_C2C)),
                   ==, 2);
  /* A plain drag replaces; an empty one clears (NULL). */
  lab_scatter_transform_to_px (&t, 100, 100, &ax, &ay);
  lab_scatter_transform_to_px (&t, 101, 101, &bx, &by);
  lab_scatter_select_rect (v2c, ax, ay, bx, by, FALSE);
  g_assert_cmpint (r.emitted, ==, 3);
  g_assert_null (r.points);
  g_assert_null (lab_embeddings_view_get_selection (view));
  lab_scatter_select_rect (v2c, 0, 0, 2000, 2000, FALSE);
  g_assert_cmpuint (r.points->len, ==, 8);
  lab_embeddings_view_clear_selection (view);
  g_assert_cmpint (r.emitted, ==, 5);
  g_assert_null (r.points);
  g_assert_cmpint (lab_scatter_get_n_selected (v2c), ==, 0);

  /* Opening identity 0's first photo: its neighbours in V2V and its three stored pairs. */
  lab_embeddings_view_open_point (view, CARI_VIEW_V2V, 0);
  g_assert_cmpint (lab_embeddings_view_get_opened (view), ==, s->photos[0][0]);
  LabEmbeddingDetail *detail = LAB_EMBEDDING_DETAIL (lab_embeddings_view_get_detail (view));
  g_assert_cmpint (lab_embedding_detail_get_image (detail), ==, s->photos[0][0]);
  g_assert_cmpuint (lab_embedding_detail_get_n_pair_rows (detail), ==, 3);
  lab_embeddings_view_open_point (view, CARI_VIEW_C2C, 7);
  g_assert_cmpint (lab_embeddings_view_get_opened (view), ==, s->caricatures[3][0]);
  g_assert_cmpuint (lab_embedding_detail_get_n_pair_rows (detail), ==, 0);

  /* Export the figure in the three formats. */
  g_autoptr (GError) error = NULL;
  const char *names[] = { "fig.png", "fig.svg", "fig.pdf" };
  const char *magic[] = { "\x89PNG", "<?xml", "%PDF-" };
  for (int f = 0; f < 3; f++)
    {
      g_autofree char *path = g_build_filename (s->dir, names[f], NULL);
      g_assert_true (lab_embeddings_view_export_figure (view, path, f, 800, 700, &error));
      g_assert_no_error (error);
      g_autofree char *bytes = NULL;
      gsize len;
      g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
      g_assert_cmpmem (bytes, strlen (magic[f]), magic[f], strlen (magic[f]));
    }

  /* Another step without layouts offers to compute them; 0 clears. */
  lab_embeddings_view_set_evaluation (view, s->other_step);
  ui_test_wait_for (counter_reached, &(Waiting) { &loads, 2 }, 20, "the other step");
  g_assert_cmpstr (lab_embeddings_view_get_state (view), ==, "compute");
  /* Asked again (the page does after Evaluate), it looks again for layouts; views shown are
   * not read again. */
  lab_embeddings_view_set_evaluation (view, s->other_step);
  ui_test_wait_for (counter_reached, &(Waiting) { &loads, 3 }, 20, "the other step again");
  g_assert_cmpstr (lab_embeddings_view_get_state (view), ==, "compute");
  lab_embeddings_view_set_evaluation (view, 0);
  g_assert_cmpstr (lab_embeddings_view_get_state (view), ==, "empty");
  /* A missing evaluation reads as an error, not a crash. */
  lab_embeddings_view_set_evaluation (view, 999);
  ui_test_wait_for (counter_reached, &(Waiting) { &loads, 4 }, 20, "a missing evaluation");
  g_assert_cmpstr (lab_embeddings_view_get_state (view), ==, "error");

  g_clear_pointer (&r.points, g_array_unref);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_settle ();
  g_assert_finalize_object (view);
}

/* ------------------------------------------------------------------------------ computing */

static gboolean
run_cli (const char *cli, const char *dir, GError **error, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) cli);
  va_list args;
  va_start (args, error);
  const char *arg;
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", dir, TRUE);
  g_autoptr (GSubprocess) p = g_subprocess_launcher_spawnv (
    launcher, (const char *const *) argv->pdata, error);
  return p != NULL && g_subprocess_wait_check (p, NULL, error);
}

static int
count_layout_points (const char *db, gint64 evaluation)
{
  g_autoptr (CariStore) store = cari_store_open (db, CARI_STORE_READ_ONLY, NULL);
  int total = 0;
  for (int v = 0; v < CARI_N_VIEWS; v++)
    {
      g_autofree int *images = NULL;
      g_autofree float *xy = NULL;
      int n = 0;
      if (cari_store_load_layout (store, evaluation, cari_view_to_string (v), &images, &xy, &n,
                                  NULL))
        total += n;
    }
  return total;
}

/* A run of a few steps on the tiny SynCari, evaluated without views: the view offers to lay
 * them out; cari_launch_layouts () stores them with the evaluation (or nothing when
 * cancelled). */
static void
test_compute (void)
{
  const char *cli = g_getenv ("CARILAB_CLI");
  if (cli == NULL)
    {
      g_test_skip ("CARILAB_CLI is not set (meson sets it)");
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("carilab-compute-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "runs.db", NULL);
  g_autofree char *tiny = g_build_filename (dir, "tiny", NULL);
  g_assert_true (run_cli (cli, dir, &error, "generate", "--tiny", "--out", tiny, NULL));
  g_assert_true (run_cli (cli, dir, &error, "import", "--db", db, "--kind", "webcaricature",
                          "--root", tiny, "--name", "tiny", NULL));
  g_assert_true (run_cli (cli, dir, &error, "train", "--db", db, "--dataset", "tiny", "--name",
                          "r1", "--set", "model.preset=demo", "--set", "schedule.steps=3",
                          "--set", "schedule.checkpoint_every=3", "--set",
                          "schedule.eval_every=0", NULL));
  g_assert_true (run_cli (cli, dir, &error, "eval", "--db", db, "--run", "r1", "--protocol",
                          "webcari.restricted", NULL));
  g_assert_no_error (error);
  gint64 evaluation;
  {
    g_autoptr (CariStore) store = cari_store_open (db, CARI_STORE_READ_WRITE, &error);
    g_autoptr (GPtrArray) evals = cari_store_list_evaluations (store, 0, &error);
    g_assert_cmpuint (evals->len, ==, 1);
    evaluation = ((CariEvalInfo *) g_ptr_array_index (evals, 0))->id;
    /* Cancelled before it starts: an error that says so, and nothing stored. */
    gint cancel = 1;
    g_assert_false (cari_launch_layouts (store, evaluation, 50, NULL, NULL, &cancel, &error));
    g_assert_error (error, CARI_ERROR, CARI_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  g_assert_cmpint (count_layout_points (db, evaluation), ==, 0);

  g_autoptr (LabStoreGateway) gateway = lab_store_gateway_new (db);
  LabEmbeddingsView *view = g_object_ref_sink (
    LAB_EMBEDDINGS_VIEW (lab_embeddings_view_new (gateway)));
  int loads = 0;
  g_signal_connect_swapped (view, "loaded", G_CALLBACK (count_loaded), &loads);
  lab_embeddings_view_set_evaluation (view, evaluation);
  ui_test_wait_for (counter_reached, &(Waiting) { &loads, 1 }, 20, "the evaluation");
  g_assert_cmpstr (lab_embeddings_view_get_state (view), ==, "compute");
  lab_embeddings_view_compute (view);
  ui_test_wait_for (counter_reached, &(Waiting) { &loads, 2 }, 20, "the computed layouts");
  g_assert_cmpstr (lab_embeddings_view_get_state (view), ==, "views");
  int shown = 0;
  for (int v = 0; v < CARI_N_VIEWS; v++)
    {
      int n;
      lab_embeddings_view_get_images (view, v, &n);
      g_assert_cmpint (n, >, 0);
      shown += n;
    }
  g_assert_cmpint (count_layout_points (db, evaluation), ==, shown);

  ui_test_settle ();
  g_assert_finalize_object (view);
  ui_test_remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;
  g_test_add_func ("/embeddings/nearest-random", test_nearest_random);
  g_test_add_func ("/embeddings/nearest-borders", test_nearest_borders);
  g_test_add_func ("/embeddings/nearest-degenerate", test_nearest_degenerate);
  g_test_add_func ("/embeddings/k-nearest", test_k_nearest);
  g_test_add_func ("/embeddings/select-box", test_select_box);
  g_test_add_func ("/embeddings/point-in-polygon", test_point_in_polygon);
  g_test_add_func ("/embeddings/identity-ranks", test_identity_ranks);
  g_test_add_func ("/embeddings/transform", test_transform);
  g_test_add_func ("/embeddings/scatter-widget", test_scatter_widget);
  g_test_add ("/embeddings/view-store", Store, NULL, store_setup, test_view_store,
              store_teardown);
  g_test_add_func ("/embeddings/compute", test_compute);
  return g_test_run ();
}
