/* table.c — results tables as text, CSV and LaTeX, and the paper's Tables 2–5. */
#include "eval/table.h"

#include "core/error.h"
#include "core/i18n.h"

#include <math.h>
#include <string.h>

struct _CariTable
{
  char *title;
  GArray *columns;    /* of CariColumn, names owned */
  GPtrArray *labels;  /* of char * */
  GArray *cells;      /* of CariCell, row-major */
  GPtrArray *notes;   /* of char * */
};

CariTable *
cari_table_new (const char *title, const CariColumn *columns, int n_columns)
{
  CariTable *t = g_new0 (CariTable, 1);
  t->title = g_strdup (title);
  t->columns = g_array_new (FALSE, FALSE, sizeof (CariColumn));
  for (int i = 0; i < n_columns; i++)
    {
      CariColumn c = columns[i];
      c.name = g_strdup (c.name);
      g_array_append_val (t->columns, c);
    }
  t->labels = g_ptr_array_new_with_free_func (g_free);
  t->cells = g_array_new (FALSE, FALSE, sizeof (CariCell));
  t->notes = g_ptr_array_new_with_free_func (g_free);
  return t;
}

void
cari_table_free (CariTable *t)
{
  if (t == NULL)
    return;
  for (guint i = 0; i < t->columns->len; i++)
    g_free ((char *) g_array_index (t->columns, CariColumn, i).name);
  g_array_unref (t->columns);
  g_ptr_array_unref (t->labels);
  g_array_unref (t->cells);
  g_ptr_array_unref (t->notes);
  g_free (t->title);
  g_free (t);
}

void
cari_table_add_row (CariTable *t, const char *label, const CariCell *cells)
{
  g_ptr_array_add (t->labels, g_strdup (label));
  g_array_append_vals (t->cells, cells, t->columns->len);
}

void
cari_table_add_note (CariTable *t, const char *note)
{
  g_ptr_array_add (t->notes, g_strdup (note));
}

guint
cari_table_get_n_notes (const CariTable *t)
{
  return t->notes->len;
}

const char *
cari_table_get_note (const CariTable *t, guint i)
{
  return i < t->notes->len ? g_ptr_array_index (t->notes, i) : NULL;
}

const char *
cari_table_get_title (const CariTable *t)
{
  return t->title;
}

int
cari_table_get_n_rows (const CariTable *t)
{
  return (int) t->labels->len;
}

int
cari_table_get_n_columns (const CariTable *t)
{
  return (int) t->columns->len;
}

const CariCell *
cari_table_get_cell (const CariTable *t, int row, int column)
{
  g_return_val_if_fail (row >= 0 && row < (int) t->labels->len, NULL);
  g_return_val_if_fail (column >= 0 && column < (int) t->columns->len, NULL);
  return &g_array_index (t->cells, CariCell, (gsize) row * t->columns->len + column);
}

gboolean
cari_table_format_from_string (const char *name, CariTableFormat *format, GError **error)
{
  if (g_strcmp0 (name, "text") == 0)
    *format = CARI_TABLE_TEXT;
  else if (g_strcmp0 (name, "csv") == 0)
    *format = CARI_TABLE_CSV;
  else if (g_strcmp0 (name, "latex") == 0)
    *format = CARI_TABLE_LATEX;
  else
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Unknown table format “%s” (text, csv or latex)"), name ? name : "");
      return FALSE;
    }
  return TRUE;
}

#define LEAK_MARK "†"

/* "87.30 ± 1.20", "87.30", or "–"; `pm` is the ± of the format; a leaked cell is marked. */
static char *
cell_text (const CariCell *c, const CariColumn *col, const char *pm)
{
  if (!c->present || !isfinite (c->value))
    return g_strdup ("–");
  const char *mark = c->leaked ? LEAK_MARK : "";
  if (c->std >= 0.0 && isfinite (c->std))
    return g_strdup_printf ("%.*f%s%.*f%s", col->decimals, c->value * col->scale, pm,
                            col->decimals, c->std * col->scale, mark);
  return g_strdup_printf ("%.*f%s", col->decimals, c->value * col->scale, mark);
}

/* Whether row r has a leaked cell. */
static gboolean
row_leaked (const CariTable *t, int r)
{
  for (guint c = 0; c < t->columns->len; c++)
    if (cari_table_get_cell (t, r, (int) c)->leaked)
      return TRUE;
  return FALSE;
}

static void
append_csv_field (GString *out, const char *text)
{
  if (strpbrk (text, ",\"\n\r") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_latex (GString *out, const char *text)
{
  for (const char *p = text; *p; p++)
    switch (*p)
      {
      case '&':
      case '%':
      case '$':
      case '#':
      case '_':
      case '{':
      case '}':
        g_string_append_c (out, '\\');
        g_string_append_c (out, *p);
        break;
      case '~':
        g_string_append (out, "\\textasciitilde{}");
        break;
      case '^':
        g_string_append (out, "\\textasciicircum{}");
        break;
      case '\\':
        g_string_append (out, "\\textbackslash{}");
        break;
      default:
        g_string_append_c (out, *p);
      }
}

/* Display width of UTF-8 text (every character one column). */
static int
width_of (const char *text)
{
  return (int) g_utf8_strlen (text, -1);
}

static void
pad (GString *out, const char *text, int width, gboolean right)
{
  int n = width - width_of (text);
  if (right)
    for (int i = 0; i < n; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, text);
  if (!right)
    for (int i = 0; i < n; i++)
      g_string_append_c (out, ' ');
}

char *
cari_table_format (const CariTable *t, CariTableFormat format)
{
  const int R = (int) t->labels->len, C = (int) t->columns->len;
  GString *out = g_string_new (NULL);

  if (format == CARI_TABLE_CSV)
    {
      append_csv_field (out, _("Method"));
      for (int c = 0; c < C; c++)
        {
          const char *name = g_array_index (t->columns, CariColumn, c).name;
          g_autofree char *std = g_strdup_printf ("%s std", name);
          g_string_append_c (out, ',');
          append_csv_field (out, name);
          g_string_append_c (out, ',');
          append_csv_field (out, std);
        }
      g_string_append_c (out, ',');
      append_csv_field (out, _("Marks"));
      g_string_append (out, "\r\n");
      for (int r = 0; r < R; r++)
        {
          append_csv_field (out, g_ptr_array_index (t->labels, r));
          for (int c = 0; c < C; c++)
            {
              const CariCell *cell = cari_table_get_cell (t, r, c);
              const CariColumn *col = &g_array_index (t->columns, CariColumn, c);
              g_string_append_c (out, ',');
              if (cell->present && isfinite (cell->value))
                g_string_append_printf (out, "%.*f", col->decimals + 2, cell->value * col->scale);
              g_string_append_c (out, ',');
              if (cell->present && cell->std >= 0.0 && isfinite (cell->std))
                g_string_append_printf (out, "%.*f", col->decimals + 2, cell->std * col->scale);
            }
          g_string_append_c (out, ',');
          if (row_leaked (t, r))
            append_csv_field (out, _("† trained on test identities or images"));
          g_string_append (out, "\r\n");
        }
      return g_string_free (out, FALSE);
    }

  if (format == CARI_TABLE_LATEX)
    {
      g_string_append (out, "% ");
      g_string_append (out, t->title);
      g_string_append (out, "\n\\begin{tabular}{l");
      for (int c = 0; c < C; c++)
        g_string_append_c (out, 'c');
      g_string_append (out, "}\n\\hline\n");
      append_latex (out, _("Method"));
      for (int c = 0; c < C; c++)
        {
          g_string_append (out, " & ");
          append_latex (out, g_array_index (t->columns, CariColumn, c).name);
        }
      g_string_append (out, " \\\\\n\\hline\n");
      for (int r = 0; r < R; r++)
        {
          append_latex (out, g_ptr_array_index (t->labels, r));
          for (int c = 0; c < C; c++)
            {
              g_autofree char *text = cell_text (cari_table_get_cell (t, r, c),
                                                 &g_array_index (t->columns, CariColumn, c),
                                                 " \\pm ");
              g_string_append (out, " & ");
              if (strcmp (text, "–") == 0)
                g_string_append (out, "--");
              else
                g_string_append_printf (out, "$%s$", text);
            }
          g_string_append (out, " \\\\\n");
        }
      g_string_append (out, "\\hline\n\\end{tabular}\n");
      for (guint i = 0; i < t->notes->len; i++)
        g_string_append_printf (out, "%% %s\n", (const char *) g_ptr_array_index (t->notes, i));
      return g_string_free (out, FALSE);
    }

  /* Aligned text: the label column left, figures right. */
  g_autofree int *width = g_new0 (int, C + 1);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  width[0] = width_of (_("Method"));
  for (int c = 0; c < C; c++)
    width[c + 1] = width_of (g_array_index (t->columns, CariColumn, c).name);
  for (int r = 0; r < R; r++)
    {
      width[0] = MAX (width[0], width_of (g_ptr_array_index (t->labels, r)));
      for (int c = 0; c < C; c++)
        {
          char *text = cell_text (cari_table_get_cell (t, r, c),
                                  &g_array_index (t->columns, CariColumn, c), " ± ");
          width[c + 1] = MAX (width[c + 1], width_of (text));
          g_ptr_array_add (texts, text);
        }
    }
  g_string_append (out, t->title);
  g_string_append_c (out, '\n');
  pad (out, _("Method"), width[0], FALSE);
  for (int c = 0; c < C; c++)
    {
      g_string_append (out, "  ");
      pad (out, g_array_index (t->columns, CariColumn, c).name, width[c + 1], TRUE);
    }
  g_string_append_c (out, '\n');
  for (int r = 0; r < R; r++)
    {
      pad (out, g_ptr_array_index (t->labels, r), width[0], FALSE);
      for (int c = 0; c < C; c++)
        {
          g_string_append (out, "  ");
          pad (out, g_ptr_array_index (texts, (guint) (r * C + c)), width[c + 1], TRUE);
        }
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < t->notes->len; i++)
    g_string_append_printf (out, "  %s\n", (const char *) g_ptr_array_index (t->notes, i));
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------------ paper tables */

CariCell
cari_results_cell (GPtrArray *results, const char *protocol, const char *name)
{
  CariCell cell = { NAN, -1.0, FALSE, 0, FALSE };
  double sum = 0.0, sum2 = 0.0, single_std = -1.0;
  int n = 0;
  gboolean leaked = FALSE;
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      const CariEvalResult *r = g_ptr_array_index (results, i);
      if (strcmp (r->protocol, protocol) != 0)
        continue;
      const CariEvalMetric *m = cari_eval_result_get (r, name);
      if (m == NULL || !isfinite (m->value))
        continue;
      sum += m->value;
      sum2 += m->value * m->value;
      single_std = m->std;
      leaked |= r->leaked > 0;
      n++;
    }
  if (n == 0)
    return cell;
  cell.present = TRUE;
  cell.n = n;
  cell.leaked = leaked;
  cell.value = sum / n;
  if (n == 1)
    cell.std = single_std;
  else
    cell.std = sqrt (MAX (sum2 / n - cell.value * cell.value, 0.0));
  return cell;
}

static gboolean
rows_have (const CariTableRow *rows, int n_rows, const char *protocol)
{
  for (int i = 0; i < n_rows; i++)
    for (guint j = 0; rows[i].results != NULL && j < rows[i].results->len; j++)
      if (strcmp (((const CariEvalResult *) g_ptr_array_index (rows[i].results, j))->protocol,
                  protocol)
          == 0)
        return TRUE;
  return FALSE;
}

/* What ± means in `t`, and what its marks and chance row are, as notes under it. */
static void
add_notes (CariTable *t)
{
  int single = 0, several = 0, most = 0;
  gboolean leaked = FALSE, spread = FALSE;
  for (int r = 0; r < cari_table_get_n_rows (t); r++)
    for (int c = 0; c < cari_table_get_n_columns (t); c++)
      {
        const CariCell *cell = cari_table_get_cell (t, r, c);
        if (!cell->present)
          continue;
        leaked |= cell->leaked;
        if (cell->std < 0.0)
          continue;
        spread = TRUE;
        if (cell->n > 1)
          {
            several++;
            most = MAX (most, cell->n);
          }
        else
          single++;
      }
  if (spread && single > 0)
    cari_table_add_note (t, _("± of one protocol fold: the standard deviation over its "
                              "threshold-selection folds, narrower than the paper's ± over ten "
                              "protocol folds."));
  if (spread && several > 0)
    {
      g_autofree char *note = g_strdup_printf (
        _("± of several protocol folds (up to %d): the standard deviation over them, as the "
          "paper's."),
        most);
      cari_table_add_note (t, note);
    }
  if (leaked)
    cari_table_add_note (t, _("† computed on identities or images the run trained on: "
                              "optimistic, not comparable."));
}

/* A "chance" row of what guessing scores in each column that has a chance metric. */
static void
add_chance_row (CariTable *t, const char *protocol, const char *const *chance, int n_columns,
                const CariTableRow *rows, int n_rows)
{
  g_autofree CariCell *cells = g_new0 (CariCell, n_columns);
  gboolean any = FALSE;
  for (int c = 0; c < n_columns; c++)
    {
      cells[c] = (CariCell) { NAN, -1.0, FALSE, 0, FALSE };
      for (int r = 0; chance[c] != NULL && r < n_rows && !cells[c].present; r++)
        cells[c] = cari_results_cell (rows[r].results, protocol, chance[c]);
      cells[c].std = -1.0;
      cells[c].leaked = FALSE;
      any |= cells[c].present;
    }
  if (any)
    cari_table_add_row (t, _("chance"), cells);
}

static CariTable *
make_table (const char *title, const char *protocol, const CariColumn *columns,
            const char *const *metrics, const char *const *chance, int n_columns,
            const CariTableRow *rows, int n_rows)
{
  CariTable *t = cari_table_new (title, columns, n_columns);
  g_autofree CariCell *cells = g_new (CariCell, n_columns);
  for (int r = 0; r < n_rows; r++)
    {
      for (int c = 0; c < n_columns; c++)
        cells[c] = cari_results_cell (rows[r].results, protocol, metrics[c]);
      cari_table_add_row (t, rows[r].label, cells);
    }
  add_notes (t);
  if (chance != NULL)
    add_chance_row (t, protocol, chance, n_columns, rows, n_rows);
  return t;
}

/* The fewest impostor pairs behind `protocol` in the rows (0 when unknown). */
static int
fewest_impostors (const CariTableRow *rows, int n_rows, const char *protocol)
{
  int fewest = 0;
  for (int r = 0; r < n_rows; r++)
    {
      CariCell cell = cari_results_cell (rows[r].results, protocol, "impostor_pairs");
      if (cell.present && (fewest == 0 || cell.value < fewest))
        fewest = (int) cell.value;
    }
  return fewest;
}

GPtrArray *
cari_paper_tables (const CariTableRow *rows, int n_rows)
{
  static const char *const verification[] = { "cavi.pairs", "webcari.restricted",
                                              "webcari.unrestricted" };
  GPtrArray *tables = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_table_free);

  for (size_t v = 0; v < G_N_ELEMENTS (verification); v++)
    if (rows_have (rows, n_rows, verification[v]))
      {
        const CariColumn columns[] = {
          { _("Verification"), 100, 2 }, { _("Visual-id"), 100, 2 }, { _("Cari-id"), 100, 2 },
          { "V2C", 100, 2 },             { "C2V", 100, 2 },
        };
        const char *const metrics[] = { "accuracy", "visual_id", "cari_id", "v2c", "c2v" };
        const char *const chance[] = { NULL, "chance/visual_id", "chance/cari_id", "chance/v2c",
                                       "chance/c2v" };
        g_autofree char *title = g_strdup_printf (
          _("Table 2: verification and identification accuracy (%%) on %s"), verification[v]);
        g_ptr_array_add (tables, make_table (title, verification[v], columns, metrics, chance,
                                             G_N_ELEMENTS (columns), rows, n_rows));
        break;
      }
  for (size_t v = 0; v < G_N_ELEMENTS (verification); v++)
    if (rows_have (rows, n_rows, verification[v]))
      {
        const CariColumn columns[] = {
          { _("TAR@FAR=0.1% (ROC)"), 100, 2 }, { _("TAR@FAR=1% (ROC)"), 100, 2 },
          { _("VAL@FAR=0.1% (held out)"), 100, 2 }, { _("VAL@FAR=1% (held out)"), 100, 2 },
          { "AUC", 1, 3 }, { "EER (%)", 100, 2 },
        };
        const char *const metrics[] = { "tar@far=0.1%", "tar@far=1%", "val@far=0.1%",
                                        "val@far=1%", "auc", "eer" };
        g_autofree char *title = g_strdup_printf (
          _("Table 3: verification, true accept rate (%%) at a false accept rate, on %s"),
          verification[v]);
        CariTable *t = make_table (title, verification[v], columns, metrics, NULL,
                                   G_N_ELEMENTS (columns), rows, n_rows);
        cari_table_add_note (t, _("TAR (ROC): the threshold read off the ROC of the test pairs "
                                  "themselves, as WebCaricature's baselines report it. VAL "
                                  "(held out): the threshold set on the other threshold-selection "
                                  "folds, measured on the held-out one."));
        int impostors = fewest_impostors (rows, n_rows, verification[v]);
        if (impostors > 0 && impostors / 1000 < 10)
          {
            /* So few false accepts make the 0.1 % column a coarse figure: say how coarse. */
            int allowed = impostors / 1000;
            g_autofree char *note = allowed == 0 ? g_strdup_printf (
              _("With %d impostor pairs, FAR 0.1 %% allows no false accept: the figures at 0.1 %% "
                "are at a threshold above every impostor."),
              impostors) : g_strdup_printf (
              g_dngettext (GETTEXT_PACKAGE,
                           "With %d impostor pairs, FAR 0.1 %% allows %d false accept: the "
                           "figures at 0.1 %% rest on that one pair.",
                           "With %d impostor pairs, FAR 0.1 %% allows %d false accepts: the "
                           "figures at 0.1 %% rest on that few pairs.",
                           allowed),
              impostors, allowed);
            cari_table_add_note (t, note);
          }
        g_ptr_array_add (tables, t);
      }
  const struct
  {
    const char *protocol;
    const char *title;
  } ident[] = {
    { "webcari.c2p", N_("Table 4: caricature to photo identification (C2P)") },
    { "webcari.p2c", N_("Table 5: photo to caricature identification (P2C)") },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (ident); i++)
    if (rows_have (rows, n_rows, ident[i].protocol))
      {
        const CariColumn columns[] = { { "Rank-1 (%)", 100, 2 }, { "Rank-10 (%)", 100, 2 } };
        const char *const metrics[] = { "rank1", "rank10" };
        const char *const chance[] = { "chance/rank1", "chance/rank10" };
        g_ptr_array_add (tables, make_table (_(ident[i].title), ident[i].protocol, columns,
                                             metrics, chance, G_N_ELEMENTS (columns), rows,
                                             n_rows));
      }
  return tables;
}
