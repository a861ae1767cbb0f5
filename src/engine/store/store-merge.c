/* store-merge.c — a copy of the run store for one rank of a distributed experiment, and merging
 * it back: the copy's places of experiments are what its rank executes; merging brings back
 * those runs' rows (status, metrics, checkpoints, evaluations) and moves their checkpoint files
 * beside the main store. docs/ARCHITECTURE.md, "Distributed experiments", says why a rank
 * writes a store of its own rather than the shared one. */
#include "store/store-private.h"

#include "core/error.h"
#include "core/i18n.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

gboolean
cari_store_copy_to (CariStore *s, const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Cannot copy the run database “%s” to “%s”: that file exists"),
                   cari_store_get_path (s), path);
      return FALSE;
    }
  /* One read transaction: the copy is the database as of one moment, whatever other
   * connections write meanwhile. */
  if (cari_store_sql_exec (s, STORE_SQL ("VACUUM INTO ?1", SQL_TEXT (path)), 0, error)
      == SQLITE_DONE)
    return TRUE;
  g_prefix_error (error, _("Copying the run database to “%s”: "), path);
  return FALSE;
}

gboolean
cari_store_keep_experiment_places (CariStore *s, gint64 experiment, const int *positions, int n,
                                   GError **error)
{
  g_return_val_if_fail (n >= 0 && (positions != NULL || n == 0), FALSE);
  if (!cari_store_exists (s, STORE_EXPERIMENT, experiment, error)
      || !cari_store_begin (s, TRUE, error))
    return FALSE;
  /* Every place out, then the kept ones back in: no list of positions to build into SQL. */
  if (cari_store_sql_exec (s,
                           STORE_SQL0 ("CREATE TEMP TABLE IF NOT EXISTS kept_places "
                                       "(position INTEGER PRIMARY KEY)"),
                           0, error)
        != SQLITE_DONE
      || cari_store_sql_exec (s, STORE_SQL0 ("DELETE FROM temp.kept_places"), 0, error)
           != SQLITE_DONE)
    goto fail;
  for (int i = 0; i < n; i++)
    if (cari_store_sql_exec (s,
                             STORE_SQL ("INSERT OR IGNORE INTO temp.kept_places (position) "
                                        "VALUES (?1)",
                                        SQL_INT (positions[i])),
                             0, error)
        != SQLITE_DONE)
      goto fail;
  if (cari_store_sql_exec (s,
                           STORE_SQL ("DELETE FROM main.experiment_runs WHERE experiment_id <> ?1 "
                                      "OR position NOT IN (SELECT position FROM "
                                      "temp.kept_places)",
                                      SQL_INT (experiment)),
                           0, error)
        != SQLITE_DONE
      || cari_store_sql_exec (s, STORE_SQL0 ("DELETE FROM temp.kept_places"), 0, error)
           != SQLITE_DONE)
    goto fail;
  return cari_store_commit (s, error);

fail:
  cari_store_rollback (s);
  return FALSE;
}

/* ------------------------------------------------------------------------------ merging */

/* One place of the copy, with where its checkpoint files are and go. */
typedef struct
{
  gint64 experiment;
  int position;
  gint64 run;
  char *name;
  char *from; /* the copy's run folder, with a trailing separator */
  char *to;   /* the main store's, the same */
} Place;

static void
place_clear (gpointer data)
{
  Place *p = data;
  g_free (p->name);
  g_free (p->from);
  g_free (p->to);
}

static gboolean
read_place (sqlite3_stmt *st, gpointer data, GError **error)
{
  Place p = { sqlite3_column_int64 (st, 0), sqlite3_column_int (st, 1),
              sqlite3_column_int64 (st, 2), NULL, NULL, NULL };
  g_array_append_val (data, p);
  return TRUE;
}

static char *
with_separator (char *dir)
{
  char *out = g_str_has_suffix (dir, G_DIR_SEPARATOR_S) ? g_strdup (dir)
                                                        : g_strconcat (dir, G_DIR_SEPARATOR_S,
                                                                       NULL);
  g_free (dir);
  return out;
}

/* Moves the files of the copy's checkpoints of `p` that lie in its run folder into the main
 * store's. A file already gone from there was moved by an earlier merge that did not finish. */
static gboolean
move_checkpoints (CariStore *copy, const Place *p, GError **error)
{
  g_autoptr (GArray) rows = cari_store_list_checkpoints (copy, p->run, error);
  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      const CariCheckpointRow *c = &g_array_index (rows, CariCheckpointRow, i);
      if (!g_str_has_prefix (c->path, p->from))
        continue; /* an older checkpoint the copy came with, in the main store's folder */
      g_autofree char *dest = g_strconcat (p->to, c->path + strlen (p->from), NULL);
      g_autofree char *dir = g_path_get_dirname (dest);
      if (!g_file_test (c->path, G_FILE_TEST_EXISTS))
        continue;
      if (g_mkdir_with_parents (dir, 0755) != 0 || g_rename (c->path, dest) != 0)
        {
          int saved = errno;
          g_set_error (error, CARI_ERROR, CARI_ERROR_IO,
                       _("Cannot move the checkpoint “%s” to “%s”: %s"), c->path, dest,
                       g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}

/* Reads the copy's places, refuses a copy a live process may still write, and moves the
 * checkpoint files. */
static GArray *
prepare (const char *path, CariStore *s, CariStoreRunFolder folder, gboolean writers_closed,
         GError **error)
{
  g_autoptr (CariStore) copy = cari_store_open (path, CARI_STORE_READ_WRITE, error);
  if (copy == NULL)
    return NULL;
  g_autoptr (GArray) places = g_array_new (FALSE, TRUE, sizeof (Place));
  g_array_set_clear_func (places, place_clear);
  if (!cari_store_sql_each (copy,
                            STORE_SQL0 ("SELECT experiment_id, position, run_id FROM "
                                        "experiment_runs ORDER BY experiment_id, position"),
                            read_place, places, error))
    return NULL;
  for (guint i = 0; i < places->len; i++)
    {
      Place *p = &g_array_index (places, Place, i);
      g_autoptr (CariRunInfo) info = cari_store_get_run (copy, p->run, error);
      gint64 active = 0;
      if (info == NULL
          || !cari_store_sql_one (copy,
                                  STORE_SQL ("SELECT status IN ('running', 'paused') FROM runs "
                                             "WHERE id = ?1",
                                             SQL_INT (p->run)),
                                  STORE_RUN, p->run, cari_store_sql_int64, &active, error)
          /* A rank between two runs holds none, but its process is alive. */
          || cari_store_run_held (copy, info, active || !writers_closed, error))
        return NULL;
      p->name = g_strdup (info->name);
      p->from = with_separator (folder (copy, p->run));
      p->to = with_separator (folder (s, p->run));
    }
  for (guint i = 0; i < places->len; i++)
    if (!move_checkpoints (copy, &g_array_index (places, Place, i), error))
      return NULL;
  return g_steal_pointer (&places);
}

static gboolean
exec_ok (CariStore *s, StoreQuery q, GError **error)
{
  return cari_store_sql_exec (s, q, 0, error) == SQLITE_DONE;
}

static gboolean
read_ids (sqlite3_stmt *st, gpointer data, GError **error)
{
  gint64 id = sqlite3_column_int64 (st, 0);
  g_array_append_val (data, id);
  return TRUE;
}

/* The copy's complete evaluations of `run` the main store lacks, with their rows, under new
 * ids; the main store's evaluations of the run the copy no longer has, deleted. An evaluation
 * both hold has the same id, run and creation time in each. */
static gboolean
merge_evaluations (CariStore *s, gint64 run, GError **error)
{
  if (!exec_ok (s,
                STORE_SQL ("DELETE FROM main.evaluations AS m WHERE m.run_id = ?1 AND NOT EXISTS "
                           "(SELECT 1 FROM peer.evaluations e WHERE e.id = m.id AND e.run_id = "
                           "m.run_id AND e.created_at = m.created_at AND e.complete = 1 "
                           "AND m.complete = 1)",
                           SQL_INT (run)),
                error))
    return FALSE;
  g_autoptr (GArray) fresh = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!cari_store_sql_each (s,
                            STORE_SQL ("SELECT e.id FROM peer.evaluations e WHERE e.run_id = ?1 "
                                       "AND e.complete = 1 AND NOT EXISTS (SELECT 1 FROM "
                                       "main.evaluations m WHERE m.id = e.id AND m.run_id = "
                                       "e.run_id AND m.created_at = e.created_at) ORDER BY e.id",
                                       SQL_INT (run)),
                            read_ids, fresh, error))
    return FALSE;
  for (guint i = 0; i < fresh->len; i++)
    {
      gint64 old = g_array_index (fresh, gint64, i);
      if (!exec_ok (s,
                    STORE_SQL ("INSERT INTO main.evaluations (run_id, step, protocol, fold, "
                               "created_at, options, complete) SELECT run_id, step, protocol, "
                               "fold, created_at, options, 1 FROM peer.evaluations WHERE id = ?1",
                               SQL_INT (old)),
                    error))
        return FALSE;
      gint64 id = cari_store_sql_last_id (s);
      if (!exec_ok (s,
                    STORE_SQL ("INSERT INTO main.eval_metrics (evaluation_id, name, value, std) "
                               "SELECT ?2, name, value, std FROM peer.eval_metrics "
                               "WHERE evaluation_id = ?1",
                               SQL_INT (old), SQL_INT (id)),
                    error)
          || !exec_ok (s,
                       STORE_SQL ("INSERT INTO main.eval_scores (evaluation_id, a_image, "
                                  "b_image, score, same, fold) SELECT ?2, a_image, b_image, "
                                  "score, same, fold FROM peer.eval_scores WHERE "
                                  "evaluation_id = ?1 ORDER BY rowid",
                                  SQL_INT (old), SQL_INT (id)),
                       error)
          || !exec_ok (s,
                       STORE_SQL ("INSERT INTO main.layouts (evaluation_id, view, image_id, x, "
                                  "y) SELECT ?2, view, image_id, x, y FROM peer.layouts WHERE "
                                  "evaluation_id = ?1",
                                  SQL_INT (old), SQL_INT (id)),
                       error))
        return FALSE;
    }
  return TRUE;
}

/* One place, in the open transaction; *merged FALSE when the main store no longer has it. */
static gboolean
merge_place (CariStore *s, const Place *p, gboolean *merged, GError **error)
{
  gint64 n = 0;
  *merged = FALSE;
  /* The same place of the same experiment, with the same run: a place or run deleted meanwhile
   * (from the workbench) is not brought back. */
  if (!cari_store_sql_one (s,
                           STORE_SQL ("SELECT count(*) FROM main.experiment_runs x JOIN main.runs "
                                      "r ON r.id = x.run_id JOIN peer.runs q ON q.id = r.id AND "
                                      "q.name = r.name WHERE x.experiment_id = ?1 AND "
                                      "x.position = ?2 AND x.run_id = ?3",
                                      SQL_INT (p->experiment), SQL_INT (p->position),
                                      SQL_INT (p->run)),
                           STORE_NOTHING, 0, cari_store_sql_int64, &n, error))
    return FALSE;
  if (n == 0)
    return TRUE;
  /* The copy was made once its data sets were imported, so that ids (of data sets, and of the
   * images that pair scores and layouts name) mean the same in both. */
  if (!cari_store_sql_one (s,
                           STORE_SQL ("SELECT count(*) FROM peer.runs q LEFT JOIN peer.datasets "
                                      "d ON d.id = q.dataset_id LEFT JOIN main.datasets m ON "
                                      "m.id = q.dataset_id WHERE q.id = ?1 AND q.dataset_id IS "
                                      "NOT NULL AND (m.id IS NULL OR m.name IS NOT d.name "
                                      "OR m.kind IS NOT d.kind)",
                                      SQL_INT (p->run)),
                           STORE_NOTHING, 0, cari_store_sql_int64, &n, error))
    return FALSE;
  if (n > 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("Run “%s” trains on a data set the run database does not hold under the "
                     "same id"),
                   p->name);
      return FALSE;
    }
  if (!exec_ok (s,
                STORE_SQL ("UPDATE main.runs SET (status, dataset_id, heartbeat, started_at, "
                           "finished_at, message, owner) = (SELECT status, dataset_id, "
                           "heartbeat, started_at, finished_at, message, owner FROM peer.runs "
                           "WHERE id = ?1) WHERE id = ?1",
                           SQL_INT (p->run)),
                error)
      /* Metric ids are never reused (AUTOINCREMENT): a row both hold is the same row. */
      || !exec_ok (s,
                   STORE_SQL ("DELETE FROM main.metrics WHERE run_id = ?1 AND id NOT IN "
                              "(SELECT id FROM peer.metrics WHERE run_id = ?1)",
                              SQL_INT (p->run)),
                   error)
      || !exec_ok (s,
                   STORE_SQL ("INSERT INTO main.metrics (run_id, step, wall_time, key, value) "
                              "SELECT run_id, step, wall_time, key, value FROM peer.metrics "
                              "WHERE run_id = ?1 AND id NOT IN (SELECT id FROM main.metrics "
                              "WHERE run_id = ?1) ORDER BY id",
                              SQL_INT (p->run)),
                   error)
      || !exec_ok (s,
                   STORE_SQL ("DELETE FROM main.checkpoints WHERE run_id = ?1",
                              SQL_INT (p->run)),
                   error)
      || !exec_ok (s,
                   STORE_SQL ("INSERT INTO main.checkpoints (run_id, step, path, checksum, "
                              "created_at) SELECT run_id, step, CASE WHEN substr (path, 1, "
                              "length (?2)) = ?2 THEN ?3 || substr (path, length (?2) + 1) "
                              "ELSE path END, checksum, created_at FROM peer.checkpoints "
                              "WHERE run_id = ?1 ORDER BY step",
                              SQL_INT (p->run), SQL_TEXT (p->from), SQL_TEXT (p->to)),
                   error)
      || !merge_evaluations (s, p->run, error)
      || !exec_ok (s,
                   STORE_SQL ("UPDATE main.experiment_runs SET evaluated_step = (SELECT "
                              "evaluated_step FROM peer.experiment_runs WHERE experiment_id = "
                              "?1 AND position = ?2) WHERE experiment_id = ?1 AND position = ?2",
                              SQL_INT (p->experiment), SQL_INT (p->position)),
                   error))
    {
      g_prefix_error (error, _("Run “%s”: "), p->name);
      return FALSE;
    }
  *merged = TRUE;
  return TRUE;
}

/* Removes `path` and everything below it. */
static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_remove (path);
}

/* The copy's files, and its run folders — only those beside it, never a folder that other
 * stores share. */
static void
remove_copy (const char *path, GArray *places)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  for (guint i = 0; i < places->len; i++)
    {
      const Place *p = &g_array_index (places, Place, i);
      if (!g_str_has_prefix (p->from, absolute))
        continue;
      remove_tree (p->from);
      g_autofree char *trimmed = g_strndup (p->from, strlen (p->from) - 1);
      g_autofree char *parent = g_path_get_dirname (trimmed);
      if (g_str_has_prefix (parent, absolute))
        g_rmdir (parent); /* once empty */
    }
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  for (size_t i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_remove (file);
    }
}

gboolean
cari_store_merge (CariStore *s, const char *path, CariStoreRunFolder folder,
                  gboolean writers_closed, int *n_merged, GError **error)
{
  g_return_val_if_fail (path != NULL && folder != NULL, FALSE);
  GError *local = NULL;
  g_autoptr (GError) detach = NULL;
  int merged = 0;
  if (n_merged != NULL)
    *n_merged = 0;
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND, _("No rank store “%s”"), path);
      return FALSE;
    }
  g_autoptr (GArray) places = prepare (path, s, folder, writers_closed, &local);
  if (places == NULL)
    goto fail;
  /* ATTACH and DETACH cannot be in a transaction. */
  if (!exec_ok (s, STORE_SQL ("ATTACH DATABASE ?1 AS peer", SQL_TEXT (path)), &local))
    goto fail;
  if (cari_store_begin (s, TRUE, &local))
    {
      gboolean ok = TRUE;
      for (guint i = 0; ok && i < places->len; i++)
        {
          gboolean one = FALSE;
          ok = merge_place (s, &g_array_index (places, Place, i), &one, &local);
          merged += one;
        }
      if (!ok)
        cari_store_rollback (s);
      else
        cari_store_commit (s, &local);
    }
  if (!exec_ok (s, STORE_SQL0 ("DETACH DATABASE peer"), &detach))
    g_debug ("run database %s: %s", cari_store_get_path (s), detach->message);
  if (local != NULL)
    goto fail;
  remove_copy (path, places);
  if (n_merged != NULL)
    *n_merged = merged;
  return TRUE;

fail:
  g_propagate_prefixed_error (error, local,
                              _("The rank store “%s” could not be merged into the run database "
                                "(it is kept, and merged when the experiment next runs): "),
                              path);
  return FALSE;
}
