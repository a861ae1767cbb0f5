/* store-private.h — what the store's own files share (store.c owns the connection; store-eval.c
 * adds evaluations, scores and layouts). Nothing outside src/engine/store/ includes this. */
#pragma once

#include "store/store.h"

#include <sqlite3.h>

G_BEGIN_DECLS

sqlite3    *cari_store_priv_db (CariStore *s);
/* SQLite's result code as a CARI_ERROR naming the database file. */
void        cari_store_priv_error (CariStore *s, int rc, GError **error);
/* BEGIN IMMEDIATE (write) or BEGIN (a consistent read). */
gboolean    cari_store_priv_begin (CariStore *s, gboolean write, GError **error);
/* COMMIT, rolling back when it fails. */
gboolean    cari_store_priv_commit (CariStore *s, GError **error);
void        cari_store_priv_rollback (CariStore *s);
/* A statement prepared for one use (sqlite3_finalize it). */
sqlite3_stmt *cari_store_priv_prepare (CariStore *s, const char *sql, GError **error);
/* Steps a statement that returns no rows and resets it; FALSE with `error` set on failure. */
gboolean    cari_store_priv_exec (CariStore *s, sqlite3_stmt *st, GError **error);

G_END_DECLS
