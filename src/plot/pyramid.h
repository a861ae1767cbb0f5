/* pyramid.h — min/max summaries of a growing array of doubles, for O(log n) range queries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The finite values' extremes over a range; min > max when it has none. */
#define CARI_PLOT_PYRAMID_MAX_LEVELS 32

typedef struct
{
  double min;
  double max;
  double min_positive;
} CariPlotExtent;

typedef struct
{
  CariPlotExtent *blocks; /* owned; only complete blocks */
  guint len;
  guint cap;
} CariPlotPyramidLevel;

typedef struct
{
  CariPlotPyramidLevel levels[CARI_PLOT_PYRAMID_MAX_LEVELS];
} CariPlotPyramid;

void cari_plot_extent_init (CariPlotExtent *extent);

void cari_plot_pyramid_clear (CariPlotPyramid *pyramid);
void cari_plot_pyramid_extend (CariPlotPyramid *pyramid, const double *values, guint n_values);
void cari_plot_pyramid_rebuild (CariPlotPyramid *pyramid, const double *values, guint n_values);
void cari_plot_pyramid_query (const CariPlotPyramid *pyramid, const double *values, guint begin,
                              guint end, CariPlotExtent *extent);

G_END_DECLS
