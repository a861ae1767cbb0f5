/* store-experiments.c — experiments in the run store: a named grid of runs, created with all its
 * runs in one transaction, and each run's place in it (cell, seed, position). */
#include "store/store-private.h"

#include "core/error.h"
#include "core/i18n.h"

#include <string.h>

static gboolean
check_experiment_name (const char *name, GError **error)
{
  guint64 number;
  if (name != NULL && name[0] != '\0' && g_utf8_validate (name, -1, NULL)
      && !g_ascii_string_to_unsigned (name, 10, 0, G_MAXUINT64, &number, NULL))
    return TRUE;
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("“%s” cannot name an experiment: a name must not be empty or a number"),
               name != NULL ? name : "");
  return FALSE;
}

gint64
cari_store_create_experiment (CariStore *s, const char *name, const char *definition,
                              const CariExperimentRunSpec *runs, int n_runs, GError **error)
{
  g_return_val_if_fail (n_runs >= 0 && (runs != NULL || n_runs == 0), 0);
  if (!check_experiment_name (name, error))
    return 0;
  for (int i = 0; i < n_runs; i++)
    if (runs[i].name == NULL || !cari_store_check_name (runs[i].name, TRUE, error))
      {
        if (runs[i].name == NULL)
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Run %d of experiment “%s” has no name"), i, name);
        return 0;
      }
  if (!cari_store_begin (s, TRUE, error))
    return 0;

  g_autofree gint64 *ids = g_new0 (gint64, MAX (n_runs, 1));
  gint64 experiment = 0;
  int rc = cari_store_sql_exec (s,
                                STORE_SQL ("INSERT INTO experiments (name, definition, created_at) "
                                           "VALUES (?1, ?2, ?3)",
                                           SQL_TEXT (name),
                                           SQL_TEXT (definition != NULL ? definition : ""),
                                           SQL_REAL (cari_store_now ())),
                                SQLITE_CONSTRAINT_UNIQUE, error);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                 _("An experiment named “%s” already exists in the run database “%s”"), name,
                 cari_store_get_path (s));
  if (rc != SQLITE_DONE)
    goto fail;
  experiment = cari_store_sql_last_id (s);

  for (int i = 0; i < n_runs; i++)
    {
      const CariExperimentRunSpec *r = &runs[i];
      gint64 parent = r->parent >= 0 && r->parent < i ? ids[r->parent] : 0;
      rc = cari_store_sql_exec (
        s,
        STORE_SQL ("INSERT INTO runs (name, config, seed, status, created_at, parent_run) "
                   "VALUES (?1, ?2, ?3, 'queued', ?4, ?5)",
                   SQL_TEXT (r->name), SQL_TEXT (r->config != NULL ? r->config : ""),
                   SQL_INT ((gint64) r->seed), SQL_REAL (cari_store_now ()), SQL_ID (parent)),
        SQLITE_CONSTRAINT_UNIQUE, error);
      if (rc == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("A run named “%s” already exists in the run database “%s”"), r->name,
                     cari_store_get_path (s));
      if (rc != SQLITE_DONE)
        goto fail;
      ids[i] = cari_store_sql_last_id (s);
      if (cari_store_sql_exec (s,
                               STORE_SQL ("INSERT INTO experiment_runs (experiment_id, position, "
                                          "run_id, cell, seed) VALUES (?1, ?2, ?3, ?4, ?5)",
                                          SQL_INT (experiment), SQL_INT (i), SQL_INT (ids[i]),
                                          SQL_TEXT (r->cell != NULL ? r->cell : ""),
                                          SQL_INT ((gint64) r->seed)),
                               0, error)
          != SQLITE_DONE)
        goto fail;
    }
  if (!cari_store_commit (s, error))
    return 0;
  return experiment;

fail:
  cari_store_rollback (s);
  return 0;
}

gboolean
cari_store_find_experiment (CariStore *s, const char *name_or_id, gint64 *experiment,
                            GError **error)
{
  return cari_store_find (s, STORE_EXPERIMENT, name_or_id, experiment, error);
}

void
cari_experiment_info_free (CariExperimentInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->definition);
  g_free (info);
}

#define EXPERIMENT_COLUMNS                                                                       \
  "SELECT x.id, x.name, x.definition, x.created_at, "                                          \
  "(SELECT count(*) FROM experiment_runs p WHERE p.experiment_id = x.id), "                     \
  "(SELECT count(*) FROM experiment_runs p JOIN runs r ON r.id = p.run_id "                     \
  " WHERE p.experiment_id = x.id AND r.status = 'finished'), "                                  \
  "(SELECT count(*) FROM experiment_runs p JOIN runs r ON r.id = p.run_id "                     \
  " WHERE p.experiment_id = x.id AND r.status IN ('failed', 'diverged')) "                      \
  "FROM experiments x "

static gboolean
read_experiment (sqlite3_stmt *st, gpointer data, GError **error)
{
  CariExperimentInfo *info = g_new0 (CariExperimentInfo, 1);
  info->id = sqlite3_column_int64 (st, 0);
  info->name = g_strdup ((const char *) sqlite3_column_text (st, 1));
  info->definition = g_strdup ((const char *) sqlite3_column_text (st, 2));
  info->created_at = sqlite3_column_double (st, 3);
  info->n_runs = sqlite3_column_int (st, 4);
  info->n_finished = sqlite3_column_int (st, 5);
  info->n_failed = sqlite3_column_int (st, 6);
  g_ptr_array_add (data, info);
  return TRUE;
}

CariExperimentInfo *
cari_store_get_experiment (CariStore *s, gint64 experiment, GError **error)
{
  g_autoptr (GPtrArray) one
    = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_experiment_info_free);
  if (!cari_store_sql_one (s, STORE_SQL (EXPERIMENT_COLUMNS "WHERE x.id = ?1",
                                         SQL_INT (experiment)),
                           STORE_EXPERIMENT, experiment, read_experiment, one, error))
    return NULL;
  return g_ptr_array_steal_index (one, 0);
}

GPtrArray *
cari_store_list_experiments (CariStore *s, GError **error)
{
  g_autoptr (GPtrArray) list
    = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_experiment_info_free);
  if (!cari_store_sql_each (s, STORE_SQL0 (EXPERIMENT_COLUMNS "ORDER BY x.id"), read_experiment,
                            list, error))
    return NULL;
  return g_steal_pointer (&list);
}

static void
clear_run (gpointer data)
{
  g_free (((CariExperimentRun *) data)->cell);
}

static gboolean
read_run (sqlite3_stmt *st, gpointer data, GError **error)
{
  CariExperimentRun r = {
    .position = sqlite3_column_int (st, 0),
    .run = sqlite3_column_int64 (st, 1),
    .cell = g_strdup ((const char *) sqlite3_column_text (st, 2)),
    .seed = (guint64) sqlite3_column_int64 (st, 3),
    .evaluated_step = sqlite3_column_type (st, 4) == SQLITE_NULL ? -1
                                                                 : sqlite3_column_int64 (st, 4),
  };
  g_array_append_val (data, r);
  return TRUE;
}

GArray *
cari_store_list_experiment_runs (CariStore *s, gint64 experiment, GError **error)
{
  if (!cari_store_exists (s, STORE_EXPERIMENT, experiment, error))
    return NULL;
  g_autoptr (GArray) runs = g_array_new (FALSE, TRUE, sizeof (CariExperimentRun));
  g_array_set_clear_func (runs, clear_run);
  if (!cari_store_sql_each (s,
                            STORE_SQL ("SELECT position, run_id, cell, seed, evaluated_step FROM experiment_runs "
                                       "WHERE experiment_id = ?1 ORDER BY position",
                                       SQL_INT (experiment)),
                            read_run, runs, error))
    return NULL;
  return g_steal_pointer (&runs);
}

gboolean
cari_store_set_experiment_evaluated (CariStore *s, gint64 experiment, int position, gint64 step,
                                     GError **error)
{
  return cari_store_sql_change (s,
                                STORE_SQL ("UPDATE experiment_runs SET evaluated_step = ?3 "
                                           "WHERE experiment_id = ?1 AND position = ?2",
                                           SQL_INT (experiment), SQL_INT (position),
                                           step >= 0 ? SQL_INT (step) : SQL_NULL),
                                STORE_EXPERIMENT, experiment, error);
}

gboolean
cari_store_experiment_of_run (CariStore *s, gint64 run, gint64 *experiment, GError **error)
{
  gint64 found = 0;
  GError *local = NULL;
  if (!cari_store_sql_one (s,
                           STORE_SQL ("SELECT experiment_id FROM experiment_runs WHERE run_id = ?1",
                                      SQL_INT (run)),
                           STORE_NOTHING, 0, cari_store_sql_int64, &found, &local)
      && local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (experiment != NULL)
    *experiment = found;
  return TRUE;
}

gboolean
cari_store_delete_experiment (CariStore *s, gint64 experiment, GError **error)
{
  return cari_store_delete (s, STORE_EXPERIMENT, experiment, error);
}
