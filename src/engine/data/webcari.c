/* webcari.c — WebCaricature's folders and protocol files as a CariDatasetIndex (see webcari.h). */
#include "data/webcari-private.h"

#include "core/error.h"
#include "core/i18n.h"
#include "data/source.h"

#include <glib/gstdio.h>
#include <string.h>


static void
import_clear (CariWebcariImport *imp)
{
  cari_dataset_index_free (imp->index);
  cari_fingerprint_free (imp->fp);
  g_free (imp->root);
  g_clear_pointer (&imp->identity_exact, g_hash_table_unref);
  g_clear_pointer (&imp->identity_loose, g_hash_table_unref);
  g_clear_pointer (&imp->images, g_hash_table_unref);
  g_clear_pointer (&imp->seen, g_hash_table_unref);
}

/* The path relative to the root, for the fingerprint. */
const char *
cari_webcari_rel_of (CariWebcariImport *imp, const char *path)
{
  gsize n = strlen (imp->root);
  if (strncmp (path, imp->root, n) == 0 && path[n] == G_DIR_SEPARATOR)
    return path + n + 1;
  return path;
}

/* Folded, with runs of white space as one space and none at the ends. */
static char *
loose_name (const char *name)
{
  g_auto (GStrv) words = g_strsplit_set (name, " \t", -1);
  g_autoptr (GString) joined = g_string_new (NULL);
  for (char **w = words; *w != NULL; w++)
    if ((*w)[0] != '\0')
      {
        if (joined->len > 0)
          g_string_append_c (joined, ' ');
        g_string_append (joined, *w);
      }
  return g_utf8_casefold (joined->str, -1);
}

int
cari_webcari_lookup_identity (CariWebcariImport *imp, const char *name)
{
  g_autofree char *loose = NULL;
  gpointer v = g_hash_table_lookup (imp->identity_exact, name);
  if (v != NULL)
    return GPOINTER_TO_INT (v) - 1;
  loose = loose_name (name);
  v = g_hash_table_lookup (imp->identity_loose, loose);
  return v != NULL ? GPOINTER_TO_INT (v) - 1 : -1;
}

/* "C00001", "c00001.jpg" -> "C00001". */
static char *
image_key (int identity, const char *id)
{
  g_autofree char *upper = g_ascii_strup (id, -1);
  gsize n = strlen (upper);
  if (n > 4 && strcmp (upper + n - 4, ".JPG") == 0)
    upper[n - 4] = '\0';
  return g_strdup_printf ("%d\t%s", identity, upper);
}

int
cari_webcari_lookup_image (CariWebcariImport *imp, int identity, const char *id)
{
  g_autofree char *key = image_key (identity, id);
  gpointer v = g_hash_table_lookup (imp->images, key);
  return v != NULL ? GPOINTER_TO_INT (v) - 1 : -1;
}

/* TRUE (and the row's key noted) the first time a protocol row is seen. */
static gboolean
first_time (CariWebcariImport *imp, char *key)
{
  if (g_hash_table_contains (imp->seen, key))
    {
      g_free (key);
      return FALSE;
    }
  g_hash_table_add (imp->seen, key);
  return TRUE;
}

void
cari_webcari_add_subject (CariWebcariImport *imp, const char *protocol, int fold, guint8 role, int identity)
{
  if (first_time (imp, g_strdup_printf ("s\t%s\t%d\t%d\t%d", protocol, fold, role, identity)))
    cari_dataset_index_add_subject (imp->index, protocol, fold, role, identity);
}

void
cari_webcari_add_protocol_image (CariWebcariImport *imp, const char *protocol, int fold, const char *set, int image)
{
  if (first_time (imp, g_strdup_printf ("i\t%s\t%d\t%s\t%d", protocol, fold, set, image)))
    cari_dataset_index_add_protocol_image (imp->index, protocol, fold, CARI_ROLE_TEST, set,
                                           image);
}

/* ----------------------------------------------------------------------------- images */

/* The landmarks of one image, or NULL (with a warning when the file is there but bad). */
static float *
read_landmarks (CariWebcariImport *imp, const char *dir, GHashTable *files, const char *stem, int *n)
{
  g_autofree char *want = g_strdup_printf ("%s.txt", stem);
  g_autofree char *folded = g_utf8_casefold (want, -1);
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GPtrArray) lines = NULL;
  g_autoptr (GError) local = NULL;
  const char *name;
  float *points = NULL;
  gsize length = 0;
  int bad_line = 0;

  *n = 0;
  if (files == NULL || (name = g_hash_table_lookup (files, folded)) == NULL)
    return NULL;
  path = g_build_filename (dir, name, NULL);
  if ((lines = cari_index_read_lines (path, &contents, &length, &local)) == NULL)
    {
      cari_dataset_index_warn (imp->index, path, 0, "%s", local->message);
      return NULL;
    }
  cari_fingerprint_add_contents (imp->fp, cari_webcari_rel_of (imp, path), contents, length);
  if (cari_index_parse_landmarks (lines, N_LANDMARKS, &points, n, &bad_line))
    return points;
  if (bad_line > 0)
    cari_dataset_index_warn (imp->index, path, bad_line,
                             _("not two numbers “x y”; the landmarks of this image are ignored"));
  else
    cari_dataset_index_warn (imp->index, path, 0,
                             _("not %d landmark lines “x y”; the landmarks of this image are "
                               "ignored"),
                             N_LANDMARKS);
  return NULL;
}

/* Adds the images of one identity folder; the identity is added with its first image. */
static gboolean
scan_identity (CariWebcariImport *imp, const char *images_dir, const char *folder, const char *points_dir,
               GHashTable *points_folders, GError **error)
{
  g_autofree char *dir = g_build_filename (images_dir, folder, NULL);
  g_autofree char *folded = g_utf8_casefold (folder, -1);
  g_autofree char *lm_dir = NULL;
  g_autoptr (GHashTable) entries = NULL;
  g_autoptr (GHashTable) lm_files = NULL;
  g_autoptr (GPtrArray) names = NULL;
  const char *lm_folder;
  int identity = -1, counts[2] = { 0, 0 };

  if ((entries = cari_index_list_dir (dir, error)) == NULL)
    return FALSE;
  if (points_folders != NULL
      && (lm_folder = g_hash_table_lookup (points_folders, folded)) != NULL)
    {
      g_autoptr (GError) unreadable = NULL;
      lm_dir = g_build_filename (points_dir, lm_folder, NULL);
      lm_files = cari_index_list_dir (lm_dir, &unreadable);
      if (lm_files == NULL)
        cari_dataset_index_warn (imp->index, lm_dir, 0,
                                 _("cannot read the landmarks (%s); the images have none"),
                                 unreadable->message);
    }

  names = cari_index_table_names (entries, FALSE);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *rel = NULL;
      g_autofree char *stem = NULL;
      g_autofree float *points = NULL;
      GStatBuf st;
      guint8 modality;
      int n_points = 0, image;

      if (cari_index_is_ignored_name (name))
        continue;
      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        {
          cari_dataset_index_warn (imp->index, path, 0, _("not a file; skipped"));
          continue;
        }
      if (!cari_index_is_image_name (name) || (name[0] != 'C' && name[0] != 'c'
                                               && name[0] != 'P' && name[0] != 'p'))
        {
          cari_dataset_index_warn (imp->index, path, 0,
                                   _("not a caricature (C…) or photo (P…) image; skipped"));
          continue;
        }
      cari_fingerprint_add_file (imp->fp, cari_webcari_rel_of (imp, path), (gint64) st.st_size);
      if (st.st_size == 0)
        {
          cari_dataset_index_warn (imp->index, path, 0, _("empty image (0 bytes); skipped"));
          continue;
        }
      modality = (name[0] == 'C' || name[0] == 'c') ? CARI_MODALITY_CARICATURE
                                                     : CARI_MODALITY_PHOTO;
      stem = g_strndup (name, strrchr (name, '.') - name);
      points = read_landmarks (imp, lm_dir, lm_files, stem, &n_points);

      if (identity < 0)
        {
          g_autofree char *loose = loose_name (folder);
          identity = cari_dataset_index_add_identity (imp->index, folder);
          g_hash_table_insert (imp->identity_exact, g_strdup (folder),
                               GINT_TO_POINTER (identity + 1));
          if (!g_hash_table_contains (imp->identity_loose, loose))
            g_hash_table_insert (imp->identity_loose, g_steal_pointer (&loose),
                                 GINT_TO_POINTER (identity + 1));
        }
      rel = g_strdup (cari_webcari_rel_of (imp, path));
      g_strdelimit (rel, G_DIR_SEPARATOR_S, '/');
      image = cari_dataset_index_add_image (imp->index, identity, modality, rel, points,
                                            n_points);
      g_hash_table_insert (imp->images, image_key (identity, stem),
                           GINT_TO_POINTER (image + 1));
      counts[modality]++;
    }

  if (identity < 0)
    cari_dataset_index_warn (imp->index, dir, 0, _("no image; this identity is skipped"));
  else if (counts[CARI_MODALITY_CARICATURE] == 0)
    cari_dataset_index_warn (imp->index, dir, 0, _("identity “%s” has no caricature"), folder);
  else if (counts[CARI_MODALITY_PHOTO] == 0)
    cari_dataset_index_warn (imp->index, dir, 0, _("identity “%s” has no photo"), folder);
  return TRUE;
}

static gboolean
scan_images (CariWebcariImport *imp, GError **error)
{
  g_autofree char *images_name = cari_index_find_entry (imp->root, "OriginalImages");
  g_autofree char *points_name = cari_index_find_entry (imp->root, "FacialPoints");
  g_autofree char *images_dir = NULL;
  g_autofree char *points_dir = NULL;
  g_autoptr (GHashTable) folders = NULL;
  g_autoptr (GHashTable) points_folders = NULL;
  g_autoptr (GPtrArray) names = NULL;

  if (images_name == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO,
                   _("“%s” is not a WebCaricature folder: it has no OriginalImages folder"),
                   imp->root);
      return FALSE;
    }
  images_dir = g_build_filename (imp->root, images_name, NULL);
  if ((folders = cari_index_list_dir (images_dir, error)) == NULL)
    return FALSE;
  if (points_name != NULL)
    {
      points_dir = g_build_filename (imp->root, points_name, NULL);
      points_folders = cari_index_list_dir (points_dir, NULL);
    }
  if (points_folders == NULL)
    cari_dataset_index_warn (imp->index, imp->root, 0,
                             _("no FacialPoints folder: the images have no landmarks"));

  names = cari_index_table_names (folders, FALSE);
  for (guint i = 0; i < names->len; i++)
    {
      const char *folder = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (images_dir, folder, NULL);
      if (cari_index_is_ignored_name (folder))
        continue;
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          cari_dataset_index_warn (imp->index, path, 0,
                                   _("not an identity folder; skipped"));
          continue;
        }
      if (!scan_identity (imp, images_dir, folder, points_dir, points_folders, error))
        return FALSE;
    }
  if (imp->index->images->len == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("“%s” holds no images"), images_dir);
      return FALSE;
    }
  return TRUE;
}

/* Filenames/<Name>/file_c.txt and file_p.txt: every name listed should be an image. */
static void
check_filenames (CariWebcariImport *imp)
{
  g_autofree char *name = cari_index_find_entry (imp->root, "Filenames");
  g_autofree char *dir = NULL;
  g_autoptr (GHashTable) folders = NULL;

  if (name == NULL)
    return;
  dir = g_build_filename (imp->root, name, NULL);
  if ((folders = cari_index_list_dir (dir, NULL)) == NULL)
    return;
  for (guint id = 0; id < imp->index->identities->len; id++)
    {
      const char *identity = g_ptr_array_index (imp->index->identities, id);
      g_autofree char *folded = g_utf8_casefold (identity, -1);
      const char *folder = g_hash_table_lookup (folders, folded);
      g_autofree char *sub = NULL;
      if (folder == NULL)
        continue;
      sub = g_build_filename (dir, folder, NULL);
      for (int m = 0; m < 2; m++)
        {
          g_autofree char *file = cari_index_find_entry (sub, m == 0 ? "file_c.txt"
                                                                     : "file_p.txt");
          g_autofree char *path = NULL;
          g_autofree char *contents = NULL;
          g_autoptr (GPtrArray) lines = NULL;
          g_autoptr (GError) local = NULL;
          gsize length = 0;
          if (file == NULL)
            continue;
          path = g_build_filename (sub, file, NULL);
          if ((lines = cari_index_read_lines (path, &contents, &length, &local)) == NULL)
            {
              cari_dataset_index_warn (imp->index, path, 0, "%s", local->message);
              continue;
            }
          cari_fingerprint_add_contents (imp->fp, cari_webcari_rel_of (imp, path), contents, length);
          for (guint i = 0; i < lines->len; i++)
            {
              g_autofree char *entry = g_strstrip (g_strdup (g_ptr_array_index (lines, i)));
              if (entry[0] != '\0' && cari_webcari_lookup_image (imp, (int) id, entry) < 0)
                cari_dataset_index_warn (imp->index, path, (int) i + 1,
                                         _("lists “%s”, which is not an image of “%s”"), entry,
                                         identity);
            }
        }
    }
}

CariDatasetIndex *
cari_webcari_import (const char *root, GError **error)
{
  return cari_webcari_import_with_progress (root, NULL, NULL, error);
}

CariDatasetIndex *
cari_webcari_import_with_progress (const char *root, CariImportProgress progress,
                                   gpointer user_data, GError **error)
{
  CariWebcariImport imp = { 0 };
  CariDatasetIndex *index;

  imp.root = cari_index_canonical_root (
    root, error, _("The WebCaricature folder “%s” does not exist or is not a folder"), root);
  if (imp.root == NULL)
    return NULL;
  imp.index = cari_dataset_index_new ("webcari", "webcari", imp.root);
  imp.fp = cari_fingerprint_new ();
  imp.identity_exact = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.identity_loose = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.images = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gboolean ok = scan_images (&imp, error);
  if (ok)
    check_filenames (&imp);
  ok = ok && cari_webcari_import_protocols (&imp, error)
       && cari_dataset_index_check_images (imp.index, progress, user_data, error);
  index = cari_dataset_index_finish (&imp.index, &imp.fp, ok);
  import_clear (&imp);
  return index;
}
