/* export.c — a figure to a PNG, SVG or PDF file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "export.h"

static void
cari_plot_set_export_error (GError **error, const char *path, cairo_status_t status)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               /* TRANSLATORS: %s are a file name and Cairo's reason */
               _("Cannot export the chart to “%s”: %s"), path, cairo_status_to_string (status));
}

/**
 * cari_plot_export:
 * @width: in pixels (PNG) or points (SVG, PDF)
 * @height: likewise
 * @title: (nullable): a PDF's title metadata
 * @draw: draws the figure (in its paper style: the file has no background of its own)
 *
 * Writes what @draw draws to @path. SVG and PDF stay vector, text included: PDF embeds the
 * font, SVG carries each glyph's outline (Cairo's SVG writes no <text>). Every figure of the
 * workbench and of `carilab-cli plot` is written here.
 *
 * Returns: FALSE with G_IO_ERROR_FAILED naming @path when the file cannot be written
 */
gboolean
cari_plot_export (const char *path, CariPlotFormat format, int width, int height, const char *title,
                  CariPlotDrawFunc draw, gpointer user_data, GError **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  g_return_val_if_fail (draw != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (format)
    {
    case CARI_PLOT_FORMAT_SVG:
      surface = cairo_svg_surface_create (path, width, height);
      break;
    case CARI_PLOT_FORMAT_PDF:
      surface = cairo_pdf_surface_create (path, width, height);
      if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS)
        {
          if (title != NULL)
            cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
          cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "CariLab");
        }
      break;
    case CARI_PLOT_FORMAT_PNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    }

  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      cari_plot_set_export_error (error, path, status);
      return FALSE;
    }

  cr = cairo_create (surface);
  draw (cr, width, height, user_data);
  status = cairo_status (cr);
  cairo_destroy (cr);

  if (status == CAIRO_STATUS_SUCCESS && format == CARI_PLOT_FORMAT_PNG)
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      cari_plot_set_export_error (error, path, status);
      return FALSE;
    }
  return TRUE;
}

/**
 * cari_plot_format_from_path:
 * @format: (out): the format its extension names
 *
 * Returns: FALSE when @path ends in none of .png, .svg and .pdf (in any case)
 */
gboolean
cari_plot_format_from_path (const char *path, CariPlotFormat *format)
{
  static const char *const extensions[] = {
    [CARI_PLOT_FORMAT_PNG] = ".png",
    [CARI_PLOT_FORMAT_SVG] = ".svg",
    [CARI_PLOT_FORMAT_PDF] = ".pdf",
  };
  g_autofree char *lower = g_ascii_strdown (path, -1);

  for (guint f = 0; f < G_N_ELEMENTS (extensions); f++)
    if (g_str_has_suffix (lower, extensions[f]))
      {
        *format = f;
        return TRUE;
      }
  return FALSE;
}
