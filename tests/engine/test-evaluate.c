/* test-evaluate.c — evaluating a network on protocol folds (wiring of pairs, folds, galleries,
 * leakage, embeddings computed once), error pairs, results tables, and evaluations in the store
 * (round trip, layouts, cascade, the v1 → v2 migration).
 *
 * The data source draws every image from its identity, its modality and its copy, so no two
 * images are the same picture: what a figure says is checked against the embeddings the
 * evaluator computed, never taken for granted from the pictures. */
#include <cari.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "gradcheck.h"
#include "store/store-schema.h"

#define N_IDS 6
#define PER 2 /* images of each modality per identity */
#define SIZE 75

typedef struct
{
  CariDataSource parent;
  int *index_identity; /* owned */
  guint8 *index_modality; /* owned */
  int loads;
} Fake;

static gboolean
fake_load (CariDataSource *src, const int *indices, int n, float *dst, GError **error)
{
  Fake *f = (Fake *) src;
  const size_t plane = (size_t) SIZE * SIZE;
  for (int i = 0; i < n; i++)
    {
      int id = f->index_identity[indices[i]], m = f->index_modality[indices[i]];
      int copy = indices[i] % PER;
      float *img = dst + (size_t) i * 3 * plane;
      for (int c = 0; c < 3; c++)
        for (int y = 0; y < SIZE; y++)
          for (int x = 0; x < SIZE; x++)
            img[c * plane + (size_t) y * SIZE + x]
              = sinf (0.11f * (id + 1) * x + 0.37f * c * (id + 2)) * cosf (0.07f * (id + 3) * y)
                + 0.6f * sinf (0.05f * (m + 1) * (x + 2 * y) + 0.9f * copy + 0.2f * c);
      f->loads++;
    }
  return TRUE;
}

static void
fake_finalize (CariDataSource *src)
{
  g_free (((Fake *) src)->index_identity);
  g_free (((Fake *) src)->index_modality);
}

static const CariDataSourceOps fake_ops = { fake_load, fake_finalize, NULL };

/* Image of identity k, modality m, copy j. */
static int
image_of (int k, int m, int j)
{
  return (k * 2 + m) * PER + j;
}

/* Identities 0–2 train (copy 1 of each modality is validation), 3–5 are the test subjects of
 * webcari.restricted fold 1 and webcari.c2p fold 1; fold 2 of restricted pairs the training
 * identities. */
static CariDatasetIndex *
make_index (void)
{
  CariDatasetIndex *index = cari_dataset_index_new ("fake", "webcari", "/nonexistent");
  for (int k = 0; k < N_IDS; k++)
    {
      g_autofree char *name = g_strdup_printf ("person-%d", k);
      cari_dataset_index_add_identity (index, name);
      for (int m = 0; m < 2; m++)
        for (int j = 0; j < PER; j++)
          {
            g_autofree char *path = g_strdup_printf ("%s/%c%d.jpg", name, m ? 'P' : 'C', j);
            cari_dataset_index_add_image (index, k, (guint8) m, path, NULL, 0);
          }
    }
  for (int fold = 1; fold <= 2; fold++)
    {
      int lo = fold == 1 ? 3 : 0;
      for (int k = lo; k < lo + 3; k++)
        for (int l = lo; l < lo + 3; l++)
          for (int i = 0; i < PER; i++)
            for (int j = 0; j < PER; j++)
              cari_dataset_index_add_pair (index, "webcari.restricted", fold, CARI_ROLE_TEST,
                                           image_of (k, CARI_MODALITY_CARICATURE, i),
                                           image_of (l, CARI_MODALITY_PHOTO, j), k == l);
    }
  /* P2C fold 1 on purpose misaligned with the other protocols' fold 1: its subjects are the
   * training identities 0–2 (as WebCaricature's identification folds split the subjects their
   * own way). */
  for (int k = 0; k < 3; k++)
    for (int j = 0; j < PER; j++)
      {
        cari_dataset_index_add_protocol_image (index, "webcari.p2c", 1, CARI_ROLE_TEST, "gallery",
                                               image_of (k, CARI_MODALITY_CARICATURE, j));
        cari_dataset_index_add_protocol_image (index, "webcari.p2c", 1, CARI_ROLE_TEST, "probe",
                                               image_of (k, CARI_MODALITY_PHOTO, j));
      }
  /* C2P: one photo of each identity in the gallery, both caricatures as probes. */
  for (int k = 3; k < N_IDS; k++)
    for (int j = 0; j < PER; j++)
      {
        if (j == 0)
          cari_dataset_index_add_protocol_image (index, "webcari.c2p", 1, CARI_ROLE_TEST,
                                                 "gallery", image_of (k, CARI_MODALITY_PHOTO, j));
        cari_dataset_index_add_protocol_image (index, "webcari.c2p", 1, CARI_ROLE_TEST, "probe",
                                               image_of (k, CARI_MODALITY_CARICATURE, j));
      }
  return index;
}

static Fake *
make_source (const CariDatasetIndex *index)
{
  Fake *f = g_new0 (Fake, 1);
  CariDataSource *src = &f->parent;
  const int n = (int) index->images->len;
  src->ops = &fake_ops;
  src->name = g_strdup ("fake");
  src->n_images = n;
  src->n_identities = 3;
  src->image_size = SIZE;
  src->identity = g_new (int, n);
  src->modality = g_new (guint8, n);
  src->role = g_new (guint8, n);
  f->index_identity = g_new (int, n);
  f->index_modality = g_new (guint8, n);
  for (int i = 0; i < n; i++)
    {
      const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, i);
      f->index_identity[i] = im->identity;
      f->index_modality[i] = im->modality;
      src->modality[i] = im->modality;
      src->identity[i] = im->identity < 3 ? im->identity : -1;
      src->role[i] = im->identity >= 3 ? CARI_ROLE_TEST
                     : i % PER == 1    ? CARI_ROLE_VALIDATION
                                       : CARI_ROLE_TRAIN;
    }
  return f;
}

static CariNet *
make_net (void)
{
  CariNetConfig cfg;
  g_assert_true (cari_net_config_init_preset (&cfg, "paper", NULL));
  cfg.input_size = SIZE;
  cfg.width = 1.0f / 16.0f;
  cfg.embedding_size = 16;
  cfg.n_identities = 3;
  cfg.max_caricatures = 4;
  cfg.max_photos = 4;
  g_autoptr (GError) error = NULL;
  CariNet *net = cari_net_new (&cfg, 7, &error);
  g_assert_no_error (error);
  return net;
}

typedef struct
{
  CariDatasetIndex *index;
  Fake *source;
  CariNet *net;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->index = make_index ();
  f->source = make_source (f->index);
  f->net = make_net ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  cari_net_free (f->net);
  cari_data_source_free (&f->source->parent);
  cari_dataset_index_free (f->index);
}

static double
metric (const CariEvalResult *r, const char *name)
{
  const CariEvalMetric *m = cari_eval_result_get (r, name);
  if (m == NULL)
    g_error ("no metric %s", name);
  return m->value;
}

static void
test_verification_wiring (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariEvaluator) ev = cari_evaluator_new (f->net, &f->source->parent, f->index, NULL);
  g_autoptr (CariEvalResult) r = cari_evaluator_run (ev, "webcari.restricted", 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->pairs->len, ==, 9 * PER * PER);
  g_assert_cmpfloat (metric (r, "genuine_pairs"), ==, 3 * PER * PER);
  g_assert_cmpfloat (metric (r, "pairs"), ==, 9 * PER * PER);
  g_assert_cmpint (r->leaked, ==, 0);
  int per_fold[10] = { 0 };
  for (guint i = 0; i < r->pairs->len; i++)
    {
      const CariPairScore *p = &g_array_index (r->pairs, CariPairScore, i);
      const CariIndexImage *a = &g_array_index (f->index->images, CariIndexImage, p->a);
      const CariIndexImage *b = &g_array_index (f->index->images, CariIndexImage, p->b);
      g_assert_cmpint (a->modality, ==, CARI_MODALITY_CARICATURE);
      g_assert_cmpint (b->modality, ==, CARI_MODALITY_PHOTO);
      g_assert_cmpint (p->same, ==, a->identity == b->identity);
      /* The score is the cosine of the two images' embeddings. */
      int dim, pair[2] = { p->a, p->b };
      g_autofree float *e = cari_evaluator_embeddings (ev, CARI_TASK_VERIF, pair, 2, &dim,
                                                       &error);
      g_assert_no_error (error);
      double dot = 0.0;
      for (int k = 0; k < dim; k++)
        dot += e[k] * e[dim + k];
      g_assert_cmpfloat_with_epsilon (p->score, dot, 1e-5);
      g_assert_cmpfloat (p->score, <, 0.9999); /* no two images alike */
      g_assert_cmpint (p->fold, <, 10);
      per_fold[p->fold]++;
    }
  for (int k = 0; k < 10; k++)
    g_assert_cmpint (per_fold[k], >=, 2);
  double auc = metric (r, "auc"), acc = metric (r, "accuracy");
  g_assert_true (auc >= 0.0 && auc <= 1.0 && acc >= 0.0 && acc <= 1.0);
  g_assert_true (isfinite (r->threshold));
  g_assert_cmpfloat (metric (r, "impostor_pairs"), ==, 6 * PER * PER);
  g_assert_cmpfloat (metric (r, "tar@far=1%"), >=, 0.0);
  /* Open set: the classifier columns come from the validation images of identities 0–2. */
  g_assert_cmpfloat (metric (r, "id_on_validation"), ==, 1.0);
  g_assert_cmpfloat (metric (r, "visual_id_images"), ==, 3);
  g_assert_cmpfloat (metric (r, "cari_id_images"), ==, 3);
  double vid = metric (r, "visual_id");
  g_assert_true (vid >= 0.0 && vid <= 1.0);
  g_assert_cmpfloat_with_epsilon (metric (r, "chance/visual_id"), 1.0 / 3.0, 1e-12);
}

static void
test_squared_euclidean (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  CariEvalOptions o;
  cari_eval_options_init (&o);
  g_autoptr (CariEvaluator) cos_ev = cari_evaluator_new (f->net, &f->source->parent, f->index, &o);
  o.score = CARI_SCORE_NEG_SQUARED_EUCLIDEAN;
  g_autoptr (CariEvaluator) sq_ev = cari_evaluator_new (f->net, &f->source->parent, f->index, &o);
  g_autoptr (CariEvalResult) c = cari_evaluator_run (cos_ev, "webcari.restricted", 1, &error);
  g_autoptr (CariEvalResult) s = cari_evaluator_run (sq_ev, "webcari.restricted", 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->pairs->len, ==, s->pairs->len);
  /* −‖x − y‖² = 2 cos − 2 for unit vectors; the figures agree. */
  for (guint i = 0; i < c->pairs->len; i++)
    g_assert_cmpfloat_with_epsilon (g_array_index (s->pairs, CariPairScore, i).score,
                                    2.0 * g_array_index (c->pairs, CariPairScore, i).score - 2.0,
                                    1e-5);
  g_assert_cmpfloat (metric (c, "auc"), ==, metric (s, "auc"));
}

static void
test_identification_and_cache (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariEvaluator) ev = cari_evaluator_new (f->net, &f->source->parent, f->index, NULL);
  g_autoptr (CariEvalResult) v = cari_evaluator_run (ev, "webcari.restricted", 1, &error);
  g_assert_no_error (error);
  int loads = f->source->loads;
  g_assert_cmpint (loads, >, 0);
  g_autoptr (CariEvalResult) r = cari_evaluator_run (ev, "webcari.c2p", 1, &error);
  g_assert_no_error (error);
  /* The gallery and probes were embedded for the pairs already: nothing is loaded again. */
  g_assert_cmpint (f->source->loads, ==, loads);
  g_assert_cmpint (r->kind, ==, CARI_PROTOCOL_IDENTIFICATION);
  g_assert_cmpuint (r->cmc->len, ==, 3);
  g_assert_cmpfloat (metric (r, "gallery_images"), ==, 3);
  g_assert_cmpfloat (metric (r, "probes"), ==, 3 * PER);
  g_assert_cmpfloat (metric (r, "gallery_identities"), ==, 3);
  g_assert_cmpfloat_with_epsilon (metric (r, "chance/rank1"), 1.0 / 3.0, 1e-12);
  g_assert_cmpuint (r->pairs->len, ==, 0);
  /* C2P: the photos of identities 3–5 are the gallery, their caricatures the probes. The CMC is
   * theirs, computed here from the evaluator's embeddings — and not the one with the roles
   * swapped, which differs. */
  int gal[3], prb[3 * PER], gid[3], pid[3 * PER], ng = 0, np = 0;
  for (int k = 3; k < N_IDS; k++)
    {
      gal[ng] = image_of (k, CARI_MODALITY_PHOTO, 0);
      gid[ng++] = k;
      for (int j = 0; j < PER; j++)
        {
          prb[np] = image_of (k, CARI_MODALITY_CARICATURE, j);
          pid[np++] = k;
        }
    }
  int d, ranks;
  g_autofree float *ge = cari_evaluator_embeddings (ev, CARI_TASK_VERIF, gal, ng, &d, &error);
  g_autofree float *pe = cari_evaluator_embeddings (ev, CARI_TASK_VERIF, prb, np, &d, &error);
  g_autofree double *want = cari_identification_cmc (ge, gid, ng, pe, pid, np, d, &ranks,
                                                     &error);
  g_autofree double *swapped = cari_identification_cmc (pe, pid, np, ge, gid, ng, d, &ranks,
                                                        &error);
  g_assert_no_error (error);
  gboolean differ = FALSE;
  for (int k = 0; k < 3; k++)
    {
      g_assert_cmpfloat_with_epsilon (g_array_index (r->cmc, double, k), want[k], 1e-12);
      differ |= fabs (want[k] - swapped[k]) > 1e-9;
    }
  g_test_message ("C2P CMC %.4f %.4f %.4f, swapped %.4f %.4f %.4f", want[0], want[1], want[2],
                  swapped[0], swapped[1], swapped[2]);
  g_assert_true (differ);
  g_assert_cmpfloat (metric (r, "rank1"), ==, want[0]);

  int dim;
  int images[2] = { image_of (4, 0, 0), image_of (4, 1, 1) };
  g_autofree float *e = cari_evaluator_embeddings (ev, CARI_TASK_VERIF, images, 2, &dim, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dim, ==, 16);
  g_assert_cmpint (f->source->loads, ==, loads);
  double dot = 0.0;
  for (int k = 0; k < dim; k++)
    dot += e[k] * e[dim + k];
  g_assert_cmpfloat (dot, <, 0.9999); /* a caricature and a photo are different pictures */
}

static void
test_leakage_and_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (CariEvaluator) ev = cari_evaluator_new (f->net, &f->source->parent, f->index, NULL);
  g_autoptr (GError) error = NULL;
  /* Fold 2 pairs the training identities: each of its 12 images counts. */
  g_autoptr (CariEvalResult) r = cari_evaluator_run (ev, "webcari.restricted", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->leaked, ==, 3 * 2 * PER);
  g_assert_cmpfloat (metric (r, "leaked_images"), ==, 3 * 2 * PER);

  CariEvalResult *bad = cari_evaluator_run (ev, "webcari.restricted", 7, &error);
  g_assert_null (bad);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no fold 7"));
  g_assert_nonnull (strstr (error->message, "folds: 1, 2"));
  g_clear_error (&error);
  bad = cari_evaluator_run (ev, "cavi.pairs", 1, &error);
  g_assert_null (bad);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "cavi.pairs"));
  g_clear_error (&error);
  bad = cari_evaluator_run (ev, "lfw", 1, &error);
  g_assert_null (bad);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "“lfw”"));
}

static void
on_each_result (const CariEvalResult *r, gint64 evaluation, gboolean left_out, gpointer data)
{
  int *count = data;
  count[left_out ? 1 : 0]++;
}

/* A result computed on identities the run trained on never reaches a table unmarked: by default
 * it is left out (said through the callback); asked for, it is kept and marked. The fixture's
 * P2C fold 1 holds the training identities, and restricted fold 2 pairs them. */
static void
test_leaked_results_left_out (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, &error);
  CariRunInfo info = { .id = 1, .name = (char *) "r" };
  CariEvalSession s = { .run = 1, .step = 0, .info = &info, .config = cfg, .index = f->index,
                        .source = &f->source->parent, .net = f->net };
  cari_eval_options_init (&s.options);
  s.evaluator = cari_evaluator_new (f->net, &f->source->parent, f->index, &s.options);

  /* Every protocol at the run's fold (1): P2C is left out, the rest kept. */
  int count[2] = { 0, 0 };
  CariEvalRequest every = { NULL, NULL, FALSE, FALSE };
  g_autoptr (GPtrArray) results = cari_eval_session_run (&s, NULL, &every, on_each_result, count,
                                                         NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count[1], ==, 1);
  g_assert_cmpuint (results->len, ==, 2);
  for (guint i = 0; i < results->len; i++)
    {
      const CariEvalResult *r = g_ptr_array_index (results, i);
      g_assert_cmpint (r->leaked, ==, 0);
      g_assert_cmpstr (r->protocol, !=, "webcari.p2c");
    }
  /* Every fold of restricted: the leaked fold 2 does not enter the mean. */
  CariEvalRequest all_folds = { "webcari.restricted", "all", FALSE, FALSE };
  g_autoptr (GPtrArray) folds = cari_eval_session_run (&s, NULL, &all_folds, NULL, NULL, NULL,
                                                       &error);
  g_assert_no_error (error);
  g_assert_cmpuint (folds->len, ==, 1);
  /* Asked for: kept, and marked in the table. */
  CariEvalRequest include = { "webcari.p2c", NULL, FALSE, TRUE };
  g_autoptr (GPtrArray) leaky = cari_eval_session_run (&s, NULL, &include, NULL, NULL, NULL,
                                                       &error);
  g_assert_no_error (error);
  g_assert_cmpuint (leaky->len, ==, 1);
  CariTableRow row = { "r", leaky };
  g_autoptr (GPtrArray) tables = cari_paper_tables (&row, 1);
  g_assert_true (cari_table_get_cell (g_ptr_array_index (tables, 0), 0, 0)->leaked);
  /* Only leaked results: an error that says so. */
  CariEvalRequest only = { "webcari.p2c", NULL, FALSE, FALSE };
  g_assert_null (cari_eval_session_run (&s, NULL, &only, NULL, NULL, NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_MISMATCH);
  cari_evaluator_free (s.evaluator);
}

static void
test_error_pairs (void)
{
  const CariPairScore pairs[] = {
    { 0, 1, 0.90f, 1, 0 }, /* TP */
    { 0, 2, 0.70f, 0, 0 }, /* FP, margin 0.2 */
    { 1, 2, 0.55f, 0, 0 }, /* FP, margin 0.05 */
    { 2, 3, 0.10f, 1, 0 }, /* FN, margin 0.4 */
    { 3, 4, 0.45f, 1, 0 }, /* FN, margin 0.05 */
    { 4, 5, 0.20f, 0, 0 }, /* TN */
    { 5, 6, 0.50f, 0, 0 }, /* at the threshold: accepted, so FP with margin 0 */
  };
  GArray *fp, *fn;
  cari_error_pairs (pairs, G_N_ELEMENTS (pairs), 0.5, &fp, &fn);
  g_assert_cmpuint (fp->len, ==, 3);
  g_assert_cmpint (g_array_index (fp, int, 0), ==, 1);
  g_assert_cmpint (g_array_index (fp, int, 1), ==, 2);
  g_assert_cmpint (g_array_index (fp, int, 2), ==, 6);
  g_assert_cmpuint (fn->len, ==, 2);
  g_assert_cmpint (g_array_index (fn, int, 0), ==, 3);
  g_assert_cmpint (g_array_index (fn, int, 1), ==, 4);
  g_array_unref (fp);
  g_array_unref (fn);
}

/* ------------------------------------------------------------------------------ tables */

static CariEvalResult *
fake_result (const char *protocol, int fold, const char *name, double value, double std)
{
  CariEvalResult *r = g_new0 (CariEvalResult, 1);
  r->protocol = g_strdup (protocol);
  r->fold = fold;
  r->metrics = g_array_new (FALSE, FALSE, sizeof (CariEvalMetric));
  r->pairs = g_array_new (FALSE, FALSE, sizeof (CariPairScore));
  r->cmc = g_array_new (FALSE, FALSE, sizeof (double));
  CariEvalMetric m = { "", value, std };
  g_strlcpy (m.name, name, sizeof m.name);
  g_array_append_val (r->metrics, m);
  return r;
}

static void
test_table_cells (void)
{
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                    cari_eval_result_free);
  g_ptr_array_add (results, fake_result ("webcari.c2p", 1, "rank1", 0.80, -1));
  g_ptr_array_add (results, fake_result ("webcari.c2p", 2, "rank1", 0.90, -1));
  g_ptr_array_add (results, fake_result ("webcari.restricted", 1, "auc", 0.95, 0.01));
  /* Two folds: their mean and (population) standard deviation. */
  CariCell c = cari_results_cell (results, "webcari.c2p", "rank1");
  g_assert_true (c.present);
  g_assert_cmpfloat_with_epsilon (c.value, 0.85, 1e-12);
  g_assert_cmpfloat_with_epsilon (c.std, 0.05, 1e-12);
  /* One fold: its own figure and its threshold-fold deviation. */
  c = cari_results_cell (results, "webcari.restricted", "auc");
  g_assert_cmpfloat (c.value, ==, 0.95);
  g_assert_cmpfloat (c.std, ==, 0.01);
  c = cari_results_cell (results, "webcari.p2c", "rank1");
  g_assert_false (c.present);

  CariTableRow row = { "proposed", results };
  g_autoptr (GPtrArray) tables = cari_paper_tables (&row, 1);
  /* Table 2 and 3 from restricted, Table 4 from c2p; no P2C data, no Table 5. */
  g_assert_cmpuint (tables->len, ==, 3);
  g_assert_true (g_str_has_prefix (cari_table_get_title (g_ptr_array_index (tables, 0)),
                                   "Table 2"));
  g_assert_true (g_str_has_prefix (cari_table_get_title (g_ptr_array_index (tables, 2)),
                                   "Table 4"));
  const CariCell *cell = cari_table_get_cell (g_ptr_array_index (tables, 2), 0, 0);
  g_assert_cmpfloat_with_epsilon (cell->value, 0.85, 1e-12);
}

static void
test_table_formats (void)
{
  const CariColumn columns[] = { { "Rank-1 (%)", 100, 2 }, { "AUC", 1, 3 } };
  g_autoptr (CariTable) t = cari_table_new ("T", columns, 2);
  const CariCell a[] = { { 0.873, 0.012, TRUE, 1, FALSE }, { 0.987, 0.002, TRUE, 1, FALSE } };
  const CariCell b[] = { { 0.5, -1, TRUE, 1, TRUE }, { NAN, -1, FALSE, 0, FALSE } };
  cari_table_add_row (t, "ours_1 & co", a);
  cari_table_add_row (t, "naive, \"x\"", b);
  cari_table_add_note (t, "A note.");

  g_autofree char *text = cari_table_format (t, CARI_TABLE_TEXT);
  g_assert_cmpstr (text, ==,
                   "T\n"
                   "Method         Rank-1 (%)            AUC\n"
                   "ours_1 & co  87.30 ± 1.20  0.987 ± 0.002\n"
                   "naive, \"x\"         50.00†              –\n"
                   "  A note.\n");
  g_autofree char *csv = cari_table_format (t, CARI_TABLE_CSV);
  g_assert_cmpstr (csv, ==,
                   "Method,Rank-1 (%),Rank-1 (%) std,AUC,AUC std,Marks\r\n"
                   "ours_1 & co,87.3000,1.2000,0.98700,0.00200,\r\n"
                   "\"naive, \"\"x\"\"\",50.0000,,,,† trained on test identities or images\r\n");
  g_autofree char *tex = cari_table_format (t, CARI_TABLE_LATEX);
  g_assert_cmpstr (tex, ==,
                   "% T\n\\begin{tabular}{lcc}\n\\hline\n"
                   "Method & Rank-1 (\\%) & AUC \\\\\n\\hline\n"
                   "ours\\_1 \\& co & $87.30 \\pm 1.20$ & $0.987 \\pm 0.002$ \\\\\n"
                   "naive, \"x\" & $50.00†$ & -- \\\\\n"
                   "\\hline\n\\end{tabular}\n"
                   "% A note.\n");
  CariTableFormat fmt;
  g_autoptr (GError) error = NULL;
  g_assert_false (cari_table_format_from_string ("html", &fmt, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
}

/* A table says what its ± is, marks what a run trained on, and shows chance. */
static void
test_table_notes_marks_chance (void)
{
  g_autoptr (GPtrArray) one = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                cari_eval_result_free);
  CariEvalResult *r = fake_result ("webcari.c2p", 1, "rank1", 0.30, -1);
  CariEvalMetric chance = { "chance/rank1", 0.05, -1 };
  g_array_append_val (r->metrics, chance);
  r->leaked = 12;
  g_ptr_array_add (one, r);
  g_ptr_array_add (one, fake_result ("webcari.restricted", 1, "auc", 0.95, 0.01));
  CariTableRow row = { "leaky", one };
  g_autoptr (GPtrArray) tables = cari_paper_tables (&row, 1);
  g_assert_cmpuint (tables->len, ==, 3);
  const CariTable *t4 = g_ptr_array_index (tables, 2);
  g_assert_true (cari_table_get_cell (t4, 0, 0)->leaked);
  /* The chance row under the runs. */
  g_assert_cmpint (cari_table_get_n_rows (t4), ==, 2);
  g_assert_cmpfloat (cari_table_get_cell (t4, 1, 0)->value, ==, 0.05);
  g_assert_false (cari_table_get_cell (t4, 1, 0)->leaked);
  g_autofree char *text = cari_table_format (t4, CARI_TABLE_TEXT);
  g_assert_nonnull (strstr (text, "30.00†"));
  g_assert_nonnull (strstr (text, "the run trained on"));
  g_assert_nonnull (strstr (text, "chance"));
  /* One protocol fold: ± over threshold folds, said so. */
  const CariTable *t3 = g_ptr_array_index (tables, 1);
  g_autofree char *t3text = cari_table_format (t3, CARI_TABLE_TEXT);
  g_assert_nonnull (strstr (t3text, "threshold-selection folds"));
  g_assert_nonnull (strstr (t3text, "TAR (ROC)"));
}

/* ------------------------------------------------------------------------------ store */

typedef struct
{
  char *dir, *path;
  CariStore *store;
  gint64 run;
  CariDatasetIndex *index;
} StoreFixture;

static void
store_setup (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("carilab-evaluate-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "runs.db", NULL);
  f->store = cari_store_open (f->path, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  f->index = make_index ();
  g_free (f->index->fingerprint);
  f->index->fingerprint = g_strdup ("f00d");
  gint64 dataset = cari_store_import_dataset (f->store, f->index, &error);
  g_assert_no_error (error);
  f->run = cari_store_create_run (f->store, "r", dataset, "", 1, 0, &error);
  g_assert_no_error (error);
}

static void
store_teardown (StoreFixture *f, gconstpointer data)
{
  cari_store_close (f->store);
  cari_dataset_index_free (f->index);
  test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static CariEvalResult *
sample_result (void)
{
  CariEvalResult *r = fake_result ("webcari.restricted", 1, "auc", 0.9, 0.05);
  CariEvalMetric m = { "threshold", 0.25, -1 };
  g_array_append_val (r->metrics, m);
  const CariPairScore p[] = {
    { image_of (3, 0, 0), image_of (3, 1, 0), 0.8f, 1, 4 },
    { image_of (3, 0, 1), image_of (5, 1, 1), -0.1f, 0, 9 },
    { -1, image_of (4, 1, 0), 0.3f, 0, 0 },
  };
  g_array_append_vals (r->pairs, p, G_N_ELEMENTS (p));
  const double cmc[] = { 0.5, 0.75, 1.0 };
  g_array_append_vals (r->cmc, cmc, 3);
  r->threshold = 0.25;
  return r;
}

static void
test_store_round_trip (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariEvalResult) r = sample_result ();
  gint64 id = cari_store_save_evaluation (f->store, f->run, 400, r, "score=cosine", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  g_autoptr (CariEvalInfo) info = cari_store_get_evaluation (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->run, ==, f->run);
  g_assert_cmpint (info->step, ==, 400);
  g_assert_cmpint (info->fold, ==, 1);
  g_assert_cmpstr (info->protocol, ==, "webcari.restricted");
  g_assert_cmpstr (info->options, ==, "score=cosine");

  g_autoptr (CariEvalResult) back = cari_store_load_evaluation (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (metric (back, "auc"), ==, 0.9);
  g_assert_cmpfloat (cari_eval_result_get (back, "auc")->std, ==, 0.05);
  g_assert_cmpfloat (cari_eval_result_get (back, "threshold")->std, <, 0.0);
  g_assert_cmpfloat (back->threshold, ==, 0.25);
  g_assert_cmpuint (back->cmc->len, ==, 3);
  g_assert_cmpfloat (g_array_index (back->cmc, double, 1), ==, 0.75);
  g_assert_cmpuint (back->pairs->len, ==, r->pairs->len);
  for (guint i = 0; i < r->pairs->len; i++)
    {
      const CariPairScore *x = &g_array_index (r->pairs, CariPairScore, i);
      const CariPairScore *y = &g_array_index (back->pairs, CariPairScore, i);
      g_assert_cmpint (x->a, ==, y->a);
      g_assert_cmpint (x->b, ==, y->b);
      g_assert_cmpfloat (x->score, ==, y->score);
      g_assert_cmpint (x->same, ==, y->same);
      g_assert_cmpint (x->fold, ==, y->fold);
    }

  /* Its figures alone: the same metrics, CMC and threshold, no pair scores. */
  g_autoptr (CariEvalResult) figures = cari_store_load_evaluation_metrics (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (figures->metrics->len, ==, back->metrics->len);
  g_assert_cmpfloat (metric (figures, "auc"), ==, 0.9);
  g_assert_cmpfloat (figures->threshold, ==, 0.25);
  g_assert_cmpuint (figures->cmc->len, ==, 3);
  g_assert_cmpstr (figures->protocol, ==, "webcari.restricted");
  g_assert_cmpuint (figures->pairs->len, ==, 0);
  g_assert_null (cari_store_load_evaluation_metrics (f->store, id + 100, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* An external score file: no run, no step, no images. */
  g_autoptr (CariEvalResult) ext = fake_result ("scores", -1, "auc", 0.7, -1);
  const CariPairScore p = { -1, -1, 0.5f, 1, 0 };
  g_array_append_val (ext->pairs, p);
  gint64 ext_id = cari_store_save_evaluation (f->store, 0, -1, ext, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) all = cari_store_list_evaluations (f->store, 0, &error);
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpint (((CariEvalInfo *) g_ptr_array_index (all, 0))->id, ==, ext_id);
  g_autoptr (GPtrArray) mine = cari_store_list_evaluations (f->store, f->run, &error);
  g_assert_cmpuint (mine->len, ==, 1);

  /* A non-finite score is refused, and nothing of that evaluation stays. */
  g_array_index (r->pairs, CariPairScore, 1).score = NAN;
  g_assert_cmpint (cari_store_save_evaluation (f->store, f->run, 500, r, NULL, &error), ==, 0);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_autoptr (GPtrArray) after = cari_store_list_evaluations (f->store, f->run, &error);
  g_assert_cmpuint (after->len, ==, 1);

  /* Deleting the run deletes its evaluations. */
  g_assert_true (cari_store_delete_run (f->store, f->run, &error));
  g_autoptr (GPtrArray) left = cari_store_list_evaluations (f->store, 0, &error);
  g_assert_cmpuint (left->len, ==, 1);
  g_assert_null (cari_store_load_evaluation (f->store, id, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
}

typedef struct
{
  StoreFixture *f;
  CariEvalResult *r;
  gint64 id;
  gint done;
} LongSave;

static gpointer
save_in_thread (gpointer data)
{
  LongSave *l = data;
  g_autoptr (GError) error = NULL;
  l->id = cari_store_save_evaluation (l->f->store, l->f->run, 7, l->r, NULL, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&l->done, 1);
  return NULL;
}

/* A long evaluation is written in chunks: while it is written, other writers get the lock
 * between chunks and readers do not list it; once written it is whole. One left incomplete an
 * hour ago (its writer killed) is removed by the next save. */
static void
test_store_long_evaluation_in_chunks (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariEvalResult) r = fake_result ("webcari.restricted", 1, "auc", 0.9, -1);
  const guint n = 5000;
  for (guint i = 0; i < n; i++)
    {
      CariPairScore p = { image_of (i % 6, 0, 0), image_of ((i + 1) % 6, 1, 1),
                          (float) i / (float) n, (int) (i % 2), 0 };
      g_array_append_val (r->pairs, p);
    }
  cari_store_set_write_chunk (f->store, 1000);
  g_autoptr (CariStore) other = cari_store_open (f->path, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  cari_store_set_busy_timeout (other, 2000);
  sqlite3 *raw = NULL;
  g_assert_cmpint (sqlite3_open_v2 (f->path, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);

  LongSave l = { f, r, 0, 0 };
  GThread *thread = g_thread_new ("save", save_in_thread, &l);
  gboolean seen_partial = FALSE;
  while (!g_atomic_int_get (&l.done))
    {
      sqlite3_stmt *st = NULL;
      g_assert_cmpint (sqlite3_prepare_v2 (raw,
                                           "SELECT e.complete, count(s.rowid) FROM evaluations e "
                                           "LEFT JOIN eval_scores s ON s.evaluation_id = e.id "
                                           "WHERE e.step = 7 GROUP BY e.id",
                                           -1, &st, NULL),
                       ==, SQLITE_OK);
      if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_int (st, 0) == 0
          && sqlite3_column_int (st, 1) > 0)
        {
          /* Part of it is written: nobody lists it, and another writer gets in. */
          g_assert_cmpint (sqlite3_column_int (st, 1), <, n);
          g_autoptr (GPtrArray) listed = cari_store_list_evaluations (other, f->run, &error);
          g_assert_no_error (error);
          /* Still incomplete after the listing (complete only ever goes from 0 to 1), so it was
           * incomplete while listed: the writer may have finished in between on a busy
           * machine, and then the listing may show it. */
          sqlite3_reset (st);
          if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_int (st, 0) == 0)
            {
              seen_partial = TRUE;
              for (guint i = 0; i < listed->len; i++)
                g_assert_cmpint (((CariEvalInfo *) g_ptr_array_index (listed, i))->step, !=, 7);
            }
          g_assert_true (cari_store_heartbeat (other, f->run, &error));
          g_assert_no_error (error);
        }
      sqlite3_finalize (st);
      g_usleep (5000);
    }
  g_thread_join (thread);
  g_assert_true (seen_partial);
  g_autoptr (CariEvalResult) back = cari_store_load_evaluation (other, l.id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->pairs->len, ==, n);
  g_assert_cmpfloat (g_array_index (back->pairs, CariPairScore, n - 1).score, ==,
                     g_array_index (r->pairs, CariPairScore, n - 1).score);

  /* Abandoned an hour ago: not listed, not found, and gone after the next save. */
  g_assert_cmpint (sqlite3_exec (raw, "SELECT 1", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  g_assert_cmpint (sqlite3_open (f->path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "UPDATE evaluations SET complete = 0, "
                                      "created_at = created_at - 7200 WHERE step = 7",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_null (cari_store_get_evaluation (other, l.id, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_autoptr (CariEvalResult) small = sample_result ();
  g_assert_cmpint (cari_store_save_evaluation (f->store, f->run, 8, small, NULL, &error), >, 0);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT count(*) FROM eval_scores", -1, &st, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (st, 0), ==, small->pairs->len);
  sqlite3_finalize (st);
  sqlite3_close (raw);
}

static void
test_store_layouts (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariEvalResult) r = sample_result ();
  gint64 id = cari_store_save_evaluation (f->store, f->run, 1, r, NULL, &error);
  g_assert_no_error (error);
  const int images[] = { image_of (5, 1, 1), image_of (0, 0, 0), image_of (2, 1, 0) };
  const float xy[] = { 1.5f, -2.0f, 0.0f, 3.25f, -7.0f, 8.0f };
  g_assert_true (cari_store_save_layout (f->store, id, "V2C", images, xy, 3, &error));
  g_assert_no_error (error);
  int *im, n;
  float *pos;
  g_assert_true (cari_store_load_layout (f->store, id, "V2C", &im, &pos, &n, &error));
  g_assert_cmpint (n, ==, 3);
  /* In image order. */
  g_assert_cmpint (im[0], ==, images[1]);
  g_assert_cmpfloat (pos[1], ==, 3.25f);
  g_assert_cmpint (im[2], ==, images[0]);
  g_assert_cmpfloat (pos[4], ==, 1.5f);
  g_free (im);
  g_free (pos);
  /* Saving again replaces the view. */
  g_assert_true (cari_store_save_layout (f->store, id, "V2C", images, xy, 1, &error));
  g_assert_true (cari_store_load_layout (f->store, id, "V2C", &im, &pos, &n, &error));
  g_assert_cmpint (n, ==, 1);
  g_free (im);
  g_free (pos);
  g_assert_false (cari_store_load_layout (f->store, id, "C2C", &im, &pos, &n, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cari_store_save_layout (f->store, id, "X2Y", images, xy, 1, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  const int outside[] = { 999 };
  g_assert_false (cari_store_save_layout (f->store, id, "C2C", outside, xy, 1, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
}

static void
test_store_datasets (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = cari_store_list_datasets (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  const CariDatasetInfo *d = g_ptr_array_index (list, 0);
  g_assert_cmpstr (d->name, ==, "fake");
  g_assert_cmpstr (d->kind, ==, "webcari");
  g_assert_cmpstr (d->fingerprint, ==, "f00d");
  g_assert_cmpint (d->n_identities, ==, N_IDS);
  g_assert_cmpint (d->n_caricatures, ==, N_IDS * PER);
  g_assert_cmpint (d->n_photos, ==, N_IDS * PER);
  g_assert_cmpint (d->n_runs, ==, 1);
  g_assert_cmpstr (d->protocols, ==, "webcari.c2p;webcari.p2c;webcari.restricted");
  /* Deleting it leaves the run, without a data set. */
  g_assert_true (cari_store_delete_dataset (f->store, d->id, &error));
  g_assert_no_error (error);
  g_autoptr (CariRunInfo) run = cari_store_get_run (f->store, f->run, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->dataset_id, ==, 0);
  g_autoptr (GPtrArray) none = cari_store_list_datasets (f->store, &error);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_false (cari_store_delete_dataset (f->store, 12345, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
}

/* A version-1 database with a stored score gains the fold and options columns, keeping it. */
static void
test_store_migration (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("carilab-migrate-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "v1.db", NULL);
  sqlite3 *db;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, cari_store_schema_migration (0), NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "PRAGMA user_version = 1;"
                                 "INSERT INTO evaluations (id, protocol, created_at) "
                                 "VALUES (5, 'scores', 0);"
                                 "INSERT INTO eval_scores (evaluation_id, score, same) "
                                 "VALUES (5, 0.5, 1);",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);

  CariStore *store = cari_store_open (path, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  g_autoptr (CariEvalResult) r = cari_store_load_evaluation (store, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->pairs->len, ==, 1);
  g_assert_cmpfloat (g_array_index (r->pairs, CariPairScore, 0).score, ==, 0.5f);
  g_assert_cmpint (g_array_index (r->pairs, CariPairScore, 0).a, ==, -1);
  cari_store_close (store);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_stmt *st;
  sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &st, NULL);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (st, 0), ==, CARI_STORE_SCHEMA_VERSION);
  sqlite3_finalize (st);
  sqlite3_close (db);
  test_remove_tree (dir);
}

/* Every canonical protocol has its kind; nothing else is canonical. */
static void
test_protocol_names (void)
{
  const CariProtocolKind want[CARI_N_PROTOCOLS] = {
    CARI_PROTOCOL_VERIFICATION, CARI_PROTOCOL_VERIFICATION, CARI_PROTOCOL_IDENTIFICATION,
    CARI_PROTOCOL_IDENTIFICATION, CARI_PROTOCOL_VERIFICATION,
  };
  for (int i = 0; i < CARI_N_PROTOCOLS; i++)
    {
      CariProtocolKind kind;
      g_assert_true (cari_protocol_kind (cari_protocol_names[i], &kind));
      g_assert_cmpint (kind, ==, want[i]);
    }
  g_assert_false (cari_protocol_kind ("webcari.c2c", NULL));
  g_assert_false (cari_protocol_kind ("lfw", NULL));
  g_assert_false (cari_protocol_kind (NULL, NULL));
  g_assert_true (cari_protocol_is_open_set ("webcari.p2c"));
  g_assert_false (cari_protocol_is_open_set ("cavi.pairs"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/evaluate/verification-wiring", Fixture, NULL, fixture_setup,
              test_verification_wiring, fixture_teardown);
  g_test_add ("/evaluate/squared-euclidean", Fixture, NULL, fixture_setup, test_squared_euclidean,
              fixture_teardown);
  g_test_add ("/evaluate/identification-and-cache", Fixture, NULL, fixture_setup,
              test_identification_and_cache, fixture_teardown);
  g_test_add ("/evaluate/leakage-and-errors", Fixture, NULL, fixture_setup,
              test_leakage_and_errors, fixture_teardown);
  g_test_add_func ("/evaluate/error-pairs", test_error_pairs);
  g_test_add ("/evaluate/leaked-results-left-out", Fixture, NULL, fixture_setup,
              test_leaked_results_left_out, fixture_teardown);
  g_test_add_func ("/evaluate/protocol-names", test_protocol_names);
  g_test_add_func ("/table/cells", test_table_cells);
  g_test_add_func ("/table/formats", test_table_formats);
  g_test_add_func ("/table/notes-marks-chance", test_table_notes_marks_chance);
  g_test_add ("/store-eval/round-trip", StoreFixture, NULL, store_setup, test_store_round_trip,
              store_teardown);
  g_test_add ("/store-eval/long-evaluation-in-chunks", StoreFixture, NULL, store_setup,
              test_store_long_evaluation_in_chunks, store_teardown);
  g_test_add ("/store-eval/layouts", StoreFixture, NULL, store_setup, test_store_layouts,
              store_teardown);
  g_test_add ("/store-eval/datasets", StoreFixture, NULL, store_setup, test_store_datasets,
              store_teardown);
  g_test_add_func ("/store-eval/migration", test_store_migration);
  return g_test_run ();
}
