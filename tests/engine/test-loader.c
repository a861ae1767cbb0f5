/* test-loader.c — the data source over an imported data set: roles from a protocol fold, dense
 * labels, images equal to direct preprocessing, prefetching, the bounded cache, and errors. */
#include <cari.h>
#include <glib/gstdio.h>
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
  /* Out of range. */
  idx = 100000;
  g_assert_false (cari_data_source_load (src, &idx, 1, dst, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_free (dst);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/loader/roles", Fixture, NULL, setup, test_roles, teardown);
  g_test_add ("/loader/images-and-prefetch", Fixture, NULL, setup, test_images_and_prefetch,
              teardown);
  g_test_add ("/loader/bad-image", Fixture, NULL, setup, test_bad_image, teardown);
  return g_test_run ();
}
