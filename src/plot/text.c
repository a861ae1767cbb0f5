/* text.c — text of the figures, measured and drawn with PangoCairo in a style's font
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "text.h"

void
cari_plot_text_init (CariPlotText *text, cairo_t *cr, const CariPlotStyle *style)
{
  text->cr = cr;
  text->style = style;
  text->layout = pango_cairo_create_layout (cr);
  if (style->font_options != NULL || style->unhinted)
    {
      cairo_font_options_t *options = style->font_options != NULL
                                        ? cairo_font_options_copy (style->font_options)
                                        : cairo_font_options_create ();

      if (style->unhinted)
        {
          cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
          cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
        }
      pango_cairo_context_set_font_options (pango_layout_get_context (text->layout), options);
      pango_layout_context_changed (text->layout);
      cairo_font_options_destroy (options);
    }
}

void
cari_plot_text_clear (CariPlotText *text)
{
  g_clear_object (&text->layout);
}

/* Sets the text and returns its logical size. */
void
cari_plot_text_set (CariPlotText *text, const char *string, double size, gboolean bold,
                    double *width, double *height)
{
  PangoFontDescription *font = pango_font_description_new ();
  PangoRectangle logical;

  pango_font_description_set_family (font, text->style->font_family);
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (text->layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (text->layout, string, -1);

  pango_layout_get_extents (text->layout, NULL, &logical);
  if (width != NULL)
    *width = (double) logical.width / PANGO_SCALE;
  if (height != NULL)
    *height = (double) logical.height / PANGO_SCALE;
}

/* Draws the current text with its top-left corner at (x, y). */
void
cari_plot_text_show (CariPlotText *text, double x, double y)
{
  cairo_move_to (text->cr, x, y);
  pango_cairo_show_layout (text->cr, text->layout);
}

/**
 * cari_plot_text_show_aligned:
 * @xalign: 0 puts the text's left edge at @x, 0.5 its middle, 1 its right edge
 * @yalign: likewise from its top to its bottom
 * @width: (out) (optional): the text's width
 *
 * Draws @string aligned on (x, y) by its whole-pixel size (the small figures' layout).
 */
void
cari_plot_text_show_aligned (CariPlotText *text, const char *string, double size, gboolean bold,
                             double x, double y, double xalign, double yalign, double *width)
{
  int w;
  int h;

  cari_plot_text_set (text, string, size, bold, NULL, NULL);
  pango_layout_get_pixel_size (text->layout, &w, &h);
  cari_plot_text_show (text, x - xalign * w, y - yalign * h);
  if (width != NULL)
    *width = w;
}
