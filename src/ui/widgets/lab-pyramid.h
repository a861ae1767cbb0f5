/* lab-pyramid.h — min/max summaries of a growing array of doubles, for O(log n) range queries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The finite values' extremes over a range; min > max when it has none. */
#define LAB_PYRAMID_MAX_LEVELS 32

typedef struct
{
  double min;
  double max;
  double min_positive;
} LabExtent;

typedef struct
{
  LabExtent *blocks; /* owned; only complete blocks */
  guint len;
  guint cap;
} LabPyramidLevel;

typedef struct
{
  LabPyramidLevel levels[LAB_PYRAMID_MAX_LEVELS];
} LabPyramid;

void lab_extent_init     (LabExtent        *extent);

void lab_pyramid_clear   (LabPyramid       *pyramid);
void lab_pyramid_extend  (LabPyramid       *pyramid,
                          const double     *values,
                          guint             n_values);
void lab_pyramid_rebuild (LabPyramid       *pyramid,
                          const double     *values,
                          guint             n_values);
void lab_pyramid_query   (const LabPyramid *pyramid,
                          const double     *values,
                          guint             begin,
                          guint             end,
                          LabExtent        *extent);

G_END_DECLS
