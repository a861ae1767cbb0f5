/* lab-scatter-private.h — LabScatter's state, shared by the widget (lab-scatter.c: state, input,
 * snapshot) and its drawing (lab-scatter-render.c: geometry, markers, the cached texture, the
 * overlay, files).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lab-scatter.h"

G_BEGIN_DECLS

/* A batch of points drawn with one path: same colour, marker and layer. */
typedef CariPlotScatterGroup Group;

struct _LabScatter
{
  GtkWidget parent_instance;

  /* owned */
  char *title;
  char *subtitle;
  LabScatterLayout *layout;
  guint32 *colors;    /* [n] */
  guint8 *selected;   /* [n] or NULL */
  int n_selected;
  int *order;         /* [n] points in drawing order, grouped */
  GArray *groups;     /* of Group */
  GArray *marked;     /* of int */
  gboolean lasso_mode;

  int hover;
  int card_point;
  GdkTexture *card_thumbnail;
  char *card_text;

  gboolean dragging;
  gboolean drag_lasso;
  gboolean drag_add;
  double drag_x0, drag_y0, drag_x1, drag_y1;
  GArray *lasso;      /* of double pairs, widget pixels */

  /* The rendered view and what it was rendered for. */
  GdkTexture *texture;
  int texture_width, texture_height, texture_scale;
  GdkRGBA texture_fg;
  guint render_count;
};

/* The radius of a marker (pixels) in a view of n points. */
#define lab_scatter_marker_radius cari_plot_scatter_marker_radius
/* The plot's frame inside a width × height view. */
void   lab_scatter_plot_rect (LabScatter *self, int width, int height, graphene_rect_t *r);
/* Renders the view into self->texture unless it holds this size, scale and foreground. */
void   lab_scatter_render_texture (LabScatter *self, int width, int height, int scale,
                                   const GdkRGBA *fg);
/* What lies on top of the texture: the opened point and its neighbours, the hover ring, the
 * drag's box or lasso; then the hovered point's card. */
void   lab_scatter_snapshot_marks (LabScatter *self, GtkSnapshot *snapshot,
                                   const LabScatterTransform *t, const graphene_rect_t *plot,
                                   const GdkRGBA *fg);
void   lab_scatter_snapshot_card (LabScatter *self, GtkSnapshot *snapshot,
                                  const LabScatterTransform *t, int width, int height,
                                  const GdkRGBA *fg);

G_END_DECLS
