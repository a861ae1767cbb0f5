/* store-schema.h — the run store's schema as a list of migrations (private to store/).
 *
 * Migration i takes a database from PRAGMA user_version i to i + 1; version 0 is an empty file.
 * A later issue that needs a change appends a step here and raises CARI_STORE_SCHEMA_VERSION;
 * steps already released are never edited.
 */
#pragma once

#include <glib.h>

/* The SQL script that migrates a database from user_version `from` to `from + 1`, or NULL when
 * `from` is the newest version (or out of range). */
const char *cari_store_schema_migration (int from);
/* Whether that step rebuilds a table others reference: it must run with foreign keys off (they
 * are checked with PRAGMA foreign_key_check before it commits). */
gboolean    cari_store_schema_rebuilds (int from);
