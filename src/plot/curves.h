/* curves.h — a small plot of evaluation curves: ROC with a logarithmic FAR axis, DET on
 * normal-deviate (probit) axes, CMC on linear axes; a legend in a corner the curves leave
 * empty
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>

#include "style.h"

G_BEGIN_DECLS

typedef enum
{
  CARI_PLOT_AXIS_LINEAR,
  CARI_PLOT_AXIS_LOG10,  /* values > 0 */
  CARI_PLOT_AXIS_PROBIT, /* probabilities in (0, 1), placed at Φ⁻¹(p) */
} CariPlotAxisScale;

/* An axis and its visible range, in data units. */
typedef struct
{
  const char *label;             /* borrowed, nullable */
  CariPlotAxisScale scale;
  double min;
  double max;
} CariPlotAxis;

typedef struct
{
  const char *label;             /* borrowed, nullable: no legend entry */
  const double *x;               /* borrowed, n of them */
  const double *y;
  int n;
  guint32 rgb;                   /* 0xRRGGBB */
  CariPlotLineStyle line_style;
} CariPlotCurve;

typedef struct
{
  const char *title;             /* nullable */
  CariPlotAxis x;
  CariPlotAxis y;
  const CariPlotCurve *curves;   /* borrowed, n_curves of them */
  guint n_curves;
  gboolean legend_top;           /* the legend upper right (for falling curves), else lower */
} CariPlotCurves;

double cari_plot_probit (double p);
void cari_plot_curves_map (const CariPlotCurves *plot, int width, int height, double x, double y,
                           double *px, double *py);
void cari_plot_curves_render (cairo_t *cr, const CariPlotStyle *style, const CariPlotCurves *plot,
                              int width, int height);

G_END_DECLS
