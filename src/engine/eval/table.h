/* table.h — results tables: the layouts of the paper's Tables 2–5, and any table as aligned text,
 * CSV or LaTeX (the CLI and the workbench export the same text).
 *
 * A cell is a mean with an optional standard deviation. A row's figures over several protocol
 * folds are the mean and standard deviation of the folds' figures (the paper's ±); over one
 * fold, the figure with the standard deviation over its threshold-selection folds where it has
 * one — a narrower spread of another kind, which the table's notes say. A cell computed on
 * identities or images the run trained on is marked (†) wherever the table goes, and a table
 * says what guessing would score in its identification columns (a "chance" row).
 */
#pragma once

#include "eval/evaluate.h"

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double value;
  double std;     /* < 0: none */
  gboolean present;
  int n;          /* protocol folds behind it (0 when unknown: one) */
  gboolean leaked;/* computed on identities or images the run trained on */
} CariCell;

typedef struct
{
  const char *name;
  double scale;   /* 100 for a percentage of a [0, 1] figure, 1 otherwise */
  int decimals;
} CariColumn;

typedef struct _CariTable CariTable;

typedef enum
{
  CARI_TABLE_TEXT,
  CARI_TABLE_CSV,
  CARI_TABLE_LATEX,
} CariTableFormat;

CariTable  *cari_table_new (const char *title, const CariColumn *columns, int n_columns);
void        cari_table_free (CariTable *table);
/* `cells` has one entry per column. */
void        cari_table_add_row (CariTable *table, const char *label, const CariCell *cells);
/* A sentence said under the table (text and LaTeX; CSV has a notes column per row instead). */
void        cari_table_add_note (CariTable *table, const char *note);
guint       cari_table_get_n_notes (const CariTable *table);
const char *cari_table_get_note (const CariTable *table, guint i);
const char *cari_table_get_title (const CariTable *table);
int         cari_table_get_n_rows (const CariTable *table);
int         cari_table_get_n_columns (const CariTable *table);
const CariCell *cari_table_get_cell (const CariTable *table, int row, int column);

/* FALSE for a name other than text, csv and latex. */
gboolean    cari_table_format_from_string (const char *name, CariTableFormat *format,
                                           GError **error);
/* The table as text: aligned columns with "mean ± std", then its notes; CSV with a header row,
 * separate mean and std columns (RFC 4180 quoting) and a last column of marks ("†: trained on
 * test identities" for a row with such a cell); a LaTeX tabular with $\pm$ (special characters
 * in labels escaped), notes as comments. Missing cells read "–", empty in CSV; a marked cell
 * reads "87.30†". */
char       *cari_table_format (const CariTable *table, CariTableFormat format);

/* One row of the paper's tables: a label (e.g. the run's name) and its evaluations (borrowed
 * CariEvalResult *, any protocols and folds). */
typedef struct
{
  const char *label;
  GPtrArray  *results;
} CariTableRow;

/* The tables the rows have data for, in the paper's order: Table 2 (verification accuracy and
 * the four closed-set columns, from the first of cavi.pairs, webcari.restricted and
 * webcari.unrestricted present), Table 3 (TAR at FAR 0.1 % and 1 % read off the test fold's ROC,
 * as WebCaricature's baselines, beside the held-out VAL at the same FARs; AUC, EER; one per
 * verification protocol present), Table 4 (C2P rank-1, rank-10) and Table 5 (P2C), each with its
 * notes and chance row. Of CariTable *. */
GPtrArray  *cari_paper_tables (const CariTableRow *rows, int n_rows);

/* The mean ± std of metric `name` over the results of `protocol` in `results` (see above). */
CariCell    cari_results_cell (GPtrArray *results, const char *protocol, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariTable, cari_table_free)

G_END_DECLS
