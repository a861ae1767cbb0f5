/* webcari-protocols.c — WebCaricature's protocol files: the verification views (restricted and
 * unrestricted, ten folds and a development view) and the identification lists (C2P, P2C). */
#include "data/webcari-private.h"

#include "core/error.h"
#include "core/i18n.h"
#include "data/source.h"

#include <glib/gstdio.h>
#include <string.h>

/* -------------------------------------------------------------------------- protocols */

/* The fields of a protocol line: split at tabs when it has any; otherwise at spaces, with the
 * words between image ids (C00001, P00001.jpg) joined again as names. */
static gboolean
is_image_id (const char *word)
{
  const char *p = word;
  if (*p != 'C' && *p != 'c' && *p != 'P' && *p != 'p')
    return FALSE;
  p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  return *p == '\0' || g_ascii_strcasecmp (p, ".jpg") == 0;
}

static GPtrArray *
split_fields (const char *line)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) parts = g_strsplit_set (line, strchr (line, '\t') != NULL ? "\t" : " ", -1);
  GString *name = NULL;

  for (char **p = parts; *p != NULL; p++)
    {
      g_strstrip (*p);
      if ((*p)[0] == '\0')
        continue;
      if (strchr (line, '\t') != NULL || is_image_id (*p))
        {
          if (name != NULL)
            g_ptr_array_add (fields, g_string_free (g_steal_pointer (&name), FALSE));
          g_ptr_array_add (fields, g_strdup (*p));
        }
      else if (name == NULL)
        name = g_string_new (*p);
      else
        g_string_append_printf (name, " %s", *p);
    }
  if (name != NULL)
    g_ptr_array_add (fields, g_string_free (name, FALSE));
  return fields;
}

/* A line that is one non-negative integer. */
static gboolean
parse_count (const char *line, guint64 *n)
{
  g_autofree char *s = g_strstrip (g_strdup (line));
  return s[0] != '\0' && g_ascii_string_to_unsigned (s, 10, 0, G_MAXINT, n, NULL);
}

static gboolean
is_blank (const char *line)
{
  for (const char *p = line; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/* The next non-blank line from *i on (its index left in *i), NULL at the end. */
static const char *
next_line (GPtrArray *lines, guint *i)
{
  for (; *i < lines->len; (*i)++)
    if (!is_blank (g_ptr_array_index (lines, *i)))
      return g_ptr_array_index (lines, *i);
  return NULL;
}

typedef void (*LineFunc) (CariWebcariImport *imp, const char *path, int lineno, const char *line,
                          const char *protocol, int fold, guint8 role);

/* Count-prefixed blocks: each fold a line N, then N × per_count lines given to `fn`. A first
 * count line followed directly by another count line is the number of folds (some copies have
 * one) and is skipped. */
static gboolean
read_blocks (CariWebcariImport *imp, GPtrArray *lines, const char *path, const char *protocol,
             int first_fold, int max_folds, guint8 role, int per_count, LineFunc fn, GError **error)
{
  guint i = 0, j;
  guint64 n, folds_announced = 0;
  const char *line;
  int fold = first_fold;

  if (next_line (lines, &i) != NULL && parse_count (g_ptr_array_index (lines, i), &n))
    {
      j = i + 1;
      if ((line = next_line (lines, &j)) != NULL && parse_count (line, &folds_announced))
        {
          folds_announced = MAX (n, 1);
          i++;
        }
      else
        folds_announced = 0;
    }

  while ((line = next_line (lines, &i)) != NULL)
    {
      guint count_line = i;
      guint64 remaining;
      if (fold >= first_fold + max_folds)
        {
          cari_dataset_index_warn (imp->index, path, (int) i + 1,
                                   _("more folds than expected; the lines from here on are "
                                     "ignored"));
          break;
        }
      if (!parse_count (line, &n))
        {
          if (per_count == 2)
            g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                         _("%s, line %d: expected the number of pairs of the next fold, found "
                           "“%s”"),
                         path, (int) i + 1, line);
          else
            g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                         _("%s, line %d: expected the number of subjects of the next fold, "
                           "found “%s”"),
                         path, (int) i + 1, line);
          return FALSE;
        }
      i++;
      for (remaining = n * (guint64) per_count; remaining > 0; remaining--, i++)
        {
          if ((line = next_line (lines, &i)) == NULL)
            {
              if (per_count == 2)
                g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                             _("%s, line %d announces %d matched and %d mismatched pairs, but "
                               "the file ends before them"),
                             path, (int) count_line + 1, (int) n, (int) n);
              else
                g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                             _("%s, line %d announces %d subjects, but the file ends before "
                               "them"),
                             path, (int) count_line + 1, (int) n);
              return FALSE;
            }
          fn (imp, path, (int) i + 1, line, protocol, fold, role);
        }
      fold++;
    }
  if (folds_announced > 0 && (int) folds_announced != fold - first_fold)
    cari_dataset_index_warn (imp->index, path, 1, _("announces %d folds, but holds %d"),
                             (int) folds_announced, fold - first_fold);
  return TRUE;
}

/* "Name C P" (the same person) or "Name1 C Name2 P". */
static void
pair_line (CariWebcariImport *imp, const char *path, int lineno, const char *line, const char *protocol,
           int fold, guint8 role)
{
  g_autoptr (GPtrArray) f = split_fields (line);
  const char *names[2], *ids[2];
  int identity[2], image[2];

  if (f->len == 3)
    {
      names[0] = names[1] = g_ptr_array_index (f, 0);
      ids[0] = g_ptr_array_index (f, 1);
      ids[1] = g_ptr_array_index (f, 2);
    }
  else if (f->len == 4)
    {
      names[0] = g_ptr_array_index (f, 0);
      ids[0] = g_ptr_array_index (f, 1);
      names[1] = g_ptr_array_index (f, 2);
      ids[1] = g_ptr_array_index (f, 3);
    }
  else
    {
      cari_dataset_index_warn (imp->index, path, lineno,
                               _("expected “Name Id Id” or “Name Id Name Id”; line skipped"));
      return;
    }
  for (int k = 0; k < 2; k++)
    {
      if ((identity[k] = cari_webcari_lookup_identity (imp, names[k])) < 0)
        {
          cari_dataset_index_warn (imp->index, path, lineno,
                                   _("unknown identity “%s”; line skipped"), names[k]);
          return;
        }
      if ((image[k] = cari_webcari_lookup_image (imp, identity[k], ids[k])) < 0)
        {
          cari_dataset_index_warn (imp->index, path, lineno,
                                   _("“%s” has no image “%s”; line skipped"), names[k], ids[k]);
          return;
        }
    }
  cari_dataset_index_add_pair (imp->index, protocol, fold, role, image[0], image[1],
                               identity[0] == identity[1]);
}

/* "Name #caricatures #photos": the name is what precedes the trailing numbers (or the first
 * field of a line with tabs). Newly allocated; empty when there is none. */
static char *
subject_name (const char *line)
{
  g_auto (GStrv) words = NULL;
  guint n, numbers = 0;
  guint64 ignored;

  if (strchr (line, '\t') != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (line, "\t", 2);
      return g_strstrip (g_strdup (parts[0]));
    }
  words = g_strsplit (line, " ", -1);
  n = g_strv_length (words);
  while (n > 0
         && (words[n - 1][0] == '\0' || (numbers < 2 && parse_count (words[n - 1], &ignored))))
    {
      if (words[n - 1][0] != '\0')
        numbers++;
      g_free (words[--n]);
      words[n] = NULL;
    }
  return g_strstrip (g_strjoinv (" ", words));
}

/* The identity a subject line names, -1 (with a warning) when none. */
static int
subject_identity (CariWebcariImport *imp, const char *path, int lineno, const char *line)
{
  g_autofree char *name = subject_name (line);
  int identity;
  if (name[0] == '\0')
    {
      cari_dataset_index_warn (imp->index, path, lineno,
                               _("expected “Name #caricatures #photos”; line skipped"));
      return -1;
    }
  if ((identity = cari_webcari_lookup_identity (imp, name)) < 0)
    cari_dataset_index_warn (imp->index, path, lineno, _("unknown identity “%s”; line skipped"),
                             name);
  return identity;
}

static void
subject_line (CariWebcariImport *imp, const char *path, int lineno, const char *line, const char *protocol,
              int fold, guint8 role)
{
  int identity = subject_identity (imp, path, lineno, line);
  if (identity >= 0)
    cari_webcari_add_subject (imp, protocol, fold, role, identity);
}

/* Reads a protocol file of `dir` (any case); NULL lines and a warning when it is missing. */
static gboolean
read_protocol_file (CariWebcariImport *imp, const char *dir, const char *name, const char *alt,
                    const char *protocol, int fold, char **path_out, GPtrArray **lines_out,
                    GError **error)
{
  g_autofree char *found = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  *lines_out = NULL;
  *path_out = NULL;
  if (dir != NULL)
    {
      found = cari_index_find_entry (dir, name);
      if (found == NULL && alt != NULL)
        found = cari_index_find_entry (dir, alt);
    }
  if (found == NULL)
    {
      g_autofree char *want = dir != NULL ? g_build_filename (dir, name, NULL) : g_strdup (name);
      cari_dataset_index_warn (imp->index, want, 0,
                               _("missing; fold %d of the protocol “%s” is not imported"), fold,
                               protocol);
      return TRUE;
    }
  path = g_build_filename (dir, found, NULL);
  if ((*lines_out = cari_index_read_lines (path, &contents, &length, error)) == NULL)
    return FALSE;
  cari_fingerprint_add_contents (imp->fp, cari_webcari_rel_of (imp, path), contents, length);
  *path_out = g_steal_pointer (&path);
  return TRUE;
}

static char *
subfolder (const char *dir, const char *name)
{
  g_autofree char *found = dir != NULL ? cari_index_find_entry (dir, name) : NULL;
  return found != NULL ? g_build_filename (dir, found, NULL) : NULL;
}

/* Restricted or unrestricted verification: View1 DevTrain/DevTest as fold 0, View2 as 1..10. */
static gboolean
import_verification (CariWebcariImport *imp, const char *verif_dir, const char *folder, const char *prefix,
                     const char *protocol, int per_count, LineFunc fn,
                     GError **error)
{
  g_autofree char *dir = subfolder (verif_dir, folder);
  static const char *const view1[] = { "View1_DevTrain.txt", "View1_DevTest.txt" };

  if (dir == NULL)
    {
      g_autofree char *want = verif_dir != NULL ? g_build_filename (verif_dir, folder, NULL)
                                                : g_strdup (folder);
      cari_dataset_index_warn (imp->index, want, 0,
                               _("missing; the protocol “%s” is not imported"), protocol);
      return TRUE;
    }
  for (int v = 0; v < 3; v++)
    {
      g_autofree char *file = g_strconcat (prefix, v < 2 ? view1[v] : "View2.txt", NULL);
      g_autofree char *path = NULL;
      g_autoptr (GPtrArray) lines = NULL;
      if (!read_protocol_file (imp, dir, file, NULL, protocol, v < 2 ? 0 : 1, &path, &lines,
                               error))
        return FALSE;
      if (lines == NULL)
        continue;
      if (!read_blocks (imp, lines, path, protocol, v < 2 ? 0 : 1, v < 2 ? 1 : N_FOLDS,
                        v == 0 ? CARI_ROLE_TRAIN : CARI_ROLE_TEST, per_count, fn, error))
        return FALSE;
    }
  return TRUE;
}

/* FR_Train files: subject lines, with or without a count line first; the same subjects train
 * both directions (C2P and P2C). */
static void
import_train_subjects (CariWebcariImport *imp, GPtrArray *lines, const char *path, int fold)
{
  guint i = 0;
  guint64 n;
  gboolean first = TRUE;
  const char *line;
  for (; (line = next_line (lines, &i)) != NULL; i++, first = FALSE)
    {
      int identity;
      if (first && parse_count (line, &n))
        continue;
      if ((identity = subject_identity (imp, path, (int) i + 1, line)) < 0)
        continue;
      cari_webcari_add_subject (imp, "webcari.c2p", fold, CARI_ROLE_TRAIN, identity);
      cari_webcari_add_subject (imp, "webcari.p2c", fold, CARI_ROLE_TRAIN, identity);
    }
}

/* A gallery or probe list: a header line, then "Name … ImageId" lines. */
static void
import_image_list (CariWebcariImport *imp, GPtrArray *lines, const char *path, const char *protocol,
                   int fold, const char *set)
{
  guint i = 0;
  gboolean first = TRUE;
  const char *line;
  for (; (line = next_line (lines, &i)) != NULL; i++)
    {
      g_autoptr (GPtrArray) f = split_fields (line);
      g_auto (GStrv) words = NULL;
      int identity = -1, image = -1;
      gboolean is_first = first;
      const char *id;

      first = FALSE;
      /* With spaces, the fields are words: the name is the longest run of first words that
       * names an identity. */
      if (strchr (line, '\t') == NULL)
        {
          g_ptr_array_set_size (f, 0);
          words = g_strsplit (line, " ", -1);
          for (char **w = words; *w != NULL; w++)
            if (g_strstrip (*w)[0] != '\0')
              g_ptr_array_add (f, g_strdup (*w));
        }
      if (f->len < 2)
        {
          if (!is_first)
            cari_dataset_index_warn (imp->index, path, (int) i + 1,
                                     _("expected “Name … ImageId”; line skipped"));
          continue;
        }
      id = g_ptr_array_index (f, f->len - 1);
      for (guint k = f->len - 1; k > 0 && identity < 0; k--)
        {
          g_autoptr (GString) name = g_string_new (g_ptr_array_index (f, 0));
          for (guint w = 1; w < k; w++)
            g_string_append_printf (name, " %s", (char *) g_ptr_array_index (f, w));
          identity = cari_webcari_lookup_identity (imp, name->str);
        }
      if (identity >= 0)
        image = cari_webcari_lookup_image (imp, identity, id);
      if (image < 0)
        {
          /* the first line is a header unless it names an image */
          if (!is_first)
            {
              if (identity < 0)
                cari_dataset_index_warn (imp->index, path, (int) i + 1,
                                         _("unknown identity “%s”; line skipped"),
                                         (char *) g_ptr_array_index (f, 0));
              else
                cari_dataset_index_warn (imp->index, path, (int) i + 1,
                                         _("“%s” has no image “%s”; line skipped"),
                                         (char *) g_ptr_array_index (imp->index->identities,
                                                                     identity),
                                         id);
            }
          continue;
        }
      cari_webcari_add_protocol_image (imp, protocol, fold, set, image);
    }
}

static gboolean
import_identification (CariWebcariImport *imp, const char *eval_dir, GError **error)
{
  g_autofree char *dir = subfolder (eval_dir, "FaceIdentification");
  static const char *const directions[] = { "C2P", "P2C" };

  if (dir == NULL)
    {
      g_autofree char *want = g_build_filename (eval_dir, "FaceIdentification", NULL);
      cari_dataset_index_warn (imp->index, want, 0,
                               _("missing; the protocol “%s” is not imported"),
                               "webcari.c2p, webcari.p2c");
      return TRUE;
    }
  for (int fold = 0; fold <= N_FOLDS; fold++)
    {
      g_autofree char *file = fold == 0 ? g_strdup ("FR_Train_dev.txt")
                                        : g_strdup_printf ("FR_Train%d.txt", fold);
      g_autofree char *alt = fold == 0 ? NULL : g_strdup_printf ("FR_Train_%d.txt", fold);
      g_autofree char *path = NULL;
      g_autoptr (GPtrArray) lines = NULL;
      if (!read_protocol_file (imp, dir, file, alt, "webcari.c2p", fold, &path, &lines, error))
        return FALSE;
      if (lines != NULL)
        import_train_subjects (imp, lines, path, fold);
    }
  for (int d = 0; d < 2; d++)
    {
      g_autofree char *sub = subfolder (dir, directions[d]);
      g_autofree char *protocol = g_ascii_strdown (directions[d], -1);
      g_autofree char *canonical = g_strconcat ("webcari.", protocol, NULL);
      for (int fold = 0; fold <= N_FOLDS; fold++)
        for (int set = 0; set < 2; set++)
          {
            const char *kind = set == 0 ? "Gallery" : "Probe";
            g_autofree char *file
              = fold == 0 ? g_strdup_printf ("FR_%s_%s_dev.txt", kind, directions[d])
                          : g_strdup_printf ("FR_%s_%s%d.txt", kind, directions[d], fold);
            g_autofree char *alt
              = fold == 0 ? NULL : g_strdup_printf ("FR_%s_%s_%d.txt", kind, directions[d], fold);
            g_autofree char *path = NULL;
            g_autoptr (GPtrArray) lines = NULL;
            if (sub == NULL)
              {
                if (fold == 0 && set == 0)
                  {
                    g_autofree char *want = g_build_filename (dir, directions[d], NULL);
                    cari_dataset_index_warn (imp->index, want, 0,
                                             _("missing; the protocol “%s” is not imported"),
                                             canonical);
                  }
                continue;
              }
            if (!read_protocol_file (imp, sub, file, alt, canonical, fold, &path, &lines, error))
              return FALSE;
            if (lines != NULL)
              import_image_list (imp, lines, path, canonical, fold,
                                 set == 0 ? "gallery" : "probe");
          }
    }
  return TRUE;
}

gboolean
cari_webcari_import_protocols (CariWebcariImport *imp, GError **error)
{
  g_autofree char *eval_name = cari_index_find_entry (imp->root, "EvaluationProtocols");
  g_autofree char *eval_dir = NULL;
  g_autofree char *verif_dir = NULL;

  if (eval_name == NULL)
    eval_name = cari_index_find_entry (imp->root, "Evaluation");
  if (eval_name == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO,
                   _("“%s” has neither an EvaluationProtocols nor an Evaluation folder: the "
                     "WebCaricature protocols are missing"),
                   imp->root);
      return FALSE;
    }
  eval_dir = g_build_filename (imp->root, eval_name, NULL);
  if (!g_file_test (eval_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("“%s” is not a folder"), eval_dir);
      return FALSE;
    }
  verif_dir = subfolder (eval_dir, "FaceVerification");
  if (verif_dir == NULL)
    {
      g_autofree char *want = g_build_filename (eval_dir, "FaceVerification", NULL);
      cari_dataset_index_warn (imp->index, want, 0,
                               _("missing; the protocol “%s” is not imported"),
                               "webcari.restricted, webcari.unrestricted");
    }
  else if (!import_verification (imp, verif_dir, "Restricted", "Restricted",
                                 "webcari.restricted", 2, pair_line, error)
           || !import_verification (imp, verif_dir, "UnRestricted", "UnRestricted",
                                    "webcari.unrestricted", 1, subject_line, error))
    return FALSE;
  return import_identification (imp, eval_dir, error);
}

