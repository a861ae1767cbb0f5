/* lab-chart-readout.c — LabChart's hover readout and box-zoom band, drawn over the cached chart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * At the hover position: a rule at the first visible series' nearest point, a dot on each
 * curve at its own nearest point, and a box beside the rule with the step (or time) and each
 * series' value, smoothed first and raw in brackets when smoothing.
 */

#include "lab-config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-chart-private.h"

typedef struct
{
  const char *label;  /* borrowed */
  CariPlotRgba color;
  CariPlotLineStyle line_style;
  double x;
  double value;       /* smoothed when smoothing, else raw */
  double raw;
} LabReadout;

/* For each visible, non-empty series, its point nearest to the hover position; @snapped_x
 * is the first one's x, where the rule goes. */
static GArray *
lab_chart_build_readout (LabChart *self, const CariPlotStyle *style, double *snapped_x)
{
  g_autoptr(GArray) shown = NULL;
  GArray *readout = g_array_new (FALSE, FALSE, sizeof (LabReadout));
  double hover_x = self->link->hover_x;
  double chart_origin = lab_chart_time_origin (self);

  *snapped_x = hover_x;
  if (isnan (hover_x))
    return readout;

  shown = lab_chart_shown_lines (self, style, chart_origin);
  for (guint i = 0; i < shown->len; i++)
    {
      const CariPlotLine *line = &g_array_index (shown, CariPlotLine, i);
      gssize index = cari_plot_series_nearest_index (line->series, self->link->axis,
                                                     line->origin, hover_x);
      LabReadout item;

      if (index < 0)
        continue;

      item.label = line->label;
      item.color = line->color;
      item.line_style = line->line_style;
      item.x = cari_plot_series_get_x (line->series, self->link->axis, line->origin,
                                       (guint) index);
      item.raw = cari_plot_series_peek_values (line->series, FALSE)[index];
      item.value = cari_plot_series_peek_values (line->series, TRUE)[index];
      if (readout->len == 0)
        *snapped_x = item.x;
      g_array_append_val (readout, item);
    }

  return readout;
}

static char *
lab_chart_readout_title (LabChart *self, double x)
{
  g_autofree char *value = NULL;

  if (self->link->axis == LAB_X_AXIS_WALL_TIME)
    {
      value = lab_chart_format_duration (x, 1);
      /* TRANSLATORS: the hover readout's first line; %s is a duration such as "1h 30m 5s" */
      return g_strdup_printf (_("Time %s"), value);
    }

  /* TRANSLATORS: the hover readout's first line; %s is a training step number */
  return g_strdup_printf (_("Step %s"), value = g_strdup_printf ("%.0f", x));
}

static char *
lab_chart_readout_value (LabChart *self, const LabReadout *item)
{
  if (self->smoothing > 0)
    /* TRANSLATORS: a smoothed value, then the raw value it was smoothed from */
    return g_strdup_printf (_("%.4g (raw %.4g)"), item->value, item->raw);
  return g_strdup_printf ("%.4g", item->raw);
}

/**
 * lab_chart_describe_hover:
 *
 * The hover readout as text, one line per row of the box: the title, then "label: value".
 *
 * Returns: (transfer full) (nullable): the text, or %NULL when nothing is hovered
 */
char *
lab_chart_describe_hover (LabChart *self)
{
  CariPlotStyle style;
  g_autoptr(GArray) readout = NULL;
  g_autofree char *title = NULL;
  GString *text;
  double snapped_x;

  cari_plot_style_init_paper (&style);
  readout = lab_chart_build_readout (self, &style, &snapped_x);
  if (isnan (snapped_x))
    return NULL;

  title = lab_chart_readout_title (self, snapped_x);
  text = g_string_new (title);
  for (guint i = 0; i < readout->len; i++)
    {
      LabReadout *item = &g_array_index (readout, LabReadout, i);
      g_autofree char *value = lab_chart_readout_value (self, item);

      g_string_append_printf (text, "\n%s: %s", item->label, value);
    }

  return g_string_free (text, FALSE);
}

/**
 * lab_chart_render_overlay:
 *
 * Draws what changes with the pointer, over the cached chart: the box-zoom band, and the
 * hover rule with a dot on each curve and a box of values beside it.
 */
void
lab_chart_render_overlay (LabChart *self, cairo_t *cr, const CariPlotStyle *style, int width,
                          int height)
{
  const LabChartTransform *t = &self->shown;
  CariPlotText text;
  g_autoptr(GArray) readout = NULL;
  g_autofree char *title = NULL;
  double snapped_x;
  double rule_px;
  double title_width;
  double title_height;
  double labels_width = 0;
  double values_width = 0;
  double row_height = 0;
  double box_width;
  double box_height;
  double box_x;
  double box_y;
  const double box_pad = 6;
  const double swatch = 14;

  if (!self->shown_valid)
    return;

  cairo_save (cr);
  if (self->drag == LAB_CHART_DRAG_SELECT)
    {
      double a = CLAMP (MIN (self->drag_start_px, self->drag_px), t->left, t->left + t->width);
      double b = CLAMP (MAX (self->drag_start_px, self->drag_px), t->left, t->left + t->width);

      cairo_rectangle (cr, a, t->top, b - a, t->height);
      cari_plot_set_source (cr, &style->foreground, 0.1);
      cairo_fill_preserve (cr);
      cari_plot_set_source (cr, &style->foreground, 0.4);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }

  readout = lab_chart_build_readout (self, style, &snapped_x);
  rule_px = lab_chart_transform_x_to_px (t, snapped_x);
  if (isnan (snapped_x) || readout->len == 0 || rule_px < t->left - 0.5
      || rule_px > t->left + t->width + 0.5)
    {
      cairo_restore (cr);
      return;
    }

  /* The rule. */
  cairo_set_line_width (cr, 1);
  cari_plot_set_source (cr, &style->foreground, 0.45);
  cairo_move_to (cr, round (rule_px) + 0.5, t->top);
  cairo_line_to (cr, round (rule_px) + 0.5, t->top + t->height);
  cairo_stroke (cr);

  /* A dot on each curve at its nearest point. */
  cairo_save (cr);
  cairo_rectangle (cr, t->left - 4, t->top - 4, t->width + 8, t->height + 8);
  cairo_clip (cr);
  for (guint i = 0; i < readout->len; i++)
    {
      LabReadout *item = &g_array_index (readout, LabReadout, i);
      double px = lab_chart_transform_x_to_px (t, item->x);
      double py = lab_chart_transform_y_to_px (t, item->value);

      if (!isfinite (px) || !isfinite (py))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, 3.5, 0, 2 * G_PI);
      cari_plot_set_source (cr, &item->color, 1);
      cairo_fill_preserve (cr);
      cari_plot_set_source (cr, &style->background, 1);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
  cairo_restore (cr);

  /* The box: a title, then one row per series (swatch, label, value in a column). */
  cari_plot_text_init (&text, cr, style);
  title = lab_chart_readout_title (self, snapped_x);
  cari_plot_text_set (&text, title, style->font_tick, TRUE, &title_width, &title_height);
  for (guint i = 0; i < readout->len; i++)
    {
      LabReadout *item = &g_array_index (readout, LabReadout, i);
      g_autofree char *value = lab_chart_readout_value (self, item);
      double w;
      double h;

      cari_plot_text_set (&text, item->label, style->font_tick, FALSE, &w, &h);
      labels_width = MAX (labels_width, w);
      row_height = MAX (row_height, h);
      cari_plot_text_set (&text, value, style->font_tick, FALSE, &w, &h);
      values_width = MAX (values_width, w);
    }

  box_width = 2 * box_pad + MAX (title_width, swatch + 5 + labels_width + 12 + values_width);
  box_height = 2 * box_pad + title_height + 2 + readout->len * row_height;
  box_x = rule_px + 12;
  if (box_x + box_width > width - 2)
    box_x = rule_px - 12 - box_width;
  box_x = MAX (box_x, 2);
  box_y = t->top + 6;

  cari_plot_rounded_rectangle (cr, box_x, box_y, box_width, box_height, 4);
  cari_plot_set_source (cr, &style->background, 0.94);
  cairo_fill_preserve (cr);
  cari_plot_set_source (cr, &style->foreground, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  cari_plot_set_source (cr, &style->foreground, 1);
  cari_plot_text_set (&text, title, style->font_tick, TRUE, NULL, NULL);
  cari_plot_text_show (&text, box_x + box_pad, box_y + box_pad);
  for (guint i = 0; i < readout->len; i++)
    {
      LabReadout *item = &g_array_index (readout, LabReadout, i);
      g_autofree char *value = lab_chart_readout_value (self, item);
      double y = box_y + box_pad + title_height + 2 + i * row_height;

      cari_plot_draw_sample (cr, &item->color, item->line_style, box_x + box_pad,
                             y + row_height / 2, swatch);

      cari_plot_set_source (cr, &style->foreground, 1);
      cari_plot_text_set (&text, item->label, style->font_tick, FALSE, NULL, NULL);
      cari_plot_text_show (&text, box_x + box_pad + swatch + 5, y);
      cari_plot_text_set (&text, value, style->font_tick, FALSE, NULL, NULL);
      cari_plot_text_show (&text, box_x + box_pad + swatch + 5 + labels_width + 12, y);
    }

  cari_plot_text_clear (&text);
  cairo_restore (cr);
}
