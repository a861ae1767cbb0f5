/* pyramid.c — min/max summaries of a growing array of doubles, for O(log n) range queries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Level 0 summarises blocks of 16 values, level k blocks of 16·2^k; only complete blocks are
 * kept, and each is made when its last value arrives, so extending costs amortised O(1) per
 * value. The memory is an eighth of the data's, and a query scans at most 15 values at each
 * end. Non-finite values (a diverged loss) are left out of every extent.
 */

#include <math.h>

#include "pyramid.h"

#define CARI_PLOT_PYRAMID_BASE_SHIFT 4
#define CARI_PLOT_PYRAMID_BASE (1u << CARI_PLOT_PYRAMID_BASE_SHIFT)

void
cari_plot_extent_init (CariPlotExtent *extent)
{
  extent->min = INFINITY;
  extent->max = -INFINITY;
  extent->min_positive = INFINITY;
}

static inline void
cari_plot_extent_add_value (CariPlotExtent *extent, double value)
{
  /* Non-finite values (a diverged loss) would swallow the axis: they are left out. */
  if (!isfinite (value))
    return;
  if (value < extent->min)
    extent->min = value;
  if (value > extent->max)
    extent->max = value;
  if (value > 0 && value < extent->min_positive)
    extent->min_positive = value;
}

static inline void
cari_plot_extent_add_extent (CariPlotExtent *extent, const CariPlotExtent *other)
{
  if (other->min < extent->min)
    extent->min = other->min;
  if (other->max > extent->max)
    extent->max = other->max;
  if (other->min_positive < extent->min_positive)
    extent->min_positive = other->min_positive;
}

void
cari_plot_pyramid_clear (CariPlotPyramid *pyramid)
{
  for (guint k = 0; k < CARI_PLOT_PYRAMID_MAX_LEVELS; k++)
    {
      g_clear_pointer (&pyramid->levels[k].blocks, g_free);
      pyramid->levels[k].len = 0;
      pyramid->levels[k].cap = 0;
    }
}

static void
cari_plot_pyramid_push (CariPlotPyramid *pyramid, guint level, const CariPlotExtent *extent)
{
  CariPlotPyramidLevel *l = &pyramid->levels[level];

  if (l->len == l->cap)
    {
      l->cap = MAX (16, l->cap * 2);
      l->blocks = g_renew (CariPlotExtent, l->blocks, l->cap);
    }
  l->blocks[l->len++] = *extent;
}

/* Called after @values grew to @n_values: when that completes a block, summarise it, and
 * each pair of blocks it completes one level up. Amortised O(1) per value. */
void
cari_plot_pyramid_extend (CariPlotPyramid *pyramid, const double *values, guint n_values)
{
  CariPlotExtent extent;

  if (n_values % CARI_PLOT_PYRAMID_BASE != 0)
    return;

  cari_plot_extent_init (&extent);
  for (guint i = n_values - CARI_PLOT_PYRAMID_BASE; i < n_values; i++)
    cari_plot_extent_add_value (&extent, values[i]);
  cari_plot_pyramid_push (pyramid, 0, &extent);

  for (guint k = 0; k + 1 < CARI_PLOT_PYRAMID_MAX_LEVELS && pyramid->levels[k].len % 2 == 0; k++)
    {
      const CariPlotExtent *pair = &pyramid->levels[k].blocks[pyramid->levels[k].len - 2];

      extent = pair[0];
      cari_plot_extent_add_extent (&extent, &pair[1]);
      cari_plot_pyramid_push (pyramid, k + 1, &extent);
    }
}

void
cari_plot_pyramid_rebuild (CariPlotPyramid *pyramid, const double *values, guint n_values)
{
  for (guint k = 0; k < CARI_PLOT_PYRAMID_MAX_LEVELS; k++)
    pyramid->levels[k].len = 0;
  for (guint n = CARI_PLOT_PYRAMID_BASE; n <= n_values; n += CARI_PLOT_PYRAMID_BASE)
    cari_plot_pyramid_extend (pyramid, values, n);
}

/* The extent of values[begin, end): single values up to the first block boundary and after
 * the last, and in between the classic bottom-up segment-tree walk, which takes at most two
 * blocks per level: O(log n). A block that fits inside [0, n_values) is complete, so it is
 * always there. */
void
cari_plot_pyramid_query (const CariPlotPyramid *pyramid, const double *values, guint begin,
                         guint end, CariPlotExtent *extent)
{
  guint a = (begin + CARI_PLOT_PYRAMID_BASE - 1) >> CARI_PLOT_PYRAMID_BASE_SHIFT;
  guint b = end >> CARI_PLOT_PYRAMID_BASE_SHIFT;

  cari_plot_extent_init (extent);
  if (a >= b)
    {
      for (guint i = begin; i < end; i++)
        cari_plot_extent_add_value (extent, values[i]);
      return;
    }

  for (guint i = begin; i < a << CARI_PLOT_PYRAMID_BASE_SHIFT; i++)
    cari_plot_extent_add_value (extent, values[i]);
  for (guint i = b << CARI_PLOT_PYRAMID_BASE_SHIFT; i < end; i++)
    cari_plot_extent_add_value (extent, values[i]);

  for (guint k = 0; a < b && k < CARI_PLOT_PYRAMID_MAX_LEVELS; k++, a >>= 1, b >>= 1)
    {
      const CariPlotPyramidLevel *level = &pyramid->levels[k];

      g_assert (b <= level->len);
      if (a & 1)
        cari_plot_extent_add_extent (extent, &level->blocks[a++]);
      if (b & 1)
        cari_plot_extent_add_extent (extent, &level->blocks[--b]);
    }
}
