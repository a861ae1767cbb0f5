/* start.c — queueing runs and executing them: the one path from a stored run's configuration to
 * its trainer and the run loop, for the CLI and the workbench alike. */
#include "launch/launch-private.h"

#include "core/error.h"
#include "core/i18n.h"
#include "interop/weights.h"
#include "nn/checkpoint.h"

#include <glib/gstdio.h>
#include <string.h>

static char *
run_name (const CariRunConfig *cfg)
{
  if (cfg->name != NULL && cfg->name[0] != '\0')
    return g_strdup (cfg->name);
  return g_strdup_printf ("%s-%lld", cari_strategy_to_string (cfg->strategy),
                          (long long) (g_get_real_time () / 1000));
}

/* The run init.from names, when it names a run rather than a file (0 otherwise). */
static gint64
init_run (CariStore *store, const CariRunConfig *cfg)
{
  gint64 parent = 0;
  if (cfg->init_from != NULL && cfg->init_from[0] != '\0'
      && !g_file_test (cfg->init_from, G_FILE_TEST_EXISTS))
    cari_store_find_run (store, cfg->init_from, &parent, NULL);
  return parent;
}

gint64
cari_launch_queue_run (CariStore *store, const CariRunConfig *cfg, GError **error)
{
  /* The data set row is set when the run starts: it may not be prepared yet. */
  gint64 dataset = 0;
  cari_store_find_dataset (store, cari_launch_dataset_name (cfg), &dataset, NULL);
  g_autofree char *text = cari_run_config_to_text (cfg);
  g_autofree char *name = run_name (cfg);
  return cari_store_create_run (store, name, dataset, text, cfg->seed, init_run (store, cfg),
                                error);
}

/* init.from: the checkpoint file it names, or the latest checkpoint of the run it names. */
static gboolean
apply_init (CariStore *store, const CariRunConfig *cfg, CariTrainer *trainer,
            const CariLaunchCallbacks *cb, GError **error)
{
  if (cfg->init_from == NULL || cfg->init_from[0] == '\0')
    return TRUE;
  gint64 parent = init_run (store, cfg);
  g_autofree char *from = NULL;
  if (parent == 0)
    from = g_strdup (cfg->init_from);
  else if (!cari_store_latest_checkpoint (store, parent, -1, NULL, &from, error))
    {
      g_prefix_error (error, "init.from: ");
      return FALSE;
    }
  if (parent == 0 && g_str_has_suffix (from, ".safetensors"))
    {
      /* Weights from another tool: every tensor must fit unless init.partial says otherwise. */
      g_autofree char *report = NULL;
      g_autoptr (CariSafetensors) st = cari_safetensors_read (from, error);
      CariNet *net = cari_trainer_get_net (trainer);
      if (st == NULL || !cari_weights_load (net, st, cfg->init_partial, &report, error)
          || (cfg->branches_from_visual && !cari_net_init_branches_from_visual (net, error)))
        {
          g_prefix_error (error, "init.from: ");
          return FALSE;
        }
      /* What was loaded goes where the host shows notices (a partial load is worth reading). */
      g_autofree char *notice = g_strdup_printf (_("Weights from %s: %s"), from, report);
      if (cb->run.notice != NULL)
        cb->run.notice (notice, cb->run.user_data);
      else
        g_debug ("%s", notice);
      return TRUE;
    }
  g_autoptr (CariCheckpoint) ck = cari_checkpoint_read (from, error);
  if (ck == NULL || !cari_trainer_init_from (trainer, ck, cfg->branches_from_visual, error))
    {
      g_prefix_error (error, "init.from: ");
      return FALSE;
    }
  return TRUE;
}

/* Restoring a trainer from one checkpoint after another until one loads. */
typedef struct
{
  const CariRunConfig *cfg;
  CariDataSource *source;
  CariTrainer *trainer; /* owned; NULL once a restore failed part-way */
  CariComm *comm;
} Restoring;

static gboolean
restore_trainer (const CariCheckpoint *ck, gpointer data, GError **error)
{
  Restoring *r = data;
  if (r->trainer == NULL
      && (r->trainer = cari_trainer_new_shared (r->cfg, r->source, r->comm, error)) == NULL)
    return FALSE;
  if (cari_trainer_restore (r->trainer, ck, error))
    return TRUE;
  /* A restore that failed part-way leaves a trainer that must not be used: the next checkpoint
   * gets a fresh one. */
  g_clear_pointer (&r->trainer, cari_trainer_free);
  return FALSE;
}

/* The trainer of a stored run over `source`, ready to execute: a run without a checkpoint from
 * its start, any other from the newest checkpoint that loads. *step receives the step it goes
 * on from. */
static CariTrainer *
prepare_trainer (CariStore *store, gint64 run, const CariRunInfo *info, const CariRunConfig *cfg,
                 CariDataSource *source, CariComm *comm, const CariLaunchCallbacks *cb,
                 guint64 *step, GError **error)
{
  g_autoptr (CariTrainer) trainer = cari_trainer_new_shared (cfg, source, comm, error);
  if (trainer == NULL)
    return NULL;
  if (info->dataset_id <= 0)
    {
      gint64 dataset = cari_launch_dataset_row (store, cfg, error);
      if (dataset <= 0 || !cari_store_set_run_dataset (store, run, dataset, error))
        return NULL;
    }
  /* The run is ours (claimed): a temporary file in its folder is a write a kill interrupted. */
  g_autofree char *dir = cari_run_checkpoint_dir (store, run);
  cari_checkpoint_remove_temporaries (dir);
  *step = 0;
  g_autoptr (GError) none = NULL;
  if (!cari_store_latest_checkpoint (store, run, -1, NULL, NULL, &none))
    {
      if (!g_error_matches (none, CARI_ERROR, CARI_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&none));
          return NULL;
        }
      /* From the start: nothing recorded before counts. */
      if (!cari_store_delete_metrics_after (store, run, -1, error)
          || !apply_init (store, cfg, trainer, cb, error))
        return NULL;
      return g_steal_pointer (&trainer);
    }
  Restoring r = { cfg, source, g_steal_pointer (&trainer), comm };
  g_autofree char *notice = NULL;
  gint64 from = 0;
  gboolean ok = cari_run_prepare_resume (store, run, restore_trainer, &r, &from, &notice, error);
  g_autoptr (CariTrainer) restored = r.trainer;
  if (!ok)
    return NULL;
  if (notice != NULL && cb->run.notice != NULL)
    cb->run.notice (notice, cb->run.user_data);
  else if (notice != NULL)
    g_debug ("%s", notice);
  *step = (guint64) from;
  return g_steal_pointer (&restored);
}

/* ---------------------------------------------------------------------------- a group */

/* The data set of `cfg` as the bytes of a run database holding it alone (NULL for the toy set,
 * which every rank generates itself): the other ranks of a group open their own copy, never the
 * shared database (its WAL does not work across a network file system). */
static GBytes *
dataset_bytes (CariStore *store, const CariRunConfig *cfg, GError **error)
{
  const char *name = cari_launch_dataset_name (cfg);
  if (strcmp (name, "toy") == 0)
    return NULL;
  g_autoptr (CariDatasetIndex) index = cari_launch_dataset_index (store, name, NULL, NULL, error);
  if (index == NULL)
    return NULL;
  g_autofree char *dir = g_dir_make_tmp ("carilab-rank-XXXXXX", error);
  if (dir == NULL)
    return NULL;
  g_autofree char *path = g_build_filename (dir, "dataset.db", NULL);
  CariStore *copy = cari_store_open (path, 0, error);
  gboolean ok = copy != NULL && cari_store_import_dataset (copy, index, error) > 0;
  cari_store_close (copy);
  char *data = NULL;
  gsize len = 0;
  ok = ok && g_file_get_contents (path, &data, &len, error);
  cari_launch_remove_store_files (path);
  g_rmdir (dir);
  return ok ? g_bytes_new_take (data, len) : NULL;
}

void
cari_launch_remove_store_files (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_remove (file);
    }
}

/* A follower's data source from rank 0's data set bytes. */
static CariDataSource *
source_from_bytes (const CariRunConfig *cfg, GBytes *bytes, GError **error)
{
  if (bytes == NULL)
    return cari_launch_source (NULL, cfg, NULL, NULL, error);
  g_autofree char *dir = g_dir_make_tmp ("carilab-rank-XXXXXX", error);
  if (dir == NULL)
    return NULL;
  g_autofree char *path = g_build_filename (dir, "dataset.db", NULL);
  CariDataSource *source = NULL;
  if (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes),
                           error))
    {
      g_autoptr (CariStore) copy = cari_store_open (path, 0, error);
      source = copy != NULL ? cari_launch_source (copy, cfg, NULL, NULL, error) : NULL;
    }
  cari_launch_remove_store_files (path);
  g_rmdir (dir);
  return source;
}

/* Rank 0 hands the run to the others: whether it could prepare it (its error otherwise), then
 * the configuration, the data set and the trainer's state; every rank then says whether it is
 * ready. FALSE with the first failure, on every rank. */
static gboolean
hand_over (CariComm *comm, CariStore *store, const char *config_text, const CariRunConfig *cfg,
           CariTrainer *trainer, GError **error)
{
  if (!cari_comm_agree (comm, error))
    return FALSE;
  g_autoptr (GError) local = NULL;
  g_autoptr (GBytes) text = g_bytes_new (config_text, strlen (config_text) + 1);
  g_autoptr (GBytes) dataset = dataset_bytes (store, cfg, &local);
  g_autoptr (CariCheckpoint) ck = cari_trainer_checkpoint (trainer);
  g_autoptr (GBytes) state = cari_checkpoint_to_bytes (ck);
  if (!cari_comm_agree (comm, &local))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  cari_comm_broadcast_bytes (comm, &text, 0);
  cari_comm_broadcast_bytes (comm, &dataset, 0);
  cari_comm_broadcast_bytes (comm, &state, 0);
  /* The followers build theirs. */
  return cari_comm_agree (comm, error);
}

static gboolean
execute (CariStore *store, gint64 run, CariComm *comm, const CariLaunchCallbacks *cb,
         CariRunReport *report, GError **error)
{
  static const CariLaunchCallbacks none = { 0 };
  CariRunReport local_report;
  g_autoptr (GError) local = NULL;
  guint64 step = 0;

  if (cb == NULL)
    cb = &none;
  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);
  if (cari_comm_size (comm) <= 1)
    comm = NULL;

  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, &local);
  if (info != NULL && info->status == CARI_RUN_IMPORTED)
    {
      /* Weights from a file: there is nothing to train, and trying would mark it failed. */
      report->status = info->status;
      g_set_error (&local, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Run “%s” holds weights imported from a file and has no training to run or "
                     "resume; start a new run from it (init.from = %s)"),
                   info->name, info->name);
    }
  /* A run another live process executes is left alone, status and all: two writers of one run
   * would interleave its metrics and checkpoints. */
  else if (info != NULL && !cari_store_claim_run (store, run, &local))
    report->status = info->status;
  else if (info == NULL)
    report->status = CARI_RUN_FAILED;
  if (local != NULL)
    {
      cari_comm_agree (comm, &local);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (info->config, &local);
  g_autoptr (CariDataSource) source = cfg != NULL
                                        ? cari_launch_source (store, cfg, cb->preparing,
                                                              cb->user_data, &local)
                                        : NULL;
  g_autoptr (CariTrainer) trainer = source != NULL
                                      ? prepare_trainer (store, run, info, cfg, source, comm, cb,
                                                         &step, &local)
                                      : NULL;
  if (comm != NULL && !hand_over (comm, store, info->config, cfg, trainer, &local))
    g_clear_pointer (&trainer, cari_trainer_free);
  if (trainer == NULL)
    {
      /* A run that cannot start says why in the store, whoever tried to start it. */
      report->status = g_error_matches (local, CARI_ERROR, CARI_ERROR_CANCELLED)
                         ? CARI_RUN_CANCELLED
                         : CARI_RUN_FAILED;
      cari_store_set_run_status (store, run, report->status, local->message, NULL);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (cb->ready != NULL)
    cb->ready (info, trainer, step, cb->user_data);
  return cari_run_execute (trainer, store, run, &cb->run, report, error);
}

gboolean
cari_launch_execute (CariStore *store, gint64 run, const CariLaunchCallbacks *cb,
                     CariRunReport *report, GError **error)
{
  return execute (store, run, NULL, cb, report, error);
}

gboolean
cari_launch_execute_group (CariStore *store, gint64 run, CariComm *comm,
                           const CariLaunchCallbacks *cb, CariRunReport *report, GError **error)
{
  g_return_val_if_fail (cari_comm_rank (comm) == 0, FALSE);
  return execute (store, run, comm, cb, report, error);
}

gboolean
cari_launch_follow (CariComm *comm, const CariLaunchCallbacks *cb, GError **error)
{
  static const CariLaunchCallbacks none = { 0 };
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (cari_comm_rank (comm) > 0, FALSE);
  if (cb == NULL)
    cb = &none;
  /* Whether rank 0 could prepare the run, then whether it could hand it over. */
  if (!cari_comm_agree (comm, error) || !cari_comm_agree (comm, error))
    return FALSE;
  g_autoptr (GBytes) text = NULL, dataset = NULL, state = NULL;
  cari_comm_broadcast_bytes (comm, &text, 0);
  cari_comm_broadcast_bytes (comm, &dataset, 0);
  cari_comm_broadcast_bytes (comm, &state, 0);

  g_autoptr (CariRunConfig) cfg = cari_run_config_new (g_bytes_get_data (text, NULL), &local);
  g_autoptr (CariDataSource) source = cfg != NULL ? source_from_bytes (cfg, dataset, &local)
                                                  : NULL;
  g_autoptr (CariTrainer) trainer = source != NULL ? cari_trainer_new_shared (cfg, source, comm,
                                                                              &local)
                                                   : NULL;
  g_autoptr (CariCheckpoint) ck = trainer != NULL ? cari_checkpoint_from_bytes (state, "rank 0",
                                                                                &local)
                                                  : NULL;
  if (ck != NULL && !cari_trainer_restore (trainer, ck, &local))
    g_clear_pointer (&trainer, cari_trainer_free);
  if (!cari_comm_agree (comm, &local))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (cb->ready != NULL)
    cb->ready (NULL, trainer, cari_trainer_get_step (trainer), cb->user_data);
  /* The same steps as rank 0, which alone records them. */
  const guint64 total = (guint64) cfg->steps;
  while (cari_trainer_get_step (trainer) < total)
    {
      CariStepStats st;
      if (!cari_trainer_step (trainer, &st, error))
        return FALSE;
      if (cb->run.progress != NULL)
        cb->run.progress (&st, total, cb->run.user_data);
    }
  return TRUE;
}

int
cari_launch_execute_all (CariStore *store, const gint64 *runs, int n_runs,
                         const CariLaunchCallbacks *callbacks, GError **error)
{
  int not_finished = 0;
  for (int i = 0; i < n_runs; i++)
    {
      g_autoptr (GError) local = NULL;
      g_autoptr (CariRunInfo) info = cari_store_get_run (store, runs[i], &local);
      if (info == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return -1;
        }
      if (info->status == CARI_RUN_FINISHED || info->status == CARI_RUN_IMPORTED)
        continue;
      CariRunReport report;
      cari_launch_execute (store, runs[i], callbacks, &report, &local);
      if (report.status == CARI_RUN_FINISHED)
        continue;
      not_finished++;
      if (local != NULL && error != NULL && *error == NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      if (report.status == CARI_RUN_CANCELLED)
        break;
    }
  return not_finished;
}
