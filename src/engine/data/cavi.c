/* cavi.c — CaVI's folders and pair files as a CariDatasetIndex (see cavi.h). */
#include "data/cavi.h"

#include "core/error.h"
#include "core/i18n.h"
#include "data/source.h"

#include <glib/gstdio.h>
#include <string.h>

#define PROTOCOL "cavi.pairs"
#define FOLD 1

typedef struct
{
  CariDatasetIndex *index;
  CariFingerprint *fp;
  char *root;          /* the dataset folder */
  char *lists;         /* train-test-files */
  GHashTable *images;  /* folded relative path -> image index + 1 */
  GHashTable *folders; /* folded "<modality folder>/<identity folder>" -> identity index + 1 */
} Import;

static void
import_clear (Import *imp)
{
  cari_dataset_index_free (imp->index);
  cari_fingerprint_free (imp->fp);
  g_free (imp->root);
  g_free (imp->lists);
  g_clear_pointer (&imp->images, g_hash_table_unref);
  g_clear_pointer (&imp->folders, g_hash_table_unref);
}

static gboolean
has_modality_folders (const char *dir)
{
  g_autofree char *c = cari_index_find_entry (dir, "Caricature");
  g_autofree char *r = cari_index_find_entry (dir, "Real");
  return c != NULL && r != NULL;
}

/* The dataset folder: `root` itself or its CaVI_Dataset / CaVINet_Dataset. */
static char *
find_dataset_folder (const char *root)
{
  static const char *const names[] = { "CaVI_Dataset", "CaVINet_Dataset", "CaVI Dataset",
                                       "CaVINet Dataset" };
  if (has_modality_folders (root))
    return g_strdup (root);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *found = cari_index_find_entry (root, names[i]);
      g_autofree char *dir = found != NULL ? g_build_filename (root, found, NULL) : NULL;
      if (dir != NULL && has_modality_folders (dir))
        return g_steal_pointer (&dir);
    }
  return NULL;
}

/* Reads a list file of train-test-files (any case); NULL lines and a warning when missing. */
static gboolean
read_list (Import *imp, const char *name, char **path_out, GPtrArray **lines_out,
           GError **error)
{
  g_autofree char *found = cari_index_find_entry (imp->lists, name);
  g_autofree char *contents = NULL;
  g_autofree char *key = NULL;
  gsize length = 0;

  *lines_out = NULL;
  *path_out = g_build_filename (imp->lists, found != NULL ? found : name, NULL);
  if (found == NULL)
    {
      cari_dataset_index_warn (imp->index, *path_out, 0, _("missing; not imported"));
      return TRUE;
    }
  if ((*lines_out = cari_index_read_lines (*path_out, &contents, &length, error)) == NULL)
    return FALSE;
  key = g_strconcat ("train-test-files/", found, NULL);
  cari_fingerprint_add_contents (imp->fp, key, contents, length);
  return TRUE;
}

/* ----------------------------------------------------------------------------- images */

typedef struct
{
  char *folder[2]; /* name on disk under Caricature/ and Real/, NULL when absent */
  char *listed;    /* the name complete_identity_list.txt gives, NULL when none */
} Identity;

static void
identity_free (gpointer p)
{
  Identity *id = p;
  g_free (id->folder[0]);
  g_free (id->folder[1]);
  g_free (id->listed);
  g_free (id);
}

static Identity *
identity_for (GHashTable *identities, const char *name)
{
  char *key = g_utf8_casefold (name, -1);
  Identity *id = g_hash_table_lookup (identities, key);
  if (id == NULL)
    {
      id = g_new0 (Identity, 1);
      g_hash_table_insert (identities, key, id);
    }
  else
    g_free (key);
  return id;
}

/* Adds the images of one identity folder; returns how many. */
static int
scan_folder (Import *imp, const char *top, const char *folder, guint8 modality, int *identity,
             const char *name)
{
  g_autofree char *dir = g_build_filename (imp->root, top, folder, NULL);
  g_autofree char *folder_key = NULL;
  g_autoptr (GHashTable) entries = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GError) local = NULL;
  int count = 0;

  if ((entries = cari_index_list_dir (dir, &local)) == NULL)
    {
      cari_dataset_index_warn (imp->index, dir, 0, "%s", local->message);
      return 0;
    }
  files = cari_index_table_names (entries, TRUE);
  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autofree char *rel = g_strconcat (top, "/", folder, "/", file, NULL);
      GStatBuf st;
      int image;

      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || !cari_index_is_image_name (file))
        {
          cari_dataset_index_warn (imp->index, path, 0, _("not an image; skipped"));
          continue;
        }
      cari_fingerprint_add_file (imp->fp, rel, (gint64) st.st_size);
      if (st.st_size == 0)
        {
          cari_dataset_index_warn (imp->index, path, 0, _("empty image (0 bytes); skipped"));
          continue;
        }
      if (*identity < 0)
        *identity = cari_dataset_index_add_identity (imp->index, name);
      image = cari_dataset_index_add_image (imp->index, *identity, modality, rel, NULL, 0);
      g_hash_table_insert (imp->images, g_utf8_casefold (rel, -1), GINT_TO_POINTER (image + 1));
      count++;
    }
  if (*identity >= 0)
    {
      g_autofree char *key = g_strconcat (top, "/", folder, NULL);
      folder_key = g_utf8_casefold (key, -1);
      g_hash_table_insert (imp->folders, g_steal_pointer (&folder_key),
                           GINT_TO_POINTER (*identity + 1));
    }
  return count;
}

static gboolean
scan_images (Import *imp, GError **error)
{
  g_autoptr (GHashTable) identities
    = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, identity_free);
  g_autoptr (GPtrArray) keys = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *list_path = NULL;
  char *tops[2] = { cari_index_find_entry (imp->root, "Caricature"),
                    cari_index_find_entry (imp->root, "Real") };
  GHashTableIter it;
  gpointer key;
  gboolean ok = FALSE;

  /* the names the identity list gives */
  if (!read_list (imp, "complete_identity_list.txt", &list_path, &list, error))
    goto out;
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      g_autofree char *name = g_strstrip (g_strdup (g_ptr_array_index (list, i)));
      Identity *id;
      if (name[0] == '\0')
        continue;
      id = identity_for (identities, name);
      if (id->listed == NULL)
        id->listed = g_strdup (name);
    }

  for (int m = 0; m < 2; m++)
    {
      g_autofree char *dir = g_build_filename (imp->root, tops[m], NULL);
      g_autoptr (GHashTable) entries = cari_index_list_dir (dir, error);
      g_autoptr (GPtrArray) names = NULL;
      if (entries == NULL)
        goto out;
      names = cari_index_table_names (entries, TRUE);
      for (guint i = 0; i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);
          g_autofree char *path = g_build_filename (dir, name, NULL);
          Identity *id;
          if (!g_file_test (path, G_FILE_TEST_IS_DIR))
            {
              cari_dataset_index_warn (imp->index, path, 0,
                                       _("not an identity folder; skipped"));
              continue;
            }
          id = identity_for (identities, name);
          if (id->folder[m] == NULL)
            id->folder[m] = g_strdup (name);
          else
            cari_dataset_index_warn (imp->index, path, 0,
                                     _("a second folder of the identity “%s”; skipped"),
                                     id->folder[m]);
        }
    }

  /* identities in the order of their folded names */
  keys = g_ptr_array_new ();
  g_hash_table_iter_init (&it, identities);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, cari_index_compare_strings);
  for (guint i = 0; i < keys->len; i++)
    {
      Identity *id = g_hash_table_lookup (identities, g_ptr_array_index (keys, i));
      const char *name = id->listed != NULL      ? id->listed
                         : id->folder[0] != NULL ? id->folder[0]
                                                 : id->folder[1];
      int identity = -1, counts[2] = { 0, 0 };
      if (id->folder[0] == NULL && id->folder[1] == NULL)
        {
          cari_dataset_index_warn (imp->index, list_path, 0,
                                   _("lists the identity “%s”, which has no images"), name);
          continue;
        }
      for (int m = 0; m < 2; m++)
        if (id->folder[m] != NULL)
          counts[m] = scan_folder (imp, tops[m], id->folder[m],
                                   m == 0 ? CARI_MODALITY_CARICATURE : CARI_MODALITY_PHOTO,
                                   &identity, name);
      if (identity < 0)
        cari_dataset_index_warn (imp->index, imp->root, 0,
                                 _("the identity “%s” has no image; skipped"), name);
      else if (counts[0] == 0)
        cari_dataset_index_warn (imp->index, imp->root, 0,
                                 _("identity “%s” has no caricature"), name);
      else if (counts[1] == 0)
        cari_dataset_index_warn (imp->index, imp->root, 0, _("identity “%s” has no photo"),
                                 name);
      if (identity >= 0 && list != NULL && id->listed == NULL)
        cari_dataset_index_warn (imp->index, list_path, 0,
                                 _("does not list the identity “%s”"), name);
    }
  if (imp->index->images->len == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("“%s” holds no images"), imp->root);
      goto out;
    }
  ok = TRUE;

out:
  g_free (tops[0]);
  g_free (tops[1]);
  return ok;
}

/* -------------------------------------------------------------------------- protocols */

/* The image a protocol path names, -1 (with a warning) when none; FALSE with `error` set when
 * the path would leave the dataset folder. */
static gboolean
resolve (Import *imp, const char *path, int lineno, const char *raw, int *image, GError **error)
{
  g_autofree char *clean = cari_index_clean_path (raw);
  g_autofree char *key = NULL;
  g_autofree char *dir = NULL;
  gpointer v;

  *image = -1;
  if (clean == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                   _("%s, line %d: the path “%s” leads out of the dataset folder"), path, lineno,
                   raw);
      return FALSE;
    }
  key = g_utf8_casefold (clean, -1);
  if ((v = g_hash_table_lookup (imp->images, key)) != NULL)
    {
      *image = GPOINTER_TO_INT (v) - 1;
      return TRUE;
    }
  dir = g_path_get_dirname (key);
  if (!g_hash_table_contains (imp->folders, dir))
    cari_dataset_index_warn (imp->index, path, lineno,
                             _("unknown identity in “%s”; line skipped"), raw);
  else
    cari_dataset_index_warn (imp->index, path, lineno, _("no image “%s”; line skipped"), raw);
  return TRUE;
}

static gboolean
ends_with_image (const char *word)
{
  return cari_index_is_image_name (word);
}

/* `<id_c> <caricature path> <id_r> <photo path> <1|0>`; paths may hold spaces. */
static gboolean
pair_line (Import *imp, const char *path, int lineno, const char *line, guint8 role,
           GError **error)
{
  g_autoptr (GPtrArray) w = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) parts = g_strsplit_set (line, " \t", -1);
  g_autoptr (GString) a = g_string_new (NULL);
  g_autoptr (GString) b = g_string_new (NULL);
  const char *label;
  guint k = 1, n;
  int image[2];

  for (char **p = parts; *p != NULL; p++)
    if ((*p)[0] != '\0')
      g_ptr_array_add (w, g_strdup (*p));
  n = w->len;
  /* the caricature's path: the words from the second up to one that names an image */
  for (; n >= 5 && k < n - 3; k++)
    {
      g_string_append_printf (a, "%s%s", a->len > 0 ? " " : "",
                              (char *) g_ptr_array_index (w, k));
      if (ends_with_image (g_ptr_array_index (w, k)))
        break;
    }
  for (guint j = k + 2; n >= 5 && j < n - 1; j++)
    g_string_append_printf (b, "%s%s", b->len > 0 ? " " : "",
                            (char *) g_ptr_array_index (w, j));
  label = n >= 5 ? g_ptr_array_index (w, n - 1) : "";
  if (n < 5 || k >= n - 3 || !ends_with_image (a->str) || !ends_with_image (b->str)
      || (strcmp (label, "0") != 0 && strcmp (label, "1") != 0))
    {
      cari_dataset_index_warn (imp->index, path, lineno,
                               _("expected “id caricature-path id photo-path 1|0”; line "
                                 "skipped"));
      return TRUE;
    }
  if (!resolve (imp, path, lineno, a->str, &image[0], error)
      || !resolve (imp, path, lineno, b->str, &image[1], error))
    return FALSE;
  if (image[0] >= 0 && image[1] >= 0)
    cari_dataset_index_add_pair (imp->index, PROTOCOL, FOLD, role, image[0], image[1],
                                 label[0] == '1');
  return TRUE;
}

static gboolean
import_pairs (Import *imp, GError **error)
{
  static const struct
  {
    const char *file;
    guint8 role;
  } files[] = {
    { "training_11.txt", CARI_ROLE_TRAIN },
    { "training_12.txt", CARI_ROLE_TRAIN },
    { "validation.txt", CARI_ROLE_VALIDATION },
    { "testing_1.txt", CARI_ROLE_TEST },
  };
  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = NULL;
      g_autoptr (GPtrArray) lines = NULL;
      if (!read_list (imp, files[f].file, &path, &lines, error))
        return FALSE;
      for (guint i = 0; lines != NULL && i < lines->len; i++)
        {
          const char *line = g_ptr_array_index (lines, i);
          if (line[strspn (line, " \t")] == '\0')
            continue;
          if (!pair_line (imp, path, (int) i + 1, line, files[f].role, error))
            return FALSE;
        }
    }
  return TRUE;
}

CariDatasetIndex *
cari_cavi_import (const char *root, GError **error)
{
  return cari_cavi_import_with_progress (root, NULL, NULL, error);
}

CariDatasetIndex *
cari_cavi_import_with_progress (const char *root, CariImportProgress progress,
                                gpointer user_data, GError **error)
{
  Import imp = { 0 };
  g_autofree char *canonical = NULL;
  g_autofree char *dataset = NULL;
  g_autofree char *lists = NULL;
  CariDatasetIndex *index;

  canonical = cari_index_canonical_root (
    root, error, _("The CaVI folder “%s” does not exist or is not a folder"), root);
  if (canonical == NULL)
    return NULL;
  if ((dataset = find_dataset_folder (canonical)) == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO,
                   _("“%s” is not a CaVI folder: neither it nor a CaVI_Dataset or "
                     "CaVINet_Dataset folder in it has Caricature and Real folders"),
                   root);
      return NULL;
    }
  lists = cari_index_find_entry (dataset, "train-test-files");
  imp.lists = lists != NULL ? g_build_filename (dataset, lists, NULL) : NULL;
  if (imp.lists == NULL)
    {
      g_autofree char *parent = g_path_get_dirname (dataset);
      g_free (lists);
      lists = cari_index_find_entry (parent, "train-test-files");
      imp.lists = lists != NULL ? g_build_filename (parent, lists, NULL) : NULL;
    }
  if (imp.lists == NULL || !g_file_test (imp.lists, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO,
                   _("“%s” has no train-test-files folder (nor has the folder above it): the "
                     "CaVI protocol is missing"),
                   dataset);
      g_free (imp.lists);
      return NULL;
    }
  imp.root = g_steal_pointer (&dataset);
  imp.index = cari_dataset_index_new ("cavi", "cavi", imp.root);
  imp.fp = cari_fingerprint_new ();
  imp.images = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gboolean ok = scan_images (&imp, error) && import_pairs (&imp, error)
                && cari_dataset_index_check_images (imp.index, progress, user_data, error);
  index = cari_dataset_index_finish (&imp.index, &imp.fp, ok);
  import_clear (&imp);
  return index;
}
