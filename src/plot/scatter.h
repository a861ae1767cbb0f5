/* scatter.h — one scatter view of a 2-D layout (the t-SNE views of Fig. 2): a title, markers
 * coloured per point and batched by colour, a legend of the markers; and the transform from
 * layout units to device units (one scale for both axes, so distances on screen are
 * distances in the layout)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>

#include "style.h"

G_BEGIN_DECLS

typedef enum
{
  CARI_PLOT_MARKER_CIRCLE,   /* photos */
  CARI_PLOT_MARKER_TRIANGLE, /* caricatures */
} CariPlotMarker;

/* A point's colour: 0xRRGGBB, or this for "no colour" (drawn light grey, under the others). */
#define CARI_PLOT_NO_COLOR 0xff000000u

/* Layout units to device units: px = x0 + x·scale, py = y0 − y·scale (y up, as the paper
 * draws). */
typedef struct
{
  double scale, x0, y0;
} CariPlotScatterTransform;

void cari_plot_scatter_transform_fit (CariPlotScatterTransform *t, const double bounds[4],
                                      double left, double top, double width, double height);
void cari_plot_scatter_transform_to_px (const CariPlotScatterTransform *t, double x, double y,
                                        double *px, double *py);
void cari_plot_scatter_transform_from_px (const CariPlotScatterTransform *t, double px, double py,
                                          double *x, double *y);

/* A batch of points drawn with one path: same colour, marker and layer. */
typedef struct
{
  guint32 color;
  CariPlotMarker marker;
  gboolean faded;    /* unselected while something is selected */
  gboolean selected;
  int start, count;  /* into the drawing order */
} CariPlotScatterGroup;

typedef struct
{
  double x, y, width, height;
} CariPlotRect;

typedef struct
{
  const char *title;                   /* nullable */
  const char *subtitle;                /* nullable: a second, dimmer line */
  const float *xy;                     /* borrowed, [n, 2] */
  int n;
  double bounds[4];                    /* x_min, y_min, x_max, y_max of the finite points */
  const int *order;                    /* borrowed, [n]: the points in drawing order */
  const CariPlotScatterGroup *groups;  /* borrowed: runs of that order */
  guint n_groups;
  gboolean has_marker[2];              /* which markers the legend lists */
} CariPlotScatter;

double cari_plot_scatter_marker_radius (int n);
void cari_plot_scatter_plot_rect (const CariPlotScatter *scatter, int width, int height,
                                  CariPlotRect *rect);
void cari_plot_scatter_transform (const CariPlotScatter *scatter, int width, int height,
                                  CariPlotScatterTransform *t);
void cari_plot_scatter_render (cairo_t *cr, const CariPlotStyle *style,
                               const CariPlotScatter *scatter, int width, int height,
                               gboolean vector);

G_END_DECLS
