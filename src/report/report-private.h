/* report-private.h — what the report's files share: the document being drawn (pages, a cursor
 * that flows down the page, text that wraps) and the pages each file draws. */
#pragma once

#include "report.h"

#include "launch/experiment.h"
#include "plot.h"

#include <cairo.h>

G_BEGIN_DECLS

/* A4 landscape, in points. */
#define REPORT_PAGE_WIDTH  842.0
#define REPORT_PAGE_HEIGHT 595.0
#define REPORT_MARGIN      40.0

typedef struct
{
  cairo_surface_t *surface;  /* owned: the PDF */
  cairo_t *cr;               /* owned */
  CariPlotStyle style;
  CariPlotText text;
  char *footer;              /* owned: what every page's foot names */
  char *title;               /* owned: the page's title, which a page it runs onto repeats */
  double y;                  /* where the next block goes on the page */
  int pages;                 /* pages begun */
  int tables;                /* tables written */
  const char *output;        /* borrowed */
  const CariReportOptions *options; /* borrowed, never NULL */
} ReportDoc;

/* report-doc.c */
gboolean report_doc_open (ReportDoc *doc, const char *output, const char *title,
                          const char *footer, const CariReportOptions *options, GError **error);
/* Finishes the PDF (removed when not `ok`) and says how many pages and tables it has (may be
 * NULL); FALSE naming the file when it could not be written. Frees the rest either way. */
gboolean report_doc_close (ReportDoc *doc, gboolean ok, int *n_pages, int *n_tables,
                           GError **error);
void     report_progress (ReportDoc *doc, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* A new page headed `title`. */
void     report_doc_page (ReportDoc *doc, const char *title);
/* The room left on the page below the cursor. */
double   report_doc_room (const ReportDoc *doc);
/* A new page (headed as the page before, "(continued)") unless `height` fits below the
 * cursor. */
void     report_doc_need (ReportDoc *doc, double height);
/* Text wrapped to the page's width (indented by `indent`), the cursor moved below it. */
void     report_doc_paragraph (ReportDoc *doc, const char *text, double size, gboolean bold,
                               double indent);
/* A dimmed line saying what is missing and why. */
void     report_doc_missing (ReportDoc *doc, const char *text);
/* "key: value" rows, the keys in a column of their own; many rows in two columns. */
void     report_doc_pairs (ReportDoc *doc, const char *const *keys, const char *const *values,
                           int n);
/* A table: its title, its aligned rows in a fixed-width font, its notes; and its CSV beside the
 * PDF. FALSE naming the CSV file when it cannot be written. */
gboolean report_doc_table (ReportDoc *doc, const CariTable *table, GError **error);
/* The rectangle (x, y, w, h) of a panel of a grid of `columns` × `rows` panels filling the page
 * below the cursor. */
void     report_doc_cell_rect (const ReportDoc *doc, int columns, int rows, int index,
                               double rect[4]);
/* Draws into rect from here: its top-left corner the origin, clipped to it (cairo_restore
 * ends it). */
void     report_doc_enter (ReportDoc *doc, const double rect[4]);
/* Draws a chart into rect. */
void     report_doc_chart (ReportDoc *doc, const CariPlotChart *chart, const double rect[4]);

/* report-figures.c: Fig. 5 and the Fig. 6 and 7 grids. */
gboolean report_fig5 (ReportDoc *doc, const CariExperimentSummary *summary);
gboolean report_training_grids (ReportDoc *doc, CariStore *store,
                                const CariExperimentSummary *summary, GError **error);
/* One run's task weights and losses (no band), for a run's report. */
gboolean report_run_curves (ReportDoc *doc, CariStore *store, gint64 run, GError **error);

/* report-views.c: Fig. 2 and Fig. 8. */
/* What cannot be laid out (a single-task network lacks a branch) is said on the page. */
void     report_fig2 (ReportDoc *doc, CariStore *store, const CariExperimentSummary *summary);
gboolean report_fig8 (ReportDoc *doc, CariStore *store, const CariExperimentSummary *summary,
                      GError **error);

/* report-claims.c */
void     report_claims (ReportDoc *doc, const CariExperimentSummary *summary);

/* report.c: the seed index Fig. 2 and Fig. 8 show (−1 when the experiment has not that seed). */
int      report_seed_index (ReportDoc *doc, const CariExperimentSummary *summary);
/* The cell of the summary whose strategy is `strategy` (and task `task` when not NULL), the
 * table2 group's first, else any group's. */
const CariExperimentCell *report_find_cell (const CariExperimentSummary *summary,
                                            const char *strategy, const char *task);

G_END_DECLS
