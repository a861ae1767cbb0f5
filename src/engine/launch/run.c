/* run.c — the training loop over the store. */
#include "launch/run.h"

#include "core/error.h"
#include "core/i18n.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

char *
cari_run_checkpoint_dir (CariStore *store, gint64 run)
{
  /* Absolute, whatever the folder the store was opened from: the path is recorded, and read
   * back by processes that run elsewhere. */
  g_autofree char *def_path = cari_store_default_path ();
  g_autofree char *def = g_canonicalize_filename (def_path, NULL);
  const char *path = cari_store_get_absolute_path (store);
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, run);
  if (g_strcmp0 (def, path) == 0)
    return g_build_filename (g_get_user_data_dir (), "carilab", "runs", name, NULL);
  g_autofree char *beside = g_strdup_printf ("%s.runs", path);
  return g_build_filename (beside, name, NULL);
}

/* While another program holds the database's write lock, a run goes on training and keeps what
 * it would have written; it retries after RETRY_FIRST_S, doubling to RETRY_MAX_S, each retry
 * waiting only RETRY_BUSY_MS for the lock so that training is not held up. */
#define RETRY_FIRST_S 0.25
#define RETRY_MAX_S 30.0
#define RETRY_BUSY_MS 100
/* 128 MiB of rows: about five hours of a paper run's metrics. */
#define MAX_PENDING_ROWS (4u << 20)

typedef struct
{
  gint64 step;
  char *path;
  char *checksum; /* the header's, "%08x" */
} PendingCheckpoint;

static void
pending_checkpoint_clear (gpointer data)
{
  g_free (((PendingCheckpoint *) data)->path);
  g_free (((PendingCheckpoint *) data)->checksum);
}

/* What the run has to write to the store, in order: metric rows, then the checkpoints they lead
 * to, then a status change. */
typedef struct
{
  CariStore *store;
  gint64 run;
  GArray *pending;     /* CariMetric, keys are static strings */
  GArray *checkpoints; /* PendingCheckpoint: on disk, not yet recorded */
  gboolean has_status;
  CariRunStatus status;
  char *message;
  gint64 last_flush_us;
  CariRunReport *report;
  const CariRunCallbacks *cb;
  double locked_wait;     /* seconds */
  int busy_ms;            /* the store's busy timeout outside retries */
  gint64 locked_since_us; /* 0 while the store accepts writes */
  gint64 retry_at_us;
  double backoff_s;
} Recorder;

static void
record (Recorder *r, guint64 step, double wall, const char *key, double value)
{
  CariMetric m = { (gint64) step, wall, key, value };
  g_array_append_val (r->pending, m);
}

static void
notice (Recorder *r, const char *text)
{
  if (r->cb != NULL && r->cb->notice != NULL)
    r->cb->notice (text, r->cb->user_data);
}

/* Writes what is pending, each part removed once written: a failure leaves the rest. */
static gboolean
write_pending (Recorder *r, GError **error)
{
  if (r->pending->len > 0)
    {
      if (!cari_store_append_metrics (r->store, r->run,
                                      (const CariMetric *) (void *) r->pending->data,
                                      r->pending->len, error))
        return FALSE;
      g_array_set_size (r->pending, 0);
    }
  else if (!r->has_status && !cari_store_heartbeat (r->store, r->run, error))
    return FALSE;
  while (r->checkpoints->len > 0)
    {
      PendingCheckpoint *c = &g_array_index (r->checkpoints, PendingCheckpoint, 0);
      if (!cari_store_add_checkpoint (r->store, r->run, c->step, c->path, c->checksum, error))
        return FALSE;
      g_array_remove_index (r->checkpoints, 0);
    }
  if (r->has_status)
    {
      if (!cari_store_set_run_status (r->store, r->run, r->status, r->message, error))
        return FALSE;
      r->has_status = FALSE;
      g_clear_pointer (&r->message, g_free);
    }
  return TRUE;
}

/* Writes what is pending. A store locked by another program is waited for: with `must`, here
 * (sleeping between retries); without, by keeping everything for a later call (see
 * flush_if_due). Fails on any other error, and once the store has refused writes for
 * `locked_wait` seconds or the rows kept outgrow MAX_PENDING_ROWS. */
static gboolean
flush_as (Recorder *r, gboolean must, GError **error)
{
  for (;;)
    {
      g_autoptr (GError) local = NULL;
      gint64 t0 = g_get_monotonic_time ();
      if (r->locked_since_us != 0)
        cari_store_set_busy_timeout (r->store, MIN (RETRY_BUSY_MS, r->busy_ms));
      gboolean ok = write_pending (r, &local);
      cari_store_set_busy_timeout (r->store, r->busy_ms);
      gint64 now = g_get_monotonic_time ();
      r->report->store_seconds += (double) (now - t0) * 1e-6;
      if (ok)
        {
          if (r->locked_since_us != 0)
            {
              g_autofree char *text = g_strdup_printf (
                _("The run database accepts writes again (after %.0f s): nothing was lost"),
                (double) (now - r->locked_since_us) * 1e-6);
              notice (r, text);
              r->locked_since_us = 0;
            }
          r->last_flush_us = now;
          return TRUE;
        }
      if (!g_error_matches (local, CARI_ERROR, CARI_ERROR_LOCKED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (r->locked_since_us == 0)
        {
          /* The first refusal came after the full busy timeout. */
          r->locked_since_us = t0;
          r->backoff_s = RETRY_FIRST_S;
          g_autofree char *text = g_strdup_printf (
            _("The run database is locked by another program: training goes on and retries "
              "writing for up to %.0f s"),
            r->locked_wait);
          notice (r, text);
        }
      double waited = (double) (now - r->locked_since_us) * 1e-6;
      if (waited >= r->locked_wait || r->pending->len > MAX_PENDING_ROWS)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_LOCKED,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "%s; no write succeeded for %.0f s (schedule.locked_wait), "
                                    "and the %u metric row kept in memory is lost",
                                    "%s; no write succeeded for %.0f s (schedule.locked_wait), "
                                    "and the %u metric rows kept in memory are lost",
                                    r->pending->len),
                       local->message, waited, r->pending->len);
          return FALSE;
        }
      double delay = MIN (r->backoff_s, r->locked_wait - waited);
      r->retry_at_us = now + (gint64) (delay * 1e6);
      r->backoff_s = MIN (r->backoff_s * 2.0, RETRY_MAX_S);
      if (!must)
        return TRUE;
      g_usleep ((gulong) (delay * 1e6));
    }
}

/* A flush that does not wait: while the store is locked, only when the next retry is due. */
static gboolean
flush_if_due (Recorder *r, GError **error)
{
  if (r->locked_since_us != 0 && g_get_monotonic_time () < r->retry_at_us)
    return TRUE;
  return flush_as (r, FALSE, error);
}

/* Queues a status change behind what is pending and writes everything, waiting for a lock. */
static gboolean
change_status (Recorder *r, CariRunStatus status, const char *message, GError **error)
{
  r->has_status = TRUE;
  r->status = status;
  g_free (r->message);
  r->message = g_strdup (message);
  return flush_as (r, TRUE, error);
}

static gboolean
write_checkpoint (CariTrainer *trainer, Recorder *r, GError **error)
{
  gint64 t0 = g_get_monotonic_time ();
  g_autofree char *dir = cari_run_checkpoint_dir (r->store, r->run);
  g_autofree char *file = g_strdup_printf ("step-%08" G_GUINT64_FORMAT ".ckpt",
                                           cari_trainer_get_step (trainer));
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr (CariCheckpoint) ck = cari_trainer_checkpoint (trainer);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot create the folder “%s”: %s"), dir,
                   g_strerror (saved));
      return FALSE;
    }
  CariCheckpointInfo info;
  if (!cari_checkpoint_write (ck, path, error) || !cari_checkpoint_read_info (path, &info, error))
    return FALSE;
  r->report->checkpoint_seconds += (double) (g_get_monotonic_time () - t0) * 1e-6;
  /* Only a checkpoint that is on disk is recorded, after the metrics up to it, with the
   * checksum its header holds (which covers the whole file), for `carilab-cli checkpoints
   * --verify`. */
  PendingCheckpoint c = { (gint64) cari_trainer_get_step (trainer), g_steal_pointer (&path),
                          g_strdup_printf ("%08x", info.checksum) };
  g_array_append_val (r->checkpoints, c);
  return flush_if_due (r, error);
}

/* The final status, with what is still pending. When the store is what failed (full,
 * read-only), the pending rows are dropped for a last try at the status alone; if that fails
 * too, the stale heartbeat will show the run as interrupted. */
static void
set_final_status (Recorder *r, CariRunStatus status, const char *message)
{
  g_autoptr (GError) ignored = NULL;
  if (change_status (r, status, message, &ignored))
    return;
  g_array_set_size (r->pending, 0);
  g_array_set_size (r->checkpoints, 0);
  g_clear_error (&ignored);
  r->locked_since_us = 0;
  cari_store_set_run_status (r->store, r->run, status, message, &ignored);
}

gboolean
cari_run_execute (CariTrainer *trainer, CariStore *store, gint64 run,
                  const CariRunCallbacks *cb, CariRunReport *report, GError **error)
{
  const CariRunConfig *cfg = cari_trainer_get_config (trainer);
  const guint64 total = (guint64) cfg->steps;
  CariRunReport local_report = { 0 };
  Recorder r = { 0 };
  g_autoptr (GError) local = NULL;
  CariRunStatus status = CARI_RUN_FINISHED;
  guint64 last_checkpoint = cari_trainer_get_step (trainer);
  const int n_images = cfg->caricatures + cfg->photos;
  gboolean step_failed = FALSE;

  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);
  r.store = store;
  r.run = run;
  r.pending = g_array_new (FALSE, FALSE, sizeof (CariMetric));
  r.checkpoints = g_array_new (FALSE, FALSE, sizeof (PendingCheckpoint));
  g_array_set_clear_func (r.checkpoints, pending_checkpoint_clear);
  r.report = report;
  r.cb = cb;
  r.locked_wait = cfg->locked_wait;
  r.busy_ms = cari_store_get_busy_timeout (store);
  r.last_flush_us = g_get_monotonic_time ();

  if (!change_status (&r, CARI_RUN_RUNNING, NULL, error))
    {
      g_array_unref (r.pending);
      g_array_unref (r.checkpoints);
      return FALSE;
    }

  while (cari_trainer_get_step (trainer) < total)
    {
      CariStepStats st;
      /* A paused run says so in the store (so a watcher does not take it for a dead one), with
       * its metrics flushed; it is running again once resumed. */
      gboolean paused = cari_trainer_is_paused (trainer) && !cari_trainer_is_cancelled (trainer);
      if (paused && !change_status (&r, CARI_RUN_PAUSED, NULL, &local))
        {
          status = CARI_RUN_FAILED;
          break;
        }
      if (!cari_trainer_wait_if_paused (trainer))
        {
          status = CARI_RUN_CANCELLED;
          break;
        }
      if (paused && !change_status (&r, CARI_RUN_RUNNING, NULL, &local))
        {
          status = CARI_RUN_FAILED;
          break;
        }
      if (!cari_trainer_step (trainer, &st, &local))
        {
          step_failed = TRUE;
          if (g_error_matches (local, CARI_ERROR, CARI_ERROR_CANCELLED))
            {
              g_clear_error (&local);
              status = CARI_RUN_CANCELLED;
            }
          else
            status = g_error_matches (local, CARI_ERROR, CARI_ERROR_DIVERGED) ? CARI_RUN_DIVERGED
                                                                              : CARI_RUN_FAILED;
          break;
        }
      report->steps_done++;
      report->train_seconds += st.seconds;

      double wall = (double) g_get_real_time () * 1e-6;
      for (int task = 0; task < CARI_N_TASKS; task++)
        if (st.present[task])
          {
            record (&r, st.step, wall, cari_metric_key_loss (task), st.loss[task]);
            record (&r, st.step, wall, cari_metric_key_weight (task), st.weight[task]);
          }
      if (cari_net_task_weights (cari_trainer_get_net (trainer), NULL) != NULL)
        {
          record (&r, st.step, wall, CARI_METRIC_LOSS_L4, st.l4);
          record (&r, st.step, wall, CARI_METRIC_MODULE_LR, st.module_lr);
        }
      record (&r, st.step, wall, CARI_METRIC_LOSS_TOTAL, st.total);
      record (&r, st.step, wall, CARI_METRIC_LR, st.lr);
      record (&r, st.step, wall, CARI_METRIC_IMAGES_PER_S,
              st.seconds > 0 ? n_images / st.seconds : 0.0);
      if (st.skipped_images > 0)
        record (&r, st.step, wall, CARI_METRIC_SKIPPED_IMAGES, st.skipped_images);
      if (cari_trainer_get_comm (trainer) != NULL && st.seconds > 0)
        record (&r, st.step, wall, CARI_METRIC_COMM_SHARE, st.comm_seconds / st.seconds);

      if (cfg->eval_every > 0 && st.step % (guint64) cfg->eval_every == 0)
        {
          g_autoptr (GHashTable) results = cari_trainer_validate (trainer, &local);
          if (results == NULL)
            {
              status = CARI_RUN_FAILED;
              break;
            }
          GHashTableIter it;
          gpointer key, value;
          g_hash_table_iter_init (&it, results);
          while (g_hash_table_iter_next (&it, &key, &value))
            {
              /* The key must outlive the flush: keep the canonical static names. */
              const char *k = g_intern_string (key);
              record (&r, st.step, wall, k, *(double *) value);
            }
          if (cb != NULL && cb->evaluated != NULL)
            cb->evaluated (st.step, results, cb->user_data);
        }

      gboolean due = r.pending->len > 0
                     && (st.step % (guint64) cfg->flush_every == 0
                         || (double) (g_get_monotonic_time () - r.last_flush_us) * 1e-6
                              >= cfg->flush_seconds);
      if (due && !flush_if_due (&r, &local))
        {
          status = CARI_RUN_FAILED;
          break;
        }
      if (cfg->checkpoint_every > 0 && st.step % (guint64) cfg->checkpoint_every == 0)
        {
          if (!write_checkpoint (trainer, &r, &local))
            {
              status = CARI_RUN_FAILED;
              break;
            }
          last_checkpoint = st.step;
        }
      if (cb != NULL && cb->progress != NULL)
        cb->progress (&st, total, cb->user_data);
    }

  /* The group's other ranks wait for the next step: stop them, with why (a failed step has
   * stopped them already). */
  if (!step_failed && cari_trainer_get_step (trainer) < total)
    {
      g_autoptr (GError) why = NULL;
      if (local != NULL)
        why = g_error_copy (local);
      else
        g_set_error (&why, CARI_ERROR, CARI_ERROR_CANCELLED, _("Training was cancelled"));
      cari_trainer_stop_group (trainer, why);
    }

  /* Wind down: a last checkpoint unless the state is bad, then what is pending with the
   * status; a run that failed or diverged keeps the metrics that led there. */
  if ((status == CARI_RUN_FINISHED || status == CARI_RUN_CANCELLED)
      && cari_trainer_get_step (trainer) != last_checkpoint
      && !write_checkpoint (trainer, &r, &local))
    status = CARI_RUN_FAILED;
  if (status == CARI_RUN_FINISHED || status == CARI_RUN_CANCELLED)
    {
      /* Everything written, or the run failed: it must not read finished without its rows. */
      if (!change_status (&r, status, NULL, &local))
        status = CARI_RUN_FAILED;
    }
  report->status = status;
  if (status != CARI_RUN_FINISHED && status != CARI_RUN_CANCELLED)
    set_final_status (&r, status, local != NULL ? local->message : NULL);
  g_array_unref (r.pending);
  g_array_unref (r.checkpoints);
  g_free (r.message);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

gboolean
cari_run_prepare_resume (CariStore *store, gint64 run, CariResumeLoad load, gpointer user_data,
                         gint64 *step, char **notice, GError **error)
{
  g_autoptr (GArray) rows = cari_store_list_checkpoints (store, run, error);
  if (rows == NULL)
    return FALSE;
  if (rows->len == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("Run %lld has no checkpoint in the run database “%s”"), (long long) run,
                   cari_store_get_path (store));
      return FALSE;
    }
  /* Why each newer checkpoint did not load, each naming its file. */
  g_autoptr (GString) skipped = g_string_new (NULL);
  int first_code = CARI_ERROR_CORRUPT;
  for (guint i = 0; i < rows->len; i++)
    {
      const CariCheckpointRow *row = &g_array_index (rows, CariCheckpointRow, i);
      g_autoptr (GError) why = NULL;
      g_autoptr (CariCheckpoint) ck = cari_checkpoint_read (row->path, &why);
      if (ck != NULL && load (ck, user_data, &why))
        {
          /* Loaded: only now may what came after it go. */
          if (!cari_store_delete_metrics_after (store, run, row->step, error))
            return FALSE;
          *step = row->step;
          if (notice != NULL)
            *notice = i == 0 ? NULL
                             : g_strdup_printf (_("Run %lld goes on from its checkpoint at step "
                                                  "%lld (“%s”), the newest that loads; skipped: "
                                                  "%s"),
                                                (long long) run, (long long) row->step, row->path,
                                                skipped->str);
          return TRUE;
        }
      if (i == 0 && why->domain == CARI_ERROR)
        first_code = why->code;
      g_string_append (skipped, i > 0 ? "; " : "");
      if (strstr (why->message, row->path) == NULL)
        g_string_append_printf (skipped, "“%s”: ", row->path);
      g_string_append (skipped, why->message);
    }
  g_set_error (error, CARI_ERROR, first_code,
               _("Run %lld cannot go on: none of its %u checkpoints loads: %s"), (long long) run,
               rows->len, skipped->str);
  return FALSE;
}
