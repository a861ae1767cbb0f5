/* cmd-eval-scores.c — `carilab-cli eval-scores`: the verification protocol on an external file
 * of "label score [fold]" lines (label 1 = same person; higher score = more similar). */
#include "cli.h"

#include <cari.h>
#include <float.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

static gboolean
read_scores (const char *path, GArray *scores, GArray *labels, GArray *folds, gboolean *has_folds,
             GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot read “%s”: %s"), path,
                   local->message);
      return FALSE;
    }
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  int with = 0, without = 0;
  for (int i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (line[0] == '\0' || line[0] == '#')
        continue;
      g_auto (GStrv) f = g_strsplit_set (line, " \t,", -1);
      char *col[3];
      int n = 0;
      for (int k = 0; f[k] != NULL && n < 4; k++)
        if (f[k][0] != '\0')
          {
            if (n < 3)
              col[n] = f[k];
            n++;
          }
      char *end1 = NULL, *end2 = NULL, *end3 = NULL;
      gint64 label = n >= 2 ? g_ascii_strtoll (col[0], &end1, 10) : -1;
      double score = n >= 2 ? g_ascii_strtod (col[1], &end2) : NAN;
      gint64 fold = n == 3 ? g_ascii_strtoll (col[2], &end3, 10) : 0;
      if (n < 2 || n > 3 || *end1 != '\0' || (label != 0 && label != 1) || *end2 != '\0'
          || !isfinite (score) || (n == 3 && (*end3 != '\0' || fold < 1 || fold > 100)))
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("%s, line %d: expected “LABEL SCORE [FOLD]” with LABEL 0 or 1, a finite "
                         "SCORE and FOLD from 1 to 100"),
                       path, i + 1);
          return FALSE;
        }
      float s = (float) score;
      if (!isfinite (s))
        {
          /* Finite as a double, infinite once stored as the float every score is. */
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("%s, line %d: the score %s is out of range (scores are single-precision: "
                         "at most %g in magnitude)"),
                       path, i + 1, col[1], (double) FLT_MAX);
          return FALSE;
        }
      guint8 y = (guint8) label;
      int k = (int) fold - 1;
      g_array_append_val (scores, s);
      g_array_append_val (labels, y);
      g_array_append_val (folds, k);
      n == 3 ? with++ : without++;
    }
  if (with > 0 && without > 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("%s: either every line gives a fold or none does"), path);
      return FALSE;
    }
  *has_folds = with > 0;
  return TRUE;
}

/* ROC and DET points of all pairs as CSV: threshold, false accept rate, true accept rate and
 * false reject rate (the DET curve plots FRR against FAR). */
static gboolean
write_curve (const char *path, const float *scores, const guint8 *labels, int n, GError **error)
{
  g_autoptr (GArray) roc = cari_roc (scores, labels, n);
  g_autoptr (GString) out = g_string_new ("threshold,far,tar,frr\n");
  for (guint i = 0; i < roc->len; i++)
    {
      const CariRocPoint *p = &g_array_index (roc, CariRocPoint, i);
      char t[G_ASCII_DTOSTR_BUF_SIZE], f[G_ASCII_DTOSTR_BUF_SIZE], a[G_ASCII_DTOSTR_BUF_SIZE],
        r[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (out, "%s,%s,%s,%s\n", g_ascii_dtostr (t, sizeof t, p->threshold),
                              g_ascii_dtostr (f, sizeof f, p->far),
                              g_ascii_dtostr (a, sizeof a, p->tar),
                              g_ascii_dtostr (r, sizeof r, 1.0 - p->tar));
    }
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}

/* The figures as an evaluation result (for the table and the store). */
static CariEvalResult *
result_of (const CariVerification *v, const float *scores, const guint8 *labels, const int *folds,
           int n, double auc_all)
{
  CariEvalResult *r = g_new0 (CariEvalResult, 1);
  r->protocol = g_strdup ("scores");
  r->fold = -1;
  r->kind = CARI_PROTOCOL_VERIFICATION;
  r->metrics = g_array_new (FALSE, FALSE, sizeof (CariEvalMetric));
  r->pairs = g_array_new (FALSE, FALSE, sizeof (CariPairScore));
  r->cmc = g_array_new (FALSE, FALSE, sizeof (double));
  r->threshold = v->threshold;
  const struct
  {
    const char *name;
    CariStat stat;
  } figures[] = {
    { "accuracy", v->accuracy },          { "auc", v->auc },
    { "eer", v->eer },                    { "val@far=0.1%", v->val_at_far[0] },
    { "val@far=1%", v->val_at_far[1] },   { "threshold", { v->threshold, -1.0 } },
    { "auc_all_pairs", { auc_all, -1.0 } }, { "pairs", { n, -1.0 } },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      CariEvalMetric m = { "", figures[i].stat.mean, figures[i].stat.std };
      g_strlcpy (m.name, figures[i].name, sizeof m.name);
      g_array_append_val (r->metrics, m);
    }
  for (int i = 0; i < n; i++)
    {
      CariPairScore p = { -1, -1, scores[i], labels[i], (guint8) folds[i] };
      g_array_append_val (r->pairs, p);
    }
  return r;
}

int
cmd_eval_scores (int argc, char **argv)
{
  g_autofree char *path = NULL, *curve = NULL, *db = NULL, *format = NULL;
  int n_folds = 10;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "scores", 's', 0, G_OPTION_ARG_FILENAME, &path, N_("File of “label score [fold]” lines"), N_("FILE") },
    { "folds", 'k', 0, G_OPTION_ARG_INT, &n_folds, N_("Folds when the file gives none (default: 10)"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed of those folds (default: 1)"), N_("N") },
    { "roc", 0, 0, G_OPTION_ARG_FILENAME, &curve, N_("Write the ROC and DET points of all pairs as CSV"), N_("FILE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("Print the figures as a text, csv or latex table"), N_("FORMAT") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Also record the evaluation and its scores in this run database"), N_("FILE") },
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  CariTableFormat table_format = CARI_TABLE_TEXT;

  if (!cli_parse_command (&argc, &argv,
                          _("Evaluate verification scores from any model with CariLab's "
                            "protocol: 10-fold accuracy, AUC, EER and VAL at FAR 0.1 % and 1 %."),
                          entries))
    return CLI_EXIT_USAGE;
  if (path == NULL || n_folds < 2)
    {
      g_printerr (_("%s: give --scores, and at least two folds\n"), argv[0]);
      return CLI_EXIT_USAGE;
    }
  if (format != NULL && !cari_table_format_from_string (format, &table_format, &error))
    return cli_report (argv[0], error, CLI_EXIT_USAGE);
  g_autoptr (GArray) scores = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr (GArray) labels = g_array_new (FALSE, FALSE, sizeof (guint8));
  g_autoptr (GArray) folds = g_array_new (FALSE, FALSE, sizeof (int));
  gboolean has_folds;
  CariVerification v;
  if (!read_scores (path, scores, labels, folds, &has_folds, &error))
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  const float *sc = (const float *) (void *) scores->data;
  const guint8 *lab = (const guint8 *) labels->data;
  const int n = (int) scores->len;
  g_autofree int *own = NULL;
  if (has_folds)
    {
      n_folds = 0;
      for (guint i = 0; i < folds->len; i++)
        n_folds = MAX (n_folds, g_array_index (folds, int, i) + 1);
    }
  const int *fold_of = has_folds ? (const int *) (void *) folds->data
                                 : (own = cari_verification_folds (lab, n, n_folds,
                                                                   (guint64) seed));
  if (!cari_verification_evaluate (sc, lab, fold_of, n, n_folds, (guint64) seed, &v, &error))
    {
      g_printerr ("%s: %s: %s\n", argv[0], path, error->message);
      return CLI_EXIT_FAILURE;
    }
  if (curve != NULL && !write_curve (curve, sc, lab, n, &error))
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  double auc_all = cari_auc (sc, lab, n);
  g_autoptr (CariEvalResult) result = result_of (&v, sc, lab, fold_of, n, auc_all);
  if (db != NULL)
    {
      g_autoptr (CariStore) store = cli_open_store (db, FALSE, &error);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *opts = g_strdup_printf ("file=%s;folds=%d;seed=%lld", base, n_folds,
                                               (long long) seed);
      gint64 id = store ? cari_store_save_evaluation (store, 0, -1, result, opts, &error) : 0;
      if (id <= 0)
        return cli_report (argv[0], error, CLI_EXIT_FAILURE);
      fprintf (stderr, _("Saved as evaluation %lld in %s\n"), (long long) id, db);
    }

  if (table_format != CARI_TABLE_TEXT)
    {
      const CariColumn columns[] = {
        { _("Accuracy (%)"), 100, 2 }, { "AUC", 1, 4 },       { "EER (%)", 100, 2 },
        { "VAL@FAR=0.1%", 100, 2 },   { "VAL@FAR=1%", 100, 2 },
      };
      const char *const names[] = { "accuracy", "auc", "eer", "val@far=0.1%", "val@far=1%" };
      g_autoptr (CariTable) table = cari_table_new (path, columns, G_N_ELEMENTS (columns));
      g_autoptr (GPtrArray) results = g_ptr_array_new ();
      CariCell cells[G_N_ELEMENTS (names)];
      g_ptr_array_add (results, result);
      for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
        cells[i] = cari_results_cell (results, "scores", names[i]);
      g_autofree char *base = g_path_get_basename (path);
      cari_table_add_row (table, base, cells);
      g_autofree char *text = cari_table_format (table, table_format);
      fputs (text, stdout);
      return CLI_EXIT_OK;
    }
  g_autofree char *summary = g_strdup_printf (_("%d pairs, %d folds (%s)\n"), n, n_folds,
                                              has_folds ? _("from the file")
                                                        : _("stratified, shuffled"));
  fputs (summary, stdout);
  printf ("%-14s %7.2f ± %.2f %%\n", _("accuracy"), 100 * v.accuracy.mean, 100 * v.accuracy.std);
  printf ("%-14s %7.4f ± %.4f\n", "AUC", v.auc.mean, v.auc.std);
  printf ("%-14s %9.6f\n", _("AUC, all pairs"), auc_all);
  printf ("%-14s %7.2f ± %.2f %%\n", "EER", 100 * v.eer.mean, 100 * v.eer.std);
  printf ("%-14s %7.2f ± %.2f %%\n", "VAL@FAR=0.1%", 100 * v.val_at_far[0].mean,
          100 * v.val_at_far[0].std);
  printf ("%-14s %7.2f ± %.2f %%\n", "VAL@FAR=1%", 100 * v.val_at_far[1].mean,
          100 * v.val_at_far[1].std);
  printf ("%-14s %9.6f\n", _("threshold"), v.threshold);
  return CLI_EXIT_OK;
}
