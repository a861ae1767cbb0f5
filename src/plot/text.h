/* text.h — text of the figures, measured and drawn with PangoCairo in a style's font
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <pango/pangocairo.h>

#include "style.h"

G_BEGIN_DECLS

/* One layout reused for every string of a drawing. */
typedef struct
{
  cairo_t *cr;                 /* borrowed */
  PangoLayout *layout;         /* owned */
  const CariPlotStyle *style;  /* borrowed */
} CariPlotText;

void cari_plot_text_init (CariPlotText *text, cairo_t *cr, const CariPlotStyle *style);
void cari_plot_text_clear (CariPlotText *text);
void cari_plot_text_set (CariPlotText *text, const char *string, double size, gboolean bold,
                         double *width, double *height);
void cari_plot_text_show (CariPlotText *text, double x, double y);
void cari_plot_text_show_aligned (CariPlotText *text, const char *string, double size,
                                  gboolean bold, double x, double y, double xalign, double yalign,
                                  double *width);

G_END_DECLS
