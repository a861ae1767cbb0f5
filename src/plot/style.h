/* style.h — what a figure looks like: colours, fonts and sizes (CariPlotStyle), the tasks'
 * colours (the paper's Fig. 7), the strategies' line styles and the identities' palette
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double red;
  double green;
  double blue;
  double alpha;
} CariPlotRgba;

/* What a series stands for, which decides its colour (ARCHITECTURE.md, "Tasks, branches,
 * colours"). The three tasks come first, in task order. */
typedef enum
{
  CARI_PLOT_ROLE_VERIF,
  CARI_PLOT_ROLE_CARI,
  CARI_PLOT_ROLE_VISUAL,
  CARI_PLOT_ROLE_L4,
  CARI_PLOT_ROLE_TOTAL,
  CARI_PLOT_ROLE_VAL,
  CARI_PLOT_ROLE_OTHER,
  CARI_PLOT_N_ROLES,
} CariPlotRole;

#define CARI_PLOT_N_OTHER_COLORS 4

/* The dash a line takes: one per weighting strategy (proposed, naive, static). */
typedef enum
{
  CARI_PLOT_LINE_STYLE_SOLID,
  CARI_PLOT_LINE_STYLE_DASHED,
  CARI_PLOT_LINE_STYLE_DOTTED,
} CariPlotLineStyle;

/* Font sizes are in device units: pixels on screen and in PNG, points in SVG and PDF. */
typedef struct
{
  CariPlotRgba foreground;     /* text, and at lower alphas the frame and the grid */
  CariPlotRgba background;     /* under boxes and labels drawn over the plot */
  gboolean dark;               /* light on dark */
  gboolean paper;              /* a file: the background painted first, a stronger frame */
  const char *font_family;     /* borrowed */
  const cairo_font_options_t *font_options; /* borrowed, nullable */
  gboolean unhinted;           /* unhinted metrics: text where the layout puts it, at any zoom */
  double font_tick;            /* a chart's tick labels and legend */
  double font_label;           /* axis labels; all the text of the small figures */
  double font_title;           /* a chart's title */
  double font_figure_title;    /* the small figures' titles (curve plots, scatter views) */
  /* Series colours by role (the total's is the foreground), then the cycle of colours for
   * anything else. */
  CariPlotRgba roles[CARI_PLOT_N_ROLES];
  CariPlotRgba others[CARI_PLOT_N_OTHER_COLORS];
} CariPlotStyle;

void cari_plot_style_init_paper (CariPlotStyle *style);
void cari_plot_style_init_screen (CariPlotStyle *style, const CariPlotRgba *foreground,
                                  const char *font_family,
                                  const cairo_font_options_t *font_options);
void cari_plot_style_series_color (const CariPlotStyle *style, CariPlotRole role, guint other_index,
                                   CariPlotRgba *color);

CariPlotRole cari_plot_role_for_key (const char *key);
CariPlotLineStyle cari_plot_line_style_for_strategy (const char *strategy);

void cari_plot_rgba_from_rgb (guint32 rgb, CariPlotRgba *color);
void cari_plot_set_source (cairo_t *cr, const CariPlotRgba *color, double alpha);
void cari_plot_set_source_rgb (cairo_t *cr, guint32 rgb, double alpha);
void cari_plot_set_line_style (cairo_t *cr, CariPlotLineStyle line_style, double width);
void cari_plot_paint_paper (cairo_t *cr, const CariPlotStyle *style);
void cari_plot_draw_sample (cairo_t *cr, const CariPlotRgba *color, CariPlotLineStyle line_style,
                            double x, double y, double length);
void cari_plot_rounded_rectangle (cairo_t *cr, double x, double y, double width, double height,
                                  double radius);

/* A qualitative palette for identities (matplotlib's tab10, tab20's light tones, tab20b and
 * tab20c interleaved, greys left out so that they never look like uncoloured points). */
#define CARI_PLOT_PALETTE_SIZE 54
guint32 cari_plot_palette (int rank);

G_END_DECLS
