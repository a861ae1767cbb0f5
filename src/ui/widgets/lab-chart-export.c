/* lab-chart-export.c — LabChart to PNG, SVG, PDF and CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>

#include "lab-chart-private.h"

static void
lab_chart_set_export_error (GError         **error,
                            const char      *path,
                            cairo_status_t   status)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               /* TRANSLATORS: %s are a file name and Cairo's reason */
               _("Cannot export the chart to “%s”: %s"), path, cairo_status_to_string (status));
}

/**
 * lab_chart_export:
 * @width: in pixels (PNG) or points (SVG, PDF)
 * @height: likewise
 *
 * Draws the chart in black on white to a file. SVG and PDF stay vector, text included: PDF
 * embeds the font, SVG carries each glyph's outline (Cairo's SVG writes no <text>).
 */
gboolean
lab_export_drawing (const char     *path,
                    LabChartFormat  format,
                    int             width,
                    int             height,
                    const char     *title,
                    LabDrawFunc     draw,
                    gpointer        user_data,
                    GError        **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (format)
    {
    case LAB_CHART_FORMAT_SVG:
      surface = cairo_svg_surface_create (path, width, height);
      break;
    case LAB_CHART_FORMAT_PDF:
      surface = cairo_pdf_surface_create (path, width, height);
      if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS)
        {
          if (title != NULL)
            cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
          cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "CariLab");
        }
      break;
    case LAB_CHART_FORMAT_PNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    }

  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      lab_chart_set_export_error (error, path, status);
      return FALSE;
    }

  cr = cairo_create (surface);
  draw (cr, width, height, user_data);
  status = cairo_status (cr);
  cairo_destroy (cr);

  if (status == CAIRO_STATUS_SUCCESS && format == LAB_CHART_FORMAT_PNG)
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      lab_chart_set_export_error (error, path, status);
      return FALSE;
    }
  return TRUE;
}

static void
draw_chart_for_paper (cairo_t *cr, int width, int height, gpointer data)
{
  LabChartStyle style;
  cairo_font_options_t *options;

  /* Unhinted metrics: text is placed where the layout says, at any zoom of the file. */
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  lab_chart_style_init_paper (&style);
  style.font_options = options;
  lab_chart_render (LAB_CHART (data), cr, &style, width, height, 1, FALSE, NULL);
  cairo_font_options_destroy (options);
}

gboolean
lab_chart_export (LabChart        *self,
                  const char      *path,
                  LabChartFormat   format,
                  int              width,
                  int              height,
                  GError         **error)
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
lab_chart_export_csv (LabChart    *self,
                      const char  *path,
                      GError     **error)
{
  g_autoptr(LabChartModel) empty = NULL;

  g_return_val_if_fail (LAB_IS_CHART (self), FALSE);

  if (self->model == NULL)
    return lab_chart_model_save_csv (empty = lab_chart_model_new (), path, error);
  return lab_chart_model_save_csv (self->model, path, error);
}
