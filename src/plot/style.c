/* style.c — colours, fonts and sizes of the figures; the tasks' colours, the strategies' line
 * styles and the identities' palette, each defined here only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "style.h"

/* Fig. 7's colours for the tasks (matplotlib's blue, grey and orange), purple for L4, green
 * for validation, and a cycle of further colours for anything else: each on a light
 * background, then lightened a little for a dark one. The total takes the text colour. */
enum
{
  SHADE_LIGHT,
  SHADE_DARK,
  N_SHADES
};
static const guint32 role_rgb[CARI_PLOT_N_ROLES][N_SHADES] = {
  [CARI_PLOT_ROLE_VERIF] = { 0x1f77b4, 0x5aa9e6 },
  [CARI_PLOT_ROLE_CARI] = { 0x7f7f7f, 0xa8a8a8 },
  [CARI_PLOT_ROLE_VISUAL] = { 0xff7f0e, 0xff9933 },
  [CARI_PLOT_ROLE_L4] = { 0x9467bd, 0xb89be0 },
  [CARI_PLOT_ROLE_VAL] = { 0x2ca02c, 0x5cc45c },
};
static const guint32 other_rgb[CARI_PLOT_N_OTHER_COLORS][N_SHADES] = {
  { 0x8c564b, 0xc49c94 },
  { 0xe377c2, 0xf7b6d2 },
  { 0x17becf, 0x4fd8e8 },
  { 0xbcbd22, 0xdbdb8d },
};

void
cari_plot_rgba_from_rgb (guint32 rgb, CariPlotRgba *color)
{
  color->red = ((rgb >> 16) & 0xff) / 255.0;
  color->green = ((rgb >> 8) & 0xff) / 255.0;
  color->blue = (rgb & 0xff) / 255.0;
  color->alpha = 1;
}

static void
cari_plot_style_init_colors (CariPlotStyle *style)
{
  int shade = style->dark ? SHADE_DARK : SHADE_LIGHT;

  for (guint r = 0; r < CARI_PLOT_N_ROLES; r++)
    cari_plot_rgba_from_rgb (role_rgb[r][shade], &style->roles[r]);
  style->roles[CARI_PLOT_ROLE_TOTAL] = style->foreground;
  for (guint k = 0; k < CARI_PLOT_N_OTHER_COLORS; k++)
    cari_plot_rgba_from_rgb (other_rgb[k][shade], &style->others[k]);
}

static void
cari_plot_style_init_sizes (CariPlotStyle *style)
{
  style->font_tick = 11;
  style->font_label = 12;
  style->font_title = 13;
  /* 10 pt at 96 dpi, as the small figures have always had. */
  style->font_figure_title = 40.0 / 3;
}

/**
 * cari_plot_style_init_paper:
 *
 * The style of files and of the paper's figures: black on white, the paper's colours, DejaVu
 * Sans (what matplotlib figures use, so exports sit well beside the paper's).
 */
void
cari_plot_style_init_paper (CariPlotStyle *style)
{
  memset (style, 0, sizeof *style);
  style->foreground = (CariPlotRgba) { 0, 0, 0, 1 };
  style->background = (CariPlotRgba) { 1, 1, 1, 1 };
  style->dark = FALSE;
  style->paper = TRUE;
  style->font_family = "DejaVu Sans";
  style->font_options = NULL;
  cari_plot_style_init_sizes (style);
  cari_plot_style_init_colors (style);
}

/**
 * cari_plot_style_init_screen:
 * @foreground: the text colour of the surroundings (a widget's CSS colour)
 * @font_family: (nullable): the surroundings' font; NULL for "Sans"
 * @font_options: (nullable): the screen's font options
 *
 * The style of a figure on screen, over a transparent background: light on dark when the
 * text is light, with the series colours lightened to match.
 */
void
cari_plot_style_init_screen (CariPlotStyle *style, const CariPlotRgba *foreground,
                             const char *font_family, const cairo_font_options_t *font_options)
{
  double luminance = 0.299 * foreground->red + 0.587 * foreground->green
                     + 0.114 * foreground->blue;

  memset (style, 0, sizeof *style);
  style->foreground = *foreground;
  style->dark = luminance > 0.5;
  style->background = style->dark ? (CariPlotRgba) { 0.17, 0.17, 0.18, 1 }
                                  : (CariPlotRgba) { 1, 1, 1, 1 };
  style->paper = FALSE;
  style->font_family = font_family != NULL ? font_family : "Sans";
  style->font_options = font_options;
  cari_plot_style_init_sizes (style);
  cari_plot_style_init_colors (style);
}

/**
 * cari_plot_style_series_color:
 * @other_index: for CARI_PLOT_ROLE_OTHER, how many such series came before this one
 *
 * The colour of a series of @role.
 */
void
cari_plot_style_series_color (const CariPlotStyle *style, CariPlotRole role, guint other_index,
                              CariPlotRgba *color)
{
  if (role == CARI_PLOT_ROLE_OTHER || role >= CARI_PLOT_N_ROLES)
    *color = style->others[other_index % CARI_PLOT_N_OTHER_COLORS];
  else if (role == CARI_PLOT_ROLE_TOTAL)
    *color = style->foreground;
  else
    *color = style->roles[role];
}

/**
 * cari_plot_role_for_key:
 * @key: a metric key such as "weight/cari", "loss/total" or "val/v2c", possibly prefixed
 *   ("run 3/loss/verif")
 *
 * Returns: the role whose colour the metric takes: its task for per-task metrics.
 */
CariPlotRole
cari_plot_role_for_key (const char *key)
{
  static const char *const names[] = {
    [CARI_PLOT_ROLE_VERIF] = "verif",
    [CARI_PLOT_ROLE_CARI] = "cari",
    [CARI_PLOT_ROLE_VISUAL] = "visual",
    [CARI_PLOT_ROLE_L4] = "l4",
    [CARI_PLOT_ROLE_TOTAL] = "total",
  };
  const char *last;

  g_return_val_if_fail (key != NULL, CARI_PLOT_ROLE_OTHER);

  if (g_str_has_prefix (key, "val/") || strstr (key, "/val/") != NULL)
    return CARI_PLOT_ROLE_VAL;

  last = strrchr (key, '/');
  last = last != NULL ? last + 1 : key;
  for (guint r = 0; r < G_N_ELEMENTS (names); r++)
    if (strcmp (last, names[r]) == 0)
      return r;

  return CARI_PLOT_ROLE_OTHER;
}

/**
 * cari_plot_line_style_for_strategy:
 * @strategy: (nullable): a weighting strategy's name ([strategy] name of a run's config)
 *
 * Returns: dashed for naive, dotted for static, solid for the rest (proposed above all).
 */
CariPlotLineStyle
cari_plot_line_style_for_strategy (const char *strategy)
{
  if (g_strcmp0 (strategy, "naive") == 0)
    return CARI_PLOT_LINE_STYLE_DASHED;
  if (g_strcmp0 (strategy, "static") == 0)
    return CARI_PLOT_LINE_STYLE_DOTTED;
  return CARI_PLOT_LINE_STYLE_SOLID;
}

void
cari_plot_set_source (cairo_t *cr, const CariPlotRgba *color, double alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

void
cari_plot_set_source_rgb (cairo_t *cr, guint32 rgb, double alpha)
{
  CariPlotRgba color;

  cari_plot_rgba_from_rgb (rgb, &color);
  cari_plot_set_source (cr, &color, alpha);
}

/* The width, dash and caps of a line of @line_style. */
void
cari_plot_set_line_style (cairo_t *cr, CariPlotLineStyle line_style, double width)
{
  static const double dashed[] = { 6, 3.5 };
  static const double dotted[] = { 0.1, 3.5 };

  cairo_set_line_width (cr, width);
  switch (line_style)
    {
    case CARI_PLOT_LINE_STYLE_DASHED:
      cairo_set_dash (cr, dashed, G_N_ELEMENTS (dashed), 0);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
      break;
    case CARI_PLOT_LINE_STYLE_DOTTED:
      /* Round caps on near-zero dashes: round dots as wide as the line. */
      cairo_set_dash (cr, dotted, G_N_ELEMENTS (dotted), 0);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      break;
    case CARI_PLOT_LINE_STYLE_SOLID:
    default:
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
      break;
    }
}

/* With a paper style, paints the whole page white (a file has no background of its own). */
void
cari_plot_paint_paper (cairo_t *cr, const CariPlotStyle *style)
{
  if (!style->paper)
    return;
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
}

/* A line's sample in a legend: a stroke @length long of its colour and dash, from (x, y). */
void
cari_plot_draw_sample (cairo_t *cr, const CariPlotRgba *color, CariPlotLineStyle line_style,
                       double x, double y, double length)
{
  cari_plot_set_source (cr, color, 1);
  cari_plot_set_line_style (cr, line_style, 2);
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + length, y);
  cairo_stroke (cr);
}

/* A rectangle with corners rounded to @radius, as a new sub-path (boxes over a plot). */
void
cari_plot_rounded_rectangle (cairo_t *cr, double x, double y, double width, double height,
                             double radius)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

guint32
cari_plot_palette (int rank)
{
  static const guint32 palette[CARI_PLOT_PALETTE_SIZE] = {
    /* tab10 without its grey */
    0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0xbcbd22, 0x17becf,
    /* tab20's light tones, without grey */
    0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5, 0xc49c94, 0xf7b6d2, 0xdbdb8d, 0x9edae5,
    /* tab20b, one tone of each hue in turn */
    0x393b79, 0x637939, 0x8c6d31, 0x843c39, 0x7b4173, 0x6b6ecf, 0xb5cf6b, 0xe7ba52, 0xd6616b,
    0xce6dbd, 0x5254a3, 0x8ca252, 0xbd9e39, 0xad494a, 0xa55194, 0x9c9ede, 0xcedb9c, 0xe7cb94,
    0xe7969c, 0xde9ed6,
    /* tab20c without its greys, one tone of each hue in turn */
    0x3182bd, 0xe6550d, 0x31a354, 0x756bb1, 0x9ecae1, 0xfdae6b, 0xa1d99b, 0xbcbddc, 0x6baed6,
    0xfd8d3c, 0x74c476, 0x9e9ac8, 0xc6dbef, 0xfdd0a2, 0xc7e9c0, 0xdadaeb,
  };
  G_STATIC_ASSERT (G_N_ELEMENTS (palette) == CARI_PLOT_PALETTE_SIZE);

  if (rank < 0)
    rank = 0;
  return palette[rank % CARI_PLOT_PALETTE_SIZE];
}
