/* lab-pyramid.c — min/max summaries of a growing array of doubles, for O(log n) range queries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Level 0 summarises blocks of 16 values, level k blocks of 16·2^k; only complete blocks are
 * kept, and each is made when its last value arrives, so extending costs amortised O(1) per
 * value. The memory is an eighth of the data's, and a query scans at most 15 values at each
 * end. Non-finite values (a diverged loss) are left out of every extent.
 */

#include "lab-config.h"

#include <math.h>

#include "lab-pyramid.h"

#define LAB_PYRAMID_BASE_SHIFT 4
#define LAB_PYRAMID_BASE (1u << LAB_PYRAMID_BASE_SHIFT)

void
lab_extent_init (LabExtent *extent)
{
  extent->min = INFINITY;
  extent->max = -INFINITY;
  extent->min_positive = INFINITY;
}

static inline void
lab_extent_add_value (LabExtent *extent,
                      double     value)
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
lab_extent_add_extent (LabExtent       *extent,
                       const LabExtent *other)
{
  if (other->min < extent->min)
    extent->min = other->min;
  if (other->max > extent->max)
    extent->max = other->max;
  if (other->min_positive < extent->min_positive)
    extent->min_positive = other->min_positive;
}

void
lab_pyramid_clear (LabPyramid *pyramid)
{
  for (guint k = 0; k < LAB_PYRAMID_MAX_LEVELS; k++)
    {
      g_clear_pointer (&pyramid->levels[k].blocks, g_free);
      pyramid->levels[k].len = 0;
      pyramid->levels[k].cap = 0;
    }
}

static void
lab_pyramid_push (LabPyramid      *pyramid,
                  guint            level,
                  const LabExtent *extent)
{
  LabPyramidLevel *l = &pyramid->levels[level];

  if (l->len == l->cap)
    {
      l->cap = MAX (16, l->cap * 2);
      l->blocks = g_renew (LabExtent, l->blocks, l->cap);
    }
  l->blocks[l->len++] = *extent;
}

/* Called after @values grew to @n_values: when that completes a block, summarise it, and
 * each pair of blocks it completes one level up. Amortised O(1) per value. */
void
lab_pyramid_extend (LabPyramid   *pyramid,
                    const double *values,
                    guint         n_values)
{
  LabExtent extent;

  if (n_values % LAB_PYRAMID_BASE != 0)
    return;

  lab_extent_init (&extent);
  for (guint i = n_values - LAB_PYRAMID_BASE; i < n_values; i++)
    lab_extent_add_value (&extent, values[i]);
  lab_pyramid_push (pyramid, 0, &extent);

  for (guint k = 0; k + 1 < LAB_PYRAMID_MAX_LEVELS && pyramid->levels[k].len % 2 == 0; k++)
    {
      const LabExtent *pair = &pyramid->levels[k].blocks[pyramid->levels[k].len - 2];

      extent = pair[0];
      lab_extent_add_extent (&extent, &pair[1]);
      lab_pyramid_push (pyramid, k + 1, &extent);
    }
}

void
lab_pyramid_rebuild (LabPyramid   *pyramid,
                     const double *values,
                     guint         n_values)
{
  for (guint k = 0; k < LAB_PYRAMID_MAX_LEVELS; k++)
    pyramid->levels[k].len = 0;
  for (guint n = LAB_PYRAMID_BASE; n <= n_values; n += LAB_PYRAMID_BASE)
    lab_pyramid_extend (pyramid, values, n);
}

/* The extent of values[begin, end): single values up to the first block boundary and after
 * the last, and in between the classic bottom-up segment-tree walk, which takes at most two
 * blocks per level: O(log n). A block that fits inside [0, n_values) is complete, so it is
 * always there. */
void
lab_pyramid_query (const LabPyramid *pyramid,
                   const double     *values,
                   guint             begin,
                   guint             end,
                   LabExtent        *extent)
{
  guint a = (begin + LAB_PYRAMID_BASE - 1) >> LAB_PYRAMID_BASE_SHIFT;
  guint b = end >> LAB_PYRAMID_BASE_SHIFT;

  lab_extent_init (extent);
  if (a >= b)
    {
      for (guint i = begin; i < end; i++)
        lab_extent_add_value (extent, values[i]);
      return;
    }

  for (guint i = begin; i < a << LAB_PYRAMID_BASE_SHIFT; i++)
    lab_extent_add_value (extent, values[i]);
  for (guint i = b << LAB_PYRAMID_BASE_SHIFT; i < end; i++)
    lab_extent_add_value (extent, values[i]);

  for (guint k = 0; a < b && k < LAB_PYRAMID_MAX_LEVELS; k++, a >>= 1, b >>= 1)
    {
      const LabPyramidLevel *level = &pyramid->levels[k];

      g_assert (b <= level->len);
      if (a & 1)
        lab_extent_add_extent (extent, &level->blocks[a++]);
      if (b & 1)
        lab_extent_add_extent (extent, &level->blocks[--b]);
    }
}
