/* lab-chart-private.h — what LabChart's files (lab-chart*.c) share, and what the tests look
 * at
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "plot.h"

#include "lab-chart.h"
#include "lab-figure.h"

G_BEGIN_DECLS

/* The x axis that linked charts share (lab_chart_link_x()): its mode, whether it follows the
 * newest data, the range the user chose, and the hover position. Reference-counted by its
 * charts. */
typedef struct
{
  grefcount ref_count;
  GPtrArray *charts;   /* borrowed LabChart: each one leaves in its dispose */
  LabXAxis axis;
  gboolean follow;
  double follow_width; /* when following: the width of the window on the newest data, 0 for all */
  double lower;        /* when not following */
  double upper;
  double hover_x;      /* data units; NaN when the pointer is elsewhere */
} LabXLink;

/* LabChart's properties, for notifications from its other files. */
enum
{
  LAB_CHART_PROP_0,
  LAB_CHART_PROP_MODEL,
  LAB_CHART_PROP_TITLE,
  LAB_CHART_PROP_Y_LABEL,
  LAB_CHART_PROP_SMOOTHING,
  LAB_CHART_PROP_LOG_Y,
  LAB_CHART_PROP_X_AXIS,
  LAB_CHART_PROP_FOLLOW,
  LAB_CHART_N_PROPS
};

typedef enum
{
  LAB_CHART_DRAG_NONE,
  LAB_CHART_DRAG_SELECT,
  LAB_CHART_DRAG_PAN,
} LabChartDrag;

struct _LabChart
{
  GtkWidget parent_instance;

  /* owned */
  LabChartModel *model;
  LabXLink *link;
  GHashTable *hidden;        /* keys of hidden series */
  char *title;
  char *y_label;
  GskRenderNode *cache;      /* everything but the hover readout and the zoom band */

  double smoothing;
  gboolean log_y;

  /* What the last lab_chart_draw() showed, for the pointer and the overlay. */
  LabChartTransform shown;
  gboolean shown_valid;
  double wanted_left;        /* the plot's left edge this chart's own labels need */
  int cache_width;
  int cache_height;
  int cache_scale;

  /* Pointer interaction. */
  LabChartDrag drag;
  double drag_start_px;
  double drag_px;
  double drag_lower;
  double drag_upper;
  double pointer_x;          /* NaN when the pointer is elsewhere */
  double pointer_y;
};

/* lab-chart.c */
void     lab_chart_invalidate (LabChart *self);
void     lab_chart_invalidate_linked (LabChart *self);
void     lab_chart_notify (LabChart *self, guint prop_id);
void     lab_chart_notify_linked (LabChart *self, guint prop_id);

/* lab-chart-view.c */
LabXLink *lab_x_link_new (void);
void     lab_x_link_unref (LabXLink *link);
gboolean lab_chart_is_visible_series (LabChart *self, LabSeries *series);
double   lab_chart_time_origin (LabChart *self);
double   lab_chart_series_origin (LabChart *self, LabSeries *series, double chart_origin);
gboolean lab_chart_get_data_extent (LabChart *self, double *lower, double *upper);
void     lab_chart_set_follow_internal (LabChart *self, gboolean follow, double follow_width);

/* lab-chart-input.c */
void     lab_chart_init_input (LabChart *self);
extern guint lab_chart_signal_step_activated;

/* lab-chart-draw.c */
GArray  *lab_chart_shown_lines (LabChart *self, const CariPlotStyle *style, double chart_origin);
void     lab_chart_render (LabChart *self, cairo_t *cr, const CariPlotStyle *style, int width,
                           int height, double scale, gboolean align_linked,
                           LabChartTransform *shown);
gboolean lab_chart_compute_y_range (LabChart *self, double x_lower, double x_upper, double *lower,
                                    double *upper);

/* lab-chart-readout.c */
void     lab_chart_render_overlay (LabChart *self, cairo_t *cr, const CariPlotStyle *style,
                                   int width, int height);
char    *lab_chart_describe_hover (LabChart *self);

G_END_DECLS
