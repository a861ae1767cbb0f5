/* table.h — results tables: the layouts of the paper's Tables 2–5, and any table as aligned text,
 * CSV or LaTeX (the CLI and the workbench export the same text).
 *
 * A cell is a mean with an optional standard deviation. A row's figures over several protocol
 * folds are the mean and standard deviation of the folds' figures; over one fold, the figure
 * with the standard deviation over its threshold-selection folds where it has one.
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
const char *cari_table_get_title (const CariTable *table);
int         cari_table_get_n_rows (const CariTable *table);
int         cari_table_get_n_columns (const CariTable *table);
const CariCell *cari_table_get_cell (const CariTable *table, int row, int column);

/* FALSE for a name other than text, csv and latex. */
gboolean    cari_table_format_from_string (const char *name, CariTableFormat *format,
                                           GError **error);
/* The table as text: aligned columns with "mean ± std"; CSV with a header row and separate
 * mean and std columns (RFC 4180 quoting); a LaTeX tabular with $\pm$ (special characters in
 * labels escaped). Missing cells read "–", empty in CSV. */
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
 * webcari.unrestricted present), Table 3 (VAL@FAR 0.1 %, VAL@FAR 1 %, AUC, EER, one per
 * verification protocol present), Table 4 (C2P rank-1, rank-10) and Table 5 (P2C). Of
 * CariTable *. */
GPtrArray  *cari_paper_tables (const CariTableRow *rows, int n_rows);

/* The mean ± std of metric `name` over the results of `protocol` in `results` (see above). */
CariCell    cari_results_cell (GPtrArray *results, const char *protocol, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariTable, cari_table_free)

G_END_DECLS
