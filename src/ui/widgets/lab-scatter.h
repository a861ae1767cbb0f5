/* lab-scatter.h — one scatter view of a 2-D layout: a title, markers coloured per point, a
 * legend of the markers, hover (the nearest point within a few pixels, found through the
 * layout's grid, with a small card: a thumbnail and a line of text), click, box selection
 * (drag; shift-drag adds) and lasso selection (ctrl-drag, or every drag in lasso mode).
 *
 * The view is drawn once into a texture that is kept until the size, the colours, the
 * selection or the theme change; hover and dragging redraw only what lies on top. The points
 * are batched by colour and marker: in files one vector path per batch, on screen each batch's
 * marker stamped. carilab-plot draws the view (plot/scatter.c), on screen and into PNG, SVG and
 * PDF files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lab-chart.h"
#include "lab-scatter-model.h"

G_BEGIN_DECLS

/* A point's colour: 0xRRGGBB, or this for "no colour" (drawn light grey, under the others). */
#define LAB_SCATTER_NO_COLOR CARI_PLOT_NO_COLOR

#define LAB_TYPE_SCATTER (lab_scatter_get_type ())
G_DECLARE_FINAL_TYPE (LabScatter, lab_scatter, LAB, SCATTER, GtkWidget)

GtkWidget        *lab_scatter_new (void);
void              lab_scatter_set_title (LabScatter *self, const char *title);
const char       *lab_scatter_get_title (LabScatter *self);
/* A second, dimmer line under the title (NULL for none). */
void              lab_scatter_set_subtitle (LabScatter *self, const char *subtitle);
/* NULL clears. Colours reset to none and the selection is cleared. */
void              lab_scatter_set_layout (LabScatter *self, LabScatterLayout *layout);
LabScatterLayout *lab_scatter_get_layout (LabScatter *self);
/* One colour a point ([n] of the layout; NULL: none coloured). */
void              lab_scatter_set_colors (LabScatter *self, const guint32 *colors);
guint32           lab_scatter_get_color (LabScatter *self, int point);
/* Which points are selected ([n] of 0 and 1; NULL: none). Unselected points fade while any
 * is selected. */
void              lab_scatter_set_selection (LabScatter *self, const guint8 *selected);
int               lab_scatter_get_n_selected (LabScatter *self);
/* Points ringed on top (the opened point first, in the foreground colour, then its
 * neighbours); n = 0 clears. */
void              lab_scatter_set_marked (LabScatter *self, const int *points, int n);
/* Every drag draws a lasso (else only ctrl-drag does). */
void              lab_scatter_set_lasso_mode (LabScatter *self, gboolean lasso);

/* The hovered point, −1 when none. */
int               lab_scatter_get_hover (LabScatter *self);
/* The card shown beside `point` while it is hovered: a thumbnail (may be NULL, while it is
 * being decoded) and a line of text. */
void              lab_scatter_set_card (LabScatter *self, int point, GdkTexture *thumbnail,
                                        const char *text);

/* The transform of the plot in a width × height view (the widget's size when width < 0). */
void              lab_scatter_get_transform (LabScatter *self, int width, int height,
                                             LabScatterTransform *t);
/* The point under (px, py) in widget pixels: the nearest within the hover radius, or −1. */
int               lab_scatter_pick (LabScatter *self, double px, double py);
/* What the pointer does, for the gestures and for tests: hover at (px, py) (a negative px
 * leaves); select the points in a rectangle or inside a closed outline ([n, 2] widget pixels),
 * emitting "points-selected". */
void              lab_scatter_hover_at (LabScatter *self, double px, double py);
void              lab_scatter_select_rect (LabScatter *self, double x0, double y0, double x1,
                                           double y1, gboolean add);
void              lab_scatter_select_lasso (LabScatter *self, const double *px, int n,
                                            gboolean add);

/* Draws the whole view (title, frame, points, legend) into a width × height area of `cr`;
 * for_export paints a white background, uses light-theme colours and draws the points as
 * vector paths (one per colour and marker); on screen each marker is rendered once per
 * quarter-pixel offset and stamped at the points. */
void              lab_scatter_draw (LabScatter *self, cairo_t *cr, int width, int height,
                                    gboolean for_export);
gboolean          lab_scatter_export (LabScatter *self, const char *path, LabChartFormat format,
                                      int width, int height, GError **error);

/* How many times the points have been rendered into the cached texture (for tests). */
guint             lab_scatter_get_render_count (LabScatter *self);

/* Signals:
 *   "hover-changed"   (int point)                 −1 when the pointer leaves every point
 *   "point-activated" (int point)                 a click on a point
 *   "points-selected" (GArray *points, gboolean add)  of int, ascending; add: shift held */

G_END_DECLS
