/* fuzz-protocol.c — the WebCaricature importer with arbitrary protocol and landmark files. The
 * input is split at its first NUL byte: before it the restricted view, after it a landmark file
 * (so one input exercises both parsers). */
#include <cari.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static char *root;

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
clean_up (void)
{
  remove_tree (root);
}

static void
put (const char *rel, const void *data, size_t len)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0755);
  /* No fsync (g_file_set_contents's default on an existing file): it was most of an input's
   * time. */
  g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_NONE, 0644, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (root == NULL)
    {
      /* A minimal data set, made once: two people, one image of each modality. */
      root = g_dir_make_tmp ("carilab-fuzz-XXXXXX", NULL);
      atexit (clean_up);
      /* Real images: the import decodes each and drops those it cannot, which would leave
       * the protocol's pairs nothing to name. */
      static const char *const images[] = { "Ann Lee/C00001.jpg", "Ann Lee/P00001.jpg",
                                            "Bo Li/C00001.jpg", "Bo Li/P00001.jpg" };
      CariImage *img = cari_image_new (8, 8);
      for (guint i = 0; i < G_N_ELEMENTS (images); i++)
        {
          g_autofree char *path = g_build_filename (root, "OriginalImages", images[i], NULL);
          g_autofree char *dir = g_path_get_dirname (path);
          g_mkdir_with_parents (dir, 0755);
          g_assert (cari_image_save_jpeg (img, path, 90, NULL));
        }
      cari_image_free (img);
      put ("EvaluationProtocols/FaceVerification/UnRestricted/UnRestrictedView2.txt", "", 0);
    }
  const uint8_t *nul = memchr (data, 0, size);
  size_t first = nul != NULL ? (size_t) (nul - data) : size;
  put ("EvaluationProtocols/FaceVerification/Restricted/RestrictedView2.txt", data, first);
  put ("FacialPoints/Ann Lee/C00001.txt", nul != NULL ? nul + 1 : data,
       nul != NULL ? size - first - 1 : 0);
  GError *error = NULL;
  CariDatasetIndex *index = cari_webcari_import (root, &error);
  /* Exactly one of an index and an error; every pair names images of the index. */
  g_assert ((index == NULL) != (error == NULL));
  for (guint i = 0; index != NULL && i < index->pairs->len; i++)
    {
      const CariIndexPair *p = &g_array_index (index->pairs, CariIndexPair, i);
      g_assert (p->a >= 0 && p->a < (int) index->images->len);
      g_assert (p->b >= 0 && p->b < (int) index->images->len);
    }
  cari_dataset_index_free (index);
  g_clear_error (&error);
  return 0;
}
