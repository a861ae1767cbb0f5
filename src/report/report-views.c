/* report-views.c — the report's figures of single images at one seed: Fig. 2's t-SNE views of
 * the single-task models beside proposed's, and Fig. 8's hardest error pairs of proposed, with
 * thumbnails decoded by the engine. */
#include "report-private.h"

#include "core/compare.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* The data sets the figures read, by id, loaded once. */
typedef struct
{
  GHashTable *indexes; /* gint64 id → CariDatasetIndex * */
} Datasets;

static void
datasets_init (Datasets *d)
{
  d->indexes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                      (GDestroyNotify) cari_dataset_index_free);
}

static void
datasets_clear (Datasets *d)
{
  g_clear_pointer (&d->indexes, g_hash_table_unref);
}

/* The index of the data set evaluation `evaluation` was computed on. */
static const CariDatasetIndex *
datasets_of (Datasets *d, CariStore *store, gint64 evaluation, GError **error)
{
  g_autoptr (CariEvalInfo) info = cari_store_get_evaluation (store, evaluation, error);
  if (info == NULL)
    return NULL;
  CariDatasetIndex *index = g_hash_table_lookup (d->indexes, &info->dataset);
  if (index == NULL)
    {
      index = cari_store_load_dataset (store, info->dataset, error);
      if (index == NULL)
        return NULL;
      g_hash_table_insert (d->indexes, g_memdup2 (&info->dataset, sizeof info->dataset), index);
    }
  return index;
}

/* The run of `cell` at seed index `seed`, when it is finished and evaluated; else 0, with why in
 * *missing. */
static gint64
run_at (const CariExperimentSummary *summary, const CariExperimentCell *cell, int seed,
        const char *what, GString *missing)
{
  int n = 0;
  const gint64 *runs = cell != NULL ? cari_experiment_summary_get_runs (summary, cell->id, &n)
                                    : NULL;
  if (runs == NULL)
    /* TRANSLATORS: %s names a model, e.g. "the single caricature task" */
    g_string_append_printf (missing, _("The preset has no %s. "), what);
  else if (seed >= n || runs[seed] == 0)
    g_string_append_printf (missing, _("%s has no run at this seed. "), cell->label);
  else if (!cari_experiment_summary_run_done (summary, runs[seed]))
    g_string_append_printf (missing, _("The run of %s at this seed is not finished and "
                                       "evaluated yet. "),
                            cell->label);
  else
    return runs[seed];
  return 0;
}

/* --- Fig. 2 ----------------------------------------------------------------------------------- */

typedef struct
{
  int n;
  int *images;
  float *xy;
  guint32 *colors;
  guint8 *markers;
} View;

static void
view_clear (View *v)
{
  g_clear_pointer (&v->images, g_free);
  g_clear_pointer (&v->xy, g_free);
  g_clear_pointer (&v->colors, g_free);
  g_clear_pointer (&v->markers, g_free);
}

/* The evaluation of `run` whose views are stored, laying them out on the first when none is
 * (slow: t-SNE). 0 with `error` set on failure. */
static gint64
evaluation_with_views (ReportDoc *doc, CariStore *store, const CariExperimentSummary *summary,
                       gint64 run, GError **error)
{
  g_autoptr (GArray) evaluations = cari_experiment_summary_get_evaluations (summary, run);
  if (evaluations == NULL || evaluations->len == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("Run %lld has no evaluation"), (long long) run);
      return 0;
    }
  for (guint i = 0; i < evaluations->len; i++)
    {
      gint64 e = g_array_index (evaluations, gint64, i);
      int *images = NULL, n = 0;
      float *xy = NULL;
      if (cari_store_load_layout (store, e, cari_view_to_string (CARI_VIEW_V2V), &images, &xy,
                                  &n, NULL))
        {
          g_free (images);
          g_free (xy);
          return e;
        }
    }
  gint64 first = g_array_index (evaluations, gint64, 0);
  int top = doc->options->views_top > 0 ? doc->options->views_top : 50;
  report_progress (doc, _("Laying out the t-SNE views of run %lld (%d identities; this takes a "
                          "while)"),
                   (long long) run, top);
  if (!cari_launch_layouts (store, first, top, NULL, NULL, NULL, error))
    return 0;
  return first;
}

static int
compare_point (gconstpointer a, gconstpointer b, gpointer data)
{
  const View *v = data;
  int i = *(const int *) a, j = *(const int *) b;
  if (v->colors[i] != v->colors[j])
    return v->colors[i] < v->colors[j] ? -1 : 1;
  return (int) v->markers[i] - (int) v->markers[j];
}

/* One view of an evaluation: its points coloured by identity (in the order of the identities'
 * indices, so that the same identity has the same colour in every view), photos as circles,
 * caricatures as triangles. */
static gboolean
load_view (CariStore *store, Datasets *sets, gint64 evaluation, CariView which, View *v,
           GError **error)
{
  const CariDatasetIndex *index = datasets_of (sets, store, evaluation, error);
  if (index == NULL
      || !cari_store_load_layout (store, evaluation, cari_view_to_string (which), &v->images,
                                  &v->xy, &v->n, error))
    return FALSE;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 0; i < v->n; i++)
    {
      int image = v->images[i];
      int id = image >= 0 && image < (int) index->images->len
                 ? g_array_index (index->images, CariIndexImage, image).identity
                 : -1;
      g_array_append_val (ids, id);
    }
  g_autoptr (GArray) sorted = g_array_copy (ids);
  g_array_sort (sorted, cari_compare_int);
  v->colors = g_new (guint32, v->n);
  v->markers = g_new (guint8, v->n);
  for (int i = 0; i < v->n; i++)
    {
      int id = g_array_index (ids, int, i);
      int rank = 0;
      for (guint k = 0; k < sorted->len && g_array_index (sorted, int, k) < id; k++)
        if (k == 0 || g_array_index (sorted, int, k) != g_array_index (sorted, int, k - 1))
          rank++;
      int image = v->images[i];
      v->colors[i] = id >= 0 ? cari_plot_palette (rank) : CARI_PLOT_NO_COLOR;
      v->markers[i] = image >= 0 && image < (int) index->images->len
                          && g_array_index (index->images, CariIndexImage, image).modality
                               == CARI_MODALITY_PHOTO
                        ? CARI_PLOT_MARKER_CIRCLE
                        : CARI_PLOT_MARKER_TRIANGLE;
    }
  return TRUE;
}

static void
draw_view (ReportDoc *doc, const View *v, const char *title, const char *subtitle,
           const double rect[4])
{
  g_autofree int *order = g_new (int, MAX (v->n, 1));
  for (int i = 0; i < v->n; i++)
    order[i] = i;
  g_qsort_with_data (order, v->n, sizeof *order, compare_point, (gpointer) v);
  g_autoptr (GArray) groups = g_array_new (FALSE, FALSE, sizeof (CariPlotScatterGroup));
  CariPlotScatter s = { .title = title, .subtitle = subtitle, .xy = v->xy, .n = v->n,
                        .order = order,
                        .bounds = { INFINITY, INFINITY, -INFINITY, -INFINITY } };
  for (int k = 0; k < v->n; k++)
    {
      int i = order[k];
      float x = v->xy[2 * i], y = v->xy[2 * i + 1];
      if (isfinite (x) && isfinite (y))
        {
          s.bounds[0] = MIN (s.bounds[0], x);
          s.bounds[1] = MIN (s.bounds[1], y);
          s.bounds[2] = MAX (s.bounds[2], x);
          s.bounds[3] = MAX (s.bounds[3], y);
        }
      s.has_marker[v->markers[i]] = TRUE;
      CariPlotScatterGroup *last = groups->len > 0
                                     ? &g_array_index (groups, CariPlotScatterGroup,
                                                       groups->len - 1)
                                     : NULL;
      if (last != NULL && last->color == v->colors[i] && last->marker == v->markers[i])
        last->count++;
      else
        {
          CariPlotScatterGroup g = { v->colors[i], v->markers[i], FALSE, FALSE, k, 1 };
          g_array_append_val (groups, g);
        }
    }
  s.groups = (const CariPlotScatterGroup *) (gpointer) groups->data;
  s.n_groups = groups->len;
  CariPlotStyle style = doc->style;
  style.font_label = 8;
  style.font_figure_title = 9.5;
  report_doc_enter (doc, rect);
  cari_plot_scatter_render (doc->cr, &style, &s, (int) rect[2], (int) rect[3], TRUE);
  cairo_restore (doc->cr);
}

void
report_fig2 (ReportDoc *doc, CariStore *store, const CariExperimentSummary *summary)
{
  report_doc_page (doc, _("Fig. 2: t-SNE views of the single-task models and of proposed"));
  int seed = report_seed_index (doc, summary);
  const CariExperimentDef *def = cari_experiment_summary_get_def (summary);
  if (seed < 0)
    {
      report_doc_missing (doc, _("The experiment has no run at the seed asked for."));
      return;
    }
  g_autofree char *caption = g_strdup_printf (
    _("Seed %llu. Top row: V2V and V2C from the single visual model, C2C and "
      "C2V from the single caricature model; bottom row: proposed's four views. Colours are "
      "identities, circles photos, triangles caricatures; only images the runs never trained "
      "on."),
    (unsigned long long) (def->first_seed + (guint64) seed));
  report_doc_paragraph (doc, caption, 0, FALSE, 0);

  /* The model of each of the eight panels: row 0 the single-task models, row 1 proposed. */
  g_autoptr (GString) missing = g_string_new (NULL);
  gint64 single_visual = run_at (summary, report_find_cell (summary, "single", "visual"), seed,
                                 _("single visual task"), missing);
  gint64 single_cari = run_at (summary, report_find_cell (summary, "single", "cari"), seed,
                               _("single caricature task"), missing);
  gint64 proposed = run_at (summary, report_find_cell (summary, "proposed", NULL), seed,
                            _("proposed strategy"), missing);
  const gint64 models[2][CARI_N_VIEWS] = {
    { single_visual, single_visual, single_cari, single_cari },
    { proposed, proposed, proposed, proposed },
  };
  if (single_visual == 0 && single_cari == 0 && proposed == 0)
    {
      report_doc_missing (doc, missing->str);
      return;
    }

  /* Every view first, so that what could not be laid out is said above the panels. */
  Datasets sets;
  datasets_init (&sets);
  g_autoptr (GHashTable) evaluations = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                              g_free);
  View views[2][CARI_N_VIEWS] = { { { 0 } } };
  for (int row = 0; row < 2; row++)
    for (int view = 0; view < CARI_N_VIEWS; view++)
      {
        gint64 run = models[row][view];
        if (run == 0)
          continue;
        gint64 *evaluation = g_hash_table_lookup (evaluations, &run);
        g_autoptr (GError) local = NULL;
        g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, NULL);
        const char *name = info != NULL ? info->name : "?";
        if (evaluation == NULL)
          {
            gint64 e = evaluation_with_views (doc, store, summary, run, &local);
            evaluation = g_memdup2 (&e, sizeof e);
            g_hash_table_insert (evaluations, g_memdup2 (&run, sizeof run), evaluation);
            if (e == 0)
              /* TRANSLATORS: the run, and why its views could not be laid out */
              g_string_append_printf (missing, _("No views of %s: %s. "), name, local->message);
          }
        if (*evaluation > 0
            && !load_view (store, &sets, *evaluation, (CariView) view, &views[row][view], &local))
          /* TRANSLATORS: a view (V2C), the run, and why it could not be drawn */
          g_string_append_printf (missing, _("No %s of %s: %s. "),
                                  cari_view_to_string ((CariView) view), name, local->message);
      }
  if (missing->len > 0)
    report_doc_missing (doc, missing->str);
  for (int row = 0; row < 2; row++)
    for (int view = 0; view < CARI_N_VIEWS; view++)
      {
        if (views[row][view].n > 0)
          {
            double rect[4];
            g_autoptr (CariRunInfo) info = cari_store_get_run (store, models[row][view], NULL);
            report_doc_cell_rect (doc, CARI_N_VIEWS, 2, row * CARI_N_VIEWS + view, rect);
            draw_view (doc, &views[row][view], cari_view_to_string ((CariView) view),
                       info != NULL ? info->name : NULL, rect);
          }
        view_clear (&views[row][view]);
      }
  datasets_clear (&sets);
}

/* --- Fig. 8 ----------------------------------------------------------------------------------- */

/* The thumbnail of an image fitted into the box (x, y, side × side); a grey box when it cannot
 * be read. */
static void
draw_thumbnail (ReportDoc *doc, const CariDatasetIndex *index, int image, double x, double y,
                double side)
{
  cairo_t *cr = doc->cr;
  g_autoptr (CariImage) img = NULL;
  if (image >= 0 && image < (int) index->images->len)
    {
      g_autofree char *path = g_build_filename (
        index->root, g_array_index (index->images, CariIndexImage, image).path, NULL);
      CariImageTarget target = { (int) ceil (side * 2), 0, 0 };
      g_autoptr (GError) error = NULL;
      img = cari_image_load_reduced (path, NULL, &target, NULL, &error);
      if (img == NULL)
        report_progress (doc, "%s", error->message);
    }
  if (img == NULL)
    {
      cari_plot_set_source (cr, &doc->style.foreground, 0.15);
      cairo_rectangle (cr, x, y, side, side);
      cairo_fill (cr);
      cari_plot_set_source (cr, &doc->style.foreground, 1);
      return;
    }
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, img->width,
                                                         img->height);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  gsize plane = (gsize) img->width * img->height;
  for (int r = 0; r < img->height; r++)
    for (int c = 0; c < img->width; c++)
      {
        gsize i = (gsize) r * img->width + c;
        guint32 rgb = 0;
        for (int k = 0; k < 3; k++)
          rgb = rgb << 8 | (guint32) lroundf (CLAMP (img->pixels[k * plane + i], 0, 1) * 255);
        ((guint32 *) (gpointer) (data + (gsize) r * stride))[c] = rgb;
      }
  cairo_surface_mark_dirty (surface);
  double scale = side / MAX (img->width, img->height);
  cairo_save (cr);
  cairo_translate (cr, x + (side - img->width * scale) / 2, y + (side - img->height * scale) / 2);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surface);
}

typedef struct
{
  const CariPairScore *pairs;
  double threshold;
} Hardest;

static int
compare_hardest (gconstpointer a, gconstpointer b, gpointer data)
{
  const Hardest *h = data;
  int i = *(const int *) a, j = *(const int *) b;
  const CariPairScore *x = &h->pairs[i], *y = &h->pairs[j];
  return cari_pair_compare (CARI_PAIR_ORDER_HARDEST,
                            cari_pair_hardness (x->score, x->same, h->threshold), x->score, i,
                            cari_pair_hardness (y->score, y->same, h->threshold), y->score, j);
}

/* The first verification result among the run's evaluations (NULL with no error when none). */
static CariEvalResult *
verification_result (CariStore *store, const CariExperimentSummary *summary, gint64 run,
                     gint64 *evaluation, GError **error)
{
  g_autoptr (GArray) evaluations = cari_experiment_summary_get_evaluations (summary, run);
  for (guint i = 0; evaluations != NULL && i < evaluations->len; i++)
    {
      *evaluation = g_array_index (evaluations, gint64, i);
      CariEvalResult *result = cari_store_load_evaluation (store, *evaluation, error);
      if (result == NULL)
        return NULL;
      if (result->kind == CARI_PROTOCOL_VERIFICATION && result->pairs->len > 0)
        return result;
      cari_eval_result_free (result);
    }
  return NULL;
}

/* One column of pairs of one verdict, hardest first. */
static void
pairs_column (ReportDoc *doc, const CariDatasetIndex *index, const CariPairScore *pairs,
              const int *chosen, int n, double threshold, const char *heading, double x,
              double width)
{
  double y = doc->y, side = MIN (64, (report_doc_room (doc) - 24) / MAX (n, 1) - 8);
  cari_plot_text_show_aligned (&doc->text, heading, 10.5, TRUE, x, y, 0, 0, NULL);
  y += 18;
  if (n == 0)
    cari_plot_text_show_aligned (&doc->text, _("none at this threshold"), 9, FALSE, x, y, 0, 0,
                                 NULL);
  for (int k = 0; k < n; k++, y += side + 8)
    {
      const CariPairScore *p = &pairs[chosen[k]];
      draw_thumbnail (doc, index, p->a, x, y, side);
      draw_thumbnail (doc, index, p->b, x + side + 4, y, side);
      const char *names[2] = { "?", "?" };
      for (int e = 0; e < 2; e++)
        {
          int image = e == 0 ? p->a : p->b;
          if (image >= 0 && image < (int) index->images->len)
            names[e] = g_ptr_array_index (
              index->identities, g_array_index (index->images, CariIndexImage, image).identity);
        }
      /* TRANSLATORS: a pair's score against the threshold, then its two identities */
      g_autofree char *label = g_strdup_printf (_("score %.3f (threshold %.3f)\n%s — %s"),
                                                p->score, threshold, names[0], names[1]);
      cari_plot_text_set (&doc->text, label, 8.5, FALSE, NULL, NULL);
      pango_layout_set_width (doc->text.layout, (int) ((width - 2 * side - 16) * PANGO_SCALE));
      cari_plot_text_show (&doc->text, x + 2 * side + 12, y + 4);
      pango_layout_set_width (doc->text.layout, -1);
    }
}

gboolean
report_fig8 (ReportDoc *doc, CariStore *store, const CariExperimentSummary *summary,
             GError **error)
{
  report_doc_page (doc, _("Fig. 8: the hardest false positives and false negatives of "
                          "proposed"));
  int seed = report_seed_index (doc, summary);
  g_autoptr (GString) missing = g_string_new (NULL);
  gint64 run = seed < 0 ? 0
                        : run_at (summary, report_find_cell (summary, "proposed", NULL), seed,
                                  _("proposed strategy"), missing);
  if (seed < 0)
    g_string_append (missing, _("The experiment has no run at the seed asked for."));
  if (run == 0)
    {
      report_doc_missing (doc, missing->str);
      return TRUE;
    }
  gint64 evaluation = 0;
  g_autoptr (CariEvalResult) result = verification_result (store, summary, run, &evaluation,
                                                           error);
  if (result == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      report_doc_missing (doc, _("Proposed has no verification evaluation at this seed."));
      return TRUE;
    }
  const CariPairScore *pairs = (const CariPairScore *) (gpointer) result->pairs->data;
  int n = (int) result->pairs->len;
  const CariEvalMetric *m = cari_eval_result_get (result, "threshold");
  g_autoptr (CariPairSet) set = cari_pair_set_new (
    pairs, n, isfinite (result->threshold) ? result->threshold : m != NULL ? m->value : NAN);
  double threshold = cari_pair_set_get_threshold (set, CARI_THRESHOLD_SELECTION);
  if (isnan (threshold))
    threshold = cari_pair_set_get_threshold (set, CARI_THRESHOLD_EER);

  Datasets sets;
  datasets_init (&sets);
  const CariDatasetIndex *index = datasets_of (&sets, store, evaluation, error);
  if (index == NULL)
    {
      datasets_clear (&sets);
      return FALSE;
    }
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, NULL);
  g_autofree char *caption = g_strdup_printf (
    _("Run %s, protocol %s: the impostor pairs scored furthest above the threshold (false "
      "positives) and the genuine pairs furthest below it (false negatives), at the 10-fold "
      "selection threshold."),
    info != NULL ? info->name : "?", result->protocol);
  report_doc_paragraph (doc, caption, 0, FALSE, 0);

  int want = doc->options->n_pairs > 0 ? doc->options->n_pairs : 4;
  double half = (REPORT_PAGE_WIDTH - 2 * REPORT_MARGIN) / 2;
  for (int column = 0; column < 2; column++)
    {
      CariVerdict verdict = column == 0 ? CARI_VERDICT_FP : CARI_VERDICT_FN;
      g_autoptr (GArray) chosen = g_array_new (FALSE, FALSE, sizeof (int));
      for (int i = 0; i < n; i++)
        if (cari_verdict_of (pairs[i].score, pairs[i].same, threshold) == verdict)
          g_array_append_val (chosen, i);
      Hardest h = { pairs, threshold };
      g_qsort_with_data (chosen->data, chosen->len, sizeof (int), compare_hardest, &h);
      g_autofree char *heading = g_strdup_printf ("%s (%u)", cari_verdict_describe (verdict),
                                                  chosen->len);
      pairs_column (doc, index, pairs, (const int *) (gpointer) chosen->data,
                    MIN ((int) chosen->len, want), threshold, heading,
                    REPORT_MARGIN + column * half, half - 12);
    }
  datasets_clear (&sets);
  return TRUE;
}
