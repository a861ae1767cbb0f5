/* report-doc.c — the report's document: a PDF of A4 landscape pages, each headed and numbered,
 * and blocks that flow down a page (paragraphs, key–value rows, tables, grids of charts),
 * starting a new page when one does not fit. */
#include "report-private.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define BODY_SIZE   9.5
#define TITLE_SIZE  15.0
#define FOOT_SIZE   7.5
#define TABLE_SIZE  8.0
#define LINE_GAP    3.0

gboolean
report_doc_open (ReportDoc *doc, const char *output, const char *title, const char *footer,
                 const CariReportOptions *options, GError **error)
{
  memset (doc, 0, sizeof *doc);
  doc->surface = cairo_pdf_surface_create (output, REPORT_PAGE_WIDTH, REPORT_PAGE_HEIGHT);
  if (cairo_surface_status (doc->surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write the report “%s”: %s"),
                   output, cairo_status_to_string (cairo_surface_status (doc->surface)));
      cairo_surface_destroy (doc->surface);
      doc->surface = NULL;
      return FALSE;
    }
  cairo_pdf_surface_set_metadata (doc->surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (doc->surface, CAIRO_PDF_METADATA_CREATOR, "CariLab");
  doc->cr = cairo_create (doc->surface);
  cari_plot_style_init_paper (&doc->style);
  doc->style.unhinted = TRUE;
  cari_plot_text_init (&doc->text, doc->cr, &doc->style);
  doc->footer = g_strdup (footer);
  doc->output = output;
  doc->options = options;
  return TRUE;
}

gboolean
report_doc_close (ReportDoc *doc, gboolean ok, int *n_pages, int *n_tables, GError **error)
{
  if (ok && n_pages != NULL)
    *n_pages = doc->pages;
  if (ok && n_tables != NULL)
    *n_tables = doc->tables;
  if (doc->surface == NULL)
    return ok;
  if (doc->pages > 0)
    cairo_show_page (doc->cr);
  cari_plot_text_clear (&doc->text);
  cairo_destroy (doc->cr);
  cairo_surface_finish (doc->surface);
  cairo_status_t status = cairo_surface_status (doc->surface);
  cairo_surface_destroy (doc->surface);
  doc->surface = NULL;
  g_clear_pointer (&doc->footer, g_free);
  g_clear_pointer (&doc->title, g_free);
  if (ok && status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write the report “%s”: %s"),
                   doc->output, cairo_status_to_string (status));
      return FALSE;
    }
  if (!ok)
    g_unlink (doc->output);
  return ok;
}

void
report_progress (ReportDoc *doc, const char *format, ...)
{
  if (doc->options->progress == NULL)
    return;
  va_list args;
  va_start (args, format);
  g_autofree char *line = g_strdup_vprintf (format, args);
  va_end (args);
  doc->options->progress (line, doc->options->user_data);
}

/* A new page headed `title`. */
static void
begin_page (ReportDoc *doc, const char *title)
{
  cairo_t *cr = doc->cr;
  double w, h;

  if (doc->pages > 0)
    cairo_show_page (cr);
  doc->pages++;
  cari_plot_paint_paper (cr, &doc->style);
  cari_plot_set_source (cr, &doc->style.foreground, 1);
  cari_plot_text_set (&doc->text, title, TITLE_SIZE, TRUE, &w, &h);
  cari_plot_text_show (&doc->text, REPORT_MARGIN, REPORT_MARGIN - 10);
  doc->y = REPORT_MARGIN - 10 + h + 4;
  cairo_set_line_width (cr, 0.75);
  cairo_move_to (cr, REPORT_MARGIN, doc->y);
  cairo_line_to (cr, REPORT_PAGE_WIDTH - REPORT_MARGIN, doc->y);
  cairo_stroke (cr);
  doc->y += 10;

  /* TRANSLATORS: a report page's foot: what it reports on, then the page number */
  g_autofree char *foot = g_strdup_printf (_("%s — page %d"), doc->footer, doc->pages);
  cari_plot_set_source (cr, &doc->style.foreground, 0.6);
  cari_plot_text_show_aligned (&doc->text, foot, FOOT_SIZE, FALSE,
                               REPORT_PAGE_WIDTH - REPORT_MARGIN,
                               REPORT_PAGE_HEIGHT - REPORT_MARGIN / 2, 1, 1, NULL);
  cari_plot_set_source (cr, &doc->style.foreground, 1);
}

void
report_doc_page (ReportDoc *doc, const char *title)
{
  g_free (doc->title);
  doc->title = g_strdup (title);
  begin_page (doc, title);
}

double
report_doc_room (const ReportDoc *doc)
{
  return REPORT_PAGE_HEIGHT - REPORT_MARGIN - doc->y;
}

void
report_doc_need (ReportDoc *doc, double height)
{
  if (doc->pages > 0 && height <= report_doc_room (doc))
    return;
  /* TRANSLATORS: the title of a page that goes on with the page before */
  g_autofree char *more = g_strdup_printf (_("%s (continued)"),
                                           doc->title != NULL ? doc->title : "");
  begin_page (doc, more);
}

/* The text laid out wrapped to `width`; its height. */
static double
set_wrapped (ReportDoc *doc, const char *text, double size, gboolean bold, double width)
{
  double h;
  pango_layout_set_width (doc->text.layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (doc->text.layout, PANGO_WRAP_WORD_CHAR);
  cari_plot_text_set (&doc->text, text, size, bold, NULL, &h);
  return h;
}

void
report_doc_paragraph (ReportDoc *doc, const char *text, double size, gboolean bold,
                      double indent)
{
  double width = REPORT_PAGE_WIDTH - 2 * REPORT_MARGIN - indent;
  if (size <= 0)
    size = BODY_SIZE;
  double h = set_wrapped (doc, text, size, bold, width);
  if (h > report_doc_room (doc))
    {
      report_doc_need (doc, h);
      h = set_wrapped (doc, text, size, bold, width);
    }
  cari_plot_text_show (&doc->text, REPORT_MARGIN + indent, doc->y);
  pango_layout_set_width (doc->text.layout, -1);
  doc->y += h + LINE_GAP;
}

void
report_doc_missing (ReportDoc *doc, const char *text)
{
  cari_plot_set_source (doc->cr, &doc->style.foreground, 0.6);
  report_doc_paragraph (doc, text, BODY_SIZE, FALSE, 0);
  cari_plot_set_source (doc->cr, &doc->style.foreground, 1);
  doc->y += 4;
}

/* The height of row i of a column of pairs (0 past its end), drawn at (x, doc->y) when `draw`. */
static double
pair_row (ReportDoc *doc, const char *key, const char *value, double x, double key_width,
          double width, gboolean draw)
{
  double h = set_wrapped (doc, value, BODY_SIZE, FALSE, width - key_width - 12);
  if (draw)
    {
      cari_plot_text_show (&doc->text, x + key_width, doc->y);
      set_wrapped (doc, key, BODY_SIZE, TRUE, key_width - 8);
      cari_plot_text_show (&doc->text, x, doc->y);
    }
  pango_layout_set_width (doc->text.layout, -1);
  return h;
}

void
report_doc_pairs (ReportDoc *doc, const char *const *keys, const char *const *values, int n)
{
  double key_width = 0;
  for (int i = 0; i < n; i++)
    {
      double w;
      cari_plot_text_set (&doc->text, keys[i], BODY_SIZE, TRUE, &w, NULL);
      key_width = MAX (key_width, w);
    }
  key_width = MIN (key_width + 10, 200);
  /* Long lists in two columns, read down the first and then the second. */
  int columns = n > 12 ? 2 : 1;
  int rows = (n + columns - 1) / columns;
  double width = (REPORT_PAGE_WIDTH - 2 * REPORT_MARGIN) / columns;
  for (int r = 0; r < rows; r++)
    {
      double h = 0;
      for (int c = 0; c < columns; c++)
        {
          int i = c * rows + r;
          if (i < n)
            h = MAX (h, pair_row (doc, keys[i], values[i], 0, key_width, width, FALSE));
        }
      report_doc_need (doc, h);
      for (int c = 0; c < columns; c++)
        {
          int i = c * rows + r;
          if (i < n)
            pair_row (doc, keys[i], values[i], REPORT_MARGIN + c * width, key_width, width, TRUE);
        }
      doc->y += h + 1.5;
    }
  doc->y += LINE_GAP;
}

/* The table's CSV, numbered after those written before it. */
static gboolean
write_csv (ReportDoc *doc, const CariTable *table, GError **error)
{
  g_autofree char *path = cari_report_table_path (doc->output, doc->tables + 1);
  g_autofree char *csv = cari_table_format (table, CARI_TABLE_CSV);
  g_autoptr (GError) local = NULL;
  if (!g_file_set_contents (path, csv, -1, &local))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write the table “%s”: %s"), path,
                   local->message);
      return FALSE;
    }
  doc->tables++;
  return TRUE;
}

gboolean
report_doc_table (ReportDoc *doc, const CariTable *table, GError **error)
{
  if (!write_csv (doc, table, error))
    return FALSE;

  /* The aligned text of the table: its title, the header, a line per row, then the notes. */
  g_autofree char *text = cari_table_format (table, CARI_TABLE_TEXT);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  int n_rows = cari_table_get_n_rows (table);
  int n_lines = (int) g_strv_length (lines);
  int last = MIN (n_rows + 1, n_lines - 1);

  CariPlotStyle mono = doc->style;
  mono.font_family = "DejaVu Sans Mono";
  CariPlotText text_mono;
  cari_plot_text_init (&text_mono, doc->cr, &mono);
  /* Smaller type for a table wider than the page. */
  double size = TABLE_SIZE, widest = 0, line_height = 0;
  for (int i = 1; i <= last; i++)
    {
      double w;
      cari_plot_text_set (&text_mono, lines[i], size, FALSE, &w, &line_height);
      widest = MAX (widest, w);
    }
  double room = REPORT_PAGE_WIDTH - 2 * REPORT_MARGIN;
  if (widest > room)
    {
      size *= room / widest;
      line_height *= room / widest;
      widest = room;
    }

  double title_height = set_wrapped (doc, cari_table_get_title (table), BODY_SIZE + 1, TRUE,
                                     room);
  pango_layout_set_width (doc->text.layout, -1);
  report_doc_need (doc, title_height + line_height * (last + 1) + 12);
  report_doc_paragraph (doc, cari_table_get_title (table), BODY_SIZE + 1, TRUE, 0);
  for (int i = 1; i <= last; i++)
    {
      cari_plot_text_set (&text_mono, lines[i], size, i == 1, NULL, NULL);
      cari_plot_text_show (&text_mono, REPORT_MARGIN, doc->y);
      doc->y += line_height;
      if (i == 1 || i == last)
        {
          cairo_set_line_width (doc->cr, 0.5);
          cairo_move_to (doc->cr, REPORT_MARGIN, doc->y + 1);
          cairo_line_to (doc->cr, REPORT_MARGIN + widest, doc->y + 1);
          cairo_stroke (doc->cr);
          doc->y += 3;
        }
    }
  cari_plot_text_clear (&text_mono);
  doc->y += 2;
  for (guint i = 0; i < cari_table_get_n_notes (table); i++)
    report_doc_paragraph (doc, cari_table_get_note (table, i), BODY_SIZE - 1.5, FALSE, 8);
  doc->y += 10;
  return TRUE;
}

void
report_doc_cell_rect (const ReportDoc *doc, int columns, int rows, int index, double rect[4])
{
  double gap = 12;
  double width = (REPORT_PAGE_WIDTH - 2 * REPORT_MARGIN - gap * (columns - 1)) / columns;
  double height = (REPORT_PAGE_HEIGHT - REPORT_MARGIN - doc->y - gap * (rows - 1)) / rows;
  rect[0] = REPORT_MARGIN + (index % columns) * (width + gap);
  rect[1] = doc->y + (index / columns) * (height + gap);
  rect[2] = width;
  rect[3] = height;
}

void
report_doc_enter (ReportDoc *doc, const double rect[4])
{
  cairo_save (doc->cr);
  cairo_translate (doc->cr, rect[0], rect[1]);
  cairo_rectangle (doc->cr, 0, 0, rect[2], rect[3]);
  cairo_clip (doc->cr);
}

void
report_doc_chart (ReportDoc *doc, const CariPlotChart *chart, const double rect[4])
{
  /* The small figures' type sizes for panels a third of a page wide. */
  CariPlotStyle style = doc->style;
  style.font_tick = 8;
  style.font_label = 8.5;
  style.font_title = 9.5;
  report_doc_enter (doc, rect);
  cari_plot_chart_render (doc->cr, &style, chart, (int) floor (rect[2]), (int) floor (rect[3]),
                          NULL, NULL);
  cairo_restore (doc->cr);
}
