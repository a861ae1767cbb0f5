/* cmd-eval.c — `carilab-cli eval`: a run's checkpoint on the protocols of its data set, saved in
 * the store and printed in the layouts of the paper's Tables 2–5. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

typedef struct
{
  const char *prog;
  int last;
} Progress;

static gboolean
on_progress (double fraction, const char *what, gpointer data)
{
  Progress *p = data;
  int percent = (int) (fraction * 100.0);
  if (percent == 100 || percent / 25 != p->last / 25)
    {
      fprintf (stderr, "  %s: %d %%\n", what, percent);
      p->last = percent == 100 ? -25 : percent;
    }
  return !cli_interrupted ();
}

static void
print_error_pairs (const CariEvalResult *r, const CariDatasetIndex *index, int n_show)
{
  GArray *fp, *fn;
  cari_error_pairs ((const CariPairScore *) (void *) r->pairs->data, (int) r->pairs->len,
                    r->threshold, &fp, &fn);
  g_autofree char *head = g_strdup_printf (
    _("Error pairs of %s fold %d at threshold %.4f: %u false positives, %u false negatives"),
    r->protocol, r->fold, r->threshold, fp->len, fn->len);
  printf ("%s\n", head);
  for (int kind = 0; kind < 2; kind++)
    {
      GArray *list = kind == 0 ? fp : fn;
      for (guint i = 0; i < list->len && (int) i < n_show; i++)
        {
          const CariPairScore *p = &g_array_index (r->pairs, CariPairScore,
                                                   g_array_index (list, int, i));
          const CariIndexImage *a = &g_array_index (index->images, CariIndexImage, p->a);
          const CariIndexImage *b = &g_array_index (index->images, CariIndexImage, p->b);
          printf ("  %s %+.4f  %s (%s)  %s (%s)\n", kind == 0 ? "FP" : "FN",
                  p->score - r->threshold, a->path,
                  (const char *) g_ptr_array_index (index->identities, a->identity), b->path,
                  (const char *) g_ptr_array_index (index->identities, b->identity));
        }
    }
  g_array_unref (fp);
  g_array_unref (fn);
}

typedef struct
{
  char *label;
  GPtrArray *results; /* of CariEvalResult * */
} Row;

static void
row_clear (Row *row)
{
  g_free (row->label);
  g_clear_pointer (&row->results, g_ptr_array_unref);
}

typedef struct
{
  const CariDatasetIndex *index;
  int n_errors;
  GPtrArray *left_out; /* of char *: "protocol fold k", owned by the caller */
} Printer;

static void
on_result (const CariEvalResult *r, gint64 evaluation, gboolean left_out, gpointer data)
{
  Printer *p = data;
  if (left_out)
    {
      fprintf (stderr,
               _("  %s fold %d: left out of the tables: the run trained on %d of its test "
                 "images (or their identities); --include-leaked shows it, marked †\n"),
               r->protocol, r->fold, r->leaked);
      g_ptr_array_add (p->left_out, g_strdup_printf ("%s fold %d", r->protocol, r->fold));
      return;
    }
  if (r->leaked > 0)
    fprintf (stderr,
             _("Warning: %s fold %d: the run trained on %d of its test images (or their "
               "identities); its figures are optimistic and marked † in the tables\n"),
             r->protocol, r->fold, r->leaked);
  if (evaluation > 0)
    fprintf (stderr, _("  %s fold %d: saved as evaluation %lld\n"), r->protocol, r->fold,
             (long long) evaluation);
  if (p->n_errors > 0 && r->pairs->len > 0)
    print_error_pairs (r, p->index, p->n_errors);
}

static void
on_view (CariView view, const CariViewLayout *layout, double seconds, gpointer data)
{
  fprintf (stderr, _("%s view: %d images, KL %.3f, %.1f s\n"), cari_view_to_string (view),
           layout->n, layout->kl, seconds);
}

/* Evaluates one run into `row`; FALSE after printing why. */
static gboolean
eval_run (CariStore *store, const char *run_arg, gint64 step, const CariEvalRequest *request,
          const CariEvalOptions *options, int n_errors, int views, const char *prog, Row *row,
          GPtrArray *left_out)
{
  g_autoptr (GError) error = NULL;
  gint64 run;
  if (!cari_store_find_run (store, run_arg, &run, &error))
    {
      g_printerr ("%s: %s\n", prog, error->message);
      return FALSE;
    }
  Progress progress = { prog, -25 };
  g_autoptr (CariEvalSession) s = cari_eval_session_open (store, run, step, options, on_progress,
                                                          &progress, &error);
  if (s == NULL)
    {
      g_printerr (_("%s: run %s: %s\n"), prog, run_arg, error->message);
      return FALSE;
    }
  fprintf (stderr, _("Evaluating run %lld “%s” at step %lld on %s\n"), (long long) run,
           s->info->name, (long long) s->step, s->index->name);
  Printer printer = { s->index, n_errors, left_out };
  g_autoptr (GArray) saved = NULL;
  row->label = g_strdup (s->info->name);
  row->results = cari_eval_session_run (s, store, request, on_result, &printer, &saved, &error);
  if (row->results == NULL)
    {
      g_printerr ("%s: %s\n", prog, error->message);
      return FALSE;
    }
  if (views > 0
      && !cari_eval_session_views (s, store, g_array_index (saved, gint64, 0), views, on_progress,
                                   on_view, &progress, NULL, &error))
    {
      g_printerr ("%s: %s\n", prog, error->message);
      return FALSE;
    }
  return TRUE;
}

int
cmd_eval (int argc, char **argv)
{
  g_autofree char *db = NULL, *protocol = NULL, *fold = NULL, *score = NULL, *format = NULL;
  g_auto (GStrv) runs = NULL;
  gint64 step = -1, seed = 1;
  int n_errors = 0, views = 0;
  gboolean no_save = FALSE, include_leaked = FALSE;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "run", 'r', 0, G_OPTION_ARG_STRING_ARRAY, &runs, N_("Run to evaluate (id or name); repeat it for one table row per run"), N_("RUN") },
    { "step", 0, 0, G_OPTION_ARG_INT64, &step, N_("Checkpoint step (default: the latest)"), N_("N") },
    { "protocol", 'p', 0, G_OPTION_ARG_STRING, &protocol, N_("webcari.restricted, webcari.unrestricted, webcari.c2p, webcari.p2c, cavi.pairs or all (default: all the data set has)"), N_("NAME") },
    { "fold", 'f', 0, G_OPTION_ARG_STRING, &fold, N_("Protocol fold, or all (default: the run's fold)"), N_("K") },
    { "score", 0, 0, G_OPTION_ARG_STRING, &score, N_("Pair score: cosine or squared-euclidean (default: cosine)"), N_("NAME") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed of the threshold-selection folds (default: 1)"), N_("N") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("Tables as text, csv or latex (default: text)"), N_("FORMAT") },
    { "errors", 'e', 0, G_OPTION_ARG_INT, &n_errors, N_("Print the N worst false positives and false negatives"), N_("N") },
    { "no-save", 0, 0, G_OPTION_ARG_NONE, &no_save, N_("Do not record the evaluation in the run database"), NULL },
    { "include-leaked", 0, 0, G_OPTION_ARG_NONE, &include_leaked, N_("Keep results computed on identities or images the run trained on (left out by default), marked † in the tables"), NULL },
    { "views", 0, 0, G_OPTION_ARG_INT, &views, N_("Also lay out Fig. 2's four t-SNE views of the N identities with the most unseen images (the paper: 50), stored with the first evaluation"), N_("N") },
    { NULL },
  };
  g_autoptr (GError) error = NULL;

  if (!cli_parse_command (&argc, &argv,
                          _("Evaluate runs' checkpoints on the protocols of their data set, "
                            "record the results and pair scores in the run database, and print "
                            "them in the layouts of the paper's Tables 2–5."),
                          entries))
    return CLI_EXIT_USAGE;
  CariEvalOptions options;
  CariTableFormat table_format = CARI_TABLE_TEXT;
  cari_eval_options_init (&options);
  options.seed = (guint64) seed;
  if (runs == NULL || runs[0] == NULL)
    {
      g_printerr (_("%s: give the run with --run\n"), argv[0]);
      return CLI_EXIT_USAGE;
    }
  if ((protocol != NULL && strcmp (protocol, "all") != 0 && !cari_protocol_kind (protocol, NULL))
      || (score != NULL && !cari_score_kind_from_string (score, &options.score, &error))
      || (format != NULL && !cari_table_format_from_string (format, &table_format, &error))
      || n_errors < 0 || views < 0)
    {
      if (error == NULL)
        g_set_error (&error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     n_errors < 0 || views < 0 ? _("--errors and --views must not be negative")
                                  : _("Unknown protocol “%s” (webcari.restricted, "
                                      "webcari.unrestricted, webcari.c2p, webcari.p2c or "
                                      "cavi.pairs)"),
                     protocol);
      g_printerr ("%s: %s\n", argv[0], error->message);
      return CLI_EXIT_USAGE;
    }

  g_autoptr (CariStore) store = cli_open_store (db, no_save, &error);
  if (store == NULL)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  cli_catch_interrupts ();
  const CariEvalRequest request = { protocol, fold, !no_save, include_leaked };
  g_autoptr (GPtrArray) left_out = g_ptr_array_new_with_free_func (g_free);
  gint64 start = g_get_monotonic_time ();
  guint n_runs = g_strv_length (runs);
  g_autoptr (GArray) rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (rows, (GDestroyNotify) row_clear);
  for (guint i = 0; i < n_runs; i++)
    {
      Row row = { NULL, NULL };
      gboolean ok = eval_run (store, runs[i], step, &request, &options, n_errors, views, argv[0],
                              &row, left_out);
      g_array_append_val (rows, row); /* cleared with the rows, even when it failed */
      if (!ok)
        return CLI_EXIT_FAILURE;
    }
  fprintf (stderr, _("Evaluated in %.1f s\n"), (g_get_monotonic_time () - start) / 1e6);

  g_autofree CariTableRow *trows = g_new (CariTableRow, rows->len);
  gboolean on_validation = FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      trows[i] = (CariTableRow) { row->label, row->results };
      for (guint j = 0; j < row->results->len; j++)
        {
          const CariEvalMetric *m = cari_eval_result_get (g_ptr_array_index (row->results, j),
                                                          "id_on_validation");
          on_validation |= m != NULL && m->value > 0.5;
        }
    }
  g_autoptr (GPtrArray) tables = cari_paper_tables (trows, (int) rows->len);
  for (guint i = 0; i < tables->len; i++)
    {
      g_autofree char *text = cari_table_format (g_ptr_array_index (tables, i), table_format);
      if (i > 0)
        fputs ("\n", stdout);
      fputs (text, stdout);
    }
  if (on_validation && table_format == CARI_TABLE_TEXT)
    printf ("\n%s\n", _("Visual-id, Cari-id, V2C and C2V are measured on the validation images of "
                        "the training identities: the protocol's test identities are unseen by "
                        "the classifiers (open set)."));
  if (left_out->len > 0 && table_format == CARI_TABLE_TEXT)
    {
      /* Where a table is short of a protocol, say why and what would fill it. */
      g_autoptr (GString) which = g_string_new (NULL);
      for (guint i = 0; i < left_out->len; i++)
        g_string_append_printf (which, "%s%s", i ? ", " : "",
                                (const char *) g_ptr_array_index (left_out, i));
      printf ("\n");
      printf (_("Left out of the tables: %s — the run trained on their test identities (on "
                "WebCaricature a protocol's folds split the subjects their own way). A run "
                "trained on that protocol's own split (--set data.protocol=…) fills them.\n"),
              which->str);
    }
  return CLI_EXIT_OK;
}
