/* histogram.h — the genuine and impostor score distributions of a verification evaluation,
 * overlaid, with a threshold line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>

#include "style.h"

G_BEGIN_DECLS

typedef struct
{
  const double *genuine;   /* borrowed, n_bins shares of the genuine pairs, in [0, 1] */
  const double *impostor;  /* likewise for the impostors */
  int n_bins;
  double peak;             /* the highest share of either class */
  double lo;               /* the scores shown */
  double hi;
  gboolean empty;          /* no pair: a message instead of the bins */
  double threshold;        /* NaN: no line */
  gboolean dragging;       /* the line drawn bolder */
} CariPlotHistogram;

double cari_plot_histogram_x_of_score (const CariPlotHistogram *histogram, int width, double score);
double cari_plot_histogram_score_at (const CariPlotHistogram *histogram, int width, double x);
void cari_plot_histogram_render (cairo_t *cr, const CariPlotStyle *style,
                                 const CariPlotHistogram *histogram, int width, int height);

G_END_DECLS
