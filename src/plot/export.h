/* export.h — a figure to a PNG, SVG or PDF file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CARI_PLOT_FORMAT_PNG,
  CARI_PLOT_FORMAT_SVG,
  CARI_PLOT_FORMAT_PDF,
} CariPlotFormat;

/* Draws a figure of width × height onto cr. */
typedef void (*CariPlotDrawFunc) (cairo_t *cr, int width, int height, gpointer user_data);

gboolean cari_plot_export (const char *path, CariPlotFormat format, int width, int height,
                           const char *title, CariPlotDrawFunc draw, gpointer user_data,
                           GError **error);
gboolean cari_plot_format_from_path (const char *path, CariPlotFormat *format);

G_END_DECLS
