/* lab-figure.c — what the widgets that draw through carilab-plot share: their theme (its CSS
 * colour and font) as carilab-plot's style
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include "lab-figure.h"

/**
 * lab_figure_style_init:
 *
 * The screen style of @widget: its text colour (light text makes a dark style), its font
 * family and the screen's font options. The strings and options stay the widget's: use the
 * style while the widget lives and its theme does not change.
 */
void
lab_figure_style_init (CariPlotStyle *style, GtkWidget *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *font = pango_context_get_font_description (context);
  GdkRGBA color = { 0, 0, 0, 1 };
  CariPlotRgba foreground;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  foreground = (CariPlotRgba) { color.red, color.green, color.blue, color.alpha };
  cari_plot_style_init_screen (style, &foreground,
                               font != NULL ? pango_font_description_get_family (font) : NULL,
                               pango_cairo_context_get_font_options (context));
}
