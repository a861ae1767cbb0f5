/* cmd-eval-scores.c — `carilab-cli eval-scores`: the verification protocol on an external file
 * of "label score [fold]" lines (label 1 = same person; higher score = more similar). */
#include "cli.h"

#include <cari.h>
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

int
cmd_eval_scores (int argc, char **argv)
{
  g_autofree char *path = NULL;
  int n_folds = 10;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "scores", 's', 0, G_OPTION_ARG_FILENAME, &path, N_("File of “label score [fold]” lines"), N_("FILE") },
    { "folds", 'k', 0, G_OPTION_ARG_INT, &n_folds, N_("Folds when the file gives none (default: 10)"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed of those folds (default: 1)"), N_("N") },
    { NULL },
  };
  g_autoptr (GError) error = NULL;

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
  g_autoptr (GArray) scores = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr (GArray) labels = g_array_new (FALSE, FALSE, sizeof (guint8));
  g_autoptr (GArray) folds = g_array_new (FALSE, FALSE, sizeof (int));
  gboolean has_folds;
  CariVerification v;
  if (!read_scores (path, scores, labels, folds, &has_folds, &error))
    {
      g_printerr ("%s: %s\n", argv[0], error->message);
      return CLI_EXIT_FAILURE;
    }
  if (has_folds)
    {
      n_folds = 0;
      for (guint i = 0; i < folds->len; i++)
        n_folds = MAX (n_folds, g_array_index (folds, int, i) + 1);
    }
  if (!cari_verification_evaluate ((const float *) (void *) scores->data,
                                   (const guint8 *) labels->data,
                                   has_folds ? (const int *) (void *) folds->data : NULL,
                                   (int) scores->len, n_folds, (guint64) seed, &v, &error))
    {
      g_printerr ("%s: %s\n", argv[0], error->message);
      return CLI_EXIT_FAILURE;
    }
  g_autofree char *summary = g_strdup_printf (_("%u pairs, %d folds (%s)\n"), scores->len, n_folds,
                                              has_folds ? _("from the file")
                                                        : _("stratified, shuffled"));
  fputs (summary, stdout);
  printf ("%-14s %7.2f ± %.2f %%\n", _("accuracy"), 100 * v.accuracy.mean, 100 * v.accuracy.std);
  printf ("%-14s %7.4f ± %.4f\n", "AUC", v.auc.mean, v.auc.std);
  printf ("%-14s %7.2f ± %.2f %%\n", "EER", 100 * v.eer.mean, 100 * v.eer.std);
  printf ("%-14s %7.2f ± %.2f %%\n", "VAL@FAR=0.1%", 100 * v.val_at_far[0].mean,
          100 * v.val_at_far[0].std);
  printf ("%-14s %7.2f ± %.2f %%\n", "VAL@FAR=1%", 100 * v.val_at_far[1].mean,
          100 * v.val_at_far[1].std);
  return CLI_EXIT_OK;
}
