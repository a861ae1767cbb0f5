/* trainer.c — the training step, checkpoints of the whole state, validation, controls. */
#include "train/trainer.h"

#include "core/error.h"
#include "core/i18n.h"
#include "core/parallel.h"
#include "nn/optimizer.h"
#include "nn/softmax.h"
#include "train/losses.h"
#include "train/sampler.h"
#include "train/schedule.h"
#include "train/strategy.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

struct _CariTrainer
{
  CariRunConfig *cfg;      /* owned */
  CariDataSource *source;  /* borrowed */
  CariNet *net;
  CariOptimizer *opt, *opt_module;
  CariSchedule *schedule;
  CariSampler *sampler;
  float *centers;          /* verif center table [K, E], owned; NULL without center loss */
  int *indices;            /* [n], the (global) batch of this step */
  int *next;               /* [n], the next step's batch, drawn one step ahead for prefetching */
  int *identities;         /* [n_local], the identities of this rank's rows */
  /* Data-parallel: the group (borrowed; NULL in one process), this rank's share of every batch
   * — caricatures [c0, c1) and photos [p0, p1) of it — its rows' batch indices (t->indices
   * itself in one process) and their places in the batch. */
  CariComm *comm;
  int c0, c1, p0, p1, nc_local, np_local, n_local;
  int *local;
  int *row_ids;            /* [n_local]; NULL in one process */
  /* Replicas in one process (batch.replicas > 1): this trainer is replica 0 and drives the
   * others, trainers of their own on the same configuration and source, ranks of a local group
   * (owned) that step together, each on a thread of its own (cari_parallel_together). Their
   * state follows this one's: copied from it before the first step and after every restore. */
  CariTrainer **replicas;  /* [n_replicas − 1]; NULL without replicas */
  CariComm **group;        /* [n_replicas] */
  int n_replicas;
  gboolean replicas_stale;
  gboolean have_next;
  float *images;           /* [n_local, 3, S, S] */
  int *labels[CARI_N_TASKS];
  float *probs[CARI_N_TASKS];
  int n_tasks;
  CariTask order[CARI_N_TASKS]; /* present tasks in order: slot → task */
  /* Written by the thread that steps, read by any (cari_trainer_get_step, e.g. by a host that
   * pauses the run from another thread): atomic, so that the reader never sees a torn value. */
  _Atomic guint64 step;
  GHashTable *bad_images;  /* images that failed to load, as GINT_TO_POINTER (i + 1) */
  /* controls */
  GMutex mutex;
  GCond cond;
  gboolean paused;
  gint cancelled;
};

static CariTrainer *new_rank (const CariRunConfig *cfg, CariDataSource *source, CariComm *comm,
                              GError **error);

CariTrainer *
cari_trainer_new (const CariRunConfig *cfg, CariDataSource *source, GError **error)
{
  return cari_trainer_new_shared (cfg, source, NULL, error);
}

/* Replica 0 of n and the others, each a rank of a local group whose errors name no rank. */
static CariTrainer *
new_replicated (const CariRunConfig *cfg, CariDataSource *source, int n, GError **error)
{
  CariComm **group = g_new0 (CariComm *, n);
  cari_comm_local_group_new (n, group);
  for (int r = 0; r < n; r++)
    group[r]->hide_ranks = TRUE;
  CariTrainer *t = new_rank (cfg, source, group[0], error);
  if (t == NULL)
    {
      for (int r = 0; r < n; r++)
        cari_comm_free (group[r]);
      g_free (group);
      return NULL;
    }
  t->group = group;
  t->n_replicas = n;
  t->replicas = g_new0 (CariTrainer *, n - 1);
  t->replicas_stale = TRUE;
  for (int r = 1; r < n; r++)
    if ((t->replicas[r - 1] = new_rank (cfg, source, group[r], error)) == NULL)
      {
        cari_trainer_free (t);
        return NULL;
      }
  return t;
}

/* This rank's share of every batch; refused when a rank would get none of a modality the batch
 * has. */
static gboolean
share_batch (CariTrainer *t, const CariRunConfig *cfg, CariComm *comm, GError **error)
{
  const int size = cari_comm_size (comm), rank = cari_comm_rank (comm);
  if ((cfg->caricatures > 0 && cfg->caricatures < size) || (cfg->photos > 0 && cfg->photos < size))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("A batch of %d caricatures and %d photos cannot be shared by %d ranks: each "
                     "needs at least one image of each modality (batch.caricatures and "
                     "batch.photos)"),
                   cfg->caricatures, cfg->photos, size);
      return FALSE;
    }
  t->comm = size > 1 ? comm : NULL;
  cari_comm_share (cfg->caricatures, rank, size, &t->c0, &t->c1);
  cari_comm_share (cfg->photos, rank, size, &t->p0, &t->p1);
  t->nc_local = t->c1 - t->c0;
  t->np_local = t->p1 - t->p0;
  t->n_local = t->nc_local + t->np_local;
  return TRUE;
}

CariTrainer *
cari_trainer_new_shared (const CariRunConfig *cfg, CariDataSource *source, CariComm *comm,
                         GError **error)
{
  /* Replicas only in one process: a rank of a group is one network. */
  int replicas = comm == NULL ? cari_run_config_replicas (cfg, cari_parallel_get_threads ()) : 1;
  if (replicas > 1)
    return new_replicated (cfg, source, replicas, error);
  return new_rank (cfg, source, comm, error);
}

static CariTrainer *
new_rank (const CariRunConfig *cfg, CariDataSource *source, CariComm *comm, GError **error)
{
  g_autoptr (CariTrainer) t = g_new0 (CariTrainer, 1);
  CariNetConfig ncfg;
  size_t n_theta, n_psi;

  g_mutex_init (&t->mutex);
  g_cond_init (&t->cond);
  t->cfg = cari_run_config_copy (cfg);
  t->source = source;
  t->bad_images = g_hash_table_new (NULL, NULL);
  if (source->image_size != cfg->net.input_size)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Data set “%s” has %d×%d images but model.input_size is %d"), source->name,
                   source->image_size, source->image_size, cfg->net.input_size);
      return NULL;
    }
  if (!share_batch (t, cfg, comm, error))
    return NULL;
  cari_run_config_net (cfg, source->n_identities, &ncfg);
  /* A rank holds the activations of its share alone. */
  ncfg.max_caricatures = t->nc_local;
  ncfg.max_photos = t->np_local;
  t->net = cari_net_new (&ncfg, cfg->seed, error);
  if (t->net == NULL)
    return NULL;
  /* Replicas always share batch norm's statistics: what a run computes must not depend on the
   * threads it is given. */
  cari_net_set_comm (t->net, t->comm, cfg->sync_batchnorm || (comm != NULL && comm->hide_ranks));

  CariOptimizerConfig ocfg = cfg->optim;
  cari_net_params (t->net, &n_theta);
  t->opt = cari_optimizer_new (&ocfg, n_theta, error);
  if (t->opt == NULL)
    return NULL;
  if (ncfg.weight_module)
    {
      /* Ψ has no weight decay: its scale is what r bounds. */
      ocfg.weight_decay = 0.0f;
      cari_net_module_params (t->net, &n_psi);
      t->opt_module = cari_optimizer_new (&ocfg, n_psi, error);
      if (t->opt_module == NULL)
        return NULL;
    }
  if (cfg->lr_schedule != NULL)
    t->schedule = cari_schedule_new_from_string (cfg->lr_schedule, "optim.lr_schedule", error);
  else
    t->schedule = cari_schedule_new_steps (cfg->lr, cfg->lr_steps, cfg->n_lr_steps,
                                           cfg->lr_factor);
  if (t->schedule == NULL)
    return NULL;
  t->sampler = cari_sampler_new (source, cfg->caricatures, cfg->photos, cfg->balanced,
                                 cfg->seed ^ 0xba7c4e5ULL, error);
  if (t->sampler == NULL)
    return NULL;

  const int n = cfg->caricatures + cfg->photos, K = source->n_identities;
  const size_t img = (size_t) 3 * cfg->net.input_size * cfg->net.input_size;
  t->indices = g_new (int, n);
  t->next = g_new (int, n);
  t->identities = g_new (int, t->n_local);
  t->images = g_new (float, img * t->n_local);
  if (t->comm != NULL)
    {
      t->local = g_new (int, t->n_local);
      t->row_ids = g_new (int, t->n_local);
      for (int i = 0; i < t->n_local; i++)
        t->row_ids[i] = i < t->nc_local ? t->c0 + i
                                        : cfg->caricatures + t->p0 + (i - t->nc_local);
    }
  else
    t->local = t->indices;
  for (int task = 0; task < CARI_N_TASKS; task++)
    if (cfg->tasks & CARI_TASK_BIT (task))
      {
        t->order[t->n_tasks++] = (CariTask) task;
        t->labels[task] = g_new (int, n);
        t->probs[task] = g_new (float, (size_t) n * K);
      }
  if ((cfg->tasks & CARI_TASK_BIT (CARI_TASK_VERIF)) && cfg->center_weight > 0.0)
    t->centers = g_new0 (float, (size_t) K * cfg->net.embedding_size);
  return g_steal_pointer (&t);
}

void
cari_trainer_free (CariTrainer *t)
{
  if (t == NULL)
    return;
  for (int r = 0; t->replicas != NULL && r < t->n_replicas - 1; r++)
    cari_trainer_free (t->replicas[r]);
  g_free (t->replicas);
  cari_net_free (t->net);
  cari_optimizer_free (t->opt);
  cari_optimizer_free (t->opt_module);
  cari_schedule_free (t->schedule);
  cari_sampler_free (t->sampler);
  cari_run_config_free (t->cfg);
  g_free (t->centers);
  g_free (t->indices);
  g_free (t->next);
  g_free (t->identities);
  g_free (t->images);
  if (t->local != t->indices)
    g_free (t->local);
  g_free (t->row_ids);
  g_clear_pointer (&t->bad_images, g_hash_table_unref);
  for (int task = 0; task < CARI_N_TASKS; task++)
    {
      g_free (t->labels[task]);
      g_free (t->probs[task]);
    }
  g_mutex_clear (&t->mutex);
  g_cond_clear (&t->cond);
  for (int r = 0; t->group != NULL && r < t->n_replicas; r++)
    cari_comm_free (t->group[r]);
  g_free (t->group);
  g_free (t);
}

guint64
cari_trainer_get_step (const CariTrainer *t)
{
  return t->step;
}

CariNet *
cari_trainer_get_net (CariTrainer *t)
{
  return t->net;
}

const CariRunConfig *
cari_trainer_get_config (const CariTrainer *t)
{
  return t->cfg;
}

CariComm *
cari_trainer_get_comm (CariTrainer *t)
{
  /* Replicas are this trainer's business, not a group its host drives. */
  return t->replicas == NULL ? t->comm : NULL;
}

int
cari_trainer_get_replicas (const CariTrainer *t)
{
  return MAX (t->n_replicas, 1);
}

void
cari_trainer_stop_group (CariTrainer *t, const GError *error)
{
  /* Replicas wait for no step between two of this trainer's. */
  if (t->comm == NULL || t->replicas != NULL)
    return;
  g_autoptr (GError) copy = g_error_copy (error);
  cari_comm_agree (t->comm, &copy);
}

/* ---------------------------------------------------------------------------- the step */

static gboolean
diverged (GError **error, const char *what, CariTask task, guint64 step, float value)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_DIVERGED,
               _("Training diverged at step %llu: the %s of task %s is %g"),
               (unsigned long long) step, what, cari_task_to_string (task), value);
  return FALSE;
}

/* An image of the batch that loaded, to stand in for the failed row i: the next of the same
 * modality (cyclically), else the next of any; −1 when none loaded. */
static int
stand_in (const CariTrainer *t, GError **failures, int n, int i)
{
  int any = -1;
  for (int k = 1; k < n; k++)
    {
      int j = (i + k) % n;
      if (failures[j] != NULL)
        continue;
      if (t->source->modality[t->local[j]] == t->source->modality[t->local[i]])
        return j;
      any = any < 0 ? j : any;
    }
  return any;
}

static GMutex log_mutex;

/* This rank's rows of the step's batch into t->images, its unreadable images replaced by
 * others of its rows (cari_trainer_step); the count replaced in *skipped. failed[row] (may be
 * NULL) receives 1 + the image of each row of the global batch that failed. */
static gboolean
load_batch (CariTrainer *t, int *skipped, int *failed, GError **error)
{
  const int n = t->n_local;
  const size_t img = (size_t) 3 * t->cfg->net.input_size * t->cfg->net.input_size;
  g_autofree GError **failures = g_new0 (GError *, n);
  gboolean ok = cari_data_source_load_each (t->source, t->local, n, t->images, failures, error);
  int last = -1;
  for (int i = 0; ok && i < n; i++)
    if (failures[i] != NULL)
      {
        (*skipped)++;
        last = i;
        g_hash_table_add (t->bad_images, GINT_TO_POINTER (t->local[i] + 1));
        if (failed != NULL)
          failed[t->row_ids != NULL ? t->row_ids[i] : i] = t->local[i] + 1;
      }
  guint n_bad = g_hash_table_size (t->bad_images);
  if (ok && last >= 0 && n_bad > (guint) t->cfg->max_bad_images)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                   _("Images that cannot be read: %u, more than data.max_bad_images (%d); the "
                     "last: %s"),
                   n_bad, t->cfg->max_bad_images, failures[last]->message);
      ok = FALSE;
    }
  else if (ok && last >= 0 && stand_in (t, failures, n, last) < 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                   _("No image of the batch of step %llu can be read; the last: %s"),
                   (unsigned long long) t->step + 1, failures[last]->message);
      ok = FALSE;
    }
  for (int i = 0; i < n; i++)
    if (ok && failures[i] != NULL)
      {
        int j = stand_in (t, failures, n, i);
        /* Replicas load at the same time, and GLib 2.74's log writer formats the time with
         * localtime(), whose buffer is shared: one message at a time. */
        g_mutex_lock (&log_mutex);
        g_message (_("Step %llu: %s; the image is replaced by another of its batch"),
                   (unsigned long long) t->step + 1, failures[i]->message);
        g_mutex_unlock (&log_mutex);
        memcpy (t->images + i * img, t->images + j * img, img * sizeof (float));
        t->local[i] = t->local[j];
      }
  for (int i = 0; i < n; i++)
    g_clear_error (&failures[i]);
  return ok;
}

/* The labels of every branch for a batch whose rows have these identities (caricatures first);
 * −1 masks a row out. */
static void
set_labels (CariTrainer *t, const int *identities)
{
  const int nc = t->nc_local, n = t->n_local;
  for (int s = 0; s < t->n_tasks; s++)
    {
      CariTask task = t->order[s];
      int *lab = t->labels[task];
      for (int i = 0; i < n; i++)
        {
          int id = identities[i];
          if (task == CARI_TASK_VERIF)
            lab[i] = id;
          else if (task == CARI_TASK_CARI && i < nc)
            lab[i] = id;
          else if (task == CARI_TASK_VISUAL && i >= nc)
            lab[i - nc] = id;
        }
    }
}

/* Forward of t->images in training mode, the task losses, the weighting strategy and backward:
 * the network's gradients hold ∂(Σ w_i·L_i)/∂Θ and the module's ∂L4/∂Ψ (or what the strategy
 * asks), before clipping. losses and w receive L_i and w_i in slot order. */
static gboolean
forward_backward (CariTrainer *t, float *losses, float *w, GError **error)
{
  const CariRunConfig *cfg = t->cfg;
  const int K = t->source->n_identities, E = cfg->net.embedding_size;
  const int T = t->n_tasks;
  float dw_module[CARI_N_TASKS] = { 0 }, dw_trunk[CARI_N_TASKS] = { 0 };
  /* Per slot: the loss's sum over this rank's rows, then its rows; the center loss's sum. With a
   * group these are summed over the ranks, and each rank's gradients scaled by its share of the
   * rows. */
  double sums[2 * CARI_N_TASKS + 1] = { 0 };
  double *counts = sums + T, *center_sum = sums + 2 * T;
  int mine[CARI_N_TASKS];  /* this rank's rows counted by each loss */
  float share[CARI_N_TASKS];

  if (t->comm != NULL)
    cari_net_set_row_ids (t->net, t->row_ids, t->n_local);
  cari_net_forward (t->net, t->images, t->nc_local, t->np_local, TRUE);
  cari_net_zero_grad (t->net);

  for (int s = 0; s < T; s++)
    {
      CariTask task = t->order[s];
      CariHeadOutput out;
      int counted = 0;
      cari_net_head_output (t->net, task, &out);
      double ce = cari_softmax_cross_entropy_forward (t->probs[task], out.logits,
                                                      t->labels[task], out.rows, K, &counted);
      double center = 0.0;
      if (task == CARI_TASK_VERIF && t->centers != NULL)
        center = cari_center_loss_forward (out.embedding, t->labels[task], t->centers, out.rows,
                                           E);
      losses[s] = (float) ce;
      if (task == CARI_TASK_VERIF && t->centers != NULL)
        losses[s] += (float) (cfg->center_weight * center);
      sums[s] = ce * counted;
      counts[s] = mine[s] = counted;
      if (task == CARI_TASK_VERIF)
        *center_sum = center * counted;
    }
  for (int s = 0; s < T; s++)
    share[s] = 1.0f;
  if (t->comm != NULL)
    {
      /* The batch's means over every rank's rows. */
      cari_comm_allreduce_sum (t->comm, sums, 2 * (size_t) T + 1, CARI_COMM_DOUBLE);
      for (int s = 0; s < T; s++)
        {
          share[s] = counts[s] > 0 ? (float) (mine[s] / counts[s]) : 0.0f;
          losses[s] = counts[s] > 0 ? (float) (sums[s] / counts[s]) : 0.0f;
          if (t->order[s] == CARI_TASK_VERIF && t->centers != NULL && counts[s] > 0)
            losses[s] += (float) (cfg->center_weight * (*center_sum / counts[s]));
        }
    }
  for (int s = 0; s < T; s++)
    if (!isfinite (losses[s]))
      return diverged (error, _("loss"), t->order[s], t->step + 1, losses[s]);

  gboolean to_trunk = cari_strategy_apply (t->cfg, t->order, T,
                                           cari_net_task_weights (t->net, NULL), losses, w,
                                           dw_module, dw_trunk);
  for (int s = 0; s < T; s++)
    if (!isfinite (w[s]))
      return diverged (error, _("weight"), t->order[s], t->step + 1, w[s]);

  /* ∂(Σ w_i·L_i): each branch's output gradients scaled by its weight (and, in a group, by this
   * rank's share of the branch's rows: a branch's loss is the mean over the whole batch). */
  for (int s = 0; s < T; s++)
    {
      CariTask task = t->order[s];
      CariHeadOutput out;
      cari_net_head_output (t->net, task, &out);
      cari_softmax_cross_entropy_backward (cari_net_head_dlogits (t->net, task), t->probs[task],
                                           t->labels[task], out.rows, K, w[s] * share[s]);
      if (task == CARI_TASK_VERIF && t->centers != NULL)
        cari_center_loss_backward (cari_net_head_dembedding (t->net, task), out.embedding,
                                   t->labels[task], t->centers, out.rows, E,
                                   w[s] * (float) cfg->center_weight * share[s]);
    }
  if (t->opt_module != NULL)
    memcpy (cari_net_task_dweights (t->net), dw_module, sizeof (float) * T);
  cari_net_backward (t->net, to_trunk ? dw_trunk : NULL);

  return TRUE;
}

/* Gradients summed over the group, in buckets (a bucket is what one call to the group sums). */
#define GRAD_BUCKET ((size_t) 4 << 20)

static void
sum_over_group (CariComm *comm, float *g, size_t n)
{
  for (size_t done = 0; done < n; done += GRAD_BUCKET)
    cari_comm_allreduce_sum (comm, g + done, MIN (GRAD_BUCKET, n - done), CARI_COMM_FLOAT);
}

/* The center table's update from the whole batch: every rank's verif embeddings and labels in
 * their places. */
static void
update_centers (CariTrainer *t)
{
  const int K = t->source->n_identities, E = t->cfg->net.embedding_size;
  CariHeadOutput out;
  cari_net_head_output (t->net, CARI_TASK_VERIF, &out);
  if (t->comm == NULL)
    {
      cari_center_update (t->centers, out.embedding, t->labels[CARI_TASK_VERIF], out.rows, E, K,
                          (float) t->cfg->center_rate);
      return;
    }
  const int n = t->cfg->caricatures + t->cfg->photos;
  g_autofree float *emb = g_new0 (float, (size_t) n * E);
  g_autofree int *labels = g_new0 (int, n);
  for (int i = 0; i < out.rows; i++)
    {
      memcpy (emb + (size_t) t->row_ids[i] * E, out.embedding + (size_t) i * E,
              sizeof (float) * E);
      labels[t->row_ids[i]] = t->labels[CARI_TASK_VERIF][i];
    }
  /* Each row comes from one rank and is 0 elsewhere: the sums are exact. */
  cari_comm_allreduce_sum (t->comm, emb, (size_t) n * E, CARI_COMM_FLOAT);
  cari_comm_allreduce_sum (t->comm, labels, n, CARI_COMM_INT);
  cari_center_update (t->centers, emb, labels, n, E, K, (float) t->cfg->center_rate);
}

static gboolean
step_rank (CariTrainer *t, CariStepStats *st, GError **error)
{
  const CariRunConfig *cfg = t->cfg;
  const int nc = cfg->caricatures, np = cfg->photos, n = nc + np;
  const int T = t->n_tasks;
  const gint64 t0 = g_get_monotonic_time ();
  float losses[CARI_N_TASKS] = { 0 }, w[CARI_N_TASKS] = { 0 };
  int skipped = 0;
  size_t n_theta, n_psi;
  g_autoptr (GError) local = NULL;
  g_autofree int *failed = t->comm != NULL ? g_new0 (int, n) : NULL;
  gboolean drawn = FALSE;

  cari_comm_take_seconds (t->comm);
  if (cari_trainer_is_cancelled (t))
    g_set_error (&local, CARI_ERROR, CARI_ERROR_CANCELLED, _("Training was cancelled"));
  else
    {
      /* The batch (drawn a step ahead), the next one handed to the loader to prefetch while this
       * one trains (this rank's rows of both), and the labels per branch (−1 masks a row
       * out). */
      if (!t->have_next)
        cari_sampler_next (t->sampler, t->next);
      memcpy (t->indices, t->next, sizeof (int) * n);
      cari_sampler_next (t->sampler, t->next);
      t->have_next = TRUE;
      drawn = TRUE;
      if (t->comm != NULL)
        {
          g_autofree int *ahead = g_new (int, t->n_local);
          for (int i = 0; i < t->n_local; i++)
            {
              t->local[i] = t->indices[t->row_ids[i]];
              ahead[i] = t->next[t->row_ids[i]];
            }
          cari_data_source_prefetch (t->source, ahead, t->n_local);
        }
      else
        cari_data_source_prefetch (t->source, t->next, n);
      load_batch (t, &skipped, failed, &local);
    }
  /* Every rank goes on, or none: a rank's failure or cancellation stops the group at this
   * step, with its rank and reason. */
  gboolean go_on = local == NULL;
  if (t->comm != NULL)
    go_on = cari_comm_agree (t->comm, &local);
  if (!go_on)
    {
      /* Draw this batch again on a retry. */
      if (drawn)
        memcpy (t->next, t->indices, sizeof (int) * n);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (t->comm != NULL)
    {
      /* Every rank's unreadable images count against data.max_bad_images everywhere. */
      cari_comm_allreduce_sum (t->comm, failed, n, CARI_COMM_INT);
      skipped = 0;
      for (int i = 0; i < n; i++)
        if (failed[i] > 0)
          {
            skipped++;
            g_hash_table_add (t->bad_images, GINT_TO_POINTER (failed[i]));
          }
      /* The same set on every rank, so the same verdict. */
      guint n_bad = g_hash_table_size (t->bad_images);
      if (skipped > 0 && n_bad > (guint) cfg->max_bad_images)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                       _("Images that cannot be read: %u, more than data.max_bad_images (%d)"),
                       n_bad, cfg->max_bad_images);
          return FALSE;
        }
    }
  for (int i = 0; i < t->n_local; i++)
    t->identities[i] = t->source->identity[t->local[i]];
  set_labels (t, t->identities);
  if (!forward_backward (t, losses, w, error))
    return FALSE;

  /* Sum the ranks' shares of the gradients, clip, then update Θ and Ψ with the scheduled
   * rates. */
  float *theta = cari_net_params (t->net, &n_theta);
  float *dtheta = cari_net_grads (t->net, &n_theta);
  if (t->comm != NULL)
    {
      sum_over_group (t->comm, dtheta, n_theta);
      if (t->opt_module != NULL)
        {
          float *dpsi = cari_net_module_grads (t->net, &n_psi);
          sum_over_group (t->comm, dpsi, n_psi);
        }
    }
  double norm = cari_clip_global_norm (&dtheta, &n_theta, 1, cfg->clip_norm);
  if (!isfinite (norm))
    return diverged (error, _("gradient norm"), t->order[0], t->step + 1, (float) norm);
  double lr = cari_schedule_rate (t->schedule, (long) t->step), module_lr = 0.0;
  cari_optimizer_step (t->opt, theta, dtheta, (float) lr);
  if (t->opt_module != NULL)
    {
      float *psi = cari_net_module_params (t->net, &n_psi);
      float *dpsi = cari_net_module_grads (t->net, &n_psi);
      cari_clip_global_norm (&dpsi, &n_psi, 1, cfg->clip_norm);
      module_lr = cfg->lr > 0.0 ? cari_run_config_module_lr (cfg) * lr / cfg->lr
                                : cari_run_config_module_lr (cfg);
      cari_optimizer_step (t->opt_module, psi, dpsi, (float) module_lr);
    }
  if (t->centers != NULL)
    update_centers (t);
  t->step++;

  if (st != NULL)
    {
      memset (st, 0, sizeof *st);
      st->step = t->step;
      st->lr = (float) lr;
      st->module_lr = (float) module_lr;
      st->grad_norm = (float) norm;
      st->skipped_images = skipped;
      for (int s = 0; s < T; s++)
        {
          CariTask task = t->order[s];
          st->present[task] = TRUE;
          st->loss[task] = losses[s];
          st->weight[task] = w[s];
          st->total += w[s] * losses[s];
        }
      if (t->opt_module != NULL)
        st->l4 = (float) cari_l4_forward (w, losses, T, cfg->epsilon);
      st->seconds = (double) (g_get_monotonic_time () - t0) * 1e-6;
      st->comm_seconds = cari_comm_take_seconds (t->comm);
    }
  return TRUE;
}

/* ---------------------------------------------------------------------------- replicas */

/* The replicas take replica 0's state, whole: before the first step (the host may have changed
 * its weights, e.g. loaded another tool's) and after a restore or an initialisation. */
static gboolean
sync_replicas (CariTrainer *t, GError **error)
{
  g_autoptr (CariCheckpoint) ck = cari_trainer_checkpoint (t);
  for (int r = 0; r < t->n_replicas - 1; r++)
    if (!cari_trainer_restore (t->replicas[r], ck, error))
      return FALSE;
  t->replicas_stale = FALSE;
  return TRUE;
}

typedef struct
{
  CariTrainer *t;
  CariStepStats *st;
  gboolean *ok;
  GError **errors;
} ReplicaStep;

static void
replica_step (gpointer data, size_t r, size_t end)
{
  ReplicaStep *job = data;
  CariTrainer *t = r == 0 ? job->t : job->t->replicas[r - 1];
  job->ok[r] = step_rank (t, r == 0 ? job->st : NULL, &job->errors[r]);
}

gboolean
cari_trainer_step (CariTrainer *t, CariStepStats *st, GError **error)
{
  if (t->replicas == NULL)
    return step_rank (t, st, error);
  if (t->replicas_stale && !sync_replicas (t, error))
    return FALSE;
  const int n = t->n_replicas;
  g_autofree gboolean *ok = g_new0 (gboolean, n);
  g_autofree GError **errors = g_new0 (GError *, n);
  ReplicaStep job = { t, st, ok, errors };
  cari_parallel_together (n, replica_step, &job);
  /* The replicas agree on every failure (cari_comm_agree): replica 0's error is the step's. */
  if (!ok[0])
    g_propagate_error (error, g_steal_pointer (&errors[0]));
  for (int r = 0; r < n; r++)
    g_clear_error (&errors[r]);
  if (st != NULL)
    st->comm_seconds = 0.0;
  return ok[0];
}

gboolean
cari_trainer_gradients (CariTrainer *t, const float *images, const int *identities,
                        CariStepStats *st, GError **error)
{
  if (t->replicas != NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The gradients of a given batch need batch.replicas = 1"));
      return FALSE;
    }
  const CariRunConfig *cfg = t->cfg;
  const int n = cfg->caricatures + cfg->photos, S = cfg->net.input_size;
  const int K = t->source->n_identities;
  float losses[CARI_N_TASKS] = { 0 }, w[CARI_N_TASKS] = { 0 };

  for (int i = 0; i < n; i++)
    if (identities[i] < 0 || identities[i] >= K)
      {
        g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("Row %d of the batch has identity %d, outside 0 … %d"), i, identities[i],
                     K - 1);
        return FALSE;
      }
  memcpy (t->images, images, (size_t) n * 3 * S * S * sizeof (float));
  set_labels (t, identities);
  if (!forward_backward (t, losses, w, error))
    return FALSE;
  if (st != NULL)
    {
      memset (st, 0, sizeof *st);
      st->step = t->step;
      for (int s = 0; s < t->n_tasks; s++)
        {
          CariTask task = t->order[s];
          st->present[task] = TRUE;
          st->loss[task] = losses[s];
          st->weight[task] = w[s];
          st->total += w[s] * losses[s];
        }
      if (t->opt_module != NULL)
        st->l4 = (float) cari_l4_forward (w, losses, t->n_tasks, cfg->epsilon);
    }
  return TRUE;
}

const float *
cari_trainer_center_table (CariTrainer *t, int *n_rows, int *n_cols)
{
  if (n_rows != NULL)
    *n_rows = t->centers != NULL ? t->source->n_identities : 0;
  if (n_cols != NULL)
    *n_cols = t->centers != NULL ? t->cfg->net.embedding_size : 0;
  return t->centers;
}

/* ---------------------------------------------------------------------------- checkpoints */

static int
compare_ints (gconstpointer a, gconstpointer b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

CariCheckpoint *
cari_trainer_checkpoint (CariTrainer *t)
{
  CariCheckpoint *ck = cari_checkpoint_new ();
  g_autofree char *text = cari_run_config_to_text (t->cfg);
  g_autoptr (GBytes) sampler = cari_sampler_save (t->sampler);
  size_t len;
  const void *data = g_bytes_get_data (sampler, &len);

  cari_checkpoint_add_net (ck, t->net);
  cari_checkpoint_add_optimizer (ck, "OPTN", t->opt);
  if (t->opt_module != NULL)
    cari_checkpoint_add_optimizer (ck, "OPTW", t->opt_module);
  cari_checkpoint_add_u64 (ck, "STEP", t->step);
  cari_checkpoint_add_string (ck, "CONF", text);
  cari_checkpoint_add (ck, "SMPL", data, len);
  if (t->have_next)
    cari_checkpoint_add (ck, "NEXT", t->next,
                         sizeof (int) * (size_t) (t->cfg->caricatures + t->cfg->photos));
  /* The images that failed to load so far, in order: they count against data.max_bad_images
   * after a resume too. */
  guint n_bad = g_hash_table_size (t->bad_images);
  if (n_bad > 0)
    {
      g_autofree int *bad = g_new (int, n_bad);
      GHashTableIter it;
      gpointer key;
      guint k = 0;
      g_hash_table_iter_init (&it, t->bad_images);
      while (g_hash_table_iter_next (&it, &key, NULL))
        bad[k++] = GPOINTER_TO_INT (key) - 1;
      qsort (bad, n_bad, sizeof (int), compare_ints);
      cari_checkpoint_add (ck, "BADI", bad, sizeof (int) * n_bad);
    }
  if (t->centers != NULL)
    cari_checkpoint_add (ck, "CNTV", t->centers,
                         sizeof (float) * (size_t) t->source->n_identities
                           * t->cfg->net.embedding_size);
  return ck;
}

gboolean
cari_trainer_restore (CariTrainer *t, const CariCheckpoint *ck, GError **error)
{
  guint64 step;
  size_t len, n_centers = 0, n_bad = 0;
  const void *smpl = cari_checkpoint_get (ck, "SMPL", &len);
  const int *bad = cari_checkpoint_get (ck, "BADI", &n_bad);
  const void *centers = t->centers != NULL ? cari_checkpoint_get (ck, "CNTV", &n_centers) : NULL;
  const char *path = cari_checkpoint_get_path (ck);

  /* Check what can be checked before changing anything. */
  if (!cari_checkpoint_get_u64 (ck, "STEP", &step, error))
    return FALSE;
  if (smpl == NULL || (t->centers != NULL
                       && (centers == NULL
                           || n_centers != sizeof (float) * (size_t) t->source->n_identities
                                             * t->cfg->net.embedding_size)))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("Checkpoint “%s” lacks the sampler position or the center table of this "
                     "run"),
                   path != NULL ? path : "");
      return FALSE;
    }
  gboolean bad_ok = n_bad % sizeof (int) == 0;
  for (size_t k = 0; bad != NULL && bad_ok && k < n_bad / sizeof (int); k++)
    bad_ok = bad[k] >= 0 && bad[k] < t->source->n_images;
  if (!bad_ok)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("Checkpoint “%s” names images this data set does not have"),
                   path != NULL ? path : "");
      return FALSE;
    }
  /* The sampler and optimisers check themselves; the network last, as it validates fully
   * before writing. A failure part-way leaves a trainer that must not be used: callers drop
   * it. */
  g_autoptr (GBytes) bytes = g_bytes_new (smpl, len);
  if (!cari_sampler_restore (t->sampler, bytes, error)
      || !cari_checkpoint_restore_optimizer (ck, "OPTN", t->opt, error)
      || (t->opt_module != NULL
          && !cari_checkpoint_restore_optimizer (ck, "OPTW", t->opt_module, error))
      || !cari_checkpoint_restore_net (ck, t->net, error))
    return FALSE;
  if (t->centers != NULL)
    memcpy (t->centers, centers, n_centers);
  size_t n_next;
  const void *next = cari_checkpoint_get (ck, "NEXT", &n_next);
  t->have_next = next != NULL
                 && n_next == sizeof (int) * (size_t) (t->cfg->caricatures + t->cfg->photos);
  if (t->have_next)
    memcpy (t->next, next, n_next);
  g_hash_table_remove_all (t->bad_images);
  for (size_t k = 0; bad != NULL && k < n_bad / sizeof (int); k++)
    g_hash_table_add (t->bad_images, GINT_TO_POINTER (bad[k] + 1));
  t->step = step;
  t->replicas_stale = t->replicas != NULL;
  return TRUE;
}

/* Tensors of the checkpoint by name: TNSR lists "name offset size buffer" lines over PARM/BUFS.
 * Written by cari_checkpoint_add_net's caller below for cross-architecture initialisation. */
gboolean
cari_trainer_init_from (CariTrainer *t, const CariCheckpoint *ck, gboolean branches_from_visual,
                        GError **error)
{
  g_autofree char *names = cari_checkpoint_get_string (ck, "TNSR", error);
  size_t len_p, len_b, n_infos;
  const float *parm, *bufs;
  const char *path = cari_checkpoint_get_path (ck);
  int copied = 0;

  if (names == NULL)
    return FALSE;
  parm = cari_checkpoint_get (ck, "PARM", &len_p);
  bufs = cari_checkpoint_get (ck, "BUFS", &len_b);
  if (parm == NULL || bufs == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                   _("Checkpoint “%s” has no parameters to start from"), path ? path : "");
      return FALSE;
    }
  const CariParamInfo *infos = cari_net_param_infos (t->net, &n_infos);
  gboolean from_checkpoint = branches_from_visual
                             && !cari_net_has_task (t->net, CARI_TASK_VISUAL);
  g_auto (GStrv) lines = g_strsplit (names, "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], " ", -1);
      if (g_strv_length (f) != 4)
        continue;
      guint64 offset = g_ascii_strtoull (f[1], NULL, 10), size = g_ascii_strtoull (f[2], NULL, 10);
      gboolean buffer = f[3][0] == '1';
      const float *base = buffer ? bufs : parm;
      size_t limit = (buffer ? len_b : len_p) / sizeof (float);
      if (offset > limit || size > limit - offset)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                       _("Checkpoint “%s”: tensor “%s” lies outside its section"),
                       path ? path : "", f[0]);
          return FALSE;
        }
      /* A network without `visual` (a single-task cari or verif model) takes the checkpoint's
       * visual branch as its own branches, as the pretraining's visual branch starts them. */
      g_autofree char *as_verif = NULL, *as_cari = NULL;
      if (from_checkpoint && g_str_has_prefix (f[0], "visual/"))
        {
          as_verif = g_strconcat ("verif/", f[0] + strlen ("visual/"), NULL);
          as_cari = g_strconcat ("cari/", f[0] + strlen ("visual/"), NULL);
        }
      for (size_t k = 0; k < n_infos; k++)
        if (infos[k].buffer == buffer && infos[k].size == size && !infos[k].module
            && (strcmp (infos[k].name, f[0]) == 0 || g_strcmp0 (infos[k].name, as_verif) == 0
                || g_strcmp0 (infos[k].name, as_cari) == 0))
          {
            memcpy (infos[k].param, base + offset, size * sizeof (float));
            copied++;
          }
    }
  if (copied == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("Checkpoint “%s” shares no tensor with this network"), path ? path : "");
      return FALSE;
    }
  g_debug ("initialised %d tensors from %s", copied, path ? path : "a checkpoint");
  t->replicas_stale = t->replicas != NULL;
  if (branches_from_visual && !from_checkpoint)
    return cari_net_init_branches_from_visual (t->net, error);
  return TRUE;
}

/* ---------------------------------------------------------------------------- validation */

GHashTable *
cari_trainer_validate (CariTrainer *t, GError **error)
{
  const int K = t->source->n_identities;
  const size_t img = (size_t) 3 * t->cfg->net.input_size * t->cfg->net.input_size;
  g_autoptr (GHashTable) results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          g_free);
  const struct
  {
    CariTask task;
    int modality;
    const char *key;
  } checks[] = {
    { CARI_TASK_CARI, CARI_MODALITY_CARICATURE, "val/cari_acc" },     /* C2C */
    { CARI_TASK_VISUAL, CARI_MODALITY_PHOTO, "val/visual_acc" },      /* V2V */
    { CARI_TASK_VISUAL, CARI_MODALITY_CARICATURE, "val/v2c_acc" },    /* Fig. 2's V2C */
    { CARI_TASK_CARI, CARI_MODALITY_PHOTO, "val/c2v_acc" },           /* and C2V */
    { CARI_TASK_VERIF, -1, "val/verif_acc" },
  };

  for (size_t c = 0; c < G_N_ELEMENTS (checks); c++)
    {
      int n;
      if (!cari_net_has_task (t->net, checks[c].task))
        continue;
      g_autofree int *idx = cari_data_source_select (t->source, CARI_ROLE_VALIDATION,
                                                     checks[c].modality, &n);
      if (n == 0)
        continue;
      g_autofree float *images = g_new (float, img * n);
      g_autofree float *probs = g_new (float, (size_t) n * K);
      g_autofree GError **failures = g_new0 (GError *, n);
      gboolean loaded = cari_data_source_load_each (t->source, idx, n, images, failures, error);
      /* The images read, packed to the front. */
      int read = 0;
      for (int i = 0; i < n; i++)
        {
          if (failures[i] == NULL)
            {
              memmove (images + read * img, images + i * img, img * sizeof (float));
              idx[read++] = idx[i];
            }
          g_clear_error (&failures[i]);
        }
      if (!loaded)
        return NULL;
      if (read == 0)
        continue;
      if (!cari_net_infer (t->net, checks[c].task, images, read, NULL, probs, error))
        return NULL;
      int right = 0;
      for (int i = 0; i < read; i++)
        {
          int best = 0;
          for (int k = 1; k < K; k++)
            if (probs[(size_t) i * K + k] > probs[(size_t) i * K + best])
              best = k;
          right += best == t->source->identity[idx[i]];
        }
      double *v = g_new (double, 1);
      *v = (double) right / read;
      g_hash_table_insert (results, g_strdup (checks[c].key), v);
    }
  return g_steal_pointer (&results);
}

/* ---------------------------------------------------------------------------- controls */

void
cari_trainer_pause (CariTrainer *t)
{
  g_mutex_lock (&t->mutex);
  t->paused = TRUE;
  g_mutex_unlock (&t->mutex);
}

void
cari_trainer_resume (CariTrainer *t)
{
  g_mutex_lock (&t->mutex);
  t->paused = FALSE;
  g_cond_broadcast (&t->cond);
  g_mutex_unlock (&t->mutex);
}

void
cari_trainer_cancel (CariTrainer *t)
{
  g_atomic_int_set (&t->cancelled, 1);
  g_mutex_lock (&t->mutex);
  g_cond_broadcast (&t->cond);
  g_mutex_unlock (&t->mutex);
}

gboolean
cari_trainer_is_paused (CariTrainer *t)
{
  g_mutex_lock (&t->mutex);
  gboolean paused = t->paused;
  g_mutex_unlock (&t->mutex);
  return paused;
}

gboolean
cari_trainer_is_cancelled (CariTrainer *t)
{
  return g_atomic_int_get (&t->cancelled) != 0;
}

gboolean
cari_trainer_wait_if_paused (CariTrainer *t)
{
  g_mutex_lock (&t->mutex);
  while (t->paused && !cari_trainer_is_cancelled (t))
    g_cond_wait (&t->cond, &t->mutex);
  g_mutex_unlock (&t->mutex);
  return !cari_trainer_is_cancelled (t);
}
