/* test-render.c — carilab-plot's drawing without a display: charts, curve plots, histograms
 * and scatter views rendered onto image surfaces (each colour where its curve, bins or points
 * are, and nowhere else in the plot), and files: PNG, SVG and PDF written, and an unwritable
 * path reported with its name. */
#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "plot.h"

#define WIDTH 640
#define HEIGHT 320

/* An image surface with what `draw` drew, in the paper style. */
typedef struct
{
  cairo_surface_t *surface;
  const guint8 *data;
  int stride;
} Image;

static void
image_init (Image *image, CariPlotDrawFunc draw, gpointer data)
{
  cairo_t *cr;

  image->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cr = cairo_create (image->surface);
  draw (cr, WIDTH, HEIGHT, data);
  cairo_destroy (cr);
  cairo_surface_flush (image->surface);
  image->data = cairo_image_surface_get_data (image->surface);
  image->stride = cairo_image_surface_get_stride (image->surface);
}

static void
image_clear (Image *image)
{
  cairo_surface_destroy (image->surface);
}

/* Whether the (opaque) pixel at (x, y) is @rgb, drawn at nearly full coverage over white. */
static gboolean
image_is (const Image *image, int x, int y, guint32 rgb)
{
  guint32 pixel = ((const guint32 *) (gconstpointer) (image->data + y * image->stride))[x];

  for (int shift = 0; shift < 24; shift += 8)
    if (abs ((int) ((pixel >> shift) & 0xff) - (int) ((rgb >> shift) & 0xff)) > 40)
      return FALSE;
  return TRUE;
}

/* The most pixels of @rgb in one row of the rectangle [x0, x1) × [y0, y1). */
static guint
image_row_max (const Image *image, int x0, int y0, int x1, int y1, guint32 rgb)
{
  guint most = 0;

  for (int y = y0; y < y1; y++)
    {
      guint n = 0;

      for (int x = x0; x < x1; x++)
        n += image_is (image, x, y, rgb);
      most = MAX (most, n);
    }
  return most;
}

/* How many pixels of @rgb the rectangle [x0, x1) × [y0, y1) holds. */
static guint
image_count (const Image *image, int x0, int y0, int x1, int y1, guint32 rgb)
{
  guint n = 0;

  for (int y = MAX (y0, 0); y < MIN (y1, HEIGHT); y++)
    for (int x = MAX (x0, 0); x < MIN (x1, WIDTH); x++)
      n += image_is (image, x, y, rgb);
  return n;
}

/* ------------------------------------------------------------------------------ chart */

typedef struct
{
  CariPlotChart chart;
  CariPlotLine lines[2];
  CariPlotTransform shown;
  CariPlotSeries *series[2];
} ChartCase;

static void
draw_chart (cairo_t *cr, int width, int height, gpointer data)
{
  ChartCase *c = data;
  CariPlotStyle style;

  cari_plot_style_init_paper (&style);
  style.unhinted = TRUE;
  cari_plot_chart_render (cr, &style, &c->chart, width, height, &c->shown, NULL);
}

/* verif flat at 1 (solid), visual flat at 3 (dashed), over steps 0 … 100. */
static void
chart_case_init (ChartCase *c)
{
  CariPlotStyle style;

  memset (c, 0, sizeof *c);
  cari_plot_style_init_paper (&style);
  for (int k = 0; k < 2; k++)
    {
      CariPlotRole role = k == 0 ? CARI_PLOT_ROLE_VERIF : CARI_PLOT_ROLE_VISUAL;

      c->series[k] = cari_plot_series_new (NULL);
      for (int step = 0; step <= 100; step++)
        {
          CariPlotPoint point = { step, step, k == 0 ? 1 : 3 };
          cari_plot_series_append (c->series[k], &point, 1);
        }
      c->lines[k] = (CariPlotLine) { c->series[k], k == 0 ? "verif" : "visual", { 0 },
                                     k == 0 ? CARI_PLOT_LINE_STYLE_SOLID
                                            : CARI_PLOT_LINE_STYLE_DASHED, 0 };
      cari_plot_style_series_color (&style, role, 0, &c->lines[k].color);
    }
  c->chart = (CariPlotChart) { .title = "Task weights", .y_label = "weight",
                               .x_axis = CARI_PLOT_X_AXIS_STEP, .lines = c->lines, .n_lines = 2,
                               .device_scale = 1 };
  g_assert_true (cari_plot_chart_x_range (c->lines, 2, CARI_PLOT_X_AXIS_STEP, &c->chart.x_lower,
                                          &c->chart.x_upper));
}

static void
chart_case_clear (ChartCase *c)
{
  for (int k = 0; k < 2; k++)
    cari_plot_series_free (c->series[k]);
}

static void
test_chart_pixels (void)
{
  ChartCase c;
  Image image;
  double lower, upper;

  chart_case_init (&c);
  g_assert_cmpfloat (c.chart.x_lower, ==, 0);
  g_assert_cmpfloat (c.chart.x_upper, ==, 100);
  g_assert_true (cari_plot_chart_y_range (c.lines, 2, CARI_PLOT_X_AXIS_STEP, FALSE, FALSE, 0,
                                          100, &lower, &upper));
  g_assert_cmpfloat_with_epsilon (lower, 0.9, 1e-9);
  g_assert_cmpfloat_with_epsilon (upper, 3.1, 1e-9);

  image_init (&image, draw_chart, &c);
  g_assert_cmpfloat (c.shown.width, >, WIDTH / 2);
  g_assert_cmpfloat (c.shown.y_lower, ==, lower);
  g_assert_true (image_is (&image, 2, 2, 0xffffff));

  {
    const CariPlotTransform *t = &c.shown;
    int left = (int) ceil (t->left) + 2, right = (int) floor (t->left + t->width) - 2;
    int top = (int) ceil (t->top) + 2, bottom = (int) floor (t->top + t->height) - 2;
    int verif_y = (int) round (cari_plot_transform_y_to_px (t, 1));
    int visual_y = (int) round (cari_plot_transform_y_to_px (t, 3));
    guint verif_on_line = image_count (&image, left, verif_y - 2, right, verif_y + 3, 0x1f77b4);
    guint visual_on_line = image_count (&image, left, visual_y - 2, right, visual_y + 3,
                                        0xff7f0e);

    /* Each task's colour along its line (all of it for the solid one, the dashes of the
     * dashed one: about 6 in 9.5), and nowhere else inside the plot. */
    g_assert_cmpuint (image_row_max (&image, left, verif_y - 2, right, verif_y + 3, 0x1f77b4),
                      ==, right - left);
    g_assert_cmpuint (image_row_max (&image, left, visual_y - 2, right, visual_y + 3, 0xff7f0e),
                      >, (right - left) / 2);
    g_assert_cmpuint (image_row_max (&image, left, visual_y - 2, right, visual_y + 3, 0xff7f0e),
                      <, (right - left) * 3 / 4);
    g_assert_cmpuint (image_count (&image, left, top, right, bottom, 0x1f77b4), ==,
                      verif_on_line);
    g_assert_cmpuint (image_count (&image, left, top, right, bottom, 0xff7f0e), ==,
                      visual_on_line);
    /* The legend above the plot shows both samples. */
    g_assert_cmpuint (image_count (&image, 0, 0, WIDTH, (int) t->top - 4, 0x1f77b4), >, 10);
    g_assert_cmpuint (image_count (&image, 0, 0, WIDTH, (int) t->top - 4, 0xff7f0e), >, 10);
  }
  image_clear (&image);

  /* Zoomed in, the lines stop at the plot's frame. */
  c.chart.x_lower = 20;
  c.chart.x_upper = 80;
  image_init (&image, draw_chart, &c);
  {
    const CariPlotTransform *t = &c.shown;
    int verif_y = (int) round (cari_plot_transform_y_to_px (t, 1));

    g_assert_cmpuint (image_count (&image, 0, verif_y - 2, (int) floor (t->left), verif_y + 3,
                                   0x1f77b4), ==, 0);
    g_assert_cmpuint (image_count (&image, (int) ceil (t->left + t->width), verif_y - 2, WIDTH,
                                   verif_y + 3, 0x1f77b4), ==, 0);
    g_assert_cmpuint (image_count (&image, (int) t->left, verif_y - 2,
                                   (int) (t->left + t->width), verif_y + 3, 0x1f77b4), >, 100);
  }
  image_clear (&image);
  chart_case_clear (&c);
}

/* A line at 1 with a band from 1 to 3 over its first half: the band counts in the y range and
 * is filled faintly in the line's colour where it is, and nowhere else. Then an x label of the
 * chart's own. */
static void
test_chart_band (void)
{
  ChartCase c;
  Image image;
  double lower, upper;
  g_autoptr (CariPlotSeries) low = cari_plot_series_new (NULL);
  g_autoptr (CariPlotSeries) high = cari_plot_series_new (NULL);

  chart_case_init (&c);
  for (int step = 0; step <= 50; step++)
    {
      CariPlotPoint a = { step, step, 1 }, b = { step, step, 3 };
      cari_plot_series_append (low, &a, 1);
      cari_plot_series_append (high, &b, 1);
    }
  c.chart.n_lines = 1;
  c.lines[0].band_lower = low;
  c.lines[0].band_upper = high;
  g_assert_true (cari_plot_chart_y_range (c.lines, 1, CARI_PLOT_X_AXIS_STEP, FALSE, FALSE, 0,
                                          100, &lower, &upper));
  g_assert_cmpfloat_with_epsilon (lower, 0.9, 1e-9);
  g_assert_cmpfloat_with_epsilon (upper, 3.1, 1e-9);

  image_init (&image, draw_chart, &c);
  {
    const CariPlotTransform *t = &c.shown;
    int y = (int) round (cari_plot_transform_y_to_px (t, 2.5));
    int x_in = (int) round (cari_plot_transform_x_to_px (t, 25));
    int x_out = (int) round (cari_plot_transform_x_to_px (t, 75));

    /* verif's blue (1f77b4) at 0.2 over white. */
    g_assert_true (image_is (&image, x_in, y, 0xd2e4f0));
    g_assert_false (image_is (&image, x_in, y, 0xffffff));
    g_assert_true (image_is (&image, x_out, y, 0xffffff));
    /* The line itself still draws over its band. */
    g_assert_true (image_is (&image, x_in, (int) round (cari_plot_transform_y_to_px (t, 1)),
                             0x1f77b4));
  }
  image_clear (&image);

  /* An x label of its own replaces "Step" under the plot, and only there. */
  {
    Image named;
    int label_top;

    image_init (&image, draw_chart, &c);
    c.chart.x_label = "Weight of the caricature task";
    image_init (&named, draw_chart, &c);
    label_top = (int) ceil (c.shown.top + c.shown.height) + 18;
    g_assert_cmpint (memcmp (image.data, named.data, (gsize) image.stride * label_top), ==, 0);
    g_assert_cmpint (memcmp (image.data + image.stride * label_top,
                             named.data + image.stride * label_top,
                             (gsize) image.stride * (HEIGHT - label_top)), !=, 0);
    image_clear (&named);
    image_clear (&image);
  }
  c.lines[0].band_lower = c.lines[0].band_upper = NULL;
  chart_case_clear (&c);
}

static void
test_chart_align_and_empty (void)
{
  ChartCase c;
  Image image;
  double wanted_left;
  CariPlotStyle style;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);

  chart_case_init (&c);
  cari_plot_style_init_paper (&style);
  /* Stacked charts: the plot starts at a whole unit, and no left of where the others do. */
  c.chart.align_left = TRUE;
  cari_plot_chart_render (cr, &style, &c.chart, WIDTH, HEIGHT, &c.shown, &wanted_left);
  g_assert_cmpfloat (wanted_left, ==, c.shown.left);
  g_assert_cmpfloat (wanted_left, ==, ceil (wanted_left));
  c.chart.min_left = wanted_left + 40;
  cari_plot_chart_render (cr, &style, &c.chart, WIDTH, HEIGHT, &c.shown, &wanted_left);
  g_assert_cmpfloat (c.shown.left, ==, wanted_left + 40);
  /* No room for a plot: nothing shown. */
  cari_plot_chart_render (cr, &style, &c.chart, 30, 30, &c.shown, NULL);
  g_assert_cmpfloat (c.shown.width, ==, 0);

  /* No lines: an empty frame with default ranges. */
  c.chart.n_lines = 0;
  c.chart.align_left = FALSE;
  image_init (&image, draw_chart, &c);
  g_assert_cmpfloat (c.shown.y_lower, ==, 0);
  g_assert_cmpfloat (c.shown.y_upper, ==, 1);
  g_assert_cmpuint (image_count (&image, 0, 0, WIDTH, HEIGHT, 0x1f77b4), ==, 0);
  image_clear (&image);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  chart_case_clear (&c);
}

/* ------------------------------------------------------------------------------ files */

static void
test_export (void)
{
  ChartCase c;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("carilab-plot-XXXXXX", &error);
  static const char *const names[] = { "chart.png", "chart.svg", "chart.pdf" };
  static const char *const magic[] = { "\x89PNG", "<?xml", "%PDF-" };
  g_autofree char *blocker = g_build_filename (dir, "file", NULL);
  CariPlotFormat format;

  g_assert_no_error (error);
  chart_case_init (&c);
  for (CariPlotFormat f = CARI_PLOT_FORMAT_PNG; f <= CARI_PLOT_FORMAT_PDF; f++)
    {
      g_autofree char *path = g_build_filename (dir, names[f], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert_true (cari_plot_format_from_path (path, &format));
      g_assert_cmpint (format, ==, f);
      g_assert_true (cari_plot_export (path, f, 400, 200, "Task weights", draw_chart, &c,
                                       &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpuint (length, >, 1000);
      g_assert_cmpmem (contents, strlen (magic[f]), magic[f], strlen (magic[f]));
      if (f == CARI_PLOT_FORMAT_PDF)
        g_assert_nonnull (memmem (contents, length, "/Title (Task weights)", 21));
      g_remove (path);
    }
  g_assert_true (cari_plot_format_from_path ("FIG.PDF", &format));
  g_assert_cmpint (format, ==, CARI_PLOT_FORMAT_PDF);
  g_assert_false (cari_plot_format_from_path ("fig.gif", &format));
  g_assert_false (cari_plot_format_from_path ("png", &format));

  /* A path under a regular file (ENOTDIR) fails in every format, naming the path. */
  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  for (CariPlotFormat f = CARI_PLOT_FORMAT_PNG; f <= CARI_PLOT_FORMAT_PDF; f++)
    {
      g_autofree char *path = g_build_filename (blocker, names[f], NULL);

      g_assert_false (cari_plot_export (path, f, 100, 100, NULL, draw_chart, &c, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, path));
      g_clear_error (&error);
    }
  g_remove (blocker);
  g_rmdir (dir);
  chart_case_clear (&c);
}

/* ------------------------------------------------------------------------------ curves */

static const double far[] = { 1e-4, 1e-3, 1e-2, 1e-1, 1 };
static const double tar[] = { 0.5, 0.5, 0.5, 0.5, 0.5 };

static void
draw_curves (cairo_t *cr, int width, int height, gpointer data)
{
  CariPlotStyle style;

  cari_plot_style_init_paper (&style);
  cari_plot_curves_render (cr, &style, data, width, height);
}

static void
test_curves (void)
{
  CariPlotCurve curve = { NULL, far, tar, 5, 0xff7f0e, CARI_PLOT_LINE_STYLE_SOLID };
  CariPlotCurves plot = { "ROC", { "FAR", CARI_PLOT_AXIS_LOG10, 1e-4, 1 },
                          { "TAR", CARI_PLOT_AXIS_LINEAR, 0, 1 }, &curve, 1, FALSE };
  double px, py, qx, qy;
  Image image;

  g_assert_cmpfloat_with_epsilon (cari_plot_probit (0.975), 1.959963984540054, 1e-9);
  g_assert_true (isinf (cari_plot_probit (0)) && cari_plot_probit (0) < 0);
  /* Two of four decades across; the plot's corners. */
  cari_plot_curves_map (&plot, WIDTH, HEIGHT, 1e-2, 0.5, &px, &py);
  cari_plot_curves_map (&plot, WIDTH, HEIGHT, 1e-4, 0, &qx, &qy);
  g_assert_cmpfloat_with_epsilon (px, 58 + 0.5 * (WIDTH - 58 - 14), 1e-9);
  g_assert_cmpfloat_with_epsilon (qy, HEIGHT - 40, 1e-9);

  image_init (&image, draw_curves, &plot);
  g_assert_cmpuint (image_count (&image, (int) qx + 3, (int) py - 2, WIDTH - 17, (int) py + 3,
                                 0xff7f0e),
                    >=, (guint) (WIDTH - 17 - qx - 3));
  g_assert_cmpuint (image_count (&image, 0, 0, WIDTH, HEIGHT, 0xff7f0e), <,
                    (guint) (WIDTH - qx) * 4);
  g_assert_cmpuint (image_count (&image, (int) qx + 3, 30, WIDTH - 17, (int) py - 4, 0xff7f0e),
                    ==, 0);
  image_clear (&image);
}

/* ------------------------------------------------------------------------------ histogram */

static void
draw_histogram (cairo_t *cr, int width, int height, gpointer data)
{
  CariPlotStyle style;

  cari_plot_style_init_paper (&style);
  cari_plot_histogram_render (cr, &style, data, width, height);
}

static void
test_histogram (void)
{
  double genuine[10] = { 0, 0, 0, 0, 0, 0, 0, 0.5, 0.5, 0 };
  double impostor[10] = { 0, 0.5, 0.5, 0, 0, 0, 0, 0, 0, 0 };
  CariPlotHistogram histogram = { genuine, impostor, 10, 0.5, 0, 1, FALSE, NAN, FALSE };
  double x_genuine = cari_plot_histogram_x_of_score (&histogram, WIDTH, 0.8);
  double x_impostor = cari_plot_histogram_x_of_score (&histogram, WIDTH, 0.2);
  double x_between = cari_plot_histogram_x_of_score (&histogram, WIDTH, 0.5);
  Image image;

  g_assert_cmpfloat_with_epsilon (cari_plot_histogram_score_at (&histogram, WIDTH, x_genuine),
                                  0.8, 1e-9);
  g_assert_cmpfloat (cari_plot_histogram_x_of_score (&histogram, WIDTH, 7), ==,
                     cari_plot_histogram_x_of_score (&histogram, WIDTH, 1));

  image_init (&image, draw_histogram, &histogram);
  /* The bins' outlines: the verif blue over the genuine scores, the cari grey over the
   * impostors', neither in between. */
  g_assert_cmpuint (image_count (&image, (int) x_genuine - 20, 40, (int) x_genuine + 20,
                                 HEIGHT - 34, 0x1f77b4), >, 30);
  g_assert_cmpuint (image_count (&image, (int) x_impostor - 20, 40, (int) x_impostor + 20,
                                 HEIGHT - 34, 0x7f7f7f), >, 30);
  g_assert_cmpuint (image_count (&image, (int) x_between - 20, 40, (int) x_between + 20,
                                 HEIGHT - 40, 0x1f77b4), ==, 0);
  g_assert_cmpuint (image_count (&image, (int) x_between - 20, 40, (int) x_between + 20,
                                 HEIGHT - 40, 0x7f7f7f), ==, 0);
  image_clear (&image);
}

/* ------------------------------------------------------------------------------ scatter */

typedef struct
{
  CariPlotScatter scatter;
  gboolean vector;
} ScatterCase;

static void
draw_scatter (cairo_t *cr, int width, int height, gpointer data)
{
  ScatterCase *c = data;
  CariPlotStyle style;

  cari_plot_style_init_paper (&style);
  cari_plot_scatter_render (cr, &style, &c->scatter, width, height, c->vector);
}

static void
test_scatter (void)
{
  static const float xy[] = { 0, 0, 10, 10, 10, 0 };
  /* Drawn bottom to top: point 2 uncoloured, point 0 red, point 1 a green triangle. */
  static const int order[] = { 2, 0, 1 };
  static const CariPlotScatterGroup groups[] = {
    { CARI_PLOT_NO_COLOR, CARI_PLOT_MARKER_CIRCLE, FALSE, FALSE, 0, 1 },
    { 0xd62728, CARI_PLOT_MARKER_CIRCLE, FALSE, FALSE, 1, 1 },
    { 0x2ca02c, CARI_PLOT_MARKER_TRIANGLE, FALSE, FALSE, 2, 1 },
  };
  ScatterCase c = { { "V2C", NULL, xy, 3, { 0, 0, 10, 10 }, order, groups, 3, { TRUE, TRUE } },
                    FALSE };
  CariPlotScatterTransform t;
  double x, y;

  cari_plot_scatter_transform (&c.scatter, WIDTH, HEIGHT, &t);
  cari_plot_scatter_transform_from_px (&t, t.x0, t.y0, &x, &y);
  g_assert_cmpfloat (x, ==, 0);
  g_assert_cmpfloat (y, ==, 0);
  for (int v = 0; v < 2; v++)
    {
      Image image;
      double px[3], py[3];

      c.vector = v;
      image_init (&image, draw_scatter, &c);
      for (int i = 0; i < 3; i++)
        cari_plot_scatter_transform_to_px (&t, xy[2 * i], xy[2 * i + 1], &px[i], &py[i]);
      /* Each point in its group's colour (the uncoloured one light grey), stamped or not. */
      g_assert_true (image_is (&image, (int) px[2], (int) py[2], 0xc4c4c4));
      g_assert_true (image_is (&image, (int) px[0], (int) py[0], 0xd62728));
      g_assert_true (image_is (&image, (int) px[1], (int) py[1], 0x2ca02c));
      g_assert_cmpuint (image_count (&image, 0, 0, WIDTH, HEIGHT, 0xd62728), <, 100);
      g_assert_cmpuint (image_count (&image, (int) px[0] - 6, (int) py[0] - 6, (int) px[0] + 7,
                                     (int) py[0] + 7, 0xd62728),
                        ==, image_count (&image, 0, 0, WIDTH, HEIGHT, 0xd62728));
      image_clear (&image);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot/chart/pixels", test_chart_pixels);
  g_test_add_func ("/plot/chart/align-and-empty", test_chart_align_and_empty);
  g_test_add_func ("/plot/chart/band", test_chart_band);
  g_test_add_func ("/plot/export", test_export);
  g_test_add_func ("/plot/curves", test_curves);
  g_test_add_func ("/plot/histogram", test_histogram);
  g_test_add_func ("/plot/scatter", test_scatter);
  return g_test_run ();
}
