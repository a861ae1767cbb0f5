/* lab-scatter-model.h — what a scatter view of a 2-D layout (the t-SNE views of Fig. 2) needs
 * outside its draw path: the points with their markers, a uniform grid over them for nearest
 * and k-nearest queries, the data-to-pixel transform (one scale for both axes, so distances on
 * screen are distances in the layout), box and lasso selection, and the colours of identities
 * ranked by how many images they have; the transform, the markers and the palette are
 * carilab-plot's. No GTK here: the tests and the bench use it directly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "scatter.h"
#include "style.h"

G_BEGIN_DECLS

typedef CariPlotMarker LabMarker;
#define LAB_MARKER_CIRCLE CARI_PLOT_MARKER_CIRCLE     /* photos */
#define LAB_MARKER_TRIANGLE CARI_PLOT_MARKER_TRIANGLE /* caricatures */

/* An immutable, reference-counted layout of n points (any thread may build one). */
typedef struct _LabScatterLayout LabScatterLayout;

/* Copies xy [n, 2] and markers [n] (NULL: all circles) and builds the grid: about two points a
 * cell over the bounding box of the finite points (a non-finite point is kept but never found).
 * n may be 0. */
LabScatterLayout *lab_scatter_layout_new (const float *xy, const guint8 *markers, int n);
LabScatterLayout *lab_scatter_layout_ref (LabScatterLayout *layout);
void              lab_scatter_layout_unref (LabScatterLayout *layout);

int          lab_scatter_layout_get_n (const LabScatterLayout *layout);
const float *lab_scatter_layout_get_xy (const LabScatterLayout *layout);
LabMarker    lab_scatter_layout_get_marker (const LabScatterLayout *layout, int point);
/* Whether any point has this marker. */
gboolean     lab_scatter_layout_has_marker (const LabScatterLayout *layout, LabMarker marker);
/* x_min, y_min, x_max, y_max of the finite points; all 0 when there are none. */
void         lab_scatter_layout_get_bounds (const LabScatterLayout *layout, double bounds[4]);
/* The grid's columns and rows (for tests and the bench). */
void         lab_scatter_layout_get_grid (const LabScatterLayout *layout, int *columns,
                                          int *rows);

/* The point nearest to (x, y) in layout units, −1 when none lies within max_distance
 * (max_distance < 0: no limit). Of points at the same distance, the lowest index. */
int   lab_scatter_layout_nearest (const LabScatterLayout *layout, double x, double y,
                                  double max_distance);
/* The k points nearest to `point` (itself excluded) into out [k], nearest first (ties: lower
 * index first); returns how many were found (< k when the layout has fewer points). */
int   lab_scatter_layout_k_nearest (const LabScatterLayout *layout, int point, int k, int *out);

/* Points (of int, ascending) with x0 ≤ x ≤ x1 and y0 ≤ y ≤ y1 (the corners in any order). */
GArray  *lab_scatter_layout_select_box (const LabScatterLayout *layout, double x0, double y0,
                                        double x1, double y1);
/* Points (of int, ascending) inside the polygon xy [n_vertices, 2] (even-odd rule, so concave
 * and self-crossing outlines work; closed implicitly). Fewer than 3 vertices select nothing. */
GArray  *lab_scatter_layout_select_polygon (const LabScatterLayout *layout, const double *xy,
                                            int n_vertices);
/* The even-odd point-in-polygon test behind it. */
gboolean lab_point_in_polygon (const double *xy, int n_vertices, double x, double y);

/* Layout units to pixels: plot/scatter.h's transform (px = x0 + x·scale, py = y0 − y·scale, y up
 * as the paper draws), fitted to bounds centred in a rectangle with one scale for both axes. */
typedef CariPlotScatterTransform LabScatterTransform;
#define lab_scatter_transform_fit cari_plot_scatter_transform_fit
#define lab_scatter_transform_to_px cari_plot_scatter_transform_to_px
#define lab_scatter_transform_from_px cari_plot_scatter_transform_from_px

/* Identities ranked by their count among `identities` [n] (values in [0, n_identities)),
 * most first, ties by lower identity index: ranks[identity] (newly allocated, [n_identities]);
 * identities without a point rank last, in index order. */
int    *lab_identity_ranks (const int *identities, int n, int n_identities);

/* A qualitative palette (cari_plot_palette ()): 0xRRGGBB; rank modulo the palette size. */
#define LAB_SCATTER_PALETTE_SIZE CARI_PLOT_PALETTE_SIZE
#define lab_scatter_palette cari_plot_palette

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabScatterLayout, lab_scatter_layout_unref)

G_END_DECLS
