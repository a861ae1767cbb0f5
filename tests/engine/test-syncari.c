/* test-syncari.c — the SynCari generator: WebCaricature's layout, 17 landmarks inside the image,
 * protocol files in the data set's formats, determinism, and bad settings. */
#include <cari.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradcheck.h"

static char *
read_file (const char *root, const char *rel)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    g_error ("missing %s", path);
  return text;
}

static int
count_lines (const char *text)
{
  int n = 0;
  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

static gboolean
count_progress (double fraction, gpointer data)
{
  double *last = data;
  g_assert_cmpfloat (fraction, >=, *last);
  *last = fraction;
  return TRUE;
}

static void
test_layout (void)
{
  g_autofree char *dir = g_dir_make_tmp ("carilab-syncari-XXXXXX", NULL);
  g_autofree char *root = g_build_filename (dir, "set", NULL);
  g_autofree char *pre = g_build_filename (dir, "pretrain", NULL);
  CariSynCariConfig cfg;
  g_autoptr (GError) error = NULL;
  double last = 0.0;

  cari_syncari_config_init_tiny (&cfg);
  g_assert_true (cari_syncari_generate (&cfg, root, pre, count_progress, &last, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (last, ==, 1.0);

  /* Images and landmark files of every identity, file lists naming them. */
  for (int i = 0; i < cfg.identities; i++)
    {
      g_autofree char *name = cari_syncari_identity_name (i);
      g_autofree char *list_rel = g_build_filename ("Filenames", name, "file_c.txt", NULL);
      g_autofree char *list = read_file (root, list_rel);
      g_assert_cmpint (count_lines (list), ==, cfg.caricatures_per_identity);
      for (int j = 1; j <= cfg.photos_per_identity; j++)
        {
          g_autofree char *img = g_strdup_printf ("%s/OriginalImages/%s/P%05d.jpg", root, name, j);
          g_assert_true (g_file_test (img, G_FILE_TEST_IS_REGULAR));
        }
      g_autofree char *pts_rel = g_strdup_printf ("FacialPoints/%s/C00001.txt", name);
      g_autofree char *pts = read_file (root, pts_rel);
      g_auto (GStrv) lines = g_strsplit (g_strstrip (pts), "\n", -1);
      g_assert_cmpint (g_strv_length (lines), ==, 17);
      for (int p = 0; p < 17; p++)
        {
          double x, y;
          g_assert_cmpint (sscanf (lines[p], "%lf %lf", &x, &y), ==, 2);
          g_assert_cmpfloat (x, >, -0.1 * cfg.size);
          g_assert_cmpfloat (x, <, 1.1 * cfg.size);
          g_assert_cmpfloat (y, >, -0.1 * cfg.size);
          g_assert_cmpfloat (y, <, 1.1 * cfg.size);
        }
      /* WebCaricature's order: the forehead (1) above the nose tip (13) above the chin (3). */
      double yf, yn, yc, x;
      sscanf (lines[0], "%lf %lf", &x, &yf);
      sscanf (lines[12], "%lf %lf", &x, &yn);
      sscanf (lines[2], "%lf %lf", &x, &yc);
      g_assert_cmpfloat (yf, <, yn);
      g_assert_cmpfloat (yn, <, yc);
    }

  /* The restricted View2: ten folds, each a count line then N matched and N mismatched. */
  g_autofree char *view2 = read_file (root,
    "EvaluationProtocols/FaceVerification/Restricted/RestrictedView2.txt");
  g_auto (GStrv) v = g_strsplit (view2, "\n", -1);
  int line = 0;
  for (int f = 0; f < 10; f++)
    {
      int n = atoi (v[line++]);
      g_assert_cmpint (n, ==, cfg.pairs_per_fold);
      for (int i = 0; i < n; i++)
        {
          g_auto (GStrv) cols = g_strsplit (v[line++], "\t", -1);
          g_assert_cmpint (g_strv_length (cols), ==, 3);
        }
      for (int i = 0; i < n; i++)
        {
          g_auto (GStrv) cols = g_strsplit (v[line++], "\t", -1);
          g_assert_cmpint (g_strv_length (cols), ==, 4);
          g_assert_cmpstr (cols[0], !=, cols[2]); /* mismatched: two people */
          g_assert_true (cols[1][0] == 'C' && cols[3][0] == 'P');
        }
    }
  /* Unrestricted View2 lists every identity once over the ten folds. */
  g_autofree char *u = read_file (root,
    "EvaluationProtocols/FaceVerification/UnRestricted/UnRestrictedView2.txt");
  g_assert_cmpint (count_lines (u), ==, cfg.identities + 10);
  /* Identification: gallery and probes of fold 3. */
  g_autofree char *gal = read_file (root,
    "EvaluationProtocols/FaceIdentification/C2P/FR_Gallery_C2P3.txt");
  g_autofree char *prb = read_file (root,
    "EvaluationProtocols/FaceIdentification/C2P/FR_Probe_C2P3.txt");
  g_assert_cmpint (count_lines (gal), ==, 1 + cfg.identities / 10);
  g_assert_cmpint (count_lines (prb), ==, 1 + cfg.identities / 10 * cfg.caricatures_per_identity);
  /* The pretraining set: photos only. */
  g_autofree char *pre_img = g_build_filename (pre, "Pretrain 0001", "photo", "00001.jpg", NULL);
  g_assert_true (g_file_test (pre_img, G_FILE_TEST_IS_REGULAR));
  test_remove_tree (dir);
}

/* A fixed feature extractor — the picture at 16 × 16 in grey, centred and scaled to unit length
 * — and the nearest neighbour among the photos: the features of an image of `root`. */
static void
features (const char *root, const char *name, char kind, int j, float *f)
{
  g_autofree char *path = g_strdup_printf ("%s/OriginalImages/%s/%c%05d.jpg", root, name, kind,
                                           j);
  g_autoptr (GError) error = NULL;
  g_autoptr (CariImage) img = cari_image_load (path, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (CariImage) small = cari_image_resize (img, 16, 16, CARI_RESIZE_AREA);
  double mean = 0.0, norm = 0.0;
  for (int p = 0; p < 256; p++)
    {
      f[p] = small->pixels[p] + small->pixels[256 + p] + small->pixels[512 + p];
      mean += f[p] / 256.0;
    }
  for (int p = 0; p < 256; p++)
    {
      f[p] -= (float) mean;
      norm += f[p] * f[p];
    }
  for (int p = 0; p < 256; p++)
    f[p] /= (float) sqrt (norm);
}

/* The share of probes whose nearest photo (other than themselves) is of their identity. */
static double
nearest_photo_accuracy (const float *probes, const int *probe_ids, int n_probes,
                        const float *photos, const int *photo_ids, int n_photos, gboolean same)
{
  int right = 0;
  for (int q = 0; q < n_probes; q++)
    {
      double best = -2.0;
      int who = -1;
      for (int g = 0; g < n_photos; g++)
        {
          if (same && g == q)
            continue;
          double dot = 0.0;
          for (int p = 0; p < 256; p++)
            dot += probes[q * 256 + p] * photos[g * 256 + p];
          if (dot > best)
            {
              best = dot;
              who = photo_ids[g];
            }
        }
      right += who == probe_ids[q];
    }
  return (double) right / n_probes;
}

/* What the paper depends on, in SynCari itself: a caricature is harder to match to its person's
 * photos than a photo is (the cross-modal gap), and both are far above chance — measured with
 * the fixed extractor above, so no training decides it. */
static void
test_cross_modal_gap (void)
{
  g_autofree char *dir = g_dir_make_tmp ("carilab-syncari-gap-XXXXXX", NULL);
  g_autofree char *root = g_build_filename (dir, "set", NULL);
  g_autofree char *pre = g_build_filename (dir, "pretrain", NULL);
  CariSynCariConfig cfg;
  g_autoptr (GError) error = NULL;
  cari_syncari_config_init_tiny (&cfg);
  g_assert_true (cari_syncari_generate (&cfg, root, pre, NULL, NULL, &error));
  g_assert_no_error (error);

  const int K = cfg.identities, P = cfg.photos_per_identity, C = cfg.caricatures_per_identity;
  g_autofree float *photos = g_new (float, (size_t) K * P * 256);
  g_autofree float *caris = g_new (float, (size_t) K * C * 256);
  g_autofree int *photo_ids = g_new (int, K * P);
  g_autofree int *cari_ids = g_new (int, K * C);
  for (int k = 0; k < K; k++)
    {
      g_autofree char *name = cari_syncari_identity_name (k);
      for (int j = 0; j < P; j++)
        {
          features (root, name, 'P', j + 1, photos + (size_t) (k * P + j) * 256);
          photo_ids[k * P + j] = k;
        }
      for (int j = 0; j < C; j++)
        {
          features (root, name, 'C', j + 1, caris + (size_t) (k * C + j) * 256);
          cari_ids[k * C + j] = k;
        }
    }
  double v2v = nearest_photo_accuracy (photos, photo_ids, K * P, photos, photo_ids, K * P, TRUE);
  double c2v = nearest_photo_accuracy (caris, cari_ids, K * C, photos, photo_ids, K * P, FALSE);
  g_test_message ("nearest photo, 16 × 16 grey pixels: photo → photo %.3f, caricature → photo "
                  "%.3f (chance %.3f)",
                  v2v, c2v, 1.0 / K);
  g_assert_cmpfloat (v2v, >, 3.0 / K);
  g_assert_cmpfloat (c2v, <, v2v - 0.15);
  test_remove_tree (dir);
}

static void
test_deterministic (void)
{
  g_autofree char *dir = g_dir_make_tmp ("carilab-syncari-XXXXXX", NULL);
  CariSynCariConfig cfg;
  cari_syncari_config_init_tiny (&cfg);
  cfg.pretrain_identities = 0;
  char *contents[3] = { NULL };
  gsize lens[3] = { 0 };
  for (int run = 0; run < 3; run++)
    {
      g_autofree char *root = g_strdup_printf ("%s/set%d", dir, run);
      cfg.seed = run < 2 ? 5 : 6;
      g_assert_true (cari_syncari_generate (&cfg, root, NULL, NULL, NULL, NULL));
      g_autofree char *img = g_build_filename (root, "OriginalImages", "Person 007", "C00002.jpg",
                                               NULL);
      g_assert_true (g_file_get_contents (img, &contents[run], &lens[run], NULL));
    }
  g_assert_cmpmem (contents[0], lens[0], contents[1], lens[1]);
  g_assert_true (lens[0] != lens[2] || memcmp (contents[0], contents[2], lens[0]) != 0);
  for (int run = 0; run < 3; run++)
    g_free (contents[run]);
  test_remove_tree (dir);
}

static void
test_bad_settings (void)
{
  g_autoptr (GError) error = NULL;
  CariSynCariConfig cfg;
  cari_syncari_config_init_tiny (&cfg);
  cfg.identities = 5;
  g_assert_false (cari_syncari_generate (&cfg, "/nonexistent/never", NULL, NULL, NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  /* A root under a regular file cannot be created (ENOTDIR, whatever the user's rights). */
  g_autofree char *dir = g_dir_make_tmp ("carilab-syncari-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "file", NULL);
  g_autofree char *root = g_build_filename (file, "set", NULL);
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  cari_syncari_config_init_tiny (&cfg);
  g_assert_false (cari_syncari_generate (&cfg, root, NULL, NULL, NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_IO);
  g_assert_nonnull (strstr (error->message, root));
  test_remove_tree (dir);
}

static gboolean
stop_half_way (double fraction, gpointer data)
{
  return fraction < 0.5;
}

/* A generation stopped part way (cancelled here, killed alike) leaves folders every importer
 * refuses, naming them; generated again to the end, they import. */
static void
test_interrupted_is_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("carilab-syncari-XXXXXX", NULL);
  g_autofree char *root = g_build_filename (dir, "set", NULL);
  g_autofree char *pre = g_build_filename (dir, "pretrain", NULL);
  g_autoptr (GError) error = NULL;
  CariSynCariConfig cfg;
  cari_syncari_config_init_tiny (&cfg);
  g_assert_false (cari_syncari_generate (&cfg, root, pre, stop_half_way, NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (cari_webcari_import (root, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, root));
  g_assert_nonnull (strstr (error->message, "incomplete"));
  g_clear_error (&error);
  g_assert_null (cari_folder_import (pre, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (cari_syncari_generate (&cfg, root, pre, NULL, NULL, &error));
  g_assert_no_error (error);
  g_autoptr (CariDatasetIndex) set = cari_webcari_import (root, &error);
  g_assert_no_error (error);
  g_autoptr (CariDatasetIndex) pretrain = cari_folder_import (pre, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->images->len, ==,
                    (guint) (cfg.identities
                             * (cfg.photos_per_identity + cfg.caricatures_per_identity)));
  test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/syncari/layout", test_layout);
  g_test_add_func ("/syncari/cross-modal-gap", test_cross_modal_gap);
  g_test_add_func ("/syncari/deterministic", test_deterministic);
  g_test_add_func ("/syncari/bad-settings", test_bad_settings);
  g_test_add_func ("/syncari/interrupted-is-refused", test_interrupted_is_refused);
  return g_test_run ();
}
