/* store-datasets.c — data sets in the run store: a whole index imported in one transaction and
 * read back, listed with their counts, deleted, and the data set a run trains on. */
#include "store/store-private.h"

#include "core/error.h"
#include "core/i18n.h"

#include <string.h>

#define SQL_ADD_DATASET                                                                        \
  "INSERT INTO datasets (name, kind, root, fingerprint, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"

gint64
cari_store_add_dataset (CariStore *s, const char *name, const char *kind, const char *root,
                        const char *fingerprint, GError **error)
{
  int rc;
  g_return_val_if_fail (name != NULL && kind != NULL && root != NULL, 0);
  if (!cari_store_check_name (name, FALSE, error))
    return 0;
  rc = cari_store_sql_exec (s,
                            STORE_SQL (SQL_ADD_DATASET, SQL_TEXT (name), SQL_TEXT (kind),
                                       SQL_TEXT (root), SQL_TEXT (fingerprint),
                                       SQL_REAL (cari_store_now ())),
                            SQLITE_CONSTRAINT_UNIQUE, error);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                 _("A dataset named “%s” already exists in the run database “%s”"), name,
                 cari_store_get_path (s));
  return rc == SQLITE_DONE ? cari_store_sql_last_id (s) : 0;
}

gboolean
cari_store_find_dataset (CariStore *s, const char *name_or_id, gint64 *id, GError **error)
{
  return cari_store_find (s, STORE_DATASET, name_or_id, id, error);
}

/* ----------------------------------------------------------------------- dataset import */

static const char *const role_names[] = { "train", "validation", "test" };
static const char *const modality_names[] = { "caricature", "photo" }; /* CariModality */

/* The role column of a protocol image: its set for galleries and probes, else its role. */
static const char *
protocol_image_role (const CariIndexProtocolImage *pi)
{
  if (pi->role == 2 && pi->set != NULL
      && (strcmp (pi->set, "gallery") == 0 || strcmp (pi->set, "probe") == 0))
    return pi->set;
  return role_names[pi->role];
}

static gboolean
role_from_name (const char *name, guint8 *role)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (role_names); i++)
    if (strcmp (name, role_names[i]) == 0)
      {
        *role = (guint8) i;
        return TRUE;
      }
  return FALSE;
}

/* Every row of the index points inside its arrays; checked before anything is written. */
static gboolean
check_index (CariStore *s, const CariDatasetIndex *index, GError **error)
{
  const char *what = NULL;
  guint row = 0;
  int n_images = (int) index->images->len, n_ids = (int) index->identities->len;

  for (guint i = 0; what == NULL && i < index->images->len; i++)
    {
      const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, i);
      if (im->identity < 0 || im->identity >= n_ids || im->modality > 1 || im->path == NULL
          || im->n_landmarks < 0 || (im->n_landmarks > 0 && im->landmarks == NULL))
        what = "images", row = i;
    }
  for (guint i = 0; what == NULL && i < index->pairs->len; i++)
    {
      const CariIndexPair *p = &g_array_index (index->pairs, CariIndexPair, i);
      if (p->protocol == NULL || p->role > 2 || p->a < 0 || p->a >= n_images || p->b < 0
          || p->b >= n_images)
        what = "pairs", row = i;
    }
  for (guint i = 0; what == NULL && i < index->protocol_images->len; i++)
    {
      const CariIndexProtocolImage *p
        = &g_array_index (index->protocol_images, CariIndexProtocolImage, i);
      if (p->protocol == NULL || p->role > 2 || p->image < 0 || p->image >= n_images)
        what = "protocol_images", row = i;
    }
  for (guint i = 0; what == NULL && i < index->subjects->len; i++)
    {
      const CariIndexSubject *p = &g_array_index (index->subjects, CariIndexSubject, i);
      if (p->protocol == NULL || p->role > 2 || p->identity < 0 || p->identity >= n_ids)
        what = "subjects", row = i;
    }
  if (what == NULL)
    return TRUE;
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("Cannot store the dataset “%s” in the run database “%s”: row %u of the list "
                 "“%s” points outside the index"),
               index->name, cari_store_get_path (s), row, what);
  return FALSE;
}

/* Landmarks as little-endian float32; newly allocated. */
static guint32 *
landmarks_to_le (const CariIndexImage *im)
{
  guint32 *le = g_new (guint32, 2 * (gsize) im->n_landmarks);
  for (int k = 0; k < 2 * im->n_landmarks; k++)
    {
      guint32 bits;
      memcpy (&bits, &im->landmarks[k], sizeof bits);
      le[k] = GUINT32_TO_LE (bits);
    }
  return le;
}

/* The dataset of the same name, if any. */
typedef struct
{
  gint64 id;
  char *fingerprint;
  gboolean has_images;
} StoredDataset;

static gboolean
read_stored_dataset (sqlite3_stmt *st, gpointer data, GError **error)
{
  StoredDataset *d = data;
  d->id = sqlite3_column_int64 (st, 0);
  d->fingerprint = g_strdup ((const char *) sqlite3_column_text (st, 1));
  d->has_images = sqlite3_column_int (st, 2) != 0;
  return TRUE;
}

/* Writes the datasets row: a new one, or the row of the same name without images (adopted).
 * Returns its id, 0 on error; *unchanged when the same files are already stored. */
static gint64
write_dataset_row (CariStore *s, const CariDatasetIndex *index, gboolean *unchanged,
                   GError **error)
{
  StoredDataset old = { 0, NULL, FALSE };
  GError *local = NULL;
  gboolean found = cari_store_sql_one (
    s,
    STORE_SQL ("SELECT id, fingerprint, "
               "EXISTS (SELECT 1 FROM images WHERE dataset_id = datasets.id) "
               "FROM datasets WHERE name = ?1",
               SQL_TEXT (index->name)),
    STORE_NOTHING, 0, read_stored_dataset, &old, &local);
  g_autofree char *old_fingerprint = old.fingerprint;
  const char *kind = index->kind != NULL ? index->kind : "folder";
  const char *root = index->root != NULL ? index->root : "";

  *unchanged = FALSE;
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return 0;
    }
  if (!found)
    return cari_store_sql_exec (s,
                                STORE_SQL (SQL_ADD_DATASET, SQL_TEXT (index->name),
                                           SQL_TEXT (kind), SQL_TEXT (root),
                                           SQL_TEXT (index->fingerprint),
                                           SQL_REAL (cari_store_now ())),
                                0, error)
               == SQLITE_DONE
             ? cari_store_sql_last_id (s)
             : 0;
  /* the same name: the same files give the same dataset, other files are refused */
  if (old_fingerprint != NULL && index->fingerprint != NULL
      && strcmp (old_fingerprint, index->fingerprint) == 0)
    {
      *unchanged = TRUE;
      return old.id;
    }
  /* A row without images is a name a run was queued with before its data set was imported
   * (cari_launch_queue_run): the import fills it in, and the runs that name it keep it. */
  if (old.has_images)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("A dataset named “%s” already exists in the run database “%s”, "
                     "imported from other files; import this one under another name"),
                   index->name, cari_store_get_path (s));
      return 0;
    }
  return cari_store_sql_exec (s,
                              STORE_SQL ("UPDATE datasets SET kind = ?2, root = ?3, "
                                         "fingerprint = ?4 WHERE id = ?1",
                                         SQL_INT (old.id), SQL_TEXT (kind), SQL_TEXT (root),
                                         SQL_TEXT (index->fingerprint)),
                              0, error)
             == SQLITE_DONE
           ? old.id
           : 0;
}

/* Writes the images; ids[i] receives the id of image i. */
static gboolean
write_images (CariStore *s, const CariDatasetIndex *index, gint64 dataset, gint64 *ids,
              GError **error)
{
  for (guint i = 0; i < index->images->len; i++)
    {
      const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, i);
      g_autofree guint32 *le = im->n_landmarks > 0 ? landmarks_to_le (im) : NULL;
      int rc = cari_store_sql_exec (
        s,
        STORE_SQL ("INSERT INTO images (dataset_id, identity, modality, path, landmarks) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)",
                   SQL_INT (dataset),
                   SQL_TEXT (g_ptr_array_index (index->identities, im->identity)),
                   SQL_TEXT (modality_names[im->modality]), SQL_TEXT (im->path),
                   le != NULL ? SQL_BLOB (le, (int) (sizeof (guint32) * 2 * im->n_landmarks))
                              : SQL_NULL),
        SQLITE_CONSTRAINT_UNIQUE, error);
      if (rc == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("Cannot store the dataset “%s” in the run database “%s”: the image "
                       "“%s” is listed twice"),
                     index->name, cari_store_get_path (s), im->path);
      if (rc != SQLITE_DONE)
        return FALSE;
      ids[i] = cari_store_sql_last_id (s);
    }
  return TRUE;
}

/* Writes the protocol rows: pairs, image lists and subject lists. */
static gboolean
write_protocols (CariStore *s, const CariDatasetIndex *index, gint64 dataset, const gint64 *ids,
                 GError **error)
{
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < index->pairs->len; i++)
    {
      const CariIndexPair *p = &g_array_index (index->pairs, CariIndexPair, i);
      ok = cari_store_sql_exec (s,
                                STORE_SQL ("INSERT INTO protocol_pairs (dataset_id, protocol, "
                                           "fold, role, a_image, b_image, same) "
                                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                           SQL_INT (dataset), SQL_TEXT (p->protocol),
                                           SQL_INT (p->fold), SQL_TEXT (role_names[p->role]),
                                           SQL_INT (ids[p->a]), SQL_INT (ids[p->b]),
                                           SQL_INT (p->same ? 1 : 0)),
                                0, error)
           == SQLITE_DONE;
    }
  for (guint i = 0; ok && i < index->protocol_images->len; i++)
    {
      const CariIndexProtocolImage *p
        = &g_array_index (index->protocol_images, CariIndexProtocolImage, i);
      ok = cari_store_sql_exec (s,
                                STORE_SQL ("INSERT OR IGNORE INTO protocol_images (dataset_id, "
                                           "protocol, fold, role, image_id) "
                                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                                           SQL_INT (dataset), SQL_TEXT (p->protocol),
                                           SQL_INT (p->fold), SQL_TEXT (protocol_image_role (p)),
                                           SQL_INT (ids[p->image])),
                                0, error)
           == SQLITE_DONE;
    }
  for (guint i = 0; ok && i < index->subjects->len; i++)
    {
      const CariIndexSubject *p = &g_array_index (index->subjects, CariIndexSubject, i);
      ok = cari_store_sql_exec (s,
                                STORE_SQL ("INSERT OR IGNORE INTO protocol_subjects (dataset_id, "
                                           "protocol, fold, role, identity) "
                                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                                           SQL_INT (dataset), SQL_TEXT (p->protocol),
                                           SQL_INT (p->fold), SQL_TEXT (role_names[p->role]),
                                           SQL_TEXT (g_ptr_array_index (index->identities,
                                                                        p->identity))),
                                0, error)
           == SQLITE_DONE;
    }
  return ok;
}

gint64
cari_store_import_dataset (CariStore *s, const CariDatasetIndex *index, GError **error)
{
  g_autofree gint64 *ids = NULL;
  gboolean unchanged;
  gint64 dataset;

  g_return_val_if_fail (index != NULL && index->name != NULL, 0);
  if (!cari_store_check_name (index->name, FALSE, error) || !check_index (s, index, error))
    return 0;
  if (!cari_store_begin (s, TRUE, error))
    return 0;
  dataset = write_dataset_row (s, index, &unchanged, error);
  if (dataset > 0 && unchanged)
    {
      cari_store_rollback (s); /* nothing was written */
      return dataset;
    }
  ids = g_new (gint64, MAX (index->images->len, 1));
  if (dataset <= 0 || !write_images (s, index, dataset, ids, error)
      || !write_protocols (s, index, dataset, ids, error))
    {
      cari_store_rollback (s);
      return 0;
    }
  return cari_store_commit (s, error) ? dataset : 0;
}

/* ------------------------------------------------------------------------ dataset load */

/* Reading a dataset's rows back into an index. */
typedef struct
{
  CariStore *s;
  gint64 dataset;
  CariDatasetIndex *index;
  GHashTable *by_id; /* images.id → its index + 1 */
} DatasetReader;

static gboolean
set_dataset_damaged (DatasetReader *r, const char *what, GError **error)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
               _("Dataset %lld in the run database “%s” is damaged: %s"), (long long) r->dataset,
               cari_store_get_path (r->s), what);
  return FALSE;
}

/* The index of an image id read from a protocol table, -1 when it is not one of the dataset's. */
static int
image_index (DatasetReader *r, sqlite3_stmt *st, int col)
{
  gint64 id = sqlite3_column_int64 (st, col);
  gpointer v = g_hash_table_lookup (r->by_id, &id);
  return v != NULL ? GPOINTER_TO_INT (v) - 1 : -1;
}

static const char *
column_text (sqlite3_stmt *st, int col)
{
  return (const char *) sqlite3_column_text (st, col);
}

static gboolean
read_header (sqlite3_stmt *st, gpointer data, GError **error)
{
  DatasetReader *r = data;
  r->index = cari_dataset_index_new (column_text (st, 0), column_text (st, 1),
                                     column_text (st, 2));
  r->index->fingerprint = g_strdup (column_text (st, 3));
  return TRUE;
}

/* An image, and its identity in the order of its first image. */
static gboolean
read_image (sqlite3_stmt *st, gpointer data, GError **error)
{
  DatasetReader *r = data;
  const char *modality = column_text (st, 2);
  const void *blob = sqlite3_column_blob (st, 4);
  int bytes = sqlite3_column_bytes (st, 4), n = 0, image;
  g_autofree float *points = NULL;
  gint64 *id;

  if (bytes % (2 * sizeof (float)) != 0)
    return set_dataset_damaged (r, _("an image’s landmarks are cut short"), error);
  if (blob != NULL && bytes > 0)
    {
      n = bytes / (int) (2 * sizeof (float));
      points = g_new (float, 2 * n);
      for (int k = 0; k < 2 * n; k++)
        {
          guint32 bits;
          memcpy (&bits, (const char *) blob + 4 * k, sizeof bits);
          bits = GUINT32_FROM_LE (bits);
          memcpy (&points[k], &bits, sizeof bits);
        }
    }
  image = cari_dataset_index_add_image (
    r->index, cari_dataset_index_add_identity (r->index, column_text (st, 1)),
    modality != NULL && strcmp (modality, "photo") == 0 ? 1 : 0, column_text (st, 3), points,
    n);
  id = g_new (gint64, 1);
  *id = sqlite3_column_int64 (st, 0);
  g_hash_table_insert (r->by_id, id, GINT_TO_POINTER (image + 1));
  return TRUE;
}

static gboolean
read_pair (sqlite3_stmt *st, gpointer data, GError **error)
{
  DatasetReader *r = data;
  int a = image_index (r, st, 3), b = image_index (r, st, 4);
  guint8 role;
  if (a < 0 || b < 0 || !role_from_name (column_text (st, 2), &role))
    return set_dataset_damaged (r, _("a pair names an image or role it does not have"), error);
  cari_dataset_index_add_pair (r->index, column_text (st, 0), sqlite3_column_int (st, 1), role,
                               a, b, sqlite3_column_int (st, 5) != 0);
  return TRUE;
}

static gboolean
read_protocol_image (sqlite3_stmt *st, gpointer data, GError **error)
{
  DatasetReader *r = data;
  const char *text = column_text (st, 2);
  int image = image_index (r, st, 3);
  guint8 role = 2;
  gboolean listed = text != NULL && (strcmp (text, "gallery") == 0 || strcmp (text, "probe") == 0);
  if (image < 0 || (!listed && !role_from_name (text, &role)))
    return set_dataset_damaged (r, _("a protocol list names an image or role it does not have"),
                                error);
  cari_dataset_index_add_protocol_image (r->index, column_text (st, 0),
                                         sqlite3_column_int (st, 1), role, text, image);
  return TRUE;
}

static gboolean
read_subject (sqlite3_stmt *st, gpointer data, GError **error)
{
  DatasetReader *r = data;
  guint8 role;
  if (!role_from_name (column_text (st, 2), &role))
    return set_dataset_damaged (r, _("a subject list has an unknown role"), error);
  cari_dataset_index_add_subject (r->index, column_text (st, 0), sqlite3_column_int (st, 1),
                                  role,
                                  cari_dataset_index_add_identity (r->index, column_text (st, 3)));
  return TRUE;
}

CariDatasetIndex *
cari_store_load_dataset (CariStore *s, gint64 dataset_id, GError **error)
{
  DatasetReader r = { s, dataset_id, NULL,
                      g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL) };
  gboolean ok;

  /* one read transaction: the rows of one committed state */
  ok = cari_store_begin (s, FALSE, error)
       && cari_store_sql_one (s,
                              STORE_SQL ("SELECT name, kind, root, fingerprint FROM datasets "
                                         "WHERE id = ?1",
                                         SQL_INT (dataset_id)),
                              STORE_DATASET, dataset_id, read_header, &r, error)
       && cari_store_sql_each (s,
                               STORE_SQL ("SELECT id, identity, modality, path, landmarks "
                                          "FROM images WHERE dataset_id = ?1 ORDER BY id",
                                          SQL_INT (dataset_id)),
                               read_image, &r, error)
       && cari_store_sql_each (s,
                               STORE_SQL ("SELECT protocol, fold, role, a_image, b_image, same "
                                          "FROM protocol_pairs WHERE dataset_id = ?1 "
                                          "ORDER BY rowid",
                                          SQL_INT (dataset_id)),
                               read_pair, &r, error)
       && cari_store_sql_each (s,
                               STORE_SQL ("SELECT protocol, fold, role, image_id "
                                          "FROM protocol_images WHERE dataset_id = ?1 "
                                          "ORDER BY protocol, fold, role, image_id",
                                          SQL_INT (dataset_id)),
                               read_protocol_image, &r, error)
       && cari_store_sql_each (s,
                               STORE_SQL ("SELECT protocol, fold, role, identity "
                                          "FROM protocol_subjects WHERE dataset_id = ?1 "
                                          "ORDER BY protocol, fold, role, identity",
                                          SQL_INT (dataset_id)),
                               read_subject, &r, error);
  cari_store_rollback (s); /* nothing was written: ending the read transaction */
  g_hash_table_unref (r.by_id);
  if (!ok)
    g_clear_pointer (&r.index, cari_dataset_index_free);
  return r.index;
}

/* ------------------------------------------------------------------------ listing */

void
cari_dataset_info_free (CariDatasetInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->kind);
  g_free (info->root);
  g_free (info->fingerprint);
  g_free (info->protocols);
  g_free (info);
}

static gboolean
read_dataset_info (sqlite3_stmt *st, gpointer data, GError **error)
{
  CariDatasetInfo *d = g_new0 (CariDatasetInfo, 1);
  const char *protocols = column_text (st, 10);
  d->id = sqlite3_column_int64 (st, 0);
  d->name = g_strdup (column_text (st, 1));
  d->kind = g_strdup (column_text (st, 2));
  d->root = g_strdup (column_text (st, 3));
  d->fingerprint = g_strdup (column_text (st, 4));
  d->created_at = sqlite3_column_double (st, 5);
  d->n_identities = sqlite3_column_int (st, 6);
  d->n_caricatures = sqlite3_column_int (st, 7);
  d->n_photos = sqlite3_column_int (st, 8);
  d->n_runs = sqlite3_column_int (st, 9);
  d->protocols = g_strdup (protocols != NULL ? protocols : "");
  g_ptr_array_add (data, d);
  return TRUE;
}

GPtrArray *
cari_store_list_datasets (CariStore *s, GError **error)
{
  g_autoptr (GPtrArray) list
    = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_dataset_info_free);
  if (!cari_store_sql_each (
        s,
        STORE_SQL0 (
          "SELECT d.id, d.name, d.kind, d.root, d.fingerprint, d.created_at, "
          "(SELECT count(DISTINCT identity) FROM images WHERE dataset_id = d.id), "
          "(SELECT count(*) FROM images WHERE dataset_id = d.id AND modality = 'caricature'), "
          "(SELECT count(*) FROM images WHERE dataset_id = d.id AND modality = 'photo'), "
          "(SELECT count(*) FROM runs WHERE dataset_id = d.id), "
          "(SELECT group_concat(protocol, ';') FROM (SELECT protocol FROM protocol_pairs WHERE "
          "dataset_id = d.id UNION SELECT protocol FROM protocol_images WHERE dataset_id = d.id "
          "UNION SELECT protocol FROM protocol_subjects WHERE dataset_id = d.id ORDER BY 1)) "
          "FROM datasets d ORDER BY d.name"),
        read_dataset_info, list, error))
    return NULL;
  return g_steal_pointer (&list);
}

gboolean
cari_store_delete_dataset (CariStore *s, gint64 dataset, GError **error)
{
  return cari_store_delete (s, STORE_DATASET, dataset, error);
}

gboolean
cari_store_set_run_dataset (CariStore *s, gint64 run, gint64 dataset, GError **error)
{
  return cari_store_sql_change (s,
                                STORE_SQL ("UPDATE runs SET dataset_id = ?2 WHERE id = ?1",
                                           SQL_INT (run), SQL_ID (dataset)),
                                STORE_RUN, run, error);
}
