/* report.h — carilab-report: an experiment's report, or one run's, as a multi-page PDF drawn with
 * carilab-plot (the workbench's renderer), with its tables also written as CSV beside it.
 *
 * An experiment's report (A4 landscape, every page headed and numbered): its definition, what is
 * held fixed and the environment; the aggregated tables with their intervals and chance rows;
 * Fig. 5 (accuracy against the caricature task's weight, seed means with 95 % bands); the Fig. 6
 * and 7 grids (task weights and losses per strategy over steps); Fig. 2's t-SNE views of the
 * single-task models beside proposed's; Fig. 8's hardest false positives and false negatives of
 * proposed with thumbnails; and the paper's claims with their verdicts. What an experiment does
 * not have yet (a group its preset lacks, runs not finished) is said on its page, never left
 * blank. A run's report: its definition, its curves and the tables of its evaluations.
 *
 * Table N goes to "<output without .pdf>-table-N.csv" (N from 1, in the PDF's order).
 */
#pragma once

#include <cari.h>
#include <glib.h>

G_BEGIN_DECLS

/* One line of progress ("Drawing Fig. 5", "Laying out the t-SNE views of run 12: slow"). */
typedef void (*CariReportProgress) (const char *line, gpointer user_data);

typedef struct
{
  gboolean has_seed;  /* Fig. 2 and Fig. 8 at `seed`; else at the experiment's first seed */
  guint64 seed;
  int views_top;      /* identities in Fig. 2's views when they must be laid out (≤ 0: 50) */
  int n_pairs;        /* Fig. 8's pairs of each kind (≤ 0: 4) */
  CariReportProgress progress; /* nullable */
  gpointer user_data;
} CariReportOptions;

/* Writes the report of `experiment` to `output` (a .pdf) and its tables beside it. *n_pages and
 * *n_tables (may be NULL) receive what was written. Errors name the experiment or the file. */
gboolean cari_report_experiment (CariStore *store, gint64 experiment, const char *output,
                                 const CariReportOptions *options, int *n_pages, int *n_tables,
                                 GError **error);
/* The same for one run. */
gboolean cari_report_run (CariStore *store, gint64 run, const char *output,
                          const CariReportOptions *options, int *n_pages, int *n_tables,
                          GError **error);

/* Where table `number` (from 1) of the report at `output` goes. Newly allocated. */
char    *cari_report_table_path (const char *output, int number);

G_END_DECLS
