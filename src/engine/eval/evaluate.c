/* evaluate.c — a trained network on a protocol fold: embeddings, scores and the figures of the
 * paper's Tables 2–5. */
#include "eval/evaluate.h"

#include "core/compare.h"
#include "core/error.h"
#include "core/i18n.h"
#include "eval/identification.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N_TASKS 3

struct _CariEvaluator
{
  CariNet *net;                  /* borrowed */
  CariDataSource *source;        /* borrowed */
  const CariDatasetIndex *index; /* borrowed */
  CariEvalOptions options;
  CariEvalProgress progress;
  gpointer progress_data;
  int dim;                       /* embedding size */
  int n_classes;
  int embed_task;                /* the branch verification and identification use; −1: none */
  /* Per task: embeddings [n_images, dim] and class scores [n_images, n_classes] of the images
   * done so far (done[i]). */
  float *embeddings[N_TASKS];
  float *probs[N_TASKS];
  guint8 *done[N_TASKS];
};

/* ------------------------------------------------------------------------------ protocols */

const char *const cari_protocol_names[CARI_N_PROTOCOLS] = {
  "webcari.restricted", "webcari.unrestricted", "webcari.c2p", "webcari.p2c", "cavi.pairs",
};

gboolean
cari_protocol_kind (const char *protocol, CariProtocolKind *kind)
{
  for (int i = 0; protocol != NULL && i < CARI_N_PROTOCOLS; i++)
    if (strcmp (protocol, cari_protocol_names[i]) == 0)
      {
        if (kind != NULL)
          *kind = g_str_has_suffix (protocol, ".c2p") || g_str_has_suffix (protocol, ".p2c")
                    ? CARI_PROTOCOL_IDENTIFICATION
                    : CARI_PROTOCOL_VERIFICATION;
        return TRUE;
      }
  return FALSE;
}

gboolean
cari_protocol_is_open_set (const char *protocol)
{
  return protocol != NULL && g_str_has_prefix (protocol, "webcari.");
}

const char *
cari_score_kind_to_string (CariScoreKind kind)
{
  return kind == CARI_SCORE_NEG_SQUARED_EUCLIDEAN ? "squared-euclidean" : "cosine";
}

gboolean
cari_score_kind_from_string (const char *name, CariScoreKind *kind, GError **error)
{
  if (g_strcmp0 (name, "cosine") == 0)
    *kind = CARI_SCORE_COSINE;
  else if (g_strcmp0 (name, "squared-euclidean") == 0)
    *kind = CARI_SCORE_NEG_SQUARED_EUCLIDEAN;
  else
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Unknown score “%s” (cosine or squared-euclidean)"), name ? name : "");
      return FALSE;
    }
  return TRUE;
}

GArray *
cari_protocol_folds (const CariDatasetIndex *index, const char *protocol)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  GArray *folds = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint r = 0; r < cari_dataset_index_n_protocol_rows (index); r++)
    {
      CariProtocolRow row;
      cari_dataset_index_get_protocol_row (index, r, &row);
      if (strcmp (row.protocol, protocol) == 0 && row.role == CARI_ROLE_TEST
          && g_hash_table_add (seen, GINT_TO_POINTER (row.fold + 1)))
        g_array_append_val (folds, row.fold);
    }
  if (folds->len > 1)
    qsort (folds->data, folds->len, sizeof (int), cari_compare_int);
  return folds;
}

/* ------------------------------------------------------------------------------ results */

void
cari_eval_result_free (CariEvalResult *r)
{
  if (r == NULL)
    return;
  g_free (r->protocol);
  g_array_unref (r->metrics);
  g_array_unref (r->pairs);
  g_array_unref (r->cmc);
  g_free (r);
}

const CariEvalMetric *
cari_eval_result_get (const CariEvalResult *r, const char *name)
{
  for (guint i = 0; i < r->metrics->len; i++)
    {
      const CariEvalMetric *m = &g_array_index (r->metrics, CariEvalMetric, i);
      if (strcmp (m->name, name) == 0)
        return m;
    }
  return NULL;
}

static void
add_metric (CariEvalResult *r, const char *name, double value, double std)
{
  CariEvalMetric m = { "", value, std };
  g_strlcpy (m.name, name, sizeof m.name);
  g_array_append_val (r->metrics, m);
}

void
cari_eval_options_init (CariEvalOptions *o)
{
  memset (o, 0, sizeof *o);
  o->score = CARI_SCORE_COSINE;
  o->n_folds = 10;
  o->seed = 1;
  o->chunk = 256;
}

/* ------------------------------------------------------------------------------ evaluator */

CariEvaluator *
cari_evaluator_new (CariNet *net, CariDataSource *source, const CariDatasetIndex *index,
                    const CariEvalOptions *options)
{
  CariEvaluator *ev = g_new0 (CariEvaluator, 1);
  ev->net = net;
  ev->source = source;
  ev->index = index;
  if (options != NULL)
    ev->options = *options;
  else
    cari_eval_options_init (&ev->options);
  ev->options.chunk = MAX (ev->options.chunk, 1);
  ev->dim = cari_net_get_config (net)->embedding_size;
  ev->n_classes = cari_net_get_config (net)->n_identities;
  /* `verif`'s embedding; a single-task model's own branch (Fig. 2's views of the single
   * models); none for a net of several branches without `verif` (the two-task toy), which then
   * has Table 2's closed-set columns only. */
  ev->embed_task = -1;
  int present = 0, last = -1;
  for (int t = 0; t < CARI_N_TASKS; t++)
    if (cari_net_has_task (net, (CariTask) t))
      present++, last = t;
  if (cari_net_has_task (net, CARI_TASK_VERIF))
    ev->embed_task = CARI_TASK_VERIF;
  else if (present == 1)
    ev->embed_task = last;
  return ev;
}

void
cari_evaluator_free (CariEvaluator *ev)
{
  if (ev == NULL)
    return;
  for (int t = 0; t < N_TASKS; t++)
    {
      g_free (ev->embeddings[t]);
      g_free (ev->probs[t]);
      g_free (ev->done[t]);
    }
  g_free (ev);
}

const CariDatasetIndex *
cari_evaluator_get_index (CariEvaluator *ev)
{
  return ev->index;
}

void
cari_evaluator_set_progress (CariEvaluator *ev, CariEvalProgress progress, gpointer user_data)
{
  ev->progress = progress;
  ev->progress_data = user_data;
}

static gboolean
report (CariEvaluator *ev, double fraction, const char *what, GError **error)
{
  if (ev->progress != NULL && !ev->progress (fraction, what, ev->progress_data))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_CANCELLED, _("The evaluation was cancelled"));
      return FALSE;
    }
  return TRUE;
}

/* Run the branch of `task` on those of `images` not done yet. */
static gboolean
ensure_done (CariEvaluator *ev, CariTask task, const int *images, int n, GError **error)
{
  const int N = ev->source->n_images, size = ev->source->image_size;
  const size_t img = (size_t) 3 * size * size;

  if (!cari_net_has_task (ev->net, task))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The network has no “%s” branch"), cari_task_to_string (task));
      return FALSE;
    }
  if (ev->done[task] == NULL)
    {
      ev->done[task] = g_new0 (guint8, MAX (N, 1));
      ev->embeddings[task] = g_new (float, (size_t) MAX (N, 1) * ev->dim);
      ev->probs[task] = g_new (float, (size_t) MAX (N, 1) * ev->n_classes);
    }
  g_autofree int *todo = g_new (int, MAX (n, 1));
  int m = 0;
  for (int i = 0; i < n; i++)
    {
      if (images[i] < 0 || images[i] >= N)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Image %d is outside the data set (%d images)"), images[i], N);
          return FALSE;
        }
      if (!ev->done[task][images[i]])
        {
          ev->done[task][images[i]] = 2; /* queued; an image listed twice runs once */
          todo[m++] = images[i];
        }
    }
  const int chunk = ev->options.chunk;
  g_autofree float *pixels = g_new (float, img * MIN (MAX (m, 1), chunk));
  g_autofree float *emb = g_new (float, (size_t) chunk * ev->dim);
  g_autofree float *probs = g_new (float, (size_t) chunk * ev->n_classes);
  if (m == 0)
    return TRUE;
  g_autofree char *what = g_strdup_printf (_("Embedding %d images with the “%s” branch"), m,
                                           cari_task_to_string (task));
  gboolean ok = TRUE;
  for (int start = 0; start < m && ok; start += chunk)
    {
      int count = MIN (chunk, m - start);
      if (start + count < m)
        cari_data_source_prefetch (ev->source, todo + start + count, MIN (chunk, m - start - count));
      ok = report (ev, (double) start / m, what, error)
           && cari_data_source_load (ev->source, todo + start, count, pixels, error)
           && cari_net_infer (ev->net, task, pixels, count, emb, probs, error);
      for (int i = 0; ok && i < count; i++)
        {
          int im = todo[start + i];
          memcpy (ev->embeddings[task] + (size_t) im * ev->dim, emb + (size_t) i * ev->dim,
                  sizeof (float) * ev->dim);
          memcpy (ev->probs[task] + (size_t) im * ev->n_classes, probs + (size_t) i * ev->n_classes,
                  sizeof (float) * ev->n_classes);
          ev->done[task][im] = 1;
        }
    }
  /* On failure, forget the queued marks so a later call retries them. */
  for (int i = 0; !ok && i < m; i++)
    if (ev->done[task][todo[i]] == 2)
      ev->done[task][todo[i]] = 0;
  return ok && report (ev, 1.0, what, error);
}

float *
cari_evaluator_embeddings (CariEvaluator *ev, CariTask task, const int *images, int n, int *dim,
                           GError **error)
{
  if (!ensure_done (ev, task, images, n, error))
    return NULL;
  float *out = g_new (float, (size_t) MAX (n, 1) * ev->dim);
  for (int i = 0; i < n; i++)
    memcpy (out + (size_t) i * ev->dim, ev->embeddings[task] + (size_t) images[i] * ev->dim,
            sizeof (float) * ev->dim);
  if (dim != NULL)
    *dim = ev->dim;
  return out;
}

static float
pair_score (const CariEvaluator *ev, int a, int b)
{
  const float *x = ev->embeddings[ev->embed_task] + (size_t) a * ev->dim;
  const float *y = ev->embeddings[ev->embed_task] + (size_t) b * ev->dim;
  double s = 0.0;
  if (ev->options.score == CARI_SCORE_COSINE)
    for (int k = 0; k < ev->dim; k++)
      s += (double) x[k] * y[k];
  else
    for (int k = 0; k < ev->dim; k++)
      s -= ((double) x[k] - y[k]) * ((double) x[k] - y[k]);
  return (float) s;
}

/* Test images of the protocol fold (deduplicated, in index order). */
static int *
test_images (const CariDatasetIndex *index, const char *protocol, int fold, const char *set,
             int *n)
{
  const int N = (int) index->images->len;
  g_autofree guint8 *mark = g_new0 (guint8, MAX (N, 1));
  for (guint i = 0; i < index->pairs->len && set == NULL; i++)
    {
      const CariIndexPair *p = &g_array_index (index->pairs, CariIndexPair, i);
      if (p->fold == fold && p->role == CARI_ROLE_TEST && strcmp (p->protocol, protocol) == 0)
        mark[p->a] = mark[p->b] = 1;
    }
  for (guint i = 0; i < index->protocol_images->len; i++)
    {
      const CariIndexProtocolImage *p = &g_array_index (index->protocol_images,
                                                        CariIndexProtocolImage, i);
      if (p->fold == fold && p->role == CARI_ROLE_TEST && strcmp (p->protocol, protocol) == 0
          && (set == NULL || g_strcmp0 (p->set, set) == 0))
        mark[p->image] = 1;
    }
  if (set == NULL && index->subjects->len > 0)
    {
      const int K = (int) index->identities->len;
      g_autofree guint8 *subject = g_new0 (guint8, MAX (K, 1));
      gboolean any = FALSE;
      for (guint i = 0; i < index->subjects->len; i++)
        {
          const CariIndexSubject *p = &g_array_index (index->subjects, CariIndexSubject, i);
          if (p->fold == fold && p->role == CARI_ROLE_TEST && strcmp (p->protocol, protocol) == 0)
            subject[p->identity] = any = TRUE;
        }
      for (int i = 0; any && i < N; i++)
        if (subject[g_array_index (index->images, CariIndexImage, i).identity])
          mark[i] = 1;
    }
  int *out = g_new (int, MAX (N, 1));
  *n = 0;
  for (int i = 0; i < N; i++)
    if (mark[i])
      out[(*n)++] = i;
  return out;
}

/* Test images the run trained on: the image itself (closed set) or its identity (open set). */
static int
count_leaked (const CariEvaluator *ev, const char *protocol, const int *images, int n)
{
  const CariDatasetIndex *index = ev->index;
  const int K = (int) index->identities->len;
  g_autofree guint8 *trained = g_new0 (guint8, MAX (K, 1));
  for (int i = 0; i < ev->source->n_images; i++)
    if (ev->source->role[i] == CARI_ROLE_TRAIN)
      trained[g_array_index (index->images, CariIndexImage, i).identity] = 1;
  const gboolean open_set = cari_protocol_is_open_set (protocol);
  int leaked = 0;
  for (int i = 0; i < n; i++)
    {
      int im = images[i];
      if (ev->source->role[im] == CARI_ROLE_TRAIN
          || (open_set && trained[g_array_index (index->images, CariIndexImage, im).identity]))
        leaked++;
    }
  return leaked;
}

/* The classifier label of every index identity the run trained on (−1 for the others). */
static int *
class_of_identity (const CariEvaluator *ev)
{
  const int K = (int) ev->index->identities->len;
  int *label = g_new (int, MAX (K, 1));
  for (int k = 0; k < K; k++)
    label[k] = -1;
  for (int i = 0; i < ev->source->n_images; i++)
    if (ev->source->identity[i] >= 0)
      label[g_array_index (ev->index->images, CariIndexImage, i).identity]
        = ev->source->identity[i];
  return label;
}

/* Table 2's closed-set columns, on `images` (those of a known identity count). */
static gboolean
add_classification (CariEvaluator *ev, CariEvalResult *r, const int *images, int n,
                    gboolean on_validation, GError **error)
{
  static const struct
  {
    CariTask task;
    CariModality modality;
    const char *name;
  } columns[] = {
    { CARI_TASK_VISUAL, CARI_MODALITY_PHOTO, "visual_id" },
    { CARI_TASK_CARI, CARI_MODALITY_CARICATURE, "cari_id" },
    { CARI_TASK_VISUAL, CARI_MODALITY_CARICATURE, "v2c" },
    { CARI_TASK_CARI, CARI_MODALITY_PHOTO, "c2v" },
  };
  g_autofree int *label = class_of_identity (ev);
  g_autofree int *pick = g_new (int, MAX (n, 1));
  g_autofree int *labels = g_new (int, MAX (n, 1));
  g_autofree float *scores = NULL;

  for (size_t c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      if (!cari_net_has_task (ev->net, columns[c].task))
        continue;
      int m = 0;
      for (int i = 0; i < n; i++)
        {
          const CariIndexImage *im = &g_array_index (ev->index->images, CariIndexImage, images[i]);
          if (im->modality == columns[c].modality && label[im->identity] >= 0)
            {
              labels[m] = label[im->identity];
              pick[m++] = images[i];
            }
        }
      if (m == 0)
        continue;
      if (!ensure_done (ev, columns[c].task, pick, m, error))
        return FALSE;
      g_free (scores);
      scores = g_new (float, (size_t) m * ev->n_classes);
      for (int i = 0; i < m; i++)
        memcpy (scores + (size_t) i * ev->n_classes,
                ev->probs[columns[c].task] + (size_t) pick[i] * ev->n_classes,
                sizeof (float) * ev->n_classes);
      add_metric (r, columns[c].name, cari_argmax_accuracy (scores, labels, m, ev->n_classes),
                  -1.0);
      g_autofree char *chance = g_strdup_printf ("chance/%s", columns[c].name);
      add_metric (r, chance, 1.0 / ev->n_classes, -1.0);
      g_autofree char *count = g_strdup_printf ("%s_images", columns[c].name);
      add_metric (r, count, m, -1.0);
    }
  add_metric (r, "id_on_validation", on_validation ? 1.0 : 0.0, -1.0);
  return TRUE;
}

static gboolean
run_classification (CariEvaluator *ev, CariEvalResult *r, const char *protocol, const int *test,
                    int n_test, GError **error)
{
  if (cari_protocol_is_open_set (protocol))
    {
      int n;
      g_autofree int *val = cari_data_source_select (ev->source, CARI_ROLE_VALIDATION, -1, &n);
      return add_classification (ev, r, val, n, TRUE, error);
    }
  return add_classification (ev, r, test, n_test, FALSE, error);
}

static gboolean
run_verification (CariEvaluator *ev, CariEvalResult *r, GError **error)
{
  const CariDatasetIndex *index = ev->index;
  int n_images;
  g_autofree int *images = test_images (index, r->protocol, r->fold, NULL, &n_images);
  r->leaked = count_leaked (ev, r->protocol, images, n_images);
  if (ev->embed_task < 0)
    return run_classification (ev, r, r->protocol, images, n_images, error);
  if (!ensure_done (ev, (CariTask) ev->embed_task, images, n_images, error))
    return FALSE;

  for (guint i = 0; i < index->pairs->len; i++)
    {
      const CariIndexPair *p = &g_array_index (index->pairs, CariIndexPair, i);
      if (p->fold != r->fold || p->role != CARI_ROLE_TEST || strcmp (p->protocol, r->protocol) != 0)
        continue;
      CariPairScore s = { p->a, p->b, pair_score (ev, p->a, p->b), p->same ? 1 : 0, 0 };
      g_array_append_val (r->pairs, s);
    }
  /* A view given by subjects (WebCaricature's unrestricted view): every caricature–photo pair
   * of the fold's test subjects. */
  if (r->pairs->len == 0)
    for (int i = 0; i < n_images; i++)
      {
        const CariIndexImage *a = &g_array_index (index->images, CariIndexImage, images[i]);
        if (a->modality != CARI_MODALITY_CARICATURE)
          continue;
        for (int j = 0; j < n_images; j++)
          {
            const CariIndexImage *b = &g_array_index (index->images, CariIndexImage, images[j]);
            if (b->modality != CARI_MODALITY_PHOTO)
              continue;
            CariPairScore s = { images[i], images[j], pair_score (ev, images[i], images[j]),
                                a->identity == b->identity, 0 };
            g_array_append_val (r->pairs, s);
          }
      }
  const int n = (int) r->pairs->len;
  g_autofree float *scores = g_new (float, MAX (n, 1));
  g_autofree guint8 *same = g_new (guint8, MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      const CariPairScore *s = &g_array_index (r->pairs, CariPairScore, i);
      scores[i] = s->score;
      same[i] = s->same;
    }
  /* Stratified threshold-selection folds, fewer than asked when the list is too short for each
   * to hold both classes. */
  int genuine = 0;
  for (int i = 0; i < n; i++)
    genuine += same[i];
  const int n_folds = MIN (ev->options.n_folds, MIN (genuine, n - genuine));
  if (n_folds < 2)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("%s, fold %d: verification needs at least two same-person and two "
                     "different-person pairs (got %d and %d)"),
                   r->protocol, r->fold, genuine, n - genuine);
      return FALSE;
    }
  g_autofree int *folds = cari_verification_folds (same, n, n_folds, ev->options.seed);
  for (int i = 0; i < n; i++)
    g_array_index (r->pairs, CariPairScore, i).fold = (guint8) folds[i];
  CariVerification v;
  g_autoptr (GError) local = NULL;
  if (!cari_verification_evaluate (scores, same, folds, n, n_folds, ev->options.seed, &v,
                                   &local))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT, _("%s, fold %d: %s"),
                   r->protocol, r->fold, local->message);
      return FALSE;
    }
  r->threshold = v.threshold;
  add_metric (r, "accuracy", v.accuracy.mean, v.accuracy.std);
  add_metric (r, "auc", v.auc.mean, v.auc.std);
  add_metric (r, "eer", v.eer.mean, v.eer.std);
  add_metric (r, "val@far=0.1%", v.val_at_far[0].mean, v.val_at_far[0].std);
  add_metric (r, "val@far=1%", v.val_at_far[1].mean, v.val_at_far[1].std);
  /* As WebCaricature's baselines report it: read off the ROC of the test pairs themselves. */
  add_metric (r, "tar@far=0.1%", cari_tar_at_far (scores, same, n, 1e-3, NULL), -1.0);
  add_metric (r, "tar@far=1%", cari_tar_at_far (scores, same, n, 1e-2, NULL), -1.0);
  add_metric (r, "impostor_pairs", n - genuine, -1.0);
  add_metric (r, "threshold", v.threshold, -1.0);
  add_metric (r, "pairs", n, -1.0);
  add_metric (r, "genuine_pairs", genuine, -1.0);
  add_metric (r, "threshold_folds", v.n_folds, -1.0);
  return run_classification (ev, r, r->protocol, images, n_images, error);
}

static gboolean
run_identification (CariEvaluator *ev, CariEvalResult *r, GError **error)
{
  const CariDatasetIndex *index = ev->index;
  int n_gallery, n_probes, n_all;
  g_autofree int *gallery = test_images (index, r->protocol, r->fold, "gallery", &n_gallery);
  g_autofree int *probes = test_images (index, r->protocol, r->fold, "probe", &n_probes);
  g_autofree int *all = test_images (index, r->protocol, r->fold, NULL, &n_all);
  r->leaked = count_leaked (ev, r->protocol, all, n_all);
  if (ev->embed_task < 0)
    return TRUE; /* no embedding to rank by: the result has no figures */
  int dim;
  g_autofree float *g = cari_evaluator_embeddings (ev, (CariTask) ev->embed_task, gallery,
                                                   n_gallery, &dim, error);
  g_autofree float *p = g ? cari_evaluator_embeddings (ev, (CariTask) ev->embed_task, probes,
                                                       n_probes, &dim, error)
                          : NULL;
  if (p == NULL)
    return FALSE;
  g_autofree int *gid = g_new (int, MAX (n_gallery, 1));
  g_autofree int *pid = g_new (int, MAX (n_probes, 1));
  for (int i = 0; i < n_gallery; i++)
    gid[i] = g_array_index (index->images, CariIndexImage, gallery[i]).identity;
  for (int i = 0; i < n_probes; i++)
    pid[i] = g_array_index (index->images, CariIndexImage, probes[i]).identity;
  int ranks;
  g_autoptr (GError) local = NULL;
  g_autofree double *cmc = cari_identification_cmc (g, gid, n_gallery, p, pid, n_probes, dim,
                                                    &ranks, &local);
  if (cmc == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT, _("%s, fold %d: %s"),
                   r->protocol, r->fold, local->message);
      return FALSE;
    }
  g_array_append_vals (r->cmc, cmc, ranks);
  add_metric (r, "rank1", cmc[0], -1.0);
  add_metric (r, "rank5", cmc[MIN (5, ranks) - 1], -1.0);
  add_metric (r, "rank10", cmc[MIN (10, ranks) - 1], -1.0);
  /* What guessing earns with this gallery: rank-k is k / G for G identities. */
  add_metric (r, "gallery_identities", ranks, -1.0);
  add_metric (r, "chance/rank1", 1.0 / ranks, -1.0);
  add_metric (r, "chance/rank5", MIN (5.0, ranks) / ranks, -1.0);
  add_metric (r, "chance/rank10", MIN (10.0, ranks) / ranks, -1.0);
  add_metric (r, "gallery_images", n_gallery, -1.0);
  add_metric (r, "probes", n_probes, -1.0);
  return TRUE;
}

CariEvalResult *
cari_evaluator_run (CariEvaluator *ev, const char *protocol, int fold, GError **error)
{
  CariProtocolKind kind;
  if (!cari_protocol_kind (protocol, &kind))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Unknown protocol “%s” (webcari.restricted, webcari.unrestricted, "
                     "webcari.c2p, webcari.p2c or cavi.pairs)"),
                   protocol ? protocol : "");
      return NULL;
    }
  g_autoptr (GArray) folds = cari_protocol_folds (ev->index, protocol);
  gboolean found = FALSE;
  for (guint i = 0; i < folds->len; i++)
    found |= g_array_index (folds, int, i) == fold;
  if (!found)
    {
      g_autoptr (GString) list = g_string_new (NULL);
      for (guint i = 0; i < folds->len; i++)
        g_string_append_printf (list, "%s%d", i ? ", " : "", g_array_index (folds, int, i));
      if (folds->len == 0)
        g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                     _("Data set “%s” has no test data for protocol “%s”"), ev->index->name,
                     protocol);
      else
        g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                     _("Protocol “%s” of data set “%s” has no fold %d (folds: %s)"), protocol,
                     ev->index->name, fold, list->str);
      return NULL;
    }
  if (ev->source->n_images != (int) ev->index->images->len)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("The loader has %d images but data set “%s” has %u"), ev->source->n_images,
                   ev->index->name, ev->index->images->len);
      return NULL;
    }

  g_autoptr (CariEvalResult) r = g_new0 (CariEvalResult, 1);
  r->protocol = g_strdup (protocol);
  r->fold = fold;
  r->kind = kind;
  r->metrics = g_array_new (FALSE, FALSE, sizeof (CariEvalMetric));
  r->pairs = g_array_new (FALSE, FALSE, sizeof (CariPairScore));
  r->cmc = g_array_new (FALSE, FALSE, sizeof (double));
  r->threshold = NAN;
  gboolean ok = kind == CARI_PROTOCOL_VERIFICATION ? run_verification (ev, r, error)
                                                  : run_identification (ev, r, error);
  if (!ok)
    return NULL;
  add_metric (r, "leaked_images", r->leaked, -1.0);
  return g_steal_pointer (&r);
}

/* ------------------------------------------------------------------------------ error pairs */

typedef struct
{
  const CariPairScore *pairs;
  double threshold;
} MarginOrder;

static int
by_margin (const void *a, const void *b, void *data)
{
  const MarginOrder *o = data;
  int i = *(const int *) a, j = *(const int *) b;
  double x = fabs (o->pairs[i].score - o->threshold), y = fabs (o->pairs[j].score - o->threshold);
  if (x != y)
    return x < y ? 1 : -1;
  return (i > j) - (i < j);
}

void
cari_error_pairs (const CariPairScore *pairs, int n, double threshold, GArray **false_pos,
                  GArray **false_neg)
{
  GArray *fp = g_array_new (FALSE, FALSE, sizeof (int));
  GArray *fn = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 0; i < n; i++)
    {
      gboolean accepted = pairs[i].score >= threshold;
      if (accepted && !pairs[i].same)
        g_array_append_val (fp, i);
      else if (!accepted && pairs[i].same)
        g_array_append_val (fn, i);
    }
  MarginOrder o = { pairs, threshold };
  g_qsort_with_data (fp->data, (int) fp->len, sizeof (int), by_margin, &o);
  g_qsort_with_data (fn->data, (int) fn->len, sizeof (int), by_margin, &o);
  *false_pos = fp;
  *false_neg = fn;
}
