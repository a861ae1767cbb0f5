/* test-loader.c — the data source over an imported data set: roles from a protocol fold, dense
 * labels, images equal to direct preprocessing, prefetching, the bounded cache, and errors. */
#include <cari.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "gradcheck.h"

typedef struct
{
  char *dir, *root;
  CariDatasetIndex *index;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  CariSynCariConfig cfg;
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("carilab-loader-XXXXXX", NULL);
  f->root = g_build_filename (f->dir, "syncari", NULL);
  cari_syncari_config_init_tiny (&cfg);
  cfg.photos_per_identity = 4;
  cfg.caricatures_per_identity = 4;
  g_assert_true (cari_syncari_generate (&cfg, f->root, NULL, NULL, NULL, &error));
  f->index = cari_webcari_import (f->root, &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  cari_dataset_index_free (f->index);
  test_remove_tree (f->dir);
  g_free (f->root);
  g_free (f->dir);
}

static void
test_roles (Fixture *f, gconstpointer data)
{
  CariLoaderConfig lc;
  g_autoptr (GError) error = NULL;
  cari_loader_config_init (&lc, 75);
  lc.validation_fraction = 0.25;
  g_autoptr (CariDataSource) src = cari_loader_new (f->index, "webcari.restricted", 1, &lc, &error);
  g_assert_no_error (error);

  /* Fold 1's pairs are test images, and (open set) so is every image of their identities. */
  g_autoptr (GHashTable) test_ids = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < f->index->pairs->len; i++)
    {
      const CariIndexPair *p = &g_array_index (f->index->pairs, CariIndexPair, i);
      if (strcmp (p->protocol, "webcari.restricted") == 0 && p->fold == 1)
        {
          g_assert_cmpint (src->role[p->a], ==, CARI_ROLE_TEST);
          g_assert_cmpint (src->role[p->b], ==, CARI_ROLE_TEST);
          const CariIndexImage *im = &g_array_index (f->index->images, CariIndexImage, p->a);
          g_hash_table_add (test_ids, GINT_TO_POINTER (im->identity + 1));
        }
    }
  g_assert_cmpuint (g_hash_table_size (test_ids), >, 0);
  int n_train = 0, n_val = 0, max_label = -1;
  for (int i = 0; i < src->n_images; i++)
    {
      const CariIndexImage *im = &g_array_index (f->index->images, CariIndexImage, i);
      gboolean test_id = g_hash_table_contains (test_ids, GINT_TO_POINTER (im->identity + 1));
      g_assert_cmpint (src->role[i] == CARI_ROLE_TEST, ==, test_id);
      g_assert_cmpint (src->modality[i], ==, im->modality);
      if (test_id)
        g_assert_cmpint (src->identity[i], ==, -1);
      else
        {
          g_assert_cmpint (src->identity[i], >=, 0);
          g_assert_cmpint (src->identity[i], <, src->n_identities);
          max_label = MAX (max_label, src->identity[i]);
          n_train += src->role[i] == CARI_ROLE_TRAIN;
          n_val += src->role[i] == CARI_ROLE_VALIDATION;
        }
    }
  /* Dense labels over the training identities; one image in four of each held out. */
  g_assert_cmpint (max_label, ==, src->n_identities - 1);
  g_assert_cmpint (src->n_identities, ==,
                   (int) f->index->identities->len - (int) g_hash_table_size (test_ids));
  g_assert_cmpint (n_val, ==, src->n_identities * 2);
  g_assert_cmpint (n_train, ==, src->n_identities * 6);

  /* An unknown protocol is refused by name. */
  g_assert_null (cari_loader_new (f->index, "cavi.pairs", 1, &lc, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "cavi.pairs"));
}

static void
test_images_and_prefetch (Fixture *f, gconstpointer data)
{
  CariLoaderConfig lc;
  g_autoptr (GError) error = NULL;
  cari_loader_config_init (&lc, 75);
  lc.cache_bytes = 5 * 3 * 75 * 75 * sizeof (float); /* five images */
  g_autoptr (CariDataSource) src = cari_loader_new (f->index, "webcari.restricted", 1, &lc, &error);
  const size_t img = (size_t) 3 * 75 * 75;
  int idx[4] = { 0, 5, 9, 17 };
  g_autofree float *got = g_new (float, img * 4);
  g_autofree float *want = g_new (float, img);

  /* Asked ahead, then loaded: equal to decoding and preprocessing directly. */
  cari_data_source_prefetch (src, idx, 4);
  g_assert_true (cari_data_source_load (src, idx, 4, got, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 4; i++)
    {
      const CariIndexImage *im = &g_array_index (f->index->images, CariIndexImage, idx[i]);
      g_autofree char *path = g_build_filename (f->root, im->path, NULL);
      g_autoptr (CariImage) image = cari_image_load (path, NULL, &error);
      CariPreprocess pre;
      cari_preprocess_init (&pre, 75);
      g_assert_true (cari_preprocess_image (image, NULL, 0, &pre, NULL, want, &error));
      g_assert_cmpmem (got + i * img, img * sizeof (float), want, img * sizeof (float));
    }
  CariLoaderStats st;
  cari_loader_get_stats (src, &st);
  g_assert_cmpuint (st.decoded, ==, 4);

  /* Cached: loading again decodes nothing. */
  g_assert_true (cari_data_source_load (src, idx, 4, got, &error));
  cari_loader_get_stats (src, &st);
  g_assert_cmpuint (st.decoded, ==, 4);
  g_assert_cmpuint (st.hits, >=, 4);

  /* The cache holds five images: loading eight others evicts the first ones. */
  int more[8] = { 20, 21, 22, 23, 24, 25, 26, 27 };
  g_autofree float *many = g_new (float, img * 8);
  g_assert_true (cari_data_source_load (src, more, 8, many, &error));
  g_assert_true (cari_data_source_load (src, idx, 1, got, &error));
  cari_loader_get_stats (src, &st);
  g_assert_cmpuint (st.decoded, ==, 4 + 8 + 1);
}

static void
test_bad_image (Fixture *f, gconstpointer data)
{
  CariLoaderConfig lc;
  g_autoptr (GError) error = NULL;
  cari_loader_config_init (&lc, 75);
  g_autoptr (CariDataSource) src = cari_loader_new (f->index, "webcari.restricted", 1, &lc, &error);
  const CariIndexImage *im = &g_array_index (f->index->images, CariIndexImage, 3);
  g_autofree char *path = g_build_filename (f->root, im->path, NULL);
  g_assert_true (g_file_set_contents (path, "not an image", -1, NULL));
  float *dst = g_new (float, 3 * 75 * 75);
  int idx = 3;
  cari_data_source_prefetch (src, &idx, 1);
  g_assert_false (cari_data_source_load (src, &idx, 1, dst, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, im->path));
  g_clear_error (&error);
  /* Loaded with its neighbours one by one: only it fails, and its slot is zeroed. */
  const int batch[3] = { 2, 3, 4 };
  GError *failures[3] = { NULL, NULL, NULL };
  g_autofree float *three = g_new (float, 3 * 3 * 75 * 75);
  for (int i = 0; i < 3 * 3 * 75 * 75; i++)
    three[i] = 1.0f;
  g_assert_true (cari_data_source_load_each (src, batch, 3, three, failures, &error));
  g_assert_no_error (error);
  g_assert_null (failures[0]);
  g_assert_null (failures[2]);
  g_assert_error (failures[1], CARI_ERROR, CARI_ERROR_CORRUPT);
  g_assert_nonnull (strstr (failures[1]->message, im->path));
  g_clear_error (&failures[1]);
  for (int i = 0; i < 3 * 75 * 75; i++)
    g_assert_cmpfloat (three[3 * 75 * 75 + i], ==, 0.0f);
  g_assert_cmpfloat (three[0], !=, 0.0f);
  /* Out of range. */
  idx = 100000;
  g_assert_false (cari_data_source_load (src, &idx, 1, dst, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_free (dst);
}

/* A one-image index over `path` (a photo of one identity, with `landmarks` [n, 2] or none). */
static CariDatasetIndex *
one_image_index (const char *path, const float *landmarks, int n)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  CariDatasetIndex *index = cari_dataset_index_new ("one", "folder", dir);
  int identity = cari_dataset_index_add_identity (index, "someone");
  cari_dataset_index_add_image (index, identity, CARI_MODALITY_PHOTO, base, landmarks, n);
  return index;
}

/* A smooth w × h image saved as a PNG at `path`. */
static void
save_smooth_png (const char *path, int w, int h)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariImage) img = cari_image_new (w, h);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        img->pixels[((gsize) c * h + y) * w + x]
          = (float) (0.5 + 0.4 * sin (x / 90.0 + c) * cos (y / 70.0 - c));
  g_assert_true (cari_image_save_png (img, path, &error));
}

/* A large image is decoded reduced: the loader's decoding of a 3000 × 3000 PNG for a 75-pixel
 * input fits in 96 MiB more address space (at full size: 108 MB of float pixels, and it fails).
 * The headroom also holds the stacks of the threads the load starts (8 MiB each): at 48 MiB the
 * test failed 6 runs in 10 reading the 3 MB file. */
static void
test_large_image_bounded (void)
{
#if defined(__SANITIZE_ADDRESS__)
  g_test_skip ("ASan reserves more address space than the RLIMIT_AS this test sets");
#else
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("carilab-loader-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "large.png", NULL);
      g_autoptr (GError) error = NULL;
      save_smooth_png (path, 3000, 3000);
      g_autoptr (CariDatasetIndex) index = one_image_index (path, NULL, 0);
      CariLoaderConfig lc;
      cari_loader_config_init (&lc, 75);
      lc.threads = 1;
      g_autoptr (CariDataSource) src = cari_loader_new (index, "none", 0, &lc, &error);
      test_limit_address_space ((gsize) 96 << 20);
      g_autofree float *dst = g_new (float, 3 * 75 * 75);
      const int which = 0;
      gboolean loaded = cari_data_source_load (src, &which, 1, dst, &error);
      g_assert_no_error (error);
      g_assert_true (loaded);
      g_remove (path);
      g_rmdir (dir);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
#endif
}

/* With data.landmark_crop, a large image decoded reduced has its landmarks reduced with it: the
 * face crop is the one of the full image (up to the reduction's smoothing). */
static void
test_large_image_landmarks (void)
{
  g_autofree char *dir = g_dir_make_tmp ("carilab-loader-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "face.png", NULL);
  g_autoptr (GError) error = NULL;
  /* A box of 400 × 400 points: cropped 600 × 480, so decoded reduced by 4 for 75 pixels. */
  float landmarks[8] = { 300, 400, 700, 400, 300, 800, 700, 800 };
  save_smooth_png (path, 1200, 1200);
  g_autoptr (CariDatasetIndex) index = one_image_index (path, landmarks, 4);
  CariLoaderConfig lc;
  cari_loader_config_init (&lc, 75);
  lc.landmark_crop = TRUE;
  g_autoptr (CariDataSource) src = cari_loader_new (index, "none", 0, &lc, &error);
  const size_t n = 3 * 75 * 75;
  g_autofree float *got = g_new (float, n);
  g_autofree float *want = g_new (float, n);
  const int which = 0;
  g_assert_true (cari_data_source_load (src, &which, 1, got, &error));
  g_autoptr (CariImage) full = cari_image_load (path, NULL, &error);
  CariPreprocess pre;
  cari_preprocess_init (&pre, 75);
  pre.landmark_crop = TRUE;
  g_assert_true (cari_preprocess_image (full, landmarks, 4, &pre, NULL, want, &error));
  g_assert_no_error (error);
  double diff = 0;
  for (size_t i = 0; i < n; i++)
    diff += fabs (got[i] - want[i]) / n;
  g_test_message ("mean difference from the full-size crop: %g", diff);
  g_assert_cmpfloat (diff, <, 0.05);
  g_remove (path);
  g_rmdir (dir);
}

/* Threads loading the same images at once through one loader, as a trainer's replicas do, with
 * a cache of two images (so entries are evicted while others wait for them) and one image that
 * cannot be read: every image arrives whole and right, the bad one fails for each. */
typedef struct
{
  CariDataSource *src;
  const float *want; /* [6 images], by image 0 … 5 */
  int bad;           /* the unreadable image */
  int wrong;         /* images that arrived different */
} SharedJob;

static gpointer
load_shared (gpointer data)
{
  SharedJob *job = data;
  const size_t img = (size_t) 3 * 75 * 75;
  const int batch[8] = { 0, 1, 2, 3, 4, 5, 1, 0 };
  g_autofree float *got = g_new (float, img * 8);
  for (int round = 0; round < 60; round++)
    {
      GError *failures[8] = { NULL };
      g_autoptr (GError) error = NULL;
      cari_data_source_prefetch (job->src, batch + round % 3, 4);
      g_assert_true (cari_data_source_load_each (job->src, batch, 8, got, failures, &error));
      for (int i = 0; i < 8; i++)
        {
          if (batch[i] == job->bad)
            g_assert_nonnull (failures[i]);
          else if (failures[i] != NULL
                   || memcmp (got + img * i, job->want + img * batch[i], img * sizeof (float)))
            g_atomic_int_inc (&job->wrong);
          g_clear_error (&failures[i]);
        }
    }
  return NULL;
}

static void
test_shared_by_threads (Fixture *f, gconstpointer data)
{
  CariLoaderConfig lc;
  g_autoptr (GError) error = NULL;
  const size_t img = (size_t) 3 * 75 * 75;
  g_autofree float *want = g_new0 (float, img * 6);
  {
    cari_loader_config_init (&lc, 75);
    g_autoptr (CariDataSource) ref = cari_loader_new (f->index, "webcari.restricted", 1, &lc, &error);
    g_assert_no_error (error);
    const int first[5] = { 0, 1, 2, 3, 5 };
    for (int i = 0; i < 5; i++)
      g_assert_true (cari_data_source_load (ref, &first[i], 1, want + img * first[i], &error));
  }
  const CariIndexImage *im = &g_array_index (f->index->images, CariIndexImage, 4);
  g_autofree char *path = g_build_filename (f->root, im->path, NULL);
  g_assert_true (g_file_set_contents (path, "not an image", -1, NULL));
  cari_loader_config_init (&lc, 75);
  lc.cache_bytes = 2 * img * sizeof (float);
  g_autoptr (CariDataSource) src = cari_loader_new (f->index, "webcari.restricted", 1, &lc, &error);
  g_assert_no_error (error);
  SharedJob job = { src, want, 4, 0 };
  GThread *threads[4];
  for (int t = 0; t < 4; t++)
    threads[t] = g_thread_new ("load", load_shared, &job);
  for (int t = 0; t < 4; t++)
    g_thread_join (threads[t]);
  g_assert_cmpint (job.wrong, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/loader/roles", Fixture, NULL, setup, test_roles, teardown);
  g_test_add ("/loader/images-and-prefetch", Fixture, NULL, setup, test_images_and_prefetch,
              teardown);
  g_test_add ("/loader/bad-image", Fixture, NULL, setup, test_bad_image, teardown);
  g_test_add ("/loader/shared-by-threads", Fixture, NULL, setup, test_shared_by_threads,
              teardown);
  g_test_add_func ("/loader/large-image-bounded", test_large_image_bounded);
  g_test_add_func ("/loader/large-image-landmarks", test_large_image_landmarks);
  return g_test_run ();
}
