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

static const char *const all_protocols[] = {
  "webcari.restricted", "webcari.unrestricted", "webcari.c2p", "webcari.p2c", "cavi.pairs",
};

/* The folds to evaluate `protocol` on: all of them, one given, or by default the run's fold
 * when the protocol has it (else its first). */
static GArray *
folds_for (const CariDatasetIndex *index, const char *protocol, const char *fold_arg,
           const CariRunConfig *cfg, GError **error)
{
  g_autoptr (GArray) have = cari_protocol_folds (index, protocol);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
  if (have->len == 0)
    return out;
  if (g_strcmp0 (fold_arg, "all") == 0)
    {
      for (guint i = 0; i < have->len; i++)
        if (g_array_index (have, int, i) > 0 || have->len == 1)
          g_array_append_val (out, g_array_index (have, int, i));
      return out;
    }
  int want = cfg->fold;
  if (fold_arg != NULL)
    {
      char *end = NULL;
      gint64 v = g_ascii_strtoll (fold_arg, &end, 10);
      if (end == fold_arg || *end != '\0' || v < 0 || v > 1000)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("--fold: “%s” is not a fold number or “all”"), fold_arg);
          g_array_unref (out);
          return NULL;
        }
      want = (int) v;
      g_array_append_val (out, want); /* the evaluator names the folds there are */
      return out;
    }
  for (guint i = 0; i < have->len; i++)
    if (g_array_index (have, int, i) == want)
      {
        g_array_append_val (out, want);
        return out;
      }
  g_array_append_val (out, g_array_index (have, int, have->len > 1 ? 1 : 0));
  return out;
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
  g_ptr_array_unref (row->results);
}

/* Evaluates one run; FALSE after printing why. */
static void
on_tsne_progress (int iteration, int n_iter, double kl, gpointer data)
{
  const char *view = data;
  if (iteration == n_iter || iteration % 250 == 0)
    fprintf (stderr, _("  t-SNE %s: iteration %d of %d\n"), view, iteration, n_iter);
}

/* Fig. 2: the four views of the images the run never trained on, stored with `evaluation`. */
static gboolean
compute_views (CariStore *store, CariEvaluator *ev, const CariDatasetIndex *index,
               CariDataSource *source, const CariRunConfig *cfg, gint64 evaluation,
               int top, const char *prog)
{
  g_autoptr (GError) error = NULL;
  int n;
  g_autofree int *images = cari_views_pick_images (index, source, cfg->protocol, cfg->fold, top,
                                                   &n);
  CariTsneParams params;
  cari_tsne_params_init (&params);
  params.perplexity = 50.0; /* REFERENCE §4 */
  for (int v = 0; v < CARI_N_VIEWS; v++)
    {
      CariViewLayout layout;
      gint64 start = g_get_monotonic_time ();
      const char *name = cari_view_to_string (v);
      if (!cari_evaluator_view_layout (ev, v, images, n, &params, on_tsne_progress, (gpointer) name,
                                       NULL, &layout, &error)
          || (evaluation > 0
              && !cari_store_save_layout (store, evaluation, name, layout.images, layout.xy,
                                          layout.n, &error)))
        {
          g_printerr ("%s: %s: %s\n", prog, name, error->message);
          return FALSE;
        }
      fprintf (stderr, _("%s view: %d images, KL %.3f, %.1f s\n"), name, layout.n, layout.kl,
               (g_get_monotonic_time () - start) / 1e6);
      cari_view_layout_clear (&layout);
    }
  return TRUE;
}

static gboolean
eval_run (CariStore *store, const char *run_arg, gint64 step, const char *protocol_arg,
          const char *fold_arg, const CariEvalOptions *options, gboolean save, int n_errors,
          int views, const char *prog, Row *row)
{
  g_autoptr (GError) error = NULL;
  gint64 run, ck_step = -1;
  if (!cari_store_find_run (store, run_arg, &run, &error))
    {
      g_printerr ("%s: %s\n", prog, error->message);
      return FALSE;
    }
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, &error);
  g_autoptr (CariRunConfig) cfg = info ? cari_run_config_new (info->config, &error) : NULL;
  if (cfg != NULL && g_strcmp0 (cfg->dataset, "toy") == 0)
    g_set_error (&error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                 _("Run “%s” trained on the toy set, which has no evaluation protocols"),
                 info->name);
  g_autoptr (CariDatasetIndex) index = cfg && !error ? cli_dataset_index (store, cfg->dataset,
                                                                         &error)
                                                     : NULL;
  g_autoptr (CariDataSource) source = index ? cli_open_loader (cfg, index, &error) : NULL;
  g_autoptr (CariNet) net = source ? cari_launch_load_net (store, run, step, cfg,
                                                           source->n_identities, &ck_step,
                                                           &error)
                                   : NULL;
  if (net == NULL)
    {
      g_printerr (_("%s: run %s: %s\n"), prog, run_arg, error->message);
      return FALSE;
    }
  fprintf (stderr, _("Evaluating run %lld “%s” at step %lld on %s\n"), (long long) run,
           info->name, (long long) ck_step, index->name);

  g_autoptr (CariEvaluator) ev = cari_evaluator_new (net, source, index, options);
  Progress progress = { prog, -25 };
  cari_evaluator_set_progress (ev, on_progress, &progress);
  g_autofree char *opts = g_strdup_printf ("score=%s;folds=%d;seed=%llu",
                                           cari_score_kind_to_string (options->score),
                                           options->n_folds,
                                           (unsigned long long) options->seed);
  row->label = g_strdup (info->name);
  row->results = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_eval_result_free);

  gint64 first_saved = 0;
  for (size_t p = 0; p < G_N_ELEMENTS (all_protocols); p++)
    {
      const char *protocol = all_protocols[p];
      if (protocol_arg != NULL && strcmp (protocol_arg, "all") != 0
          && strcmp (protocol_arg, protocol) != 0)
        continue;
      g_autoptr (GArray) folds = folds_for (index, protocol, fold_arg, cfg, &error);
      if (folds == NULL)
        {
          g_printerr ("%s: %s\n", prog, error->message);
          return FALSE;
        }
      if (folds->len == 0 && protocol_arg != NULL && strcmp (protocol_arg, protocol) == 0)
        {
          g_printerr (_("%s: data set “%s” has no test data for protocol “%s”\n"), prog,
                      index->name, protocol);
          return FALSE;
        }
      for (guint f = 0; f < folds->len; f++)
        {
          CariEvalResult *r = cari_evaluator_run (ev, protocol, g_array_index (folds, int, f),
                                                  &error);
          if (r == NULL)
            {
              g_printerr ("%s: %s\n", prog, error->message);
              return FALSE;
            }
          g_ptr_array_add (row->results, r);
          if (r->leaked > 0)
            fprintf (stderr,
                     _("Warning: %s fold %d: the run trained on %d of its test images (or "
                       "their identities); its figures are optimistic\n"),
                     protocol, r->fold, r->leaked);
          if (save)
            {
              gint64 id = cari_store_save_evaluation (store, run, ck_step, r, opts, &error);
              if (id <= 0)
                {
                  g_printerr ("%s: %s\n", prog, error->message);
                  return FALSE;
                }
              fprintf (stderr, _("  %s fold %d: saved as evaluation %lld\n"), protocol, r->fold,
                       (long long) id);
              if (first_saved == 0)
                first_saved = id;
            }
          if (n_errors > 0 && r->pairs->len > 0)
            print_error_pairs (r, index, n_errors);
        }
    }
  if (row->results->len == 0)
    {
      g_printerr (_("%s: data set “%s” has none of the protocols asked for\n"), prog,
                  index->name);
      return FALSE;
    }
  return views <= 0
         || compute_views (store, ev, index, source, cfg, first_saved, views, prog);
}

int
cmd_eval (int argc, char **argv)
{
  g_autofree char *db = NULL, *protocol = NULL, *fold = NULL, *score = NULL, *format = NULL;
  g_auto (GStrv) runs = NULL;
  gint64 step = -1, seed = 1;
  int n_errors = 0, views = 0;
  gboolean no_save = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Run database (default: ~/.local/share/carilab/carilab.db)"), N_("FILE") },
    { "run", 'r', 0, G_OPTION_ARG_STRING_ARRAY, &runs, N_("Run to evaluate (id or name); repeat it for one table row per run"), N_("RUN") },
    { "step", 0, 0, G_OPTION_ARG_INT64, &step, N_("Checkpoint step (default: the latest)"), N_("N") },
    { "protocol", 'p', 0, G_OPTION_ARG_STRING, &protocol, N_("webcari.restricted, webcari.unrestricted, webcari.c2p, webcari.p2c, cavi.pairs or all (default: all the data set has)"), N_("NAME") },
    { "fold", 'f', 0, G_OPTION_ARG_STRING, &fold, N_("Protocol fold, or all (default: the run's fold)"), N_("K") },
    { "score", 0, 0, G_OPTION_ARG_STRING, &score, N_("Pair score: cosine or squared-euclidean (default: cosine)"), N_("NAME") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed of the threshold-selection folds (default: 1)"), N_("N") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("Tables as text, csv or latex (default: text)"), N_("FORMAT") },
    { "errors", 'e', 0, G_OPTION_ARG_INT, &n_errors, N_("Print the N worst false positives and false negatives"), N_("N") },
    { "no-save", 0, 0, G_OPTION_ARG_NONE, &no_save, N_("Do not record the evaluation in the run database"), NULL },
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
    {
      g_printerr ("%s: %s\n", argv[0], error->message);
      return CLI_EXIT_FAILURE;
    }
  cli_catch_interrupts ();
  gint64 start = g_get_monotonic_time ();
  guint n_runs = g_strv_length (runs);
  g_autoptr (GArray) rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (rows, (GDestroyNotify) row_clear);
  for (guint i = 0; i < n_runs; i++)
    {
      Row row = { NULL, NULL };
      gboolean ok = eval_run (store, runs[i], step, protocol, fold, &options, !no_save, n_errors,
                              views, argv[0], &row);
      if (row.results != NULL)
        g_array_append_val (rows, row);
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
  return CLI_EXIT_OK;
}
