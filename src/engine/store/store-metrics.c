/* store-metrics.c — a run's time series and its checkpoint files in the run store, and the
 * closed list of metric keys (their names are the CARI_METRIC_* of store.h; this file builds
 * from them the list every write is checked against and the per-task lookups). */
#include "store/store-private.h"

#include "core/error.h"
#include "core/i18n.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------------------ keys */

static const char *const loss_keys[CARI_N_TASKS] = {
  [CARI_TASK_VERIF] = CARI_METRIC_LOSS_VERIF,
  [CARI_TASK_CARI] = CARI_METRIC_LOSS_CARI,
  [CARI_TASK_VISUAL] = CARI_METRIC_LOSS_VISUAL,
};

static const char *const weight_keys[CARI_N_TASKS] = {
  [CARI_TASK_VERIF] = CARI_METRIC_WEIGHT_VERIF,
  [CARI_TASK_CARI] = CARI_METRIC_WEIGHT_CARI,
  [CARI_TASK_VISUAL] = CARI_METRIC_WEIGHT_VISUAL,
};

/* The closed list, besides "val/<name>"; docs/store.md gives their meanings. */
static const char *const metric_keys[] = {
  CARI_METRIC_LOSS_VERIF, CARI_METRIC_LOSS_CARI, CARI_METRIC_LOSS_VISUAL, CARI_METRIC_LOSS_L4,
  CARI_METRIC_LOSS_TOTAL, CARI_METRIC_WEIGHT_VERIF, CARI_METRIC_WEIGHT_CARI,
  CARI_METRIC_WEIGHT_VISUAL, CARI_METRIC_LR, CARI_METRIC_MODULE_LR, CARI_METRIC_IMAGES_PER_S,
  CARI_METRIC_SKIPPED_IMAGES,
  CARI_METRIC_COMM_SHARE,
};

const char *
cari_metric_key_loss (CariTask task)
{
  return (guint) task < CARI_N_TASKS ? loss_keys[task] : NULL;
}

const char *
cari_metric_key_weight (CariTask task)
{
  return (guint) task < CARI_N_TASKS ? weight_keys[task] : NULL;
}

gboolean
cari_store_metric_key_is_valid (const char *key)
{
  if (key == NULL)
    return FALSE;
  if (g_str_has_prefix (key, CARI_METRIC_VAL_PREFIX))
    return key[strlen (CARI_METRIC_VAL_PREFIX)] != '\0' && g_utf8_validate (key, -1, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (metric_keys); i++)
    if (strcmp (key, metric_keys[i]) == 0)
      return TRUE;
  return FALSE;
}

/* ----------------------------------------------------------------------------- metrics */

gboolean
cari_store_append_metrics (CariStore *s, gint64 run, const CariMetric *metrics, gsize n,
                           GError **error)
{
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

  if (!cari_store_begin (s, TRUE, error))
    return FALSE;
  if (!cari_store_heartbeat (s, run, error))
    goto fail;
  for (gsize i = 0; i < n; i++)
    {
      const CariMetric *m = &metrics[i];
      if (cari_store_sql_exec (s,
                               STORE_SQL ("INSERT INTO metrics (run_id, step, wall_time, key, "
                                          "value) VALUES (?1, ?2, ?3, ?4, ?5)",
                                          SQL_INT (run), SQL_INT (m->step),
                                          SQL_REAL (m->wall_time), SQL_TEXT (m->key),
                                          SQL_REAL (m->value)),
                               0, error)
          != SQLITE_DONE)
        goto fail;
    }
  return cari_store_commit (s, error);

fail:
  cari_store_rollback (s);
  return FALSE;
}

gboolean
cari_store_delete_metrics_after (CariStore *s, gint64 run, gint64 step, GError **error)
{
  return cari_store_sql_exec (s,
                              STORE_SQL ("DELETE FROM metrics WHERE run_id = ?1 AND step > ?2",
                                         SQL_INT (run), SQL_INT (step)),
                              0, error)
         == SQLITE_DONE;
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

/* A row of "SELECT id, step, wall_time, key, value" appended to a GArray of CariMetricRow. */
static gboolean
read_metric_row (sqlite3_stmt *st, gpointer data, GError **error)
{
  CariMetricRow row = {
    .rowid = sqlite3_column_int64 (st, 0),
    .step = sqlite3_column_int64 (st, 1),
    .wall_time = sqlite3_column_double (st, 2),
    .key = g_strdup ((const char *) sqlite3_column_text (st, 3)),
    .value = column_value (st, 4),
  };
  g_array_append_val ((GArray *) data, row);
  return TRUE;
}

static GArray *
read_metric_rows (CariStore *s, StoreQuery q, GError **error)
{
  g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (CariMetricRow));
  g_array_set_clear_func (rows, metric_row_clear);
  if (!cari_store_sql_each (s, q, read_metric_row, rows, error))
    return NULL;
  return g_steal_pointer (&rows);
}

GArray *
cari_store_metrics_since (CariStore *s, gint64 run, gint64 last_rowid, GError **error)
{
  return read_metric_rows (s,
                           STORE_SQL ("SELECT id, step, wall_time, key, value FROM metrics "
                                      "WHERE run_id = ?1 AND id > ?2 ORDER BY id",
                                      SQL_INT (run), SQL_INT (last_rowid)),
                           error);
}

GArray *
cari_store_metrics_with_prefix (CariStore *s, gint64 run, const char *prefix, GError **error)
{
  /* key >= prefix AND key < prefix with its last byte raised: a range the index serves. */
  g_autofree char *upper = g_strdup (prefix);
  gsize len = strlen (upper);
  g_return_val_if_fail (len > 0 && (guchar) upper[len - 1] < 0xff, NULL);
  upper[len - 1]++;
  return read_metric_rows (s,
                           STORE_SQL ("SELECT id, step, wall_time, key, value FROM metrics "
                                      "WHERE run_id = ?1 AND key >= ?2 AND key < ?3 ORDER BY id",
                                      SQL_INT (run), SQL_TEXT (prefix), SQL_TEXT (upper)),
                           error);
}

static gboolean
read_latest (sqlite3_stmt *st, gpointer data, GError **error)
{
  double *value = g_new (double, 1);
  *value = column_value (st, 1);
  g_hash_table_insert (data, g_strdup ((const char *) sqlite3_column_text (st, 0)), value);
  return TRUE;
}

GHashTable *
cari_store_latest_metrics (CariStore *s, gint64 run, GError **error)
{
  g_autoptr (GHashTable) latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* With max(), SQLite takes the bare column `value` from the row holding the maximum id. */
  if (!cari_store_sql_each (s,
                            STORE_SQL ("SELECT key, value, max(id) FROM metrics "
                                       "WHERE run_id = ?1 GROUP BY key",
                                       SQL_INT (run)),
                            read_latest, latest, error))
    return NULL;
  return g_steal_pointer (&latest);
}

/* ------------------------------------------------------------------------- checkpoints */

gboolean
cari_store_add_checkpoint (CariStore *s, gint64 run, gint64 step, const char *path,
                           const char *checksum, GError **error)
{
  int rc;
  g_return_val_if_fail (path != NULL, FALSE);
  rc = cari_store_sql_exec (s,
                            STORE_SQL ("INSERT INTO checkpoints (run_id, step, path, checksum, "
                                       "created_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                                       "ON CONFLICT (run_id, step) DO UPDATE "
                                       "SET path = excluded.path, checksum = excluded.checksum, "
                                       "created_at = excluded.created_at",
                                       SQL_INT (run), SQL_INT (step), SQL_TEXT (path),
                                       SQL_TEXT (checksum), SQL_REAL (cari_store_now ())),
                            SQLITE_CONSTRAINT_FOREIGNKEY, error);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    cari_store_not_found (s, STORE_RUN, run, error);
  return rc == SQLITE_DONE;
}

/* A checkpoint's file as recorded: absolute since checkpoints are written under an absolute
 * folder; a relative one (recorded by an older build from a store opened by a relative path,
 * relative to that process's working folder) is taken relative to the store's folder, where the
 * runs' folder lies beside the database. Newly allocated. */
static char *
checkpoint_file (CariStore *s, const char *recorded)
{
  if (recorded == NULL || g_path_is_absolute (recorded))
    return g_strdup (recorded);
  g_autofree char *folder = g_path_get_dirname (cari_store_get_absolute_path (s));
  return g_canonicalize_filename (recorded, folder);
}

typedef struct
{
  CariStore *store;
  gint64 *step;
  char **path;
} CheckpointOut;

static gboolean
read_checkpoint (sqlite3_stmt *st, gpointer data, GError **error)
{
  CheckpointOut *out = data;
  if (out->step != NULL)
    *out->step = sqlite3_column_int64 (st, 0);
  if (out->path != NULL)
    *out->path = checkpoint_file (out->store, (const char *) sqlite3_column_text (st, 1));
  return TRUE;
}

gboolean
cari_store_latest_checkpoint (CariStore *s, gint64 run, gint64 max_step, gint64 *step,
                              char **path, GError **error)
{
  GError *local = NULL;
  CheckpointOut out = { s, step, path };
  if (cari_store_sql_one (s,
                          STORE_SQL ("SELECT step, path FROM checkpoints WHERE run_id = ?1 "
                                     "AND (?2 < 0 OR step <= ?2) ORDER BY step DESC LIMIT 1",
                                     SQL_INT (run), SQL_INT (max_step)),
                          STORE_NOTHING, 0, read_checkpoint, &out, &local))
    return TRUE;
  if (local != NULL)
    g_propagate_error (error, local);
  else if (max_step < 0)
    g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                 _("Run %lld has no checkpoint in the run database “%s”"), (long long) run,
                 cari_store_get_path (s));
  else
    g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                 _("Run %lld has no checkpoint at or before step %lld in the run database “%s”"),
                 (long long) run, (long long) max_step, cari_store_get_path (s));
  return FALSE;
}

static gboolean
read_text (sqlite3_stmt *st, gpointer data, GError **error)
{
  g_ptr_array_add (data, g_strdup ((const char *) sqlite3_column_text (st, 0)));
  return TRUE;
}

GPtrArray *
cari_store_list_checkpoint_paths (CariStore *s, gint64 run, GError **error)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  if (!cari_store_sql_each (s,
                            STORE_SQL ("SELECT path FROM checkpoints WHERE run_id = ?1 "
                                       "ORDER BY step",
                                       SQL_INT (run)),
                            read_text, paths, error))
    return NULL;
  for (guint i = 0; i < paths->len; i++)
    {
      char *file = checkpoint_file (s, paths->pdata[i]);
      g_free (paths->pdata[i]);
      paths->pdata[i] = file;
    }
  return g_steal_pointer (&paths);
}

static void
checkpoint_row_clear (gpointer p)
{
  CariCheckpointRow *row = p;
  g_free (row->path);
  g_free (row->checksum);
}

static gboolean
read_checkpoint_row (sqlite3_stmt *st, gpointer data, GError **error)
{
  CariCheckpointRow row = { sqlite3_column_int64 (st, 0),
                            g_strdup ((const char *) sqlite3_column_text (st, 1)),
                            g_strdup ((const char *) sqlite3_column_text (st, 2)),
                            sqlite3_column_double (st, 3) };
  g_array_append_val (data, row);
  return TRUE;
}

GArray *
cari_store_list_checkpoints (CariStore *s, gint64 run, GError **error)
{
  g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (CariCheckpointRow));
  g_array_set_clear_func (rows, checkpoint_row_clear);
  if (!cari_store_sql_each (s,
                            STORE_SQL ("SELECT step, path, checksum, created_at FROM checkpoints "
                                       "WHERE run_id = ?1 ORDER BY step DESC",
                                       SQL_INT (run)),
                            read_checkpoint_row, rows, error))
    return NULL;
  for (guint i = 0; i < rows->len; i++)
    {
      CariCheckpointRow *row = &g_array_index (rows, CariCheckpointRow, i);
      char *file = checkpoint_file (s, row->path);
      g_free (row->path);
      row->path = file;
    }
  return g_steal_pointer (&rows);
}
