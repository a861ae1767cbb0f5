/* store-private.h — what the store's files share: the connection (store.c) with its statement
 * cache, errors, transactions, and the one way every file runs SQL. Nothing outside
 * src/engine/store/ includes this.
 *
 * A statement is named by its SQL text and its parameters, bound ?1, ?2, … in order:
 *
 *   cari_store_sql_one (s, STORE_SQL ("SELECT … WHERE id = ?1", SQL_INT (run)), STORE_RUN, run,
 *                       read_row, &out, error);
 *
 * The connection prepares each SQL text once (on first use) and keeps it; every helper binds,
 * steps, and resets the statement before it returns, so no statement holds a read transaction
 * open between calls. SQLite's errors become CARI_ERROR codes naming the file.
 */
#pragma once

#include "store/store.h"

#include <sqlite3.h>

G_BEGIN_DECLS

/* --- values bound to a statement ------------------------------------------------------------ */

typedef enum
{
  STORE_VALUE_NULL,
  STORE_VALUE_INT,
  STORE_VALUE_ID,   /* an id: NULL when ≤ 0 */
  STORE_VALUE_REAL, /* NaN is stored as NULL (SQLite has no NaN) */
  STORE_VALUE_TEXT, /* NULL when the pointer is NULL */
  STORE_VALUE_BLOB,
} StoreValueType;

typedef struct
{
  StoreValueType type;
  gint64 i;
  double d;
  const void *p; /* text or blob, borrowed until the statement is reset */
  int bytes;     /* of a blob */
} StoreValue;

#define SQL_NULL       ((StoreValue) { .type = STORE_VALUE_NULL })
#define SQL_INT(v)     ((StoreValue) { .type = STORE_VALUE_INT, .i = (v) })
#define SQL_ID(v)      ((StoreValue) { .type = STORE_VALUE_ID, .i = (v) })
#define SQL_REAL(v)    ((StoreValue) { .type = STORE_VALUE_REAL, .d = (v) })
#define SQL_TEXT(v)    ((StoreValue) { .type = STORE_VALUE_TEXT, .p = (v) })
#define SQL_BLOB(v, n) ((StoreValue) { .type = STORE_VALUE_BLOB, .p = (v), .bytes = (n) })

/* A statement's SQL text and the values of its parameters. */
typedef struct
{
  const char *sql;
  const StoreValue *args;
  int n_args;
} StoreQuery;

/* STORE_SQL (sql, SQL_INT (run), SQL_TEXT (name)): the values live until the end of the
 * enclosing block. STORE_SQL0 (sql) for a statement without parameters. */
#define STORE_SQL(sql_, ...)                                                                     \
  ((StoreQuery) { (sql_), (const StoreValue[]) { __VA_ARGS__ },                                  \
                  (int) (sizeof ((const StoreValue[]) { __VA_ARGS__ }) / sizeof (StoreValue)) })
#define STORE_SQL0(sql_) ((StoreQuery) { (sql_), NULL, 0 })

/* --- the helper --------------------------------------------------------------------------- */

/* What a query that finds no row was looking for, for the NOT_FOUND message. */
typedef enum
{
  STORE_NOTHING, /* no row is no error */
  STORE_RUN,
  STORE_DATASET,
  STORE_EVALUATION,
  STORE_EXPERIMENT,
} StoreThing;

/* Reads the current row of `st`; FALSE with `error` set stops the query. */
typedef gboolean (*StoreRowFunc) (sqlite3_stmt *st, gpointer data, GError **error);

/* Runs a statement that returns no rows. Returns SQLite's result code: SQLITE_DONE on success;
 * `tolerated` (a code such as SQLITE_CONSTRAINT_UNIQUE that the caller reports in its own words,
 * or 0) with `error` unset; any other code with `error` set. */
int      cari_store_sql_exec (CariStore *s, StoreQuery q, int tolerated, GError **error);
/* Runs an UPDATE or DELETE of one row: FALSE with NOT_FOUND naming `thing` `id` when it changed
 * no row. */
gboolean cari_store_sql_change (CariStore *s, StoreQuery q, StoreThing thing, gint64 id,
                                GError **error);
/* Runs a query and calls `row` on each row it returns; TRUE when all were read. */
gboolean cari_store_sql_each (CariStore *s, StoreQuery q, StoreRowFunc row, gpointer data,
                              GError **error);
/* Runs a query of (at most) one row and calls `row` on it. No row: FALSE, with NOT_FOUND naming
 * `thing` `id`, or with `error` unset for STORE_NOTHING. */
gboolean cari_store_sql_one (CariStore *s, StoreQuery q, StoreThing thing, gint64 id,
                             StoreRowFunc row, gpointer data, GError **error);
/* A row function for a query of one integer column: stores it in *(gint64 *) data. */
gboolean cari_store_sql_int64 (sqlite3_stmt *st, gpointer data, GError **error);
/* The id of the row the last INSERT of this connection added. */
gint64   cari_store_sql_last_id (CariStore *s);
/* How many rows the last statement changed. */
int      cari_store_sql_changes (CariStore *s);
/* TRUE when the run, dataset or evaluation `id` exists; NOT_FOUND naming it otherwise. */
gboolean cari_store_exists (CariStore *s, StoreThing thing, gint64 id, GError **error);
/* Deletes the run, dataset or evaluation `id` (and, by ON DELETE, what belongs to it);
 * NOT_FOUND naming it when there is none. */
gboolean cari_store_delete (CariStore *s, StoreThing thing, gint64 id, GError **error);

/* --- the connection --------------------------------------------------------------------------- */

/* SQLite's result code as a CARI_ERROR naming the database file. */
void     cari_store_sql_error (CariStore *s, int rc, GError **error);
/* NOT_FOUND: "No run 12 in the run database “…”" (and datasets, evaluations). */
void     cari_store_not_found (CariStore *s, StoreThing thing, gint64 id, GError **error);
/* BEGIN IMMEDIATE (write) or BEGIN (a consistent read). */
gboolean cari_store_begin (CariStore *s, gboolean write, GError **error);
/* COMMIT, rolling back when it fails. */
gboolean cari_store_commit (CariStore *s, GError **error);
/* Undoes the open transaction, if SQLite has not already done so itself. */
void     cari_store_rollback (CariStore *s);
/* How long a running run may go without a heartbeat before it reads as interrupted. */
double   cari_store_stale_after (CariStore *s);
/* Rows per transaction of a long write (cari_store_set_write_chunk). */
guint    cari_store_write_chunk (CariStore *s);
/* Unix seconds. */
double   cari_store_now (void);

/* Names are looked up beside numeric ids, so a name is never empty nor a number:
 * INVALID_ARGUMENT naming it otherwise. */
gboolean cari_store_check_name (const char *name, gboolean is_run, GError **error);
/* Whether `info`, whose status as written is running or paused when `active`, is held by another
 * process that is alive — on this machine, its process still exists; elsewhere, its heartbeat
 * is fresh: TRUE with BUSY naming the holder. */
gboolean cari_store_run_held (CariStore *s, const CariRunInfo *info, gboolean active,
                              GError **error);
/* Looks up a run or a dataset by its numeric id or its name: NOT_FOUND naming `name_or_id`
 * when there is none. */
gboolean cari_store_find (CariStore *s, StoreThing thing, const char *name_or_id, gint64 *out,
                          GError **error);

G_END_DECLS
