/* lab-chart-render.c — LabChart's Cairo drawing, one code for the screen, PNG, SVG and PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout, top to bottom: the title (left) with the legend on its right when both fit on one
 * line, else the legend on lines of its own; the plot with a frame, grid, ticks and tick
 * labels; the x label. The y label runs up the left edge. Series draw in model order: first
 * every raw line, faint, then every smoothed line on top in its task's colour and its
 * strategy's dash, so a faint line never hides a smoothed one.
 */

#include "lab-config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-chart-private.h"

#define LAB_CHART_PAD 8.0
#define LAB_CHART_TICK_LENGTH 4.0
#define LAB_CHART_LEGEND_SAMPLE 22.0
#define LAB_CHART_LEGEND_GAP 16.0

/* Text, measured and drawn with Pango. */

void
lab_chart_text_init (LabChartText        *text,
                     cairo_t             *cr,
                     const LabChartStyle *style)
{
  text->cr = cr;
  text->style = style;
  text->layout = pango_cairo_create_layout (cr);
  if (style->font_options != NULL)
    {
      pango_cairo_context_set_font_options (pango_layout_get_context (text->layout),
                                            style->font_options);
      pango_layout_context_changed (text->layout);
    }
}

void
lab_chart_text_clear (LabChartText *text)
{
  g_clear_object (&text->layout);
}

/* Sets the text and returns its logical size. */
void
lab_chart_text_set (LabChartText *text,
                    const char   *string,
                    double        size,
                    gboolean      bold,
                    double       *width,
                    double       *height)
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
lab_chart_text_show (LabChartText *text,
                     double        x,
                     double        y)
{
  cairo_move_to (text->cr, x, y);
  pango_cairo_show_layout (text->cr, text->layout);
}

void
lab_chart_set_source (cairo_t       *cr,
                      const GdkRGBA *color,
                      double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* Style. */

void
lab_chart_style_init_paper (LabChartStyle *style)
{
  style->foreground = (GdkRGBA) { 0, 0, 0, 1 };
  style->box_background = (GdkRGBA) { 1, 1, 1, 1 };
  style->dark = FALSE;
  style->paper = TRUE;
  /* What matplotlib figures use, so exports sit well beside the paper's. */
  style->font_family = "DejaVu Sans";
  style->font_options = NULL;
}

void
lab_chart_style_init_widget (LabChartStyle *style,
                             LabChart      *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  PangoContext *context = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double luminance;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &style->foreground);
  luminance = 0.299 * style->foreground.red + 0.587 * style->foreground.green
              + 0.114 * style->foreground.blue;
  style->dark = luminance > 0.5;
  style->box_background = style->dark ? (GdkRGBA) { 0.17, 0.17, 0.18, 1 }
                                       : (GdkRGBA) { 1, 1, 1, 1 };
  style->paper = FALSE;
  style->font_family = font != NULL && pango_font_description_get_family (font) != NULL
                         ? pango_font_description_get_family (font) : "Sans";
  style->font_options = pango_cairo_context_get_font_options (context);
}

/* Fig. 7's colours for the tasks (matplotlib's blue, grey and orange), lightened a little
 * on a dark background; purple for L4, the text colour for the total, green for validation,
 * and a cycle of further colours for anything else. */
void
lab_chart_series_color (LabSeries     *series,
                        guint          other_index,
                        gboolean       dark,
                        const GdkRGBA *foreground,
                        GdkRGBA       *color)
{
  static const guint32 light[] = {
    [LAB_SERIES_ROLE_VERIF] = 0x1f77b4,
    [LAB_SERIES_ROLE_CARI] = 0x7f7f7f,
    [LAB_SERIES_ROLE_VISUAL] = 0xff7f0e,
    [LAB_SERIES_ROLE_L4] = 0x9467bd,
    [LAB_SERIES_ROLE_VAL] = 0x2ca02c,
  };
  static const guint32 on_dark[] = {
    [LAB_SERIES_ROLE_VERIF] = 0x5aa9e6,
    [LAB_SERIES_ROLE_CARI] = 0xa8a8a8,
    [LAB_SERIES_ROLE_VISUAL] = 0xff9933,
    [LAB_SERIES_ROLE_L4] = 0xb89be0,
    [LAB_SERIES_ROLE_VAL] = 0x5cc45c,
  };
  static const guint32 others_light[] = { 0x8c564b, 0xe377c2, 0x17becf, 0xbcbd22 };
  static const guint32 others_dark[] = { 0xc49c94, 0xf7b6d2, 0x4fd8e8, 0xdbdb8d };
  LabSeriesRole role = lab_series_get_role (series);
  guint32 rgb;

  switch (role)
    {
    case LAB_SERIES_ROLE_TOTAL:
      *color = *foreground;
      return;
    case LAB_SERIES_ROLE_OTHER:
      rgb = dark ? others_dark[other_index % G_N_ELEMENTS (others_dark)]
                 : others_light[other_index % G_N_ELEMENTS (others_light)];
      break;
    case LAB_SERIES_ROLE_VERIF:
    case LAB_SERIES_ROLE_CARI:
    case LAB_SERIES_ROLE_VISUAL:
    case LAB_SERIES_ROLE_L4:
    case LAB_SERIES_ROLE_VAL:
    default:
      rgb = dark ? on_dark[role] : light[role];
      break;
    }

  color->red = ((rgb >> 16) & 0xff) / 255.0;
  color->green = ((rgb >> 8) & 0xff) / 255.0;
  color->blue = (rgb & 0xff) / 255.0;
  color->alpha = 1;
}

void
lab_chart_set_line_style (cairo_t      *cr,
                          LabLineStyle  line_style,
                          double        width)
{
  static const double dashed[] = { 6, 3.5 };
  static const double dotted[] = { 0.1, 3.5 };

  cairo_set_line_width (cr, width);
  switch (line_style)
    {
    case LAB_LINE_STYLE_DASHED:
      cairo_set_dash (cr, dashed, G_N_ELEMENTS (dashed), 0);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
      break;
    case LAB_LINE_STYLE_DOTTED:
      /* Round caps on near-zero dashes: round dots as wide as the line. */
      cairo_set_dash (cr, dotted, G_N_ELEMENTS (dotted), 0);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      break;
    case LAB_LINE_STYLE_SOLID:
    default:
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
      break;
    }
}

/* The visible series, each with the colour it takes. */
GArray *
lab_chart_shown_series (LabChart            *self,
                        const LabChartStyle *style,
                        double               chart_origin)
{
  GArray *shown = g_array_new (FALSE, FALSE, sizeof (LabShownSeries));
  guint n_others = 0;
  guint n;

  if (self->model == NULL)
    return shown;

  n = lab_chart_model_get_n_series (self->model);
  for (guint i = 0; i < n; i++)
    {
      LabShownSeries entry;

      entry.series = lab_chart_model_get_series (self->model, i);
      /* Count hidden ones too, so hiding a series does not repaint the others. */
      lab_chart_series_color (entry.series, n_others, style->dark, &style->foreground,
                              &entry.color);
      if (lab_series_get_role (entry.series) == LAB_SERIES_ROLE_OTHER)
        n_others++;
      if (!lab_chart_is_visible_series (self, entry.series))
        continue;
      entry.origin = lab_chart_series_origin (self, entry.series, chart_origin);
      g_array_append_val (shown, entry);
    }

  return shown;
}

/**
 * lab_chart_compute_y_range:
 *
 * The range of every visible point (raw and smoothed) in [x_lower, x_upper], with a 5 %
 * margin each side (in log units on a log axis, over positive values only).
 *
 * Returns: FALSE when no visible point falls in the range
 */
gboolean
lab_chart_compute_y_range (LabChart *self,
                           double    x_lower,
                           double    x_upper,
                           double   *lower,
                           double   *upper)
{
  LabXAxis axis = self->link->axis;
  double chart_origin = lab_chart_time_origin (self);
  double low = INFINITY;
  double high = -INFINITY;
  guint n;

  if (self->model == NULL)
    return FALSE;

  n = lab_chart_model_get_n_series (self->model);
  for (guint i = 0; i < n; i++)
    {
      LabSeries *series = lab_chart_model_get_series (self->model, i);
      double origin = lab_chart_series_origin (self, series, chart_origin);
      guint begin;
      guint end;
      double min;
      double max;

      if (!lab_chart_is_visible_series (self, series))
        continue;

      begin = lab_series_lower_bound (series, axis, origin, x_lower);
      end = lab_series_upper_bound (series, axis, origin, x_upper);
      for (int smoothed = 0; smoothed <= (self->smoothing > 0); smoothed++)
        if (lab_series_get_y_extent (series, begin, end, smoothed, self->log_y, &min, &max))
          {
            low = MIN (low, min);
            high = MAX (high, max);
          }
    }

  if (!(low <= high))
    return FALSE;

  if (self->log_y)
    {
      double log_low = log10 (low);
      double log_high = log10 (high);
      double margin;

      if (log_high - log_low < 1e-9)
        {
          log_low -= 0.5;
          log_high += 0.5;
        }
      margin = (log_high - log_low) * 0.05;
      *lower = pow (10, log_low - margin);
      *upper = pow (10, log_high + margin);
    }
  else
    {
      double margin;

      if (high - low <= 1e-12 * MAX (1, fabs (high)))
        {
          margin = high != 0 ? fabs (high) * 0.1 : 0.5;
          low -= margin;
          high += margin;
        }
      margin = (high - low) * 0.05;
      *lower = low - margin;
      *upper = high + margin;
    }

  return TRUE;
}

static char *
lab_chart_format_x (LabXAxis axis,
                    double   value,
                    double   step)
{
  if (axis == LAB_X_AXIS_WALL_TIME)
    return lab_chart_format_duration (value, step);
  return lab_chart_format_number (value, step);
}

static char *
lab_chart_format_y (LabChart *self,
                    double    value,
                    double    step)
{
  return lab_chart_format_number (value, self->log_y ? 0 : step);
}

static const char *
lab_chart_x_label (LabChart *self)
{
  return self->link->axis == LAB_X_AXIS_WALL_TIME ? _("Time since start") : _("Step");
}

/* Title and legend: measures (and draws when @draw) and returns their height. */
static double
lab_chart_render_header (LabChart     *self,
                         LabChartText *text,
                         GArray       *shown,
                         double        width,
                         gboolean      draw)
{
  cairo_t *cr = text->cr;
  gboolean has_title = self->title != NULL && *self->title != '\0';
  double title_width = 0;
  double title_height = 0;
  double legend_width = 0;
  double row_height = 0;
  double available = width - 2 * LAB_CHART_PAD;
  double x;
  double y;
  double left;
  double height;
  g_autofree double *entry_widths = g_new0 (double, shown->len + 1);

  if (has_title)
    {
      lab_chart_text_set (text, self->title, LAB_CHART_FONT_TITLE, TRUE, &title_width,
                          &title_height);
      if (draw)
        {
          lab_chart_set_source (cr, &text->style->foreground, 1);
          lab_chart_text_show (text, LAB_CHART_PAD, LAB_CHART_PAD);
        }
    }

  for (guint i = 0; i < shown->len; i++)
    {
      LabShownSeries *entry = &g_array_index (shown, LabShownSeries, i);
      double label_width;
      double label_height;

      lab_chart_text_set (text, lab_series_get_label (entry->series), LAB_CHART_FONT_TICK, FALSE,
                          &label_width, &label_height);
      entry_widths[i] = LAB_CHART_LEGEND_SAMPLE + 5 + label_width;
      legend_width += entry_widths[i] + (i > 0 ? LAB_CHART_LEGEND_GAP : 0);
      row_height = MAX (row_height, label_height);
    }

  /* One line when the legend fits right of the title; otherwise it flows below it. */
  if (shown->len == 0)
    return title_height;
  if (has_title && title_width + 2 * LAB_CHART_LEGEND_GAP + legend_width <= available)
    {
      left = width - LAB_CHART_PAD - legend_width;
      y = LAB_CHART_PAD + (title_height - row_height) / 2;
      height = MAX (title_height, row_height);
    }
  else
    {
      left = LAB_CHART_PAD;
      y = LAB_CHART_PAD + (has_title ? title_height + 2 : 0);
      height = y - LAB_CHART_PAD + row_height;
    }

  x = left;
  for (guint i = 0; i < shown->len; i++)
    {
      LabShownSeries *entry = &g_array_index (shown, LabShownSeries, i);

      if (x > left && x + entry_widths[i] > LAB_CHART_PAD + available)
        {
          x = left;
          y += row_height + 2;
          height += row_height + 2;
        }

      if (draw)
        {
          lab_chart_set_source (cr, &entry->color, 1);
          lab_chart_set_line_style (cr, lab_series_get_line_style (entry->series), 2);
          cairo_move_to (cr, x, y + row_height / 2);
          cairo_line_to (cr, x + LAB_CHART_LEGEND_SAMPLE, y + row_height / 2);
          cairo_stroke (cr);

          lab_chart_set_source (cr, &text->style->foreground, 1);
          lab_chart_text_set (text, lab_series_get_label (entry->series), LAB_CHART_FONT_TICK,
                              FALSE, NULL, NULL);
          lab_chart_text_show (text, x + LAB_CHART_LEGEND_SAMPLE + 5, y);
        }
      x += entry_widths[i] + LAB_CHART_LEGEND_GAP;
    }

  return height;
}

/* Draws a series' shape with the source, line width and dash already set on @cr. */
static void
lab_chart_draw_shape (cairo_t              *cr,
                      const LabSeriesShape *shape,
                      LabLineStyle          line_style)
{
  const LabVertex *v = (const LabVertex *) (gconstpointer) shape->vertices->data;
  guint n = shape->vertices->len;
  double half = cairo_get_line_width (cr) / 2;

  if (n == 0)
    return;

  if (!shape->band && n == 1)
    {
      /* A lone point (a validation metric's first evaluation) shows as a dot. */
      cairo_new_sub_path (cr);
      cairo_arc (cr, v[0].x, v[0].y, half + 1, 0, 2 * G_PI);
      cairo_fill (cr);
      return;
    }

  if (!shape->band)
    {
      for (guint i = 0; i < n; i++)
        {
          if (v[i].move_to)
            cairo_move_to (cr, v[i].x, v[i].y);
          else
            cairo_line_to (cr, v[i].x, v[i].y);
        }
      cairo_stroke (cr);
      return;
    }

  /* A band. Solid: filled, widened by half a line each way, so a quiet stretch looks like a
   * line of the usual width and a noisy one like the zigzag it summarises. Dashed or dotted:
   * the band as it is, and the dash along its middle. */
  if (line_style == LAB_LINE_STYLE_SOLID)
    {
      for (guint i = 0; i < n; i++)
        {
          double y = i < n / 2 ? v[i].y - half : v[i].y + half;

          if (i == 0)
            cairo_move_to (cr, v[i].x, y);
          else
            cairo_line_to (cr, v[i].x, y);
        }
      cairo_close_path (cr);
      cairo_fill (cr);
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      if (i == 0)
        cairo_move_to (cr, v[i].x, v[i].y);
      else
        cairo_line_to (cr, v[i].x, v[i].y);
    }
  cairo_close_path (cr);
  cairo_fill (cr);

  for (guint i = 0; i < n / 2; i++)
    {
      double y = (v[i].y + v[n - 1 - i].y) / 2;

      if (i == 0)
        cairo_move_to (cr, v[i].x, y);
      else
        cairo_line_to (cr, v[i].x, y);
    }
  cairo_stroke (cr);
}

/**
 * lab_chart_render:
 * @scale: device pixels per unit (the widget's scale factor; 1 for export): decimation
 *   keeps min and max per device pixel column
 * @align_linked: start the plot where the linked charts start theirs (on screen, stacked
 *   charts' x axes line up whatever their y labels' widths)
 * @shown: (out) (optional): where the plot is and what it shows
 *
 * Draws the whole chart but the hover readout, with @style's colours and fonts.
 */
void
lab_chart_render (LabChart            *self,
                  cairo_t             *cr,
                  const LabChartStyle *style,
                  int                  width,
                  int                  height,
                  double               scale,
                  gboolean             align_linked,
                  LabChartTransform   *shown_transform)
{
  LabChartText text;
  g_autoptr(GArray) shown = NULL;
  LabXAxis axis = self->link->axis;
  LabChartTransform t = { 0 };
  LabChartTicks x_ticks;
  LabChartTicks y_ticks;
  double chart_origin = lab_chart_time_origin (self);
  double header_height;
  double tick_width;
  double tick_height;
  double label_height = 0;
  double y_label_height = 0;
  double y_labels_width = 0;
  double bottom;
  guint max_ticks;
  gboolean has_points = FALSE;

  if (shown_transform != NULL)
    memset (shown_transform, 0, sizeof *shown_transform);
  if (width <= 0 || height <= 0)
    return;

  cairo_save (cr);
  lab_chart_text_init (&text, cr, style);
  shown = lab_chart_shown_series (self, style, chart_origin);

  if (style->paper)
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
    }

  /* The data rectangle. */
  t.log_y = self->log_y;
  lab_chart_get_x_range (self, &t.x_lower, &t.x_upper);
  if (!lab_chart_compute_y_range (self, t.x_lower, t.x_upper, &t.y_lower, &t.y_upper))
    {
      t.y_lower = self->log_y ? 0.1 : 0;
      t.y_upper = self->log_y ? 10 : 1;
    }

  /* Vertical layout: header, plot, tick labels, x label. */
  header_height = lab_chart_render_header (self, &text, shown, width, FALSE);
  lab_chart_text_set (&text, "0", LAB_CHART_FONT_TICK, FALSE, NULL, &tick_height);
  lab_chart_text_set (&text, lab_chart_x_label (self), LAB_CHART_FONT_LABEL, FALSE, NULL,
                      &label_height);
  t.top = LAB_CHART_PAD + (header_height > 0 ? header_height + 8 : 0) + tick_height / 2;
  bottom = height - LAB_CHART_PAD - label_height - 2 - tick_height - LAB_CHART_TICK_LENGTH - 2;
  t.height = bottom - t.top;

  max_ticks = (guint) CLAMP (t.height / (tick_height * 2.4), 2, 10);
  if (self->log_y)
    lab_chart_log_ticks (t.y_lower, t.y_upper, max_ticks, &y_ticks);
  else
    lab_chart_nice_ticks (t.y_lower, t.y_upper, max_ticks, &y_ticks);

  /* Horizontal layout: y label, tick labels, plot. */
  for (guint i = 0; i < y_ticks.n; i++)
    {
      g_autofree char *label = lab_chart_format_y (self, y_ticks.values[i], y_ticks.step);

      lab_chart_text_set (&text, label, LAB_CHART_FONT_TICK, FALSE, &tick_width, NULL);
      y_labels_width = MAX (y_labels_width, tick_width);
    }
  if (self->y_label != NULL && *self->y_label != '\0')
    lab_chart_text_set (&text, self->y_label, LAB_CHART_FONT_LABEL, FALSE, NULL, &y_label_height);
  t.left = LAB_CHART_PAD + (y_label_height > 0 ? y_label_height + 6 : 0) + y_labels_width
           + LAB_CHART_TICK_LENGTH + 3;
  if (align_linked)
    {
      t.left = ceil (t.left);
      if (self->wanted_left != t.left)
        {
          /* The others line up with the new margin at their next draw. */
          self->wanted_left = t.left;
          for (guint i = 0; i < self->link->charts->len; i++)
            if (g_ptr_array_index (self->link->charts, i) != self)
              lab_chart_invalidate (g_ptr_array_index (self->link->charts, i));
        }
      for (guint i = 0; i < self->link->charts->len; i++)
        {
          LabChart *chart = g_ptr_array_index (self->link->charts, i);

          t.left = MAX (t.left, chart->wanted_left);
        }
    }
  /* Room on the right for half of the last x tick label. */
  t.width = width - LAB_CHART_PAD - 14 - t.left;

  if (t.width < 16 || t.height < 16)
    {
      lab_chart_text_clear (&text);
      cairo_restore (cr);
      return;
    }

  /* x ticks: as many as fit with a gap between labels. */
  for (max_ticks = (guint) CLAMP (t.width / 90, 2, 12);; max_ticks--)
    {
      double previous_right = -INFINITY;
      gboolean overlap = FALSE;

      if (axis == LAB_X_AXIS_WALL_TIME)
        lab_chart_time_ticks (t.x_lower, t.x_upper, max_ticks, &x_ticks);
      else
        lab_chart_nice_ticks (t.x_lower, t.x_upper, max_ticks, &x_ticks);

      for (guint i = 0; i < x_ticks.n && !overlap; i++)
        {
          g_autofree char *label = lab_chart_format_x (axis, x_ticks.values[i], x_ticks.step);
          double px = lab_chart_transform_x_to_px (&t, x_ticks.values[i]);

          lab_chart_text_set (&text, label, LAB_CHART_FONT_TICK, FALSE, &tick_width, NULL);
          overlap = px - tick_width / 2 < previous_right + 10;
          previous_right = px + tick_width / 2;
        }
      if (!overlap || max_ticks <= 2)
        break;
    }

  /* Grid and frame. Lines of one device pixel sit on pixel centres on screen. */
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, NULL, 0, 0);
  lab_chart_set_source (cr, &style->foreground, style->paper ? 0.1 : 0.08);
  for (guint i = 0; i < y_ticks.n; i++)
    {
      double py = round (lab_chart_transform_y_to_px (&t, y_ticks.values[i])) + 0.5;

      cairo_move_to (cr, t.left, py);
      cairo_line_to (cr, t.left + t.width, py);
    }
  for (guint i = 0; i < x_ticks.n; i++)
    {
      double px = round (lab_chart_transform_x_to_px (&t, x_ticks.values[i])) + 0.5;

      cairo_move_to (cr, px, t.top);
      cairo_line_to (cr, px, t.top + t.height);
    }
  cairo_stroke (cr);

  lab_chart_set_source (cr, &style->foreground, style->paper ? 0.8 : 0.45);
  cairo_rectangle (cr, round (t.left) + 0.5, round (t.top) + 0.5, round (t.width),
                   round (t.height));
  for (guint i = 0; i < y_ticks.n; i++)
    {
      double py = round (lab_chart_transform_y_to_px (&t, y_ticks.values[i])) + 0.5;

      cairo_move_to (cr, t.left, py);
      cairo_line_to (cr, t.left - LAB_CHART_TICK_LENGTH, py);
    }
  for (guint i = 0; i < x_ticks.n; i++)
    {
      double px = round (lab_chart_transform_x_to_px (&t, x_ticks.values[i])) + 0.5;

      cairo_move_to (cr, px, t.top + t.height);
      cairo_line_to (cr, px, t.top + t.height + LAB_CHART_TICK_LENGTH);
    }
  cairo_stroke (cr);

  /* Tick labels, axis labels, header. */
  lab_chart_set_source (cr, &style->foreground, style->paper ? 1 : 0.8);
  for (guint i = 0; i < y_ticks.n; i++)
    {
      g_autofree char *label = lab_chart_format_y (self, y_ticks.values[i], y_ticks.step);
      double py = lab_chart_transform_y_to_px (&t, y_ticks.values[i]);

      lab_chart_text_set (&text, label, LAB_CHART_FONT_TICK, FALSE, &tick_width, &tick_height);
      lab_chart_text_show (&text, t.left - LAB_CHART_TICK_LENGTH - 3 - tick_width,
                           py - tick_height / 2);
    }
  for (guint i = 0; i < x_ticks.n; i++)
    {
      g_autofree char *label = lab_chart_format_x (axis, x_ticks.values[i], x_ticks.step);
      double px = lab_chart_transform_x_to_px (&t, x_ticks.values[i]);

      lab_chart_text_set (&text, label, LAB_CHART_FONT_TICK, FALSE, &tick_width, &tick_height);
      lab_chart_text_show (&text, px - tick_width / 2,
                           t.top + t.height + LAB_CHART_TICK_LENGTH + 2);
    }

  lab_chart_set_source (cr, &style->foreground, 1);
  {
    double label_width;

    lab_chart_text_set (&text, lab_chart_x_label (self), LAB_CHART_FONT_LABEL, FALSE, &label_width,
                        NULL);
    lab_chart_text_show (&text, t.left + (t.width - label_width) / 2,
                         height - LAB_CHART_PAD - label_height);
  }
  if (y_label_height > 0)
    {
      double label_width;

      lab_chart_text_set (&text, self->y_label, LAB_CHART_FONT_LABEL, FALSE, &label_width, NULL);
      cairo_save (cr);
      cairo_translate (cr, LAB_CHART_PAD, t.top + (t.height + label_width) / 2);
      cairo_rotate (cr, -G_PI / 2);
      lab_chart_text_show (&text, 0, 0);
      cairo_restore (cr);
    }
  lab_chart_render_header (self, &text, shown, width, TRUE);

  /* The series, clipped to the plot. */
  cairo_save (cr);
  cairo_rectangle (cr, t.left, t.top, t.width, t.height);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  for (int pass = self->smoothing > 0 ? 0 : 1; pass < 2; pass++)
    for (guint i = 0; i < shown->len; i++)
      {
        LabShownSeries *entry = &g_array_index (shown, LabShownSeries, i);
        gboolean smoothed = pass == 1 && self->smoothing > 0;
        LabLineStyle line_style = LAB_LINE_STYLE_SOLID;
        LabSeriesShape shape;

        if (lab_series_get_n_points (entry->series) == 0)
          continue;
        has_points = TRUE;

        lab_series_build_shape (entry->series, &t, axis, entry->origin, smoothed,
                                (guint) ceil (t.width * scale), &shape);
        if (pass == 0)
          {
            /* The raw values under the smoothed line: faint, thin and solid. */
            lab_chart_set_source (cr, &entry->color, style->dark ? 0.3 : 0.25);
            lab_chart_set_line_style (cr, line_style, 1);
          }
        else
          {
            line_style = lab_series_get_line_style (entry->series);
            lab_chart_set_source (cr, &entry->color, 1);
            lab_chart_set_line_style (cr, line_style, 1.75);
          }
        lab_chart_draw_shape (cr, &shape, line_style);
        lab_series_shape_clear (&shape);
      }
  cairo_restore (cr);

  if (!has_points)
    {
      double message_width;
      double message_height;

      lab_chart_set_source (cr, &style->foreground, 0.55);
      lab_chart_text_set (&text, _("No data yet"), LAB_CHART_FONT_TITLE, FALSE, &message_width,
                          &message_height);
      lab_chart_text_show (&text, t.left + (t.width - message_width) / 2,
                           t.top + (t.height - message_height) / 2);
    }

  if (shown_transform != NULL)
    *shown_transform = t;

  lab_chart_text_clear (&text);
  cairo_restore (cr);
}
