/* index.c — a dataset's index in memory, and the helpers its importers share: fingerprints,
 * case-insensitive folder listings, tolerant text reading, path checks and landmark parsing. */
#include "data/index.h"

#include "core/error.h"
#include "core/i18n.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

static void
image_clear (gpointer p)
{
  CariIndexImage *im = p;
  g_free (im->path);
  g_free (im->landmarks);
}

static void
pair_clear (gpointer p)
{
  CariIndexPair *pair = p;
  g_free (pair->protocol);
}

static void
protocol_image_clear (gpointer p)
{
  CariIndexProtocolImage *pi = p;
  g_free (pi->protocol);
  g_free (pi->set);
}

static void
subject_clear (gpointer p)
{
  CariIndexSubject *su = p;
  g_free (su->protocol);
}

static void
warning_clear (gpointer p)
{
  CariIndexWarning *w = p;
  g_free (w->file);
  g_free (w->message);
}

static GArray *
new_array (gsize size, GDestroyNotify clear)
{
  GArray *a = g_array_new (FALSE, TRUE, size);
  g_array_set_clear_func (a, clear);
  return a;
}

CariDatasetIndex *
cari_dataset_index_new (const char *name, const char *kind, const char *root)
{
  CariDatasetIndex *index = g_new0 (CariDatasetIndex, 1);
  index->name = g_strdup (name);
  index->kind = g_strdup (kind);
  index->root = g_strdup (root);
  index->identities = g_ptr_array_new_with_free_func (g_free);
  index->images = new_array (sizeof (CariIndexImage), image_clear);
  index->pairs = new_array (sizeof (CariIndexPair), pair_clear);
  index->protocol_images = new_array (sizeof (CariIndexProtocolImage), protocol_image_clear);
  index->subjects = new_array (sizeof (CariIndexSubject), subject_clear);
  index->warnings = new_array (sizeof (CariIndexWarning), warning_clear);
  return index;
}

void
cari_dataset_index_free (CariDatasetIndex *index)
{
  if (index == NULL)
    return;
  g_free (index->name);
  g_free (index->kind);
  g_free (index->root);
  g_free (index->fingerprint);
  g_ptr_array_unref (index->identities);
  g_array_unref (index->images);
  g_array_unref (index->pairs);
  g_array_unref (index->protocol_images);
  g_array_unref (index->subjects);
  g_array_unref (index->warnings);
  g_free (index);
}

int
cari_dataset_index_add_identity (CariDatasetIndex *index, const char *name)
{
  /* Identities number a few hundred, and the importers add them in runs: search from the end. */
  for (guint i = index->identities->len; i > 0; i--)
    if (strcmp (g_ptr_array_index (index->identities, i - 1), name) == 0)
      return (int) i - 1;
  g_ptr_array_add (index->identities, g_strdup (name));
  return (int) index->identities->len - 1;
}

void
cari_dataset_index_warn (CariDatasetIndex *index, const char *file, int line, const char *format,
                         ...)
{
  CariIndexWarning w;
  va_list ap;
  va_start (ap, format);
  w.file = g_strdup (file != NULL ? file : "");
  w.line = line;
  w.message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_array_append_val (index->warnings, w);
}

int
cari_dataset_index_add_image (CariDatasetIndex *index, int identity, guint8 modality,
                              const char *path, const float *landmarks, int n_landmarks)
{
  CariIndexImage im = {
    .identity = identity,
    .modality = modality,
    .path = g_strdup (path),
    .n_landmarks = landmarks != NULL ? n_landmarks : 0,
    .landmarks = landmarks != NULL && n_landmarks > 0
                   ? g_memdup2 (landmarks, sizeof (float) * 2 * (gsize) n_landmarks)
                   : NULL,
  };
  if (im.landmarks == NULL)
    im.n_landmarks = 0;
  g_array_append_val (index->images, im);
  return (int) index->images->len - 1;
}

void
cari_dataset_index_add_pair (CariDatasetIndex *index, const char *protocol, int fold,
                             guint8 role, int a, int b, gboolean same)
{
  CariIndexPair p = {
    .protocol = g_strdup (protocol), .fold = fold, .role = role, .a = a, .b = b,
    .same = same ? TRUE : FALSE,
  };
  g_array_append_val (index->pairs, p);
}

void
cari_dataset_index_add_protocol_image (CariDatasetIndex *index, const char *protocol, int fold,
                                       guint8 role, const char *set, int image)
{
  CariIndexProtocolImage p = {
    .protocol = g_strdup (protocol), .fold = fold, .role = role, .set = g_strdup (set),
    .image = image,
  };
  g_array_append_val (index->protocol_images, p);
}

void
cari_dataset_index_add_subject (CariDatasetIndex *index, const char *protocol, int fold,
                                guint8 role, int identity)
{
  CariIndexSubject s = {
    .protocol = g_strdup (protocol), .fold = fold, .role = role, .identity = identity,
  };
  g_array_append_val (index->subjects, s);
}

guint
cari_dataset_index_n_protocol_rows (const CariDatasetIndex *index)
{
  return index->pairs->len + index->protocol_images->len + index->subjects->len;
}

void
cari_dataset_index_get_protocol_row (const CariDatasetIndex *index, guint i, CariProtocolRow *row)
{
  guint n_pairs = index->pairs->len, n_images = index->protocol_images->len;
  if (i < n_pairs)
    {
      const CariIndexPair *p = &g_array_index (index->pairs, CariIndexPair, i);
      *row = (CariProtocolRow) { p->protocol, p->fold, p->role, 2, { p->a, p->b }, -1 };
    }
  else if (i < n_pairs + n_images)
    {
      const CariIndexProtocolImage *p
        = &g_array_index (index->protocol_images, CariIndexProtocolImage, i - n_pairs);
      *row = (CariProtocolRow) { p->protocol, p->fold, p->role, 1, { p->image, -1 }, -1 };
    }
  else
    {
      g_assert (i < cari_dataset_index_n_protocol_rows (index));
      const CariIndexSubject *s
        = &g_array_index (index->subjects, CariIndexSubject, i - n_pairs - n_images);
      *row = (CariProtocolRow) { s->protocol, s->fold, s->role, 0, { -1, -1 }, s->identity };
    }
}

/* ------------------------------------------------------------------------- fingerprint */

struct _CariFingerprint
{
  GPtrArray *entries; /* of char *: one line per file, sorted before hashing */
};

CariFingerprint *
cari_fingerprint_new (void)
{
  CariFingerprint *fp = g_new0 (CariFingerprint, 1);
  fp->entries = g_ptr_array_new_with_free_func (g_free);
  return fp;
}

void
cari_fingerprint_add_file (CariFingerprint *fp, const char *relpath, gint64 size)
{
  g_ptr_array_add (fp->entries, g_strdup_printf ("%s\t%lld", relpath, (long long) size));
}

void
cari_fingerprint_add_contents (CariFingerprint *fp, const char *relpath, const char *data,
                               gsize length)
{
  g_autofree char *digest
    = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
  g_ptr_array_add (fp->entries, g_strdup_printf ("%s\t%llu\t%s", relpath,
                                                 (unsigned long long) length, digest));
}

char *
cari_fingerprint_finish (CariFingerprint *fp)
{
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  char *hex;
  g_ptr_array_sort (fp->entries, cari_index_compare_strings);
  for (guint i = 0; i < fp->entries->len; i++)
    {
      const char *e = g_ptr_array_index (fp->entries, i);
      g_checksum_update (sum, (const guchar *) e, (gssize) strlen (e) + 1); /* with the NUL */
    }
  hex = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  cari_fingerprint_free (fp);
  return hex;
}

void
cari_fingerprint_free (CariFingerprint *fp)
{
  if (fp == NULL)
    return;
  g_ptr_array_unref (fp->entries);
  g_free (fp);
}

CariDatasetIndex *
cari_dataset_index_finish (CariDatasetIndex **index, CariFingerprint **fp, gboolean ok)
{
  CariDatasetIndex *built = g_steal_pointer (index);
  CariFingerprint *files = g_steal_pointer (fp);
  if (!ok)
    {
      cari_dataset_index_free (built);
      cari_fingerprint_free (files);
      return NULL;
    }
  built->fingerprint = cari_fingerprint_finish (files);
  return built;
}

/* ------------------------------------------------------------------------------ files */

char *
cari_index_canonical_root (const char *root, GError **error, const char *message, ...)
{
  g_return_val_if_fail (root != NULL, NULL);
  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      va_list args;
      va_start (args, message);
      g_autofree char *text = g_strdup_vprintf (message, args);
      va_end (args);
      g_set_error_literal (error, CARI_ERROR, CARI_ERROR_IO, text);
      return NULL;
    }
  /* A set whose writing was interrupted (cari_syncari_generate's marker) is refused whole. */
  g_autofree char *marker = g_build_filename (root, CARI_INDEX_INCOMPLETE_MARKER, NULL);
  if (g_file_test (marker, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The folder “%s” is incomplete: writing it was interrupted (it holds “%s”); "
                     "generate it again"),
                   root, CARI_INDEX_INCOMPLETE_MARKER);
      return NULL;
    }
  return g_canonicalize_filename (root, NULL);
}

GPtrArray *
cari_index_read_dir (const char *dir, gboolean skip_ignored, GError **error)
{
  GError *local = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &local);
  const char *name;
  if (d == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot read the folder “%s”: %s"), dir,
                   local->message);
      g_error_free (local);
      return NULL;
    }
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (d)) != NULL)
    if (!skip_ignored || !cari_index_is_ignored_name (name))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, cari_index_compare_strings);
  return names;
}

GPtrArray *
cari_index_table_names (GHashTable *table, gboolean skip_ignored)
{
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, NULL, &value))
    if (!skip_ignored || !cari_index_is_ignored_name (value))
      g_ptr_array_add (names, value);
  g_ptr_array_sort (names, cari_index_compare_strings);
  return names;
}

GHashTable *
cari_index_list_dir (const char *dir, GError **error)
{
  g_autoptr (GPtrArray) names = cari_index_read_dir (dir, FALSE, error);
  GHashTable *table;
  if (names == NULL)
    return NULL;
  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      char *key = g_utf8_casefold (n, -1);
      if (g_hash_table_contains (table, key))
        g_free (key);
      else
        g_hash_table_insert (table, key, g_strdup (n));
    }
  return table;
}

char *
cari_index_find_entry (const char *dir, const char *name)
{
  g_autofree char *exact = g_build_filename (dir, name, NULL);
  g_autoptr (GHashTable) table = NULL;
  g_autofree char *key = NULL;
  const char *found;

  if (g_file_test (exact, G_FILE_TEST_EXISTS))
    return g_strdup (name);
  table = cari_index_list_dir (dir, NULL);
  if (table == NULL)
    return NULL;
  key = g_utf8_casefold (name, -1);
  found = g_hash_table_lookup (table, key);
  return found != NULL ? g_strdup (found) : NULL;
}

GPtrArray *
cari_index_read_lines (const char *path, char **contents, gsize *length, GError **error)
{
  g_autofree char *raw = NULL;
  g_autofree char *converted = NULL;
  GError *local = NULL;
  gsize len = 0;
  const char *text, *end, *p, *start;
  GPtrArray *lines;

  if (!g_file_get_contents (path, &raw, &len, &local))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot read “%s”: %s"), path,
                   local->message);
      g_error_free (local);
      return NULL;
    }
  text = raw;
  end = raw + len;
  if (len >= 3 && memcmp (raw, "\xef\xbb\xbf", 3) == 0)
    text += 3;
  if (!g_utf8_validate (text, end - text, NULL))
    {
      gsize out_len = 0;
      converted = g_convert (text, end - text, "UTF-8", "ISO-8859-1", NULL, &out_len, NULL);
      if (converted != NULL)
        {
          text = converted;
          end = converted + out_len;
        }
    }

  lines = g_ptr_array_new_with_free_func (g_free);
  for (p = start = text; p < end; p++)
    if (*p == '\n' || *p == '\r')
      {
        g_ptr_array_add (lines, g_strndup (start, p - start));
        if (*p == '\r' && p + 1 < end && p[1] == '\n')
          p++;
        start = p + 1;
      }
  if (start < end)
    g_ptr_array_add (lines, g_strndup (start, end - start));
  /* g_strndup stops at a NUL byte: a line with one is cut there, never read past. */
  for (guint i = 0; i < lines->len; i++)
    {
      char *line = g_ptr_array_index (lines, i);
      if (!g_utf8_validate (line, -1, NULL))
        {
          /* Latin-1 conversion failed as a whole (it cannot, but be safe): mend the line. */
          g_ptr_array_index (lines, i) = g_utf8_make_valid (line, -1);
          g_free (line);
        }
    }

  if (length != NULL)
    *length = len;
  if (contents != NULL)
    *contents = g_steal_pointer (&raw);
  return lines;
}

char *
cari_index_clean_path (const char *path)
{
  g_autofree char *p = g_strdup (path);
  g_auto (GStrv) parts = NULL;
  GString *out;

  g_strdelimit (p, "\\", '/');
  if (p[0] == '/' || (g_ascii_isalpha (p[0]) && p[1] == ':'))
    return NULL;
  parts = g_strsplit (p, "/", -1);
  out = g_string_new (NULL);
  for (char **c = parts; *c != NULL; c++)
    {
      if ((*c)[0] == '\0' || strcmp (*c, ".") == 0)
        continue;
      if (strcmp (*c, "..") == 0)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      if (out->len > 0)
        g_string_append_c (out, '/');
      g_string_append (out, *c);
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

gboolean
cari_index_is_image_name (const char *name)
{
  static const char *const exts[] = { ".jpg", ".jpeg", ".png", ".bmp", ".ppm",
                                      ".pgm", ".tif",  ".tiff", ".webp" };
  const char *dot = strrchr (name, '.');
  if (dot == NULL || dot == name)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    if (g_ascii_strcasecmp (dot, exts[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A finite float that is the whole token. */
static gboolean
parse_float (const char *token, float *out)
{
  char *end = NULL;
  double v;
  errno = 0;
  v = g_ascii_strtod (token, &end);
  if (end == token || *end != '\0' || errno == ERANGE || !isfinite (v) || fabs (v) > G_MAXFLOAT)
    return FALSE;
  *out = (float) v;
  return TRUE;
}

gboolean
cari_index_parse_landmarks (GPtrArray *lines, int expected, float **points, int *n,
                            int *bad_line)
{
  g_autoptr (GArray) xy = g_array_new (FALSE, FALSE, sizeof (float));
  *points = NULL;
  *n = 0;
  *bad_line = 0;
  for (guint i = 0; i < lines->len; i++)
    {
      g_auto (GStrv) tokens = NULL;
      float v[2];
      guint nt;
      tokens = g_strsplit_set (g_ptr_array_index (lines, i), " \t", -1);
      nt = 0;
      for (char **t = tokens; *t != NULL; t++)
        if ((*t)[0] != '\0')
          {
            if (nt >= 2 || !parse_float (*t, &v[nt]))
              {
                *bad_line = (int) i + 1;
                return FALSE;
              }
            nt++;
          }
      if (nt == 0)
        continue;
      if (nt != 2)
        {
          *bad_line = (int) i + 1;
          return FALSE;
        }
      g_array_append_vals (xy, v, 2);
    }
  if (xy->len == 0 || (expected > 0 && (int) xy->len != 2 * expected))
    return FALSE;
  *n = (int) xy->len / 2;
  *points = (float *) g_array_free (g_steal_pointer (&xy), FALSE);
  return TRUE;
}

gboolean
cari_index_is_ignored_name (const char *name)
{
  return name[0] == '.' || g_ascii_strcasecmp (name, "Thumbs.db") == 0
         || g_ascii_strcasecmp (name, "desktop.ini") == 0;
}

int
cari_index_compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}
