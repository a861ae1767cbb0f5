/* store-runs.c — runs in the run store: their statuses, names, heartbeats, and the rule that a
 * running run whose heartbeat went stale reads as interrupted. */
#include "store/store-private.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "core/error.h"
#include "core/i18n.h"

#include <string.h>

static const char *const status_names[] = {
  [CARI_RUN_QUEUED] = "queued",
  [CARI_RUN_RUNNING] = "running",
  [CARI_RUN_PAUSED] = "paused",
  [CARI_RUN_FINISHED] = "finished",
  [CARI_RUN_FAILED] = "failed",
  [CARI_RUN_DIVERGED] = "diverged",
  [CARI_RUN_CANCELLED] = "cancelled",
  [CARI_RUN_INTERRUPTED] = "interrupted",
  [CARI_RUN_IMPORTED] = "imported",
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
         || s == CARI_RUN_CANCELLED || s == CARI_RUN_INTERRUPTED || s == CARI_RUN_IMPORTED;
}

static void
set_run_name_taken (CariStore *s, const char *name, GError **error)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("A run named “%s” already exists in the run database “%s”"), name,
               cari_store_get_path (s));
}

/* Runs an INSERT or UPDATE that sets a run's name: a name already taken is INVALID_ARGUMENT
 * naming it. */
static gboolean
write_name (CariStore *s, StoreQuery q, const char *name, GError **error)
{
  int rc = cari_store_sql_exec (s, q, SQLITE_CONSTRAINT_UNIQUE, error);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    set_run_name_taken (s, name, error);
  return rc == SQLITE_DONE;
}

gint64
cari_store_create_run (CariStore *s, const char *name, gint64 dataset_id, const char *config_text,
                       guint64 seed, gint64 parent_run, GError **error)
{
  g_autofree char *generated = NULL;
  gint64 id;

  if (name != NULL && !cari_store_check_name (name, TRUE, error))
    return 0;
  if (!cari_store_begin (s, TRUE, error))
    return 0;
  if ((dataset_id > 0 && !cari_store_exists (s, STORE_DATASET, dataset_id, error))
      || (parent_run > 0 && !cari_store_exists (s, STORE_RUN, parent_run, error)))
    goto fail;

  /* A run created without a name gets "run-<id>"; the empty placeholder can never clash with a
   * real name, which is never empty. The seed is stored as its two's complement: INTEGER is
   * signed. */
  if (!write_name (s,
                   STORE_SQL ("INSERT INTO runs (name, dataset_id, config, seed, status, "
                              "created_at, parent_run) VALUES (coalesce (?1, ''), ?2, ?3, ?4, "
                              "'queued', ?5, ?6)",
                              SQL_TEXT (name), SQL_ID (dataset_id),
                              SQL_TEXT (config_text != NULL ? config_text : ""),
                              SQL_INT ((gint64) seed), SQL_REAL (cari_store_now ()),
                              SQL_ID (parent_run)),
                   name != NULL ? name : "", error))
    goto fail;
  id = cari_store_sql_last_id (s);
  generated = g_strdup_printf ("run-%lld", (long long) id);
  if (name == NULL
      && !write_name (s, STORE_SQL ("UPDATE runs SET name = ?2 WHERE id = ?1", SQL_INT (id),
                                    SQL_TEXT (generated)),
                      generated, error))
    goto fail;
  if (!cari_store_commit (s, error))
    return 0;
  return id;

fail:
  cari_store_rollback (s);
  return 0;
}

gboolean
cari_store_set_run_status (CariStore *s, gint64 run, CariRunStatus status, const char *message,
                           GError **error)
{
  if ((guint) status >= G_N_ELEMENTS (status_names))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Unknown run status %d"), (int) status);
      return FALSE;
    }
  return cari_store_sql_change (
    s,
    STORE_SQL ("UPDATE runs SET status = ?2, message = ?3, "
               "started_at = CASE WHEN ?2 = 'running' THEN coalesce (started_at, ?4) "
               "  ELSE started_at END, "
               "heartbeat = CASE WHEN ?2 = 'running' THEN ?4 ELSE heartbeat END, "
               "finished_at = CASE WHEN ?5 THEN ?4 WHEN ?2 = 'running' THEN NULL "
               "  ELSE finished_at END "
               "WHERE id = ?1",
               SQL_INT (run), SQL_TEXT (status_names[status]), SQL_TEXT (message),
               SQL_REAL (cari_store_now ()), SQL_INT (cari_run_status_is_terminal (status))),
    STORE_RUN, run, error);
}

gboolean
cari_store_heartbeat (CariStore *s, gint64 run, GError **error)
{
  return cari_store_sql_change (s,
                                STORE_SQL ("UPDATE runs SET heartbeat = ?2 WHERE id = ?1",
                                           SQL_INT (run), SQL_REAL (cari_store_now ())),
                                STORE_RUN, run, error);
}

gboolean
cari_store_rename_run (CariStore *s, gint64 run, const char *name, GError **error)
{
  g_return_val_if_fail (name != NULL, FALSE);
  if (!cari_store_check_name (name, TRUE, error)
      || !write_name (s, STORE_SQL ("UPDATE runs SET name = ?2 WHERE id = ?1", SQL_INT (run),
                                    SQL_TEXT (name)),
                      name, error))
    return FALSE;
  if (cari_store_sql_changes (s) == 0)
    {
      cari_store_not_found (s, STORE_RUN, run, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
cari_store_delete_run (CariStore *s, gint64 run, GError **error)
{
  return cari_store_delete (s, STORE_RUN, run, error);
}

gboolean
cari_store_find_run (CariStore *s, const char *name_or_id, gint64 *run, GError **error)
{
  return cari_store_find (s, STORE_RUN, name_or_id, run, error);
}

void
cari_run_info_free (CariRunInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->config);
  g_free (info->message);
  g_free (info->owner);
  g_free (info);
}

#define RUN_COLUMNS                                                                            \
  "SELECT id, name, dataset_id, config, seed, status, heartbeat, created_at, started_at, "     \
  "finished_at, parent_run, message, (SELECT max(step) FROM metrics WHERE run_id = runs.id), " \
  "owner FROM runs "

static double
column_time (sqlite3_stmt *st, int col)
{
  return sqlite3_column_type (st, col) == SQLITE_NULL ? 0.0 : sqlite3_column_double (st, col);
}

/* Reading rows of RUN_COLUMNS into `runs`, with the stale-heartbeat rule applied at `now`. */
typedef struct
{
  GPtrArray *runs;
  double now, stale_after;
} RunReader;

static gboolean
read_run (sqlite3_stmt *st, gpointer data, GError **error)
{
  RunReader *r = data;
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
  info->owner = g_strdup ((const char *) sqlite3_column_text (st, 13));
  /* A killed process never says it stopped: a running run whose heartbeat is older than the
   * stale delay is over. */
  if (info->status == CARI_RUN_RUNNING
      && (info->heartbeat == 0.0 || r->now - info->heartbeat > r->stale_after))
    info->status = CARI_RUN_INTERRUPTED;
  g_ptr_array_add (r->runs, info);
  return TRUE;
}

/* The runs of RUN_COLUMNS `q`, with the stale-heartbeat rule; NULL with `error` set. */
static GPtrArray *
read_runs (CariStore *s, StoreQuery q, StoreThing thing, gint64 id, GError **error)
{
  RunReader r = { g_ptr_array_new_with_free_func ((GDestroyNotify) cari_run_info_free),
                  cari_store_now (), cari_store_stale_after (s) };
  gboolean ok = thing == STORE_NOTHING ? cari_store_sql_each (s, q, read_run, &r, error)
                                       : cari_store_sql_one (s, q, thing, id, read_run, &r, error);
  if (!ok)
    g_clear_pointer (&r.runs, g_ptr_array_unref);
  return r.runs;
}

CariRunInfo *
cari_store_get_run (CariStore *s, gint64 run, GError **error)
{
  g_autoptr (GPtrArray) runs
    = read_runs (s, STORE_SQL (RUN_COLUMNS "WHERE id = ?1", SQL_INT (run)), STORE_RUN, run, error);
  return runs != NULL ? g_ptr_array_steal_index (runs, 0) : NULL;
}

GPtrArray *
cari_store_list_runs (CariStore *s, GError **error)
{
  return read_runs (s, STORE_SQL0 (RUN_COLUMNS "ORDER BY id"), STORE_NOTHING, 0, error);
}

const char *
cari_store_owner_self (void)
{
  static char *self = NULL;
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      self = g_strdup_printf ("%s:%d", g_get_host_name (), (int) getpid ());
      g_once_init_leave (&once, 1);
    }
  return self;
}

/* Whether `owner` ("host:pid") names a process of this machine that still exists. */
static gboolean
owner_alive_here (const char *owner, gboolean *here)
{
  const char *colon = owner != NULL ? strrchr (owner, ':') : NULL;
  *here = FALSE;
  if (colon == NULL)
    return FALSE;
  g_autofree char *host = g_strndup (owner, (gsize) (colon - owner));
  *here = strcmp (host, g_get_host_name ()) == 0;
  char *end = NULL;
  gint64 pid = g_ascii_strtoll (colon + 1, &end, 10);
  if (!*here || end == colon + 1 || *end != '\0' || pid <= 0 || pid > G_MAXINT)
    return FALSE;
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

gboolean
cari_store_run_held (CariStore *s, const CariRunInfo *info, gboolean active, GError **error)
{
  if (!active || info->owner == NULL || strcmp (info->owner, cari_store_owner_self ()) == 0)
    return FALSE;
  gboolean here;
  gboolean alive = owner_alive_here (info->owner, &here);
  double age = cari_store_now () - info->heartbeat;
  /* On this machine the process tells; elsewhere, a running run's fresh heartbeat (a paused
   * one does not beat: it is taken for held until it is stale). */
  if (here ? !alive : !(info->heartbeat > 0.0 && age <= cari_store_stale_after (s)))
    return FALSE;
  if (here)
    g_set_error (error, CARI_ERROR, CARI_ERROR_BUSY,
                 _("Run “%s” is held by process %s of this machine, which is still "
                   "alive: stop it there first (Ctrl-C checkpoints it)"),
                 info->name, info->owner);
  else
    g_set_error (error, CARI_ERROR, CARI_ERROR_BUSY,
                 _("Run “%s” is held by %s on another machine (heartbeat %.0f s ago): "
                   "stop it there first, or wait until its heartbeat is older than "
                   "%.0f s"),
                 info->name, info->owner, age, cari_store_stale_after (s));
  return TRUE;
}

gboolean
cari_store_claim_run (CariStore *s, gint64 run, GError **error)
{
  if (!cari_store_begin (s, TRUE, error))
    return FALSE;
  g_autoptr (GPtrArray) runs
    = read_runs (s, STORE_SQL (RUN_COLUMNS "WHERE id = ?1", SQL_INT (run)), STORE_RUN, run, error);
  if (runs == NULL)
    {
      cari_store_rollback (s);
      return FALSE;
    }
  const CariRunInfo *info = g_ptr_array_index (runs, 0);
  const char *self = cari_store_owner_self ();
  /* The status as written, before the stale-heartbeat rule: a live process whose heartbeat is
   * late (stopped by a debugger, swapping) still holds its run. */
  gint64 active = 0;
  if (!cari_store_sql_one (s,
                           STORE_SQL ("SELECT status IN ('running', 'paused') FROM runs "
                                      "WHERE id = ?1",
                                      SQL_INT (run)),
                           STORE_RUN, run, cari_store_sql_int64, &active, error))
    {
      cari_store_rollback (s);
      return FALSE;
    }
  if (cari_store_run_held (s, info, active, error))
    {
      cari_store_rollback (s);
      return FALSE;
    }
  double now = cari_store_now ();
  if (!cari_store_sql_change (
        s,
        STORE_SQL ("UPDATE runs SET owner = ?2, status = 'running', heartbeat = ?3, "
                   "started_at = coalesce (started_at, ?3), finished_at = NULL WHERE id = ?1",
                   SQL_INT (run), SQL_TEXT (self), SQL_REAL (now)),
        STORE_RUN, run, error))
    {
      cari_store_rollback (s);
      return FALSE;
    }
  return cari_store_commit (s, error);
}
