/* store.c — the run store: opening and migrating the database, SQLite's errors as CARI_ERROR
 * codes that name the file, and the typed reads and writes of datasets, runs, metrics and
 * checkpoints. Every write of more than one row is one BEGIN IMMEDIATE transaction, rolled back
 * on any failure. */
#include "store/store.h"

#include "core/error.h"
#include "core/i18n.h"
#include "store/store-private.h"
#include "store/store-schema.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#define DEFAULT_BUSY_TIMEOUT_MS 5000
#define DEFAULT_STALE_AFTER_S 60.0

/* Statements prepared once per connection, on first use. */
typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_ADD_DATASET,
  STMT_DATASET_BY_ID,
  STMT_DATASET_BY_NAME,
  STMT_CREATE_RUN,
  STMT_NAME_NEW_RUN,
  STMT_SET_STATUS,
  STMT_HEARTBEAT,
  STMT_RENAME_RUN,
  STMT_DELETE_RUN,
  STMT_RUN_BY_ID,
  STMT_RUN_BY_NAME,
  STMT_GET_RUN,
  STMT_LIST_RUNS,
  STMT_INSERT_METRIC,
  STMT_DELETE_METRICS_AFTER,
  STMT_METRICS_SINCE,
  STMT_LATEST_METRICS,
  STMT_ADD_CHECKPOINT,
  STMT_LATEST_CHECKPOINT,
  STMT_CHECKPOINT_PATHS,
  STMT_BEGIN_READ,
  STMT_DATASET_FINGERPRINT,
  STMT_ADOPT_DATASET,
  STMT_INSERT_IMAGE,
  STMT_INSERT_PAIR,
  STMT_INSERT_PROTOCOL_IMAGE,
  STMT_INSERT_SUBJECT,
  STMT_LOAD_DATASET,
  STMT_LOAD_IMAGES,
  STMT_LOAD_PAIRS,
  STMT_LOAD_PROTOCOL_IMAGES,
  STMT_LOAD_SUBJECTS,
  N_STMTS
} StmtId;

#define RUN_COLUMNS                                                                            \
  "SELECT id, name, dataset_id, config, seed, status, heartbeat, created_at, started_at, "     \
  "finished_at, parent_run, message, (SELECT max(step) FROM metrics WHERE run_id = runs.id) " \
  "FROM runs "

static const char *const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_ADD_DATASET] = "INSERT INTO datasets (name, kind, root, fingerprint, created_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_DATASET_BY_ID] = "SELECT id FROM datasets WHERE id = ?1",
  [STMT_DATASET_BY_NAME] = "SELECT id FROM datasets WHERE name = ?1",
  /* A run created without a name gets "run-<id>"; the empty placeholder can never clash with
   * a real name, which is never empty. */
  [STMT_CREATE_RUN] = "INSERT INTO runs (name, dataset_id, config, seed, status, created_at, "
                      "parent_run) VALUES (coalesce(?1, ''), ?2, ?3, ?4, 'queued', ?5, ?6)",
  [STMT_NAME_NEW_RUN] = "UPDATE runs SET name = 'run-' || id WHERE id = ?1",
  [STMT_SET_STATUS] = "UPDATE runs SET status = ?2, message = ?3, "
                      "started_at = CASE WHEN ?2 = 'running' THEN coalesce (started_at, ?4) "
                      "  ELSE started_at END, "
                      "heartbeat = CASE WHEN ?2 = 'running' THEN ?4 ELSE heartbeat END, "
                      "finished_at = CASE WHEN ?5 THEN ?4 WHEN ?2 = 'running' THEN NULL "
                      "  ELSE finished_at END "
                      "WHERE id = ?1",
  [STMT_HEARTBEAT] = "UPDATE runs SET heartbeat = ?2 WHERE id = ?1",
  [STMT_RENAME_RUN] = "UPDATE runs SET name = ?2 WHERE id = ?1",
  [STMT_DELETE_RUN] = "DELETE FROM runs WHERE id = ?1",
  [STMT_RUN_BY_ID] = "SELECT id FROM runs WHERE id = ?1",
  [STMT_RUN_BY_NAME] = "SELECT id FROM runs WHERE name = ?1",
  [STMT_GET_RUN] = RUN_COLUMNS "WHERE id = ?1",
  [STMT_LIST_RUNS] = RUN_COLUMNS "ORDER BY id",
  [STMT_INSERT_METRIC] = "INSERT INTO metrics (run_id, step, wall_time, key, value) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_DELETE_METRICS_AFTER] = "DELETE FROM metrics WHERE run_id = ?1 AND step > ?2",
  [STMT_METRICS_SINCE] = "SELECT id, step, wall_time, key, value FROM metrics "
                         "WHERE run_id = ?1 AND id > ?2 ORDER BY id",
  /* With max(), SQLite takes the bare column `value` from the row holding the maximum id. */
  [STMT_LATEST_METRICS] = "SELECT key, value, max(id) FROM metrics WHERE run_id = ?1 "
                          "GROUP BY key",
  [STMT_ADD_CHECKPOINT] = "INSERT INTO checkpoints (run_id, step, path, checksum, created_at) "
                          "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (run_id, step) DO UPDATE "
                          "SET path = excluded.path, checksum = excluded.checksum, "
                          "created_at = excluded.created_at",
  [STMT_LATEST_CHECKPOINT] = "SELECT step, path FROM checkpoints WHERE run_id = ?1 "
                             "AND (?2 < 0 OR step <= ?2) ORDER BY step DESC LIMIT 1",
  [STMT_CHECKPOINT_PATHS] = "SELECT path FROM checkpoints WHERE run_id = ?1 ORDER BY step",
  [STMT_BEGIN_READ] = "BEGIN",
  [STMT_DATASET_FINGERPRINT] = "SELECT id, fingerprint, "
                                "EXISTS (SELECT 1 FROM images WHERE dataset_id = datasets.id) "
                                "FROM datasets WHERE name = ?1",
  [STMT_ADOPT_DATASET] = "UPDATE datasets SET kind = ?2, root = ?3, fingerprint = ?4 "
                         "WHERE id = ?1",
  [STMT_INSERT_IMAGE] = "INSERT INTO images (dataset_id, identity, modality, path, landmarks) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_INSERT_PAIR] = "INSERT INTO protocol_pairs (dataset_id, protocol, fold, role, a_image, "
                       "b_image, same) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
  [STMT_INSERT_PROTOCOL_IMAGE] = "INSERT OR IGNORE INTO protocol_images (dataset_id, protocol, "
                                 "fold, role, image_id) VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_INSERT_SUBJECT] = "INSERT OR IGNORE INTO protocol_subjects (dataset_id, protocol, fold, "
                          "role, identity) VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_LOAD_DATASET] = "SELECT name, kind, root, fingerprint FROM datasets WHERE id = ?1",
  [STMT_LOAD_IMAGES] = "SELECT id, identity, modality, path, landmarks FROM images "
                       "WHERE dataset_id = ?1 ORDER BY id",
  [STMT_LOAD_PAIRS] = "SELECT protocol, fold, role, a_image, b_image, same FROM protocol_pairs "
                      "WHERE dataset_id = ?1 ORDER BY rowid",
  [STMT_LOAD_PROTOCOL_IMAGES] = "SELECT protocol, fold, role, image_id FROM protocol_images "
                                "WHERE dataset_id = ?1 ORDER BY protocol, fold, role, image_id",
  [STMT_LOAD_SUBJECTS] = "SELECT protocol, fold, role, identity FROM protocol_subjects "
                         "WHERE dataset_id = ?1 ORDER BY protocol, fold, role, identity",
};

struct _CariStore
{
  sqlite3 *db;                  /* owned */
  char *path;                   /* owned: the database file, for messages */
  double stale_after;           /* seconds */
  sqlite3_stmt *stmts[N_STMTS]; /* owned, prepared on first use */
};

static const char *const status_names[] = {
  [CARI_RUN_QUEUED] = "queued",
  [CARI_RUN_RUNNING] = "running",
  [CARI_RUN_PAUSED] = "paused",
  [CARI_RUN_FINISHED] = "finished",
  [CARI_RUN_FAILED] = "failed",
  [CARI_RUN_DIVERGED] = "diverged",
  [CARI_RUN_CANCELLED] = "cancelled",
  [CARI_RUN_INTERRUPTED] = "interrupted",
};

/* The closed list of metric keys, besides "val/<name>"; docs/store.md gives their meanings. */
static const char *const metric_keys[] = {
  "loss/verif",   "loss/cari",   "loss/visual",   "loss/l4", "loss/total",
  "weight/verif", "weight/cari", "weight/visual", "lr",      "images_per_s",
};

const char *
cari_run_status_to_string (CariRunStatus s)
{
  if ((guint) s >= G_N_ELEMENTS (status_names))
    return "unknown";
  return status_names[s];
}

gboolean
cari_run_status_from_string (const char *s, CariRunStatus *out)
{
  if (s == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (strcmp (s, status_names[i]) == 0)
      {
        if (out != NULL)
          *out = (CariRunStatus) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
cari_run_status_is_terminal (CariRunStatus s)
{
  return s == CARI_RUN_FINISHED || s == CARI_RUN_FAILED || s == CARI_RUN_DIVERGED
         || s == CARI_RUN_CANCELLED || s == CARI_RUN_INTERRUPTED;
}

gboolean
cari_store_metric_key_is_valid (const char *key)
{
  if (key == NULL)
    return FALSE;
  if (g_str_has_prefix (key, "val/"))
    return key[4] != '\0' && g_utf8_validate (key, -1, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (metric_keys); i++)
    if (strcmp (key, metric_keys[i]) == 0)
      return TRUE;
  return FALSE;
}

static double
now_s (void)
{
  return (double) g_get_real_time () / 1e6;
}

/* ------------------------------------------------------------------------------ errors */

/* SQLite's result code as a CARI_ERROR naming the database file. `db` gives SQLite's own words
 * for the details (it may be NULL). */
static void
set_sql_error (GError **error, const char *path, sqlite3 *db, int rc)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, CARI_ERROR, CARI_ERROR_LOCKED,
                   _("The run database “%s” is locked by another program; try again when it has "
                     "finished"),
                   path);
      break;
    case SQLITE_READONLY:
      g_set_error (error, CARI_ERROR, CARI_ERROR_READ_ONLY,
                   _("The run database “%s” can only be read: %s"), path, detail);
      break;
    case SQLITE_FULL:
      g_set_error (error, CARI_ERROR, CARI_ERROR_FULL,
                   _("The run database “%s” is full, or the disk it is on is full"), path);
      break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                   _("The run database “%s” is damaged or is not a database: %s"), path, detail);
      break;
    case SQLITE_CANTOPEN:
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot open the run database “%s”: %s"),
                   path, detail);
      break;
    case SQLITE_IOERR:
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO,
                   _("Cannot read or write the run database “%s”: %s"), path, detail);
      break;
    case SQLITE_NOMEM:
      g_set_error (error, CARI_ERROR, CARI_ERROR_NO_MEMORY,
                   _("Out of memory while using the run database “%s”"), path);
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The run database “%s” refused a change: %s"), path, detail);
      break;
    default:
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Error in the run database “%s”: %s"),
                   path, detail);
      break;
    }
}

static void
set_error (CariStore *s, int rc, GError **error)
{
  set_sql_error (error, s->path, s->db, rc);
}

static void
set_run_not_found (CariStore *s, gint64 run, GError **error)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND, _("No run %lld in the run database “%s”"),
               (long long) run, s->path);
}

/* -------------------------------------------------------------------------- statements */

static sqlite3_stmt *
prepare (CariStore *s, StmtId id, GError **error)
{
  if (s->stmts[id] == NULL)
    {
      int rc = sqlite3_prepare_v3 (s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                   &s->stmts[id], NULL);
      if (rc != SQLITE_OK)
        {
          set_error (s, rc, error);
          sqlite3_finalize (s->stmts[id]);
          s->stmts[id] = NULL;
          return NULL;
        }
    }
  return s->stmts[id];
}

static void
release (sqlite3_stmt *st)
{
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
}

/* Runs a statement that returns no rows and resets it; returns SQLite's result (SQLITE_DONE on
 * success), having set `error` otherwise. */
static int
exec_stmt (CariStore *s, sqlite3_stmt *st, GError **error)
{
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    rc = SQLITE_DONE;
  if (rc != SQLITE_DONE)
    set_error (s, rc, error);
  release (st);
  return rc;
}

static gboolean
exec_id (CariStore *s, StmtId id, GError **error)
{
  sqlite3_stmt *st = prepare (s, id, error);
  return st != NULL && exec_stmt (s, st, error) == SQLITE_DONE;
}

static gboolean
begin (CariStore *s, GError **error)
{
  return exec_id (s, STMT_BEGIN, error);
}

/* Undoes the open transaction, if SQLite has not already done so itself. */
static void
rollback (CariStore *s)
{
  if (!sqlite3_get_autocommit (s->db))
    exec_id (s, STMT_ROLLBACK, NULL);
}

static gboolean
commit (CariStore *s, GError **error)
{
  if (exec_id (s, STMT_COMMIT, error))
    return TRUE;
  rollback (s);
  return FALSE;
}

static void
bind_text_or_null (sqlite3_stmt *st, int i, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (st, i, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (st, i);
}

static void
bind_id_or_null (sqlite3_stmt *st, int i, gint64 id)
{
  if (id > 0)
    sqlite3_bind_int64 (st, i, id);
  else
    sqlite3_bind_null (st, i);
}

/* Runs a query of one integer column bound to `key` (an id or a name): TRUE with the value in
 * *out when a row came back, FALSE with `error` unset when none did. */
static gboolean
lookup_id (CariStore *s, StmtId id, gint64 key_id, const char *key_name, gint64 *out,
           GError **error)
{
  sqlite3_stmt *st = prepare (s, id, error);
  int rc;
  if (st == NULL)
    return FALSE;
  if (key_name != NULL)
    sqlite3_bind_text (st, 1, key_name, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (st, 1, key_id);
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64 (st, 0);
  else if (rc != SQLITE_DONE)
    set_error (s, rc, error);
  release (st);
  return rc == SQLITE_ROW;
}

/* ----------------------------------------------------------------------------- opening */

static int
read_user_version (CariStore *s, int *version)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (s->db, "PRAGMA user_version", -1, &st, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (st);
      if (rc == SQLITE_ROW)
        {
          *version = sqlite3_column_int (st, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (st);
  return rc;
}

static gboolean
exec_sql (CariStore *s, const char *sql, GError **error)
{
  int rc = sqlite3_exec (s->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (s, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ for store-eval.c */

sqlite3 *
cari_store_priv_db (CariStore *s)
{
  return s->db;
}

void
cari_store_priv_error (CariStore *s, int rc, GError **error)
{
  set_error (s, rc, error);
}

gboolean
cari_store_priv_begin (CariStore *s, gboolean write, GError **error)
{
  return exec_id (s, write ? STMT_BEGIN : STMT_BEGIN_READ, error);
}

gboolean
cari_store_priv_commit (CariStore *s, GError **error)
{
  return commit (s, error);
}

void
cari_store_priv_rollback (CariStore *s)
{
  rollback (s);
}

sqlite3_stmt *
cari_store_priv_prepare (CariStore *s, const char *sql, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (s->db, sql, -1, &st, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (s, rc, error);
      sqlite3_finalize (st);
      return NULL;
    }
  return st;
}

gboolean
cari_store_priv_exec (CariStore *s, sqlite3_stmt *st, GError **error)
{
  return exec_stmt (s, st, error) == SQLITE_DONE;
}

static gboolean
check_integrity (CariStore *s, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (s->db, "PRAGMA quick_check", -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      const char *result = (const char *) sqlite3_column_text (st, 0);
      if (result == NULL || strcmp (result, "ok") != 0)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                       _("The run database “%s” is damaged: %s"), s->path,
                       result != NULL ? result : "?");
          sqlite3_finalize (st);
          return FALSE;
        }
      rc = SQLITE_OK;
    }
  if (rc != SQLITE_OK && rc != SQLITE_DONE)
    set_error (s, rc, error);
  sqlite3_finalize (st);
  return rc == SQLITE_OK || rc == SQLITE_DONE;
}

/* Applies the migrations from the database's version up to this build's, each in its own
 * transaction. The version is read again inside the transaction, so two programs opening a new
 * file at once migrate it once. */
static gboolean
migrate (CariStore *s, GError **error)
{
  for (;;)
    {
      int version = 0, rc;
      const char *sql;
      g_autofree char *set_version = NULL;

      if (!begin (s, error))
        return FALSE;
      rc = read_user_version (s, &version);
      if (rc != SQLITE_OK)
        {
          set_error (s, rc, error);
          rollback (s);
          return FALSE;
        }
      if (version >= CARI_STORE_SCHEMA_VERSION)
        return commit (s, error);

      sql = cari_store_schema_migration (version);
      g_assert (sql != NULL);
      set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      if (!exec_sql (s, sql, error) || !exec_sql (s, set_version, error))
        {
          rollback (s);
          return FALSE;
        }
      if (!commit (s, error))
        return FALSE;
      g_debug ("run database %s: migrated to schema version %d", s->path, version + 1);
    }
}

static gboolean
configure (CariStore *s, GError **error)
{
  int version = 0, rc;

  if (!exec_sql (s, "PRAGMA foreign_keys = ON", error))
    return FALSE;
  /* The first statement that reads the file: a file that is no database fails here. */
  rc = read_user_version (s, &version);
  if (rc != SQLITE_OK)
    {
      set_error (s, rc, error);
      return FALSE;
    }
  if (version > CARI_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_VERSION,
                   _("The run database “%s” has schema version %d, newer than the version %d "
                     "this CariLab knows; use a newer CariLab"),
                   s->path, version, CARI_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  if (!check_integrity (s, error))
    return FALSE;

  if (sqlite3_db_readonly (s->db, "main") == 1)
    {
      if (version < CARI_STORE_SCHEMA_VERSION)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_READ_ONLY,
                       _("The run database “%s” has schema version %d and must be upgraded to "
                         "version %d, but it is open only for reading"),
                       s->path, version, CARI_STORE_SCHEMA_VERSION);
          return FALSE;
        }
      return TRUE;
    }

  /* WAL: readers (the GUI) go on while one connection (a trainer) writes. With WAL, NORMAL
   * synchronisation cannot corrupt the database; a power cut may lose the last commits. */
  if (!exec_sql (s, "PRAGMA journal_mode = WAL", error)
      || !exec_sql (s, "PRAGMA synchronous = NORMAL", error))
    return FALSE;
  return migrate (s, error);
}

/* The file part of a "file:" URI: no authority, query or fragment, %-escapes decoded. */
static char *
file_of_uri (const char *uri)
{
  const char *p = uri + strlen ("file:");
  g_autofree char *part = NULL;
  char *decoded;
  if (g_str_has_prefix (p, "//"))
    {
      const char *slash = strchr (p + 2, '/');
      p = slash != NULL ? slash : p + strlen (p);
    }
  part = g_strndup (p, strcspn (p, "?#"));
  decoded = g_uri_unescape_string (part, NULL);
  return decoded != NULL ? decoded : g_steal_pointer (&part);
}

/* Connections opened by this process, for hosts that count them (cari_store_open_count). */
static gint n_opens;

guint
cari_store_open_count (void)
{
  return (guint) g_atomic_int_get (&n_opens);
}

CariStore *
cari_store_open (const char *path, CariStoreFlags flags, GError **error)
{
  gboolean is_uri, read_only = (flags & CARI_STORE_READ_ONLY) != 0;
  int oflags, rc;
  sqlite3 *db = NULL;
  CariStore *s;
  g_autofree char *file = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  is_uri = g_str_has_prefix (path, "file:");
  file = is_uri ? file_of_uri (path) : g_strdup (path);
  oflags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (is_uri)
    oflags |= SQLITE_OPEN_URI;

  if (!read_only && !is_uri)
    {
      g_autofree char *dir = g_path_get_dirname (file);
      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          int saved = errno;
          g_set_error (error, CARI_ERROR, CARI_ERROR_IO,
                       _("Cannot create the folder “%s” for the run database: %s"), dir,
                       g_strerror (saved));
          return NULL;
        }
    }

  rc = sqlite3_open_v2 (path, &db, oflags, NULL);
  if (rc != SQLITE_OK)
    {
      set_sql_error (error, file, db, rc);
      sqlite3_close (db);
      return NULL;
    }

  g_atomic_int_inc (&n_opens);
  s = g_new0 (CariStore, 1);
  s->db = db;
  s->path = g_steal_pointer (&file);
  s->stale_after = DEFAULT_STALE_AFTER_S;
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, DEFAULT_BUSY_TIMEOUT_MS);
  if (!configure (s, error))
    {
      cari_store_close (s);
      return NULL;
    }
  return s;
}

void
cari_store_close (CariStore *store)
{
  if (store == NULL)
    return;
  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (store->stmts[i]);
  if (sqlite3_close (store->db) != SQLITE_OK)
    g_debug ("run database %s: close: %s", store->path, sqlite3_errmsg (store->db));
  g_free (store->path);
  g_free (store);
}

const char *
cari_store_get_path (CariStore *store)
{
  return store->path;
}

void
cari_store_set_busy_timeout (CariStore *store, int ms)
{
  sqlite3_busy_timeout (store->db, MAX (ms, 0));
}

char *
cari_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "carilab", "carilab.db", NULL);
}

gboolean
cari_store_set_max_pages (CariStore *store, gint64 pages, GError **error)
{
  g_autofree char *sql = NULL;
  if (pages <= 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The page limit of the run database “%s” must be positive, not %lld"),
                   store->path, (long long) pages);
      return FALSE;
    }
  sql = g_strdup_printf ("PRAGMA max_page_count = %lld", (long long) pages);
  return exec_sql (store, sql, error);
}

void
cari_store_set_stale_after (CariStore *s, double seconds)
{
  s->stale_after = seconds;
}

/* ---------------------------------------------------------------------------- names */

static gboolean
is_number (const char *text)
{
  if (text[0] == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* Names are looked up beside numeric ids, so a name is never empty nor a number. */
static gboolean
check_name (const char *name, gboolean is_run, GError **error)
{
  if (name[0] != '\0' && !is_number (name) && g_utf8_validate (name, -1, NULL))
    return TRUE;
  if (is_run)
    g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                 _("“%s” cannot name a run: a name must not be empty or a number"), name);
  else
    g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                 _("“%s” cannot name a dataset: a name must not be empty or a number"), name);
  return FALSE;
}

static void
set_run_name_taken (CariStore *s, const char *name, GError **error)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("A run named “%s” already exists in the run database “%s”"), name, s->path);
}

/* Looks up a numeric id or a name with the two statements given. */
static gboolean
find_by_name_or_id (CariStore *s, StmtId by_id, StmtId by_name, const char *name_or_id,
                    gint64 *out, GError **error)
{
  GError *local = NULL;
  gint64 found = 0;
  gboolean ok;
  if (is_number (name_or_id))
    {
      guint64 id;
      if (!g_ascii_string_to_unsigned (name_or_id, 10, 1, G_MAXINT64, &id, NULL))
        return FALSE;
      ok = lookup_id (s, by_id, (gint64) id, NULL, &found, &local);
    }
  else
    ok = lookup_id (s, by_name, 0, name_or_id, &found, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (ok && out != NULL)
    *out = found;
  return ok;
}

/* --------------------------------------------------------------------------- datasets */

gint64
cari_store_add_dataset (CariStore *s, const char *name, const char *kind, const char *root,
                        const char *fingerprint, GError **error)
{
  sqlite3_stmt *st;
  GError *local = NULL;
  int rc;

  g_return_val_if_fail (name != NULL && kind != NULL && root != NULL, 0);
  if (!check_name (name, FALSE, error) || (st = prepare (s, STMT_ADD_DATASET, error)) == NULL)
    return 0;
  sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, root, -1, SQLITE_STATIC);
  bind_text_or_null (st, 4, fingerprint);
  sqlite3_bind_double (st, 5, now_s ());
  rc = exec_stmt (s, st, &local);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_clear_error (&local);
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("A dataset named “%s” already exists in the run database “%s”"), name,
                   s->path);
      return 0;
    }
  if (rc != SQLITE_DONE)
    {
      g_propagate_error (error, local);
      return 0;
    }
  return sqlite3_last_insert_rowid (s->db);
}

gboolean
cari_store_find_dataset (CariStore *s, const char *name_or_id, gint64 *id, GError **error)
{
  GError *local = NULL;
  g_return_val_if_fail (name_or_id != NULL, FALSE);
  if (find_by_name_or_id (s, STMT_DATASET_BY_ID, STMT_DATASET_BY_NAME, name_or_id, id, &local))
    return TRUE;
  if (local != NULL)
    g_propagate_error (error, local);
  else
    g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                 _("No dataset “%s” in the run database “%s”"), name_or_id, s->path);
  return FALSE;
}

/* -------------------------------------------------------------------------------- runs */

gint64
cari_store_create_run (CariStore *s, const char *name, gint64 dataset_id, const char *config_text,
                       guint64 seed, gint64 parent_run, GError **error)
{
  sqlite3_stmt *st;
  GError *local = NULL;
  gint64 id, found;
  int rc;

  if (name != NULL && !check_name (name, TRUE, error))
    return 0;
  if (!begin (s, error))
    return 0;
  if (dataset_id > 0 && !lookup_id (s, STMT_DATASET_BY_ID, dataset_id, NULL, &found, error))
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                     _("No dataset %lld in the run database “%s”"), (long long) dataset_id,
                     s->path);
      goto fail;
    }
  if (parent_run > 0 && !lookup_id (s, STMT_RUN_BY_ID, parent_run, NULL, &found, error))
    {
      if (error == NULL || *error == NULL)
        set_run_not_found (s, parent_run, error);
      goto fail;
    }

  if ((st = prepare (s, STMT_CREATE_RUN, error)) == NULL)
    goto fail;
  bind_text_or_null (st, 1, name);
  bind_id_or_null (st, 2, dataset_id);
  sqlite3_bind_text (st, 3, config_text != NULL ? config_text : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 4, (gint64) seed); /* two's complement: INTEGER is signed */
  sqlite3_bind_double (st, 5, now_s ());
  bind_id_or_null (st, 6, parent_run);
  rc = exec_stmt (s, st, &local);
  if (rc == SQLITE_CONSTRAINT_UNIQUE && name != NULL)
    {
      g_clear_error (&local);
      set_run_name_taken (s, name, error);
      goto fail;
    }
  if (rc != SQLITE_DONE)
    {
      g_propagate_error (error, local);
      goto fail;
    }
  id = sqlite3_last_insert_rowid (s->db);

  if (name == NULL)
    {
      if ((st = prepare (s, STMT_NAME_NEW_RUN, error)) == NULL)
        goto fail;
      sqlite3_bind_int64 (st, 1, id);
      rc = exec_stmt (s, st, &local);
      if (rc == SQLITE_CONSTRAINT_UNIQUE)
        {
          g_autofree char *generated = g_strdup_printf ("run-%lld", (long long) id);
          g_clear_error (&local);
          set_run_name_taken (s, generated, error);
          goto fail;
        }
      if (rc != SQLITE_DONE)
        {
          g_propagate_error (error, local);
          goto fail;
        }
    }
  if (!commit (s, error))
    return 0;
  return id;

fail:
  rollback (s);
  return 0;
}

/* Runs an UPDATE or DELETE of one run (bound as ?1 by the caller); NOT_FOUND when no row
 * changed. */
static gboolean
exec_on_run (CariStore *s, sqlite3_stmt *st, gint64 run, GError **error)
{
  if (exec_stmt (s, st, error) != SQLITE_DONE)
    return FALSE;
  if (sqlite3_changes (s->db) == 0)
    {
      set_run_not_found (s, run, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
cari_store_set_run_status (CariStore *s, gint64 run, CariRunStatus status, const char *message,
                           GError **error)
{
  sqlite3_stmt *st;
  if ((guint) status >= G_N_ELEMENTS (status_names))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Unknown run status %d"), (int) status);
      return FALSE;
    }
  if ((st = prepare (s, STMT_SET_STATUS, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, run);
  sqlite3_bind_text (st, 2, status_names[status], -1, SQLITE_STATIC);
  bind_text_or_null (st, 3, message);
  sqlite3_bind_double (st, 4, now_s ());
  sqlite3_bind_int (st, 5, cari_run_status_is_terminal (status));
  return exec_on_run (s, st, run, error);
}

static gboolean
touch_heartbeat (CariStore *s, gint64 run, GError **error)
{
  sqlite3_stmt *st = prepare (s, STMT_HEARTBEAT, error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, run);
  sqlite3_bind_double (st, 2, now_s ());
  return exec_on_run (s, st, run, error);
}

gboolean
cari_store_heartbeat (CariStore *s, gint64 run, GError **error)
{
  return touch_heartbeat (s, run, error);
}

gboolean
cari_store_rename_run (CariStore *s, gint64 run, const char *name, GError **error)
{
  sqlite3_stmt *st;
  GError *local = NULL;
  int rc;
  g_return_val_if_fail (name != NULL, FALSE);
  if (!check_name (name, TRUE, error) || (st = prepare (s, STMT_RENAME_RUN, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, run);
  sqlite3_bind_text (st, 2, name, -1, SQLITE_STATIC);
  rc = exec_stmt (s, st, &local);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_clear_error (&local);
      set_run_name_taken (s, name, error);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (sqlite3_changes (s->db) == 0)
    {
      set_run_not_found (s, run, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
cari_store_delete_run (CariStore *s, gint64 run, GError **error)
{
  sqlite3_stmt *st = prepare (s, STMT_DELETE_RUN, error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, run);
  return exec_on_run (s, st, run, error);
}

gboolean
cari_store_find_run (CariStore *s, const char *name_or_id, gint64 *run, GError **error)
{
  GError *local = NULL;
  g_return_val_if_fail (name_or_id != NULL, FALSE);
  if (find_by_name_or_id (s, STMT_RUN_BY_ID, STMT_RUN_BY_NAME, name_or_id, run, &local))
    return TRUE;
  if (local != NULL)
    g_propagate_error (error, local);
  else
    g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                 _("No run “%s” in the run database “%s”"), name_or_id, s->path);
  return FALSE;
}

void
cari_run_info_free (CariRunInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->config);
  g_free (info->message);
  g_free (info);
}

static double
column_time (sqlite3_stmt *st, int col)
{
  return sqlite3_column_type (st, col) == SQLITE_NULL ? 0.0 : sqlite3_column_double (st, col);
}

/* A row of RUN_COLUMNS, with the stale-heartbeat rule applied at time `now`. */
static CariRunInfo *
run_info_from_row (CariStore *s, sqlite3_stmt *st, double now)
{
  CariRunInfo *info = g_new0 (CariRunInfo, 1);
  const char *status = (const char *) sqlite3_column_text (st, 5);
  const char *message = (const char *) sqlite3_column_text (st, 11);

  info->id = sqlite3_column_int64 (st, 0);
  info->name = g_strdup ((const char *) sqlite3_column_text (st, 1));
  info->dataset_id = sqlite3_column_int64 (st, 2);
  info->config = g_strdup ((const char *) sqlite3_column_text (st, 3));
  info->seed = (guint64) sqlite3_column_int64 (st, 4);
  /* The schema's CHECK keeps the status to the known names. */
  if (!cari_run_status_from_string (status, &info->status))
    info->status = CARI_RUN_INTERRUPTED;
  info->heartbeat = column_time (st, 6);
  info->created_at = column_time (st, 7);
  info->started_at = column_time (st, 8);
  info->finished_at = column_time (st, 9);
  info->parent_run = sqlite3_column_int64 (st, 10);
  info->message = message != NULL ? g_strdup (message) : NULL;
  info->last_step = sqlite3_column_type (st, 12) == SQLITE_NULL ? -1
                                                                 : sqlite3_column_int64 (st, 12);
  /* A killed process never says it stopped: a running run whose heartbeat is older than the
   * stale delay is over. */
  if (info->status == CARI_RUN_RUNNING
      && (info->heartbeat == 0.0 || now - info->heartbeat > s->stale_after))
    info->status = CARI_RUN_INTERRUPTED;
  return info;
}

CariRunInfo *
cari_store_get_run (CariStore *s, gint64 run, GError **error)
{
  sqlite3_stmt *st = prepare (s, STMT_GET_RUN, error);
  CariRunInfo *info = NULL;
  int rc;
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, run);
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    info = run_info_from_row (s, st, now_s ());
  else if (rc == SQLITE_DONE)
    set_run_not_found (s, run, error);
  else
    set_error (s, rc, error);
  release (st);
  return info;
}

GPtrArray *
cari_store_list_runs (CariStore *s, GError **error)
{
  sqlite3_stmt *st = prepare (s, STMT_LIST_RUNS, error);
  g_autoptr (GPtrArray) runs = NULL;
  double now = now_s ();
  int rc;
  if (st == NULL)
    return NULL;
  runs = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_run_info_free);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (runs, run_info_from_row (s, st, now));
  if (rc != SQLITE_DONE)
    {
      set_error (s, rc, error);
      release (st);
      return NULL;
    }
  release (st);
  return g_steal_pointer (&runs);
}

/* ----------------------------------------------------------------------------- metrics */

gboolean
cari_store_append_metrics (CariStore *s, gint64 run, const CariMetric *metrics, gsize n,
                           GError **error)
{
  sqlite3_stmt *st;

  g_return_val_if_fail (metrics != NULL || n == 0, FALSE);
  for (gsize i = 0; i < n; i++)
    if (!cari_store_metric_key_is_valid (metrics[i].key))
      {
        g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("Unknown metric key “%s”: a run records only the keys listed in "
                       "docs/store.md"),
                     metrics[i].key != NULL ? metrics[i].key : "(null)");
        return FALSE;
      }

  if (!begin (s, error))
    return FALSE;
  if (!touch_heartbeat (s, run, error) || (st = prepare (s, STMT_INSERT_METRIC, error)) == NULL)
    goto fail;
  for (gsize i = 0; i < n; i++)
    {
      const CariMetric *m = &metrics[i];
      sqlite3_bind_int64 (st, 1, run);
      sqlite3_bind_int64 (st, 2, m->step);
      sqlite3_bind_double (st, 3, m->wall_time);
      sqlite3_bind_text (st, 4, m->key, -1, SQLITE_STATIC);
      if (isnan (m->value))
        sqlite3_bind_null (st, 5); /* SQLite would store NaN as NULL anyway; say so */
      else
        sqlite3_bind_double (st, 5, m->value);
      if (exec_stmt (s, st, error) != SQLITE_DONE)
        goto fail;
    }
  return commit (s, error);

fail:
  rollback (s);
  return FALSE;
}

gboolean
cari_store_delete_metrics_after (CariStore *s, gint64 run, gint64 step, GError **error)
{
  sqlite3_stmt *st = prepare (s, STMT_DELETE_METRICS_AFTER, error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, run);
  sqlite3_bind_int64 (st, 2, step);
  return exec_stmt (s, st, error) == SQLITE_DONE;
}

static double
column_value (sqlite3_stmt *st, int col)
{
  return sqlite3_column_type (st, col) == SQLITE_NULL ? NAN : sqlite3_column_double (st, col);
}

static void
metric_row_clear (gpointer p)
{
  CariMetricRow *row = p;
  g_free (row->key);
}

GArray *
cari_store_metrics_since (CariStore *s, gint64 run, gint64 last_rowid, GError **error)
{
  sqlite3_stmt *st = prepare (s, STMT_METRICS_SINCE, error);
  g_autoptr (GArray) rows = NULL;
  int rc;
  if (st == NULL)
    return NULL;
  rows = g_array_new (FALSE, FALSE, sizeof (CariMetricRow));
  g_array_set_clear_func (rows, metric_row_clear);
  sqlite3_bind_int64 (st, 1, run);
  sqlite3_bind_int64 (st, 2, last_rowid);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      CariMetricRow row = {
        .rowid = sqlite3_column_int64 (st, 0),
        .step = sqlite3_column_int64 (st, 1),
        .wall_time = sqlite3_column_double (st, 2),
        .key = g_strdup ((const char *) sqlite3_column_text (st, 3)),
        .value = column_value (st, 4),
      };
      g_array_append_val (rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      set_error (s, rc, error);
      release (st);
      return NULL;
    }
  release (st);
  return g_steal_pointer (&rows);
}

GArray *
cari_store_metrics_with_prefix (CariStore *s, gint64 run, const char *prefix, GError **error)
{
  /* key >= prefix AND key < prefix with its last byte raised: a range the index serves. */
  g_autofree char *upper = g_strdup (prefix);
  gsize len = strlen (upper);
  g_return_val_if_fail (len > 0 && (guchar) upper[len - 1] < 0xff, NULL);
  upper[len - 1]++;
  sqlite3_stmt *st = cari_store_priv_prepare (s,
                                              "SELECT id, step, wall_time, key, value FROM "
                                              "metrics WHERE run_id = ?1 AND key >= ?2 AND "
                                              "key < ?3 ORDER BY id",
                                              error);
  if (st == NULL)
    return NULL;
  g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (CariMetricRow));
  g_array_set_clear_func (rows, metric_row_clear);
  sqlite3_bind_int64 (st, 1, run);
  sqlite3_bind_text (st, 2, prefix, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, upper, -1, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      CariMetricRow row = {
        .rowid = sqlite3_column_int64 (st, 0),
        .step = sqlite3_column_int64 (st, 1),
        .wall_time = sqlite3_column_double (st, 2),
        .key = g_strdup ((const char *) sqlite3_column_text (st, 3)),
        .value = column_value (st, 4),
      };
      g_array_append_val (rows, row);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      set_error (s, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

GHashTable *
cari_store_latest_metrics (CariStore *s, gint64 run, GError **error)
{
  sqlite3_stmt *st = prepare (s, STMT_LATEST_METRICS, error);
  g_autoptr (GHashTable) latest = NULL;
  int rc;
  if (st == NULL)
    return NULL;
  latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_bind_int64 (st, 1, run);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      double *value = g_new (double, 1);
      *value = column_value (st, 1);
      g_hash_table_insert (latest, g_strdup ((const char *) sqlite3_column_text (st, 0)), value);
    }
  if (rc != SQLITE_DONE)
    {
      set_error (s, rc, error);
      release (st);
      return NULL;
    }
  release (st);
  return g_steal_pointer (&latest);
}

/* ------------------------------------------------------------------------- checkpoints */

gboolean
cari_store_add_checkpoint (CariStore *s, gint64 run, gint64 step, const char *path,
                           const char *checksum, GError **error)
{
  sqlite3_stmt *st;
  GError *local = NULL;
  int rc;
  g_return_val_if_fail (path != NULL, FALSE);
  if ((st = prepare (s, STMT_ADD_CHECKPOINT, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, run);
  sqlite3_bind_int64 (st, 2, step);
  sqlite3_bind_text (st, 3, path, -1, SQLITE_STATIC);
  bind_text_or_null (st, 4, checksum);
  sqlite3_bind_double (st, 5, now_s ());
  rc = exec_stmt (s, st, &local);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    {
      g_clear_error (&local);
      set_run_not_found (s, run, error);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

gboolean
cari_store_latest_checkpoint (CariStore *s, gint64 run, gint64 max_step, gint64 *step,
                              char **path, GError **error)
{
  sqlite3_stmt *st = prepare (s, STMT_LATEST_CHECKPOINT, error);
  int rc;
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, run);
  sqlite3_bind_int64 (st, 2, max_step);
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      if (step != NULL)
        *step = sqlite3_column_int64 (st, 0);
      if (path != NULL)
        *path = g_strdup ((const char *) sqlite3_column_text (st, 1));
    }
  else if (rc != SQLITE_DONE)
    set_error (s, rc, error);
  else if (max_step < 0)
    g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                 _("Run %lld has no checkpoint in the run database “%s”"), (long long) run,
                 s->path);
  else
    g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                 _("Run %lld has no checkpoint at or before step %lld in the run database “%s”"),
                 (long long) run, (long long) max_step, s->path);
  release (st);
  return rc == SQLITE_ROW;
}

GPtrArray *
cari_store_list_checkpoint_paths (CariStore *s, gint64 run, GError **error)
{
  sqlite3_stmt *st = prepare (s, STMT_CHECKPOINT_PATHS, error);
  g_autoptr (GPtrArray) paths = NULL;
  int rc;
  if (st == NULL)
    return NULL;
  paths = g_ptr_array_new_with_free_func (g_free);
  sqlite3_bind_int64 (st, 1, run);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (paths, g_strdup ((const char *) sqlite3_column_text (st, 0)));
  if (rc != SQLITE_DONE)
    {
      set_error (s, rc, error);
      release (st);
      return NULL;
    }
  release (st);
  return g_steal_pointer (&paths);
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
               index->name, s->path, row, what);
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

gint64
cari_store_import_dataset (CariStore *s, const CariDatasetIndex *index, GError **error)
{
  g_autofree gint64 *ids = NULL;
  sqlite3_stmt *st;
  GError *local = NULL;
  gint64 dataset = 0;
  gboolean adopt = FALSE; /* fill in an existing row without images */
  int rc;

  g_return_val_if_fail (index != NULL && index->name != NULL, 0);
  if (!check_name (index->name, FALSE, error) || !check_index (s, index, error))
    return 0;
  if (!begin (s, error))
    return 0;

  /* the same name: the same files give the same dataset, other files are refused */
  if ((st = prepare (s, STMT_DATASET_FINGERPRINT, error)) == NULL)
    goto fail;
  sqlite3_bind_text (st, 1, index->name, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      const char *fp = (const char *) sqlite3_column_text (st, 1);
      gboolean same = fp != NULL && index->fingerprint != NULL
                      && strcmp (fp, index->fingerprint) == 0;
      gboolean has_images = sqlite3_column_int (st, 2) != 0;
      dataset = sqlite3_column_int64 (st, 0);
      release (st);
      if (same)
        {
          rollback (s);
          return dataset;
        }
      /* A row without images is a name a run was queued with before its data set was imported
       * (cari_launch_queue_run): the import fills it in, and the runs that name it keep it. */
      if (has_images)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("A dataset named “%s” already exists in the run database “%s”, "
                         "imported from other files; import this one under another name"),
                       index->name, s->path);
          goto fail;
        }
      adopt = TRUE;
    }
  else
    {
      release (st);
      if (rc != SQLITE_DONE)
        {
          set_error (s, rc, error);
          goto fail;
        }
    }

  if ((st = prepare (s, adopt ? STMT_ADOPT_DATASET : STMT_ADD_DATASET, error)) == NULL)
    goto fail;
  if (adopt)
    sqlite3_bind_int64 (st, 1, dataset);
  else
    sqlite3_bind_text (st, 1, index->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, index->kind != NULL ? index->kind : "folder", -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, index->root != NULL ? index->root : "", -1, SQLITE_STATIC);
  bind_text_or_null (st, 4, index->fingerprint);
  if (!adopt)
    sqlite3_bind_double (st, 5, now_s ());
  if (exec_stmt (s, st, error) != SQLITE_DONE)
    goto fail;
  if (!adopt)
    dataset = sqlite3_last_insert_rowid (s->db);

  ids = g_new (gint64, MAX (index->images->len, 1));
  if ((st = prepare (s, STMT_INSERT_IMAGE, error)) == NULL)
    goto fail;
  for (guint i = 0; i < index->images->len; i++)
    {
      const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, i);
      g_autofree guint32 *le = NULL;
      sqlite3_bind_int64 (st, 1, dataset);
      sqlite3_bind_text (st, 2, g_ptr_array_index (index->identities, im->identity), -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (st, 3, modality_names[im->modality], -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 4, im->path, -1, SQLITE_STATIC);
      if (im->n_landmarks > 0)
        {
          le = landmarks_to_le (im);
          sqlite3_bind_blob (st, 5, le, (int) (sizeof (guint32) * 2 * im->n_landmarks),
                             SQLITE_STATIC);
        }
      else
        sqlite3_bind_null (st, 5);
      rc = exec_stmt (s, st, &local);
      if (rc == SQLITE_CONSTRAINT_UNIQUE)
        {
          g_clear_error (&local);
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Cannot store the dataset “%s” in the run database “%s”: the image "
                         "“%s” is listed twice"),
                       index->name, s->path, im->path);
          goto fail;
        }
      if (rc != SQLITE_DONE)
        {
          g_propagate_error (error, local);
          goto fail;
        }
      ids[i] = sqlite3_last_insert_rowid (s->db);
    }

  if ((st = prepare (s, STMT_INSERT_PAIR, error)) == NULL)
    goto fail;
  for (guint i = 0; i < index->pairs->len; i++)
    {
      const CariIndexPair *p = &g_array_index (index->pairs, CariIndexPair, i);
      sqlite3_bind_int64 (st, 1, dataset);
      sqlite3_bind_text (st, 2, p->protocol, -1, SQLITE_STATIC);
      sqlite3_bind_int (st, 3, p->fold);
      sqlite3_bind_text (st, 4, role_names[p->role], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 5, ids[p->a]);
      sqlite3_bind_int64 (st, 6, ids[p->b]);
      sqlite3_bind_int (st, 7, p->same ? 1 : 0);
      if (exec_stmt (s, st, error) != SQLITE_DONE)
        goto fail;
    }

  if ((st = prepare (s, STMT_INSERT_PROTOCOL_IMAGE, error)) == NULL)
    goto fail;
  for (guint i = 0; i < index->protocol_images->len; i++)
    {
      const CariIndexProtocolImage *p
        = &g_array_index (index->protocol_images, CariIndexProtocolImage, i);
      sqlite3_bind_int64 (st, 1, dataset);
      sqlite3_bind_text (st, 2, p->protocol, -1, SQLITE_STATIC);
      sqlite3_bind_int (st, 3, p->fold);
      sqlite3_bind_text (st, 4, protocol_image_role (p), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 5, ids[p->image]);
      if (exec_stmt (s, st, error) != SQLITE_DONE)
        goto fail;
    }

  if ((st = prepare (s, STMT_INSERT_SUBJECT, error)) == NULL)
    goto fail;
  for (guint i = 0; i < index->subjects->len; i++)
    {
      const CariIndexSubject *p = &g_array_index (index->subjects, CariIndexSubject, i);
      sqlite3_bind_int64 (st, 1, dataset);
      sqlite3_bind_text (st, 2, p->protocol, -1, SQLITE_STATIC);
      sqlite3_bind_int (st, 3, p->fold);
      sqlite3_bind_text (st, 4, role_names[p->role], -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 5, g_ptr_array_index (index->identities, p->identity), -1,
                         SQLITE_STATIC);
      if (exec_stmt (s, st, error) != SQLITE_DONE)
        goto fail;
    }

  if (!commit (s, error))
    return 0;
  return dataset;

fail:
  rollback (s);
  return 0;
}

static void
set_dataset_damaged (CariStore *s, gint64 dataset_id, const char *what, GError **error)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
               _("Dataset %lld in the run database “%s” is damaged: %s"), (long long) dataset_id,
               s->path, what);
}

/* The index of an image id read from a protocol table, -1 when it is not one of the dataset's. */
static int
image_index (GHashTable *by_id, gint64 id)
{
  gpointer v = g_hash_table_lookup (by_id, &id);
  return v != NULL ? GPOINTER_TO_INT (v) - 1 : -1;
}

static gboolean
load_rows (CariStore *s, gint64 dataset_id, CariDatasetIndex *index, GHashTable *by_id,
           GError **error)
{
  sqlite3_stmt *st;
  int rc;

  /* images, and the identities in the order of their first image */
  if ((st = prepare (s, STMT_LOAD_IMAGES, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, dataset_id);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);
      const char *modality = (const char *) sqlite3_column_text (st, 2);
      const void *blob = sqlite3_column_blob (st, 4);
      int bytes = sqlite3_column_bytes (st, 4), n = 0, image;
      g_autofree float *points = NULL;

      *id = sqlite3_column_int64 (st, 0);
      if (bytes % (2 * sizeof (float)) != 0)
        {
          g_free (id);
          release (st);
          set_dataset_damaged (s, dataset_id, _("an image’s landmarks are cut short"), error);
          return FALSE;
        }
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
        index,
        cari_dataset_index_add_identity (index, (const char *) sqlite3_column_text (st, 1)),
        modality != NULL && strcmp (modality, "photo") == 0 ? 1 : 0,
        (const char *) sqlite3_column_text (st, 3), points, n);
      g_hash_table_insert (by_id, id, GINT_TO_POINTER (image + 1));
    }
  release (st);
  if (rc != SQLITE_DONE)
    {
      set_error (s, rc, error);
      return FALSE;
    }

  if ((st = prepare (s, STMT_LOAD_PAIRS, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, dataset_id);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      int a = image_index (by_id, sqlite3_column_int64 (st, 3));
      int b = image_index (by_id, sqlite3_column_int64 (st, 4));
      guint8 role;
      if (a < 0 || b < 0 || !role_from_name ((const char *) sqlite3_column_text (st, 2), &role))
        {
          release (st);
          set_dataset_damaged (s, dataset_id, _("a pair names an image or role it does not have"),
                               error);
          return FALSE;
        }
      cari_dataset_index_add_pair (index, (const char *) sqlite3_column_text (st, 0),
                                   sqlite3_column_int (st, 1), role, a, b,
                                   sqlite3_column_int (st, 5) != 0);
    }
  release (st);
  if (rc != SQLITE_DONE)
    {
      set_error (s, rc, error);
      return FALSE;
    }

  if ((st = prepare (s, STMT_LOAD_PROTOCOL_IMAGES, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, dataset_id);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (st, 2);
      int image = image_index (by_id, sqlite3_column_int64 (st, 3));
      guint8 role = 2;
      gboolean listed = text != NULL
                        && (strcmp (text, "gallery") == 0 || strcmp (text, "probe") == 0);
      if (image < 0 || (!listed && !role_from_name (text, &role)))
        {
          release (st);
          set_dataset_damaged (s, dataset_id,
                               _("a protocol list names an image or role it does not have"),
                               error);
          return FALSE;
        }
      cari_dataset_index_add_protocol_image (index, (const char *) sqlite3_column_text (st, 0),
                                             sqlite3_column_int (st, 1), role, text, image);
    }
  release (st);
  if (rc != SQLITE_DONE)
    {
      set_error (s, rc, error);
      return FALSE;
    }

  if ((st = prepare (s, STMT_LOAD_SUBJECTS, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, dataset_id);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      guint8 role;
      if (!role_from_name ((const char *) sqlite3_column_text (st, 2), &role))
        {
          release (st);
          set_dataset_damaged (s, dataset_id, _("a subject list has an unknown role"), error);
          return FALSE;
        }
      cari_dataset_index_add_subject (
        index, (const char *) sqlite3_column_text (st, 0), sqlite3_column_int (st, 1), role,
        cari_dataset_index_add_identity (index, (const char *) sqlite3_column_text (st, 3)));
    }
  release (st);
  if (rc != SQLITE_DONE)
    {
      set_error (s, rc, error);
      return FALSE;
    }
  return TRUE;
}

CariDatasetIndex *
cari_store_load_dataset (CariStore *s, gint64 dataset_id, GError **error)
{
  g_autoptr (CariDatasetIndex) index = NULL;
  g_autoptr (GHashTable) by_id = NULL;
  sqlite3_stmt *st;
  int rc;

  /* one read transaction: the rows of one committed state */
  if (!exec_id (s, STMT_BEGIN_READ, error))
    return NULL;
  if ((st = prepare (s, STMT_LOAD_DATASET, error)) == NULL)
    goto fail;
  sqlite3_bind_int64 (st, 1, dataset_id);
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      const char *fp = (const char *) sqlite3_column_text (st, 3);
      index = cari_dataset_index_new ((const char *) sqlite3_column_text (st, 0),
                                      (const char *) sqlite3_column_text (st, 1),
                                      (const char *) sqlite3_column_text (st, 2));
      index->fingerprint = g_strdup (fp);
    }
  release (st);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("No dataset %lld in the run database “%s”"), (long long) dataset_id,
                   s->path);
      goto fail;
    }
  if (rc != SQLITE_ROW)
    {
      set_error (s, rc, error);
      goto fail;
    }
  by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  if (!load_rows (s, dataset_id, index, by_id, error))
    goto fail;
  rollback (s); /* nothing was written: ending the read transaction */
  return g_steal_pointer (&index);

fail:
  rollback (s);
  return NULL;
}
