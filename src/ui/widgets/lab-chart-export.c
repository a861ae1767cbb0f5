/* lab-chart-export.c — LabChart to PNG, SVG, PDF and CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include "lab-chart-private.h"

static void
draw_chart_for_paper (cairo_t *cr, int width, int height, gpointer data)
{
  CariPlotStyle style;

  /* Unhinted metrics: text is placed where the layout says, at any zoom of the file. */
  cari_plot_style_init_paper (&style);
  style.unhinted = TRUE;
  lab_chart_render (LAB_CHART (data), cr, &style, width, height, 1, FALSE, NULL);
}

/**
 * lab_chart_export:
 * @width: in pixels (PNG) or points (SVG, PDF)
 * @height: likewise
 *
 * Draws the chart in black on white to a file (lab_export_drawing ()).
 */
gboolean
lab_chart_export (LabChart *self, const char *path, LabChartFormat format, int width, int height,
                  GError **error)
{
  g_return_val_if_fail (LAB_IS_CHART (self), FALSE);
  return lab_export_drawing (path, format, width, height, self->title, draw_chart_for_paper,
                             self, error);
}

/**
 * lab_chart_export_csv:
 *
 * Writes the data of every series, hidden ones included (see lab-chart-model.c for the
 * format).
 */
gboolean
lab_chart_export_csv (LabChart *self, const char *path, GError **error)
{
  g_autoptr(LabChartModel) empty = NULL;

  g_return_val_if_fail (LAB_IS_CHART (self), FALSE);

  if (self->model == NULL)
    return lab_chart_model_save_csv (empty = lab_chart_model_new (), path, error);
  return lab_chart_model_save_csv (self->model, path, error);
}
