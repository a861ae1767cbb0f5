/* test-import.c — the WebCaricature, CaVI and folder importers on small dataset trees written
 * here, one test per quirk of the real copies (CR LF, backslashes, case, Thumbs.db, the
 * Evaluation/ folder, a leading fold count, scientific notation, the CaVINet_Dataset root, an
 * identity of one modality, names with spaces), bad input reported with its file and line, and
 * the index's round trip through the run store in one transaction. */
#include <cari.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "gradcheck.h"

/* ----------------------------------------------------------------------------- helpers */

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("carilab-import-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Writes `len` bytes (-1: a string) to dir/rel, creating the folders. */
static void
put (const char *dir, const char *rel, const char *contents, gssize len)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  GError *error = NULL;
  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

/* A real 8 × 8 JPEG: the import decodes every image. */
static void
put_image (const char *dir, const char *rel)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr (CariImage) img = cari_image_new (8, 8);
  g_autoptr (GError) error = NULL;
  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (cari_image_save_jpeg (img, path, 90, &error));
}

static gboolean
has_warning (const CariDatasetIndex *index, const char *file_part, int line, const char *text)
{
  for (guint i = 0; i < index->warnings->len; i++)
    {
      const CariIndexWarning *w = &g_array_index (index->warnings, CariIndexWarning, i);
      if (strstr (w->file, file_part) != NULL && (line < 0 || w->line == line)
          && strstr (w->message, text) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
print_warnings (const CariDatasetIndex *index)
{
  for (guint i = 0; i < index->warnings->len; i++)
    {
      const CariIndexWarning *w = &g_array_index (index->warnings, CariIndexWarning, i);
      g_test_message ("warning: %s:%d: %s", w->file, w->line, w->message);
    }
}

static int
find_identity (const CariDatasetIndex *index, const char *name)
{
  for (guint i = 0; i < index->identities->len; i++)
    if (strcmp (g_ptr_array_index (index->identities, i), name) == 0)
      return (int) i;
  return -1;
}

static int
find_image (const CariDatasetIndex *index, const char *path)
{
  for (guint i = 0; i < index->images->len; i++)
    if (strcmp (g_array_index (index->images, CariIndexImage, i).path, path) == 0)
      return (int) i;
  return -1;
}

static int
count_pairs (const CariDatasetIndex *index, const char *protocol, int fold, int role)
{
  int n = 0;
  for (guint i = 0; i < index->pairs->len; i++)
    {
      const CariIndexPair *p = &g_array_index (index->pairs, CariIndexPair, i);
      if (strcmp (p->protocol, protocol) == 0 && (fold < 0 || p->fold == fold)
          && (role < 0 || p->role == role))
        n++;
    }
  return n;
}

static int
count_subjects (const CariDatasetIndex *index, const char *protocol, int fold, int role)
{
  int n = 0;
  for (guint i = 0; i < index->subjects->len; i++)
    {
      const CariIndexSubject *p = &g_array_index (index->subjects, CariIndexSubject, i);
      if (strcmp (p->protocol, protocol) == 0 && (fold < 0 || p->fold == fold)
          && (role < 0 || p->role == role))
        n++;
    }
  return n;
}

static void
assert_error_names (const GError *error, int code, const char *file_part, int line)
{
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_error (error, CARI_ERROR, code);
  g_assert_nonnull (strstr (error->message, file_part));
  if (line > 0)
    {
      g_autofree char *text = g_strdup_printf ("line %d", line);
      g_assert_nonnull (strstr (error->message, text));
    }
}

/* ------------------------------------------------------------------ WebCaricature tree */

static const char *const webcari_names[] = { "Adam Sandler", "Bill Gates", "Cher",
                                             "Zoe Saldana" };

typedef struct
{
  gboolean crlf;          /* protocol files end lines with CR LF */
  gboolean spaces;        /* protocol fields separated by spaces, not tabs */
  const char *eval;       /* the protocol folder's name */
  gboolean fold_count;    /* UnRestrictedView2 starts with the number of folds */
  const char *restricted_view2; /* replaces RestrictedView2.txt when set */
  const char *extra_pair; /* a line added to the matched pairs of RestrictedView1_DevTest */
} WebcariOpts;

static void
put_protocol (const char *root, const WebcariOpts *o, const char *rel, GString *text)
{
  g_autofree char *path = g_build_filename (o->eval, rel, NULL);
  g_autoptr (GString) out = g_string_new (NULL);
  for (const char *p = text->str; *p != '\0'; p++)
    if (*p == '\n' && o->crlf)
      g_string_append (out, "\r\n");
    else if (*p == '\t' && o->spaces)
      g_string_append_c (out, ' ');
    else
      g_string_append_c (out, *p);
  put (root, path, out->str, -1);
}

static const char *
wname (int k)
{
  return webcari_names[((k % 4) + 4) % 4];
}

/* 4 identities × (2 caricatures + 2 photos), 17 landmarks each; restricted: 4 + 2 + 10×2 pairs;
 * unrestricted: 2 + 2 + 10 subjects; FR_Train: 2 + 10×2 subjects per direction; galleries and
 * probes: 2 images per file, 11 folds, 2 directions: 88 protocol images. */
static void
make_webcari (const char *root, const WebcariOpts *o)
{
  GString *t;

  for (int i = 0; i < 4; i++)
    for (int m = 0; m < 2; m++)
      for (int k = 1; k <= 2; k++)
        {
          g_autofree char *img = g_strdup_printf ("OriginalImages/%s/%c%05d.jpg",
                                                  webcari_names[i], m == 0 ? 'C' : 'P', k);
          g_autofree char *lm = g_strdup_printf ("FacialPoints/%s/%c%05d.txt", webcari_names[i],
                                                 m == 0 ? 'C' : 'P', k);
          g_autoptr (GString) pts = g_string_new (NULL);
          put_image (root, img);
          for (int p = 0; p < 17; p++)
            g_string_append_printf (pts, "%d.5 %d.25%s", 10 * p + i, 20 + p + k,
                                    o->crlf ? "\r\n" : "\n");
          put (root, lm, pts->str, -1);
        }
  put (root, "Filenames/Cher/file_c.txt", "C00001.jpg\nC00002.jpg\n", -1);
  put (root, "Filenames/Cher/file_p.txt", "P00001.jpg\nP00002.jpg\n", -1);

  t = g_string_new ("2\n");
  g_string_append_printf (t, "%s\tC00001\tP00001\n%s\tC00001\tP00002\n", wname (0), wname (1));
  g_string_append_printf (t, "%s\tC00002\t%s\tP00001\n%s\tC00001\t%s\tP00002\n", wname (0),
                          wname (1), wname (2), wname (3));
  put_protocol (root, o, "FaceVerification/Restricted/RestrictedView1_DevTrain.txt", t);
  g_string_assign (t, "1\n");
  g_string_append_printf (t, "%s\tC00002\tP00001\n", wname (2));
  if (o->extra_pair != NULL)
    g_string_append_printf (t, "%s\n", o->extra_pair);
  g_string_append_printf (t, "%s\tC00001\t%s\tP00002\n", wname (3), wname (0));
  if (o->extra_pair != NULL)
    g_string_append_printf (t, "%s\tC00002\t%s\tP00002\n", wname (1), wname (2));
  if (o->extra_pair != NULL)
    g_string_overwrite (t, 0, "2");
  put_protocol (root, o, "FaceVerification/Restricted/RestrictedView1_DevTest.txt", t);
  g_string_truncate (t, 0);
  for (int k = 1; k <= 10; k++)
    g_string_append_printf (t, "1\n%s\tC%05d\tP%05d\n%s\tC00001\t%s\tP00002\n", wname (k),
                            k % 2 + 1, k % 2 + 1, wname (k), wname (k + 1));
  if (o->restricted_view2 != NULL)
    g_string_assign (t, o->restricted_view2);
  put_protocol (root, o, "FaceVerification/Restricted/RestrictedView2.txt", t);

  g_string_printf (t, "2\n%s\t2\t2\n%s\t2\t2\n", wname (0), wname (1));
  put_protocol (root, o, "FaceVerification/UnRestricted/UnRestrictedView1_DevTrain.txt", t);
  g_string_printf (t, "2\n%s\t2\t2\n%s\t2\t2\n", wname (2), wname (3));
  put_protocol (root, o, "FaceVerification/UnRestricted/UnRestrictedView1_DevTest.txt", t);
  g_string_assign (t, o->fold_count ? "10\n" : "");
  for (int k = 1; k <= 10; k++)
    g_string_append_printf (t, "1\n%s\t2\t2\n", wname (k));
  put_protocol (root, o, "FaceVerification/UnRestricted/UnRestrictedView2.txt", t);

  for (int fold = 0; fold <= 10; fold++)
    {
      g_autofree char *train = fold == 0 ? g_strdup ("FaceIdentification/FR_Train_dev.txt")
                                         : g_strdup_printf ("FaceIdentification/FR_Train%d.txt",
                                                            fold);
      g_string_printf (t, "%s\t2\t2\n%s\t2\t2\n", wname (fold), wname (fold + 1));
      put_protocol (root, o, train, t);
      for (int d = 0; d < 2; d++)
        for (int s = 0; s < 2; s++)
          {
            const char *dir = d == 0 ? "C2P" : "P2C";
            const char *set = s == 0 ? "Gallery" : "Probe";
            /* C2P: photo gallery, caricature probes; P2C the reverse */
            char kind = (d == 0) == (s == 0) ? 'P' : 'C';
            g_autofree char *rel
              = fold == 0
                  ? g_strdup_printf ("FaceIdentification/%s/FR_%s_%s_dev.txt", dir, set, dir)
                  : g_strdup_printf ("FaceIdentification/%s/FR_%s_%s%d.txt", dir, set, dir,
                                     fold);
            g_string_printf (t, "Name\tLabel\tImage\n%s\t%d\t%c00001\n%s\t%d\t%c00002\n",
                             wname (fold), fold % 4, kind, wname (fold + 2), (fold + 2) % 4,
                             kind);
            put_protocol (root, o, rel, t);
          }
    }
  g_string_free (t, TRUE);
}

static const WebcariOpts webcari_default = { .eval = "EvaluationProtocols" };

static CariDatasetIndex *
import_webcari_ok (const char *root)
{
  GError *error = NULL;
  CariDatasetIndex *index = cari_webcari_import (root, &error);
  g_assert_no_error (error);
  g_assert_nonnull (index);
  print_warnings (index);
  return index;
}

/* Everything of the tree above is there, and nothing was skipped. */
static void
assert_webcari_complete (const CariDatasetIndex *index)
{
  g_assert_cmpuint (index->warnings->len, ==, 0);
  g_assert_cmpuint (index->identities->len, ==, 4);
  for (int i = 0; i < 4; i++)
    g_assert_cmpstr (g_ptr_array_index (index->identities, i), ==, webcari_names[i]);
  g_assert_cmpuint (index->images->len, ==, 16);
  g_assert_cmpint (count_pairs (index, "webcari.restricted", 0, CARI_ROLE_TRAIN), ==, 4);
  g_assert_cmpint (count_pairs (index, "webcari.restricted", 0, CARI_ROLE_TEST), ==, 2);
  for (int k = 1; k <= 10; k++)
    g_assert_cmpint (count_pairs (index, "webcari.restricted", k, CARI_ROLE_TEST), ==, 2);
  g_assert_cmpuint (index->pairs->len, ==, 26);
  g_assert_cmpint (count_subjects (index, "webcari.unrestricted", 0, CARI_ROLE_TRAIN), ==, 2);
  g_assert_cmpint (count_subjects (index, "webcari.unrestricted", 0, CARI_ROLE_TEST), ==, 2);
  for (int k = 1; k <= 10; k++)
    g_assert_cmpint (count_subjects (index, "webcari.unrestricted", k, CARI_ROLE_TEST), ==, 1);
  g_assert_cmpint (count_subjects (index, "webcari.c2p", -1, CARI_ROLE_TRAIN), ==, 22);
  g_assert_cmpint (count_subjects (index, "webcari.p2c", -1, CARI_ROLE_TRAIN), ==, 22);
  g_assert_cmpuint (index->subjects->len, ==, 58);
  g_assert_cmpuint (index->protocol_images->len, ==, 88);
}

static void
test_webcari_basic (Fixture *f, gconstpointer data)
{
  g_autoptr (CariDatasetIndex) index = NULL;
  const CariIndexImage *im;
  const CariIndexPair *p;
  int adam, bill;

  make_webcari (f->dir, &webcari_default);
  index = import_webcari_ok (f->dir);
  assert_webcari_complete (index);
  g_assert_cmpstr (index->kind, ==, "webcari");
  g_assert_cmpstr (index->name, ==, "webcari");
  g_assert_cmpuint (strlen (index->fingerprint), ==, 64);

  /* images: caricatures first, paths relative, landmarks read */
  im = &g_array_index (index->images, CariIndexImage, 0);
  g_assert_cmpstr (im->path, ==, "OriginalImages/Adam Sandler/C00001.jpg");
  g_assert_cmpint (im->modality, ==, CARI_MODALITY_CARICATURE);
  g_assert_cmpint (im->n_landmarks, ==, 17);
  g_assert_cmpfloat (im->landmarks[2], ==, 10.5f);
  g_assert_cmpfloat (im->landmarks[3], ==, 22.25f);
  im = &g_array_index (index->images, CariIndexImage, 2);
  g_assert_cmpstr (im->path, ==, "OriginalImages/Adam Sandler/P00001.jpg");
  g_assert_cmpint (im->modality, ==, CARI_MODALITY_PHOTO);

  /* the first DevTrain pair is Adam's C00001 with his P00001; the third is a mismatch */
  adam = find_identity (index, "Adam Sandler");
  bill = find_identity (index, "Bill Gates");
  p = &g_array_index (index->pairs, CariIndexPair, 0);
  g_assert_cmpstr (p->protocol, ==, "webcari.restricted");
  g_assert_true (p->same);
  g_assert_cmpint (p->a, ==, find_image (index, "OriginalImages/Adam Sandler/C00001.jpg"));
  g_assert_cmpint (p->b, ==, find_image (index, "OriginalImages/Adam Sandler/P00001.jpg"));
  p = &g_array_index (index->pairs, CariIndexPair, 2);
  g_assert_false (p->same);
  g_assert_cmpint (g_array_index (index->images, CariIndexImage, p->a).identity, ==, adam);
  g_assert_cmpint (g_array_index (index->images, CariIndexImage, p->b).identity, ==, bill);

  /* a C2P gallery holds photos, its probes caricatures */
  for (guint i = 0; i < index->protocol_images->len; i++)
    {
      const CariIndexProtocolImage *pi
        = &g_array_index (index->protocol_images, CariIndexProtocolImage, i);
      const CariIndexImage *pim = &g_array_index (index->images, CariIndexImage, pi->image);
      gboolean gallery = strcmp (pi->set, "gallery") == 0;
      g_assert_cmpint (pi->role, ==, CARI_ROLE_TEST);
      g_assert_true (gallery || strcmp (pi->set, "probe") == 0);
      if (strcmp (pi->protocol, "webcari.c2p") == 0)
        g_assert_cmpint (pim->modality, ==, gallery ? CARI_MODALITY_PHOTO
                                                    : CARI_MODALITY_CARICATURE);
      else
        g_assert_cmpint (pim->modality, ==, gallery ? CARI_MODALITY_CARICATURE
                                                    : CARI_MODALITY_PHOTO);
    }
}

/* quirk: CR LF line ends in every protocol and landmark file */
static void
test_webcari_crlf (Fixture *f, gconstpointer data)
{
  WebcariOpts o = webcari_default;
  g_autoptr (CariDatasetIndex) index = NULL;
  o.crlf = TRUE;
  make_webcari (f->dir, &o);
  index = import_webcari_ok (f->dir);
  assert_webcari_complete (index);
}

/* quirk: names with spaces, in files whose fields are separated by spaces rather than tabs */
static void
test_webcari_names_with_spaces (Fixture *f, gconstpointer data)
{
  WebcariOpts o = webcari_default;
  g_autoptr (CariDatasetIndex) index = NULL;
  o.spaces = TRUE;
  make_webcari (f->dir, &o);
  index = import_webcari_ok (f->dir);
  assert_webcari_complete (index);
  g_assert_cmpint (find_identity (index, "Zoe Saldana"), ==, 3);
}

/* quirk: the protocol folder called Evaluation/ */
static void
test_webcari_evaluation_folder (Fixture *f, gconstpointer data)
{
  WebcariOpts o = webcari_default;
  g_autoptr (CariDatasetIndex) index = NULL;
  o.eval = "Evaluation";
  make_webcari (f->dir, &o);
  index = import_webcari_ok (f->dir);
  assert_webcari_complete (index);
}

/* quirk: UnRestrictedView2.txt starting with the number of folds */
static void
test_webcari_fold_count_line (Fixture *f, gconstpointer data)
{
  WebcariOpts o = webcari_default;
  g_autoptr (CariDatasetIndex) index = NULL;
  o.fold_count = TRUE;
  make_webcari (f->dir, &o);
  index = import_webcari_ok (f->dir);
  assert_webcari_complete (index);
  /* fold 1's subject is the identity of line 3, not the count "1" */
  for (guint i = 0; i < index->subjects->len; i++)
    {
      const CariIndexSubject *s = &g_array_index (index->subjects, CariIndexSubject, i);
      if (strcmp (s->protocol, "webcari.unrestricted") == 0 && s->fold == 1)
        g_assert_cmpstr (g_ptr_array_index (index->identities, s->identity), ==, wname (1));
    }
}

/* quirk: landmarks in scientific notation, with tabs and CR LF */
static void
test_webcari_scientific_landmarks (Fixture *f, gconstpointer data)
{
  g_autoptr (CariDatasetIndex) index = NULL;
  g_autoptr (GString) pts = g_string_new (NULL);
  const CariIndexImage *im;
  make_webcari (f->dir, &webcari_default);
  for (int p = 0; p < 17; p++)
    g_string_append_printf (pts, "1.2345e+02\t%s\r\n", p == 16 ? "-7.5E-1" : "3e2");
  put (f->dir, "FacialPoints/Cher/P00002.txt", pts->str, -1);
  index = import_webcari_ok (f->dir);
  assert_webcari_complete (index);
  im = &g_array_index (index->images, CariIndexImage,
                       find_image (index, "OriginalImages/Cher/P00002.jpg"));
  g_assert_cmpint (im->n_landmarks, ==, 17);
  g_assert_cmpfloat_with_epsilon (im->landmarks[0], 123.45f, 1e-4);
  g_assert_cmpfloat (im->landmarks[1], ==, 300.0f);
  g_assert_cmpfloat (im->landmarks[33], ==, -0.75f);
}

/* bad input: landmark files with the wrong number of points or a bad number */
static void
test_webcari_bad_landmarks (Fixture *f, gconstpointer data)
{
  g_autoptr (CariDatasetIndex) index = NULL;
  make_webcari (f->dir, &webcari_default);
  put (f->dir, "FacialPoints/Cher/C00001.txt", "1 2\n3 4\n", -1);
  put (f->dir, "FacialPoints/Cher/C00002.txt",
       "1 2\n1 2\n1 2\nx 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n",
       -1);
  put (f->dir, "FacialPoints/Cher/P00001.txt",
       "1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\nnan 2\n",
       -1);
  index = import_webcari_ok (f->dir);
  g_assert_true (has_warning (index, "Cher/C00001.txt", 0, "17"));
  g_assert_true (has_warning (index, "Cher/C00002.txt", 4, "x y"));
  g_assert_true (has_warning (index, "Cher/P00001.txt", 17, "x y"));
  g_assert_cmpuint (index->warnings->len, ==, 3);
  g_assert_cmpint (g_array_index (index->images, CariIndexImage,
                                  find_image (index, "OriginalImages/Cher/C00001.jpg"))
                     .n_landmarks,
                   ==, 0);
  g_assert_null (g_array_index (index->images, CariIndexImage,
                                find_image (index, "OriginalImages/Cher/C00002.jpg"))
                   .landmarks);
  g_assert_cmpint (index->images->len, ==, 16); /* the images themselves are kept */
}

/* bad input: a zero-byte image is skipped with a warning; an identity left without photos is
 * kept with a warning, and the protocol lines naming its missing images are skipped */
static void
test_webcari_zero_byte_image (Fixture *f, gconstpointer data)
{
  g_autoptr (CariDatasetIndex) index = NULL;
  make_webcari (f->dir, &webcari_default);
  put (f->dir, "OriginalImages/Cher/P00001.jpg", "", 0);
  put (f->dir, "OriginalImages/Cher/P00002.jpg", "", 0);
  index = import_webcari_ok (f->dir);
  g_assert_cmpuint (index->images->len, ==, 14);
  g_assert_cmpint (find_image (index, "OriginalImages/Cher/P00001.jpg"), ==, -1);
  g_assert_true (has_warning (index, "Cher/P00001.jpg", 0, "0"));
  g_assert_true (has_warning (index, "Cher/P00002.jpg", 0, "0"));
  g_assert_true (has_warning (index, "OriginalImages/Cher", 0, "no photo"));
  g_assert_true (has_warning (index, "RestrictedView1_DevTest.txt", 2, "P00001"));
  g_assert_true (has_warning (index, "Filenames/Cher/file_p.txt", 1, "P00001"));
  g_assert_cmpint (find_identity (index, "Cher"), ==, 2);
}

/* bad input: a pair line naming an unknown identity or image is skipped, with file and line */
static void
test_webcari_unknown_identity (Fixture *f, gconstpointer data)
{
  WebcariOpts o = webcari_default;
  g_autoptr (CariDatasetIndex) index = NULL;
  o.extra_pair = "Nobody Known\tC00001\tP00001";
  make_webcari (f->dir, &o);
  index = import_webcari_ok (f->dir);
  g_assert_true (has_warning (index, "RestrictedView1_DevTest.txt", 3, "Nobody Known"));
  g_assert_cmpuint (index->warnings->len, ==, 1);
  g_assert_cmpint (count_pairs (index, "webcari.restricted", 0, CARI_ROLE_TEST), ==, 3);
}

/* bad input: a count line that is not a number is an error naming the file and line */
static void
test_webcari_malformed_count (Fixture *f, gconstpointer data)
{
  WebcariOpts o = webcari_default;
  GError *error = NULL;
  o.restricted_view2 = "1\nCher\tC00001\tP00001\nCher\tC00001\tBill Gates\tP00001\n"
                       "two\nCher\tC00001\tP00001\n";
  make_webcari (f->dir, &o);
  g_assert_null (cari_webcari_import (f->dir, &error));
  assert_error_names (error, CARI_ERROR_CORRUPT, "RestrictedView2.txt", 4);
  g_assert_nonnull (strstr (error->message, "two"));
  g_clear_error (&error);

  /* a count larger than what follows */
  o.restricted_view2 = "1\nCher\tC00001\tP00001\nCher\tC00001\tBill Gates\tP00001\n"
                       "5\nCher\tC00001\tP00001\n";
  make_webcari (f->dir, &o);
  g_assert_null (cari_webcari_import (f->dir, &error));
  assert_error_names (error, CARI_ERROR_CORRUPT, "RestrictedView2.txt", 4);
  g_clear_error (&error);
}

/* bad input: no protocol folder, no OriginalImages folder, no root */
/* Folders that cannot be read, made without chmod (CI runs as root): a regular file where a
 * folder should be gives ENOTDIR. */
static void
test_webcari_unreadable_folders (Fixture *f, gconstpointer data)
{
  g_autofree char *person = g_strdup_printf ("OriginalImages/%s", wname (1));
  g_autofree char *points = g_strdup_printf ("FacialPoints/%s", wname (2));
  g_autofree char *person_dir = g_build_filename (f->dir, person, NULL);
  g_autofree char *points_dir = g_build_filename (f->dir, points, NULL);
  g_autofree char *images = g_build_filename (f->dir, "OriginalImages", NULL);
  GError *error = NULL;

  make_webcari (f->dir, &webcari_default);
  test_remove_tree (person_dir);
  put (f->dir, person, "not a folder", -1);
  test_remove_tree (points_dir);
  put (f->dir, points, "not a folder", -1);
  g_autoptr (CariDatasetIndex) index = cari_webcari_import (f->dir, &error);
  g_assert_no_error (error);
  /* The unreadable identity is skipped and said so; the other keeps its images, without
   * landmarks, and says why. */
  g_assert_true (has_warning (index, person, 0, "skipped"));
  g_assert_true (has_warning (index, points, 0, "landmarks"));
  for (guint i = 0; i < index->images->len; i++)
    {
      const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, i);
      g_assert_false (g_str_has_prefix (im->path, person));
      if (strstr (im->path, wname (2)) != NULL)
        g_assert_cmpint (im->n_landmarks, ==, 0);
    }

  /* OriginalImages itself unreadable: an error naming it. */
  test_remove_tree (images);
  put (f->dir, "OriginalImages", "not a folder", -1);
  g_assert_null (cari_webcari_import (f->dir, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "OriginalImages"));
  g_clear_error (&error);
}

static void
test_webcari_missing_folders (Fixture *f, gconstpointer data)
{
  g_autofree char *eval = g_build_filename (f->dir, "EvaluationProtocols", NULL);
  g_autofree char *images = g_build_filename (f->dir, "OriginalImages", NULL);
  g_autofree char *nowhere = g_build_filename (f->dir, "nowhere", NULL);
  GError *error = NULL;

  make_webcari (f->dir, &webcari_default);
  test_remove_tree (eval);
  g_assert_null (cari_webcari_import (f->dir, &error));
  assert_error_names (error, CARI_ERROR_IO, f->dir, 0);
  g_assert_nonnull (strstr (error->message, "EvaluationProtocols"));
  g_clear_error (&error);

  test_remove_tree (images);
  g_assert_null (cari_webcari_import (f->dir, &error));
  assert_error_names (error, CARI_ERROR_IO, f->dir, 0);
  g_assert_nonnull (strstr (error->message, "OriginalImages"));
  g_clear_error (&error);

  g_assert_null (cari_webcari_import (nowhere, &error));
  assert_error_names (error, CARI_ERROR_IO, nowhere, 0);
  g_clear_error (&error);
  g_assert_null (cari_cavi_import (nowhere, &error));
  assert_error_names (error, CARI_ERROR_IO, nowhere, 0);
  g_clear_error (&error);
  g_assert_null (cari_folder_import (nowhere, &error));
  assert_error_names (error, CARI_ERROR_IO, nowhere, 0);
  g_clear_error (&error);
}

/* A missing protocol file is a warning, not an error: that fold is not imported. */
static void
test_webcari_missing_protocol_file (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "EvaluationProtocols", "FaceIdentification",
                                            "P2C", "FR_Probe_P2C7.txt", NULL);
  g_autoptr (CariDatasetIndex) index = NULL;
  make_webcari (f->dir, &webcari_default);
  g_assert_cmpint (g_remove (path), ==, 0);
  index = import_webcari_ok (f->dir);
  g_assert_cmpuint (index->warnings->len, ==, 1);
  g_assert_true (has_warning (index, "FR_Probe_P2C7.txt", 0, "webcari.p2c"));
  g_assert_cmpuint (index->protocol_images->len, ==, 86);
}

/* ------------------------------------------------------------------------- CaVI tree */

typedef struct
{
  const char *dataset; /* CaVI_Dataset or CaVINet_Dataset */
  const char *extra_test_line;
} CaviOpts;

/* Jackie_Chan (caricature folder) / jackie_chan (real folder), Tom_Cruise, and Only_Real with a
 * photo only; Thumbs.db files; CR LF and backslashes in the lists. 9 images, 6 pairs. */
static void
make_cavi (const char *root, const CaviOpts *o)
{
  g_autofree char *ds = g_build_filename (root, o->dataset, NULL);
  g_autofree char *testing = NULL;
  for (int k = 1; k <= 2; k++)
    {
      g_autofree char *a = g_strdup_printf ("Caricature/Jackie_Chan/Jackie_Chan_c_%d.jpg", k);
      g_autofree char *b = g_strdup_printf ("Real/jackie_chan/jackie_chan_r_%d.jpg", k);
      g_autofree char *c = g_strdup_printf ("Caricature/Tom_Cruise/Tom_Cruise_c_%d.jpg", k);
      g_autofree char *d = g_strdup_printf ("Real/Tom_Cruise/Tom_Cruise_r_%d.jpg", k);
      put_image (ds, a);
      put_image (ds, b);
      put_image (ds, c);
      put_image (ds, d);
    }
  put_image (ds, "Real/Only_Real/Only_Real_r_1.jpg");
  put (ds, "Caricature/Jackie_Chan/Thumbs.db", "thumbnail cache", -1);
  put (ds, "Real/Thumbs.db", "thumbnail cache", -1);
  put (ds, "train-test-files/complete_identity_list.txt",
       "Jackie_Chan\r\nTom_Cruise\r\nOnly_Real\r\n", -1);
  put (ds, "train-test-files/training_11.txt",
       "0 Caricature/Jackie_Chan\\Jackie_Chan_c_1.jpg 0 Real/jackie_chan\\jackie_chan_r_1.jpg 1\r\n"
       "1 Caricature/Tom_Cruise\\Tom_Cruise_c_1.jpg 0 Real/jackie_chan\\jackie_chan_r_2.jpg 0\r\n",
       -1);
  put (ds, "train-test-files/training_12.txt",
       "1 Caricature/Tom_Cruise\\Tom_Cruise_c_2.jpg 1 Real/Tom_Cruise\\Tom_Cruise_r_1.jpg 1\r\n",
       -1);
  put (ds, "train-test-files/validation.txt",
       "0 Caricature/Jackie_Chan\\Jackie_Chan_c_2.jpg 1 Real/Tom_Cruise\\Tom_Cruise_r_2.jpg 0\r\n",
       -1);
  /* the test list spells the folders in yet other cases */
  testing = g_strdup_printf (
    "0 caricature/JACKIE_CHAN\\jackie_chan_c_2.jpg 0 REAL/Jackie_Chan\\Jackie_Chan_r_2.jpg 1\r\n"
    "1 Caricature/tom_cruise\\Tom_Cruise_c_1.jpg 1 Real/Tom_Cruise\\tom_cruise_r_2.JPG 1\r\n%s",
    o->extra_test_line != NULL ? o->extra_test_line : "");
  put (ds, "train-test-files/testing_1.txt", testing, -1);
}

static const CaviOpts cavi_default = { .dataset = "CaVI_Dataset" };

static CariDatasetIndex *
import_cavi_ok (const char *root)
{
  GError *error = NULL;
  CariDatasetIndex *index = cari_cavi_import (root, &error);
  g_assert_no_error (error);
  g_assert_nonnull (index);
  print_warnings (index);
  return index;
}

static void
assert_cavi_complete (const CariDatasetIndex *index)
{
  g_assert_cmpstr (index->kind, ==, "cavi");
  g_assert_cmpuint (index->identities->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (index->identities, 0), ==, "Jackie_Chan");
  g_assert_cmpstr (g_ptr_array_index (index->identities, 1), ==, "Only_Real");
  g_assert_cmpstr (g_ptr_array_index (index->identities, 2), ==, "Tom_Cruise");
  g_assert_cmpuint (index->images->len, ==, 9);
  g_assert_cmpint (count_pairs (index, "cavi.pairs", 1, CARI_ROLE_TRAIN), ==, 3);
  g_assert_cmpint (count_pairs (index, "cavi.pairs", 1, CARI_ROLE_VALIDATION), ==, 1);
  g_assert_cmpint (count_pairs (index, "cavi.pairs", 1, CARI_ROLE_TEST), ==, 2);
  g_assert_cmpuint (index->pairs->len, ==, 6);
  /* the one warning: Only_Real has no caricature */
  g_assert_cmpuint (index->warnings->len, ==, 1);
  g_assert_true (has_warning (index, "", 0, "Only_Real"));
}

/* quirk: backslash separators in the pair files (and CR LF) */
static void
test_cavi_backslash_paths (Fixture *f, gconstpointer data)
{
  g_autoptr (CariDatasetIndex) index = NULL;
  const CariIndexPair *p;
  make_cavi (f->dir, &cavi_default);
  index = import_cavi_ok (f->dir);
  assert_cavi_complete (index);
  p = &g_array_index (index->pairs, CariIndexPair, 0);
  g_assert_cmpint (p->a, ==, find_image (index, "Caricature/Jackie_Chan/Jackie_Chan_c_1.jpg"));
  g_assert_cmpint (p->b, ==, find_image (index, "Real/jackie_chan/jackie_chan_r_1.jpg"));
  g_assert_true (p->same);
  g_assert_false (g_array_index (index->pairs, CariIndexPair, 1).same);
}

/* quirk: folder case differs between the modalities and the pair files */
static void
test_cavi_case_mismatch (Fixture *f, gconstpointer data)
{
  g_autoptr (CariDatasetIndex) index = NULL;
  int jackie;
  const CariIndexPair *p;
  make_cavi (f->dir, &cavi_default);
  index = import_cavi_ok (f->dir);
  assert_cavi_complete (index);
  /* one identity with both folders */
  jackie = find_identity (index, "Jackie_Chan");
  g_assert_cmpint (g_array_index (index->images, CariIndexImage,
                                  find_image (index, "Real/jackie_chan/jackie_chan_r_1.jpg"))
                     .identity,
                   ==, jackie);
  /* testing_1's "caricature/JACKIE_CHAN\jackie_chan_c_2.jpg" is the file on disk */
  p = &g_array_index (index->pairs, CariIndexPair, 4);
  g_assert_cmpint (p->role, ==, CARI_ROLE_TEST);
  g_assert_cmpint (p->a, ==, find_image (index, "Caricature/Jackie_Chan/Jackie_Chan_c_2.jpg"));
  g_assert_cmpint (p->b, ==, find_image (index, "Real/jackie_chan/jackie_chan_r_2.jpg"));
}

/* quirk: Thumbs.db files are neither images nor worth a warning */
static void
test_cavi_thumbs_db (Fixture *f, gconstpointer data)
{
  g_autoptr (CariDatasetIndex) index = NULL;
  make_cavi (f->dir, &cavi_default);
  index = import_cavi_ok (f->dir);
  assert_cavi_complete (index);
  for (guint i = 0; i < index->images->len; i++)
    g_assert_null (strstr (g_array_index (index->images, CariIndexImage, i).path, "Thumbs"));
  g_assert_false (has_warning (index, "Thumbs", -1, ""));
}

/* quirk: the root called CaVINet_Dataset; the importer takes it or the folder above it */
static void
test_cavi_cavinet_root (Fixture *f, gconstpointer data)
{
  CaviOpts o = cavi_default;
  g_autofree char *ds = g_build_filename (f->dir, "CaVINet_Dataset", NULL);
  o.dataset = "CaVINet_Dataset";
  make_cavi (f->dir, &o);
  for (int k = 0; k < 2; k++)
    {
      g_autoptr (CariDatasetIndex) index = import_cavi_ok (k == 0 ? f->dir : ds);
      assert_cavi_complete (index);
      g_assert_cmpstr (index->root, ==, ds);
    }
}

/* quirk: an identity present in one modality only is kept, with a warning */
static void
test_cavi_one_modality (Fixture *f, gconstpointer data)
{
  g_autoptr (CariDatasetIndex) index = NULL;
  int only;
  make_cavi (f->dir, &cavi_default);
  index = import_cavi_ok (f->dir);
  only = find_identity (index, "Only_Real");
  g_assert_cmpint (only, >=, 0);
  g_assert_cmpint (g_array_index (index->images, CariIndexImage,
                                  find_image (index, "Real/Only_Real/Only_Real_r_1.jpg"))
                     .identity,
                   ==, only);
  g_assert_true (has_warning (index, "", 0, "Only_Real"));
  g_assert_true (has_warning (index, "", 0, "caricature"));
}

/* bad input: a path that leaves the dataset folder is an error naming the file and line */
static void
test_cavi_path_escapes_root (Fixture *f, gconstpointer data)
{
  static const char *const lines[] = {
    "0 Caricature/..\\..\\secret\\x.jpg 0 Real/Tom_Cruise\\Tom_Cruise_r_1.jpg 1\r\n",
    "0 Caricature/Tom_Cruise\\Tom_Cruise_c_1.jpg 0 /etc/x.jpg 1\r\n",
    "0 Caricature/Tom_Cruise\\Tom_Cruise_c_1.jpg 0 C:\\data\\x.jpg 1\r\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      CaviOpts o = cavi_default;
      GError *error = NULL;
      o.extra_test_line = lines[i];
      make_cavi (f->dir, &o);
      g_assert_null (cari_cavi_import (f->dir, &error));
      assert_error_names (error, CARI_ERROR_CORRUPT, "testing_1.txt", 3);
      g_clear_error (&error);
    }
}

/* bad input: a pair line naming an unknown identity or image is skipped with a warning */
static void
test_cavi_unknown_identity (Fixture *f, gconstpointer data)
{
  CaviOpts o = cavi_default;
  g_autoptr (CariDatasetIndex) index = NULL;
  o.extra_test_line
    = "7 Caricature/Nobody\\Nobody_c_1.jpg 7 Real/Tom_Cruise\\Tom_Cruise_r_1.jpg 1\r\n"
      "1 Caricature/Tom_Cruise\\Tom_Cruise_c_9.jpg 1 Real/Tom_Cruise\\Tom_Cruise_r_1.jpg 1\r\n"
      "garbage line\r\n";
  make_cavi (f->dir, &o);
  index = import_cavi_ok (f->dir);
  g_assert_true (has_warning (index, "testing_1.txt", 3, "Nobody"));
  g_assert_true (has_warning (index, "testing_1.txt", 4, "Tom_Cruise_c_9"));
  g_assert_true (has_warning (index, "testing_1.txt", 5, ""));
  g_assert_cmpuint (index->warnings->len, ==, 4); /* and Only_Real's */
  g_assert_cmpuint (index->pairs->len, ==, 6);
}

/* ---------------------------------------------------------------------- plain folders */

static void
test_folder_layout (Fixture *f, gconstpointer data)
{
  g_autoptr (CariDatasetIndex) index = NULL;
  GError *error = NULL;
  put_image (f->dir, "Ann/photo/1.jpg");
  put_image (f->dir, "Ann/caricature/a.png");
  put_image (f->dir, "Ann/caricature/b.JPG");
  put_image (f->dir, "Bob/Photos/x.jpeg");
  put_image (f->dir, "Bob/Caricatures/y.jpg");
  put (f->dir, "Bob/Caricatures/Thumbs.db", "cache", -1);
  put_image (f->dir, "Cy/photos/only.jpg");
  put (f->dir, "Cy/notes/readme.txt", "hello", -1);
  put (f->dir, "Dee/photo/empty.jpg", "", 0);
  index = cari_folder_import (f->dir, &error);
  g_assert_no_error (error);
  print_warnings (index);
  g_assert_cmpstr (index->kind, ==, "folder");
  g_assert_cmpuint (index->identities->len, ==, 3);
  g_assert_cmpuint (index->images->len, ==, 6);
  g_assert_cmpint (g_array_index (index->images, CariIndexImage,
                                  find_image (index, "Ann/caricature/b.JPG"))
                     .modality,
                   ==, CARI_MODALITY_CARICATURE);
  g_assert_cmpint (g_array_index (index->images, CariIndexImage,
                                  find_image (index, "Bob/Photos/x.jpeg"))
                     .modality,
                   ==, CARI_MODALITY_PHOTO);
  g_assert_true (has_warning (index, "Cy", 0, "no caricature"));
  g_assert_true (has_warning (index, "Cy/notes", 0, ""));
  g_assert_true (has_warning (index, "Dee/photo/empty.jpg", 0, "0"));
  g_assert_true (has_warning (index, "Dee", 0, ""));
  g_assert_cmpuint (index->warnings->len, ==, 4);
  g_assert_cmpuint (index->pairs->len + index->subjects->len + index->protocol_images->len, ==,
                    0);
}

/* Garbage in every protocol file: errors or warnings, never a crash (run under ASan). */
static void
test_garbage (Fixture *f, gconstpointer data)
{
  static const char *const files[] = {
    "EvaluationProtocols/FaceVerification/Restricted/RestrictedView2.txt",
    "EvaluationProtocols/FaceVerification/UnRestricted/UnRestrictedView2.txt",
    "EvaluationProtocols/FaceIdentification/FR_Train3.txt",
    "EvaluationProtocols/FaceIdentification/C2P/FR_Gallery_C2P2.txt",
    "FacialPoints/Cher/C00001.txt",
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  make_webcari (f->dir, &webcari_default);
  for (int round = 0; round < 40; round++)
    {
      guint8 junk[300];
      GError *error = NULL;
      g_autoptr (CariDatasetIndex) index = NULL;
      static const char alphabet[] = " \t\r\n01C9P\\./eE-";
      for (guint i = 0; i < sizeof junk; i++)
        junk[i] = (guint8) (round % 2 == 0
                              ? g_rand_int_range (rand, 0, 256)
                              : alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)]);
      put (f->dir, files[round % G_N_ELEMENTS (files)], (const char *) junk, sizeof junk);
      index = cari_webcari_import (f->dir, &error);
      g_assert_true ((index == NULL) != (error == NULL));
      g_clear_error (&error);
    }
  for (int round = 0; round < 20; round++)
    {
      CaviOpts o = cavi_default;
      char junk[200];
      GError *error = NULL;
      g_autoptr (CariDatasetIndex) index = NULL;
      static const char pieces[] = "0 1 Caricature/Real\\Tom_Cruise.jpg\r\n\t.";
      for (guint i = 0; i < sizeof junk - 1; i++)
        junk[i] = pieces[g_rand_int_range (rand, 0, sizeof pieces - 1)];
      junk[sizeof junk - 1] = '\0';
      o.extra_test_line = junk;
      make_cavi (f->dir, &o);
      index = cari_cavi_import (f->dir, &error);
      g_assert_true ((index == NULL) != (error == NULL));
      g_clear_error (&error);
    }
}

/* ---------------------------------------------------------------------------- store */

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The index as text: identities, images and pairs in order; protocol lists sorted. */
static char *
dump (const CariDatasetIndex *index)
{
  GString *out = g_string_new (NULL);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_string_append_printf (out, "%s %s %s %s\n", index->name, index->kind, index->root,
                          index->fingerprint);
  for (guint i = 0; i < index->identities->len; i++)
    g_string_append_printf (out, "identity %s\n",
                            (char *) g_ptr_array_index (index->identities, i));
  for (guint i = 0; i < index->images->len; i++)
    {
      const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, i);
      g_string_append_printf (out, "image %d %d %s", im->identity, im->modality, im->path);
      for (int k = 0; k < 2 * im->n_landmarks; k++)
        g_string_append_printf (out, " %.9g", im->landmarks[k]);
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < index->pairs->len; i++)
    {
      const CariIndexPair *p = &g_array_index (index->pairs, CariIndexPair, i);
      g_string_append_printf (out, "pair %s %d %d %d %d %d\n", p->protocol, p->fold, p->role,
                              p->a, p->b, p->same);
    }
  for (guint i = 0; i < index->protocol_images->len; i++)
    {
      const CariIndexProtocolImage *p
        = &g_array_index (index->protocol_images, CariIndexProtocolImage, i);
      g_ptr_array_add (lines, g_strdup_printf ("list %s %d %d %s %d", p->protocol, p->fold,
                                               p->role, p->set, p->image));
    }
  for (guint i = 0; i < index->subjects->len; i++)
    {
      const CariIndexSubject *p = &g_array_index (index->subjects, CariIndexSubject, i);
      g_ptr_array_add (lines, g_strdup_printf ("subject %s %d %d %d", p->protocol, p->fold,
                                               p->role, p->identity));
    }
  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (out, FALSE);
}

static gint64
query_int (const char *db_path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  gint64 v = -1;
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  if (sqlite3_step (st) == SQLITE_ROW)
    v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return v;
}

static gint64
count_all_rows (const char *db_path)
{
  return query_int (db_path, "SELECT (SELECT count(*) FROM datasets) + (SELECT count(*) FROM "
                             "images) + (SELECT count(*) FROM protocol_pairs) + (SELECT "
                             "count(*) FROM protocol_images) + (SELECT count(*) FROM "
                             "protocol_subjects)");
}

static void
round_trip (const char *db_path, const CariDatasetIndex *index)
{
  g_autoptr (CariStore) store = NULL;
  g_autoptr (CariDatasetIndex) loaded = NULL;
  g_autofree char *want = dump (index);
  g_autofree char *got = NULL;
  GError *error = NULL;
  gint64 id, again, rows;

  store = cari_store_open (db_path, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  id = cari_store_import_dataset (store, index, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  loaded = cari_store_load_dataset (store, id, &error);
  g_assert_no_error (error);
  got = dump (loaded);
  g_assert_cmpstr (got, ==, want);

  /* the same files again: the same id, nothing written */
  rows = count_all_rows (db_path);
  again = cari_store_import_dataset (store, index, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again, ==, id);
  g_assert_cmpint (count_all_rows (db_path), ==, rows);
}

static void
test_store_round_trip (Fixture *f, gconstpointer data)
{
  g_autofree char *web = g_build_filename (f->dir, "web", NULL);
  g_autofree char *cavi = g_build_filename (f->dir, "cavi", NULL);
  g_autofree char *db = g_build_filename (f->dir, "carilab.db", NULL);
  g_autoptr (CariDatasetIndex) w = NULL;
  g_autoptr (CariDatasetIndex) c = NULL;

  make_webcari (web, &webcari_default);
  make_cavi (cavi, &cavi_default);
  w = import_webcari_ok (web);
  c = import_cavi_ok (cavi);
  round_trip (db, w);
  round_trip (db, c);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM images"), ==, 16 + 9);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM protocol_images WHERE role = 'gallery'"),
                   ==, 44);
  g_assert_cmpint (query_int (db, "SELECT length(landmarks) FROM images WHERE path = "
                                  "'OriginalImages/Cher/C00001.jpg'"),
                   ==, 17 * 8);
}

/* Changed files under an existing name: refused, the stored dataset left as it was. */
static void
test_store_changed_dataset (Fixture *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "carilab.db", NULL);
  g_autofree char *web = g_build_filename (f->dir, "web", NULL);
  g_autoptr (CariStore) store = NULL;
  g_autoptr (CariDatasetIndex) before = NULL;
  g_autoptr (CariDatasetIndex) after = NULL;
  GError *error = NULL;
  gint64 id, rows;

  make_webcari (web, &webcari_default);
  before = import_webcari_ok (web);
  put (web, "EvaluationProtocols/FaceIdentification/FR_Train4.txt", "Cher\t2\t2\n", -1);
  after = import_webcari_ok (web);
  g_assert_cmpstr (before->fingerprint, !=, after->fingerprint);

  store = cari_store_open (db, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  id = cari_store_import_dataset (store, before, &error);
  g_assert_no_error (error);
  rows = count_all_rows (db);
  g_assert_cmpint (cari_store_import_dataset (store, after, &error), ==, 0);
  assert_error_names (error, CARI_ERROR_INVALID_ARGUMENT, "webcari", 0);
  g_clear_error (&error);
  g_assert_cmpint (count_all_rows (db), ==, rows);
  g_free (after->name);
  after->name = g_strdup ("webcari-2");
  g_assert_cmpint (cari_store_import_dataset (store, after, &error), >, id);
  g_assert_no_error (error);
}

/* A run queued on a data set not imported yet has none until it starts (cari_launch_run sets
 * it). An empty row of that name (as older versions recorded at queue time) is filled in by the
 * import, so a run naming it keeps its data set. */
static void
test_store_placeholder (Fixture *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "carilab.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = cari_store_open (db, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  g_autoptr (CariRunConfig) cfg = cari_run_config_new ("[data]\ndataset=later\n", &error);
  g_assert_no_error (error);
  gint64 run = cari_launch_queue_run (store, cfg, &error);
  g_assert_no_error (error);
  g_autoptr (CariRunInfo) queued = cari_store_get_run (store, run, &error);
  g_assert_cmpint (queued->dataset_id, ==, 0);
  gint64 placeholder = cari_store_add_dataset (store, "later", "synthetic", "", "", &error);
  g_assert_no_error (error);
  g_assert_true (cari_store_set_run_dataset (store, run, placeholder, &error));
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, &error);
  g_assert_cmpint (info->dataset_id, ==, placeholder);

  g_autoptr (CariDatasetIndex) index = cari_dataset_index_new ("later", "folder", "/nowhere");
  index->fingerprint = g_strdup ("later-1");
  int who = cari_dataset_index_add_identity (index, "Ada");
  cari_dataset_index_add_image (index, who, CARI_MODALITY_PHOTO, "Ada/photo/1.png", NULL, 0);
  cari_dataset_index_add_image (index, who, CARI_MODALITY_CARICATURE, "Ada/caricature/1.png",
                                NULL, 0);
  g_assert_cmpint (cari_store_import_dataset (store, index, &error), ==, info->dataset_id);
  g_assert_no_error (error);
  g_autoptr (CariDatasetIndex) stored = cari_store_load_dataset (store, info->dataset_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->images->len, ==, 2);
  g_assert_cmpstr (stored->kind, ==, "folder");
  g_assert_cmpstr (stored->fingerprint, ==, "later-1");

  /* Now it has images: other files under its name are refused, the same ones are instant. */
  g_assert_cmpint (cari_store_import_dataset (store, index, &error), ==, info->dataset_id);
  g_free (index->fingerprint);
  index->fingerprint = g_strdup ("later-2");
  g_assert_cmpint (cari_store_import_dataset (store, index, &error), ==, 0);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
}

/* A big index in memory, for the transaction test. */
static CariDatasetIndex *
big_index (const char *name)
{
  CariDatasetIndex *index = cari_dataset_index_new (name, "folder", "/nowhere");
  float lm[34] = { 0 };
  index->fingerprint = g_strdup (name);
  for (int i = 0; i < 3000; i++)
    {
      g_autofree char *id = g_strdup_printf ("identity %04d with a long name", i / 10);
      g_autofree char *path = g_strdup_printf ("%s/caricature/a fairly long file name %05d.jpg",
                                               id, i);
      cari_dataset_index_add_image (index, cari_dataset_index_add_identity (index, id),
                                    (guint8) (i % 2), path, lm, 17);
      if (i > 0)
        cari_dataset_index_add_pair (index, "cavi.pairs", 1, 2, i - 1, i, FALSE);
    }
  return index;
}

/* A failure in the middle of the import (the database full) leaves no row at all. */
static void
test_store_atomic (Fixture *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "carilab.db", NULL);
  g_autoptr (CariStore) store = NULL;
  g_autoptr (CariDatasetIndex) big = big_index ("big");
  g_autoptr (CariDatasetIndex) small = cari_dataset_index_new ("small", "folder", "/x");
  GError *error = NULL;
  gint64 pages;

  store = cari_store_open (db, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  pages = query_int (db, "PRAGMA page_count");
  g_assert_true (cari_store_set_max_pages (store, pages + 4, &error));
  g_assert_no_error (error);

  g_assert_cmpint (cari_store_import_dataset (store, big, &error), ==, 0);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_FULL);
  g_clear_error (&error);
  g_assert_cmpint (count_all_rows (db), ==, 0);

  /* under the same limit a small dataset fits: the big one failed after writing rows */
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *path = g_strdup_printf ("a/photo/%d.jpg", i);
      cari_dataset_index_add_image (small, cari_dataset_index_add_identity (small, "a"), 1, path,
                                    NULL, 0);
    }
  g_assert_cmpint (cari_store_import_dataset (store, small, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (count_all_rows (db), ==, 1 + 20);

  /* a failure SQLite does not undo itself (a constraint, statement by statement): the last
   * image repeats a path, after 2999 images went in; nothing of it stays */
  {
    g_autoptr (CariDatasetIndex) twice = big_index ("twice");
    const char *first = g_array_index (twice->images, CariIndexImage, 0).path;
    cari_dataset_index_add_image (twice, 0, 0, first, NULL, 0);
    g_assert_true (cari_store_set_max_pages (store, 1 << 30, &error));
    g_assert_cmpint (cari_store_import_dataset (store, twice, &error), ==, 0);
    assert_error_names (error, CARI_ERROR_INVALID_ARGUMENT, first, 0);
    g_clear_error (&error);
    g_assert_cmpint (count_all_rows (db), ==, 1 + 20);
  }

  /* with room, the big one goes in whole */
  g_assert_true (cari_store_set_max_pages (store, 1 << 30, &error));
  g_assert_cmpint (cari_store_import_dataset (store, big, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM protocol_pairs"), ==, 2999);
}

/* An index whose rows point outside it is refused before anything is written. */
static void
test_store_bad_index (Fixture *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "carilab.db", NULL);
  g_autoptr (CariStore) store = NULL;
  g_autoptr (CariDatasetIndex) index = big_index ("bad");
  GError *error = NULL;

  store = cari_store_open (db, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  cari_dataset_index_add_pair (index, "cavi.pairs", 1, 2, 0, 3000, TRUE);
  g_assert_cmpint (cari_store_import_dataset (store, index, &error), ==, 0);
  assert_error_names (error, CARI_ERROR_INVALID_ARGUMENT, "row 2999 of the list “pairs”", 0);
  g_clear_error (&error);
  g_assert_cmpint (count_all_rows (db), ==, 0);
  g_assert_null (cari_store_load_dataset (store, 99, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

/* The three protocol lists read as rows, in order: pairs, image-list entries, subjects. */
static void
test_index_protocol_rows (Fixture *f, gconstpointer data)
{
  g_autoptr (CariDatasetIndex) index = cari_dataset_index_new ("rows", "folder", "/nowhere");
  CariProtocolRow row;

  cari_dataset_index_add_pair (index, "webcari.restricted", 3, CARI_ROLE_TEST, 4, 5, TRUE);
  cari_dataset_index_add_protocol_image (index, "webcari.c2p", 2, CARI_ROLE_TEST, "gallery", 6);
  cari_dataset_index_add_subject (index, "webcari.unrestricted", 1, CARI_ROLE_TRAIN, 7);
  g_assert_cmpuint (cari_dataset_index_n_protocol_rows (index), ==, 3);

  cari_dataset_index_get_protocol_row (index, 0, &row);
  g_assert_cmpstr (row.protocol, ==, "webcari.restricted");
  g_assert_cmpint (row.fold, ==, 3);
  g_assert_cmpint (row.role, ==, CARI_ROLE_TEST);
  g_assert_cmpint (row.n_images, ==, 2);
  g_assert_cmpint (row.images[0], ==, 4);
  g_assert_cmpint (row.images[1], ==, 5);
  g_assert_cmpint (row.identity, ==, -1);

  cari_dataset_index_get_protocol_row (index, 1, &row);
  g_assert_cmpstr (row.protocol, ==, "webcari.c2p");
  g_assert_cmpint (row.fold, ==, 2);
  g_assert_cmpint (row.n_images, ==, 1);
  g_assert_cmpint (row.images[0], ==, 6);
  g_assert_cmpint (row.identity, ==, -1);

  cari_dataset_index_get_protocol_row (index, 2, &row);
  g_assert_cmpstr (row.protocol, ==, "webcari.unrestricted");
  g_assert_cmpint (row.fold, ==, 1);
  g_assert_cmpint (row.role, ==, CARI_ROLE_TRAIN);
  g_assert_cmpint (row.n_images, ==, 0);
  g_assert_cmpint (row.identity, ==, 7);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cari_init ();
#define ADD(name, fn) g_test_add ("/import/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("webcari/basic", test_webcari_basic);
  ADD ("webcari/crlf", test_webcari_crlf);
  ADD ("webcari/names-with-spaces", test_webcari_names_with_spaces);
  ADD ("webcari/evaluation-folder", test_webcari_evaluation_folder);
  ADD ("webcari/fold-count-line", test_webcari_fold_count_line);
  ADD ("webcari/scientific-landmarks", test_webcari_scientific_landmarks);
  ADD ("webcari/bad-landmarks", test_webcari_bad_landmarks);
  ADD ("webcari/zero-byte-image", test_webcari_zero_byte_image);
  ADD ("webcari/unknown-identity", test_webcari_unknown_identity);
  ADD ("webcari/malformed-count", test_webcari_malformed_count);
  ADD ("webcari/missing-folders", test_webcari_missing_folders);
  ADD ("webcari/unreadable-folders", test_webcari_unreadable_folders);
  ADD ("webcari/missing-protocol-file", test_webcari_missing_protocol_file);
  ADD ("cavi/backslash-paths", test_cavi_backslash_paths);
  ADD ("cavi/case-mismatch", test_cavi_case_mismatch);
  ADD ("cavi/thumbs-db", test_cavi_thumbs_db);
  ADD ("cavi/cavinet-root", test_cavi_cavinet_root);
  ADD ("cavi/one-modality", test_cavi_one_modality);
  ADD ("cavi/path-escapes-root", test_cavi_path_escapes_root);
  ADD ("cavi/unknown-identity", test_cavi_unknown_identity);
  ADD ("folder/layout", test_folder_layout);
  ADD ("garbage", test_garbage);
  ADD ("index/protocol-rows", test_index_protocol_rows);
  ADD ("store/round-trip", test_store_round_trip);
  ADD ("store/changed-dataset", test_store_changed_dataset);
  ADD ("store/placeholder", test_store_placeholder);
  ADD ("store/atomic", test_store_atomic);
  ADD ("store/bad-index", test_store_bad_index);
#undef ADD
  return g_test_run ();
}
