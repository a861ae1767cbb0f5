/* test-bad-images.c — no run killed by one bad image: a WebCaricature-layout copy holding a
 * truncated JPEG, a text file named .jpg, a PNG declaring 100000 × 100000 pixels and a link to a
 * text file imports with each named and skipped, with the protocol rows naming them, and its run
 * trains to the end; images that go bad after the import are replaced in the batch, counted per
 * step, stop the run past data.max_bad_images, and do not break bitwise resume. */
#include <cari.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "gradcheck.h"

typedef struct
{
  char *dir, *root;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  CariSynCariConfig cfg;
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("carilab-bad-images-XXXXXX", NULL);
  f->root = g_build_filename (f->dir, "syncari", NULL);
  cari_syncari_config_init_tiny (&cfg);
  cfg.pretrain_identities = 0;
  g_assert_true (cari_syncari_generate (&cfg, f->root, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  test_remove_tree (f->dir);
  g_free (f->root);
  g_free (f->dir);
}

static char *
image_path (Fixture *f, const char *person, const char *file)
{
  return g_build_filename (f->root, "OriginalImages", person, file, NULL);
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

/* The four kinds of bad file, over four images of the set; their relative paths into bad[]. */
static void
spoil_images (Fixture *f, char *bad[4])
{
  g_autoptr (GError) error = NULL;
  char *contents;
  gsize len;

  /* A JPEG cut in half. */
  g_autofree char *cut = image_path (f, "Person 001", "C00001.jpg");
  g_assert_true (g_file_get_contents (cut, &contents, &len, &error));
  g_assert_true (g_file_set_contents (cut, contents, (gssize) len / 2, &error));
  g_free (contents);
  /* A text file named .jpg. */
  g_autofree char *text = image_path (f, "Person 002", "P00001.jpg");
  g_assert_true (g_file_set_contents (text, "Name\tC00001\tP00001\n", -1, &error));
  /* A PNG whose header declares 100000 × 100000 pixels, then an empty IDAT. */
  static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 png[8 + 25 + 12];
  memcpy (png, sig, 8);
  put_be32 (png + 8, 13);
  memcpy (png + 12, "IHDR", 4);
  put_be32 (png + 16, 100000);
  put_be32 (png + 20, 100000);
  png[24] = 8, png[25] = 2, png[26] = png[27] = png[28] = 0;
  put_be32 (png + 29, (guint32) crc32 (0, png + 12, 17));
  put_be32 (png + 33, 0);
  memcpy (png + 37, "IDAT", 4);
  put_be32 (png + 41, (guint32) crc32 (0, png + 37, 4));
  g_autofree char *bomb = image_path (f, "Person 003", "C00002.jpg");
  g_assert_true (g_file_set_contents (bomb, (const char *) png, sizeof png, &error));
  /* A link to a text file (the image's landmarks). */
  g_autofree char *link = image_path (f, "Person 004", "P00002.jpg");
  g_autofree char *target = g_build_filename (f->root, "FacialPoints", "Person 004",
                                              "P00002.txt", NULL);
  g_assert_cmpint (g_remove (link), ==, 0);
  g_assert_cmpint (symlink (target, link), ==, 0);

  bad[0] = g_strdup ("OriginalImages/Person 001/C00001.jpg");
  bad[1] = g_strdup ("OriginalImages/Person 002/P00001.jpg");
  bad[2] = g_strdup ("OriginalImages/Person 003/C00002.jpg");
  bad[3] = g_strdup ("OriginalImages/Person 004/P00002.jpg");
}

static gboolean
is_one_of (const char *path, char *const bad[4])
{
  for (int k = 0; k < 4; k++)
    if (strcmp (path, bad[k]) == 0)
      return TRUE;
  return FALSE;
}

static const char *
path_of (const CariDatasetIndex *index, int image)
{
  g_assert_cmpint (image, >=, 0);
  g_assert_cmpint (image, <, (int) index->images->len);
  return g_array_index (index->images, CariIndexImage, image).path;
}

/* Protocol rows (pairs, image-list entries) naming one of `bad`. */
static guint
rows_naming (const CariDatasetIndex *index, char *const bad[4])
{
  guint n = 0;
  for (guint r = 0; r < cari_dataset_index_n_protocol_rows (index); r++)
    {
      CariProtocolRow row;
      gboolean names = FALSE;
      cari_dataset_index_get_protocol_row (index, r, &row);
      for (int k = 0; k < row.n_images; k++)
        names = names || is_one_of (path_of (index, row.images[k]), bad);
      n += names;
    }
  return n;
}

static const CariIndexWarning *
warning_about (const CariDatasetIndex *index, const char *rel)
{
  for (guint i = 0; i < index->warnings->len; i++)
    {
      const CariIndexWarning *w = &g_array_index (index->warnings, CariIndexWarning, i);
      if (g_str_has_suffix (w->file, rel))
        return w;
    }
  return NULL;
}

typedef struct
{
  int calls;
  double last;
} Progress;

static gboolean
on_progress (double fraction, const char *what, gpointer data)
{
  Progress *p = data;
  g_assert_cmpfloat (fraction, >=, p->last);
  g_assert_cmpstr (what, !=, "");
  p->last = fraction;
  p->calls++;
  return TRUE;
}

static gboolean
cancel_at_once (double fraction, const char *what, gpointer data)
{
  return FALSE;
}

static void
test_import_skips_bad_files_and_run_finishes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariDatasetIndex) pristine = cari_webcari_import (f->root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pristine->skipped_images, ==, 0);
  g_auto (GStrv) bad = g_new0 (char *, 5);
  spoil_images (f, bad);
  guint expected_rows = rows_naming (pristine, bad);
  g_assert_cmpuint (expected_rows, >, 0); /* the test must exercise the rows */

  /* Cancelled: an error, no index. */
  g_assert_null (cari_webcari_import_with_progress (f->root, cancel_at_once, NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_CANCELLED);
  g_clear_error (&error);

  Progress progress = { 0, 0.0 };
  g_autoptr (CariDatasetIndex) index
    = cari_webcari_import_with_progress (f->root, on_progress, &progress, &error);
  g_assert_no_error (error);
  g_assert_cmpint (progress.calls, >=, 2);
  g_assert_cmpfloat (progress.last, ==, 1.0);

  /* Each bad file named, with why; the four and their rows dropped, and counted. */
  const char *why[4] = { "truncated", "not a PNG or JPEG", "100000 × 100000", "not a PNG or JPEG" };
  for (int k = 0; k < 4; k++)
    {
      const CariIndexWarning *w = warning_about (pristine, bad[k]);
      g_assert_null (w);
      w = warning_about (index, bad[k]);
      g_assert_nonnull (w);
      g_test_message ("%s: %s", w->file, w->message);
      g_assert_nonnull (strstr (w->message, why[k]));
    }
  g_assert_cmpuint (index->skipped_images, ==, 4);
  g_assert_cmpuint (index->dropped_rows, ==, expected_rows);
  g_assert_cmpuint (index->images->len, ==, pristine->images->len - 4);
  g_assert_cmpuint (cari_dataset_index_n_protocol_rows (index), ==,
                    cari_dataset_index_n_protocol_rows (pristine) - expected_rows);
  g_assert_cmpuint (index->subjects->len, ==, pristine->subjects->len);
  g_assert_cmpuint (index->warnings->len, ==, pristine->warnings->len + 5);
  for (guint i = 0; i < index->images->len; i++)
    g_assert_false (is_one_of (path_of (index, (int) i), bad));
  /* The remaining rows name the same images as before (renumbered, not shifted). */
  g_assert_cmpuint (rows_naming (index, bad), ==, 0);
  for (guint i = 0; i < index->pairs->len; i++)
    {
      const CariIndexPair *p = &g_array_index (index->pairs, CariIndexPair, i);
      const CariIndexImage *a = &g_array_index (index->images, CariIndexImage, p->a);
      const CariIndexImage *b = &g_array_index (index->images, CariIndexImage, p->b);
      gboolean same_identity = a->identity == b->identity;
      g_assert_cmpint (same_identity, ==, p->same);
    }

  /* Stored, and a run on it trains to its end. */
  g_autofree char *db = g_build_filename (f->dir, "runs.db", NULL);
  g_autoptr (CariStore) store = cari_store_open (db, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  g_free (index->name);
  index->name = g_strdup ("spoilt");
  g_assert_cmpint (cari_store_import_dataset (store, index, &error), >, 0);
  g_assert_no_error (error);
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (
    "[model]\ninput_size=75\nwidth=0.0625\nembedding_size=8\n"
    "[batch]\ncaricatures=8\nphotos=8\n[data]\ndataset=spoilt\n"
    "[schedule]\nsteps=12\ncheckpoint_every=6\neval_every=6\n",
    &error);
  g_assert_no_error (error);
  gint64 run = cari_launch_queue_run (store, cfg, &error);
  g_assert_no_error (error);
  CariRunReport report;
  g_assert_true (cari_launch_execute (store, run, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.status, ==, CARI_RUN_FINISHED);
}

/* ------------------------------------------------------------------ images bad after import */

typedef struct
{
  CariDatasetIndex *index;
  CariDataSource *src;
  int bad[4]; /* training images spoilt after the import */
} Spoilt;

/* The loader over the imported copy, then four of its training images (three caricatures of
 * different identities, one photo) deleted or overwritten. */
static void
spoil_after_import (Fixture *f, Spoilt *s)
{
  g_autoptr (GError) error = NULL;
  CariLoaderConfig lc;
  s->index = cari_webcari_import (f->root, &error);
  g_assert_no_error (error);
  cari_loader_config_init (&lc, 75);
  s->src = cari_loader_new (s->index, "webcari.restricted", 1, &lc, &error);
  g_assert_no_error (error);
  int n = 0, last_identity = -1;
  for (int i = 0; i < s->src->n_images && n < 4; i++)
    {
      gboolean want_photo = n == 3;
      if (s->src->role[i] != CARI_ROLE_TRAIN
          || (s->src->modality[i] == CARI_MODALITY_PHOTO) != want_photo
          || (!want_photo && s->src->identity[i] == last_identity))
        continue;
      last_identity = s->src->identity[i];
      s->bad[n++] = i;
    }
  g_assert_cmpint (n, ==, 4);
  for (int k = 0; k < 4; k++)
    {
      const CariIndexImage *im = &g_array_index (s->index->images, CariIndexImage, s->bad[k]);
      g_autofree char *path = g_build_filename (f->root, im->path, NULL);
      if (k == 0)
        g_assert_cmpint (g_remove (path), ==, 0);
      else
        g_assert_true (g_file_set_contents (path, "gone bad", -1, NULL));
    }
}

static void
spoilt_clear (Spoilt *s)
{
  cari_data_source_free (s->src);
  cari_dataset_index_free (s->index);
}

static CariRunConfig *
tiny_run (int max_bad_images)
{
  g_autofree char *text = g_strdup_printf ("[model]\ninput_size=75\nwidth=0.0625\n"
                                           "embedding_size=16\n"
                                           "[batch]\ncaricatures=8\nphotos=8\n"
                                           "[data]\nmax_bad_images=%d\n",
                                           max_bad_images);
  g_autoptr (GError) error = NULL;
  CariRunConfig *cfg = cari_run_config_new (text, &error);
  g_assert_no_error (error);
  return cfg;
}

static void
test_trainer_replaces_bad_images (Fixture *f, gconstpointer data)
{
  Spoilt s;
  spoil_after_import (f, &s);
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = tiny_run (10);
  g_autoptr (CariTrainer) t = cari_trainer_new (cfg, s.src, &error);
  g_assert_no_error (error);
  int skipped = 0, steps_with_skips = 0;
  for (int i = 0; i < 15; i++)
    {
      CariStepStats st;
      g_assert_true (cari_trainer_step (t, &st, &error));
      g_assert_no_error (error);
      g_assert_cmpint (st.skipped_images, >=, 0);
      g_assert_cmpint (st.skipped_images, <=, 4);
      skipped += st.skipped_images;
      steps_with_skips += st.skipped_images > 0;
      for (int task = 0; task < CARI_N_TASKS; task++)
        g_assert_true (!st.present[task] || isfinite (st.loss[task]));
    }
  /* 15 steps pass over the training images twice or more: every bad one is met. */
  g_test_message ("%d images skipped over %d steps", skipped, steps_with_skips);
  g_assert_cmpint (skipped, >=, 4);
  g_assert_cmpint (steps_with_skips, >, 1);
  /* Validation leaves nothing out it can read, and fails on nothing. */
  g_autoptr (GHashTable) val = cari_trainer_validate (t, &error);
  g_assert_no_error (error);
  g_assert_nonnull (val);
  spoilt_clear (&s);
}

/* Steps until one fails (at most `max`); its step number, 0 when none failed. */
static guint64
step_until_failure (CariTrainer *t, int max, GError **error)
{
  for (int i = 0; i < max; i++)
    if (!cari_trainer_step (t, NULL, error))
      return cari_trainer_get_step (t) + 1;
  return 0;
}

static void
test_threshold_stops_the_run (Fixture *f, gconstpointer data)
{
  Spoilt s;
  spoil_after_import (f, &s);
  for (int max = 0; max <= 3; max++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CariRunConfig) cfg = tiny_run (max);
      g_autoptr (CariTrainer) t = cari_trainer_new (cfg, s.src, &error);
      guint64 failed_at = step_until_failure (t, 30, &error);
      g_assert_cmpuint (failed_at, >, 0);
      g_assert_error (error, CARI_ERROR, CARI_ERROR_CORRUPT);
      g_test_message ("max %d: step %llu: %s", max, (unsigned long long) failed_at,
                      error->message);
      /* Past the threshold, by the images the failing step met (one or more). */
      const char *count = strstr (error->message, ": ");
      g_assert_nonnull (count);
      g_assert_cmpint (atoi (count + 2), >, max);
      g_assert_cmpint (atoi (count + 2), <=, 4);
      g_assert_nonnull (strstr (error->message, "data.max_bad_images"));
      g_assert_nonnull (strstr (error->message, "OriginalImages/"));
    }
  /* The threshold is a count: a negative one is refused, naming the key. */
  g_autoptr (GError) bad_key = NULL;
  g_assert_null (cari_run_config_new ("[data]\nmax_bad_images=-1\n", &bad_key));
  g_assert_error (bad_key, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (bad_key->message, "max_bad_images"));
  /* Four bad images, four allowed: the run goes on. */
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = tiny_run (4);
  g_autoptr (CariTrainer) t = cari_trainer_new (cfg, s.src, &error);
  g_assert_cmpuint (step_until_failure (t, 30, &error), ==, 0);
  g_assert_no_error (error);
  spoilt_clear (&s);
}

static CariCheckpoint *
through_file (CariCheckpoint *ck, const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "resume.ckpt", NULL);
  g_assert_true (cari_checkpoint_write (ck, path, &error));
  CariCheckpoint *back = cari_checkpoint_read (path, &error);
  g_assert_no_error (error);
  g_remove (path);
  return back;
}

/* A checkpoint at step 5 and a resume give bitwise the run that was not interrupted, bad images
 * met before and after the checkpoint included; and the bad images met before it still count
 * against data.max_bad_images after it. */
static void
test_resume_is_bitwise_with_bad_images (Fixture *f, gconstpointer data)
{
  Spoilt s;
  spoil_after_import (f, &s);
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = tiny_run (10);
  g_autoptr (CariTrainer) a = cari_trainer_new (cfg, s.src, &error);
  g_autoptr (CariCheckpoint) ck = NULL;
  CariStepStats sa[12], sb;
  int skipped_before = 0, skipped_after = 0;
  for (int i = 0; i < 12; i++)
    {
      if (i == 5)
        ck = through_file (cari_trainer_checkpoint (a), f->dir);
      g_assert_true (cari_trainer_step (a, &sa[i], &error));
      *(i < 5 ? &skipped_before : &skipped_after) += sa[i].skipped_images;
    }
  g_assert_cmpint (skipped_before, >, 0);
  g_assert_cmpint (skipped_after, >, 0);

  g_autoptr (CariTrainer) b = cari_trainer_new (cfg, s.src, &error);
  g_assert_true (cari_trainer_restore (b, ck, &error));
  g_assert_no_error (error);
  for (int i = 5; i < 12; i++)
    {
      g_assert_true (cari_trainer_step (b, &sb, &error));
      g_assert_cmpint (sb.skipped_images, ==, sa[i].skipped_images);
      for (int task = 0; task < CARI_N_TASKS; task++)
        {
          g_assert_cmpmem (&sa[i].loss[task], sizeof (float), &sb.loss[task], sizeof (float));
          g_assert_cmpmem (&sa[i].weight[task], sizeof (float), &sb.weight[task],
                           sizeof (float));
        }
    }
  size_t n;
  float *pa = cari_net_params (cari_trainer_get_net (a), &n);
  float *pb = cari_net_params (cari_trainer_get_net (b), &n);
  g_assert_cmpint (memcmp (pa, pb, n * sizeof (float)), ==, 0);

  /* With a threshold, the images met before a checkpoint still count after it: the resumed run
   * stops at the step the uninterrupted one stops at. The checkpoint is taken after step 2,
   * when some bad images were met and not all (runs allowing k stop within 2 steps for each k
   * below the number met). */
  const int at = 2;
  int met_before = 0;
  for (int k = 0; k < 4; k++)
    {
      g_autoptr (CariRunConfig) probe = tiny_run (k);
      g_autoptr (CariTrainer) p = cari_trainer_new (probe, s.src, &error);
      met_before += step_until_failure (p, at, &error) > 0;
      g_clear_error (&error);
    }
  g_assert_cmpint (met_before, >, 0);
  g_assert_cmpint (met_before, <, 4);
  g_autoptr (CariRunConfig) strict = tiny_run (met_before);
  g_autoptr (CariTrainer) c = cari_trainer_new (strict, s.src, &error);
  for (int i = 0; i < at; i++)
    g_assert_true (cari_trainer_step (c, NULL, &error));
  g_autoptr (CariCheckpoint) ck_at = through_file (cari_trainer_checkpoint (c), f->dir);
  guint64 stop_c = step_until_failure (c, 30, &error);
  g_assert_cmpuint (stop_c, >, at);
  g_clear_error (&error);
  g_autoptr (CariTrainer) d = cari_trainer_new (strict, s.src, &error);
  g_assert_true (cari_trainer_restore (d, ck_at, &error));
  g_assert_cmpuint (step_until_failure (d, 30, &error), ==, stop_c);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_CORRUPT);
  spoilt_clear (&s);
}

/* Through the launch layer: a run over a stored data set whose images went bad after the import
 * finishes, and its metrics count the images replaced. */
static void
test_run_records_them (Fixture *f, gconstpointer data)
{
  Spoilt s;
  spoil_after_import (f, &s);
  g_autoptr (GError) error = NULL;
  g_autofree char *db = g_build_filename (f->dir, "runs.db", NULL);
  g_autoptr (CariStore) store = cari_store_open (db, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  g_free (s.index->name);
  s.index->name = g_strdup ("gone-bad");
  g_assert_cmpint (cari_store_import_dataset (store, s.index, &error), >, 0);
  g_autoptr (CariRunConfig) cfg = tiny_run (10);
  g_assert_true (cari_run_config_set_all (cfg, (const char *const[]) { "data.dataset=gone-bad",
                                                                       "schedule.steps=15",
                                                                       "schedule.eval_every=5",
                                                                       NULL },
                                          NULL, &error));
  gint64 run = cari_launch_queue_run (store, cfg, &error);
  g_assert_no_error (error);
  CariRunReport report;
  g_assert_true (cari_launch_execute (store, run, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.status, ==, CARI_RUN_FINISHED);
  g_autoptr (GArray) rows = cari_store_metrics_with_prefix (store, run, CARI_METRIC_SKIPPED_IMAGES,
                                                            &error);
  g_assert_no_error (error);
  double skipped = 0;
  for (guint i = 0; i < rows->len; i++)
    skipped += g_array_index (rows, CariMetricRow, i).value;
  g_test_message ("%u rows, %g images replaced", rows->len, skipped);
  g_assert_cmpuint (rows->len, >, 1);
  g_assert_cmpfloat (skipped, >=, 4);

  /* Stopped past its threshold, with nothing flushed yet: the metrics it has are written
   * before it fails. */
  g_assert_true (cari_run_config_set_all (cfg, (const char *const[]) { "data.max_bad_images=1",
                                                                       "schedule.flush_every=1000",
                                                                       "schedule.flush_seconds=3600",
                                                                       "schedule.eval_every=0",
                                                                       "schedule.steps=1000",
                                                                       "schedule.checkpoint_every=0",
                                                                       NULL },
                                          NULL, &error));
  gint64 failing = cari_launch_queue_run (store, cfg, &error);
  g_assert_no_error (error);
  g_assert_false (cari_launch_execute (store, failing, NULL, &report, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_CORRUPT);
  g_clear_error (&error);
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, failing, &error);
  g_assert_cmpint (info->status, ==, CARI_RUN_FAILED);
  g_autoptr (GArray) totals = cari_store_metrics_with_prefix (store, failing,
                                                              CARI_METRIC_LOSS_TOTAL, &error);
  g_test_message ("failed after %llu steps, %u rows of its total loss",
                  (unsigned long long) report.steps_done, totals->len);
  g_assert_cmpuint (report.steps_done, >, 0);
  g_assert_cmpuint (totals->len, ==, report.steps_done);
  spoilt_clear (&s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/bad-images/import-skips-them-and-the-run-finishes", Fixture, NULL, setup,
              test_import_skips_bad_files_and_run_finishes, teardown);
  g_test_add ("/bad-images/trainer-replaces-them", Fixture, NULL, setup,
              test_trainer_replaces_bad_images, teardown);
  g_test_add ("/bad-images/threshold-stops-the-run", Fixture, NULL, setup,
              test_threshold_stops_the_run, teardown);
  g_test_add ("/bad-images/resume-is-bitwise", Fixture, NULL, setup,
              test_resume_is_bitwise_with_bad_images, teardown);
  g_test_add ("/bad-images/run-records-them", Fixture, NULL, setup, test_run_records_them,
              teardown);
  return g_test_run ();
}
