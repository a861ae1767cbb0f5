/* folder.c — a plain folder of identities as a CariDatasetIndex (see folder.h). */
#include "data/folder.h"

#include "core/error.h"
#include "core/i18n.h"
#include "data/source.h"

#include <glib/gstdio.h>
#include <string.h>

/* The entries of `dir`, sorted, without the ignored ones; NULL when it cannot be read. */
/* CARI_MODALITY_* of a modality folder's name, -1 for another name. */
static int
modality_of (const char *name)
{
  if (g_ascii_strcasecmp (name, "photo") == 0 || g_ascii_strcasecmp (name, "photos") == 0)
    return CARI_MODALITY_PHOTO;
  if (g_ascii_strcasecmp (name, "caricature") == 0
      || g_ascii_strcasecmp (name, "caricatures") == 0)
    return CARI_MODALITY_CARICATURE;
  return -1;
}

static void
scan_identity (CariDatasetIndex *index, CariFingerprint *fp, const char *root,
               const char *identity_name)
{
  g_autofree char *dir = g_build_filename (root, identity_name, NULL);
  g_autoptr (GPtrArray) subs = NULL;
  g_autoptr (GError) local = NULL;
  int identity = -1, counts[2] = { 0, 0 };

  if ((subs = cari_index_read_dir (dir, TRUE, &local)) == NULL)
    {
      cari_dataset_index_warn (index, dir, 0, "%s", local->message);
      return;
    }
  for (guint s = 0; s < subs->len; s++)
    {
      const char *sub = g_ptr_array_index (subs, s);
      g_autofree char *sub_dir = g_build_filename (dir, sub, NULL);
      g_autoptr (GPtrArray) files = NULL;
      int modality = modality_of (sub);

      if (modality < 0 || !g_file_test (sub_dir, G_FILE_TEST_IS_DIR))
        {
          cari_dataset_index_warn (index, sub_dir, 0,
                                   _("neither a photo nor a caricature folder; skipped"));
          continue;
        }
      if ((files = cari_index_read_dir (sub_dir, TRUE, &local)) == NULL)
        {
          cari_dataset_index_warn (index, sub_dir, 0, "%s", local->message);
          g_clear_error (&local);
          continue;
        }
      for (guint f = 0; f < files->len; f++)
        {
          const char *file = g_ptr_array_index (files, f);
          g_autofree char *path = g_build_filename (sub_dir, file, NULL);
          g_autofree char *rel = g_strconcat (identity_name, "/", sub, "/", file, NULL);
          GStatBuf st;
          if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode)
              || !cari_index_is_image_name (file))
            {
              cari_dataset_index_warn (index, path, 0, _("not an image; skipped"));
              continue;
            }
          cari_fingerprint_add_file (fp, rel, (gint64) st.st_size);
          if (st.st_size == 0)
            {
              cari_dataset_index_warn (index, path, 0, _("empty image (0 bytes); skipped"));
              continue;
            }
          if (identity < 0)
            identity = cari_dataset_index_add_identity (index, identity_name);
          cari_dataset_index_add_image (index, identity, (guint8) modality, rel, NULL, 0);
          counts[modality]++;
        }
    }
  if (identity < 0)
    cari_dataset_index_warn (index, dir, 0, _("no image; this identity is skipped"));
  else if (counts[CARI_MODALITY_CARICATURE] == 0)
    cari_dataset_index_warn (index, dir, 0, _("identity “%s” has no caricature"), identity_name);
  else if (counts[CARI_MODALITY_PHOTO] == 0)
    cari_dataset_index_warn (index, dir, 0, _("identity “%s” has no photo"), identity_name);
}

CariDatasetIndex *
cari_folder_import (const char *root, GError **error)
{
  return cari_folder_import_with_progress (root, NULL, NULL, error);
}

CariDatasetIndex *
cari_folder_import_with_progress (const char *root, CariImportProgress progress,
                                  gpointer user_data, GError **error)
{
  g_autofree char *canonical = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GPtrArray) identities = NULL;
  g_autoptr (CariDatasetIndex) index = NULL;
  CariFingerprint *fp;

  canonical = cari_index_canonical_root (
    root, error, _("The dataset folder “%s” does not exist or is not a folder"), root);
  if (canonical == NULL)
    return NULL;
  if ((identities = cari_index_read_dir (canonical, TRUE, error)) == NULL)
    return NULL;
  name = g_path_get_basename (canonical);
  index = cari_dataset_index_new (name, "folder", canonical);
  fp = cari_fingerprint_new ();
  for (guint i = 0; i < identities->len; i++)
    {
      const char *identity = g_ptr_array_index (identities, i);
      g_autofree char *path = g_build_filename (canonical, identity, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          cari_dataset_index_warn (index, path, 0, _("not an identity folder; skipped"));
          continue;
        }
      scan_identity (index, fp, canonical, identity);
    }
  index->fingerprint = cari_fingerprint_finish (fp);
  if (index->images->len == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO,
                   _("“%s” holds no images in <identity>/photo/ or <identity>/caricature/ "
                     "folders"),
                   root);
      return NULL;
    }
  if (!cari_dataset_index_check_images (index, progress, user_data, error))
    return NULL;
  return g_steal_pointer (&index);
}
