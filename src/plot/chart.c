/* chart.c — a line chart of training metrics, one code for the screen, PNG, SVG and PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout, top to bottom: the title (left) with the legend on its right when both fit on one
 * line, else the legend on lines of its own; the plot with a frame, grid, ticks and tick
 * labels; the x label. The y label runs up the left edge. Lines draw in order: first every
 * raw line, faint, then every smoothed line on top in its colour and its dash, so a faint
 * line never hides a smoothed one; a line's band (an interval around it) under them all.
 */

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "chart.h"
#include "text.h"

#define PAD 8.0
#define TICK_LENGTH 4.0
#define LEGEND_SAMPLE 22.0
#define LEGEND_GAP 16.0

/* Ranges. */

/**
 * cari_plot_chart_x_range:
 *
 * The x extent of the lines' points.
 *
 * Returns: FALSE when no line has a point
 */
gboolean
cari_plot_chart_x_range (const CariPlotLine *lines, guint n_lines, CariPlotXAxis axis,
                         double *lower, double *upper)
{
  double low = INFINITY;
  double high = -INFINITY;

  for (guint i = 0; i < n_lines; i++)
    {
      double first;
      double last;

      if (cari_plot_series_get_x_extent (lines[i].series, axis, lines[i].origin, &first, &last))
        {
          low = MIN (low, first);
          high = MAX (high, last);
        }
    }

  if (!(low <= high))
    return FALSE;
  *lower = low;
  *upper = high;
  return TRUE;
}

/**
 * cari_plot_chart_y_range:
 * @smoothed: the smoothed values count too
 *
 * The range of the lines' points (raw, and smoothed when @smoothed) in [x_lower, x_upper],
 * with a 5 % margin each side (in log units on a log axis, over positive values only).
 *
 * Returns: FALSE when no point falls in the range
 */
gboolean
cari_plot_chart_y_range (const CariPlotLine *lines, guint n_lines, CariPlotXAxis axis,
                         gboolean smoothed, gboolean log_y, double x_lower, double x_upper,
                         double *lower, double *upper)
{
  double low = INFINITY;
  double high = -INFINITY;

  for (guint i = 0; i < n_lines; i++)
    {
      const CariPlotSeries *series = lines[i].series;
      guint begin = cari_plot_series_lower_bound (series, axis, lines[i].origin, x_lower);
      guint end = cari_plot_series_upper_bound (series, axis, lines[i].origin, x_upper);
      double min;
      double max;

      for (int s = 0; s <= (smoothed != FALSE); s++)
        if (cari_plot_series_get_y_extent (series, begin, end, s, log_y, &min, &max))
          {
            low = MIN (low, min);
            high = MAX (high, max);
          }
      if (lines[i].band_lower == NULL || lines[i].band_upper == NULL)
        continue;
      for (int e = 0; e < 2; e++)
        {
          const CariPlotSeries *edge = e == 0 ? lines[i].band_lower : lines[i].band_upper;

          begin = cari_plot_series_lower_bound (edge, axis, lines[i].origin, x_lower);
          end = cari_plot_series_upper_bound (edge, axis, lines[i].origin, x_upper);
          if (cari_plot_series_get_y_extent (edge, begin, end, FALSE, log_y, &min, &max))
            {
              low = MIN (low, min);
              high = MAX (high, max);
            }
        }
    }

  if (!(low <= high))
    return FALSE;

  if (log_y)
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

/* Labels. */

static char *
format_x (CariPlotXAxis axis, double value, double step)
{
  if (axis == CARI_PLOT_X_AXIS_WALL_TIME)
    return cari_plot_format_duration (value, step);
  return cari_plot_format_number (value, step);
}

static char *
format_y (const CariPlotChart *chart, double value, double step)
{
  return cari_plot_format_number (value, chart->log_y ? 0 : step);
}

static const char *
x_label (const CariPlotChart *chart)
{
  if (chart->x_label != NULL)
    return chart->x_label;
  return chart->x_axis == CARI_PLOT_X_AXIS_WALL_TIME ? _("Time since start") : _("Step");
}

/* Title and legend: measures (and draws when @draw) and returns their height. */
static double
render_header (const CariPlotChart *chart, CariPlotText *text, double width, gboolean draw)
{
  cairo_t *cr = text->cr;
  const CariPlotStyle *style = text->style;
  gboolean has_title = chart->title != NULL && *chart->title != '\0';
  double title_width = 0;
  double title_height = 0;
  double legend_width = 0;
  double row_height = 0;
  double available = width - 2 * PAD;
  double x;
  double y;
  double left;
  double height;
  g_autofree double *entry_widths = g_new0 (double, chart->n_lines + 1);

  if (has_title)
    {
      cari_plot_text_set (text, chart->title, style->font_title, TRUE, &title_width,
                          &title_height);
      if (draw)
        {
          cari_plot_set_source (cr, &style->foreground, 1);
          cari_plot_text_show (text, PAD, PAD);
        }
    }

  for (guint i = 0; i < chart->n_lines; i++)
    {
      double label_width;
      double label_height;

      cari_plot_text_set (text, chart->lines[i].label, style->font_tick, FALSE, &label_width,
                          &label_height);
      entry_widths[i] = LEGEND_SAMPLE + 5 + label_width;
      legend_width += entry_widths[i] + (i > 0 ? LEGEND_GAP : 0);
      row_height = MAX (row_height, label_height);
    }

  /* One line when the legend fits right of the title; otherwise it flows below it. */
  if (chart->n_lines == 0)
    return title_height;
  if (has_title && title_width + 2 * LEGEND_GAP + legend_width <= available)
    {
      left = width - PAD - legend_width;
      y = PAD + (title_height - row_height) / 2;
      height = MAX (title_height, row_height);
    }
  else
    {
      left = PAD;
      y = PAD + (has_title ? title_height + 2 : 0);
      height = y - PAD + row_height;
    }

  x = left;
  for (guint i = 0; i < chart->n_lines; i++)
    {
      const CariPlotLine *line = &chart->lines[i];

      if (x > left && x + entry_widths[i] > PAD + available)
        {
          x = left;
          y += row_height + 2;
          height += row_height + 2;
        }

      if (draw)
        {
          cari_plot_draw_sample (cr, &line->color, line->line_style, x, y + row_height / 2,
                                 LEGEND_SAMPLE);
          cari_plot_set_source (cr, &style->foreground, 1);
          cari_plot_text_set (text, line->label, style->font_tick, FALSE, NULL, NULL);
          cari_plot_text_show (text, x + LEGEND_SAMPLE + 5, y);
        }
      x += entry_widths[i] + LEGEND_GAP;
    }

  return height;
}

/* The current path through @n vertices, each moved by @dy (see draw_shape). */
static void
trace (cairo_t *cr, const CariPlotVertex *v, guint n, double dy_upper, double dy_lower,
       guint n_upper)
{
  for (guint i = 0; i < n; i++)
    {
      double y = v[i].y + (i < n_upper ? dy_upper : dy_lower);

      if (i == 0)
        cairo_move_to (cr, v[i].x, y);
      else
        cairo_line_to (cr, v[i].x, y);
    }
}

/* Draws a series' shape with the source, line width and dash already set on @cr. */
static void
draw_shape (cairo_t *cr, const CariPlotShape *shape, CariPlotLineStyle line_style)
{
  const CariPlotVertex *v = (const CariPlotVertex *) (gconstpointer) shape->vertices->data;
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
  if (line_style == CARI_PLOT_LINE_STYLE_SOLID)
    {
      trace (cr, v, n, -half, half, n / 2);
      cairo_close_path (cr);
      cairo_fill (cr);
      return;
    }

  trace (cr, v, n, 0, 0, n);
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

/* Grid, frame and ticks. Lines of one device pixel sit on pixel centres on screen. */
static void
render_grid (cairo_t *cr, const CariPlotStyle *style, const CariPlotTransform *t,
             const CariPlotTicks *x_ticks, const CariPlotTicks *y_ticks)
{
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, NULL, 0, 0);
  cari_plot_set_source (cr, &style->foreground, style->paper ? 0.1 : 0.08);
  for (guint i = 0; i < y_ticks->n; i++)
    {
      double py = round (cari_plot_transform_y_to_px (t, y_ticks->values[i])) + 0.5;

      cairo_move_to (cr, t->left, py);
      cairo_line_to (cr, t->left + t->width, py);
    }
  for (guint i = 0; i < x_ticks->n; i++)
    {
      double px = round (cari_plot_transform_x_to_px (t, x_ticks->values[i])) + 0.5;

      cairo_move_to (cr, px, t->top);
      cairo_line_to (cr, px, t->top + t->height);
    }
  cairo_stroke (cr);

  cari_plot_set_source (cr, &style->foreground, style->paper ? 0.8 : 0.45);
  cairo_rectangle (cr, round (t->left) + 0.5, round (t->top) + 0.5, round (t->width),
                   round (t->height));
  for (guint i = 0; i < y_ticks->n; i++)
    {
      double py = round (cari_plot_transform_y_to_px (t, y_ticks->values[i])) + 0.5;

      cairo_move_to (cr, t->left, py);
      cairo_line_to (cr, t->left - TICK_LENGTH, py);
    }
  for (guint i = 0; i < x_ticks->n; i++)
    {
      double px = round (cari_plot_transform_x_to_px (t, x_ticks->values[i])) + 0.5;

      cairo_move_to (cr, px, t->top + t->height);
      cairo_line_to (cr, px, t->top + t->height + TICK_LENGTH);
    }
  cairo_stroke (cr);
}

/* x ticks: as many as fit with a gap between labels. */
static void
choose_x_ticks (const CariPlotChart *chart, CariPlotText *text, const CariPlotTransform *t,
                CariPlotTicks *x_ticks)
{
  for (guint max_ticks = (guint) CLAMP (t->width / 90, 2, 12);; max_ticks--)
    {
      double previous_right = -INFINITY;
      gboolean overlap = FALSE;

      if (chart->x_axis == CARI_PLOT_X_AXIS_WALL_TIME)
        cari_plot_time_ticks (t->x_lower, t->x_upper, max_ticks, x_ticks);
      else
        cari_plot_nice_ticks (t->x_lower, t->x_upper, max_ticks, x_ticks);

      for (guint i = 0; i < x_ticks->n && !overlap; i++)
        {
          g_autofree char *label = format_x (chart->x_axis, x_ticks->values[i], x_ticks->step);
          double px = cari_plot_transform_x_to_px (t, x_ticks->values[i]);
          double tick_width;

          cari_plot_text_set (text, label, text->style->font_tick, FALSE, &tick_width, NULL);
          overlap = px - tick_width / 2 < previous_right + 10;
          previous_right = px + tick_width / 2;
        }
      if (!overlap || max_ticks <= 2)
        break;
    }
}

/* Tick labels and axis labels. */
static void
render_labels (const CariPlotChart *chart, CariPlotText *text, const CariPlotTransform *t,
               const CariPlotTicks *x_ticks, const CariPlotTicks *y_ticks, int height,
               double label_height)
{
  cairo_t *cr = text->cr;
  const CariPlotStyle *style = text->style;
  double tick_width;
  double tick_height;
  double label_width;

  cari_plot_set_source (cr, &style->foreground, style->paper ? 1 : 0.8);
  for (guint i = 0; i < y_ticks->n; i++)
    {
      g_autofree char *label = format_y (chart, y_ticks->values[i], y_ticks->step);
      double py = cari_plot_transform_y_to_px (t, y_ticks->values[i]);

      cari_plot_text_set (text, label, style->font_tick, FALSE, &tick_width, &tick_height);
      cari_plot_text_show (text, t->left - TICK_LENGTH - 3 - tick_width, py - tick_height / 2);
    }
  for (guint i = 0; i < x_ticks->n; i++)
    {
      g_autofree char *label = format_x (chart->x_axis, x_ticks->values[i], x_ticks->step);
      double px = cari_plot_transform_x_to_px (t, x_ticks->values[i]);

      cari_plot_text_set (text, label, style->font_tick, FALSE, &tick_width, &tick_height);
      cari_plot_text_show (text, px - tick_width / 2, t->top + t->height + TICK_LENGTH + 2);
    }

  cari_plot_set_source (cr, &style->foreground, 1);
  cari_plot_text_set (text, x_label (chart), style->font_label, FALSE, &label_width, NULL);
  cari_plot_text_show (text, t->left + (t->width - label_width) / 2,
                       height - PAD - label_height);
  if (chart->y_label != NULL && *chart->y_label != '\0')
    {
      cari_plot_text_set (text, chart->y_label, style->font_label, FALSE, &label_width, NULL);
      cairo_save (cr);
      cairo_translate (cr, PAD, t->top + (t->height + label_width) / 2);
      cairo_rotate (cr, -G_PI / 2);
      cari_plot_text_show (text, 0, 0);
      cairo_restore (cr);
    }
}

/* One edge of a band as a path, its points in order (forward) or backwards, the points that
 * cannot be drawn (not finite, or not positive on a log axis) left out. */
static void
trace_edge (cairo_t *cr, const CariPlotSeries *edge, const CariPlotChart *chart, double origin,
            const CariPlotTransform *t, gboolean forward)
{
  guint n = cari_plot_series_get_n_points (edge);
  const double *values = cari_plot_series_peek_values (edge, FALSE);

  for (guint k = 0; k < n; k++)
    {
      guint i = forward ? k : n - 1 - k;
      double x = cari_plot_series_get_x (edge, chart->x_axis, origin, i);

      if (!isfinite (x) || !isfinite (values[i]) || (t->log_y && values[i] <= 0))
        continue;
      cairo_line_to (cr, cari_plot_transform_x_to_px (t, x),
                     cari_plot_transform_y_to_px (t, values[i]));
    }
}

/* The lines' bands: the upper edge left to right, the lower one back, filled faintly. */
static void
render_bands (cairo_t *cr, const CariPlotStyle *style, const CariPlotChart *chart,
              const CariPlotTransform *t)
{
  for (guint i = 0; i < chart->n_lines; i++)
    {
      const CariPlotLine *line = &chart->lines[i];

      if (line->band_lower == NULL || line->band_upper == NULL)
        continue;
      cairo_new_path (cr);
      trace_edge (cr, line->band_upper, chart, line->origin, t, TRUE);
      trace_edge (cr, line->band_lower, chart, line->origin, t, FALSE);
      cairo_close_path (cr);
      cari_plot_set_source (cr, &line->color, style->dark ? 0.3 : 0.2);
      cairo_fill (cr);
    }
}

/* The lines, clipped to the plot, over their bands. Returns whether any has a point. */
static gboolean
render_lines (cairo_t *cr, const CariPlotStyle *style, const CariPlotChart *chart,
              const CariPlotTransform *t)
{
  gboolean has_points = FALSE;
  double scale = chart->device_scale > 0 ? chart->device_scale : 1;

  cairo_save (cr);
  cairo_rectangle (cr, t->left, t->top, t->width, t->height);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  render_bands (cr, style, chart, t);
  for (int pass = chart->smoothed ? 0 : 1; pass < 2; pass++)
    for (guint i = 0; i < chart->n_lines; i++)
      {
        const CariPlotLine *line = &chart->lines[i];
        gboolean smoothed = pass == 1 && chart->smoothed;
        CariPlotLineStyle line_style = CARI_PLOT_LINE_STYLE_SOLID;
        CariPlotShape shape;

        if (cari_plot_series_get_n_points (line->series) == 0)
          continue;
        has_points = TRUE;

        cari_plot_series_build_shape (line->series, t, chart->x_axis, line->origin, smoothed,
                                      (guint) ceil (t->width * scale), &shape);
        if (pass == 0)
          {
            /* The raw values under the smoothed line: faint, thin and solid. */
            cari_plot_set_source (cr, &line->color, style->dark ? 0.3 : 0.25);
            cari_plot_set_line_style (cr, line_style, 1);
          }
        else
          {
            line_style = line->line_style;
            cari_plot_set_source (cr, &line->color, 1);
            cari_plot_set_line_style (cr, line_style, 1.75);
          }
        draw_shape (cr, &shape, line_style);
        cari_plot_shape_clear (&shape);
      }
  cairo_restore (cr);
  return has_points;
}

/**
 * cari_plot_chart_render:
 * @shown: (out) (optional): where the plot is and what it shows (zeroed when there is no
 *   room for a plot)
 * @wanted_left: (out) (optional): with @chart->align_left, the left edge this chart's own
 *   labels need (what linked charts pass as their min_left); NaN otherwise
 *
 * Draws the whole chart with @style's colours and fonts, on a white page with a paper style
 * and on what is there already otherwise.
 */
void
cari_plot_chart_render (cairo_t *cr, const CariPlotStyle *style, const CariPlotChart *chart,
                        int width, int height, CariPlotTransform *shown, double *wanted_left)
{
  CariPlotText text;
  CariPlotTransform t = { 0 };
  CariPlotTicks x_ticks;
  CariPlotTicks y_ticks;
  double header_height;
  double tick_width;
  double tick_height;
  double label_height = 0;
  double y_label_height = 0;
  double y_labels_width = 0;
  double bottom;
  guint max_ticks;

  if (shown != NULL)
    memset (shown, 0, sizeof *shown);
  if (wanted_left != NULL)
    *wanted_left = NAN;
  if (width <= 0 || height <= 0)
    return;

  cairo_save (cr);
  cari_plot_text_init (&text, cr, style);

  cari_plot_paint_paper (cr, style);

  /* The data rectangle. */
  t.log_y = chart->log_y;
  t.x_lower = chart->x_lower;
  t.x_upper = chart->x_upper;
  if (!cari_plot_chart_y_range (chart->lines, chart->n_lines, chart->x_axis, chart->smoothed,
                                chart->log_y, t.x_lower, t.x_upper, &t.y_lower, &t.y_upper))
    {
      t.y_lower = chart->log_y ? 0.1 : 0;
      t.y_upper = chart->log_y ? 10 : 1;
    }

  /* Vertical layout: header, plot, tick labels, x label. */
  header_height = render_header (chart, &text, width, FALSE);
  cari_plot_text_set (&text, "0", style->font_tick, FALSE, NULL, &tick_height);
  cari_plot_text_set (&text, x_label (chart), style->font_label, FALSE, NULL, &label_height);
  t.top = PAD + (header_height > 0 ? header_height + 8 : 0) + tick_height / 2;
  bottom = height - PAD - label_height - 2 - tick_height - TICK_LENGTH - 2;
  t.height = bottom - t.top;

  max_ticks = (guint) CLAMP (t.height / (tick_height * 2.4), 2, 10);
  if (chart->log_y)
    cari_plot_log_ticks (t.y_lower, t.y_upper, max_ticks, &y_ticks);
  else
    cari_plot_nice_ticks (t.y_lower, t.y_upper, max_ticks, &y_ticks);

  /* Horizontal layout: y label, tick labels, plot. */
  for (guint i = 0; i < y_ticks.n; i++)
    {
      g_autofree char *label = format_y (chart, y_ticks.values[i], y_ticks.step);

      cari_plot_text_set (&text, label, style->font_tick, FALSE, &tick_width, NULL);
      y_labels_width = MAX (y_labels_width, tick_width);
    }
  if (chart->y_label != NULL && *chart->y_label != '\0')
    cari_plot_text_set (&text, chart->y_label, style->font_label, FALSE, NULL, &y_label_height);
  t.left = PAD + (y_label_height > 0 ? y_label_height + 6 : 0) + y_labels_width + TICK_LENGTH
           + 3;
  if (chart->align_left)
    {
      t.left = ceil (t.left);
      if (wanted_left != NULL)
        *wanted_left = t.left;
      t.left = MAX (t.left, chart->min_left);
    }
  /* Room on the right for half of the last x tick label. */
  t.width = width - PAD - 14 - t.left;

  if (t.width < 16 || t.height < 16)
    {
      cari_plot_text_clear (&text);
      cairo_restore (cr);
      return;
    }

  choose_x_ticks (chart, &text, &t, &x_ticks);
  render_grid (cr, style, &t, &x_ticks, &y_ticks);
  render_labels (chart, &text, &t, &x_ticks, &y_ticks, height, label_height);
  render_header (chart, &text, width, TRUE);

  if (!render_lines (cr, style, chart, &t))
    {
      double message_width;
      double message_height;

      cari_plot_set_source (cr, &style->foreground, 0.55);
      cari_plot_text_set (&text, _("No data yet"), style->font_title, FALSE, &message_width,
                          &message_height);
      cari_plot_text_show (&text, t.left + (t.width - message_width) / 2,
                           t.top + (t.height - message_height) / 2);
    }

  if (shown != NULL)
    *shown = t;

  cari_plot_text_clear (&text);
  cairo_restore (cr);
}
