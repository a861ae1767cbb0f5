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
  g_autofree char *def = cari_store_default_path ();
  const char *path = cari_store_get_path (store);
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, run);
  if (g_strcmp0 (def, path) == 0)
    return g_build_filename (g_get_user_data_dir (), "carilab", "runs", name, NULL);
  g_autofree char *beside = g_strdup_printf ("%s.runs", path);
  return g_build_filename (beside, name, NULL);
}

typedef struct
{
  CariStore *store;
  gint64 run;
  GArray *pending; /* CariMetric, keys are static strings */
  gint64 last_flush_us;
  CariRunReport *report;
} Recorder;

static void
record (Recorder *r, guint64 step, double wall, const char *key, double value)
{
  CariMetric m = { (gint64) step, wall, key, value };
  g_array_append_val (r->pending, m);
}

static gboolean
flush (Recorder *r, GError **error)
{
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok = TRUE;
  if (r->pending->len > 0)
    ok = cari_store_append_metrics (r->store, r->run, (const CariMetric *) (void *) r->pending->data,
                                    r->pending->len, error);
  else
    ok = cari_store_heartbeat (r->store, r->run, error);
  g_array_set_size (r->pending, 0);
  r->last_flush_us = g_get_monotonic_time ();
  r->report->store_seconds += (double) (r->last_flush_us - t0) * 1e-6;
  return ok;
}

static gboolean
write_checkpoint (CariTrainer *trainer, CariStore *store, gint64 run, CariRunReport *report,
                  GError **error)
{
  gint64 t0 = g_get_monotonic_time ();
  g_autofree char *dir = cari_run_checkpoint_dir (store, run);
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
  if (!cari_checkpoint_write (ck, path, error))
    return FALSE;
  report->checkpoint_seconds += (double) (g_get_monotonic_time () - t0) * 1e-6;
  /* Only a checkpoint that is on disk is recorded. */
  gint64 t1 = g_get_monotonic_time ();
  gboolean ok = cari_store_add_checkpoint (store, run, (gint64) cari_trainer_get_step (trainer),
                                           path, NULL, error);
  report->store_seconds += (double) (g_get_monotonic_time () - t1) * 1e-6;
  return ok;
}

static void
set_final_status (CariStore *store, gint64 run, CariRunStatus status, const char *message)
{
  /* Best effort: when the store is what failed, this may fail too, and the stale heartbeat will
   * show the run as interrupted. */
  g_autoptr (GError) ignored = NULL;
  cari_store_set_run_status (store, run, status, message, &ignored);
}

gboolean
cari_run_execute (CariTrainer *trainer, CariStore *store, gint64 run,
                  const CariRunCallbacks *cb, CariRunReport *report, GError **error)
{
  const CariRunConfig *cfg = cari_trainer_get_config (trainer);
  const guint64 total = (guint64) cfg->steps;
  CariRunReport local_report = { 0 };
  Recorder r = { store, run, g_array_new (FALSE, FALSE, sizeof (CariMetric)), 0, NULL };
  g_autoptr (GError) local = NULL;
  CariRunStatus status = CARI_RUN_FINISHED;
  guint64 last_checkpoint = cari_trainer_get_step (trainer);
  const int n_images = cfg->caricatures + cfg->photos;

  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);
  r.report = report;
  r.last_flush_us = g_get_monotonic_time ();

  gint64 t_store = g_get_monotonic_time ();
  if (!cari_store_set_run_status (store, run, CARI_RUN_RUNNING, NULL, error))
    {
      g_array_unref (r.pending);
      return FALSE;
    }
  report->store_seconds += (double) (g_get_monotonic_time () - t_store) * 1e-6;

  while (cari_trainer_get_step (trainer) < total)
    {
      CariStepStats st;
      /* A paused run says so in the store (so a watcher does not take it for a dead one), with
       * its metrics flushed; it is running again once resumed. */
      gboolean paused = cari_trainer_is_paused (trainer) && !cari_trainer_is_cancelled (trainer);
      if (paused && (!flush (&r, &local)
                     || !cari_store_set_run_status (store, run, CARI_RUN_PAUSED, NULL, &local)))
        {
          status = CARI_RUN_FAILED;
          break;
        }
      if (!cari_trainer_wait_if_paused (trainer))
        {
          status = CARI_RUN_CANCELLED;
          break;
        }
      if (paused && !cari_store_set_run_status (store, run, CARI_RUN_RUNNING, NULL, &local))
        {
          status = CARI_RUN_FAILED;
          break;
        }
      if (!cari_trainer_step (trainer, &st, &local))
        {
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
      if (due && !flush (&r, &local))
        {
          status = CARI_RUN_FAILED;
          break;
        }
      if (cfg->checkpoint_every > 0 && st.step % (guint64) cfg->checkpoint_every == 0)
        {
          /* Metrics up to the checkpoint are in the store before the checkpoint is. */
          if (!flush (&r, &local) || !write_checkpoint (trainer, store, run, report, &local))
            {
              status = CARI_RUN_FAILED;
              break;
            }
          last_checkpoint = st.step;
        }
      if (cb != NULL && cb->progress != NULL)
        cb->progress (&st, total, cb->user_data);
    }

  /* Wind down: what is pending, a last checkpoint unless the state is bad, the status. */
  if (status == CARI_RUN_FINISHED || status == CARI_RUN_CANCELLED)
    {
      if (!flush (&r, &local)
          || (cari_trainer_get_step (trainer) != last_checkpoint
              && !write_checkpoint (trainer, store, run, report, &local)))
        status = CARI_RUN_FAILED;
    }
  else if (status == CARI_RUN_DIVERGED)
    {
      /* Keep the metrics that led there; the diverged state itself is not checkpointed. */
      g_autoptr (GError) ignored = NULL;
      flush (&r, &ignored);
    }
  report->status = status;
  set_final_status (store, run, status, local != NULL ? local->message : NULL);
  g_array_unref (r.pending);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

gboolean
cari_run_prepare_resume (CariStore *store, gint64 run, char **checkpoint_path, gint64 *step,
                         GError **error)
{
  if (!cari_store_latest_checkpoint (store, run, -1, step, checkpoint_path, error))
    return FALSE;
  return cari_store_delete_metrics_after (store, run, *step, error);
}
