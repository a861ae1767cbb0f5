/* store.c — the run store's connection: opening and migrating the database, the integrity
 * check, SQLite's errors as CARI_ERROR codes that name the file, transactions, and the statement
 * cache with the helper every other store file runs its SQL through (store-private.h). Every
 * write of more than one row is one BEGIN IMMEDIATE transaction, rolled back on any failure. */
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

/* About 1.5 s of pair scores per transaction (see store-eval.c). */
#define DEFAULT_WRITE_CHUNK 200000
#define DEFAULT_BUSY_TIMEOUT_MS 5000
#define DEFAULT_STALE_AFTER_S 60.0

struct _CariStore
{
  sqlite3 *db;            /* owned */
  char *path;             /* owned: the database file, for messages */
  char *absolute;         /* owned: the same, absolute, resolved when it was opened */
  double stale_after;     /* seconds */
  int busy_timeout_ms;
  guint write_chunk;      /* rows per transaction of a long write */
  GHashTable *statements; /* owned: SQL text → sqlite3_stmt *, prepared on first use */
};

double
cari_store_now (void)
{
  return (double) g_get_real_time () / 1e6;
}

double
cari_store_stale_after (CariStore *s)
{
  return s->stale_after;
}

void
cari_store_set_stale_after (CariStore *s, double seconds)
{
  s->stale_after = seconds;
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
      g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                   _("The run database “%s” is damaged or is not a database: %s"), path, detail);
      break;
    case SQLITE_CORRUPT: /* a statement met a damaged page: the check tells how far it goes */
      g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                   _("The run database “%s” is damaged or is not a database: %s (“carilab-cli "
                     "check --db %s” checks the whole file)"),
                   path, detail, path);
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

void
cari_store_sql_error (CariStore *s, int rc, GError **error)
{
  set_sql_error (error, s->path, s->db, rc);
}

void
cari_store_not_found (CariStore *s, StoreThing thing, gint64 id, GError **error)
{
  switch (thing)
    {
    case STORE_RUN:
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("No run %lld in the run database “%s”"), (long long) id, s->path);
      break;
    case STORE_DATASET:
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("No dataset %lld in the run database “%s”"), (long long) id, s->path);
      break;
    case STORE_EVALUATION:
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("No evaluation %lld in the run database “%s”"), (long long) id, s->path);
      break;
    case STORE_EXPERIMENT:
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("No experiment %lld in the run database “%s”"), (long long) id, s->path);
      break;
    case STORE_NOTHING:
      break;
    }
}

/* -------------------------------------------------------------------------- statements */

/* The cached statement of `q`, with its values bound; NULL with `error` set. */
static sqlite3_stmt *
bind_query (CariStore *s, StoreQuery q, GError **error)
{
  sqlite3_stmt *st = g_hash_table_lookup (s->statements, q.sql);
  if (st == NULL)
    {
      int rc = sqlite3_prepare_v3 (s->db, q.sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
      if (rc != SQLITE_OK)
        {
          cari_store_sql_error (s, rc, error);
          sqlite3_finalize (st);
          return NULL;
        }
      /* the key is the statement's own copy of its text, freed with it */
      g_hash_table_insert (s->statements, (gpointer) sqlite3_sql (st), st);
    }
  for (int i = 0; i < q.n_args; i++)
    {
      const StoreValue *v = &q.args[i];
      int col = i + 1;
      switch (v->type)
        {
        case STORE_VALUE_INT:
          sqlite3_bind_int64 (st, col, v->i);
          break;
        case STORE_VALUE_ID:
          if (v->i > 0)
            sqlite3_bind_int64 (st, col, v->i);
          else
            sqlite3_bind_null (st, col);
          break;
        case STORE_VALUE_REAL:
          if (isnan (v->d))
            sqlite3_bind_null (st, col); /* SQLite would store NaN as NULL anyway; say so */
          else
            sqlite3_bind_double (st, col, v->d);
          break;
        case STORE_VALUE_TEXT:
          if (v->p != NULL)
            sqlite3_bind_text (st, col, v->p, -1, SQLITE_STATIC);
          else
            sqlite3_bind_null (st, col);
          break;
        case STORE_VALUE_BLOB:
          sqlite3_bind_blob (st, col, v->p, v->bytes, SQLITE_STATIC);
          break;
        case STORE_VALUE_NULL:
          sqlite3_bind_null (st, col);
          break;
        }
    }
  return st;
}

static void
release (sqlite3_stmt *st)
{
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
}

int
cari_store_sql_exec (CariStore *s, StoreQuery q, int tolerated, GError **error)
{
  sqlite3_stmt *st = bind_query (s, q, error);
  int rc;
  if (st == NULL)
    return SQLITE_ERROR;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    rc = SQLITE_DONE;
  if (rc != SQLITE_DONE && rc != tolerated) /* step never returns 0 (SQLITE_OK) */
    cari_store_sql_error (s, rc, error);
  release (st);
  return rc;
}

gboolean
cari_store_sql_change (CariStore *s, StoreQuery q, StoreThing thing, gint64 id, GError **error)
{
  if (cari_store_sql_exec (s, q, 0, error) != SQLITE_DONE)
    return FALSE;
  if (sqlite3_changes (s->db) > 0)
    return TRUE;
  cari_store_not_found (s, thing, id, error);
  return FALSE;
}

/* Runs a query through its rows (at most `max_rows`, when > 0), counting them in *n_rows;
 * returns SQLite's last code, SQLITE_DONE when all went well. */
static int
query_rows (CariStore *s, StoreQuery q, int max_rows, StoreRowFunc row, gpointer data,
            int *n_rows, GError **error)
{
  sqlite3_stmt *st = bind_query (s, q, error);
  int rc = SQLITE_DONE;
  if (st == NULL)
    return SQLITE_ERROR;
  while ((max_rows <= 0 || *n_rows < max_rows) && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      (*n_rows)++;
      if (!row (st, data, error))
        {
          rc = SQLITE_ABORT; /* `error` says why */
          break;
        }
    }
  if (rc == SQLITE_ROW) /* enough rows read */
    rc = SQLITE_DONE;
  else if (rc != SQLITE_DONE && rc != SQLITE_ABORT)
    cari_store_sql_error (s, rc, error);
  release (st);
  return rc;
}

gboolean
cari_store_sql_each (CariStore *s, StoreQuery q, StoreRowFunc row, gpointer data, GError **error)
{
  int n = 0;
  return query_rows (s, q, 0, row, data, &n, error) == SQLITE_DONE;
}

gboolean
cari_store_sql_one (CariStore *s, StoreQuery q, StoreThing thing, gint64 id, StoreRowFunc row,
                    gpointer data, GError **error)
{
  int n = 0;
  if (query_rows (s, q, 1, row, data, &n, error) != SQLITE_DONE)
    return FALSE;
  if (n == 0)
    cari_store_not_found (s, thing, id, error);
  return n == 1;
}

gboolean
cari_store_sql_int64 (sqlite3_stmt *st, gpointer data, GError **error)
{
  *(gint64 *) data = sqlite3_column_int64 (st, 0);
  return TRUE;
}

gint64
cari_store_sql_last_id (CariStore *s)
{
  return sqlite3_last_insert_rowid (s->db);
}

int
cari_store_sql_changes (CariStore *s)
{
  return sqlite3_changes (s->db);
}

/* The statements that name a run, a dataset or an evaluation by its id. */
static const char *const exists_sql[] = {
  [STORE_RUN] = "SELECT id FROM runs WHERE id = ?1",
  [STORE_DATASET] = "SELECT id FROM datasets WHERE id = ?1",
  [STORE_EVALUATION] = "SELECT id FROM evaluations WHERE id = ?1",
  [STORE_EXPERIMENT] = "SELECT id FROM experiments WHERE id = ?1",
};

static const char *const delete_sql[] = {
  [STORE_RUN] = "DELETE FROM runs WHERE id = ?1",
  [STORE_DATASET] = "DELETE FROM datasets WHERE id = ?1",
  [STORE_EVALUATION] = "DELETE FROM evaluations WHERE id = ?1",
  [STORE_EXPERIMENT] = "DELETE FROM experiments WHERE id = ?1",
};

gboolean
cari_store_exists (CariStore *s, StoreThing thing, gint64 id, GError **error)
{
  gint64 found;
  g_return_val_if_fail (thing != STORE_NOTHING, FALSE);
  return cari_store_sql_one (s, STORE_SQL (exists_sql[thing], SQL_INT (id)), thing, id,
                             cari_store_sql_int64, &found, error);
}

gboolean
cari_store_delete (CariStore *s, StoreThing thing, gint64 id, GError **error)
{
  g_return_val_if_fail (thing != STORE_NOTHING, FALSE);
  return cari_store_sql_change (s, STORE_SQL (delete_sql[thing], SQL_INT (id)), thing, id, error);
}

/* -------------------------------------------------------------------------- transactions */

gboolean
cari_store_begin (CariStore *s, gboolean write, GError **error)
{
  return cari_store_sql_exec (s, STORE_SQL0 (write ? "BEGIN IMMEDIATE" : "BEGIN"), 0, error)
         == SQLITE_DONE;
}

void
cari_store_rollback (CariStore *s)
{
  if (!sqlite3_get_autocommit (s->db))
    cari_store_sql_exec (s, STORE_SQL0 ("ROLLBACK"), 0, NULL);
}

gboolean
cari_store_commit (CariStore *s, GError **error)
{
  if (cari_store_sql_exec (s, STORE_SQL0 ("COMMIT"), 0, error) == SQLITE_DONE)
    return TRUE;
  cari_store_rollback (s);
  return FALSE;
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

gboolean
cari_store_check_name (const char *name, gboolean is_run, GError **error)
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

gboolean
cari_store_find (CariStore *s, StoreThing thing, const char *name_or_id, gint64 *out,
                 GError **error)
{
  static const char *const by_name_sql[] = {
    [STORE_RUN] = "SELECT id FROM runs WHERE name = ?1",
    [STORE_DATASET] = "SELECT id FROM datasets WHERE name = ?1",
    [STORE_EXPERIMENT] = "SELECT id FROM experiments WHERE name = ?1",
  };
  GError *local = NULL;
  gint64 found = 0;
  guint64 id;
  gboolean ok = FALSE;

  g_return_val_if_fail (thing == STORE_RUN || thing == STORE_DATASET
                          || thing == STORE_EXPERIMENT, FALSE);
  g_return_val_if_fail (name_or_id != NULL, FALSE);
  if (!is_number (name_or_id))
    ok = cari_store_sql_one (s, STORE_SQL (by_name_sql[thing], SQL_TEXT (name_or_id)),
                             STORE_NOTHING, 0, cari_store_sql_int64, &found, &local);
  else if (g_ascii_string_to_unsigned (name_or_id, 10, 1, G_MAXINT64, &id, NULL))
    ok = cari_store_sql_one (s, STORE_SQL (exists_sql[thing], SQL_INT ((gint64) id)),
                             STORE_NOTHING, 0, cari_store_sql_int64, &found, &local);
  if (ok)
    {
      if (out != NULL)
        *out = found;
      return TRUE;
    }
  if (local != NULL)
    g_propagate_error (error, local);
  else if (thing == STORE_RUN)
    g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                 _("No run “%s” in the run database “%s”"), name_or_id, s->path);
  else if (thing == STORE_EXPERIMENT)
    g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                 _("No experiment “%s” in the run database “%s”"), name_or_id, s->path);
  else
    g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                 _("No dataset “%s” in the run database “%s”"), name_or_id, s->path);
  return FALSE;
}

/* ----------------------------------------------------------------------------- opening */

static gboolean
read_user_version (CariStore *s, int *version, GError **error)
{
  gint64 v = 0;
  if (!cari_store_sql_one (s, STORE_SQL0 ("PRAGMA user_version"), STORE_NOTHING, 0,
                           cari_store_sql_int64, &v, error))
    {
      if (error != NULL && *error == NULL) /* a pragma always returns its row */
        cari_store_sql_error (s, SQLITE_ERROR, error);
      return FALSE;
    }
  *version = (int) v;
  return TRUE;
}

/* A script (a migration, a pragma with a value in its text): not kept in the cache. */
static gboolean
exec_script (CariStore *s, const char *sql, GError **error)
{
  int rc = sqlite3_exec (s->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      cari_store_sql_error (s, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* Applies the migrations from the database's version up to this build's, each in its own
 * transaction. The version is read again inside the transaction, so two programs opening a new
 * file at once migrate it once. */
static gboolean
migrate (CariStore *s, GError **error)
{
  for (;;)
    {
      int version = 0;
      const char *sql;
      g_autofree char *set_version = NULL;

      /* Foreign keys can only be switched outside a transaction: read the version first to
       * know whether the next step is a rebuild, and again inside, where it counts. */
      if (!read_user_version (s, &version, error))
        return FALSE;
      gboolean rebuild = version < CARI_STORE_SCHEMA_VERSION
                         && cari_store_schema_rebuilds (version);
      if (rebuild && !exec_script (s, "PRAGMA foreign_keys = OFF", error))
        return FALSE;
      if (!cari_store_begin (s, TRUE, error) || !read_user_version (s, &version, error))
        {
          cari_store_rollback (s);
          if (rebuild)
            exec_script (s, "PRAGMA foreign_keys = ON", NULL);
          return FALSE;
        }
      if (version >= CARI_STORE_SCHEMA_VERSION)
        {
          if (rebuild)
            exec_script (s, "PRAGMA foreign_keys = ON", NULL);
          return cari_store_commit (s, error);
        }
      if (cari_store_schema_rebuilds (version) != rebuild)
        {
          /* another program migrated a step meanwhile: start over with the right setting */
          cari_store_rollback (s);
          if (rebuild && !exec_script (s, "PRAGMA foreign_keys = ON", error))
            return FALSE;
          continue;
        }

      sql = cari_store_schema_migration (version);
      g_assert (sql != NULL);
      set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      gint64 dangling = 0;
      if (!exec_script (s, sql, error) || !exec_script (s, set_version, error)
          || (rebuild
              && !cari_store_sql_one (s, STORE_SQL0 ("SELECT count(*) FROM pragma_foreign_key_check"),
                                      STORE_NOTHING, 0, cari_store_sql_int64, &dangling, error)))
        {
          cari_store_rollback (s);
          if (rebuild)
            exec_script (s, "PRAGMA foreign_keys = ON", NULL);
          return FALSE;
        }
      if (dangling > 0)
        {
          cari_store_rollback (s);
          exec_script (s, "PRAGMA foreign_keys = ON", NULL);
          g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                       _("The run database “%s” could not be migrated to schema version %d: "
                         "%lld rows reference rows that do not exist"),
                       s->path, version + 1, (long long) dangling);
          return FALSE;
        }
      if (!cari_store_commit (s, error))
        {
          if (rebuild)
            exec_script (s, "PRAGMA foreign_keys = ON", NULL);
          return FALSE;
        }
      if (rebuild && !exec_script (s, "PRAGMA foreign_keys = ON", error))
        return FALSE;
      g_debug ("run database %s: migrated to schema version %d", s->path, version + 1);
    }
}

/* ------------------------------------------------------------------------ the check */

/* A run still marked running whose heartbeat went stale after the last check that passed: a
 * process stopped without closing the store. */
#define SQL_UNCLEAN_STOP                                                                       \
  "SELECT EXISTS (SELECT 1 FROM runs WHERE status = 'running' AND coalesce (heartbeat, 0) < ?1 " \
  "AND coalesce (heartbeat, started_at, created_at) > "                                         \
  "(SELECT coalesce (max (checked_at), 0) FROM store_checks))"

/* A check that passed covers every stop up to now, or up to the latest heartbeat when a clock
 * that wrote one ran ahead of ours. */
#define SQL_RECORD_CHECK                                                                       \
  "INSERT OR REPLACE INTO store_checks (id, checked_at) VALUES (1, max (?1, coalesce ("         \
  "(SELECT max (heartbeat) FROM runs WHERE status = 'running'), 0)))"

typedef struct
{
  char *first; /* SQLite's first complaint */
  int n;       /* complaints */
} CheckReport;

static gboolean
read_complaint (sqlite3_stmt *st, gpointer data, GError **error)
{
  CheckReport *report = data;
  const char *text = (const char *) sqlite3_column_text (st, 0);
  g_auto (GStrv) lines = NULL;
  if (g_strcmp0 (text, "ok") == 0)
    return TRUE;
  /* a complaint may hold several lines, the first naming the schema ("*** in database main") */
  lines = g_strsplit (text != NULL ? text : "?", "\n", -1);
  for (char **line = lines; *line != NULL; line++)
    if (**line != '\0' && !g_str_has_prefix (*line, "*** ") && report->n++ == 0)
      report->first = g_strdup (*line);
  return TRUE;
}

gboolean
cari_store_check (CariStore *s, GError **error)
{
  CheckReport report = { NULL, 0 };
  GError *local = NULL;

  g_return_val_if_fail (s != NULL, FALSE);
  cari_store_sql_each (s, STORE_SQL0 ("PRAGMA quick_check"), read_complaint, &report, &local);
  if (local != NULL && !g_error_matches (local, CARI_ERROR, CARI_ERROR_CORRUPT))
    {
      g_free (report.first);
      g_propagate_error (error, local);
      return FALSE;
    }
  if (local != NULL || report.n > 0)
    {
      /* not the statement's own error, which would send the reader to this very check */
      g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                   _("The run database “%s” is damaged: %s"), s->path,
                   report.first != NULL ? report.first : sqlite3_errstr (SQLITE_CORRUPT));
      g_clear_error (&local);
      g_free (report.first);
      return FALSE;
    }
  if (sqlite3_db_readonly (s->db, "main") == 0
      && cari_store_sql_exec (s, STORE_SQL (SQL_RECORD_CHECK, SQL_REAL (cari_store_now ())), 0,
                              &local)
           != SQLITE_DONE)
    {
      /* the database is sound; the next open may check it again */
      g_debug ("run database %s: cannot record the check: %s", s->path, local->message);
      g_clear_error (&local);
    }
  return TRUE;
}

static gboolean
configure (CariStore *s, GError **error)
{
  int version = 0;
  gint64 unclean = 0;

  if (!exec_script (s, "PRAGMA foreign_keys = ON", error))
    return FALSE;
  /* The first statement that reads the file: a file that is no database fails here. */
  if (!read_user_version (s, &version, error))
    return FALSE;
  if (version > CARI_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_VERSION,
                   _("The run database “%s” has schema version %d, newer than the version %d "
                     "this CariLab knows; use a newer CariLab"),
                   s->path, version, CARI_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  if (sqlite3_db_readonly (s->db, "main") == 1)
    {
      gint64 tables = 0;
      if (version == 0
          && !cari_store_sql_one (s, STORE_SQL0 ("SELECT count(*) FROM sqlite_master"),
                                  STORE_NOTHING, 0, cari_store_sql_int64, &tables, error))
        return FALSE;
      if (version == 0 && tables == 0)
        {
          /* A zero-length file (or one SQLite made and nothing filled) has no schema to upgrade. */
          g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                       _("The run database “%s” is empty: nothing has been recorded in it yet "
                         "(its tables are made the first time a run, an import or an evaluation "
                         "writes to it)"),
                       s->path);
          return FALSE;
        }
      if (version == 0)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                       _("“%s” is a SQLite database but not a CariLab run database (it has "
                         "tables and no schema version)"),
                       s->path);
          return FALSE;
        }
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
  if (!exec_script (s, "PRAGMA journal_mode = WAL", error)
      || !exec_script (s, "PRAGMA synchronous = NORMAL", error) || !migrate (s, error))
    return FALSE;
  /* The whole file is read only after an unclean stop (docs/store.md, "Integrity"). */
  if (!cari_store_sql_one (s, STORE_SQL (SQL_UNCLEAN_STOP,
                                         SQL_REAL (cari_store_now () - s->stale_after)),
                           STORE_NOTHING, 0, cari_store_sql_int64, &unclean, error))
    return FALSE;
  if (unclean)
    g_debug ("run database %s: a run stopped uncleanly; checking the file", s->path);
  return !unclean || cari_store_check (s, error);
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

static void
finalize_statement (gpointer st)
{
  sqlite3_finalize (st);
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
  s->absolute = g_canonicalize_filename (s->path, NULL);
  s->stale_after = DEFAULT_STALE_AFTER_S;
  s->write_chunk = DEFAULT_WRITE_CHUNK;
  s->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_statement);
  sqlite3_extended_result_codes (db, 1);
  cari_store_set_busy_timeout (s, DEFAULT_BUSY_TIMEOUT_MS);
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
  g_hash_table_destroy (store->statements);
  if (sqlite3_close (store->db) != SQLITE_OK)
    g_debug ("run database %s: close: %s", store->path, sqlite3_errmsg (store->db));
  g_free (store->path);
  g_free (store->absolute);
  g_free (store);
}

const char *
cari_store_get_path (CariStore *store)
{
  return store->path;
}

const char *
cari_store_get_absolute_path (CariStore *store)
{
  return store->absolute;
}

void
cari_store_set_busy_timeout (CariStore *store, int ms)
{
  store->busy_timeout_ms = MAX (ms, 0);
  sqlite3_busy_timeout (store->db, store->busy_timeout_ms);
}

int
cari_store_get_busy_timeout (CariStore *store)
{
  return store->busy_timeout_ms;
}

void
cari_store_set_write_chunk (CariStore *store, guint rows)
{
  store->write_chunk = MAX (rows, 1u);
}

guint
cari_store_write_chunk (CariStore *store)
{
  return store->write_chunk;
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
  return exec_script (store, sql, error);
}
