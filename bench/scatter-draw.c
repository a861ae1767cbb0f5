/* scatter-draw.c — how long one embedding view (LabScatter) takes to draw and to answer hover
 * at Fig. 2's 230 points and at 20k, and what a hover frame costs once the points are cached
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   scatter-draw [--rounds N] [--points N]
 *
 * For each size (230, 1000, 20000, or --points), on t-SNE-like clustered points of 50 coloured
 * identities plus grey ones, half photos (circles) and half caricatures (triangles):
 *   draw      median lab_scatter_draw () of the whole view onto a 600 × 550 ARGB32 image
 *             surface as on screen (markers stamped: what a resize, a colour or a selection
 *             change costs, the cache being rebuilt from it), and as for a file (one vector
 *             path per colour and marker);
 *   recolour  median lab_scatter_set_colors () (sorting the points into colour batches);
 *   frame     median hover frame of the view in a window: its snapshot (the cached texture, the
 *             hover ring and card) rendered by GSK's Cairo renderer onto an image surface;
 *   nearest   median time of one hover lookup through the grid (batches of 1000 random
 *             queries at the 7-pixel hover radius) and, for comparison, of a linear scan.
 *
 * Needs a display (run it under xvfb-run): LabScatter is a widget.
 */

#include "lab-config.h"

#include <math.h>
#include <stdlib.h>

#include <adwaita.h>

#include "lab-scatter.h"

#define WIDTH 600
#define HEIGHT 550

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double
gaussian (GRand *rand)
{
  double u = g_rand_double_range (rand, 1e-12, 1), v = g_rand_double (rand);
  return sqrt (-2 * log (u)) * cos (2 * G_PI * v);
}

/* 60 clusters (identities) of different spreads; the first 50 coloured. */
static LabScatterLayout *
make_layout (int n, guint32 **colors)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autofree float *xy = g_new (float, 2 * n);
  g_autofree guint8 *markers = g_new (guint8, n);
  *colors = g_new (guint32, n);
  double cx[60], cy[60], s[60];
  for (int c = 0; c < 60; c++)
    {
      cx[c] = g_rand_double_range (rand, -40, 40);
      cy[c] = g_rand_double_range (rand, -40, 40);
      s[c] = g_rand_double_range (rand, 0.8, 4.0);
    }
  for (int i = 0; i < n; i++)
    {
      int c = g_rand_int_range (rand, 0, 60);
      xy[2 * i] = cx[c] + s[c] * gaussian (rand);
      xy[2 * i + 1] = cy[c] + s[c] * gaussian (rand);
      markers[i] = i % 2 ? LAB_MARKER_TRIANGLE : LAB_MARKER_CIRCLE;
      (*colors)[i] = c < 50 ? lab_scatter_palette (c) : LAB_SCATTER_NO_COLOR;
    }
  return lab_scatter_layout_new (xy, markers, n);
}

static gboolean
has_size (gpointer widget)
{
  return gtk_widget_get_width (widget) > 0 && lab_scatter_get_render_count (widget) > 0;
}

static void
bench_size (int n, int rounds)
{
  g_autofree guint32 *colors = NULL;
  g_autoptr (LabScatterLayout) layout = make_layout (n, &colors);
  GtkWidget *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  LabScatter *scatter = LAB_SCATTER (lab_scatter_new ());
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (scatter));
  lab_scatter_set_title (scatter, "V2V: visual branch on photos");
  lab_scatter_set_layout (scatter, layout);
  lab_scatter_set_colors (scatter, colors);
  gtk_window_present (GTK_WINDOW (window));
  while (!has_size (scatter))
    g_main_context_iteration (NULL, TRUE);

  g_autofree double *draw = g_new (double, rounds), *recolour = g_new (double, rounds);
  g_autofree double *vector = g_new (double, rounds);
  g_autofree double *frame = g_new (double, rounds);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  for (int r = -1; r < rounds; r++)
    {
      cairo_t *cr = cairo_create (surface);
      gint64 t0 = g_get_monotonic_time ();
      lab_scatter_draw (scatter, cr, WIDTH, HEIGHT, FALSE);
      cairo_surface_flush (surface);
      gint64 t1 = g_get_monotonic_time ();
      cairo_destroy (cr);
      lab_scatter_set_colors (scatter, colors);
      gint64 t2 = g_get_monotonic_time ();
      cr = cairo_create (surface);
      lab_scatter_draw (scatter, cr, WIDTH, HEIGHT, TRUE);
      cairo_surface_flush (surface);
      gint64 t3 = g_get_monotonic_time ();
      cairo_destroy (cr);
      if (r >= 0)
        {
          draw[r] = (t1 - t0) / 1000.0;
          recolour[r] = (t2 - t1) / 1000.0;
          vector[r] = (t3 - t2) / 1000.0;
        }
    }

  /* Hover frames: the texture is rendered once (the first snapshot), then each frame draws it
   * with the hover ring and card. */
  const float *xy = lab_scatter_layout_get_xy (layout);
  LabScatterTransform t;
  lab_scatter_get_transform (scatter, -1, -1, &t);
  GskRenderer *renderer = gsk_cairo_renderer_new ();
  gsk_renderer_realize (renderer, NULL, NULL);
  guint renders = lab_scatter_get_render_count (scatter);
  for (int r = -1; r < rounds; r++)
    {
      int p = (r + 1) * 7919 % n;
      double px, py;
      lab_scatter_transform_to_px (&t, xy[2 * p], xy[2 * p + 1], &px, &py);
      gint64 t0 = g_get_monotonic_time ();
      lab_scatter_hover_at (scatter, px, py);
      lab_scatter_set_card (scatter, lab_scatter_get_hover (scatter), NULL, "Person 0136");
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      GTK_WIDGET_GET_CLASS (scatter)->snapshot (GTK_WIDGET (scatter), snapshot);
      GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
      cairo_t *cr = cairo_create (surface);
      gsk_render_node_draw (node, cr);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      gint64 t1 = g_get_monotonic_time ();
      gsk_render_node_unref (node);
      if (r == -1)
        renders = lab_scatter_get_render_count (scatter);
      else
        frame[r] = (t1 - t0) / 1000.0;
    }
  gboolean cached = lab_scatter_get_render_count (scatter) == renders;
  gsk_renderer_unrealize (renderer);
  g_object_unref (renderer);
  cairo_surface_destroy (surface);

  /* Hover lookups: grid against a linear scan, 1000 queries a batch. */
  double bounds[4];
  lab_scatter_layout_get_bounds (layout, bounds);
  double radius = 7.0 / t.scale;
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  g_autofree double *grid = g_new (double, rounds), *scan = g_new (double, rounds);
  double qx[1000], qy[1000];
  volatile int sink = 0;
  for (int r = 0; r < rounds; r++)
    {
      for (int q = 0; q < 1000; q++)
        {
          qx[q] = g_rand_double_range (rand, bounds[0], bounds[2]);
          qy[q] = g_rand_double_range (rand, bounds[1], bounds[3]);
        }
      gint64 t0 = g_get_monotonic_time ();
      for (int q = 0; q < 1000; q++)
        sink += lab_scatter_layout_nearest (layout, qx[q], qy[q], radius);
      gint64 t1 = g_get_monotonic_time ();
      for (int q = 0; q < 1000; q++)
        {
          int best = -1;
          double best2 = radius * radius;
          for (int i = 0; i < n; i++)
            {
              double dx = xy[2 * i] - qx[q], dy = xy[2 * i + 1] - qy[q], d2 = dx * dx + dy * dy;
              if (d2 <= best2)
                {
                  best2 = d2;
                  best = i;
                }
            }
          sink += best;
        }
      gint64 t2 = g_get_monotonic_time ();
      grid[r] = (t1 - t0) / 1000.0; /* µs per query */
      scan[r] = (t2 - t1) / 1000.0;
    }

  int columns, rows;
  lab_scatter_layout_get_grid (layout, &columns, &rows);
  g_print ("%6d points  draw %6.2f ms (vector %6.2f ms)  recolour %5.2f ms  hover frame %5.2f ms%s"
           "  nearest %5.3f µs (grid %d×%d), linear scan %6.2f µs\n",
           n, median (draw, rounds), median (vector, rounds), median (recolour, rounds),
           median (frame, rounds),
           cached ? "" : " (RE-RENDERED)", median (grid, rounds), columns, rows,
           median (scan, rounds));
  gtk_window_destroy (GTK_WINDOW (window));
  (void) sink;
}

int
main (int argc, char *argv[])
{
  int rounds = 25, points = 0;
  GOptionEntry entries[] = {
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Timed rounds per measure (25)", "N" },
    { "points", 0, 0, G_OPTION_ARG_INT, &points, "One size instead of 230, 1000, 20000", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  rounds = MAX (rounds, 1);
  adw_init ();
  g_print ("one view, %d × %d px; medians of %d rounds\n", WIDTH, HEIGHT, rounds);
  if (points > 0)
    bench_size (points, rounds);
  else
    {
      const int sizes[] = { 230, 1000, 20000 };
      for (size_t s = 0; s < G_N_ELEMENTS (sizes); s++)
        bench_size (sizes[s], rounds);
    }
  return 0;
}
